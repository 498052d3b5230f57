//! One step of the Guide: its prose, the live check of what the app sees
//! (a verdict, notes, values with copy buttons, a link to the page that
//! does it) and the user's tick.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::prose::Prose;
use crate::components::value_row::ValueRow;
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Texts;
use crate::route::Route;
use crate::store::guide::{Check, GuideText, Label, Status, StepId, Target};
use crate::store::WorkspaceAction;

/// Props of [`Step`].
#[derive(Properties, PartialEq)]
pub struct StepProps {
    /// Its number in the guide (from 1).
    pub number: usize,
    /// Which step.
    pub id: StepId,
    /// What the app sees of it.
    pub check: Check,
    /// Whether the user ticked it.
    pub done: bool,
    /// The guide's text.
    pub guide: Rc<GuideText>,
    /// Where the steps are done.
    pub target: Target,
}

/// The page a step's check links to, and its name: on the local platform,
/// the Platform page but for the device certificate.
fn page_of(step: StepId, target: Target, t: &Texts) -> (Route, &'static str) {
    match (target, step) {
        (Target::Local, StepId::Device) => (Route::Certificates, t.nav_certificates()),
        (Target::Local, _) => (Route::Platform, t.nav_platform()),
        (Target::Huawei, step) => huawei_page_of(step, t),
    }
}

/// The page a step's check links to for Huawei's IoTDA.
fn huawei_page_of(step: StepId, t: &Texts) -> (Route, &'static str) {
    match step {
        StepId::Access => (Route::Connect, t.nav_connection()),
        StepId::Product => (Route::Model, t.nav_model()),
        StepId::Ca | StepId::Verification | StepId::Device | StepId::Register => {
            (Route::Certificates, t.nav_certificates())
        }
        StepId::Connect | StepId::Report => (Route::Console, t.nav_console()),
    }
}

/// A step as a card.
#[component]
pub fn Step(props: &StepProps) -> Html {
    let key = props.id.key();
    let guide = &props.guide;
    let title = format!("{}. {}", props.number, guide.get(&format!("{key}.title")));
    let what = match props.target {
        Target::Huawei => format!("{key}.what"),
        Target::Local => format!("local.{key}.what"),
    };
    html! {
        <section class="card wide" id={format!("guide-{key}")} aria-labelledby={format!("guide-{key}-title")}>
            <h2 id={format!("guide-{key}-title")}>{ title }</h2>
            <div class="checks">
                <div class="guide-what"><Prose text={guide.get(&what)} guide={guide.clone()} /></div>
                <div class="guide-tools"><Prose text={guide.get(&format!("{key}.tools"))} guide={guide.clone()} /></div>
            </div>
            <CheckView id={props.id} check={props.check.clone()} guide={guide.clone()} target={props.target} />
            <Tick id={props.id} done={props.done} label={guide.get("ui.tick")} />
        </section>
    }
}

/// Props of [`CheckView`].
#[derive(Properties, PartialEq)]
pub struct CheckViewProps {
    /// Which step.
    pub id: StepId,
    /// What the app sees of it.
    pub check: Check,
    /// The guide's text.
    pub guide: Rc<GuideText>,
    /// Where the steps are done.
    pub target: Target,
}

/// "What this app sees": the verdict, the notes, the values (the secret
/// as dots, copied from the workspace) and the link to the page.
#[component]
pub fn CheckView(props: &CheckViewProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let key = props.id.key();
    let guide = &props.guide;
    let (class, status) = match props.check.status {
        Status::Done => ("badge ok", "ui.done"),
        Status::Warn => ("badge warn", "ui.warn"),
        Status::Todo => ("badge hint", "ui.todo"),
    };
    let (route, page) = page_of(props.id, props.target, t);
    let rows = props.check.shown.iter().map(|shown| {
        let (value, dots) = if shown.label == Label::Secret {
            (
                workspace.connect.secret().to_owned(),
                Some(AttrValue::Static("••••••••")),
            )
        } else {
            (shown.text.clone(), None)
        };
        html! {
            <ValueRow id={format!("guide-{key}-{}", shown.label.key())}
                      label={guide.get(&format!("label.{}", shown.label.key()))}
                      value={Some(AttrValue::from(value))} shown={dots} copy={shown.copy} />
        }
    });
    html! {
        <section class="guide-check" aria-labelledby={format!("guide-{key}-seen")}>
            <h3 id={format!("guide-{key}-seen")}>
                { guide.get("ui.seen") }{ " " }
                <span {class} id={format!("guide-{key}-status")}>{ guide.get(status) }</span>
            </h3>
            <ul class="guide-notes">
                { for props.check.notes.iter().map(|n| html! { <li>{ guide.get(&format!("note.{}", n.key())) }</li> }) }
            </ul>
            { for rows }
            <p><Link<Route> to={route}>{ "→ " }{ page }</Link<Route>></p>
        </section>
    }
}

/// Props of [`Tick`].
#[derive(Properties, PartialEq)]
pub struct TickProps {
    /// Which step.
    pub id: StepId,
    /// Whether it is ticked.
    pub done: bool,
    /// "I have done this step".
    pub label: AttrValue,
}

/// The user's own record of a step, kept in the workspace.
#[component]
pub fn Tick(props: &TickProps) -> Html {
    let workspace = use_workspace();
    let key = props.id.key();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        workspace.dispatch(WorkspaceAction::Tick(key.to_owned(), input.checked()));
    });
    html! {
        <div class="field checkbox">
            <input type="checkbox" id={format!("guide-{key}-done")} checked={props.done} {onchange} />
            <label for={format!("guide-{key}-done")}>{ props.label.clone() }</label>
        </div>
    }
}
