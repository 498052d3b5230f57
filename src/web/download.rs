//! Files offered for download: a `Blob` behind an object URL that is
//! revoked when the [`ObjectUrl`] is dropped.

use iotda_core::text::Message;

use super::said::web as said;
use web_sys::{Blob, BlobPropertyBag, Url};

/// An object URL for some bytes; revoked on drop.
#[derive(Debug)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    /// Wraps `bytes` in a Blob of type `mime` and gives it a URL.
    pub fn new(bytes: &[u8], mime: &str) -> Result<Self, Message> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| Message::new(said::NO_FILE))?;
        Url::create_object_url_with_blob(&blob)
            .map(Self)
            .map_err(|_| Message::new(said::NO_FILE_URL))
    }

    /// The `blob:` URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = Url::revoke_object_url(&self.0);
    }
}
