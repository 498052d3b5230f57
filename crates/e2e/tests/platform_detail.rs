//! The Platform page's device by secret and its device-detail view, served
//! by a real `iotda-kit platform` (on free ports, with its own mosquitto)
//! with `iotda-kit simulate` as the device.
//!
//! - A device registered by secret from the page, the secret left empty:
//!   the platform generates it and the page shows it in its field;
//!   `simulate --device-id --secret` connects over MQTTS with it, and the
//!   device is online in the list and in the detail view, with its
//!   reported properties.
//! - The shadow: a desired value set from the page is pushed to the online
//!   device as a property set, which the simulator applies, so that its
//!   reports and the shadow's `reported` show it; a desired value the
//!   model refuses is said at the field (`IOTDA.000006` with its path and
//!   rule) and changes nothing; with the device offline, the version
//!   counts the desired change alone.
//! - Property set and get from the form built from the model: the set
//!   reaches the device and its answer is shown, the get shows the
//!   device's answer; a value that is no number, or that the model
//!   refuses, is said; a device that does not answer (`simulate` without
//!   `--auto-respond`) makes both time out with `IOTDA.014111`. The
//!   platform runs with `--command-timeout 3` (IoTDA's is 20 s).
//!
//! Where text is asserted in Chinese too, only what the language does not
//! change is (codes, paths, numbers).
//!
//! The test binary is also the `iotda-kit` command (a harness of its own,
//! `harness = false`; see `iotda_kit_e2e::platform`).

use std::process::ExitCode;

use iotda_kit_e2e::platform::{
    create_product, reported, send_control, send_unanswered, test_main, wait_status, Platform,
    MODEL,
};
use iotda_kit_e2e::{Browser, Chromedriver};
use iotda_testkit::Scratch;

fn main() -> ExitCode {
    test_main("the_device_detail_view", the_device_detail_view())
}

/// The device's row in the device list: its status cell.
const ROW_STATUS: &str =
    "#platform-device-list tr:has(#platform-open-meter_s1) .platform-device-status";
/// The Battery service's shadow.
const SHADOW: &str = "#platform-shadow-Battery";
/// The threshold's latest reported value.
const THRESHOLD: &str = "#platform-property-Battery-threshold .platform-value";

/// The Battery shadow's version now.
async fn shadow_version(browser: &Browser) -> u64 {
    let text = browser
        .text(&format!("{SHADOW} .platform-shadow-version"))
        .await;
    text.parse()
        .unwrap_or_else(|_| panic!("a shadow version: {text:?}"))
}

/// Sets the Battery service's desired values to `json` from the page.
async fn set_desired(browser: &Browser, json: &str) {
    browser.fill("#platform-shadow-service", "Battery").await;
    browser.fill("#platform-shadow-desired", json).await;
    browser.click("#platform-shadow-apply").await;
}

/// Chooses the control form's `kind` (`command`, `set`, `get`).
async fn control(browser: &Browser, kind: &str) {
    browser.click(&format!("#platform-control-{kind}")).await;
}

