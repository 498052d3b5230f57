//! Private keys: generate, import (PKCS#8, SEC1, PKCS#1, encrypted PKCS#8),
//! export (PKCS#8, encrypted PKCS#8), and the signing / verifying glue the
//! rest of the module uses.
//!
//! Supported: ECDSA P-256 (the default, what IoTDA's guide uses with
//! `openssl ecparam`), ECDSA P-384, and RSA from 2048 to 8192 bits (generated
//! at 2048, 3072 or 4096). Signatures: ECDSA with SHA-256 (P-256) or SHA-384
//! (P-384), deterministic per RFC 6979; RSA PKCS#1 v1.5 with SHA-256, blinded
//! with the caller's RNG.
//!
//! Encrypted export is PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC
//! (RFC 8018), which every OpenSSL since 1.0 reads with
//! `openssl pkey -passin pass:...`.

use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use p256::elliptic_curve::Generate;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rand_core::CryptoRng;
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use spki::SubjectPublicKeyInfoRef;

use crate::text::Key;

use super::{encoding, malformed, pem, Error, Result};

/// PBKDF2-HMAC-SHA256 iterations for [`PrivateKey::to_encrypted_pkcs8_pem`]
/// (OWASP's 2023 recommendation; OpenSSL's own default is only 2048).
pub const PKCS8_PBKDF2_ITERATIONS: u32 = 600_000;

/// Highest PBKDF2 iteration count accepted when decrypting, so that a
/// hostile file cannot freeze the page.
const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;
/// Highest scrypt memory (128 * N * r * p bytes) accepted when decrypting.
const MAX_SCRYPT_BYTES: u128 = 256 * 1024 * 1024;

/// Smallest RSA modulus accepted on import.
const MIN_RSA_BITS: u32 = 2048;

pub(crate) mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub const P521: Oid = Oid::new_unwrap("1.3.132.0.35");
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    pub const ED448: Oid = Oid::new_unwrap("1.3.101.113");
    pub const X25519: Oid = Oid::new_unwrap("1.3.101.110");
    pub const DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
    pub const SM2: Oid = Oid::new_unwrap("1.2.156.10197.1.301");

    pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const RSA_SHA1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    pub const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const SM2_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");

    /// A readable name for the algorithm OIDs above, else the dotted OID.
    pub fn name(oid: &Oid) -> String {
        let known = [
            (EC_PUBLIC_KEY, "EC"),
            (P256, "P-256"),
            (P384, "P-384"),
            (P521, "P-521"),
            (RSA, "RSA"),
            (RSA_PSS, "RSA-PSS"),
            (ED25519, "Ed25519"),
            (ED448, "Ed448"),
            (X25519, "X25519"),
            (DSA, "DSA"),
            (SM2, "SM2"),
            (ECDSA_SHA1, "ecdsa-with-SHA1"),
            (ECDSA_SHA256, "ecdsa-with-SHA256"),
            (ECDSA_SHA384, "ecdsa-with-SHA384"),
            (ECDSA_SHA512, "ecdsa-with-SHA512"),
            (RSA_SHA1, "sha1WithRSAEncryption"),
            (RSA_SHA256, "sha256WithRSAEncryption"),
            (RSA_SHA384, "sha384WithRSAEncryption"),
            (RSA_SHA512, "sha512WithRSAEncryption"),
            (SM2_SM3, "SM2-with-SM3"),
        ];
        match known.iter().find(|(o, _)| o == oid) {
            Some((_, n)) => (*n).to_string(),
            None => oid.to_string(),
        }
    }
}

/// The kinds of key [`PrivateKey::generate`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum KeyType {
    /// ECDSA on NIST P-256 (prime256v1): small and fast; not documented by
    /// IoTDA, whose guide and examples use RSA 2048.
    P256,
    /// ECDSA on NIST P-384 (secp384r1); not documented by IoTDA.
    P384,
    /// RSA with a 2048-bit modulus: what IoTDA's X.509 guide and examples
    /// use (`openssl genrsa ... 2048`), hence the default.
    #[default]
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// RSA with a 4096-bit modulus (slow to generate: seconds in a browser).
    Rsa4096,
}

impl KeyType {
    /// Every key type, default first.
    pub const ALL: [KeyType; 5] = [
        Self::Rsa2048,
        Self::P256,
        Self::P384,
        Self::Rsa3072,
        Self::Rsa4096,
    ];

    /// Whether IoTDA's documents use this key type (RSA 2048 only: Huawei
    /// documents no list of accepted algorithms, and its guide and examples
    /// all make RSA 2048 keys).
    pub fn documented_by_iotda(self) -> bool {
        self == Self::Rsa2048
    }

