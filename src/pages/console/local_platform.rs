//! The Console's "Local platform" preset, shown when the app is served by
//! `iotda-kit platform`: a registered device (the Connection page's when
//! it is registered, else the first) and one click that fills the Console
//! with the platform's WebSocket address and the device's credentials
//! ([`crate::store::local_platform`]). Connected so, the device simulator
//! answers the platform's commands.

use iotda_core::text::Message;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::prefill_from;
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_mqtt_client::use_mqtt_client;
use crate::hooks::use_workspace::use_workspace;
use crate::pages::platform::{probe, use_get, Api, Said};
use crate::store::local_platform::fill;
use crate::store::platform::Device;

/// The preset, when the app is served by the platform; nothing otherwise.
#[component]
pub fn LocalPlatform() -> Html {
    let api = use_state(|| None::<Api>);
    {
        let api = api.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { api.set(probe().await) });
        });
    }
    match &*api {
        Some(api) => html! { <Preset api={api.clone()} /> },
        None => html! {},
    }
}

/// Props of [`Preset`].
#[derive(Properties, PartialEq)]
struct PresetProps {
    api: Api,
}

/// The device list and the button.
#[component]
fn Preset(props: &PresetProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let session = use_mqtt_client();
    let devices = use_get::<Vec<Device>>(&props.api, "devices?limit=50".into(), Some("devices"), 0);
    let chosen = use_state(|| None::<String>);
    let error = use_state(|| None::<Message>);
    let ids: Vec<String> = (*devices)
        .as_ref()
        .and_then(|d| d.as_ref().ok())
        .map(|d| d.iter().map(|d| d.device_id.clone()).collect())
        .unwrap_or_default();
    let own = &workspace.connect.form.device_id;
    let device = (*chosen)
        .clone()
        .or_else(|| ids.iter().find(|d| *d == own).cloned())
        .or_else(|| ids.first().cloned());
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(Some(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_fill = {
        let (api, error, device) = (props.api.clone(), error.clone(), device.clone());
        let dispatcher = session.state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let Some(device) = device.clone() else {
                return;
            };
            let (api, error, dispatcher) = (api.clone(), error.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let shown = api.call("GET", &format!("devices/{device}"), None).await;
                match shown.and_then(|body| fill(api.session(), &body)) {
                    Ok(filled) => {
                        error.set(None);
                        dispatcher.dispatch(prefill_from(filled.form, Some(filled.note)));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let listed = matches!(&*devices, Some(Ok(_)));
    html! {
        <div class="console-platform" id="console-platform">
            if let Some(Err(e)) = &*devices {
                <Said id="console-platform-devices-error" message={e.clone()} />
            }
            if listed && ids.is_empty() {
                <p class="hint" id="console-platform-none">{ t.console_platform_none() }</p>
            }
            <div class="field">
                <label for="console-platform-device">{ t.console_platform_device() }</label>
                <select id="console-platform-device" onchange={on_choose} disabled={ids.is_empty()}>
                    { for ids.iter().map(|id| html! {
                        <option value={id.clone()} selected={device.as_ref() == Some(id)}>{ id.clone() }</option>
                    }) }
                </select>
            </div>
            <p class="actions">
                <button type="button" class="secondary" id="console-local-platform" onclick={on_fill}
                    disabled={device.is_none()}>{ t.console_local_platform() }</button>
            </p>
            if let Some(e) = &*error {
                <Said id="console-platform-error" message={e.clone()} />
            }
        </div>
    }
}
