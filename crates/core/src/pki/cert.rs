//! X.509 v3 certificates (RFC 5280): the device CA, certificates issued from
//! CSRs, device certificates and the CA verification certificate.
//!
//! | certificate   | basicConstraints   | keyUsage (critical)                          | extKeyUsage | days |
//! |---------------|--------------------|----------------------------------------------|-------------|------|
//! | CA            | critical, CA:TRUE  | keyCertSign, cRLSign                         | -           | 1024 |
//! | device        | critical, CA:FALSE | digitalSignature (+keyEncipherment for RSA)  | clientAuth  | 500  |
//! | verification  | critical, CA:FALSE | digitalSignature                             | clientAuth  | 500  |
//!
//! All carry a subjectKeyIdentifier (the first 20 bytes of SHA-256 over the
//! SubjectPublicKeyInfo, RFC 7093 method 1 style) and an
//! authorityKeyIdentifier equal to the issuer's subjectKeyIdentifier. Serial
//! numbers are 16 random bytes from the caller's RNG, positive. Signatures:
//! ecdsa-with-SHA256 (P-256 CA), ecdsa-with-SHA384 (P-384 CA),
//! sha256WithRSAEncryption (RSA CA).
//!
//! The certificates are encoded by rcgen (built without a crypto backend,
//! signing through [`PrivateKey`]) and parsed back with `x509-cert`, so each
//! result is checked by a second implementation before it is returned.

use std::fmt;

use der::{Decode, Encode};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};

use crate::text::keys::pki::EXPECTED_CERTIFICATE;

use super::key::PublicKey;
use super::{
    create_csr, encoding, fingerprint, malformed, name, pem, signed_parts, Csr, Error,
    FingerprintAlg, KeyType, PrivateKey, Result, Subject,
};

/// Default lifetime of a CA certificate, in days (IoTDA's guide uses 1024).
pub const DEFAULT_CA_DAYS: u32 = 1024;
/// Default lifetime of a device certificate, in days (IoTDA's guide uses 500).
pub const DEFAULT_DEVICE_DAYS: u32 = 500;
/// Default lifetime of a verification certificate, in days.
pub const DEFAULT_VERIFICATION_DAYS: u32 = 500;
/// Longest verification code accepted (X.520 `ub-common-name`).
pub const MAX_VERIFICATION_CODE_LEN: usize = 64;

/// Latest time X.509 can express: 9999-12-31T23:59:59Z.
const MAX_TIME: i64 = 253_402_300_799;
const SECONDS_PER_DAY: i64 = 86_400;

/// When a new certificate is valid: from `not_before` (Unix seconds, UTC,
/// given by the caller since the core has no clock) for `days` days.
///
/// Callers often start a few minutes in the past so that a device whose
/// clock runs slightly behind still accepts the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Validity {
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// Length in days (at least 1).
    pub days: u32,
}

impl Validity {
    /// Validity from `not_before` for `days` days.
    pub fn new(not_before: i64, days: u32) -> Self {
        Self { not_before, days }
    }

    /// End of validity, Unix seconds (saturating).
    pub fn not_after(&self) -> i64 {
        self.not_before
            .saturating_add(i64::from(self.days).saturating_mul(SECONDS_PER_DAY))
    }

    fn to_rcgen(self) -> Result<(time::OffsetDateTime, time::OffsetDateTime)> {
        let invalid = Error::InvalidValidity {
            not_before: self.not_before,
            days: self.days,
        };
        if self.days == 0 || self.not_before < 0 || self.not_after() > MAX_TIME {
            return Err(invalid);
        }
        let start = time::OffsetDateTime::from_unix_timestamp(self.not_before)
            .map_err(|_| invalid.clone())?;
        let end =
            time::OffsetDateTime::from_unix_timestamp(self.not_after()).map_err(|_| invalid)?;
        Ok((start, end))
    }
}

/// A parsed X.509 certificate, kept as the exact DER it was read or made
/// from (fingerprints and signature checks use those bytes).
#[derive(Clone)]
pub struct Certificate {
    der: Vec<u8>,
    cert: x509_cert::Certificate,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("issuer", &self.issuer())
            .field("serial", &self.serial_hex())
            .finish_non_exhaustive()
    }
}

