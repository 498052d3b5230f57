//! The Guide's target: Huawei's IoTDA console or the local platform's
//! Platform page. The local platform is offered only when it served the
//! app; otherwise the Guide says how to start it.

use std::rc::Rc;

use yew::prelude::*;

use super::prose::Prose;
use crate::hooks::use_workspace::use_workspace;
use crate::store::guide::{GuideText, Target};
use crate::store::WorkspaceAction;

/// Props of [`TargetChoice`].
#[derive(Properties, PartialEq)]
pub struct TargetChoiceProps {
    /// The target chosen (stored in the workspace).
    pub target: Target,
    /// Whether the local platform served the app (`None`: not known yet).
    pub served: Option<bool>,
    /// The guide's text.
    pub guide: Rc<GuideText>,
}

/// Two radio buttons, and what the local platform's mode needs said.
#[component]
pub fn TargetChoice(props: &TargetChoiceProps) -> Html {
    let workspace = use_workspace();
    let guide = &props.guide;
    let served = props.served == Some(true);
    let option = |target: Target| {
        let workspace = workspace.clone();
        let onchange = Callback::from(move |_: Event| {
            workspace.dispatch(WorkspaceAction::GuideTarget(target))
        });
        let id = format!("guide-target-{}", target.key());
        let disabled = target == Target::Local && !served;
        html! {
            <label for={id.clone()}>
                <input type="radio" name="guide-target" id={id} {onchange} {disabled}
                       checked={props.target == target && !disabled} />
                { guide.get(&format!("ui.target.{}", target.key())) }
            </label>
        }
    };
    html! {
        <section class="card wide" id="guide-target" aria-labelledby="guide-target-heading">
            <h2 id="guide-target-heading">{ guide.get("ui.target") }</h2>
            <div class="choice" role="radiogroup" aria-labelledby="guide-target-heading">
                { for Target::ALL.into_iter().map(option) }
            </div>
            if props.served == Some(false) {
                <div class="hint" id="guide-not-served"><Prose text={guide.get("local.not_served")} guide={guide.clone()} /></div>
            } else if served && props.target == Target::Local {
                <div class="hint" id="guide-local-intro"><Prose text={guide.get("local.intro")} guide={guide.clone()} /></div>
            }
        </section>
    }
}
