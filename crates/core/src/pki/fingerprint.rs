//! Certificate fingerprints as the IoTDA console asks for them.
//!
//! A fingerprint is a hash of the certificate's DER exactly as issued (not
//! of a re-encoding): what `openssl x509 -noout -fingerprint -sha256` prints,
//! without the colons. The console wants SHA-256 (64 hex digits) or SHA-1
//! (40), upper or lower case.

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::{Error, Result};

/// The hash a fingerprint uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum FingerprintAlg {
    /// SHA-256: 64 hex digits. The console's default.
    #[default]
    Sha256,
    /// SHA-1: 40 hex digits. Still accepted by the console.
    Sha1,
}

impl FingerprintAlg {
    /// The number of hex digits a fingerprint of this kind has.
    pub fn hex_len(self) -> usize {
        match self {
            Self::Sha256 => 64,
            Self::Sha1 => 40,
        }
    }
}

/// The fingerprint of `der` in uppercase hex: `AB12...` or, with `colons`,
/// `AB:12:...` (OpenSSL's form).
pub fn fingerprint(der: &[u8], alg: FingerprintAlg, colons: bool) -> String {
    match alg {
        FingerprintAlg::Sha256 => crate::hex::upper(&sha2::Sha256::digest(der), colons),
        FingerprintAlg::Sha1 => crate::hex::upper(&sha1::Sha1::digest(der), colons),
    }
}

/// Checks a fingerprint someone typed or pasted: 64 (SHA-256) or 40 (SHA-1)
/// hex digits, any case, with or without colons, surrounding whitespace
/// ignored. Returns the kind and the normalised form (uppercase, no colons).
pub fn check_fingerprint(text: &str) -> Result<(FingerprintAlg, String)> {
    let mut digits = String::with_capacity(64);
    for c in text.trim().chars() {
        match c {
            ':' => {}
            c if c.is_ascii_hexdigit() => digits.push(c.to_ascii_uppercase()),
            other => return Err(Error::FingerprintChar { found: other }),
        }
    }
    match digits.len() {
        64 => Ok((FingerprintAlg::Sha256, digits)),
        40 => Ok((FingerprintAlg::Sha1, digits)),
        len => Err(Error::FingerprintLength { len }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // SHA-256("abc") and SHA-1("abc") from FIPS 180-2.
        assert_eq!(
            fingerprint(b"abc", FingerprintAlg::Sha256, false),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
        assert_eq!(
            fingerprint(b"abc", FingerprintAlg::Sha1, false),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
        assert!(fingerprint(b"abc", FingerprintAlg::Sha1, true).starts_with("A9:99:3E:"));
    }

    #[test]
    fn check() {
        let fp = fingerprint(b"abc", FingerprintAlg::Sha256, true).to_lowercase();
        assert_eq!(
            check_fingerprint(&fp).unwrap(),
            (
                FingerprintAlg::Sha256,
                fingerprint(b"abc", FingerprintAlg::Sha256, false)
            )
        );
        assert_eq!(
            check_fingerprint(" a9993e364706816aba3e25717850c26c9cd0d89d\n")
                .unwrap()
                .0,
            FingerprintAlg::Sha1
        );
        let short = &fingerprint(b"abc", FingerprintAlg::Sha256, false)[..63];
        let err = check_fingerprint(short).unwrap_err();
        assert_eq!(err, Error::FingerprintLength { len: 63 });
        assert_eq!(
            err.to_string(),
            "Fingerprint must be 64 hex digits (SHA-256) or 40 (SHA-1); got 63"
        );
        assert_eq!(
            check_fingerprint("AB-CD"),
            Err(Error::FingerprintChar { found: '-' })
        );
        assert_eq!(
            check_fingerprint(""),
            Err(Error::FingerprintLength { len: 0 })
        );
    }
}
