//! State of the Profiles page: named device profiles (the Connection form,
//! the product model, the Certificates form and the certificates' public
//! parts, the Console's and its simulator's settings) kept in this
//! browser, switched, exported to and imported from a JSON file.
//!
//! What a profile never holds unless the user ticks it, item by item: the
//! device secret (then stored as typed, like "Remember secret") and the CA
//! and device private keys (then only encrypted PKCS#8 with a passphrase of
//! at least [`MIN_PASSPHRASE`] characters, encrypted by the certificate
//! worker: this module has no PKI code). The Console's MQTT password is
//! never in a profile (the Console does not save it either).
//!
//! Pure: no browser call. The page gathers the current work from storage
//! and the tab's memory into a [`Work`], asks [`ProfilesState::plan`] what
//! saving it takes, and writes what [`Profile::restore`] gives back into
//! each page's storage key and memory when switching. Kept keys come back
//! through [`ProfilesState::unlock_job`]: the worker decrypts them and
//! checks each against its certificate, and [`ProfilesState::placed`] puts
//! them into the Certificates page's memory (never into storage).
//!
//! An imported file is held to the same rules: [`ProfilesState::import_plan`]
//! refuses a profile with a private key that is not encrypted (in
//! `ca_key`/`device_key` or anywhere else in it), and has the worker read
//! every certificate again, so what a profile shows (subject, fingerprints,
//! validity) comes from the certificate and not from the file.

use crate::messages::keys::{certs as certs_said, profiles as said};
use iotda_core::text::Message;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::Reducible;

use iotda_core::iotda::ProductModel;

use crate::store::certs::{CaMode, CertsForm, CertsState, IssuedPublic, PublicCert};
use crate::store::connect::ConnectForm;
use crate::store::console::SavedConsole;
use crate::worker::protocol::{
    Issued, Job, JobError, KeySlot, LockedKey, Outcome, ProfileKeys, Response, Secret, UnlockError,
};
use crate::worker::sim::SavedSimulator;

/// The prefix of every localStorage key the app writes: "Forget
/// everything" removes them all.
pub const STORAGE_PREFIX: &str = "iotda-kit.";

/// What an exported file says it is, in its `format` field.
pub const FILE_FORMAT: &str = "iotda-kit-profiles";

/// The version of the exported file this build writes and reads.
pub const FILE_VERSION: u64 = 1;

/// The shortest passphrase that may protect a stored private key.
pub const MIN_PASSPHRASE: usize = 8;

/// The most profiles this browser keeps, and so the most a file may hold:
/// every profile is in the one workspace key, written after each change,
/// and localStorage holds about 5 MB an origin.
pub const MAX_PROFILES: usize = 100;

/// One named profile, as stored and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Its name, unique in the store.
    pub name: String,
    /// The Connection form, always without the secret (see `secret`).
    pub connect: ConnectForm,
    /// The product model (its REST JSON), if the Model page had one.
    #[serde(default)]
    pub model: Option<ProductModel>,
    /// The Certificates form (never with a private key in it).
    #[serde(default)]
    pub certs: CertsForm,
    /// The certificates' public parts.
    #[serde(default)]
    pub issued: IssuedPublic,
    /// The device secret, only when the user chose to include it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
    /// The CA private key, encrypted PKCS#8 PEM, only when chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_key: Option<Secret>,
    /// The device private key, encrypted PKCS#8 PEM, only when chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<Secret>,
    /// The Console's settings (form without the password, subscriptions,
    /// publish form) as it saved them, if it had saved any. Absent from
    /// files written before profiles kept them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console: Option<SavedConsole>,
    /// The device simulator's settings and typed values, as it saved them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulator: Option<SavedSimulator>,
}

/// Everything the profiles key holds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileStore {
    /// The profile last saved or switched to.
    pub active: Option<String>,
    /// The profiles, in the order they were first saved.
    pub profiles: Vec<Profile>,
}

/// An exported file: `{"format": "iotda-kit-profiles", "version": 1,
/// "profiles": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileFile {
    /// Always [`FILE_FORMAT`].
    pub format: String,
    /// Always [`FILE_VERSION`] when written by this build.
    pub version: u64,
    /// The profiles.
    pub profiles: Vec<Profile>,
}

/// The first fields of a file, read before the rest so that a file of
/// another kind or version is named as such rather than by a missing field.
#[derive(Deserialize)]
struct FileHeader {
    format: Option<String>,
    version: Option<serde_json::Value>,
    #[serde(default)]
    profiles: Count,
}

/// How many elements a JSON array holds, counted without building them,
/// so that a file of too many profiles is refused before any is read.
#[derive(Default)]
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Counter;
        impl<'de> serde::de::Visitor<'de> for Counter {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of profiles")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        deserializer.deserialize_seq(Counter)
    }
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON at all (a wrong file, or cut short): the parser's words.
    NotJson(Message),
    /// JSON, but not an exported profiles file (no `"format":
    /// "iotda-kit-profiles"`).
    NotProfiles,
    /// A profiles file of a version this build does not read (`None`:
    /// the version is missing or not a number).
    Version(Option<u64>),
    /// A profiles file with a field missing or of the wrong type (edited
    /// by hand?): the parser's words, which name the field.
    Invalid(Message),
    /// A profiles file with no profile in it.
    Empty,
    /// A profiles file of more than [`MAX_PROFILES`] profiles: how many.
    TooMany(usize),
    /// Importing would keep more than [`MAX_PROFILES`] profiles: how many
    /// are kept and how many the file adds (delete some first).
    StoreFull {
        /// The profiles kept already.
        held: usize,
        /// The profiles in the file.
        adding: usize,
    },
    /// The browser could not read the file: why.
    Unreadable(Message),
    /// A profile holds a private key that is not encrypted: in its CA or
    /// device key (`slot`), or elsewhere (`None`: pasted into a form).
    PlainKey {
        /// The profile's name in the file.
        profile: String,
        /// Which kept key, if it is one.
        slot: Option<KeySlot>,
    },
    /// A profile's certificate cannot be read: the library's words.
    BadCertificate {
        /// The profile's name in the file.
        profile: String,
        /// Why.
        why: Message,
    },
    /// The certificate worker could not check the file's certificates.
    Check(Message),
}

/// What importing a file takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportPlan {
    /// The file is refused.
    Refused(ImportError),
    /// Store these profiles (they hold no certificate).
    Store(Vec<Profile>),
    /// Have the worker read the certificates again with this job, then
    /// store these profiles with what it read.
    Check(Vec<Profile>, Job),
}

/// The PEM label of an encrypted PKCS#8 key, the only form of private key
/// a profile may hold.
const ENCRYPTED_KEY: &str = "ENCRYPTED PRIVATE KEY";

/// Whether `text` holds a private key PEM block that is not encrypted
/// PKCS#8 (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, ...).
fn holds_plain_key(text: &str) -> bool {
    text.match_indices("PRIVATE KEY-----")
        .any(|(at, _)| !text[..at].ends_with("ENCRYPTED "))
}

/// Whether `key` is one encrypted PKCS#8 PEM block and nothing else.
fn is_encrypted_key(key: &str) -> bool {
    let key = key.trim();
    key.starts_with(&format!("-----BEGIN {ENCRYPTED_KEY}-----"))
        && key.ends_with(&format!("-----END {ENCRYPTED_KEY}-----"))
        && key.matches("-----BEGIN ").count() == 1
}

impl Profile {
    /// Why this imported profile may not be kept as it is, if it may not:
    /// a kept key that is not encrypted, or a private key anywhere else.
    fn plain_key(&self) -> Option<ImportError> {
        let refuse = |slot| {
            Some(ImportError::PlainKey {
                profile: self.name.clone(),
                slot,
            })
        };
        for (slot, key) in [
            (KeySlot::Ca, &self.ca_key),
            (KeySlot::Device, &self.device_key),
        ] {
            if key.as_ref().is_some_and(|k| !is_encrypted_key(k.expose())) {
                return refuse(Some(slot));
            }
        }
        let rest = Self {
            ca_key: None,
            device_key: None,
            ..self.clone()
        };
        if holds_plain_key(&serde_json::to_string(&rest).unwrap_or_default()) {
            return refuse(None);
        }
        None
    }

    /// The certificates of this profile, in the order
    /// [`ProfilesState::import_plan`] sends them to be read.
    fn certs_mut(&mut self) -> [&mut Option<PublicCert>; 3] {
        let issued = &mut self.issued;
        [&mut issued.ca, &mut issued.verification, &mut issued.device]
    }
}

/// Reads an exported file.
pub fn parse_file(bytes: &[u8]) -> Result<Vec<Profile>, ImportError> {
    let header: FileHeader = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            ImportError::NotProfiles
        } else {
            ImportError::NotJson(crate::messages::json(&e))
        }
    })?;
    if header.format.as_deref() != Some(FILE_FORMAT) {
        return Err(ImportError::NotProfiles);
    }
    match header.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(FILE_VERSION) => {}
        other => return Err(ImportError::Version(other)),
    }
    if header.profiles.0 > MAX_PROFILES {
        return Err(ImportError::TooMany(header.profiles.0));
    }
    let file: ProfileFile = serde_json::from_slice(bytes)
        .map_err(|e| ImportError::Invalid(crate::messages::json(&e)))?;
    if file.profiles.is_empty() {
        return Err(ImportError::Empty);
    }
    if file.profiles.iter().any(|p| p.name.trim().is_empty()) {
        return Err(ImportError::Invalid(Message::new(said::EMPTY_NAME)));
    }
    Ok(file.profiles)
}

