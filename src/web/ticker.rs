//! A steady tick for keep-alive and reconnection timers, driven from a
//! dedicated Worker.
//!
//! Chrome throttles timers of a page in a background tab: to one wake-up a
//! second at once, and after five minutes hidden to one a minute ("intensive
//! throttling"), which would make a 30 s MQTT keep alive miss its pings and
//! the broker drop the connection. Timers inside a dedicated Worker are not
//! throttled that way, so the tick comes from a tiny worker that posts a
//! message every period. Its source is inline (a Blob URL): no extra file to
//! serve, nothing fetched. If a Worker cannot start (its constructor throws)
//! or fails once started (it reports an `error` event, which is how a
//! browser refuses a worker under a stricter policy, for example a CSP
//! without `blob:` in `worker-src`), the tick falls back to a main-thread
//! interval and [`Ticker::source`] says so.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, Event, MessageEvent, Url, Worker};

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
    source: Rc<RefCell<Source>>,
    /// The worker's handlers, held here rather than in [`Source`] so that
    /// the error handler can replace the source while it runs.
    _handlers: Option<Handlers>,
}

struct Handlers {
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

enum Source {
    Worker {
        worker: Worker,
        url: String,
    },
    /// Held for its Drop, which cancels the interval.
    MainThread {
        _interval: Interval,
    },
}

impl Source {
    fn main_thread(period_ms: u32, tick: &Rc<RefCell<dyn FnMut()>>) -> Self {
        let tick = tick.clone();
        Source::MainThread {
            _interval: Interval::new(period_ms, move || {
                if let Ok(mut tick) = tick.try_borrow_mut() {
                    tick();
                }
            }),
        }
    }

    /// Stops the worker, if that is where the ticks come from.
    fn stop(&self) {
        if let Source::Worker { worker, url } = self {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
            let _ = Url::revoke_object_url(url);
        }
    }
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
        let tick: Rc<RefCell<dyn FnMut()>> = Rc::new(RefCell::new(tick));
        let Ok((worker, url)) = spawn_worker() else {
            return Self {
                source: Rc::new(RefCell::new(Source::main_thread(period_ms, &tick))),
                _handlers: None,
            };
        };
        let on_message = {
            let tick = tick.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
                if let Ok(mut tick) = tick.try_borrow_mut() {
                    tick();
                }
            })
        };
        let source = Rc::new(RefCell::new(Source::Worker {
            worker: worker.clone(),
            url,
        }));
        let on_error = {
            let source = Rc::downgrade(&source);
            Closure::<dyn FnMut(Event)>::new(move |_| {
                let Some(source) = source.upgrade() else {
                    return;
                };
                let Ok(mut source) = source.try_borrow_mut() else {
                    return;
                };
                if matches!(*source, Source::Worker { .. }) {
                    source.stop();
                    *source = Source::main_thread(period_ms, &tick);
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let _ = worker.post_message(&JsValue::from(period_ms));
        Self {
            source,
            _handlers: Some(Handlers {
                _on_message: on_message,
                _on_error: on_error,
            }),
        }
    }

    /// Where the ticks come from.
    pub fn source(&self) -> TickSource {
        match *self.source.borrow() {
            Source::Worker { .. } => TickSource::Worker,
            Source::MainThread { .. } => TickSource::MainThread,
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
        self.source.borrow().stop();
    }
}
