//! The Connection page: device credentials as IoTDA computes them, the
//! broker endpoint, settings ready to paste into other MQTT clients, and
//! the doctor for a refused device.

mod device;
pub(crate) mod doctor;
mod endpoint;
mod settings;

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::components::value_row::ValueRow;
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_workspace::use_workspace;
use crate::store::connect::{AuthMode, ConnectAction, ConnectState};
use crate::store::{Secret, WorkspaceAction};
use crate::web::clock;

/// How often the current hour is re-read, in milliseconds.
const CLOCK_TICK_MS: u32 = 30_000;

/// The Connection page.
#[component]
pub fn ConnectPage() -> Html {
    let t = use_texts();
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

    let form = &state.form;
    let derived = Rc::new(state.derive());
    let login = derived.login.as_ref().ok();
    let x509 = form.auth == AuthMode::X509;

    html! {
        <div class="page connect">
            <device::DeviceCard state={state.clone()} derived={derived.clone()} />
            <endpoint::EndpointCard state={state.clone()} derived={derived.clone()} />
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
            <settings::SettingsCard endpoint={derived.endpoint.clone().ok()} settings={derived.settings()} />
            // The doctor checks secret logins; a certificate device is
            // checked with `iotda-kit doctor --cert --key --ca`.
            if !x509 {
                <doctor::DoctorCard device_id={form.device_id.clone()} secret={form.secret.clone()} />
            }
        </div>
    }
}
