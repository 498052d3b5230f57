//! Losing and regaining the connection: backoff with jitter, resumed and
//! new sessions (retransmission, renewal of subscriptions).

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use super::*;
use crate::mqtt::{
    ConnAck, ConnectReasonCode, Disconnect, DisconnectReasonCode, Properties, PubAck, PubComp,
    PubRec, PubRel, Publish, QosPid, SubAck, SubAckReasonCode,
};

fn backoff_options(seed_version: ProtocolVersion) -> Options {
    let mut o = options(seed_version);
    o.reconnect =
        Some(Backoff::new(Duration::from_secs(1), Duration::from_secs(8), 2.0, 0.5).unwrap());
    o
}

/// Loses the transport and returns when the session will reconnect.
fn lose(h: &mut Harness) -> Option<Instant> {
    h.closed();
    match h.event() {
        Event::ConnectionLost {
            cause: LostCause::Transport(reason),
            reconnect_at,
        } => {
            assert_eq!(reason, LostCause::said("closed by test"));
            reconnect_at
        }
        other => panic!("expected ConnectionLost, got {other:?}"),
    }
}

/// Waits until `at`, expects the reconnection to start, and opens the
/// transport: the CONNECT the session writes.
fn reconnect(h: &mut Harness, at: Instant, attempt: u32) -> crate::mqtt::Connect {
    h.advance_to(at.as_millis() - 1);
    assert_eq!(h.actions(), []);
    h.advance_to(at.as_millis());
    assert_eq!(h.actions(), [TransportAction::Open]);
    assert_eq!(h.event(), Event::Reconnecting { attempt });
    h.s.handle_connected(h.at());
    match h.sent().as_slice() {
        [Packet::Connect(c)] => c.clone(),
        other => panic!("expected CONNECT, got {other:?}"),
    }
}

#[test]
fn delays_grow_by_the_factor_with_jitter_and_start_again_after_success() {
    let mut h = Harness::new(backoff_options(ProtocolVersion::V3_1_1));
    h.s.connect(h.at());
    assert_eq!(h.actions(), [TransportAction::Open]);
    for (attempt, base) in [1u64, 2, 4, 8, 8, 8].into_iter().enumerate() {
        // The transport could not be opened.
        let at = lose(&mut h).expect("reconnects");
        let delay = at.as_millis() - h.now;
        assert!(
            (base * 500..=base * 1000).contains(&delay),
            "attempt {attempt}: {delay} ms, base {base} s"
        );
        assert_eq!(h.s.poll_timeout(), Some(at));
        h.advance_to(at.as_millis());
        assert_eq!(h.actions(), [TransportAction::Open]);
        assert_eq!(
            h.event(),
            Event::Reconnecting {
                attempt: attempt as u32 + 1
            }
        );
    }
    // Accepted and dropped at once: the backoff goes on growing.
    h.s.handle_connected(h.at());
    h.connack(false);
    h.events();
    let at = lose(&mut h).unwrap();
    let delay = at.as_millis() - h.now;
    assert!((4000..=8000).contains(&delay), "{delay}");
    reconnect(&mut h, at, 7);
    h.connack(false);
    h.events();
    // Up for STABLE_AFTER, pings answered: the backoff starts again.
    stay_up(&mut h, STABLE_AFTER);
    let at = lose(&mut h).unwrap();
    let delay = at.as_millis() - h.now;
    assert!((500..=1000).contains(&delay), "{delay}");
}

/// Keeps the connection up for `up`, a second at a time, answering pings.
fn stay_up(h: &mut Harness, up: Duration) {
    for _ in 0..up.as_secs() {
        h.advance_to(h.now + 1000);
        if h.sent().contains(&Packet::PingReq) {
            h.feed(Packet::PingResp);
        }
        assert!(!h
            .events()
            .iter()
            .any(|e| matches!(e, Event::ConnectionLost { .. })));
    }
}

