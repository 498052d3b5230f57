//! `iotda-kit cert ...` and `iotda-kit fingerprint`: the core's PKI with
//! the files, the clock and the operating system's randomness read here.
//!
//! File names are those of IoTDA's guide. Nothing is ever overwritten
//! without `--force` (a CA key overwritten by accident cannot be
//! recovered), and private keys are written readable by their owner only.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use iotda_core::pki::batch::{fingerprints_csv, issue_device, parse_node_ids};
use iotda_core::pki::{
    self, create_ca, create_device_cert, create_verification_cert, inspect, key_matches, sign_csr,
    to_pkcs12, verify_signed_by, Certificate, FingerprintAlg, Item, KeyType, P12Mode, PrivateKey,
    Subject, Validity,
};

use crate::args::{
    BatchArgs, CaArgs, CertArgs, CertCommand, DeviceArgs, FingerprintArgs, InspectArgs, P12Args,
    SecretArg, SignCsrArgs, SignerArgs, VerificationArgs,
};
use crate::{read_file, rng, unix_now, CliError};

/// Runs one `cert` step.
pub fn run(args: &CertArgs) -> Result<(), CliError> {
    match &args.command {
        CertCommand::Ca(a) => ca(a),
        CertCommand::Verification(a) => verification(a),
        CertCommand::Device(a) => device(a),
        CertCommand::SignCsr(a) => sign(a),
        CertCommand::Inspect(a) => inspect_file(a),
        CertCommand::P12(a) => p12(a),
        CertCommand::Batch(a) => batch(a),
    }
}

/// A file to write: its path, its bytes, and whether it holds a secret.
struct Output {
    path: PathBuf,
    bytes: Vec<u8>,
    secret: bool,
}

impl Output {
    fn public(dir: &Path, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            path: dir.join(name),
            bytes: bytes.into(),
            secret: false,
        }
    }

    fn secret(dir: &Path, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            secret: true,
            ..Self::public(dir, name, bytes)
        }
    }
}

fn ca(args: &CaArgs) -> Result<(), CliError> {
    let key_type = key_type(&args.key_type)?;
    let subject = Subject::parse(&args.subject).map_err(in_arg("--subject"))?;
    let validity = validity(args.days)?;
    let dir = &args.output.out_dir;
    refuse_existing(dir, &["rootCA.pem", "rootCA.key"], args.output.force)?;
    let mut rng = rng()?;
    let key = PrivateKey::generate(key_type, &mut rng).map_err(pki_error)?;
    let cert = create_ca(&key, &subject, validity, &mut rng).map_err(pki_error)?;
    write_all(&[
        Output::public(dir, "rootCA.pem", cert.pem()),
        Output::secret(dir, "rootCA.key", key.to_pkcs8_pem().map_err(pki_error)?),
    ])?;
    print_certificate(&cert);
    Ok(())
}

fn verification(args: &VerificationArgs) -> Result<(), CliError> {
    let (ca_cert, ca_key) = load_signer(&args.signer)?;
    let validity = validity(args.days)?;
    let dir = &args.output.out_dir;
    refuse_existing(
        dir,
        &["verificationCert.pem", "verificationCert.key"],
        args.output.force,
    )?;
    let mut rng = rng()?;
    let (key, cert) = create_verification_cert(&ca_cert, &ca_key, &args.code, validity, &mut rng)
        .map_err(in_arg("--code"))?;
    write_all(&[
        Output::public(dir, "verificationCert.pem", cert.pem()),
        Output::secret(
            dir,
            "verificationCert.key",
            key.to_pkcs8_pem().map_err(pki_error)?,
        ),
    ])?;
    print_certificate(&cert);
    Ok(())
}

fn device(args: &DeviceArgs) -> Result<(), CliError> {
    let key_type = key_type(&args.key_type)?;
    let mut subject = match &args.subject {
        Some(text) => Subject::parse(text).map_err(in_arg("--subject"))?,
        None => Subject::default(),
    };
    subject.common_name = Some(args.cn.clone());
    subject.validate_for_certificate().map_err(in_arg("--cn"))?;
    let (ca_cert, ca_key) = load_signer(&args.signer)?;
    let validity = validity(args.days)?;
    let dir = &args.output.out_dir;
    refuse_existing(
        dir,
        &["deviceCert.pem", "deviceCert.key", "deviceCert.csr"],
        args.output.force,
    )?;
    let mut rng = rng()?;
    let key = PrivateKey::generate(key_type, &mut rng).map_err(pki_error)?;
    let (csr, cert) = create_device_cert(&ca_cert, &ca_key, &key, &subject, validity, &mut rng)
        .map_err(pki_error)?;
    write_all(&[
        Output::public(dir, "deviceCert.pem", cert.pem()),
        Output::secret(
            dir,
            "deviceCert.key",
            key.to_pkcs8_pem().map_err(pki_error)?,
        ),
        Output::public(dir, "deviceCert.csr", csr.pem()),
    ])?;
    print_certificate(&cert);
    Ok(())
}

