//! PKCS#12 (`.p12` / `.pfx`, RFC 7292) export of a key with its certificate
//! and chain, for OS certificate stores and tools that want one file.
//!
//! ```text
//! PFX { version 3,
//!       authSafe: data { AuthenticatedSafe [
//!           encryptedData { SafeContents [ certBag(leaf, friendlyName, localKeyId),
//!                                          certBag(chain...) ] },
//!           data          { SafeContents [ pkcs8ShroudedKeyBag(key, friendlyName,
//!                                                              localKeyId) ] } ] },
//!       macData: HMAC over the AuthenticatedSafe }
//! ```
//!
//! Two modes:
//!
//! | mode   | certificates and key                          | MAC                     |
//! |--------|-----------------------------------------------|-------------------------|
//! | Modern | PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC       | HMAC-SHA-256            |
//! | Compat | pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12 KDF) | HMAC-SHA-1              |
//!
//! Modern is what `openssl pkcs12 -export` writes by default since OpenSSL
//! 3; Compat is for Windows before 10 1709, old Java and old macOS. Both use
//! [`P12_ITERATIONS`] and are read by OpenSSL 3 without `-legacy` (RC2,
//! which would need it, is never used). localKeyId is the SHA-1 of the
//! certificate, as OpenSSL sets it.

use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{Any, BmpString, ObjectIdentifier, OctetString, SetOfVec};
use der::Encode;
use hmac::{KeyInit, Mac};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, Attributes};

use crate::text::Key;

use super::key::pbes2_params;
use super::{encoding, key_matches, Certificate, Error, PrivateKey, Result};

/// Iterations of the key derivation for encryption and for the MAC (the
/// same as `openssl pkcs12 -export`).
pub const P12_ITERATIONS: u32 = 2048;

/// What [`Error::Encoding`] names if an encoder fails here.
const WHAT: Key = crate::text::keys::pki::WHAT_PKCS12_FILE;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// How the PKCS#12 file is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum P12Mode {
    /// AES-256-CBC with PBKDF2-HMAC-SHA256, SHA-256 MAC (OpenSSL 3's default).
    #[default]
    Modern,
    /// Triple-DES with the PKCS#12 KDF, SHA-1 MAC, for old systems.
    Compat,
}

