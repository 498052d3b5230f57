//! The Connection page in X.509 certificate mode, in headless Chromium: no
//! password anywhere, and its `mosquitto_pub` line, run as shown with the
//! files the Certificates page downloads, gets through a mosquitto that
//! requires client certificates to a `mosquitto_sub` witness.

use std::path::Path;
use std::process::Command;

use iotda_kit_e2e::{openssl_server_certificate, serve_dist, Browser, Chromedriver, Subscriber};
use iotda_testkit::{openssl_ca, BrokerConfig, Mosquitto, Scratch, TlsListener};

const DEVICE_ID: &str = "5f8d_node-0001";

/// The CA, verification and device certificates made on the Certificates
/// page, the device's two files downloaded into `dir` under the names the
/// page gives them; returns the CA certificate's PEM.
async fn certificates_from_the_page(
    browser: &Browser,
    addr: std::net::SocketAddr,
    dir: &Path,
) -> Vec<u8> {
    browser.create_test_ca(addr).await;
    browser
        .make_verification_and_device("0123456789abcdef", "node-0001")
        .await;
    for (css, file) in [
        ("#device-download-cert", "deviceCert.pem"),
        ("#device-download-key", "deviceCert.key"),
    ] {
        browser.save_download(css, dir, file).await;
    }
    browser.download("#ca-download-cert").await
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_mode_shows_no_password_and_its_mosquitto_pub_line_gets_through() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2200).await;

    let device = Scratch::new("e2e-x509-device");
    let device_ca = certificates_from_the_page(&browser, addr, device.path()).await;

    // The broker: its own "platform" CA and certificate (real openssl),
    // and the page's CA as the only one client certificates may chain to.
    let broker_dir = Scratch::new("e2e-x509-broker");
    openssl_ca(broker_dir.path(), "platform-ca", "Local Platform CA");
    openssl_server_certificate(broker_dir.path());
    std::fs::write(broker_dir.join("device-ca.pem"), &device_ca).expect("write");
    for file in ["server.key", "server.pem", "device-ca.pem"] {
        iotda_testkit::chmod(&broker_dir.join(file), 0o644);
    }
    iotda_testkit::chmod(broker_dir.path(), 0o755);
    let broker = Mosquitto::start(&BrokerConfig {
        tls: Some(TlsListener {
            cafile: broker_dir.join("device-ca.pem"),
            certfile: broker_dir.join("server.pem"),
            keyfile: broker_dir.join("server.key"),
            require_certificate: true,
        }),
        ..BrokerConfig::default()
    });
    let tls_port = broker.tls_port.expect("the TLS listener");
    // The device trusts the platform CA under the name the page uses.
    std::fs::copy(
        broker_dir.join("platform-ca.pem"),
        device.join("platform-ca.crt"),
    )
    .expect("copy the platform CA");

    // Secret mode first, to know the password a secret would give.
    browser.click("nav a[href='/connect']").await;
    browser.fill("#device-id", DEVICE_ID).await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#timestamp", "2025041401").await;
    browser.fill("#host", "127.0.0.1").await;
    browser.fill("#port", &tls_port.to_string()).await;
    let password = browser.wait_text("#password", |t| t.len() >= 64).await;
    let password = password
        .split_whitespace()
        .find(|w| w.len() == 64)
        .unwrap_or_else(|| panic!("a password in {password:?}"))
        .to_owned();

    browser.select("#auth-mode", "x509").await;
    browser.wait_for("#auth-x509-hint").await;
    let command = browser
        .wait_text("#mosquitto-cmd", |t| t.contains("--cert"))
        .await;
    assert_eq!(
        command,
        format!(
            "mosquitto_pub -h 127.0.0.1 -p {tls_port} -V mqttv311 -i {DEVICE_ID}_0_0_2025041401 \
             -u {DEVICE_ID} --cafile platform-ca.crt --cert deviceCert.pem --key deviceCert.key \
             -q 1 -t '$oc/devices/{DEVICE_ID}/sys/properties/report' \
             -m '{{\"services\":[{{\"service_id\":\"Battery\",\"properties\":{{\"batteryLevel\":80}}}}]}}'"
        )
    );
    let mqttx = browser.text("#mqttx-cmd").await;
    assert!(
        mqttx.contains("--ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key"),
        "{mqttx}"
    );
    let kit = browser.text("#iotda-kit-cmd").await;
    assert!(
        kit.contains("--ca platform-ca.crt --cert deviceCert.pem --key deviceCert.key"),
        "{kit}"
    );
    assert_eq!(
        browser.text("#client-id").await.split_whitespace().next(),
        Some(format!("{DEVICE_ID}_0_0_2025041401").as_str())
    );

    // No password anywhere: no secret or password field, no -P, the
    // MQTT.fx password left blank, and the secret's password not in the DOM.
    let dom = browser
        .run("return document.documentElement.outerHTML;")
        .await;
    let dom = dom.as_str().expect("the page's HTML");
    for gone in ["id=\"secret\"", "id=\"password\"", "id=\"remember-secret\""] {
        assert!(!dom.contains(gone), "{gone} in certificate mode");
    }
    assert!(!dom.contains(&password), "the password is on the page");
    assert!(!command.contains(" -P ") && !mqttx.contains(" -P ") && !kit.contains("--password"));
    let mqttfx = browser.text("#mqttfx-table").await;
    for row in [
        "Broker Port\n".to_owned() + &tls_port.to_string(),
        "Password\n(leave blank)".to_owned(),
        "Self signed certificates".to_owned(),
        "CA file\nplatform-ca.crt".to_owned(),
        "Client certificate file\ndeviceCert.pem".to_owned(),
        "Client key file\ndeviceCert.key".to_owned(),
        "PEM formatted\nyes".to_owned(),
    ] {
        let row = row.replace('\n', " ");
        let table = mqttfx.replace(['\n', '\t'], " ");
        assert!(table.contains(&row), "{row:?} not in {mqttfx:?}");
    }
    let shot = browser.screenshot("connect-x509").await;
    assert!(shot.exists());

    // The line as shown, run by a shell in the folder holding the files;
    // nothing in it is substituted (host and port were typed on the page).
    let witness = Subscriber::start(broker.mqtt_port, "$oc/devices/#");
    let out = Command::new("sh")
        .args(["-c", &command])
        .current_dir(device.path())
        .output()
        .expect("run the page's mosquitto_pub line");
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (topic, payload) = witness.next();
    assert_eq!(
        topic,
        format!("$oc/devices/{DEVICE_ID}/sys/properties/report")
    );
    assert!(payload.contains("\"batteryLevel\":80"), "{payload}");

    // Without the device certificate the broker refuses the same line.
    let refused = Command::new("sh")
        .args([
            "-c",
            &command.replace(" --cert deviceCert.pem --key deviceCert.key", ""),
        ])
        .current_dir(device.path())
        .output()
        .expect("run mosquitto_pub");
    assert!(
        !refused.status.success(),
        "a client without a certificate got in"
    );

    // The same mode in Chinese.
    browser.select("#lang", "zh-CN").await;
    browser.wait_for("html[lang='zh-CN']").await;
    assert_eq!(browser.text("label[for='auth-mode']").await, "认证方式");
    let mqttfx_zh = browser.text("#mqttfx-table").await;
    assert!(mqttfx_zh.contains("（留空）"), "{mqttfx_zh}");
    let ca_zh = browser
        .wait_text("#platform-ca-which", |t| t.contains("本地平台"))
        .await;
    assert!(ca_zh.contains("platform-ca.crt"), "{ca_zh}");
    let shot = browser.screenshot("connect-x509-zh").await;
    assert!(shot.exists());
    browser.select("#lang", "en").await;
    browser.close().await;
}