#[test]
fn a_client_id_dropped_right_after_connack_again_and_again_is_said_to_be_in_use() {
    let mut o = backoff_options(ProtocolVersion::V3_1_1);
    o.client_id = "5f8d_node1_0_0_2026120710".into();
    let mut h = Harness::connected(o);
    let mut warnings = Vec::new();
    for attempt in 1..=TAKEOVER_DROPS + 1 {
        // Kicked off a second after CONNACK, as a rival with the same id
        // connects.
        h.advance_to(h.now + 1000);
        h.closed();
        for event in h.events() {
            match event {
                Event::Warning(w) => warnings.push((attempt, w)),
                Event::ConnectionLost { reconnect_at, .. } => {
                    let at = reconnect_at.expect("reconnects");
                    reconnect(&mut h, at, attempt);
                    h.connack(false);
                    h.events();
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    // Said once, at the third drop in a row.
    assert_eq!(
        warnings,
        [(
            TAKEOVER_DROPS,
            Warning::ClientIdInUse {
                client_id: "5f8d_node1_0_0_2026120710".into(),
                drops: TAKEOVER_DROPS
            }
        )]
    );
    assert!(warnings[0]
        .1
        .to_string()
        .starts_with("another client is using this device id"));

    // A connection that lasted starts the count again.
    stay_up(&mut h, STABLE_AFTER);
    h.closed();
    assert!(!h.events().iter().any(|e| matches!(e, Event::Warning(_))));
}

#[test]
fn the_same_seed_gives_the_same_delays() {
    let delays = |seed: u64| -> Vec<u64> {
        let mut s = Session::new(backoff_options(ProtocolVersion::V3_1_1), seed).unwrap();
        let mut now = Instant::from_millis(0);
        s.connect(now);
        (0..5)
            .map(|_| {
                s.handle_disconnected(now, LostCause::said("refused"));
                let at = s.poll_timeout().unwrap();
                let delay = at.as_millis() - now.as_millis();
                now = at;
                s.handle_timeout(now);
                delay
            })
            .collect()
    };
    assert_eq!(delays(1), delays(1));
    assert_ne!(delays(1), delays(2));
}

#[test]
fn without_a_backoff_the_session_stays_disconnected() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.reconnect = None;
    let mut h = Harness::connected(o);
    assert_eq!(lose(&mut h), None);
    assert_eq!(h.s.poll_timeout(), None);
    assert_eq!(h.s.state(), ConnectionState::Disconnected);
    // The application may still connect again.
    h.s.connect(h.at());
    assert_eq!(h.actions(), [TransportAction::Open]);
}

#[test]
fn a_resumed_session_sends_unacknowledged_packets_again_with_dup() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut o = options(version);
        o.clean_start = false;
        let mut h = Harness::connected(o);
        let a =
            h.s.publish(h.at(), message("a", QoS::AtLeastOnce, "A"))
                .unwrap();
        let b =
            h.s.publish(h.at(), message("b", QoS::ExactlyOnce, "B"))
                .unwrap();
        let c =
            h.s.publish(h.at(), message("c", QoS::ExactlyOnce, "C"))
                .unwrap();
        let d =
            h.s.subscribe(
                h.at(),
                vec![Subscription::new(filter("d"), QoS::AtMostOnce)],
            )
            .unwrap();
        h.sent();
        h.feed(PubRec::new(pid(3)));
        assert_eq!(h.sent(), [Packet::PubRel(PubRel::new(pid(3)))]);

        let at = lose(&mut h).unwrap();
        assert_eq!(h.s.in_flight(), 3);
        assert_eq!(h.s.queued(), 1, "the unanswered SUBSCRIBE waits");
        let connect = reconnect(&mut h, at, 1);
        assert!(!connect.clean_start);
        h.connack(true);
        let dup = |t: &str, qos_pid, payload: &str| {
            let mut p = Publish::new(topic(t), qos_pid, payload.as_bytes().to_vec());
            p.dup = true;
            Packet::Publish(p)
        };
        assert_eq!(
            h.sent(),
            [
                dup("a", QosPid::AtLeastOnce(pid(1)), "A"),
                dup("b", QosPid::ExactlyOnce(pid(2)), "B"),
                Packet::PubRel(PubRel::new(pid(3))),
                Packet::Subscribe(crate::mqtt::Subscribe::new(
                    pid(5),
                    vec![Subscription::new(filter("d"), QoS::AtMostOnce)]
                )),
            ]
        );
        assert!(matches!(
            h.event(),
            Event::Connected(Connected {
                session_present: true,
                ..
            })
        ));
        h.feed(PubAck::new(pid(1)));
        h.feed(PubRec::new(pid(2)));
        assert_eq!(h.sent(), [Packet::PubRel(PubRel::new(pid(2)))]);
        h.feed(PubComp::new(pid(2)));
        h.feed(PubComp::new(pid(3)));
        h.feed(SubAck::new(pid(5), vec![SubAckReasonCode::GrantedQos0]));
        let events = h.events();
        assert_eq!(
            events[..3],
            [
                Event::Published {
                    id: a,
                    qos: QoS::AtLeastOnce
                },
                Event::Published {
                    id: b,
                    qos: QoS::ExactlyOnce
                },
                Event::Published {
                    id: c,
                    qos: QoS::ExactlyOnce
                },
            ]
        );
        assert!(matches!(events[3], Event::Subscribed { id, .. } if id == d));
        assert_eq!(h.s.in_flight(), 0);
    }
}

#[test]
fn a_new_session_sends_messages_as_new_and_renews_subscriptions() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.s.subscribe(
        h.at(),
        vec![
            Subscription::new(filter("x/#"), QoS::AtLeastOnce),
            Subscription::new(filter("y"), QoS::AtMostOnce),
        ],
    )
    .unwrap();
    h.feed(SubAck::new(
        pid(1),
        vec![SubAckReasonCode::GrantedQos1, SubAckReasonCode::GrantedQos0],
    ));
    let a =
        h.s.publish(h.at(), message("a", QoS::AtLeastOnce, "A"))
            .unwrap();
    let c =
        h.s.publish(h.at(), message("c", QoS::ExactlyOnce, "C"))
            .unwrap();
    h.feed(PubRec::new(pid(3)));
    h.sent();
    h.events();

    let at = lose(&mut h).unwrap();
    let connect = reconnect(&mut h, at, 1);
    assert!(connect.clean_start);
    h.connack(false);
    assert_eq!(
        h.sent(),
        [
            Packet::Subscribe(crate::mqtt::Subscribe::new(
                pid(4),
                vec![
                    Subscription::new(filter("x/#"), QoS::AtLeastOnce),
                    Subscription::new(filter("y"), QoS::AtMostOnce),
                ]
            )),
            Packet::Publish(Publish::new(
                topic("a"),
                QosPid::AtLeastOnce(pid(5)),
                b"A".to_vec()
            )),
        ]
    );
    let events = h.events();
    assert!(matches!(
        events[0],
        Event::Connected(Connected {
            session_present: false,
            ..
        })
    ));
    // The server had received C (PUBREC) before its session went away.
    assert_eq!(
        events[1],
        Event::Published {
            id: c,
            qos: QoS::ExactlyOnce
        }
    );
    h.feed(SubAck::new(
        pid(4),
        vec![
            SubAckReasonCode::GrantedQos1,
            SubAckReasonCode::UnspecifiedError,
        ],
    ));
    h.feed(PubAck::new(pid(5)));
    assert_eq!(
        h.events(),
        [
            Event::Resubscribed {
                results: vec![
                    SubscribeResult {
                        filter: filter("x/#"),
                        outcome: SubscribeOutcome::Granted(QoS::AtLeastOnce)
                    },
                    SubscribeResult {
                        filter: filter("y"),
                        outcome: SubscribeOutcome::Refused(SubAckReasonCode::UnspecifiedError)
                    },
                ]
            },
            Event::Published {
                id: a,
                qos: QoS::AtLeastOnce
            },
        ]
    );
    // A refused renewal is no longer active.
    let active: Vec<&str> = h.s.subscriptions().map(|(f, _)| f.as_str()).collect();
    assert_eq!(active, ["x/#"]);
}