/// The JSON file of `profiles` (compact: a pretty printer would cost the
/// page's wasm its own copy of every serializer).
pub fn file_of(profiles: &[Profile]) -> String {
    let file = ProfileFile {
        format: FILE_FORMAT.to_owned(),
        version: FILE_VERSION,
        profiles: profiles.to_vec(),
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// The file name a profile is exported under: `profile-NAME.json` with
/// anything but letters, digits, `-` and `_` replaced by `_`.
pub fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("profile-{safe}.json")
}

/// The localStorage keys "Forget everything" removes: every key of this
/// app, and no other.
pub fn keys_to_forget(keys: &[String]) -> Vec<String> {
    keys.iter()
        .filter(|k| k.starts_with(STORAGE_PREFIX))
        .cloned()
        .collect()
}

/// Names for imported profiles that no profile has yet: `name`, or
/// `name (2)`, `name (3)`, ... Linear in the names handed out: each base
/// name remembers the number it tried last, and a taken name is looked up
/// in a set, so a file of many same-named profiles does not search the
/// store again from `(2)` for each one.
struct Namer {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl Namer {
    fn new(profiles: &[Profile]) -> Self {
        Self {
            taken: profiles.iter().map(|p| p.name.clone()).collect(),
            next: HashMap::new(),
        }
    }

    fn name(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let next = self.next.entry(name.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{name} ({next})");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// What each page keeps under its storage key, as the Profiles page read
/// it (`None`: nothing, or unreadable). No `Debug`: the Connection form
/// may hold a remembered secret.
#[derive(Clone, PartialEq, Default)]
pub struct Stored {
    /// The Connection form.
    pub connect: Option<ConnectForm>,
    /// The product model.
    pub model: Option<ProductModel>,
    /// The Certificates form.
    pub certs: Option<CertsForm>,
    /// The certificates' public parts.
    pub issued: Option<IssuedPublic>,
    /// The Console's settings.
    pub console: Option<SavedConsole>,
    /// The simulator's settings.
    pub simulator: Option<SavedSimulator>,
}

/// The user's current work, gathered by the page from each page's storage
/// key and the tab's memory. The secret and keys are held as [`Secret`], so
/// `Debug` shows none of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Work {
    /// The Connection form, without the secret.
    pub connect: ConnectForm,
    /// The product model, if one is saved.
    pub model: Option<ProductModel>,
    /// The Certificates form.
    pub certs: CertsForm,
    /// The certificates' public parts.
    pub issued: IssuedPublic,
    /// The device secret (empty: none).
    pub secret: Secret,
    /// The CA private key the Certificates page holds (unencrypted).
    pub ca_key: Option<Secret>,
    /// The device private key the Certificates page holds (unencrypted).
    pub device_key: Option<Secret>,
    /// The Console's settings.
    pub console: Option<SavedConsole>,
    /// The simulator's settings.
    pub simulator: Option<SavedSimulator>,
}

impl Work {
    /// Gathers the work: the Certificates page's state in memory (`held`)
    /// wins over what its storage keys say; the secret in memory over a
    /// remembered one.
    pub fn gather(stored: Stored, held: Option<&CertsState>, secret: String) -> Self {
        let Stored {
            connect,
            model,
            certs,
            issued,
            console,
            simulator,
        } = stored;
        let mut connect = connect.unwrap_or_default();
        let secret = if secret.is_empty() {
            std::mem::take(&mut connect.secret)
        } else {
            connect.secret.clear();
            secret
        };
        let key = |issued: Option<&Issued>| issued.and_then(|i| i.key_pem.clone());
        Self {
            connect,
            model,
            certs: held.map(CertsState::saved).or(certs).unwrap_or_default(),
            issued: held
                .map(CertsState::issued_public)
                .or(issued)
                .unwrap_or_default(),
            secret: Secret(secret),
            ca_key: key(held
                .and_then(|s| s.results.ca.as_ref())
                .map(|ca| &ca.issued)),
            device_key: key(held.and_then(|s| s.results.device.as_ref())),
            console,
            simulator,
        }
    }

    /// Nothing worth keeping: the forms as a first visit leaves them, no
    /// model, certificate, Console settings or secret (the simulator's
    /// settings alone are not work: see [`Profile::holds`]).
    pub fn is_blank(&self) -> bool {
        self.connect == ConnectForm::default()
            && self.model.is_none()
            && self.console.is_none()
            && self.certs == CertsForm::default()
            && self.issued == IssuedPublic::default()
            && self.secret.expose().is_empty()
    }
}

impl Profile {
    /// Whether this profile keeps everything of `work` that switching away
    /// would lose: its forms, model, certificates and Console settings, and
    /// the private keys held in the tab (the secret can be typed again from
    /// the console). Not the simulator's values: a running simulator moves
    /// them itself with every report, so they would make every switch ask.
    pub fn holds(&self, work: &Work) -> bool {
        self.connect == work.connect
            && self.model == work.model
            && self.console == work.console
            && (self.certs == work.certs || self.restored_certs_form() == work.certs)
            && self.issued == work.issued
            && (work.ca_key.is_none() || self.ca_key.is_some())
            && (work.device_key.is_none() || self.device_key.is_some())
    }

    /// The Certificates form as switching writes it: with a CA, set to
    /// "Use my CA" with its certificate filled in, since signing needs its
    /// key imported again.
    fn restored_certs_form(&self) -> CertsForm {
        let mut form = self.certs.clone();
        if let Some(ca) = &self.issued.ca {
            form.ca_mode = CaMode::Import;
            form.ca_cert = ca.cert_pem.clone();
        }
        form
    }

    /// What switching to this profile writes: each page's saved form, the
    /// secret for the tab's memory, and the Certificates page's state. Its
    /// CA comes back without a key: a stored (encrypted) CA key is put in
    /// the page's "Use my CA" inputs, beside the CA certificate, for the
    /// user to unlock with its passphrase.
    pub fn restore(&self) -> Restored {
        let secret = self
            .secret
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default();
        let mut connect = self.connect.clone();
        connect.secret = if connect.remember_secret {
            secret.clone()
        } else {
            String::new()
        };
        let mut certs = CertsState::from_saved(self.restored_certs_form(), &self.issued);
        if let Some(key) = &self.ca_key {
            certs.secrets.ca_key = key.expose().to_owned();
        }
        Restored {
            connect,
            secret,
            model: self.model.clone(),
            certs,
            issued: self.issued.clone(),
            console: self.console.clone(),
            simulator: self.simulator.clone(),
        }
    }

    /// The kept key and the certificate of `slot`.
    fn kept(&self, slot: KeySlot) -> (Option<&Secret>, Option<&PublicCert>) {
        match slot {
            KeySlot::Ca => (self.ca_key.as_ref(), self.issued.ca.as_ref()),
            KeySlot::Device => (self.device_key.as_ref(), self.issued.device.as_ref()),
        }
    }

    /// The kept keys the Certificates page (`held`: its state in the tab's
    /// memory, `None` in a fresh tab) does not hold unlocked, each with its
    /// certificate. A slot whose certificate the page replaced since is
    /// left alone: its key would not fit.
    pub fn locked_keys(&self, held: Option<&CertsState>) -> ProfileKeys<LockedKey> {
        let mut locked = ProfileKeys::default();
        for slot in KeySlot::BOTH {
            let (Some(key), Some(cert)) = self.kept(slot) else {
                continue;
            };
            let waiting = match held.and_then(|h| held_cert(h, slot)) {
                None => true,
                Some(shown) => shown.cert_pem == cert.cert_pem && shown.key_pem.is_none(),
            };
            *locked.slot_mut(slot) = waiting.then(|| LockedKey {
                cert_pem: cert.cert_pem.clone(),
                key_pem: key.clone(),
            });
        }
        locked
    }

    /// The Certificates page's state with this profile's unlocked `keys`
    /// beside their certificates: `held`, or the profile's certificates in
    /// a fresh tab (or where the page holds none for a slot). A key goes
    /// only beside the certificate it was checked against.
    pub fn unlock_into(&self, held: Option<CertsState>, keys: &ProfileKeys<Secret>) -> CertsState {
        let restored = self.restore().certs;
        let mut certs = held.unwrap_or_else(|| restored.clone());
        for slot in KeySlot::BOTH {
            let Some(key) = keys.get(slot) else {
                continue;
            };
            match slot {
                KeySlot::Ca if certs.results.ca.is_none() => {
                    certs.results.ca.clone_from(&restored.results.ca)
                }
                KeySlot::Device if certs.results.device.is_none() => {
                    certs.results.device.clone_from(&restored.results.device)
                }
                _ => {}
            }
            if let (Some(ours), Some(shown)) = (self.kept(slot).1, held_cert_mut(&mut certs, slot))
            {
                if shown.cert_pem == ours.cert_pem {
                    shown.key_pem = Some(key.clone());
                }
            }
        }
        certs
    }
}

/// The certificate the Certificates page holds in `slot`.
fn held_cert(held: &CertsState, slot: KeySlot) -> Option<&Issued> {
    match slot {
        KeySlot::Ca => held.results.ca.as_ref().map(|ca| &ca.issued),
        KeySlot::Device => held.results.device.as_ref(),
    }
}

fn held_cert_mut(held: &mut CertsState, slot: KeySlot) -> Option<&mut Issued> {
    match slot {
        KeySlot::Ca => held.results.ca.as_mut().map(|ca| &mut ca.issued),
        KeySlot::Device => held.results.device.as_mut(),
    }
}

/// What switching to a profile writes (see [`Profile::restore`]).
#[derive(Clone, PartialEq)]
pub struct Restored {
    /// The Connection form to save (with the secret only if remembered).
    pub connect: ConnectForm,
    /// The secret for the tab's memory (empty: none).
    pub secret: String,
    /// The model to save; `None` removes the saved one.
    pub model: Option<ProductModel>,
    /// The Certificates page's state, for the tab's memory; its form is
    /// also saved.
    pub certs: CertsState,
    /// The certificates' public parts to save.
    pub issued: IssuedPublic,
    /// The Console's settings to save; `None` removes the saved ones, so
    /// that the Console fills its form from the Connection page.
    pub console: Option<SavedConsole>,
    /// The simulator's settings to save; `None` removes the saved ones.
    pub simulator: Option<SavedSimulator>,
}

impl std::fmt::Debug for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Restored([elided])")
    }
}

/// The "Save current work" inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SaveForm {
    /// The profile's name, as typed.
    pub name: String,
    /// Include the device secret.
    pub include_secret: bool,
    /// Include the CA private key, encrypted.
    pub include_ca_key: bool,
    /// Include the device private key, encrypted.
    pub include_device_key: bool,
    /// The passphrase that encrypts the keys.
    pub passphrase: Secret,
    /// The passphrase typed again.
    pub passphrase_again: Secret,
}

impl SaveForm {
    fn includes_a_key(&self) -> bool {
        self.include_ca_key || self.include_device_key
    }
}

/// Why the current work cannot be saved as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// The name is blank.
    NoName,
    /// "Include the device secret" is ticked, but no secret was typed.
    NoSecret,
    /// "Include the CA key" is ticked, but the Certificates page holds none.
    NoCaKey,
    /// "Include the device key" is ticked, but the Certificates page holds
    /// none.
    NoDeviceKey,
    /// The passphrase is shorter than [`MIN_PASSPHRASE`].
    ShortPassphrase,
    /// The passphrase was typed differently the second time.
    PassphraseMismatch,
    /// The certificate worker could not encrypt a key: its words.
    Encrypt(Message),
    /// A new name, but [`MAX_PROFILES`] profiles are kept already.
    Full,
}

