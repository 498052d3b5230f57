//! `--tls-name`: connect to the address `--host` gives, verify the
//! broker's certificate against the name, send the name as SNI. The broker
//! is a real mosquitto whose certificate, made by openssl, names only
//! `localhost` (no IP address), as a device without DNS meets a broker.

use std::path::Path;
use std::time::Duration;

use iotda_testkit::{openssl_ca, Mosquitto, Scratch};

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
}