#[test]
fn inbound_qos2_duplicates_are_recognised_only_within_a_session() {
    for resumed in [true, false] {
        let mut o = options(ProtocolVersion::V3_1_1);
        o.clean_start = !resumed;
        let mut h = Harness::connected(o);
        let incoming = Publish::new(topic("in"), QosPid::ExactlyOnce(pid(7)), b"x".to_vec());
        h.feed(incoming.clone());
        assert_eq!(h.events().len(), 1);
        h.sent();
        let at = lose(&mut h).unwrap();
        reconnect(&mut h, at, 1);
        h.connack(resumed);
        h.events();
        let mut again = incoming.clone();
        again.dup = resumed;
        h.feed(again);
        let delivered = h.events().len();
        assert_eq!(delivered, usize::from(!resumed), "resumed: {resumed}");
        assert_eq!(h.sent(), [Packet::PubRec(PubRec::new(pid(7)))]);
    }
}

#[test]
fn connect_while_closing_opens_a_transport_once_the_old_one_is_closed() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.s.disconnect(h.at());
    h.events();
    assert_eq!(h.actions(), [TransportAction::Close]);
    h.s.connect(h.at());
    assert_eq!(h.actions(), []);
    h.closed();
    assert_eq!(h.s.poll_timeout(), Some(h.at()));
    h.advance_to(h.now);
    assert_eq!(h.actions(), [TransportAction::Open]);
}

