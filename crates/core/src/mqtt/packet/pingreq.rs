//! PINGREQ: the client's keep-alive probe (3.1.1 §3.12, 5.0 §3.12).
//!
//! ```text
//! +------+------+
//! | 0xC0 | 0x00 |   first byte, Remaining Length 0: no variable header, no payload
//! +------+------+
//! ```
//!
//! It has no fields, so it is the unit variant [`Packet::PingReq`](crate::mqtt::Packet::PingReq).
//! When to send it is the session's business.

use crate::mqtt::codec::Reader;
use crate::mqtt::Error;

/// Checks the (empty) body.
pub(crate) fn decode(r: Reader<'_>) -> Result<(), Error> {
    if !r.is_empty() {
        return Err(Error::InvalidRemainingLength {
            packet: r.packet(),
            len: r.remaining(),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::Vector;
    use crate::mqtt::{Packet, ProtocolVersion::*};

    [V3_1_1, V5]
        .into_iter()
        .map(|version| Vector {
            name: if version == V5 {
                "PINGREQ 5.0"
            } else {
                "PINGREQ 3.1.1"
            },
            version,
            #[rustfmt::skip]
            bytes: vec![
                0xC0, 0x00, // PINGREQ, remaining length 0
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::PingReq,
            next: Packet::PingResp,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::vectors;
    use crate::mqtt::{decode, Error, PacketType, ProtocolVersion};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn a_body_or_flags_are_rejected() {
        assert_eq!(
            decode(&[0xC0, 1, 0], 99, ProtocolVersion::V5),
            Err(Error::InvalidRemainingLength {
                packet: PacketType::PingReq,
                len: 1
            })
        );
        assert_eq!(
            decode(&[0xC0 | 0x01, 0], 99, ProtocolVersion::V3_1_1),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::PingReq,
                flags: 1
            })
        );
    }
}
