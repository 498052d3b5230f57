//! MQTT over WebSocket and secure WebSocket at `/mqtt`, driven by Eclipse
//! Paho for Python (mosquitto's clients speak no WebSocket).

use iotda_core::credentials::SignType;
use serde_json::json;

use crate::support::*;

const ID: &str = "prod_ws-1";
const SECRET: &str = "ws-secret-1";

fn publish_args(
    url: &str,
    c: &iotda_core::credentials::Credentials,
    extra: &[&str],
) -> Vec<String> {
    let mut a = args(&[
        "publish",
        url,
        &c.client_id,
        &c.username,
        c.password.expose(),
    ]);
    a.push(format!("$oc/devices/{ID}/sys/properties/report"));
    a.extend(args(extra));
    a
}

#[tokio::test(flavor = "multi_thread")]
async fn paho_connects_over_ws_and_wss_and_is_refused_with_the_code() {
    let p = Platform::start().await;
    p.directory.add(secret_device(ID, SECRET));
    let urls = p.running().urls.clone();
    let ws = urls.ws.expect("ws");
    let wss = urls.wss.expect("wss").replace("127.0.0.1", "localhost");
    let good = credentials(ID, SECRET, SignType::CheckTimestamp, hour(0));

    let lines = paho(&publish_args(&ws, &good, &[])).await;
    assert_eq!(lines[0]["connack"], json!(0), "{lines:?}");
    assert_eq!(lines[1]["puback"], json!(0), "{lines:?}");
    p.expect_log(&["connected: device \"prod_ws-1\"", "over ws"])
        .await;

    let ca = p.ca_path().display().to_string();
    let lines = paho(&publish_args(&wss, &good, &["--cafile", &ca])).await;
    assert_eq!(lines[0]["connack"], json!(0), "{lines:?}");
    assert_eq!(lines[1]["puback"], json!(0), "{lines:?}");
    p.expect_log(&["connected: device \"prod_ws-1\"", "over wss"])
        .await;

    // Wrong secret over WebSocket: paho reports 3.1.1's code 4 as 0x86.
    let wrong = credentials(ID, "wrong-secret", SignType::NoTimestampCheck, hour(0));
    let lines = paho(&publish_args(&ws, &wrong, &[])).await;
    assert_eq!(lines[0]["connack"], json!(0x86), "{lines:?}");
    p.expect_log(&["refused:", "over ws", "wrong secret"]).await;

    // MQTT 5 over WebSocket, another device's topic at QoS 1: PUBACK 0x87.
    let mut a = args(&[
        "publish",
        &ws,
        &good.client_id,
        &good.username,
        good.password.expose(),
    ]);
    a.push("$oc/devices/prod_other/sys/properties/report".into());
    a.push("--v5".into());
    let lines = paho(&a).await;
    assert_eq!(lines[0]["connack"], json!(0), "{lines:?}");
    assert_eq!(lines[1]["puback"], json!(0x87), "{lines:?}");

    // Only /mqtt is served.
    let elsewhere = ws.replace("/mqtt", "/other");
    let lines = paho(&publish_args(&elsewhere, &good, &[])).await;
    assert!(
        lines[0].get("error").is_some() || lines[0].get("closed").is_some(),
        "{lines:?}"
    );
    p.expect_log(&["dropped:", "over ws", "WebSocket handshake failed"])
        .await;
    p.stop().await;
}