async fn the_device_detail_view() {
    let dir = Scratch::new("e2e-platform-detail");
    let model_file = dir.join("model.json");
    std::fs::write(&model_file, MODEL).expect("write the model");
    let platform = Platform::start(&dir.join("data"));
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    let model = serde_json::from_str(MODEL).expect("the model's JSON");
    browser.save_model(platform.addr, &model).await;
    browser.goto(&format!("{}/platform", platform.http)).await;
    create_product(&browser, "Meter", "meter").await;

    // Registered by secret, left empty: the platform's secret is shown.
    browser.fill("#platform-device-node", "s1").await;
    assert_eq!(
        browser.prop("#platform-auth-secret", "checked").await,
        "true"
    );
    browser.click("#platform-device-add").await;
    let secret = browser
        .wait_value("#platform-device-secret", |v| !v.is_empty())
        .await;
    assert!(
        (8..=32).contains(&secret.len())
            && secret
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        "a generated secret: {secret:?}"
    );
    assert_eq!(
        browser.wait_text(ROW_STATUS, |t| t == "INACTIVE").await,
        "INACTIVE"
    );

    // The device connects with it, and is online with its properties.
    let answering = platform.simulate("meter_s1", &["--secret", &secret], &model_file, true);
    assert_eq!(
        browser.wait_text(ROW_STATUS, |t| t == "ONLINE").await,
        "ONLINE"
    );
    browser.click("#platform-open-meter_s1").await;
    wait_status(&browser, "ONLINE").await;
    reported(&browser, "batteryLevel").await;
    reported(&browser, "threshold").await;

    // Desired, set while online: pushed as a property set and applied.
    browser.wait_for(SHADOW).await;
    let before = shadow_version(&browser).await;
    set_desired(&browser, r#"{"threshold": 37}"#).await;
    let desired = browser
        .wait_text(&format!("{SHADOW} .platform-shadow-desired"), |t| {
            t.contains("37")
        })
        .await;
    assert_eq!(desired, r#"{"threshold":37}"#);
    let reported = browser
        .wait_text(&format!("{SHADOW} .platform-shadow-reported"), |t| {
            t.contains(r#""threshold":37"#)
        })
        .await;
    assert!(reported.contains(r#""threshold":37"#), "{reported}");
    assert_eq!(browser.wait_text(THRESHOLD, |t| t == "37").await, "37");
    assert!(shadow_version(&browser).await > before);

    // A desired value the model refuses: said at the field, in either
    // language, and nothing changed.
    set_desired(&browser, r#"{"threshold": 150}"#).await;
    let refused = browser
        .wait_text("#platform-shadow-error", |t| t.contains("IOTDA."))
        .await;
    assert!(
        refused.contains("IOTDA.000006")
            && refused.contains("threshold: 150 is above the maximum 100"),
        "{refused}"
    );
    assert_eq!(
        browser
            .attr("#platform-shadow-desired", "aria-invalid")
            .await,
        "true"
    );
    assert_eq!(
        browser
            .attr("#platform-shadow-desired", "aria-describedby")
            .await,
        "platform-shadow-error"
    );
    let next = browser
        .run("return document.querySelector('#platform-shadow-desired').nextElementSibling.id;")
        .await;
    assert_eq!(next, "platform-shadow-error", "the error follows the field");
    browser.select("#lang", "zh-CN").await;
    let refused_zh = browser
        .wait_text("#platform-shadow-error", |t| t != refused)
        .await;
    assert!(
        refused_zh.contains("IOTDA.000006")
            && refused_zh.contains("threshold")
            && refused_zh.contains("150"),
        "{refused_zh}"
    );
    browser.select("#lang", "en").await;
    assert_eq!(
        browser
            .text(&format!("{SHADOW} .platform-shadow-desired"))
            .await,
        r#"{"threshold":37}"#
    );

    // Property set from the form the model builds: the writable threshold
    // only, typed as its int; the device's answer shown, the value applied.
    control(&browser, "set").await;
    let label = browser.text("label[for='platform-para-threshold']").await;
    assert_eq!(label, "threshold (int, 0 … 100)");
    let fields = browser
        .run("return [...document.querySelectorAll('#platform-control input[id^=\"platform-para-\"]')].map(e => e.id);")
        .await;
    assert_eq!(fields, serde_json::json!(["platform-para-threshold"]));
    browser.fill("#platform-para-threshold", "sixty").await;
    let not_a_number = send_control(&browser).await.expect_err("not a number");
    assert!(
        not_a_number.contains("threshold: sixty is not a number"),
        "{not_a_number}"
    );
    browser.fill("#platform-para-threshold", "150").await;
    let over = send_control(&browser).await.expect_err("refused");
    assert!(
        over.contains("IOTDA.000006") && over.contains("150 is above the maximum 100"),
        "{over}"
    );
    browser.fill("#platform-para-threshold", "64").await;
    let set = send_control(&browser).await.expect("the device's answer");
    assert!(set.contains("\"result_code\": 0"), "{set}");
    assert_eq!(browser.wait_text(THRESHOLD, |t| t == "64").await, "64");

    // Property get: the device's answer, with the value it was set to.
    control(&browser, "get").await;
    let got = send_control(&browser).await.expect("the device's answer");
    assert!(
        got.contains("\"threshold\": 64") && got.contains("\"batteryLevel\""),
        "{got}"
    );

    // Offline: a desired change is the version's only change.
    drop(answering);
    wait_status(&browser, "OFFLINE").await;
    let offline = shadow_version(&browser).await;
    set_desired(&browser, r#"{"threshold": 55}"#).await;
    browser
        .wait_text(&format!("{SHADOW} .platform-shadow-desired"), |t| {
            t.contains("55")
        })
        .await;
    assert_eq!(shadow_version(&browser).await, offline + 1);

    // A device that does not answer: set and get time out (3 s here), in
    // either language.
    let silent = platform.simulate("meter_s1", &["--secret", &secret], &model_file, false);
    wait_status(&browser, "ONLINE").await;
    control(&browser, "set").await;
    browser.fill("#platform-para-threshold", "20").await;
    let timeout = send_unanswered(&browser).await;
    assert!(timeout.contains("no answer from the device"), "{timeout}");
    browser.select("#lang", "zh-CN").await;
    control(&browser, "get").await;
    let timeout_zh = send_unanswered(&browser).await;
    assert!(!timeout_zh.contains("no answer"), "{timeout_zh}");
    browser.select("#lang", "en").await;

    // Back with a device that answers: the desired value set while it was
    // away is pushed as it comes online.
    drop(silent);
    wait_status(&browser, "OFFLINE").await;
    let answering = platform.simulate("meter_s1", &["--secret", &secret], &model_file, true);
    wait_status(&browser, "ONLINE").await;
    assert_eq!(browser.wait_text(THRESHOLD, |t| t == "55").await, "55");

    browser.close().await;
    drop(answering);
    drop(platform.run);
}
