//! The worker's job runner: maps each [`Job`] onto `iotda_core::pki` and
//! says which input an error is about.
//!
//! Pure like the core: the caller passes the time (`now`, Unix seconds),
//! the RNG and a [`KeySource`] for RSA keys, so every job is tested
//! natively. Only the worker binary calls [`handle`], which keeps the PKI
//! library out of the page's wasm.
//!
//! New RSA keys come from the [`KeySource`] first (the worker's is the
//! browser's WebCrypto, several times faster than our generator in wasm)
//! and from our own generator when it has none or gives something that is
//! not the key asked for; the source is told why ([`KeySource::fell_back`]).
//! ECDSA keys are always ours: they take milliseconds.

use crate::messages::keys::pki_job as said;
use crate::messages::Msg;
use std::future::Future;

use iotda_core::pki::batch::{fingerprints_csv, issue_device_with_key, parse_node_ids};
use iotda_core::pki::{
    self, CertInfo, Certificate, Error as PkiError, FingerprintAlg, Item, KeyType, P12Mode,
    PrivateKey, Subject, Validity,
};
use iotda_core::text::{Message, Say as Words};
use iotda_core::zip::{ZipWriter, MODE_SECRET};
use pki::rand_core::CryptoRng;

use super::protocol::{
    CaPems, CertView, Check, Data, Field, Issued, ItemView, Job, JobError, KeyChoice, KeySlot,
    LockedKey, Outcome, ProfileKeys, Request, Response, Secret, SubjectForm, UnlockError,
};

/// New certificates start this many seconds in the past, so that a device
/// whose clock runs a little behind still accepts them.
pub const BACKDATE_SECONDS: i64 = 300;

type JobResult<T = Outcome> = Result<T, Vec<JobError>>;

/// Where new RSA keys come from before our own generator makes them.
pub trait KeySource {
    /// A fresh RSA key of `bits` as PKCS#8 `PrivateKeyInfo` DER, or why
    /// there is none. `then` more of the same will be asked for right
    /// after (a batch's devices), for a source that can make them ahead.
    fn rsa_pkcs8(
        &mut self,
        bits: u32,
        then: usize,
    ) -> impl Future<Output = Result<Vec<u8>, Message>>;

    /// Our own generator made the key instead, for the reason `why`.
    fn fell_back(&mut self, why: Message);
}

/// A new key of `key_type`: an RSA key from `keys` when it gives one of
/// that size, else (and for ECDSA) one from our generator. `then`: as in
/// [`KeySource::rsa_pkcs8`].
async fn new_key<R: CryptoRng + ?Sized, K: KeySource>(
    key_type: KeyType,
    then: usize,
    rng: &mut R,
    keys: &mut K,
) -> Result<PrivateKey, PkiError> {
    if key_type.is_rsa() {
        let given = keys.rsa_pkcs8(key_type.bits(), then).await.and_then(|der| {
            let key = PrivateKey::from_der(&der).map_err(|e| e.message())?;
            if key.key_type() == Some(key_type) {
                Ok(key)
            } else {
                Err(Message::new(said::NOT_ASKED_FOR)
                    .with("made", key.description())
                    .with("asked", key_type.description()))
            }
        });
        match given {
            Ok(key) => return Ok(key),
            Err(why) => keys.fell_back(why),
        }
    }
    PrivateKey::generate(key_type, rng)
}

/// Runs one job and sends its progress and result through `send`. Only
/// the jobs that make keys wait (for `keys`); the others are done when
/// first polled.
pub async fn handle<R: CryptoRng + ?Sized, K: KeySource>(
    request: Request,
    now: i64,
    rng: &mut R,
    keys: &mut K,
    send: &mut dyn FnMut(Response),
) {
    let id = request.id;
    let result = match request.job {
        Job::CreateCa {
            key_type,
            subject,
            days,
        } => create_ca(key_type, &subject, validity(now, days), now, rng, keys).await,
        Job::ImportCa {
            cert,
            key,
            passphrase,
        } => import_ca(&cert, &key, passphrase.as_ref(), now),
        Job::Verification { ca, code, days } => {
            verification(&ca, &code, validity(now, days), now, rng, keys).await
        }
        Job::Device {
            ca,
            common_name,
            key_type,
            days,
        } => {
            let validity = validity(now, days);
            device(&ca, &common_name, key_type, validity, now, rng, keys).await
        }
        Job::SignCsr { ca, csr, days } => sign_csr(&ca, &csr, validity(now, days), now, rng),
        Job::Inspect {
            input,
            ca,
            key,
            key_passphrase,
        } => inspect(
            &input,
            ca.as_ref(),
            key.as_ref(),
            key_passphrase.as_ref(),
            now,
        ),
        Job::Pkcs12 {
            key_pem,
            cert_pem,
            chain_pem,
            password,
            compat,
            friendly_name,
        } => pkcs12(
            &key_pem,
            &cert_pem,
            chain_pem.as_deref(),
            &password,
            compat,
            &friendly_name,
            rng,
        ),
        Job::EncryptKey {
            key_pem,
            passphrase,
        } => encrypt_key(&key_pem, &passphrase, rng),
        Job::DecryptKeys { keys, passphrase } => Ok(match decrypt_keys(&keys, &passphrase) {
            Ok(keys) => Outcome::KeysUnlocked(keys),
            Err(why) => Outcome::KeysLocked(why),
        }),
        Job::ReadCerts { pems } => Ok(Outcome::CertsRead(
            pems.iter().map(|pem| read_cert(pem, now)).collect(),
        )),
        Job::Batch {
            ca,
            node_ids,
            key_type,
            days,
        } => {
            let batch_job = BatchJob {
                node_ids: &node_ids,
                choice: key_type,
                validity: validity(now, days),
                now,
            };
            batch(&ca, batch_job, rng, keys, &mut |done, total| {
                send(Response::Progress { id, done, total })
            })
            .await
        }
    };
    send(match result {
        Ok(result) => Response::Done {
            id,
            result: Box::new(result),
        },
        Err(errors) => Response::Failed { id, errors },
    });
}

fn validity(now: i64, days: u32) -> Validity {
    Validity::new(now.saturating_sub(BACKDATE_SECONDS), days)
}

fn key_type(choice: KeyChoice) -> KeyType {
    match choice {
        KeyChoice::P256 => KeyType::P256,
        KeyChoice::P384 => KeyType::P384,
        KeyChoice::Rsa2048 => KeyType::Rsa2048,
        KeyChoice::Rsa3072 => KeyType::Rsa3072,
        KeyChoice::Rsa4096 => KeyType::Rsa4096,
    }
}

/// Puts a core error next to `field`, except the errors that are always
/// about another input: passphrases and the validity period.
fn place(field: Option<Field>, days: Option<Field>) -> impl Fn(PkiError) -> Vec<JobError> {
    move |e| {
        let field = match e {
            PkiError::InvalidValidity { .. } => days,
            _ => field,
        };
        vec![JobError {
            field,
            message: e.message(),
        }]
    }
}

fn at(field: Field) -> impl Fn(PkiError) -> Vec<JobError> {
    place(Some(field), None)
}

fn general(e: PkiError) -> Vec<JobError> {
    vec![JobError::general(e)]
}

/// Whether `e` is about the passphrase rather than the key text.
fn is_passphrase_error(e: &PkiError) -> bool {
    matches!(
        e,
        PkiError::PassphraseRequired
            | PkiError::WrongPassphrase
            | PkiError::InvalidPassphrase { .. }
    )
}

