//! proptest strategies for every owned packet type, per protocol version:
//! they generate only values that are valid for that version, so that
//! encode -> decode must give them back.

use std::num::{NonZeroU16, NonZeroU32};

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::mqtt::*;

/// A UTF-8 string without U+0000 (any other code point, BOM included).
pub(crate) fn string() -> impl Strategy<Value = String> {
    "[^\\x00]{0,6}"
}

pub(crate) fn bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..12)
}

pub(crate) fn topic_name() -> impl Strategy<Value = TopicName> {
    "[^\\x00+#]{1,8}".prop_map(|s| TopicName::new(s).expect("no wildcard, no NUL"))
}

/// A topic filter: levels of text or `+`, maybe ending in `#`. The text
/// levels are too short to spell `$share`, so shared subscriptions come only
/// from [`shared_filter`].
pub(crate) fn topic_filter() -> impl Strategy<Value = TopicFilter> {
    let level = prop_oneof![Just("+".to_owned()), "[^\\x00+#/]{0,4}"];
    (vec(level, 1..4), any::<bool>()).prop_map(|(levels, hash)| {
        let mut f = levels.join("/");
        if hash {
            f.push_str(if f.is_empty() { "#" } else { "/#" });
        }
        if f.is_empty() {
            f.push('a');
        }
        TopicFilter::new(f).expect("valid by construction")
    })
}

/// An MQTT 5 shared subscription `$share/NAME/FILTER`.
pub(crate) fn shared_filter() -> impl Strategy<Value = TopicFilter> {
    ("[a-z0-9]{1,4}", topic_filter()).prop_map(|(name, f)| {
        TopicFilter::new(format!("$share/{name}/{f}")).expect("valid by construction")
    })
}

pub(crate) fn pid() -> impl Strategy<Value = Pid> {
    (1..=u16::MAX).prop_map(|n| Pid::new(n).expect("non-zero"))
}

pub(crate) fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

/// Any properties, reduced to what `scope` allows.
pub(crate) fn properties(scope: PropertyScope) -> impl Strategy<Value = Properties> {
    let a = (
        option::of(any::<bool>()),
        option::of(any::<u32>()),
        option::of(string()),
        option::of(topic_name()),
        option::of(bytes()),
        vec(
            (1..=VarInt::MAX).prop_map(|v| SubscriptionId::new(v).expect("in range")),
            0..3,
        ),
        option::of(any::<u32>()),
        option::of(string()),
        option::of(any::<u16>()),
    );
    let b = (
        option::of(string()),
        option::of(bytes()),
        option::of(any::<bool>()),
        option::of(any::<u32>()),
        option::of(any::<bool>()),
        option::of(string()),
        option::of(string()),
        option::of(string()),
        option::of((1..=u16::MAX).prop_map(|v| NonZeroU16::new(v).expect("non-zero"))),
    );
    let c = (
        option::of(any::<u16>()),
        option::of((1..=u16::MAX).prop_map(|v| NonZeroU16::new(v).expect("non-zero"))),
        option::of(prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce)]),
        option::of(any::<bool>()),
        vec((string(), string()), 0..3),
        option::of((1..=u32::MAX).prop_map(|v| NonZeroU32::new(v).expect("non-zero"))),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
    );
    (a, b, c).prop_map(move |(a, b, c)| {
        let mut p = Properties {
            payload_format_indicator: a.0,
            message_expiry_interval: a.1,
            content_type: a.2,
            response_topic: a.3,
            correlation_data: a.4,
            subscription_identifiers: a.5,
            session_expiry_interval: a.6,
            assigned_client_identifier: a.7,
            server_keep_alive: a.8,
            authentication_method: b.0,
            authentication_data: b.1,
            request_problem_information: b.2,
            will_delay_interval: b.3,
            request_response_information: b.4,
            response_information: b.5,
            server_reference: b.6,
            reason_string: b.7,
            receive_maximum: b.8,
            topic_alias_maximum: c.0,
            topic_alias: c.1,
            maximum_qos: c.2,
            retain_available: c.3,
            user_properties: c.4,
            maximum_packet_size: c.5,
            wildcard_subscription_available: c.6,
            subscription_identifier_available: c.7,
            shared_subscription_available: c.8,
        };
        p.retain_allowed(scope);
        if scope == PropertyScope::Connect
            && p.authentication_data.is_some()
            && p.authentication_method.is_none()
        {
            p.authentication_method = Some("m".into());
        }
        p
    })
}

