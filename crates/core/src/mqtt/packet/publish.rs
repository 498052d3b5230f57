//! PUBLISH: an application message (3.1.1 §3.3, 5.0 §3.3).
//!
//! ```text
//! Fixed header flags: bit 3 DUP | bits 2-1 QoS | bit 0 RETAIN
//!
//! +------------------+-----------------------------+-----------------+-----------+
//! | topic name       | packet identifier           | properties (5.0)| payload   |
//! | (UTF-8 string)   | (2 bytes, only if QoS > 0)  |                 | (the rest)|
//! +------------------+-----------------------------+-----------------+-----------+
//! ```
//!
//! QoS 3 and DUP with QoS 0 are rejected as soon as the first byte is seen
//! (see [`crate::mqtt::decode`]). The payload is whatever remains of the
//! packet; its size is bounded by the caller's `max_packet_size`. Topic
//! aliases are resolved by the session, not here.

use std::fmt;

use crate::mqtt::codec::{put_str, put_u16, Reader};
use crate::mqtt::{
    encode_frame, Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion, QoS,
    TopicName, VarInt,
};

use super::read_pid;

/// A QoS together with the packet identifier it needs: QoS 0 has none,
/// QoS 1 and 2 have one [MQTT-2.3.1-1] [MQTT-2.3.1-5].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QosPid {
    /// QoS 0: no packet identifier.
    AtMostOnce,
    /// QoS 1 with its packet identifier.
    AtLeastOnce(Pid),
    /// QoS 2 with its packet identifier.
    ExactlyOnce(Pid),
}

impl QosPid {
    /// The QoS.
    pub fn qos(self) -> QoS {
        match self {
            Self::AtMostOnce => QoS::AtMostOnce,
            Self::AtLeastOnce(_) => QoS::AtLeastOnce,
            Self::ExactlyOnce(_) => QoS::ExactlyOnce,
        }
    }

    /// The packet identifier, if the QoS has one.
    pub fn pid(self) -> Option<Pid> {
        match self {
            Self::AtMostOnce => None,
            Self::AtLeastOnce(p) | Self::ExactlyOnce(p) => Some(p),
        }
    }
}

/// PUBLISH: a message for a topic.
#[derive(Clone, PartialEq, Eq)]
pub struct Publish {
    /// DUP: this is a re-delivery (never with QoS 0 [MQTT-3.3.1-2]).
    pub dup: bool,
    /// The QoS and, for QoS 1 and 2, the packet identifier.
    pub qos_pid: QosPid,
    /// RETAIN: the server keeps the message for future subscribers.
    pub retain: bool,
    /// The topic name; empty only in 5.0 with a Topic Alias property.
    pub topic: TopicName,
    /// Properties (5.0 only).
    pub properties: Properties,
    /// The application message.
    pub payload: Vec<u8>,
}

/// Shows the payload as text when it is UTF-8 (JSON, usually), else as hex.
impl fmt::Debug for Publish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Publish");
        d.field("dup", &self.dup)
            .field("qos_pid", &self.qos_pid)
            .field("retain", &self.retain)
            .field("topic", &self.topic)
            .field("properties", &self.properties);
        match std::str::from_utf8(&self.payload) {
            Ok(text) => d.field("payload", &text),
            Err(_) => d.field("payload_hex", &crate::hex::upper(&self.payload, false)),
        };
        d.finish()
    }
}

impl Publish {
    /// A PUBLISH without DUP, RETAIN or properties.
    pub fn new(topic: TopicName, qos_pid: QosPid, payload: Vec<u8>) -> Self {
        Self {
            dup: false,
            qos_pid,
            retain: false,
            topic,
            properties: Properties::default(),
            payload,
        }
    }

