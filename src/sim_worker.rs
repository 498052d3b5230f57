//! The device simulator's worker: the product model, the simulated
//! device, its reports and its answers to the platform run here, in their
//! own wasm (see [`crate::worker::sim::Host`] for the protocol), so
//! the page's first load carries none of it. The worker says
//! [`SimResponse::Ready`] once it listens. An upgrade's package is
//! downloaded here (`crate::web::bytes`), never by the page.

use iotda_core::text::Message;

use crate::messages::keys::{console as said, sim as sim_said};
use crate::messages::Msg;
use iotda_core::iotda::MAX_PACKAGE;
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::worker::seeded_rng;
use crate::worker::sim::{Host, SimRequest, SimResponse};

/// Entry point of the worker binary: installs the message handler.
pub fn run() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let rng = match seeded_rng(&scope) {
        Ok(rng) => RefCell::new(rng),
        Err(e) => return post(&scope, &SimResponse::worker_failed(e)),
    };
    let host = Rc::new(RefCell::new(Host::default()));
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event
            .data()
            .as_string()
            .ok_or(Message::new(said::EXPECTS_JSON))
            .and_then(|t| {
                serde_json::from_str::<SimRequest>(&t).map_err(|e| {
                    Message::new(said::UNREADABLE_REQUEST)
                        .with_message("why", crate::messages::json(&e))
                })
            });
        let response = match request {
            Ok(r) => host.borrow_mut().handle(r, &mut *rng.borrow_mut()),
            Err(e) => SimResponse::worker_failed(e),
        };
        post(&reply_scope, &response);
        download(&host, &reply_scope);
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as its handler: leak this one closure on
    // purpose; the page ends the worker with terminate().
    onmessage.forget();
    post(&scope, &SimResponse::Ready);
}

/// Makes the package download the device asked for, if it asked, and
/// posts the view that follows (progress and result to publish).
fn download(host: &Rc<RefCell<Host>>, scope: &DedicatedWorkerGlobalScope) {
    let Some(fetch) = host.borrow_mut().take_fetch() else {
        return;
    };
    let (host, scope) = (host.clone(), scope.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let bearer = fetch.access_token.as_ref().map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .as_deref()
            .map(|b| ("Authorization", b))
            .into_iter()
            .collect();
        let got = crate::web::bytes::get(&fetch.url, &headers, fetch.max_len).await;
        let package = match got {
            // Past the notice's size the core sees the difference (result
            // code 7); past the simulator's own cap nothing is taken.
            Ok(body) if body.cut && fetch.max_len >= MAX_PACKAGE => {
                Err(Msg(Message::new(sim_said::PACKAGE_TOO_LARGE)
                    .with("mib", MAX_PACKAGE / (1024 * 1024))))
            }
            Ok(body) => Ok(body.bytes),
            Err(why) => Err(Msg(why)),
        };
        let response = host
            .borrow_mut()
            .fetched(package, crate::web::clock::wall_ms());
        post(&scope, &response);
    });
}

fn post(scope: &DedicatedWorkerGlobalScope, response: &SimResponse) {
    if let Ok(text) = serde_json::to_string(response) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}
