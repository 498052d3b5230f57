//! `iotda-kit cert ...` and `iotda-kit fingerprint`, checked by the real
//! `openssl` and a real mosquitto doing mutual TLS.

use std::path::Path;
use std::process::{Command, Output, Stdio};

// `openssl_ok`: openssl that must succeed, its stdout (the doctor's tests
// use these too).
use iotda_testkit::{chmod, BrokerConfig, Mosquitto, Scratch, TlsListener};
pub(super) use iotda_testkit::{openssl as openssl_ok, openssl_key_and_csr};

use super::{kit_in, ok, text};

fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl")
}

/// `openssl x509 -fingerprint` output with the colons removed.
fn openssl_fingerprint(dir: &Path, cert: &str, alg: &str) -> String {
    let out = openssl_ok(dir, &["x509", "-noout", "-fingerprint", alg, "-in", cert]);
    out.trim()
        .split_once('=')
        .expect("Fingerprint=...")
        .1
        .replace(':', "")
}

fn pubkey_of_key(dir: &Path, key: &str) -> String {
    openssl_ok(dir, &["pkey", "-in", key, "-pubout"])
}

fn pubkey_of_cert(dir: &Path, cert: &str) -> String {
    openssl_ok(dir, &["x509", "-in", cert, "-pubkey", "-noout"])
}

/// Makes a CA, a verification certificate and a device certificate with
/// `key_type`, and checks every file with openssl.
fn chain_checked_by_openssl(key_type: &str) {
    let dir = Scratch::new(&format!("cert-{key_type}"));
    let d = dir.path();
    ok(&kit_in(
        d,
        &[
            "cert",
            "ca",
            "--out-dir",
            ".",
            "--key-type",
            key_type,
            "--subject",
            "/C=CN/ST=GD/L=SZ/O=Org/OU=IoT/CN=Test Device CA",
            "--days",
            "1024",
        ],
    ));
    ok(&kit_in(
        d,
        &[
            "cert",
            "verification",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            "rootCA.key",
            "--code",
            "4f3c9a1be2d8",
            "--out-dir",
            ".",
        ],
    ));
    ok(&kit_in(
        d,
        &[
            "cert",
            "device",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            "rootCA.key",
            "--cn",
            "node-0001",
            "--key-type",
            key_type,
            "--out-dir",
            ".",
        ],
    ));
    for f in [
        "rootCA.pem",
        "rootCA.key",
        "verificationCert.pem",
        "verificationCert.key",
        "deviceCert.pem",
        "deviceCert.key",
        "deviceCert.csr",
    ] {
        assert!(d.join(f).is_file(), "{f} written");
    }
    // Private keys are readable by their owner only.
    for key in ["rootCA.key", "verificationCert.key", "deviceCert.key"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join(key)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{key} mode {mode:o}");
    }

    let verify = openssl_ok(d, &["verify", "-CAfile", "rootCA.pem", "deviceCert.pem"]);
    assert_eq!(verify.trim(), "deviceCert.pem: OK");
    let verify = openssl_ok(
        d,
        &["verify", "-CAfile", "rootCA.pem", "verificationCert.pem"],
    );
    assert_eq!(verify.trim(), "verificationCert.pem: OK");
    openssl_ok(d, &["req", "-verify", "-noout", "-in", "deviceCert.csr"]);

    let subject = openssl_ok(
        d,
        &[
            "x509",
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253",
            "-in",
            "verificationCert.pem",
        ],
    );
    assert_eq!(subject.trim(), "subject=CN=4f3c9a1be2d8");

    let ca_text = openssl_ok(d, &["x509", "-noout", "-text", "-in", "rootCA.pem"]);
    assert!(ca_text.contains("CA:TRUE"), "{ca_text}");
    assert!(ca_text.contains("Certificate Sign, CRL Sign"), "{ca_text}");
    assert!(ca_text.contains("Subject Key Identifier"));
    let dev_text = openssl_ok(d, &["x509", "-noout", "-text", "-in", "deviceCert.pem"]);
    assert!(
        dev_text.contains("TLS Web Client Authentication"),
        "{dev_text}"
    );
    assert!(dev_text.contains("CA:FALSE"), "{dev_text}");
    assert!(dev_text.contains("Subject: CN = node-0001"), "{dev_text}");

    // Keys match their certificates.
    assert_eq!(
        pubkey_of_key(d, "rootCA.key"),
        pubkey_of_cert(d, "rootCA.pem")
    );
    assert_eq!(
        pubkey_of_key(d, "deviceCert.key"),
        pubkey_of_cert(d, "deviceCert.pem")
    );

    // Fingerprints equal openssl's, colons removed.
    let ours = ok(&kit_in(d, &["fingerprint", "deviceCert.pem"]));
    assert_eq!(
        ours.trim(),
        openssl_fingerprint(d, "deviceCert.pem", "-sha256")
    );
    assert_eq!(ours.trim().len(), 64);
    let ours = ok(&kit_in(d, &["fingerprint", "deviceCert.pem", "--sha1"]));
    assert_eq!(
        ours.trim(),
        openssl_fingerprint(d, "deviceCert.pem", "-sha1")
    );
    let colons = ok(&kit_in(d, &["fingerprint", "deviceCert.pem", "--colons"]));
    assert_eq!(colons.trim().replace(':', ""), ours_sha256(d));
    assert_eq!(colons.trim().matches(':').count(), 31);

    // The device command also prints the fingerprint for the console.
    let inspect = ok(&kit_in(d, &["cert", "inspect", "deviceCert.pem", "--json"]));
    let item: serde_json::Value = serde_json::from_str(inspect.trim()).unwrap();
    assert_eq!(item["kind"], "certificate");
    assert_eq!(item["sha256_fingerprint"], ours_sha256(d));
    assert_eq!(item["is_ca"], false);
}

