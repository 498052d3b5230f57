//! Products and their models: the list, and a new product, with the Model
//! page's model in one click.

use iotda_core::iotda::default_model;
use iotda_core::text::Message;
use yew::prelude::*;

use super::{use_get, Api, Fetched, Said};
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_workspace::use_workspace;
use crate::store::platform::Product;

/// Props of the platform's lists.
#[derive(Properties, PartialEq)]
pub struct ListProps {
    /// The API.
    pub api: Api,
    /// Moves when the list should be read again.
    pub tick: u64,
    /// Called after the page changed the platform.
    pub on_changed: Callback<()>,
}

/// Props of the cards that show or choose the products, which the page
/// reads once for them all.
#[derive(Properties, PartialEq)]
pub struct ProductsProps {
    /// The API.
    pub api: Api,
    /// The products.
    pub products: Fetched<Vec<Product>>,
    /// Called after the page changed the platform.
    pub on_changed: Callback<()>,
}

/// The products card.
#[component]
pub fn Products(props: &ProductsProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let name = use_state(String::new);
    let id = use_state(String::new);
    let error = use_state(|| None::<Message>);
    let create = |with_model: bool| {
        let (api, name, id, error, done) = (
            props.api.clone(),
            name.clone(),
            id.clone(),
            error.clone(),
            props.on_changed.clone(),
        );
        let model = workspace.model.clone().unwrap_or_else(default_model);
        Callback::from(move |_: MouseEvent| {
            let mut body = serde_json::json!({
                "name": name.trim(), "device_type": "Kit", "protocol_type": "MQTT",
            });
            if !id.trim().is_empty() {
                body["product_id"] = id.trim().into();
            }
            if with_model {
                body["service_capabilities"] =
                    serde_json::to_value(&model.service_capabilities).unwrap_or_default();
            }
            let (api, error, done) = (api.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call("POST", "products", Some(body.to_string())).await {
                    Ok(_) => {
                        error.set(None);
                        done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |v: String| s.set(v))
    };
    html! {
        <section class="card wide" id="platform-products" aria-labelledby="platform-products-heading">
            <h2 id="platform-products-heading">{ t.platform_products() }</h2>
            { list(t, &props.api, &props.products) }
            <TextField id="platform-product-name" label={t.platform_product_name()} value={(*name).clone()} oninput={on(&name)} />
            <TextField id="platform-product-id" label={t.platform_product_id()} value={(*id).clone()} oninput={on(&id)}
                hint={AttrValue::Static(t.platform_product_id_hint())} />
            <div class="actions">
                <button type="button" id="platform-product-create" onclick={create(false)}>{ t.platform_product_create() }</button>
                <button type="button" id="platform-product-create-model" onclick={create(true)}>{ t.platform_product_create_model() }</button>
            </div>
            if let Some(e) = &*error {
                <Said id="platform-product-error" message={e.clone()} />
            }
        </section>
    }
}

fn list(t: &crate::i18n::Texts, api: &Api, products: &Fetched<Vec<Product>>) -> Html {
    match products {
        None => html! {},
        Some(Err(e)) => html! { <Said id="platform-products-error" message={e.clone()} /> },
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="hint">{ t.platform_none_yet() }</p> }
        }
        Some(Ok(list)) => html! {
            <table class="platform-table" id="platform-product-list">
                <thead><tr><th>{ t.platform_product_id() }</th><th>{ t.platform_product_name() }</th><th>{ t.platform_services() }</th></tr></thead>
                <tbody>{ for list.iter().map(|p| html! { <ProductRow key={p.product_id.clone()} api={api.clone()} product={p.clone()} /> }) }</tbody>
            </table>
        },
    }
}

/// Props of [`ProductRow`].
#[derive(Properties, PartialEq)]
struct RowProps {
    api: Api,
    product: Product,
}

/// A product and its model's services.
#[component]
fn ProductRow(props: &RowProps) -> Html {
    let p = &props.product;
    let full = use_get::<Product>(&props.api, format!("products/{}", p.product_id), None, 0);
    let services: Vec<String> = (*full)
        .as_ref()
        .and_then(|f| f.as_ref().ok())
        .and_then(|f| f.service_capabilities.as_array().cloned())
        .map(|s| {
            s.iter()
                .filter_map(|s| s["service_id"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    html! {
        <tr>
            <td><code>{ p.product_id.clone() }</code></td>
            <td>{ p.name.clone() }</td>
            <td>{ services.join(", ") }</td>
        </tr>
    }
}
