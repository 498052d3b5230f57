//! The Console's "Local platform" preset, on a page served by a real
//! `iotda-kit platform` (on free ports, with its own mosquitto):
//!
//! - two devices registered by secret with `iotda-kit platform device add`
//!   (one with `--allow-plain`, so the platform takes it over `ws://`);
//! - on the Console, the preset lists them; chosen, the plain one fills
//!   the form with the platform's `ws://` listener, the device's ClientId,
//!   user name and password, and the Console connects as the device;
//! - a command sent through the platform's API (`POST .../commands`, from
//!   the page's origin with the page's session) is answered by the page's
//!   device simulator, and the API returns that answer;
//! - the `secure_access` device is filled for `wss://`, and the note says
//!   that the browser must trust the platform's CA;
//! - the preset and its note pass axe-core in both languages and themes.
//!
//! The test binary is also the `iotda-kit` command (a harness of its own,
//! `harness = false`; see `iotda_kit_e2e::platform`).

use std::process::ExitCode;

use iotda_kit_e2e::platform::{
    add_meter_product, axe_core, every_look, manage, page_api, test_main, Platform, MODEL,
};
use iotda_kit_e2e::{Browser, Chromedriver};
use iotda_testkit::Scratch;
use serde_json::Value;

fn main() -> ExitCode {
    test_main(
        "the_console_connects_to_the_local_platform_in_one_click",
        the_console_connects_to_the_local_platform_in_one_click(),
    )
}

/// `POST .../devices/{device}/commands` with `body`, from the page (its
/// origin and its session token): the status and the answer's JSON.
async fn command(browser: &Browser, device: &str, body: &str) -> (u16, Value) {
    page_api(
        browser,
        "POST",
        &format!("devices/{device}/commands"),
        Some(body),
    )
    .await
}

/// Chooses `device` in the preset and clicks it: the form is filled for
/// the platform's `ws://` listener (`wss://` when `tls`); returns the note.
async fn preset(browser: &Browser, device: &str, tls: bool) -> String {
    browser.select("#console-platform-device", device).await;
    browser.click("#console-local-platform").await;
    let note = browser
        .wait_text("#console-note", |t| t.contains(device))
        .await;
    let scheme = if tls {
        "wss://127.0.0.1:"
    } else {
        "ws://127.0.0.1:"
    };
    assert!(note.contains(scheme), "{note}");
    assert_eq!(browser.value("#console-host").await, "127.0.0.1");
    assert_eq!(browser.value("#console-path").await, "/mqtt");
    assert_eq!(
        browser.prop("#console-tls", "checked").await,
        tls.to_string()
    );
    note
}

async fn the_console_connects_to_the_local_platform_in_one_click() {
    let dir = Scratch::new("e2e-console-platform");
    let data = dir.join("data");
    let platform = Platform::start(&data);
    add_meter_product(dir.path(), &data);
    for (node, plain) in [("s1", true), ("s2", false)] {
        let mut args = vec!["device", "add", "--product-id", "meter", "--node-id", node];
        args.extend_from_slice(&["--secret", "console-secret-1"]);
        if plain {
            args.push("--allow-plain");
        }
        manage(&data, &args);
    }

    let driver = Chromedriver::start();
    let browser = driver.session(1280, 3000).await;
    let model: Value = serde_json::from_str(MODEL).expect("the model's JSON");
    browser.save_model(platform.addr, &model).await;
    browser.goto(&format!("{}/console", platform.http)).await;

    // The plain device: the platform's ws:// listener and its credentials.
    let note = preset(&browser, "meter_s1", false).await;
    assert!(note.contains("sign type 0"), "{note}");
    assert_eq!(browser.value("#console-username").await, "meter_s1");
    let client_id = browser.value("#console-client-id").await;
    assert!(client_id.starts_with("meter_s1_0_0_"), "{client_id}");
    assert_eq!(browser.value("#console-password").await.len(), 64);
    assert_eq!(browser.value("#console-device-id").await, "meter_s1");
    // The preset and its note pass axe-core in both languages and themes.
    let found = every_look(
        &browser,
        &axe_core(),
        "#console-platform-device",
        "console",
        None,
    )
    .await;
    assert!(found.is_empty(), "axe-core: {found:#?}");

    // Connected as the device, its downlinks subscribed.
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 6
        })
        .await;
    let title = browser
        .wait_text("#sim-title", |t| t.ends_with("meter_s1"))
        .await;
    assert_eq!(title, "Device simulator: meter_s1");

    // A command through the platform's API, answered by the simulator.
    browser.click("#sim-auto").await;
    let (status, answer) = command(
        &browser,
        "meter_s1",
        r#"{"service_id": "Battery", "command_name": "setLevel", "paras": {"level": 42}}"#,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["response"]["result_code"], 0, "{answer}");
    assert!(answer["command_id"].is_string(), "{answer}");
    let listed = browser
        .wait_text("#sim-requests", |t| {
            t.contains("Command setLevel of Battery")
        })
        .await;
    assert!(listed.contains("request_id="), "{listed}");
    browser.click("#console-disconnect").await;

    // The secure_access device: wss://, and the CA the browser must trust.
    let note = preset(&browser, "meter_s2", true).await;
    assert!(note.contains("/platform-ca.crt"), "{note}");
    // The first device's downlink subscriptions became the second's.
    let subs = browser.text("#console-sub-list").await;
    assert_eq!(subs.matches("$oc/devices/meter_s2/").count(), 6, "{subs}");
    assert!(!subs.contains("meter_s1"), "{subs}");

    // With the Connection page in certificate mode, the Console shows no
    // password field, until a preset for a secret device fills one.
    browser.click("a.navlink[href='/connect']").await;
    browser.select("#auth-mode", "x509").await;
    browser.wait_for("#auth-x509-hint").await;
    browser.click("a.navlink[href='/console']").await;
    browser.wait_for("#console-host").await;
    browser.paste("#console-password", "").await;
    // The field goes once the page has re-rendered.
    let mut gone = Value::Bool(false);
    for _ in 0..50 {
        gone = browser
            .run("return document.querySelector('#console-password') === null;")
            .await;
        if gone == Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        gone,
        Value::Bool(true),
        "no password field in certificate mode"
    );
    preset(&browser, "meter_s1", false).await;
    assert_eq!(browser.value("#console-password").await.len(), 64);
    browser.close().await;
}