fn read_key(
    key: &Data,
    passphrase: Option<&Secret>,
    key_field: Field,
    pass_field: Field,
) -> JobResult<PrivateKey> {
    let pass = passphrase.map(Secret::expose).filter(|p| !p.is_empty());
    PrivateKey::parse(key.as_bytes(), pass).map_err(|e| {
        let field = if is_passphrase_error(&e) {
            pass_field
        } else {
            key_field
        };
        vec![JobError::at(field, e)]
    })
}

/// The CA the page sent. It was checked when it was created or imported,
/// so a failure here is not about anything the user can see.
fn held_ca(ca: &CaPems) -> JobResult<(Certificate, PrivateKey)> {
    let cert = Certificate::from_pem(&ca.cert_pem).map_err(general)?;
    let key = PrivateKey::from_pem(ca.key_pem.expose(), None).map_err(general)?;
    Ok((cert, key))
}

impl From<CertInfo> for CertView {
    fn from(info: CertInfo) -> Self {
        Self {
            subject: info.subject,
            issuer: info.issuer,
            serial: info.serial,
            not_before: info.not_before_iso,
            not_after: info.not_after_iso,
            key: info.key,
            signature_algorithm: info.signature_algorithm,
            is_ca: info.is_ca,
            self_signed: info.self_signed,
            sha256: info.sha256_fingerprint,
            sha1: info.sha1_fingerprint,
            expired: info.expired,
            not_yet_valid: info.not_yet_valid,
            expires_soon: info.expires_within_30_days,
        }
    }
}

fn view(cert: &Certificate, now: i64) -> JobResult<CertView> {
    match pki::inspect(cert.der(), now)
        .map_err(general)?
        .into_iter()
        .next()
    {
        Some(Item::Certificate(info)) => Ok(info.into()),
        _ => Err(vec![JobError::general(Message::new(said::READ_BACK))]),
    }
}

/// A certificate the page was handed, read again: its PEM and what it says,
/// or why it cannot be read.
fn read_cert(pem: &str, now: i64) -> Result<Issued, Msg> {
    let cert = Certificate::from_pem(pem).map_err(|e| Msg(e.message()))?;
    issued(&cert, None, None, now).map_err(|errors| {
        Msg(
            crate::messages::joined(errors.into_iter().map(|e| e.message))
                .unwrap_or_else(|| Message::new(said::READ_BACK)),
        )
    })
}

fn issued(
    cert: &Certificate,
    key: Option<&PrivateKey>,
    csr_pem: Option<String>,
    now: i64,
) -> JobResult<Issued> {
    let key_pem = key
        .map(|k| k.to_pkcs8_pem().map(Secret))
        .transpose()
        .map_err(general)?;
    Ok(Issued {
        cert_pem: cert.pem(),
        view: view(cert, now)?,
        key_pem,
        csr_pem,
    })
}

/// Where a subject field lives in [`Subject`].
type SubjectSlot = fn(&mut Subject) -> &mut Option<String>;

/// Checks each subject field on its own, so that every wrong field gets
/// its own error, then builds the subject.
fn subject(form: &SubjectForm) -> JobResult<Subject> {
    let fields: [(Field, &str, SubjectSlot); 7] = [
        (Field::CaC, &form.c, |s| &mut s.country),
        (Field::CaSt, &form.st, |s| &mut s.state),
        (Field::CaL, &form.l, |s| &mut s.locality),
        (Field::CaO, &form.o, |s| &mut s.organization),
        (Field::CaOu, &form.ou, |s| &mut s.organizational_unit),
        (Field::CaCn, &form.cn, |s| &mut s.common_name),
        (Field::CaEmail, &form.email, |s| &mut s.email),
    ];
    let mut subject = Subject::default();
    let mut errors = Vec::new();
    for (field, value, slot) in fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        // OpenSSL writes the country as typed; IoTDA's guide and X.509 use
        // upper case.
        let value = if field == Field::CaC {
            value.to_ascii_uppercase()
        } else {
            value.to_owned()
        };
        let mut alone = Subject::default();
        *slot(&mut alone) = Some(value.clone());
        match alone.validate() {
            Ok(()) => *slot(&mut subject) = Some(value),
            Err(e) => errors.push(JobError::at(field, e)),
        }
    }
    if subject.common_name.is_none() && !errors.iter().any(|e| e.field == Some(Field::CaCn)) {
        errors.push(JobError::at(Field::CaCn, PkiError::MissingCommonName));
    }
    if errors.is_empty() {
        Ok(subject)
    } else {
        Err(errors)
    }
}

async fn create_ca<R: CryptoRng + ?Sized, K: KeySource>(
    choice: KeyChoice,
    form: &SubjectForm,
    validity: Validity,
    now: i64,
    rng: &mut R,
    keys: &mut K,
) -> JobResult {
    let subject = subject(form)?;
    let key = new_key(key_type(choice), 0, rng, keys)
        .await
        .map_err(at(Field::CaKeyType))?;
    let cert =
        pki::create_ca(&key, &subject, validity, rng).map_err(place(None, Some(Field::CaDays)))?;
    Ok(Outcome::Ca {
        ca: issued(&cert, Some(&key), None, now)?,
        created: true,
    })
}

fn import_ca(cert: &Data, key: &Data, passphrase: Option<&Secret>, now: i64) -> JobResult {
    let cert = Certificate::parse(cert.as_bytes()).map_err(at(Field::CaCert))?;
    let key = read_key(key, passphrase, Field::CaKey, Field::CaPassphrase)?;
    if !cert.is_ca() {
        let e = PkiError::NotACa {
            subject: cert.subject(),
        };
        return Err(vec![JobError::at(Field::CaCert, e)]);
    }
    if !pki::key_matches(&cert, &key) {
        return Err(vec![JobError::at(Field::CaKey, PkiError::CaKeyMismatch)]);
    }
    Ok(Outcome::Ca {
        ca: issued(&cert, Some(&key), None, now)?,
        created: false,
    })
}

/// The verification certificate: a key of the CA key's type (as
/// `pki::create_verification_cert` makes it), from `keys` when RSA.
async fn verification<R: CryptoRng + ?Sized, K: KeySource>(
    ca: &CaPems,
    code: &str,
    validity: Validity,
    now: i64,
    rng: &mut R,
    keys: &mut K,
) -> JobResult {
    let (ca_cert, ca_key) = held_ca(ca)?;
    let placed = |e| match e {
        PkiError::InvalidVerificationCode { .. } => vec![JobError::at(Field::Code, e)],
        e => general(e),
    };
    // A wrong code is said before a key is made for it.
    pki::check_verification_code(code).map_err(placed)?;
    let key = new_key(pki::verification_key_type(&ca_key), 0, rng, keys)
        .await
        .map_err(general)?;
    let cert = pki::create_verification_cert_for(&ca_cert, &ca_key, &key, code, validity, rng)
        .map_err(placed)?;
    Ok(Outcome::Issued(issued(&cert, Some(&key), None, now)?))
}

async fn device<R: CryptoRng + ?Sized, K: KeySource>(
    ca: &CaPems,
    common_name: &str,
    choice: KeyChoice,
    validity: Validity,
    now: i64,
    rng: &mut R,
    keys: &mut K,
) -> JobResult {
    let (ca_cert, ca_key) = held_ca(ca)?;
    let subject = Subject::with_common_name(common_name);
    subject
        .validate_for_certificate()
        .map_err(at(Field::DeviceCn))?;
    let key = new_key(key_type(choice), 0, rng, keys)
        .await
        .map_err(at(Field::DeviceKeyType))?;
    let (csr, cert) = pki::create_device_cert(&ca_cert, &ca_key, &key, &subject, validity, rng)
        .map_err(place(None, Some(Field::DeviceDays)))?;
    Ok(Outcome::Issued(issued(
        &cert,
        Some(&key),
        Some(csr.pem()),
        now,
    )?))
}

