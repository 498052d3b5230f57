//! The platform's own CA and server certificate, and the rustls
//! configuration of the MQTTS and WSS listeners.
//!
//! On first start the data folder gets `tls/platform-ca.crt` (the
//! "platform CA certificate" devices verify the server with, as Huawei's
//! "Obtaining Resources" page offers theirs), its key, and a server
//! certificate for `localhost` and `127.0.0.1` signed by it; later starts
//! reuse them. The CA is made with the core's PKI (P-256, ten years); the
//! server certificate, which needs subject alternative names and the
//! serverAuth purpose, with rcgen (P-256, two years, renewed when less than
//! 30 days are left).
//!
//! Client certificates are requested but optional, and rustls does not
//! judge them beyond the handshake signature: whether a chain leads to a
//! verified device CA is [`crate::decide`]'s call, with the registry's CAs,
//! so that the refusal is a CONNACK with a logged reason rather than a
//! failed handshake.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use iotda_core::pki::{self, KeyType, PrivateKey, Subject, Validity};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};

/// The CA's common name.
const CA_NAME: &str = "IoTDA Kit local platform CA";
/// Renew the server certificate when fewer days than this are left.
const RENEW_DAYS: i64 = 30;

/// Why the TLS material could not be made or loaded.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// A certificate or key could not be made or read.
    Pki(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Pki(e) => write!(
                f,
                "the platform's TLS certificates: {e}; delete the data folder's tls/ to make new ones"
            ),
        }
    }
}

impl std::error::Error for Error {}

fn pki_err(e: impl fmt::Display) -> Error {
    Error::Pki(e.to_string())
}

/// The platform's TLS identity, loaded or made.
#[derive(Debug, Clone)]
pub struct PlatformTls {
    /// The platform CA certificate (PEM) devices verify the server with.
    pub ca_path: PathBuf,
    /// The rustls configuration of the TLS listeners.
    pub server_config: Arc<rustls::ServerConfig>,
}

impl PlatformTls {
    /// Loads the CA and server certificate from `<data_dir>/tls/`, making
    /// what is missing (or the server certificate, when near its end).
    pub fn load_or_create(data_dir: &Path) -> Result<Self, Error> {
        let dir = data_dir.join("tls");
        std::fs::create_dir_all(&dir).map_err(|error| Error::Io {
            path: dir.clone(),
            error,
        })?;
        let now = unix_now();
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(pki_err)?;
        let mut rng = ChaCha20Rng::from_seed(seed);

        let ca_path = dir.join("platform-ca.crt");
        let ca_key_path = dir.join("platform-ca.key");
        let (ca, ca_key) = match (read(&ca_path), read(&ca_key_path)) {
            (Ok(cert), Ok(key)) => (
                pki::Certificate::from_pem(&cert).map_err(pki_err)?,
                PrivateKey::from_pem(&key, None).map_err(pki_err)?,
            ),
            _ => {
                let key = PrivateKey::generate(KeyType::P256, &mut rng).map_err(pki_err)?;
                let ca = pki::create_ca(
                    &key,
                    &Subject::with_common_name(CA_NAME),
                    Validity::new(now - 3600, 3650),
                    &mut rng,
                )
                .map_err(pki_err)?;
                write(&ca_key_path, &key.to_pkcs8_pem().map_err(pki_err)?)?;
                write(&ca_path, &ca.pem())?;
                (ca, key)
            }
        };

        let cert_path = dir.join("server.crt");
        let key_path = dir.join("server.key");
        let current = match (read(&cert_path), read(&key_path)) {
            (Ok(cert), Ok(key)) => pki::Certificate::from_pem(&cert)
                .ok()
                .filter(|c| c.not_after() - now > RENEW_DAYS * 86_400)
                .filter(|c| pki::verify_signed_by(c, &ca).is_ok())
                .map(|c| (c, key)),
            _ => None,
        };
        let (server, server_key_pem) = match current {
            Some(pair) => pair,
            None => {
                let (cert, key) = make_server_cert(&ca, &ca_key, now)?;
                write(&key_path, &key)?;
                write(&cert_path, &cert.pem())?;
                (cert, key)
            }
        };

        let key_der = PrivateKey::from_pem(&server_key_pem, None)
            .and_then(|k| k.to_pkcs8_der())
            .map_err(pki_err)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(pki_err)?
            .with_client_cert_verifier(Arc::new(AnyClientCert { provider }))
            .with_single_cert(
                vec![
                    CertificateDer::from(server.der().to_vec()),
                    CertificateDer::from(ca.der().to_vec()),
                ],
                PrivateKeyDer::Pkcs8(key_der.into()),
            )
            .map_err(pki_err)?;
        Ok(Self {
            ca_path,
            server_config: Arc::new(config),
        })
    }
}

