//! Where a device may publish and subscribe, and what it may not send.
//!
//! A device publishes and subscribes only under `$oc/devices/{its id}/`;
//! it may also subscribe (never publish) to broadcast topics
//! `$oc/broadcast/...` (IoTDA's broadcast communication: at most 128 bytes
//! and seven `/`). QoS 2 and retained messages are not supported by IoTDA;
//! a publish carries at most 1 MB.
//!
//! What the device is told, per MQTT version:
//!
//! | refused PUBLISH            | 3.1.1                  | 5.0                              |
//! |----------------------------|------------------------|----------------------------------|
//! | another device's topic     | connection closed      | QoS 1: PUBACK 0x87; QoS 0: DISCONNECT 0x87 |
//! | QoS 2                      | connection closed      | DISCONNECT 0x9B                  |
//! | retain                     | connection closed      | DISCONNECT 0x9A                  |
//! | payload over 1 MB          | connection closed      | DISCONNECT 0x95                  |
//!
//! 3.1.1 has no negative acknowledgement: a server that does not authorise
//! a PUBLISH either acknowledges it or closes the connection
//! [MQTT-3.3.5-2]; acknowledging would tell a QoS 1 publisher its message
//! was delivered, so the connection is closed. A refused SUBSCRIBE filter
//! gets SUBACK 0x80 (3.1.1) or 0x87 (5.0); a QoS 2 subscription is granted
//! QoS 1, as a server may grant less than asked [MQTT-3.8.4-6].

use std::fmt;

use iotda_core::mqtt::{
    DisconnectReasonCode, ProtocolVersion, PubAckReasonCode, Publish, QoS, SubAckReasonCode,
    Subscription,
};

/// The largest payload a device may publish: 1 MB.
pub const MAX_PUBLISH_PAYLOAD: usize = 1024 * 1024;

/// The longest broadcast filter a device may subscribe to, bytes.
pub const MAX_BROADCAST_FILTER_LEN: usize = 128;

/// Most `/` a broadcast filter may have.
const MAX_BROADCAST_SLASHES: usize = 7;

/// Why a PUBLISH was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishRefusalKind {
    /// The topic is not under `$oc/devices/{device_id}/`.
    ForeignTopic,
    /// QoS 2.
    Qos2,
    /// The retain flag.
    Retain,
    /// The payload is over [`MAX_PUBLISH_PAYLOAD`].
    TooLarge {
        /// The payload's size, bytes.
        size: usize,
    },
}

/// A refused PUBLISH: what to tell the device and what to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRefusal {
    /// The device.
    pub device_id: String,
    /// The topic it published to.
    pub topic: String,
    /// Why.
    pub kind: PublishRefusalKind,
    /// What to send the device.
    pub answer: PublishAnswer,
}

/// The answer to a refused PUBLISH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishAnswer {
    /// 5.0, QoS 1: a PUBACK with this code; the connection stays.
    PubAck(PubAckReasonCode),
    /// 5.0: a DISCONNECT with this code, then close.
    Disconnect(DisconnectReasonCode),
    /// 3.1.x: close the connection.
    Close,
}

impl fmt::Display for PublishRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (device, topic) = (&self.device_id, &self.topic);
        match &self.kind {
            PublishRefusalKind::ForeignTopic => write!(
                f,
                "device {device:?} may publish only under $oc/devices/{device}/; refused {topic:?}"
            ),
            PublishRefusalKind::Qos2 => write!(
                f,
                "device {device:?} published with QoS 2 to {topic:?}; IoTDA supports QoS 0 and 1"
            ),
            PublishRefusalKind::Retain => write!(
                f,
                "device {device:?} published a retained message to {topic:?}; IoTDA supports no retained messages"
            ),
            PublishRefusalKind::TooLarge { size } => write!(
                f,
                "device {device:?} published {size} bytes to {topic:?}; at most {MAX_PUBLISH_PAYLOAD} are accepted"
            ),
        }?;
        match self.answer {
            PublishAnswer::PubAck(c) => write!(f, " (PUBACK 0x{:02X})", c.code()),
            PublishAnswer::Disconnect(c) => write!(f, " (DISCONNECT 0x{:02X})", c.code()),
            PublishAnswer::Close => write!(f, " (connection closed)"),
        }
    }
}

