//! PUBREC: the first answer to a QoS 2 PUBLISH (3.1.1 §3.5, 5.0 §3.5).
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
    /// PUBREC: the first answer to a QoS 2 PUBLISH.
    PubRec,
    PubRecReasonCode
);

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, Properties, ProtocolVersion::*, PubRecReasonCode};

    vec![
        Vector {
            name: "PUBREC 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x50, 0x02, // PUBREC, remaining length 2
                0x00, 0x2A, // packet identifier 42
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubRec(PubRec::new(pid(42))),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBREC 5.0 success, short form",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x50, 0x02, // PUBREC, remaining length 2: reason Success, no properties
                0x00, 0x2A, // packet identifier 42
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubRec(PubRec::new(pid(42))),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBREC 5.0 reason code, no properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x50, 0x03, // PUBREC, remaining length 3
                0x00, 0x2A, // packet identifier 42
                0x91,       // reason: PacketIdentifierInUse; no property length
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PubRec(PubRec {
                reason: PubRecReasonCode::PacketIdentifierInUse,
                ..PubRec::new(pid(42))
            }),
            next: Packet::PingReq,
        },
        Vector {
            name: "PUBREC 5.0 reason code and properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x50, 0x10,                    // PUBREC, remaining length 16
                0x00, 0x2A,                   // packet identifier 42
                0x91,                          // reason: PacketIdentifierInUse
                0x0C,                         // property length 12
                0x1F, 0x00, 0x02, b'n', b'o', //   Reason String "no"
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property k = v
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::PubRec(PubRec {
                reason: PubRecReasonCode::PacketIdentifierInUse,
                properties: Properties {
                    reason_string: Some("no".into()),
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                ..PubRec::new(pid(42))
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
            decode(&[0x50 ^ 0x01, 2, 0, 1], 99, v5),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::PubRec,
                flags: (0x50 ^ 0x01) & 0x0F
            })
        );
        assert_eq!(
            decode(&[0x50, 3, 0, 1, 0x01], 99, v5),
            Err(Error::InvalidReasonCode {
                packet: PacketType::PubRec,
                code: 0x01
            })
        );
        assert_eq!(
            decode(&[0x50, 2, 0, 0], 99, ProtocolVersion::V3_1_1),
            Err(Error::ZeroPacketId {
                packet: PacketType::PubRec
            })
        );
    }
}
