//! `cargo bench -p iotda-kit-e2e --bench pki_native`: the certificate steps
//! natively, ours (the core, in this process) against the real `openssl`
//! running the commands the Certificates page shows (`src/state/openssl.rs`)
//! as processes, in the same run. Both write the same PEM files into a
//! scratch folder. Prints a table and records it as the part `pki_native`
//! of the bench table (`iotda_kit_e2e::bench`). It asserts nothing about
//! speed; it fails only if it cannot measure: `openssl` is missing, or a
//! chain (ours or OpenSSL's) does not pass `openssl verify`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use iotda_core::pki::batch::issue_device;
use iotda_core::pki::{
    create_ca, create_verification_cert, Certificate, KeyType, PrivateKey, Subject, Validity,
};
use iotda_kit_e2e::bench::{median, millis, record, worst, Row};
use iotda_kit_e2e::workspace_root;
use iotda_testkit::Scratch;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const SECTION: &str = "Certificates";
const CODE: &str = "0123456789abcdef";
/// The CA's common name (without a space, for [`openssl`]).
const CA_CN: &str = "BenchCA";
/// `openssl genpkey` for a P-256 key, as the page shows it, less the file.
const P256_KEY: &str = "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out";

/// Why a measurement could not be taken.
type Failed = String;

/// Runs `program` with `line`'s words as arguments (no shell, so no
/// quoting: no argument has a space) in `dir`.
fn run(program: &Path, dir: &Path, line: &str) -> Result<(), Failed> {
    let out = Command::new(program)
        .args(line.split_whitespace())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} {line}: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Runs `openssl` (Debian's `openssl` package) as [`run`] does.
fn openssl(dir: &Path, line: &str) -> Result<(), Failed> {
    run(Path::new("openssl"), dir, line)
}

/// Our command line, `iotda-kit`, from the release build
/// (`cargo build --release -p iotda-kit-cli`; `scripts/bench.sh` does).
fn our_cli() -> Result<PathBuf, Failed> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    let cli = target.join("release/iotda-kit");
    if cli.is_file() {
        Ok(cli)
    } else {
        Err(format!(
            "no {} (cargo build --release -p iotda-kit-cli)",
            cli.display()
        ))
    }
}

/// The chain with our commands (3 processes) in a new folder `dir`.
fn cli_chain(cli: &Path, dir: &Path) -> Result<(), Failed> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let ca = "--ca rootCA.pem --ca-key rootCA.key --out-dir .";
    run(
        cli,
        dir,
        &format!("cert ca --key-type p256 --subject /CN={CA_CN} --days 1024 --out-dir ."),
    )?;
    run(
        cli,
        dir,
        &format!("cert verification {ca} --code {CODE} --days 500"),
    )?;
    run(
        cli,
        dir,
        &format!("cert device {ca} --cn node-1 --key-type p256 --days 500"),
    )
}

/// The page's CA step: a P-256 key and a self-signed CA certificate.
fn openssl_ca(dir: &Path) -> Result<(), Failed> {
    openssl(dir, &format!("{P256_KEY} rootCA.key"))?;
    openssl(
        dir,
        &format!(
            "req -new -x509 -key rootCA.key -sha256 -days 1024 -subj /CN={CA_CN} \
             -addext basicConstraints=critical,CA:TRUE \
             -addext keyUsage=critical,keyCertSign,cRLSign -out rootCA.pem"
        ),
    )
}

/// The page's verification and device steps: a P-256 key, a CSR with
/// CN = `cn`, and the certificate the CA signs for it, as `name`.*.
fn openssl_issue(dir: &Path, name: &str, cn: &str) -> Result<(), Failed> {
    openssl(dir, &format!("{P256_KEY} {name}.key"))?;
    openssl(
        dir,
        &format!("req -new -key {name}.key -subj /CN={cn} -out {name}.csr"),
    )?;
    openssl(
        dir,
        &format!(
            "x509 -req -in {name}.csr -CA rootCA.pem -CAkey rootCA.key -CAcreateserial \
             -days 500 -sha256 -out {name}.pem"
        ),
    )
}

/// CA, verification certificate and device certificate with `openssl`
/// (8 processes).
fn openssl_chain(dir: &Path) -> Result<(), Failed> {
    openssl_ca(dir)?;
    openssl_issue(dir, "verificationCert", CODE)?;
    openssl_issue(dir, "deviceCert", "node-1")
}

