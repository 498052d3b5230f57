//! MQTT over WebSocket in a real browser against a real mosquitto:
//! `scripts/test.sh` starts it and sets `IOTDA_TEST_WS_URL` when these tests
//! are built. Without it they fail and say so.
#![cfg(target_arch = "wasm32")]
// Helpers outside #[test] fns: a failing browser call must fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use iotda_core::mqtt::session::{Event, Message, Options};
use iotda_core::mqtt::{
    self, Connect, Packet, ProtocolVersion, QoS, Subscription, TopicFilter, TopicName,
};
use iotda_kit_web::web::mqtt::MqttClient;
use iotda_kit_web::web::ticker::{TickSource, Ticker};
use iotda_kit_web::web::ws::{close_code_in_words, CloseInfo, WsEvent, WsTransport};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn broker_url() -> &'static str {
    match option_env!("IOTDA_TEST_WS_URL") {
        Some(url) => url,
        None => panic!("IOTDA_TEST_WS_URL is not set: run scripts/test.sh, which starts mosquitto"),
    }
}

/// Waits (up to 10 s, then fails) until `done` holds.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("timed out waiting for {what}");
}

fn unique(label: &str) -> String {
    format!(
        "{label}-{}",
        js_sys::Math::random().to_bits() % 1_000_000_007
    )
}

#[wasm_bindgen_test]
fn close_codes_are_explained() {
    assert!(close_code_in_words(1001).english().contains("going away"));
    assert!(close_code_in_words(1008).english().contains("policy"));
    assert!(close_code_in_words(4003).english().contains("application"));
    let never_opened = CloseInfo {
        code: 1006,
        reason: String::new(),
        was_clean: false,
        was_open: false,
    };
    assert!(
        never_opened.in_words().to_string().contains("did not open"),
        "{never_opened:?}"
    );
    let cut = CloseInfo {
        was_open: true,
        ..never_opened
    };
    assert!(cut.in_words().to_string().contains("code 1006"), "{cut:?}");
    let with_reason = CloseInfo {
        code: 1008,
        reason: "not allowed".into(),
        was_clean: true,
        was_open: true,
    };
    assert!(
        with_reason
            .in_words()
            .to_string()
            .ends_with(": not allowed"),
        "{with_reason:?}"
    );
}

#[wasm_bindgen_test]
fn a_url_that_is_not_a_websocket_is_refused_in_words() {
    let error = WsTransport::open("ftp://127.0.0.1/mqtt", Rc::new(|_| {})).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot open a WebSocket to ftp://127.0.0.1/mqtt"),
        "{error}"
    );
}

#[wasm_bindgen_test]
async fn a_port_without_a_broker_closes_with_words_not_a_panic() {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    // Port 9 (discard) is not listening on this machine's loopback.
    let _ws = WsTransport::open(
        "ws://127.0.0.1:9/mqtt",
        Rc::new(move |e| sink.borrow_mut().push(e)),
    )
    .unwrap();
    wait_until("the close", || !events.borrow().is_empty()).await;
    let WsEvent::Closed(info) = events.borrow()[0].clone() else {
        panic!("expected Closed, got {:?}", events.borrow());
    };
    assert!(!info.was_open);
    assert!(
        info.in_words().to_string().contains("did not open"),
        "{info:?}"
    );
}

