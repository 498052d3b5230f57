//! State of the Profiles page: named device profiles (the Connection form,
//! the product model, the Certificates form and the certificates' public
//! parts) kept in this browser, switched, exported to and imported from a
//! JSON file.
//!
//! What a profile never holds unless the user ticks it, item by item: the
//! device secret (then stored as typed, like "Remember secret") and the CA
//! and device private keys (then only encrypted PKCS#8 with a passphrase of
//! at least [`MIN_PASSPHRASE`] characters, encrypted by the certificate
//! worker: this module has no PKI code).
//!
//! Pure: no browser call. The page gathers the current work from storage
//! and the tab's memory into a [`Work`], asks [`ProfilesState::plan`] what
//! saving it takes, and writes what [`Profile::restore`] gives back into
//! each page's storage key and memory when switching.

use crate::msg;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::state::certs::{CaMode, CertsForm, CertsState, HeldCa, IssuedPublic, PublicCert};
use crate::state::ConnectForm;
use crate::worker::protocol::{Issued, Job, Outcome, Response, Secret};

/// localStorage key of the profiles ([`ProfileStore`]).
pub const PROFILES_STORAGE_KEY: &str = "iotda-kit.profiles.v1";

/// The prefix of every localStorage key the app writes: "Forget
/// everything" removes them all.
pub const STORAGE_PREFIX: &str = "iotda-kit.";

/// What an exported file says it is, in its `format` field.
pub const FILE_FORMAT: &str = "iotda-kit-profiles";

/// The version of the exported file this build writes and reads.
pub const FILE_VERSION: u64 = 1;

/// The shortest passphrase that may protect a stored private key.
pub const MIN_PASSPHRASE: usize = 8;

/// One named profile, as stored and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Its name, unique in the store.
    pub name: String,
    /// The Connection form, always without the secret (see `secret`).
    pub connect: ConnectForm,
    /// The product model (its REST JSON), if the Model page had one.
    #[serde(default)]
    pub model: Option<serde_json::Value>,
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
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON at all (a wrong file, or cut short): the parser's words.
    NotJson(String),
    /// JSON, but not an exported profiles file (no `"format":
    /// "iotda-kit-profiles"`).
    NotProfiles,
    /// A profiles file of a version this build does not read (`None`:
    /// the version is missing or not a number).
    Version(Option<u64>),
    /// A profiles file with a field missing or of the wrong type (edited
    /// by hand?): the parser's words, which name the field.
    Invalid(String),
    /// A profiles file with no profile in it.
    Empty,
    /// The browser could not read the file: why.
    Unreadable(String),
}

