//! The Console's simulated device against a real `iotda-kit platform` (on
//! free ports, with its own mosquitto, serving the page), connected as a
//! device over the platform's `ws://` listener:
//!
//! - an upgrade from 1.0 to 1.1: a package uploaded through the platform's
//!   API and an upgrade task (CreateOtaPackage, CreateBatchTask); the
//!   page's worker downloads it from the platform's HTTPS port (another
//!   origin: the package server's CORS answer), checks it, and reports
//!   progress 0, 50 and 100, each with its version and result code 0; the
//!   task ends in Success with version 1.1 and the OTA panel says so;
//! - a corrupted package (its stored bytes no longer match the package's
//!   `sign`) is refused with result code 7, "upgrade package verification
//!   failure" (Huawei's page 3031), in the task and in the panel;
//! - the device as a gateway of three sub-devices, which the platform
//!   adds on its request; a report carries a gateway report for each, and
//!   one removed in the panel is deleted on the platform.
//!
//! The package server's certificate is issued by the platform's own CA,
//! which a fresh Chromium profile does not trust: the session accepts
//! insecure certificates (`acceptInsecureCerts`), in this test only, as a
//! user does who imported `platform-ca.crt`.
//!
//! The test binary is also the `iotda-kit` command (a harness of its own,
//! `harness = false`; see `iotda_kit_e2e::platform`).

use std::process::ExitCode;

use base64ct::{Base64, Encoding};
use iotda_kit_e2e::platform::{add_meter_product, manage, page_api, test_main, Platform, MODEL};
use iotda_kit_e2e::{Browser, Chromedriver};
use iotda_testkit::Scratch;
use serde_json::{json, Value};

const DEVICE: &str = "meter_ota";

fn main() -> ExitCode {
    test_main(
        "the_page_simulator_upgrades_refuses_a_corrupted_package_and_keeps_sub_devices",
        the_page_simulator_upgrades_refuses_a_corrupted_package_and_keeps_sub_devices(),
    )
}

/// `METHOD /v5/iot/{project}/PATH` with `body` from the page.
async fn api(browser: &Browser, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let text = body.map(|b| b.to_string());
    page_api(browser, method, path, text.as_deref()).await
}

/// Uploads `file` as firmware `version` of product `meter`: its id.
async fn package(browser: &Browser, version: &str, file: &[u8]) -> String {
    let body = json!({"package_type": "firmwarePackage", "product_id": "meter", "version": version,
        "file_location": {"file": Base64::encode_string(file), "file_name": "fw.bin"}});
    let (status, answer) = api(browser, "POST", "ota-upgrades/packages", Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["file_size"], file.len(), "{answer}");
    answer["package_id"]
        .as_str()
        .expect("package_id")
        .to_owned()
}