/// `cert device` for `cn`, signed by the CA in folder `ca_dir`, into `out_dir`.
fn device(d: &Path, ca_dir: &str, cn: &str, out_dir: &str) {
    let ca = format!("{ca_dir}/rootCA.pem");
    let ca_key = format!("{ca_dir}/rootCA.key");
    ok(&kit_in(
        d,
        &[
            "cert",
            "device",
            "--ca",
            &ca,
            "--ca-key",
            &ca_key,
            "--cn",
            cn,
            "--out-dir",
            out_dir,
        ],
    ));
}

fn ours_sha256(d: &Path) -> String {
    openssl_fingerprint(d, "deviceCert.pem", "-sha256")
}

#[test]
fn p256_chain_is_accepted_by_openssl() {
    chain_checked_by_openssl("p256");
}

#[test]
fn rsa2048_chain_is_accepted_by_openssl() {
    chain_checked_by_openssl("rsa2048");
}

/// The algorithm and size line of `openssl x509 -text` (or `pkey -text`
/// for a key): `rsaEncryption 2048` or `id-ecPublicKey 256`.
fn algorithm_by_openssl(d: &Path, what: &str, file: &str) -> String {
    let text = openssl_ok(d, &[what, "-in", file, "-noout", "-text"]);
    let algorithm = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Public Key Algorithm: "))
        .unwrap_or("(no algorithm line)");
    let bits = text
        .lines()
        .find_map(|l| {
            let (_, rest) = l.split_once("Public-Key: (")?;
            rest.split_once(" bit)").map(|(n, _)| n)
        })
        .or_else(|| {
            // `pkey -text` of a private key: "Private-Key: (2048 bit, 2 primes)".
            text.lines()
                .find_map(|l| l.split_once("Private-Key: (")?.1.split_once(" bit"))
                .map(|(n, _)| n)
        })
        .unwrap_or("?");
    format!("{algorithm} {bits}")
}

