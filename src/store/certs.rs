//! State of the Certificates page: what the user typed, the jobs running in
//! the certificate worker and what they returned, as a reducer.
//!
//! Pure: no browser call and no PKI code (that lives in the worker), so it
//! is tested natively. The page turns a button press into a worker job with
//! [`CertsState::job`], feeds the worker's answers back in through
//! [`CertsAction::Worker`], and saves [`CertsState::saved`] after changes.
//! Keys, passphrases and passwords are kept in memory only.

use crate::messages::keys::certs as said;
use iotda_core::text::Message as Said;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use iotda_core::pki::{DEFAULT_CA_DAYS, DEFAULT_DEVICE_DAYS, DEFAULT_VERIFICATION_DAYS};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::worker::protocol::{
    CaPems, CertView, Data, Field, Issued, ItemView, Job, JobError, KeyChoice, Outcome, Response,
    Secret, SubjectForm,
};

/// A certificate without its key: its PEM and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCert {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// What it says (subject, validity, fingerprints).
    pub view: CertView,
}

impl PublicCert {
    /// The certificate as the page holds one it did not make here: no key,
    /// no CSR.
    pub fn held(&self) -> Issued {
        Issued {
            cert_pem: self.cert_pem.clone(),
            view: self.view.clone(),
            key_pem: None,
            csr_pem: None,
        }
    }
}

impl From<&Issued> for PublicCert {
    fn from(issued: &Issued) -> Self {
        Self {
            cert_pem: issued.cert_pem.clone(),
            view: issued.view.clone(),
        }
    }
}

/// The certificates of the onboarding steps the page holds, without their
/// keys (which stay in memory): saved in localStorage so that the Guide can
/// check the steps and a profile can keep them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IssuedPublic {
    /// The device CA.
    pub ca: Option<PublicCert>,
    /// The verification certificate.
    pub verification: Option<PublicCert>,
    /// The device certificate.
    pub device: Option<PublicCert>,
}

/// The Certificates page's whole state, kept in memory for this tab (keys
/// included, never in storage) so that leaving the page and coming back
/// loses nothing. Provided by the app shell as a context.
#[derive(Clone, Default)]
pub struct CertsMemory(Rc<RefCell<Option<CertsState>>>);

impl CertsMemory {
    /// The state the page had when last changed, without its running jobs
    /// (they ran in the page's worker, which ended with the page).
    pub fn get(&self) -> Option<CertsState> {
        let mut state = self.0.borrow().clone()?;
        state.jobs = SmallMap(
            state
                .jobs
                .0
                .into_iter()
                .filter(|(_, job)| !matches!(job, JobState::Running { .. }))
                .collect(),
        );
        Some(state)
    }

    /// Remembers `state`.
    pub fn set(&self, state: &CertsState) {
        *self.0.borrow_mut() = Some(state.clone());
    }

    /// Forgets everything held.
    pub fn clear(&self) {
        *self.0.borrow_mut() = None;
    }
}

impl PartialEq for CertsMemory {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for CertsMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CertsMemory([elided])")
    }
}

/// The jobs the page runs: one per button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Create or import the device CA.
    Ca,
    /// Make the verification certificate.
    Verification,
    /// Generate a device key and certificate.
    Device,
    /// Sign an uploaded CSR.
    Csr,
    /// Export the device key and certificate as PKCS#12.
    Pkcs12,
    /// Export the device key encrypted.
    KeyExport,
    /// Inspect certificates, CSRs and keys.
    Inspect,
    /// Issue certificates for many devices.
    Batch,
}

impl Step {
    /// The element id prefix of the step's controls (`{prefix}-status`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Ca => "ca",
            Self::Verification => "verification",
            Self::Device => "device",
            Self::Csr => "csr",
            Self::Pkcs12 => "p12",
            Self::KeyExport => "key-export",
            Self::Inspect => "inspect",
            Self::Batch => "batch",
        }
    }
}

/// Which input a field's error blocks: the step whose button uses it.
pub fn step_of(field: Field) -> Step {
    match field {
        Field::CaKeyType
        | Field::CaC
        | Field::CaSt
        | Field::CaL
        | Field::CaO
        | Field::CaOu
        | Field::CaCn
        | Field::CaEmail
        | Field::CaDays
        | Field::CaCert
        | Field::CaKey
        | Field::CaPassphrase => Step::Ca,
        Field::Code => Step::Verification,
        Field::DeviceCn | Field::DeviceKeyType | Field::DeviceDays => Step::Device,
        Field::Csr => Step::Csr,
        Field::P12Password => Step::Pkcs12,
        Field::KeyPassphrase => Step::KeyExport,
        Field::InspectInput | Field::InspectCa | Field::InspectKey | Field::InspectPassphrase => {
            Step::Inspect
        }
        Field::BatchIds | Field::BatchKeyType | Field::BatchDays => Step::Batch,
    }
}

/// Whether step 1 makes a new CA or uses one the user has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaMode {
    /// Generate a CA key and certificate.
    #[default]
    Create,
    /// Paste or upload an existing CA certificate and key.
    Import,
}

/// The checkboxes of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    /// PKCS#12 in the compatible (3DES / SHA-1) format.
    P12Compat,
    /// Put the CA certificate in the PKCS#12 file.
    P12Chain,
    /// Show fingerprints as `AB:CD:...`.
    Colons,
}

