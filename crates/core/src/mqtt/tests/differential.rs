//! Differential tests against `mqttbytes` 0.6 (its `v4` and `v5` modules), an
//! independent implementation used as a test oracle only.
//!
//! For generated packets: our bytes decode in mqttbytes to the same content,
//! and mqttbytes' bytes decode in ours to the same content (and, in 3.1.1,
//! are the very same bytes). Packets mqttbytes cannot represent are skipped
//! with `prop_assume!` — each reason is named where it is decided:
//!
//! - no MQTT 3.1 (`MQIsdp`) CONNECT and no AUTH packet;
//! - its `Login` holds the user name and password as `String`s where empty
//!   means absent, so an empty user name or password, or a non-UTF-8
//!   password, cannot be expressed.
//!
//! Where mqttbytes is buggy or less strict, the affected direction is
//! skipped and the behaviour is pinned by [`mqttbytes_discrepancies`]:
//!
//! - v5 CONNACK with `properties: None` is written without its Property
//!   Length (`20 02 00 00`), which is malformed in 5.0 and which mqttbytes
//!   itself cannot read back; we always hand it `Some(..)`.
//! - v5 DISCONNECT without properties (`E0 00`, or `E0 01 rc` with a
//!   reason code only), the forms mqttbytes itself writes, are refused by its
//!   reader (`PayloadRequired`, `InsufficientBytes(1)`): the specification
//!   lets both omit the Property Length (5.0 §3.14.2.2.1).
//! - 5.0 property order: mqttbytes writes properties in its own order, we in
//!   identifier order; both are valid (the specification fixes no order), so
//!   5.0 compares decoded values, not bytes.
//! - less strict: it accepts reserved fixed-header flags, DUP on QoS 0,
//!   non-minimal Remaining Lengths, wildcards and U+0000 in topic names,
//!   SUBSCRIBE without filters, duplicate properties, reserved CONNACK flag
//!   bits.

use bytes::{Bytes, BytesMut};
use mqttbytes::{v4, v5, Protocol};
use proptest::prelude::*;

use super::strategies::packet;
use crate::mqtt::*;

fn mq_qos(q: QoS) -> mqttbytes::QoS {
    match q {
        QoS::AtMostOnce => mqttbytes::QoS::AtMostOnce,
        QoS::AtLeastOnce => mqttbytes::QoS::AtLeastOnce,
        QoS::ExactlyOnce => mqttbytes::QoS::ExactlyOnce,
    }
}

fn our_qos(q: mqttbytes::QoS) -> QoS {
    QoS::try_from(q as u8).expect("mqttbytes QoS is 0..=2")
}

fn pkid(q: QosPid) -> u16 {
    q.pid().map_or(0, Pid::get)
}

fn our_qos_pid(q: mqttbytes::QoS, pkid: u16) -> QosPid {
    let pid = Pid::new(pkid);
    match (q, pid) {
        (mqttbytes::QoS::AtMostOnce, _) => QosPid::AtMostOnce,
        (mqttbytes::QoS::AtLeastOnce, Some(p)) => QosPid::AtLeastOnce(p),
        (mqttbytes::QoS::ExactlyOnce, Some(p)) => QosPid::ExactlyOnce(p),
        (_, None) => panic!("mqttbytes gave packet identifier 0 with QoS > 0"),
    }
}

fn pid(n: u16) -> Pid {
    Pid::new(n).expect("non-zero packet identifier")
}

fn topic(s: String) -> TopicName {
    TopicName::new(s).expect("valid topic name")
}

fn filter(s: String) -> TopicFilter {
    TopicFilter::new(s).expect("valid topic filter")
}

/// mqttbytes' login: `None` if it cannot say what we have.
fn login(c: &Connect) -> Option<Option<(String, String)>> {
    let username = match &c.username {
        None => String::new(),
        Some(u) if u.is_empty() => return None, // empty means absent there
        Some(u) => u.clone(),
    };
    let password = match &c.password {
        None => String::new(),
        Some(p) if p.is_empty() => return None,
        Some(p) => String::from_utf8(p.clone()).ok()?, // a String there
    };
    if username.is_empty() && password.is_empty() {
        Some(None)
    } else {
        Some(Some((username, password)))
    }
}

fn from_login(username: String, password: String) -> (Option<String>, Option<Vec<u8>>) {
    (
        Some(username).filter(|u| !u.is_empty()),
        Some(password.into_bytes()).filter(|p| !p.is_empty()),
    )
}

// ---------------------------------------------------------------- 3.1.1 (v4)