#[test]
fn defaults_are_rsa_2048_as_iotdas_guide_and_the_verification_key_follows_the_ca() {
    let dir = Scratch::new("cert-defaults");
    let d = dir.path();
    let out = kit_in(d, &["cert", "ca", "--out-dir", "."]);
    assert!(
        !text(&out.stderr).contains("not documented"),
        "{}",
        text(&out.stderr)
    );
    ok(&out);
    device(d, ".", "node-rsa", ".");
    for cert in ["rootCA.pem", "deviceCert.pem"] {
        let text = openssl_ok(d, &["x509", "-in", cert, "-noout", "-text"]);
        assert!(
            text.contains("Public-Key: (2048 bit)") && text.contains("rsaEncryption"),
            "{cert}: {text}"
        );
    }
    let verification = |ca_dir: &str| {
        ok(&kit_in(
            d,
            &[
                "cert",
                "verification",
                "--ca",
                &format!("{ca_dir}/rootCA.pem"),
                "--ca-key",
                &format!("{ca_dir}/rootCA.key"),
                "--code",
                "A1B2C3",
                "--out-dir",
                ca_dir,
            ],
        ));
    };
    verification(".");
    assert_eq!(
        algorithm_by_openssl(d, "x509", "verificationCert.pem"),
        "rsaEncryption 2048"
    );
    assert!(algorithm_by_openssl(d, "pkey", "verificationCert.key").ends_with(" 2048"));

    // A P-256 CA, asked for: noted as not documented by IoTDA, and its
    // verification key is P-256 too.
    let out = kit_in(d, &["cert", "ca", "--out-dir", "ec", "--key-type", "p256"]);
    ok(&out);
    assert!(
        text(&out.stderr).contains("ECDSA P-256 keys are not documented by IoTDA"),
        "{}",
        text(&out.stderr)
    );
    verification("ec");
    assert_eq!(
        algorithm_by_openssl(d, "x509", "ec/verificationCert.pem"),
        "id-ecPublicKey 256"
    );

    let help = ok(&kit_in(d, &["cert", "device", "--help"]));
    assert!(
        help.contains("not documented by IoTDA") && help.contains("[default: rsa2048]"),
        "{help}"
    );
}

