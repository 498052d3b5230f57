//! `iotda-kit doctor --host`: the connection tried step by step against a
//! real mosquitto started here on 127.0.0.1 (a password file holding the
//! device's IoTDA password, a TLS listener that requires a client
//! certificate), each case with the step that must fail and why.

use std::process::Command;
use std::time::Duration;

use iotda_testkit::{chmod, free_port, BrokerConfig, Mosquitto, Scratch};
use serde_json::Value;

use super::cert::mtls_broker;
use super::doctor::exit_and_json;
use super::{kit, kit_in, text, Running};

const DEVICE: &str = "5f8d_node1";
const SECRET: &str = "12345678";
const CLIENT_ID: &str = "5f8d_node1_0_0_2025041401";
/// Huawei's published password for the secret and hour above.
const PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

/// A broker whose plain listener takes only the device with its password.
fn password_broker(dir: &Scratch) -> Mosquitto {
    let d = dir.path();
    let status = Command::new("mosquitto_passwd")
        .args(["-b", "-c", "passwd", DEVICE, PASSWORD])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(status.success());
    chmod(&d.join("passwd"), 0o644);
    Mosquitto::start(&BrokerConfig {
        password_file: Some(d.join("passwd")),
        ..BrokerConfig::default()
    })
}

/// `doctor --json --host 127.0.0.1 --port PORT` and `extra`, run in `dir`:
/// exit code and the JSON.
pub(super) fn live(dir: &std::path::Path, port: u16, extra: &[&str]) -> (Option<i32>, Value) {
    let port = port.to_string();
    let mut args = vec!["doctor", "--json", "--host", "127.0.0.1", "--port", &port];
    args.extend_from_slice(extra);
    exit_and_json(&kit_in(dir, &args))
}

/// The outcome of each step, as `step=outcome`.
pub(super) fn outcomes(json: &Value) -> Vec<String> {
    json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s["step"].as_str().unwrap(),
                s["outcome"].as_str().unwrap()
            )
        })
        .collect()
}

fn device(password: &str, keepalive: &str) -> Vec<String> {
    [
        "--device-id",
        DEVICE,
        "--secret",
        SECRET,
        "--client-id",
        CLIENT_ID,
        "--username",
        DEVICE,
        "--password",
        password,
        "--keepalive",
        keepalive,
    ]
    .map(String::from)
    .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn secret_device_against_mosquitto() {
    let dir = Scratch::new("doctor-live");
    let d = dir.path();
    let broker = password_broker(&dir);
    let port = broker.mqtt_port;

    let (code, json) = live(d, port, &strs(&device(PASSWORD, "120")));
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(
        outcomes(&json),
        [
            "rules=ok",
            "dns=ok",
            "tcp=ok",
            "tls=skipped",
            "connect=ok",
            "connack=ok",
            "hold=skipped"
        ]
    );

    // Upper-case hex: mosquitto refuses with CONNACK 5, the rules say why.
    let (code, json) = live(d, port, &strs(&device(&PASSWORD.to_uppercase(), "120")));
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(
        outcomes(&json),
        [
            "rules=failed",
            "dns=ok",
            "tcp=ok",
            "tls=skipped",
            "connect=ok",
            "connack=failed"
        ]
    );
    assert_eq!(json["rule"], "wrong_password");
    assert_eq!(json["mistakes"], serde_json::json!(["upper_case_hex"]));
    let connack = &json["steps"][5]["detail"];
    assert!(
        connack.as_str().unwrap().starts_with("refused with code 5"),
        "{json}"
    );

    // Keep alive 10 s: mosquitto takes it, IoTDA would not.
    let (code, json) = live(d, port, &strs(&device(PASSWORD, "10")));
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["rule"], "keep_alive");
    assert_eq!(json["steps"][5]["outcome"], "ok", "{json}");

    // Without the device id no rule is checked: the CONNACK is explained.
    let (code, json) = live(
        d,
        port,
        &[
            "--client-id",
            CLIENT_ID,
            "--username",
            DEVICE,
            "--password",
            "wrong",
        ],
    );
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["steps"][0]["outcome"], "skipped");
    let diagnosis = json["diagnosis"].as_str().unwrap();
    assert!(
        diagnosis.starts_with("refused with code 5: not authorized"),
        "{diagnosis}"
    );

    // TLS spoken to the plain port.
    let (code, json) = live(d, port, &["--tls", "--insecure"]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(
        outcomes(&json),
        ["rules=skipped", "dns=ok", "tcp=ok", "tls=failed"]
    );
    let diagnosis = json["diagnosis"].as_str().unwrap();
    assert!(
        diagnosis.contains("answers plain MQTT, not TLS"),
        "{diagnosis}"
    );
}

