//! Reading files the user chose or dropped.

use iotda_core::text::Message;

use super::said::web as said;
use wasm_bindgen_futures::JsFuture;

/// The largest file read: certificates, keys and CSRs are a few KB, and a
/// huge file would only stall the page.
pub const MAX_FILE_BYTES: u32 = 1024 * 1024;

/// The bytes of `file`, or why they could not be read.
pub async fn read(file: &web_sys::File) -> Result<Vec<u8>, Message> {
    if file.size() > f64::from(MAX_FILE_BYTES) {
        // Whole kilobytes, formatted as an integer: float formatting would
        // add kilobytes of code to the page.
        let kb = (file.size() / 1024.0) as u64;
        return Err(Message::new(said::FILE_TOO_LARGE)
            .with("name", file.name())
            .with("kb", kb));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| Message::new(said::FILE_UNREADABLE).with("name", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