/// What saving the current work takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// It cannot be saved as asked.
    Invalid(SaveError),
    /// A profile of that name exists: ask before overwriting it.
    AskOverwrite(String),
    /// Store this profile.
    Store(Profile),
    /// Encrypt these keys in the worker, then store the profile with them.
    Encrypt(Profile, Vec<(KeySlot, Job)>),
}

/// A question the page asks before doing something that loses data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Overwrite the profile of this name.
    Overwrite(String),
    /// Switch to this profile although the current work is in none.
    Switch(String),
    /// Delete this profile.
    Delete(String),
    /// Remove everything the app keeps in this browser.
    Forget,
}

/// Why the kept keys were not unlocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockProblem {
    /// No passphrase was typed.
    NoPassphrase,
    /// The worker opened none of them: why.
    Locked(UnlockError),
    /// The worker could not be asked, or failed: its words.
    Failed(Message),
}

/// The "Unlock keys" input, and where unlocking is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnlockForm {
    /// The passphrase, as typed (kept when it is wrong, for correcting).
    pub passphrase: Secret,
    /// The job sent, and the profile whose keys it opens.
    pub pending: Option<(u32, String)>,
    /// Why the last try failed.
    pub problem: Option<UnlockProblem>,
    /// Keys the worker opened, for the page to put into the Certificates
    /// page's memory: the profile's name and the keys.
    pub opened: Option<(String, ProfileKeys<Secret>)>,
}

/// What happened last, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Keys are being encrypted.
    Encrypting,
    /// Kept keys are being decrypted.
    Unlocking,
    /// The keys of this profile are on the Certificates page.
    Unlocked(String),
    /// Saved under this name.
    Saved(String),
    /// Switched to this profile.
    Switched(String),
    /// Deleted this profile.
    Deleted(String),
    /// Imported these profiles (under these names).
    Imported(Vec<String>),
    /// Removed this many keys from the browser's storage.
    Forgotten(usize),
}

/// Page state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfilesState {
    /// The profiles, as stored.
    pub store: ProfileStore,
    /// The "Save current work" inputs.
    pub form: SaveForm,
    /// The question being asked, if any.
    pub confirm: Option<Confirm>,
    /// A profile waiting for its keys from the worker, and the jobs.
    pub pending: Option<(Profile, Vec<(u32, KeySlot)>)>,
    /// What happened last.
    pub notice: Option<Notice>,
    /// Why saving failed.
    pub save_error: Option<SaveError>,
    /// Why importing failed.
    pub import_error: Option<ImportError>,
    /// Unlocking the active profile's kept keys.
    pub unlock: UnlockForm,
    /// An import whose certificates the worker is reading: the job and
    /// the profiles.
    pub importing: Option<(u32, Vec<Profile>)>,
}

/// A change to the page state.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfilesAction {
    /// Name typed.
    Name(String),
    /// "Include the device secret" ticked or not.
    IncludeSecret(bool),
    /// "Include the CA key" ticked or not.
    IncludeCaKey(bool),
    /// "Include the device key" ticked or not.
    IncludeDeviceKey(bool),
    /// Passphrase typed.
    Passphrase(Secret),
    /// Passphrase typed again.
    PassphraseAgain(Secret),
    /// Ask this before going on.
    Ask(Confirm),
    /// The question was answered "no".
    Dismiss,
    /// Saving cannot go on.
    Invalid(SaveError),
    /// Store this profile (nothing to encrypt).
    Store(Profile),
    /// Encryption jobs were sent for this profile.
    Encrypting(Profile, Vec<(u32, KeySlot)>),
    /// A message from the certificate worker.
    Worker(Response),
    /// An import is refused.
    ImportRefused(ImportError),
    /// Store these imported profiles (they hold no certificate).
    ImportStore(Vec<Profile>),
    /// The job reading these imported profiles' certificates was sent.
    Importing(u32, Vec<Profile>),
    /// The page wrote this profile's parts everywhere.
    Switched(String),
    /// Delete this profile.
    Delete(String),
    /// The page removed this many keys from storage and cleared the
    /// tab's memory.
    Forgotten(usize),
    /// The unlock passphrase typed.
    UnlockPassphrase(Secret),
    /// A decryption job was sent for this profile's keys.
    Unlocking(u32, String),
    /// Unlocking cannot go on.
    UnlockFailed(UnlockProblem),
    /// The page put the opened keys of this profile into the Certificates
    /// page's memory.
    KeysPlaced(String),
}

impl Reducible for ProfilesState {
    type Action = ProfilesAction;

    fn reduce(self: Rc<Self>, action: ProfilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ProfilesAction::Name(v) => next.form.name = v,
            ProfilesAction::IncludeSecret(v) => next.form.include_secret = v,
            ProfilesAction::IncludeCaKey(v) => next.form.include_ca_key = v,
            ProfilesAction::IncludeDeviceKey(v) => next.form.include_device_key = v,
            ProfilesAction::Passphrase(v) => next.form.passphrase = v,
            ProfilesAction::PassphraseAgain(v) => next.form.passphrase_again = v,
            ProfilesAction::Ask(confirm) => next.confirm = Some(confirm),
            ProfilesAction::Dismiss => next.confirm = None,
            ProfilesAction::Invalid(e) => {
                next.confirm = None;
                next.save_error = Some(e);
            }
            ProfilesAction::Store(profile) => next.store_profile(profile),
            ProfilesAction::Encrypting(profile, jobs) => {
                next.confirm = None;
                next.save_error = None;
                next.pending = Some((profile, jobs));
                next.notice = Some(Notice::Encrypting);
            }
            ProfilesAction::Worker(response) => {
                // Ids are unique on the page: each job sees only its own.
                next.unlock_receive(&response);
                next.import_receive(&response);
                next.receive(response);
            }
            ProfilesAction::ImportRefused(e) => {
                next.importing = None;
                next.import_error = Some(e);
            }
            ProfilesAction::ImportStore(profiles) => next.import(profiles),
            ProfilesAction::Importing(id, profiles) => {
                next.import_error = None;
                next.importing = Some((id, profiles));
            }
            ProfilesAction::Switched(name) => {
                next.confirm = None;
                // A decryption still running is for the profile left.
                next.unlock = UnlockForm::default();
                next.store.active = Some(name.clone());
                next.notice = Some(Notice::Switched(name));
            }
            ProfilesAction::Delete(name) => {
                next.confirm = None;
                next.store.profiles.retain(|p| p.name != name);
                if next.store.active.as_deref() == Some(name.as_str()) {
                    next.store.active = None;
                }
                next.notice = Some(Notice::Deleted(name));
            }
            ProfilesAction::Forgotten(count) => {
                next = Self {
                    notice: Some(Notice::Forgotten(count)),
                    ..Self::default()
                };
            }
            ProfilesAction::UnlockPassphrase(v) => {
                next.unlock.passphrase = v;
                next.unlock.problem = None;
            }
            ProfilesAction::Unlocking(id, name) => {
                next.unlock.pending = Some((id, name));
                next.unlock.problem = None;
                next.notice = Some(Notice::Unlocking);
            }
            ProfilesAction::UnlockFailed(problem) => next.unlock_failed(problem),
            ProfilesAction::KeysPlaced(name) => {
                next.unlock = UnlockForm::default();
                next.notice = Some(Notice::Unlocked(name));
            }
        }
        Rc::new(next)
    }
}

impl ProfilesState {
    /// What importing the file `read` takes: it is parsed and its
    /// profiles checked for plain private keys here; their certificates
    /// are read again by the worker ([`ImportPlan::Check`]).
    pub fn import_plan(&self, read: Result<Vec<u8>, Message>) -> ImportPlan {
        let profiles = match read
            .map_err(ImportError::Unreadable)
            .and_then(|bytes| parse_file(&bytes))
        {
            Ok(profiles) => profiles,
            Err(e) => return ImportPlan::Refused(e),
        };
        if let Some(e) = self.store_full(profiles.len()) {
            return ImportPlan::Refused(e);
        }
        if let Some(e) = profiles.iter().find_map(Profile::plain_key) {
            return ImportPlan::Refused(e);
        }
        let pems: Vec<String> = profiles
            .iter()
            .flat_map(|p| [&p.issued.ca, &p.issued.verification, &p.issued.device])
            .flatten()
            .map(|c| c.cert_pem.clone())
            .collect();
        if pems.is_empty() {
            ImportPlan::Store(profiles)
        } else {
            ImportPlan::Check(profiles, Job::ReadCerts { pems })
        }
    }

    /// Why `adding` more profiles may not be kept, if they may not.
    fn store_full(&self, adding: usize) -> Option<ImportError> {
        let held = self.store.profiles.len();
        (held + adding > MAX_PROFILES).then_some(ImportError::StoreFull { held, adding })
    }

    /// Keeps imported profiles under names no profile has yet.
    fn import(&mut self, profiles: Vec<Profile>) {
        self.importing = None;
        // The store may have grown while the worker read the certificates.
        if let Some(e) = self.store_full(profiles.len()) {
            self.import_error = Some(e);
            return;
        }
        self.import_error = None;
        let mut namer = Namer::new(&self.store.profiles);
        let mut names = Vec::new();
        for mut profile in profiles {
            profile.name = namer.name(profile.name.trim());
            names.push(profile.name.clone());
            self.store.profiles.push(profile);
        }
        self.notice = Some(Notice::Imported(names));
    }

