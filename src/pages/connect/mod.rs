//! The Connection page: device credentials as IoTDA computes them, the
//! broker endpoint, settings ready to paste into other MQTT clients, and
//! the doctor for a refused device.

pub(crate) mod doctor;

use gloo_timers::callback::Interval;
use iotda_core::credentials::{Field, SignType};
use iotda_core::endpoint::{Transport, HOST_PRESETS};
use iotda_core::text::Message;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::{use_say, use_texts};
use crate::components::copy_button::CopyButton;
use crate::components::text_field::TextField;
use crate::components::value_row::ValueRow;
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Texts;
use crate::messages::Say;
use crate::state::{AuthMode, ConnectAction, ConnectState, TimestampInput};
use crate::store::{Secret, WorkspaceAction};
use crate::web::clock;

/// How often the current hour is re-read, in milliseconds.
const CLOCK_TICK_MS: u32 = 30_000;

/// The Connection page.
#[component]
pub fn ConnectPage() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let state = {
        let connect = workspace.connect.clone();
        use_reducer(move || {
            let mut state = ConnectState::restore(Some(connect.form), clock::now_hour());
            // The secret typed earlier in this tab, if none is remembered.
            if state.form.secret.is_empty() {
                connect.secret.expose().clone_into(&mut state.form.secret);
            }
            state
        })
    };
    {
        let workspace = workspace.clone();
        use_effect_with(state.form.secret.clone(), move |secret| {
            workspace.dispatch(WorkspaceAction::Secret(Secret::new(secret.clone())));
        });
    }
    {
        let workspace = workspace.clone();
        use_effect_with(state.saved(), move |form| {
            workspace.dispatch(WorkspaceAction::ConnectForm(Box::new(form.clone())));
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            // Rendered, with its handlers attached: the page answers input.
            clock::mark(clock::INTERACTIVE_MARK);
            let interval = Interval::new(CLOCK_TICK_MS, move || {
                dispatcher.dispatch(ConnectAction::Tick(clock::now_hour()))
            });
            move || drop(interval)
        });
    }

    let text_action = |make: fn(String) -> ConnectAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |v: String| dispatcher.dispatch(make(v)))
    };
    let click_action = |action: ConnectAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(action.clone()))
    };
    let on_sign_type = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(sign_type) = value.parse::<SignType>() {
                dispatcher.dispatch(ConnectAction::SignType(sign_type));
            }
        })
    };
    let on_auth = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mode = if value == "x509" {
                AuthMode::X509
            } else {
                AuthMode::Secret
            };
            dispatcher.dispatch(ConnectAction::Auth(mode));
        })
    };
    let on_transport = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(t) = Transport::from_scheme(&value) {
                dispatcher.dispatch(ConnectAction::Transport(t));
            }
        })
    };
    let on_remember = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
            dispatcher.dispatch(ConnectAction::RememberSecret(checked));
        })
    };

    let form = &state.form;
    let derived = state.derive();
    let login = derived.login.as_ref().ok();
    let x509 = form.auth == AuthMode::X509;
    let endpoint_error = derived.endpoint.as_ref().err();
    let endpoint_error_where = |pick: fn(&iotda_core::endpoint::EndpointError) -> bool| {
        endpoint_error.filter(|e| pick(e)).map(|e| say.say(e))
    };
    let transport_error = endpoint_error_where(|e| e.is_transport());
    let following_clock = form.timestamp == TimestampInput::Current;
    let timestamp_hint = if following_clock {
        t.timestamp_following()
    } else {
        t.timestamp_fixed()
    };
    let settings = derived.settings();

    html! {
        <div class="page connect">
            <section class="card" aria-labelledby="device-heading">
                <h2 id="device-heading">{ t.device() }</h2>
                <TextField id="device-id" label={t.device_id()} value={form.device_id.clone()}
                    oninput={text_action(ConnectAction::DeviceId)}
                    hint={t.device_id_hint()}
                    error={derived.error_for(Field::DeviceId).map(|e| say.message(&e))} />
                <div class="field">
                    <label for="auth-mode">{ t.auth_mode() }</label>
                    <select id="auth-mode" onchange={on_auth}>
                        <option value="secret" selected={!x509}>{ t.auth_secret() }</option>
                        <option value="x509" selected={x509}>{ t.auth_x509() }</option>
                    </select>
                    if x509 {
                        <span class="hint" id="auth-x509-hint">{ t.auth_x509_hint() }</span>
                    }
                </div>
                if !x509 {
                <TextField id="secret" label={t.secret()} value={form.secret.clone()}
                    input_type={if state.show_secret { "text" } else { "password" }}
                    autocomplete="off"
                    oninput={text_action(|v| ConnectAction::Secret(v.into()))}
                    error={derived.error_for(Field::Secret).map(|e| say.message(&e))}
                    warnings={derived.warnings_for(Field::Secret, state.now).iter().map(|w| say.message(w)).collect::<Vec<_>>()}>
                    <button type="button" class="secondary" id="toggle-secret"
                        aria-pressed={state.show_secret.to_string()}
                        onclick={click_action(ConnectAction::ToggleShowSecret)}>
                        { if state.show_secret { t.hide() } else { t.show() } }
                    </button>
                </TextField>
                <div class="field checkbox">
                    <input type="checkbox" id="remember-secret" checked={form.remember_secret}
                        onchange={on_remember} />
                    <label for="remember-secret">{ t.remember_secret() }</label>
                    <span class="hint">{ t.remember_secret_hint() }</span>
                </div>
                }
                <div class="field">
                    <label for="sign-type">{ t.sign_type() }</label>
                    <select id="sign-type" onchange={on_sign_type}>
                        <option value="0" selected={form.sign_type == SignType::NoTimestampCheck}>
                            { t.sign_type_0() }
                        </option>
                        <option value="1" selected={form.sign_type == SignType::CheckTimestamp}>
                            { t.sign_type_1() }
                        </option>
                    </select>
                </div>
                <TextField id="timestamp" label={t.timestamp()} value={derived.timestamp_text.clone()}
                    oninput={text_action(ConnectAction::Timestamp)}
                    hint={timestamp_hint}
                    error={derived.error_for(Field::Timestamp).map(|e| say.message(&e))}
                    warnings={derived.warnings_for(Field::Timestamp, state.now).iter().map(|w| say.message(w)).collect::<Vec<_>>()}>
                    <button type="button" class="secondary" id="timestamp-now"
                        onclick={click_action(ConnectAction::UseCurrentHour)}
                        disabled={following_clock}>
                        { t.now() }
                    </button>
                </TextField>
            </section>

            <section class="card" aria-labelledby="endpoint-heading">
                <h2 id="endpoint-heading">{ t.endpoint() }</h2>
                <TextField id="host" label={t.host()} value={form.host.clone()} list="host-presets"
                    oninput={text_action(ConnectAction::Host)}
                    hint={t.host_hint()}
                    error={endpoint_error_where(|e| !e.is_port() && !e.is_path() && !e.is_transport())} />
                <datalist id="host-presets">
                    { for HOST_PRESETS.iter().map(|p| html! { <option value={p.host} label={say.message(&host_label(p.host, p.label))} /> }) }
                </datalist>
                <div class={classes!("field", transport_error.as_ref().map(|_| "invalid"))}>
                    <label for="transport">{ t.protocol() }</label>
                    <select id="transport" onchange={on_transport}>
                        { for Transport::ALL.iter().map(|tr| html! {
                            <option value={tr.scheme()} selected={*tr == form.transport}>{ transport_label(t, *tr) }</option>
                        }) }
                    </select>
                    if let Some(error) = &transport_error {
                        <p class="field-error" id="transport-error" role="alert">{ error }</p>
                    }
                </div>
                <TextField id="port" label={t.port()} value={form.port.clone()}
                    oninput={text_action(ConnectAction::Port)}
                    error={endpoint_error_where(|e| e.is_port())} />
                if form.transport.is_websocket() {
                    <TextField id="ws-path" label={t.ws_path()} value={form.path.clone()}
                        oninput={text_action(ConnectAction::Path)}
                        error={endpoint_error_where(|e| e.is_path())} />
                }
            </section>

            <section class="card wide" aria-labelledby="credentials-heading">
                <h2 id="credentials-heading">{ t.credentials() }</h2>
                <ValueRow id="client-id" label="ClientId" value={login.map(|c| AttrValue::from(c.client_id.clone()))} />
                <ValueRow id="username" label={t.username()} value={login.map(|c| AttrValue::from(c.username.clone()))} />
                if !x509 {
                    <ValueRow id="password" label={t.password()}
                        value={login.and_then(|c| c.password.as_ref()).map(|p| AttrValue::from(p.expose().to_owned()))} />
                }
                if login.is_none() {
                    <p class="hint">{ t.credentials_pending() }</p>
                }
            </section>

            <section class="card wide" aria-labelledby="settings-heading">
                <h2 id="settings-heading">{ t.settings() }</h2>
                { settings_view(t, say, settings) }
            </section>

            // The doctor checks secret logins; a certificate device is
            // checked with `iotda-kit doctor --cert --key --ca`.
            if !x509 {
                <doctor::DoctorCard device_id={form.device_id.clone()} secret={form.secret.clone()} />
            }
        </div>
    }
}

