//! A steady tick for keep-alive and reconnection timers, driven from a
//! dedicated Worker.
//!
//! Chrome throttles timers of a page in a background tab: to one wake-up a
//! second at once, and after five minutes hidden to one a minute ("intensive
//! throttling"), which would make a 30 s MQTT keep alive miss its pings and
//! the broker drop the connection. Timers inside a dedicated Worker are not
//! throttled that way, so the tick comes from a tiny worker that posts a
//! message every period. Its source is inline (a Blob URL): no extra file to
//! serve, nothing fetched. If a Worker cannot start, the tick falls back to
//! a main-thread interval and [`Ticker::source`] says so.

use std::fmt;

use gloo_timers::callback::Interval;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

/// The worker: (re)starts an interval of the period it is sent.
const TICK_WORKER_JS: &str =
    "let t=null;onmessage=e=>{clearInterval(t);t=e.data>0?setInterval(()=>postMessage(0),e.data):null;};";

/// Where the ticks come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickSource {
    /// A dedicated Worker: keeps time in a background tab.
    Worker,
    /// A main-thread interval: throttled in a background tab.
    MainThread,
}

/// Calls a function every period until dropped.
pub struct Ticker {
    inner: Inner,
}

enum Inner {
    Worker {
        worker: Worker,
        url: String,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
    },
    /// Held for its Drop, which cancels the interval.
    MainThread { _interval: Interval },
}

impl fmt::Debug for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticker")
            .field("source", &self.source())
            .finish()
    }
}

impl Ticker {
    /// Calls `tick` every `period_ms` milliseconds.
    pub fn start(period_ms: u32, tick: impl FnMut() + 'static) -> Self {
        let mut tick = tick;
        match spawn_worker() {
            Ok((worker, url)) => {
                let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| tick());
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                let _ = worker.post_message(&JsValue::from(period_ms));
                Self {
                    inner: Inner::Worker {
                        worker,
                        url,
                        _on_message: on_message,
                    },
                }
            }
            Err(()) => Self {
                inner: Inner::MainThread {
                    _interval: Interval::new(period_ms, tick),
                },
            },
        }
    }

    /// Where the ticks come from.
    pub fn source(&self) -> TickSource {
        match self.inner {
            Inner::Worker { .. } => TickSource::Worker,
            Inner::MainThread { .. } => TickSource::MainThread,
        }
    }
}

fn spawn_worker() -> Result<(Worker, String), ()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(TICK_WORKER_JS));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| ())?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    match Worker::new(&url) {
        Ok(worker) => Ok((worker, url)),
        Err(_) => {
            let _ = Url::revoke_object_url(&url);
            Err(())
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        if let Inner::Worker { worker, url, .. } = &self.inner {
            worker.set_onmessage(None);
            worker.terminate();
            let _ = Url::revoke_object_url(url);
        }
    }
}