/// The non-secret inputs, as typed; saved in localStorage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertsForm {
    /// Create or import the CA.
    pub ca_mode: CaMode,
    /// Key type of a new CA.
    pub ca_key_type: KeyChoice,
    /// Subject of a new CA.
    pub subject: SubjectForm,
    /// Validity of a new CA, in days, as typed.
    pub ca_days: String,
    /// The CA certificate to import (PEM text).
    pub ca_cert: String,
    /// The verification code from the console.
    pub code: String,
    /// The device's node id, used as CN.
    pub device_cn: String,
    /// Key type of a new device key.
    pub device_key_type: KeyChoice,
    /// Validity of device certificates, in days, as typed.
    pub device_days: String,
    /// A CSR to sign (PEM text).
    pub csr: String,
    /// PKCS#12 in the compatible format.
    pub p12_compat: bool,
    /// Include the CA certificate in the PKCS#12 file.
    pub p12_chain: bool,
    /// What to inspect (PEM text).
    pub inspect: String,
    /// A CA certificate to check the inspected certificates against.
    pub inspect_ca: String,
    /// Show fingerprints with colons.
    pub colons: bool,
    /// Node ids for a batch, as typed.
    pub batch_ids: String,
    /// Key type of batch devices.
    pub batch_key_type: KeyChoice,
    /// Validity of batch certificates, in days, as typed.
    pub batch_days: String,
}

impl Default for CertsForm {
    fn default() -> Self {
        Self {
            ca_mode: CaMode::Create,
            ca_key_type: KeyChoice::default(),
            subject: SubjectForm::default(),
            ca_days: DEFAULT_CA_DAYS.to_string(),
            ca_cert: String::new(),
            code: String::new(),
            device_cn: String::new(),
            device_key_type: KeyChoice::default(),
            device_days: DEFAULT_DEVICE_DAYS.to_string(),
            csr: String::new(),
            p12_compat: false,
            p12_chain: true,
            inspect: String::new(),
            inspect_ca: String::new(),
            colons: false,
            batch_ids: String::new(),
            batch_key_type: KeyChoice::default(),
            batch_days: DEFAULT_DEVICE_DAYS.to_string(),
        }
    }
}

/// The inputs that are never saved: keys, passphrases, passwords.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secrets {
    /// The CA key to import.
    pub ca_key: String,
    /// Its passphrase.
    pub ca_passphrase: String,
    /// PKCS#12 password.
    pub p12_password: String,
    /// Passphrase for the encrypted key export.
    pub key_passphrase: String,
    /// A key to check the inspected certificates against.
    pub inspect_key: String,
    /// Its passphrase.
    pub inspect_passphrase: String,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets([elided])")
    }
}

/// A binary (DER) file chosen for an input that otherwise takes PEM text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryFile {
    /// Its file name.
    pub name: String,
    /// Its bytes.
    pub bytes: Rc<[u8]>,
}

/// Where a job is, while it is not simply done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Sent to the worker.
    Running {
        /// The request id.
        id: u32,
        /// Items done and in all, for jobs that report progress.
        progress: Option<(u32, u32)>,
    },
    /// Failed for a reason not about one input.
    Failed(Said),
    /// Stopped by the user (or by a restart of the worker).
    Cancelled,
}

/// The CA the page holds (in memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldCa {
    /// Certificate, key and what the certificate says.
    pub issued: Issued,
    /// Made on this page: the user has no copy of the key until they
    /// download it.
    pub created: bool,
}

/// What the jobs returned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Results {
    /// The device CA.
    pub ca: Option<HeldCa>,
    /// The verification certificate and key.
    pub verification: Option<Issued>,
    /// The device certificate (with key and CSR when generated here).
    pub device: Option<Issued>,
    /// `deviceCert.p12`.
    pub p12: Option<Rc<[u8]>>,
    /// The device key, encrypted.
    pub encrypted_key: Option<String>,
    /// What the inspection found.
    pub inspected: Option<Vec<ItemView>>,
    /// The last batch.
    pub batch: Option<BatchResult>,
}

/// What a batch made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchResult {
    /// `devices.zip`.
    pub zip: Rc<[u8]>,
    /// `fingerprints.csv`.
    pub csv: String,
    /// How many devices.
    pub count: u32,
}

/// A map for a handful of entries, in insertion order. A `BTreeMap` per
/// value type would cost the page's wasm kilobytes for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmallMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: Copy + PartialEq, V> SmallMap<K, V> {
    /// The value under `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets the value under `key`.
    pub fn insert(&mut self, key: K, value: V) {
        self.remove(&key);
        self.0.push((key, value));
    }

    /// Removes the value under `key`.
    pub fn remove(&mut self, key: &K) {
        self.0.retain(|(k, _)| k != key);
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The values, to change them.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// Page state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertsState {
    /// Saved inputs.
    pub form: CertsForm,
    /// Unsaved inputs.
    pub secrets: Secrets,
    /// Binary files chosen for inputs (instead of their text).
    pub files: SmallMap<Field, BinaryFile>,
    /// Jobs running, failed or cancelled, by step.
    pub jobs: SmallMap<Step, JobState>,
    /// Errors shown next to inputs.
    pub errors: SmallMap<Field, Said>,
    /// What finished jobs returned.
    pub results: Results,
    /// The user was told that the CA step replaces the CA held, and may
    /// now confirm.
    pub replace_asked: bool,
}

/// A change to the page state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertsAction {
    /// A text input or select changed.
    Edit(Field, String),
    /// A checkbox changed.
    Check(Toggle, bool),
    /// Create or import the CA.
    Mode(CaMode),
    /// A file was chosen or dropped for `field`: its name and bytes.
    File(Field, String, Vec<u8>),
    /// The CA step was asked for while a CA is held: `true` asks the user
    /// to confirm replacing it, `false` keeps it.
    AskReplace(bool),
    /// A job was sent to the worker.
    Started(Step, u32),
    /// A job could not be sent: its inputs are incomplete.
    Rejected(Step, Vec<JobError>),
    /// A message from the worker.
    Worker(Response),
    /// The worker was stopped (Cancel): every running job is cancelled.
    Cancelled,
}

impl Reducible for CertsState {
    type Action = CertsAction;

