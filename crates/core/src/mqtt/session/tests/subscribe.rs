//! SUBSCRIBE / UNSUBSCRIBE: per-filter results, the set of active
//! subscriptions, and topic filter checks.

use super::*;
use crate::mqtt::{
    Error as CodecError, RetainHandling, SubAck, SubAckReasonCode, Subscribe, SubscriptionOptions,
    UnsubAck, UnsubAckReasonCode, Unsubscribe,
};

fn sub(f: &str, qos: QoS) -> Subscription {
    Subscription::new(filter(f), qos)
}

fn active(h: &Harness) -> Vec<(String, QoS)> {
    h.s.subscriptions()
        .map(|(f, o)| (f.as_str().to_owned(), o.qos))
        .collect()
}

#[test]
fn mqtt311_suback_gives_granted_qos_or_failure_per_filter() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    let id =
        h.s.subscribe(
            h.at(),
            vec![sub("a/#", QoS::ExactlyOnce), sub("b/+/c", QoS::AtLeastOnce)],
        )
        .unwrap();
    assert_eq!(
        h.sent(),
        [Packet::Subscribe(Subscribe::new(
            pid(1),
            vec![sub("a/#", QoS::ExactlyOnce), sub("b/+/c", QoS::AtLeastOnce)]
        ))]
    );
    h.feed(SubAck::new(
        pid(1),
        vec![
            SubAckReasonCode::GrantedQos1,
            SubAckReasonCode::UnspecifiedError,
        ],
    ));
    let Event::Subscribed { id: got, results } = h.event() else {
        panic!("expected Subscribed");
    };
    assert_eq!(got, id);
    assert_eq!(
        results,
        [
            SubscribeResult {
                filter: filter("a/#"),
                outcome: SubscribeOutcome::Granted(QoS::AtLeastOnce)
            },
            SubscribeResult {
                filter: filter("b/+/c"),
                outcome: SubscribeOutcome::Refused(SubAckReasonCode::UnspecifiedError)
            },
        ]
    );
    assert_eq!(results[0].outcome.to_string(), "granted QoS 1");
    assert_eq!(
        results[1].outcome.to_string(),
        "refused: Unspecified error (0x80)"
    );
    assert_eq!(active(&h), [("a/#".to_owned(), QoS::ExactlyOnce)]);
}

#[test]
fn mqtt5_suback_reason_codes_are_in_words() {
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    h.s.subscribe(
        h.at(),
        vec![
            sub("x", QoS::AtMostOnce),
            sub("y", QoS::AtLeastOnce),
            sub("z/#", QoS::AtLeastOnce),
        ],
    )
    .unwrap();
    h.sent();
    h.feed(SubAck::new(
        pid(1),
        vec![
            SubAckReasonCode::GrantedQos0,
            SubAckReasonCode::NotAuthorized,
            SubAckReasonCode::WildcardSubscriptionsNotSupported,
        ],
    ));
    let Event::Subscribed { results, .. } = h.event() else {
        panic!("expected Subscribed");
    };
    let words: Vec<String> = results.iter().map(|r| r.outcome.to_string()).collect();
    assert_eq!(
        words,
        [
            "granted QoS 0",
            "refused: Not authorized (0x87)",
            "refused: Wildcard Subscriptions not supported (0xa2)"
        ]
    );
    assert_eq!(active(&h), [("x".to_owned(), QoS::AtMostOnce)]);
}

#[test]
fn a_suback_with_the_wrong_number_of_codes_closes_the_connection() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.s.subscribe(
            h.at(),
            vec![sub("a", QoS::AtMostOnce), sub("b", QoS::AtMostOnce)],
        )
        .unwrap();
        h.sent();
        h.feed(SubAck::new(pid(1), vec![SubAckReasonCode::GrantedQos0]));
        let error = closed_for_violation(&mut h);
        assert_eq!(
            error,
            ProtocolError::ReasonCountMismatch {
                packet: PacketType::SubAck,
                expected: 2,
                got: 1
            }
        );
        assert_eq!(
            error.to_string(),
            "the server's SUBACK has 1 reason code(s) for 2 topic filter(s)"
        );
        assert_eq!(h.s.queued(), 1, "the request waits for the next connection");
    }
}

