//! Messages between the page and the certificate worker.
//!
//! Plain data only: this module is compiled into the page's wasm as well as
//! the worker's, so it must not pull in the PKI library (the worker maps
//! these types to `iotda_core::pki` in [`super::jobs`]). Every message is
//! JSON text:
//!
//! ```text
//! page   -> worker   Request  {"id": 7, "job": {"create_ca": {...}}}   (or "device", "inspect", ...)
//! worker -> page     Response "ready"                                 once, when it listens
//!                             {"progress": {"id", "done", "total"}}   long jobs
//!                             {"done": {"id", "result": {"ca": ...}}}  or
//!                             {"failed": {"id", "errors": [...]}}
//! ```
//!
//! Enums use serde's default (external) tagging: an internally tagged enum
//! needs a buffering deserializer that costs the page's wasm tens of KB.
//!
//! A response that carries a file (a `.p12`, a batch's zip) travels as a
//! two-element array `[json, Uint8Array]`: the bytes are left out of the
//! JSON ([`Response::take_bytes`]) and moved to the page without copying,
//! instead of as a JSON array of numbers four times their size.
//!
//! The worker keeps nothing between jobs: the page sends the CA certificate
//! and key it holds with every job that signs.

use std::fmt;

use iotda_core::text::{Message, Say as Words};

use crate::messages::Msg;

use serde::{Deserialize, Serialize};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the page; echoed in every response to this job.
    pub id: u32,
    /// What to do.
    pub job: Job,
}

/// The key types the page offers (mapped to `pki::KeyType` in the worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyChoice {
    /// ECDSA P-256; not documented by IoTDA.
    P256,
    /// ECDSA P-384; not documented by IoTDA.
    P384,
    /// RSA 2048: what IoTDA's X.509 guide and examples make, hence the
    /// default.
    #[default]
    Rsa2048,
    /// RSA 3072; not documented by IoTDA.
    Rsa3072,
    /// RSA 4096; not documented by IoTDA.
    Rsa4096,
}

impl KeyChoice {
    /// Every choice, default first.
    pub const ALL: [KeyChoice; 5] = [
        Self::Rsa2048,
        Self::P256,
        Self::P384,
        Self::Rsa3072,
        Self::Rsa4096,
    ];

    /// The value used in forms and saved settings: `p256`, `rsa2048`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::P256 => "p256",
            Self::P384 => "p384",
            Self::Rsa2048 => "rsa2048",
            Self::Rsa3072 => "rsa3072",
            Self::Rsa4096 => "rsa4096",
        }
    }

    /// The label shown in a select.
    pub fn label(self) -> Message {
        use crate::messages::keys::key_choice as k;
        Message::new(match self {
            Self::P256 => k::P256,
            Self::P384 => k::P384,
            Self::Rsa2048 => k::RSA2048,
            Self::Rsa3072 => k::RSA3072,
            Self::Rsa4096 => k::RSA4096,
        })
    }

    /// The choice named `name` (see [`name`](Self::name)).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The subject of a new CA, one string per field as typed. Blank fields
/// are left out of the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SubjectForm {
    /// `C`, two letters.
    pub c: String,
    /// `ST`, state or province.
    pub st: String,
    /// `L`, locality.
    pub l: String,
    /// `O`, organization.
    pub o: String,
    /// `OU`, organizational unit.
    pub ou: String,
    /// `CN`, common name (required).
    pub cn: String,
    /// `emailAddress`.
    pub email: String,
}

/// An input that may be pasted text or an uploaded file. It may be a
/// private key, so `Debug` prints only its kind and size.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Data {
    /// PEM (or other) text.
    Text(String),
    /// The bytes of a binary (DER) file.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => write!(f, "Text([elided], {} bytes)", text.len()),
            Self::Bytes(bytes) => write!(f, "Bytes([elided], {} bytes)", bytes.len()),
        }
    }
}