    fn reduce(self: Rc<Self>, action: CertsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            CertsAction::Edit(field, value) => {
                next.errors.remove(&field);
                next.files.remove(&field);
                next.edit(field, value);
            }
            CertsAction::Check(toggle, on) => match toggle {
                Toggle::P12Compat => next.form.p12_compat = on,
                Toggle::P12Chain => next.form.p12_chain = on,
                Toggle::Colons => next.form.colons = on,
            },
            CertsAction::Mode(mode) => next.form.ca_mode = mode,
            CertsAction::File(field, name, bytes) => {
                next.errors.remove(&field);
                match text_of_file(bytes) {
                    Ok(text) => {
                        next.files.remove(&field);
                        next.edit(field, text);
                    }
                    Err(bytes) => {
                        next.edit(field, String::new());
                        next.files.insert(
                            field,
                            BinaryFile {
                                name,
                                bytes: bytes.into(),
                            },
                        );
                    }
                }
            }
            CertsAction::AskReplace(ask) => next.replace_asked = ask,
            CertsAction::Started(step, id) => {
                next.clear_step(step);
                next.jobs
                    .insert(step, JobState::Running { id, progress: None });
                // A CA is only replaced once a new one is there: losing its
                // key to a failed attempt would hurt.
                if step != Step::Ca {
                    next.results.clear(step);
                }
            }
            CertsAction::Rejected(step, errors) => {
                next.clear_step(step);
                next.fail(step, errors);
            }
            CertsAction::Worker(response) => next.receive(response),
            CertsAction::Cancelled => {
                for state in next.jobs.values_mut() {
                    if matches!(state, JobState::Running { .. }) {
                        *state = JobState::Cancelled;
                    }
                }
            }
        }
        // Once a new CA is held, replacing it asks again.
        if next.results.ca != self.results.ca {
            next.replace_asked = false;
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// A file's text if it is UTF-8 without NUL bytes (PEM), else its bytes.
fn text_of_file(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if bytes.contains(&0) {
        return Err(bytes);
    }
    String::from_utf8(bytes).map_err(|e| e.into_bytes())
}

/// The text, unless it holds a private key (which must not be saved).
fn without_keys(text: &str) -> String {
    if text.contains("PRIVATE KEY") {
        String::new()
    } else {
        text.to_owned()
    }
}

impl Results {
    fn clear(&mut self, step: Step) {
        match step {
            Step::Ca => {
                *self = Self {
                    inspected: self.inspected.take(),
                    ..Self::default()
                }
            }
            Step::Verification => self.verification = None,
            Step::Device | Step::Csr => {
                self.device = None;
                self.p12 = None;
                self.encrypted_key = None;
            }
            Step::Pkcs12 => self.p12 = None,
            Step::KeyExport => self.encrypted_key = None,
            Step::Inspect => self.inspected = None,
            Step::Batch => self.batch = None,
        }
    }
}

/// `AB12CD` as `AB:12:CD` (OpenSSL's form).
pub fn with_colons(hex: &str) -> String {
    let mut out = String::with_capacity(hex.len() * 3 / 2);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(':');
        }
        out.push(c);
    }
    out
}

/// The CN of a subject in OpenSSL oneline form (`/O=x/CN=name`), if any.
pub fn common_name(subject: &str) -> Option<&str> {
    let start = subject.rfind("/CN=")? + 4;
    let rest = &subject[start..];
    Some(rest.split('/').next().unwrap_or(rest))
}

fn days(field: Field, text: &str) -> Result<u32, JobError> {
    match text.trim().parse::<u32>() {
        Ok(days) if days > 0 => Ok(days),
        _ => Err(JobError::at(
            field,
            Said::new(said::DAYS).with("text", format!("{text:?}")),
        )),
    }
}

impl CertsState {
    /// Whether running `step` must first ask the user: the CA step replaces
    /// a CA that is held (and that certificates may have been issued from)
    /// and the user has not been asked yet.
    pub fn must_ask_before(&self, step: Step) -> bool {
        step == Step::Ca && self.results.ca.is_some() && !self.replace_asked
    }

    /// State from a saved form, if any.
    pub fn restore(saved: Option<CertsForm>) -> Self {
        Self {
            form: saved.unwrap_or_default(),
            ..Self::default()
        }
    }

    /// State from the saved form and the public parts of the certificates
    /// held before (a reload, a profile): each is shown with its
    /// fingerprints and can be downloaded again; their keys are gone with
    /// the tab that held them.
    pub fn from_saved(form: CertsForm, issued: &IssuedPublic) -> Self {
        let mut state = Self::restore(Some(form));
        state.results.ca = issued.ca.as_ref().map(|ca| HeldCa {
            issued: ca.held(),
            created: false,
        });
        state.results.verification = issued.verification.as_ref().map(PublicCert::held);
        state.results.device = issued.device.as_ref().map(PublicCert::held);
        state
    }

    /// The public parts of the certificates held, as they are saved.
    pub fn issued_public(&self) -> IssuedPublic {
        IssuedPublic {
            ca: self
                .results
                .ca
                .as_ref()
                .map(|ca| PublicCert::from(&ca.issued)),
            verification: self.results.verification.as_ref().map(PublicCert::from),
            device: self.results.device.as_ref().map(PublicCert::from),
        }
    }

    /// The form as it may be stored: text that holds a private key is left
    /// out (it may be pasted into the certificate or inspect boxes).
    pub fn saved(&self) -> CertsForm {
        let mut form = self.form.clone();
        for text in [
            &mut form.ca_cert,
            &mut form.csr,
            &mut form.inspect,
            &mut form.inspect_ca,
        ] {
            *text = without_keys(text);
        }
        form
    }

    /// The text of `field` (empty for a field that has a binary file).
    pub fn text(&self, field: Field) -> &str {
        let (form, secrets) = (&self.form, &self.secrets);
        match field {
            Field::CaKeyType => form.ca_key_type.name(),
            Field::CaC => &form.subject.c,
            Field::CaSt => &form.subject.st,
            Field::CaL => &form.subject.l,
            Field::CaO => &form.subject.o,
            Field::CaOu => &form.subject.ou,
            Field::CaCn => &form.subject.cn,
            Field::CaEmail => &form.subject.email,
            Field::CaDays => &form.ca_days,
            Field::CaCert => &form.ca_cert,
            Field::CaKey => &secrets.ca_key,
            Field::CaPassphrase => &secrets.ca_passphrase,
            Field::Code => &form.code,
            Field::DeviceCn => &form.device_cn,
            Field::DeviceKeyType => form.device_key_type.name(),
            Field::DeviceDays => &form.device_days,
            Field::Csr => &form.csr,
            Field::P12Password => &secrets.p12_password,
            Field::KeyPassphrase => &secrets.key_passphrase,
            Field::InspectInput => &form.inspect,
            Field::InspectCa => &form.inspect_ca,
            Field::InspectKey => &secrets.inspect_key,
            Field::InspectPassphrase => &secrets.inspect_passphrase,
            Field::BatchIds => &form.batch_ids,
            Field::BatchKeyType => form.batch_key_type.name(),
            Field::BatchDays => &form.batch_days,
        }
    }