fn sign_csr<R: CryptoRng + ?Sized>(
    ca: &CaPems,
    csr: &Data,
    validity: Validity,
    now: i64,
    rng: &mut R,
) -> JobResult {
    let (ca_cert, ca_key) = held_ca(ca)?;
    let cert =
        pki::sign_csr(&ca_cert, &ca_key, csr.as_bytes(), validity, rng).map_err(|e| match e {
            PkiError::CaKeyMismatch | PkiError::NotACa { .. } => general(e),
            e => place(Some(Field::Csr), Some(Field::DeviceDays))(e),
        })?;
    Ok(Outcome::Issued(issued(&cert, None, None, now)?))
}

/// The certificates in `input` (every PEM block, or one DER certificate),
/// to run the checks on.
fn certificates(input: &[u8]) -> Vec<Certificate> {
    let text = String::from_utf8_lossy(input);
    if text.contains("-----BEGIN") {
        Certificate::parse_all(&text).unwrap_or_default()
    } else {
        Certificate::parse(input).into_iter().collect()
    }
}

fn inspect(
    input: &Data,
    ca: Option<&Data>,
    key: Option<&Data>,
    passphrase: Option<&Secret>,
    now: i64,
) -> JobResult {
    let items = pki::inspect(input.as_bytes(), now).map_err(at(Field::InspectInput))?;
    let ca = ca
        .map(|d| Certificate::parse(d.as_bytes()))
        .transpose()
        .map_err(at(Field::InspectCa))?;
    let key = key
        .map(|k| read_key(k, passphrase, Field::InspectKey, Field::InspectPassphrase))
        .transpose()?;
    let certs = if ca.is_some() || key.is_some() {
        certificates(input.as_bytes())
    } else {
        Vec::new()
    };
    let items = items
        .into_iter()
        .map(|item| match item {
            Item::Certificate(info) => {
                let cert = certs.iter().find(|c| {
                    c.fingerprint(FingerprintAlg::Sha256, false) == info.sha256_fingerprint
                });
                let signed_by_ca =
                    ca.as_ref()
                        .zip(cert)
                        .map(|(ca, cert)| match pki::verify_signed_by(cert, ca) {
                            Ok(()) => Check {
                                ok: true,
                                detail: None,
                            },
                            Err(e) => Check {
                                ok: false,
                                detail: Some(e.message()),
                            },
                        });
                let key_matches = key
                    .as_ref()
                    .zip(cert)
                    .map(|(key, cert)| pki::key_matches(cert, key));
                ItemView::Certificate {
                    cert: Box::new(info.into()),
                    signed_by_ca,
                    key_matches,
                }
            }
            Item::Csr(csr) => ItemView::Csr {
                subject: csr.subject,
                key: csr.key,
                signature_valid: csr.signature_valid,
            },
            Item::PrivateKey(k) => ItemView::PrivateKey {
                key: k.key,
                format: k.format,
            },
            Item::EncryptedPrivateKey => ItemView::EncryptedPrivateKey,
            Item::PublicKey(k) => ItemView::PublicKey { key: k.key },
            Item::Unreadable { label, error } => ItemView::Unreadable {
                label,
                // The core gives this one in its words only.
                error: Message::new(crate::messages::keys::plain::TEXT).with("text", error),
            },
        })
        .collect();
    Ok(Outcome::Inspected { items })
}

fn pkcs12<R: CryptoRng + ?Sized>(
    key_pem: &Secret,
    cert_pem: &str,
    chain_pem: Option<&str>,
    password: &Secret,
    compat: bool,
    friendly_name: &str,
    rng: &mut R,
) -> JobResult {
    let key = PrivateKey::from_pem(key_pem.expose(), None).map_err(general)?;
    let cert = Certificate::from_pem(cert_pem).map_err(general)?;
    let chain = chain_pem
        .map(Certificate::parse_all)
        .transpose()
        .map_err(general)?
        .unwrap_or_default();
    let mode = if compat {
        P12Mode::Compat
    } else {
        P12Mode::Modern
    };
    let friendly_name = Some(friendly_name).filter(|n| !n.is_empty());
    let bytes = pki::to_pkcs12(
        &key,
        &cert,
        &chain,
        password.expose(),
        mode,
        friendly_name,
        rng,
    )
    .map_err(|e| match e {
        PkiError::InvalidPassphrase { .. } | PkiError::Pkcs12Password => {
            vec![JobError::at(Field::P12Password, e)]
        }
        e => general(e),
    })?;
    Ok(Outcome::Pkcs12 { bytes })
}

fn encrypt_key<R: CryptoRng + ?Sized>(
    key_pem: &Secret,
    passphrase: &Secret,
    rng: &mut R,
) -> JobResult {
    let key = PrivateKey::from_pem(key_pem.expose(), None).map_err(general)?;
    let pem = key
        .to_encrypted_pkcs8_pem(passphrase.expose(), rng)
        .map_err(|e| {
            if is_passphrase_error(&e) {
                vec![JobError::at(Field::KeyPassphrase, e)]
            } else {
                general(e)
            }
        })?;
    Ok(Outcome::EncryptedKey { pem })
}

/// Decrypts each key and checks it against its certificate; the first
/// that fails stops the job, so the page gets all the keys or none.
fn decrypt_keys(
    keys: &ProfileKeys<LockedKey>,
    passphrase: &Secret,
) -> Result<ProfileKeys<Secret>, UnlockError> {
    let mut open = ProfileKeys::default();
    for slot in KeySlot::BOTH {
        if let Some(locked) = keys.get(slot) {
            *open.slot_mut(slot) = Some(decrypt_key(slot, locked, passphrase)?);
        }
    }
    Ok(open)
}

fn decrypt_key(
    slot: KeySlot,
    locked: &LockedKey,
    passphrase: &Secret,
) -> Result<Secret, UnlockError> {
    let (whose, mismatch) = match slot {
        KeySlot::Ca => (said::CA, UnlockError::CaMismatch),
        KeySlot::Device => (said::DEVICE, UnlockError::DeviceMismatch),
    };
    let damaged = |e: PkiError| {
        UnlockError::Damaged(
            Message::new(said::WHOSE)
                .with_message("whose", Message::new(whose))
                .with_message("why", e.message()),
        )
    };
    let cert = Certificate::from_pem(&locked.cert_pem).map_err(damaged)?;
    let key =
        PrivateKey::from_pem(locked.key_pem.expose(), Some(passphrase.expose())).map_err(|e| {
            if is_passphrase_error(&e) {
                UnlockError::WrongPassphrase
            } else {
                damaged(e)
            }
        })?;
    if !pki::key_matches(&cert, &key) {
        return Err(mismatch);
    }
    key.to_pkcs8_pem().map(Secret).map_err(damaged)
}

/// How many progress messages a batch sends at most (besides the first):
/// one per device would flood the page for a batch of thousands.
const PROGRESS_STEPS: usize = 200;

/// A batch's inputs besides the CA.
struct BatchJob<'a> {
    node_ids: &'a str,
    choice: KeyChoice,
    validity: Validity,
    now: i64,
}

