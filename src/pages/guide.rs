//! The Guide page: IoTDA's onboarding steps as a checklist, each with what
//! to do, why, the OpenSSL / MQTT.fx equivalents, a live check of what the
//! other pages left in this browser and the user's own tick.
//!
//! The page itself is thin, because its wasm is the first load: it fetches
//! the guide's text in the chosen language (`static/guide.{en,zh}.json`),
//! hands it with what storage holds to the simulator's worker, which
//! checks the steps and writes the HTML ([`crate::state::guide::render`]),
//! and shows that HTML. Its copy buttons, tick boxes and links are handled
//! here by delegation.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{use_texts, Route};
use crate::i18n::Lang;
use crate::state::certs::{CERTS_STORAGE_KEY, ISSUED_STORAGE_KEY};
use crate::state::guide::{GuideInput, Progress, GUIDE_STORAGE_KEY};
use crate::state::model::MODEL_STORAGE_KEY;
use crate::state::simulator::{SimRequest, SimResponse};
use crate::state::{SecretMemory, CONNECT_STORAGE_KEY};
use crate::web::worker::SimWorker;
use crate::web::{clipboard, fetch, storage};

/// What the page shows.
#[derive(Clone, PartialEq)]
enum View {
    Loading,
    Html(AttrValue),
    Failed(String),
}

/// Asks the worker for the Guide in `lang`: fetches its text, reads
/// storage, sends both, unless the language changed meanwhile (`wanted`):
/// the worker answers in order, so the last answer is the wanted one.
fn request(
    worker: Rc<SimWorker>,
    lang: Lang,
    wanted: Rc<RefCell<Lang>>,
    secret: String,
    view: UseStateHandle<View>,
) {
    let url = match lang {
        Lang::En => "/guide.en.json",
        Lang::Zh => "/guide.zh.json",
    };
    wasm_bindgen_futures::spawn_local(async move {
        let fetched = fetch::text(url).await;
        if *wanted.borrow() != lang {
            return;
        }
        let text = match fetched {
            Ok(text) => text,
            Err(e) => return view.set(View::Failed(e)),
        };
        // What does not read is passed on as missing; the worker says which.
        let load = |key| storage::load_text(key).ok().flatten();
        let input = GuideInput {
            text,
            connect: load(CONNECT_STORAGE_KEY),
            model: load(MODEL_STORAGE_KEY),
            issued: load(ISSUED_STORAGE_KEY),
            certs: load(CERTS_STORAGE_KEY),
            secret,
            progress: load(GUIDE_STORAGE_KEY),
        };
        if let Err(e) = worker.send(&SimRequest::Guide(Box::new(input))) {
            view.set(View::Failed(e));
        }
    });
}

/// The Guide page.
#[component]
pub fn GuidePage() -> Html {
    let t = use_texts();
    let lang = use_context::<Lang>().unwrap_or_default();
    let memory = use_context::<SecretMemory>();
    let navigator = use_navigator();
    let view = use_state(|| View::Loading);
    let save_error = use_state(|| None::<String>);
    // The language asked for last.
    let wanted = use_mut_ref(|| lang);
    let worker = {
        let view = view.clone();
        use_memo((), move |_| {
            SimWorker::spawn(Callback::from(move |response| match response {
                SimResponse::Guide(Ok(html)) => view.set(View::Html(html.into())),
                SimResponse::Guide(Err(e)) | SimResponse::Failed(e) => view.set(View::Failed(e)),
                _ => {}
            }))
            .map(Rc::new)
        })
    };
    {
        let view = view.clone();
        use_effect_with(lang, move |lang| {
            *wanted.borrow_mut() = *lang;
            view.set(View::Loading);
            match &*worker {
                Ok(worker) => {
                    let secret = memory.map(|m| m.get()).unwrap_or_default();
                    request(worker.clone(), *lang, wanted, secret, view);
                }
                Err(e) => view.set(View::Failed(e.clone())),
            }
        });
    }
    // The copy button showing "Copied" and the timer that puts it back.
    let copied = use_mut_ref(|| None::<(Element, Timeout)>);
    let onclick = Callback::from(move |e: MouseEvent| {
        let Some(target) = e.target_dyn_into::<Element>() else {
            return;
        };
        if let Some(link) = target.closest("a[href]").ok().flatten() {
            let route = link
                .get_attribute("href")
                .and_then(|h| Route::recognize(&h));
            if let (Some(route), Some(navigator)) = (route, &navigator) {
                e.prevent_default();
                navigator.push(&route);
            }
        } else if let Some(button) = target.closest("button[data-copy]").ok().flatten() {
            let text = button.get_attribute("data-copy").unwrap_or_default();
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = clipboard::copy(&text).await.is_ok();
                if let Some((previous, _)) = copied.borrow_mut().take() {
                    previous.set_text_content(Some(t.copy));
                }
                button.set_text_content(Some(if ok { t.copied } else { t.copy_failed }));
                let back = button.clone();
                let timeout = Timeout::new(2_000, move || back.set_text_content(Some(t.copy)));
                *copied.borrow_mut() = Some((button, timeout));
            });
        }
    });
    let onchange = {
        let save_error = save_error.clone();
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
            save_error.set(storage::save(GUIDE_STORAGE_KEY, &next.0).err());
        })
    };
    html! {
        <div class="page guide" {onclick} {onchange}>
            if let Some(error) = &*save_error {
                <p class="banner warning" role="status">{ error.clone() }</p>
            }
            { match &*view {
                View::Loading => html! { <p class="banner intro" role="status">{ t.guide_loading }</p> },
                View::Failed(e) => html! {
                    <p class="banner warning" id="guide-error" role="alert">{ format!("{} {e}", t.guide_load_failed) }</p>
                },
                View::Html(html) => Html::from_html_unchecked(html.clone()),
            } }
        </div>
    }
}
