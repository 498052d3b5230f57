//! Copying text to the system clipboard.

use iotda_core::text::Message;

use super::said::web as said;
use wasm_bindgen_futures::JsFuture;

/// Writes `text` to the clipboard; the error says why it could not.
pub async fn copy(text: &str) -> Result<(), Message> {
    let window = web_sys::window().ok_or(Message::new(said::NO_WINDOW))?;
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| {
            let words = e.as_string().or_else(|| {
                js_sys::Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
            });
            match words {
                Some(words) => Message::new(said::BROWSER_SAID).with("words", words),
                None => Message::new(said::CLIPBOARD_REFUSED),
            }
        })
}

/// Copies `text` in the background and tells `done` whether it worked.
/// Every copy button goes through here, so the page's wasm holds one copy
/// of the waiting.
pub fn copy_then(text: String, done: Box<dyn FnOnce(bool)>) {
    wasm_bindgen_futures::spawn_local(async move { done(copy(&text).await.is_ok()) });
}
