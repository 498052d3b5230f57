//! X.509 onboarding without OpenSSL: keys, CSRs, a device CA, the
//! verification certificate, device certificates, fingerprints, inspection
//! and PKCS#12 export.
//!
//! IoTDA's X.509 onboarding needs, in OpenSSL terms:
//!
//! ```text
//! rootCA.key + rootCA.crt            create_ca            (upload the CA to the console)
//! verificationCert.{key,crt}         create_verification_cert
//!                                     CN = the code the console shows, signed by the CA key
//! deviceCert.{key,csr,crt}           create_device_cert / create_csr + sign_csr
//! fingerprint of deviceCert          fingerprint(der, Sha256 | Sha1, colons = false)
//! deviceCert.p12                     to_pkcs12          (for an OS certificate store)
//! ```
//!
//! Everything here is computation over data the caller passes in. There is
//! no clock (validity starts at a Unix time the caller gives, and
//! [`inspect`] compares against a `now` the caller gives), no OS randomness
//! (every function that needs randomness takes an RNG implementing
//! [`rand_core::CryptoRng`], re-exported here as [`rand_core`]), and no file
//! or network access.
//!
//! Parsing never panics on hostile input: every failure is an [`Error`]
//! whose message says what was wrong and what to do about it.

pub mod batch;
mod cert;
mod csr;
mod fingerprint;
mod inspect;
mod key;
mod name;
mod p12;
mod pem;
mod subject;

use std::fmt;

use crate::text::{Key, Message, Say};

pub use cert::{
    check_verification_code, create_ca, create_device_cert, create_verification_cert,
    create_verification_cert_for, sign_csr, verification_key_type, Certificate, Validity,
    DEFAULT_CA_DAYS, DEFAULT_DEVICE_DAYS, DEFAULT_VERIFICATION_DAYS, MAX_VERIFICATION_CODE_LEN,
};
pub use csr::{create_csr, Csr};
pub use fingerprint::{check_fingerprint, fingerprint, FingerprintAlg};
pub(crate) use inspect::iso;
pub use inspect::{inspect, key_matches, verify_signed_by, CertInfo, CsrInfo, Item, KeyInfo};
pub use key::{KeyType, PrivateKey, PKCS8_PBKDF2_ITERATIONS};
pub use p12::{to_pkcs12, P12Mode, P12_ITERATIONS};
pub use rand_core;
pub use subject::Subject;