#[test]
fn signs_a_csr_made_by_openssl() {
    let dir = Scratch::new("sign-csr");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    openssl_key_and_csr(d, "dev", "/CN=node-from-openssl");
    ok(&kit_in(
        d,
        &[
            "cert",
            "sign-csr",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            "rootCA.key",
            "--csr",
            "dev.csr",
            "--out",
            "dev.pem",
            "--days",
            "30",
        ],
    ));
    let verify = openssl_ok(d, &["verify", "-CAfile", "rootCA.pem", "dev.pem"]);
    assert_eq!(verify.trim(), "dev.pem: OK");
    assert_eq!(pubkey_of_key(d, "dev.key"), pubkey_of_cert(d, "dev.pem"));

    // A CSR changed after signing is refused.
    let pem = std::fs::read_to_string(d.join("dev.csr")).unwrap();
    let der = openssl_der_of_csr(d);
    let mut tampered = der.clone();
    let last = tampered.len() - 3;
    tampered[last] ^= 0x01;
    std::fs::write(d.join("tampered.der"), &tampered).unwrap();
    let out = kit_in(
        d,
        &[
            "cert",
            "sign-csr",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            "rootCA.key",
            "--csr",
            "tampered.der",
            "--out",
            "t.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("signature"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("t.pem").exists());
    assert!(pem.contains("CERTIFICATE REQUEST"));
}

fn openssl_der_of_csr(d: &Path) -> Vec<u8> {
    openssl_ok(
        d,
        &[
            "req", "-in", "dev.csr", "-outform", "DER", "-out", "dev.der",
        ],
    );
    std::fs::read(d.join("dev.der")).unwrap()
}

#[test]
fn pkcs12_in_both_modes_is_read_by_openssl_without_legacy() {
    let dir = Scratch::new("p12");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    device(d, ".", "n1", ".");
    for (mode, extra) in [("modern", None), ("compat", Some("--compat"))] {
        let out_name = format!("{mode}.p12");
        let mut args = vec![
            "cert",
            "p12",
            "--cert",
            "deviceCert.pem",
            "--key",
            "deviceCert.key",
            "--ca",
            "rootCA.pem",
            "--password",
            "pa55word",
            "--out",
            &out_name,
        ];
        args.extend(extra);
        ok(&kit_in(d, &args));
        openssl_ok(
            d,
            &[
                "pkcs12",
                "-info",
                "-noout",
                "-in",
                &out_name,
                "-passin",
                "pass:pa55word",
            ],
        );
        let pem = openssl_ok(
            d,
            &[
                "pkcs12",
                "-in",
                &out_name,
                "-nodes",
                "-passin",
                "pass:pa55word",
            ],
        );
        assert!(pem.contains("PRIVATE KEY"), "{mode}: {pem}");
        assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2, "{mode}");
        let wrong = openssl(
            d,
            &[
                "pkcs12",
                "-info",
                "-noout",
                "-in",
                &out_name,
                "-passin",
                "pass:wrong",
            ],
        );
        assert_ne!(
            wrong.status.code(),
            Some(0),
            "{mode}: wrong password refused"
        );
    }
}

#[test]
fn batch_writes_a_folder_per_device_and_fingerprints_csv() {
    let dir = Scratch::new("batch");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    std::fs::write(d.join("ids.txt"), "node_a\n\nnode-b\r\nnode3\n").unwrap();
    ok(&kit_in(
        d,
        &[
            "cert",
            "batch",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            "rootCA.key",
            "--node-ids",
            "ids.txt",
            "--out-dir",
            "out",
        ],
    ));
    let csv = std::fs::read_to_string(d.join("out/fingerprints.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "node_id,fingerprint");
    assert_eq!(lines.len(), 4, "{csv}");
    for (line, id) in lines[1..].iter().zip(["node_a", "node-b", "node3"]) {
        let (got_id, fp) = line.split_once(',').unwrap();
        assert_eq!(got_id, id);
        let cert = format!("out/{id}/deviceCert.pem");
        assert_eq!(fp, openssl_fingerprint(d, &cert, "-sha256"));
        let verify = openssl_ok(d, &["verify", "-CAfile", "rootCA.pem", &cert]);
        assert!(verify.trim().ends_with(": OK"));
        assert_eq!(
            pubkey_of_key(d, &format!("out/{id}/deviceCert.key")),
            pubkey_of_cert(d, &cert)
        );
    }
}

#[test]
fn inspect_lists_every_item_of_a_bundle() {
    let dir = Scratch::new("inspect");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    device(d, ".", "n1", ".");
    let bundle = ["rootCA.pem", "deviceCert.pem", "deviceCert.key"]
        .iter()
        .map(|f| std::fs::read_to_string(d.join(f)).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.join("bundle.pem"), bundle).unwrap();
    let out = ok(&kit_in(d, &["cert", "inspect", "bundle.pem", "--json"]));
    let items: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items.len(), 3, "{out}");
    assert_eq!(items[0]["kind"], "certificate");
    assert_eq!(items[0]["is_ca"], true);
    assert_eq!(items[1]["kind"], "certificate");
    assert_eq!(items[2]["kind"], "private_key");
    let human = ok(&kit_in(d, &["cert", "inspect", "bundle.pem"]));
    assert!(
        human.contains("CN=n1") || human.contains("CN = n1"),
        "{human}"
    );
}

#[test]
fn bad_input_is_one_line_with_exit_2() {
    let dir = Scratch::new("cert-bad");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    std::fs::write(d.join("garbage.pem"), "hello, not a certificate\n").unwrap();
    std::fs::write(d.join("empty.pem"), "").unwrap();
    let pem = std::fs::read_to_string(d.join("rootCA.pem")).unwrap();
    let cut = pem.len() / 2;
    std::fs::write(d.join("truncated.pem"), &pem[..cut]).unwrap();
    // An encrypted copy of the CA key, made by openssl.
    openssl_ok(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "rootCA.key",
            "-out",
            "enc.key",
            "-passout",
            "pass:right",
            "-v2",
            "aes-256-cbc",
        ],
    );
    let verification = |key: &'static str, pass: &'static str| -> Vec<&'static str> {
        let mut args = vec![
            "cert",
            "verification",
            "--ca",
            "rootCA.pem",
            "--ca-key",
            key,
            "--code",
            "abc",
            "--out-dir",
            "v",
        ];
        if !pass.is_empty() {
            args.extend(["--ca-key-passphrase", pass]);
        }
        args
    };
    let wrong_pass = verification("enc.key", "wrong");
    let no_pass = verification("enc.key", "");
    let cases: &[(&[&str], &str)] = &[
        (
            &["fingerprint", "garbage.pem"],
            "garbage.pem: no PEM block found",
        ),
        (
            &["fingerprint", "empty.pem"],
            "empty.pem: the input is empty",
        ),
        (
            &["fingerprint", "truncated.pem"],
            "has no -----END CERTIFICATE----- line",
        ),
        (
            &["fingerprint", "rootCA.key"],
            "expected a certificate, found a PRIVATE KEY block",
        ),
        (&["fingerprint", "missing.pem"], "cannot read missing.pem"),
        (&["cert", "inspect", "garbage.pem"], "no PEM block found"),
        (
            &["cert", "ca", "--out-dir", ".", "--subject", "/C=CHN/CN=x"],
            "--subject: the country (C) must be a two-letter",
        ),
        (
            &["cert", "ca", "--out-dir", ".", "--subject", "/XX=1/CN=x"],
            "unknown subject field \"XX\"",
        ),
        (
            &["cert", "ca", "--out-dir", ".", "--key-type", "dsa"],
            "--key-type: unsupported key type \"dsa\"",
        ),
        (&["cert", "ca", "--out-dir", "x", "--days", "0"], "--days"),
        // rootCA.key exists: never overwritten without --force.
        (&["cert", "ca", "--out-dir", "."], "--force"),
        (
            &[
                "cert",
                "verification",
                "--ca",
                "rootCA.key",
                "--ca-key",
                "rootCA.key",
                "--code",
                "abc",
                "--out-dir",
                "v",
            ],
            "expected a certificate",
        ),
        (&wrong_pass, "enc.key: wrong passphrase"),
        (&no_pass, "enc.key: the private key is encrypted"),
    ];
    for (args, must_contain) in cases {
        let out = kit_in(d, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(must_contain), "{args:?}: {stderr}");
    }
    // Nothing was written by the failed commands; the right passphrase works.
    assert!(!d.join("v").exists() && !d.join("x").exists());
    ok(&kit_in(d, &verification("enc.key", "right")));
    let verify = openssl_ok(
        d,
        &["verify", "-CAfile", "rootCA.pem", "v/verificationCert.pem"],
    );
    assert_eq!(verify.trim(), "v/verificationCert.pem: OK");
}