/// `openssl verify` of the chain in `dir`: both certificates signed by the
/// CA.
fn verify_chain(dir: &Path) -> Result<(), Failed> {
    openssl(
        dir,
        "verify -CAfile rootCA.pem verificationCert.pem deviceCert.pem",
    )
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), Failed> {
    std::fs::write(dir.join(name), text).map_err(|e| format!("write {name}: {e}"))
}

fn pem(key: &PrivateKey) -> Result<String, Failed> {
    key.to_pkcs8_pem().map_err(|e| e.to_string())
}

/// Ours: the same chain and the same files, in this process.
fn our_chain(dir: &Path, validity: Validity, rng: &mut ChaCha20Rng) -> Result<(), Failed> {
    let ca_key = PrivateKey::generate(KeyType::P256, rng).map_err(|e| e.to_string())?;
    let ca = create_ca(&ca_key, &Subject::with_common_name(CA_CN), validity, rng)
        .map_err(|e| e.to_string())?;
    write(dir, "rootCA.key", &pem(&ca_key)?)?;
    write(dir, "rootCA.pem", &ca.pem())?;
    let (key, cert) =
        create_verification_cert(&ca, &ca_key, CODE, validity, rng).map_err(|e| e.to_string())?;
    write(dir, "verificationCert.key", &pem(&key)?)?;
    write(dir, "verificationCert.pem", &cert.pem())?;
    our_device(dir, &ca, &ca_key, "deviceCert", "node-1", validity, rng)
}

/// Ours: a P-256 device key, CSR and certificate, written as `name`.*.
fn our_device(
    dir: &Path,
    ca: &Certificate,
    ca_key: &PrivateKey,
    name: &str,
    node_id: &str,
    validity: Validity,
    rng: &mut ChaCha20Rng,
) -> Result<(), Failed> {
    let device = issue_device(ca, ca_key, node_id, KeyType::P256, validity, rng)
        .map_err(|e| e.to_string())?;
    write(dir, &format!("{name}.key"), &pem(&device.key)?)?;
    write(dir, &format!("{name}.csr"), &device.csr.pem())?;
    write(dir, &format!("{name}.pem"), &device.cert.pem())
}

/// Times `f` `runs` times, in milliseconds.
fn times(runs: usize, mut f: impl FnMut() -> Result<(), Failed>) -> Result<Vec<f64>, Failed> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f().map(|()| millis_since(start))
        })
        .collect()
}