    /// The short name used by [`FromStr`] and [`Display`](fmt::Display):
    /// `p256`, `p384`, `rsa2048`, `rsa3072`, `rsa4096`.
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "p256",
            Self::P384 => "p384",
            Self::Rsa2048 => "rsa2048",
            Self::Rsa3072 => "rsa3072",
            Self::Rsa4096 => "rsa4096",
        }
    }

    /// A description such as `ECDSA P-256` or `RSA 2048`.
    pub fn description(self) -> &'static str {
        match self {
            Self::P256 => "ECDSA P-256",
            Self::P384 => "ECDSA P-384",
            Self::Rsa2048 => "RSA 2048",
            Self::Rsa3072 => "RSA 3072",
            Self::Rsa4096 => "RSA 4096",
        }
    }

    /// The key size in bits (the curve order size for ECDSA).
    pub fn bits(self) -> u32 {
        match self {
            Self::P256 => 256,
            Self::P384 => 384,
            Self::Rsa2048 => 2048,
            Self::Rsa3072 => 3072,
            Self::Rsa4096 => 4096,
        }
    }

    /// Whether this is an RSA key type.
    pub fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyType {
    type Err = Error;
    /// Accepts the short names, case-insensitively, with or without `-`
    /// (`p256`, `P-256`, `rsa2048`, `RSA-2048`).
    fn from_str(s: &str) -> Result<Self> {
        let norm: String = s
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|t| t.name() == norm)
            .ok_or_else(|| Error::UnsupportedKey {
                algorithm: format!("{s:?} (choose p256, p384, rsa2048, rsa3072 or rsa4096)"),
            })
    }
}

impl From<KeyType> for String {
    fn from(t: KeyType) -> String {
        t.name().to_string()
    }
}

impl TryFrom<String> for KeyType {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

enum Inner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
}

/// A private key: ECDSA P-256, P-384 or RSA.
///
/// `Debug` never shows key material. The concrete key types stay private so
/// the public API does not depend on the RustCrypto crates' versions. The key
/// material is overwritten with zeros when dropped: each RustCrypto key type
/// held here does that itself.
pub struct PrivateKey {
    inner: Inner,
}

// Every variant of `Inner` zeroes itself on drop (checked by
// `key_material_is_zeroed_on_drop`).
impl zeroize::ZeroizeOnDrop for PrivateKey {}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, [elided])", self.description())
    }
}

impl Clone for PrivateKey {
    fn clone(&self) -> Self {
        let inner = match &self.inner {
            Inner::P256(k) => Inner::P256(k.clone()),
            Inner::P384(k) => Inner::P384(k.clone()),
            Inner::Rsa(k) => Inner::Rsa(k.clone()),
        };
        Self { inner }
    }
}

/// Which textual format a key was read from (for [`super::KeyInfo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFormat {
    Pkcs8,
    Sec1,
    Pkcs1,
}

impl KeyFormat {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Pkcs8 => "PKCS#8",
            Self::Sec1 => "SEC1",
            Self::Pkcs1 => "PKCS#1",
        }
    }
}

impl PrivateKey {
    /// Generates a fresh key of `key_type` from `rng`.
    ///
    /// RSA generation searches for primes and takes a while: about 0.1 to 1 s
    /// for 2048 bits in optimised wasm, several seconds for 4096. Run it off
    /// the UI thread.
    pub fn generate<R: CryptoRng + ?Sized>(key_type: KeyType, rng: &mut R) -> Result<Self> {
        let inner = match key_type {
            KeyType::P256 => Inner::P256(p256::ecdsa::SigningKey::generate_from_rng(rng)),
            KeyType::P384 => Inner::P384(p384::ecdsa::SigningKey::generate_from_rng(rng)),
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => {
                let bits = usize::try_from(key_type.bits()).unwrap_or(2048);
                let key = rsa::PrivateKey::new(rng, bits).map_err(|e| Error::KeyGeneration {
                    detail: e.to_string(),
                })?;
                Inner::Rsa(Box::new(key))
            }
        };
        Ok(Self { inner })
    }

    /// Reads the first private key in PEM text: `PRIVATE KEY` (PKCS#8),
    /// `EC PRIVATE KEY` (SEC1, as from `openssl ecparam -genkey`; an
    /// `EC PARAMETERS` block before it is skipped), `RSA PRIVATE KEY`
    /// (PKCS#1) or `ENCRYPTED PRIVATE KEY` (needs `passphrase`).
    pub fn from_pem(text: &str, passphrase: Option<&str>) -> Result<Self> {
        Self::from_pem_with_format(text.as_bytes(), passphrase).map(|(k, _)| k)
    }