#[test]
fn inspect_checks_a_certificate_against_a_ca_and_a_key() {
    let dir = Scratch::new("inspect-checks");
    let d = dir.path();
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "other"]));
    device(d, ".", "n1", ".");
    let json = |ca: &str, key: &str| -> serde_json::Value {
        let out = ok(&kit_in(
            d,
            &[
                "cert",
                "inspect",
                "deviceCert.pem",
                "--json",
                "--ca",
                ca,
                "--key",
                key,
            ],
        ));
        serde_json::from_str(out.trim()).unwrap()
    };
    let good = json("rootCA.pem", "deviceCert.key");
    assert_eq!(good["signed_by_ca"], true);
    assert_eq!(good["key_matches"], true);
    assert!(good.get("signed_by_ca_error").is_none());
    let bad = json("other/rootCA.pem", "rootCA.key");
    assert_eq!(bad["signed_by_ca"], false);
    assert_eq!(bad["key_matches"], false);
    let why = bad["signed_by_ca_error"].as_str().unwrap();
    assert!(why.contains("signature does not verify"), "{why}");
    let human = ok(&kit_in(
        d,
        &[
            "cert",
            "inspect",
            "deviceCert.pem",
            "--ca",
            "rootCA.pem",
            "--key",
            "deviceCert.key",
        ],
    ));
    assert!(human.contains("Signed by CA: yes"), "{human}");
    assert!(human.contains("Key matches:  yes"), "{human}");
}

