//! The Console page: an MQTT client over WebSocket with IoTDA's topics
//! built in. Connection form (filled from the Connection page),
//! subscriptions, a publish form with presets and JSON checks, and a
//! bounded, virtualised message log that re-renders at most once per
//! animation frame however fast messages come. Below them, the device
//! simulator ([`simulator`]).
//!
//! The session (client, log, the Console's state) is the app's
//! ([`crate::hooks::use_mqtt_client`]): this page shows it, and leaving
//! the page keeps it.

mod bridge;
mod explain;
mod local_platform;
mod simulator;
mod system;

use std::cell::RefCell;
use std::rc::Rc;

use iotda_core::mqtt::TopicFilter;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_mqtt_client::{
    publish_logged, subscribe_rows, use_mqtt_client, FrameScheduler, MqttSession,
};
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Texts;
use crate::messages::keys::console as said;
use crate::messages::Say;
use crate::store::bridge::{through_bridge, BRIDGE_PORT};
use crate::store::connect::{AuthMode, ConnectForm, ConnectState};
use crate::store::console::{
    answer, check_json, clock_text, presets, pretty_json, preview, render_payload, short_topic,
    size_text, ConsoleAction, ConsoleForm, ConsoleState, Dir, FormField, LogFilter, MessageLog,
    MqttVersion, PayloadView, PublishForm, Status, SubStatus, SubscriptionRow,
};
use crate::store::Connect;
use crate::web::clock;
use crate::web::mqtt::MqttClient;
use bridge::BridgeCard;
use explain::Explain;
use iotda_core::text::Message as Said;
use local_platform::LocalPlatform;
use simulator::DeviceSimulator;

/// Height of one log row in pixels (matches `.log-row` in the style sheet).
const ROW_PX: usize = 26;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 6;
/// Rows visible in the log's box (its height / [`ROW_PX`]).
const VISIBLE_ROWS: usize = 18;
/// Characters of payload shown in a row.
const PREVIEW_CHARS: usize = 120;

/// The browser's offset from UTC in minutes (east positive).
fn tz_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// The size of this page's wasm memory: shown as a data attribute of the
/// log's counters, for the tests that check it stays flat under a flood.
fn wasm_memory_bytes() -> u32 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

/// The Connection page's form, with the secret typed this visit or the
/// remembered one, and the credentials it computes now.
fn prefill_action(connect: &Connect) -> ConsoleAction {
    let mut form = connect.form.clone();
    connect.secret().clone_into(&mut form.secret);
    prefill_from(form, None)
}

/// The Console filled from a Connection page's `form` with the credentials
/// it computes now; `note` is said unless the form needs a note of its own.
fn prefill_from(form: ConnectForm, note: Option<Said>) -> ConsoleAction {
    let connect = ConnectState::restore(Some(form), clock::now_hour());
    let derived = connect.derive();
    let credentials = derived.credentials.ok();
    let (form, own) = ConsoleForm::from_connection_page(&connect.form, credentials.as_ref());
    if connect.form.auth == AuthMode::X509 {
        // Through the local bridge, as the device, without a password.
        let login = derived.login.ok();
        let form = through_bridge(&form, BRIDGE_PORT, &connect.form.device_id, login.as_ref());
        return ConsoleAction::Prefill(Box::new(form), note);
    }
    ConsoleAction::Prefill(Box::new(form), own.or(note))
}