async fn batch<R: CryptoRng + ?Sized, K: KeySource>(
    ca: &CaPems,
    job: BatchJob<'_>,
    rng: &mut R,
    keys: &mut K,
    progress: &mut dyn FnMut(u32, u32),
) -> JobResult {
    let BatchJob {
        node_ids,
        choice,
        validity,
        now,
    } = job;
    let (ca_cert, ca_key) = held_ca(ca)?;
    let ids = parse_node_ids(node_ids).map_err(at(Field::BatchIds))?;
    let total = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    let every = ids.len().div_ceil(PROGRESS_STEPS).max(1);
    progress(0, total);
    let mut zip = ZipWriter::new();
    let mut rows = Vec::with_capacity(ids.len());
    let zip_error = |e: iotda_core::zip::Error| vec![JobError::general(e)];
    let placed = |id: &str, e: PkiError| match e {
        PkiError::InvalidValidity { .. } => vec![JobError::at(Field::BatchDays, e)],
        PkiError::KeyGeneration { .. } => vec![JobError::at(Field::BatchKeyType, e)],
        e => vec![JobError::general(
            Message::new(said::WHOSE)
                .with("whose", id)
                .with_message("why", e.message()),
        )],
    };
    for (i, id) in ids.iter().enumerate() {
        let then = ids.len() - i - 1;
        let key = new_key(key_type(choice), then, rng, keys)
            .await
            .map_err(|e| placed(id, e))?;
        let device = issue_device_with_key(&ca_cert, &ca_key, id, key, validity, rng)
            .map_err(|e| placed(id, e))?;
        let key_pem = device.key.to_pkcs8_pem().map_err(general)?;
        zip.add_file(
            &format!("{id}/deviceCert.pem"),
            device.cert.pem().as_bytes(),
            now,
        )
        .map_err(zip_error)?;
        zip.add_file_with_mode(
            &format!("{id}/deviceCert.key"),
            key_pem.as_bytes(),
            MODE_SECRET,
            now,
        )
        .map_err(zip_error)?;
        zip.add_file(
            &format!("{id}/deviceCert.csr"),
            device.csr.pem().as_bytes(),
            now,
        )
        .map_err(zip_error)?;
        rows.push(device.fingerprint());
        let done = i + 1;
        if done % every == 0 || done == ids.len() {
            progress(u32::try_from(done).unwrap_or(u32::MAX), total);
        }
    }
    let csv = fingerprints_csv(
        ids.iter()
            .map(String::as_str)
            .zip(rows.iter().map(String::as_str)),
    );
    zip.add_file("fingerprints.csv", csv.as_bytes(), now)
        .map_err(zip_error)?;
    Ok(Outcome::Batch {
        zip: zip.finish().map_err(zip_error)?,
        csv,
        count: total,
    })
}

