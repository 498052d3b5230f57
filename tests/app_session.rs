//! The app's providers mounted in a real browser: the MQTT session (its
//! client slot and log) is the app's, and changes to the workspace (a page
//! saving its part) do not make it anew.
#![cfg(target_arch = "wasm32")]
// Helpers outside #[test] fns: a failing browser call must fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use iotda_kit_web::hooks::use_mqtt_client::{use_mqtt_client, MqttClientProvider};
use iotda_kit_web::hooks::use_workspace::{use_workspace, WorkspaceProvider};
use iotda_kit_web::store::connect::ConnectForm;
use iotda_kit_web::store::console::MessageLog;
use iotda_kit_web::store::persist::STORAGE_KEY;
use iotda_kit_web::store::WorkspaceAction;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// Every log the probe has seen, and the workspace's dispatcher.
    static SEEN: RefCell<Vec<Rc<RefCell<MessageLog>>>> = const { RefCell::new(Vec::new()) };
    static CHANGE: RefCell<Option<Callback<String>>> = const { RefCell::new(None) };
}

#[component]
fn Probe() -> Html {
    let session = use_mqtt_client();
    let workspace = use_workspace();
    SEEN.with(|seen| seen.borrow_mut().push(session.log.clone()));
    CHANGE.with(|change| {
        *change.borrow_mut() = Some(Callback::from(move |id: String| {
            let form = ConnectForm {
                device_id: id,
                ..ConnectForm::default()
            };
            workspace.dispatch(WorkspaceAction::ConnectForm(Box::new(form)));
        }))
    });
    html! { <p>{ "probe" }</p> }
}

#[component]
fn Mounted() -> Html {
    html! {
        <WorkspaceProvider>
            <MqttClientProvider>
                <Probe />
            </MqttClientProvider>
        </WorkspaceProvider>
    }
}

#[wasm_bindgen_test]
async fn the_session_outlives_changes_to_the_workspace() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Mounted>::with_root(root).render();
    yew::scheduler::flush().await;
    for id in ["dev-1", "dev-2", "dev-3"] {
        let change = CHANGE.with(|c| c.borrow().clone()).unwrap();
        change.emit(id.to_owned());
        yew::scheduler::flush().await;
    }
    let seen = SEEN.with(|seen| seen.borrow().clone());
    assert!(seen.len() >= 2, "the probe re-rendered: {}", seen.len());
    assert!(
        seen.iter().all(|log| Rc::ptr_eq(log, &seen[0])),
        "the session was made anew"
    );
    let saved = storage.get_item(STORAGE_KEY).unwrap().unwrap_or_default();
    assert!(saved.contains("dev-3"), "{saved}");
}

fn find(root: &web_sys::Element, selector: &str) -> web_sys::HtmlElement {
    use wasm_bindgen::JsCast;
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element {selector}"))
        .dyn_into()
        .unwrap()
}

async fn settle() {
    for _ in 0..20 {
        yew::platform::time::sleep(std::time::Duration::from_millis(20)).await;
        yew::scheduler::flush().await;
    }
}

#[wasm_bindgen_test]
async fn the_console_keeps_its_state_when_the_user_visits_another_page() {
    use wasm_bindgen::JsCast;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<iotda_kit_web::app::App>::with_root(root.clone()).render();
    settle().await;
    find(&root, "a.navlink[href='/console']").click();
    settle().await;
    // A fresh workspace's host still has its `{prefix}`: a local one.
    for (css, value) in [("#console-host", "127.0.0.1"), ("#console-port", "1")] {
        let input: web_sys::HtmlInputElement = find(&root, css).dyn_into().unwrap();
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
        settle().await;
    }
    settle().await;
    find(&root, "#console-connect").click();
    settle().await;
    let before = find(&root, "#console-status")
        .text_content()
        .unwrap_or_default();
    assert_ne!(before, "Not connected");
    find(&root, "a.navlink[href='/model']").click();
    settle().await;
    find(&root, "a.navlink[href='/console']").click();
    settle().await;
    let after = find(&root, "#console-status")
        .text_content()
        .unwrap_or_default();
    assert_eq!(after, before, "the Console's state is the app's");
}
