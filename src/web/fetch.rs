//! Files of the page's own origin fetched when needed (the Chinese texts):
//! from the service worker's cache when offline.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// The bytes at `url` (a path of this origin).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let unreachable =
        || format!("{url} could not be fetched: the network is off and it is not cached yet");
    let response: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| unreachable())?
        .dyn_into()
        .map_err(|_| unreachable())?;
    if !response.ok() {
        return Err(format!("{url}: the server answered {}", response.status()));
    }
    let body = response.array_buffer().map_err(|_| unreachable())?;
    let buffer = JsFuture::from(body).await.map_err(|_| unreachable())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
