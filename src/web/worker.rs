//! The page's side of the certificate worker: spawns it on first use,
//! queues requests until it says it is ready, hands responses to a
//! callback, and terminates it on drop (which is also how a job is
//! cancelled).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use crate::worker::protocol::{Request, Response};

/// Where trunk puts the worker's loader (see `index.html`).
const WORKER_URL: &str = "/pki_worker_loader.js";

/// A running certificate worker.
pub struct PkiWorker {
    worker: Worker,
    // Kept alive as long as the worker; detached in Drop.
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::ErrorEvent)>,
    queue: Rc<RefCell<Option<Vec<String>>>>,
}

impl PkiWorker {
    /// Starts the worker; `on_response` gets every message but `Ready`.
    pub fn spawn(on_response: Callback<Response>) -> Result<Self, String> {
        let worker = Worker::new(WORKER_URL)
            .map_err(|_| "this browser cannot start the certificate worker".to_owned())?;
        // `Some(queue)` until the worker is ready, then `None`.
        let queue: Rc<RefCell<Option<Vec<String>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let onmessage = {
            let worker = worker.clone();
            let queue = queue.clone();
            let on_response = on_response.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // JSON text, or [JSON text, Uint8Array] for a result
                // carrying a file (see worker::protocol).
                let data = event.data();
                let (text, bytes) = if js_sys::Array::is_array(&data) {
                    let parts = js_sys::Array::from(&data);
                    let bytes = js_sys::Uint8Array::new(&parts.get(1)).to_vec();
                    (parts.get(0).as_string(), Some(bytes))
                } else {
                    (data.as_string(), None)
                };
                let parsed = text
                    // Bytes, not `from_str`: one serde_json reader (see `storage::load`).
                    .and_then(|text| serde_json::from_slice::<Response>(text.as_bytes()).ok())
                    .map(|mut response| {
                        if let Some(bytes) = bytes {
                            response.put_bytes(bytes);
                        }
                        response
                    });
                match parsed {
                    Some(Response::Ready) => {
                        for message in queue.borrow_mut().take().unwrap_or_default() {
                            let _ = worker.post_message(&JsValue::from_str(&message));
                        }
                    }
                    Some(response) => on_response.emit(response),
                    None => on_response.emit(Response::worker_failed(
                        "the certificate worker sent an unreadable message",
                    )),
                }
            })
        };
        let onerror =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                on_response.emit(Response::worker_failed(format!(
                    "the certificate worker failed: {}",
                    e.message()
                )));
            });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            _onmessage: onmessage,
            _onerror: onerror,
            queue,
        })
    }

    /// Sends a job (queued until the worker is ready).
    pub fn send(&self, request: &Request) -> Result<(), String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        if let Some(queue) = self.queue.borrow_mut().as_mut() {
            queue.push(text);
            return Ok(());
        }
        self.worker
            .post_message(&JsValue::from_str(&text))
            .map_err(|_| "the certificate worker did not take the job".to_owned())
    }
}

impl Drop for PkiWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
