//! The Console's explanations in headless Chromium against a real
//! mosquitto that takes only the device with its password (from a
//! `mosquitto_passwd` file): a refused connection is put to the doctor,
//! which names the mistake in the password the Console sent, and the
//! takeover loop (a `mosquitto_sub` with the same ClientId, which
//! reconnects as each throws the other out) is said as "another client is
//! using this device id" and stops the Console's reconnecting; both in
//! English and in Chinese.

use std::process::{Child, Command, Stdio};

use iotda_kit_e2e::{serve_dist, Browser, Chromedriver};
use iotda_testkit::{chmod, BrokerConfig, Mosquitto, Scratch};

const DEV: &str = "5f8d_node1";
const SECRET: &str = "12345678";
const HOUR: &str = "2025041401";
const CLIENT_ID: &str = "5f8d_node1_0_0_2025041401";
/// Huawei's published password for the secret and hour above.
const PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

/// A mosquitto whose MQTT and WebSocket listeners take only `DEV` with
/// `PASSWORD`.
fn password_broker(dir: &Scratch) -> Mosquitto {
    let status = Command::new("mosquitto_passwd")
        .args(["-b", "-c", "passwd", DEV, PASSWORD])
        .current_dir(dir.path())
        .status()
        .expect("run mosquitto_passwd");
    assert!(status.success());
    chmod(dir.path(), 0o755);
    chmod(&dir.join("passwd"), 0o644);
    Mosquitto::start(&BrokerConfig {
        websocket: true,
        password_file: Some(dir.join("passwd")),
        ..BrokerConfig::default()
    })
}

/// Another client of the device: `mosquitto_sub` with the same ClientId
/// and credentials, which reconnects whenever it is thrown out. Killed on
/// drop.
struct SameId(Child);

impl SameId {
    fn start(port: u16) -> Self {
        let child = Command::new("mosquitto_sub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(["-i", CLIENT_ID, "-u", DEV, "-P", PASSWORD, "-t", "x"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto_sub");
        Self(child)
    }
}

impl Drop for SameId {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Connection page with the device, its secret and the fixed hour,
/// then the Console pointed at the broker's WebSocket port, with the
/// credentials computed there.
async fn console_for_the_device(browser: &Browser, addr: std::net::SocketAddr, ws_port: u16) {
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.fill("#device-id", DEV).await;
    browser.fill("#secret", SECRET).await;
    browser.fill("#timestamp", HOUR).await;
    browser.fill("#host", "127.0.0.1").await;
    browser.click("nav a[href='/console']").await;
    browser.wait_for("#console-host").await;
    browser.fill("#console-port", &ws_port.to_string()).await;
    browser.untick("#console-tls").await;
    assert_eq!(browser.value("#console-client-id").await, CLIENT_ID);
    assert_eq!(browser.value("#console-password").await, PASSWORD);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_explains_a_refusal_with_the_doctor_and_sees_the_takeover_loop() {
    let dir = Scratch::new("e2e-console-doctor");
    let broker = password_broker(&dir);
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2400).await;
    console_for_the_device(&browser, addr, ws_port).await;

    // The password pasted in upper case: refused, and the doctor names it.
    browser
        .fill("#console-password", &PASSWORD.to_ascii_uppercase())
        .await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.contains("connection refused"))
        .await;
    let found = browser
        .wait_text("#console-doctor", |t| t.starts_with("Found:"))
        .await;
    assert_eq!(
        found,
        "Found: The password is upper-case hex: send the digest as lower-case hex."
    );
    let means = browser.text("#console-doctor-means").await;
    assert!(
        means.starts_with("What the platform means by it: "),
        "{means}"
    );
    browser.select("#lang", "zh-CN").await;
    let zh = browser
        .wait_text("#console-doctor", |t| t.starts_with("发现："))
        .await;
    assert!(zh.contains("大写") && !zh.contains("upper"), "{zh}");
    let zh_means = browser.text("#console-doctor-means").await;
    assert!(zh_means.starts_with("平台的含义："), "{zh_means}");
    browser.select("#lang", "en").await;

    // The right password: connected, and the doctor's note is gone.
    browser.fill("#console-password", PASSWORD).await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected to"))
        .await;
    assert_eq!(browser.text("#console-explain").await, "");

    // A second client with the same ClientId: they throw each other out
    // until the Console sees the loop and stops.
    let other = SameId::start(broker.mqtt_port);
    let takeover = browser
        .wait_text("#console-takeover", |t| !t.is_empty())
        .await;
    assert!(
        takeover.starts_with("another client is using this device id")
            && takeover.contains(CLIENT_ID)
            && takeover.contains("3 times in a row"),
        "{takeover}"
    );
    browser
        .wait_text("#console-status", |t| t.starts_with("Not connected"))
        .await;
    browser.select("#lang", "zh-CN").await;
    let zh = browser
        .wait_text("#console-takeover", |t| {
            t.starts_with("另一个客户端正在使用此设备 ID")
        })
        .await;
    assert!(zh.contains(CLIENT_ID) && zh.contains("3 次"), "{zh}");
    let shot = browser
        .screenshot_of(
            "section[aria-labelledby='console-connection']",
            "console-takeover-zh",
        )
        .await;
    assert!(shot.exists());
    browser.select("#lang", "en").await;
    drop(other);
    browser.close().await;
}
