//! The Console's device simulator in headless Chromium against a real
//! mosquitto: the report built from the product model reaches
//! `mosquitto_sub` exactly as previewed, a report that breaks the model
//! needs an explicit click, and commands, property sets and gets from
//! "the platform" (`mosquitto_pub`) are answered on their request ids.

use iotda_kit_e2e::{mosquitto_pub, serve_dist, Browser, Chromedriver, Subscriber};
use iotda_testkit::{BrokerConfig, Mosquitto};
use serde_json::{json, Value};

const DEV: &str = "dev_1";

/// The guide's two read-only services and a lamp the platform can set and
/// command.
fn model() -> Value {
    json!({"service_capabilities": [
        {"service_id": "Connectivity", "properties": [
            {"property_name": "dailyActivityTime", "data_type": "int", "min": "0", "max": "65535", "step": 1, "unit": "s", "method": "R"}]},
        {"service_id": "Battery", "properties": [
            {"property_name": "batteryLevel", "data_type": "int", "min": "0", "max": "100", "step": 1, "unit": "%", "method": "R"}]},
        {"service_id": "Lamp", "properties": [
            {"property_name": "level", "data_type": "int", "min": "0", "max": "10", "step": 1, "method": "RW"},
            {"property_name": "mode", "data_type": "enum", "enum_list": ["auto", "off"], "method": "RW"}],
         "commands": [{"command_name": "BLINK",
            "paras": [{"para_name": "times", "data_type": "int", "min": "1", "max": "5", "required": true}]}]}
    ]})
}

fn topic(tail: &str) -> String {
    format!("$oc/devices/{DEV}/sys/{tail}")
}

async fn preview(browser: &Browser) -> String {
    browser.text("#sim-preview").await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_reports_what_it_previews_and_answers_the_platform() {
    let broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        ..BrokerConfig::default()
    });
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let port = broker.mqtt_port;
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 3000).await;

    // The Model page's saved model, then the Console for device dev_1.
    browser.save_model(addr, &model()).await;
    browser.open_console(addr, ws_port, "simulator-e2e").await;
    browser.fill("#console-device-id", DEV).await;
    let title = browser.wait_text("#sim-title", |t| t.ends_with(DEV)).await;
    assert_eq!(title, format!("Device simulator: {DEV}"));
    browser.click("#console-add-iotda").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 6
        })
        .await;

    // A report typed in, stamped, previewed and received exactly.
    let hint = browser.text("#sim-Battery-batteryLevel-hint").await;
    assert_eq!(hint, "int · 0 … 100 · step 1 · % · R");
    browser.fill("#sim-Battery-batteryLevel", "87").await;
    browser.click("#sim-stamp").await;
    let shown = browser
        .wait_text("#sim-preview", |t| {
            t.contains("\"batteryLevel\":87") && t.contains("event_time")
        })
        .await;
    let sent: Value = serde_json::from_str(&shown).expect("the preview is JSON");
    assert_eq!(
        sent["services"][1]["properties"],
        json!({"batteryLevel": 87})
    );
    assert_eq!(browser.text("#sim-valid").await, "Fits the product model.");
    let reports = Subscriber::start(port, &topic("properties/report"));
    browser.click("#sim-send").await;
    assert_eq!(reports.next(), (topic("properties/report"), shown.clone()));

    // Out of range: the problem is named, sending needs the explicit click.
    browser.fill("#sim-Battery-batteryLevel", "101").await;
    let problems = browser
        .wait_text("#sim-problems", |t| t.contains("101"))
        .await;
    assert_eq!(
        problems,
        "services[1].properties.batteryLevel: 101 is above the maximum 100"
    );
    let send = browser.wait_for("#sim-send").await;
    assert_eq!(
        send.prop("disabled").await.expect("disabled").as_deref(),
        Some("true")
    );
    let anyway = preview(&browser).await;
    browser.click("#sim-send-anyway").await;
    assert_eq!(reports.next().1, anyway);
    browser.fill("#sim-Battery-batteryLevel", "87").await;
    browser.wait_for("#sim-valid").await;

    // A command on request_id=42, answered automatically with result_code 0.
    browser.click("#sim-auto").await;
    let responses = Subscriber::start(port, &topic("commands/response/#"));
    mosquitto_pub(
        port,
        &topic("commands/request_id=42"),
        r#"{"service_id":"Lamp","command_name":"BLINK","paras":{"times":3}}"#,
    );
    let (to, body) = responses.next();
    assert_eq!(to, topic("commands/response/request_id=42"));
    let body: Value = serde_json::from_str(&body).expect("JSON response");
    assert_eq!(body["result_code"], 0);
    let listed = browser
        .wait_text("#sim-requests", |t| t.contains("Command BLINK of Lamp"))
        .await;
    assert!(listed.contains("request_id=42"), "{listed}");

    // A property set: answered, and the next report carries the new value.
    let set_responses = Subscriber::start(port, &topic("properties/set/response/#"));
    mosquitto_pub(
        port,
        &topic("properties/set/request_id=43"),
        r#"{"services":[{"service_id":"Lamp","properties":{"level":9,"mode":"off"}}]}"#,
    );
    let (to, body) = set_responses.next();
    assert_eq!(to, topic("properties/set/response/request_id=43"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON"),
        json!({"result_code": 0, "result_desc": "success"})
    );
    browser
        .wait_text("#sim-preview", |t| t.contains("\"level\":9"))
        .await;
    assert_eq!(browser.value("#sim-Lamp-level").await, "9");
    let shown = preview(&browser).await;
    browser.click("#sim-send").await;
    let (_, report) = reports.next();
    assert_eq!(report, shown);
    let report: Value = serde_json::from_str(&report).expect("JSON");
    assert_eq!(
        report["services"][2]["properties"],
        json!({"level": 9, "mode": "off"})
    );

    // A property get: answered with the current values.
    let get_responses = Subscriber::start(port, &topic("properties/get/response/#"));
    mosquitto_pub(
        port,
        &topic("properties/get/request_id=44"),
        r#"{"service_id":"Lamp"}"#,
    );
    let (to, body) = get_responses.next();
    assert_eq!(to, topic("properties/get/response/request_id=44"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON"),
        json!({"services": [{"service_id": "Lamp", "properties": {"level": 9, "mode": "off"}}]})
    );

    // Periodic reports of simulated values, charted; the set value stays.
    browser.fill("#sim-interval", "1").await;
    browser.click("#sim-periodic").await;
    for _ in 0..3 {
        let (_, report) = reports.next();
        let report: Value = serde_json::from_str(&report).expect("JSON");
        let level = &report["services"][1]["properties"]["batteryLevel"];
        assert!(level.as_u64().is_some_and(|l| l <= 100), "{report}");
        assert_eq!(report["services"][2]["properties"]["level"], 9, "{report}");
    }
    browser.click("#sim-periodic").await;
    let points: usize = browser
        .attr("figure[data-series='Battery.batteryLevel']", "data-points")
        .await
        .parse()
        .expect("a count");
    assert!(points >= 5, "2 by hand and 3 periodic: {points}");
    assert_eq!(browser.text("#sim-periodic-status").await, "Stopped");

    let shot = browser
        .screenshot_of("section.simulator", "console-simulator")
        .await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);
    browser.close().await;
}