#[test]
fn tls_port_and_client_certificates() {
    let dir = Scratch::new("doctor-live-tls");
    let d = dir.path();
    let broker = mtls_broker(d);
    let tls_port = broker.tls_port.unwrap();

    let mtls = [
        "--server-ca",
        "rootCA.pem",
        "--cert",
        "deviceCert.pem",
        "--key",
        "deviceCert.key",
    ];
    let (code, json) = live(d, tls_port, &mtls);
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(
        outcomes(&json),
        [
            "rules=ok",
            "dns=ok",
            "tcp=ok",
            "tls=ok",
            "connect=ok",
            "connack=ok",
            "hold=skipped"
        ]
    );

    // Plain MQTT spoken to the TLS port.
    let (code, json) = live(d, tls_port, &[]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["steps"][5]["outcome"], "failed", "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap();
    assert!(diagnosis.contains("speaks TLS"), "{diagnosis}");
    assert!(diagnosis.contains("--tls"), "{diagnosis}");

    // The text form: one line a step, then the diagnosis.
    let port = tls_port.to_string();
    let out = kit_in(d, &["doctor", "--host", "127.0.0.1", "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert_eq!(said.lines().count(), 7, "{said}");
    assert!(
        said.lines().last().unwrap().starts_with("diagnosis: "),
        "{said}"
    );
}

#[test]
fn nothing_listening() {
    let port = free_port();
    let (code, json) = live(std::path::Path::new("."), port, &[]);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(outcomes(&json), ["rules=skipped", "dns=ok", "tcp=failed"]);
    assert!(json["diagnosis"]
        .as_str()
        .unwrap()
        .starts_with("nothing listens on"));
    // --at describes a past attempt, not a live one.
    let out = kit(&[
        "doctor",
        "--host",
        "127.0.0.1",
        "--at",
        "2025-04-14T01:20:00Z",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// A second client with the device's ClientId while the doctor holds the
/// connection: mosquitto drops the doctor, which says why.
#[test]
fn takeover_by_a_second_client() {
    let dir = Scratch::new("doctor-takeover");
    let broker = password_broker(&dir);
    let port = broker.mqtt_port.to_string();
    let doctor = Running::start(&[
        "doctor",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--client-id",
        CLIENT_ID,
        "--username",
        DEVICE,
        "--password",
        PASSWORD,
        "--hold",
        "20",
    ]);
    doctor.stdout_until(Duration::from_secs(10), |l| l.starts_with("connack  ok"));
    let status = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-i",
            CLIENT_ID,
            "-u",
            DEVICE,
            "-P",
            PASSWORD,
        ])
        .args(["-t", "t", "-m", "m"])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, stdout, _) = doctor.finish();
    assert_eq!(code, Some(1), "{stdout}");
    let mut lines = stdout.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("hold     FAILED  the broker closed the connection"),
        "{stdout}"
    );
    let diagnosis = lines.next().unwrap();
    assert!(
        diagnosis.contains("another client connected with the same ClientId"),
        "{diagnosis}"
    );
}

/// Keep alive 2 s: mosquitto drops a silent client after 3 s, so staying 5 s
/// needs the doctor's pings.
#[test]
fn hold_stays_connected_with_pings() {
    let dir = Scratch::new("doctor-hold");
    let broker = password_broker(&dir);
    let (code, json) = live(
        dir.path(),
        broker.mqtt_port,
        &[
            "--client-id",
            CLIENT_ID,
            "--username",
            DEVICE,
            "--password",
            PASSWORD,
            "--keepalive",
            "2",
            "--hold",
            "5",
        ],
    );
    assert_eq!(code, Some(0), "{json}");
    assert_eq!(
        json["steps"][6]["detail"], "stayed connected for 5 s",
        "{json}"
    );
}

/// A peer that accepts and never answers: the CONNACK step gives up after
/// --connect-timeout instead of waiting for ever.
#[test]
fn silent_peer() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(Duration::from_secs(4));
        drop(held);
    });
    let (code, json) = live(std::path::Path::new("."), port, &["--connect-timeout", "1"]);
    assert_eq!(code, Some(1), "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap();
    assert!(
        diagnosis.starts_with("nothing answered within 1s and no CONNACK came"),
        "{diagnosis}"
    );
    holder.join().unwrap();
}
