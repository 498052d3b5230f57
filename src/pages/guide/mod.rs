//! The Guide page: IoTDA's onboarding steps as a checklist, each with what
//! to do, why, the OpenSSL / MQTT.fx equivalents, a live check of what the
//! other pages left in the workspace and the user's own tick.
//!
//! Its steps are done in Huawei's IoTDA console or, when the app is served
//! by `iotda-kit platform`, on the Platform page ([`Target`]). The checks
//! read the typed workspace ([`crate::store::guide::Seen`]) and, on the
//! local platform, the platform's state ([`local`]); the words come from `static/guide.{en,zh}.json`, fetched when the Guide
//! opens (and again when the language changes), so that the first load
//! holds none of them ([`crate::store::guide::GuideText`]).

mod local;
mod prose;
mod step;
mod target;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_i18n::{use_lang, use_say, use_texts};
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Lang;
use crate::messages::keys::guide as said;
use crate::messages::Msg;
use crate::pages::platform::{probe, Api};
use crate::store::connect::ConnectForm;
use crate::store::guide::{GuideText, Seen, StepId, Target};
use crate::store::Workspace;
use crate::web::fetch;
use iotda_core::text::Message;
use local::LocalSteps;
use prose::Prose;
use step::Step;
use target::TargetChoice;

/// What the page shows.
#[derive(Clone, PartialEq)]
enum View {
    Loading,
    Text(Rc<GuideText>),
    Failed(Msg),
}

/// What the Guide checks, from the workspace. The device secret is not in
/// it: the Register step's copy button takes it from the workspace.
pub(super) fn seen(workspace: &Workspace) -> Seen {
    let connect = ConnectForm {
        secret: String::new(),
        ..workspace.connect.form.clone()
    };
    Seen {
        connect: (connect != ConnectForm::default()).then_some(connect),
        model: workspace.model.clone(),
        issued: workspace.certs.issued.clone(),
        code: workspace.certs.form.code.clone(),
        has_secret: !workspace.connect.secret().is_empty(),
    }
}

/// The guide's text in `lang`, fetched.
async fn fetch_text(lang: Lang) -> Result<GuideText, Msg> {
    let bytes = fetch::fetch_bytes(GuideText::url(lang))
        .await
        .map_err(Msg)?;
    GuideText::from_json(&bytes).map_err(|e| {
        Msg(Message::new(said::NOT_JSON).with_message("why", crate::messages::json(&e)))
    })
}

/// The Guide page.
#[component]
pub fn GuidePage() -> Html {
    let t = use_texts();
    let say = use_say();
    let lang = use_lang();
    let workspace = use_workspace();
    let view = use_state(|| View::Loading);
    // Whether the local platform served the app (`None`: not known yet).
    let served = use_state(|| None::<Option<Api>>);
    {
        let served = served.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { served.set(Some(probe().await)) });
        });
    }
    // The number of the last fetch: an answer to an earlier one (in
    // another language) is dropped.
    let last = use_mut_ref(|| 0u32);
    {
        let view = view.clone();
        use_effect_with(lang, move |lang| {
            let id = last.borrow().wrapping_add(1);
            *last.borrow_mut() = id;
            view.set(View::Loading);
            let lang = *lang;
            let last: Rc<RefCell<u32>> = last.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = fetch_text(lang).await;
                if *last.borrow() == id {
                    view.set(match fetched {
                        Ok(text) => View::Text(Rc::new(text)),
                        Err(e) => View::Failed(e),
                    });
                }
            });
        });
    }
    let text = match &*view {
        View::Loading => {
            return html! { <p class="banner intro" role="status">{ t.nav_guide() }{ " …" }</p> }
        }
        View::Failed(e) => {
            return html! {
                <p class="banner warning" id="guide-error" role="alert">{ format!("{}: {}", t.nav_guide(), say.say(e)) }</p>
            }
        }
        View::Text(text) => text.clone(),
    };
    // The local platform's steps only when it served the app.
    let api = (*served).clone().flatten();
    let target = match (&api, workspace.guide.target) {
        (Some(_), Target::Local) => Target::Local,
        _ => Target::Huawei,
    };
    html! {
        <div class="guide"><div class="page">
            <div class="banner intro" id="guide-intro">
                <Prose text={text.get("intro")} guide={text.clone()} />
            </div>
            <TargetChoice {target} served={served.as_ref().map(Option::is_some)} guide={text.clone()} />
            if let (Target::Local, Some(api)) = (target, api) {
                <LocalSteps {api} guide={text.clone()} />
            } else {
                <HuaweiSteps guide={text.clone()} />
            }
        </div></div>
    }
}

/// Props of [`HuaweiSteps`].
#[derive(Properties, PartialEq)]
struct HuaweiStepsProps {
    guide: Rc<GuideText>,
}

/// The steps in Huawei's IoTDA console, checked against the workspace.
#[component]
fn HuaweiSteps(props: &HuaweiStepsProps) -> Html {
    let workspace = use_workspace();
    let seen = seen(&workspace);
    html! {
        { for StepId::ALL.into_iter().enumerate().map(|(n, id)| html! {
            <Step key={id.key()} number={n + 1} {id} check={seen.check(id)}
                  done={workspace.guide.done(id)} guide={props.guide.clone()} target={Target::Huawei} />
        }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Secret;

    /// Regression (issue 17, item 13): neither the secret typed in this
    /// tab nor a remembered one is in what the Guide checks and shows; the
    /// Register step still offers to copy it.
    #[test]
    fn the_device_secret_is_not_in_what_the_guide_checks() {
        for (typed, remembered) in [("typed-s3cr3t", ""), ("", "remembered-s3cr3t")] {
            let mut workspace = Workspace::default();
            workspace.connect.form.device_id = "5f8d_node1".into();
            workspace.connect.form.remember_secret = !remembered.is_empty();
            workspace.connect.form.secret = remembered.into();
            workspace.connect.secret = Secret::new(typed);
            let seen = seen(&workspace);
            assert!(seen.has_secret);
            let checks: Vec<_> = StepId::ALL.map(|s| seen.check(s)).into();
            let shown = format!("{seen:?} {checks:?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            let register = seen.check(StepId::Register);
            assert!(register
                .shown
                .iter()
                .any(|s| s.label == crate::store::guide::Label::Secret && s.copy));
        }
    }

    #[test]
    fn a_new_users_workspace_is_nothing_done() {
        let seen = seen(&Workspace::default());
        assert!(seen.connect.is_none() && seen.model.is_none() && !seen.has_secret);
    }
}
