//! The bytes at any URL, `GET` with `fetch` from the page or from a
//! worker (which has no window: the worker global's own `fetch`), with
//! request headers (such as `Authorization: Bearer`), read as they arrive
//! and never more than a cap: the simulator's worker downloads upgrade
//! packages with it.
//!
//! What it does not do: retry, time out, or say why a cross-origin request
//! was refused (the browser does not tell script; the message names the
//! likely causes).

use iotda_core::text::Message;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, ReadableStreamDefaultReader, Request, RequestInit, Response};

use super::said::bytes as said;

/// A body read up to the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The bytes read: all of them, or the first `cap`.
    pub bytes: Vec<u8>,
    /// Whether the body went on past the cap (it was not read further).
    pub cut: bool,
}

/// `GET url` with `headers`; at most `cap` bytes of a 2xx answer's body.
pub async fn get(url: &str, headers: &[(&str, &str)], cap: u64) -> Result<Body, Message> {
    let refused = || Message::new(said::NETWORK).with("url", url);
    let init = RequestInit::new();
    init.set_method("GET");
    let h = Headers::new().map_err(|_| Message::new(said::NO_FETCH))?;
    for (name, value) in headers {
        h.set(name, value).map_err(|_| refused())?;
    }
    init.set_headers(&h);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| refused())?;
    let global = js_sys::global();
    let promise = if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        window.fetch_with_request(&request)
    } else if let Some(worker) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        worker.fetch_with_request(&request)
    } else {
        return Err(Message::new(said::NO_FETCH));
    };
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(|_| refused())?
        .dyn_into()
        .map_err(|_| refused())?;
    if !response.ok() {
        return Err(Message::new(said::STATUS)
            .with("url", url)
            .with("status", response.status()));
    }
    read(&response, cap)
        .await
        .map_err(|()| Message::new(said::BODY).with("url", url))
}

/// Reads `response`'s body until its end or `cap` bytes, whichever first.
async fn read(response: &Response, cap: u64) -> Result<Body, ()> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let Some(stream) = response.body() else {
        return Ok(Body {
            bytes: Vec::new(),
            cut: false,
        });
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().dyn_into().map_err(|_| ())?;
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| ())?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))
            .map_err(|_| ())?
            .is_truthy()
        {
            return Ok(Body { bytes, cut: false });
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|_| ())?;
        let part = Uint8Array::new(&value);
        let room = cap - bytes.len();
        let len = usize::try_from(part.length()).unwrap_or(usize::MAX);
        if len > room {
            let head = part.subarray(0, u32::try_from(room).unwrap_or(u32::MAX));
            bytes.extend(head.to_vec());
            // The rest is not wanted: stop the download.
            let _ = reader.cancel();
            return Ok(Body { bytes, cut: true });
        }
        bytes.extend(part.to_vec());
    }
}
