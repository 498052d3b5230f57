//! `iotda-kit simulate --gateway 3` against a real mosquitto, the test
//! playing the platform: the gateway asks for three sub-devices, takes the
//! platform's answer (matched by `event_id`), reports them ONLINE and
//! reports properties for all three in one batch; one deleted by the
//! platform drops out of the next batches.

use std::time::Duration;

use iotda_core::iotda::{check_uplink, default_model};
use iotda_testkit::{BrokerConfig, Mosquitto};
use serde_json::{json, Value};

use super::mqtt::{port, Subscriber};
use super::Running;

const GW: &str = "5f8d_gw1";
const WAIT: Duration = Duration::from_secs(20);

fn platform_sends(port: &str, payload: &Value) {
    let status = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", port, "-q", "1"])
        .args(["-t", &format!("$oc/devices/{GW}/sys/events/down")])
        .args(["-m", &payload.to_string()])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success(), "mosquitto_pub");
}

/// The next message on a topic ending with `tail`: (topic, payload).
fn next_on(sub: &Subscriber, tail: &str) -> (String, Value) {
    loop {
        let line: Value = serde_json::from_str(&sub.next(WAIT)).expect("sub --json line");
        let topic = line["topic"].as_str().expect("topic").to_owned();
        if topic.ends_with(tail) {
            let payload = serde_json::from_str(line["payload"].as_str().expect("text"))
                .expect("JSON payload");
            return (topic, payload);
        }
    }
}

/// The next `$sub_device_manager` event of the gateway.
fn next_sub_device_event(sub: &Subscriber) -> Value {
    loop {
        let (_, payload) = next_on(sub, "/sys/events/up");
        if payload["services"][0]["service_id"] == "$sub_device_manager" {
            return payload["services"][0].clone();
        }
    }
}

fn reported_ids(report: &Value) -> Vec<String> {
    report["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| d["device_id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn a_gateway_adds_reports_for_and_loses_its_sub_devices() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let sub = Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--topic",
        &format!("$oc/devices/{GW}/sys/#"),
        "--qos",
        "1",
        "--json",
    ]);
    let sim = Running::start(&[
        "simulate",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--username",
        GW,
        "--interval",
        "1",
        "--gateway",
        "3",
    ]);
    // The gateway asks for three sub-devices of its product, with an event_id.
    let ask = next_sub_device_event(&sub);
    assert_eq!(ask["event_type"], "add_sub_device_request");
    let event_id = ask["event_id"].as_str().expect("event_id").to_owned();
    let nodes: Vec<String> = ask["paras"]["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| {
            assert_eq!(d["product_id"], "5f8d");
            d["node_id"].as_str().expect("node_id").to_owned()
        })
        .collect();
    assert_eq!(nodes, ["gw1-sub1", "gw1-sub2", "gw1-sub3"]);

    // The platform registers them (page 30182's answer).
    let devices: Vec<Value> = nodes
        .iter()
        .map(|n| {
            json!({"parent_device_id": GW, "node_id": n, "device_id": format!("5f8d_{n}"),
            "product_id": "5f8d", "status": "INACTIVE"})
        })
        .collect();
    platform_sends(
        &port,
        &json!({"object_device_id": GW, "services": [{"service_id": "$sub_device_manager",
            "event_type": "add_sub_device_response", "event_id": event_id,
            "event_time": "20151212T121212Z",
            "paras": {"successful_devices": devices, "failed_devices": []}}]}),
    );
    let status = next_sub_device_event(&sub);
    assert_eq!(status["event_type"], "sub_device_update_status");
    assert_eq!(
        status["paras"]["device_statuses"],
        json!([
            {"device_id": "5f8d_gw1-sub1", "status": "ONLINE"},
            {"device_id": "5f8d_gw1-sub2", "status": "ONLINE"},
            {"device_id": "5f8d_gw1-sub3", "status": "ONLINE"}
        ])
    );
    // A batch for all three, which fits the model.
    let (topic, report) = loop {
        let (topic, report) = next_on(&sub, "/sys/gateway/sub_devices/properties/report");
        if reported_ids(&report).len() == 3 {
            break (topic, report);
        }
    };
    let check = check_uplink(
        &topic,
        report.to_string().as_bytes(),
        Some(&default_model()),
        0,
    )
    .expect("an IoTDA topic");
    assert!(check.problems.is_empty(), "{:?}", check.problems);

    // The platform deletes one (page 3020's notification).
    platform_sends(
        &port,
        &json!({"services": [{"service_id": "$sub_device_manager",
            "event_type": "delete_sub_device_notify",
            "paras": {"devices": [{"parent_device_id": GW, "node_id": "gw1-sub2",
                "device_id": "5f8d_gw1-sub2"}], "version": 2}}]}),
    );
    loop {
        let (_, report) = next_on(&sub, "/sys/gateway/sub_devices/properties/report");
        if reported_ids(&report) == ["5f8d_gw1-sub1", "5f8d_gw1-sub3"] {
            break;
        }
    }
    drop(sim);
    let _ = sub.interrupt();
}