impl Data {
    /// The raw bytes, as the PKI parsers take them.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Bytes(bytes) => bytes,
        }
    }
}

/// A private key or password: serialised as a plain string, but `Debug`
/// never shows it, and it is overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for Secret {}

impl Secret {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// The device CA the page holds, sent with every job that signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaPems {
    /// The CA certificate, PEM.
    pub cert_pem: String,
    /// The CA private key, unencrypted PKCS#8 PEM.
    pub key_pem: Secret,
}

/// Which private key of a profile: the CA's or the device's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// The CA key.
    Ca,
    /// The device key.
    Device,
}

impl KeySlot {
    /// Both, CA first.
    pub const BOTH: [KeySlot; 2] = [KeySlot::Ca, KeySlot::Device];
}

/// Something for each private key a profile can keep. Two fields rather
/// than a list of `(KeySlot, T)`: their JSON costs the page's wasm less.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileKeys<T> {
    /// The CA key's.
    pub ca: Option<T>,
    /// The device key's.
    pub device: Option<T>,
}

impl<T> Default for ProfileKeys<T> {
    fn default() -> Self {
        Self {
            ca: None,
            device: None,
        }
    }
}

impl<T> ProfileKeys<T> {
    /// The one of `slot`.
    pub fn get(&self, slot: KeySlot) -> Option<&T> {
        match slot {
            KeySlot::Ca => self.ca.as_ref(),
            KeySlot::Device => self.device.as_ref(),
        }
    }

    /// The place of `slot`'s.
    pub fn slot_mut(&mut self, slot: KeySlot) -> &mut Option<T> {
        match slot {
            KeySlot::Ca => &mut self.ca,
            KeySlot::Device => &mut self.device,
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ca.is_none() && self.device.is_none()
    }
}

/// A profile's encrypted private key and the certificate it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedKey {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The key, encrypted PKCS#8 PEM.
    pub key_pem: Secret,
}

/// Why a profile's keys stay locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnlockError {
    /// The passphrase does not decrypt a key: mistyped, or not the one
    /// the profile was saved with.
    WrongPassphrase,
    /// The CA key decrypts but is not the CA certificate's: the profile's
    /// file was edited or put together from two profiles.
    CaMismatch,
    /// The device key decrypts but is not the device certificate's.
    DeviceMismatch,
    /// A key or its certificate cannot be read (a damaged file): whose,
    /// and the library's words.
    Damaged(#[serde(with = "crate::messages::wire")] Message),
}