#[test]
fn unsubscribe_reports_each_filter_and_updates_the_active_set() {
    // 3.1.1: UNSUBACK has no codes; every filter is gone.
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.s.subscribe(
        h.at(),
        vec![sub("a", QoS::AtMostOnce), sub("b", QoS::AtMostOnce)],
    )
    .unwrap();
    h.feed(SubAck::new(
        pid(1),
        vec![SubAckReasonCode::GrantedQos0, SubAckReasonCode::GrantedQos0],
    ));
    h.sent();
    h.events();
    let id = h.s.unsubscribe(h.at(), vec![filter("a")]).unwrap();
    assert_eq!(
        h.sent(),
        [Packet::Unsubscribe(Unsubscribe::new(
            pid(2),
            vec![filter("a")]
        ))]
    );
    h.feed(UnsubAck::new(pid(2), vec![]));
    assert_eq!(
        h.event(),
        Event::Unsubscribed {
            id,
            results: vec![UnsubscribeResult {
                filter: filter("a"),
                reason: UnsubAckReasonCode::Success
            }]
        }
    );
    assert_eq!(active(&h), [("b".to_owned(), QoS::AtMostOnce)]);

    // 5.0: a refusal keeps the subscription.
    let mut h = Harness::connected(options(ProtocolVersion::V5));
    h.s.subscribe(
        h.at(),
        vec![sub("a", QoS::AtMostOnce), sub("b", QoS::AtMostOnce)],
    )
    .unwrap();
    h.feed(SubAck::new(
        pid(1),
        vec![SubAckReasonCode::GrantedQos0, SubAckReasonCode::GrantedQos0],
    ));
    h.s.unsubscribe(h.at(), vec![filter("a"), filter("b"), filter("c")])
        .unwrap();
    h.feed(UnsubAck::new(
        pid(2),
        vec![
            UnsubAckReasonCode::Success,
            UnsubAckReasonCode::NotAuthorized,
            UnsubAckReasonCode::NoSubscriptionExisted,
        ],
    ));
    assert_eq!(active(&h), [("b".to_owned(), QoS::AtMostOnce)]);
    assert!(matches!(
        h.events().last(),
        Some(Event::Unsubscribed { results, .. })
            if results[1].reason == UnsubAckReasonCode::NotAuthorized
    ));

    h.s.unsubscribe(h.at(), vec![filter("b")]).unwrap();
    h.sent();
    h.feed(UnsubAck::new(
        pid(3),
        vec![UnsubAckReasonCode::Success, UnsubAckReasonCode::Success],
    ));
    assert_eq!(
        closed_for_violation(&mut h),
        ProtocolError::ReasonCountMismatch {
            packet: PacketType::UnsubAck,
            expected: 1,
            got: 2
        }
    );
    assert_eq!(h.s.queued(), 1, "the request waits for the next connection");
}

#[test]
fn an_unsuback_nobody_asked_for_closes_the_connection() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    h.feed(UnsubAck::new(pid(5), vec![]));
    assert_eq!(
        closed_for_violation(&mut h),
        ProtocolError::UnknownPacketId {
            packet: PacketType::UnsubAck,
            pid: pid(5)
        }
    );
}

#[test]
fn topic_filters_follow_the_wildcard_rules() {
    for bad in ["a/#/b", "a#", "#/x"] {
        assert_eq!(
            TopicFilter::new(bad),
            Err(CodecError::InvalidMultiLevelWildcard(bad.into()))
        );
    }
    for bad in ["a+", "a/+b/c"] {
        assert_eq!(
            TopicFilter::new(bad),
            Err(CodecError::InvalidSingleLevelWildcard(bad.into()))
        );
    }
    assert_eq!(
        TopicFilter::new(""),
        Err(CodecError::EmptyTopic {
            field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER
        })
    );
    assert_eq!(
        TopicFilter::new("a\0"),
        Err(CodecError::NullCharacter {
            field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER
        })
    );
    for good in [
        "#",
        "+",
        "a/+/c",
        "a/#",
        "+/+/#",
        "$oc/devices/d/sys/commands/#",
    ] {
        assert!(TopicFilter::new(good).is_ok(), "{good}");
    }
}

#[test]
fn subscriptions_the_version_cannot_carry_are_refused() {
    let mut h = Harness::connected(options(ProtocolVersion::V3_1_1));
    assert_eq!(
        h.s.subscribe(h.at(), vec![]),
        Err(Error::Codec(CodecError::NoTopicFilters {
            packet: PacketType::Subscribe
        }))
    );
    let mut no_local = sub("a", QoS::AtMostOnce);
    no_local.options = SubscriptionOptions {
        no_local: true,
        ..no_local.options
    };
    assert!(matches!(
        h.s.subscribe(h.at(), vec![no_local.clone()]),
        Err(Error::Codec(CodecError::NotInVersion { .. }))
    ));

    let mut h = Harness::connected(options(ProtocolVersion::V5));
    assert_eq!(
        h.s.subscribe(h.at(), vec![sub("$share//a", QoS::AtMostOnce)]),
        Err(Error::Codec(CodecError::InvalidSharedSubscription(
            "$share//a".into()
        )))
    );
    let mut shared = sub("$share/g/a", QoS::AtMostOnce);
    shared.options.no_local = true;
    assert_eq!(
        h.s.subscribe(h.at(), vec![shared]),
        Err(Error::Codec(CodecError::NoLocalOnSharedSubscription(
            "$share/g/a".into()
        )))
    );
    // MQTT 5 options are fine in 5.0.
    no_local.options.retain_handling = RetainHandling::DoNotSend;
    h.s.subscribe(h.at(), vec![no_local]).unwrap();
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn a_suback_granting_more_than_asked_closes_the_connection() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected(options(version));
        h.s.subscribe(
            h.at(),
            vec![sub("a", QoS::AtLeastOnce), sub("b", QoS::AtMostOnce)],
        )
        .unwrap();
        h.sent();
        h.feed(SubAck::new(
            pid(1),
            vec![SubAckReasonCode::GrantedQos1, SubAckReasonCode::GrantedQos2],
        ));
        let error = closed_for_violation(&mut h);
        assert_eq!(
            error.to_string(),
            "the server granted QoS 2 to b, though the client asked for at most QoS 0"
        );
        assert!(active(&h).is_empty(), "{version}: nothing was subscribed");
        assert_eq!(h.s.queued(), 1, "the request waits for the next connection");
    }
}
