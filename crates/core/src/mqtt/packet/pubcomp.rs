//! PUBCOMP: completes a QoS 2 exchange (3.1.1 §3.7, 5.0 §3.7).
//!
//! ```text
//! Fixed header flags: 0b0000
//! 3.1.1: +--------------------+                              Remaining Length 2
//!        | packet identifier  |
//!        +--------------------+
//! 5.0:   +--------------------+--------------+-------------+
//!        | packet identifier  | reason code  | properties  |  both optional: absent
//!        +--------------------+--------------+-------------+  means Success / none
//! ```
//!
//! The body is the same as PUBACK's (shared code in the parent module); this
//! module holds the type and its vectors. The QoS 2 exchange itself is the
//! session's job.

super::ack_packet!(
    /// PUBCOMP: completes a QoS 2 exchange.
    PubComp,
    PubCompReasonCode
);

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, Properties, ProtocolVersion::*, PubCompReasonCode};

    vec![
        Vector {
            name: "PUBCOMP 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x70, 0x02, // PUBCOMP, remaining length 2
                0x00, 0x2A, // packet identifier 42
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubComp(PubComp::new(pid(42))),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBCOMP 5.0 success, short form",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x70, 0x02, // PUBCOMP, remaining length 2: reason Success, no properties
                0x00, 0x2A, // packet identifier 42
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubComp(PubComp::new(pid(42))),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBCOMP 5.0 reason code, no properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x70, 0x03, // PUBCOMP, remaining length 3
                0x00, 0x2A, // packet identifier 42
                0x92,       // reason: PacketIdentifierNotFound; no property length
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubComp(PubComp {
                reason: PubCompReasonCode::PacketIdentifierNotFound,
                ..PubComp::new(pid(42))
            }),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBCOMP 5.0 reason code and properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x70, 0x10,                    // PUBCOMP, remaining length 16
                0x00, 0x2A,                   // packet identifier 42
                0x92,                          // reason: PacketIdentifierNotFound
                0x0C,                         // property length 12
                0x1F, 0x00, 0x02, b'n', b'o', //   Reason String "no"
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property k = v
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::PubComp(PubComp {
                reason: PubCompReasonCode::PacketIdentifierNotFound,
                properties: Properties {
                    reason_string: Some("no".into()),
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                ..PubComp::new(pid(42))
            }),
            next: Packet::PingReq,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{decode, Error, PacketType, ProtocolVersion};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn reserved_flags_and_unknown_codes_are_rejected() {
        let v5 = ProtocolVersion::V5;
        assert_eq!(
            decode(&[0x70 ^ 0x01, 2, 0, 1], 99, v5),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::PubComp,
                flags: (0x70 ^ 0x01) & 0x0F
            })
        );
        assert_eq!(
            decode(&[0x70, 3, 0, 1, 0x01], 99, v5),
            Err(Error::InvalidReasonCode {
                packet: PacketType::PubComp,
                code: 0x01
            })
        );
        assert_eq!(
            decode(&[0x70, 2, 0, 0], 99, ProtocolVersion::V3_1_1),
            Err(Error::ZeroPacketId {
                packet: PacketType::PubComp
            })
        );
    }
}