/// The jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Generate a CA key and a self-signed CA certificate.
    CreateCa {
        /// The CA key type.
        key_type: KeyChoice,
        /// The CA subject.
        subject: SubjectForm,
        /// Validity in days.
        days: u32,
    },
    /// Check an existing CA certificate and key: they must match and the
    /// certificate must be a CA.
    ImportCa {
        /// The certificate.
        cert: Data,
        /// The private key.
        key: Data,
        /// The passphrase of an encrypted key.
        passphrase: Option<Secret>,
    },
    /// Make the verification certificate (CN = the console's code).
    Verification {
        /// The CA that signs it.
        ca: CaPems,
        /// The verification code.
        code: String,
        /// Validity in days.
        days: u32,
    },
    /// Generate a device key, its CSR and the device certificate.
    Device {
        /// The CA that signs it.
        ca: CaPems,
        /// The node id, used as CN.
        common_name: String,
        /// The device key type.
        key_type: KeyChoice,
        /// Validity in days.
        days: u32,
    },
    /// Issue a certificate for an uploaded CSR.
    SignCsr {
        /// The CA that signs it.
        ca: CaPems,
        /// The CSR, PEM or DER.
        csr: Data,
        /// Validity in days.
        days: u32,
    },
    /// Summarise certificates, CSRs and keys; optionally check the
    /// certificates against a CA and a private key.
    Inspect {
        /// What to inspect, PEM or DER.
        input: Data,
        /// A CA certificate to check "signed by" against.
        ca: Option<Data>,
        /// A private key to check "matches" against.
        key: Option<Data>,
        /// The passphrase of that key, if it is encrypted.
        key_passphrase: Option<Secret>,
    },
    /// Pack a key and certificate (and the CA) into PKCS#12.
    Pkcs12 {
        /// The private key, PEM.
        key_pem: Secret,
        /// The certificate, PEM.
        cert_pem: String,
        /// The CA certificate to include, PEM.
        chain_pem: Option<String>,
        /// The password protecting the file.
        password: Secret,
        /// 3DES / SHA-1 for old systems instead of AES / SHA-256.
        compat: bool,
        /// The label an OS certificate store shows.
        friendly_name: String,
    },
    /// Encrypt a private key with a passphrase (PKCS#8, AES-256).
    EncryptKey {
        /// The private key, PEM.
        key_pem: Secret,
        /// The passphrase.
        passphrase: Secret,
    },
    /// Decrypt a profile's private keys with its passphrase and check
    /// each against its certificate: all of them, or none.
    DecryptKeys {
        /// The keys, with their certificates.
        keys: ProfileKeys<LockedKey>,
        /// The passphrase they were encrypted with.
        passphrase: Secret,
    },
    /// Read certificates (an imported profile's): what each says,
    /// computed from its bytes rather than taken from the file.
    ReadCerts {
        /// The certificates, PEM, one each.
        pems: Vec<String>,
    },
    /// Issue one device key and certificate per node id, as a zip, with
    /// progress after each device.
    Batch {
        /// The CA that signs them.
        ca: CaPems,
        /// Node ids, one per line or the first column of a CSV.
        node_ids: String,
        /// The devices' key type.
        key_type: KeyChoice,
        /// Validity in days.
        days: u32,
    },
}

/// Every input of the Certificates page, so that an error can be shown
/// next to the one it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// CA key type.
    CaKeyType,
    /// CA subject `C`.
    CaC,
    /// CA subject `ST`.
    CaSt,
    /// CA subject `L`.
    CaL,
    /// CA subject `O`.
    CaO,
    /// CA subject `OU`.
    CaOu,
    /// CA subject `CN`.
    CaCn,
    /// CA subject `emailAddress`.
    CaEmail,
    /// CA validity in days.
    CaDays,
    /// Imported CA certificate.
    CaCert,
    /// Imported CA key.
    CaKey,
    /// Passphrase of the imported CA key.
    CaPassphrase,
    /// Verification code.
    Code,
    /// Device node id / CN.
    DeviceCn,
    /// Device key type.
    DeviceKeyType,
    /// Device validity in days.
    DeviceDays,
    /// Uploaded CSR.
    Csr,
    /// PKCS#12 password.
    P12Password,
    /// Passphrase for the encrypted key export.
    KeyPassphrase,
    /// Text or file to inspect.
    InspectInput,
    /// CA certificate to check against.
    InspectCa,
    /// Private key to check against.
    InspectKey,
    /// Passphrase of that key.
    InspectPassphrase,
    /// Batch node ids.
    BatchIds,
    /// Batch key type.
    BatchKeyType,
    /// Batch validity in days.
    BatchDays,
}

/// Why a job failed, and which input it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobError {
    /// The input to show it next to; `None` for the job as a whole.
    pub field: Option<Field>,
    /// The sentence to show.
    #[serde(with = "crate::messages::wire")]
    pub message: Message,
}

impl JobError {
    /// An error about `field`.
    pub fn at(field: Field, words: impl Words) -> Self {
        Self {
            field: Some(field),
            message: words.message(),
        }
    }

    /// An error about the job as a whole.
    pub fn general(words: impl Words) -> Self {
        Self {
            field: None,
            message: words.message(),
        }
    }
}