/// Packs `key`, its certificate `cert` and the `chain` (CA certificates,
/// may be empty) into a PKCS#12 file protected by `password`.
/// `friendly_name` is the label an OS certificate store shows. `rng` gives
/// the salts and IVs.
pub fn to_pkcs12<R: CryptoRng + ?Sized>(
    key: &PrivateKey,
    cert: &Certificate,
    chain: &[Certificate],
    password: &str,
    mode: P12Mode,
    friendly_name: Option<&str>,
    rng: &mut R,
) -> Result<Vec<u8>> {
    if password.is_empty() {
        return Err(Error::InvalidPassphrase {
            reason: crate::text::keys::pki::PASSPHRASE_EMPTY,
        });
    }
    if !key_matches(cert, key) {
        return Err(Error::KeyMismatch);
    }
    // Fail early, before any work, on passwords the PKCS#12 KDF cannot take.
    BmpString::from_utf8(password).map_err(|_| Error::Pkcs12Password)?;

    let attrs = bag_attributes(cert, friendly_name)?;

    // Certificates: an encryptedData SafeContents.
    let mut cert_bags = Vec::with_capacity(1 + chain.len());
    for (i, c) in std::iter::once(cert).chain(chain).enumerate() {
        let bag = pkcs12::CertBag {
            cert_id: pkcs12::PKCS_12_X509_CERT_OID,
            cert_value: OctetString::new(c.der()).map_err(encoding(WHAT))?,
        };
        cert_bags.push(pkcs12::SafeBag {
            bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
            bag_value: bag.to_der().map_err(encoding(WHAT))?,
            bag_attributes: if i == 0 { Some(attrs.clone()) } else { None },
        });
    }
    let certs_plain = cert_bags.to_der().map_err(encoding(WHAT))?;
    let (alg, certs_cipher) = encrypt(mode, password, &certs_plain, rng)?;
    let encrypted_data = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: ID_DATA,
            content_enc_alg: alg,
            encrypted_content: Some(OctetString::new(certs_cipher).map_err(encoding(WHAT))?),
        },
        unprotected_attrs: None,
    };
    let certs_info = ContentInfo {
        content_type: ID_ENCRYPTED_DATA,
        content: Any::encode_from(&encrypted_data).map_err(encoding(WHAT))?,
    };

    // Key: a data SafeContents holding a shrouded (encrypted) key bag.
    let key_plain = key.to_pkcs8_der()?;
    let (alg, key_cipher) = encrypt(mode, password, &key_plain, rng)?;
    let shrouded = pkcs12::pbe_params::EncryptedPrivateKeyInfo {
        encryption_algorithm: alg,
        encrypted_data: OctetString::new(key_cipher).map_err(encoding(WHAT))?,
    };
    let key_bags = vec![pkcs12::SafeBag {
        bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
        bag_value: shrouded.to_der().map_err(encoding(WHAT))?,
        bag_attributes: Some(attrs),
    }];
    let key_info = data_content_info(&key_bags.to_der().map_err(encoding(WHAT))?)?;

    let auth_safe: Vec<ContentInfo> = vec![certs_info, key_info];
    let auth_safe_der = auth_safe.to_der().map_err(encoding(WHAT))?;
    let mac_data = mac(mode, password, &auth_safe_der, rng)?;
    let pfx = pkcs12::Pfx {
        version: pkcs12::pfx::Version::V3,
        auth_safe: data_content_info(&auth_safe_der)?,
        mac_data: Some(mac_data),
    };
    pfx.to_der().map_err(encoding(WHAT))
}

fn data_content_info(content: &[u8]) -> Result<ContentInfo> {
    Ok(ContentInfo {
        content_type: ID_DATA,
        content: Any::encode_from(&OctetString::new(content).map_err(encoding(WHAT))?)
            .map_err(encoding(WHAT))?,
    })
}

fn bag_attributes(cert: &Certificate, friendly_name: Option<&str>) -> Result<Attributes> {
    let mut attrs = Attributes::new();
    if let Some(name) = friendly_name {
        let bmp = BmpString::from_utf8(name).map_err(|_| Error::Pkcs12Password)?;
        let mut values = SetOfVec::new();
        values
            .insert(Any::encode_from(&bmp).map_err(encoding(WHAT))?)
            .map_err(encoding(WHAT))?;
        attrs
            .insert(Attribute {
                oid: FRIENDLY_NAME,
                values,
            })
            .map_err(encoding(WHAT))?;
    }
    let id = sha1::Sha1::digest(cert.der());
    let mut values = SetOfVec::new();
    values
        .insert(
            Any::encode_from(&OctetString::new(id.to_vec()).map_err(encoding(WHAT))?)
                .map_err(encoding(WHAT))?,
        )
        .map_err(encoding(WHAT))?;
    attrs
        .insert(Attribute {
            oid: LOCAL_KEY_ID,
            values,
        })
        .map_err(encoding(WHAT))?;
    Ok(attrs)
}

fn iterations_i32() -> i32 {
    i32::try_from(P12_ITERATIONS).unwrap_or(2048)
}

