//! Same-origin files fetched from a worker (the Guide's text, which the
//! simulator's worker fetches and renders), so that they are not part of
//! the page's wasm. The service worker caches them with the rest of the
//! build, so they load offline too.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Response, WorkerGlobalScope};

/// The text of the file at `url` (a path on the page's origin), fetched
/// from the worker `scope`; the error says why there is none.
pub async fn text(scope: &WorkerGlobalScope, url: &str) -> Result<String, String> {
    let response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|_| format!("{url} could not be fetched (offline, or the file is missing)"))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: the browser gave no response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let body = response
        .text()
        .map_err(|_| format!("{url}: the body could not be read"))?;
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{url}: the body could not be read"))
}