fn to_v4(p: &Packet) -> Option<v4::Packet> {
    Some(match p {
        Packet::Connect(c) => {
            if c.protocol != ProtocolVersion::V3_1_1 {
                return None; // mqttbytes has no MQTT 3.1 (MQIsdp)
            }
            v4::Packet::Connect(v4::Connect {
                protocol: Protocol::V4,
                keep_alive: c.keep_alive,
                client_id: c.client_id.clone(),
                clean_session: c.clean_start,
                last_will: c.will.as_ref().map(|w| v4::LastWill {
                    topic: w.topic.to_string(),
                    message: Bytes::from(w.payload.clone()),
                    qos: mq_qos(w.qos),
                    retain: w.retain,
                }),
                login: login(c)?.map(|(username, password)| v4::Login { username, password }),
            })
        }
        Packet::ConnAck(a) => v4::Packet::ConnAck(v4::ConnAck {
            session_present: a.session_present,
            code: match a.reason.to_v3()? {
                0 => v4::ConnectReturnCode::Success,
                1 => v4::ConnectReturnCode::RefusedProtocolVersion,
                2 => v4::ConnectReturnCode::BadClientId,
                3 => v4::ConnectReturnCode::ServiceUnavailable,
                4 => v4::ConnectReturnCode::BadUserNamePassword,
                _ => v4::ConnectReturnCode::NotAuthorized,
            },
        }),
        Packet::Publish(p) => v4::Packet::Publish(v4::Publish {
            dup: p.dup,
            qos: mq_qos(p.qos_pid.qos()),
            retain: p.retain,
            topic: p.topic.to_string(),
            pkid: pkid(p.qos_pid),
            payload: Bytes::from(p.payload.clone()),
        }),
        Packet::PubAck(a) => v4::Packet::PubAck(v4::PubAck { pkid: a.pid.get() }),
        Packet::PubRec(a) => v4::Packet::PubRec(v4::PubRec { pkid: a.pid.get() }),
        Packet::PubRel(a) => v4::Packet::PubRel(v4::PubRel { pkid: a.pid.get() }),
        Packet::PubComp(a) => v4::Packet::PubComp(v4::PubComp { pkid: a.pid.get() }),
        Packet::Subscribe(s) => v4::Packet::Subscribe(v4::Subscribe {
            pkid: s.pid.get(),
            filters: s
                .filters
                .iter()
                .map(|f| v4::SubscribeFilter::new(f.filter.to_string(), mq_qos(f.options.qos)))
                .collect(),
        }),
        Packet::SubAck(s) => v4::Packet::SubAck(v4::SubAck {
            pkid: s.pid.get(),
            return_codes: s
                .reasons
                .iter()
                .map(|c| match c {
                    SubAckReasonCode::GrantedQos0 => {
                        v4::SubscribeReasonCode::Success(mqttbytes::QoS::AtMostOnce)
                    }
                    SubAckReasonCode::GrantedQos1 => {
                        v4::SubscribeReasonCode::Success(mqttbytes::QoS::AtLeastOnce)
                    }
                    SubAckReasonCode::GrantedQos2 => {
                        v4::SubscribeReasonCode::Success(mqttbytes::QoS::ExactlyOnce)
                    }
                    _ => v4::SubscribeReasonCode::Failure,
                })
                .collect(),
        }),
        Packet::Unsubscribe(u) => v4::Packet::Unsubscribe(v4::Unsubscribe {
            pkid: u.pid.get(),
            topics: u.filters.iter().map(ToString::to_string).collect(),
        }),
        Packet::UnsubAck(u) => v4::Packet::UnsubAck(v4::UnsubAck { pkid: u.pid.get() }),
        Packet::PingReq => v4::Packet::PingReq,
        Packet::PingResp => v4::Packet::PingResp,
        Packet::Disconnect(_) => v4::Packet::Disconnect,
        Packet::Auth(_) => return None, // no AUTH in 3.1.1
    })
}

