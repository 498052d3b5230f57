//! The Console in certificate mode, in headless Chromium, through a real
//! `iotda-kit bridge` (the built binary, started with the command the
//! Console shows) to a mosquitto that requires client certificates: the
//! bridge is found running, the Console connects with no password,
//! subscribes, publishes and receives, and its simulator answers a command;
//! with a device certificate and key the broker does not accept, the
//! Console says why in words, in English and in Chinese.
//!
//! Needs `cargo build -p iotda-kit-cli --bin iotda-kit` (the binary in the
//! workspace's target folder) and the built page in `dist/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use iotda_kit_e2e::{
    free_port, kit_binary, mosquitto_pub, openssl_server_certificate, serve_dist, wait_for_port,
    Browser, Chromedriver, Subscriber,
};
use iotda_testkit::{
    chmod, openssl_ca, openssl_issue_client, BrokerConfig, Mosquitto, Scratch, TlsListener,
};
use serde_json::{json, Value};

const DEV: &str = "5f8d_node-0001";

/// A bridge started by running the Console's `command` in `dir` (with the
/// built binary for `iotda-kit`), stopped on drop.
struct Bridge(Child);

impl Bridge {
    fn start(command: &str, dir: &Path, port: u16) -> Self {
        let rest = command
            .strip_prefix("iotda-kit ")
            .unwrap_or_else(|| panic!("not an iotda-kit command: {command}"));
        let child = Command::new("sh")
            .args(["-c", &format!("exec {} {rest}", kit_binary().display())])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the bridge");
        let bridge = Self(child);
        assert!(
            wait_for_port(([127, 0, 0, 1], port).into(), Duration::from_secs(20)),
            "the bridge does not listen on {port}: {command}"
        );
        bridge
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A lamp the platform can command.
fn model() -> Value {
    json!({"service_capabilities": [
        {"service_id": "Lamp", "properties": [
            {"property_name": "level", "data_type": "int", "min": "0", "max": "10", "step": 1, "method": "RW"}],
         "commands": [{"command_name": "BLINK",
            "paras": [{"para_name": "times", "data_type": "int", "min": "1", "max": "5", "required": true}]}]}
    ]})
}

fn topic(tail: &str) -> String {
    format!("$oc/devices/{DEV}/sys/{tail}")
}

/// The platform's side (a CA and a server certificate for 127.0.0.1), the
/// device CA the broker trusts for client certificates and its device
/// certificate, and an intruder's from another CA; all with openssl.
/// Returns the broker and the device's folder, which holds the files under
/// the names the Console's command gives.
fn mtls_broker(dir: &Scratch) -> (Mosquitto, PathBuf) {
    let d = dir.path();
    openssl_ca(d, "platform-ca", "Local Platform CA");
    openssl_server_certificate(d);
    openssl_ca(d, "device-ca", "Device CA");
    openssl_issue_client(d, "device-ca", DEV, "deviceCert");
    openssl_ca(d, "other-ca", "Another CA");
    openssl_issue_client(d, "other-ca", DEV, "intruder");
    for file in ["server.key", "server.pem", "device-ca.pem"] {
        chmod(&d.join(file), 0o644);
    }
    chmod(d, 0o755);
    let broker = Mosquitto::start(&BrokerConfig {
        tls: Some(TlsListener {
            cafile: d.join("device-ca.pem"),
            certfile: d.join("server.pem"),
            keyfile: d.join("server.key"),
            require_certificate: true,
        }),
        ..BrokerConfig::default()
    });
    let device = d.join("device");
    std::fs::create_dir_all(&device).expect("the device folder");
    for (from, to) in [
        ("platform-ca.pem", "platform-ca.crt"),
        ("deviceCert.pem", "deviceCert.pem"),
        ("deviceCert.key", "deviceCert.key"),
    ] {
        std::fs::copy(d.join(from), device.join(to)).expect("copy a device file");
    }
    (broker, device)
}

/// The Connection page in certificate mode for `DEV` at the broker's TLS
/// port, the lamp model saved, then the Console with the bridge on
/// `bridge_port`; returns the command it shows.
async fn console_in_certificate_mode(
    browser: &Browser,
    addr: std::net::SocketAddr,
    tls_port: u16,
    bridge_port: u16,
) -> String {
    browser.save_model(addr, &model()).await;
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.fill("#device-id", DEV).await;
    browser.select("#auth-mode", "x509").await;
    browser.fill("#host", "127.0.0.1").await;
    browser.fill("#port", &tls_port.to_string()).await;
    browser.click("nav a[href='/console']").await;
    browser.wait_for("#console-bridge").await;
    // Nothing listens there yet.
    browser
        .fill("#console-bridge-port", &bridge_port.to_string())
        .await;
    browser
        .wait_for("#console-bridge-status[data-probe='NotRunning']")
        .await;
    browser
        .wait_text("#console-bridge-cmd", |t| t.contains("--listen-port"))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_works_as_an_x509_device_through_the_bridge() {
    let dir = Scratch::new("e2e-console-bridge");
    let (broker, device) = mtls_broker(&dir);
    let tls_port = broker.tls_port.expect("the TLS listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 3000).await;
    let bridge_port = free_port();

    let command = console_in_certificate_mode(&browser, addr, tls_port, bridge_port).await;
    assert_eq!(
        command,
        format!(
            "iotda-kit bridge --host 127.0.0.1 --port {tls_port} --ca platform-ca.crt \
             --cert deviceCert.pem --key deviceCert.key --listen-port {bridge_port}"
        )
    );
    let not_running = browser.text("#console-bridge-status").await;
    assert!(
        not_running.contains(&format!("ws://127.0.0.1:{bridge_port}/mqtt")),
        "{not_running}"
    );

    // Started as shown, in the folder with the files: found within a probe.
    let bridge = Bridge::start(&command, &device, bridge_port);
    browser
        .wait_for("#console-bridge-status[data-probe='Running']")
        .await;
    browser.click("#console-bridge-use").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected to"))
        .await;
    // No password anywhere: no field for one, none in the page.
    let dom = browser
        .run("return document.documentElement.outerHTML;")
        .await;
    assert!(!dom
        .as_str()
        .expect("HTML")
        .contains("id=\"console-password\""));
    assert_eq!(
        browser.value("#console-port").await,
        bridge_port.to_string()
    );
    let client_id = browser.value("#console-client-id").await;
    assert!(client_id.starts_with(&format!("{DEV}_0_0_")), "{client_id}");
    assert_eq!(browser.value("#console-username").await, DEV);
    browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 6
        })
        .await;

    // Subscribe, publish, receive: its own message comes back through the
    // bridge, and a witness on the broker sees it too.
    browser.fill("#console-new-filter", "bridge/#").await;
    browser.click("#console-add-sub").await;
    browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 7
        })
        .await;
    let witness = Subscriber::start(broker.mqtt_port, "bridge/#");
    browser.fill("#console-topic", "bridge/test").await;
    browser.untick("#console-json").await;
    browser.fill("#console-payload", "through the bridge").await;
    browser.click("#console-send").await;
    assert_eq!(
        witness.next(),
        ("bridge/test".to_owned(), "through the bridge".to_owned())
    );
    browser.wait_for("#console-counts[data-received='1']").await;

