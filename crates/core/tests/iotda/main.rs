//! `iotda_core::iotda` against Huawei's published samples: payloads round
//! trip, product models in both forms, validation (with property tests),
//! and hostile input that must never panic.
//!
//! Fixtures in `tests/fixtures/iotda/` are the JSON samples as Huawei's
//! device-side and product-model documentation shows them. The two product
//! ZIPs were made from `profile_src/`: `product_model_profile.zip` with
//! Python's `zipfile` (deflate), `product_model_streamed.zip` with Info-ZIP
//! writing to a pipe (`zip -r - TestDevice_ABC_NBIoTDevice | cat`), so its
//! entries carry data descriptors and sit one folder deep.
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod model;
mod payloads;
mod robustness;
mod validate;

use std::path::PathBuf;

/// The bytes of a fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iotda")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}
