//! Reading what someone already has: any mix of PEM blocks (certificates,
//! CSRs, keys) or one DER object, summarised for display; and the two
//! checks people ask for most: "was this certificate issued by this CA?" and
//! "does this key belong to this certificate?".
//!
//! `now` (Unix seconds) comes from the caller; nothing here reads a clock.

use der::{Decode, Encode};
use serde::Serialize;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use super::key::{oid, KeyFormat, PublicKey};
use super::{
    fingerprint, key::PrivateKey, malformed, name, pem, Certificate, Csr, Error, FingerprintAlg,
    Result,
};

const THIRTY_DAYS: i64 = 30 * 86_400;

/// One object found by [`inspect`].
// A handful of items per call: boxing CertInfo would only make matching
// clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// An X.509 certificate.
    Certificate(CertInfo),
    /// A PKCS#10 certificate signing request.
    Csr(CsrInfo),
    /// An unencrypted private key (PKCS#8, SEC1 or PKCS#1).
    PrivateKey(KeyInfo),
    /// An encrypted PKCS#8 private key (its contents need the passphrase).
    EncryptedPrivateKey,
    /// A public key (`PUBLIC KEY` or `RSA PUBLIC KEY`).
    PublicKey(KeyInfo),
    /// One block of a bundle that could not be read (the others still
    /// are). A lone block that cannot be read is an error instead.
    Unreadable {
        /// The block's PEM label.
        label: String,
        /// Why it could not be read.
        error: String,
    },
}

/// A certificate, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    /// Subject, OpenSSL oneline form (`/C=CN/O=Org/CN=name`).
    pub subject: String,
    /// Issuer, OpenSSL oneline form.
    pub issuer: String,
    /// The subject's CN, if any.
    pub common_name: Option<String>,
    /// Serial number, uppercase hex.
    pub serial: String,
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// Start of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before_iso: String,
    /// End of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after_iso: String,
    /// The subject key, e.g. `ECDSA P-256` or `RSA 2048`.
    pub key: String,
    /// The subject key size in bits (0 if unknown).
    pub key_bits: u32,
    /// The signature algorithm, e.g. `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    /// basicConstraints CA:TRUE (and keyCertSign allowed).
    pub is_ca: bool,
    /// Issuer equals subject and the signature verifies with its own key.
    pub self_signed: bool,
    /// keyUsage names, e.g. `digitalSignature`, empty if absent.
    pub key_usage: Vec<String>,
    /// SHA-256 fingerprint of the DER, uppercase hex without colons.
    pub sha256_fingerprint: String,
    /// SHA-1 fingerprint of the DER, uppercase hex without colons.
    pub sha1_fingerprint: String,
    /// subjectKeyIdentifier, uppercase hex.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier's key id, uppercase hex.
    pub authority_key_id: Option<String>,
    /// `now` is after notAfter.
    pub expired: bool,
    /// `now` is before notBefore.
    pub not_yet_valid: bool,
    /// Not expired, but expires within 30 days of `now`.
    pub expires_within_30_days: bool,
}

/// A certificate signing request, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsrInfo {
    /// Subject, OpenSSL oneline form.
    pub subject: String,
    /// The requested key, e.g. `ECDSA P-256`.
    pub key: String,
    /// The key size in bits (0 if unknown).
    pub key_bits: u32,
    /// The signature algorithm.
    pub signature_algorithm: String,
    /// Whether the CSR's self-signature verifies.
    pub signature_valid: bool,
    /// SHA-256 of the DER SubjectPublicKeyInfo, uppercase hex (to match a
    /// CSR with its key and certificate).
    pub public_key_sha256: String,
}

/// A key, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// e.g. `ECDSA P-256` or `RSA 2048`.
    pub key: String,
    /// The key size in bits.
    pub bits: u32,
    /// `PKCS#8`, `SEC1`, `PKCS#1` or `SubjectPublicKeyInfo`.
    pub format: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo, uppercase hex.
    pub public_key_sha256: String,
}

