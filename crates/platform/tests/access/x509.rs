//! Certificate devices over MQTTS with mosquitto_pub `--cert/--key/--cafile`,
//! certificates made by the real `openssl` (the expired one with the core's
//! PKI, then checked by `openssl`).

use std::path::{Path, PathBuf};

use iotda_core::credentials::{self, SignType};
use iotda_core::pki::{self, PrivateKey, Subject, Validity};
use iotda_platform::directory::{CaRecord, DeviceAuth, DeviceRecord, DeviceStatus};
use rand_chacha::rand_core::SeedableRng;

use crate::support::*;

const ID: &str = "prod_cert-1";

async fn openssl(dir: &Path, list: &[&str]) -> String {
    let out = tokio::process::Command::new("openssl")
        .args(list)
        .current_dir(dir)
        .output()
        .await
        .expect("run openssl");
    assert!(out.status.success(), "openssl {list:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A device CA and a device certificate for `ID`, by openssl.
async fn make_pki(dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (ca_key, ca) = (format!("{name}-ca.key"), format!("{name}-ca.crt"));
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            &ca_key,
        ],
    )
    .await;
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            &ca_key,
            "-subj",
            "/CN=Device CA",
            "-days",
            "365",
            "-out",
            &ca,
        ],
    )
    .await;
    let (dev, key) = issue_device(dir, name, name).await;
    (dir.join(ca), dev, key)
}

/// A device key and certificate `{name}-dev.{key,crt}` for `ID`, issued by
/// the CA `{ca}-ca.{key,crt}` as IoTDA's guide does it (`x509 -req`, which
/// makes a version 1 certificate).
async fn issue_device(dir: &Path, ca: &str, name: &str) -> (PathBuf, PathBuf) {
    let (key, csr, crt) = (
        format!("{name}-dev.key"),
        format!("{name}-dev.csr"),
        format!("{name}-dev.crt"),
    );
    let (ca_crt, ca_key) = (format!("{ca}-ca.crt"), format!("{ca}-ca.key"));
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            &key,
        ],
    )
    .await;
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            &format!("/CN={ID}"),
            "-out",
            &csr,
        ],
    )
    .await;
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_crt,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "30",
            "-out",
            &crt,
        ],
    )
    .await;
    (dir.join(crt), dir.join(key))
}

fn ca_record(path: &Path, verified: bool) -> CaRecord {
    let pem = std::fs::read_to_string(path).expect("read CA");
    CaRecord {
        certificate_id: "ca".into(),
        der: pki::Certificate::from_pem(&pem).expect("CA").der().to_vec(),
        verified,
    }
}

fn cert_device(fingerprint: Option<String>) -> DeviceRecord {
    DeviceRecord {
        auth: DeviceAuth::Certificate {
            fingerprint,
            secondary: None,
        },
        ..secret_device(ID, "unused-secret")
    }
}

/// mosquitto_pub over MQTTS as `ID` with this certificate and key,
/// verifying the server with the platform CA.
async fn publish(p: &Platform, cert: &Path, key: &Path) -> std::process::Output {
    let client_id = credentials::client_id(ID, SignType::NoTimestampCheck, hour(0)).expect("id");
    let mut a = args(&["-d", "-h", "localhost", "-p"]);
    a.push(p.mqtts_port().to_string());
    a.extend(args(&["-i", &client_id, "-u", ID, "--cafile"]));
    a.push(p.ca_path().display().to_string());
    a.push("--cert".into());
    a.push(cert.display().to_string());
    a.push("--key".into());
    a.push(key.display().to_string());
    a.extend(args(&[
        "-q",
        "1",
        "-t",
        &format!("$oc/devices/{ID}/sys/properties/report"),
        "-m",
        "{}",
    ]));
    run("mosquitto_pub", &a).await
}

