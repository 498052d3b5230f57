//! PUBACK: the answer to a QoS 1 PUBLISH (3.1.1 §3.4, 5.0 §3.4).
//!
//! ```text
//! 3.1.1: +--------------------+                              Remaining Length 2
//!        | packet identifier  |
//!        +--------------------+
//! 5.0:   +--------------------+--------------+-------------+
//!        | packet identifier  | reason code  | properties  |  both optional: absent
//!        +--------------------+--------------+-------------+  means Success / none
//! ```
//!
//! The shared body code is in the parent module; this module holds the type
//! and its vectors. Matching the identifier to a PUBLISH in flight is the
//! session's job.

super::ack_packet!(
    /// PUBACK: acknowledges a QoS 1 PUBLISH.
    PubAck,
    PubAckReasonCode
);

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, Properties, ProtocolVersion::*, PubAckReasonCode};

    vec![
        Vector {
            name: "PUBACK 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x40, 0x02, // PUBACK, remaining length 2
                0x12, 0x34, // packet identifier 0x1234
                0x40, 0x02, 0x12, 0x35, // next packet: PUBACK 0x1235
            ],
            packet: Packet::PubAck(PubAck::new(pid(0x1234))),
            next: Packet::PubAck(PubAck::new(pid(0x1235))),
        },
        Vector {
            name: "PUBACK 5.0 success, short form",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x40, 0x02, // PUBACK, remaining length 2: reason Success, no properties
                0x00, 0x07, // packet identifier 7
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubAck(PubAck::new(pid(7))),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBACK 5.0 reason code, no properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x40, 0x03, // PUBACK, remaining length 3
                0x00, 0x07, // packet identifier 7
                0x10,       // reason: No matching subscribers; no property length
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubAck(PubAck {
                reason: PubAckReasonCode::NoMatchingSubscribers,
                ..PubAck::new(pid(7))
            }),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBACK 5.0 reason code and properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x40, 0x0B,                   // PUBACK, remaining length 11
                0x00, 0x08,                   // packet identifier 8
                0x87,                         // reason: Not authorized
                0x07,                         // property length 7
                0x1F, 0x00, 0x04, b'd', b'e', b'n', b'y', // Reason String "deny"
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::PubAck(PubAck {
                reason: PubAckReasonCode::NotAuthorized,
                properties: Properties {
                    reason_string: Some("deny".into()),
                    ..Properties::default()
                },
                ..PubAck::new(pid(8))
            }),
            next: Packet::PingReq,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{
        decode, Error, Packet, PacketType, Properties, PropertyId, PropertyScope, ProtocolVersion,
        PubAckReasonCode,
    };

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn long_forms_of_success_decode_to_the_same_value() {
        let v5 = ProtocolVersion::V5;
        let short = Packet::PubAck(PubAck::new(crate::mqtt::Pid::new(7).unwrap()));
        // Reason code 0 written out; then also an empty property block.
        assert_eq!(
            decode(&[0x40, 3, 0, 7, 0], 99, v5),
            Ok(Some((short.clone(), 5)))
        );
        assert_eq!(decode(&[0x40, 4, 0, 7, 0, 0], 99, v5), Ok(Some((short, 6))));
    }

    #[test]
    fn malformed_pubacks_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        assert_eq!(
            decode(&[0x40, 3, 0, 7, 0], 99, v3),
            Err(Error::InvalidRemainingLength {
                packet: PacketType::PubAck,
                len: 3
            })
        );
        assert_eq!(
            decode(&[0x40, 2, 0, 0], 99, v3),
            Err(Error::ZeroPacketId {
                packet: PacketType::PubAck
            })
        );
        assert_eq!(
            decode(&[0x40, 1, 0], 99, v5),
            Err(Error::UnexpectedEnd {
                packet: PacketType::PubAck,
                field: crate::text::keys::mqtt_codec::FIELD_PACKET_IDENTIFIER
            })
        );
        assert_eq!(
            decode(&[0x40, 3, 0, 7, 0x92], 99, v5),
            Err(Error::InvalidReasonCode {
                packet: PacketType::PubAck,
                code: 0x92
            })
        );
        assert_eq!(
            decode(&[0x40, 0x02, 0x00, 0x07], 99, v5).map(|o| o.map(|(_, n)| n)),
            Ok(Some(4))
        );
        assert_eq!(
            decode(&[0x40, 7, 0, 7, 0, 3, 0x23, 0, 1], 99, v5),
            Err(Error::PropertyNotAllowed {
                property: PropertyId::TopicAlias,
                scope: PropertyScope::PubAck
            })
        );
        assert_eq!(
            decode(&[0x41, 2, 0, 7], 99, v3),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::PubAck,
                flags: 1
            })
        );
    }

    #[test]
    fn v3_cannot_carry_reason_codes_or_properties() {
        let v3 = ProtocolVersion::V3_1_1;
        let mut p = PubAck::new(crate::mqtt::Pid::new(1).unwrap());
        p.reason = PubAckReasonCode::QuotaExceeded;
        assert_eq!(
            Packet::PubAck(p.clone()).encode(v3, &mut Vec::new()),
            Err(Error::ReasonCodeNotInVersion {
                packet: PacketType::PubAck,
                code: 0x97,
                version: v3
            })
        );
        p.reason = PubAckReasonCode::Success;
        p.properties = Properties {
            reason_string: Some("x".into()),
            ..Properties::default()
        };
        assert_eq!(
            Packet::PubAck(p).encode(v3, &mut Vec::new()),
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_PROPERTIES,
                version: v3
            })
        );
    }
}