    /// The worker's reading of an import's certificates: each replaces
    /// the file's copy (its PEM and what it says), then the profiles are
    /// kept; one unreadable certificate refuses the file.
    fn import_receive(&mut self, response: &Response) {
        let Some((pending, _)) = &self.importing else {
            return;
        };
        let read = match response {
            Response::Done { id, result } if id == pending => match &**result {
                Outcome::CertsRead(read) => read,
                _ => return self.import_failed(ImportError::Check(wrong_result())),
            },
            Response::Failed { id, errors } if *id == 0 || id == pending => {
                return self.import_failed(ImportError::Check(messages(errors)));
            }
            _ => return,
        };
        let Some((_, mut profiles)) = self.importing.take() else {
            return;
        };
        let mut read = read.iter();
        for profile in &mut profiles {
            let name = profile.name.clone();
            for cert in profile.certs_mut().into_iter().flatten() {
                match read.next() {
                    Some(Ok(issued)) => *cert = PublicCert::from(issued),
                    Some(Err(why)) => {
                        return self.import_failed(ImportError::BadCertificate {
                            profile: name,
                            why: why.0.clone(),
                        })
                    }
                    None => return self.import_failed(ImportError::Check(wrong_result())),
                }
            }
        }
        self.import(profiles);
    }

    fn import_failed(&mut self, error: ImportError) {
        self.importing = None;
        self.import_error = Some(error);
    }

    /// State from the stored profiles, if any.
    pub fn restore(store: Option<ProfileStore>) -> Self {
        Self {
            store: store.unwrap_or_default(),
            ..Self::default()
        }
    }

    /// The profile named `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.store.profiles.iter().find(|p| p.name == name)
    }

    /// Whether switching away from `work` would lose some of it: it is not
    /// blank and no profile holds it.
    pub fn unsaved(&self, work: &Work) -> bool {
        !work.is_blank() && !self.store.profiles.iter().any(|p| p.holds(work))
    }

    /// What saving `work` under the typed name takes. `overwrite`: the user
    /// has confirmed replacing a profile of that name.
    pub fn plan(&self, work: &Work, overwrite: bool) -> Plan {
        let form = &self.form;
        let name = form.name.trim();
        let passphrase = form.passphrase.expose();
        let check = [
            (name.is_empty(), SaveError::NoName),
            (
                form.include_secret && work.secret.expose().is_empty(),
                SaveError::NoSecret,
            ),
            (
                form.include_ca_key && work.ca_key.is_none(),
                SaveError::NoCaKey,
            ),
            (
                form.include_device_key && work.device_key.is_none(),
                SaveError::NoDeviceKey,
            ),
            (
                form.includes_a_key() && passphrase.chars().count() < MIN_PASSPHRASE,
                SaveError::ShortPassphrase,
            ),
            (
                form.includes_a_key() && passphrase != form.passphrase_again.expose(),
                SaveError::PassphraseMismatch,
            ),
        ];
        if let Some((_, error)) = check.into_iter().find(|(failed, _)| *failed) {
            return Plan::Invalid(error);
        }
        if self.get(name).is_none() && self.store.profiles.len() >= MAX_PROFILES {
            return Plan::Invalid(SaveError::Full);
        }
        if !overwrite && self.get(name).is_some() {
            return Plan::AskOverwrite(name.to_owned());
        }
        let profile = Profile {
            name: name.to_owned(),
            connect: work.connect.clone(),
            model: work.model.clone(),
            certs: work.certs.clone(),
            issued: work.issued.clone(),
            secret: form.include_secret.then(|| work.secret.clone()),
            ca_key: None,
            device_key: None,
            console: work.console.clone(),
            simulator: work.simulator.clone(),
        };
        let encrypt = |slot, include: bool, key: &Option<Secret>| {
            key.clone().filter(|_| include).map(|key_pem| {
                let job = Job::EncryptKey {
                    key_pem,
                    passphrase: form.passphrase.clone(),
                };
                (slot, job)
            })
        };
        let jobs: Vec<(KeySlot, Job)> = [
            encrypt(KeySlot::Ca, form.include_ca_key, &work.ca_key),
            encrypt(KeySlot::Device, form.include_device_key, &work.device_key),
        ]
        .into_iter()
        .flatten()
        .collect();
        if jobs.is_empty() {
            Plan::Store(profile)
        } else {
            Plan::Encrypt(profile, jobs)
        }
    }

    /// The active profile, when it keeps keys that the Certificates page
    /// (`held`) does not hold unlocked: the one the page offers to unlock.
    pub fn to_unlock(&self, held: Option<&CertsState>) -> Option<&Profile> {
        self.get(self.store.active.as_deref()?)
            .filter(|p| !p.locked_keys(held).is_empty())
    }

    /// The job that unlocks the active profile's kept keys with the typed
    /// passphrase, and the profile's name; or why there is none.
    pub fn unlock_job(&self, held: Option<&CertsState>) -> Result<(String, Job), UnlockProblem> {
        let passphrase = &self.unlock.passphrase;
        if passphrase.expose().is_empty() {
            return Err(UnlockProblem::NoPassphrase);
        }
        let profile = self
            .to_unlock(held)
            .ok_or_else(|| UnlockProblem::Failed(Message::new(said::NOTHING_TO_UNLOCK)))?;
        let job = Job::DecryptKeys {
            keys: profile.locked_keys(held),
            passphrase: passphrase.clone(),
        };
        Ok((profile.name.clone(), job))
    }

    /// The Certificates page's state with the keys the worker opened, for
    /// the page to put into the tab's memory; `None` when there are none
    /// (or their profile was deleted meanwhile).
    pub fn placed(&self, held: Option<CertsState>) -> Option<CertsState> {
        let (name, keys) = self.unlock.opened.as_ref()?;
        Some(self.get(name)?.unlock_into(held, keys))
    }

    fn unlock_receive(&mut self, response: &Response) {
        let Some((pending, name)) = self.unlock.pending.clone() else {
            return;
        };
        let problem = match response {
            Response::Done { id, result } if *id == pending => match &**result {
                Outcome::KeysUnlocked(keys) => {
                    self.unlock.pending = None;
                    self.unlock.opened = Some((name, keys.clone()));
                    return;
                }
                Outcome::KeysLocked(why) => UnlockProblem::Locked(why.clone()),
                _ => UnlockProblem::Failed(wrong_result()),
            },
            Response::Failed { id, errors } if *id == 0 || *id == pending => {
                UnlockProblem::Failed(messages(errors))
            }
            _ => return,
        };
        self.unlock_failed(problem);
    }

    fn unlock_failed(&mut self, problem: UnlockProblem) {
        self.unlock.pending = None;
        self.unlock.problem = Some(problem);
        self.notice = None;
    }

    fn store_profile(&mut self, profile: Profile) {
        let name = profile.name.clone();
        match self.store.profiles.iter_mut().find(|p| p.name == name) {
            Some(slot) => *slot = profile,
            None => self.store.profiles.push(profile),
        }
        self.store.active = Some(name.clone());
        self.confirm = None;
        self.pending = None;
        self.save_error = None;
        // The passphrase is not kept once it has done its work.
        self.form.passphrase = Secret::default();
        self.form.passphrase_again = Secret::default();
        self.notice = Some(Notice::Saved(name));
    }

    fn receive(&mut self, response: Response) {
        let Some((mut profile, mut waiting)) = self.pending.take() else {
            return;
        };
        let waited = |id: u32| waiting.iter().position(|(job, _)| *job == id);
        match response {
            Response::Done { id, result } => match (waited(id), *result) {
                (Some(at), Outcome::EncryptedKey { pem }) => {
                    let (_, slot) = waiting.remove(at);
                    *match slot {
                        KeySlot::Ca => &mut profile.ca_key,
                        KeySlot::Device => &mut profile.device_key,
                    } = Some(Secret(pem));
                    if waiting.is_empty() {
                        return self.store_profile(profile);
                    }
                }
                (Some(_), _) => return self.encrypt_failed(wrong_result()),
                (None, _) => {}
            },
            Response::Failed { id, errors } if id == 0 || waited(id).is_some() => {
                return self.encrypt_failed(messages(&errors));
            }
            _ => {}
        }
        self.pending = Some((profile, waiting));
    }

    fn encrypt_failed(&mut self, message: Message) {
        self.pending = None;
        self.notice = None;
        self.save_error = Some(SaveError::Encrypt(message));
    }
}

/// What the page says when the worker answers a job with another job's
/// kind of result.
fn wrong_result() -> Message {
    Message::new(certs_said::WRONG_RESULT)
}