fn from_v4(p: v4::Packet) -> Packet {
    match p {
        v4::Packet::Connect(c) => {
            let (username, password) = c
                .login
                .map_or((None, None), |l| from_login(l.username, l.password));
            Packet::Connect(Connect {
                protocol: ProtocolVersion::V3_1_1,
                clean_start: c.clean_session,
                keep_alive: c.keep_alive,
                properties: Properties::default(),
                client_id: c.client_id,
                will: c.last_will.map(|w| Will {
                    topic: topic(w.topic),
                    payload: w.message.to_vec(),
                    qos: our_qos(w.qos),
                    retain: w.retain,
                    properties: Properties::default(),
                }),
                username,
                password,
            })
        }
        v4::Packet::ConnAck(a) => Packet::ConnAck(ConnAck {
            session_present: a.session_present,
            reason: ConnectReasonCode::from_v3(a.code as u8).expect("0..=5"),
            properties: Properties::default(),
        }),
        v4::Packet::Publish(p) => Packet::Publish(Publish {
            dup: p.dup,
            qos_pid: our_qos_pid(p.qos, p.pkid),
            retain: p.retain,
            topic: topic(p.topic),
            properties: Properties::default(),
            payload: p.payload.to_vec(),
        }),
        v4::Packet::PubAck(a) => Packet::PubAck(PubAck::new(pid(a.pkid))),
        v4::Packet::PubRec(a) => Packet::PubRec(PubRec::new(pid(a.pkid))),
        v4::Packet::PubRel(a) => Packet::PubRel(PubRel::new(pid(a.pkid))),
        v4::Packet::PubComp(a) => Packet::PubComp(PubComp::new(pid(a.pkid))),
        v4::Packet::Subscribe(s) => Packet::Subscribe(Subscribe::new(
            pid(s.pkid),
            s.filters
                .into_iter()
                .map(|f| Subscription::new(filter(f.path), our_qos(f.qos)))
                .collect(),
        )),
        v4::Packet::SubAck(s) => Packet::SubAck(SubAck::new(
            pid(s.pkid),
            s.return_codes
                .into_iter()
                .map(|c| match c {
                    v4::SubscribeReasonCode::Success(q) => {
                        SubAckReasonCode::from_u8(q as u8).expect("granted QoS")
                    }
                    v4::SubscribeReasonCode::Failure => SubAckReasonCode::UnspecifiedError,
                })
                .collect(),
        )),
        v4::Packet::Unsubscribe(u) => Packet::Unsubscribe(Unsubscribe::new(
            pid(u.pkid),
            u.topics.into_iter().map(filter).collect(),
        )),
        v4::Packet::UnsubAck(u) => Packet::UnsubAck(UnsubAck::new(pid(u.pkid), Vec::new())),
        v4::Packet::PingReq => Packet::PingReq,
        v4::Packet::PingResp => Packet::PingResp,
        v4::Packet::Disconnect => Packet::Disconnect(Disconnect::default()),
    }
}

fn write_v4(p: &v4::Packet) -> Vec<u8> {
    let mut b = BytesMut::new();
    let r = match p {
        v4::Packet::Connect(x) => x.write(&mut b),
        v4::Packet::ConnAck(x) => x.write(&mut b),
        v4::Packet::Publish(x) => x.write(&mut b),
        v4::Packet::PubAck(x) => x.write(&mut b),
        v4::Packet::PubRec(x) => x.write(&mut b),
        v4::Packet::PubRel(x) => x.write(&mut b),
        v4::Packet::PubComp(x) => x.write(&mut b),
        v4::Packet::Subscribe(x) => x.write(&mut b),
        v4::Packet::SubAck(x) => x.write(&mut b),
        v4::Packet::Unsubscribe(x) => x.write(&mut b),
        v4::Packet::UnsubAck(x) => x.write(&mut b),
        v4::Packet::PingReq => v4::PingReq.write(&mut b),
        v4::Packet::PingResp => v4::PingResp.write(&mut b),
        v4::Packet::Disconnect => v4::Disconnect.write(&mut b),
    };
    r.expect("mqttbytes v4 writes");
    b.to_vec()
}

fn read_v4(bytes: &[u8]) -> Result<v4::Packet, mqttbytes::Error> {
    v4::read(&mut BytesMut::from(bytes), usize::MAX)
}

// ---------------------------------------------------------------- 5.0 (v5)

fn read_v5(bytes: &[u8]) -> Result<v5::Packet, mqttbytes::Error> {
    v5::read(&mut BytesMut::from(bytes), usize::MAX)
}