/// Reads PEM text (any number of blocks in any order, text around them
/// ignored, CRLF and any base64 line width accepted) or a single DER
/// certificate, CSR or key, and summarises each object in order.
/// `EC PARAMETERS` blocks are skipped. In a bundle, a block whose content
/// cannot be read becomes [`Item::Unreadable`] so the rest still shows;
/// damage to the PEM text itself (a missing END line, bad base64) is an
/// error for the whole input.
pub fn inspect(input: &[u8], now: i64) -> Result<Vec<Item>> {
    if pem::is_blank(input) {
        return Err(Error::EmptyInput);
    }
    if pem::looks_like_pem(input) {
        let blocks = pem::parse_all(input)?;
        if blocks.is_empty() {
            return Err(Error::NoPem {
                expected: "CERTIFICATE",
            });
        }
        if let [block] = blocks.as_slice() {
            return Ok(inspect_block(&block.label, &block.der, now)?
                .into_iter()
                .collect());
        }
        let mut items = Vec::with_capacity(blocks.len());
        let mut first_error = None;
        for block in &blocks {
            match inspect_block(&block.label, &block.der, now) {
                Ok(item) => items.extend(item),
                Err(e) => {
                    items.push(Item::Unreadable {
                        label: block.label.clone(),
                        error: e.to_string(),
                    });
                    first_error.get_or_insert(e);
                }
            }
        }
        // Nothing readable at all: say why the first block failed.
        if let Some(e) = first_error {
            if items.iter().all(|i| matches!(i, Item::Unreadable { .. })) {
                return Err(e);
            }
        }
        return Ok(items);
    }
    inspect_der(input, now).map(|item| vec![item])
}

fn inspect_block(label: &str, der: &[u8], now: i64) -> Result<Option<Item>> {
    Ok(Some(match label {
        "CERTIFICATE" | "X509 CERTIFICATE" => {
            Item::Certificate(cert_info(&Certificate::from_der(der)?, now))
        }
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
            Item::Csr(csr_info(&Csr::from_der(der)?)?)
        }
        "PRIVATE KEY" | "EC PRIVATE KEY" | "RSA PRIVATE KEY" => {
            let (key, format) = PrivateKey::from_block(label, der, None)?;
            Item::PrivateKey(private_key_info(&key, format)?)
        }
        "ENCRYPTED PRIVATE KEY" => {
            pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(malformed(
                crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY,
            ))?;
            Item::EncryptedPrivateKey
        }
        "PUBLIC KEY" => Item::PublicKey(public_key_info(der)?),
        "RSA PUBLIC KEY" => Item::PublicKey(rsa_public_key_info(der)?),
        "EC PARAMETERS" => return Ok(None),
        other => {
            return Err(Error::UnsupportedPemLabel {
                label: other.to_string(),
            })
        }
    }))
}

fn inspect_der(input: &[u8], now: i64) -> Result<Item> {
    let input = pem::der_input(input, "CERTIFICATE")?;
    if input.first() != Some(&0x30) {
        return Err(Error::UnrecognizedInput { len: input.len() });
    }
    // A header that promises more bytes than there are: cut off.
    if let Ok((header, _)) = der::Header::from_der_partial(input) {
        let promised = usize::try_from(u32::from(header.length())).unwrap_or(usize::MAX);
        if promised > input.len() {
            return Err(Error::MalformedDer {
                what: crate::text::keys::pki::WHAT_DER_INPUT,
                detail: format!(
                    "truncated: it announces {promised} bytes of content but has {} in all",
                    input.len()
                ),
            });
        }
    }
    if let Ok(cert) = Certificate::from_der(input) {
        return Ok(Item::Certificate(cert_info(&cert, now)));
    }
    if let Ok(csr) = Csr::from_der(input) {
        return Ok(Item::Csr(csr_info(&csr)?));
    }
    if pkcs8::PrivateKeyInfoRef::from_der(input).is_ok() {
        let key = PrivateKey::from_der(input)?;
        return Ok(Item::PrivateKey(private_key_info(&key, KeyFormat::Pkcs8)?));
    }
    if pkcs8::EncryptedPrivateKeyInfoRef::from_der(input).is_ok() {
        return Ok(Item::EncryptedPrivateKey);
    }
    if spki::SubjectPublicKeyInfoRef::from_der(input).is_ok() {
        return Ok(Item::PublicKey(public_key_info(input)?));
    }
    if let Ok(key) = PrivateKey::from_sec1_der(input) {
        return Ok(Item::PrivateKey(private_key_info(&key, KeyFormat::Sec1)?));
    }
    if let Ok(key) = PrivateKey::from_pkcs1_der(input) {
        return Ok(Item::PrivateKey(private_key_info(&key, KeyFormat::Pkcs1)?));
    }
    Err(Error::UnrecognizedInput { len: input.len() })
}

