//! The Guide page: IoTDA's onboarding steps as a checklist, each with what
//! to do, why, the OpenSSL / MQTT.fx equivalents, a live check of what the
//! other pages left in this browser and the user's own tick.
//!
//! The page itself is thin, because its wasm is the first load: it hands
//! what the workspace holds to the simulator's worker, which fetches the guide's
//! text in the chosen language (`static/guide.{en,zh}.json`), checks the
//! steps and writes the HTML ([`crate::state::guide::render`]); the page
//! shows that HTML. Its copy buttons, tick boxes and links are handled
//! here by delegation.

use crate::messages::Msg;
use gloo_timers::callback::Timeout;
use serde::Serialize;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{use_lang, use_say, use_texts, Route};
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Lang;
use crate::state::guide::GuideInput;
use crate::state::simulator::{SimRequest, SimResponse};
use crate::store::{Workspace, WorkspaceAction};
use crate::web::clipboard;
use crate::worker::client::SimWorker;

/// What the page shows.
#[derive(Clone, PartialEq)]
enum View {
    Loading,
    Html(AttrValue),
    Failed(Msg),
}

/// A part of the workspace as JSON text; `None` while it is as a new
/// user's (nothing done there yet).
fn part<T: Serialize + Default + PartialEq>(value: &T) -> Option<String> {
    (*value != T::default())
        .then(|| serde_json::to_string(value).ok())
        .flatten()
}

/// What the workspace holds, for the worker ([`GuideInput`]), as JSON
/// text: the worker parses it, so the page's wasm holds no reader of it.
/// The device secret stays here: the worker learns only that there is one,
/// and the Guide's copy button reads it from the workspace.
fn input(id: u32, lang: Lang, workspace: &Workspace) -> GuideInput {
    let mut connect = workspace.connect.form.clone();
    connect.secret.clear();
    GuideInput {
        id,
        lang,
        connect: part(&connect),
        model: workspace.model.as_ref().and_then(|m| m.to_json().ok()),
        issued: part(&workspace.certs.issued),
        certs: part(&workspace.certs.form),
        has_secret: !workspace.connect.secret().is_empty(),
        progress: part(&workspace.guide.0),
    }
}

/// The Guide page.
#[component]
pub fn GuidePage() -> Html {
    let t = use_texts();
    let say = use_say();
    let lang = use_lang();
    let workspace = use_workspace();
    let navigator = use_navigator();
    let view = use_state(|| View::Loading);
    // The number of the last request: an answer to an earlier one (in
    // another language) is dropped.
    let last = use_mut_ref(|| 0u32);
    let worker = {
        let view = view.clone();
        let last = last.clone();
        use_memo((), move |_| {
            SimWorker::spawn(Callback::from(move |response| match response {
                SimResponse::Guide(id, html) if id == *last.borrow() => view.set(match html {
                    Ok(html) => View::Html(html.into()),
                    Err(e) => View::Failed(e),
                }),
                SimResponse::Failed(e) => view.set(View::Failed(e)),
                _ => {}
            }))
        })
    };
    {
        let view = view.clone();
        let workspace = workspace.clone();
        use_effect_with(lang, move |lang| {
            let id = last.borrow().wrapping_add(1);
            *last.borrow_mut() = id;
            let input = input(id, *lang, &workspace);
            let sent = (*worker)
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|w| w.send(&SimRequest::Guide(Box::new(input))));
            view.set(match sent {
                Ok(()) => View::Loading,
                Err(e) => View::Failed(Msg(e)),
            });
        });
    }
    // A link's or a copy button's own text is its only child, so the
    // element clicked is the link or the button itself. A copy button then
    // says "Copied" for two seconds, as the app's other copy buttons do.
    let restore = use_mut_ref(|| None::<(Element, Timeout)>);
    let onclick = {
        let workspace = workspace.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(target) = e.target_dyn_into::<Element>() else {
                return;
            };
            if let Some(route) = target
                .get_attribute("href")
                .and_then(|h| Route::recognize(&h))
                .filter(|r| *r != Route::NotFound)
            {
                if let Some(navigator) = &navigator {
                    e.prevent_default();
                    navigator.push(&route);
                }
            } else if let Some(text) = target.get_attribute("data-copy").or_else(|| {
                target
                    .has_attribute("data-copy-secret")
                    .then(|| workspace.connect.secret().to_owned())
            }) {
                let restore = restore.clone();
                clipboard::copy_then(
                    text,
                    Box::new(move |ok| {
                        target.set_text_content(Some(if ok {
                            t.copied()
                        } else {
                            t.copy_failed()
                        }));
                        let button = target.clone();
                        let timer =
                            Timeout::new(2_000, move || button.set_text_content(Some(t.copy())));
                        // A button still waiting gets its label back now (its
                        // timer is dropped, which cancels it).
                        if let Some((earlier, _)) = restore.borrow_mut().replace((target, timer)) {
                            earlier.set_text_content(Some(t.copy()));
                        }
                    }),
                );
            }
        })
    };
    let onchange = Callback::from(move |e: Event| {
        let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
            return;
        };
        if let Some(step) = input.get_attribute("data-step") {
            workspace.dispatch(WorkspaceAction::Tick(step, input.checked()));
        }
    });
    html! {
        <div class="guide" {onclick} {onchange}>
            { match &*view {
                View::Loading => html! { <p class="banner intro" role="status">{ t.nav_guide() }{ " …" }</p> },
                View::Failed(e) => html! {
                    <p class="banner warning" id="guide-error" role="alert">{ format!("{}: {}", t.nav_guide(), say.say(e)) }</p>
                },
                View::Html(html) => Html::from_html_unchecked(html.clone()),
            } }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::guide::render;
    use crate::store::Secret;

    const EN: &str = include_str!("../../static/guide.en.json");

    /// Regression (issue 17, item 13): neither the secret typed in this
    /// tab nor a remembered one goes to the worker or into the Guide's
    /// HTML; the Register step still offers to copy it.
    #[test]
    fn the_device_secret_is_neither_posted_nor_rendered() {
        for (typed, remembered) in [("typed-s3cr3t", ""), ("", "remembered-s3cr3t")] {
            let mut workspace = Workspace::default();
            workspace.connect.form.device_id = "5f8d_node1".into();
            workspace.connect.form.remember_secret = !remembered.is_empty();
            workspace.connect.form.secret = remembered.into();
            workspace.connect.secret = Secret::new(typed);
            let secret = workspace.connect.secret().to_owned();
            let sent = input(1, Lang::En, &workspace);
            let posted = serde_json::to_string(&sent).expect("the request serializes");
            assert!(!posted.contains("s3cr3t"), "{posted}");
            let shown = format!("{sent:?} {workspace:?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(sent.has_secret);
            let html = render(&sent, EN).expect("the guide renders");
            assert!(!html.contains("s3cr3t"), "{secret} in the HTML");
            assert!(html.contains(
                r#"<button type="button" class="copy" data-copy-secret aria-label="Copy "#
            ));
        }
    }
}