    // The simulator answers the platform's command through the bridge.
    browser.click("#sim-auto").await;
    let responses = Subscriber::start(broker.mqtt_port, &topic("commands/response/#"));
    mosquitto_pub(
        broker.mqtt_port,
        &topic("commands/request_id=7"),
        r#"{"service_id":"Lamp","command_name":"BLINK","paras":{"times":2}}"#,
    );
    let (to, body) = responses.next();
    assert_eq!(to, topic("commands/response/request_id=7"));
    let body: Value = serde_json::from_str(&body).expect("a JSON response");
    assert_eq!(body["result_code"], 0, "{body}");
    let shot = browser
        .screenshot_of(
            "section[aria-labelledby='console-connection']",
            "console-bridge",
        )
        .await;
    assert!(shot.exists());
    browser.click("#console-disconnect").await;
    browser
        .wait_for_text("#console-status", "Not connected")
        .await;
    drop(bridge);

    // Another CA's certificate and key: the broker refuses them in the TLS
    // handshake, the bridge closes with 4003 and the Console says so.
    std::fs::copy(dir.join("intruder.pem"), device.join("deviceCert.pem")).expect("copy");
    std::fs::copy(dir.join("intruder.key"), device.join("deviceCert.key")).expect("copy");
    let _intruder = Bridge::start(&command, &device, bridge_port);
    browser.click("#console-bridge-check").await;
    browser
        .wait_for("#console-bridge-status[data-probe='Running']")
        .await;
    browser.click("#console-bridge-use").await;
    let refused = browser
        .wait_text("#console-status", |t| t.contains("bridge close code 4003"))
        .await;
    assert!(
        refused.contains("the platform refused the device certificate in the TLS handshake"),
        "{refused}"
    );
    browser.select("#lang", "zh-CN").await;
    let zh = browser
        .wait_text("#console-status", |t| t.contains("桥接关闭码 4003"))
        .await;
    assert!(zh.contains("平台在 TLS 握手中拒绝了设备证书"), "{zh}");
    let shot = browser
        .screenshot_of(
            "section[aria-labelledby='console-connection']",
            "console-bridge-refused-zh",
        )
        .await;
    assert!(shot.exists());
    browser.select("#lang", "en").await;
    browser.click("#console-disconnect").await;
    browser.close().await;
}