    pub(crate) fn from_pem_with_format(
        text: &[u8],
        passphrase: Option<&str>,
    ) -> Result<(Self, KeyFormat)> {
        let blocks = pem::parse_text(text, "PRIVATE KEY")?;
        let block = pem::find(
            &blocks,
            &[
                "PRIVATE KEY",
                "EC PRIVATE KEY",
                "RSA PRIVATE KEY",
                "ENCRYPTED PRIVATE KEY",
            ],
            &["EC PARAMETERS"],
            "PRIVATE KEY",
            crate::text::keys::pki::EXPECTED_PRIVATE_KEY,
        )?;
        Self::from_block(&block.label, &block.der, passphrase)
    }

    pub(crate) fn from_block(
        label: &str,
        der: &[u8],
        passphrase: Option<&str>,
    ) -> Result<(Self, KeyFormat)> {
        match label {
            "PRIVATE KEY" => Ok((Self::from_der(der)?, KeyFormat::Pkcs8)),
            "EC PRIVATE KEY" => Ok((Self::from_sec1_der(der)?, KeyFormat::Sec1)),
            "RSA PRIVATE KEY" => Ok((Self::from_pkcs1_der(der)?, KeyFormat::Pkcs1)),
            "ENCRYPTED PRIVATE KEY" => {
                let pass = passphrase.ok_or(Error::PassphraseRequired)?;
                Ok((Self::from_encrypted_der(der, pass)?, KeyFormat::Pkcs8))
            }
            other => Err(Error::WrongPemLabel {
                expected: crate::text::keys::pki::EXPECTED_PRIVATE_KEY,
                found: other.to_string(),
            }),
        }
    }

    /// Reads a key given as PEM text or as DER bytes (PKCS#8, encrypted
    /// PKCS#8, SEC1 or PKCS#1), as a file picker would hand it over.
    pub fn parse(input: &[u8], passphrase: Option<&str>) -> Result<Self> {
        if pem::is_blank(input) {
            return Err(Error::EmptyInput);
        }
        if pem::looks_like_pem(input) {
            return Self::from_pem_with_format(input, passphrase).map(|(k, _)| k);
        }
        let input = pem::der_input(input, "PRIVATE KEY")?;
        if pkcs8::EncryptedPrivateKeyInfoRef::from_der(input).is_ok() {
            let pass = passphrase.ok_or(Error::PassphraseRequired)?;
            return Self::from_encrypted_der(input, pass);
        }
        Self::from_der(input)
            .or_else(|first| Self::from_sec1_der(input).map_err(|_| first.clone()))
            .or_else(|first| Self::from_pkcs1_der(input).map_err(|_| first))
    }