/// Several mqttbytes v5 reason enums have no public constructor from a
/// byte; reading a minimal packet through mqttbytes gives the variant.
fn via_v5<T>(bytes: &[u8], pick: impl FnOnce(v5::Packet) -> Option<T>) -> T {
    pick(read_v5(bytes).expect("minimal packet reads")).expect("packet of the expected type")
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

fn unflag(b: u8) -> bool {
    assert!(b <= 1, "flag byte {b}");
    b == 1
}

fn will_props(p: &Properties) -> Option<v5::WillProperties> {
    (!p.is_empty()).then(|| v5::WillProperties {
        delay_interval: p.will_delay_interval,
        payload_format_indicator: p.payload_format_indicator.map(flag),
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type.clone(),
        response_topic: p.response_topic.as_ref().map(ToString::to_string),
        correlation_data: p.correlation_data.clone().map(Bytes::from),
        user_properties: p.user_properties.clone(),
    })
}

fn from_will_props(p: Option<v5::WillProperties>) -> Properties {
    p.map_or_else(Properties::default, |p| Properties {
        will_delay_interval: p.delay_interval,
        payload_format_indicator: p.payload_format_indicator.map(unflag),
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type,
        response_topic: p.response_topic.map(topic),
        correlation_data: p.correlation_data.map(|b| b.to_vec()),
        user_properties: p.user_properties,
        ..Properties::default()
    })
}

fn connect_props(p: &Properties) -> Option<v5::ConnectProperties> {
    (!p.is_empty()).then(|| v5::ConnectProperties {
        session_expiry_interval: p.session_expiry_interval,
        receive_maximum: p.receive_maximum.map(|v| v.get()),
        max_packet_size: p.maximum_packet_size.map(|v| v.get()),
        topic_alias_max: p.topic_alias_maximum,
        request_response_info: p.request_response_information.map(flag),
        request_problem_info: p.request_problem_information.map(flag),
        user_properties: p.user_properties.clone(),
        authentication_method: p.authentication_method.clone(),
        authentication_data: p.authentication_data.clone().map(Bytes::from),
    })
}

fn from_connect_props(p: Option<v5::ConnectProperties>) -> Properties {
    p.map_or_else(Properties::default, |p| Properties {
        session_expiry_interval: p.session_expiry_interval,
        receive_maximum: p.receive_maximum.and_then(std::num::NonZeroU16::new),
        maximum_packet_size: p.max_packet_size.and_then(std::num::NonZeroU32::new),
        topic_alias_maximum: p.topic_alias_max,
        request_response_information: p.request_response_info.map(unflag),
        request_problem_information: p.request_problem_info.map(unflag),
        user_properties: p.user_properties,
        authentication_method: p.authentication_method,
        authentication_data: p.authentication_data.map(|b| b.to_vec()),
        ..Properties::default()
    })
}

/// Always `Some`: with `None` mqttbytes omits the Property Length.
fn connack_props(p: &Properties) -> Option<v5::ConnAckProperties> {
    Some(v5::ConnAckProperties {
        session_expiry_interval: p.session_expiry_interval,
        receive_max: p.receive_maximum.map(|v| v.get()),
        max_qos: p.maximum_qos.map(|q| q as u8),
        retain_available: p.retain_available.map(flag),
        max_packet_size: p.maximum_packet_size.map(|v| v.get()),
        assigned_client_identifier: p.assigned_client_identifier.clone(),
        topic_alias_max: p.topic_alias_maximum,
        reason_string: p.reason_string.clone(),
        user_properties: p.user_properties.clone(),
        wildcard_subscription_available: p.wildcard_subscription_available.map(flag),
        subscription_identifiers_available: p.subscription_identifier_available.map(flag),
        shared_subscription_available: p.shared_subscription_available.map(flag),
        server_keep_alive: p.server_keep_alive,
        response_information: p.response_information.clone(),
        server_reference: p.server_reference.clone(),
        authentication_method: p.authentication_method.clone(),
        authentication_data: p.authentication_data.clone().map(Bytes::from),
    })
}

fn from_connack_props(p: Option<v5::ConnAckProperties>) -> Properties {
    p.map_or_else(Properties::default, |p| Properties {
        session_expiry_interval: p.session_expiry_interval,
        receive_maximum: p.receive_max.and_then(std::num::NonZeroU16::new),
        maximum_qos: p.max_qos.map(|q| QoS::try_from(q).expect("0 or 1")),
        retain_available: p.retain_available.map(unflag),
        maximum_packet_size: p.max_packet_size.and_then(std::num::NonZeroU32::new),
        assigned_client_identifier: p.assigned_client_identifier,
        topic_alias_maximum: p.topic_alias_max,
        reason_string: p.reason_string,
        user_properties: p.user_properties,
        wildcard_subscription_available: p.wildcard_subscription_available.map(unflag),
        subscription_identifier_available: p.subscription_identifiers_available.map(unflag),
        shared_subscription_available: p.shared_subscription_available.map(unflag),
        server_keep_alive: p.server_keep_alive,
        response_information: p.response_information,
        server_reference: p.server_reference,
        authentication_method: p.authentication_method,
        authentication_data: p.authentication_data.map(|b| b.to_vec()),
        ..Properties::default()
    })
}

fn publish_props(p: &Properties) -> Option<v5::PublishProperties> {
    (!p.is_empty()).then(|| v5::PublishProperties {
        payload_format_indicator: p.payload_format_indicator.map(flag),
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias.map(|v| v.get()),
        response_topic: p.response_topic.as_ref().map(ToString::to_string),
        correlation_data: p.correlation_data.clone().map(Bytes::from),
        user_properties: p.user_properties.clone(),
        subscription_identifiers: p
            .subscription_identifiers
            .iter()
            .map(|s| s.get() as usize)
            .collect(),
        content_type: p.content_type.clone(),
    })
}

fn from_publish_props(p: Option<v5::PublishProperties>) -> Properties {
    p.map_or_else(Properties::default, |p| Properties {
        payload_format_indicator: p.payload_format_indicator.map(unflag),
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias.and_then(std::num::NonZeroU16::new),
        response_topic: p.response_topic.map(topic),
        correlation_data: p.correlation_data.map(|b| b.to_vec()),
        user_properties: p.user_properties,
        subscription_identifiers: p
            .subscription_identifiers
            .into_iter()
            .map(|v| SubscriptionId::new(v as u32).expect("valid id"))
            .collect(),
        content_type: p.content_type,
        ..Properties::default()
    })
}

/// Reason String and User Properties: the acknowledgements' properties.
type ReasonProps = (Option<String>, Vec<(String, String)>);

fn reason_props(p: &Properties) -> Option<ReasonProps> {
    (!p.is_empty()).then(|| (p.reason_string.clone(), p.user_properties.clone()))
}

fn from_reason_props(
    reason_string: Option<String>,
    user_properties: Vec<(String, String)>,
) -> Properties {
    Properties {
        reason_string,
        user_properties,
        ..Properties::default()
    }
}

macro_rules! ack_to_v5 {
    ($a:expr, $t:ident, $props:ident, $first:literal) => {{
        let code = $a.reason.code();
        v5::$t {
            pkid: $a.pid.get(),
            reason: via_v5(&[$first, 3, 0, 1, code], |p| match p {
                v5::Packet::$t(x) => Some(x.reason),
                _ => None,
            }),
            properties: reason_props(&$a.properties).map(|(reason_string, user_properties)| {
                v5::$props {
                    reason_string,
                    user_properties,
                }
            }),
        }
    }};
}

fn to_v5(p: &Packet) -> Option<v5::Packet> {
    Some(match p {
        Packet::Connect(c) => v5::Packet::Connect(v5::Connect {
            protocol: Protocol::V5,
            keep_alive: c.keep_alive,
            client_id: c.client_id.clone(),
            clean_session: c.clean_start,
            last_will: c.will.as_ref().map(|w| v5::LastWill {
                topic: w.topic.to_string(),
                message: Bytes::from(w.payload.clone()),
                qos: mq_qos(w.qos),
                retain: w.retain,
                properties: will_props(&w.properties),
            }),
            login: login(c)?.map(|(username, password)| v5::Login { username, password }),
            properties: connect_props(&c.properties),
        }),
        Packet::ConnAck(a) => v5::Packet::ConnAck(v5::ConnAck {
            session_present: a.session_present,
            code: via_v5(&[0x20, 3, 0, a.reason.code(), 0], |p| match p {
                v5::Packet::ConnAck(x) => Some(x.code),
                _ => None,
            }),
            properties: connack_props(&a.properties),
        }),
        Packet::Publish(p) => v5::Packet::Publish(v5::Publish {
            dup: p.dup,
            qos: mq_qos(p.qos_pid.qos()),
            retain: p.retain,
            topic: p.topic.to_string(),
            pkid: pkid(p.qos_pid),
            properties: publish_props(&p.properties),
            payload: Bytes::from(p.payload.clone()),
        }),
        Packet::PubAck(a) => v5::Packet::PubAck(ack_to_v5!(a, PubAck, PubAckProperties, 0x40)),
        Packet::PubRec(a) => v5::Packet::PubRec(ack_to_v5!(a, PubRec, PubRecProperties, 0x50)),
        Packet::PubRel(a) => v5::Packet::PubRel(ack_to_v5!(a, PubRel, PubRelProperties, 0x62)),
        Packet::PubComp(a) => v5::Packet::PubComp(ack_to_v5!(a, PubComp, PubCompProperties, 0x70)),
        Packet::Subscribe(s) => v5::Packet::Subscribe(v5::Subscribe {
            pkid: s.pid.get(),
            filters: s
                .filters
                .iter()
                .map(|f| v5::SubscribeFilter {
                    path: f.filter.to_string(),
                    qos: mq_qos(f.options.qos),
                    nolocal: f.options.no_local,
                    preserve_retain: f.options.retain_as_published,
                    retain_forward_rule: match f.options.retain_handling {
                        RetainHandling::SendAtSubscribe => v5::RetainForwardRule::OnEverySubscribe,
                        RetainHandling::SendAtSubscribeIfNew => {
                            v5::RetainForwardRule::OnNewSubscribe
                        }
                        RetainHandling::DoNotSend => v5::RetainForwardRule::Never,
                    },
                })
                .collect(),
            properties: (!s.properties.is_empty()).then(|| v5::SubscribeProperties {
                id: s
                    .properties
                    .subscription_identifiers
                    .first()
                    .map(|i| i.get() as usize),
                user_properties: s.properties.user_properties.clone(),
            }),
        }),
        Packet::SubAck(s) => v5::Packet::SubAck(v5::SubAck {
            pkid: s.pid.get(),
            return_codes: s
                .reasons
                .iter()
                .map(|c| v5::SubscribeReasonCode::try_from(c.code()).expect("same table"))
                .collect(),
            properties: reason_props(&s.properties).map(|(reason_string, user_properties)| {
                v5::SubAckProperties {
                    reason_string,
                    user_properties,
                }
            }),
        }),
        Packet::Unsubscribe(u) => v5::Packet::Unsubscribe(v5::Unsubscribe {
            pkid: u.pid.get(),
            filters: u.filters.iter().map(ToString::to_string).collect(),
            properties: (!u.properties.is_empty()).then(|| v5::UnsubscribeProperties {
                user_properties: u.properties.user_properties.clone(),
            }),
        }),
        Packet::UnsubAck(u) => v5::Packet::UnsubAck(v5::UnsubAck {
            pkid: u.pid.get(),
            reasons: u
                .reasons
                .iter()
                .map(|c| {
                    via_v5(&[0xB0, 4, 0, 1, 0, c.code()], |p| match p {
                        v5::Packet::UnsubAck(mut x) => x.reasons.pop(),
                        _ => None,
                    })
                })
                .collect(),
            properties: reason_props(&u.properties).map(|(reason_string, user_properties)| {
                v5::UnsubAckProperties {
                    reason_string,
                    user_properties,
                }
            }),
        }),
        Packet::PingReq => v5::Packet::PingReq,
        Packet::PingResp => v5::Packet::PingResp,
        Packet::Disconnect(d) => v5::Packet::Disconnect(v5::Disconnect {
            reason_code: v5::DisconnectReasonCode::try_from(d.reason.code()).expect("same table"),
            properties: (!d.properties.is_empty()).then(|| v5::DisconnectProperties {
                session_expiry_interval: d.properties.session_expiry_interval,
                reason_string: d.properties.reason_string.clone(),
                user_properties: d.properties.user_properties.clone(),
                server_reference: d.properties.server_reference.clone(),
            }),
        }),
        Packet::Auth(_) => return None, // mqttbytes has no AUTH
    })
}

fn from_v5(p: v5::Packet) -> Packet {
    match p {
        v5::Packet::Connect(c) => {
            let (username, password) = c
                .login
                .map_or((None, None), |l| from_login(l.username, l.password));
            Packet::Connect(Connect {
                protocol: ProtocolVersion::V5,
                clean_start: c.clean_session,
                keep_alive: c.keep_alive,
                properties: from_connect_props(c.properties),
                client_id: c.client_id,
                will: c.last_will.map(|w| Will {
                    topic: topic(w.topic),
                    payload: w.message.to_vec(),
                    qos: our_qos(w.qos),
                    retain: w.retain,
                    properties: from_will_props(w.properties),
                }),
                username,
                password,
            })
        }
        v5::Packet::ConnAck(a) => Packet::ConnAck(ConnAck {
            session_present: a.session_present,
            reason: ConnectReasonCode::from_u8(a.code as u8).expect("same table"),
            properties: from_connack_props(a.properties),
        }),
        v5::Packet::Publish(p) => Packet::Publish(Publish {
            dup: p.dup,
            qos_pid: our_qos_pid(p.qos, p.pkid),
            retain: p.retain,
            topic: topic(p.topic),
            properties: from_publish_props(p.properties),
            payload: p.payload.to_vec(),
        }),
        v5::Packet::PubAck(a) => Packet::PubAck(PubAck {
            pid: pid(a.pkid),
            reason: PubAckReasonCode::from_u8(a.reason as u8).expect("same table"),
            properties: a.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
        }),
        v5::Packet::PubRec(a) => Packet::PubRec(PubRec {
            pid: pid(a.pkid),
            reason: PubRecReasonCode::from_u8(a.reason as u8).expect("same table"),
            properties: a.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
        }),
        v5::Packet::PubRel(a) => Packet::PubRel(PubRel {
            pid: pid(a.pkid),
            reason: PubRelReasonCode::from_u8(a.reason as u8).expect("same table"),
            properties: a.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
        }),
        v5::Packet::PubComp(a) => Packet::PubComp(PubComp {
            pid: pid(a.pkid),
            reason: PubCompReasonCode::from_u8(a.reason as u8).expect("same table"),
            properties: a.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
        }),
        v5::Packet::Subscribe(s) => Packet::Subscribe(Subscribe {
            pid: pid(s.pkid),
            properties: s
                .properties
                .map_or_else(Properties::default, |p| Properties {
                    subscription_identifiers: p
                        .id
                        .map(|i| SubscriptionId::new(i as u32).expect("valid id"))
                        .into_iter()
                        .collect(),
                    user_properties: p.user_properties,
                    ..Properties::default()
                }),
            filters: s
                .filters
                .into_iter()
                .map(|f| Subscription {
                    filter: filter(f.path),
                    options: SubscriptionOptions {
                        qos: our_qos(f.qos),
                        no_local: f.nolocal,
                        retain_as_published: f.preserve_retain,
                        retain_handling: match f.retain_forward_rule {
                            v5::RetainForwardRule::OnEverySubscribe => {
                                RetainHandling::SendAtSubscribe
                            }
                            v5::RetainForwardRule::OnNewSubscribe => {
                                RetainHandling::SendAtSubscribeIfNew
                            }
                            v5::RetainForwardRule::Never => RetainHandling::DoNotSend,
                        },
                    },
                })
                .collect(),
        }),
        v5::Packet::SubAck(s) => Packet::SubAck(SubAck {
            pid: pid(s.pkid),
            properties: s.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
            reasons: s
                .return_codes
                .into_iter()
                .map(|c| SubAckReasonCode::from_u8(c as u8).expect("same table"))
                .collect(),
        }),
        v5::Packet::Unsubscribe(u) => Packet::Unsubscribe(Unsubscribe {
            pid: pid(u.pkid),
            properties: u
                .properties
                .map_or_else(Properties::default, |p| Properties {
                    user_properties: p.user_properties,
                    ..Properties::default()
                }),
            filters: u.filters.into_iter().map(filter).collect(),
        }),
        v5::Packet::UnsubAck(u) => Packet::UnsubAck(UnsubAck {
            pid: pid(u.pkid),
            properties: u.properties.map_or_else(Properties::default, |p| {
                from_reason_props(p.reason_string, p.user_properties)
            }),
            reasons: u
                .reasons
                .into_iter()
                .map(|c| UnsubAckReasonCode::from_u8(c as u8).expect("same table"))
                .collect(),
        }),
        v5::Packet::PingReq => Packet::PingReq,
        v5::Packet::PingResp => Packet::PingResp,
        v5::Packet::Disconnect(d) => Packet::Disconnect(Disconnect {
            reason: DisconnectReasonCode::from_u8(d.reason_code as u8).expect("same table"),
            properties: d
                .properties
                .map_or_else(Properties::default, |p| Properties {
                    session_expiry_interval: p.session_expiry_interval,
                    reason_string: p.reason_string,
                    user_properties: p.user_properties,
                    server_reference: p.server_reference,
                    ..Properties::default()
                }),
        }),
    }
}

fn write_v5(p: &v5::Packet) -> Vec<u8> {
    let mut b = BytesMut::new();
    let r = match p {
        v5::Packet::Connect(x) => x.write(&mut b),
        v5::Packet::ConnAck(x) => x.write(&mut b),
        v5::Packet::Publish(x) => x.write(&mut b),
        v5::Packet::PubAck(x) => x.write(&mut b),
        v5::Packet::PubRec(x) => x.write(&mut b),
        v5::Packet::PubRel(x) => x.write(&mut b),
        v5::Packet::PubComp(x) => x.write(&mut b),
        v5::Packet::Subscribe(x) => x.write(&mut b),
        v5::Packet::SubAck(x) => x.write(&mut b),
        v5::Packet::Unsubscribe(x) => x.write(&mut b),
        v5::Packet::UnsubAck(x) => x.write(&mut b),
        v5::Packet::PingReq => v5::PingReq.write(&mut b),
        v5::Packet::PingResp => v5::PingResp.write(&mut b),
        v5::Packet::Disconnect(x) => x.write(&mut b),
    };
    r.expect("mqttbytes v5 writes");
    b.to_vec()
}

/// A 5.0 DISCONNECT without Property Length, which mqttbytes cannot read.
fn short_disconnect(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0xE0) && bytes.len() <= 3
}