/// The Console page.
#[component]
pub fn ConsolePage() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let session = use_mqtt_client();
    let MqttSession {
        state,
        client,
        log,
        frames,
        inbox,
    } = session.clone();
    let filter = use_state(LogFilter::default);
    let scroll_top = use_state(|| 0usize);
    let selected = use_state(|| None::<u64>);
    let view = use_state(PayloadView::default);
    // The log redraws this page while it is shown; leaving the page keeps
    // the session (it is the app's).
    {
        let (frames, update) = (frames.clone(), use_force_update());
        use_effect_with((), move |_| {
            frames.attach(Some(Callback::from(move |()| update.force_update())));
            move || frames.attach(None)
        });
    }
    // First visit: fill the form from the Connection page.
    {
        let dispatcher = state.dispatcher();
        let first_visit = state.prefill;
        let connect = workspace.connect.clone();
        use_effect_with((), move |_| {
            if first_visit {
                dispatcher.dispatch(prefill_action(&connect));
            }
        });
    }

    let form = &state.form;

    html! {
        <div class="page console">
            <ConnectionCard />
            <Subscriptions state={state.clone()} client={client.clone()} connected={matches!(state.status, Status::Connected { .. })} />
            <Publish state={state.clone()} client={client.clone()} log={log.clone()} frames={frames.clone()} />
            { log_card((t, say), &log, LogView { filter: &filter, scroll_top: &scroll_top, selected: &selected, view: &view }, &state, &frames) }
            <DeviceSimulator device_id={form.device_id.clone()} client={client.clone()} log={log.clone()}
                frames={frames.clone()} inbox={inbox.clone()} />
        </div>
    }
}

/// The Console's connection card: presets, the form, connect and
/// disconnect, the status and its explanation, the activity.
#[component]
fn ConnectionCard() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let session = use_mqtt_client();
    let state = session.state.clone();
    let form = &state.form;
    let on_prefill = {
        let dispatcher = state.dispatcher();
        let connect = workspace.connect.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(prefill_action(&connect)))
    };
    let on_local = {
        let dispatcher = state.dispatcher();
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            // Its own note: the previous one (a prefill's) no longer holds.
            dispatcher.dispatch(ConsoleAction::Prefill(
                Box::new(form.local_broker()),
                Some(Said::new(said::LOCAL_BROKER)),
            ))
        })
    };
    let on_connect = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.connect())
    };
    let on_disconnect = Callback::from(move |_: MouseEvent| session.disconnect());

    let busy = !matches!(state.status, Status::Disconnected | Status::Failed(_));
    let (status_class, status_text) = status_line(t, say, &state);
    html! {
        <section class="card" aria-labelledby="console-connection">
            <h2 id="console-connection">{ t.nav_connection() }</h2>
            <p class="hint">
                { t.console_intro() }{ " " }
                <button type="button" class="secondary" id="console-prefill" onclick={on_prefill}>
                    { t.fill_from_connection() }
                </button>
                { " " }
                <button type="button" class="secondary" id="console-local" onclick={on_local}>
                    { t.local_broker() }
                </button>
            </p>
            <LocalPlatform />
            if let Some(note) = &state.note {
                <p class="note" id="console-note">{ say.message(note) }</p>
            }
            if workspace.connect.form.auth == AuthMode::X509 {
                <BridgeCard />
            }
            <ConnectionFields />
            <p class="actions">
                <button type="button" id="console-connect" onclick={on_connect} disabled={busy}>{ t.connect() }</button>
                <button type="button" id="console-disconnect" onclick={on_disconnect} disabled={!busy}>{ t.disconnect() }</button>
            </p>
            <p id="console-status" class={status_class} role="status">{ status_text }</p>
            if !state.warnings.is_empty() {
                <ul id="console-warnings" class="warnings">
                    { for state.warnings.iter().map(|w| html! { <li>{ say.message(w) }</li> }) }
                </ul>
            }
            <Explain />
            <details>
                <summary>{ t.activity() }</summary>
                <ol id="console-activity" class="activity">
                    { for state.activity.iter().map(|line| html! { <li>{ say.message(line) }</li> }) }
                </ol>
            </details>
        </section>
    }
}