/// A failed job's messages, a line each (each is translated on its own).
fn messages(errors: &[JobError]) -> Message {
    crate::messages::lines(errors.iter().map(|e| e.message.clone()))
        .unwrap_or_else(|| Message::new(certs_said::WORKER_FAILED))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;
    use crate::messages::keys::json;
    use crate::messages::plain;
    use crate::store::certs::tests::issued;
    use crate::store::certs::HeldCa;
    use crate::store::certs::Results;
    use crate::store::console::{ConsoleForm, PublishForm, SavedConsole, SubscriptionRow};
    use crate::worker::protocol::{CertView, KeyChoice, Request, SubjectForm};

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
    const ENCRYPTED: &str =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";

    fn apply(state: ProfilesState, actions: Vec<ProfilesAction>) -> ProfilesState {
        let mut rc = Rc::new(state);
        for a in actions {
            rc = rc.reduce(a);
        }
        (*rc).clone()
    }

    /// The job id [`import_with`] gives the worker's job.
    const IMPORT_JOB: u32 = 9;

    /// 2026-11-28T12:00:00Z, the worker's clock in these tests.
    const NOW: i64 = 1_795_867_200;

    /// Imports `read` as the page does, `worker` answering the job that
    /// reads the certificates again.
    fn import_with(
        state: ProfilesState,
        read: Result<Vec<u8>, Message>,
        worker: impl Fn(Job) -> Response,
    ) -> ProfilesState {
        let (profiles, job) = match state.import_plan(read) {
            ImportPlan::Refused(e) => return apply(state, vec![ProfilesAction::ImportRefused(e)]),
            ImportPlan::Store(profiles) => {
                return apply(state, vec![ProfilesAction::ImportStore(profiles)])
            }
            ImportPlan::Check(profiles, job) => (profiles, job),
        };
        let state = apply(state, vec![ProfilesAction::Importing(IMPORT_JOB, profiles)]);
        assert!(state.importing.is_some());
        apply(state, vec![ProfilesAction::Worker(worker(job))])
    }

    /// The certificate worker, run natively.
    fn pki_worker(job: Job) -> Response {
        let mut rng =
            <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::seed_from_u64(7);
        let mut last = None;
        let request = Request {
            id: IMPORT_JOB,
            job,
        };
        let mut keys = crate::worker::jobs::testing::Given::default();
        crate::worker::jobs::testing::at_once(crate::worker::jobs::handle(
            request,
            NOW,
            &mut rng,
            &mut keys,
            &mut |r| last = Some(r),
        ));
        last.expect("the worker answers")
    }

    /// A stand-in for the worker that reads the test's made-up
    /// certificates (`CERT {subject}`) back as they were written.
    fn echo_worker(job: Job) -> Response {
        let Job::ReadCerts { pems } = job else {
            panic!("not a read: {job:?}");
        };
        let read = pems
            .iter()
            .map(|pem| Ok(issued(pem.trim_start_matches("CERT "), None)))
            .collect();
        Response::Done {
            id: IMPORT_JOB,
            result: Box::new(Outcome::CertsRead(read)),
        }
    }

    fn import(state: ProfilesState, read: Result<Vec<u8>, Message>) -> ProfilesState {
        import_with(state, read, echo_worker)
    }

    /// A certificate made by the worker.
    fn real_cert(job: Job) -> PublicCert {
        let Response::Done { result, .. } = pki_worker(job) else {
            panic!("the worker failed");
        };
        match *result {
            Outcome::Ca { ca, .. } => PublicCert::from(&ca),
            Outcome::Issued(issued) => PublicCert::from(&issued),
            other => panic!("not a certificate: {other:?}"),
        }
    }

    /// Regression (issue 17, item 12): an imported profile may not bring
    /// a private key in unencrypted, as a kept key (any PEM label but
    /// `ENCRYPTED PRIVATE KEY`) or pasted into a form; the file is refused
    /// whole, in one sentence naming the profile and the key.
    #[test]
    fn an_imported_profile_with_an_unencrypted_key_is_refused() {
        let base = stored(named("lab").plan(&work(), false));
        let with = |edit: &dyn Fn(&mut Profile)| {
            let mut profile = base.clone();
            edit(&mut profile);
            file_of(&[base.clone(), profile]).into_bytes()
        };
        let rsa = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
        let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";
        let cases: [(Vec<u8>, Option<KeySlot>); 6] = [
            (with(&|p| p.ca_key = Some(KEY.into())), Some(KeySlot::Ca)),
            (
                with(&|p| p.device_key = Some(rsa.into())),
                Some(KeySlot::Device),
            ),
            (
                with(&|p| p.ca_key = Some(format!("{ENCRYPTED}{ec}").as_str().into())),
                Some(KeySlot::Ca),
            ),
            (
                with(&|p| p.device_key = Some("MIGH".into())),
                Some(KeySlot::Device),
            ),
            (with(&|p| p.certs.inspect = ec.into()), None),
            (with(&|p| p.connect.host = KEY.into()), None),
        ];
        for (file, slot) in cases {
            let s = import(ProfilesState::default(), Ok(file));
            assert_eq!(
                s.import_error,
                Some(ImportError::PlainKey {
                    profile: "lab".into(),
                    slot
                })
            );
            assert!(s.store.profiles.is_empty() && s.importing.is_none());
        }
        let s = import(
            ProfilesState::default(),
            Ok(with(&|p| {
                p.ca_key = Some(ENCRYPTED.into());
                p.device_key = Some(ENCRYPTED.into());
            })),
        );
        assert_eq!(s.import_error, None);
        assert_eq!(s.store.profiles.len(), 2);
        assert!(s.store.profiles[1].ca_key.is_some());
    }

    /// Regression (issue 17, item 12): what an imported profile shows of
    /// its certificates (subject, fingerprints, validity) is read from
    /// the certificates by the worker, not taken from the file; a
    /// certificate that cannot be read refuses the file.
    #[test]
    fn imported_certificates_are_read_again_not_taken_from_the_file() {
        let ca = real_cert(Job::CreateCa {
            key_type: KeyChoice::P256,
            subject: SubjectForm {
                cn: "Real Root".into(),
                ..SubjectForm::default()
            },
            days: 365,
        });
        let forged = |real: &PublicCert| PublicCert {
            cert_pem: real.cert_pem.clone(),
            view: CertView {
                subject: "CN = Forged".into(),
                sha256: "00".repeat(32),
                sha1: "00".repeat(20),
                not_after: "2099-01-01T00:00:00Z".into(),
                expired: true,
                ..real.view.clone()
            },
        };
        let profile = Profile {
            issued: IssuedPublic {
                ca: Some(forged(&ca)),
                verification: None,
                device: None,
            },
            ..stored(named("lab").plan(&work(), false))
        };
        let s = import_with(
            ProfilesState::default(),
            Ok(file_of(std::slice::from_ref(&profile)).into_bytes()),
            pki_worker,
        );
        assert_eq!(s.import_error, None);
        assert_eq!(s.store.profiles[0].issued.ca, Some(ca.clone()));
        assert!(s.store.profiles[0]
            .issued
            .ca
            .as_ref()
            .unwrap()
            .view
            .subject
            .contains("Real Root"));
        assert_eq!(s.notice, Some(Notice::Imported(vec!["lab".into()])));

        let mut damaged = profile.clone();
        damaged.issued.device = Some(PublicCert {
            cert_pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
            view: ca.view.clone(),
        });
        let s = import_with(
            ProfilesState::default(),
            Ok(file_of(&[profile.clone(), damaged]).into_bytes()),
            pki_worker,
        );
        assert!(
            matches!(&s.import_error, Some(ImportError::BadCertificate { profile, .. }) if profile == "lab"),
            "{:?}",
            s.import_error
        );
        assert!(s.store.profiles.is_empty() && s.importing.is_none());

        let s = import_with(
            ProfilesState::default(),
            Ok(file_of(&[profile]).into_bytes()),
            |_| Response::worker_failed(plain("the worker died")),
        );
        assert_eq!(
            s.import_error,
            Some(ImportError::Check(plain("the worker died")))
        );
        assert!(s.store.profiles.is_empty());
    }

    #[test]
    fn debug_of_profiles_work_and_forms_elides_secrets_keys_and_passphrases() {
        let connect = ConnectForm {
            secret: "s3cret-remembered".into(),
            ..ConnectForm::default()
        };
        let profile = Profile {
            name: "p".into(),
            connect: connect.clone(),
            model: None,
            certs: CertsForm::default(),
            issued: IssuedPublic::default(),
            secret: Some("s3cret-device".into()),
            ca_key: Some(ENCRYPTED.into()),
            device_key: Some(KEY.into()),
            console: None,
            simulator: None,
        };
        let work = Work {
            connect,
            secret: "s3cret-device".into(),
            ca_key: Some(KEY.into()),
            device_key: Some(KEY.into()),
            ..Work::default()
        };
        let state = apply(
            ProfilesState {
                store: ProfileStore {
                    active: None,
                    profiles: vec![profile.clone()],
                },
                pending: Some((profile, Vec::new())),
                ..ProfilesState::default()
            },
            vec![
                ProfilesAction::Passphrase("pass-phrase-1".into()),
                ProfilesAction::PassphraseAgain("pass-phrase-1".into()),
                ProfilesAction::UnlockPassphrase("pass-phrase-2".into()),
            ],
        );
        assert_eq!(state.form.passphrase.expose(), "pass-phrase-1");
        let shown = format!(
            "{state:?} {work:?} {:?}",
            ProfilesAction::Passphrase("pass-phrase-1".into())
        );
        for secret in ["s3cret", "MIGH", "MIIB", "pass-phrase"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("[elided]"), "{shown}");
    }

    /// Console settings for a local broker, with one subscription, as the
    /// Console saves them.
    fn console() -> SavedConsole {
        saved_console()
    }

    fn simulator(walk: bool) -> SavedSimulator {
        SavedSimulator {
            interval: "7".into(),
            walk,
            ..SavedSimulator::default()
        }
    }

    /// A model with no services (what a profile of today's main may hold).
    fn empty_model() -> ProductModel {
        ProductModel::from_json(br#"{"service_capabilities": []}"#).expect("a model")
    }

    fn saved_console() -> SavedConsole {
        SavedConsole {
            form: ConsoleForm {
                host: "broker.example".into(),
                port: "8083".into(),
                path: "/ws".into(),
                keep_alive: "60".into(),
                device_id: "p_node1".into(),
                ..ConsoleForm::default()
            },
            subscriptions: vec![SubscriptionRow {
                filter: "lab/#".into(),
                qos: 1,
                status: Default::default(),
            }],
            publish: PublishForm {
                topic: "lab/up".into(),
                payload: "{\"t\": 1}".into(),
                ..PublishForm::default()
            },
        }
    }

    /// Work with a device, a remembered secret, a model, a CA and a device
    /// certificate with their keys, and Console and simulator settings.
    fn work() -> Work {
        let connect = ConnectForm {
            device_id: "p_node1".into(),
            secret: "12345678".into(),
            remember_secret: true,
            host: "a1.st1.iotda-device.cn-north-4.myhuaweicloud.com".into(),
            ..ConnectForm::default()
        };
        let held = CertsState {
            results: Results {
                ca: Some(HeldCa {
                    issued: issued("/CN=Root", Some(KEY)),
                    created: true,
                }),
                device: Some(issued("/CN=node1", Some(KEY))),
                ..Results::default()
            },
            ..CertsState::default()
        };
        let stored = Stored {
            connect: Some(connect),
            model: Some(empty_model()),
            console: Some(console()),
            simulator: Some(simulator(true)),
            ..Stored::default()
        };
        Work::gather(stored, Some(&held), String::new())
    }

    fn named(name: &str) -> ProfilesState {
        apply(
            ProfilesState::default(),
            vec![ProfilesAction::Name(name.into())],
        )
    }

    fn stored(plan: Plan) -> Profile {
        match plan {
            Plan::Store(profile) => profile,
            other => panic!("not a plain store: {other:?}"),
        }
    }

    #[test]
    fn gathering_takes_the_secret_out_of_the_form_and_the_keys_from_memory() {
        let w = work();
        assert_eq!(w.connect.secret, "");
        assert_eq!(w.secret.expose(), "12345678");
        assert_eq!(w.ca_key.as_ref().map(Secret::expose), Some(KEY));
        assert_eq!(w.issued.ca.as_ref().unwrap().view.subject, "/CN=Root");
        assert!(!w.is_blank());
        // The secret in memory wins over a remembered (older) one.
        let stored = Stored {
            connect: Some(ConnectForm {
                secret: "old-secret".into(),
                ..ConnectForm::default()
            }),
            ..Stored::default()
        };
        let w = Work::gather(stored, None, "new-secret".into());
        assert_eq!(
            (w.secret.expose(), w.connect.secret.as_str()),
            ("new-secret", "")
        );
        assert!(Work::gather(Stored::default(), None, String::new()).is_blank());
        let console_only = Stored {
            console: Some(console()),
            ..Stored::default()
        };
        assert!(!Work::gather(console_only, None, String::new()).is_blank());
    }

    #[test]
    fn secrets_and_keys_are_left_out_unless_chosen() {
        let profile = stored(named("lab").plan(&work(), false));
        assert_eq!(profile.name, "lab");
        assert_eq!(profile.secret, None);
        assert_eq!(
            (profile.ca_key.clone(), profile.device_key.clone()),
            (None, None)
        );
        let json = file_of(&[profile]);
        for secret in ["12345678", "PRIVATE KEY", "\"ca_key\"", "\"device_key\""] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        assert!(
            json.contains("/CN=Root") && json.contains("p_node1"),
            "{json}"
        );

        let s = apply(named("lab"), vec![ProfilesAction::IncludeSecret(true)]);
        let profile = stored(s.plan(&work(), false));
        assert_eq!(
            profile.secret.as_ref().map(Secret::expose),
            Some("12345678")
        );
        // Debug never shows the secret, a key or a passphrase.
        let debug = format!(
            "{profile:?} {:?} {s:?} {:?} {:?}",
            work(),
            profile.restore(),
            ProfilesAction::Passphrase(Secret::from("12345678"))
        );
        assert!(
            !debug.contains("12345678") && !debug.contains("MIGH"),
            "{debug}"
        );
    }

    #[test]
    fn keys_are_stored_only_encrypted_with_a_checked_passphrase() {
        let ticked = apply(
            named("lab"),
            vec![
                ProfilesAction::IncludeCaKey(true),
                ProfilesAction::Passphrase(Secret::from("short")),
                ProfilesAction::PassphraseAgain(Secret::from("short")),
            ],
        );
        assert_eq!(
            ticked.plan(&work(), false),
            Plan::Invalid(SaveError::ShortPassphrase)
        );
        let mismatch = apply(
            ticked.clone(),
            vec![
                ProfilesAction::Passphrase(Secret::from("long enough")),
                ProfilesAction::PassphraseAgain(Secret::from("long enougH")),
            ],
        );
        assert_eq!(
            mismatch.plan(&work(), false),
            Plan::Invalid(SaveError::PassphraseMismatch)
        );
        let s = apply(
            mismatch,
            vec![
                ProfilesAction::PassphraseAgain(Secret::from("long enough")),
                ProfilesAction::IncludeDeviceKey(true),
            ],
        );
        let Plan::Encrypt(profile, jobs) = s.plan(&work(), false) else {
            panic!("keys to encrypt");
        };
        assert_eq!(jobs.len(), 2);
        for (_, job) in &jobs {
            assert_eq!(
                job,
                &Job::EncryptKey {
                    key_pem: Secret::from(KEY),
                    passphrase: Secret::from("long enough"),
                }
            );
        }
        // The worker answers in any order; the profile is stored once both
        // are in, and the passphrase is forgotten.
        let done = |id, pem: &str| {
            ProfilesAction::Worker(Response::Done {
                id,
                result: Box::new(Outcome::EncryptedKey { pem: pem.into() }),
            })
        };
        let s = apply(
            s,
            vec![
                ProfilesAction::Encrypting(profile, vec![(7, KeySlot::Ca), (8, KeySlot::Device)]),
                done(99, "not ours"),
                done(8, "device encrypted"),
            ],
        );
        assert_eq!(s.notice, Some(Notice::Encrypting));
        assert!(s.store.profiles.is_empty());
        let s = apply(s, vec![done(7, ENCRYPTED)]);
        let p = s.get("lab").expect("stored");
        assert_eq!(p.ca_key.as_ref().map(Secret::expose), Some(ENCRYPTED));
        assert_eq!(
            p.device_key.as_ref().map(Secret::expose),
            Some("device encrypted")
        );
        assert_eq!(s.store.active.as_deref(), Some("lab"));
        assert_eq!(s.form.passphrase, Secret::default());
        assert_eq!(s.notice, Some(Notice::Saved("lab".into())));
        assert_eq!(s.pending, None);
    }

    #[test]
    fn a_ticked_item_that_is_not_there_is_an_error() {
        let nothing = Work::default();
        for (action, error) in [
            (ProfilesAction::IncludeSecret(true), SaveError::NoSecret),
            (ProfilesAction::IncludeCaKey(true), SaveError::NoCaKey),
            (
                ProfilesAction::IncludeDeviceKey(true),
                SaveError::NoDeviceKey,
            ),
        ] {
            let s = apply(named("x"), vec![action]);
            assert_eq!(s.plan(&nothing, false), Plan::Invalid(error));
        }
        assert_eq!(
            named("  ").plan(&nothing, false),
            Plan::Invalid(SaveError::NoName)
        );
    }

    #[test]
    fn a_failed_encryption_stores_nothing_and_says_why() {
        let profile = stored(named("lab").plan(&work(), false));
        let s = apply(
            named("lab"),
            vec![
                ProfilesAction::Encrypting(profile, vec![(3, KeySlot::Ca)]),
                ProfilesAction::Worker(Response::Failed {
                    id: 3,
                    errors: vec![JobError::general(plain("the key could not be read"))],
                }),
            ],
        );
        assert!(s.store.profiles.is_empty());
        assert_eq!(s.pending, None);
        assert_eq!(
            s.save_error,
            Some(SaveError::Encrypt(plain("the key could not be read")))
        );
    }

    #[test]
    fn saving_under_a_taken_name_asks_first() {
        let s = apply(
            named("lab"),
            vec![ProfilesAction::Store(stored(
                named("lab").plan(&work(), false),
            ))],
        );
        assert_eq!(s.plan(&work(), false), Plan::AskOverwrite("lab".into()));
        let mut changed = work();
        changed.connect.device_id = "p_node2".into();
        let s = apply(
            s.clone(),
            vec![ProfilesAction::Store(stored(s.plan(&changed, true)))],
        );
        assert_eq!(s.store.profiles.len(), 1);
        assert_eq!(s.store.profiles[0].connect.device_id, "p_node2");
    }

    #[test]
    fn a_profile_round_trips_through_its_file_and_restores_every_page() {
        let s = apply(named("lab"), vec![ProfilesAction::IncludeSecret(true)]);
        let mut profile = stored(s.plan(&work(), false));
        profile.ca_key = Some(Secret::from(ENCRYPTED));
        let text = file_of(std::slice::from_ref(&profile));
        assert!(
            text.contains("\"version\":1") && text.contains(FILE_FORMAT),
            "{text}"
        );
        let back = parse_file(text.as_bytes()).expect("reads back");
        assert_eq!(back, vec![profile.clone()]);

        let restored = back[0].restore();
        assert_eq!(restored.connect.device_id, "p_node1");
        // Remembered before, so saved with the form again.
        assert_eq!(restored.connect.secret, "12345678");
        assert_eq!(restored.secret, "12345678");
        assert_eq!(restored.model, Some(empty_model()));
        assert_eq!(restored.issued, work().issued);
        let certs = &restored.certs;
        assert_eq!(certs.form.ca_mode, CaMode::Import);
        assert_eq!(certs.form.ca_cert, work().issued.ca.unwrap().cert_pem);
        assert_eq!(certs.secrets.ca_key, ENCRYPTED);
        let ca = certs.results.ca.as_ref().expect("the CA is shown");
        assert_eq!((ca.issued.key_pem.clone(), ca.created), (None, false));
        assert_eq!(certs.issued_public(), restored.issued);
        // The restored work is held by the profile: switching back and
        // forth asks nothing.
        let mut s = ProfilesState::restore(Some(ProfileStore {
            active: None,
            profiles: back,
        }));
        assert_eq!(restored.console, Some(console()));
        assert_eq!(restored.simulator, work().simulator);
        let stored = Stored {
            connect: Some(restored.connect),
            model: restored.model,
            console: restored.console,
            simulator: restored.simulator,
            ..Stored::default()
        };
        let again = Work::gather(stored, Some(certs), restored.secret);
        assert!(!s.unsaved(&again));
        s.store.profiles[0].connect.port = "1".into();
        assert!(s.unsaved(&again));
    }

    #[test]
    fn a_secret_not_remembered_goes_to_memory_only() {
        let mut profile = stored(named("lab").plan(&work(), false));
        profile.connect.remember_secret = false;
        profile.secret = Some(Secret::from("12345678"));
        let restored = profile.restore();
        assert_eq!(
            (restored.connect.secret.as_str(), restored.secret.as_str()),
            ("", "12345678")
        );
    }

    #[test]
    fn keys_held_only_in_the_tab_make_the_work_unsaved() {
        let profile = stored(named("lab").plan(&work(), false));
        let s = ProfilesState::restore(Some(ProfileStore {
            active: None,
            profiles: vec![profile],
        }));
        assert!(s.unsaved(&work()), "the CA key would be lost");
        let mut without_keys = work();
        without_keys.ca_key = None;
        without_keys.device_key = None;
        assert!(!s.unsaved(&without_keys));
        assert!(!s.unsaved(&Work::default()), "nothing to lose");
    }

    #[test]
    fn bad_files_are_named_not_panicked_on() {
        let at = |what: Message, line: usize, column: usize| {
            Message::new(json::AT)
                .with_message("what", what)
                .with("line", line)
                .with("column", column)
        };
        let eof = || Message::new(json::EOF_VALUE);
        let cases: [(&str, ImportError); 8] = [
            ("", ImportError::NotJson(at(eof(), 1, 0))),
            ("{\"format\":", ImportError::NotJson(at(eof(), 1, 10))),
            ("[1, 2]", ImportError::NotProfiles),
            ("{\"services\": []}", ImportError::NotProfiles),
            ("{\"format\": \"iotda-kit-profiles\"}", ImportError::Version(None)),
            ("{\"format\": \"iotda-kit-profiles\", \"version\": 2, \"profiles\": []}", ImportError::Version(Some(2))),
            ("{\"format\": \"iotda-kit-profiles\", \"version\": 1, \"profiles\": []}", ImportError::Empty),
            (
                "{\"format\": \"iotda-kit-profiles\", \"version\": 1, \"profiles\": [{\"name\": \"x\"}]}",
                ImportError::Invalid(at(
                    Message::new(json::MISSING_FIELD).with("field", "connect"),
                    1,
                    73,
                )),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_file(text.as_bytes()), Err(want), "{text:?}");
        }
        let blank_name = r#"{"format": "iotda-kit-profiles", "version": 1,
            "profiles": [{"name": " ", "connect": {}}]}"#;
        assert!(matches!(
            parse_file(blank_name.as_bytes()),
            Err(ImportError::Invalid(_))
        ));
        // Every prefix of a good file fails cleanly.
        let good = file_of(&[stored(named("lab").plan(&work(), false))]);
        for end in 0..good.len() {
            assert!(parse_file(&good.as_bytes()[..end]).is_err());
        }
    }

    #[test]
    fn imported_profiles_never_replace_stored_ones() {
        let profile = stored(named("lab").plan(&work(), false));
        let file = file_of(&[profile.clone(), profile.clone()]);
        let s = apply(
            ProfilesState::default(),
            vec![ProfilesAction::Store(profile)],
        );
        let s = import(s, Ok(file.into_bytes()));
        let names: Vec<&str> = s.store.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["lab", "lab (2)", "lab (3)"]);
        assert_eq!(
            s.notice,
            Some(Notice::Imported(vec!["lab (2)".into(), "lab (3)".into()]))
        );
        let s = import(s, Ok(b"nonsense".to_vec()));
        assert!(matches!(s.import_error, Some(ImportError::NotJson(_))));
        let s = import(s, Err(plain("too big")));
        assert_eq!(
            s.import_error,
            Some(ImportError::Unreadable(plain("too big")))
        );
        assert_eq!(s.store.profiles.len(), 3);
    }

    /// Regression (issue 17, item 2): a file of thousands of same-named
    /// profiles, the size that hung the tab, is refused by its count
    /// before any profile is built.
    #[test]
    fn a_file_of_thousands_of_profiles_is_refused_by_count() {
        let one = r#"{"name":"lab","connect":{}},"#;
        let count = 780 * 1024 / one.len();
        assert!(count > 20_000, "{count} profiles");
        let profiles = one.repeat(count);
        let file = format!(
            r#"{{"format":"{FILE_FORMAT}","version":{FILE_VERSION},"profiles":[{}]}}"#,
            profiles.trim_end_matches(',')
        );
        // Within the 1 MiB the file picker takes (`web::files`).
        assert!(file.len() <= 1024 * 1024);
        let s = import(ProfilesState::default(), Ok(file.into_bytes()));
        assert_eq!(s.import_error, Some(ImportError::TooMany(count)));
        assert!(s.store.profiles.is_empty());
        // The same profile, MAX_PROFILES times, imports.
        let file = format!(
            r#"{{"format":"{FILE_FORMAT}","version":{FILE_VERSION},"profiles":[{}]}}"#,
            one.repeat(MAX_PROFILES).trim_end_matches(',')
        );
        let s = import(s, Ok(file.into_bytes()));
        assert_eq!(s.import_error, None);
        assert_eq!(s.store.profiles.len(), MAX_PROFILES);
    }

    /// Regression (issue 17, item 2): naming is linear. Thousands of
    /// names taken `lab`, `lab (2)`, ... and thousands more `lab` asked
    /// for: each gets the next free number (the old search from `(2)` for
    /// each one took hours here).
    #[test]
    fn naming_thousands_of_same_named_profiles_is_linear() {
        let held: Vec<Profile> = std::iter::once("lab".to_owned())
            .chain((2..=5000).map(|i| format!("lab ({i})")))
            .map(|name| Profile {
                name,
                ..stored(named("x").plan(&work(), false))
            })
            .collect();
        let mut namer = Namer::new(&held);
        let names: Vec<String> = (0..5000).map(|_| namer.name("lab")).collect();
        assert_eq!(names.len(), 5000);
        assert_eq!(names[0], "lab (5001)");
        assert_eq!(names[4999], "lab (10000)");
        assert_eq!(namer.name("other"), "other");
        assert_eq!(namer.name("other"), "other (2)");
    }

    /// The store holds at most [`MAX_PROFILES`]: an import that would pass
    /// it is refused whole, a file of exactly the cap imports with each
    /// name made unique, and saving a new name at the cap is refused
    /// (saving over a kept one is not).
    #[test]
    fn the_store_holds_at_most_max_profiles() {
        let profile = stored(named("lab").plan(&work(), false));
        let s = apply(
            ProfilesState::default(),
            vec![ProfilesAction::Store(profile.clone())],
        );
        let s = import(
            s,
            Ok(file_of(&vec![profile.clone(); MAX_PROFILES]).into_bytes()),
        );
        assert_eq!(
            s.import_error,
            Some(ImportError::StoreFull {
                held: 1,
                adding: MAX_PROFILES
            })
        );
        assert_eq!(s.store.profiles.len(), 1);
        let s = import(
            s,
            Ok(file_of(&vec![profile.clone(); MAX_PROFILES - 1]).into_bytes()),
        );
        assert_eq!(s.import_error, None);
        assert_eq!(s.store.profiles.len(), MAX_PROFILES);
        assert_eq!(
            s.store.profiles[MAX_PROFILES - 1].name,
            format!("lab ({MAX_PROFILES})")
        );
        let mut full = s.clone();
        full.form.name = "new".into();
        assert_eq!(full.plan(&work(), false), Plan::Invalid(SaveError::Full));
        full.form.name = "lab".into();
        assert_eq!(full.plan(&work(), false), Plan::AskOverwrite("lab".into()));
    }

    #[test]
    fn delete_switch_and_forget() {
        let profile = stored(named("lab").plan(&work(), false));
        let s = apply(
            ProfilesState::default(),
            vec![
                ProfilesAction::Store(profile),
                ProfilesAction::Ask(Confirm::Delete("lab".into())),
                ProfilesAction::Dismiss,
            ],
        );
        assert_eq!((s.confirm.clone(), s.store.profiles.len()), (None, 1));
        let s = apply(s, vec![ProfilesAction::Switched("lab".into())]);
        assert_eq!(s.store.active.as_deref(), Some("lab"));
        let s = apply(s, vec![ProfilesAction::Delete("lab".into())]);
        assert_eq!(s.store, ProfileStore::default());
        let s = apply(s, vec![ProfilesAction::Forgotten(4)]);
        assert_eq!(s.notice, Some(Notice::Forgotten(4)));
    }

    #[test]
    fn forgetting_removes_every_key_of_the_app_and_only_those() {
        let keys: Vec<String> = [
            crate::store::persist::STORAGE_KEY,
            crate::store::persist::V1_PROFILES,
            crate::store::persist::V1_CONNECT,
            crate::store::persist::V1_CERTS,
            crate::store::persist::V1_ISSUED,
            crate::store::persist::V1_MODEL,
            crate::store::persist::V1_CONSOLE,
            crate::i18n::LANG_STORAGE_KEY,
            // The theme switch's key (`components::theme`).
            "iotda-kit.theme.v1",
            "another-app.settings",
            "iotda-kit",
        ]
        .map(String::from)
        .to_vec();
        let forgotten = keys_to_forget(&keys);
        assert_eq!(forgotten, keys[..9]);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("lab 1/端"), "profile-lab_1_端.json");
        assert_eq!(file_name("a-b_c"), "profile-a-b_c.json");
    }

    #[test]
    fn console_and_simulator_settings_go_into_the_file_but_never_the_password() {
        // The Console's settings as the page finds them in storage: the
        // Console saves them without the password typed there.
        let mut typed = saved_console();
        typed.form.password = "mqtt-password".into();
        let mut w = work();
        w.console = Some(typed);
        let profile = stored(named("lab").plan(&w, false));
        let text = file_of(std::slice::from_ref(&profile));
        for kept in [
            "broker.example",
            "8083",
            "lab/#",
            "lab/up",
            "\"interval\":\"7\"",
        ] {
            assert!(text.contains(kept), "{kept} not in {text}");
        }
        assert!(!text.contains("mqtt-password"), "{text}");
        let back = parse_file(text.as_bytes()).expect("reads back");
        assert_eq!(back[0].console, Some(console()));
        assert_eq!(back[0].simulator, w.simulator);
        // Restored, they read back as the Console's own settings.
        let restored = back[0].restore().console.expect("console settings");
        assert_eq!(restored, saved_console());
    }

    #[test]
    fn console_changes_are_unsaved_work_and_simulator_values_are_not() {
        let s = ProfilesState::restore(Some(ProfileStore {
            active: None,
            profiles: vec![stored(named("lab").plan(&work(), false))],
        }));
        let mut keys_kept = work();
        keys_kept.ca_key = None;
        keys_kept.device_key = None;
        assert!(!s.unsaved(&keys_kept));
        let mut moved = keys_kept.clone();
        moved.simulator = Some(simulator(false));
        assert!(!s.unsaved(&moved), "the simulator moves its values itself");
        let mut changed = keys_kept.clone();
        if let Some(console) = &mut changed.console {
            console.subscriptions.clear();
        }
        assert!(s.unsaved(&changed));
        changed.console = None;
        assert!(s.unsaved(&changed));
    }

    #[test]
    fn a_file_written_before_profiles_kept_the_console_still_imports() {
        // As the first version of the Profiles page exported it.
        let old = r#"{"format":"iotda-kit-profiles","version":1,"profiles":[{"name":"old",
            "connect":{"device_id":"p_old","secret":"","remember_secret":false,
            "host":"h.example","port":"8883","sign_type":0},"model":null,"certs":{},
            "issued":{"ca":null,"verification":null,"device":null},
            "ca_key":"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"}]}"#;
        let profiles = parse_file(old.as_bytes()).expect("an old file imports");
        assert_eq!(profiles[0].connect.device_id, "p_old");
        assert_eq!(
            (profiles[0].console.clone(), profiles[0].simulator.clone()),
            (None, None)
        );
        assert_eq!(
            profiles[0].ca_key.as_ref().map(Secret::expose),
            Some(ENCRYPTED)
        );
        // Switching to it removes the Console's and simulator's settings,
        // so that the Console fills its form from the Connection page.
        let restored = profiles[0].restore();
        assert_eq!((restored.console, restored.simulator), (None, None));
        // Written again, it has no new field either: older pages read it.
        let again = file_of(&profiles);
        assert!(
            !again.contains("console") && !again.contains("simulator"),
            "{again}"
        );
    }

    /// A store with "lab", saved with both keys (encrypted), switched to:
    /// the state, and the Certificates page as switching left it.
    fn switched_to_lab() -> (ProfilesState, CertsState) {
        let mut profile = stored(named("lab").plan(&work(), false));
        profile.ca_key = Some(Secret::from(ENCRYPTED));
        profile.device_key = Some(Secret::from("device encrypted"));
        let held = profile.restore().certs;
        let s = apply(
            ProfilesState::restore(Some(ProfileStore {
                active: None,
                profiles: vec![profile],
            })),
            vec![ProfilesAction::Switched("lab".into())],
        );
        (s, held)
    }

    fn unlock_answer(id: u32, result: Outcome) -> ProfilesAction {
        ProfilesAction::Worker(Response::Done {
            id,
            result: Box::new(result),
        })
    }

    #[test]
    fn switching_to_a_profile_with_kept_keys_offers_to_unlock_them() {
        let (s, held) = switched_to_lab();
        let profile = s.to_unlock(Some(&held)).expect("the keys wait");
        assert_eq!(profile.name, "lab");
        let locked = profile.locked_keys(Some(&held));
        let shown = |k: Option<LockedKey>| k.map(|k| (k.cert_pem, k.key_pem));
        assert_eq!(
            shown(locked.ca.clone()),
            Some(("CERT /CN=Root".to_owned(), Secret::from(ENCRYPTED)))
        );
        assert_eq!(
            shown(locked.device.clone()),
            Some((
                "CERT /CN=node1".to_owned(),
                Secret::from("device encrypted")
            ))
        );
        // A fresh tab (nothing in memory) is offered the same.
        assert_eq!(profile.locked_keys(None), locked);
        // No passphrase: said next to the field, nothing sent.
        assert_eq!(s.unlock_job(Some(&held)), Err(UnlockProblem::NoPassphrase));
        let s = apply(
            s,
            vec![ProfilesAction::UnlockPassphrase(Secret::from(
                "correct horse",
            ))],
        );
        assert_eq!(
            s.unlock_job(Some(&held)),
            Ok((
                "lab".to_owned(),
                Job::DecryptKeys {
                    keys: locked,
                    passphrase: Secret::from("correct horse"),
                }
            ))
        );
        // A profile without kept keys, or no active profile: no offer.
        let mut without = s.clone();
        without.store.profiles[0].ca_key = None;
        without.store.profiles[0].device_key = None;
        assert_eq!(without.to_unlock(Some(&held)), None);
        assert!(matches!(
            without.unlock_job(Some(&held)),
            Err(UnlockProblem::Failed(_))
        ));
        let mut inactive = s.clone();
        inactive.store.active = None;
        assert_eq!(inactive.to_unlock(Some(&held)), None);
    }

    #[test]
    fn a_wrong_passphrase_or_a_foreign_key_is_said_and_the_passphrase_kept() {
        let (s, _) = switched_to_lab();
        let typed = apply(
            s,
            vec![
                ProfilesAction::UnlockPassphrase(Secret::from("correct horsE")),
                ProfilesAction::Unlocking(4, "lab".into()),
            ],
        );
        assert_eq!(typed.notice, Some(Notice::Unlocking));
        assert_eq!(typed.unlock.pending, Some((4, "lab".to_owned())));
        // Answers to other jobs change nothing.
        let s = apply(
            typed.clone(),
            vec![unlock_answer(
                3,
                Outcome::KeysLocked(UnlockError::WrongPassphrase),
            )],
        );
        assert_eq!(s.unlock, typed.unlock);
        let s = apply(
            s,
            vec![unlock_answer(
                4,
                Outcome::KeysLocked(UnlockError::WrongPassphrase),
            )],
        );
        assert_eq!(
            s.unlock.problem,
            Some(UnlockProblem::Locked(UnlockError::WrongPassphrase))
        );
        assert_eq!(s.unlock.passphrase.expose(), "correct horsE");
        assert_eq!(
            (s.unlock.pending.clone(), s.unlock.opened.clone()),
            (None, None)
        );
        assert_eq!(s.notice, None);
        // Typing again clears the error, not the field.
        let s = apply(
            s,
            vec![ProfilesAction::UnlockPassphrase(Secret::from(
                "correct horse",
            ))],
        );
        assert_eq!(s.unlock.problem, None);

        let mismatch = apply(
            s,
            vec![
                ProfilesAction::Unlocking(5, "lab".into()),
                unlock_answer(5, Outcome::KeysLocked(UnlockError::DeviceMismatch)),
            ],
        );
        assert_eq!(
            mismatch.unlock.problem,
            Some(UnlockProblem::Locked(UnlockError::DeviceMismatch))
        );
        assert_eq!(mismatch.unlock.opened, None);
        // The worker itself failing ends the wait too.
        let died = apply(
            mismatch,
            vec![
                ProfilesAction::Unlocking(6, "lab".into()),
                ProfilesAction::Worker(Response::worker_failed(plain("out of memory"))),
            ],
        );
        assert_eq!(
            died.unlock.problem,
            Some(UnlockProblem::Failed(plain("out of memory")))
        );
        assert_eq!(died.unlock.pending, None);
    }

    #[test]
    fn unlocked_keys_go_beside_their_certificates_on_the_certificates_page() {
        let (s, held) = switched_to_lab();
        let keys = ProfileKeys {
            ca: Some(Secret::from("CA PLAIN")),
            device: Some(Secret::from("DEVICE PLAIN")),
        };
        let s = apply(
            s,
            vec![
                ProfilesAction::UnlockPassphrase(Secret::from("correct horse")),
                ProfilesAction::Unlocking(8, "lab".into()),
                unlock_answer(8, Outcome::KeysUnlocked(keys.clone())),
            ],
        );
        assert_eq!(s.unlock.opened, Some(("lab".to_owned(), keys.clone())));
        let placed = s.placed(Some(held.clone())).expect("keys to place");
        let ca = placed.results.ca.as_ref().expect("the CA");
        assert_eq!(ca.issued.key_pem, Some(Secret::from("CA PLAIN")));
        assert_eq!(ca.issued.cert_pem, "CERT /CN=Root");
        let device = placed.results.device.as_ref().expect("the device");
        assert_eq!(device.key_pem, Some(Secret::from("DEVICE PLAIN")));
        // The CA signs again, the device key exports: the page's jobs run.
        assert!(placed.ca_pems().is_ok());
        assert!(placed.job(crate::store::certs::Step::Pkcs12).is_ok());
        // Nothing left to unlock; the work is the profile's, keys included.
        assert_eq!(s.to_unlock(Some(&placed)), None);
        let work = Work::gather(Stored::default(), Some(&placed), String::new());
        assert_eq!(work.ca_key, Some(Secret::from("CA PLAIN")));
        let s = apply(s, vec![ProfilesAction::KeysPlaced("lab".into())]);
        assert_eq!(s.notice, Some(Notice::Unlocked("lab".into())));
        assert_eq!(
            s.unlock,
            UnlockForm::default(),
            "the passphrase is forgotten"
        );
        assert_eq!(s.placed(Some(held)), None);
    }

    #[test]
    fn keys_never_go_beside_another_certificate() {
        let (s, mut held) = switched_to_lab();
        let profile = s.get("lab").expect("lab").clone();
        let keys = ProfileKeys {
            ca: Some(Secret::from("CA PLAIN")),
            device: None,
        };
        // A fresh tab: the profile's certificates come back with the key.
        let fresh = profile.unlock_into(None, &keys);
        assert_eq!(
            fresh.results.ca.map(|ca| ca.issued.key_pem),
            Some(Some(Secret::from("CA PLAIN")))
        );
        // The page made another CA since: its key is not offered, and a
        // key opened before is not put beside it.
        held.results.ca = Some(HeldCa {
            issued: issued("/CN=Other", None),
            created: false,
        });
        let locked = profile.locked_keys(Some(&held));
        assert_eq!(locked.ca, None);
        assert!(locked.device.is_some());
        let placed = profile.unlock_into(Some(held), &keys);
        let ca = placed.results.ca.expect("the other CA stays");
        assert_eq!(
            (ca.issued.cert_pem.as_str(), ca.issued.key_pem),
            ("CERT /CN=Other", None)
        );
    }

    #[test]
    fn switching_away_drops_a_decryption_under_way() {
        let (s, _) = switched_to_lab();
        let s = apply(
            s,
            vec![
                ProfilesAction::UnlockPassphrase(Secret::from("correct horse")),
                ProfilesAction::Unlocking(9, "lab".into()),
                ProfilesAction::Switched("lab".into()),
                unlock_answer(
                    9,
                    Outcome::KeysUnlocked(ProfileKeys {
                        ca: Some(Secret::from("CA PLAIN")),
                        device: None,
                    }),
                ),
            ],
        );
        assert_eq!(s.unlock, UnlockForm::default());
        // Debug shows no passphrase or key.
        let s = apply(
            s,
            vec![
                ProfilesAction::UnlockPassphrase(Secret::from("correct horse")),
                ProfilesAction::Unlocking(10, "lab".into()),
                unlock_answer(
                    10,
                    Outcome::KeysUnlocked(ProfileKeys {
                        ca: Some(Secret::from("CA PLAIN")),
                        device: None,
                    }),
                ),
            ],
        );
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("correct horse") && !debug.contains("CA PLAIN"),
            "{debug}"
        );
    }
}
