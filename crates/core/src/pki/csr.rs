//! PKCS#10 certificate signing requests (RFC 2986): create one for a key and
//! subject, read one (PEM or DER), and check its self-signature.
//!
//! ```text
//! CertificationRequest ::= SEQUENCE {
//!     certificationRequestInfo  SEQUENCE { version, subject, SPKI, [0] attributes },
//!     signatureAlgorithm        AlgorithmIdentifier,
//!     signature                 BIT STRING   -- over the raw info bytes
//! }
//! ```

use std::fmt;

use der::{Decode, Encode};
use rand_core::CryptoRng;
use x509_cert::request::CertReq;

use crate::text::keys::pki::EXPECTED_CSR;

use super::key::PublicKey;
use super::{encoding, malformed, name, pem, signed_parts, Error, PrivateKey, Result, Subject};

/// A certificate signing request, kept as the DER it was made or read from.
#[derive(Clone)]
pub struct Csr {
    der: Vec<u8>,
    req: CertReq,
}

impl PartialEq for Csr {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Csr {}

impl fmt::Debug for Csr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Csr")
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

const LABELS: &[&str] = &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

impl Csr {
    /// Reads a DER `CertificationRequest`. The signature is not checked
    /// here; see [`verify_signature`](Self::verify_signature).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let req = CertReq::from_der(der)
            .map_err(malformed(crate::text::keys::pki::WHAT_CERTIFICATE_REQUEST))?;
        Ok(Self {
            der: der.to_vec(),
            req,
        })
    }

    /// Reads the first `CERTIFICATE REQUEST` block of PEM text.
    pub fn from_pem(text: &str) -> Result<Self> {
        let blocks = pem::parse_text(text.as_bytes(), "CERTIFICATE REQUEST")?;
        let block = pem::find(&blocks, LABELS, &[], "CERTIFICATE REQUEST", EXPECTED_CSR)?;
        Self::from_der(&block.der)
    }

    /// Reads a CSR given as PEM text or DER bytes.
    pub fn parse(input: &[u8]) -> Result<Self> {
        if pem::is_blank(input) {
            return Err(Error::EmptyInput);
        }
        if pem::looks_like_pem(input) {
            let blocks = pem::parse_text(input, "CERTIFICATE REQUEST")?;
            let block = pem::find(&blocks, LABELS, &[], "CERTIFICATE REQUEST", EXPECTED_CSR)?;
            return Self::from_der(&block.der);
        }
        Self::from_der(pem::der_input(input, "CERTIFICATE REQUEST")?)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE REQUEST-----`).
    pub fn pem(&self) -> String {
        pem::encode("CERTIFICATE REQUEST", &self.der)
    }

    /// The subject in OpenSSL oneline form (`/C=CN/CN=name`).
    pub fn subject(&self) -> String {
        name::oneline(&self.req.info.subject)
    }

    /// The requested public key as DER `SubjectPublicKeyInfo`.
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        self.req
            .info
            .public_key
            .to_der()
            .map_err(encoding(crate::text::keys::pki::WHAT_PUBLIC_KEY))
    }

    /// Checks the CSR's self-signature over its raw info bytes:
    /// [`Error::CsrSignatureInvalid`] if it does not verify (the CSR was
    /// altered), [`Error::UnsupportedKey`] / [`Error::UnsupportedSignature`]
    /// if it cannot be checked.
    pub fn verify_signature(&self) -> Result<()> {
        let (info, alg, sig) =
            signed_parts(&self.der, crate::text::keys::pki::WHAT_CERTIFICATE_REQUEST)?;
        let key = PublicKey::from_spki_der(&self.public_key_der()?)?;
        if key.verify(&alg, info, sig)? {
            Ok(())
        } else {
            Err(Error::CsrSignatureInvalid)
        }
    }

    pub(crate) fn req(&self) -> &CertReq {
        &self.req
    }
}

/// Makes a CSR for `key` with `subject` (which needs a CN), signed by `key`.
/// `rng` blinds RSA signing; ECDSA signing is deterministic (RFC 6979).
/// No extensions are requested: the CA decides them.
pub fn create_csr<R: CryptoRng + ?Sized>(
    key: &PrivateKey,
    subject: &Subject,
    rng: &mut R,
) -> Result<Csr> {
    subject.validate_for_certificate()?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = subject.to_rcgen()?;
    let signer = key.rcgen_signer(rng)?;
    let csr = params
        .serialize_request(&signer)
        .map_err(encoding(crate::text::keys::pki::WHAT_CERTIFICATE_REQUEST))?;
    Csr::from_der(csr.der())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::KeyType;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn create_and_verify() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        for t in [KeyType::P256, KeyType::P384] {
            let key = PrivateKey::generate(t, &mut rng).unwrap();
            let subject = Subject::parse("/C=CN/O=Org/CN=dev-1").unwrap();
            let csr = create_csr(&key, &subject, &mut rng).unwrap();
            assert_eq!(csr.subject(), "/C=CN/O=Org/CN=dev-1");
            csr.verify_signature().unwrap();
            assert_eq!(csr.public_key_der().unwrap(), key.public_key_der().unwrap());
            let again = Csr::from_pem(&csr.pem()).unwrap();
            assert_eq!(again, csr);
            assert_eq!(Csr::parse(csr.der()).unwrap(), csr);

            // Flip one byte of the signature (the last byte of the DER).
            let mut der = csr.der().to_vec();
            if let Some(last) = der.last_mut() {
                *last ^= 0x01;
            }
            let bad = Csr::from_der(&der).unwrap();
            assert_eq!(bad.verify_signature(), Err(Error::CsrSignatureInvalid));
        }
    }

    #[test]
    fn needs_common_name() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        assert_eq!(
            create_csr(&key, &Subject::parse("/O=x").unwrap(), &mut rng),
            Err(Error::MissingCommonName)
        );
    }
}