/// A certificate as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertView {
    /// Subject, OpenSSL oneline form.
    pub subject: String,
    /// Issuer, OpenSSL oneline form.
    pub issuer: String,
    /// Serial number, uppercase hex.
    pub serial: String,
    /// Start of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before: String,
    /// End of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after: String,
    /// The subject key, e.g. `ECDSA P-256`.
    pub key: String,
    /// The signature algorithm.
    pub signature_algorithm: String,
    /// Whether it is a CA certificate.
    pub is_ca: bool,
    /// Whether it signed itself.
    pub self_signed: bool,
    /// SHA-256 fingerprint, uppercase hex without colons.
    pub sha256: String,
    /// SHA-1 fingerprint, uppercase hex without colons.
    pub sha1: String,
    /// Past its end of validity.
    pub expired: bool,
    /// Before its start of validity.
    pub not_yet_valid: bool,
    /// Expires within 30 days.
    pub expires_soon: bool,
}

/// A certificate with its PEM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// What it says.
    pub view: CertView,
    /// Its private key (unencrypted PKCS#8 PEM), when the job made or read one.
    pub key_pem: Option<Secret>,
    /// Its CSR (PEM), when the job made one.
    pub csr_pem: Option<String>,
}

/// The outcome of a "was it signed by / does the key match" check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Whether the check passed.
    pub ok: bool,
    /// Why it failed (`None` when it passed).
    #[serde(with = "crate::messages::wire::opt")]
    pub detail: Option<Message>,
}

/// One object found by an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemView {
    /// An X.509 certificate.
    Certificate {
        /// What it says.
        cert: Box<CertView>,
        /// Whether the given CA issued it (if a CA was given).
        signed_by_ca: Option<Check>,
        /// Whether the given key is its key (if a key was given).
        key_matches: Option<bool>,
    },
    /// A certificate signing request.
    Csr {
        /// Subject, OpenSSL oneline form.
        subject: String,
        /// The requested key, e.g. `ECDSA P-256`.
        key: String,
        /// Whether its self-signature verifies.
        signature_valid: bool,
    },
    /// A private key (unencrypted).
    PrivateKey {
        /// e.g. `RSA 2048`.
        key: String,
        /// `PKCS#8`, `SEC1` or `PKCS#1`.
        format: String,
    },
    /// An encrypted PKCS#8 private key.
    EncryptedPrivateKey,
    /// A public key.
    PublicKey {
        /// e.g. `ECDSA P-256`.
        key: String,
    },
    /// A block of a bundle that could not be read (the others were).
    Unreadable {
        /// Its PEM label.
        label: String,
        /// Why.
        #[serde(with = "crate::messages::wire")]
        error: Message,
    },
}

/// What a finished job hands back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A CA to use: from `create_ca` (with `created`) or `import_ca`.
    Ca {
        /// The CA certificate and its key.
        ca: Issued,
        /// Made by this job (the user has no copy of the key yet).
        created: bool,
    },
    /// A certificate from `verification`, `device` or `sign_csr`.
    Issued(Issued),
    /// What `inspect` found, in input order.
    Inspected {
        /// The objects.
        items: Vec<ItemView>,
    },
    /// A PKCS#12 file.
    Pkcs12 {
        /// Its bytes (sent beside the JSON, see [`Response::take_bytes`]).
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// An encrypted private key.
    EncryptedKey {
        /// `-----BEGIN ENCRYPTED PRIVATE KEY-----` PEM.
        pem: String,
    },
    /// The keys of `decrypt_keys`, unencrypted PKCS#8 PEM, each the key
    /// of its certificate.
    KeysUnlocked(ProfileKeys<Secret>),
    /// `decrypt_keys` ran, but the keys stay locked: why, for the page
    /// to say in the user's language.
    KeysLocked(UnlockError),
    /// What `read_certs` read, in order: each certificate (its PEM
    /// written again from its bytes, and its view; no key), or why it
    /// cannot be read.
    CertsRead(Vec<Result<Issued, Msg>>),
    /// A batch of devices.
    Batch {
        /// `devices.zip`: a folder per node id with `deviceCert.pem`,
        /// `.key` and `.csr`, and `fingerprints.csv` (sent beside the JSON).
        #[serde(skip)]
        zip: Vec<u8>,
        /// `fingerprints.csv`: `node_id,fingerprint` lines under a header.
        csv: String,
        /// How many devices.
        count: u32,
    },
}

