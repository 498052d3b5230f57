//! Publishing at QoS 0, 1 and 2 both ways, the offline queue, flow control
//! and the server's limits.

use std::num::{NonZeroU16, NonZeroU32};

use super::*;
use crate::mqtt::{
    Error as CodecError, PubAck, PubAckReasonCode, PubComp, PubCompReasonCode, PubRec, PubRel,
    Publish, QosPid, SubAck, SubAckReasonCode, Subscribe,
};

fn outgoing(t: &str, qos_pid: QosPid, payload: &str) -> Packet {
    Packet::Publish(Publish::new(topic(t), qos_pid, payload.as_bytes().to_vec()))
}

#[test]
fn qos0_is_done_when_written() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        let id =
            h.s.publish(h.at(), message("a/b", QoS::AtMostOnce, "hi"))
                .unwrap();
        assert_eq!(h.sent(), [outgoing("a/b", QosPid::AtMostOnce, "hi")]);
        assert_eq!(
            h.event(),
            Event::Published {
                id,
                qos: QoS::AtMostOnce
            }
        );
        assert_eq!(h.s.in_flight(), 0);
    }
}

#[test]
fn qos1_is_done_on_puback() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        let id =
            h.s.publish(h.at(), message("a", QoS::AtLeastOnce, "1"))
                .unwrap();
        assert_eq!(h.sent(), [outgoing("a", QosPid::AtLeastOnce(pid(1)), "1")]);
        assert_eq!(h.events(), []);
        assert_eq!(h.s.in_flight(), 1);
        h.feed(PubAck::new(pid(1)));
        assert_eq!(
            h.event(),
            Event::Published {
                id,
                qos: QoS::AtLeastOnce
            }
        );
        assert_eq!(h.s.in_flight(), 0);
    }
}

#[test]
fn qos2_goes_pubrec_pubrel_pubcomp() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        let id =
            h.s.publish(h.at(), message("a", QoS::ExactlyOnce, "2"))
                .unwrap();
        assert_eq!(h.sent(), [outgoing("a", QosPid::ExactlyOnce(pid(1)), "2")]);
        h.feed(PubRec::new(pid(1)));
        assert_eq!(h.sent(), [Packet::PubRel(PubRel::new(pid(1)))]);
        assert_eq!(h.events(), []);
        // The server did not see the PUBREL and repeats PUBREC.
        h.feed(PubRec::new(pid(1)));
        assert_eq!(h.sent(), [Packet::PubRel(PubRel::new(pid(1)))]);
        h.feed(PubComp::new(pid(1)));
        assert_eq!(
            h.event(),
            Event::Published {
                id,
                qos: QoS::ExactlyOnce
            }
        );
        assert_eq!(h.s.in_flight(), 0);
    }
}

#[test]
fn mqtt5_refusals_of_a_publish_are_failures_in_words() {
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    let a =
        h.s.publish(h.at(), message("a", QoS::AtLeastOnce, ""))
            .unwrap();
    let b =
        h.s.publish(h.at(), message("b", QoS::ExactlyOnce, ""))
            .unwrap();
    let c =
        h.s.publish(h.at(), message("c", QoS::ExactlyOnce, ""))
            .unwrap();
    h.sent();
    let mut ack = PubAck::new(pid(1));
    ack.reason = PubAckReasonCode::NotAuthorized;
    ack.properties.reason_string = Some("no such topic".into());
    h.feed(ack);
    let mut rec = PubRec::new(pid(2));
    rec.reason = PubAckReasonCode::QuotaExceeded;
    h.feed(rec);
    assert_eq!(h.sent(), [], "no PUBREL after a refused PUBREC");
    h.feed(PubRec::new(pid(3)));
    h.sent();
    let mut comp = PubComp::new(pid(3));
    comp.reason = PubCompReasonCode::PacketIdentifierNotFound;
    h.feed(comp);
    let events = h.events();
    assert_eq!(
        events,
        [
            Event::PublishFailed {
                id: a,
                error: PublishError::Refused {
                    reason: PubAckReasonCode::NotAuthorized,
                    reason_string: Some("no such topic".into())
                }
            },
            Event::PublishFailed {
                id: b,
                error: PublishError::Refused {
                    reason: PubAckReasonCode::QuotaExceeded,
                    reason_string: None
                }
            },
            Event::PublishFailed {
                id: c,
                error: PublishError::PacketIdentifierNotFound
            },
        ]
    );
    let Event::PublishFailed { error, .. } = &events[0] else {
        unreachable!()
    };
    assert_eq!(
        error.to_string(),
        "the server refused the message: Not authorized (0x87), saying \"no such topic\""
    );
    assert_eq!(h.s.in_flight(), 0);
    // A success code other than 0 is still a success.
    let d =
        h.s.publish(h.at(), message("d", QoS::AtLeastOnce, ""))
            .unwrap();
    let mut ack = PubAck::new(pid(4));
    ack.reason = PubAckReasonCode::NoMatchingSubscribers;
    h.feed(ack);
    assert_eq!(
        h.event(),
        Event::Published {
            id: d,
            qos: QoS::AtLeastOnce
        }
    );
}