/// Decides a device's PUBLISH.
pub fn check_publish(
    device_id: &str,
    publish: &Publish,
    version: ProtocolVersion,
) -> Result<(), PublishRefusal> {
    let topic = publish.topic.as_str();
    let qos = publish.qos_pid.qos();
    let kind = if qos == QoS::ExactlyOnce {
        PublishRefusalKind::Qos2
    } else if publish.retain {
        PublishRefusalKind::Retain
    } else if publish.payload.len() > MAX_PUBLISH_PAYLOAD {
        PublishRefusalKind::TooLarge {
            size: publish.payload.len(),
        }
    } else if !is_own(device_id, topic) {
        PublishRefusalKind::ForeignTopic
    } else {
        return Ok(());
    };
    let answer = if !version.is_v5() {
        PublishAnswer::Close
    } else {
        match (&kind, qos) {
            (PublishRefusalKind::ForeignTopic, QoS::AtLeastOnce) => {
                PublishAnswer::PubAck(PubAckReasonCode::NotAuthorized)
            }
            (PublishRefusalKind::ForeignTopic, _) => {
                PublishAnswer::Disconnect(DisconnectReasonCode::NotAuthorized)
            }
            (PublishRefusalKind::Qos2, _) => {
                PublishAnswer::Disconnect(DisconnectReasonCode::QosNotSupported)
            }
            (PublishRefusalKind::Retain, _) => {
                PublishAnswer::Disconnect(DisconnectReasonCode::RetainNotSupported)
            }
            (PublishRefusalKind::TooLarge { .. }, _) => {
                PublishAnswer::Disconnect(DisconnectReasonCode::PacketTooLarge)
            }
        }
    };
    Err(PublishRefusal {
        device_id: device_id.to_string(),
        topic: topic.to_string(),
        kind,
        answer,
    })
}

/// A refused SUBSCRIBE filter: the SUBACK code to splice in and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRefusal {
    /// The device.
    pub device_id: String,
    /// The filter it asked for.
    pub filter: String,
    /// The SUBACK code for this filter.
    pub code: SubAckReasonCode,
}

impl fmt::Display for SubscriptionRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (device, filter) = (&self.device_id, &self.filter);
        write!(
            f,
            "device {device:?} may subscribe only under $oc/devices/{device}/ or $oc/broadcast/; refused {filter:?} (SUBACK 0x{:02X})",
            self.code.code()
        )
    }
}

/// Decides one filter of a device's SUBSCRIBE. An allowed subscription is
/// returned as it should be relayed (QoS 2 lowered to 1).
pub fn check_subscription(
    device_id: &str,
    subscription: &Subscription,
    version: ProtocolVersion,
) -> Result<Subscription, SubscriptionRefusal> {
    let filter = subscription.filter.as_str();
    if !(is_own(device_id, filter) || is_broadcast(filter)) {
        return Err(SubscriptionRefusal {
            device_id: device_id.to_string(),
            filter: filter.to_string(),
            code: if version.is_v5() {
                SubAckReasonCode::NotAuthorized
            } else {
                SubAckReasonCode::UnspecifiedError
            },
        });
    }
    let mut allowed = subscription.clone();
    if allowed.options.qos == QoS::ExactlyOnce {
        allowed.options.qos = QoS::AtLeastOnce;
    }
    Ok(allowed)
}

/// Whether `topic` is one of the device's own system uplinks (reports,
/// answers, requests it sends). IoTDA never sends these back to the device;
/// a broker would, to a device subscribed with a wide filter such as
/// `$oc/devices/{id}/sys/commands/#` (which the official SDKs use, and which
/// also matches `commands/response/...`), so the relay drops them.
pub fn is_own_uplink(device_id: &str, topic: &str) -> bool {
    const UPLINKS: [&str; 9] = [
        "properties/report",
        "gateway/",
        "messages/up",
        "events/up",
        "commands/response/",
        "properties/set/response/",
        "properties/get/response/",
        "shadow/get/request_id",
        "shadow/get/?",
    ];
    topic
        .strip_prefix("$oc/devices/")
        .and_then(|rest| rest.strip_prefix(device_id))
        .and_then(|rest| rest.strip_prefix("/sys/"))
        .is_some_and(|rest| UPLINKS.iter().any(|u| rest.starts_with(u)))
}

