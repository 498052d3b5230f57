//! Same-origin files fetched when needed: the Chinese texts and the
//! Guide's text, so that neither is part of the page's first load. The service worker caches
//! them with the rest of the build, so they load offline too.

use iotda_core::text::Message;

use super::said::fetch as said;
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// The response to the fetch `fetched` of `url`, if it is a success.
async fn ok_response(fetched: Promise, url: &str) -> Result<Response, Message> {
    let response: Response = JsFuture::from(fetched)
        .await
        .map_err(|_| Message::new(said::OFFLINE).with("url", url))?
        .dyn_into()
        .map_err(|_| Message::new(said::NO_RESPONSE).with("url", url))?;
    if !response.ok() {
        return Err(Message::new(said::STATUS)
            .with("url", url)
            .with("status", response.status()));
    }
    Ok(response)
}

/// The body of a response, once read.
async fn body(
    read: Result<Promise, wasm_bindgen::JsValue>,
    url: &str,
) -> Result<wasm_bindgen::JsValue, Message> {
    let unreadable = || Message::new(said::BODY_UNREADABLE).with("url", url);
    JsFuture::from(read.map_err(|_| unreadable())?)
        .await
        .map_err(|_| unreadable())
}

/// The bytes at `url` (a path of this origin), fetched by the page.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, Message> {
    let window = web_sys::window().ok_or(Message::new(super::said::web::NO_WINDOW))?;
    let response = ok_response(window.fetch_with_str(url), url).await?;
    let buffer = body(response.array_buffer(), url).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
