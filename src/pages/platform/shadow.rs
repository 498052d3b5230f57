//! The device shadow: desired and reported per service, and the desired
//! values edited as JSON.

use iotda_core::text::Message;
use serde_json::Value;
use yew::prelude::*;

use super::{use_get, Api, Said};
use crate::hooks::use_i18n::use_texts;
use crate::messages::keys::platform as key;
use crate::store::platform::ShadowEntry;

/// Props of [`Shadow`].
#[derive(Properties, PartialEq)]
pub struct ShadowProps {
    /// The API.
    pub api: Api,
    /// The device.
    pub device_id: AttrValue,
    /// Moves when the device changed.
    pub tick: u64,
}

fn props_text(p: &Option<serde_json::Map<String, Value>>) -> String {
    p.as_ref()
        .map(|m| Value::Object(m.clone()).to_string())
        .unwrap_or_default()
}

/// The shadow card.
#[component]
pub fn Shadow(props: &ShadowProps) -> Html {
    let t = use_texts();
    let changed = use_state(|| 0u64);
    let shadow = use_get::<Vec<ShadowEntry>>(
        &props.api,
        format!("devices/{}/shadow", props.device_id),
        Some("shadow"),
        props.tick + *changed,
    );
    let service = use_state(String::new);
    let desired = use_state(String::new);
    let error = use_state(|| None::<Message>);
    let apply = {
        let (api, id, service, desired, error, changed) = (
            props.api.clone(),
            props.device_id.clone(),
            service.clone(),
            desired.clone(),
            error.clone(),
            changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let values: Value = match serde_json::from_slice(desired.trim().as_bytes()) {
                Ok(v) => v,
                Err(_) => {
                    return error.set(Some(
                        Message::new(key::NOT_JSON)
                            .with("name", t.platform_desired())
                            .with("value", desired.trim()),
                    ))
                }
            };
            let body = serde_json::json!({ "shadow": [{ "service_id": service.trim(), "desired": values }] }).to_string();
            let (api, id, error, changed) =
                (api.clone(), id.clone(), error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let put = api
                    .call("PUT", &format!("devices/{id}/shadow"), Some(body))
                    .await;
                error.set(put.err());
                changed.set(*changed + 1);
            });
        })
    };
    let on = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| {
            s.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    html! {
        <section class="card wide" id="platform-shadow" aria-labelledby="platform-shadow-heading">
            <h3 id="platform-shadow-heading">{ t.platform_shadow() }</h3>
            {
                match &*shadow {
                    None => html! {},
                    Some(Err(e)) => html! { <Said id="platform-shadow-read-error" message={e.clone()} /> },
                    Some(Ok(list)) => html! {
                        <table class="platform-table" id="platform-shadow-table">
                            <thead><tr><th>{ t.platform_service() }</th><th>{ t.platform_desired() }</th><th>{ t.platform_reported() }</th><th>{ t.platform_version() }</th></tr></thead>
                            <tbody>{ for list.iter().map(|s| html! {
                                <tr id={format!("platform-shadow-{}", s.service_id)}><td>{ s.service_id.clone() }</td>
                                <td><code class="platform-shadow-desired">{ props_text(&s.desired.properties) }</code></td>
                                <td><code class="platform-shadow-reported">{ props_text(&s.reported.properties) }</code></td>
                                <td class="platform-shadow-version">{ s.version }</td></tr>
                            }) }</tbody>
                        </table>
                    },
                }
            }
            <label for="platform-shadow-service">{ t.platform_service() }</label>
            <input id="platform-shadow-service" value={(*service).clone()} oninput={on(&service)} />
            <label for="platform-shadow-desired">{ t.platform_desired_json() }</label>
            <input id="platform-shadow-desired" value={(*desired).clone()} oninput={on(&desired)} placeholder="{\"level\": 5}"
                aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then_some("platform-shadow-error")} />
            // At the field: what was refused is the desired values.
            if let Some(e) = &*error {
                <Said id="platform-shadow-error" message={e.clone()} />
            }
            <button type="button" id="platform-shadow-apply" onclick={apply}>{ t.platform_shadow_apply() }</button>
        </section>
    }
}
