//! Devices: the list with status and last connection, a device opened in
//! the detail view, and the registration form ([`super::register`]).

use yew::prelude::*;

use super::register::Register;
use super::{use_get, Api, Fetched, Said};
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_workspace::use_workspace;
use crate::store::platform::{Device, Product};
use crate::store::WorkspaceAction;

/// Props of [`Devices`].
#[derive(Properties, PartialEq)]
pub struct DevicesProps {
    /// The API.
    pub api: Api,
    /// Moves when the list should be read again.
    pub tick: u64,
    /// The products, for the registration form.
    pub products: Fetched<Vec<Product>>,
    /// Called after the page changed the platform.
    pub on_changed: Callback<()>,
}

/// The devices card.
#[component]
pub fn Devices(props: &DevicesProps) -> Html {
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
            <Register api={props.api.clone()} products={props.products.clone()} on_changed={props.on_changed.clone()} />
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