/// A server certificate for `localhost` and `127.0.0.1`, two years, signed
/// by the platform CA. Returns it and its key (PKCS#8 PEM).
fn make_server_cert(
    ca: &pki::Certificate,
    ca_key: &PrivateKey,
    now: i64,
) -> Result<(pki::Certificate, String), Error> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyIdMethod,
        KeyPair, KeyUsagePurpose, SanType,
    };
    let time = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t).map_err(|e| Error::Pki(e.to_string()))
    };
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(pki_err)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.not_before = time(now - 3600)?;
    params.not_after = time(now + 730 * 86_400)?;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;

    let mut issuer_params = CertificateParams::default();
    issuer_params
        .distinguished_name
        .push(DnType::CommonName, CA_NAME);
    issuer_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ski = ca
        .subject_key_id()
        .ok_or_else(|| Error::Pki("the platform CA has no subject key identifier".into()))?;
    issuer_params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
    let ca_signer = KeyPair::from_pem(&ca_key.to_pkcs8_pem().map_err(pki_err)?).map_err(pki_err)?;
    let issuer = rcgen::Issuer::new(issuer_params, ca_signer);

    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(pki_err)?;
    let cert = params.signed_by(&key, &issuer).map_err(pki_err)?;
    let cert = pki::Certificate::from_der(cert.der()).map_err(pki_err)?;
    // The issuer name must be the CA's byte for byte, or no chain forms.
    pki::verify_signed_by(&cert, ca).map_err(pki_err)?;
    Ok((cert, key.serialize_pem()))
}

/// Requests a client certificate, accepts any (or none) that proves
/// possession of its key in the handshake; `decide` judges the chain.
#[derive(Debug)]
struct AnyClientCert {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_by_key(message, cert, dss, &self.provider)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_by_key(message, cert, dss, &self.provider)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Checks the client's handshake signature with the public key of its
/// certificate. rustls' own check parses the certificate with webpki, which
/// refuses version 1 certificates, yet `openssl x509 -req` (IoTDA's guide)
/// makes exactly those; the certificate itself is judged by `decide`.
fn verify_by_key(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
    provider: &CryptoProvider,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    let bad_cert = || rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding);
    let spki = pki::Certificate::from_der(cert.as_ref())
        .and_then(|c| c.public_key_der())
        .map_err(|_| bad_cert())?;
    let spki = rustls_pki_types::SubjectPublicKeyInfoDer::from(spki.as_slice());
    let key = webpki::RawPublicKeyEntity::try_from(&spki).map_err(|_| bad_cert())?;
    let algorithms = provider
        .signature_verification_algorithms
        .mapping
        .iter()
        .find(|(scheme, _)| *scheme == dss.scheme)
        .map(|(_, algs)| *algs)
        .ok_or(rustls::PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme)?;
    let verified = algorithms
        .iter()
        .any(|alg| key.verify_signature(*alg, message, dss.signature()).is_ok());
    if verified {
        Ok(HandshakeSignatureValid::assertion())
    } else {
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::BadSignature,
        ))
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn read(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_made_once_and_reused_and_signs_a_localhost_server_certificate() {
        let dir = std::env::temp_dir().join(format!("iotda-tls-{}", std::process::id()));
        let first = PlatformTls::load_or_create(&dir).expect("made");
        let ca = std::fs::read_to_string(&first.ca_path).expect("CA file");
        let server = std::fs::read_to_string(dir.join("tls/server.crt")).expect("server file");
        let again = PlatformTls::load_or_create(&dir).expect("loaded");
        assert_eq!(again.ca_path, first.ca_path);
        assert_eq!(
            std::fs::read_to_string(&again.ca_path).expect("CA file"),
            ca
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("tls/server.crt")).expect("server file"),
            server,
            "a valid server certificate is reused"
        );
        let ca = pki::Certificate::from_pem(&ca).expect("CA");
        let server = pki::Certificate::from_pem(&server).expect("server");
        assert!(ca.is_ca());
        assert!(pki::verify_signed_by(&server, &ca).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
