//! Secret devices over MQTT/TCP: admission, refusals with their CONNACK
//! codes and logged reasons, the topic ACL, takeover, implicit
//! subscription and bad bytes.

use std::time::Duration;

use iotda_core::credentials::SignType;
use iotda_core::mqtt::{self, Packet, ProtocolVersion};
use iotda_platform::directory::DeviceStatus;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::*;

const ID: &str = "prod_node-1";
const SECRET: &str = "s3cret-s3cret";

async fn platform_with_device() -> Platform {
    let p = Platform::start().await;
    p.directory.add(secret_device(ID, SECRET));
    p
}

fn pub_args(p: &Platform, c: &iotda_core::credentials::Credentials, extra: &[&str]) -> Vec<String> {
    let mut a = args(&["-d", "-h", "127.0.0.1", "-p"]);
    a.push(p.mqtt_port().to_string());
    a.extend(secret_args(c));
    a.extend(args(extra));
    a
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_device_reports_through_the_broker_and_goes_online_then_offline() {
    let p = platform_with_device().await;
    let topic = format!("$oc/devices/{ID}/sys/properties/report");
    // The platform's side, straight on the broker behind.
    let mut sub = p.broker_args();
    sub.extend(args(&["-t", &topic, "-C", "1", "-W", "15", "-q", "1"]));
    let watcher = tokio::spawn(async move { run("mosquitto_sub", &sub).await });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let c = credentials(ID, SECRET, SignType::CheckTimestamp, hour(0));
    let report = r#"{"services":[{"service_id":"Battery","properties":{"level":80}}]}"#;
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-q", "1", "-t", &topic, "-m", report]),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("received CONNACK (0)"),
        "{}",
        text(&out)
    );

    let seen = watcher.await.expect("subscriber");
    assert_eq!(
        String::from_utf8_lossy(&seen.stdout).trim(),
        report,
        "{}",
        text(&seen)
    );
    p.expect_log(&["connected: device \"prod_node-1\"", "over mqtt"])
        .await;
    p.expect_log(&["disconnected: device \"prod_node-1\""])
        .await;
    p.directory.wait_status(ID, DeviceStatus::Offline).await;
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_carry_iotda_connack_codes_and_the_log_says_why() {
    let p = platform_with_device().await;
    let topic = format!("$oc/devices/{ID}/sys/messages/up");
    let cases: Vec<(
        &str,
        iotda_core::credentials::Credentials,
        Vec<&str>,
        u8,
        &str,
    )> = vec![
        (
            "wrong secret",
            credentials(ID, "not-the-secret", SignType::NoTimestampCheck, hour(0)),
            vec![],
            4,
            "wrong secret for device \"prod_node-1\"",
        ),
        (
            "unknown device",
            credentials("prod_ghost", SECRET, SignType::NoTimestampCheck, hour(0)),
            vec![],
            4,
            "unknown device \"prod_ghost\"",
        ),
        (
            "stale hour",
            credentials(ID, SECRET, SignType::CheckTimestamp, hour(-3)),
            vec![],
            4,
            "(sign type 1) but the platform's hour is",
        ),
        (
            "keep alive 10 s",
            credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0)),
            vec!["-k", "10"],
            2,
            "keep alive 10 s is outside IoTDA's 30..=1200 s",
        ),
    ];
    for (name, c, extra, code, reason) in cases {
        let mut a = vec!["-t", topic.as_str(), "-m", "x"];
        a.extend(extra);
        let out = run("mosquitto_pub", &pub_args(&p, &c, &a)).await;
        assert!(!out.status.success(), "{name}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("received CONNACK ({code})")),
            "{name}: {}",
            text(&out)
        );
        let line = p.expect_log(&["refused:", &c.client_id, reason]).await;
        assert!(line.contains(&format!("CONNACK {code}")), "{line}");
    }
    // MQTT 5: the matching reason code.
    let c = credentials(ID, "not-the-secret", SignType::NoTimestampCheck, hour(0));
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-V", "mqttv5", "-t", &topic, "-m", "x"]),
    )
    .await;
    assert!(
        text(&out).contains("received CONNACK (134)"),
        "{}",
        text(&out)
    );
    assert_eq!(p.directory.status(ID), Some(DeviceStatus::Inactive));
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_devices_topic_and_qos_2_are_refused_per_mqtt_version() {
    let p = platform_with_device().await;
    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    let foreign = "$oc/devices/prod_node-2/sys/properties/report";
    let own = format!("$oc/devices/{ID}/sys/messages/up");

    // 3.1.1 has no negative PUBACK: the connection is closed.
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-q", "1", "-t", foreign, "-m", "x"]),
    )
    .await;
    assert!(!text(&out).contains("received PUBACK"), "{}", text(&out));
    p.expect_log(&[
        "publish refused:",
        "may publish only under $oc/devices/prod_node-1/",
        "connection closed",
    ])
    .await;

    // 5.0 at QoS 1: PUBACK 0x87 (Not authorized), and the connection stays.
    let out = run(
        "mosquitto_pub",
        &pub_args(
            &p,
            &c,
            &["-V", "mqttv5", "-q", "1", "-t", foreign, "-m", "x"],
        ),
    )
    .await;
    assert!(
        text(&out).contains("received PUBACK (Mid: 1, RC:135)"),
        "{}",
        text(&out)
    );
    p.expect_log(&["publish refused:", "(PUBACK 0x87)"]).await;

    // QoS 2: closed in 3.1.1, DISCONNECT 0x9B in 5.0.
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-q", "2", "-t", &own, "-m", "x"]),
    )
    .await;
    assert!(!text(&out).contains("received PUBREC"), "{}", text(&out));
    p.expect_log(&["published with QoS 2", "connection closed"])
        .await;
    // MQTT 5: the CONNACK says Maximum QoS 1, so mosquitto_pub does not
    // even send it; a client that does anyway gets DISCONNECT 0x9B.
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-V", "mqttv5", "-q", "2", "-t", &own, "-m", "x"]),
    )
    .await;
    assert!(
        text(&out).contains("QoS not supported on broker"),
        "{}",
        text(&out)
    );
    let (mut raw, ack) = Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V5)).await;
    assert_eq!(ack.properties.maximum_qos, Some(mqtt::QoS::AtLeastOnce));
    assert_eq!(ack.properties.retain_available, Some(false));
    raw.send(Packet::Publish(mqtt::Publish::new(
        mqtt::TopicName::new(own.as_str()).expect("topic"),
        mqtt::QosPid::ExactlyOnce(mqtt::Pid::new(1).expect("pid")),
        b"x".to_vec(),
    )))
    .await;
    match raw.next().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason.code(), 0x9B),
        other => panic!("expected DISCONNECT 0x9B, got {other:?}"),
    }
    raw.expect_closed().await;
    p.expect_log(&["published with QoS 2", "(DISCONNECT 0x9B)"])
        .await;

    // A SUBSCRIBE to another device's topic: SUBACK 0x80.
    let sub = pub_args(
        &p,
        &c,
        &["-t", "$oc/devices/prod_node-2/sys/commands/#", "-W", "2"],
    );
    let out = run("mosquitto_sub", &sub).await;
    assert!(text(&out).contains("received SUBACK"), "{}", text(&out));
    assert!(
        text(&out).contains("Subscribed (mid: 1): 128"),
        "{}",
        text(&out)
    );
    p.expect_log(&["subscription refused:", "(SUBACK 0x80)"])
        .await;

    // Mixed: the foreign filter's failure is spliced between the broker's
    // grants for the device's own filters (QoS 2 granted as 1).
    let mut mixed = pub_args(
        &p,
        &c,
        &[
            "-q",
            "2",
            "-t",
            &format!("$oc/devices/{ID}/sys/commands/#"),
            "-t",
            "$oc/devices/prod_node-2/sys/commands/#",
            "-t",
            "$oc/broadcast/alerts",
            "-W",
            "2",
        ],
    );
    let out = run("mosquitto_sub", &mixed).await;
    assert!(
        text(&out).contains("Subscribed (mid: 1): 1, 128, 1"),
        "{}",
        text(&out)
    );
    // MQTT 5: 0x87 (135) at the refused place.
    mixed.extend(args(&["-V", "mqttv5"]));
    let out = run("mosquitto_sub", &mixed).await;
    assert!(
        text(&out).contains("Subscribed (mid: 1): 1, 135, 1"),
        "{}",
        text(&out)
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_connection_takes_over_and_the_first_is_closed() {
    let p = platform_with_device().await;
    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    let (mut first, ack) =
        Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V3_1_1)).await;
    assert_eq!(ack.reason.to_v3(), Some(0));
    p.expect_log(&["connected: device \"prod_node-1\""]).await;

    let own = format!("$oc/devices/{ID}/sys/messages/up");
    let out = run(
        "mosquitto_pub",
        &pub_args(&p, &c, &["-q", "1", "-t", &own, "-m", "x"]),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    first.expect_closed().await;
    p.expect_log(&["taken over: device \"prod_node-1\""]).await;
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_reaches_a_device_that_never_subscribed_to_it() {
    let p = platform_with_device().await;
    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    // The device subscribes only to an unrelated topic of its own.
    let sub = pub_args(
        &p,
        &c,
        &[
            "-t",
            &format!("$oc/devices/{ID}/user/unrelated"),
            "-v",
            "-C",
            "1",
            "-W",
            "15",
        ],
    );
    let device = tokio::spawn(async move { run("mosquitto_sub", &sub).await });
    p.expect_log(&["connected: device \"prod_node-1\""]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let command = format!("$oc/devices/{ID}/sys/commands/request_id=42");
    let body = r#"{"paras":{"value":1},"service_id":"Switch","command_name":"ON"}"#;
    let mut send = p.broker_args();
    send.extend(args(&["-t", &command, "-m", body, "-q", "1"]));
    let out = run("mosquitto_pub", &send).await;
    assert!(out.status.success(), "{}", text(&out));

    let got = device.await.expect("device");
    // Its only SUBSCRIBE was for the unrelated topic; the command arrived.
    let stdout = String::from_utf8_lossy(&got.stdout);
    let subscribes: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("sending SUBSCRIBE"))
        .collect();
    assert_eq!(subscribes.len(), 1, "{}", text(&got));
    assert!(subscribes[0].contains("/user/unrelated"), "{}", text(&got));
    assert!(
        stdout.lines().any(|l| l == format!("{command} {body}")),
        "{}",
        text(&got)
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_a_stalled_connect_and_an_oversized_packet_are_closed_without_harm() {
    let p = platform_with_device().await;

    let mut garbage = TcpStream::connect(p.mqtt_addr()).await.expect("connect");
    garbage
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\x00\x13")
        .await
        .expect("write");
    expect_closed(&mut garbage).await;
    p.expect_log(&["dropped:", "not a valid MQTT CONNECT"])
        .await;

    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    let mut bytes = Vec::new();
    Packet::Connect(secret_connect(&c, ProtocolVersion::V3_1_1))
        .encode(ProtocolVersion::V3_1_1, &mut bytes)
        .expect("encode");
    let mut stalled = TcpStream::connect(p.mqtt_addr()).await.expect("connect");
    stalled
        .write_all(&bytes[..bytes.len() / 2])
        .await
        .expect("write");
    expect_closed(&mut stalled).await;
    p.expect_log(&["dropped:", "no complete CONNECT within 1 s"])
        .await;

    // A CONNECT claiming 2 MB, refused before the body arrives.
    let mut huge = TcpStream::connect(p.mqtt_addr()).await.expect("connect");
    huge.write_all(&[0x10, 0x80, 0x80, 0x80, 0x01])
        .await
        .expect("write");
    expect_closed(&mut huge).await;
    p.expect_log(&["dropped:", "not a valid MQTT CONNECT", "2097157"])
        .await;

    // After admission: a PUBLISH header announcing 2 MB.
    let (mut device, ack) =
        Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V3_1_1)).await;
    assert_eq!(ack.reason.to_v3(), Some(0));
    device.write_bytes(&[0x30, 0x80, 0x80, 0x80, 0x01]).await;
    device.expect_closed().await;
    p.expect_log(&[
        "disconnected: device \"prod_node-1\"",
        "malformed or oversized packet",
    ])
    .await;

    // The platform still admits devices.
    let (_ok, ack) = Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V5)).await;
    assert_eq!(ack.reason, mqtt::ConnectReasonCode::Success);
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_subscribed_like_the_sdks_never_gets_its_own_answers_back() {
    let p = platform_with_device().await;
    let c = credentials(ID, SECRET, SignType::NoTimestampCheck, hour(0));
    let (mut device, _) =
        Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V3_1_1)).await;
    let pid = |n| mqtt::Pid::new(n).expect("pid");
    let filter =
        mqtt::TopicFilter::new(format!("$oc/devices/{ID}/sys/commands/#")).expect("filter");
    device
        .send(Packet::Subscribe(mqtt::Subscribe::new(
            pid(1),
            vec![mqtt::Subscription::new(filter, mqtt::QoS::AtLeastOnce)],
        )))
        .await;
    assert!(matches!(device.next().await, Some(Packet::SubAck(_))));

    // The device answers a command; a broker would echo this to it.
    let response = format!("$oc/devices/{ID}/sys/commands/response/request_id=7");
    device
        .send(Packet::Publish(mqtt::Publish::new(
            mqtt::TopicName::new(response.as_str()).expect("topic"),
            mqtt::QosPid::AtLeastOnce(pid(2)),
            br#"{"result_code":0}"#.to_vec(),
        )))
        .await;
    assert!(matches!(device.next().await, Some(Packet::PubAck(_))));

    let command = format!("$oc/devices/{ID}/sys/commands/request_id=8");
    let mut send = p.broker_args();
    send.extend(args(&["-t", &command, "-m", "{}", "-q", "1"]));
    let sent = run("mosquitto_pub", &send).await;
    assert!(sent.status.success(), "{}", text(&sent));
    match device.next().await {
        Some(Packet::Publish(p)) => assert_eq!(p.topic.as_str(), command),
        other => panic!("expected the command, got {other:?}"),
    }
    p.stop().await;
}