#[test]
fn acknowledgements_for_identifiers_not_waiting_for_them_close_the_connection() {
    let cases: Vec<(QoS, Packet)> = vec![
        (QoS::AtLeastOnce, Packet::PubAck(PubAck::new(pid(2)))),
        (QoS::ExactlyOnce, Packet::PubAck(PubAck::new(pid(1)))),
        (QoS::AtLeastOnce, Packet::PubRec(PubRec::new(pid(1)))),
        (QoS::ExactlyOnce, Packet::PubComp(PubComp::new(pid(1)))),
        (
            QoS::AtLeastOnce,
            Packet::SubAck(SubAck::new(pid(1), vec![SubAckReasonCode::GrantedQos0])),
        ),
    ];
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        for (qos, ack) in &cases {
            let mut h = Harness::connected(options(version));
            h.s.publish(h.at(), message("a", *qos, "")).unwrap();
            h.sent();
            let kind = ack.packet_type();
            let pid = match ack {
                Packet::PubAck(a) => a.pid,
                Packet::PubRec(a) => a.pid,
                Packet::PubComp(a) => a.pid,
                Packet::SubAck(a) => a.pid,
                _ => unreachable!(),
            };
            h.feed(ack.clone());
            let error = closed_for_violation(&mut h);
            assert_eq!(
                error,
                ProtocolError::UnknownPacketId { packet: kind, pid },
                "{version} {qos:?} {ack:?}"
            );
        }
    }
}

#[test]
fn inbound_messages_are_delivered_once_and_acknowledged() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.feed(Publish::new(
            topic("q0"),
            QosPid::AtMostOnce,
            b"zero".to_vec(),
        ));
        assert_eq!(
            h.event(),
            Event::Message(message("q0", QoS::AtMostOnce, "zero"))
        );
        assert_eq!(h.sent(), []);

        h.feed(Publish::new(
            topic("q1"),
            QosPid::AtLeastOnce(pid(7)),
            b"one".to_vec(),
        ));
        assert_eq!(
            h.event(),
            Event::Message(message("q1", QoS::AtLeastOnce, "one"))
        );
        assert_eq!(h.sent(), [Packet::PubAck(PubAck::new(pid(7)))]);

        let two = Publish::new(topic("q2"), QosPid::ExactlyOnce(pid(7)), b"two".to_vec());
        h.feed(two.clone());
        assert_eq!(
            h.event(),
            Event::Message(message("q2", QoS::ExactlyOnce, "two"))
        );
        assert_eq!(h.sent(), [Packet::PubRec(PubRec::new(pid(7)))]);
        // The same message again before PUBREL (DUP): acknowledged, not
        // delivered again.
        let mut dup = two.clone();
        dup.dup = true;
        h.feed(dup);
        assert_eq!(h.events(), []);
        assert_eq!(h.sent(), [Packet::PubRec(PubRec::new(pid(7)))]);
        h.feed(PubRel::new(pid(7)));
        assert_eq!(h.sent(), [Packet::PubComp(PubComp::new(pid(7)))]);
        // After PUBCOMP the identifier is free: a new message.
        h.feed(two);
        assert_eq!(h.events().len(), 1);
        h.sent();

        // PUBREL for an identifier the client does not hold.
        h.feed(PubRel::new(pid(99)));
        let mut comp = PubComp::new(pid(99));
        if version.is_v5() {
            comp.reason = PubCompReasonCode::PacketIdentifierNotFound;
        }
        assert_eq!(h.sent(), [Packet::PubComp(comp)]);
        assert_eq!(h.s.state(), ConnectionState::Connected);
    }
}

#[test]
fn inbound_retain_and_properties_reach_the_application() {
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    let mut p = Publish::new(topic("r"), QosPid::AtMostOnce, b"{}".to_vec());
    p.retain = true;
    p.properties.content_type = Some("application/json".into());
    h.feed(p);
    let Event::Message(m) = h.event() else {
        panic!("expected a message");
    };
    assert!(m.retain);
    assert_eq!(
        m.properties.content_type.as_deref(),
        Some("application/json")
    );
}

