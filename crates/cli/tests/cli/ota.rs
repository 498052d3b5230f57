//! `iotda-kit simulate` upgrades itself: firmware 1.0 to 1.1 from a
//! package served over HTTPS by `openssl s_server`, trusting the same
//! `--ca` as its TLS broker (a real mosquitto); the progress it reports is
//! read back from the broker (0, 50, 100, the version in each, the new one
//! at 100), and a corrupted package is refused with result code 7 (page
//! 3031: upgrade package verification failure), the version kept.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use iotda_testkit::{free_port, openssl_ca, wait_for_port, Scratch};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::cert::{server_cert, tls_broker};
use super::mqtt::Subscriber;
use super::Running;

const DEV: &str = "5f8d_node1";
const WAIT: Duration = Duration::from_secs(20);

/// `openssl s_server -WWW`: files of its folder over HTTPS, stopped on drop.
struct HttpsFiles(Child);

impl Drop for HttpsFiles {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The platform's `firmware_upgrade` (page 3030's fields).
fn upgrade(version: &str, url: &str, size: usize, sign: &str) -> String {
    json!({"object_device_id": DEV, "services": [{"service_id": "$ota",
        "event_type": "firmware_upgrade", "event_time": "20151212T121212Z",
        "paras": {"version": version, "url": url, "file_size": size,
            "access_token": "595124473f866b033dfa1f", "expires": 86400, "sign": sign}}]})
    .to_string()
}

/// `sub --json` on the device's `events/up`, on the broker's plain port.
fn watch_events_up(port: &str) -> Subscriber {
    let topic = format!("$oc/devices/{DEV}/sys/events/up");
    Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--topic",
        &topic,
        "--qos",
        "1",
        "--json",
    ])
}

/// Publishes an `events/down` with mosquitto_pub, as the platform would.
fn platform_sends(port: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", port, "-q", "1"])
        .args([
            "-t",
            &format!("$oc/devices/{DEV}/sys/events/down"),
            "-m",
            payload,
        ])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success(), "mosquitto_pub");
}

/// The next `$ota` event the device published, skipping the others.
fn next_ota(sub: &Subscriber) -> Value {
    loop {
        let line: Value = serde_json::from_str(&sub.next(WAIT)).expect("sub --json line");
        let payload: Value =
            serde_json::from_str(line["payload"].as_str().expect("text")).expect("JSON");
        if payload["services"][0]["service_id"] == "$ota" {
            return payload["services"][0].clone();
        }
    }
}

