//! The certificate worker of a page: started when the page mounts, ended
//! when it unmounts, restarted to cancel or after it failed.

use iotda_core::text::Message;
use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::worker::client::PkiWorker;
use crate::worker::protocol::{Request, Response};

/// Sends jobs to the page's certificate worker.
#[derive(Clone)]
pub struct WorkerHandle {
    slot: Rc<RefCell<Option<PkiWorker>>>,
    on_response: Callback<Response>,
}

impl WorkerHandle {
    /// Sends `request`, starting a worker if none runs.
    pub fn send(&self, request: &Request) -> Result<(), Message> {
        let mut slot = self.slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(PkiWorker::spawn(self.on_response.clone())?);
        }
        match slot.as_ref() {
            Some(worker) => worker.send(request),
            None => Err(Message::new(crate::messages::keys::console::NO_PKI)),
        }
    }

    /// Ends the worker (and whatever it was doing) and starts a fresh one.
    pub fn restart(&self) {
        let old = self.slot.borrow_mut().take();
        drop(old);
        *self.slot.borrow_mut() = PkiWorker::spawn(self.on_response.clone()).ok();
    }
}

/// Starts the certificate worker when the component mounts; every
/// response goes to `on_response` (the one given on the first render, so
/// pass a callback that stays valid, such as one over a reducer's
/// dispatcher). If the worker itself fails (a response with id 0), it is
/// dropped and the next job starts a fresh one.
#[hook]
pub fn use_pki_worker(on_response: Callback<Response>) -> WorkerHandle {
    let slot = use_mut_ref(|| None::<PkiWorker>);
    let on_response = {
        let slot = slot.clone();
        use_memo((), move |_| {
            let slot = Rc::downgrade(&slot);
            Callback::from(move |response: Response| {
                let broken = matches!(response, Response::Failed { id: 0, .. });
                on_response.emit(response);
                if broken {
                    // Not from inside the worker's own message handler,
                    // which dropping the worker would free while it runs.
                    let slot = slot.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Some(slot) = slot.upgrade() {
                            slot.borrow_mut().take();
                        }
                    });
                }
            })
        })
    };
    let handle = WorkerHandle {
        slot: slot.clone(),
        on_response: (*on_response).clone(),
    };
    {
        let handle = handle.clone();
        use_effect_with((), move |_| {
            *handle.slot.borrow_mut() = PkiWorker::spawn(handle.on_response.clone()).ok();
            move || drop(slot.borrow_mut().take())
        });
    }
    handle
}