const LABELS: &[&str] = &["CERTIFICATE", "X509 CERTIFICATE"];

impl Certificate {
    /// Reads a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let cert = x509_cert::Certificate::from_der(der)
            .map_err(malformed(crate::text::keys::pki::WHAT_CERTIFICATE))?;
        Ok(Self {
            der: der.to_vec(),
            cert,
        })
    }

    /// Reads the first `CERTIFICATE` block of PEM text (other blocks, such
    /// as a key in the same file, are skipped).
    pub fn from_pem(text: &str) -> Result<Self> {
        let blocks = pem::parse_text(text.as_bytes(), "CERTIFICATE")?;
        let block = pem::find(&blocks, LABELS, &[], "CERTIFICATE", EXPECTED_CERTIFICATE)?;
        Self::from_der(&block.der)
    }

    /// Reads a certificate given as PEM text or DER bytes.
    pub fn parse(input: &[u8]) -> Result<Self> {
        if pem::is_blank(input) {
            return Err(Error::EmptyInput);
        }
        if pem::looks_like_pem(input) {
            let blocks = pem::parse_text(input, "CERTIFICATE")?;
            let block = pem::find(&blocks, LABELS, &[], "CERTIFICATE", EXPECTED_CERTIFICATE)?;
            return Self::from_der(&block.der);
        }
        Self::from_der(pem::der_input(input, "CERTIFICATE")?)
    }

    /// Reads every certificate of a PEM bundle, in order, skipping blocks
    /// of other kinds. At least one certificate must be present.
    pub fn parse_all(text: &str) -> Result<Vec<Self>> {
        let blocks = pem::parse_text(text.as_bytes(), "CERTIFICATE")?;
        pem::find(&blocks, LABELS, &[], "CERTIFICATE", EXPECTED_CERTIFICATE)?;
        blocks
            .iter()
            .filter(|b| LABELS.contains(&b.label.as_str()))
            .map(|b| Self::from_der(&b.der))
            .collect()
    }

    /// The DER encoding, exactly as read or issued.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    pub fn pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// The subject in OpenSSL oneline form (`/C=CN/O=Org/CN=name`).
    pub fn subject(&self) -> String {
        name::oneline(self.cert.tbs_certificate().subject())
    }

    /// The issuer in OpenSSL oneline form.
    pub fn issuer(&self) -> String {
        name::oneline(self.cert.tbs_certificate().issuer())
    }

    /// The subject's common name, if any.
    pub fn common_name(&self) -> Option<String> {
        name::common_name(self.cert.tbs_certificate().subject())
    }

    /// The serial number in uppercase hex, as `openssl x509 -serial` shows.
    pub fn serial_hex(&self) -> String {
        crate::hex::upper(
            self.cert.tbs_certificate().serial_number().as_bytes(),
            false,
        )
    }

    /// Start of validity, Unix seconds.
    pub fn not_before(&self) -> i64 {
        unix(&self.cert.tbs_certificate().validity().not_before)
    }

    /// End of validity, Unix seconds.
    pub fn not_after(&self) -> i64 {
        unix(&self.cert.tbs_certificate().validity().not_after)
    }

    /// Whether basicConstraints says CA:TRUE (and keyUsage, if present,
    /// allows keyCertSign).
    pub fn is_ca(&self) -> bool {
        let tbs = self.cert.tbs_certificate();
        let ca = matches!(
            tbs.get_extension::<BasicConstraints>(),
            Ok(Some((_, bc))) if bc.ca
        );
        let can_sign = match tbs.get_extension::<KeyUsage>() {
            Ok(Some((_, ku))) => ku.0.contains(KeyUsages::KeyCertSign),
            Ok(None) => true,
            Err(_) => false,
        };
        ca && can_sign
    }

    /// Whether the issuer equals the subject and the certificate's
    /// signature verifies with its own key.
    pub fn is_self_signed(&self) -> bool {
        let tbs = self.cert.tbs_certificate();
        tbs.issuer() == tbs.subject() && self.signature_verifies_with(self).unwrap_or(false)
    }

    /// The subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        match self
            .cert
            .tbs_certificate()
            .get_extension::<SubjectKeyIdentifier>()
        {
            Ok(Some((_, ski))) => Some(ski.0.as_bytes().to_vec()),
            _ => None,
        }
    }

    /// The key identifier of the authorityKeyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        match self
            .cert
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::AuthorityKeyIdentifier>()
        {
            Ok(Some((_, aki))) => aki.key_identifier.map(|k| k.as_bytes().to_vec()),
            _ => None,
        }
    }

    /// The subject public key as DER `SubjectPublicKeyInfo` (what
    /// `openssl x509 -pubkey -noout` prints, in DER).
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        self.cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(encoding(crate::text::keys::pki::WHAT_PUBLIC_KEY))
    }

    /// The fingerprint of the DER: uppercase hex, optionally with colons.
    pub fn fingerprint(&self, alg: FingerprintAlg, colons: bool) -> String {
        fingerprint(&self.der, alg, colons)
    }

    pub(crate) fn x509(&self) -> &x509_cert::Certificate {
        &self.cert
    }

    /// Whether this certificate's signature verifies with `issuer`'s key.
    /// `Err` if the key or algorithm is unsupported.
    pub(crate) fn signature_verifies_with(&self, issuer: &Certificate) -> Result<bool> {
        let (tbs, alg, sig) = signed_parts(&self.der, crate::text::keys::pki::WHAT_CERTIFICATE)?;
        let key = PublicKey::from_spki_der(&issuer.public_key_der()?)?;
        key.verify(&alg, tbs, sig)
    }
}

