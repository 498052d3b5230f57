//! The Connection page's Doctor card, in headless Chromium: a CONNECT
//! captured from `mosquitto_pub` (a client nobody here wrote) signed with
//! the local time of UTC+8 instead of UTC is diagnosed as such, a right
//! attempt is said to follow the rules, and a CONNACK code is explained, in
//! English and in Chinese.

use std::time::{SystemTime, UNIX_EPOCH};

use iotda_core::credentials::{Credentials, SignType, Timestamp};
use iotda_kit_e2e::{serve_dist, Chromedriver};

const DEVICE: &str = "6548a1b2_doctor01";
const SECRET: &str = "d0ct0rS3cret";

/// The bytes `mosquitto_pub` sends as its CONNECT with these credentials,
/// captured by a listener that never answers, as hex.
fn captured_connect(client_id: &str, username: &str, password: &str) -> String {
    iotda_testkit::capture_mosquitto_pub_connect(&[
        "-V", "mqttv311", "-i", client_id, "-u", username, "-P", password, "-k", "60",
    ])
}

fn credentials(sign_type: SignType, unix_seconds: i64) -> Credentials {
    let hour = Timestamp::from_unix_seconds(unix_seconds).expect("an hour");
    Credentials::compute(DEVICE, SECRET, sign_type, hour).expect("credentials")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_doctor_card_names_a_local_time_signature_and_passes_a_right_one() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    // Signed with the clock of a device on China's local time, UTC+8.
    let local = credentials(SignType::CheckTimestamp, now + 8 * 3600);
    let local_hex = captured_connect(&local.client_id, &local.username, local.password.expose());
    let right = credentials(SignType::NoTimestampCheck, now);

    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2400).await;
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.wait_for("#doctor-heading").await;

    let hint = browser.text("#doctor-answer").await;
    assert!(hint.contains("device id and secret above"), "{hint}");
    browser.fill("#device-id", DEVICE).await;
    browser.fill("#secret", SECRET).await;
    let hint = browser
        .wait_text("#doctor-answer", |t| t.contains("Paste the ClientId"))
        .await;
    assert!(hint.contains("Paste the ClientId"), "{hint}");

    browser.paste("#doctor-hex", &local_hex).await;
    let found = browser
        .wait_text("#doctor-answer", |t| t.starts_with("Found:"))
        .await;
    assert!(found.starts_with("Found:"), "{found}");
    assert!(found.contains("UTC+8"), "the local zone is named: {found}");

    browser.select("#doctor-code", "v3:5").await;
    let means = browser
        .wait_text("#doctor-code-means", |t| !t.is_empty())
        .await;
    assert!(means.contains("not authorized"), "{means}");
    browser
        .screenshot_of("section[aria-labelledby='doctor-heading']", "doctor")
        .await;

    browser.select("#lang", "zh-CN").await;
    browser.wait_for("html[lang='zh-CN']").await;
    let zh = browser
        .wait_text("#doctor-answer", |t| t.starts_with("发现："))
        .await;
    assert!(zh.starts_with("发现："), "{zh}");
    assert!(zh.contains("UTC+8"), "{zh}");
    assert!(
        !zh.contains("the device's clock"),
        "the finding itself is in Chinese: {zh}"
    );
    browser
        .screenshot_of("section[aria-labelledby='doctor-heading']", "doctor-zh")
        .await;

    // A right attempt, typed field by field (the capture replaced first).
    browser.paste("#doctor-hex", "").await;
    browser.fill("#doctor-client-id", &right.client_id).await;
    browser.fill("#doctor-username", &right.username).await;
    browser
        .fill("#doctor-password", right.password.expose())
        .await;
    let ok = browser
        .wait_text("#doctor-answer", |t| t.contains("IoTDA 检查的所有规则"))
        .await;
    assert!(ok.contains("IoTDA 检查的所有规则"), "{ok}");

    // A capture that is not a CONNECT is said at its field.
    browser.paste("#doctor-hex", "20 02 00 05").await;
    let error = browser
        .wait_text("#doctor-hex-error", |t| t.contains("CONNACK"))
        .await;
    assert!(error.contains("CONNACK"), "{error}");
    browser.close().await;
}