#[tokio::test(flavor = "multi_thread")]
async fn x509_devices_are_admitted_bound_and_refused_as_iotda_does() {
    let p = Platform::start().await;
    let dir = p.data.path().to_path_buf();
    let (ca, dev, key) = make_pki(&dir, "a").await;
    let fp_line = openssl(
        &dir,
        &[
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            "a-dev.crt",
        ],
    )
    .await;
    let fingerprint = fp_line
        .trim()
        .rsplit('=')
        .next()
        .expect("fingerprint")
        .to_string();

    // The platform CA verifies the server for openssl too.
    let ca_text = std::fs::read_to_string(p.ca_path()).expect("platform CA");
    assert!(ca_text.starts_with("-----BEGIN CERTIFICATE-----"));
    let ca_file = p.ca_path().display().to_string();
    let server = p.data.join("tls/server.crt").display().to_string();
    for check in [
        ["-verify_ip", "127.0.0.1"],
        ["-verify_hostname", "localhost"],
    ] {
        let out = openssl(
            &dir,
            &[
                "verify",
                "-CAfile",
                &ca_file,
                "-purpose",
                "sslserver",
                check[0],
                check[1],
                &server,
            ],
        )
        .await;
        assert!(out.contains(": OK"), "{out}");
    }

    // Unverified CA: CONNACK 5.
    p.directory
        .cas
        .lock()
        .expect("lock")
        .push(ca_record(&ca, false));
    p.directory.add(cert_device(Some(fingerprint.clone())));
    let out = publish(&p, &dev, &key).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        text(&out).contains("received CONNACK (5)"),
        "{}\n{:#?}",
        text(&out),
        p.log()
    );
    p.expect_log(&[
        "refused:",
        "CONNACK 5",
        "is not issued by a verified device CA",
    ])
    .await;

    // Verified CA, registered fingerprint (with colons, as openssl prints it): admitted.
    p.directory.cas.lock().expect("lock")[0].verified = true;
    let out = publish(&p, &dev, &key).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("received CONNACK (0)"),
        "{}",
        text(&out)
    );
    p.expect_log(&["connected: device \"prod_cert-1\"", "over mqtts"])
        .await;

    // Another certificate of the same CA: its fingerprint differs.
    let (_, _, _) = make_pki(&dir, "b").await;
    let (c_dev, c_key) = issue_device(&dir, "a", "c").await;
    let out = publish(&p, &c_dev, &c_key).await;
    assert!(
        text(&out).contains("received CONNACK (5)"),
        "{}",
        text(&out)
    );
    p.expect_log(&["refused:", "matches neither registered fingerprint"])
        .await;

    // A certificate of a CA the registry does not have at all.
    let out = publish(&p, &dir.join("b-dev.crt"), &dir.join("b-dev.key")).await;
    assert!(
        text(&out).contains("received CONNACK (5)"),
        "{}",
        text(&out)
    );

    // Expired: issued by the same CA ten days ago for one day (core PKI),
    // and openssl agrees it has expired.
    let ca_cert =
        pki::Certificate::from_pem(&std::fs::read_to_string(&ca).expect("ca")).expect("ca");
    let ca_key = PrivateKey::from_pem(
        &std::fs::read_to_string(dir.join("a-ca.key")).expect("key"),
        None,
    )
    .expect("key");
    let dev_key =
        PrivateKey::from_pem(&std::fs::read_to_string(&key).expect("key"), None).expect("key");
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
    let (_, expired) = pki::create_device_cert(
        &ca_cert,
        &ca_key,
        &dev_key,
        &Subject::with_common_name(ID),
        Validity::new(now() - 10 * 86_400, 1),
        &mut rng,
    )
    .expect("expired certificate");
    let expired_path = dir.join("expired.crt");
    std::fs::write(&expired_path, expired.pem()).expect("write");
    let check = tokio::process::Command::new("openssl")
        .args(["x509", "-checkend", "0", "-noout", "-in"])
        .arg(&expired_path)
        .output()
        .await
        .expect("openssl");
    assert!(
        !check.status.success(),
        "openssl says it has not expired: {}",
        text(&check)
    );
    let verify = openssl(
        &dir,
        &[
            "verify",
            "-CAfile",
            "a-ca.crt",
            "-no_check_time",
            "expired.crt",
        ],
    )
    .await;
    assert!(verify.contains("OK"), "{verify}");
    p.directory.add(cert_device(None));
    let out = publish(&p, &expired_path, &key).await;
    assert!(
        text(&out).contains("received CONNACK (5)"),
        "{}",
        text(&out)
    );
    p.expect_log(&["refused:", "expired at"]).await;

    // No fingerprint registered: the first certificate is bound.
    let out = publish(&p, &dev, &key).await;
    assert!(out.status.success(), "{}", text(&out));
    let sha256 = fingerprint.replace(':', "").to_ascii_lowercase();
    p.expect_log(&["bound: device \"prod_cert-1\"", &sha256])
        .await;
    assert_eq!(
        p.directory.record(ID).map(|d| d.auth),
        Some(DeviceAuth::Certificate {
            fingerprint: Some(sha256),
            secondary: None
        })
    );
    p.directory.wait_status(ID, DeviceStatus::Offline).await;

    // Over plain MQTT a certificate device cannot authenticate.
    let client_id = credentials::client_id(ID, SignType::NoTimestampCheck, hour(0)).expect("id");
    let mut a = args(&["-d", "-h", "127.0.0.1", "-p"]);
    a.push(p.mqtt_port().to_string());
    a.extend(args(&[
        "-i",
        &client_id,
        "-u",
        ID,
        "-t",
        "$oc/devices/prod_cert-1/sys/messages/up",
        "-m",
        "x",
    ]));
    let out = run("mosquitto_pub", &a).await;
    assert!(
        text(&out).contains("received CONNACK (5)"),
        "{}",
        text(&out)
    );
    p.expect_log(&["connect over MQTTS with it"]).await;
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_device_connects_over_wss_with_paho() {
    let p = Platform::start().await;
    let dir = p.data.path().to_path_buf();
    let (ca, dev, key) = make_pki(&dir, "w").await;
    p.directory
        .cas
        .lock()
        .expect("lock")
        .push(ca_record(&ca, true));
    p.directory.add(cert_device(None));
    let wss = p
        .running()
        .urls
        .wss
        .clone()
        .expect("wss")
        .replace("127.0.0.1", "localhost");
    let client_id = credentials::client_id(ID, SignType::NoTimestampCheck, hour(0)).expect("id");
    let mut a = args(&["publish", &wss, &client_id, ID, ""]);
    a.push(format!("$oc/devices/{ID}/sys/properties/report"));
    for (flag, path) in [("--cafile", p.ca_path()), ("--cert", dev), ("--key", key)] {
        a.push(flag.into());
        a.push(path.display().to_string());
    }
    let lines = paho(&a).await;
    assert_eq!(lines[0]["connack"], serde_json::json!(0), "{lines:?}");
    assert_eq!(lines[1]["puback"], serde_json::json!(0), "{lines:?}");
    p.expect_log(&["bound: device \"prod_cert-1\""]).await;
    p.expect_log(&["connected: device \"prod_cert-1\"", "over wss"])
        .await;
    p.stop().await;
}