fn unix(t: &x509_cert::time::Time) -> i64 {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// 16 random bytes, top bit cleared (positive) and the next bit set (so
/// the DER INTEGER always has 16 bytes).
fn random_serial<R: CryptoRng + ?Sized>(rng: &mut R) -> rcgen::SerialNumber {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    rcgen::SerialNumber::from_slice(&bytes)
}

/// First 20 bytes of SHA-256 over a DER SubjectPublicKeyInfo.
fn key_id(spki_der: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(spki_der)
        .iter()
        .take(20)
        .copied()
        .collect()
}

/// Makes a self-signed CA certificate for `key` and `subject` (which needs
/// a CN). Its serial number comes from `rng`, which also blinds RSA signing.
pub fn create_ca<R: CryptoRng + ?Sized>(
    key: &PrivateKey,
    subject: &Subject,
    validity: Validity,
    rng: &mut R,
) -> Result<Certificate> {
    use rcgen::{BasicConstraints, IsCa, KeyIdMethod, KeyUsagePurpose};
    subject.validate_for_certificate()?;
    let (not_before, not_after) = validity.to_rcgen()?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = subject.to_rcgen()?;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(random_serial(rng));
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::PreSpecified(key_id(&key.public_key_der()?));
    let signer = key.rcgen_signer(rng)?;
    let cert = params
        .self_signed(&signer)
        .map_err(encoding(crate::text::keys::pki::WHAT_CA_CERTIFICATE))?;
    Certificate::from_der(cert.der())
}

/// Issues an end-entity (client) certificate for the CSR in `csr` (PEM or
/// DER), signed by the CA.
///
/// The CSR's signature is checked first ([`Error::CsrSignatureInvalid`] if
/// it was altered), and the CA key must match the CA certificate. The new
/// certificate copies the CSR's subject and key; extensions requested in
/// the CSR are ignored and the profile in the module docs applies. Its
/// issuer is the CA's subject byte for byte.
pub fn sign_csr<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    csr: &[u8],
    validity: Validity,
    rng: &mut R,
) -> Result<Certificate> {
    use rcgen::{ExtendedKeyUsagePurpose, IsCa, KeyIdMethod, KeyUsagePurpose};
    let csr = Csr::parse(csr)?;
    csr.verify_signature()?;
    check_ca(ca_cert, ca_key)?;
    let (not_before, not_after) = validity.to_rcgen()?;

    let req_subject = &csr.req().info.subject;
    if req_subject.is_empty() {
        return Err(Error::MissingCommonName);
    }
    let spki = csr.public_key_der()?;
    let subject_key = CsrPublicKey::new(&spki)?;

    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = name::to_rcgen(req_subject)?;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(random_serial(rng));
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = if subject_key.is_rsa {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    };
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_identifier_method = KeyIdMethod::PreSpecified(key_id(&spki));

    let ca_tbs = ca_cert.x509().tbs_certificate();
    let mut issuer_params = rcgen::CertificateParams::default();
    issuer_params.distinguished_name = name::to_rcgen(ca_tbs.subject())?;
    match ca_cert.subject_key_id() {
        Some(ski) => {
            params.use_authority_key_identifier_extension = true;
            issuer_params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
        }
        // Without a CA SKI there is no key id to point at; OpenSSL then
        // omits the keyIdentifier too.
        None => params.use_authority_key_identifier_extension = false,
    }
    let signer = ca_key.rcgen_signer(rng)?;
    let issuer = rcgen::Issuer::new(issuer_params, signer);
    let issued = params
        .signed_by(&subject_key, &issuer)
        .map_err(encoding(crate::text::keys::pki::WHAT_CERTIFICATE))?;
    let cert = Certificate::from_der(issued.der())?;

    // rcgen re-encodes names; make sure nothing changed on the way.
    let tbs = cert.x509().tbs_certificate();
    if tbs.issuer() != ca_tbs.subject() {
        return Err(Error::UnsupportedName {
            name: ca_cert.subject(),
            reason: crate::text::keys::pki::NAME_NOT_REPRODUCED,
        });
    }
    if tbs.subject() != req_subject {
        return Err(Error::UnsupportedName {
            name: csr.subject(),
            reason: crate::text::keys::pki::NAME_NOT_REPRODUCED,
        });
    }
    if cert.public_key_der()? != spki {
        return Err(Error::Encoding {
            what: crate::text::keys::pki::WHAT_CERTIFICATE,
            detail: "the public key was not copied exactly from the CSR".to_string(),
        });
    }
    Ok(cert)
}