#[test]
fn simulate_upgrades_over_https_and_refuses_a_corrupted_package() {
    let dir = Scratch::new("ota");
    let d = dir.path();
    openssl_ca(d, "rootCA", "IoTDA Kit test root");
    server_cert(d, "127.0.0.1", "IP:127.0.0.1");
    let broker = tls_broker(d, false);
    let (plain, tls) = (
        broker.mqtt_port.to_string(),
        broker.tls_port.expect("a TLS listener").to_string(),
    );

    let www = d.join("www");
    std::fs::create_dir(&www).expect("mkdir");
    let good = b"firmware 1.1 for the simulated pump\n".repeat(300);
    let mut corrupt = good.clone();
    corrupt[1000] ^= 0x20;
    std::fs::write(www.join("fw-1.1.bin"), &good).expect("write");
    std::fs::write(www.join("fw-1.2.bin"), &corrupt).expect("write");
    let https = free_port();
    let _server = HttpsFiles(
        Command::new("openssl")
            .args(["s_server", "-quiet", "-WWW", "-accept"])
            .arg(format!("127.0.0.1:{https}"))
            .args(["-cert", "../server.pem", "-key", "../server.key"])
            .current_dir(&www)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run openssl s_server"),
    );
    assert!(
        wait_for_port(([127, 0, 0, 1], https).into(), WAIT),
        "openssl s_server listens"
    );

    let sub = watch_events_up(&plain);
    let ca = d.join("rootCA.pem");
    let sim = Running::start(&[
        "simulate",
        "--host",
        "127.0.0.1",
        "--port",
        &tls,
        "--ca",
        ca.to_str().expect("utf-8 path"),
        "--username",
        DEV,
        "--interval",
        "0",
        "--firmware-version",
        "1.0",
    ]);
    sim.stdout_until(WAIT, |l| l.starts_with("report 1 "));
    // On connect it reported its versions.
    let first = next_ota(&sub);
    assert_eq!(first["event_type"], "version_report");
    assert_eq!(first["paras"]["fw_version"], "1.0");

    let send = |payload: &str| platform_sends(&plain, payload);
    let url = |file: &str| format!("https://127.0.0.1:{https}/{file}");

    // 1.0 -> 1.1.
    send(&upgrade(
        "1.1",
        &url("fw-1.1.bin"),
        good.len(),
        &sha256_hex(&good),
    ));
    let mut progress = Vec::new();
    loop {
        let e = next_ota(&sub);
        if e["event_type"] == "version_report" {
            assert_eq!(e["paras"]["fw_version"], "1.1");
            break;
        }
        assert_eq!(e["event_type"], "upgrade_progress_report", "{e}");
        let p = &e["paras"];
        assert!(p["version"].is_string(), "version is mandatory: {e}");
        progress.push((
            p["result_code"].clone(),
            p["progress"].clone(),
            p["version"].clone(),
        ));
    }
    assert_eq!(
        progress,
        [
            (json!(0), json!(0), json!("1.0")),
            (json!(0), json!(50), json!("1.0")),
            (json!(0), json!(100), json!("1.1")),
        ]
    );
    sim.stderr_until(WAIT, |l| l == "upgrade success (code 0): version 1.1");

    // 1.1 -> 1.2 from a package with one byte changed: refused with 7.
    send(&upgrade(
        "1.2",
        &url("fw-1.2.bin"),
        good.len(),
        &sha256_hex(&good),
    ));
    let started = next_ota(&sub);
    assert_eq!(
        started["paras"],
        json!({"result_code": 0, "progress": 0, "version": "1.1", "description": "success"})
    );
    let refused = next_ota(&sub);
    assert_eq!(refused["event_type"], "upgrade_progress_report");
    assert_eq!(refused["paras"]["result_code"], 7);
    assert_eq!(refused["paras"]["version"], "1.1");
    assert_eq!(
        refused["paras"]["description"],
        "upgrade package verification failure"
    );
    sim.stderr_until(WAIT, |l| {
        l == "upgrade upgrade package verification failure (code 7): version 1.1"
    });
    drop(sim);
    let _ = sub.interrupt();
}

#[test]
fn fail_upgrade_reports_the_chosen_code_without_downloading() {
    let dir = Scratch::new("ota-fail");
    let d = dir.path();
    openssl_ca(d, "rootCA", "IoTDA Kit test root");
    server_cert(d, "127.0.0.1", "IP:127.0.0.1");
    let broker = tls_broker(d, false);
    let plain = broker.mqtt_port.to_string();
    let sub = watch_events_up(&plain);
    let sim = Running::start(&[
        "simulate",
        "--host",
        "127.0.0.1",
        "--port",
        &plain,
        "--username",
        DEV,
        "--interval",
        "0",
        "--fail-upgrade",
        "4",
    ]);
    sim.stdout_until(WAIT, |l| l.starts_with("report 1 "));
    assert_eq!(next_ota(&sub)["event_type"], "version_report");
    platform_sends(
        &plain,
        &upgrade("2.0", "https://127.0.0.1:1/none", 10, &"0".repeat(64)),
    );
    let e = next_ota(&sub);
    assert_eq!(
        e["paras"],
        json!({"result_code": 4, "version": "1.0", "description": "low battery"})
    );
    drop(sim);
    let _ = sub.interrupt();
    // A success code is not a failure to simulate.
    let out = super::kit(&[
        "simulate",
        "--host",
        "127.0.0.1",
        "--username",
        DEV,
        "--fail-upgrade",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
