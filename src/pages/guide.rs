//! The Guide page: IoTDA's onboarding steps as a checklist, each with what
//! to do, why, the OpenSSL / MQTT.fx equivalents, a live check of what the
//! other pages left in this browser and the user's own tick.
//!
//! The page itself is thin, because its wasm is the first load: it hands
//! what storage holds to the simulator's worker, which fetches the guide's
//! text in the chosen language (`static/guide.{en,zh}.json`), checks the
//! steps and writes the HTML ([`crate::state::guide::render`]); the page
//! shows that HTML. Its copy buttons, tick boxes and links are handled
//! here by delegation.

use gloo_timers::callback::Timeout;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{use_lang, use_say, use_texts, Route};
use crate::i18n::Lang;
use crate::state::certs::{CERTS_STORAGE_KEY, ISSUED_STORAGE_KEY};
use crate::state::guide::{GuideInput, Progress, GUIDE_STORAGE_KEY};
use crate::state::model::MODEL_STORAGE_KEY;
use crate::state::simulator::{SimRequest, SimResponse};
use crate::state::{SecretMemory, CONNECT_STORAGE_KEY};
use crate::web::worker::SimWorker;
use crate::web::{clipboard, storage};

/// What the page shows.
#[derive(Clone, PartialEq)]
enum View {
    Loading,
    Html(AttrValue),
    Failed(String),
}

/// What storage holds, for the worker ([`GuideInput`]): what does not
/// parse is passed on for the worker to name; storage that cannot be read
/// at all is said in `problem`.
fn input(id: u32, lang: Lang, secret: String, problem: &mut Option<String>) -> GuideInput {
    let mut load = |key| {
        storage::load_text(key).unwrap_or_else(|e| {
            *problem = Some(e);
            None
        })
    };
    GuideInput {
        id,
        lang,
        connect: load(CONNECT_STORAGE_KEY),
        model: load(MODEL_STORAGE_KEY),
        issued: load(ISSUED_STORAGE_KEY),
        certs: load(CERTS_STORAGE_KEY),
        secret,
        progress: load(GUIDE_STORAGE_KEY),
    }
}

/// The Guide page.
#[component]
pub fn GuidePage() -> Html {
    let t = use_texts();
    let say = use_say();
    let lang = use_lang();
    let memory = use_context::<SecretMemory>();
    let navigator = use_navigator();
    let view = use_state(|| View::Loading);
    let storage_error = use_state(|| None::<String>);
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
        let storage_error = storage_error.clone();
        use_effect_with(lang, move |lang| {
            let id = last.borrow().wrapping_add(1);
            *last.borrow_mut() = id;
            let secret = memory.map(|m| m.get()).unwrap_or_default();
            let mut problem = None;
            let input = input(id, *lang, secret, &mut problem);
            storage_error.set(problem);
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
    let onchange = {
        let storage_error = storage_error.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(step) = input.get_attribute("data-step") else {
                return;
            };
            let ticked = storage::load::<Vec<String>>(GUIDE_STORAGE_KEY)
                .ok()
                .flatten()
                .unwrap_or_default();
            let next = Progress(ticked).with(&step, input.checked());
            storage_error.set(storage::save(GUIDE_STORAGE_KEY, &next.0).err());
        })
    };
    html! {
        <div class="guide" {onclick} {onchange}>
            if let Some(error) = &*storage_error {
                <p class="banner warning" role="status">{ say.text(error) }</p>
            }
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
