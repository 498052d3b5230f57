//! The only code that calls browser APIs: clock, storage, clipboard,
//! downloads, files and the certificate worker.
//!
//! Each function returns a `Result` with a message a person can read; none
//! panics when an API is missing (old browser, private mode, denied access).

pub mod clipboard;
pub mod clock;
pub mod download;
pub mod files;
pub mod storage;
pub mod worker;
