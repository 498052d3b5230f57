//! The page's side of the app's two workers: the certificate worker and
//! the device simulator's, each a [`JsonWorker`] speaking its protocol.

use yew::Callback;

use iotda_core::text::Message;

use crate::messages::keys::worker_name as said;
use crate::web::worker::{JsonWorker, WorkerResponse};
use crate::worker::protocol::{Request, Response};
use crate::worker::sim::{SimRequest, SimResponse};

impl WorkerResponse for Response {
    fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }
    fn failed(why: Message) -> Self {
        Self::worker_failed(why)
    }
    fn put_bytes(&mut self, bytes: Vec<u8>) {
        Response::put_bytes(self, bytes);
    }
}

impl WorkerResponse for SimResponse {
    fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }
    fn failed(why: Message) -> Self {
        Self::worker_failed(why)
    }
    fn put_bytes(&mut self, _: Vec<u8>) {}
}

/// The certificate worker.
pub type PkiWorker = JsonWorker<Request>;

impl PkiWorker {
    /// Starts the certificate worker (see `index.html`).
    pub fn spawn(on_response: Callback<Response>) -> Result<Self, Message> {
        Self::start(
            "/pki_worker_loader.js",
            Message::new(said::PKI),
            on_response,
        )
    }
}

/// The device simulator's worker.
pub type SimWorker = JsonWorker<SimRequest>;

impl SimWorker {
    /// Starts the simulator's worker (see `index.html`).
    pub fn spawn(on_response: Callback<SimResponse>) -> Result<Self, Message> {
        Self::start(
            "/sim_worker_loader.js",
            Message::new(said::SIM),
            on_response,
        )
    }
}