/// A message from the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// The worker is listening.
    Ready,
    /// Part of a job is done.
    Progress {
        /// The job.
        id: u32,
        /// Items done.
        done: u32,
        /// Items in all.
        total: u32,
    },
    /// The job finished.
    Done {
        /// The job.
        id: u32,
        /// Its result.
        result: Box<Outcome>,
    },
    /// The job failed.
    Failed {
        /// The job (0 if the request could not be read or the worker died).
        id: u32,
        /// Why, per input (at least one).
        errors: Vec<JobError>,
    },
}

impl Response {
    /// Takes out the file a result carries (left out of its JSON), if any.
    pub fn take_bytes(&mut self) -> Option<Vec<u8>> {
        let Self::Done { result, .. } = self else {
            return None;
        };
        match &mut **result {
            Outcome::Pkcs12 { bytes } => Some(std::mem::take(bytes)),
            Outcome::Batch { zip, .. } => Some(std::mem::take(zip)),
            _ => None,
        }
    }

    /// Puts back the file [`take_bytes`](Self::take_bytes) took out.
    pub fn put_bytes(&mut self, data: Vec<u8>) {
        if let Self::Done { result, .. } = self {
            match &mut **result {
                Outcome::Pkcs12 { bytes } => *bytes = data,
                Outcome::Batch { zip, .. } => *zip = data,
                _ => {}
            }
        }
    }