/// Properties for `scope` in MQTT 5, none otherwise.
fn props_for(version: ProtocolVersion, scope: PropertyScope) -> BoxedStrategy<Properties> {
    if version.is_v5() {
        properties(scope).boxed()
    } else {
        Just(Properties::default()).boxed()
    }
}

pub(crate) fn will(version: ProtocolVersion) -> impl Strategy<Value = Will> {
    (
        topic_name(),
        bytes(),
        qos(),
        any::<bool>(),
        props_for(version, PropertyScope::Will),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        })
}

pub(crate) fn connect(version: ProtocolVersion) -> impl Strategy<Value = Connect> {
    (
        any::<bool>(),
        any::<u16>(),
        props_for(version, PropertyScope::Connect),
        string(),
        option::of(will(version)),
        option::of(string()),
        option::of(bytes()),
    )
        .prop_map(
            move |(clean_start, keep_alive, properties, client_id, will, username, password)| {
                // 3.1.x: a password needs a user name [MQTT-3.1.2-22].
                let password = if version.is_v5() || username.is_some() {
                    password
                } else {
                    None
                };
                Connect {
                    protocol: version,
                    clean_start,
                    keep_alive,
                    properties,
                    client_id,
                    will,
                    username,
                    password,
                }
            },
        )
}

pub(crate) fn connack(version: ProtocolVersion) -> impl Strategy<Value = ConnAck> {
    let reason = if version.is_v5() {
        pick(ConnectReasonCode::ALL).boxed()
    } else {
        (0..=5u8)
            .prop_map(|c| ConnectReasonCode::from_v3(c).expect("0..=5"))
            .boxed()
    };
    (
        any::<bool>(),
        reason,
        props_for(version, PropertyScope::ConnAck),
    )
        .prop_map(|(session_present, reason, properties)| ConnAck {
            session_present: session_present && reason == ConnectReasonCode::Success,
            reason,
            properties,
        })
}

pub(crate) fn qos_pid() -> impl Strategy<Value = QosPid> {
    prop_oneof![
        Just(QosPid::AtMostOnce),
        pid().prop_map(QosPid::AtLeastOnce),
        pid().prop_map(QosPid::ExactlyOnce),
    ]
}

pub(crate) fn publish(version: ProtocolVersion) -> impl Strategy<Value = Publish> {
    (
        any::<bool>(),
        qos_pid(),
        any::<bool>(),
        topic_name(),
        any::<bool>(),
        props_for(version, PropertyScope::Publish),
        vec(any::<u8>(), 0..32),
    )
        .prop_map(
            move |(dup, qos_pid, retain, topic, drop_topic, properties, payload)| {
                // An empty topic name is valid only with a Topic Alias (5.0).
                let topic = if drop_topic && properties.topic_alias.is_some() {
                    TopicName::default()
                } else {
                    topic
                };
                Publish {
                    dup: dup && qos_pid != QosPid::AtMostOnce,
                    qos_pid,
                    retain,
                    topic,
                    properties,
                    payload,
                }
            },
        )
}

macro_rules! ack_strategy {
    ($fn:ident, $t:ident, $reason:ident, $scope:ident) => {
        pub(crate) fn $fn(version: ProtocolVersion) -> impl Strategy<Value = $t> {
            let reason = if version.is_v5() {
                pick($reason::ALL).boxed()
            } else {
                Just($reason::Success).boxed()
            };
            (pid(), reason, props_for(version, PropertyScope::$scope)).prop_map(
                |(pid, reason, properties)| $t {
                    pid,
                    reason,
                    properties,
                },
            )
        }
    };
}
ack_strategy!(puback, PubAck, PubAckReasonCode, PubAck);
ack_strategy!(pubrec, PubRec, PubRecReasonCode, PubRec);
ack_strategy!(pubrel, PubRel, PubRelReasonCode, PubRel);
ack_strategy!(pubcomp, PubComp, PubCompReasonCode, PubComp);

