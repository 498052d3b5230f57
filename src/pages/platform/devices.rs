//! Devices: the list with status and last connection, a device opened in
//! the detail view, and a new device by secret or by fingerprint (the
//! Certificates page's device certificate in one click).

use iotda_core::text::Message;
use yew::prelude::*;

use super::products::ListProps;
use super::{use_get, Api, Said};
use crate::app::use_texts;
use crate::components::text_field::TextField;
use crate::hooks::use_workspace::use_workspace;
use crate::messages::keys::platform as key;
use crate::state::platform::{Device, Product};
use crate::store::WorkspaceAction;

/// The devices card.
#[component]
pub fn Devices(props: &ListProps) -> Html {
    let t = use_texts();
    let devices = use_get::<Vec<Device>>(
        &props.api,
        "devices?limit=50".into(),
        Some("devices"),
        props.tick,
    );
    html! {
        <section class="card wide" id="platform-devices" aria-labelledby="platform-devices-heading">
            <h2 id="platform-devices-heading">{ t.platform_devices() }</h2>
            {
                match &*devices {
                    None => html! {},
                    Some(Err(e)) => html! { <Said id="platform-devices-error" message={e.clone()} /> },
                    Some(Ok(list)) if list.is_empty() => html! { <p class="hint">{ t.platform_none_yet() }</p> },
                    Some(Ok(list)) => html! {
                        <table class="platform-table" id="platform-device-list">
                            <thead><tr><th>{ t.platform_device_id() }</th><th>{ t.platform_status() }</th><th>{ t.platform_last_seen() }</th><th></th></tr></thead>
                            <tbody>{ for list.iter().map(|d| html! {
                                <DeviceRow key={d.device_id.clone()} api={props.api.clone()} device={d.clone()} tick={props.tick} />
                            }) }</tbody>
                        </table>
                    },
                }
            }
            <Register api={props.api.clone()} tick={props.tick} on_changed={props.on_changed.clone()} />
        </section>
    }
}

/// Props of [`DeviceRow`].
#[derive(Properties, PartialEq)]
struct RowProps {
    api: Api,
    device: Device,
    tick: u64,
}

/// A device, its last connection (ShowDevice) and the button to open it.
#[component]
fn DeviceRow(props: &RowProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let d = &props.device;
    let full = use_get::<Device>(
        &props.api,
        format!("devices/{}", d.device_id),
        None,
        props.tick,
    );
    let seen = (*full)
        .as_ref()
        .and_then(|f| f.as_ref().ok())
        .and_then(|f| f.connection_status_update_time.clone())
        .unwrap_or_default();
    let open = {
        let id = d.device_id.clone();
        Callback::from(move |_: MouseEvent| {
            workspace.dispatch(WorkspaceAction::PlatformDevice(Some(id.clone())))
        })
    };
    html! {
        <tr>
            <td><code>{ d.device_id.clone() }</code></td>
            <td class="platform-device-status">{ d.status.clone() }</td>
            <td>{ seen }</td>
            <td><button type="button" class="platform-device-open" id={format!("platform-open-{}", d.device_id)} onclick={open}>{ t.platform_open() }</button></td>
        </tr>
    }
}

/// The form that registers a device.
#[component]
fn Register(props: &ListProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let products = use_get::<Vec<Product>>(
        &props.api,
        "products?limit=50".into(),
        Some("products"),
        props.tick,
    );
    let product = use_state(String::new);
    let node = use_state(String::new);
    let by_cert = use_state(|| false);
    let secret = use_state(String::new);
    let fingerprint = use_state(String::new);
    let error = use_state(|| None::<Message>);
    let on = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |v: String| s.set(v))
    };
    let options: Vec<String> = (*products)
        .as_ref()
        .and_then(|p| p.as_ref().ok())
        .map(|p| p.iter().map(|p| p.product_id.clone()).collect())
        .unwrap_or_default();
    let chosen = if product.is_empty() {
        options.first().cloned().unwrap_or_default()
    } else {
        (*product).clone()
    };
    let on_product = {
        let product = product.clone();
        Callback::from(move |e: Event| {
            product.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let use_cert = {
        let (fingerprint, by_cert, error) = (fingerprint.clone(), by_cert.clone(), error.clone());
        let device = workspace.certs.issued.device.clone();
        Callback::from(move |_: MouseEvent| match &device {
            Some(d) => {
                by_cert.set(true);
                fingerprint.set(d.view.sha256.clone());
            }
            None => error.set(Some(Message::new(key::NO_DEVICE_CERT))),
        })
    };
    let add = {
        let (api, node, secret, fingerprint, by_cert, error, done) = (
            props.api.clone(),
            node.clone(),
            secret.clone(),
            fingerprint.clone(),
            by_cert.clone(),
            error.clone(),
            props.on_changed.clone(),
        );
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| {
            let auth = if *by_cert {
                serde_json::json!({ "auth_type": "CERTIFICATES", "fingerprint": fingerprint.trim() })
            } else if secret.trim().is_empty() {
                serde_json::json!({ "auth_type": "SECRET" })
            } else {
                serde_json::json!({ "auth_type": "SECRET", "secret": secret.trim() })
            };
            let body = serde_json::json!({ "product_id": chosen, "node_id": node.trim(), "auth_info": auth }).to_string();
            let (api, error, done) = (api.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let added = api.call("POST", "devices", Some(body)).await;
                error.set(added.err());
                done.emit(());
            });
        })
    };
    let mode = |cert: bool| {
        let by_cert = by_cert.clone();
        Callback::from(move |_: Event| by_cert.set(cert))
    };
    html! {
        <fieldset class="platform-register">
            <legend>{ t.platform_register() }</legend>
            <label for="platform-device-product">{ t.platform_product_id() }</label>
            <select id="platform-device-product" onchange={on_product}>
                { for options.iter().map(|p| html! { <option value={p.clone()} selected={*p == chosen}>{ p.clone() }</option> }) }
            </select>
            <TextField id="platform-device-node" label={t.platform_node_id()} value={(*node).clone()} oninput={on(&node)} />
            <div class="choice" role="radiogroup" aria-label={t.platform_auth()}>
                <label><input type="radio" name="platform-auth" id="platform-auth-secret" checked={!*by_cert} onchange={mode(false)} />{ t.platform_by_secret() }</label>
                <label><input type="radio" name="platform-auth" id="platform-auth-cert" checked={*by_cert} onchange={mode(true)} />{ t.platform_by_fingerprint() }</label>
            </div>
            if *by_cert {
                <TextField id="platform-device-fingerprint" label={t.platform_fingerprint()} value={(*fingerprint).clone()} oninput={on(&fingerprint)} />
            } else {
                <TextField id="platform-device-secret" label={t.platform_secret()} value={(*secret).clone()} oninput={on(&secret)}
                    hint={AttrValue::Static(t.platform_secret_hint())} />
            }
            <div class="actions">
                <button type="button" id="platform-use-device-cert" onclick={use_cert}>{ t.platform_use_device_cert() }</button>
                <button type="button" id="platform-device-add" onclick={add}>{ t.platform_device_add() }</button>
            </div>
            if let Some(e) = &*error {
                <Said id="platform-device-error" message={e.clone()} />
            }
        </fieldset>
    }
}