/// The connection form's fields.
#[component]
fn ConnectionFields() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let state = use_mqtt_client().state;
    let form = &state.form;
    let edit = |apply: fn(&mut ConsoleForm, String)| {
        let dispatcher = state.dispatcher();
        let form = form.clone();
        Callback::from(move |value: String| {
            let mut form = form.clone();
            apply(&mut form, value);
            dispatcher.dispatch(ConsoleAction::Form(Box::new(form)));
        })
    };
    let toggle = |apply: fn(&mut ConsoleForm, bool)| {
        let dispatcher = state.dispatcher();
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut form = form.clone();
            apply(
                &mut form,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            );
            dispatcher.dispatch(ConsoleAction::Form(Box::new(form)));
        })
    };
    let on_version = {
        let dispatcher = state.dispatcher();
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut form = form.clone();
            form.version = match e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .as_str()
            {
                "5" => MqttVersion::V5,
                _ => MqttVersion::V311,
            };
            dispatcher.dispatch(ConsoleAction::Form(Box::new(form)));
        })
    };
    let field_error = |field: FormField| {
        state
            .form_error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| say.message(&e.message))
    };
    html! {
            <div class="settings">
                <TextField id="console-host" label={t.host()} value={form.host.clone()}
                    oninput={edit(|f, v| f.host = v)} error={field_error(FormField::Host)} />
                <TextField id="console-port" label={t.port()} value={form.port.clone()}
                    oninput={edit(|f, v| f.port = v)} error={field_error(FormField::Port)} />
                <TextField id="console-path" label={t.path()} value={form.path.clone()}
                    oninput={edit(|f, v| f.path = v)} error={field_error(FormField::Path)} />
                <label class="choice"><input type="checkbox" id="console-tls" checked={form.tls}
                    onchange={toggle(|f, v| f.tls = v)} />{ " " }{ t.tls() }</label>
                <TextField id="console-client-id" label="ClientId" value={form.client_id.clone()}
                    oninput={edit(|f, v| f.client_id = v)} />
                <TextField id="console-username" label={t.username()} value={form.username.clone()}
                    oninput={edit(|f, v| f.username = v)} />
                // A certificate device sends no password: no field for one,
                // unless the form holds one (a preset for a secret device).
                if workspace.connect.form.auth == AuthMode::Secret || !form.password.is_empty() {
                    <TextField id="console-password" label={t.password()} input_type="password"
                        value={form.password.clone()} oninput={edit(|f, v| f.password = v)}
                        error={field_error(FormField::Login)}
                        warnings={form.cleartext_warning().iter().map(|w| say.message(w)).collect::<Vec<_>>()}
                        hint={t.password_kept()} />
                }
                <TextField id="console-keepalive" label={t.keep_alive()} value={form.keep_alive.clone()}
                    oninput={edit(|f, v| f.keep_alive = v)} error={field_error(FormField::KeepAlive)} />
                <div class="field">
                    <label for="console-version">{ t.mqtt_version() }</label>
                    <select id="console-version" onchange={on_version}>
                        <option value="3.1.1" selected={form.version == MqttVersion::V311}>{ "3.1.1" }</option>
                        <option value="5" selected={form.version == MqttVersion::V5}>{ "5.0" }</option>
                    </select>
                </div>
                <label class="choice"><input type="checkbox" id="console-clean" checked={form.clean_start}
                    onchange={toggle(|f, v| f.clean_start = v)} />{ " " }{ t.clean_session() }</label>
                <label class="choice"><input type="checkbox" id="console-iotda" checked={form.iotda}
                    onchange={toggle(|f, v| f.iotda = v)} />{ " " }{ t.iotda_mode() }</label>
                <TextField id="console-device-id" label={t.console_device_id()}
                    value={form.device_id.clone()} oninput={edit(|f, v| f.device_id = v)} />
            </div>
    }
}

/// The connection's status line: its class and its text.
fn status_line(t: &Texts, say: Say, state: &ConsoleState) -> (&'static str, String) {
    let url = &state.url;
    match &state.status {
        Status::Disconnected => ("status", t.not_connected().to_owned()),
        Status::Connecting => ("status", format!("{} {url} …", t.connecting_to())),
        Status::Connected { session_present } => (
            "status ok",
            if *session_present {
                format!("{} {url} {}", t.connected_to(), t.session_kept())
            } else {
                format!("{} {url}", t.connected_to())
            },
        ),
        Status::Waiting(why) => (
            "status invalid",
            format!(
                "{} {}. {}",
                t.connection_lost(),
                say.message(why),
                t.reconnecting()
            ),
        ),
        Status::Failed(why) => (
            "status invalid",
            format!("{} {}", t.not_connected_because(), say.message(why)),
        ),
    }
}