#[test]
fn a_transport_opened_by_the_caller_needs_no_connect_call() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    h.s.handle_connected(h.at());
    assert!(matches!(h.sent().as_slice(), [Packet::Connect(_)]));
    h.connack(false);
    assert!(matches!(h.event(), Event::Connected(_)));
    // And it is reconnected after a loss.
    assert!(lose(&mut h).is_some());
}

#[test]
fn a_transport_event_with_no_transport_changes_nothing() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    h.closed();
    h.s.handle_bytes(h.at(), &[0x20, 0x02, 0x00, 0x00]);
    assert_eq!(h.events(), []);
    assert_eq!(h.s.state(), ConnectionState::Disconnected);
    assert_eq!(h.s.poll_timeout(), None);
}

#[test]
fn a_new_transport_without_news_of_the_old_one_starts_over_cleanly() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    let id =
        h.s.subscribe(
            h.at(),
            vec![Subscription::new(filter("a"), QoS::AtMostOnce)],
        )
        .unwrap();
    h.sent();
    h.s.handle_connected(h.at());
    assert!(matches!(h.sent().as_slice(), [Packet::Connect(_)]));
    h.connack(false);
    assert_eq!(
        h.sent(),
        [Packet::Subscribe(crate::mqtt::Subscribe::new(
            pid(2),
            vec![Subscription::new(filter("a"), QoS::AtMostOnce)]
        ))]
    );
    h.events();
    h.feed(SubAck::new(pid(2), vec![SubAckReasonCode::GrantedQos0]));
    assert!(matches!(h.event(), Event::Subscribed { id: got, .. } if got == id));
}

#[test]
fn unanswered_subscribe_and_unsubscribe_go_again_in_request_order() {
    let mut h = Harness::connected(backoff_options(ProtocolVersion::V3_1_1));
    h.s.unsubscribe(h.at(), vec![filter("b")]).unwrap();
    h.s.subscribe(
        h.at(),
        vec![Subscription::new(filter("a"), QoS::AtMostOnce)],
    )
    .unwrap();
    assert_eq!(h.sent().len(), 2);
    h.events();

    let at = lose(&mut h).unwrap();
    reconnect(&mut h, at, 1);
    h.connack(false);
    assert_eq!(
        h.sent(),
        [
            Packet::Unsubscribe(crate::mqtt::Unsubscribe::new(pid(3), vec![filter("b")])),
            Packet::Subscribe(crate::mqtt::Subscribe::new(
                pid(4),
                vec![Subscription::new(filter("a"), QoS::AtMostOnce)]
            )),
        ]
    );
    h.s.check_invariants();
}

/// An IoTDA device's login signed with the hour of a wall clock that the
/// test moves: Unix seconds = `WALL_START` + the session's milliseconds / 1000.
fn iotda_login(now: Instant) -> Option<Login> {
    use crate::credentials::{Credentials, SignType, Timestamp};
    // 2026-12-07T10:59:58Z.
    const WALL_START: i64 = 1_796_641_198;
    let wall = WALL_START + i64::try_from(now.as_millis() / 1000).ok()?;
    let hour = Timestamp::from_unix_seconds(wall).ok()?;
    let creds =
        Credentials::compute("5f8d_node1", "12345678", SignType::CheckTimestamp, hour).ok()?;
    Some(Login::from(&creds))
}

