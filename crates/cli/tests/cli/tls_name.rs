//! `--tls-name`: connect to the address `--host` gives, verify the
//! broker's certificate against the name, send the name as SNI. The broker
//! is a real mosquitto whose certificate, made by openssl, names only
//! `localhost` (no IP address), as a device without DNS meets a broker.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use iotda_testkit::{free_port, openssl_ca, wait_for_port, Mosquitto, Scratch};

use super::cert::{server_cert, tls_broker};
use super::doctor_live::{live, outcomes};
use super::mqtt::Subscriber;
use super::{kit_in, ok, text, Witness};

/// An openssl CA `rootCA.pem` in `d` and a mosquitto whose TLS listener
/// shows a certificate issued by it for `localhost` only.
fn localhost_broker(d: &Path) -> Mosquitto {
    openssl_ca(d, "rootCA", "Test broker CA");
    server_cert(d, "localhost", "DNS:localhost");
    tls_broker(d, false)
}

#[test]
fn pub_and_sub_by_ip_verify_the_name_given_and_refuse_another_in_words() {
    let dir = Scratch::new("tls-name");
    let d = dir.path();
    let broker = localhost_broker(d);
    let port = broker.tls_port.expect("tls port").to_string();
    let by_ip = ["--host", "127.0.0.1", "--port", &port, "--ca", "rootCA.pem"];
    let publish = |extra: &[&str], message: &str| {
        kit_in(
            d,
            &[
                &["pub"][..],
                &by_ip,
                extra,
                &["--topic", "by-ip/test", "--message", message, "--qos", "1"],
            ]
            .concat(),
        )
    };

    // Verified as localhost over 127.0.0.1: a witness on the plain port and
    // our own subscriber, also by IP, both receive it.
    let witness = Witness::start(broker.mqtt_port, "by-ip/#");
    let ca = d.join("rootCA.pem").display().to_string();
    let sub = Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--ca",
        &ca,
        "--tls-name",
        "localhost",
        "--topic",
        "by-ip/#",
        "--count",
        "1",
        "--timeout",
        "30",
    ]);
    ok(&publish(&["--tls-name", "localhost"], "hello by name"));
    assert_eq!(witness.received(Duration::from_secs(20)), "hello by name");
    let (code, stdout, stderr) = sub.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "by-ip/test hello by name");

    // A name the certificate is not issued for: refused, with that name and
    // the one it holds.
    let out = publish(&["--tls-name", "broker.example"], "never");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not issued for broker.example (--tls-name)")
            && stderr.contains("it names localhost"),
        "{stderr}"
    );

    // The address alone: refused, and --tls-name is offered with the name.
    let out = publish(&[], "never");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not issued for the address 127.0.0.1")
            && stderr.contains("--tls-name localhost"),
        "{stderr}"
    );

    // Not a name at all: bad input, exit 2.
    let out = publish(&["--tls-name", "no spaces allowed"], "never");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--tls-name"));
}

#[test]
fn simulate_reports_by_ip_with_the_name() {
    let dir = Scratch::new("tls-name-simulate");
    let d = dir.path();
    let broker = localhost_broker(d);
    let port = broker.tls_port.expect("tls port").to_string();
    let topic = "$oc/devices/dev1/sys/properties/report";
    let witness = Witness::start(broker.mqtt_port, topic);
    let out = kit_in(
        d,
        &[
            "simulate",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--ca",
            "rootCA.pem",
            "--tls-name",
            "localhost",
            "--username",
            "dev1",
            "--interval",
            "0",
            "--count",
            "1",
            "--seed",
            "3",
        ],
    );
    ok(&out);
    let report = witness.received(Duration::from_secs(20));
    assert!(report.starts_with(r#"{"services":["#), "{report}");
}

#[test]
fn doctor_tries_the_address_with_the_name() {
    let dir = Scratch::new("tls-name-doctor");
    let d = dir.path();
    let broker = localhost_broker(d);
    let port = broker.tls_port.expect("tls port");
    let anonymous = ["--server-ca", "rootCA.pem", "--client-id", "doctor-by-ip"];

    let (code, json) = live(
        d,
        port,
        &[&anonymous[..], &["--tls-name", "localhost"]].concat(),
    );
    assert_eq!(code, Some(0), "{json}");
    assert!(outcomes(&json).contains(&"tls=ok".to_owned()), "{json}");

    let (code, json) = live(d, port, &anonymous);
    assert_eq!(code, Some(1), "{json}");
    assert!(outcomes(&json).contains(&"tls=failed".to_owned()), "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default();
    assert!(diagnosis.contains("--tls-name localhost"), "{json}");

    // A CA that did not issue the broker's certificate: the doctor's flag
    // for the broker's CA is named.
    openssl_ca(d, "otherCA", "Other CA");
    let args = ["--server-ca", "otherCA.pem", "--tls-name", "localhost"];
    let (code, json) = live(d, port, &[&args[..], &["--client-id", "x"]].concat());
    assert_eq!(code, Some(1), "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default();
    assert!(diagnosis.contains("with --server-ca FILE"), "{json}");
}

/// `openssl s_server` stopped on drop: the process this test started.
struct SServer(std::process::Child);

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_name_is_sent_as_sni() {
    // openssl s_server shows default.pem (default.invalid) unless the client
    // sends SNI "localhost", for which it shows server.pem (localhost).
    let dir = Scratch::new("tls-name-sni");
    let d = dir.path();
    openssl_ca(d, "rootCA", "Test SNI CA");
    server_cert(d, "default.invalid", "DNS:default.invalid");
    for ext in ["pem", "key"] {
        std::fs::rename(
            d.join(format!("server.{ext}")),
            d.join(format!("default.{ext}")),
        )
        .unwrap();
    }
    server_cert(d, "localhost", "DNS:localhost");
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let _server = SServer(
        Command::new("openssl")
            .args(["s_server", "-accept", &accept, "-quiet"])
            .args(["-cert", "default.pem", "-key", "default.key"])
            .args(["-cert2", "server.pem", "-key2", "server.key"])
            .args(["-servername", "localhost"])
            .current_dir(d)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run openssl s_server"),
    );
    assert!(wait_for_port(
        SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(10)
    ));
    let tls_step = |extra: &[&str]| {
        let args = [
            &["--server-ca", "rootCA.pem", "--client-id", "sni"][..],
            &["--connect-timeout", "2"],
            extra,
        ]
        .concat();
        let (_, json) = live(d, port, &args);
        json["steps"]
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["step"] == "tls"))
            .cloned()
            .unwrap_or_else(|| panic!("no tls step: {json}"))
    };
    // With SNI "localhost" the server shows the localhost certificate, which
    // verifies: the handshake is complete (s_server speaks no MQTT after).
    let by_name = tls_step(&["--tls-name", "localhost"]);
    assert_eq!(by_name["outcome"], "ok", "{by_name}");
    // By address, no SNI is sent (RFC 6066): the default certificate comes,
    // and it does not name the address.
    let by_ip = tls_step(&[]);
    assert_eq!(by_ip["outcome"], "failed", "{by_ip}");
    assert!(by_ip.to_string().contains("default.invalid"), "{by_ip}");
}
