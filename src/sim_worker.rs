//! The device simulator's worker: the product model, the simulated
//! device, its reports and its answers to the platform run here, in their
//! own wasm (see [`crate::worker::sim::Host`] for the protocol), so
//! the page's first load carries none of it. The worker says
//! [`SimResponse::Ready`] once it listens.

use iotda_core::text::Message;

use crate::messages::keys::console as said;
use std::cell::RefCell;

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
    let host = RefCell::new(Host::default());
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
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as its handler: leak this one closure on
    // purpose; the page ends the worker with terminate().
    onmessage.forget();
    post(&scope, &SimResponse::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, response: &SimResponse) {
    if let Ok(text) = serde_json::to_string(response) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}