    /// Reads an unencrypted PKCS#8 `PrivateKeyInfo` in DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(malformed(crate::text::keys::pki::WHAT_PRIVATE_KEY))?;
        let alg = &info.algorithm;
        let bad = |e: pkcs8::Error| Error::MalformedDer {
            what: crate::text::keys::pki::WHAT_PRIVATE_KEY,
            detail: e.to_string(),
        };
        let inner = if alg.oid == oid::EC_PUBLIC_KEY {
            let curve = alg.parameters_oid().map_err(|e| Error::MalformedDer {
                what: crate::text::keys::pki::WHAT_PRIVATE_KEY,
                detail: e.to_string(),
            })?;
            match curve {
                c if c == oid::P256 => {
                    Inner::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
                }
                c if c == oid::P384 => {
                    Inner::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(bad)?)
                }
                other => {
                    return Err(Error::UnsupportedKey {
                        algorithm: format!("ECDSA {}", oid::name(&other)),
                    })
                }
            }
        } else if alg.oid == oid::RSA {
            let key = rsa::PrivateKey::try_from(info).map_err(bad)?;
            Inner::Rsa(Box::new(check_rsa(key)?))
        } else {
            return Err(Error::UnsupportedKey {
                algorithm: oid::name(&alg.oid),
            });
        };
        Ok(Self { inner })
    }

    /// Reads a SEC1 `ECPrivateKey` in DER (`EC PRIVATE KEY`).
    pub(crate) fn from_sec1_der(der: &[u8]) -> Result<Self> {
        let key = sec1::EcPrivateKey::from_der(der)
            .map_err(malformed(crate::text::keys::pki::WHAT_EC_PRIVATE_KEY))?;
        let curve = key.parameters.and_then(|p| p.named_curve());
        let bad = encoding_free_malformed(crate::text::keys::pki::WHAT_EC_PRIVATE_KEY);
        let inner = match curve {
            Some(c) if c == oid::P256 => {
                Inner::P256(p256::SecretKey::from_sec1_der(der).map_err(bad)?.into())
            }
            Some(c) if c == oid::P384 => {
                Inner::P384(p384::SecretKey::from_sec1_der(der).map_err(bad)?.into())
            }
            Some(other) => {
                return Err(Error::UnsupportedKey {
                    algorithm: format!("ECDSA {}", oid::name(&other)),
                })
            }
            // No parameters: tell the curve by the scalar's length.
            None => match key.private_key.len() {
                32 => Inner::P256(p256::SecretKey::from_sec1_der(der).map_err(bad)?.into()),
                48 => Inner::P384(p384::SecretKey::from_sec1_der(der).map_err(bad)?.into()),
                n => {
                    return Err(Error::UnsupportedKey {
                        algorithm: format!("an EC key of {} bits", n * 8),
                    })
                }
            },
        };
        Ok(Self { inner })
    }

    /// Reads a PKCS#1 `RSAPrivateKey` in DER (`RSA PRIVATE KEY`).
    pub(crate) fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| Error::MalformedDer {
            what: crate::text::keys::pki::WHAT_RSA_PRIVATE_KEY,
            detail: e.to_string(),
        })?;
        Ok(Self {
            inner: Inner::Rsa(Box::new(check_rsa(key)?)),
        })
    }

    /// Decrypts an `EncryptedPrivateKeyInfo` (PKCS#8 with PBES2) in DER.
    pub(crate) fn from_encrypted_der(der: &[u8], passphrase: &str) -> Result<Self> {
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(malformed(
            crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY,
        ))?;
        let params = match &info.encryption_algorithm {
            pkcs5::EncryptionScheme::Pbes2(p) => p,
            other => {
                return Err(Error::UnsupportedEncryption {
                    scheme: format!("PBES1 ({})", other.oid()),
                })
            }
        };
        check_kdf_cost(&params.kdf)?;
        let plain = match info.decrypt(passphrase) {
            Ok(doc) => doc,
            Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::UnsupportedAlgorithm { oid })) => {
                return Err(Error::UnsupportedEncryption {
                    scheme: oid.to_string(),
                })
            }
            Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::AlgorithmParametersInvalid {
                oid,
            })) => {
                return Err(Error::MalformedDer {
                    what: crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY,
                    detail: format!("invalid parameters for {oid}"),
                })
            }
            // A padding failure, or plaintext that is not DER: the key
            // derived from the passphrase is wrong.
            Err(_) => return Err(Error::WrongPassphrase),
        };
        // Decrypting with a wrong key yields valid padding about once in 256
        // tries; the garbage then fails to parse.
        Self::from_der(plain.as_bytes()).map_err(|e| match e {
            Error::MalformedDer { .. } => Error::WrongPassphrase,
            other => other,
        })
    }

    /// The key type, if it is one [`generate`](Self::generate) makes
    /// (an imported RSA key of, say, 2560 bits has none).
    pub fn key_type(&self) -> Option<KeyType> {
        match &self.inner {
            Inner::P256(_) => Some(KeyType::P256),
            Inner::P384(_) => Some(KeyType::P384),
            Inner::Rsa(k) => match rsa_bits(k) {
                2048 => Some(KeyType::Rsa2048),
                3072 => Some(KeyType::Rsa3072),
                4096 => Some(KeyType::Rsa4096),
                _ => None,
            },
        }
    }

    /// Whether this is an RSA key.
    pub fn is_rsa(&self) -> bool {
        matches!(self.inner, Inner::Rsa(_))
    }

    /// The key size in bits: 256, 384, or the RSA modulus size.
    pub fn bits(&self) -> u32 {
        match &self.inner {
            Inner::P256(_) => 256,
            Inner::P384(_) => 384,
            Inner::Rsa(k) => rsa_bits(k),
        }
    }

    /// A description such as `ECDSA P-256` or `RSA 2048`.
    pub fn description(&self) -> String {
        match &self.inner {
            Inner::P256(_) => "ECDSA P-256".to_string(),
            Inner::P384(_) => "ECDSA P-384".to_string(),
            Inner::Rsa(k) => format!("RSA {}", rsa_bits(k)),
        }
    }

    /// The unencrypted PKCS#8 `PrivateKeyInfo` in DER.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>> {
        let doc = match &self.inner {
            Inner::P256(k) => k.to_pkcs8_der(),
            Inner::P384(k) => k.to_pkcs8_der(),
            Inner::Rsa(k) => k.to_pkcs8_der(),
        }
        .map_err(encoding(crate::text::keys::pki::WHAT_PRIVATE_KEY))?;
        Ok(doc.as_bytes().to_vec())
    }

    /// The unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as
    /// `openssl genpkey` writes it.
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        Ok(pem::encode("PRIVATE KEY", &self.to_pkcs8_der()?))
    }

    /// The key encrypted with `passphrase` as PKCS#8 PEM
    /// (`-----BEGIN ENCRYPTED PRIVATE KEY-----`): PBES2 with
    /// PBKDF2-HMAC-SHA256 ([`PKCS8_PBKDF2_ITERATIONS`] rounds, 16-byte salt)
    /// and AES-256-CBC. `openssl pkey -passin pass:...` reads it.
    pub fn to_encrypted_pkcs8_pem<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &str,
        rng: &mut R,
    ) -> Result<String> {
        self.to_encrypted_pkcs8_pem_with_iterations(passphrase, PKCS8_PBKDF2_ITERATIONS, rng)
    }

    /// [`to_encrypted_pkcs8_pem`](Self::to_encrypted_pkcs8_pem) with a chosen
    /// PBKDF2 iteration count (at least 1000).
    pub fn to_encrypted_pkcs8_pem_with_iterations<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &str,
        iterations: u32,
        rng: &mut R,
    ) -> Result<String> {
        let der = self.to_encrypted_pkcs8_der(passphrase, iterations, rng)?;
        Ok(pem::encode("ENCRYPTED PRIVATE KEY", &der))
    }

    pub(crate) fn to_encrypted_pkcs8_der<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &str,
        iterations: u32,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        if passphrase.is_empty() {
            return Err(Error::InvalidPassphrase {
                reason: crate::text::keys::pki::PASSPHRASE_EMPTY,
            });
        }
        let params = pbes2_params(iterations.max(1000), rng)?;
        let plain = self.to_pkcs8_der()?;
        let ciphertext = params
            .encrypt(passphrase, &plain)
            .map_err(encoding(crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY))?;
        let info = pkcs8::EncryptedPrivateKeyInfoRef {
            encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(params),
            encrypted_data: der::asn1::OctetStringRef::new(&ciphertext)
                .map_err(encoding(crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY))?,
        };
        info.to_der()
            .map_err(encoding(crate::text::keys::pki::WHAT_ENCRYPTED_PRIVATE_KEY))
    }

    /// The public key as a DER `SubjectPublicKeyInfo` (what
    /// `openssl pkey -pubout -outform DER` prints).
    pub fn public_key_der(&self) -> Result<Vec<u8>> {
        let doc = match &self.inner {
            Inner::P256(k) => k.verifying_key().to_public_key_der(),
            Inner::P384(k) => k.verifying_key().to_public_key_der(),
            Inner::Rsa(k) => k.to_public_key().to_public_key_der(),
        }
        .map_err(encoding(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
        Ok(doc.as_bytes().to_vec())
    }

    /// The public key bits inside the SPKI's BIT STRING (the EC point, or
    /// the PKCS#1 `RSAPublicKey`), which is what rcgen calls `der_bytes`.
    fn raw_public_key(&self) -> Result<Vec<u8>> {
        let spki = self.public_key_der()?;
        let info = SubjectPublicKeyInfoRef::from_der(&spki)
            .map_err(encoding(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
        Ok(info.subject_public_key.raw_bytes().to_vec())
    }

    fn rcgen_algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        match &self.inner {
            Inner::P256(_) => &rcgen::PKCS_ECDSA_P256_SHA256,
            Inner::P384(_) => &rcgen::PKCS_ECDSA_P384_SHA384,
            Inner::Rsa(_) => &rcgen::PKCS_RSA_SHA256,
        }
    }

    /// Signs `msg` with this key's algorithm (see the module docs); ECDSA
    /// signatures are DER-encoded as X.509 wants.
    fn sign<R: CryptoRng + ?Sized>(&self, msg: &[u8], rng: &mut R) -> Result<Vec<u8>> {
        use signature::{RandomizedSigner, SignatureEncoding, Signer};
        match &self.inner {
            Inner::P256(k) => {
                let sig: p256::ecdsa::DerSignature = k
                    .try_sign(msg)
                    .map_err(encoding(crate::text::keys::pki::WHAT_SIGNATURE))?;
                Ok(sig.to_vec())
            }
            Inner::P384(k) => {
                let sig: p384::ecdsa::DerSignature = k
                    .try_sign(msg)
                    .map_err(encoding(crate::text::keys::pki::WHAT_SIGNATURE))?;
                Ok(sig.to_vec())
            }
            Inner::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                let sig = signer
                    .try_sign_with_rng(rng, msg)
                    .map_err(encoding(crate::text::keys::pki::WHAT_SIGNATURE))?;
                Ok(sig.to_vec())
            }
        }
    }

    /// Wraps this key for rcgen, borrowing `rng` for RSA blinding.
    pub(crate) fn rcgen_signer<'a, R: CryptoRng + ?Sized>(
        &'a self,
        rng: &'a mut R,
    ) -> Result<RcgenSigner<'a, R>> {
        Ok(RcgenSigner {
            key: self,
            raw_public: self.raw_public_key()?,
            rng: RefCell::new(rng),
        })
    }
}

