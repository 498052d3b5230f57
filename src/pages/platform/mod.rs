//! The Platform page (`/platform`): the local IoTDA's application side in
//! the browser, when the app is served by `iotda-kit platform`: products
//! and their models, device CAs and their verification, devices, and one
//! device's detail (properties and their charts, dropped data, messages,
//! the shadow, commands and property sets and gets).
//!
//! The page knows it is served by the platform when `GET /kit/page-session`
//! answers with a token; every call then carries it in `X-Kit-Token`. The
//! platform's data is fetched, never stored; the device chosen is the
//! user's and lives in the workspace. Live updates come from the
//! platform's event stream, read with `fetch` (`web::http::stream`): each
//! event makes the lists it concerns read again; nothing polls.

mod cas;
mod chart;
mod control;
mod detail;
mod devices;
mod products;
mod register;
mod shadow;

use std::rc::Rc;

use iotda_core::text::Message;
use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_workspace::use_workspace;
use crate::messages::keys::platform as key;
use crate::store::platform::{self, Live, Product, Session, Sse, SseReader};
use crate::web::http::{self, HttpError};

/// The platform's API as the page calls it.
#[derive(Clone, Debug)]
pub struct Api(Rc<Session>);

impl PartialEq for Api {
    fn eq(&self, other: &Self) -> bool {
        self.0.token == other.0.token
    }
}

fn http_error(e: HttpError) -> Message {
    Message::new(match e {
        HttpError::NoBrowser => key::NO_BROWSER,
        HttpError::Network => key::NO_ANSWER,
        HttpError::Body => key::BODY,
    })
}

impl Api {
    /// The page's session with the platform.
    pub fn session(&self) -> &Session {
        &self.0
    }

    /// `method /v5/iot/{project}/{path}` with `body`: the answer's body on
    /// a success, else what the platform said.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<String, Message> {
        let url = format!("/v5/iot/{}/{path}", self.0.project_id);
        let reply = http::request(
            method,
            &url,
            &[("X-Kit-Token", &self.0.token)],
            body.as_deref(),
        )
        .await
        .map_err(http_error)?;
        if (200..300).contains(&reply.status) {
            Ok(reply.body)
        } else {
            Err(platform::refusal(reply.status, &reply.body))
        }
    }
}

/// What is read from the platform: not yet, or what came.
pub type Fetched<T> = Option<Result<Rc<T>, Message>>;

/// `GET path`, read as `T` (the list in `field` when given), read again
/// whenever `tick` moves.
#[hook]
pub fn use_get<T: DeserializeOwned + 'static>(
    api: &Api,
    path: String,
    field: Option<&'static str>,
    tick: u64,
) -> UseStateHandle<Fetched<T>> {
    use_get_if(api, Some(path), field, tick)
}

/// [`use_get`] of `path` when there is one; nothing is read (and nothing
/// held) while it is `None`.
#[hook]
pub fn use_get_if<T: DeserializeOwned + 'static>(
    api: &Api,
    path: Option<String>,
    field: Option<&'static str>,
    tick: u64,
) -> UseStateHandle<Fetched<T>> {
    let got = use_state(|| None);
    // The number of the latest request: an answer to an earlier one (for a
    // path since changed, such as a product id not yet known) arrives late
    // at times and must not overwrite the latest.
    let latest = use_mut_ref(|| 0u64);
    {
        let (api, got) = (api.clone(), got.clone());
        use_effect_with((path, tick), move |(path, _)| {
            let mine = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let Some(path) = path.clone() else {
                got.set(None);
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let read =
                    api.call("GET", &path, None)
                        .await
                        .and_then(|body| match field {
                            Some(field) => platform::list::<serde_json::Value>(&body, field)
                                .and_then(|v| {
                                    serde_json::from_value(serde_json::Value::Array(v))
                                        .map_err(|e| Message::new(key::UNEXPECTED).with("why", e))
                                }),
                            None => platform::parse(&body),
                        });
                if *latest.borrow() == mine {
                    got.set(Some(read.map(Rc::new)));
                }
            });
        });
    }
    got
}

/// Whether the app is served by the platform: its API when
/// `GET /kit/page-session` answers with a session.
pub async fn probe() -> Option<Api> {
    let reply = http::request("GET", "/kit/page-session", &[], None).await;
    reply
        .ok()
        .filter(|r| r.status == 200)
        .and_then(|r| platform::parse::<Session>(&r.body).ok())
        .map(|s| Api(Rc::new(s)))
}

/// A message in the reader's language, as an alert.
#[derive(Properties, PartialEq)]
pub struct SaidProps {
    /// The element's id.
    pub id: AttrValue,
    /// What to say.
    pub message: Message,
}

/// Shows a message.
#[component]
pub fn Said(props: &SaidProps) -> Html {
    let say = use_say();
    html! { <p class="field-error" role="alert" id={props.id.clone()}>{ say.message(&props.message) }</p> }
}

/// Whether the app is served by the platform.
#[derive(Clone, PartialEq)]
enum Probe {
    Probing,
    NotServed,
    Served(Api),
}

/// Changes to the platform the page heard of: each moves `tick`.
#[derive(Default, PartialEq)]
pub struct Heard {
    /// Moves at each change.
    pub tick: u64,
    /// The tick at which each device last changed.
    devices: std::collections::BTreeMap<String, u64>,
    /// The tick at which anything may have changed (missed events, the
    /// page's own change).
    pub all: u64,
    /// What went wrong with the live updates.
    pub problem: Option<Message>,
}