/// Why a PKI operation failed.
///
/// Messages are written for the person at the keyboard: they say what was
/// wrong with the input and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input was empty or only whitespace. Likely cause: nothing was
    /// pasted, or an empty file was chosen.
    EmptyInput,
    /// Text was given but it holds no `-----BEGIN ...-----` line. Likely
    /// cause: the wrong file, or only part of a PEM file was copied.
    NoPem {
        /// What the caller looked for, e.g. `CERTIFICATE`.
        expected: &'static str,
    },
    /// A `-----BEGIN X-----` line has no matching `-----END X-----` line.
    /// Likely cause: the text was cut off when it was copied.
    PemMissingEnd {
        /// The label of the unterminated block.
        label: String,
    },
    /// A block starts with one label and ends with another. Likely cause:
    /// two PEM files were pasted into each other.
    PemMismatchedEnd {
        /// The label on the BEGIN line.
        begin: String,
        /// The label on the END line.
        end: String,
    },
    /// The body of a PEM block is not valid base64. Likely cause: characters
    /// were lost or changed when copying (often a line cut short).
    PemBase64 {
        /// The label of the damaged block.
        label: String,
    },
    /// A traditional OpenSSL-encrypted PEM key (`Proc-Type: 4,ENCRYPTED`).
    /// Likely cause: a key from `openssl genrsa -aes256` with OpenSSL 1.x.
    LegacyEncryptedPem {
        /// The label of the block, e.g. `RSA PRIVATE KEY`.
        label: String,
    },
    /// The PEM has blocks, but not of the kind asked for. Likely cause: a
    /// private key was given where a certificate was expected, or the
    /// reverse.
    WrongPemLabel {
        /// What was expected, in words ("a certificate").
        expected: Key,
        /// The label of the first block found instead.
        found: String,
    },
    /// A PEM block with a label this tool does not read (e.g. `X509 CRL`).
    UnsupportedPemLabel {
        /// The label of the block.
        label: String,
    },
    /// The bytes are neither PEM text nor a DER certificate, CSR or key.
    /// Likely cause: a different file type (a .p12, a ZIP, an image...).
    UnrecognizedInput {
        /// How many bytes were given.
        len: usize,
    },
    /// The structure decoded from PEM or DER is malformed. Likely cause: a
    /// truncated or corrupted file, or a different kind of object.
    MalformedDer {
        /// What was being decoded, e.g. "certificate".
        what: Key,
        /// The decoder's description of the problem.
        detail: String,
    },
    /// A key algorithm or curve this tool does not handle (only P-256,
    /// P-384 and RSA 2048..=8192 are supported). Likely cause: an Ed25519,
    /// P-521 or DSA key.
    UnsupportedKey {
        /// The algorithm, by name or OID.
        algorithm: String,
    },
    /// A signature algorithm this tool cannot verify (only ECDSA and RSA
    /// PKCS#1 v1.5 with SHA-256/384/512 are supported). Likely cause:
    /// RSA-PSS or a SHA-1 signature.
    UnsupportedSignature {
        /// The algorithm, by name or OID.
        algorithm: String,
    },
    /// The private key is encrypted and no passphrase was given.
    PassphraseRequired,
    /// The passphrase does not decrypt the encrypted private key.
    WrongPassphrase,
    /// The passphrase is unusable, e.g. empty.
    InvalidPassphrase {
        /// Why it cannot be used.
        reason: Key,
    },
    /// The private key is encrypted with a scheme this tool does not
    /// support. Likely cause: old PBES1 (DES, RC2) encryption; re-encrypt with
    /// `openssl pkcs8 -topk8 -v2 aes-256-cbc`.
    UnsupportedEncryption {
        /// The scheme, by name or OID.
        scheme: String,
    },
    /// The encrypted key asks for a key-derivation cost beyond what this tool
    /// will spend (it could hang the page). Likely cause: a hostile file.
    KdfTooExpensive {
        /// The KDF and its parameters.
        detail: String,
    },
    /// The random number generator failed while generating a key.
    KeyGeneration {
        /// What went wrong.
        detail: String,
    },
    /// The subject text could not be split into `KEY=value` fields.
    SubjectSyntax {
        /// The part that could not be read.
        part: String,
    },
    /// The subject names a field this tool does not know.
    UnknownSubjectKey {
        /// The unknown key.
        key: String,
    },
    /// A subject field appears twice.
    DuplicateSubjectKey {
        /// The repeated key.
        key: String,
    },
    /// A subject field has an empty value.
    EmptySubjectValue {
        /// The key with the empty value.
        key: String,
    },
    /// The country is not two ASCII letters (ISO 3166, e.g. `CN`).
    InvalidCountry {
        /// The value given.
        value: String,
    },
    /// A subject value is longer than X.520 allows.
    SubjectValueTooLong {
        /// The field.
        key: &'static str,
        /// The upper bound, in characters.
        max: usize,
        /// The length given, in characters.
        len: usize,
    },
    /// A subject value contains a control character (newline, tab, NUL...).
    SubjectControlChar {
        /// The field.
        key: &'static str,
    },
    /// The email address is not shaped like `name@domain` in ASCII.
    InvalidEmail {
        /// The value given.
        value: String,
    },
    /// A certificate subject needs a common name (`CN=`).
    MissingCommonName,
    /// The verification code is unusable as a certificate CN.
    InvalidVerificationCode {
        /// The code given.
        code: String,
        /// Why.
        reason: Key,
    },
    /// The validity period cannot be encoded (days is 0, or the dates fall
    /// outside 1970..=9999).
    InvalidValidity {
        /// The start, in Unix seconds.
        not_before: i64,
        /// The length in days.
        days: u32,
    },
    /// The CSR's own signature does not verify. Likely cause: the CSR was
    /// edited after it was signed, or damaged in transit.
    CsrSignatureInvalid,
    /// A certificate's signature does not verify with the CA's public key.
    /// Likely cause: the certificate was issued by another CA with the same
    /// name, or it was altered.
    CertSignatureInvalid,
    /// The certificate's issuer is not the CA's subject.
    IssuerMismatch {
        /// The certificate's issuer (OpenSSL oneline form).
        issuer: String,
        /// The CA's subject (OpenSSL oneline form).
        ca_subject: String,
    },
    /// The CA private key does not belong to the CA certificate. Likely
    /// cause: the key of another CA, or the device key, was chosen.
    CaKeyMismatch,
    /// The private key does not belong to the certificate it is packed or
    /// used with. Likely cause: the key of another device was chosen.
    KeyMismatch,
    /// The certificate chosen as CA is not a CA (its basicConstraints does
    /// not say CA:TRUE, or its keyUsage lacks keyCertSign).
    NotACa {
        /// Its subject.
        subject: String,
    },
    /// A name in a foreign CA or CSR cannot be copied into a new certificate
    /// exactly (multi-valued RDNs or a repeated attribute type).
    UnsupportedName {
        /// The name (OpenSSL oneline form).
        name: String,
        /// Why it cannot be reproduced.
        reason: Key,
    },
    /// A fingerprint has the wrong number of hex digits.
    FingerprintLength {
        /// The number of hex digits found.
        len: usize,
    },
    /// A fingerprint contains something other than hex digits and colons.
    FingerprintChar {
        /// The first offending character.
        found: char,
    },
    /// A node id in a batch does not follow IoTDA's rule (1 to 64 of
    /// `A-Z a-z 0-9 _ -`).
    InvalidNodeId {
        /// The line of the list it is on (1-based).
        line: usize,
        /// The id (at most 80 characters of it).
        id: String,
        /// What is wrong, completing "the node id ...".
        reason: Key,
    },
    /// A node id appears twice in a batch.
    DuplicateNodeId {
        /// The id.
        id: String,
        /// The line of the repeat (1-based).
        line: usize,
        /// The line where it first appeared.
        first_line: usize,
    },
    /// The batch list holds no node id.
    NoNodeIds,
    /// The batch list holds more node ids than one batch makes.
    TooManyNodeIds {
        /// The limit.
        max: usize,
    },
    /// The PKCS#12 password cannot be encoded (it has characters outside the
    /// Basic Multilingual Plane, such as emoji).
    Pkcs12Password,
    /// An encoder failed. This points to a bug; the detail says where.
    Encoding {
        /// What was being encoded.
        what: Key,
        /// The encoder's message.
        detail: String,
    },
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::pki as k;
        match self {
            Self::EmptyInput => Message::new(k::EMPTY_INPUT),
            Self::NoPem { expected } => Message::new(k::NO_PEM).with("expected", expected),
            Self::PemMissingEnd { label } => Message::new(k::PEM_MISSING_END).with("label", label),
            Self::PemMismatchedEnd { begin, end } => Message::new(k::PEM_MISMATCHED_END)
                .with("begin", begin)
                .with("end", end),
            Self::PemBase64 { label } => Message::new(k::PEM_BASE64).with("label", label),
            Self::LegacyEncryptedPem { label } => {
                Message::new(k::LEGACY_ENCRYPTED_PEM).with("label", label)
            }
            Self::WrongPemLabel { expected, found } => Message::new(k::WRONG_PEM_LABEL)
                .with_message("expected", Message::new(*expected))
                .with("found", found),
            Self::UnsupportedPemLabel { label } => {
                Message::new(k::UNSUPPORTED_PEM_LABEL).with("label", label)
            }
            Self::UnrecognizedInput { len } => Message::new(k::UNRECOGNIZED_INPUT).with("len", len),
            Self::MalformedDer { what, detail } => Message::new(k::MALFORMED_DER)
                .with_message("what", Message::new(*what))
                .with("detail", detail),
            Self::UnsupportedKey { algorithm } => {
                Message::new(k::UNSUPPORTED_KEY).with("algorithm", algorithm)
            }
            Self::UnsupportedSignature { algorithm } => {
                Message::new(k::UNSUPPORTED_SIGNATURE).with("algorithm", algorithm)
            }
            Self::PassphraseRequired => Message::new(k::PASSPHRASE_REQUIRED),
            Self::WrongPassphrase => Message::new(k::WRONG_PASSPHRASE),
            Self::InvalidPassphrase { reason } => {
                Message::new(k::INVALID_PASSPHRASE).with_message("reason", Message::new(*reason))
            }
            Self::UnsupportedEncryption { scheme } => {
                Message::new(k::UNSUPPORTED_ENCRYPTION).with("scheme", scheme)
            }
            Self::KdfTooExpensive { detail } => {
                Message::new(k::KDF_TOO_EXPENSIVE).with("detail", detail)
            }
            Self::KeyGeneration { detail } => {
                Message::new(k::KEY_GENERATION).with("detail", detail)
            }
            Self::SubjectSyntax { part } => {
                Message::new(k::SUBJECT_SYNTAX).with("part", format_args!("{part:?}"))
            }
            Self::UnknownSubjectKey { key } => {
                Message::new(k::UNKNOWN_SUBJECT_KEY).with("key", format_args!("{key:?}"))
            }
            Self::DuplicateSubjectKey { key } => {
                Message::new(k::DUPLICATE_SUBJECT_KEY).with("key", key)
            }
            Self::EmptySubjectValue { key } => {
                Message::new(k::EMPTY_SUBJECT_VALUE).with("key", key)
            }
            Self::InvalidCountry { value } => {
                Message::new(k::INVALID_COUNTRY).with("value", format_args!("{value:?}"))
            }
            Self::SubjectValueTooLong { key, max, len } => Message::new(k::SUBJECT_VALUE_TOO_LONG)
                .with("key", key)
                .with("len", len)
                .with("max", max),
            Self::SubjectControlChar { key } => {
                Message::new(k::SUBJECT_CONTROL_CHAR).with("key", key)
            }
            Self::InvalidEmail { value } => {
                Message::new(k::INVALID_EMAIL).with("value", format_args!("{value:?}"))
            }
            Self::MissingCommonName => Message::new(k::MISSING_COMMON_NAME),
            Self::InvalidVerificationCode { code, reason } => {
                Message::new(k::INVALID_VERIFICATION_CODE)
                    .with("code", format_args!("{code:?}"))
                    .with_message("reason", Message::new(*reason))
            }
            Self::InvalidValidity { not_before, days } => Message::new(k::INVALID_VALIDITY)
                .with("days", days)
                .with("not_before", not_before),
            Self::CsrSignatureInvalid => Message::new(k::CSR_SIGNATURE_INVALID),
            Self::CertSignatureInvalid => Message::new(k::CERT_SIGNATURE_INVALID),
            Self::IssuerMismatch { issuer, ca_subject } => Message::new(k::ISSUER_MISMATCH)
                .with("issuer", issuer)
                .with("ca_subject", ca_subject),
            Self::CaKeyMismatch => Message::new(k::CA_KEY_MISMATCH),
            Self::KeyMismatch => Message::new(k::KEY_MISMATCH),
            Self::NotACa { subject } => Message::new(k::NOT_A_CA).with("subject", subject),
            Self::UnsupportedName { name, reason } => Message::new(k::UNSUPPORTED_NAME)
                .with("name", name)
                .with_message("reason", Message::new(*reason)),
            Self::FingerprintLength { len } => Message::new(k::FINGERPRINT_LENGTH).with("len", len),
            Self::FingerprintChar { found } => {
                Message::new(k::FINGERPRINT_CHAR).with("found", format_args!("{found:?}"))
            }
            Self::InvalidNodeId { line, id, reason } => Message::new(k::INVALID_NODE_ID)
                .with("line", line)
                .with("id", format_args!("{id:?}"))
                .with_message("reason", Message::new(*reason)),
            Self::DuplicateNodeId {
                id,
                line,
                first_line,
            } => Message::new(k::DUPLICATE_NODE_ID)
                .with("line", line)
                .with("id", format_args!("{id:?}"))
                .with("first_line", first_line),
            Self::NoNodeIds => Message::new(k::NO_NODE_IDS),
            Self::TooManyNodeIds { max } => Message::new(k::TOO_MANY_NODE_IDS).with("max", max),
            Self::Pkcs12Password => Message::new(k::PKCS12_PASSWORD),
            Self::Encoding { what, detail } => Message::new(k::ENCODING)
                .with_message("what", Message::new(*what))
                .with("detail", detail),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maps a DER decoding error to [`Error::MalformedDer`].
pub(crate) fn malformed(what: Key) -> impl Fn(der::Error) -> Error {
    move |e| Error::MalformedDer {
        what,
        detail: e.to_string(),
    }
}

/// Maps an encoder failure (which indicates a bug) to [`Error::Encoding`].
pub(crate) fn encoding<E: fmt::Display>(what: Key) -> impl Fn(E) -> Error {
    move |e| Error::Encoding {
        what,
        detail: e.to_string(),
    }
}

/// Splits a signed X.509 structure (certificate or CSR),
/// `SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }`, into the raw TBS
/// bytes exactly as they were signed, the signature algorithm and the
/// signature bytes. Verifying over re-encoded TBS would reject valid
/// signatures whenever the signer's encoding differs from ours.
pub(crate) fn signed_parts<'a>(
    der: &'a [u8],
    what: Key,
) -> Result<(&'a [u8], der::asn1::ObjectIdentifier, &'a [u8])> {
    use der::Reader;
    let mut reader = der::SliceReader::new(der).map_err(malformed(what))?;
    let (tbs, alg, sig) = reader
        .sequence(|r| {
            let tbs = r.tlv_bytes()?;
            let alg: spki::AlgorithmIdentifierRef<'a> = r.decode()?;
            let sig: der::asn1::BitStringRef<'a> = r.decode()?;
            Ok::<_, der::Error>((tbs, alg.oid, sig))
        })
        .map_err(malformed(what))?;
    reader.finish().map_err(malformed(what))?;
    let sig = sig.as_bytes().ok_or(Error::MalformedDer {
        what,
        detail: "the signature BIT STRING has unused bits".to_string(),
    })?;
    Ok((tbs, alg, sig))
}
