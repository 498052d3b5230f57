//! The Connection page mounted in a real browser: type, read the outputs.
#![cfg(target_arch = "wasm32")]
// Helpers outside #[test] fns: a failing browser call must fail the test loudly.
#![allow(clippy::unwrap_used)]

use iotda_kit_web::hooks::use_workspace::WorkspaceProvider;
use iotda_kit_web::pages::connect::ConnectPage;
use iotda_kit_web::store::persist::{STORAGE_KEY, V1_CONNECT};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

const VECTOR_PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// The page inside the workspace the app shell provides.
#[yew::component]
fn Mounted() -> yew::Html {
    yew::html! { <WorkspaceProvider><ConnectPage /></WorkspaceProvider> }
}

/// Mounts a fresh page in its own element, with nothing saved.
async fn mount() -> Element {
    storage().remove_item(STORAGE_KEY).unwrap();
    storage().remove_item(V1_CONNECT).unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Mounted>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element {selector}"))
}

fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

async fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement = find(root, selector).dyn_into().unwrap();
    input.set_value(text);
    fire(&input, "input");
    yew::scheduler::flush().await;
}

async fn choose(root: &Element, selector: &str, value: &str) {
    let select: HtmlSelectElement = find(root, selector).dyn_into().unwrap();
    select.set_value(value);
    fire(&select, "change");
    yew::scheduler::flush().await;
}

async fn click(root: &Element, selector: &str) {
    let el: HtmlElement = find(root, selector).dyn_into().unwrap();
    el.click();
    yew::scheduler::flush().await;
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn typing_shows_client_id_username_and_password() {
    let root = mount().await;
    assert_eq!(text(&root, "#client-id"), "—");
    // A fresh form shows no error yet.
    assert!(root.query_selector("#device-id-error").unwrap().is_none());

    type_into(&root, "#device-id", "5f8d_node1").await;
    type_into(&root, "#secret", "12345678").await;
    type_into(&root, "#timestamp", "2025041401").await;
    assert_eq!(text(&root, "#client-id"), "5f8d_node1_0_0_2025041401");
    assert_eq!(text(&root, "#username"), "5f8d_node1");
    assert_eq!(text(&root, "#password"), VECTOR_PASSWORD);

    choose(&root, "#sign-type", "1").await;
    assert_eq!(text(&root, "#client-id"), "5f8d_node1_0_1_2025041401");
    // An old hour with sign type 1 is flagged next to the timestamp.
    assert!(text(&root, "#timestamp-warning").contains("hour(s) behind"));

    // The settings use the same values, once the host has no `{prefix}`.
    type_into(
        &root,
        "#host",
        "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com",
    )
    .await;
    let cmd = text(&root, "#mosquitto-cmd");
    assert!(cmd.contains("-i 5f8d_node1_0_1_2025041401"), "{cmd}");
    assert!(cmd.contains(VECTOR_PASSWORD));
    assert!(text(&root, "#mqttfx-table").contains("8883"));
}

#[wasm_bindgen_test]
async fn errors_show_next_to_their_fields_and_input_is_kept() {
    let root = mount().await;
    type_into(&root, "#device-id", "dev 1").await;
    assert!(text(&root, "#device-id-error").contains("found ' ' at position 4"));
    assert_eq!(text(&root, "#client-id"), "—");
    let input: HtmlInputElement = find(&root, "#device-id").dyn_into().unwrap();
    assert_eq!(input.value(), "dev 1", "what the user typed stays");

    type_into(&root, "#device-id", "dev1").await;
    assert!(root.query_selector("#device-id-error").unwrap().is_none());
    type_into(&root, "#secret", "12345678").await;
    type_into(&root, "#timestamp", "2025023001").await;
    assert_eq!(
        text(&root, "#timestamp-error"),
        "timestamp day 30 does not exist in 2025-02"
    );
    type_into(&root, "#port", "70000").await;
    assert!(text(&root, "#port-error").contains("1 to 65535"));
}

#[wasm_bindgen_test]
async fn now_button_and_secret_visibility() {
    let root = mount().await;
    let now = text_value(&root, "#timestamp");
    assert_eq!(now.len(), 10, "defaults to the current UTC hour: {now}");
    type_into(&root, "#timestamp", "2025041401").await;
    click(&root, "#timestamp-now").await;
    assert_eq!(text_value(&root, "#timestamp"), now);

    let secret: HtmlInputElement = find(&root, "#secret").dyn_into().unwrap();
    assert_eq!(secret.type_(), "password");
    click(&root, "#toggle-secret").await;
    assert_eq!(secret.type_(), "text");
}

fn text_value(root: &Element, selector: &str) -> String {
    find(root, selector)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value()
}

#[wasm_bindgen_test]
async fn secret_is_stored_only_when_remembered() {
    let root = mount().await;
    type_into(&root, "#device-id", "keep_me").await;
    type_into(&root, "#secret", "s3cr3t-value").await;
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains("keep_me"), "{saved}");
    assert!(!saved.contains("s3cr3t-value"), "{saved}");

    let remember: HtmlInputElement = find(&root, "#remember-secret").dyn_into().unwrap();
    remember.set_checked(true);
    fire(&remember, "change");
    yew::scheduler::flush().await;
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains("s3cr3t-value"), "{saved}");

    remember.set_checked(false);
    fire(&remember, "change");
    yew::scheduler::flush().await;
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(
        !saved.contains("s3cr3t-value"),
        "unticking forgets it: {saved}"
    );
}
