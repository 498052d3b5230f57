//! HTTP requests to the page's own origin with `fetch`: a whole answer
//! ([`request`]), or a body read as it arrives ([`stream`]), which is how
//! the page reads a Server-Sent Events stream that needs a request header
//! (`EventSource` cannot send one).
//!
//! What it does not do: read the answers (the caller parses them) or
//! retry. Errors are [`HttpError`]s, for the caller to say.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

/// Why a request has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpError {
    /// The page has no window, or the browser refused to build the request.
    NoBrowser,
    /// The request failed: the server is not there, or the network is off.
    Network,
    /// The body could not be read to its end.
    Body,
}

/// A whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
}

fn init(
    method: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<RequestInit, HttpError> {
    let init = RequestInit::new();
    init.set_method(method);
    let h = Headers::new().map_err(|_| HttpError::NoBrowser)?;
    for (name, value) in headers {
        h.set(name, value).map_err(|_| HttpError::NoBrowser)?;
    }
    if body.is_some() {
        h.set("Content-Type", "application/json")
            .map_err(|_| HttpError::NoBrowser)?;
    }
    init.set_headers(&h);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    Ok(init)
}

async fn send(url: &str, init: &RequestInit) -> Result<Response, HttpError> {
    let window = web_sys::window().ok_or(HttpError::NoBrowser)?;
    JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(|_| HttpError::Network)?
        .dyn_into()
        .map_err(|_| HttpError::Network)
}

/// Sends `method url` with `headers` and a JSON `body`, and reads the whole
/// answer, whatever its status.
pub async fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Reply, HttpError> {
    let response = send(url, &init(method, headers, body)?).await?;
    let text = response.text().map_err(|_| HttpError::Body)?;
    let text = JsFuture::from(text).await.map_err(|_| HttpError::Body)?;
    Ok(Reply {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
    })
}

/// A body being read; dropping it aborts the request.
pub struct Stream {
    abort: AbortController,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Opens `GET url` with `headers` and hands each piece of its body to
/// `on_bytes` as it arrives; `on_end` gets the status when the answer is
/// not 200, or how the body ended (`None`: the server closed it, or the
/// [`Stream`] was dropped).
pub fn stream(
    url: &str,
    headers: &[(&str, &str)],
    on_bytes: impl Fn(Vec<u8>) + 'static,
    on_end: impl FnOnce(Result<Option<u16>, HttpError>) + 'static,
) -> Result<Stream, HttpError> {
    let abort = AbortController::new().map_err(|_| HttpError::NoBrowser)?;
    let request = init("GET", headers, None)?;
    request.set_signal(Some(&abort.signal()));
    let signal = abort.signal();
    let url = url.to_owned();
    wasm_bindgen_futures::spawn_local(async move {
        let ended = read_body(&url, &request, &on_bytes).await;
        // An abort is the page leaving, not a failure to say.
        on_end(if signal.aborted() { Ok(None) } else { ended });
    });
    Ok(Stream { abort })
}

async fn read_body(
    url: &str,
    request: &RequestInit,
    on_bytes: &impl Fn(Vec<u8>),
) -> Result<Option<u16>, HttpError> {
    let response = send(url, request).await?;
    if response.status() != 200 {
        return Ok(Some(response.status()));
    }
    let body = response.body().ok_or(HttpError::Body)?;
    let reader: ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|_| HttpError::Body)?;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| HttpError::Body)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .map_err(|_| HttpError::Body)?
            .is_truthy();
        if done {
            return Ok(None);
        }
        let value =
            Reflect::get(&chunk, &JsValue::from_str("value")).map_err(|_| HttpError::Body)?;
        on_bytes(Uint8Array::new(&value).to_vec());
    }
}
