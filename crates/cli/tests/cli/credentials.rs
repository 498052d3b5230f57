//! `iotda-kit credentials`.

use std::process::Command;

use super::{kit, text};

const VECTOR_PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

#[test]
fn credentials_text_output() {
    let out = kit(&[
        "credentials",
        "--device-id",
        "5f8d_node1",
        "--secret",
        "12345678",
        "--timestamp",
        "2025041401",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "ClientId:  5f8d_node1_0_0_2025041401\nUsername:  5f8d_node1\nPassword:  {VECTOR_PASSWORD}\n\
             Timestamp: 2025041401 (UTC hour)\nSignType:  0 (don't check timestamp)\n"
        )
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn credentials_json_is_exactly_one_object() {
    let out = kit(&[
        "credentials",
        "--device-id",
        "5f8d_node1",
        "--secret",
        "12345678",
        "--timestamp",
        "2025041401",
        "--sign-type",
        "1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let obj = v.as_object().unwrap();
    let mut keys: Vec<_> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "client_id",
            "password",
            "sign_type",
            "timestamp",
            "username"
        ]
    );
    assert_eq!(obj["client_id"], "5f8d_node1_0_1_2025041401");
    assert_eq!(obj["username"], "5f8d_node1");
    assert_eq!(obj["password"], VECTOR_PASSWORD);
    assert_eq!(obj["timestamp"], "2025041401");
    assert_eq!(obj["sign_type"], 1);
    // An old hour with sign type 1: a warning on stderr, stdout untouched.
    assert!(text(&out.stderr).starts_with("warning: with sign type 1"));
}

#[test]
fn credentials_default_to_the_current_utc_hour() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = kit(&[
        "credentials",
        "--device-id",
        "d1",
        "--secret",
        "12345678",
        "--json",
    ]);
    let after = before + 5;
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = v["timestamp"].as_str().unwrap().to_owned();
    let hour = |s| {
        iotda_core::Timestamp::from_unix_seconds(s)
            .unwrap()
            .to_string()
    };
    assert!(got == hour(before) || got == hour(after), "{got}");
    assert_eq!(v["client_id"], format!("d1_0_0_{got}"));
}

#[test]
fn secret_from_the_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args([
            "credentials",
            "--device-id",
            "d",
            "--timestamp",
            "2025041401",
            "--json",
        ])
        .env("IOTDA_SECRET", "12345678")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(VECTOR_PASSWORD));
}

#[test]
fn odd_secret_warns_but_computes() {
    let out = kit(&[
        "credentials",
        "--device-id",
        "d",
        "--secret",
        "1234",
        "--timestamp",
        "2025041401",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stderr),
        "warning: secret is 4 characters; IoTDA secrets are 8-32, so the platform will likely reject this password\n"
    );
}

#[test]
fn bad_input_is_one_line_naming_the_field_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--device-id", "", "--secret", "12345678"],
            "error: --device-id: device id is empty",
        ),
        (
            &["--device-id", "a b", "--secret", "12345678"],
            "error: --device-id: device id may contain only letters, digits, '_' and '-'; found ' ' at position 2",
        ),
        (
            &["--device-id", &"x".repeat(129), "--secret", "12345678"],
            "error: --device-id: device id is 129 characters long; IoTDA allows at most 128",
        ),
        (
            &["--device-id", "d", "--secret", ""],
            "error: --secret: secret is empty",
        ),
        (
            &["--device-id", "d", "--secret", "12345678", "--sign-type", "2"],
            "error: --sign-type: sign type must be 0 (don't check timestamp) or 1 (check timestamp); got \"2\"",
        ),
        (
            &["--device-id", "d", "--secret", "12345678", "--timestamp", "2025023001"],
            "error: --timestamp: timestamp day 30 does not exist in 2025-02",
        ),
        (
            &["--device-id", "d", "--secret", "12345678", "--timestamp", "20250230"],
            "error: --timestamp: timestamp must be 10 digits YYYYMMDDHH (UTC hour); got 8 characters",
        ),
        (
            &["--secret", "12345678"],
            "error: the following required arguments were not provided: --device-id <ID>",
        ),
        (
            &["--device-id", "d", "--secret", "12345678", "--bogus"],
            "error: unexpected argument '--bogus' found",
        ),
    ];
    for (args, want) in cases {
        let mut full = vec!["credentials"];
        full.extend_from_slice(args);
        let out = kit(&full);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(want), "{args:?}: {stderr}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
}

#[test]
fn help_documents_every_command() {
    let out = kit(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for command in [
        "credentials",
        "cert",
        "fingerprint",
        "pub",
        "sub",
        "packet",
        "serve",
    ] {
        assert!(help.contains(command), "{help}");
        let sub = kit(&[command, "--help"]);
        assert_eq!(sub.status.code(), Some(0));
        assert!(text(&sub.stdout).contains("Usage: iotda-kit"));
    }
    let creds = text(&kit(&["credentials", "--help"]).stdout);
    for flag in [
        "--device-id",
        "--secret",
        "--sign-type",
        "--timestamp",
        "--json",
    ] {
        assert!(creds.contains(flag), "{flag}");
    }
    // No command at all: usage on stderr and exit 2.
    assert_eq!(kit(&[]).status.code(), Some(2));
}