fn fail(e: impl std::fmt::Debug) -> TestCaseError {
    TestCaseError::fail(format!("{e:?}"))
}

proptest! {
    #[test]
    fn agrees_with_mqttbytes_v4(p in packet(ProtocolVersion::V3_1_1)) {
        let theirs = to_v4(&p);
        prop_assume!(theirs.is_some(), "mqttbytes cannot represent this value");
        let theirs = theirs.expect("checked");
        let v = ProtocolVersion::V3_1_1;
        let mut ours = Vec::new();
        p.encode(v, &mut ours).map_err(fail)?;
        // Our bytes, their decoder.
        prop_assert_eq!(from_v4(read_v4(&ours).map_err(fail)?), p.clone());
        // Their bytes, our decoder; and the bytes are the same.
        let their_bytes = write_v4(&theirs);
        prop_assert_eq!(decode(&their_bytes, usize::MAX, v), Ok(Some((p.clone(), their_bytes.len()))));
        prop_assert_eq!(their_bytes, ours);
    }

    #[test]
    fn agrees_with_mqttbytes_v5(p in packet(ProtocolVersion::V5)) {
        let theirs = to_v5(&p);
        prop_assume!(theirs.is_some(), "mqttbytes cannot represent this value");
        let theirs = theirs.expect("checked");
        let v = ProtocolVersion::V5;
        let mut ours = Vec::new();
        p.encode(v, &mut ours).map_err(fail)?;
        // Our bytes, their decoder; except the short DISCONNECTs its reader refuses.
        if !short_disconnect(&ours) {
            prop_assert_eq!(from_v5(read_v5(&ours).map_err(fail)?), p.clone());
        }
        // Their bytes, our decoder (their property order differs: values compared).
        let their_bytes = write_v5(&theirs);
        prop_assert_eq!(decode(&their_bytes, usize::MAX, v), Ok(Some((p.clone(), their_bytes.len()))));
        prop_assert_eq!(their_bytes.len(), ours.len());
    }
}

