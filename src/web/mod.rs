//! The only code that calls browser APIs: clock, animation frames,
//! storage, clipboard, WebCrypto's RSA keys, downloads, files, fetches of
//! the page's own files and of any URL's bytes, the workers, the offline service worker, and
//! MQTT over WebSocket with its worker-driven timer.
//!
//! Each function returns a `Result` with a message a person can read (a
//! keyed [`iotda_core::text::Message`], its keys in [`said`]); none
//! panics when an API is missing (old browser, private mode, denied access).

pub mod bytes;
pub mod clipboard;
pub mod clock;
pub mod crypto;
pub mod download;
pub mod fetch;
pub mod files;
pub mod frame;
pub mod http;
pub mod mqtt;
pub mod offline;
pub mod said;
pub mod storage;
pub mod ticker;
pub mod worker;
pub mod ws;
