//! The certificate worker: every PKI job (key generation, certificates,
//! inspection, PKCS#12) runs here, in a dedicated Web Worker with its own
//! wasm, so the page never freezes and its first load stays small.
//!
//! Messages are JSON text: the page sends [`protocol::Request`]s and gets
//! [`protocol::Response`]s back, tagged with the request's id. The worker
//! says [`protocol::Response::Ready`] once it listens, so nothing is sent
//! into the void while its wasm still loads. It keeps no state between
//! jobs; [`jobs::handle`] does the work with a fresh RNG, the time, and
//! RSA keys from the browser's WebCrypto ([`BrowserKeys`]).

pub mod client;
pub mod jobs;
pub mod protocol;
pub mod sim;

use std::collections::VecDeque;
use std::future::Future;

use iotda_core::text::Message;

use crate::messages::keys::pki_job as said;
use crate::web::crypto::{generate_rsa_pkcs8, SubtleError};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, WorkerGlobalScope};

use protocol::{Request, Response};

/// A ChaCha20 RNG seeded from the browser's `crypto.getRandomValues`.
pub(crate) fn seeded_rng(scope: &WorkerGlobalScope) -> Result<ChaCha20Rng, Message> {
    let crypto = scope.crypto().map_err(|_| Message::new(said::NO_RANDOM))?;
    let mut seed = [0u8; 32];
    crypto
        .get_random_values_with_u8_array(&mut seed)
        .map_err(|_| Message::new(said::RANDOM_FAILED))?;
    Ok(ChaCha20Rng::from_seed(seed))
}

/// How many RSA keys a batch has WebCrypto make ahead of the one it
/// waits for: WebCrypto makes them on its own threads while the worker
/// signs, two side by side on a two-core machine.
const KEYS_AHEAD: usize = 2;

/// A key WebCrypto is making.
type Making = std::pin::Pin<Box<dyn Future<Output = Result<Vec<u8>, SubtleError>>>>;

/// RSA keys from the worker's `crypto.subtle` (see [`crate::web::crypto`]);
/// when it gives none, [`jobs`] makes the key with our generator and the
/// reason goes to the browser's console.
pub struct BrowserKeys {
    crypto: Option<web_sys::Crypto>,
    /// Keys asked for ahead (a batch's next devices), oldest first, with
    /// their size.
    ahead: VecDeque<(u32, Making)>,
}

impl BrowserKeys {
    /// The keys of `scope`'s `crypto`.
    pub fn of(scope: &WorkerGlobalScope) -> Self {
        Self {
            crypto: scope.crypto().ok(),
            ahead: VecDeque::new(),
        }
    }
}

impl jobs::KeySource for BrowserKeys {
    async fn rsa_pkcs8(&mut self, bits: u32, then: usize) -> Result<Vec<u8>, Message> {
        let crypto = self
            .crypto
            .clone()
            .ok_or_else(|| SubtleError::Unavailable.message())?;
        let make = || -> Making { Box::pin(generate_rsa_pkcs8(&crypto, bits)) };
        let next = match self.ahead.pop_front() {
            Some((size, making)) if size == bits => making,
            _ => {
                self.ahead.clear();
                make()
            }
        };
        while self.ahead.len() < then.min(KEYS_AHEAD) {
            self.ahead.push_back((bits, make()));
        }
        next.await.map_err(|e| e.message())
    }

    fn fell_back(&mut self, why: Message) {
        let said = Message::new(said::OWN_RSA_KEY).with_message("why", why);
        web_sys::console::warn_1(&JsValue::from_str(&said.to_string()));
    }
}

/// Posts `response` to the page: JSON text, or `[json, Uint8Array]` with
/// the bytes transferred (not copied) when it carries a file.
fn post(scope: &DedicatedWorkerGlobalScope, mut response: Response) {
    let bytes = response.take_bytes();
    let Ok(text) = serde_json::to_string(&response) else {
        return;
    };
    let text = JsValue::from_str(&text);
    let _ = match bytes {
        None => scope.post_message(&text),
        Some(bytes) => {
            let array = js_sys::Uint8Array::from(bytes.as_slice());
            scope.post_message_with_transfer(
                &js_sys::Array::of2(&text, &array),
                &js_sys::Array::of1(&array.buffer()),
            )
        }
    };
}

/// Entry point of the worker binary: installs the message handler.
pub fn run() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event
            .data()
            .as_string()
            .ok_or(Message::new(said::NOT_JSON))
            .and_then(|text| {
                serde_json::from_str::<Request>(&text).map_err(|e| {
                    Message::new(said::UNREADABLE_REQUEST)
                        .with_message("why", crate::messages::json(&e))
                })
            });
        let (request, mut rng) = match request.and_then(|r| Ok((r, seeded_rng(&reply_scope)?))) {
            Ok(ready) => ready,
            Err(error) => return post(&reply_scope, Response::worker_failed(error)),
        };
        // Whole seconds since the epoch fit an f64 exactly.
        let now = (js_sys::Date::now() / 1000.0).floor() as i64;
        let mut keys = BrowserKeys::of(&reply_scope);
        let scope = reply_scope.clone();
        // Jobs that wait for WebCrypto's keys let the next message in
        // meanwhile: the jobs share nothing, and each answer carries its id.
        wasm_bindgen_futures::spawn_local(async move {
            jobs::handle(request, now, &mut rng, &mut keys, &mut |r| post(&scope, r)).await;
        });
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as its handler: leak this one closure on
    // purpose; the page ends the worker with terminate().
    onmessage.forget();
    post(&scope, Response::Ready);
}