#[test]
fn requests_made_while_disconnected_wait_in_order_for_the_connection() {
    let mut h = Harness::new(options(ProtocolVersion::V3_1_1));
    let sub =
        h.s.subscribe(
            h.at(),
            vec![Subscription::new(filter("in/#"), QoS::AtLeastOnce)],
        )
        .unwrap();
    let p0 =
        h.s.publish(h.at(), message("out", QoS::AtMostOnce, "a"))
            .unwrap();
    let p1 =
        h.s.publish(h.at(), message("out", QoS::AtLeastOnce, "b"))
            .unwrap();
    assert_eq!(h.s.queued(), 3);
    assert_eq!(h.s.poll_transmit(), None);
    h.open();
    // Nothing but CONNECT before CONNACK.
    assert_eq!(h.s.queued(), 3);
    h.connack(false);
    assert_eq!(
        h.sent(),
        [
            Packet::Subscribe(Subscribe::new(
                pid(1),
                vec![Subscription::new(filter("in/#"), QoS::AtLeastOnce)]
            )),
            outgoing("out", QosPid::AtMostOnce, "a"),
            outgoing("out", QosPid::AtLeastOnce(pid(2)), "b"),
        ]
    );
    assert_eq!(h.s.queued(), 0);
    let events = h.events();
    assert!(matches!(events[0], Event::Connected(_)));
    assert_eq!(
        events[1],
        Event::Published {
            id: p0,
            qos: QoS::AtMostOnce
        }
    );
    h.feed(SubAck::new(pid(1), vec![SubAckReasonCode::GrantedQos1]));
    h.feed(PubAck::new(pid(2)));
    assert_eq!(
        h.events(),
        [
            Event::Subscribed {
                id: sub,
                results: vec![SubscribeResult {
                    filter: filter("in/#"),
                    outcome: SubscribeOutcome::Granted(QoS::AtLeastOnce)
                }]
            },
            Event::Published {
                id: p1,
                qos: QoS::AtLeastOnce
            }
        ]
    );
}

#[test]
fn the_queue_is_bounded_in_messages_and_bytes() {
    let mut o = options(ProtocolVersion::V3_1_1);
    o.queue = QueueLimits {
        messages: 3,
        bytes: 20,
    };
    let mut h = Harness::new(o.clone());
    // Topic "t" plus 9 bytes: 10 bytes each.
    h.s.publish(h.at(), message("t", QoS::AtLeastOnce, "123456789"))
        .unwrap();
    h.s.publish(h.at(), message("t", QoS::AtMostOnce, "123456789"))
        .unwrap();
    let full =
        h.s.publish(h.at(), message("t", QoS::AtMostOnce, "x"))
            .unwrap_err();
    assert_eq!(
        full,
        Error::QueueFull {
            limits: o.queue,
            messages: 2,
            bytes: 20,
            request: 2
        }
    );
    assert!(full.to_string().contains("2 of 3 requests, 20 of 20 bytes"));
    // Refused before the queue is even considered.
    assert_eq!(
        h.s.unsubscribe(h.at(), vec![]),
        Err(Error::Codec(CodecError::NoTopicFilters {
            packet: PacketType::Unsubscribe
        }))
    );
    assert_eq!(h.s.queued(), 2);

    let mut o = options(ProtocolVersion::V3_1_1);
    o.queue.messages = 1;
    let mut h = Harness::new(o);
    h.s.publish(h.at(), message("t", QoS::AtMostOnce, ""))
        .unwrap();
    assert!(matches!(
        h.s.subscribe(
            h.at(),
            vec![Subscription::new(filter("a"), QoS::AtMostOnce)]
        ),
        Err(Error::QueueFull { messages: 1, .. })
    ));
}

#[test]
fn mqtt5_receive_maximum_limits_publishes_in_flight() {
    let mut h = Harness::new(options(ProtocolVersion::V5));
    h.open();
    let mut ack = ConnAck::new(ConnectReasonCode::Success);
    ack.properties.receive_maximum = NonZeroU16::new(1);
    h.feed(ack);
    h.events();
    let a =
        h.s.publish(h.at(), message("a", QoS::AtLeastOnce, ""))
            .unwrap();
    let b =
        h.s.publish(h.at(), message("b", QoS::ExactlyOnce, ""))
            .unwrap();
    // QoS 0 waits behind b too: the order of requests is kept.
    h.s.publish(h.at(), message("c", QoS::AtMostOnce, ""))
        .unwrap();
    assert_eq!(h.sent(), [outgoing("a", QosPid::AtLeastOnce(pid(1)), "")]);
    assert_eq!(h.s.queued(), 2);
    h.feed(PubAck::new(pid(1)));
    assert_eq!(
        h.sent(),
        [
            outgoing("b", QosPid::ExactlyOnce(pid(2)), ""),
            outgoing("c", QosPid::AtMostOnce, "")
        ]
    );
    let events = h.events();
    assert_eq!(
        events[0],
        Event::Published {
            id: a,
            qos: QoS::AtLeastOnce
        }
    );
    h.feed(PubRec::new(pid(2)));
    h.feed(PubComp::new(pid(2)));
    h.sent();
    assert_eq!(
        h.event(),
        Event::Published {
            id: b,
            qos: QoS::ExactlyOnce
        }
    );
}