/// What the page heard.
pub enum HeardAction {
    /// A change, of this device or of anything.
    Changed(Option<String>),
    /// A problem of the stream.
    Problem(Message),
}

impl Reducible for Heard {
    type Action = HeardAction;
    fn reduce(self: Rc<Self>, action: HeardAction) -> Rc<Self> {
        let mut next = Heard {
            tick: self.tick.wrapping_add(1),
            devices: self.devices.clone(),
            all: self.all,
            problem: self.problem.clone(),
        };
        match action {
            HeardAction::Changed(Some(device)) => {
                next.devices.insert(device, next.tick);
            }
            HeardAction::Changed(None) => next.all = next.tick,
            HeardAction::Problem(p) => {
                next.all = next.tick;
                next.problem = Some(p);
            }
        }
        Rc::new(next)
    }
}

impl Heard {
    /// A tick that moves when something of `device` (or anything) changed.
    pub fn tick_for(&self, device: &str) -> u64 {
        self.devices.get(device).copied().unwrap_or(0).max(self.all)
    }
}

/// The Platform page.
#[component]
pub fn PlatformPage() -> Html {
    let t = use_texts();
    let probe = use_state(|| Probe::Probing);
    {
        let probe = probe.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                probe.set(self::probe().await.map_or(Probe::NotServed, Probe::Served));
            });
        });
    }
    html! {
        <>
            <section class="card wide" aria-labelledby="platform-heading">
                <h2 id="platform-heading">{ t.platform_title() }</h2>
                <p class="hint">{ t.platform_intro() }</p>
            </section>
            {
                match &*probe {
                    Probe::Probing => html! { <p aria-busy="true">{ t.platform_probing() }</p> },
                    Probe::NotServed => html! { <NotServed /> },
                    Probe::Served(api) => html! { <Served api={api.clone()} /> },
                }
            }
        </>
    }
}

/// What the page says when the app is not served by the platform.
#[component]
fn NotServed() -> Html {
    let t = use_texts();
    html! {
        <section class="card wide" id="platform-not-served" aria-labelledby="platform-not-served-heading">
            <h2 id="platform-not-served-heading">{ t.platform_not_served() }</h2>
            <p>{ t.platform_not_served_why() }</p>
            <pre><code>{ "scripts/run.sh" }</code></pre>
            <p>{ t.platform_not_served_or() }</p>
            <pre><code>{ "iotda-kit platform --app dist" }</code></pre>
        </section>
    }
}

/// Props of the platform's cards.
#[derive(Properties, PartialEq)]
pub struct ServedProps {
    /// The API.
    pub api: Api,
}

/// The platform's event stream, read while the component lives: what it
/// heard (each event naming a device, missed events, the stream's end).
/// Nothing polls.
#[hook]
pub fn use_live(api: &Api) -> UseReducerHandle<Heard> {
    let heard = use_reducer(Heard::default);
    {
        let (session, heard) = (api.0.clone(), heard.dispatcher());
        use_effect_with((), move |_| {
            let reader = std::cell::RefCell::new(SseReader::default());
            let to = heard.clone();
            let on_bytes = move |bytes: Vec<u8>| {
                for found in reader.borrow_mut().push(&bytes) {
                    match found {
                        Sse::TooLong => to.dispatch(HeardAction::Problem(
                            Message::new(key::STREAM_TOO_LONG).with("max", platform::MAX_EVENT),
                        )),
                        Sse::Event(name, data) => match platform::live(&name, &data) {
                            Some(Live::Device(id)) => to.dispatch(HeardAction::Changed(Some(id))),
                            Some(Live::Lagged(n)) => to.dispatch(HeardAction::Problem(match n {
                                1 => Message::new(key::STREAM_LAGGED_ONE),
                                n => Message::new(key::STREAM_LAGGED).with("n", n),
                            })),
                            None => {}
                        },
                    }
                }
            };
            let on_end = move |end: Result<Option<u16>, HttpError>| {
                let why = match end {
                    Ok(None) => return,
                    Ok(Some(status)) => Message::new(key::STATUS).with("status", status),
                    Err(e) => http_error(e),
                };
                heard.dispatch(HeardAction::Problem(
                    Message::new(key::STREAM_ENDED).with_message("why", why),
                ));
            };
            let stream = http::stream(
                "/kit/events",
                &[("X-Kit-Token", &session.token)],
                on_bytes,
                on_end,
            );
            move || drop(stream)
        });
    }
    heard
}

/// The page on the platform: its cards, and the event stream.
#[component]
fn Served(props: &ServedProps) -> Html {
    let heard = use_live(&props.api);
    let workspace = use_workspace();
    let on_changed = {
        let heard = heard.dispatcher();
        Callback::from(move |()| heard.dispatch(HeardAction::Changed(None)))
    };
    let api = props.api.clone();
    // Read once for the products card and the registration form alike.
    let products = use_get::<Vec<Product>>(
        &api,
        "products?limit=50".into(),
        Some("products"),
        heard.all,
    );
    html! {
        <>
            if let Some(problem) = &heard.problem {
                <Said id="platform-live-problem" message={problem.clone()} />
            }
            if let Some(device) = &workspace.platform.device {
                <detail::DeviceDetail api={api.clone()} device_id={device.clone()} heard={heard.tick_for(device)} />
            }
            <products::Products api={api.clone()} products={(*products).clone()} on_changed={on_changed.clone()} />
            <cas::Cas api={api.clone()} tick={heard.all} on_changed={on_changed.clone()} />
            <devices::Devices api={api} tick={heard.tick} products={(*products).clone()} on_changed={on_changed} />
        </>
    }
}