#[wasm_bindgen_test]
async fn raw_connect_over_the_websocket_gets_a_connack_even_split_across_frames() {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let ws = WsTransport::open(broker_url(), Rc::new(move |e| sink.borrow_mut().push(e))).unwrap();
    wait_until("the WebSocket to open", || {
        events.borrow().first() == Some(&WsEvent::Open)
    })
    .await;

    let mut connect = Vec::new();
    Packet::Connect(Connect::new(ProtocolVersion::V3_1_1, unique("raw"), 60))
        .encode(ProtocolVersion::V3_1_1, &mut connect)
        .unwrap();
    // One MQTT packet in two WebSocket frames: brokers reassemble them.
    let (head, tail) = connect.split_at(3);
    ws.send(head).unwrap();
    ws.send(tail).unwrap();

    let mut received = Vec::new();
    wait_until("CONNACK", || {
        received = events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                WsEvent::Data(bytes) => Some(bytes.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        received.len() >= 4
    })
    .await;
    let (packet, used) = mqtt::decode(&received, 1024, ProtocolVersion::V3_1_1)
        .unwrap()
        .unwrap();
    assert_eq!(used, 4);
    assert!(matches!(packet, Packet::ConnAck(_)), "{packet:?}");

    ws.close();
    wait_until("the close", || {
        matches!(events.borrow().last(), Some(WsEvent::Closed(_)))
    })
    .await;
    let Some(WsEvent::Closed(info)) = events.borrow().last().cloned() else {
        unreachable!()
    };
    assert!(info.was_clean && info.was_open, "{info:?}");
    assert_eq!(info.code, 1000);
}

#[wasm_bindgen_test]
async fn the_ticker_runs_in_a_worker() {
    let ticks = Rc::new(RefCell::new(0u32));
    let count = ticks.clone();
    let ticker = Ticker::start(20, move || *count.borrow_mut() += 1);
    assert_eq!(ticker.source(), TickSource::Worker);
    wait_until("three ticks", || *ticks.borrow() >= 3).await;
    drop(ticker);
    let stopped_at = *ticks.borrow();
    TimeoutFuture::new(200).await;
    assert!(
        *ticks.borrow() <= stopped_at + 1,
        "ticks went on after drop: {} then {}",
        stopped_at,
        ticks.borrow()
    );
}

async fn round_trip(version: ProtocolVersion) {
    let events: Rc<RefCell<Vec<Event>>> = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let mut options = Options::new(unique("console"));
    options.version = version;
    let client =
        MqttClient::new(options, broker_url(), move |e| sink.borrow_mut().push(e)).unwrap();
    assert_eq!(client.tick_source(), Some(TickSource::Worker));
    client.connect().unwrap();
    wait_until("CONNACK", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Connected(_)))
    })
    .await;

    let topic = unique("iotda-kit/test");
    let filter = TopicFilter::new(format!("{topic}/#")).unwrap();
    let sub = client
        .subscribe(vec![Subscription::new(filter, QoS::AtLeastOnce)])
        .unwrap();
    wait_until("SUBACK", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Subscribed { id, .. } if *id == sub))
    })
    .await;

    let payload = br#"{"services":[{"service_id":"s","properties":{"t":21.5}}]}"#;
    let id = client
        .publish(Message::new(
            TopicName::new(format!("{topic}/up")).unwrap(),
            QoS::AtLeastOnce,
            payload.to_vec(),
        ))
        .unwrap();
    wait_until("PUBACK and the message back", || {
        let events = events.borrow();
        events
            .iter()
            .any(|e| matches!(e, Event::Published { id: p, qos: QoS::AtLeastOnce } if *p == id))
            && events
                .iter()
                .any(|e| matches!(e, Event::Message(m) if m.payload == payload))
    })
    .await;
    let received = events
        .borrow()
        .iter()
        .find_map(|e| match e {
            Event::Message(m) => Some(m.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(received.topic.as_str(), format!("{topic}/up"));
    assert_eq!(received.qos, QoS::AtLeastOnce);

    client.disconnect().unwrap();
    wait_until("the disconnect", || {
        events
            .borrow()
            .iter()
            .any(|e| matches!(e, Event::Disconnected))
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_session_over_websocket_subscribes_publishes_qos1_and_receives_v3() {
    round_trip(ProtocolVersion::V3_1_1).await;
}

#[wasm_bindgen_test]
async fn the_session_over_websocket_subscribes_publishes_qos1_and_receives_v5() {
    round_trip(ProtocolVersion::V5).await;
}