#[test]
fn sign_type_1_logins_are_signed_again_on_every_reconnection() {
    use crate::credentials::{Credentials, SignType, Timestamp};
    let expected = |hour: u8| {
        let ts = Timestamp::new(2026, 12, 7, hour).unwrap();
        Credentials::compute("5f8d_node1", "12345678", SignType::CheckTimestamp, ts).unwrap()
    };
    let mut o = backoff_options(ProtocolVersion::V3_1_1);
    o.client_id = "stale".into();
    let mut h = Harness::new(o);
    h.s.set_login_source(iotda_login);

    // 10:59:58: the hour is 10, whatever the options held.
    let first = h.open();
    let ten = expected(10);
    assert_eq!(first.client_id, "5f8d_node1_0_1_2026120710");
    assert_eq!(first.client_id, ten.client_id);
    assert_eq!(first.username.as_deref(), Some("5f8d_node1"));
    assert_eq!(
        first.password.as_deref(),
        Some(ten.password.expose().as_bytes())
    );
    h.connack(false);
    h.events();

    // The connection drops at 11:00:00; the reconnection is in hour 11.
    h.advance_to(2_000);
    let at = lose(&mut h).expect("reconnects");
    let again = reconnect(&mut h, at, 1);
    let eleven = expected(11);
    assert_eq!(again.client_id, "5f8d_node1_0_1_2026120711");
    assert_eq!(
        again.password.as_deref(),
        Some(eleven.password.expose().as_bytes())
    );
    assert_ne!(eleven.password, ten.password);
}

#[test]
fn a_login_that_cannot_be_sent_keeps_the_previous_one() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    let before = options(ProtocolVersion::V3_1_1).client_id;
    h.s.set_login_source(|_: Instant| {
        Some(Login {
            client_id: "c".into(),
            username: Some("u".repeat(70_000)),
            password: None,
        })
    });
    h.s.connect(h.at());
    h.actions();
    h.s.handle_connected(h.at());
    match h.sent().as_slice() {
        [Packet::Connect(c)] => assert_eq!(c.client_id, before),
        other => panic!("expected CONNECT, got {other:?}"),
    }
    assert!(matches!(
        h.events().as_slice(),
        [Event::Warning(Warning::LoginUnusable { .. })]
    ));
}

/// A v5 session, clean start off, with QoS 1 publishes in flight (topics
/// "m1", "m2", ..., payloads of the given sizes) when the connection drops,
/// reconnected: the CONNACK is the caller's to feed.
fn resumed_with_in_flight(sizes: &[usize]) -> (Harness, Vec<RequestId>) {
    let mut o = backoff_options(ProtocolVersion::V5);
    o.clean_start = false;
    let mut h = Harness::connected(o);
    let ids = (1..)
        .zip(sizes)
        .map(|(i, &size)| {
            let payload = "x".repeat(size);
            h.s.publish(
                h.at(),
                message(&format!("m{i}"), QoS::AtLeastOnce, &payload),
            )
            .unwrap()
        })
        .collect();
    h.sent();
    let at = lose(&mut h).unwrap();
    reconnect(&mut h, at, 1);
    (h, ids)
}

/// A CONNACK resuming the session, with these properties.
fn resumed(properties: Properties) -> ConnAck {
    let mut ack = ConnAck::new(ConnectReasonCode::Success);
    ack.session_present = true;
    ack.properties = properties;
    ack
}

fn resent_topics(h: &mut Harness) -> Vec<String> {
    h.sent()
        .into_iter()
        .map(|p| match p {
            Packet::Publish(p) if p.dup => p.topic.as_str().to_owned(),
            other => panic!("expected a PUBLISH with DUP, got {other:?}"),
        })
        .collect()
}