/// Checks that `ca_key` belongs to `ca_cert` and that `ca_cert` is a CA.
fn check_ca(ca_cert: &Certificate, ca_key: &PrivateKey) -> Result<()> {
    if !super::key_matches(ca_cert, ca_key) {
        return Err(Error::CaKeyMismatch);
    }
    let tbs = ca_cert.x509().tbs_certificate();
    // A v1 certificate has no extensions; OpenSSL accepts a self-signed
    // one as a CA, so do we.
    let v1 = tbs.extensions().is_none();
    if !ca_cert.is_ca() && !v1 {
        return Err(Error::NotACa {
            subject: ca_cert.subject(),
        });
    }
    Ok(())
}

/// Makes a CSR for `device_key` and `subject`, and issues the device
/// certificate from it. Returns both (the CSR is what `openssl req -new`
/// would have produced).
pub fn create_device_cert<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    device_key: &PrivateKey,
    subject: &Subject,
    validity: Validity,
    rng: &mut R,
) -> Result<(Csr, Certificate)> {
    let csr = create_csr(device_key, subject, rng)?;
    let cert = sign_csr(ca_cert, ca_key, csr.der(), validity, rng)?;
    Ok((csr, cert))
}

/// Makes the certificate that proves possession of the CA key: a fresh key
/// of the CA key's type ([`verification_key_type`]; returned too, as
/// IoTDA's guide makes one with `openssl genrsa` like the CA's) and a
/// certificate with CN = `code`, the verification code the console shows
/// for the CA, signed by the CA key.
pub fn create_verification_cert<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    code: &str,
    validity: Validity,
    rng: &mut R,
) -> Result<(PrivateKey, Certificate)> {
    check_verification_code(code)?;
    let key = PrivateKey::generate(verification_key_type(ca_key), rng)?;
    let cert = create_verification_cert_for(ca_cert, ca_key, &key, code, validity, rng)?;
    Ok((key, cert))
}

/// The type of key [`create_verification_cert`] makes for a CA key: the
/// CA key's own, RSA 2048 for an RSA key of a size the kit does not make.
pub fn verification_key_type(ca_key: &PrivateKey) -> KeyType {
    ca_key.key_type().unwrap_or(if ca_key.is_rsa() {
        KeyType::Rsa2048
    } else {
        KeyType::P256
    })
}

