//! `iotda-kit doctor` offline: broken attempts whose passwords the real
//! `openssl` computes (the doctor's own arithmetic is not the oracle), a
//! CONNECT captured from the real `mosquitto_pub`, and certificates made
//! wrong with `openssl` (expired, another CA, another key, fingerprints of
//! other things). Each must get exactly its diagnosis and exit code.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use iotda_testkit::Scratch;
use serde_json::Value;

use super::cert::{openssl_key_and_csr, openssl_ok};
use super::{kit, kit_in, text};

const DEVICE: &str = "66a0b1c2d3e4f5a6b7c8d9e0_meter-7";
const NODE: &str = "meter-7";
const PRODUCT: &str = "66a0b1c2d3e4f5a6b7c8d9e0";
const SECRET: &str = "s3cretKey_2025";
const HOUR: &str = "2025041401";
const AT: &str = "2025-04-14T01:20:00Z";

/// `openssl dgst -<alg> -hmac key` of `message`: hex, or with `raw` the
/// digest bytes.
fn openssl_hmac(alg: &str, key: &str, message: &str, raw: bool) -> Vec<u8> {
    let mut args = vec!["dgst", alg, "-hmac", key];
    if raw {
        args.push("-binary");
    }
    let mut child = Command::new("openssl")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    if raw {
        return out.stdout;
    }
    let line = text(&out.stdout);
    line.trim().rsplit_once("= ").unwrap().1.as_bytes().to_vec()
}

/// The hex password openssl computes with `alg`, `key` and `message`.
fn hex_hmac(alg: &str, key: &str, message: &str) -> String {
    String::from_utf8(openssl_hmac(alg, key, message, false)).unwrap()
}

/// The right password for the device secret at `hour`.
fn right(hour: &str) -> String {
    hex_hmac("-sha256", hour, SECRET)
}

/// `doctor --json` with the device's id and secret and `extra`: exit code
/// and the JSON line.
fn doctor(extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec![
        "doctor",
        "--device-id",
        DEVICE,
        "--secret",
        SECRET,
        "--at",
        AT,
        "--json",
    ];
    args.extend_from_slice(extra);
    exit_and_json(&kit(&args))
}

/// The exit code and the JSON line of a `doctor --json` run.
pub(super) fn exit_and_json(out: &Output) -> (Option<i32>, Value) {
    let stdout = text(&out.stdout);
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {stdout:?} {}", text(&out.stderr)));
    (out.status.code(), json)
}

/// `doctor` with the ClientId, user name and password sent.
fn sent(client_id: &str, username: &str, password: &str) -> (Option<i32>, Value) {
    sent_with(client_id, username, password, &[])
}

/// [`sent`] with more arguments.
fn sent_with(
    client_id: &str,
    username: &str,
    password: &str,
    extra: &[&str],
) -> (Option<i32>, Value) {
    let mut args = vec![
        "--client-id",
        client_id,
        "--username",
        username,
        "--password",
        password,
    ];
    args.extend_from_slice(extra);
    doctor(&args)
}

fn assert_rule(got: (Option<i32>, Value), rule: &str, mistakes: &[&str]) {
    let (code, json) = got;
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["rule"], rule, "{json}");
    let found: Vec<&str> = json["mistakes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(found, mistakes, "{json}");
    assert!(json["diagnosis"].as_str().unwrap().ends_with('.'), "{json}");
}

fn cid(hour: &str) -> String {
    format!("{DEVICE}_0_0_{hour}")
}