/// Starts an upgrade task of the device to `package_id`, and returns the
/// task once its subtask has ended (Success or Fail).
async fn upgrade(browser: &Browser, package_id: &str) -> Value {
    let body = json!({"task_name": "upgrade", "task_type": "firmwareUpgrade",
        "targets": [DEVICE], "document": {"package_ids": [package_id]}});
    let (status, answer) = api(browser, "POST", "batchtasks", Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    let task = answer["task_id"].as_str().expect("task_id").to_owned();
    let mut last = Value::Null;
    for _ in 0..200 {
        last = api(browser, "GET", &format!("batchtasks/{task}"), None)
            .await
            .1;
        if matches!(
            last["task_details"][0]["status"].as_str(),
            Some("Success" | "Fail")
        ) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the upgrade did not end: {last}");
}

/// The `paras` of the device's `upgrade_progress_report` events, oldest
/// first.
async fn progress_reports(browser: &Browser) -> Vec<Value> {
    let (status, answer) = api(
        browser,
        "GET",
        &format!("devices/{DEVICE}/kit/events"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    answer["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["event_type"] == "upgrade_progress_report")
        .map(|e| e["paras"].clone())
        .collect()
}

/// The device ids of the gateway's sub-devices on the platform.
async fn sub_devices(browser: &Browser) -> Vec<String> {
    let path = format!("devices?gateway_id={DEVICE}&limit=50");
    let (status, answer) = api(browser, "GET", &path, None).await;
    assert_eq!(status, 200, "{answer}");
    let mut ids: Vec<String> = answer["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .filter_map(|d| d["device_id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

async fn the_page_simulator_upgrades_refuses_a_corrupted_package_and_keeps_sub_devices() {
    let dir = Scratch::new("e2e-simulator-ota");
    let data = dir.join("data");
    let platform = Platform::start(&data);
    add_meter_product(dir.path(), &data);
    manage(
        &data,
        &[
            "device",
            "add",
            "--product-id",
            "meter",
            "--node-id",
            "ota",
            "--secret",
            "console-secret-1",
            "--allow-plain",
        ],
    );

    let driver = Chromedriver::start();
    // The package server's certificate is of the platform's own CA.
    let browser = driver.session_accepting_insecure_certs(1280, 3000).await;
    let model: Value = serde_json::from_str(MODEL).expect("the model's JSON");
    browser.save_model(platform.addr, &model).await;
    browser.goto(&format!("{}/console", platform.http)).await;
    browser.select("#console-platform-device", DEVICE).await;
    browser.click("#console-local-platform").await;
    browser
        .wait_text("#console-note", |t| t.contains(DEVICE))
        .await;
    browser
        .wait_text("#sim-title", |t| t.ends_with(DEVICE))
        .await;
    // A gateway of three sub-devices, asked for on connect.
    browser.fill("#sim-sub-devices", "3").await;
    browser.wait_for("#sim-add-sub").await;
    browser.click("#console-connect").await;

    // The device reports version 1.0 on connect.
    let versions = browser
        .wait_text("#sim-versions", |t| t.contains("Firmware version 1.0"))
        .await;
    assert!(versions.contains("Firmware version 1.0"), "{versions}");
    let mut shown = Value::Null;
    for _ in 0..100 {
        shown = api(&browser, "GET", &format!("devices/{DEVICE}"), None)
            .await
            .1;
        if shown["fw_version"] == "1.0" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown["fw_version"], "1.0", "{shown}");

    // 1.0 -> 1.1 from a package uploaded through the API.
    let file = b"firmware 1.1 \x00\x01\x02 the new image".repeat(100);
    let id = package(&browser, "1.1", &file).await;
    let task = upgrade(&browser, &id).await;
    let detail = &task["task_details"][0];
    let panel = browser.text("#sim-upgrade").await;
    assert_eq!(detail["status"], "Success", "{task}\n{panel}");
    assert_eq!(
        (detail["result_code"].clone(), detail["version"].clone()),
        (json!(0), json!("1.1"))
    );
    let reports = progress_reports(&browser).await;
    let seen: Vec<(Value, Value, Value)> = reports
        .iter()
        .map(|p| {
            (
                p["progress"].clone(),
                p["result_code"].clone(),
                p["version"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (json!(0), json!(0), json!("1.0")),
            (json!(50), json!(0), json!("1.0")),
            (json!(100), json!(0), json!("1.1")),
        ],
        "{reports:?}"
    );
    let result = browser
        .wait_text("#sim-upgrade-result", |t| t == "result code 0: success")
        .await;
    assert_eq!(result, "result code 0: success");
    assert_eq!(browser.attr("#sim-upgrade", "data-progress").await, "100");
    assert_eq!(browser.attr("#sim-upgrade", "data-version").await, "1.1");
    browser
        .wait_text("#sim-versions", |t| t.contains("Firmware version 1.1"))
        .await;
    assert_eq!(
        api(&browser, "GET", &format!("devices/{DEVICE}"), None)
            .await
            .1["fw_version"],
        "1.1"
    );

    // A package whose stored bytes no longer match its sign: refused, 7.
    let id = package(&browser, "1.2", b"the good 1.2 image").await;
    let db = rusqlite::Connection::open(data.join("registry.sqlite")).expect("the registry");
    let changed = db
        .execute(
            "UPDATE ota_package SET file = X'00112233445566778899AABBCCDD' WHERE package_id = ?1",
            [&id],
        )
        .expect("damage the package");
    assert_eq!(changed, 1);
    drop(db);
    let task = upgrade(&browser, &id).await;
    let detail = &task["task_details"][0];
    assert_eq!(detail["status"], "Fail", "{task}");
    assert_eq!(detail["result_code"], 7, "{task}");
    assert_eq!(
        detail["error"]["error_msg"], "upgrade package verification failure",
        "{task}"
    );
    assert_eq!(detail["version"], "1.1", "{task}");
    let last = progress_reports(&browser).await.pop().expect("a report");
    assert_eq!(
        (last["result_code"].clone(), last["version"].clone()),
        (json!(7), json!("1.1"))
    );
    let result = browser
        .wait_text("#sim-upgrade-result", |t| t.starts_with("result code 7"))
        .await;
    assert_eq!(
        result,
        "result code 7: upgrade package verification failure"
    );
    assert_eq!(browser.attr("#sim-upgrade", "data-version").await, "1.1");

    // The gateway: three sub-devices added on its request, reported for,
    // one removed.
    let rows = browser
        .wait_text("#sim-sub-devices-table tbody", |t| {
            t.matches("ONLINE").count() == 3
        })
        .await;
    assert_eq!(rows.matches("ONLINE").count(), 3, "{rows}");
    let ids: Vec<String> = (1..=3).map(|k| format!("meter_ota-sub{k}")).collect();
    assert_eq!(sub_devices(&browser).await, ids);
    browser.click("#sim-send").await;
    for id in &ids {
        let mut reported = Value::Null;
        for _ in 0..100 {
            let shadow = api(&browser, "GET", &format!("devices/{id}/shadow"), None)
                .await
                .1;
            reported = shadow["shadow"][0]["reported"]["properties"].clone();
            if reported["batteryLevel"].is_number() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(reported["batteryLevel"].is_number(), "{id}: {reported}");
    }
    browser
        .click(r#"#sim-sub-devices-table tr[data-device-id="meter_ota-sub2"] .delete-sub"#)
        .await;
    let rows = browser
        .wait_text("#sim-sub-devices-table tbody", |t| {
            !t.contains("meter_ota-sub2")
        })
        .await;
    assert_eq!(rows.matches("ONLINE").count(), 2, "{rows}");
    let mut left = Vec::new();
    for _ in 0..100 {
        left = sub_devices(&browser).await;
        if left.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, [ids[0].clone(), ids[2].clone()]);
    browser.close().await;
}
