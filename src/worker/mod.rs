//! The certificate worker: heavy PKI jobs (RSA key generation, batches,
//! PKCS#12) run here, in a dedicated Web Worker with its own wasm, so the
//! page never freezes and its first load stays small.
//!
//! Messages are JSON text: the page sends [`protocol::Request`]s and gets
//! [`protocol::Response`]s back, tagged with the request's id. The worker
//! says [`protocol::Response::Ready`] once it listens, so nothing is sent
//! into the void while its wasm still loads.

pub mod protocol;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use protocol::{Request, Response};

/// Entry point of the worker binary: installs the message handler.
pub fn run() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let post = |response: &Response| {
            if let Ok(text) = serde_json::to_string(response) {
                let _ = reply_scope.post_message(&JsValue::from_str(&text));
            }
        };
        match event
            .data()
            .as_string()
            .ok_or_else(|| "the worker expects JSON text".to_owned())
            .and_then(|text| serde_json::from_str::<Request>(&text).map_err(|e| e.to_string()))
        {
            Ok(request) => protocol::handle(request, &mut |r| post(&r)),
            Err(error) => post(&Response::Failed { id: 0, error }),
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as its handler: leak this one closure on
    // purpose; the page ends the worker with terminate().
    onmessage.forget();
    if let Ok(text) = serde_json::to_string(&Response::Ready) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}