/// Whether `topic` (a name or a filter) is under `$oc/devices/{device_id}/`
/// with at least one more level. A wildcard in the device id's place is not.
fn is_own(device_id: &str, topic: &str) -> bool {
    topic
        .strip_prefix("$oc/devices/")
        .and_then(|rest| rest.strip_prefix(device_id))
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|rest| !rest.is_empty())
}

fn is_broadcast(filter: &str) -> bool {
    filter
        .strip_prefix("$oc/broadcast/")
        .is_some_and(|rest| !rest.is_empty())
        && filter.len() <= MAX_BROADCAST_FILTER_LEN
        && filter.matches('/').count() <= MAX_BROADCAST_SLASHES
}

#[cfg(test)]
mod tests {
    use super::*;
    use iotda_core::mqtt::{Pid, QosPid, TopicFilter, TopicName};

    const ID: &str = "prod_node-1";

    fn publish(topic: &str, qos: QoS, retain: bool, size: usize) -> Publish {
        let pid = Pid::new(7).expect("non-zero");
        let qos_pid = match qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(pid),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(pid),
        };
        let mut p = Publish::new(
            TopicName::new(topic).expect("topic"),
            qos_pid,
            vec![b'x'; size],
        );
        p.retain = retain;
        p
    }

    fn sub(filter: &str, qos: QoS) -> Subscription {
        Subscription::new(TopicFilter::new(filter).expect("filter"), qos)
    }

    #[test]
    fn a_device_publishes_under_its_own_id() {
        let own = format!("$oc/devices/{ID}/sys/properties/report");
        for v in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            assert_eq!(
                check_publish(ID, &publish(&own, QoS::AtLeastOnce, false, 10), v),
                Ok(())
            );
        }
    }

    #[test]
    fn another_devices_topic_is_refused_per_version() {
        let other = "$oc/devices/prod_node-2/sys/properties/report";
        let v3 = check_publish(
            ID,
            &publish(other, QoS::AtLeastOnce, false, 1),
            ProtocolVersion::V3_1_1,
        )
        .expect_err("foreign");
        assert_eq!(v3.kind, PublishRefusalKind::ForeignTopic);
        assert_eq!(v3.answer, PublishAnswer::Close);
        let v5 = check_publish(
            ID,
            &publish(other, QoS::AtLeastOnce, false, 1),
            ProtocolVersion::V5,
        )
        .expect_err("foreign");
        assert_eq!(
            v5.answer,
            PublishAnswer::PubAck(PubAckReasonCode::NotAuthorized)
        );
        let v5_qos0 = check_publish(
            ID,
            &publish(other, QoS::AtMostOnce, false, 1),
            ProtocolVersion::V5,
        )
        .expect_err("foreign");
        assert_eq!(
            v5_qos0.answer,
            PublishAnswer::Disconnect(DisconnectReasonCode::NotAuthorized)
        );
        assert!(
            v3.to_string()
                .contains("refused \"$oc/devices/prod_node-2/"),
            "{v3}"
        );
    }

    #[test]
    fn a_prefix_of_the_id_or_a_wildcard_is_not_the_device() {
        for topic in [
            "$oc/devices/prod_node-12/sys/messages/up",
            "$oc/devices/prod_node-1",
            "$oc/devices/prod_node-1/",
            "$oc/devices/prod/sys",
            "oc/devices/prod_node-1/sys/messages/up",
            "$oc/broadcast/test",
        ] {
            assert!(
                check_publish(
                    ID,
                    &publish(topic, QoS::AtMostOnce, false, 1),
                    ProtocolVersion::V3_1_1
                )
                .is_err(),
                "{topic}"
            );
        }
        for filter in [
            "$oc/devices/+/sys/#",
            "$oc/#",
            "#",
            "$oc/devices/prod_node-12/#",
        ] {
            assert!(
                check_subscription(ID, &sub(filter, QoS::AtMostOnce), ProtocolVersion::V3_1_1)
                    .is_err(),
                "{filter}"
            );
        }
    }

    #[test]
    fn qos2_retain_and_size_are_refused() {
        let own = format!("$oc/devices/{ID}/sys/messages/up");
        let cases = [
            (
                publish(&own, QoS::ExactlyOnce, false, 1),
                PublishRefusalKind::Qos2,
                DisconnectReasonCode::QosNotSupported,
            ),
            (
                publish(&own, QoS::AtMostOnce, true, 1),
                PublishRefusalKind::Retain,
                DisconnectReasonCode::RetainNotSupported,
            ),
            (
                publish(&own, QoS::AtLeastOnce, false, MAX_PUBLISH_PAYLOAD + 1),
                PublishRefusalKind::TooLarge {
                    size: MAX_PUBLISH_PAYLOAD + 1,
                },
                DisconnectReasonCode::PacketTooLarge,
            ),
        ];
        for (p, kind, code) in cases {
            let v5 = check_publish(ID, &p, ProtocolVersion::V5).expect_err("refused");
            assert_eq!(v5.kind, kind);
            assert_eq!(v5.answer, PublishAnswer::Disconnect(code));
            let v3 = check_publish(ID, &p, ProtocolVersion::V3_1_1).expect_err("refused");
            assert_eq!(v3.answer, PublishAnswer::Close);
        }
        assert_eq!(
            check_publish(
                ID,
                &publish(&own, QoS::AtLeastOnce, false, MAX_PUBLISH_PAYLOAD),
                ProtocolVersion::V5
            ),
            Ok(())
        );
    }

    #[test]
    fn subscriptions_own_and_broadcast_allowed_qos2_lowered() {
        let own = sub(
            &format!("$oc/devices/{ID}/sys/commands/#"),
            QoS::ExactlyOnce,
        );
        let granted = check_subscription(ID, &own, ProtocolVersion::V5).expect("own");
        assert_eq!(granted.options.qos, QoS::AtLeastOnce);
        assert!(check_subscription(
            ID,
            &sub("$oc/broadcast/test", QoS::AtMostOnce),
            ProtocolVersion::V5
        )
        .is_ok());
        let deep = "$oc/broadcast/a/b/c/d/e/f/g";
        assert!(
            check_subscription(ID, &sub(deep, QoS::AtMostOnce), ProtocolVersion::V5).is_err(),
            "8 slashes"
        );
        let long = format!("$oc/broadcast/{}", "a".repeat(MAX_BROADCAST_FILTER_LEN));
        assert!(check_subscription(ID, &sub(&long, QoS::AtMostOnce), ProtocolVersion::V5).is_err());
    }

    #[test]
    fn own_uplinks_are_recognised_and_downlinks_are_not() {
        for up in [
            "properties/report",
            "messages/up",
            "events/up",
            "commands/response/request_id=1",
            "properties/set/response/request_id=1",
            "properties/get/response/request_id=1",
            "shadow/get/request_id=1",
            "gateway/sub_devices/properties/report",
        ] {
            assert!(
                is_own_uplink(ID, &format!("$oc/devices/{ID}/sys/{up}")),
                "{up}"
            );
        }
        for down in [
            "commands/request_id=1",
            "properties/set/request_id=1",
            "messages/down",
            "events/down",
            "shadow/get/response/request_id=1",
        ] {
            assert!(
                !is_own_uplink(ID, &format!("$oc/devices/{ID}/sys/{down}")),
                "{down}"
            );
        }
        assert!(!is_own_uplink(
            ID,
            "$oc/devices/prod_node-2/sys/messages/up"
        ));
        assert!(!is_own_uplink(
            ID,
            &format!("$oc/devices/{ID}/user/messages/up")
        ));
    }

    #[test]
    fn a_refused_filter_gets_the_versions_failure_code() {
        let other = sub("$oc/devices/x/sys/commands/#", QoS::AtMostOnce);
        let v3 = check_subscription(ID, &other, ProtocolVersion::V3_1_1).expect_err("refused");
        assert_eq!(v3.code.code(), 0x80);
        let v5 = check_subscription(ID, &other, ProtocolVersion::V5).expect_err("refused");
        assert_eq!(v5.code.code(), 0x87);
    }
}
