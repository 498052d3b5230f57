//! The supervised mosquitto killed (`kill -9`) during a QoS 1 stream: the
//! platform starts it again, the device and the subscriber reconnect, and
//! no message whose PUBACK the device got is lost at the persistent
//! subscriber.

use std::process::Stdio;
use std::time::Duration;

use iotda_core::credentials::SignType;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::*;

const ID: &str = "prod_stream-1";
const SECRET: &str = "stream-secret";
const COUNT: u32 = 400;

#[tokio::test(flavor = "multi_thread")]
async fn mosquitto_killed_mid_stream_is_restarted_and_no_acknowledged_message_is_lost() {
    let p = Platform::start().await;
    p.directory.add(secret_device(ID, SECRET));
    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    let endpoint = p.running().broker().endpoint().clone();
    let first_pid = p.running().broker().pid().expect("supervised");

    let mut a = args(&["stream"]);
    a.push(p.running().urls.mqtt.clone().expect("mqtt"));
    a.extend([
        c.client_id.clone(),
        c.username.clone(),
        c.password.expose().to_string(),
    ]);
    a.push(format!("$oc/devices/{ID}/sys/messages/up"));
    a.push(format!("mqtt://{}", endpoint.addr));
    a.push(endpoint.username.clone().expect("user"));
    a.push(endpoint.password.clone().expect("password"));
    a.push(COUNT.to_string());
    let mut child = tokio::process::Command::new(paho_python())
        .args(paho_args(&a))
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("paho");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();

    let mut killed = false;
    let mut summary = None;
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("paho keeps talking")
    {
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
        if !killed && v["acked"].as_u64() >= Some(100) {
            let status = tokio::process::Command::new("kill")
                .args(["-9", &first_pid.to_string()])
                .status()
                .await
                .expect("kill");
            assert!(status.success());
            killed = true;
        }
        if v.get("lost").is_some() {
            summary = Some(v);
        }
    }
    let _ = child.wait().await;
    assert!(killed, "the stream ended before 100 acknowledgements");
    let summary = summary.expect("a summary line");

    p.expect_log(&[&format!("broker: mosquitto (pid {first_pid}) exited")])
        .await;
    let second_pid = p.running().broker().pid().expect("supervised");
    assert_ne!(second_pid, first_pid, "a new mosquitto runs");
    assert_eq!(summary["lost"], serde_json::json!([]), "{summary}");
    let acked = summary["acked_total"].as_u64().expect("count");
    assert!(
        acked > 100,
        "acknowledgements resumed after the restart: {summary}"
    );
    // The device reconnected through the platform after the restart.
    let connects = p
        .log()
        .iter()
        .filter(|l| l.contains("connected: device \"prod_stream-1\""))
        .count();
    assert!(connects >= 2, "{:#?}", p.log());
    p.stop().await;
}