#[test]
fn mqtt5_server_limits_refuse_publishes_it_cannot_take() {
    let mut h = Harness::new(options(ProtocolVersion::V5));
    // Queued before the limits are known.
    let big =
        h.s.publish(h.at(), message("t", QoS::AtMostOnce, &"x".repeat(100)))
            .unwrap();
    h.open();
    let mut ack = ConnAck::new(ConnectReasonCode::Success);
    ack.properties.maximum_qos = Some(QoS::AtLeastOnce);
    ack.properties.retain_available = Some(false);
    ack.properties.maximum_packet_size = NonZeroU32::new(50);
    h.feed(ack);
    assert_eq!(h.sent(), []);
    let events = h.events();
    assert_eq!(
        events[1],
        Event::PublishFailed {
            id: big,
            // 1 + 1 (length) + 3 (topic) + 1 (no properties) + 100.
            error: PublishError::TooLarge { size: 106, max: 50 }
        }
    );
    assert_eq!(
        h.s.publish(h.at(), message("t", QoS::ExactlyOnce, "")),
        Err(Error::Publish(PublishError::QosNotSupported {
            qos: QoS::ExactlyOnce,
            maximum: QoS::AtLeastOnce
        }))
    );
    let mut retained = message("t", QoS::AtMostOnce, "");
    retained.retain = true;
    assert_eq!(
        h.s.publish(h.at(), retained),
        Err(Error::Publish(PublishError::RetainNotSupported))
    );
    assert_eq!(
        h.s.publish(h.at(), message("t", QoS::AtLeastOnce, &"x".repeat(45))),
        Err(Error::Publish(PublishError::TooLarge { size: 53, max: 50 }))
    );
    h.s.publish(h.at(), message("t", QoS::AtLeastOnce, &"x".repeat(42)))
        .unwrap();
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn publishes_that_cannot_be_encoded_are_refused_at_once() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    assert_eq!(
        h.s.publish(h.at(), message("", QoS::AtMostOnce, "")),
        Err(Error::Codec(CodecError::EmptyTopic {
            field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
        }))
    );
    let mut m = message("t", QoS::AtMostOnce, "");
    m.properties.content_type = Some("text/plain".into());
    assert_eq!(
        h.s.publish(h.at(), m),
        Err(Error::Codec(CodecError::NotInVersion {
            feature: crate::text::keys::mqtt_codec::FEATURE_PROPERTIES,
            version: ProtocolVersion::V3_1_1
        }))
    );
    // Wildcards never get this far: a topic name cannot hold them.
    assert_eq!(
        TopicName::new("a/+"),
        Err(CodecError::WildcardInTopicName("a/+".into()))
    );
    assert_eq!(h.sent(), []);
}

#[test]
fn packet_identifiers_skip_those_in_use_and_run_out() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    for n in 1..=u16::MAX {
        h.s.publish(h.at(), message("t", QoS::AtLeastOnce, ""))
            .unwrap();
        let sent = h.sent();
        if n == 1 || n == u16::MAX {
            assert_eq!(sent, [outgoing("t", QosPid::AtLeastOnce(pid(n)), "")]);
        }
    }
    assert_eq!(h.s.in_flight(), 65_535);
    assert_eq!(
        h.s.subscribe(
            h.at(),
            vec![Subscription::new(filter("a"), QoS::AtMostOnce)]
        ),
        Err(Error::PacketIdsExhausted)
    );
    // A publish waits for a free identifier instead.
    h.s.publish(h.at(), message("later", QoS::AtLeastOnce, ""))
        .unwrap();
    assert_eq!(h.s.queued(), 1);
    h.feed(PubAck::new(pid(40_000)));
    assert_eq!(
        h.sent(),
        [outgoing("later", QosPid::AtLeastOnce(pid(40_000)), "")]
    );
}