/// A transport's label in the language on screen (the core's is English).
fn transport_label(t: &Texts, transport: Transport) -> &'static str {
    match transport {
        Transport::Ws => t.transport_ws(),
        Transport::Wss => t.transport_wss(),
        other => other.label(),
    }
}

fn settings_view(t: &Texts, say: Say, settings: Option<crate::state::Settings>) -> Html {
    let Some(s) = settings else {
        return html! {
            <p class="hint" id="settings-pending">
                { t.settings_pending() }
            </p>
        };
    };
    html! {
        <>
            <p>{ t.broker_url() }<code id="broker-url">{ s.url.clone() }</code></p>
            <h3>{ "mosquitto_pub" }</h3>
            { match &s.mosquitto_pub {
                Ok(cmd) => command_block("mosquitto-cmd", t.mosquitto_command(), cmd),
                Err(why) => html! { <p class="hint" id="mosquitto-cmd-unavailable">{ say.message(why) }</p> },
            } }
            <h3>{ "MQTTX CLI" }</h3>
            { command_block("mqttx-cmd", t.mqttx_command(), &s.mqttx) }
            <h3>{ "iotda-kit" }</h3>
            { match &s.iotda_kit {
                Ok(cmd) => command_block("iotda-kit-cmd", t.iotda_kit_command(), cmd),
                Err(why) => html! { <p class="hint" id="iotda-kit-cmd-unavailable">{ say.message(why) }</p> },
            } }
            <h3>{ t.mqttfx_profile() }</h3>
            <table class="settings-table" id="mqttfx-table">
                <tbody>
                    { for s.mqttfx.iter().map(|(label, value)| if value.is_empty() {
                        // MQTT.fx's password of a certificate device.
                        html! {
                            <tr>
                                <th scope="row">{ *label }</th>
                                <td class="hint">{ t.leave_blank() }</td>
                                <td></td>
                            </tr>
                        }
                    } else {
                        html! {
                            <tr>
                                <th scope="row">{ *label }</th>
                                <td><code>{ value.clone() }</code></td>
                                <td><CopyButton text={value.clone()} what={*label} /></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </>
    }
}

fn command_block(id: &'static str, what: &'static str, command: &str) -> Html {
    html! {
        <div class="command">
            <pre id={id}><code>{ command.to_owned() }</code></pre>
            <CopyButton text={command.to_owned()} {what} />
        </div>
    }
}

/// The label of a host preset, keyed by its host (the core names the
/// presets in English only).
fn host_label(host: &str, english: &str) -> Message {
    use crate::messages::keys::host_preset as k;
    let key = match host {
        h if h.contains("cn-north-4") => k::BEIJING,
        h if h.contains("cn-east-3") => k::SHANGHAI,
        h if h.contains("cn-south-1") => k::GUANGZHOU,
        iotda_core::endpoint::LEGACY_HOST => k::LEGACY,
        "127.0.0.1" => k::LOCAL,
        _ => return Message::new(crate::messages::keys::plain::TEXT).with("text", english),
    };
    Message::new(key)
}
