//! `iotda-kit platform`: run, then managed through its API by the same
//! command, as a user would; OpenSSL makes the certificates.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use iotda_testkit::{openssl, openssl_ca, openssl_issue, Scratch};

use crate::{kit, ok, text, Running};

const START: Duration = Duration::from_secs(20);

/// Starts the platform on `data` with a free API port; returns it once it
/// printed its banner.
fn start(data: &Path) -> Running {
    let run = Running::start(&[
        "platform",
        "--data",
        data.to_str().unwrap(),
        "--api-port",
        "0",
    ]);
    run.stdout_until(START, |l| l.starts_with("http://127.0.0.1:"));
    run.stdout_until(START, |l| l.starts_with("AK: "));
    run.stdout_until(START, |l| l.starts_with("SK: "));
    run.stdout_until(START, |l| l.starts_with("project id: "));
    run.stdout_until(START, |l| l.starts_with("data: "));
    run
}

/// `iotda-kit platform ARGS --data DATA`.
fn manage(data: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["platform"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", data.to_str().unwrap()]);
    kit(&all)
}

/// `device add` of product `meter` by fingerprint.
fn add_by_fingerprint(data: &Path, node: &str, fingerprint: &str) -> std::process::Output {
    manage(
        data,
        &[
            "device",
            "add",
            "--product-id",
            "meter",
            "--node-id",
            node,
            "--fingerprint",
            fingerprint,
        ],
    )
}

fn value<'a>(out: &'a str, label: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {out}"))
        .trim()
}

#[test]
fn the_seeds_x509_registration_in_four_commands_then_a_clean_stop() {
    let dir = Scratch::new("cli-platform-x509");
    let data = dir.join("data");
    let platform = start(&data);
    ok(&manage(
        &data,
        &["product", "add", "--name", "Meter", "--product-id", "meter"],
    ));

    openssl_ca(dir.path(), "rootCA", "Seed Root");
    let uploaded = ok(&manage(
        &data,
        &["ca", "upload", dir.join("rootCA.pem").to_str().unwrap()],
    ));
    let id = value(&uploaded, "certificate id:").to_string();
    let code = value(&uploaded, "verification code:").to_string();
    openssl_issue(dir.path(), "rootCA", &code, "verificationCert");
    let verified = ok(&manage(
        &data,
        &[
            "ca",
            "verify",
            &id,
            dir.join("verificationCert.pem").to_str().unwrap(),
        ],
    ));
    assert!(verified.contains(&format!("verified {id}")), "{verified}");
    let listed = ok(&manage(&data, &["ca", "list"]));
    assert!(
        listed.contains(&id) && listed.contains(" verified "),
        "{listed}"
    );

    openssl_issue(dir.path(), "rootCA", "meter_node1", "device");
    let fp = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "device.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "");
    let added = ok(&add_by_fingerprint(&data, "node1", &fp));
    assert_eq!(value(&added, "device id:"), "meter_node1");
    let shown = ok(&manage(&data, &["device", "show", "meter_node1"]));
    assert!(
        shown.contains(&fp.to_ascii_lowercase()) && shown.contains("CERTIFICATES"),
        "{shown}"
    );

    // Refusals come back as IoTDA's error, exit 1.
    let dup = add_by_fingerprint(&data, "node1", &fp);
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        text(&dup.stderr).contains("IOTDA.014031"),
        "{}",
        text(&dup.stderr)
    );
    let short = add_by_fingerprint(&data, "n2", "abcd");
    assert!(
        text(&short.stderr).contains("IOTDA.000006"),
        "{}",
        text(&short.stderr)
    );

    platform.signal("TERM");
    let (code, _, stderr) = platform.finish();
    assert_eq!(code, Some(0));
    assert_eq!(stderr, "", "a clean stop prints no error");
}

#[test]
fn a_kill_9_during_device_adds_loses_nothing_acknowledged() {
    let dir = Scratch::new("cli-platform-kill");
    let data = dir.join("data");
    let platform = start(&data);
    ok(&manage(
        &data,
        &["product", "add", "--name", "P", "--product-id", "p"],
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let adder = {
        let (data, stop) = (data.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let node = format!("n{n}");
                let out = manage(
                    &data,
                    &[
                        "device",
                        "add",
                        "--product-id",
                        "p",
                        "--node-id",
                        &node,
                        "--secret",
                        "12345678",
                    ],
                );
                if out.status.success() {
                    acknowledged.push(format!("p_{node}"));
                } else {
                    // The platform is gone: nothing more can be acknowledged.
                    break;
                }
            }
            acknowledged
        })
    };
    // Let a few adds through, then kill the platform mid-loop.
    std::thread::sleep(Duration::from_millis(1500));
    platform.signal("KILL");
    let _ = platform.finish();
    stop.store(true, Ordering::SeqCst);
    let acknowledged = adder.join().unwrap();
    assert!(
        acknowledged.len() >= 3,
        "only {} adds before the kill",
        acknowledged.len()
    );

    let again = start(&data);
    let listed = ok(&manage(&data, &["device", "list", "--product-id", "p"]));
    for id in &acknowledged {
        assert!(
            listed.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} lost; have:\n{listed}"
        );
    }
    again.signal("TERM");
    assert_eq!(again.finish().0, Some(0));
}