/// `(description, bits)` of a SubjectPublicKeyInfo, falling back to the
/// algorithm's name for keys this module cannot use.
fn describe_spki(spki_der: &[u8]) -> (String, u32) {
    match PublicKey::from_spki_der(spki_der) {
        Ok(k) => (k.description(), k.bits()),
        Err(_) => match spki::SubjectPublicKeyInfoRef::from_der(spki_der) {
            Ok(info) => {
                let alg = &info.algorithm;
                let name = if alg.oid == oid::EC_PUBLIC_KEY {
                    match alg.parameters_oid() {
                        Ok(curve) => format!("ECDSA {}", oid::name(&curve)),
                        Err(_) => "ECDSA (explicit curve)".to_string(),
                    }
                } else {
                    oid::name(&alg.oid)
                };
                let bits = if alg.oid == oid::ED25519 || alg.oid == oid::X25519 {
                    256
                } else if alg.oid == oid::ED448 {
                    456
                } else {
                    0
                };
                (name, bits)
            }
            Err(_) => ("unknown".to_string(), 0),
        },
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
pub(crate) fn iso(t: i64) -> String {
    // Days-to-civil conversion (Howard Hinnant's algorithm), valid for all
    // times X.509 can express.
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn key_usage_names(cert: &Certificate) -> Vec<String> {
    let names = [
        (KeyUsages::DigitalSignature, "digitalSignature"),
        (KeyUsages::NonRepudiation, "nonRepudiation"),
        (KeyUsages::KeyEncipherment, "keyEncipherment"),
        (KeyUsages::DataEncipherment, "dataEncipherment"),
        (KeyUsages::KeyAgreement, "keyAgreement"),
        (KeyUsages::KeyCertSign, "keyCertSign"),
        (KeyUsages::CRLSign, "cRLSign"),
        (KeyUsages::EncipherOnly, "encipherOnly"),
        (KeyUsages::DecipherOnly, "decipherOnly"),
    ];
    match cert.x509().tbs_certificate().get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) => names
            .iter()
            .filter(|(flag, _)| ku.0.contains(*flag))
            .map(|(_, n)| (*n).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Summarises `cert`, judging its validity against `now` (Unix seconds).
pub(crate) fn cert_info(cert: &Certificate, now: i64) -> CertInfo {
    let spki = cert.public_key_der().unwrap_or_default();
    let (key, key_bits) = describe_spki(&spki);
    let (not_before, not_after) = (cert.not_before(), cert.not_after());
    let expired = now > not_after;
    CertInfo {
        subject: cert.subject(),
        issuer: cert.issuer(),
        common_name: cert.common_name(),
        serial: cert.serial_hex(),
        not_before,
        not_after,
        not_before_iso: iso(not_before),
        not_after_iso: iso(not_after),
        key,
        key_bits,
        signature_algorithm: oid::name(&cert.x509().signature_algorithm().oid),
        is_ca: cert.is_ca(),
        self_signed: cert.is_self_signed(),
        key_usage: key_usage_names(cert),
        sha256_fingerprint: cert.fingerprint(FingerprintAlg::Sha256, false),
        sha1_fingerprint: cert.fingerprint(FingerprintAlg::Sha1, false),
        subject_key_id: cert.subject_key_id().map(|k| crate::hex::upper(&k, false)),
        authority_key_id: cert
            .authority_key_id()
            .map(|k| crate::hex::upper(&k, false)),
        expired,
        not_yet_valid: now < not_before,
        expires_within_30_days: !expired && not_after.saturating_sub(now) <= THIRTY_DAYS,
    }
}

fn csr_info(csr: &Csr) -> Result<CsrInfo> {
    let spki = csr.public_key_der()?;
    let (key, key_bits) = describe_spki(&spki);
    Ok(CsrInfo {
        subject: csr.subject(),
        key,
        key_bits,
        signature_algorithm: oid::name(&csr.req().algorithm.oid),
        signature_valid: csr.verify_signature().is_ok(),
        public_key_sha256: fingerprint(&spki, FingerprintAlg::Sha256, false),
    })
}

fn private_key_info(key: &PrivateKey, format: KeyFormat) -> Result<KeyInfo> {
    Ok(KeyInfo {
        key: key.description(),
        bits: key.bits(),
        format: format.name().to_string(),
        public_key_sha256: fingerprint(&key.public_key_der()?, FingerprintAlg::Sha256, false),
    })
}

fn public_key_info(spki_der: &[u8]) -> Result<KeyInfo> {
    spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(malformed(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
    let (key, bits) = describe_spki(spki_der);
    Ok(KeyInfo {
        key,
        bits,
        format: "SubjectPublicKeyInfo".to_string(),
        public_key_sha256: fingerprint(spki_der, FingerprintAlg::Sha256, false),
    })
}

fn rsa_public_key_info(pkcs1_der: &[u8]) -> Result<KeyInfo> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    let key = rsa::PublicKey::from_pkcs1_der(pkcs1_der).map_err(|e| Error::MalformedDer {
        what: crate::text::keys::pki::WHAT_RSA_PUBLIC_KEY,
        detail: e.to_string(),
    })?;
    let spki = key
        .to_public_key_der()
        .map_err(super::encoding(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
    let mut info = public_key_info(spki.as_bytes())?;
    info.format = "PKCS#1".to_string();
    Ok(info)
}

/// Checks that `cert` was issued by `ca_cert`: its issuer name equals the
/// CA's subject, and its signature (over the raw TBS bytes) verifies with
/// the CA's public key. Supports ECDSA P-256 / P-384 and RSA PKCS#1 v1.5
/// with SHA-256, SHA-384 or SHA-512.
pub fn verify_signed_by(cert: &Certificate, ca_cert: &Certificate) -> Result<()> {
    let issuer = cert.x509().tbs_certificate().issuer();
    let ca_subject = ca_cert.x509().tbs_certificate().subject();
    let same_name = match (issuer.to_der(), ca_subject.to_der()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same_name {
        return Err(Error::IssuerMismatch {
            issuer: name::oneline(issuer),
            ca_subject: name::oneline(ca_subject),
        });
    }
    if cert.signature_verifies_with(ca_cert)? {
        Ok(())
    } else {
        Err(Error::CertSignatureInvalid)
    }
}

/// Whether `key` is the private key of `cert` (same public key).
pub fn key_matches(cert: &Certificate, key: &PrivateKey) -> bool {
    let (Ok(cert_spki), Ok(key_spki)) = (cert.public_key_der(), key.public_key_der()) else {
        return false;
    };
    if cert_spki == key_spki {
        return true;
    }
    // Same key, different encoding (e.g. a compressed EC point).
    match (
        PublicKey::from_spki_der(&cert_spki),
        PublicKey::from_spki_der(&key_spki),
    ) {
        (Ok(PublicKey::P256(a)), Ok(PublicKey::P256(b))) => a == b,
        (Ok(PublicKey::P384(a)), Ok(PublicKey::P384(b))) => a == b,
        (Ok(PublicKey::Rsa(a)), Ok(PublicKey::Rsa(b))) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_750_000_000), "2025-06-15T15:06:40Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn a_bad_block_in_a_bundle_does_not_hide_the_others() {
        use crate::pki::{create_ca, KeyType, Subject, Validity};
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let ca = create_ca(
            &key,
            &Subject::with_common_name("CA"),
            Validity::new(1_700_000_000, 10),
            &mut rng,
        )
        .unwrap();
        // Valid base64, but not a certificate inside.
        let junk = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
        let bundle = format!("{}{junk}", ca.pem());
        let items = inspect(bundle.as_bytes(), 1_700_000_100).unwrap();
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[0], Item::Certificate(c) if c.is_ca));
        assert!(
            matches!(&items[1], Item::Unreadable { label, error }
                if label == "CERTIFICATE" && error.contains("malformed")),
            "{items:?}"
        );
        // Alone, or only bad blocks: an error.
        assert!(matches!(
            inspect(junk.as_bytes(), 0),
            Err(Error::MalformedDer { .. })
        ));
        let two_bad = format!("{junk}{junk}");
        assert!(matches!(
            inspect(two_bad.as_bytes(), 0),
            Err(Error::MalformedDer { .. })
        ));
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(inspect(b"", 0), Err(Error::EmptyInput));
        assert_eq!(inspect(b" \r\n", 0), Err(Error::EmptyInput));
        assert_eq!(
            inspect(b"hello world", 0),
            Err(Error::NoPem {
                expected: "CERTIFICATE"
            })
        );
        assert_eq!(
            inspect(&[0xff, 0xfe, 0x00, 0x81], 0),
            Err(Error::UnrecognizedInput { len: 4 })
        );
        assert_eq!(
            inspect(&[0x30, 0x03, 0x02, 0x01, 0x01], 0),
            Err(Error::UnrecognizedInput { len: 5 })
        );
        assert!(matches!(
            inspect(&[0x30, 0x82, 0x01, 0x00, 0x02], 0),
            Err(Error::MalformedDer { what, .. }) if what == crate::text::keys::pki::WHAT_DER_INPUT
        ));
    }
}