/// Like [`create_verification_cert`] with a key the caller made (for
/// instance by the browser's WebCrypto): the certificate for `key` with
/// CN = `code`, signed by the CA key.
pub fn create_verification_cert_for<R: CryptoRng + ?Sized>(
    ca_cert: &Certificate,
    ca_key: &PrivateKey,
    key: &PrivateKey,
    code: &str,
    validity: Validity,
    rng: &mut R,
) -> Result<Certificate> {
    check_verification_code(code)?;
    let subject = Subject::with_common_name(code);
    let (_, cert) = create_device_cert(ca_cert, ca_key, key, &subject, validity, rng)?;
    Ok(cert)
}

/// Checks a verification code as [`create_verification_cert`] does: not
/// empty, no control characters, no spaces around it, at most
/// [`MAX_VERIFICATION_CODE_LEN`] characters.
pub fn check_verification_code(code: &str) -> Result<()> {
    use crate::text::keys::pki as k;
    let bad = |reason| {
        Err(Error::InvalidVerificationCode {
            code: code.to_string(),
            reason,
        })
    };
    if code.is_empty() {
        return bad(k::CODE_EMPTY);
    }
    if code.chars().any(char::is_control) {
        return bad(k::CODE_CONTROL);
    }
    if code.trim() != code {
        return bad(k::CODE_SPACES);
    }
    if code.chars().count() > MAX_VERIFICATION_CODE_LEN {
        return bad(k::CODE_TOO_LONG);
    }
    Ok(())
}

/// The public key of a CSR, for rcgen.
struct CsrPublicKey {
    raw: Vec<u8>,
    alg: &'static rcgen::SignatureAlgorithm,
    is_rsa: bool,
}

