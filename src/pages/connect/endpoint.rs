//! The Connection page's Endpoint card: host (with a suggestion per IoTDA
//! region), transport, port and WebSocket path.

use std::rc::Rc;

use iotda_core::endpoint::{EndpointError, HostPreset, Region, Transport};
use iotda_core::text::Message;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::device::text_action;
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::i18n::Texts;
use crate::messages::keys::{host_preset, region as region_key};
use crate::store::connect::{ConnectAction, ConnectState, Derived};

/// Props of [`EndpointCard`].
#[derive(Properties, PartialEq)]
pub struct EndpointCardProps {
    /// The page's state.
    pub state: UseReducerHandle<ConnectState>,
    /// What follows from it.
    pub derived: Rc<Derived>,
}

/// The Endpoint card.
#[component]
pub fn EndpointCard(props: &EndpointCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let state = &props.state;
    let form = &state.form;
    let error_where =
        |pick: fn(&EndpointError) -> bool| props.derived.endpoint_error(pick).map(|e| say.say(e));
    let transport_error = error_where(|e| e.is_transport());
    let text_action = |make| text_action(state, make);
    let on_transport = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(t) = Transport::from_scheme(&value) {
                dispatcher.dispatch(ConnectAction::Transport(t));
            }
        })
    };

    html! {
        <section class="card" aria-labelledby="endpoint-heading">
            <h2 id="endpoint-heading">{ t.endpoint() }</h2>
            <TextField id="host" label={t.host()} value={form.host.clone()} list="host-presets"
                oninput={text_action(ConnectAction::Host)}
                hint={t.host_hint()}
                error={error_where(|e| !e.is_port() && !e.is_path() && !e.is_transport())} />
            <datalist id="host-presets">
                { for HostPreset::all().map(|p| html! {
                    <option value={p.host()} label={say.message(&preset_label(p))} />
                }) }
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
                error={error_where(|e| e.is_port())} />
            if form.transport.is_websocket() {
                <TextField id="ws-path" label={t.ws_path()} value={form.path.clone()}
                    oninput={text_action(ConnectAction::Path)}
                    error={error_where(|e| e.is_path())} />
            }
        </section>
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

/// A host suggestion's label.
fn preset_label(preset: HostPreset) -> Message {
    match preset {
        HostPreset::Instance(region) => Message::new(host_preset::INSTANCE)
            .with_message("region", region_name(region))
            .with("id", region.id()),
        HostPreset::Legacy => Message::new(host_preset::LEGACY),
        HostPreset::Local => Message::new(host_preset::LOCAL),
    }
}

/// A region's name in the language on screen.
pub(crate) fn region_name(region: Region) -> Message {
    Message::new(match region {
        Region::CnNorth4 => region_key::CN_NORTH_4,
        Region::CnEast3 => region_key::CN_EAST_3,
        Region::CnSouth1 => region_key::CN_SOUTH_1,
        Region::ApSoutheast1 => region_key::AP_SOUTHEAST_1,
        Region::ApSoutheast2 => region_key::AP_SOUTHEAST_2,
        Region::ApSoutheast3 => region_key::AP_SOUTHEAST_3,
        Region::ApSoutheast4 => region_key::AP_SOUTHEAST_4,
        Region::AfSouth1 => region_key::AF_SOUTH_1,
        Region::LaSouth2 => region_key::LA_SOUTH_2,
        Region::SaBrazil1 => region_key::SA_BRAZIL_1,
        Region::LaNorth2 => region_key::LA_NORTH_2,
        Region::MeEast1 => region_key::ME_EAST_1,
    })
}