    fn edit(&mut self, field: Field, value: String) {
        let (form, secrets) = (&mut self.form, &mut self.secrets);
        let slot = match field {
            Field::CaKeyType | Field::DeviceKeyType | Field::BatchKeyType => {
                if let Some(choice) = KeyChoice::from_name(&value) {
                    *match field {
                        Field::CaKeyType => &mut form.ca_key_type,
                        Field::DeviceKeyType => &mut form.device_key_type,
                        _ => &mut form.batch_key_type,
                    } = choice;
                }
                return;
            }
            Field::CaC => &mut form.subject.c,
            Field::CaSt => &mut form.subject.st,
            Field::CaL => &mut form.subject.l,
            Field::CaO => &mut form.subject.o,
            Field::CaOu => &mut form.subject.ou,
            Field::CaCn => &mut form.subject.cn,
            Field::CaEmail => &mut form.subject.email,
            Field::CaDays => &mut form.ca_days,
            Field::CaCert => &mut form.ca_cert,
            Field::CaKey => &mut secrets.ca_key,
            Field::CaPassphrase => &mut secrets.ca_passphrase,
            Field::Code => &mut form.code,
            Field::DeviceCn => &mut form.device_cn,
            Field::DeviceDays => &mut form.device_days,
            Field::Csr => &mut form.csr,
            Field::P12Password => &mut secrets.p12_password,
            Field::KeyPassphrase => &mut secrets.key_passphrase,
            Field::InspectInput => &mut form.inspect,
            Field::InspectCa => &mut form.inspect_ca,
            Field::InspectKey => &mut secrets.inspect_key,
            Field::InspectPassphrase => &mut secrets.inspect_passphrase,
            Field::BatchIds => &mut form.batch_ids,
            Field::BatchDays => &mut form.batch_days,
        };
        *slot = value;
    }

    /// The input of `field` as the worker takes it: its binary file, or
    /// its text (`None` when blank, for optional inputs).
    fn data(&self, field: Field) -> Option<Data> {
        if let Some(file) = self.files.get(&field) {
            return Some(Data::Bytes(file.bytes.to_vec()));
        }
        let text = self.text(field);
        (!text.trim().is_empty()).then(|| Data::Text(text.to_owned()))
    }

    /// Whether `field` has a file or non-blank text.
    pub fn data_given(&self, field: Field) -> bool {
        self.data(field).is_some()
    }

    /// A required input: empty text goes to the worker, whose error
    /// ("the input is empty: paste PEM text or choose a file") is shown.
    fn required(&self, field: Field) -> Data {
        self.data(field)
            .unwrap_or_else(|| Data::Text(String::new()))
    }

    fn secret(&self, field: Field) -> Option<Secret> {
        Some(self.text(field))
            .filter(|s| !s.is_empty())
            .map(Secret::from)
    }

    /// The CA, for jobs that sign.
    pub fn ca_pems(&self) -> Result<CaPems, JobError> {
        let ca = self
            .results
            .ca
            .as_ref()
            .ok_or_else(|| JobError::general(Said::new(said::NO_CA)))?;
        let key_pem = ca
            .issued
            .key_pem
            .clone()
            .ok_or_else(|| JobError::general(Said::new(said::CA_NO_KEY)))?;
        Ok(CaPems {
            cert_pem: ca.issued.cert_pem.clone(),
            key_pem,
        })
    }

    /// The device certificate and its key, for the exports.
    fn device_with_key(&self) -> Result<(&Issued, Secret), JobError> {
        let device = self
            .results
            .device
            .as_ref()
            .ok_or_else(|| JobError::general(Said::new(said::NO_DEVICE)))?;
        let key = device
            .key_pem
            .clone()
            .ok_or_else(|| JobError::general(Said::new(said::FROM_CSR)))?;
        Ok((device, key))
    }