/// `server.pem` / `server.key` in `d`: a server certificate of CN=`cn`
/// and subject alternative names `san` (openssl's form, `IP:127.0.0.1`)
/// signed by `rootCA.pem`, made by openssl, readable by the broker.
pub(super) fn server_cert(d: &Path, cn: &str, san: &str) {
    std::fs::write(
        d.join("server.ext"),
        format!("subjectAltName={san}\nextendedKeyUsage=serverAuth\n"),
    )
    .unwrap();
    openssl_key_and_csr(d, "server", &format!("/CN={cn}"));
    openssl_ok(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "rootCA.pem",
            "-CAkey",
            "rootCA.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ],
    );
    // The broker drops to the `mosquitto` user: it must read its files.
    for f in ["server.key", "server.pem", "rootCA.pem"] {
        chmod(&d.join(f), 0o644);
    }
}

/// Our CA, a device certificate `node-mtls` in `d`, another CA with a
/// device `intruder` in `d/other`, and a mosquitto TLS listener that
/// requires a client certificate issued by our CA.
pub(super) fn mtls_broker(d: &Path) -> Mosquitto {
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "."]));
    device(d, ".", "node-mtls", ".");
    ok(&kit_in(d, &["cert", "ca", "--out-dir", "other"]));
    device(d, "other", "intruder", "other");
    server_cert(d, "127.0.0.1", "IP:127.0.0.1");
    tls_broker(d, true)
}

/// A mosquitto whose TLS listener shows `server.pem` (key `server.key`)
/// from `d` and, with `require_certificate`, takes only clients with a
/// certificate issued by `rootCA.pem`.
pub(super) fn tls_broker(d: &Path, require_certificate: bool) -> Mosquitto {
    Mosquitto::start(&BrokerConfig {
        tls: Some(TlsListener {
            cafile: d.join("rootCA.pem"),
            certfile: d.join("server.pem"),
            keyfile: d.join("server.key"),
            require_certificate,
        }),
        ..BrokerConfig::default()
    })
}

#[test]
fn mosquitto_accepts_our_device_certificate_and_refuses_another_ca() {
    let dir = Scratch::new("mtls");
    let d = dir.path();
    let broker = mtls_broker(d);
    let port = broker.tls_port.unwrap().to_string();
    let publish = |cert: &str, key: &str| {
        Command::new("mosquitto_pub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "--cafile",
                "rootCA.pem",
                "--cert",
                cert,
                "--key",
                key,
                "-q",
                "1",
                "-t",
                "mtls/test",
                "-m",
                "hello",
            ])
            .current_dir(d)
            .stdin(Stdio::null())
            .output()
            .expect("run mosquitto_pub")
    };
    let accepted = publish("deviceCert.pem", "deviceCert.key");
    assert_eq!(
        accepted.status.code(),
        Some(0),
        "our device certificate: {}",
        text(&accepted.stderr)
    );
    let refused = publish("other/deviceCert.pem", "other/deviceCert.key");
    assert_ne!(
        refused.status.code(),
        Some(0),
        "a certificate from another CA must be refused"
    );
}