/// Reads an exported file.
pub fn parse_file(bytes: &[u8]) -> Result<Vec<Profile>, ImportError> {
    let header: FileHeader = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            ImportError::NotProfiles
        } else {
            ImportError::NotJson(e.to_string())
        }
    })?;
    if header.format.as_deref() != Some(FILE_FORMAT) {
        return Err(ImportError::NotProfiles);
    }
    match header.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(FILE_VERSION) => {}
        other => return Err(ImportError::Version(other)),
    }
    let file: ProfileFile =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Invalid(e.to_string()))?;
    if file.profiles.is_empty() {
        return Err(ImportError::Empty);
    }
    if file.profiles.iter().any(|p| p.name.trim().is_empty()) {
        return Err(ImportError::Invalid(msg!("a profile has an empty name")));
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

/// `name`, or `name (2)`, `name (3)`, ... whichever no profile has yet.
fn unique_name(name: &str, profiles: &[Profile]) -> String {
    let taken = |n: &str| profiles.iter().any(|p| p.name == n);
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|i| format!("{name} ({i})"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// The user's current work, gathered by the page from each page's storage
/// key and the tab's memory. The secret and keys are held as [`Secret`], so
/// `Debug` shows none of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Work {
    /// The Connection form, without the secret.
    pub connect: ConnectForm,
    /// The product model, if one is saved.
    pub model: Option<serde_json::Value>,
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
}

impl Work {
    /// Gathers the work: the Certificates page's state in memory (`held`)
    /// wins over what its storage keys say; the secret in memory over a
    /// remembered one.
    pub fn gather(
        connect: Option<ConnectForm>,
        model: Option<serde_json::Value>,
        certs: Option<CertsForm>,
        issued: Option<IssuedPublic>,
        held: Option<&CertsState>,
        secret: String,
    ) -> Self {
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
        }
    }

    /// Nothing worth keeping: the forms as a first visit leaves them, no
    /// model, certificate or secret.
    pub fn is_blank(&self) -> bool {
        self.connect == ConnectForm::default()
            && self.model.is_none()
            && self.certs == CertsForm::default()
            && self.issued == IssuedPublic::default()
            && self.secret.expose().is_empty()
    }
}

impl Profile {
    /// Whether this profile keeps everything of `work` that switching away
    /// would lose: its forms, model and certificates, and the private keys
    /// held in the tab (the secret can be typed again from the console).
    pub fn holds(&self, work: &Work) -> bool {
        self.connect == work.connect
            && self.model == work.model
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
        let mut certs = CertsState::restore(Some(self.restored_certs_form()));
        let issued = |cert: &PublicCert| Issued {
            cert_pem: cert.cert_pem.clone(),
            view: cert.view.clone(),
            key_pem: None,
            csr_pem: None,
        };
        if let Some(ca) = &self.issued.ca {
            certs.results.ca = Some(HeldCa {
                issued: issued(ca),
                created: false,
            });
        }
        if let Some(key) = &self.ca_key {
            certs.secrets.ca_key = key.expose().to_owned();
        }
        certs.results.verification = self.issued.verification.as_ref().map(issued);
        certs.results.device = self.issued.device.as_ref().map(issued);
        Restored {
            connect,
            secret,
            model: self.model.clone(),
            certs,
            issued: self.issued.clone(),
        }
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
    pub model: Option<serde_json::Value>,
    /// The Certificates page's state, for the tab's memory; its form is
    /// also saved.
    pub certs: CertsState,
    /// The certificates' public parts to save.
    pub issued: IssuedPublic,
}

impl std::fmt::Debug for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Restored([elided])")
    }
}

/// Which private key an encryption job is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// The CA key.
    Ca,
    /// The device key.
    Device,
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
    Encrypt(String),
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

/// What happened last, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Keys are being encrypted.
    Encrypting,
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
    /// A file was read: its bytes, or why it could not be.
    Import(Result<Vec<u8>, String>),
    /// The page wrote this profile's parts everywhere.
    Switched(String),
    /// Delete this profile.
    Delete(String),
    /// The page removed this many keys from storage and cleared the
    /// tab's memory.
    Forgotten(usize),
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
            ProfilesAction::Worker(response) => next.receive(response),
            ProfilesAction::Import(read) => match read
                .map_err(ImportError::Unreadable)
                .and_then(|bytes| parse_file(&bytes))
            {
                Ok(profiles) => {
                    next.import_error = None;
                    let mut names = Vec::new();
                    for mut profile in profiles {
                        profile.name = unique_name(profile.name.trim(), &next.store.profiles);
                        names.push(profile.name.clone());
                        next.store.profiles.push(profile);
                    }
                    next.notice = Some(Notice::Imported(names));
                }
                Err(e) => next.import_error = Some(e),
            },
            ProfilesAction::Switched(name) => {
                next.confirm = None;
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
        }
        Rc::new(next)
    }
}