    /// Appends this PUBLISH's bytes for `version` to `out`: the same bytes as
    /// [`Packet::encode`](crate::mqtt::Packet::encode) of
    /// `Packet::Publish(self)`, without moving the publish into a packet (a
    /// session keeps its unacknowledged publishes to send them again). On
    /// error nothing is appended.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), Error> {
        let flags = self.header_flags()?;
        encode_frame(PacketType::Publish, flags, out, |out| {
            self.encode_body(version, out)
        })
    }

    /// The fixed-header flags.
    pub(crate) fn header_flags(&self) -> Result<u8, Error> {
        if self.dup && self.qos_pid == QosPid::AtMostOnce {
            return Err(Error::DupWithQos0);
        }
        Ok((u8::from(self.dup) << 3) | ((self.qos_pid.qos() as u8) << 1) | u8::from(self.retain))
    }

    /// The topic must be there, except in 5.0 when a Topic Alias stands in
    /// for it [MQTT-4.7.3-1].
    fn check_topic(&self, version: ProtocolVersion) -> Result<(), Error> {
        if self.topic.is_empty() && !(version.is_v5() && self.properties.topic_alias.is_some()) {
            return Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
            });
        }
        Ok(())
    }

    /// Decodes the body; `flags` were checked with the first byte.
    pub(crate) fn decode(
        mut r: Reader<'_>,
        flags: u8,
        version: ProtocolVersion,
    ) -> Result<Self, Error> {
        let dup = flags & 0b1000 != 0;
        let retain = flags & 0b0001 != 0;
        let topic = TopicName::new(r.string(crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME)?)?;
        let qos_pid = match QoS::try_from((flags >> 1) & 0b11)? {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(read_pid(&mut r)?),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(read_pid(&mut r)?),
        };
        let properties = if version.is_v5() {
            Properties::decode(&mut r, PropertyScope::Publish)?
        } else {
            Properties::default()
        };
        let publish = Self {
            dup,
            qos_pid,
            retain,
            topic,
            properties,
            payload: r.rest().to_vec(),
        };
        publish.check_topic(version)?;
        Ok(publish)
    }

    pub(crate) fn encode_body(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.check_topic(version)?;
        let start = out.len();
        put_str(
            out,
            crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
            self.topic.as_str(),
        )?;
        if let Some(pid) = self.qos_pid.pid() {
            put_u16(out, pid.get());
        }
        if version.is_v5() {
            self.properties.encode(PropertyScope::Publish, out)?;
        } else {
            super::no_properties(&self.properties, version)?;
        }
        // Check before copying: a payload that cannot fit is never copied.
        let len = out.len() - start + self.payload.len();
        if len > VarInt::MAX as usize {
            return Err(Error::RemainingLengthTooLarge(len));
        }
        out.extend_from_slice(&self.payload);
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use std::num::NonZeroU16;

    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, ProtocolVersion::*, PubAck, SubscriptionId};

    let topic = |t: &str| TopicName::new(t).unwrap();
    vec![
        Vector {
            name: "PUBLISH 3.1.1 QoS 1, DUP, RETAIN",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x3B, 12,                           // PUBLISH, DUP, QoS 1, RETAIN; remaining length 12
                0x00, 0x03, b'a', b'/', b'b',       // topic name "a/b"
                0x00, 0x0A,                         // packet identifier 10
                b'h', b'e', b'l', b'l', b'o',       // payload "hello"
                0x40, 0x02, 0x00, 0x0A,             // next packet: PUBACK 10
            ],
            packet: Packet::Publish(Publish {
                dup: true,
                retain: true,
                ..Publish::new(
                    topic("a/b"),
                    QosPid::AtLeastOnce(pid(10)),
                    b"hello".to_vec(),
                )
            }),
            next: Packet::PubAck(PubAck::new(pid(10))),
        },
        Vector {
            name: "PUBLISH 3.1.1 QoS 0, empty payload",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x30, 0x03,                         // PUBLISH, QoS 0; remaining length 3
                0x00, 0x01, b't',                   // topic name "t"; no packet identifier, no payload
                0xC0, 0x00,                         // next packet: PINGREQ
            ],
            packet: Packet::Publish(Publish::new(topic("t"), QosPid::AtMostOnce, vec![])),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBLISH 3.1.1 QoS 2, binary payload",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x34, 0x07,                         // PUBLISH, QoS 2; remaining length 7
                0x00, 0x01, b'x',                   // topic name "x"
                0xFF, 0xFF,                         // packet identifier 65535
                0x00, 0xFF,                         // payload: 2 binary bytes
                0x30, 0x03, 0x00, 0x01, b'y',       // next packet: PUBLISH QoS 0 to "y"
            ],
            packet: Packet::Publish(Publish::new(
                topic("x"),
                QosPid::ExactlyOnce(pid(65535)),
                vec![0x00, 0xFF],
            )),
            next: Packet::Publish(Publish::new(topic("y"), QosPid::AtMostOnce, vec![])),
        },
        Vector {
            name: "PUBLISH 5.0 QoS 1 with every PUBLISH property",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x32, 56,                                   // PUBLISH, QoS 1; remaining length 56
                0x00, 0x03, b'a', b'/', b'b',               // topic name "a/b"
                0x00, 0x01,                                 // packet identifier 1
                46,                                         // property length 46
                0x01, 0x01,                                 //   Payload Format Indicator: UTF-8
                0x02, 0x00, 0x00, 0x00, 0x3C,               //   Message Expiry Interval 60 s
                0x03, 0x00, 0x0A, b't', b'e', b'x', b't', b'/', b'p', b'l', b'a', b'i', b'n', // Content Type
                0x08, 0x00, 0x03, b'r', b'/', b't',         //   Response Topic "r/t"
                0x09, 0x00, 0x02, 0x01, 0x02,               //   Correlation Data [1, 2]
                0x0B, 0x01,                                 //   Subscription Identifier 1
                0x0B, 0x80, 0x01,                           //   Subscription Identifier 128 (two bytes)
                0x23, 0x00, 0x07,                           //   Topic Alias 7
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v',   //   User Property k = v
                b'h', b'i',                                 // payload "hi"
                0x40, 0x02, 0x00, 0x01,                     // next packet: PUBACK 1 (success, short form)
            ],
            packet: Packet::Publish(Publish {
                properties: Properties {
                    payload_format_indicator: Some(true),
                    message_expiry_interval: Some(60),
                    content_type: Some("text/plain".into()),
                    response_topic: Some(topic("r/t")),
                    correlation_data: Some(vec![1, 2]),
                    subscription_identifiers: vec![
                        SubscriptionId::new(1).unwrap(),
                        SubscriptionId::new(128).unwrap(),
                    ],
                    topic_alias: NonZeroU16::new(7),
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                ..Publish::new(topic("a/b"), QosPid::AtLeastOnce(pid(1)), b"hi".to_vec())
            }),
            next: Packet::PubAck(PubAck::new(pid(1))),
        },
        Vector {
            name: "PUBLISH 5.0 QoS 0, empty topic name with Topic Alias",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x31, 0x07,                         // PUBLISH, QoS 0, RETAIN; remaining length 7
                0x00, 0x00,                         // topic name "" (the alias stands for it)
                0x03,                               // property length 3
                0x23, 0x00, 0x07,                   //   Topic Alias 7
                b'x',                               // payload "x"
                0xC0, 0x00,                         // next packet: PINGREQ
            ],
            packet: Packet::Publish(Publish {
                retain: true,
                properties: Properties {
                    topic_alias: NonZeroU16::new(7),
                    ..Properties::default()
                },
                ..Publish::new(topic(""), QosPid::AtMostOnce, b"x".to_vec())
            }),
            next: Packet::PingReq,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{decode, Packet, PacketType, PropertyId};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn malformed_publishes_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        assert_eq!(
            decode(&[0x36, 3, 0, 1, b't'], 99, v3),
            Err(Error::InvalidQos(3))
        );
        assert_eq!(
            decode(&[0x38, 3, 0, 1, b't'], 99, v3),
            Err(Error::DupWithQos0)
        );
        assert_eq!(
            decode(&[0x30, 3, 0, 1, b'+'], 99, v3),
            Err(Error::WildcardInTopicName("+".into()))
        );
        assert_eq!(
            decode(&[0x30, 3, 0, 1, 0], 99, v3),
            Err(Error::NullCharacter {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        assert_eq!(
            decode(&[0x30, 4, 0, 2, 0xC3, 0x28], 99, v3),
            Err(Error::InvalidUtf8 {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        assert_eq!(
            decode(&[0x32, 5, 0, 1, b't', 0, 0], 99, v3),
            Err(Error::ZeroPacketId {
                packet: PacketType::Publish
            })
        );
        assert_eq!(
            decode(&[0x30, 2, 0, 0], 99, v3),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        // 5.0: an empty topic name needs a Topic Alias.
        assert_eq!(
            decode(&[0x30, 3, 0, 0, 0], 99, v5),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        // 5.0: a CONNECT-only property in a PUBLISH.
        assert_eq!(
            decode(&[0x30, 6, 0, 1, b't', 2, 0x17, 1], 99, v5),
            Err(Error::PropertyNotAllowed {
                property: PropertyId::RequestProblemInformation,
                scope: PropertyScope::Publish
            })
        );
        // The topic length points past the end of the packet.
        assert_eq!(
            decode(&[0x30, 3, 0, 9, b't'], 99, v3),
            Err(Error::UnexpectedEnd {
                packet: PacketType::Publish,
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
    }

    #[test]
    fn encoding_rejects_invalid_values() {
        let mut p = Publish::new(TopicName::new("t").unwrap(), QosPid::AtMostOnce, vec![]);
        p.dup = true;
        assert_eq!(
            Packet::Publish(p.clone()).encode(ProtocolVersion::V5, &mut Vec::new()),
            Err(Error::DupWithQos0)
        );
        p.dup = false;
        p.properties.topic_alias = std::num::NonZeroU16::new(1);
        assert_eq!(
            Packet::Publish(p.clone()).encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_PROPERTIES,
                version: ProtocolVersion::V3_1_1
            })
        );
        p.properties = Properties::default();
        p.topic = TopicName::new("").unwrap();
        assert_eq!(
            Packet::Publish(p).encode(ProtocolVersion::V5, &mut Vec::new()),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
    }

    #[test]
    fn publish_encodes_by_reference_as_the_packet_does() {
        for v in vectors() {
            let Packet::Publish(p) = &v.packet else {
                continue;
            };
            let mut by_ref = vec![0xAA];
            p.encode(v.version, &mut by_ref).unwrap();
            assert_eq!(&by_ref[1..], v.first(), "{}", v.name);
        }
        let mut out = vec![0xAA];
        let mut bad = Publish::new(TopicName::new("t").unwrap(), QosPid::AtMostOnce, vec![1]);
        bad.dup = true;
        assert_eq!(
            bad.encode(ProtocolVersion::V3_1_1, &mut out),
            Err(Error::DupWithQos0)
        );
        bad.dup = false;
        bad.topic = TopicName::new("").unwrap();
        assert_eq!(
            bad.encode(ProtocolVersion::V3_1_1, &mut out),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        assert_eq!(out, [0xAA]);
    }

    #[test]
    fn payload_over_the_remaining_length_limit_is_an_error() {
        // 268,435,455 is the most the Remaining Length can say: a payload of
        // that size plus a topic does not fit. The size is checked before the
        // payload is copied, so the zeroed payload below is never touched and
        // costs no memory.
        let p = Publish::new(
            TopicName::new("t").unwrap(),
            QosPid::AtMostOnce,
            vec![0; crate::mqtt::VarInt::MAX as usize - 2],
        );
        let mut out = Vec::new();
        assert_eq!(
            Packet::Publish(p).encode(ProtocolVersion::V3_1_1, &mut out),
            Err(Error::RemainingLengthTooLarge(268_435_456))
        );
        assert!(out.is_empty());
    }
}
