//! The certificate side of the doctor: a device that authenticates with an
//! X.509 certificate is refused in the TLS handshake (bad certificate,
//! unknown CA) or at CONNECT (fingerprint not registered).
//!
//! Rules, in order: the certificate is valid at the attempt's time; it was
//! issued by the CA given; the private key is its key; the fingerprint
//! registered in the console is its SHA-256 or SHA-1 fingerprint, hex
//! digits only (any case).

use std::fmt;

use crate::text::{Message, Say};

use super::{Error, Finding, FingerprintSource};
use crate::pki::{self, Certificate, FingerprintAlg, PrivateKey};

/// Which input a certificate check could not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertFile {
    /// The device certificate.
    Certificate,
    /// The device's private key.
    Key,
    /// The CA certificate.
    Ca,
}

impl Say for CertFile {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        Message::new(match self {
            Self::Certificate => k::FILE_CERTIFICATE,
            Self::Key => k::FILE_KEY,
            Self::Ca => k::FILE_CA,
        })
    }
}

impl fmt::Display for CertFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// What is known about a certificate device: its files as bytes (PEM or
/// DER) and the fingerprint registered in the console. No `Debug`: it holds
/// the private key.
pub struct CertCheck<'a> {
    /// The device certificate, first; a PEM file may carry its chain after it.
    pub cert: &'a [u8],
    /// The device's private key.
    pub key: Option<&'a [u8]>,
    /// The passphrase of an encrypted key.
    pub key_passphrase: Option<&'a str>,
    /// The CA certificate(s) the device certificate should be issued by.
    pub ca: Option<&'a [u8]>,
    /// The fingerprint registered for the device.
    pub fingerprint: Option<&'a str>,
}

/// Checks a certificate device's files at `at` (Unix seconds); the first
/// broken rule, or `None` when all hold.
pub fn check_certificate(check: &CertCheck<'_>, at: i64) -> Result<Option<Finding>, Error> {
    let file = |file: CertFile| move |error| Error::File { file, error };
    let chain = certificates(check.cert).map_err(file(CertFile::Certificate))?;
    let Some((cert, rest)) = chain.split_first() else {
        return Err(Error::File {
            file: CertFile::Certificate,
            error: pki::Error::NoPem {
                expected: "CERTIFICATE",
            },
        });
    };
    if at < cert.not_before() {
        return Ok(Some(Finding::CertNotYetValid {
            not_before: cert.not_before(),
            at,
        }));
    }
    if at > cert.not_after() {
        return Ok(Some(Finding::CertExpired {
            not_after: cert.not_after(),
            at,
        }));
    }
    let cas = match check.ca {
        Some(bytes) => certificates(bytes).map_err(file(CertFile::Ca))?,
        None => Vec::new(),
    };
    if let Some(finding) = issued_by(cert, &cas).map_err(file(CertFile::Ca))? {
        return Ok(Some(finding));
    }
    if let Some(bytes) = check.key {
        let key = PrivateKey::parse(bytes, check.key_passphrase).map_err(file(CertFile::Key))?;
        if !pki::key_matches(cert, &key) {
            return Ok(Some(Finding::KeyNotCertificates));
        }
    }
    Ok(check
        .fingerprint
        .and_then(|fp| fingerprint(fp, cert, rest, &cas, check.cert)))
}

/// Every certificate in `bytes`: PEM blocks in order, or one DER.
fn certificates(bytes: &[u8]) -> Result<Vec<Certificate>, pki::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains("-----BEGIN") => Certificate::parse_all(text),
        _ => Certificate::parse(bytes).map(|c| vec![c]),
    }
}

/// `None` when no CA was given or one of `cas` issued `cert`; otherwise
/// why the first CA did not.
fn issued_by(cert: &Certificate, cas: &[Certificate]) -> Result<Option<Finding>, pki::Error> {
    let mut why = None;
    for ca in cas {
        match pki::verify_signed_by(cert, ca) {
            Ok(()) => return Ok(None),
            Err(pki::Error::IssuerMismatch { issuer, ca_subject }) => {
                why.get_or_insert(Finding::NotIssuedByCa { issuer, ca_subject });
            }
            Err(pki::Error::CertSignatureInvalid) => {
                why.get_or_insert(Finding::CaSignature {
                    ca_subject: ca.subject(),
                });
            }
            Err(other) => return Err(other),
        }
    }
    // No CA given leaves `why` empty: nothing to check against.
    Ok(why)
}

/// The fingerprint rule: `None` when `registered` is `cert`'s.
fn fingerprint(
    registered: &str,
    cert: &Certificate,
    rest_of_chain: &[Certificate],
    cas: &[Certificate],
    cert_file: &[u8],
) -> Option<Finding> {
    let (alg, digits) = match pki::check_fingerprint(registered) {
        Ok(ok) => ok,
        Err(pki::Error::FingerprintChar { found }) => return Some(Finding::FingerprintChar(found)),
        Err(_) => {
            let len = registered.chars().filter(char::is_ascii_hexdigit).count();
            return Some(Finding::FingerprintLength(len));
        }
    };
    let of = |bytes: &[u8]| pki::fingerprint(bytes, alg, false) == digits;
    if of(cert.der()) {
        return registered
            .contains(':')
            .then_some(Finding::FingerprintColons);
    }
    let source = if cas.iter().any(|ca| of(ca.der())) {
        Some(FingerprintSource::CaCertificate)
    } else if rest_of_chain.iter().any(|c| of(c.der())) {
        Some(FingerprintSource::OtherCertificateInFile)
    } else if cert.public_key_der().is_ok_and(|spki| of(&spki)) {
        Some(FingerprintSource::PublicKey)
    } else if of(cert_file) {
        Some(FingerprintSource::PemText)
    } else {
        None
    };
    Some(match source {
        Some(s) => Finding::FingerprintOf(s),
        None => Finding::FingerprintUnknown {
            sha256: cert.fingerprint(FingerprintAlg::Sha256, false),
        },
    })
}
