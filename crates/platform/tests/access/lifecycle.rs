//! Ports, shutdown, an unsupported protocol level and an external broker.

use std::process::Stdio;

use iotda_core::credentials::SignType;
use iotda_core::mqtt::{Packet, ProtocolVersion};
use iotda_platform::broker::{BrokerChoice, BrokerEndpoint};
use iotda_testkit::{BrokerConfig, Mosquitto, Scratch};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::*;

/// A broker nobody listens on: for tests refused before the broker.
fn nowhere() -> BrokerChoice {
    BrokerChoice::External(BrokerEndpoint::parse("mqtt://127.0.0.1:9").expect("url"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_port_is_replaced_by_the_next_free_one() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port();
    let p = Platform::start_with(|c| {
        c.broker = nowhere();
        c.mqtt_port = Some(port);
        c.mqtts_port = None;
        c.ws_port = None;
        c.wss_port = None;
    })
    .await;
    let url = p.running().urls.mqtt.clone().expect("mqtt");
    let bound: u16 = url
        .rsplit(':')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("port");
    assert!(
        bound > port && bound < port.saturating_add(100),
        "{url} for busy {port}"
    );
    assert_eq!(p.running().urls.mqtts, None);
    p.expect_log(&["listening on", &url]).await;
    assert_eq!(
        p.running().broker().pid(),
        None,
        "an external broker is not supervised"
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsupported_protocol_level_gets_connack_1() {
    let p = Platform::start_with(|c| c.broker = nowhere()).await;
    let mut s = TcpStream::connect(p.mqtt_addr()).await.expect("connect");
    // CONNECT, protocol "MQTT" level 6, clean session, keep alive 60, empty id.
    s.write_all(&[
        0x10, 0x0C, 0, 4, b'M', b'Q', b'T', b'T', 6, 0x02, 0, 60, 0, 0,
    ])
    .await
    .expect("write");
    let got = expect_closed(&mut s).await;
    assert_eq!(got, [0x20, 0x02, 0x00, 0x01], "CONNACK return code 1");
    p.expect_log(&["refused:", "CONNACK 1", "unsupported protocol"])
        .await;
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_disconnects_devices_and_stops_mosquitto() {
    let p = Platform::start().await;
    p.directory.add(secret_device("prod_down-1", "down-secret"));
    let c = credentials(
        "prod_down-1",
        "down-secret",
        SignType::NoTimestampCheck,
        hour(0),
    );
    let (mut device, _) =
        Raw::connect(p.mqtt_addr(), secret_connect(&c, ProtocolVersion::V5)).await;
    let pid = p.running().broker().pid().expect("supervised");
    p.stop().await;
    match device.next().await {
        Some(Packet::Disconnect(d)) => assert_eq!(d.reason.code(), 0x8B, "server shutting down"),
        other => panic!("expected DISCONNECT 0x8B, got {other:?}"),
    }
    let alive = tokio::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .await
        .expect("kill -0");
    assert!(
        !alive.success(),
        "mosquitto (pid {pid}) still runs after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_external_broker_with_credentials_carries_the_sessions() {
    let dir = Scratch::new("external-broker");
    let passwd = dir.join("passwd");
    let made = std::process::Command::new("mosquitto_passwd")
        .args(["-c", "-b"])
        .arg(&passwd)
        .args(["team", "team-pass"])
        .status()
        .expect("mosquitto_passwd");
    assert!(made.success());
    iotda_testkit::chmod(&passwd, 0o644);
    let broker = Mosquitto::start(&BrokerConfig {
        password_file: Some(passwd),
        ..BrokerConfig::default()
    });
    let url = format!("mqtt://team:team-pass@127.0.0.1:{}", broker.mqtt_port);
    let p = Platform::start_with(|c| {
        c.broker = BrokerChoice::External(BrokerEndpoint::parse(&url).expect("url"));
        c.mqtts_port = None;
        c.wss_port = None;
    })
    .await;
    p.directory.add(secret_device("prod_ext-1", "ext-secret"));

    let topic = "$oc/devices/prod_ext-1/sys/messages/up";
    let port = broker.mqtt_port.to_string();
    let watch = args(&[
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-u",
        "team",
        "-P",
        "team-pass",
        "-t",
        topic,
        "-C",
        "1",
        "-W",
        "15",
    ]);
    let watcher = tokio::spawn(async move { run("mosquitto_sub", &watch).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let c = credentials(
        "prod_ext-1",
        "ext-secret",
        SignType::NoTimestampCheck,
        hour(0),
    );
    let mut a = args(&["-h", "127.0.0.1", "-p", &p.mqtt_port().to_string()]);
    a.extend(secret_args(&c));
    a.extend(args(&["-q", "1", "-t", topic, "-m", "hello"]));
    let out = run("mosquitto_pub", &a).await;
    assert!(out.status.success(), "{}", text(&out));
    let seen = watcher.await.expect("watcher");
    assert_eq!(
        String::from_utf8_lossy(&seen.stdout).trim(),
        "hello",
        "{}",
        text(&seen)
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_does_not_wait_for_a_connect_that_never_comes() {
    let p = Platform::start_with(|c| {
        c.broker = nowhere();
        c.connect_timeout = std::time::Duration::from_secs(600);
    })
    .await;
    let mut stalled = TcpStream::connect(p.mqtt_addr()).await.expect("connect");
    stalled.write_all(&[0x10]).await.expect("write");
    tokio::time::timeout(std::time::Duration::from_secs(60), p.stop())
        .await
        .expect("shutdown ends although a CONNECT is pending");
    expect_closed(&mut stalled).await;
}