/// Running jobs natively in tests: keys at hand, no waiting.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Future, KeySource, Message, PrivateKey};

    /// RSA keys given as PKCS#8 DER, one per request, as the worker's
    /// WebCrypto gives them; the reasons our generator was used instead.
    #[derive(Default)]
    pub(crate) struct Given {
        pub(crate) ders: std::collections::VecDeque<Result<Vec<u8>, Message>>,
        pub(crate) fell_back: Vec<Message>,
    }

    impl Given {
        pub(crate) fn keys(keys: &[&PrivateKey]) -> Self {
            Self {
                ders: keys.iter().map(|k| Ok(k.to_pkcs8_der().unwrap())).collect(),
                fell_back: Vec::new(),
            }
        }
    }

    impl KeySource for Given {
        async fn rsa_pkcs8(&mut self, _bits: u32, _then: usize) -> Result<Vec<u8>, Message> {
            self.ders
                .pop_front()
                .unwrap_or_else(|| Err(crate::messages::plain("no key given")))
        }

        fn fell_back(&mut self, why: Message) {
            self.fell_back.push(why);
        }
    }

    /// Polls `job` once: with its keys at hand it never waits.
    pub(crate) fn at_once<F: Future>(job: F) -> F::Output {
        let mut job = std::pin::pin!(job);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match job.as_mut().poll(&mut context) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("a job waited with its keys at hand"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{at_once, Given};
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;
    use pki::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// 2026-11-28T12:00:00Z.
    const NOW: i64 = 1_795_867_200;

    /// Each job gets its own seed, so two CAs made in one test differ.
    fn run_all_with(job: Job, keys: &mut Given) -> Vec<Response> {
        static SEED: AtomicU64 = AtomicU64::new(0);
        let mut rng = ChaCha20Rng::seed_from_u64(SEED.fetch_add(1, Ordering::Relaxed));
        let mut out = Vec::new();
        let request = Request { id: 3, job };
        at_once(handle(request, NOW, &mut rng, keys, &mut |r| out.push(r)));
        out
    }

    /// The job with our generator making every key.
    fn run_all(job: Job) -> Vec<Response> {
        run_all_with(job, &mut Given::default())
    }

    /// The job's result, after any progress messages.
    fn run(job: Job) -> Result<Outcome, Vec<JobError>> {
        run_with(job, &mut Given::default())
    }

    /// The job's result with `keys`, after any progress messages.
    fn run_with(job: Job, keys: &mut Given) -> Result<Outcome, Vec<JobError>> {
        let mut responses = run_all_with(job, keys);
        responses.retain(|r| !matches!(r, Response::Progress { .. }));
        match responses.as_slice() {
            [Response::Done { id: 3, result }] => Ok((**result).clone()),
            [Response::Failed { id: 3, errors }] => Err(errors.clone()),
            other => panic!("unexpected responses {other:?}"),
        }
    }

    fn error_fields(errors: &[JobError]) -> Vec<Option<Field>> {
        errors.iter().map(|e| e.field).collect()
    }

    fn only_error<T: std::fmt::Debug>(result: Result<T, Vec<JobError>>) -> JobError {
        let errors = result.expect_err("the job should fail");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].clone()
    }

    fn subject_form(cn: &str) -> SubjectForm {
        SubjectForm {
            c: "cn".into(),
            o: "Example Org".into(),
            cn: cn.into(),
            ..SubjectForm::default()
        }
    }

    fn new_ca(key_type: KeyChoice) -> CaPems {
        let outcome = run(Job::CreateCa {
            key_type,
            subject: subject_form("Example Root"),
            days: pki::DEFAULT_CA_DAYS,
        })
        .unwrap();
        let Outcome::Ca { ca, created: true } = outcome else {
            panic!("not a created CA: {outcome:?}");
        };
        CaPems {
            cert_pem: ca.cert_pem,
            key_pem: ca.key_pem.unwrap(),
        }
    }

    fn issued(outcome: Outcome) -> Issued {
        match outcome {
            Outcome::Issued(issued) => issued,
            other => panic!("not a certificate: {other:?}"),
        }
    }

    fn is_upper_hex(s: &str, len: usize) -> bool {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    }

    #[test]
    fn create_ca_makes_a_ca_with_its_key_and_fingerprints() {
        let outcome = run(Job::CreateCa {
            key_type: KeyChoice::P256,
            subject: SubjectForm {
                st: "Guangdong".into(),
                email: "ca@example.com".into(),
                ..subject_form("Example Root")
            },
            days: 1024,
        })
        .unwrap();
        let Outcome::Ca { ca, created } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(created);
        let cert = Certificate::from_pem(&ca.cert_pem).unwrap();
        assert!(cert.is_ca());
        assert_eq!(
            ca.view.subject,
            "/C=CN/ST=Guangdong/O=Example Org/CN=Example Root/emailAddress=ca@example.com"
        );
        assert!(ca.view.is_ca && ca.view.self_signed);
        assert_eq!(ca.view.key, "ECDSA P-256");
        assert_eq!(
            ca.view.sha256,
            cert.fingerprint(FingerprintAlg::Sha256, false)
        );
        assert!(is_upper_hex(&ca.view.sha256, 64));
        assert!(is_upper_hex(&ca.view.sha1, 40));
        assert_eq!(cert.not_before(), NOW - BACKDATE_SECONDS);
        assert_eq!(cert.not_after(), NOW - BACKDATE_SECONDS + 1024 * 86_400);
        let key = PrivateKey::from_pem(ca.key_pem.unwrap().expose(), None).unwrap();
        assert!(pki::key_matches(&cert, &key));
    }

    #[test]
    fn create_ca_reports_every_bad_subject_field_on_its_own() {
        let errors = run(Job::CreateCa {
            key_type: KeyChoice::P256,
            subject: SubjectForm {
                c: "China".into(),
                email: "not-an-address".into(),
                o: "x".repeat(65),
                ..SubjectForm::default()
            },
            days: 10,
        })
        .unwrap_err();
        assert_eq!(
            error_fields(&errors),
            vec![
                Some(Field::CaC),
                Some(Field::CaO),
                Some(Field::CaEmail),
                Some(Field::CaCn)
            ]
        );
        assert!(errors[0].message.contains("two-letter"), "{errors:?}");
        assert!(errors[1].message.contains("at most 64"), "{errors:?}");
        assert!(errors[3].message.contains("common name"), "{errors:?}");
    }

    #[test]
    fn zero_days_is_an_error_on_the_days_field() {
        let e = only_error(run(Job::CreateCa {
            key_type: KeyChoice::P256,
            subject: subject_form("Root"),
            days: 0,
        }));
        assert_eq!(e.field, Some(Field::CaDays));
        assert!(e.message.contains("days must be at least 1"), "{e:?}");
    }

    #[test]
    fn import_ca_accepts_a_matching_pair_even_encrypted() {
        let ca = new_ca(KeyChoice::P384);
        let outcome = run(Job::ImportCa {
            cert: Data::Text(ca.cert_pem.clone()),
            key: Data::Text(ca.key_pem.expose().to_owned()),
            passphrase: None,
        })
        .unwrap();
        assert!(matches!(outcome, Outcome::Ca { created: false, .. }));

        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let key = PrivateKey::from_pem(ca.key_pem.expose(), None).unwrap();
        let encrypted = key.to_encrypted_pkcs8_pem("s3cret", &mut rng).unwrap();
        let import = |passphrase: Option<&str>| {
            run(Job::ImportCa {
                cert: Data::Bytes(Certificate::from_pem(&ca.cert_pem).unwrap().der().to_vec()),
                key: Data::Text(encrypted.clone()),
                passphrase: passphrase.map(Secret::from),
            })
        };
        let Outcome::Ca { ca: imported, .. } = import(Some("s3cret")).unwrap() else {
            panic!("not a CA")
        };
        // The page keeps the decrypted key, so later jobs need no passphrase.
        assert_eq!(imported.key_pem, Some(ca.key_pem.clone()));
        for wrong in [None, Some(""), Some("nope")] {
            let e = only_error(import(wrong));
            assert_eq!(e.field, Some(Field::CaPassphrase), "{wrong:?}: {e:?}");
        }
        assert_eq!(
            only_error(import(Some("nope"))).message.to_string(),
            "wrong passphrase for the encrypted private key"
        );
    }

    #[test]
    fn import_ca_rejects_bad_pem_a_device_certificate_and_a_foreign_key() {
        let ca = new_ca(KeyChoice::P256);
        let other = new_ca(KeyChoice::P256);
        let import = |cert: &str, key: &str| {
            only_error(run(Job::ImportCa {
                cert: Data::Text(cert.to_owned()),
                key: Data::Text(key.to_owned()),
                passphrase: None,
            }))
        };
        let e = import("hello", ca.key_pem.expose());
        assert_eq!(e.field, Some(Field::CaCert));
        assert!(e.message.contains("-----BEGIN CERTIFICATE-----"), "{e:?}");

        let e = import(&ca.cert_pem, "-----BEGIN PRIVATE KEY-----\nAAAA\n");
        assert_eq!(e.field, Some(Field::CaKey));

        let e = import(&ca.cert_pem, other.key_pem.expose());
        assert_eq!(e.field, Some(Field::CaKey));
        assert_eq!(e.message, PkiError::CaKeyMismatch.message());

        let device = issued(
            run(Job::Device {
                ca: ca.clone(),
                common_name: "node-1".into(),
                key_type: KeyChoice::P256,
                days: 10,
            })
            .unwrap(),
        );
        let e = import(&device.cert_pem, device.key_pem.unwrap().expose());
        assert_eq!(e.field, Some(Field::CaCert));
        assert!(e.message.contains("is not a CA"), "{e:?}");
    }

    #[test]
    fn verification_certificate_has_the_code_as_cn_and_is_signed_by_the_ca() {
        let ca = new_ca(KeyChoice::P256);
        let v = issued(
            run(Job::Verification {
                ca: ca.clone(),
                code: "0123456789abcdef".into(),
                days: pki::DEFAULT_VERIFICATION_DAYS,
            })
            .unwrap(),
        );
        assert_eq!(v.view.subject, "/CN=0123456789abcdef");
        assert!(v.key_pem.is_some() && v.csr_pem.is_none());
        let cert = Certificate::from_pem(&v.cert_pem).unwrap();
        let ca_cert = Certificate::from_pem(&ca.cert_pem).unwrap();
        pki::verify_signed_by(&cert, &ca_cert).unwrap();

        let e = only_error(run(Job::Verification {
            ca,
            code: "x".repeat(65),
            days: 10,
        }));
        assert_eq!(e.field, Some(Field::Code));
        assert!(e.message.contains("longer than 64"), "{e:?}");
    }

    #[test]
    fn device_certificate_comes_with_key_csr_and_core_fingerprints() {
        let ca = new_ca(KeyChoice::P256);
        let d = issued(
            run(Job::Device {
                ca: ca.clone(),
                common_name: "node-42".into(),
                key_type: KeyChoice::Rsa2048,
                days: pki::DEFAULT_DEVICE_DAYS,
            })
            .unwrap(),
        );
        let cert = Certificate::from_pem(&d.cert_pem).unwrap();
        assert_eq!(d.view.subject, "/CN=node-42");
        assert_eq!(d.view.key, "RSA 2048");
        assert!(!d.view.is_ca);
        assert_eq!(
            d.view.sha256,
            cert.fingerprint(FingerprintAlg::Sha256, false)
        );
        assert_eq!(d.view.sha1, cert.fingerprint(FingerprintAlg::Sha1, false));
        let key = PrivateKey::from_pem(d.key_pem.unwrap().expose(), None).unwrap();
        assert!(pki::key_matches(&cert, &key));
        let csr = pki::Csr::from_pem(&d.csr_pem.unwrap()).unwrap();
        csr.verify_signature().unwrap();
        assert_eq!(
            csr.public_key_der().unwrap(),
            cert.public_key_der().unwrap()
        );
        pki::verify_signed_by(&cert, &Certificate::from_pem(&ca.cert_pem).unwrap()).unwrap();

        let e = only_error(run(Job::Device {
            ca,
            common_name: "line\nbreak".into(),
            key_type: KeyChoice::P256,
            days: 10,
        }));
        assert_eq!(e.field, Some(Field::DeviceCn));
        assert!(e.message.contains("control character"), "{e:?}");
    }

    #[test]
    fn a_damaged_ca_from_the_page_is_a_general_error() {
        let mut ca = new_ca(KeyChoice::P256);
        ca.key_pem = Secret::from("garbage");
        let e = only_error(run(Job::Device {
            ca,
            common_name: "n".into(),
            key_type: KeyChoice::P256,
            days: 10,
        }));
        assert_eq!(e.field, None);
    }

    fn make_csr(cn: &str) -> pki::Csr {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let key = PrivateKey::generate(KeyType::P256, &mut rng).unwrap();
        pki::create_csr(&key, &Subject::with_common_name(cn), &mut rng).unwrap()
    }

    #[test]
    fn sign_csr_issues_for_pem_and_der_and_rejects_tampering() {
        let ca = new_ca(KeyChoice::P256);
        let csr = make_csr("uploaded-1");
        for data in [Data::Text(csr.pem()), Data::Bytes(csr.der().to_vec())] {
            let d = issued(
                run(Job::SignCsr {
                    ca: ca.clone(),
                    csr: data,
                    days: 30,
                })
                .unwrap(),
            );
            assert_eq!(d.view.subject, "/CN=uploaded-1");
            assert_eq!(d.view.issuer, "/C=CN/O=Example Org/CN=Example Root");
            assert!(d.key_pem.is_none());
        }

        let mut der = csr.der().to_vec();
        if let Some(last) = der.last_mut() {
            *last ^= 1;
        }
        let e = only_error(run(Job::SignCsr {
            ca: ca.clone(),
            csr: Data::Bytes(der),
            days: 30,
        }));
        assert_eq!(e.field, Some(Field::Csr));
        assert_eq!(e.message, PkiError::CsrSignatureInvalid.message());

        let e = only_error(run(Job::SignCsr {
            ca: ca.clone(),
            csr: Data::Text("not a csr".into()),
            days: 30,
        }));
        assert_eq!(e.field, Some(Field::Csr));

        let e = only_error(run(Job::SignCsr {
            ca,
            csr: Data::Text(csr.pem()),
            days: 0,
        }));
        assert_eq!(e.field, Some(Field::DeviceDays));
    }

    fn device_of(ca: &CaPems) -> Issued {
        issued(
            run(Job::Device {
                ca: ca.clone(),
                common_name: "node-7".into(),
                key_type: KeyChoice::P256,
                days: pki::DEFAULT_DEVICE_DAYS,
            })
            .unwrap(),
        )
    }

    fn inspect(
        input: &str,
        ca: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<ItemView>, Vec<JobError>> {
        run(Job::Inspect {
            input: Data::Text(input.to_owned()),
            ca: ca.map(|c| Data::Text(c.to_owned())),
            key: key.map(|k| Data::Text(k.to_owned())),
            key_passphrase: None,
        })
        .map(|o| match o {
            Outcome::Inspected { items } => items,
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn inspect_summarises_and_checks_against_ca_and_key() {
        let ca = new_ca(KeyChoice::P256);
        let other = new_ca(KeyChoice::P256);
        let d = device_of(&ca);
        let key_pem = d.key_pem.clone().unwrap();
        let bundle = format!(
            "{}{}{}",
            d.cert_pem,
            d.csr_pem.clone().unwrap(),
            key_pem.expose()
        );
        let items = inspect(&bundle, Some(&ca.cert_pem), Some(key_pem.expose())).unwrap();
        assert_eq!(items.len(), 3);
        let ItemView::Certificate {
            cert,
            signed_by_ca,
            key_matches,
        } = &items[0]
        else {
            panic!("{items:?}")
        };
        assert_eq!(cert.sha256, d.view.sha256);
        assert!(!cert.expired && !cert.expires_soon && !cert.not_yet_valid);
        assert_eq!(signed_by_ca.as_ref().map(|c| c.ok), Some(true));
        assert_eq!(*key_matches, Some(true));
        assert!(matches!(
            &items[1],
            ItemView::Csr {
                signature_valid: true,
                ..
            }
        ));
        assert!(matches!(&items[2], ItemView::PrivateKey { format, .. } if format == "PKCS#8"));

        let items = inspect(
            &d.cert_pem,
            Some(&other.cert_pem),
            Some(other.key_pem.expose()),
        )
        .unwrap();
        let ItemView::Certificate {
            signed_by_ca: Some(check),
            key_matches: Some(false),
            ..
        } = &items[0]
        else {
            panic!("{items:?}")
        };
        assert!(!check.ok);
        assert!(
            check.detail.as_ref().is_some_and(|d| {
                d.contains("issued by another CA") || d.contains("does not verify")
            }),
            "{check:?}"
        );

        // Without a CA or key, no checks are claimed.
        let items = inspect(&d.cert_pem, None, None).unwrap();
        assert!(matches!(
            &items[0],
            ItemView::Certificate {
                signed_by_ca: None,
                key_matches: None,
                ..
            }
        ));
    }

    #[test]
    fn inspect_shows_a_damaged_block_beside_the_readable_ones() {
        let ca = new_ca(KeyChoice::P256);
        let bundle = format!(
            "{}-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n",
            ca.cert_pem
        );
        let items = inspect(&bundle, None, None).unwrap();
        assert!(
            matches!(items[0], ItemView::Certificate { .. }),
            "{items:?}"
        );
        assert!(
            matches!(&items[1], ItemView::Unreadable { label, .. } if label == "CERTIFICATE"),
            "{items:?}"
        );
    }

    #[test]
    fn inspect_flags_expiry_and_takes_der() {
        let ca = new_ca(KeyChoice::P256);
        let d = issued(
            run(Job::Device {
                ca,
                common_name: "short".into(),
                key_type: KeyChoice::P256,
                days: 10,
            })
            .unwrap(),
        );
        assert!(d.view.expires_soon && !d.view.expired);
        let der = Certificate::from_pem(&d.cert_pem).unwrap().der().to_vec();
        let items = run(Job::Inspect {
            input: Data::Bytes(der),
            ca: None,
            key: None,
            key_passphrase: None,
        })
        .unwrap();
        assert!(matches!(items, Outcome::Inspected { items } if items.len() == 1));
    }

    #[test]
    fn inspect_errors_name_their_input() {
        let ca = new_ca(KeyChoice::P256);
        let d = device_of(&ca);
        let e = only_error(inspect("garbage that is not PEM", None, None));
        assert_eq!(e.field, Some(Field::InspectInput));
        assert!(e.message.contains("no PEM block found"), "{e:?}");
        let e = only_error(inspect("", None, None));
        assert_eq!(e.field, Some(Field::InspectInput));
        let e = only_error(inspect(&d.cert_pem, Some("nope"), None));
        assert_eq!(e.field, Some(Field::InspectCa));
        let e = only_error(inspect(&d.cert_pem, None, Some(&d.cert_pem)));
        assert_eq!(e.field, Some(Field::InspectKey));

        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let key = PrivateKey::from_pem(d.key_pem.unwrap().expose(), None).unwrap();
        let encrypted = key.to_encrypted_pkcs8_pem("pw", &mut rng).unwrap();
        let e = only_error(inspect(&d.cert_pem, None, Some(&encrypted)));
        assert_eq!(e.field, Some(Field::InspectPassphrase));
        let items = run(Job::Inspect {
            input: Data::Text(d.cert_pem.clone()),
            ca: None,
            key: Some(Data::Text(encrypted)),
            key_passphrase: Some(Secret::from("pw")),
        })
        .unwrap();
        assert!(matches!(
            items,
            Outcome::Inspected { items } if matches!(items[0], ItemView::Certificate { key_matches: Some(true), .. })
        ));
    }

    #[test]
    fn pkcs12_modern_and_compat_and_password_errors() {
        let ca = new_ca(KeyChoice::P256);
        let d = device_of(&ca);
        let job = |password: &str, compat: bool| Job::Pkcs12 {
            key_pem: d.key_pem.clone().unwrap(),
            cert_pem: d.cert_pem.clone(),
            chain_pem: Some(ca.cert_pem.clone()),
            password: Secret::from(password),
            compat,
            friendly_name: "node-7".into(),
        };
        for compat in [false, true] {
            let Outcome::Pkcs12 { bytes } = run(job("p12-pass", compat)).unwrap() else {
                panic!("no PKCS#12")
            };
            assert_eq!(bytes.first(), Some(&0x30));
            assert!(bytes.len() > 500);
        }
        let e = only_error(run(job("", false)));
        assert_eq!(e.field, Some(Field::P12Password));
        let e = only_error(run(job("smile 😀", true)));
        assert_eq!(e.field, Some(Field::P12Password));

        let foreign = device_of(&ca);
        let e = only_error(run(Job::Pkcs12 {
            key_pem: foreign.key_pem.unwrap(),
            cert_pem: d.cert_pem.clone(),
            chain_pem: None,
            password: Secret::from("x"),
            compat: false,
            friendly_name: String::new(),
        }));
        assert_eq!(e.field, None);
        assert_eq!(e.message, PkiError::KeyMismatch.message());
    }

    #[test]
    fn encrypted_key_export_decrypts_with_its_passphrase() {
        let ca = new_ca(KeyChoice::P256);
        let d = device_of(&ca);
        let key_pem = d.key_pem.unwrap();
        let Outcome::EncryptedKey { pem } = run(Job::EncryptKey {
            key_pem: key_pem.clone(),
            passphrase: Secret::from("correct horse"),
        })
        .unwrap() else {
            panic!("no key")
        };
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = PrivateKey::from_pem(&pem, Some("correct horse")).unwrap();
        assert_eq!(back.to_pkcs8_pem().unwrap(), key_pem.expose());

        let e = only_error(run(Job::EncryptKey {
            key_pem,
            passphrase: Secret::from(""),
        }));
        assert_eq!(e.field, Some(Field::KeyPassphrase));
    }

    /// `key` encrypted with `passphrase` (few PBKDF2 rounds: tests).
    fn encrypted(key: &Secret, passphrase: &str) -> Secret {
        let mut rng = ChaCha20Rng::seed_from_u64(21);
        let key = PrivateKey::from_pem(key.expose(), None).unwrap();
        Secret(
            key.to_encrypted_pkcs8_pem_with_iterations(passphrase, 1000, &mut rng)
                .unwrap(),
        )
    }

    fn decrypt(keys: ProfileKeys<LockedKey>, passphrase: &str) -> Outcome {
        run(Job::DecryptKeys {
            keys,
            passphrase: Secret::from(passphrase),
        })
        .expect("the job runs")
    }

    /// A CA and a device of it, with both keys encrypted as a profile keeps
    /// them, and the plain keys.
    fn profile_keys(passphrase: &str) -> (ProfileKeys<LockedKey>, ProfileKeys<Secret>) {
        let ca = new_ca(KeyChoice::P256);
        let device = device_of(&ca);
        let device_key = device.key_pem.unwrap();
        let locked = ProfileKeys {
            ca: Some(LockedKey {
                cert_pem: ca.cert_pem.clone(),
                key_pem: encrypted(&ca.key_pem, passphrase),
            }),
            device: Some(LockedKey {
                cert_pem: device.cert_pem,
                key_pem: encrypted(&device_key, passphrase),
            }),
        };
        let plain = ProfileKeys {
            ca: Some(ca.key_pem),
            device: Some(device_key),
        };
        (locked, plain)
    }

    #[test]
    fn decrypt_keys_gives_each_key_back_checked_against_its_certificate() {
        let (locked, plain) = profile_keys("correct horse");
        let ca = locked.ca.clone().unwrap();
        assert!(ca
            .key_pem
            .expose()
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assert_eq!(
            decrypt(locked.clone(), "correct horse"),
            Outcome::KeysUnlocked(plain.clone())
        );
        // One key alone comes back alone, and through JSON, as the page
        // gets it, unchanged.
        let answer = run_all(Job::DecryptKeys {
            keys: ProfileKeys {
                ca: Some(ca),
                device: None,
            },
            passphrase: Secret::from("correct horse"),
        });
        assert_eq!(
            answer,
            [Response::Done {
                id: 3,
                result: Box::new(Outcome::KeysUnlocked(ProfileKeys {
                    ca: plain.ca,
                    device: None,
                })),
            }]
        );
        let json = serde_json::to_string(&answer[0]).unwrap();
        assert_eq!(serde_json::from_str::<Response>(&json).unwrap(), answer[0]);
        assert!(json.contains("keys_unlocked"), "{json}");
    }

    #[test]
    fn decrypt_keys_with_a_wrong_passphrase_says_so_and_gives_nothing() {
        let (locked, _) = profile_keys("correct horse");
        for wrong in ["correct horsE", "", "x"] {
            assert_eq!(
                decrypt(locked.clone(), wrong),
                Outcome::KeysLocked(UnlockError::WrongPassphrase),
                "{wrong:?}"
            );
        }
        // One key that opens and one that does not: none is given.
        let (other, _) = profile_keys("another passphrase");
        let mixed = ProfileKeys {
            device: other.device,
            ..locked
        };
        assert_eq!(
            decrypt(mixed, "correct horse"),
            Outcome::KeysLocked(UnlockError::WrongPassphrase)
        );
    }

    #[test]
    fn decrypt_keys_refuses_a_key_that_is_not_its_certificates() {
        let (locked, _) = profile_keys("correct horse");
        let (other, _) = profile_keys("correct horse");
        let (ca, device) = (locked.ca.unwrap(), locked.device.unwrap());
        // The other profile's device key beside this profile's certificate.
        let swapped = ProfileKeys {
            ca: Some(ca.clone()),
            device: Some(LockedKey {
                key_pem: other.device.unwrap().key_pem,
                ..device.clone()
            }),
        };
        assert_eq!(
            decrypt(swapped, "correct horse"),
            Outcome::KeysLocked(UnlockError::DeviceMismatch)
        );
        // The device key under the CA certificate.
        let crossed = ProfileKeys {
            ca: Some(LockedKey {
                key_pem: device.key_pem.clone(),
                ..ca.clone()
            }),
            device: None,
        };
        assert_eq!(
            decrypt(crossed, "correct horse"),
            Outcome::KeysLocked(UnlockError::CaMismatch)
        );
        // A damaged certificate or key is named, not panicked on.
        let damaged = ProfileKeys {
            ca: Some(LockedKey {
                cert_pem: "-----BEGIN CERTIFICATE-----\n!!\n".into(),
                ..ca
            }),
            device: None,
        };
        assert!(matches!(
            decrypt(damaged, "correct horse"),
            Outcome::KeysLocked(UnlockError::Damaged(why)) if why.starts_with("CA: ")
        ));
        let garbage = ProfileKeys {
            ca: None,
            device: Some(LockedKey {
                key_pem: Secret::from("not a key"),
                ..device
            }),
        };
        assert!(matches!(
            decrypt(garbage, "correct horse"),
            Outcome::KeysLocked(UnlockError::Damaged(why)) if why.starts_with("device: ")
        ));
    }

    #[test]
    fn hostile_input_fails_cleanly_in_every_parsing_job() {
        let ca = new_ca(KeyChoice::P256);
        let d = device_of(&ca);
        let cut = &d.cert_pem[..d.cert_pem.len() / 2];
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let mut noise = vec![0u8; 300];
        pki::rand_core::Rng::fill_bytes(&mut rng, &mut noise);
        let inputs = [
            Data::Text(String::new()),
            Data::Text("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".into()),
            Data::Text(cut.to_owned()),
            Data::Bytes(noise.clone()),
            Data::Bytes(vec![0x30, 0x82, 0xff, 0xff, 0x02]),
            Data::Bytes(vec![0x30]),
        ];
        for input in inputs {
            let jobs = [
                Job::Inspect {
                    input: input.clone(),
                    ca: Some(input.clone()),
                    key: Some(input.clone()),
                    key_passphrase: None,
                },
                Job::ImportCa {
                    cert: input.clone(),
                    key: input.clone(),
                    passphrase: Some(Secret::from("x")),
                },
                Job::SignCsr {
                    ca: ca.clone(),
                    csr: input.clone(),
                    days: 1,
                },
            ];
            for job in jobs {
                let errors = run(job).expect_err("hostile input is refused");
                assert!(
                    !errors.is_empty() && errors.iter().all(|e| !e.message.to_string().is_empty())
                );
            }
        }
    }

    #[test]
    fn batch_zips_a_folder_per_device_and_reports_progress() {
        let ca = new_ca(KeyChoice::P256);
        let ids: String = (1..=5).map(|i| format!("node-{i},room {i}\n")).collect();
        let responses = run_all(Job::Batch {
            ca: ca.clone(),
            node_ids: format!("node_id,name\n{ids}"),
            key_type: KeyChoice::P256,
            days: 30,
        });
        let progress: Vec<(u32, u32)> = responses
            .iter()
            .filter_map(|r| match r {
                Response::Progress { id: 3, done, total } => Some((*done, *total)),
                _ => None,
            })
            .collect();
        assert_eq!(
            progress,
            vec![(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
        );
        let Some(Response::Done { result, .. }) = responses.last() else {
            panic!("{responses:?}")
        };
        let Outcome::Batch { zip, csv, count } = &**result else {
            panic!("{result:?}")
        };
        assert_eq!(*count, 5);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "node_id,fingerprint");
        assert!(lines[1].starts_with("node-1,") && lines[1].len() == "node-1,".len() + 64);
        // Stored entries: every name and the csv appear in the archive.
        for name in [
            "node-1/deviceCert.pem",
            "node-5/deviceCert.key",
            "node-3/deviceCert.csr",
            "fingerprints.csv",
        ] {
            assert!(
                zip.windows(name.len()).any(|w| w == name.as_bytes()),
                "{name}"
            );
        }
        assert!(zip.windows(csv.len()).any(|w| w == csv.as_bytes()));
        assert!(zip.starts_with(b"PK\x03\x04"));
    }

    #[test]
    fn batch_progress_is_bounded_for_big_batches() {
        let mut calls = Vec::new();
        let ca = new_ca(KeyChoice::P256);
        let ids: String = (0..=PROGRESS_STEPS).map(|i| format!("n{i}\n")).collect();
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let job = BatchJob {
            node_ids: &ids,
            choice: KeyChoice::P256,
            validity: validity(NOW, 10),
            now: NOW,
        };
        let outcome = at_once(batch(
            &ca,
            job,
            &mut rng,
            &mut Given::default(),
            &mut |done, total| calls.push((done, total)),
        ))
        .unwrap();
        assert!(matches!(outcome, Outcome::Batch { count: 201, .. }));
        assert!(calls.len() <= PROGRESS_STEPS + 2, "{}", calls.len());
        assert_eq!(calls.first(), Some(&(0, 201)));
        assert_eq!(calls.last(), Some(&(201, 201)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn batch_errors_name_their_input() {
        let ca = new_ca(KeyChoice::P256);
        let job = |ids: &str, days: u32| Job::Batch {
            ca: ca.clone(),
            node_ids: ids.into(),
            key_type: KeyChoice::P256,
            days,
        };
        let e = only_error(run(job("a\nb\na\n", 10)));
        assert_eq!(e.field, Some(Field::BatchIds));
        assert!(e.message.contains("line 3"), "{e:?}");
        let e = only_error(run(job("ok\n../etc\n", 10)));
        assert_eq!(e.field, Some(Field::BatchIds));
        let e = only_error(run(job("\n", 10)));
        assert_eq!(e.field, Some(Field::BatchIds));
        let e = only_error(run(job("a\n", 0)));
        assert_eq!(e.field, Some(Field::BatchDays));
    }

    fn rsa_key(seed: u64) -> PrivateKey {
        PrivateKey::generate(KeyType::Rsa2048, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap()
    }

    fn public(pem: &str) -> Vec<u8> {
        Certificate::from_pem(pem)
            .unwrap()
            .public_key_der()
            .unwrap()
    }

    #[test]
    fn rsa_keys_of_ca_verification_device_and_batch_come_from_the_source() {
        let (ca_key, verify_key, device_key) = (rsa_key(99), rsa_key(98), rsa_key(97));
        let mut keys = Given::keys(&[&ca_key, &verify_key, &device_key, &ca_key]);
        let Ok(Outcome::Ca { ca, created: true }) = run_with(
            Job::CreateCa {
                key_type: KeyChoice::Rsa2048,
                subject: subject_form("WebCrypto Root"),
                days: 30,
            },
            &mut keys,
        ) else {
            panic!("no CA");
        };
        assert_eq!(public(&ca.cert_pem), ca_key.public_key_der().unwrap());
        assert_eq!(ca.view.key, "RSA 2048");
        let ca = CaPems {
            cert_pem: ca.cert_pem,
            key_pem: ca.key_pem.unwrap(),
        };
        // The verification key follows the CA's type: RSA, so it is asked for.
        let mut issue = |job| issued(run_with(job, &mut keys).unwrap());
        let verification = issue(Job::Verification {
            ca: ca.clone(),
            code: "0123456789abcdef".into(),
            days: 30,
        });
        let device = issue(Job::Device {
            ca: ca.clone(),
            common_name: "node-1".into(),
            key_type: KeyChoice::Rsa2048,
            days: 30,
        });
        for (made, given) in [(&verification, &verify_key), (&device, &device_key)] {
            assert_eq!(public(&made.cert_pem), given.public_key_der().unwrap());
        }
        let Ok(Outcome::Batch { count: 2, .. }) = run_with(
            Job::Batch {
                ca,
                node_ids: "a\nb".into(),
                key_type: KeyChoice::Rsa2048,
                days: 30,
            },
            &mut keys,
        ) else {
            panic!("no batch");
        };
        // The batch's first key was given, the second made by us.
        assert!(keys.ders.is_empty());
        assert_eq!(keys.fell_back.len(), 1, "{:?}", keys.fell_back);
        assert!(keys.fell_back[0].contains("no key given"));
    }

    #[test]
    fn our_generator_makes_the_key_when_the_source_fails_or_gives_another_key() {
        let p256 = PrivateKey::generate(KeyType::P256, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
        let mut keys = Given {
            ders: [
                Err(crate::messages::plain("no crypto.subtle")),
                Ok(b"not DER".to_vec()),
                Ok(p256.to_pkcs8_der().unwrap()),
                Ok(rsa_key(99).to_pkcs8_der().unwrap()),
            ]
            .into(),
            fell_back: Vec::new(),
        };
        let job = |key_type| Job::CreateCa {
            key_type,
            subject: subject_form("Fallback Root"),
            days: 30,
        };
        for choice in [KeyChoice::Rsa2048, KeyChoice::Rsa2048, KeyChoice::Rsa2048] {
            let Ok(Outcome::Ca { ca, .. }) = run_with(job(choice), &mut keys) else {
                panic!("no CA");
            };
            assert_eq!(ca.view.key, "RSA 2048");
        }
        // An RSA 2048 key where 3072 is asked for is not taken either.
        let Ok(Outcome::Ca { ca, .. }) = run_with(job(KeyChoice::Rsa3072), &mut keys) else {
            panic!("no CA");
        };
        assert_eq!(ca.view.key, "RSA 3072");
        let why: Vec<String> = keys.fell_back.iter().map(ToString::to_string).collect();
        assert_eq!(why.len(), 4, "{why:?}");
        assert_eq!(why[0], "no crypto.subtle");
        assert!(why[1].contains("private key"), "{why:?}");
        assert_eq!(
            why[2],
            "the browser made an ECDSA P-256 key where RSA 2048 was asked for"
        );
        assert_eq!(
            why[3],
            "the browser made an RSA 2048 key where RSA 3072 was asked for"
        );
        // ECDSA keys are never asked for.
        let mut keys = Given::default();
        run_with(job(KeyChoice::P256), &mut keys).unwrap();
        assert!(keys.fell_back.is_empty());
    }
}