#[test]
fn right_attempts_exit_0() {
    let (code, json) = sent(&cid(HOUR), DEVICE, &right(HOUR));
    assert_eq!(
        (code, json["ok"].clone()),
        (Some(0), Value::Bool(true)),
        "{json}"
    );
    // Huawei's published vector.
    let out = kit(&[
        "doctor",
        "--device-id",
        "5f8d_node1",
        "--secret",
        "12345678",
        "--client-id",
        "5f8d_node1_0_0_2025041401",
        "--username",
        "5f8d_node1",
        "--password",
        "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "ok: the attempt follows every rule the doctor checks"
    );
}

#[test]
fn password_mistakes_made_by_openssl() {
    let base = cid(HOUR);
    let raw = openssl_hmac("-sha256", HOUR, SECRET, true);
    let b64 = {
        let mut child = Command::new("openssl")
            .args(["base64", "-A"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&raw).unwrap();
        text(&child.wait_with_output().unwrap().stdout)
            .trim()
            .to_owned()
    };
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            hex_hmac("-sha256", SECRET, HOUR),
            vec!["key_message_swapped"],
        ),
        (right(HOUR).to_uppercase(), vec!["upper_case_hex"]),
        (b64, vec!["base64"]),
        (hex_hmac("-sha1", HOUR, SECRET), vec!["hmac_sha1"]),
        (hex_hmac("-md5", HOUR, SECRET), vec!["hmac_md5"]),
        (right("2025041409"), vec!["local_time_utc+8"]),
        (right("2025041320"), vec!["local_time_utc-5"]),
        (right("2025041402"), vec!["local_time_utc+1", "next_hour"]),
        (
            right("2025041400"),
            vec!["local_time_utc-1", "previous_hour"],
        ),
        (
            hex_hmac("-sha256", HOUR, &format!("{SECRET}\n")),
            vec!["secret_whitespace"],
        ),
        (hex_hmac("-sha256", HOUR, "an0ther-secret"), vec![]),
    ];
    for (password, mistakes) in cases {
        assert_rule(sent(&base, DEVICE, &password), "wrong_password", &mistakes);
    }
    // The sentence names the zone.
    let out = kit(&[
        "doctor",
        "--device-id",
        DEVICE,
        "--secret",
        SECRET,
        "--client-id",
        &base,
        "--username",
        DEVICE,
        "--password",
        &right("2025041409"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.contains("UTC+8 (China Standard Time"), "{said}");
    assert!(text(&out.stderr).contains("wrong_password"));
}

#[test]
fn identity_mistakes() {
    let p = right(HOUR);
    assert_rule(
        sent(&format!("{NODE}_0_0_{HOUR}"), DEVICE, &p),
        "client_id_device_id",
        &[],
    );
    assert_rule(sent(&cid(HOUR), PRODUCT, &p), "username", &[]);
    assert_rule(
        sent(&format!("{DEVICE}_0_0_202504140120"), DEVICE, &p),
        "client_id_timestamp",
        &[],
    );
    assert_rule(
        doctor(&["--client-id", &cid(HOUR), "--password", &p]),
        "missing_username",
        &[],
    );
    assert_rule(
        sent_with(&cid(HOUR), DEVICE, &p, &["--keepalive", "10"]),
        "keep_alive",
        &[],
    );
    assert_rule(
        sent_with(&cid(HOUR), DEVICE, &p, &["--sign-type", "1"]),
        "sign_type_not_expected",
        &[],
    );
    // Sign type 1 with the local hour (UTC+8) everywhere.
    assert_rule(
        sent(
            &format!("{DEVICE}_0_1_2025041409"),
            DEVICE,
            &right("2025041409"),
        ),
        "timestamp_not_current",
        &[],
    );
}

/// The CONNECT `mosquitto_pub` sends with `args`, in hex.
fn capture_connect(args: &[&str]) -> String {
    iotda_testkit::capture_mosquitto_pub_connect(args)
}

#[test]
fn connect_captured_from_mosquitto_pub() {
    let p = right(HOUR);
    let base = cid(HOUR);
    let good = capture_connect(&["-i", &base, "-u", DEVICE, "-P", &p, "-k", "120"]);
    let (code, json) = doctor(&["--connect-hex", &good]);
    assert_eq!(code, Some(0), "{json}");
    let short = capture_connect(&["-i", &base, "-u", DEVICE, "-P", &p, "-k", "10"]);
    assert_rule(doctor(&["--connect-hex", &short]), "keep_alive", &[]);
    let upper = p.to_uppercase();
    let upper = capture_connect(&["-i", &base, "-u", DEVICE, "-P", &upper, "-k", "60"]);
    assert_rule(
        doctor(&["--connect-hex", &upper]),
        "wrong_password",
        &["upper_case_hex"],
    );
}

#[test]
fn bad_input_exits_2() {
    let known = ["doctor", "--device-id", DEVICE, "--secret", SECRET];
    let with_known: Vec<Vec<&str>> = [
        &[][..],
        &["--client-id", "x", "--at", "2025-04-14 01:20"],
        &["--connect-hex", "10 zz"],
        &["--connect-hex", "10 3a 00"],
        &["--connect-hex", "20020000"],
    ]
    .iter()
    .map(|extra| known.iter().chain(extra.iter()).copied().collect())
    .collect();
    let others: Vec<Vec<&str>> = vec![
        vec![
            "doctor",
            "--secret",
            SECRET,
            "--client-id",
            "x_0_0_2025041401",
        ],
        vec![
            "doctor",
            "--device-id",
            DEVICE,
            "--client-id",
            "x_0_0_2025041401",
        ],
        vec![
            "doctor",
            "--device-id",
            "dev ice",
            "--secret",
            SECRET,
            "--client-id",
            "x",
        ],
        vec![
            "doctor",
            "--device-id",
            DEVICE,
            "--secret",
            "",
            "--client-id",
            "x",
        ],
        vec!["doctor", "--cert", "/nonexistent/cert.pem"],
    ];
    for args in with_known.iter().chain(&others) {
        let out = kit(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stdout)
        );
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// Two CAs with the same name, a third with another, and a device
/// certificate of one day from the first, all made by openssl.
fn openssl_pki(d: &Path) {
    for (name, subject) in [
        ("ca", "/CN=Doctor Test CA"),
        ("twin", "/CN=Doctor Test CA"),
        ("other", "/CN=Another CA"),
    ] {
        openssl_ok(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-subj",
                subject,
                "-days",
                "30",
            ],
        );
    }
    for name in ["dev", "stranger"] {
        openssl_key_and_csr(d, name, &format!("/CN={name}"));
        openssl_ok(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "7",
                "-days",
                "1",
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }
}

fn fingerprint(d: &Path, cert: &str, alg: &str) -> String {
    let out = openssl_ok(d, &["x509", "-noout", "-fingerprint", alg, "-in", cert]);
    out.trim().split_once('=').unwrap().1.to_owned()
}

/// `doctor --json` on certificate files in `d`.
fn cert_doctor(d: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["doctor", "--json", "--cert", "dev.pem"];
    args.extend_from_slice(extra);
    exit_and_json(&kit_in(d, &args))
}

#[test]
fn certificates_made_wrong_by_openssl() {
    let s = Scratch::new("doctor-pki");
    let d = s.path();
    openssl_pki(d);
    let sha256 = fingerprint(d, "dev.pem", "-sha256");
    let plain = sha256.replace(':', "");
    let sha1 = fingerprint(d, "dev.pem", "-sha1").replace(':', "");
    for fp in [plain.clone(), plain.to_lowercase(), sha1] {
        let (code, json) = cert_doctor(
            d,
            &["--key", "dev.key", "--ca", "ca.pem", "--fingerprint", &fp],
        );
        assert_eq!(code, Some(0), "{fp}: {json}");
    }
    let spki_sha256 = {
        openssl_ok(
            d,
            &[
                "pkey", "-in", "dev.key", "-pubout", "-outform", "DER", "-out", "dev.spki",
            ],
        );
        let out = openssl_ok(d, &["dgst", "-sha256", "dev.spki"]);
        out.trim().rsplit_once("= ").unwrap().1.to_owned()
    };
    let ca_fp = fingerprint(d, "ca.pem", "-sha256").replace(':', "");
    let stranger_fp = fingerprint(d, "stranger.pem", "-sha256").replace(':', "");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--key", "stranger.key"], "key_not_certificates"),
        (vec!["--ca", "other.pem"], "not_issued_by_ca"),
        (vec!["--ca", "twin.pem"], "ca_signature"),
        (vec!["--fingerprint", &sha256], "fingerprint_colons"),
        (
            vec!["--ca", "ca.pem", "--fingerprint", &ca_fp],
            "fingerprint_of",
        ),
        (vec!["--fingerprint", &ca_fp], "fingerprint_unknown"),
        (vec!["--fingerprint", &spki_sha256], "fingerprint_of"),
        (vec!["--fingerprint", &stranger_fp], "fingerprint_unknown"),
        (vec!["--fingerprint", &plain[..63]], "fingerprint_length"),
        (vec!["--at", "2099-01-01T00:00:00Z"], "cert_expired"),
        (vec!["--at", "2001-01-01T00:00:00Z"], "cert_not_yet_valid"),
    ];
    for (extra, rule) in cases {
        let (code, json) = cert_doctor(d, &extra);
        assert_eq!(
            (code, json["rule"].as_str()),
            (Some(1), Some(rule)),
            "{extra:?}: {json}"
        );
    }
    // The CA's fingerprint is named as the CA's.
    let (_, json) = cert_doctor(d, &["--ca", "ca.pem", "--fingerprint", &ca_fp]);
    assert!(
        json["diagnosis"]
            .as_str()
            .unwrap()
            .contains("the CA certificate"),
        "{json}"
    );
    // A certificate device's ClientId and user name, checked with its files.
    let out = kit_in(
        d,
        &[
            "doctor",
            "--device-id",
            DEVICE,
            "--client-id",
            &cid(HOUR),
            "--username",
            DEVICE,
            "--cert",
            "dev.pem",
            "--key",
            "dev.key",
            "--ca",
            "ca.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A key given as the certificate is bad input.
    let out = kit_in(d, &["doctor", "--cert", "dev.key"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: --cert: the device certificate"),
        "{}",
        text(&out.stderr)
    );
}

/// A certificate that expired before today, made with `openssl ca` and
/// explicit dates, diagnosed at the real current time.
#[test]
fn certificate_expired_today() {
    let s = Scratch::new("doctor-expired");
    let d = s.path();
    openssl_pki(d);
    std::fs::write(d.join("index.txt"), "").unwrap();
    std::fs::write(
        d.join("ca.cnf"),
        "[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\n\
         serial = serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n",
    )
    .unwrap();
    std::fs::write(d.join("serial"), "1000\n").unwrap();
    openssl_ok(
        d,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            "dev.csr",
            "-out",
            "old.pem",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-notext",
        ],
    );
    let out = kit_in(d, &["doctor", "--cert", "old.pem", "--ca", "ca.pem"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with("The certificate expired at 2021-01-01T00:00:00Z"),
        "{said}"
    );
}