/// Adapts [`PrivateKey`] to rcgen's [`rcgen::SigningKey`] (rcgen is built
/// without a crypto backend, so it asks us to sign).
pub(crate) struct RcgenSigner<'a, R: ?Sized> {
    key: &'a PrivateKey,
    raw_public: Vec<u8>,
    rng: RefCell<&'a mut R>,
}

impl<R: CryptoRng + ?Sized> rcgen::PublicKeyData for RcgenSigner<'_, R> {
    fn der_bytes(&self) -> &[u8] {
        &self.raw_public
    }
    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.key.rcgen_algorithm()
    }
}

impl<R: CryptoRng + ?Sized> rcgen::SigningKey for RcgenSigner<'_, R> {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        let mut rng = self
            .rng
            .try_borrow_mut()
            .map_err(|_| rcgen::Error::RemoteKeyError)?;
        self.key
            .sign(msg, &mut **rng)
            .map_err(|_| rcgen::Error::RemoteKeyError)
    }
}

fn rsa_bits(k: &rsa::PrivateKey) -> u32 {
    k.n().bit_width_vartime()
}

fn check_rsa(key: rsa::PrivateKey) -> Result<rsa::PrivateKey> {
    let bits = rsa_bits(&key);
    if bits < MIN_RSA_BITS {
        return Err(Error::UnsupportedKey {
            algorithm: format!("RSA {bits} (too short: use at least {MIN_RSA_BITS} bits)"),
        });
    }
    Ok(key)
}