fn sign(args: &SignCsrArgs) -> Result<(), CliError> {
    let csr = read_file(&args.csr)?;
    let (ca_cert, ca_key) = load_signer(&args.signer)?;
    let validity = validity(args.days)?;
    refuse_existing_paths(&[&args.out], args.force)?;
    let mut rng = rng()?;
    let cert = sign_csr(&ca_cert, &ca_key, &csr, validity, &mut rng).map_err(in_file(&args.csr))?;
    write_all(&[Output {
        path: args.out.clone(),
        bytes: cert.pem().into_bytes(),
        secret: false,
    }])?;
    print_certificate(&cert);
    Ok(())
}

fn inspect_file(args: &InspectArgs) -> Result<(), CliError> {
    let input = read_file(&args.file)?;
    let now = unix_now()?;
    let items = inspect(&input, now).map_err(in_file(&args.file))?;
    let ca = match &args.ca {
        Some(path) => Some(Certificate::parse(&read_file(path)?).map_err(in_file(path))?),
        None => None,
    };
    let key = match &args.key {
        Some(path) => Some(
            PrivateKey::parse(
                &read_file(path)?,
                args.passphrase.as_ref().map(SecretArg::expose),
            )
            .map_err(in_file(path))?,
        ),
        None => None,
    };
    // The certificates of the file, in the order of their items.
    let mut certs = parse_certificates(&input).unwrap_or_default().into_iter();
    for item in &items {
        let checks = match item {
            Item::Certificate(_) => certs
                .next()
                .map(|cert| Checks::of(&cert, ca.as_ref(), key.as_ref()))
                .unwrap_or_default(),
            _ => Checks::default(),
        };
        if args.json {
            print_json_item(item, &checks)?;
        } else {
            print_item(item, &checks);
        }
    }
    Ok(())
}

/// Every certificate of a PEM bundle, or the one DER certificate (DER is
/// never valid UTF-8: its length bytes are continuation bytes).
fn parse_certificates(input: &[u8]) -> pki::Result<Vec<Certificate>> {
    match std::str::from_utf8(input) {
        Ok(text) => Certificate::parse_all(text),
        Err(_) => Certificate::parse(input).map(|c| vec![c]),
    }
}

/// The answers to `--ca` and `--key` for one certificate.
#[derive(Default)]
struct Checks {
    /// Whether the `--ca` certificate signed it, or why not.
    signed_by_ca: Option<Result<(), String>>,
    /// Whether the `--key` belongs to it.
    key_matches: Option<bool>,
}

impl Checks {
    fn of(cert: &Certificate, ca: Option<&Certificate>, key: Option<&PrivateKey>) -> Self {
        Self {
            signed_by_ca: ca.map(|ca| verify_signed_by(cert, ca).map_err(|e| e.to_string())),
            key_matches: key.map(|key| key_matches(cert, key)),
        }
    }
}

fn print_json_item(item: &Item, checks: &Checks) -> Result<(), CliError> {
    let mut value = serde_json::to_value(item).map_err(json_error)?;
    if let Some(object) = value.as_object_mut() {
        if let Some(signed) = &checks.signed_by_ca {
            object.insert("signed_by_ca".into(), signed.is_ok().into());
            if let Err(why) = signed {
                object.insert("signed_by_ca_error".into(), why.clone().into());
            }
        }
        if let Some(matches) = checks.key_matches {
            object.insert("key_matches".into(), matches.into());
        }
    }
    println!("{}", serde_json::to_string(&value).map_err(json_error)?);
    Ok(())
}