impl CsrPublicKey {
    fn new(spki_der: &[u8]) -> Result<Self> {
        let (alg, is_rsa): (&'static rcgen::SignatureAlgorithm, bool) =
            match PublicKey::from_spki_der(spki_der)? {
                PublicKey::P256(_) => (&rcgen::PKCS_ECDSA_P256_SHA256, false),
                PublicKey::P384(_) => (&rcgen::PKCS_ECDSA_P384_SHA384, false),
                PublicKey::Rsa(_) => (&rcgen::PKCS_RSA_SHA256, true),
            };
        let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
            .map_err(malformed(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
        Ok(Self {
            raw: info.subject_public_key.raw_bytes().to_vec(),
            alg,
            is_rsa,
        })
    }
}

impl rcgen::PublicKeyData for CsrPublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.alg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::verify_signed_by;
    use rand_chacha::rand_core::SeedableRng;

    const NOW: i64 = 1_750_000_000; // 2025-06-15

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(11)
    }

    fn ca(rng: &mut rand_chacha::ChaCha20Rng, t: KeyType) -> (PrivateKey, Certificate) {
        let key = PrivateKey::generate(t, rng).unwrap();
        let subject = Subject::parse("/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=Test CA").unwrap();
        let cert = create_ca(&key, &subject, Validity::new(NOW, DEFAULT_CA_DAYS), rng).unwrap();
        (key, cert)
    }

    #[test]
    fn ca_certificate() {
        let mut rng = rng();
        let (key, cert) = ca(&mut rng, KeyType::P256);
        assert_eq!(cert.subject(), "/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=Test CA");
        assert_eq!(cert.issuer(), cert.subject());
        assert!(cert.is_ca());
        assert!(cert.is_self_signed());
        assert_eq!(cert.not_before(), NOW);
        assert_eq!(cert.not_after(), NOW + 1024 * 86_400);
        assert_eq!(cert.serial_hex().len(), 32);
        assert_eq!(cert.subject_key_id(), cert.authority_key_id());
        assert_eq!(cert.subject_key_id().map(|k| k.len()), Some(20));
        assert!(super::super::key_matches(&cert, &key));
        verify_signed_by(&cert, &cert).unwrap();
        assert_eq!(Certificate::from_pem(&cert.pem()).unwrap(), cert);
    }

    #[test]
    fn device_and_verification_certificates() {
        let mut rng = rng();
        let (ca_key, ca_cert) = ca(&mut rng, KeyType::P384);
        let dev_key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let subject = Subject::parse("/CN=dev-001/O=Org").unwrap();
        let (csr, cert) = create_device_cert(
            &ca_cert,
            &ca_key,
            &dev_key,
            &subject,
            Validity::new(NOW, DEFAULT_DEVICE_DAYS),
            &mut rng,
        )
        .unwrap();
        csr.verify_signature().unwrap();
        assert_eq!(cert.subject(), "/O=Org/CN=dev-001");
        assert_eq!(cert.issuer(), ca_cert.subject());
        assert!(!cert.is_ca());
        assert!(!cert.is_self_signed());
        assert_eq!(cert.authority_key_id(), ca_cert.subject_key_id());
        assert!(super::super::key_matches(&cert, &dev_key));
        verify_signed_by(&cert, &ca_cert).unwrap();

        let (vkey, vcert) = create_verification_cert(
            &ca_cert,
            &ca_key,
            "0123456789ABCDEF",
            Validity::new(NOW, DEFAULT_VERIFICATION_DAYS),
            &mut rng,
        )
        .unwrap();
        assert_eq!(vcert.common_name().as_deref(), Some("0123456789ABCDEF"));
        assert!(super::super::key_matches(&vcert, &vkey));
        verify_signed_by(&vcert, &ca_cert).unwrap();
        // The verification key follows the CA's algorithm.
        assert_eq!(vkey.key_type(), Some(KeyType::P384));
    }

    #[test]
    fn an_rsa_ca_gets_an_rsa_verification_key() {
        let mut rng = rng();
        let (ca_key, ca_cert) = ca(&mut rng, KeyType::Rsa2048);
        let validity = Validity::new(NOW, DEFAULT_VERIFICATION_DAYS);
        let (vkey, vcert) =
            create_verification_cert(&ca_cert, &ca_key, "CODE42", validity, &mut rng).unwrap();
        assert_eq!(vkey.key_type(), Some(KeyType::Rsa2048));
        assert!(super::super::key_matches(&vcert, &vkey));
        verify_signed_by(&vcert, &ca_cert).unwrap();
    }

    #[test]
    fn rejects() {
        let mut rng = rng();
        let (ca_key, ca_cert) = ca(&mut rng, KeyType::P256);
        let other = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let v = Validity::new(NOW, 10);
        let csr = create_csr(&other, &Subject::with_common_name("x"), &mut rng).unwrap();

        assert_eq!(
            sign_csr(&ca_cert, &other, csr.der(), v, &mut rng),
            Err(Error::CaKeyMismatch)
        );
        let mut tampered = csr.der().to_vec();
        if let Some(b) = tampered.last_mut() {
            *b ^= 0x80;
        }
        assert_eq!(
            sign_csr(&ca_cert, &ca_key, &tampered, v, &mut rng),
            Err(Error::CsrSignatureInvalid)
        );
        // A device certificate is not a CA.
        let dev = sign_csr(&ca_cert, &ca_key, csr.der(), v, &mut rng).unwrap();
        assert!(matches!(
            sign_csr(&dev, &other, csr.der(), v, &mut rng),
            Err(Error::NotACa { .. })
        ));
        for (code, needle) in [
            ("", "is empty"),
            ("abc\n", "line break"),
            (" abc", "spaces"),
            (&"9".repeat(65), "longer than 64"),
        ] {
            match create_verification_cert(&ca_cert, &ca_key, code, v, &mut rng) {
                Err(Error::InvalidVerificationCode { reason, .. }) => {
                    assert!(reason.english().contains(needle), "{code:?}: {reason:?}")
                }
                other => panic!("{code:?}: {other:?}"),
            }
        }
        for bad in [
            Validity::new(NOW, 0),
            Validity::new(-1, 1),
            Validity::new(MAX_TIME, 1),
        ] {
            assert_eq!(
                create_ca(&ca_key, &Subject::with_common_name("x"), bad, &mut rng),
                Err(Error::InvalidValidity {
                    not_before: bad.not_before,
                    days: bad.days
                })
            );
        }
    }
}