    /// The job a press on `step`'s button starts, or why it cannot start.
    pub fn job(&self, step: Step) -> Result<Job, Vec<JobError>> {
        let form = &self.form;
        let job = match step {
            Step::Ca => match form.ca_mode {
                CaMode::Create => Job::CreateCa {
                    key_type: form.ca_key_type,
                    subject: form.subject.clone(),
                    days: days(Field::CaDays, &form.ca_days).map_err(|e| vec![e])?,
                },
                CaMode::Import => Job::ImportCa {
                    cert: self.required(Field::CaCert),
                    key: self.required(Field::CaKey),
                    passphrase: self.secret(Field::CaPassphrase),
                },
            },
            Step::Verification => Job::Verification {
                ca: self.ca_pems().map_err(|e| vec![e])?,
                code: form.code.trim().to_owned(),
                days: DEFAULT_VERIFICATION_DAYS,
            },
            Step::Device => {
                let ca = self.ca_pems();
                let cn = form.device_cn.trim();
                let cn_error = cn
                    .is_empty()
                    .then(|| JobError::at(Field::DeviceCn, Said::new(said::NODE_ID)));
                let days = days(Field::DeviceDays, &form.device_days);
                let errors: Vec<JobError> = [ca.clone().err(), cn_error, days.clone().err()]
                    .into_iter()
                    .flatten()
                    .collect();
                match (ca, days) {
                    (Ok(ca), Ok(days)) if errors.is_empty() => Job::Device {
                        ca,
                        common_name: cn.to_owned(),
                        key_type: form.device_key_type,
                        days,
                    },
                    _ => return Err(errors),
                }
            }
            Step::Csr => Job::SignCsr {
                ca: self.ca_pems().map_err(|e| vec![e])?,
                csr: self.required(Field::Csr),
                days: days(Field::DeviceDays, &form.device_days).map_err(|e| vec![e])?,
            },
            Step::Pkcs12 => {
                let (device, key_pem) = self.device_with_key().map_err(|e| vec![e])?;
                let chain_pem = form
                    .p12_chain
                    .then(|| {
                        self.results
                            .ca
                            .as_ref()
                            .map(|ca| ca.issued.cert_pem.clone())
                    })
                    .flatten();
                Job::Pkcs12 {
                    key_pem,
                    cert_pem: device.cert_pem.clone(),
                    chain_pem,
                    password: Secret::from(self.secrets.p12_password.as_str()),
                    compat: form.p12_compat,
                    friendly_name: common_name(&device.view.subject)
                        .unwrap_or_default()
                        .to_owned(),
                }
            }
            Step::KeyExport => Job::EncryptKey {
                key_pem: self.device_with_key().map_err(|e| vec![e])?.1,
                passphrase: Secret::from(self.secrets.key_passphrase.as_str()),
            },
            Step::Inspect => Job::Inspect {
                input: self.required(Field::InspectInput),
                ca: self.data(Field::InspectCa),
                key: self.data(Field::InspectKey),
                key_passphrase: self.secret(Field::InspectPassphrase),
            },
            Step::Batch => Job::Batch {
                ca: self.ca_pems().map_err(|e| vec![e])?,
                node_ids: form.batch_ids.clone(),
                key_type: form.batch_key_type,
                days: days(Field::BatchDays, &form.batch_days).map_err(|e| vec![e])?,
            },
        };
        Ok(job)
    }

    /// The job state of `step`, if it is not idle.
    pub fn job_state(&self, step: Step) -> Option<&JobState> {
        self.jobs.get(&step)
    }

    /// Items done and in all of `step`'s running job, once it reported.
    pub fn progress(&self, step: Step) -> Option<(u32, u32)> {
        match self.jobs.get(&step) {
            Some(JobState::Running { progress, .. }) => *progress,
            _ => None,
        }
    }

    /// Whether a job of `step` is running.
    pub fn running(&self, step: Step) -> bool {
        matches!(self.jobs.get(&step), Some(JobState::Running { .. }))
    }

    /// The error to show next to `field`.
    pub fn error(&self, field: Field) -> Option<Said> {
        self.errors.get(&field).cloned()
    }

    fn clear_step(&mut self, step: Step) {
        self.errors.retain(|field| step_of(*field) != step);
        self.jobs.remove(&step);
    }

    fn fail(&mut self, step: Step, errors: Vec<JobError>) {
        let mut general = Vec::new();
        for error in errors {
            match error.field {
                Some(field) => {
                    self.errors.insert(field, error.message);
                }
                None => general.push(error.message),
            }
        }
        if !general.is_empty() {
            if let Some(m) = crate::messages::joined(general) {
                self.jobs.insert(step, JobState::Failed(m));
            }
        }
    }

    fn step_of_job(&self, id: u32) -> Option<Step> {
        self.jobs.iter().find_map(|(step, state)| match state {
            JobState::Running { id: running, .. } if *running == id => Some(*step),
            _ => None,
        })
    }

    fn receive(&mut self, response: Response) {
        match response {
            Response::Ready => {}
            Response::Progress { id, done, total } => {
                if let Some(step) = self.step_of_job(id) {
                    self.jobs.insert(
                        step,
                        JobState::Running {
                            id,
                            progress: Some((done, total)),
                        },
                    );
                }
            }
            // The worker itself failed: every job it had is lost.
            Response::Failed { id: 0, errors } => {
                let message = crate::messages::joined(errors.into_iter().map(|e| e.message))
                    .unwrap_or_else(|| Said::new(said::WORKER_FAILED));
                for state in self.jobs.values_mut() {
                    if matches!(state, JobState::Running { .. }) {
                        *state = JobState::Failed(message.clone());
                    }
                }
            }
            Response::Failed { id, errors } => {
                if let Some(step) = self.step_of_job(id) {
                    self.jobs.remove(&step);
                    self.fail(step, errors);
                }
            }
            Response::Done { id, result } => {
                if let Some(step) = self.step_of_job(id) {
                    self.jobs.remove(&step);
                    self.apply(step, *result);
                }
            }
        }
    }