fn print_item(item: &Item, checks: &Checks) {
    match item {
        Item::Certificate(c) => {
            println!("Certificate");
            println!("  Subject:      {}", c.subject);
            println!("  Issuer:       {}", c.issuer);
            println!("  Serial:       {}", c.serial);
            println!("  Not before:   {}", c.not_before_iso);
            let state = if c.expired {
                " (EXPIRED)"
            } else if c.not_yet_valid {
                " (not yet valid)"
            } else if c.expires_within_30_days {
                " (expires within 30 days)"
            } else {
                ""
            };
            println!("  Not after:    {}{state}", c.not_after_iso);
            println!("  Key:          {}", c.key);
            println!("  Signature:    {}", c.signature_algorithm);
            let ca = if c.is_ca { "yes" } else { "no" };
            let self_signed = if c.self_signed { ", self-signed" } else { "" };
            println!("  CA:           {ca}{self_signed}");
            if !c.key_usage.is_empty() {
                println!("  Key usage:    {}", c.key_usage.join(", "));
            }
            println!("  SHA-256:      {}", c.sha256_fingerprint);
            println!("  SHA-1:        {}", c.sha1_fingerprint);
            match &checks.signed_by_ca {
                Some(Ok(())) => println!("  Signed by CA: yes"),
                Some(Err(why)) => println!("  Signed by CA: no: {why}"),
                None => {}
            }
            if let Some(matches) = checks.key_matches {
                println!("  Key matches:  {}", if matches { "yes" } else { "no" });
            }
        }
        Item::Csr(r) => {
            println!("Certificate signing request");
            println!("  Subject:      {}", r.subject);
            println!("  Key:          {}", r.key);
            println!("  Signature:    {}", r.signature_algorithm);
            let valid = if r.signature_valid {
                "valid"
            } else {
                "INVALID (changed after signing)"
            };
            println!("  Self-signature: {valid}");
        }
        Item::PrivateKey(k) => {
            println!("Private key");
            println!("  Key:          {} ({})", k.key, k.format);
        }
        Item::EncryptedPrivateKey => {
            println!("Encrypted private key (PKCS#8): its details need the passphrase");
        }
        Item::PublicKey(k) => {
            println!("Public key");
            println!("  Key:          {} ({})", k.key, k.format);
        }
        Item::Unreadable { label, error } => {
            println!("Unreadable {label} block: {error}");
        }
    }
}

fn p12(args: &P12Args) -> Result<(), CliError> {
    let cert = Certificate::parse(&read_file(&args.cert)?).map_err(in_file(&args.cert))?;
    let key = PrivateKey::parse(
        &read_file(&args.key)?,
        args.key_passphrase.as_ref().map(SecretArg::expose),
    )
    .map_err(in_file(&args.key))?;
    let chain = match &args.ca {
        Some(path) => certificates_in(path)?,
        None => Vec::new(),
    };
    let mode = if args.compat {
        P12Mode::Compat
    } else {
        P12Mode::Modern
    };
    refuse_existing_paths(&[&args.out], args.force)?;
    let mut rng = rng()?;
    let name = cert.common_name();
    let bytes = to_pkcs12(
        &key,
        &cert,
        &chain,
        args.password.expose(),
        mode,
        name.as_deref(),
        &mut rng,
    )
    .map_err(in_arg("--password"))?;
    write_all(&[Output {
        path: args.out.clone(),
        bytes,
        secret: true,
    }])
}

fn batch(args: &BatchArgs) -> Result<(), CliError> {
    let key_type = key_type(&args.key_type)?;
    let list = read_file(&args.node_ids)?;
    let list = String::from_utf8(list).map_err(|_| {
        CliError::Usage(format!(
            "{}: not UTF-8 text: give one node id per line",
            args.node_ids.display()
        ))
    })?;
    let ids = parse_node_ids(&list).map_err(in_file(&args.node_ids))?;
    let (ca_cert, ca_key) = load_signer(&args.signer)?;
    let validity = validity(args.days)?;
    let dir = &args.output.out_dir;
    let mut names = vec![PathBuf::from("fingerprints.csv")];
    for id in &ids {
        for file in ["deviceCert.pem", "deviceCert.key", "deviceCert.csr"] {
            names.push(Path::new(id).join(file));
        }
    }
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    refuse_existing_paths(&paths.iter().collect::<Vec<_>>(), args.output.force)?;

    let mut rng = rng()?;
    let progress = std::io::stderr().is_terminal();
    let mut rows = Vec::with_capacity(ids.len());
    for (done, id) in ids.iter().enumerate() {
        let device =
            issue_device(&ca_cert, &ca_key, id, key_type, validity, &mut rng).map_err(pki_error)?;
        let folder = dir.join(id);
        write_all(&[
            Output::public(&folder, "deviceCert.pem", device.cert.pem()),
            Output::secret(
                &folder,
                "deviceCert.key",
                device.key.to_pkcs8_pem().map_err(pki_error)?,
            ),
            Output::public(&folder, "deviceCert.csr", device.csr.pem()),
        ])?;
        rows.push((id.as_str(), device.fingerprint()));
        if progress {
            eprint!("\rissued {} of {}", done + 1, ids.len());
        }
    }
    if progress {
        eprintln!();
    }
    let csv = fingerprints_csv(rows.iter().map(|(id, fp)| (*id, fp.as_str())));
    write_all(&[Output::public(dir, "fingerprints.csv", csv)])?;
    println!(
        "{} devices in {}, fingerprints in {}",
        ids.len(),
        dir.display(),
        dir.join("fingerprints.csv").display()
    );
    Ok(())
}

