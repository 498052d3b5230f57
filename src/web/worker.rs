//! The page's side of a worker that speaks JSON text: spawns it, queues
//! requests until it says it is ready, hands responses to a callback, and
//! terminates it on drop (which is also how a job is cancelled). Generic:
//! the app's two workers and their protocols are typed in
//! `crate::worker::client`.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use iotda_core::text::Message;

use super::said::worker as said;

/// A worker's responses, as the page's side needs to know them.
pub trait WorkerResponse: DeserializeOwned + 'static {
    /// Whether this is the worker saying it is ready for requests.
    fn is_ready(&self) -> bool;
    /// The worker failed, or sent what cannot be read.
    fn failed(why: Message) -> Self;
    /// Takes the bytes that came beside the JSON (transferred, not copied).
    fn put_bytes(&mut self, bytes: Vec<u8>);
}

/// A running worker that takes requests `Q` as JSON text.
pub struct JsonWorker<Q> {
    worker: Worker,
    // Kept alive as long as the worker; detached in Drop.
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::ErrorEvent)>,
    queue: Rc<RefCell<Option<Vec<String>>>>,
    what: Message,
    _requests: PhantomData<Q>,
}

impl<Q: Serialize> JsonWorker<Q> {
    /// Starts the worker at `url` (`what` names it in errors);
    /// `on_response` gets every message but the one saying it is ready.
    pub fn start<R: WorkerResponse>(
        url: &str,
        what: Message,
        on_response: Callback<R>,
    ) -> Result<Self, Message> {
        let worker = Worker::new(url)
            .map_err(|_| Message::new(said::CANNOT_START).with_message("what", what.clone()))?;
        // `Some(queue)` until the worker is ready, then `None`.
        let queue: Rc<RefCell<Option<Vec<String>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let onmessage = {
            let worker = worker.clone();
            let queue = queue.clone();
            let on_response = on_response.clone();
            let what = what.clone();
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
                    .and_then(|text| serde_json::from_slice::<R>(text.as_bytes()).ok())
                    .map(|mut response| {
                        if let Some(bytes) = bytes {
                            response.put_bytes(bytes);
                        }
                        response
                    });
                match parsed {
                    Some(response) if response.is_ready() => {
                        for message in queue.borrow_mut().take().unwrap_or_default() {
                            let _ = worker.post_message(&JsValue::from_str(&message));
                        }
                    }
                    Some(response) => on_response.emit(response),
                    None => on_response.emit(R::failed(
                        Message::new(said::UNREADABLE).with_message("what", what.clone()),
                    )),
                }
            })
        };
        let onerror = {
            let what = what.clone();
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                on_response.emit(R::failed(
                    Message::new(said::FAILED)
                        .with_message("what", what.clone())
                        .with("why", e.message()),
                ));
            })
        };
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            _onmessage: onmessage,
            _onerror: onerror,
            queue,
            what,
            _requests: PhantomData,
        })
    }

    /// Sends a request (queued until the worker is ready).
    pub fn send(&self, request: &Q) -> Result<(), Message> {
        let text = serde_json::to_string(request)
            .map_err(|_| Message::new(said::NOT_SENT).with_message("what", self.what.clone()))?;
        if let Some(queue) = self.queue.borrow_mut().as_mut() {
            queue.push(text);
            return Ok(());
        }
        self.worker
            .post_message(&JsValue::from_str(&text))
            .map_err(|_| Message::new(said::NOT_TAKEN).with_message("what", self.what.clone()))
    }
}

impl<Q> Drop for JsonWorker<Q> {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