    fn apply(&mut self, step: Step, outcome: Outcome) {
        let results = &mut self.results;
        match (step, outcome) {
            (Step::Ca, Outcome::Ca { ca, created }) => {
                results.clear(Step::Ca);
                results.ca = Some(HeldCa {
                    issued: ca,
                    created,
                });
            }
            (Step::Verification, Outcome::Issued(issued)) => results.verification = Some(issued),
            (Step::Device | Step::Csr, Outcome::Issued(issued)) => {
                results.clear(step);
                results.device = Some(issued);
            }
            (Step::Pkcs12, Outcome::Pkcs12 { bytes }) => results.p12 = Some(bytes.into()),
            (Step::KeyExport, Outcome::EncryptedKey { pem }) => results.encrypted_key = Some(pem),
            (Step::Inspect, Outcome::Inspected { items }) => results.inspected = Some(items),
            (Step::Batch, Outcome::Batch { zip, csv, count }) => {
                results.batch = Some(BatchResult {
                    zip: zip.into(),
                    csv,
                    count,
                })
            }
            (step, _) => {
                self.jobs
                    .insert(step, JobState::Failed(Said::new(said::WRONG_RESULT)));
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;
    use crate::messages::plain;
    use crate::worker::protocol::CertView;

    fn apply(state: CertsState, actions: Vec<CertsAction>) -> CertsState {
        let mut rc = Rc::new(state);
        for a in actions {
            rc = rc.reduce(a);
        }
        (*rc).clone()
    }

    fn view(subject: &str) -> CertView {
        CertView {
            subject: subject.into(),
            issuer: "/CN=Root".into(),
            serial: "01".into(),
            not_before: "2026-11-28T00:00:00Z".into(),
            not_after: "2028-04-11T00:00:00Z".into(),
            key: "ECDSA P-256".into(),
            signature_algorithm: "ecdsa-with-SHA256".into(),
            is_ca: false,
            self_signed: false,
            sha256: "AB".repeat(32),
            sha1: "CD".repeat(20),
            expired: false,
            not_yet_valid: false,
            expires_soon: false,
        }
    }

    /// A certificate for tests: `CERT {subject}`, with `key` if given.
    pub(crate) fn issued(subject: &str, key: Option<&str>) -> Issued {
        Issued {
            cert_pem: format!("CERT {subject}"),
            view: view(subject),
            key_pem: key.map(Secret::from),
            csr_pem: None,
        }
    }

    fn done(id: u32, result: Outcome) -> CertsAction {
        CertsAction::Worker(Response::Done {
            id,
            result: Box::new(result),
        })
    }

    fn ca_outcome() -> Outcome {
        Outcome::Ca {
            ca: issued("/CN=Root", Some("CA KEY")),
            created: true,
        }
    }

    /// A state holding a CA (job 1) and a device certificate (job 2).
    fn with_ca_and_device() -> CertsState {
        apply(
            CertsState::default(),
            vec![
                CertsAction::Started(Step::Ca, 1),
                done(1, ca_outcome()),
                CertsAction::Started(Step::Device, 2),
                done(2, Outcome::Issued(issued("/CN=node-1", Some("DEVICE KEY")))),
            ],
        )
    }

    #[test]
    fn replacing_a_held_ca_is_asked_first() {
        assert!(!CertsState::default().must_ask_before(Step::Ca));
        let s = with_ca_and_device();
        assert!(s.must_ask_before(Step::Ca));
        assert!(!s.must_ask_before(Step::Device));
        let asked = apply(s.clone(), vec![CertsAction::AskReplace(true)]);
        assert!(!asked.must_ask_before(Step::Ca));
        let kept = apply(asked.clone(), vec![CertsAction::AskReplace(false)]);
        assert!(kept.must_ask_before(Step::Ca));
        assert_eq!(kept.results, s.results);
        // A failed attempt does not ask again; a new CA held does.
        let started = apply(asked, vec![CertsAction::Started(Step::Ca, 9)]);
        assert!(!started.must_ask_before(Step::Ca));
        let new_ca = Outcome::Ca {
            ca: issued("/CN=Root 2", Some("CA KEY 2")),
            created: true,
        };
        let replaced = apply(started, vec![done(9, new_ca)]);
        assert!(replaced.must_ask_before(Step::Ca));
    }

    #[test]
    fn the_saved_public_parts_hold_certificates_and_never_keys() {
        let s = with_ca_and_device();
        let public = s.issued_public();
        assert_eq!(public.ca.as_ref().unwrap().cert_pem, "CERT /CN=Root");
        assert_eq!(public.device.as_ref().unwrap().view.subject, "/CN=node-1");
        assert_eq!(public.verification, None);
        let json = serde_json::to_string(&public).unwrap();
        assert!(!json.contains("KEY"), "{json}");
        let back: IssuedPublic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, public);
        assert_eq!(
            serde_json::from_str::<IssuedPublic>("{}").unwrap(),
            IssuedPublic::default()
        );
    }

    #[test]
    fn a_reload_shows_the_saved_certificates_without_their_keys() {
        let made = with_ca_and_device();
        let public = made.issued_public();
        let reloaded = CertsState::from_saved(made.saved(), &public);
        assert_eq!(reloaded.issued_public(), public);
        assert_eq!(reloaded.form, made.saved());
        let ca = reloaded.results.ca.as_ref().expect("the CA is shown");
        assert_eq!((ca.issued.key_pem.is_none(), ca.created), (true, false));
        let device = reloaded.results.device.as_ref().expect("the device");
        assert_eq!(device.view.sha256, "AB".repeat(32));
        assert!(device.key_pem.is_none());
        assert_eq!(
            CertsState::from_saved(CertsForm::default(), &IssuedPublic::default()),
            CertsState::restore(None)
        );
    }

    #[test]
    fn memory_gives_the_page_back_without_its_running_jobs() {
        let memory = CertsMemory::default();
        assert_eq!(memory.get(), None);
        let s = apply(
            with_ca_and_device(),
            vec![
                CertsAction::Started(Step::Inspect, 3),
                CertsAction::Rejected(Step::Batch, vec![JobError::general(plain("no ids"))]),
                CertsAction::Edit(Field::P12Password, "pw".into()),
            ],
        );
        memory.set(&s);
        let back = memory.get().unwrap();
        assert_eq!(back.results, s.results);
        assert_eq!(back.text(Field::P12Password), "pw");
        assert_eq!(back.jobs.get(&Step::Inspect), None);
        assert!(back.jobs.get(&Step::Batch).is_some());
        assert_eq!(format!("{memory:?}"), "CertsMemory([elided])");
        memory.clear();
        assert_eq!(memory.get(), None);
    }

    #[test]
    fn editing_sets_fields_and_clears_their_errors() {
        let s = apply(
            CertsState::default(),
            vec![
                CertsAction::Rejected(Step::Ca, vec![JobError::at(Field::CaDays, plain("bad"))]),
                CertsAction::Edit(Field::CaDays, "365".into()),
                CertsAction::Edit(Field::CaCn, "Root".into()),
                CertsAction::Edit(Field::CaKeyType, "rsa4096".into()),
                CertsAction::Edit(Field::DeviceKeyType, "nonsense".into()),
                CertsAction::Edit(Field::P12Password, "pw".into()),
            ],
        );
        assert_eq!(s.form.ca_days, "365");
        assert_eq!(s.text(Field::CaCn), "Root");
        assert_eq!(s.form.ca_key_type, KeyChoice::Rsa4096);
        assert_eq!(s.form.device_key_type, KeyChoice::Rsa2048);
        assert_eq!(s.text(Field::P12Password), "pw");
        assert_eq!(s.error(Field::CaDays), None);
    }

    #[test]
    fn text_files_fill_the_box_and_binary_files_are_kept_aside() {
        let s = apply(
            CertsState::default(),
            vec![CertsAction::File(
                Field::InspectInput,
                "a.pem".into(),
                b"-----BEGIN CERTIFICATE-----".to_vec(),
            )],
        );
        assert_eq!(s.form.inspect, "-----BEGIN CERTIFICATE-----");
        assert!(s.files.is_empty());

        let s = apply(
            s,
            vec![CertsAction::File(
                Field::InspectInput,
                "a.der".into(),
                vec![0x30, 0x82, 0x00, 0xff],
            )],
        );
        assert_eq!(s.form.inspect, "");
        assert_eq!(s.files.get(&Field::InspectInput).unwrap().name, "a.der");
        let Ok(Job::Inspect { input, ca, .. }) = s.job(Step::Inspect) else {
            panic!("no inspect job")
        };
        assert_eq!(input, Data::Bytes(vec![0x30, 0x82, 0x00, 0xff]));
        assert_eq!(ca, None);

        // Typing replaces the file.
        let s = apply(s, vec![CertsAction::Edit(Field::InspectInput, "x".into())]);
        assert!(s.files.is_empty());
    }

    #[test]
    fn only_non_secret_text_is_saved() {
        let s = apply(
            CertsState::default(),
            vec![
                CertsAction::Edit(Field::CaKey, "-----BEGIN PRIVATE KEY-----".into()),
                CertsAction::Edit(Field::CaPassphrase, "pw".into()),
                CertsAction::Edit(Field::Code, "0123".into()),
                CertsAction::Edit(Field::CaCert, "-----BEGIN CERTIFICATE-----".into()),
                CertsAction::Edit(
                    Field::InspectInput,
                    "cert\n-----BEGIN EC PRIVATE KEY-----".into(),
                ),
                CertsAction::Check(Toggle::P12Compat, true),
            ],
        );
        let saved = s.saved();
        let json = serde_json::to_string(&saved).unwrap();
        assert!(
            !json.contains("PRIVATE KEY") && !json.contains("\"pw\""),
            "{json}"
        );
        assert_eq!(saved.code, "0123");
        assert_eq!(saved.ca_cert, "-----BEGIN CERTIFICATE-----");
        assert_eq!(saved.inspect, "");
        let back: CertsForm = serde_json::from_str(&json).unwrap();
        assert_eq!(CertsState::restore(Some(back)).form, saved);
        assert!(format!("{s:?}").contains("Secrets([elided])"));
    }

    #[test]
    fn old_or_partial_saved_forms_still_load() {
        let form: CertsForm = serde_json::from_str(r#"{"code":"x","ca_key_type":"p384"}"#).unwrap();
        assert_eq!(form.code, "x");
        assert_eq!(form.ca_key_type, KeyChoice::P384);
        assert_eq!(form.ca_days, "1024");
        assert_eq!(form.device_days, "500");
        assert!(form.p12_chain);
    }

    #[test]
    fn jobs_check_days_and_the_ca_before_they_start() {
        let mut s = CertsState::default();
        s.form.ca_days = "ten".into();
        let errors = s.job(Step::Ca).unwrap_err();
        assert_eq!(errors[0].field, Some(Field::CaDays));
        assert!(
            errors[0].message.to_string().contains("\"ten\""),
            "{errors:?}"
        );
        s.form.ca_days = "0".into();
        assert!(s.job(Step::Ca).is_err());

        let errors = s.job(Step::Verification).unwrap_err();
        assert_eq!(errors[0].field, None);
        assert!(
            errors[0].message.to_string().contains("step 1"),
            "{errors:?}"
        );

        s.form.device_days = "-1".into();
        let errors = s.job(Step::Device).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![None, Some(Field::DeviceCn), Some(Field::DeviceDays)]
        );

        let s = apply(s, vec![CertsAction::Rejected(Step::Device, errors)]);
        assert!(s
            .error(Field::DeviceCn)
            .unwrap()
            .to_string()
            .contains("node ID"));
        assert_eq!(
            s.job_state(Step::Device),
            Some(&JobState::Failed(Said::new(said::NO_CA)))
        );
    }

    #[test]
    fn jobs_carry_the_inputs_and_the_held_ca() {
        let mut s = with_ca_and_device();
        s.form.device_cn = "  node-9 ".into();
        s.form.code = " abc\n".into();
        let ca = CaPems {
            cert_pem: "CERT /CN=Root".into(),
            key_pem: Secret::from("CA KEY"),
        };
        assert_eq!(
            s.job(Step::Device).unwrap(),
            Job::Device {
                ca: ca.clone(),
                common_name: "node-9".into(),
                key_type: KeyChoice::Rsa2048,
                days: 500,
            }
        );
        assert_eq!(
            s.job(Step::Verification).unwrap(),
            Job::Verification {
                ca,
                code: "abc".into(),
                days: 500,
            }
        );
        s.secrets.p12_password = "pw".into();
        let Job::Pkcs12 {
            chain_pem,
            friendly_name,
            key_pem,
            ..
        } = s.job(Step::Pkcs12).unwrap()
        else {
            panic!("not a PKCS#12 job")
        };
        assert_eq!(chain_pem.as_deref(), Some("CERT /CN=Root"));
        assert_eq!(friendly_name, "node-1");
        assert_eq!(key_pem.expose(), "DEVICE KEY");

        s.form.ca_mode = CaMode::Import;
        s.secrets.ca_key = "KEY".into();
        assert_eq!(
            s.job(Step::Ca).unwrap(),
            Job::ImportCa {
                cert: Data::Text(String::new()),
                key: Data::Text("KEY".into()),
                passphrase: None,
            }
        );
    }

    #[test]
    fn exports_need_a_device_key() {
        let s = apply(
            with_ca_and_device(),
            vec![
                CertsAction::Started(Step::Csr, 3),
                done(3, Outcome::Issued(issued("/CN=from-csr", None))),
            ],
        );
        let errors = s.job(Step::KeyExport).unwrap_err();
        assert!(
            errors[0].message.to_string().contains("signed from a CSR"),
            "{errors:?}"
        );
        assert!(CertsState::default().job(Step::Pkcs12).is_err());
    }

    #[test]
    fn worker_answers_land_on_their_step() {
        let s = apply(
            CertsState::default(),
            vec![
                CertsAction::Started(Step::Ca, 1),
                CertsAction::Started(Step::Inspect, 2),
            ],
        );
        assert!(s.running(Step::Ca) && s.running(Step::Inspect));
        assert_eq!(s.progress(Step::Ca), None);
        let s = apply(
            s,
            vec![
                CertsAction::Worker(Response::Failed {
                    id: 2,
                    errors: vec![JobError::at(
                        Field::InspectInput,
                        plain("no PEM block found"),
                    )],
                }),
                done(1, ca_outcome()),
                // A late answer to a job nobody waits for changes nothing.
                done(99, ca_outcome()),
            ],
        );
        assert_eq!(s.job_state(Step::Inspect), None);
        assert_eq!(
            s.error(Field::InspectInput),
            Some(plain("no PEM block found"))
        );
        assert!(s.results.ca.as_ref().unwrap().created);
        assert_eq!(s.job_state(Step::Ca), None);

        // A wrong kind of result is an error, not a crash.
        let s = apply(
            s,
            vec![
                CertsAction::Started(Step::KeyExport, 5),
                done(5, Outcome::Pkcs12 { bytes: vec![1] }),
            ],
        );
        assert!(matches!(
            s.job_state(Step::KeyExport),
            Some(JobState::Failed(_))
        ));
    }

    #[test]
    fn a_new_ca_drops_what_the_old_one_signed() {
        let s = apply(
            with_ca_and_device(),
            vec![
                CertsAction::Started(Step::Inspect, 3),
                done(3, Outcome::Inspected { items: vec![] }),
                CertsAction::Started(Step::Ca, 4),
            ],
        );
        // Until the new CA is there, the old one and its results stay.
        assert!(s.results.ca.is_some() && s.results.device.is_some());
        let s = apply(s, vec![done(4, ca_outcome())]);
        assert!(s.results.device.is_none());
        assert!(s.results.ca.is_some());
        assert_eq!(s.results.inspected, Some(vec![]));
    }

    #[test]
    fn cancel_and_worker_failure_end_running_jobs() {
        let s = apply(
            CertsState::default(),
            vec![
                CertsAction::Started(Step::Ca, 1),
                CertsAction::Started(Step::Inspect, 2),
                CertsAction::Cancelled,
            ],
        );
        assert_eq!(s.job_state(Step::Ca), Some(&JobState::Cancelled));
        assert_eq!(s.job_state(Step::Inspect), Some(&JobState::Cancelled));
        let s = apply(
            s,
            vec![
                CertsAction::Started(Step::Device, 3),
                CertsAction::Worker(Response::worker_failed(plain(
                    "the certificate worker failed: boom",
                ))),
            ],
        );
        assert_eq!(
            s.job_state(Step::Device),
            Some(&JobState::Failed(plain(
                "the certificate worker failed: boom"
            )))
        );
        assert_eq!(s.job_state(Step::Ca), Some(&JobState::Cancelled));
    }

    #[test]
    fn fingerprint_and_subject_helpers() {
        assert_eq!(with_colons("AB12CD"), "AB:12:CD");
        assert_eq!(with_colons(""), "");
        assert_eq!(common_name("/C=CN/CN=node-1"), Some("node-1"));
        assert_eq!(common_name("/CN=a/emailAddress=x@y.z"), Some("a"));
        assert_eq!(common_name("/O=x"), None);
    }

    #[test]
    fn unchanged_state_keeps_its_rc() {
        let rc = Rc::new(CertsState::default());
        let same = rc.clone().reduce(CertsAction::Mode(CaMode::Create));
        assert!(Rc::ptr_eq(&rc, &same));
    }

    #[test]
    fn batch_progress_and_result() {
        let mut s = with_ca_and_device();
        s.form.batch_ids = "a\nb\n".into();
        s.form.batch_key_type = KeyChoice::P384;
        let Ok(Job::Batch {
            node_ids,
            key_type,
            days,
            ..
        }) = s.job(Step::Batch)
        else {
            panic!("no batch job")
        };
        assert_eq!(
            (node_ids.as_str(), key_type, days),
            ("a\nb\n", KeyChoice::P384, 500)
        );
        let progress = |done| {
            CertsAction::Worker(Response::Progress {
                id: 9,
                done,
                total: 2,
            })
        };
        let s = apply(
            s,
            vec![
                CertsAction::Started(Step::Batch, 9),
                progress(0),
                progress(1),
            ],
        );
        assert_eq!(s.progress(Step::Batch), Some((1, 2)));
        assert!(s.running(Step::Batch));
        let s = apply(
            s,
            vec![done(
                9,
                Outcome::Batch {
                    zip: vec![1, 2],
                    csv: "node_id,fingerprint\n".into(),
                    count: 2,
                },
            )],
        );
        let batch = s.results.batch.as_ref().unwrap();
        assert_eq!((&*batch.zip, batch.count), (&[1u8, 2][..], 2));
        assert_eq!(s.progress(Step::Batch), None);

        // Cancel: the batch stops, marked cancelled.
        let s = apply(
            s,
            vec![
                CertsAction::Started(Step::Batch, 10),
                CertsAction::Cancelled,
            ],
        );
        assert_eq!(s.job_state(Step::Batch), Some(&JobState::Cancelled));
        assert!(s.results.batch.is_none());
        assert!(CertsState::default().job(Step::Batch).is_err());
    }
}