fn check_kdf_cost(kdf: &pkcs5::pbes2::Kdf) -> Result<()> {
    match kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(Error::KdfTooExpensive {
                detail: format!("PBKDF2 with {} iterations", p.iteration_count),
            })
        }
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let bytes = 128u128
                * u128::from(s.cost_parameter)
                * u128::from(s.block_size)
                * u128::from(s.parallelization);
            if bytes > MAX_SCRYPT_BYTES {
                Err(Error::KdfTooExpensive {
                    detail: format!(
                        "scrypt N={} r={} p={}",
                        s.cost_parameter, s.block_size, s.parallelization
                    ),
                })
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// PBES2 parameters: PBKDF2-HMAC-SHA256 with a 16-byte salt, AES-256-CBC.
pub(crate) fn pbes2_params<R: CryptoRng + ?Sized>(
    iterations: u32,
    rng: &mut R,
) -> Result<pkcs5::pbes2::Parameters> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
        .map_err(encoding(crate::text::keys::pki::WHAT_PBES2_PARAMETERS))
}

/// A public key read from a `SubjectPublicKeyInfo`, able to verify X.509
/// signatures.
pub(crate) enum PublicKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Rsa(rsa::PublicKey),
}

impl PublicKey {
    /// Reads a DER `SubjectPublicKeyInfo`.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self> {
        let info = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(malformed(crate::text::keys::pki::WHAT_PUBLIC_KEY))?;
        let alg = &info.algorithm;
        let raw = info
            .subject_public_key
            .as_bytes()
            .ok_or(Error::MalformedDer {
                what: crate::text::keys::pki::WHAT_PUBLIC_KEY,
                detail: "the key's BIT STRING has unused bits".to_string(),
            })?;
        let bad = |what: &'static str| {
            move |_| Error::MalformedDer {
                what: crate::text::keys::pki::WHAT_PUBLIC_KEY,
                detail: format!("not a valid {what} point"),
            }
        };
        if alg.oid == oid::EC_PUBLIC_KEY {
            let curve = alg.parameters_oid().map_err(|e| Error::MalformedDer {
                what: crate::text::keys::pki::WHAT_PUBLIC_KEY,
                detail: e.to_string(),
            })?;
            if curve == oid::P256 {
                Ok(Self::P256(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(bad("P-256"))?,
                ))
            } else if curve == oid::P384 {
                Ok(Self::P384(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_err(bad("P-384"))?,
                ))
            } else {
                Err(Error::UnsupportedKey {
                    algorithm: format!("ECDSA {}", oid::name(&curve)),
                })
            }
        } else if alg.oid == oid::RSA {
            let key = rsa::PublicKey::try_from(info).map_err(|e| Error::UnsupportedKey {
                algorithm: format!("RSA ({e})"),
            })?;
            Ok(Self::Rsa(key))
        } else {
            Err(Error::UnsupportedKey {
                algorithm: oid::name(&alg.oid),
            })
        }
    }

    pub(crate) fn description(&self) -> String {
        match self {
            Self::P256(_) => "ECDSA P-256".to_string(),
            Self::P384(_) => "ECDSA P-384".to_string(),
            Self::Rsa(k) => format!("RSA {}", k.n().bit_width_vartime()),
        }
    }

    pub(crate) fn bits(&self) -> u32 {
        match self {
            Self::P256(_) => 256,
            Self::P384(_) => 384,
            Self::Rsa(k) => k.n().bit_width_vartime(),
        }
    }

    /// Verifies `sig` over `msg` for the X.509 signature algorithm `alg`.
    /// `Ok(false)` means the signature is wrong (or belongs to another
    /// kind of key); `Err` means the algorithm is not supported.
    pub(crate) fn verify(&self, alg: &ObjectIdentifier, msg: &[u8], sig: &[u8]) -> Result<bool> {
        use signature::hazmat::PrehashVerifier;
        let hash: Vec<u8> = match *alg {
            a if a == oid::ECDSA_SHA256 || a == oid::RSA_SHA256 => {
                sha2::Sha256::digest(msg).to_vec()
            }
            a if a == oid::ECDSA_SHA384 || a == oid::RSA_SHA384 => {
                sha2::Sha384::digest(msg).to_vec()
            }
            a if a == oid::ECDSA_SHA512 || a == oid::RSA_SHA512 => {
                sha2::Sha512::digest(msg).to_vec()
            }
            other => {
                return Err(Error::UnsupportedSignature {
                    algorithm: oid::name(&other),
                })
            }
        };
        let is_ecdsa = [oid::ECDSA_SHA256, oid::ECDSA_SHA384, oid::ECDSA_SHA512].contains(alg);
        Ok(match self {
            Self::P256(k) if is_ecdsa => match p256::ecdsa::Signature::from_der(sig) {
                Ok(s) => k.verify_prehash(&hash, &s).is_ok(),
                Err(_) => false,
            },
            Self::P384(k) if is_ecdsa => match p384::ecdsa::Signature::from_der(sig) {
                Ok(s) => k.verify_prehash(&hash, &s).is_ok(),
                Err(_) => false,
            },
            Self::Rsa(k) if !is_ecdsa => {
                let Ok(s) = rsa::pkcs1v15::Signature::try_from(sig) else {
                    return Ok(false);
                };
                let ok = match *alg {
                    a if a == oid::RSA_SHA256 => {
                        rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone())
                            .verify_prehash(&hash, &s)
                    }
                    a if a == oid::RSA_SHA384 => {
                        rsa::pkcs1v15::VerifyingKey::<sha2::Sha384>::new(k.clone())
                            .verify_prehash(&hash, &s)
                    }
                    _ => rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(k.clone())
                        .verify_prehash(&hash, &s),
                };
                ok.is_ok()
            }
            _ => false,
        })
    }
}