impl ProfilesState {
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
                (Some(_), _) => {
                    return self.encrypt_failed(msg!(
                        "the certificate worker answered with the wrong result"
                    ))
                }
                (None, _) => {}
            },
            Response::Failed { id, errors } if id == 0 || waited(id).is_some() => {
                let message = errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; ");
                return self.encrypt_failed(message);
            }
            _ => {}
        }
        self.pending = Some((profile, waiting));
    }

    fn encrypt_failed(&mut self, message: String) {
        self.pending = None;
        self.notice = None;
        self.save_error = Some(SaveError::Encrypt(message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::certs::tests::issued;
    use crate::state::certs::Results;
    use crate::worker::protocol::JobError;

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

    /// Work with a device, a remembered secret, a model and a CA with its key.
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
        Work::gather(
            Some(connect),
            Some(serde_json::json!({"services": []})),
            None,
            None,
            Some(&held),
            String::new(),
        )
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
        let w = Work::gather(
            Some(ConnectForm {
                secret: "old-secret".into(),
                ..ConnectForm::default()
            }),
            None,
            None,
            None,
            None,
            "new-secret".into(),
        );
        assert_eq!(
            (w.secret.expose(), w.connect.secret.as_str()),
            ("new-secret", "")
        );
        assert!(Work::gather(None, None, None, None, None, String::new()).is_blank());
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
                    errors: vec![JobError::general("the key could not be read")],
                }),
            ],
        );
        assert!(s.store.profiles.is_empty());
        assert_eq!(s.pending, None);
        assert_eq!(
            s.save_error,
            Some(SaveError::Encrypt("the key could not be read".into()))
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
        assert_eq!(restored.model, Some(serde_json::json!({"services": []})));
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
        let again = Work::gather(
            Some(restored.connect),
            restored.model,
            None,
            None,
            Some(certs),
            restored.secret,
        );
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
        let cases: [(&str, ImportError); 8] = [
            ("", ImportError::NotJson("EOF while parsing a value at line 1 column 0".into())),
            ("{\"format\":", ImportError::NotJson("EOF while parsing a value at line 1 column 10".into())),
            ("[1, 2]", ImportError::NotProfiles),
            ("{\"services\": []}", ImportError::NotProfiles),
            ("{\"format\": \"iotda-kit-profiles\"}", ImportError::Version(None)),
            ("{\"format\": \"iotda-kit-profiles\", \"version\": 2, \"profiles\": []}", ImportError::Version(Some(2))),
            ("{\"format\": \"iotda-kit-profiles\", \"version\": 1, \"profiles\": []}", ImportError::Empty),
            (
                "{\"format\": \"iotda-kit-profiles\", \"version\": 1, \"profiles\": [{\"name\": \"x\"}]}",
                ImportError::Invalid("missing field `connect` at line 1 column 73".into()),
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
            vec![
                ProfilesAction::Store(profile),
                ProfilesAction::Import(Ok(file.into_bytes())),
            ],
        );
        let names: Vec<&str> = s.store.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["lab", "lab (2)", "lab (3)"]);
        assert_eq!(
            s.notice,
            Some(Notice::Imported(vec!["lab (2)".into(), "lab (3)".into()]))
        );
        let s = apply(s, vec![ProfilesAction::Import(Ok(b"nonsense".to_vec()))]);
        assert!(matches!(s.import_error, Some(ImportError::NotJson(_))));
        let s = apply(s, vec![ProfilesAction::Import(Err("too big".into()))]);
        assert_eq!(
            s.import_error,
            Some(ImportError::Unreadable("too big".into()))
        );
        assert_eq!(s.store.profiles.len(), 3);
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
            PROFILES_STORAGE_KEY,
            crate::state::CONNECT_STORAGE_KEY,
            crate::state::certs::CERTS_STORAGE_KEY,
            crate::state::certs::ISSUED_STORAGE_KEY,
            crate::state::model::MODEL_STORAGE_KEY,
            crate::state::console::CONSOLE_STORAGE_KEY,
            crate::state::simulator::SIMULATOR_STORAGE_KEY,
            crate::i18n::LANG_STORAGE_KEY,
            crate::components::theme::THEME_STORAGE_KEY,
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
}
