//! The Connection page's Device card: device id, authentication mode,
//! secret, sign type and timestamp.

use std::rc::Rc;

use iotda_core::credentials::{Field, SignType};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::store::connect::{AuthMode, ConnectAction, ConnectState, Derived, TimestampInput};

/// Props of [`DeviceCard`].
#[derive(Properties, PartialEq)]
pub struct DeviceCardProps {
    /// The page's state.
    pub state: UseReducerHandle<ConnectState>,
    /// What follows from it.
    pub derived: Rc<Derived>,
}

/// A callback dispatching the action `make` builds from a field's text.
pub(super) fn text_action(
    state: &UseReducerHandle<ConnectState>,
    make: fn(String) -> ConnectAction,
) -> Callback<String> {
    let dispatcher = state.dispatcher();
    Callback::from(move |v: String| dispatcher.dispatch(make(v)))
}

/// A callback dispatching `action` on a click.
fn click_action(
    state: &UseReducerHandle<ConnectState>,
    action: ConnectAction,
) -> Callback<MouseEvent> {
    let dispatcher = state.dispatcher();
    Callback::from(move |_: MouseEvent| dispatcher.dispatch(action.clone()))
}

/// A callback dispatching the action `make` builds from a select's value.
fn select_action(
    state: &UseReducerHandle<ConnectState>,
    make: fn(&str) -> Option<ConnectAction>,
) -> Callback<Event> {
    let dispatcher = state.dispatcher();
    Callback::from(move |e: Event| {
        if let Some(action) = make(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
            dispatcher.dispatch(action);
        }
    })
}

/// The Device card.
#[component]
pub fn DeviceCard(props: &DeviceCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let derived = &props.derived;
    let form = &state.form;
    let x509 = form.auth == AuthMode::X509;
    let on_sign_type = select_action(state, |v| {
        v.parse::<SignType>().ok().map(ConnectAction::SignType)
    });
    let on_auth = select_action(state, |v| {
        Some(ConnectAction::Auth(if v == "x509" {
            AuthMode::X509
        } else {
            AuthMode::Secret
        }))
    });
    let following_clock = form.timestamp == TimestampInput::Current;
    let timestamp_hint = if following_clock {
        t.timestamp_following()
    } else {
        t.timestamp_fixed()
    };
    let warnings = |field| {
        derived
            .warnings_for(field, state.now)
            .iter()
            .map(|w| say.message(w))
            .collect::<Vec<_>>()
    };

    html! {
        <section class="card" aria-labelledby="device-heading">
            <h2 id="device-heading">{ t.device() }</h2>
            <TextField id="device-id" label={t.device_id()} value={form.device_id.clone()}
                oninput={text_action(state, ConnectAction::DeviceId)}
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
                <SecretFields state={state.clone()} derived={derived.clone()} />
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
                oninput={text_action(state, ConnectAction::Timestamp)}
                hint={timestamp_hint}
                error={derived.error_for(Field::Timestamp).map(|e| say.message(&e))}
                warnings={warnings(Field::Timestamp)}>
                <button type="button" class="secondary" id="timestamp-now"
                    onclick={click_action(state, ConnectAction::UseCurrentHour)}
                    disabled={following_clock}>
                    { t.now() }
                </button>
            </TextField>
        </section>
    }
}

/// The secret and "Remember secret" of a secret-mode device.
#[component]
fn SecretFields(props: &DeviceCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let form = &state.form;
    let on_remember = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
            dispatcher.dispatch(ConnectAction::RememberSecret(checked));
        })
    };
    let warnings = props
        .derived
        .warnings_for(Field::Secret, state.now)
        .iter()
        .map(|w| say.message(w))
        .collect::<Vec<_>>();
    html! {
        <>
            <TextField id="secret" label={t.secret()} value={form.secret.clone()}
                input_type={if state.show_secret { "text" } else { "password" }}
                autocomplete="off"
                oninput={text_action(state, |v| ConnectAction::Secret(v.into()))}
                error={props.derived.error_for(Field::Secret).map(|e| say.message(&e))}
                {warnings}>
                <button type="button" class="secondary" id="toggle-secret"
                    aria-pressed={state.show_secret.to_string()}
                    onclick={click_action(state, ConnectAction::ToggleShowSecret)}>
                    { if state.show_secret { t.hide() } else { t.show() } }
                </button>
            </TextField>
            <div class="field checkbox">
                <input type="checkbox" id="remember-secret" checked={form.remember_secret}
                    onchange={on_remember} />
                <label for="remember-secret">{ t.remember_secret() }</label>
                <span class="hint">{ t.remember_secret_hint() }</span>
            </div>
        </>
    }
}