pub(crate) fn subscription(version: ProtocolVersion) -> BoxedStrategy<Subscription> {
    if !version.is_v5() {
        return (topic_filter(), qos())
            .prop_map(|(f, q)| Subscription::new(f, q))
            .boxed();
    }
    let retain_handling = prop_oneof![
        Just(RetainHandling::SendAtSubscribe),
        Just(RetainHandling::SendAtSubscribeIfNew),
        Just(RetainHandling::DoNotSend),
    ];
    (
        prop_oneof![3 => topic_filter(), 1 => shared_filter()],
        qos(),
        any::<bool>(),
        any::<bool>(),
        retain_handling,
    )
        .prop_map(
            |(filter, qos, no_local, retain_as_published, retain_handling)| {
                // No Local is a Protocol Error on a shared subscription [MQTT-3.8.3-4].
                let no_local = no_local && !filter.is_shared();
                Subscription {
                    filter,
                    options: SubscriptionOptions {
                        qos,
                        no_local,
                        retain_as_published,
                        retain_handling,
                    },
                }
            },
        )
        .boxed()
}

pub(crate) fn subscribe(version: ProtocolVersion) -> impl Strategy<Value = Subscribe> {
    (
        pid(),
        props_for(version, PropertyScope::Subscribe),
        vec(subscription(version), 1..4),
    )
        .prop_map(|(pid, properties, filters)| Subscribe {
            pid,
            properties,
            filters,
        })
}

pub(crate) fn suback(version: ProtocolVersion) -> impl Strategy<Value = SubAck> {
    let code = if version.is_v5() {
        pick(SubAckReasonCode::ALL).boxed()
    } else {
        pick(SubAckReasonCode::ALL)
            .prop_filter("3.1.1 code", |c| c.in_v3())
            .boxed()
    };
    (
        pid(),
        props_for(version, PropertyScope::SubAck),
        vec(code, 1..4),
    )
        .prop_map(|(pid, properties, reasons)| SubAck {
            pid,
            properties,
            reasons,
        })
}

pub(crate) fn unsubscribe(version: ProtocolVersion) -> impl Strategy<Value = Unsubscribe> {
    let filter = if version.is_v5() {
        prop_oneof![3 => topic_filter(), 1 => shared_filter()].boxed()
    } else {
        topic_filter().boxed()
    };
    (
        pid(),
        props_for(version, PropertyScope::Unsubscribe),
        vec(filter, 1..4),
    )
        .prop_map(|(pid, properties, filters)| Unsubscribe {
            pid,
            properties,
            filters,
        })
}

pub(crate) fn unsuback(version: ProtocolVersion) -> impl Strategy<Value = UnsubAck> {
    let reasons = if version.is_v5() {
        vec(pick(UnsubAckReasonCode::ALL), 1..4).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (pid(), props_for(version, PropertyScope::UnsubAck), reasons).prop_map(
        |(pid, properties, reasons)| UnsubAck {
            pid,
            properties,
            reasons,
        },
    )
}

pub(crate) fn disconnect(version: ProtocolVersion) -> BoxedStrategy<Disconnect> {
    if !version.is_v5() {
        return Just(Disconnect::default()).boxed();
    }
    (
        pick(DisconnectReasonCode::ALL),
        properties(PropertyScope::Disconnect),
    )
        .prop_map(|(reason, properties)| Disconnect { reason, properties })
        .boxed()
}

pub(crate) fn auth() -> impl Strategy<Value = Auth> {
    (pick(AuthReasonCode::ALL), properties(PropertyScope::Auth))
        .prop_map(|(reason, properties)| Auth { reason, properties })
}

/// Any packet valid in `version`.
pub(crate) fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let common = prop_oneof![
        connect(version).prop_map(Packet::Connect),
        connack(version).prop_map(Packet::ConnAck),
        publish(version).prop_map(Packet::Publish),
        puback(version).prop_map(Packet::PubAck),
        pubrec(version).prop_map(Packet::PubRec),
        pubrel(version).prop_map(Packet::PubRel),
        pubcomp(version).prop_map(Packet::PubComp),
        subscribe(version).prop_map(Packet::Subscribe),
        suback(version).prop_map(Packet::SubAck),
        unsubscribe(version).prop_map(Packet::Unsubscribe),
        unsuback(version).prop_map(Packet::UnsubAck),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        disconnect(version).prop_map(Packet::Disconnect),
    ];
    if version.is_v5() {
        prop_oneof![14 => common, 1 => auth().prop_map(Packet::Auth)].boxed()
    } else {
        common.boxed()
    }
}