#[test]
fn every_vector_agrees_with_mqttbytes_where_it_can_say_it() {
    let mut compared = 0;
    for v in crate::mqtt::packet::vectors::all() {
        let first = v.first();
        match v.version {
            ProtocolVersion::V3_1_1 => {
                let Some(theirs) = to_v4(&v.packet) else {
                    continue;
                };
                assert_eq!(
                    from_v4(read_v4(first).expect(v.name)),
                    v.packet,
                    "{}",
                    v.name
                );
                assert_eq!(write_v4(&theirs), first, "{}", v.name);
            }
            ProtocolVersion::V5 => {
                let Some(theirs) = to_v5(&v.packet) else {
                    continue;
                };
                if !short_disconnect(first) {
                    assert_eq!(
                        from_v5(read_v5(first).expect(v.name)),
                        v.packet,
                        "{}",
                        v.name
                    );
                }
                let b = write_v5(&theirs);
                assert_eq!(
                    decode(&b, usize::MAX, v.version),
                    Ok(Some((v.packet.clone(), b.len()))),
                    "{}",
                    v.name
                );
            }
            ProtocolVersion::V3_1 => continue,
        }
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} vectors compared");
}

/// What mqttbytes 0.6 does differently, pinned so that a change shows.
#[test]
fn mqttbytes_discrepancies() {
    // Bug: a v5 CONNACK without properties is written without its Property
    // Length, and mqttbytes cannot read it back; we refuse it too.
    let connack = v5::ConnAck::new(v5::ConnectReturnCode::Success, false);
    let b = write_v5(&v5::Packet::ConnAck(connack));
    assert_eq!(b, [0x20, 0x02, 0x00, 0x00]);
    assert!(read_v5(&b).is_err());
    assert!(decode(&b, 99, ProtocolVersion::V5).is_err());
    // Bug: the shortest v5 DISCONNECT, which mqttbytes writes, it cannot read.
    let b = write_v5(&v5::Packet::Disconnect(v5::Disconnect::new()));
    assert_eq!(b, [0xE0, 0x00]);
    assert_eq!(read_v5(&b), Err(mqttbytes::Error::PayloadRequired));
    assert_eq!(
        decode(&b, 99, ProtocolVersion::V5),
        Ok(Some((Packet::Disconnect(Disconnect::default()), 2)))
    );
    // Bug: the same with a reason code and no properties.
    let with_will = v5::Disconnect {
        reason_code: v5::DisconnectReasonCode::DisconnectWithWillMessage,
        properties: None,
    };
    let b = write_v5(&v5::Packet::Disconnect(with_will));
    assert_eq!(b, [0xE0, 0x01, 0x04]);
    assert_eq!(read_v5(&b), Err(mqttbytes::Error::InsufficientBytes(1)));
    assert!(decode(&b, 99, ProtocolVersion::V5).is_ok());
    // Unsupported: MQTT 3.1 CONNECT.
    let v31 = [
        0x10,
        12 + 2,
        0,
        6,
        b'M',
        b'Q',
        b'I',
        b's',
        b'd',
        b'p',
        3,
        2,
        0,
        0,
        0,
        0,
    ];
    assert_eq!(read_v4(&v31), Err(mqttbytes::Error::InvalidProtocol));
    assert!(decode(&v31, 99, ProtocolVersion::V3_1_1).is_ok());

    // Less strict: each of these is malformed by the specification; mqttbytes
    // reads it, we refuse it.
    let v4_cases: &[(&str, &[u8])] = &[
        ("PUBACK with reserved flags", &[0x41, 2, 0, 1]),
        ("PUBLISH DUP with QoS 0", &[0x38, 4, 0, 1, b't', b'x']),
        ("non-minimal Remaining Length", &[0xC0, 0x80, 0x00]),
        ("wildcard in a topic name", &[0x30, 3, 0, 1, b'#']),
        ("U+0000 in a topic name", &[0x30, 3, 0, 1, 0]),
        ("SUBSCRIBE without filters", &[0x82, 2, 0, 1]),
        ("SUBSCRIBE with flags 0000", &[0x80, 6, 0, 1, 0, 1, b'a', 0]),
        ("CONNACK reserved flag bits", &[0x20, 2, 0x80, 0]),
    ];
    for (what, b) in v4_cases {
        assert!(read_v4(b).is_ok(), "mqttbytes v4 now refuses: {what}");
        assert!(
            decode(b, 99, ProtocolVersion::V3_1_1).is_err(),
            "we accept: {what}"
        );
    }
    let v5_cases: &[(&str, &[u8])] = &[
        (
            "duplicate Message Expiry Interval",
            &[0x30, 14, 0, 1, b't', 10, 2, 0, 0, 0, 1, 2, 0, 0, 0, 2],
        ),
        (
            "Payload Format Indicator 7",
            &[0x30, 6, 0, 1, b't', 2, 1, 7],
        ),
        ("Topic Alias 0", &[0x30, 7, 0, 1, b't', 3, 0x23, 0, 0]),
    ];
    for (what, b) in v5_cases {
        assert!(read_v5(b).is_ok(), "mqttbytes v5 now refuses: {what}");
        assert!(
            decode(b, 99, ProtocolVersion::V5).is_err(),
            "we accept: {what}"
        );
    }
}
