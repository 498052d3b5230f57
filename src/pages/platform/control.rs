//! The command, property-set and property-get form, built from the
//! device's product model, with the device's answer or the timeout shown.

use std::rc::Rc;

use iotda_core::iotda::ProductModel;
use iotda_core::text::Message;
use yew::prelude::*;

use super::{Api, Said};
use crate::hooks::use_i18n::use_texts;
use crate::store::platform::{answer, choices, control_request, fields, object, Control};

/// Props of [`ControlForm`].
#[derive(Properties, PartialEq)]
pub struct ControlProps {
    /// The API.
    pub api: Api,
    /// The device.
    pub device_id: AttrValue,
    /// Its product's model.
    pub model: Rc<ProductModel>,
}

/// The form.
#[component]
pub fn ControlForm(props: &ControlProps) -> Html {
    let t = use_texts();
    let control = use_state(Control::default);
    let picked = use_state(|| 0usize);
    let values = use_state(Vec::<String>::new);
    let answered = use_state(|| None::<Result<String, Vec<Message>>>);
    let busy = use_state(|| false);
    let targets: Vec<(String, String)> = choices(&props.model, *control)
        .into_iter()
        .flat_map(|(s, names)| names.into_iter().map(move |n| (s.clone(), n)))
        .collect();
    let (service, command) = targets.get(*picked).cloned().unwrap_or_default();
    let form = fields(&props.model, *control, &service, &command);
    let kind = |to: Control| {
        let (control, picked, values) = (control.clone(), picked.clone(), values.clone());
        Callback::from(move |_: Event| {
            control.set(to);
            picked.set(0);
            values.set(Vec::new());
        })
    };
    let on_pick = {
        let (picked, values) = (picked.clone(), values.clone());
        Callback::from(move |e: Event| {
            picked.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value()
                    .parse()
                    .unwrap_or(0),
            );
            values.set(Vec::new());
        })
    };
    let typed: Vec<String> = (0..form.len())
        .map(|i| values.get(i).cloned().unwrap_or_default())
        .collect();
    let on_value = |i: usize| {
        let (values, typed) = (values.clone(), typed.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = typed.clone();
            next[i] = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            values.set(next);
        })
    };
    let send = {
        let (api, id, answered, busy, control, form, typed) = (
            props.api.clone(),
            props.device_id.clone(),
            answered.clone(),
            busy.clone(),
            *control,
            form.clone(),
            typed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let paras = match object(&form, &typed) {
                Ok(p) => p,
                Err(errors) => return answered.set(Some(Err(errors))),
            };
            let (method, path, body) = control_request(control, &service, &command, paras);
            let (api, id, answered, busy) =
                (api.clone(), id.clone(), answered.clone(), busy.clone());
            busy.set(true);
            answered.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let got = api
                    .call(method, &format!("devices/{id}/{path}"), body)
                    .await;
                answered.set(Some(got.and_then(|b| answer(&b)).map_err(|e| vec![e])));
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card wide" id="platform-control" aria-labelledby="platform-control-heading">
            <h3 id="platform-control-heading">{ t.platform_control() }</h3>
            <div class="choice" role="radiogroup" aria-label={t.platform_control()}>
                <label><input type="radio" name="platform-control" id="platform-control-command" checked={*control == Control::Command} onchange={kind(Control::Command)} />{ t.platform_command() }</label>
                <label><input type="radio" name="platform-control" id="platform-control-set" checked={*control == Control::Set} onchange={kind(Control::Set)} />{ t.platform_property_set() }</label>
                <label><input type="radio" name="platform-control" id="platform-control-get" checked={*control == Control::Get} onchange={kind(Control::Get)} />{ t.platform_property_get() }</label>
            </div>
            <label for="platform-control-target">{ t.platform_service() }</label>
            <select id="platform-control-target" onchange={on_pick}>
                { for targets.iter().enumerate().map(|(i, (s, n))| html! {
                    <option value={i.to_string()} selected={i == *picked}>{ if n.is_empty() { s.clone() } else { format!("{s} / {n}") } }</option>
                }) }
            </select>
            { for form.iter().enumerate().map(|(i, f)| html! {
                <div class="field">
                    <label for={format!("platform-para-{}", f.name)}>{ format!("{} ({}{}{})", f.name, f.data_type, if f.hint.is_empty() { "" } else { ", " }, f.hint) }</label>
                    <input id={format!("platform-para-{}", f.name)} value={typed[i].clone()} oninput={on_value(i)} />
                </div>
            }) }
            <button type="button" id="platform-control-send" onclick={send} disabled={*busy || targets.is_empty()}>{ t.platform_send() }</button>
            if *busy {
                <p aria-busy="true" id="platform-control-waiting">{ t.platform_waiting() }</p>
            }
            {
                match &*answered {
                    None => html! {},
                    Some(Ok(text)) => html! { <pre id="platform-control-response">{ text.clone() }</pre> },
                    Some(Err(errors)) => errors.iter().enumerate().map(|(i, e)| {
                        // One id each: the first keeps the plain one.
                        let id = match i {
                            0 => AttrValue::from("platform-control-error"),
                            _ => AttrValue::from(format!("platform-control-error-{i}")),
                        };
                        html! { <Said {id} message={e.clone()} /> }
                    }).collect::<Html>(),
                }
            }
        </section>
    }
}