/// Runs `iotda-kit fingerprint`.
pub fn fingerprint(args: &FingerprintArgs) -> Result<(), CliError> {
    let alg = if args.sha1 {
        FingerprintAlg::Sha1
    } else {
        FingerprintAlg::Sha256
    };
    for cert in certificates_in(&args.file)? {
        println!("{}", cert.fingerprint(alg, args.colons));
    }
    Ok(())
}

/// The certificates in the file at `path`.
fn certificates_in(path: &Path) -> Result<Vec<Certificate>, CliError> {
    parse_certificates(&read_file(path)?).map_err(in_file(path))
}

fn load_signer(args: &SignerArgs) -> Result<(Certificate, PrivateKey), CliError> {
    let cert = Certificate::parse(&read_file(&args.ca)?).map_err(in_file(&args.ca))?;
    let key = PrivateKey::parse(
        &read_file(&args.ca_key)?,
        args.ca_key_passphrase.as_ref().map(SecretArg::expose),
    )
    .map_err(in_file(&args.ca_key))?;
    Ok((cert, key))
}

fn print_certificate(cert: &Certificate) {
    println!("Subject:   {}", cert.subject());
    println!("Issuer:    {}", cert.issuer());
    println!(
        "SHA-256:   {}",
        cert.fingerprint(FingerprintAlg::Sha256, false)
    );
}

/// `--key-type`; a type IoTDA's documents do not use is noted on stderr
/// (the platform documents no accepted algorithms; its guide uses RSA 2048).
fn key_type(text: &str) -> Result<KeyType, CliError> {
    let key_type: KeyType = text.parse().map_err(in_arg("--key-type"))?;
    if !key_type.documented_by_iotda() {
        eprintln!(
            "note: {} keys are not documented by IoTDA (its guide and examples use RSA 2048, \
             --key-type rsa2048)",
            key_type.description()
        );
    }
    Ok(key_type)
}

fn validity(days: u32) -> Result<Validity, CliError> {
    if days == 0 {
        return Err(CliError::Usage("--days: must be at least 1".into()));
    }
    Ok(Validity::new(unix_now()?, days))
}

fn refuse_existing(dir: &Path, names: &[&str], force: bool) -> Result<(), CliError> {
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    refuse_existing_paths(&paths.iter().collect::<Vec<_>>(), force)
}

/// Fails before anything is written if one of `paths` exists, unless
/// `force`.
fn refuse_existing_paths(paths: &[&PathBuf], force: bool) -> Result<(), CliError> {
    if force {
        return Ok(());
    }
    match paths.iter().find(|p| p.exists()) {
        Some(p) => Err(CliError::Usage(format!(
            "{} already exists: not overwriting it (use --force to replace it)",
            p.display()
        ))),
        None => Ok(()),
    }
}

fn write_all(outputs: &[Output]) -> Result<(), CliError> {
    for out in outputs {
        write_file(out)
            .map_err(|e| CliError::Failure(format!("cannot write {}: {e}", out.path.display())))?;
    }
    Ok(())
}

fn write_file(out: &Output) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if let Some(parent) = out.path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mode = if out.secret { 0o600 } else { 0o644 };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&out.path)?;
    // An existing file (with --force) keeps its old mode unless set here.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(&out.bytes)?;
    file.sync_all()
}

fn pki_error(e: pki::Error) -> CliError {
    match e {
        pki::Error::Encoding { .. } | pki::Error::KeyGeneration { .. } => {
            CliError::Failure(e.to_string())
        }
        _ => CliError::Usage(e.to_string()),
    }
}

fn in_arg(flag: &'static str) -> impl Fn(pki::Error) -> CliError {
    move |e| match pki_error(e) {
        CliError::Usage(msg) => CliError::Usage(format!("{flag}: {msg}")),
        failure => failure,
    }
}

fn in_file(path: &Path) -> impl Fn(pki::Error) -> CliError + '_ {
    move |e| match pki_error(e) {
        CliError::Usage(msg) => CliError::Usage(format!("{}: {msg}", path.display())),
        failure => failure,
    }
}

fn json_error(e: serde_json::Error) -> CliError {
    CliError::Failure(format!("cannot write JSON: {e}"))
}