    /// A failure of the worker itself rather than of one job.
    pub fn worker_failed(message: impl Words) -> Self {
        Self::Failed {
            id: 0,
            errors: vec![JobError::general(message)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_choices_round_trip_by_name() {
        for k in KeyChoice::ALL {
            assert_eq!(KeyChoice::from_name(k.name()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
        }
        assert_eq!(KeyChoice::from_name("dsa"), None);
        assert_eq!(KeyChoice::ALL[0], KeyChoice::default());
        assert_eq!(KeyChoice::default(), KeyChoice::Rsa2048);
    }

    #[test]
    fn messages_are_tagged_json() {
        let request = Request {
            id: 7,
            job: Job::Inspect {
                input: Data::Text("x".into()),
                ca: None,
                key: Some(Data::Bytes(vec![1, 2])),
                key_passphrase: None,
            },
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(
            json,
            r#"{"id":7,"job":{"inspect":{"input":{"text":"x"},"ca":null,"key":{"bytes":[1,2]},"key_passphrase":null}}}"#
        );
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request);
        let ready: Response = serde_json::from_str(r#""ready""#).unwrap();
        assert_eq!(ready, Response::Ready);
        let progress = Response::Progress {
            id: 1,
            done: 2,
            total: 3,
        };
        assert_eq!(
            serde_json::to_string(&progress).unwrap(),
            r#"{"progress":{"id":1,"done":2,"total":3}}"#
        );
    }

    #[test]
    fn files_travel_beside_the_json() {
        let mut response = Response::Done {
            id: 4,
            result: Box::new(Outcome::Batch {
                zip: vec![0x50, 0x4b],
                csv: "node_id,fingerprint\n".into(),
                count: 0,
            }),
        };
        let bytes = response.take_bytes();
        assert_eq!(bytes, Some(vec![0x50, 0x4b]));
        let json = serde_json::to_string(&response).unwrap();
        assert_eq!(
            json,
            r#"{"done":{"id":4,"result":{"batch":{"csv":"node_id,fingerprint\n","count":0}}}}"#
        );
        let mut back: Response = serde_json::from_str(&json).unwrap();
        back.put_bytes(vec![0x50, 0x4b]);
        assert_eq!(back.take_bytes(), Some(vec![0x50, 0x4b]));
        assert_eq!(Response::Ready.take_bytes(), None);
    }

    /// Every job and outcome that carries a key, a passphrase or a password
    /// (and any input that may be a key) prints none of it.
    #[test]
    fn debug_of_every_job_and_outcome_elides_keys_and_passphrases() {
        const KEY: &str = "-----BEGIN PRIVATE KEY-----MIGHAgEAMBMG";
        const PASS: &str = "pass-phrase-1";
        let ca = || CaPems {
            cert_pem: "CERT".into(),
            key_pem: KEY.into(),
        };
        let locked = || LockedKey {
            cert_pem: "CERT".into(),
            key_pem: KEY.into(),
        };
        let jobs = [
            Job::ImportCa {
                cert: Data::Text("CERT".into()),
                key: Data::Text(KEY.into()),
                passphrase: Some(PASS.into()),
            },
            Job::ImportCa {
                cert: Data::Bytes(b"CERT".to_vec()),
                key: Data::Bytes(KEY.as_bytes().to_vec()),
                passphrase: None,
            },
            Job::Verification {
                ca: ca(),
                code: "code".into(),
                days: 1,
            },
            Job::Device {
                ca: ca(),
                common_name: "n".into(),
                key_type: KeyChoice::P256,
                days: 1,
            },
            Job::SignCsr {
                ca: ca(),
                csr: Data::Text("CSR".into()),
                days: 1,
            },
            Job::Inspect {
                input: Data::Text(KEY.into()),
                ca: None,
                key: Some(Data::Text(KEY.into())),
                key_passphrase: Some(PASS.into()),
            },
            Job::Pkcs12 {
                key_pem: KEY.into(),
                cert_pem: "CERT".into(),
                chain_pem: None,
                password: PASS.into(),
                compat: false,
                friendly_name: "f".into(),
            },
            Job::EncryptKey {
                key_pem: KEY.into(),
                passphrase: PASS.into(),
            },
            Job::DecryptKeys {
                keys: ProfileKeys {
                    ca: Some(locked()),
                    device: Some(locked()),
                },
                passphrase: PASS.into(),
            },
            Job::Batch {
                ca: ca(),
                node_ids: "n".into(),
                key_type: KeyChoice::P256,
                days: 1,
            },
        ];
        let issued = Issued {
            cert_pem: "CERT".into(),
            view: serde_json::from_value(serde_json::json!({
                "subject": "", "issuer": "", "serial": "", "not_before": "", "not_after": "",
                "key": "", "signature_algorithm": "", "is_ca": false, "self_signed": false,
                "sha256": "", "sha1": "", "expired": false, "not_yet_valid": false,
                "expires_soon": false
            }))
            .unwrap(),
            key_pem: Some(KEY.into()),
            csr_pem: None,
        };
        let outcomes = [
            Outcome::Ca {
                ca: issued.clone(),
                created: true,
            },
            Outcome::Issued(issued),
            Outcome::KeysUnlocked(ProfileKeys {
                ca: Some(KEY.into()),
                device: Some(KEY.into()),
            }),
        ];
        let shown = jobs
            .iter()
            .map(|job| format!("{job:?}"))
            .chain(outcomes.iter().map(|o| format!("{o:?}")))
            .collect::<Vec<_>>();
        for shown in shown {
            assert!(
                !shown.contains("MIGHAgEA") && !shown.contains(PASS),
                "{shown}"
            );
            assert!(shown.contains("[elided]"), "{shown}");
        }
        assert_eq!(
            format!("{:?}", Data::Text(KEY.into())),
            "Text([elided], 39 bytes)"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let ca = CaPems {
            cert_pem: "CERT".into(),
            key_pem: "SECRET".into(),
        };
        let shown = format!("{ca:?}");
        assert!(
            shown.contains("CERT") && !shown.contains("SECRET"),
            "{shown}"
        );
    }
}