#[test]
fn a_resumed_session_resends_within_the_new_receive_maximum() {
    let (mut h, ids) = resumed_with_in_flight(&[1, 1, 1]);
    h.feed(resumed(Properties {
        receive_maximum: NonZeroU16::new(1),
        ..Properties::default()
    }));
    h.events();
    // One at a time, in order, each as the previous is acknowledged.
    assert_eq!(resent_topics(&mut h), ["m1"]);
    h.feed(PubAck::new(pid(1)));
    assert_eq!(resent_topics(&mut h), ["m2"]);
    h.feed(PubAck::new(pid(2)));
    assert_eq!(resent_topics(&mut h), ["m3"]);
    h.feed(PubAck::new(pid(3)));
    assert_eq!(h.sent(), []);
    let done: Vec<RequestId> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Published { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(done, ids);
}

#[test]
fn a_resumed_session_fails_what_the_new_connack_no_longer_allows() {
    // m2 is 300 bytes: over the new Maximum Packet Size of 200.
    let (mut h, ids) = resumed_with_in_flight(&[1, 300, 1]);
    h.feed(resumed(Properties {
        maximum_packet_size: NonZeroU32::new(200),
        ..Properties::default()
    }));
    assert_eq!(resent_topics(&mut h), ["m1", "m3"]);
    let failed: Vec<_> = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::PublishFailed { .. }))
        .collect();
    assert!(
        matches!(failed.as_slice(), [Event::PublishFailed { id, error: PublishError::TooLarge { max: 200, .. } }] if *id == ids[1]),
        "{failed:?}"
    );
    assert_eq!(h.s.in_flight(), 2);

    // Maximum QoS 0: QoS 1 publishes fail rather than draw a 0x9B.
    let (mut h, ids) = resumed_with_in_flight(&[1, 1]);
    h.feed(resumed(Properties {
        maximum_qos: Some(QoS::AtMostOnce),
        ..Properties::default()
    }));
    assert_eq!(h.sent(), []);
    let failed: Vec<RequestId> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::PublishFailed {
                id,
                error: PublishError::QosNotSupported { .. },
            } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ids);
    assert_eq!(h.s.in_flight(), 0);
    h.s.check_invariants();
}

#[test]
fn a_disconnect_for_breaking_the_servers_limits_is_not_retried() {
    for reason in [
        DisconnectReasonCode::ReceiveMaximumExceeded,
        DisconnectReasonCode::PacketTooLarge,
        DisconnectReasonCode::QosNotSupported,
        DisconnectReasonCode::RetainNotSupported,
    ] {
        let mut h = Harness::connected(backoff_options(ProtocolVersion::V5));
        h.feed(Disconnect::new(reason));
        assert!(
            h.events().iter().any(|e| matches!(
                e,
                Event::ConnectionLost {
                    reconnect_at: None,
                    ..
                }
            )),
            "{reason:?}"
        );
        h.closed();
        assert_eq!(h.s.poll_timeout(), None, "{reason:?}");
    }
}

#[test]
fn mqtt_3_1_resumes_by_resending_and_renewing_subscriptions() {
    let mut o = backoff_options(ProtocolVersion::V3_1);
    o.clean_start = false;
    let mut h = Harness::new(o);
    let connect = h.open();
    assert_eq!(connect.protocol, ProtocolVersion::V3_1);
    let mut bytes = Vec::new();
    Packet::Connect(connect)
        .encode(ProtocolVersion::V3_1, &mut bytes)
        .unwrap();
    // Protocol name "MQIsdp", level 3 (MQTT 3.1 §3.1).
    assert_eq!(&bytes[2..11], b"\x00\x06MQIsdp\x03");
    h.connack(false);
    h.events();
    let d = Subscription::new(filter("d"), QoS::AtLeastOnce);
    h.s.subscribe(h.at(), vec![d.clone()]).unwrap();
    h.sent();
    h.feed(SubAck::new(pid(1), vec![SubAckReasonCode::GrantedQos1]));
    h.s.publish(h.at(), message("a", QoS::AtLeastOnce, "A"))
        .unwrap();
    h.sent();
    h.events();

    let at = lose(&mut h).unwrap();
    reconnect(&mut h, at, 1);
    // A 3.1 CONNACK has no Session Present.
    h.connack(false);
    let mut again = Publish::new(topic("a"), QosPid::AtLeastOnce(pid(2)), b"A".to_vec());
    again.dup = true;
    assert_eq!(
        h.sent(),
        [
            Packet::Publish(again),
            Packet::Subscribe(crate::mqtt::Subscribe::new(pid(3), vec![d])),
        ]
    );
    h.s.check_invariants();
}