#[derive(Properties)]
struct SectionProps {
    state: UseReducerHandle<ConsoleState>,
    client: Rc<RefCell<Option<MqttClient>>>,
    #[prop_or_default]
    connected: bool,
    #[prop_or_default]
    log: Option<Rc<RefCell<MessageLog>>>,
    #[prop_or_default]
    frames: Option<FrameScheduler>,
}

impl PartialEq for SectionProps {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && Rc::ptr_eq(&self.client, &other.client)
            && self.connected == other.connected
    }
}

#[component]
fn Subscriptions(props: &SectionProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let qos = use_state(|| 1u8);
    let on_filter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |v: String| dispatcher.dispatch(ConsoleAction::NewFilter(v)))
    };
    let on_qos = {
        let qos = qos.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            qos.set(v.parse().unwrap_or(1));
        })
    };
    let on_add = {
        let dispatcher = state.dispatcher();
        let filter = state.new_filter.trim().to_owned();
        let qos = *qos;
        let client = props.client.clone();
        let connected = props.connected;
        Callback::from(move |_: MouseEvent| {
            let row = SubscriptionRow {
                filter: filter.clone(),
                qos,
                status: SubStatus::Idle,
            };
            if let Err(e) = row.subscription() {
                return dispatcher.dispatch(ConsoleAction::SubscriptionError(Some(e)));
            }
            dispatcher.dispatch(ConsoleAction::AddSubscription(row.clone()));
            if connected {
                subscribe_rows(client.borrow().as_ref(), &dispatcher, &[row]);
            }
        })
    };
    let on_iotda = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(ConsoleAction::AddIotdaSubscriptions)
        })
    };
    let remove = |row: &SubscriptionRow| {
        let dispatcher = state.dispatcher();
        let client = props.client.clone();
        let filter = row.filter.clone();
        let active = matches!(row.status, SubStatus::Granted(_) | SubStatus::Pending(_));
        Callback::from(move |_: MouseEvent| {
            if active {
                if let (Some(c), Ok(f)) =
                    (client.borrow().as_ref(), TopicFilter::new(filter.trim()))
                {
                    if let Err(e) = c.unsubscribe(vec![f]) {
                        dispatcher.dispatch(ConsoleAction::SubscriptionError(Some(e)));
                    }
                }
            }
            dispatcher.dispatch(ConsoleAction::RemoveSubscription(filter.clone()));
        })
    };
    html! {
        <section class="card" aria-labelledby="console-subscriptions">
            <h2 id="console-subscriptions">{ t.subscriptions() }</h2>
            <ul id="console-sub-list" class="sub-list">
                { for state.subscriptions.iter().map(|row| {
                    let status = match &row.status {
                        SubStatus::Idle => t.not_subscribed().to_owned(),
                        SubStatus::Pending(_) => t.subscribing().to_owned(),
                        SubStatus::Granted(q) => format!("{} QoS {q}", t.granted()),
                        SubStatus::Refused(why) => say.message(why),
                    };
                    html! {
                        <li class="sub-row" data-filter={row.filter.clone()}>
                            <code class="mono">{ &row.filter }</code>
                            <span class="badge">{ format!("QoS {}", row.qos) }</span>
                            <span class={classes!("sub-status", matches!(row.status, SubStatus::Refused(_)).then_some("invalid"))}>{ status }</span>
                            <button type="button" class="secondary remove" onclick={remove(row)}
                                aria-label={format!("{} {}", t.remove(), row.filter)}>{ t.remove() }</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="sub-add">
                <TextField id="console-new-filter" label={t.topic_filter()} value={state.new_filter.clone()}
                    oninput={on_filter} placeholder="$oc/devices/{device_id}/sys/messages/down"
                    error={state.subscription_error.as_ref().map(|e| say.message(e))} />
                <div class="field">
                    <label for="console-new-qos">{ "QoS" }</label>
                    <select id="console-new-qos" onchange={on_qos}>
                        { for [0u8, 1, 2].iter().map(|q| html! { <option value={q.to_string()} selected={*q == *qos}>{ q }</option> }) }
                    </select>
                </div>
                <p class="actions">
                    <button type="button" id="console-add-sub" onclick={on_add}>{ t.subscribe() }</button>
                    <button type="button" class="secondary" id="console-add-iotda" onclick={on_iotda}>{ t.add_iotda_topics() }</button>
                </p>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PresetProps {
    state: UseReducerHandle<ConsoleState>,
}

/// IoTDA's uplink topics with a sample payload, to fill the publish form.
#[component]
fn PublishPreset(props: &PresetProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let publish = &state.publish;
    let presets = presets(&state.form.device_id);
    let on_preset = {
        let dispatcher = state.dispatcher();
        let form = publish.clone();
        let presets = presets.clone();
        Callback::from(move |e: Event| {
            let i = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(p) = i.parse::<usize>().ok().and_then(|i| presets.get(i)) {
                let mut form = form.clone();
                form.topic = p.topic.clone();
                form.payload = pretty_json(&p.payload).unwrap_or_else(|_| p.payload.clone());
                form.json = true;
                dispatcher.dispatch(ConsoleAction::Publish(form));
            }
        })
    };
    html! {
        <div class="field">
            <label for="console-preset">{ t.iotda_preset() }</label>
            <select id="console-preset" onchange={on_preset}>
                <option value="" selected=true>{ t.choose_topic() }</option>
                { for presets.iter().enumerate().map(|(i, p)| html! {
                    <option value={i.to_string()}>{ say.message(&p.label) }</option>
                }) }
            </select>
        </div>
    }
}

#[component]
fn Publish(props: &SectionProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let publish = &state.publish;
    let set = |apply: fn(&mut PublishForm, String)| {
        let dispatcher = state.dispatcher();
        let form = publish.clone();
        Callback::from(move |v: String| {
            let mut form = form.clone();
            apply(&mut form, v);
            dispatcher.dispatch(ConsoleAction::Publish(form));
        })
    };
    let send = {
        let dispatcher = state.dispatcher();
        let form = publish.clone();
        let client = props.client.clone();
        let log = props.log.clone();
        let frames = props.frames.clone();
        Callback::from(move |()| {
            let (Some(log), Some(frames)) = (&log, &frames) else {
                return;
            };
            let sent = form
                .message()
                .and_then(|m| publish_logged(&client, log, frames, m));
            dispatcher.dispatch(ConsoleAction::PublishError(sent.err()));
        })
    };
    let on_payload = {
        let set = set(|f, v| f.payload = v);
        Callback::from(move |e: InputEvent| {
            set.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_key = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    let on_qos = {
        let set = set(|f, v| f.qos = v.parse().unwrap_or(1));
        Callback::from(move |e: Event| {
            set.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let flag = |apply: fn(&mut PublishForm, bool)| {
        let dispatcher = state.dispatcher();
        let form = publish.clone();
        Callback::from(move |e: Event| {
            let mut form = form.clone();
            apply(
                &mut form,
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            );
            dispatcher.dispatch(ConsoleAction::Publish(form));
        })
    };
    let on_pretty = {
        let dispatcher = state.dispatcher();
        let form = publish.clone();
        Callback::from(move |_: MouseEvent| match pretty_json(&form.payload) {
            Ok(text) => {
                let mut form = form.clone();
                form.payload = text;
                dispatcher.dispatch(ConsoleAction::Publish(form));
            }
            Err(e) => dispatcher.dispatch(ConsoleAction::PublishError(Some(e))),
        })
    };
    let json_error = publish
        .json
        .then(|| check_json(&publish.payload).err())
        .flatten()
        .filter(|_| !publish.payload.is_empty());
    let on_click = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(()))
    };
    html! {
        <section class="card" aria-labelledby="console-publish">
            <h2 id="console-publish">{ t.publish() }</h2>
            <PublishPreset state={state.clone()} />
            <TextField id="console-topic" label={t.topic()} value={publish.topic.clone()} oninput={set(|f, v| f.topic = v)} />
            <div class="field">
                <label for="console-qos">{ "QoS" }</label>
                <select id="console-qos" onchange={on_qos}>
                    { for [0u8, 1, 2].iter().map(|q| html! { <option value={q.to_string()} selected={*q == publish.qos}>{ q }</option> }) }
                </select>
            </div>
            <label class="choice"><input type="checkbox" id="console-retain" checked={publish.retain} onchange={flag(|f, v| f.retain = v)} />{ " " }{ t.retain() }</label>
            <label class="choice"><input type="checkbox" id="console-json" checked={publish.json} onchange={flag(|f, v| f.json = v)} />{ " " }{ t.check_json() }</label>
            <div class="field">
                <label for="console-payload">{ t.payload() }</label>
                <textarea id="console-payload" class={classes!("mono", json_error.is_some().then_some("invalid"))}
                    rows="8" spellcheck="false" value={publish.payload.clone()} oninput={on_payload} onkeydown={on_key}
                    aria-describedby="console-payload-error" />
                if let Some(e) = &json_error {
                    <p class="field-error" id="console-payload-error">{ say.message(e) }</p>
                }
            </div>
            <p class="actions">
                <button type="button" id="console-send" onclick={on_click}>{ t.publish() }</button>
                <button type="button" class="secondary" id="console-pretty" onclick={on_pretty}>{ t.pretty_print() }</button>
            </p>
            if let Some(e) = &state.publish_error {
                <p class="field-error" id="console-publish-error" role="alert">{ say.message(e) }</p>
            }
        </section>
    }
}

/// What the log card shows: its filter, where it is scrolled, the message
/// selected and how payloads are shown.
struct LogView<'a> {
    filter: &'a UseStateHandle<LogFilter>,
    scroll_top: &'a UseStateHandle<usize>,
    selected: &'a UseStateHandle<Option<u64>>,
    view: &'a UseStateHandle<PayloadView>,
}

fn log_card(
    (t, say): (&Texts, Say),
    shared_log: &Rc<RefCell<MessageLog>>,
    shown: LogView<'_>,
    state: &UseReducerHandle<ConsoleState>,
    frames: &FrameScheduler,
) -> Html {
    let LogView {
        filter,
        scroll_top,
        selected,
        view,
    } = shown;
    let log = shared_log.borrow();
    let seqs = log.matching(filter);
    let first = (**scroll_top / ROW_PX).saturating_sub(OVERSCAN);
    let last = (first + VISIBLE_ROWS + 2 * OVERSCAN).min(seqs.len());
    let offset = tz_offset_minutes();
    let on_scroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<web_sys::Element>();
            scroll_top.set(usize::try_from(el.scroll_top()).unwrap_or_default());
        })
    };
    let set_filter = |apply: fn(&mut LogFilter, String)| {
        let filter = filter.clone();
        Callback::from(move |v: String| {
            let mut next = (*filter).clone();
            apply(&mut next, v);
            filter.set(next);
        })
    };
    let on_clear = {
        let selected = selected.clone();
        let frames = frames.clone();
        let log = shared_log.clone();
        Callback::from(move |_: MouseEvent| {
            log.borrow_mut().clear();
            selected.set(None);
            frames.request();
        })
    };
    let rows = seqs.get(first..last).unwrap_or_default().iter().enumerate().filter_map(|(i, &seq)| {
        let entry = log.get(seq)?;
        let top = (first + i) * ROW_PX;
        let select = {
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| selected.set(Some(seq)))
        };
        let outcome = match &entry.outcome {
            Some((_, None)) => " …",
            Some((_, Some(Err(_)))) => " ✗",
            _ => "",
        };
        Some(html! {
            <li key={seq} class={classes!("log-row", (**selected == Some(seq)).then_some("selected"))}
                style={format!("top:{top}px")} onclick={select} data-seq={seq.to_string()}>
                <span class="dir">{ if entry.dir == Dir::In { "⬇" } else { "⬆" } }{ outcome }</span>
                <span class="time">{ clock_text(entry.at_ms, offset) }</span>
                <span class="topic mono" title={entry.topic.clone()}>{ short_topic(&entry.topic).into_owned() }</span>
                <span class="qos">{ format!("Q{}", entry.qos) }</span>
                <span class="size">{ size_text(entry.payload.len()) }</span>
                <span class="preview mono">{ preview(&entry.payload, PREVIEW_CHARS) }</span>
            </li>
        })
    });
    let detail = selected.and_then(|seq| log.get(seq)).map(|entry| {
        let text = render_payload(&entry.payload, **view);
        let on_view = {
            let view = view.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                if let Some(p) = PayloadView::ALL.into_iter().find(|p| p.label() == v) {
                    view.set(p);
                }
            })
        };
        let reply = (entry.dir == Dir::In).then(|| answer(&entry.topic, &entry.payload)).flatten().map(|preset| {
            let dispatcher = state.dispatcher();
            let form = state.publish.clone();
            Callback::from(move |_: MouseEvent| {
                let mut form = form.clone();
                form.topic = preset.topic.clone();
                form.payload = pretty_json(&preset.payload).unwrap_or_default();
                form.json = true;
                dispatcher.dispatch(ConsoleAction::Publish(form));
            })
        });
        let failure = match &entry.outcome {
            Some((_, Some(Err(e)))) => Some(e.clone()),
            _ => None,
        };
        html! {
            <div class="log-detail" id="console-detail">
                <p>
                    <code class="mono" id="console-detail-topic">{ &entry.topic }</code>
                    <CopyButton text={entry.topic.clone()} what={say.message(&Said::new(said::TOPIC_WORD))} />
                </p>
                <p class="hint">{ format!("{} · {} · QoS {}{} · {}",
                    say.message(&Said::new(if entry.dir == Dir::In { said::RECEIVED } else { said::PUBLISHED })),
                    clock_text(entry.at_ms, offset), entry.qos,
                    if entry.retain { say.message(&Said::new(said::RETAINED)) } else { String::new() },
                    size_text(entry.payload.len())) }</p>
                if let Some(e) = failure { <p class="field-error">{ say.message(&e) }</p> }
                <div class="field">
                    <label for="console-view">{ t.show_as() }</label>
                    <select id="console-view" onchange={on_view}>
                        { for PayloadView::ALL.iter().map(|p| html! { <option value={p.label()} selected={*p == **view}>{ p.label() }</option> }) }
                    </select>
                </div>
                <pre class="mono payload" id="console-detail-payload">{ &text }</pre>
                <p class="actions">
                    <CopyButton text={text.clone()} what={say.message(&Said::new(said::PAYLOAD_WORD))} />
                    if let Some(onclick) = reply {
                        <button type="button" id="console-answer" {onclick}>{ t.answer_request() }</button>
                    }
                </p>
            </div>
        }
    });
    html! {
        <section class="card wide" aria-labelledby="console-messages">
            <h2 id="console-messages">{ t.messages() }</h2>
            <p class="hint" id="console-counts" data-received={log.received().to_string()}
                data-held={log.len().to_string()} data-wasm-bytes={wasm_memory_bytes().to_string()}>
                { say.message(&counts(&log, seqs.len())) }
            </p>
            <div class="log-filters">
                <TextField id="console-filter-topic" label={t.filter_topic()} value={filter.topic.clone()}
                    oninput={set_filter(|f, v| f.topic = v)} />
                <TextField id="console-filter-text" label={t.text()} value={filter.text.clone()}
                    oninput={set_filter(|f, v| f.text = v)} />
                <p class="actions"><button type="button" class="secondary" id="console-clear" onclick={on_clear}>{ t.clear() }</button></p>
            </div>
            <div class="log-box" id="console-log" onscroll={on_scroll} tabindex="0" role="region" aria-label={t.message_log()}>
                <ol class="log-rows" style={format!("height:{}px", seqs.len() * ROW_PX)}>
                    { for rows }
                </ol>
            </div>
            { detail.unwrap_or_default() }
        </section>
    }
}

/// The counts line of the log: one keyed message (a plural form when one
/// older message was dropped), rendered once per frame without matching.
fn counts(log: &MessageLog, shown: usize) -> Said {
    let counts = |key| {
        Said::new(key)
            .with("received", log.received())
            .with("published", log.sent())
            .with("shown", shown)
            .with("kept", log.len())
            .with("size", size_text(log.bytes()))
    };
    match log.dropped() {
        1 => counts(said::COUNTS_ONE_DROPPED),
        dropped => counts(said::COUNTS).with("dropped", dropped),
    }
}
