//! Feeds arbitrary bytes to the PEM/DER readers: inspection of bundles,
//! private keys (with a passphrase, so encrypted keys are decrypted),
//! certificates and CSRs. Checks that none panics.
#![no_main]

use iotda_core::pki::{self, Certificate, Csr, PrivateKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pki::inspect(data, 1_765_000_000);
    let _ = PrivateKey::parse(data, Some("fuzz"));
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Certificate::from_pem(text);
        let _ = Csr::from_pem(text);
    }
});
