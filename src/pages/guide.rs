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
    Failed(String),
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
fn input(id: u32, lang: Lang, workspace: &Workspace) -> GuideInput {
    GuideInput {
        id,
        lang,
        connect: part(&workspace.connect.form),
        model: workspace.model.as_ref().and_then(|m| m.to_json().ok()),
        issued: part(&workspace.certs.issued),
        certs: part(&workspace.certs.form),
        secret: workspace.connect.secret.expose().to_owned(),
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
                Err(e) => View::Failed(e),
            });
        });
    }
    // A link's or a copy button's own text is its only child, so the
    // element clicked is the link or the button itself. A copy button then
    // says "Copied" for two seconds, as the app's other copy buttons do.
    let restore = use_mut_ref(|| None::<(Element, Timeout)>);
    let onclick = Callback::from(move |e: MouseEvent| {
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
        } else if let Some(text) = target.get_attribute("data-copy") {
            let restore = restore.clone();
            clipboard::copy_then(
                text,
                Box::new(move |ok| {
                    target.set_text_content(Some(if ok { t.copied() } else { t.copy_failed() }));
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
    });
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
                    <p class="banner warning" id="guide-error" role="alert">{ format!("{}: {}", t.nav_guide(), say.text(e)) }</p>
                },
                View::Html(html) => Html::from_html_unchecked(html.clone()),
            } }
        </div>
    }
}