/// Encrypts `plain` for `mode`, returning the algorithm identifier and the
/// ciphertext.
fn encrypt<R: CryptoRng + ?Sized>(
    mode: P12Mode,
    password: &str,
    plain: &[u8],
    rng: &mut R,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
    match mode {
        P12Mode::Modern => {
            let params = pbes2_params(P12_ITERATIONS, rng)?;
            let cipher = params.encrypt(password, plain).map_err(encoding(WHAT))?;
            let alg = AlgorithmIdentifierOwned {
                oid: PBES2,
                parameters: Some(Any::encode_from(&params).map_err(encoding(WHAT))?),
            };
            Ok((alg, cipher))
        }
        P12Mode::Compat => {
            use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
            let mut salt = [0u8; 8];
            rng.fill_bytes(&mut salt);
            let rounds = iterations_i32();
            let key = derive_key_utf8::<sha1::Sha1>(
                password,
                &salt,
                Pkcs12KeyType::EncryptionKey,
                rounds,
                24,
            )
            .map_err(|_| Error::Pkcs12Password)?;
            let iv = derive_key_utf8::<sha1::Sha1>(password, &salt, Pkcs12KeyType::Iv, rounds, 8)
                .map_err(|_| Error::Pkcs12Password)?;
            let cipher = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(encoding(WHAT))?
                .encrypt_padded_vec::<Pkcs7>(plain);
            let params = pkcs12::pbe_params::Pkcs12PbeParams {
                salt: OctetString::new(salt.to_vec()).map_err(encoding(WHAT))?,
                iterations: rounds,
            };
            let alg = AlgorithmIdentifierOwned {
                oid: pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC,
                parameters: Some(Any::encode_from(&params).map_err(encoding(WHAT))?),
            };
            Ok((alg, cipher))
        }
    }
}

/// The MacData: HMAC (SHA-256 or SHA-1) keyed with the PKCS#12 KDF.
fn mac<R: CryptoRng + ?Sized>(
    mode: P12Mode,
    password: &str,
    data: &[u8],
    rng: &mut R,
) -> Result<pkcs12::MacData> {
    let mut salt = [0u8; 8];
    rng.fill_bytes(&mut salt);
    let rounds = iterations_i32();
    let (oid, digest) = match mode {
        P12Mode::Modern => {
            let key =
                derive_key_utf8::<sha2::Sha256>(password, &salt, Pkcs12KeyType::Mac, rounds, 32)
                    .map_err(|_| Error::Pkcs12Password)?;
            let mut mac =
                hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).map_err(encoding(WHAT))?;
            mac.update(data);
            (SHA256, mac.finalize().into_bytes().to_vec())
        }
        P12Mode::Compat => {
            let key =
                derive_key_utf8::<sha1::Sha1>(password, &salt, Pkcs12KeyType::Mac, rounds, 20)
                    .map_err(|_| Error::Pkcs12Password)?;
            let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).map_err(encoding(WHAT))?;
            mac.update(data);
            (SHA1, mac.finalize().into_bytes().to_vec())
        }
    };
    Ok(pkcs12::MacData {
        mac: pkcs12::DigestInfo {
            algorithm: AlgorithmIdentifierOwned {
                oid,
                parameters: Some(Any::null()),
            },
            digest: OctetString::new(digest).map_err(encoding(WHAT))?,
        },
        mac_salt: OctetString::new(salt.to_vec()).map_err(encoding(WHAT))?,
        iterations: rounds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{create_ca, KeyType, Subject, Validity};
    use der::Decode;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn structure_and_mac() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        let cert = create_ca(
            &key,
            &Subject::with_common_name("p12"),
            Validity::new(1_750_000_000, 10),
            &mut rng,
        )
        .unwrap();
        for mode in [P12Mode::Modern, P12Mode::Compat] {
            let der = to_pkcs12(&key, &cert, &[], "pw", mode, Some("dev"), &mut rng).unwrap();
            let pfx = pkcs12::Pfx::from_der(&der).unwrap();
            let mac = pfx.mac_data.unwrap();
            assert_eq!(mac.iterations, 2048);
            let want = if mode == P12Mode::Modern {
                SHA256
            } else {
                SHA1
            };
            assert_eq!(mac.mac.algorithm.oid, want);
        }
        let other = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        assert_eq!(
            to_pkcs12(&other, &cert, &[], "pw", P12Mode::Modern, None, &mut rng),
            Err(Error::KeyMismatch)
        );
        assert_eq!(
            to_pkcs12(&key, &cert, &[], "pw😀", P12Mode::Modern, None, &mut rng),
            Err(Error::Pkcs12Password)
        );
    }
}
