//! PINGRESP: the server's answer to PINGREQ (3.1.1 §3.13, 5.0 §3.13).
//!
//! ```text
//! +------+------+
//! | 0xD0 | 0x00 |   first byte, Remaining Length 0: no variable header, no payload
//! +------+------+
//! ```
//!
//! It has no fields, so it is the unit variant [`Packet::PingResp`](crate::mqtt::Packet::PingResp).
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
                "PINGRESP 5.0"
            } else {
                "PINGRESP 3.1.1"
            },
            version,
            #[rustfmt::skip]
            bytes: vec![
                0xD0, 0x00, // PINGRESP, remaining length 0
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::PingResp,
            next: Packet::PingReq,
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
            decode(&[0xD0, 1, 0], 99, ProtocolVersion::V5),
            Err(Error::InvalidRemainingLength {
                packet: PacketType::PingResp,
                len: 1
            })
        );
        assert_eq!(
            decode(&[0xD0 | 0x01, 0], 99, ProtocolVersion::V3_1_1),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::PingResp,
                flags: 1
            })
        );
    }
}