/// Like [`malformed`] for decoders whose error type is not `der::Error`.
fn encoding_free_malformed<E: fmt::Display>(what: Key) -> impl Fn(E) -> Error {
    move |e| Error::MalformedDer {
        what,
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(7)
    }

    #[test]
    fn key_type_names() {
        for t in KeyType::ALL {
            assert_eq!(t.to_string().parse::<KeyType>(), Ok(t));
        }
        assert_eq!("P-256".parse::<KeyType>(), Ok(KeyType::P256));
        assert_eq!("RSA-2048".parse::<KeyType>(), Ok(KeyType::Rsa2048));
        assert!(matches!(
            "ed25519".parse::<KeyType>(),
            Err(Error::UnsupportedKey { .. })
        ));
        assert_eq!(KeyType::default(), KeyType::Rsa2048);
        assert_eq!(KeyType::ALL[0], KeyType::default());
        assert!(KeyType::Rsa2048.documented_by_iotda());
        assert!(!KeyType::P256.documented_by_iotda());
        assert_eq!(KeyType::Rsa3072.description(), "RSA 3072");
    }

    #[test]
    fn debug_elides_secret() {
        let k = PrivateKey::generate(KeyType::P256, &mut rng()).unwrap();
        let d = format!("{k:?}");
        assert!(d.contains("[elided]"), "{d}");
        assert_eq!(d, "PrivateKey(ECDSA P-256, [elided])");
    }

    /// `PrivateKey` claims `ZeroizeOnDrop` on the strength of its parts:
    /// this stops compiling if a key type it holds stops zeroing itself.
    #[test]
    fn key_material_is_zeroed_on_drop() {
        fn zeroed_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroed_on_drop::<p256::ecdsa::SigningKey>();
        zeroed_on_drop::<p384::ecdsa::SigningKey>();
        zeroed_on_drop::<rsa::PrivateKey>();
        zeroed_on_drop::<PrivateKey>();
        zeroed_on_drop::<crate::mqtt::session::Secret>();
        zeroed_on_drop::<crate::credentials::Password>();
        zeroed_on_drop::<crate::doctor::SecretText>();
    }

    #[test]
    fn pkcs8_round_trip_ec() {
        for t in [KeyType::P256, KeyType::P384] {
            let k = PrivateKey::generate(t, &mut rng()).unwrap();
            let pem = k.to_pkcs8_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            let back = PrivateKey::from_pem(&pem, None).unwrap();
            assert_eq!(back.public_key_der().unwrap(), k.public_key_der().unwrap());
            assert_eq!(back.key_type(), Some(t));
            assert_eq!(back.description(), t.description());
            let der = k.to_pkcs8_der().unwrap();
            assert_eq!(
                PrivateKey::from_der(&der)
                    .unwrap()
                    .public_key_der()
                    .unwrap(),
                k.public_key_der().unwrap()
            );
        }
    }

    #[test]
    fn encrypted_round_trip_and_errors() {
        let mut r = rng();
        let k = PrivateKey::generate(KeyType::P256, &mut r).unwrap();
        let pem = k
            .to_encrypted_pkcs8_pem_with_iterations("s3cret", 1000, &mut r)
            .unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let back = PrivateKey::from_pem(&pem, Some("s3cret")).unwrap();
        assert_eq!(back.public_key_der().unwrap(), k.public_key_der().unwrap());
        assert_eq!(
            PrivateKey::from_pem(&pem, None).unwrap_err(),
            Error::PassphraseRequired
        );
        assert_eq!(
            PrivateKey::from_pem(&pem, Some("wrong")).unwrap_err(),
            Error::WrongPassphrase
        );
        assert_eq!(
            k.to_encrypted_pkcs8_pem_with_iterations("", 1000, &mut r)
                .unwrap_err(),
            Error::InvalidPassphrase {
                reason: crate::text::keys::pki::PASSPHRASE_EMPTY
            }
        );
    }

    #[test]
    fn wrong_label() {
        let text = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            PrivateKey::from_pem(text, None).unwrap_err(),
            Error::WrongPemLabel {
                expected: crate::text::keys::pki::EXPECTED_PRIVATE_KEY,
                found: "CERTIFICATE".into()
            }
        );
        assert_eq!(
            PrivateKey::from_pem("", None).unwrap_err(),
            Error::EmptyInput
        );
        assert_eq!(
            PrivateKey::from_pem("just text", None).unwrap_err(),
            Error::NoPem {
                expected: "PRIVATE KEY"
            }
        );
    }

    #[test]
    fn verify_own_signatures() {
        let mut r = rng();
        for t in [KeyType::P256, KeyType::P384] {
            let k = PrivateKey::generate(t, &mut r).unwrap();
            let sig = k.sign(b"hello", &mut r).unwrap();
            let pk = PublicKey::from_spki_der(&k.public_key_der().unwrap()).unwrap();
            let alg = if t == KeyType::P256 {
                oid::ECDSA_SHA256
            } else {
                oid::ECDSA_SHA384
            };
            assert!(pk.verify(&alg, b"hello", &sig).unwrap());
            assert!(!pk.verify(&alg, b"hellO", &sig).unwrap());
            assert!(!pk.verify(&oid::RSA_SHA256, b"hello", &sig).unwrap());
            assert!(pk.verify(&oid::RSA_SHA1, b"hello", &sig).is_err());
        }
    }
}