fn millis_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn measure(quick: bool) -> Result<Vec<Row>, Failed> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let validity = Validity::new(i64::try_from(now).map_err(|e| e.to_string())?, 500);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let ours_dir = Scratch::new("bench-pki-ours");
    let openssl_dir = Scratch::new("bench-pki-openssl");
    let (ours_dir, openssl_dir) = (ours_dir.path(), openssl_dir.path());

    // Before any timing: both chains must pass `openssl verify`, so a
    // broken peer (or a broken us) cannot produce a fast number.
    our_chain(ours_dir, validity, &mut rng)?;
    verify_chain(ours_dir).map_err(|e| format!("our chain: {e}"))?;
    openssl_chain(openssl_dir)?;
    verify_chain(openssl_dir).map_err(|e| format!("OpenSSL's chain: {e}"))?;
    let cli = our_cli()?;
    let cli_dir = ours_dir.join("cli");
    cli_chain(&cli, &cli_dir)?;
    verify_chain(&cli_dir).map_err(|e| format!("our commands' chain: {e}"))?;

    let mut rows = Vec::new();
    // What one process costs OpenSSL before it does anything; printed, not
    // a row (nothing of ours compares).
    let process = times(if quick { 2 } else { 20 }, || {
        openssl(openssl_dir, "version")
    })?;
    println!(
        "start of one openssl process (`openssl version`), median of {}: {}",
        process.len(),
        millis(median(&process))
    );

    // The chain, alternating ours (in this process and as our commands)
    // and OpenSSL's, so that all see the same load.
    let runs = if quick { 2 } else { 20 };
    let (mut ours, mut commands, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.extend(times(1, || our_chain(ours_dir, validity, &mut rng))?);
        commands.extend(times(1, || cli_chain(&cli, &cli_dir))?);
        theirs.extend(times(1, || openssl_chain(openssl_dir))?);
    }
    let (o, c, t) = (median(&ours), median(&commands), median(&theirs));
    rows.push(Row::timed(
        SECTION,
        format!(
            "native: P-256 CA + verification + device chain, PEM files written, median of {runs} \
                 (ours in process; openssl as the page's 8 commands)"
        ),
        o,
        "openssl",
        t,
    ));
    rows.push(Row::timed(
        SECTION,
        format!(
            "native, as commands: the same chain, median of {runs} (ours: `iotda-kit cert ca`, \
                 `verification`, `device`, 3 processes; openssl: the page's 8)"
        ),
        c,
        "openssl",
        t,
    ));

    // RSA-2048 key generation, alternating likewise; OpenSSL's key is
    // written to a file, ours encoded as the same PKCS#8 PEM.
    let runs = if quick { 1 } else { 20 };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.extend(times(1, || {
            let key =
                PrivateKey::generate(KeyType::Rsa2048, &mut rng).map_err(|e| e.to_string())?;
            write(ours_dir, "rsa.key", &pem(&key)?)
        })?);
        theirs.extend(times(1, || {
            openssl(
                openssl_dir,
                "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key",
            )
        })?);
    }
    openssl(openssl_dir, "pkey -in rsa.key -check -noout")
        .map_err(|e| format!("OpenSSL's RSA key: {e}"))?;
    openssl(ours_dir, "pkey -in rsa.key -check -noout").map_err(|e| format!("our RSA key: {e}"))?;
    let (o, t) = (median(&ours), median(&theirs));
    rows.push(Row::timed(
        SECTION,
        format!("native: RSA-2048 key generation, median of {runs}"),
        o,
        "openssl genpkey",
        t,
    ));
    let (o, t) = (worst(&ours), worst(&theirs));
    rows.push(Row::timed(
        SECTION,
        format!("native: RSA-2048 key generation, worst of {runs}"),
        o,
        "openssl genpkey",
        t,
    ));

    // A batch of P-256 devices from one CA (the chains' last CA): key, CSR
    // and certificate each, as files.
    let count = if quick { 5 } else { 1000 };
    let ca_key = PrivateKey::from_pem(
        &std::fs::read_to_string(ours_dir.join("rootCA.key")).map_err(|e| e.to_string())?,
        None,
    )
    .map_err(|e| e.to_string())?;
    let ca = Certificate::from_pem(
        &std::fs::read_to_string(ours_dir.join("rootCA.pem")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let start = Instant::now();
    for i in 0..count {
        let name = format!("node-{i}");
        our_device(ours_dir, &ca, &ca_key, &name, &name, validity, &mut rng)?;
    }
    let o = millis_since(start);
    let start = Instant::now();
    for i in 0..count {
        let name = format!("node-{i}");
        openssl_issue(openssl_dir, &name, &name)?;
    }
    let t = millis_since(start);
    let ids: String = (0..count).map(|i| format!("node-{i}\n")).collect();
    write(&cli_dir, "ids.txt", &ids)?;
    let start = Instant::now();
    run(
        &cli,
        &cli_dir,
        "cert batch --ca rootCA.pem --ca-key rootCA.key --node-ids ids.txt --out-dir batch",
    )?;
    let c = millis_since(start);
    openssl(
        &cli_dir,
        &format!(
            "verify -CAfile rootCA.pem batch/node-{}/deviceCert.pem",
            count - 1
        ),
    )
    .map_err(|e| format!("our batch command's last device: {e}"))?;
    for dir in [ours_dir, openssl_dir] {
        openssl(
            dir,
            &format!("verify -CAfile rootCA.pem node-{}.pem", count - 1),
        )
        .map_err(|e| format!("the batch's last device: {e}"))?;
    }
    rows.push(Row::timed(
        SECTION,
        format!(
            "native: batch of {count} P-256 devices (key, CSR, certificate as files; \
                 openssl: 3 commands each)"
        ),
        o,
        "openssl",
        t,
    ));
    rows.push(Row::timed(
        SECTION,
        format!(
            "native, as commands: the same batch of {count} (ours: one `iotda-kit cert batch`, \
                 which also writes fingerprints.csv; openssl: 3 commands a device)"
        ),
        c,
        "openssl",
        t,
    ));
    Ok(rows)
}

fn main() -> ExitCode {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // and only wants to see the bench build and run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rows = match measure(quick) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("could not measure: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("| what | ours | peer | ratio |");
    println!("| --- | ---: | ---: | ---: |");
    for r in &rows {
        println!("| {} | {} | {} | {} |", r.what, r.ours, r.peer, r.ratio);
    }
    if !quick {
        if let Err(e) = record("pki_native", &rows) {
            eprintln!("could not record the rows: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
