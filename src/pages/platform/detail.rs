//! One device in detail: status, latest properties with a chart of each
//! numeric one, the dropped data and why, the message history, the
//! shadow, and the command / property form.

use std::rc::Rc;

use iotda_core::iotda::ProductModel;
use yew::prelude::*;

use super::chart::Chart;
use super::control::ControlForm;
use super::shadow::Shadow;
use super::{use_get, Api, Said};
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_workspace::use_workspace;
use crate::store::platform::{latest, series, Device, KitMessage, Product, Report};
use crate::store::WorkspaceAction;

/// Props of [`DeviceDetail`].
#[derive(Properties, PartialEq)]
pub struct DetailProps {
    /// The API.
    pub api: Api,
    /// The device.
    pub device_id: AttrValue,
    /// Moves when something of the device changed.
    pub heard: u64,
}

/// The device-detail view.
#[component]
pub fn DeviceDetail(props: &DetailProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let id = props.device_id.clone();
    let device = use_get::<Device>(&props.api, format!("devices/{id}"), None, props.heard);
    let reports = use_get::<Vec<Report>>(
        &props.api,
        format!("devices/{id}/kit/reports"),
        Some("reports"),
        props.heard,
    );
    let messages = use_get::<Vec<KitMessage>>(
        &props.api,
        format!("devices/{id}/kit/messages"),
        Some("messages"),
        props.heard,
    );
    let product_id = (*device)
        .as_ref()
        .and_then(|d| d.as_ref().ok())
        .map(|d| d.product_id.clone())
        .unwrap_or_default();
    let product = use_get::<Product>(&props.api, format!("products/{product_id}"), None, 0);
    let model = use_memo(
        product.as_ref().and_then(|p| p.as_ref().ok()).cloned(),
        |p| {
            let p = p.as_ref()?;
            let json =
                serde_json::json!({ "service_capabilities": p.service_capabilities }).to_string();
            ProductModel::from_json(json.as_bytes()).ok().map(Rc::new)
        },
    );
    let close = Callback::from(move |_: MouseEvent| {
        workspace.dispatch(WorkspaceAction::PlatformDevice(None))
    });
    let reports: Rc<Vec<Report>> = (*reports)
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .cloned()
        .unwrap_or_default();
    html! {
        <div id="platform-detail">
            <section class="card wide" aria-labelledby="platform-detail-heading">
                <h2 id="platform-detail-heading">{ t.platform_device() }{ " " }<code>{ id.clone() }</code></h2>
                {
                    match &*device {
                        None => html! {},
                        Some(Err(e)) => html! { <Said id="platform-detail-error" message={e.clone()} /> },
                        Some(Ok(d)) => html! {
                            <p>{ t.platform_status() }{ ": " }<strong id="platform-detail-status">{ d.status.clone() }</strong>
                               { " · " }{ t.platform_last_seen() }{ ": " }{ d.connection_status_update_time.clone().unwrap_or_default() }</p>
                        },
                    }
                }
                <button type="button" id="platform-detail-close" onclick={close}>{ t.platform_close() }</button>
            </section>
            { properties(t, &reports) }
            { dropped(t, &reports) }
            { history(t, &messages) }
            <Shadow api={props.api.clone()} device_id={id.clone()} tick={props.heard} />
            if let Some(model) = &*model {
                <ControlForm api={props.api.clone()} device_id={id} model={model.clone()} />
            }
        </div>
    }
}

fn properties(t: &crate::i18n::Texts, reports: &[Report]) -> Html {
    let charts = series(reports);
    html! {
        <section class="card wide" id="platform-properties" aria-labelledby="platform-properties-heading">
            <h3 id="platform-properties-heading">{ t.platform_properties() }</h3>
            <table class="platform-table">
                <thead><tr><th>{ t.platform_service() }</th><th>{ t.platform_property() }</th><th>{ t.platform_value() }</th><th>{ t.platform_time() }</th><th>{ t.platform_recent() }</th></tr></thead>
                <tbody>{ for latest(reports).into_iter().flat_map(|(service, props)| props.into_iter().map(move |(name, (value, time))| (service.clone(), name, value, time))).map(|(service, name, value, time)| {
                    let values = charts.get(&(service.clone(), name.clone())).cloned();
                    html! {
                        <tr id={format!("platform-property-{service}-{name}")}>
                            <td>{ service.clone() }</td><td>{ name.clone() }</td>
                            <td class="platform-value">{ value.to_string() }</td><td>{ time }</td>
                            <td>if let Some(values) = values { <Chart label={format!("{service}.{name}")} values={values} /> }</td>
                        </tr>
                    }
                }) }</tbody>
            </table>
        </section>
    }
}

fn dropped(t: &crate::i18n::Texts, reports: &[Report]) -> Html {
    let dropped: Vec<&Report> = reports
        .iter()
        .filter(|r| !r.problems.is_empty())
        .rev()
        .take(20)
        .collect();
    html! {
        <section class="card wide" id="platform-dropped" aria-labelledby="platform-dropped-heading">
            <h3 id="platform-dropped-heading">{ t.platform_dropped() }</h3>
            if dropped.is_empty() { <p class="hint">{ t.platform_none_yet() }</p> }
            <ul>{ for dropped.into_iter().flat_map(|r| r.problems.iter().map(move |p| html! {
                <li><code>{ p.path.clone() }</code>{ ": " }{ p.rule.clone() }{ " · " }{ r.received_time.clone() }</li>
            })) }</ul>
        </section>
    }
}

fn history(t: &crate::i18n::Texts, messages: &super::Fetched<Vec<KitMessage>>) -> Html {
    let list: Vec<KitMessage> = messages
        .as_ref()
        .and_then(|m| m.as_ref().ok())
        .map(|m| m.iter().rev().take(20).cloned().collect())
        .unwrap_or_default();
    html! {
        <section class="card wide" id="platform-messages" aria-labelledby="platform-messages-heading">
            <h3 id="platform-messages-heading">{ t.platform_messages() }</h3>
            if list.is_empty() { <p class="hint">{ t.platform_none_yet() }</p> }
            <ul>{ for list.iter().map(|m| html! {
                <li>{ m.created_time.clone() }{ " " }<strong>{ m.direction.clone() }</strong>{ " " }{ m.status.clone() }{ " " }
                    <code>{ m.topic.clone().unwrap_or_default() }</code>{ " " }<code>{ m.payload.clone().unwrap_or_default() }</code></li>
            }) }</ul>
        </section>
    }
}
