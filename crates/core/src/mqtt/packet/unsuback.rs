//! UNSUBACK: the server's answer to UNSUBSCRIBE (3.1.1 §3.11, 5.0 §3.11).
//!
//! ```text
//! 3.1.1: +-------------------+                                       Remaining Length 2
//!        | packet identifier |
//!        +-------------------+
//! 5.0:   +-------------------+------------+--------+--------+ ...
//!        | packet identifier | properties | code 1 | code 2 |      one per filter
//!        +-------------------+------------+--------+--------+ ...
//! ```

use crate::mqtt::codec::{put_u16, Reader};
use crate::mqtt::{
    Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion, UnsubAckReasonCode,
};

use super::read_pid;

/// UNSUBACK: acknowledges an UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck {
    /// The packet identifier of the UNSUBSCRIBE.
    pub pid: Pid,
    /// Properties (5.0): Reason String, User Properties.
    pub properties: Properties,
    /// 5.0: one code per topic filter, at least one. 3.1.1: always empty.
    pub reasons: Vec<UnsubAckReasonCode>,
}

impl UnsubAck {
    /// An UNSUBACK without properties (pass no reasons for 3.1.1).
    pub fn new(pid: Pid, reasons: Vec<UnsubAckReasonCode>) -> Self {
        Self {
            pid,
            properties: Properties::default(),
            reasons,
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let packet = PacketType::UnsubAck;
        if !version.is_v5() {
            if r.remaining() != 2 {
                return Err(Error::InvalidRemainingLength {
                    packet,
                    len: r.remaining(),
                });
            }
            return Ok(Self::new(read_pid(&mut r)?, Vec::new()));
        }
        let pid = read_pid(&mut r)?;
        let properties = Properties::decode(&mut r, PropertyScope::UnsubAck)?;
        let reasons = r
            .rest()
            .iter()
            .map(|&code| {
                UnsubAckReasonCode::from_u8(code).ok_or(Error::InvalidReasonCode { packet, code })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if reasons.is_empty() {
            return Err(Error::NoReasonCodes { packet });
        }
        Ok(Self {
            pid,
            properties,
            reasons,
        })
    }

    pub(crate) fn encode_body(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        put_u16(out, self.pid.get());
        if !version.is_v5() {
            super::no_properties(&self.properties, version)?;
            if !self.reasons.is_empty() {
                return Err(Error::NotInVersion {
                    feature: crate::text::keys::mqtt_codec::FEATURE_UNSUBACK_REASON_CODES,
                    version,
                });
            }
            return Ok(());
        }
        if self.reasons.is_empty() {
            return Err(Error::NoReasonCodes {
                packet: PacketType::UnsubAck,
            });
        }
        self.properties.encode(PropertyScope::UnsubAck, out)?;
        out.extend(self.reasons.iter().map(|c| c.code()));
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, ProtocolVersion::*, UnsubAckReasonCode as C};

    vec![
        Vector {
            name: "UNSUBACK 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0xB0, 0x02, // UNSUBACK, remaining length 2
                0x00, 0x03, // packet identifier 3
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::UnsubAck(UnsubAck::new(pid(3), vec![])),
            next: Packet::PingResp,
        },
        Vector {
            name: "UNSUBACK 5.0, two reason codes",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xB0, 0x05, // UNSUBACK, remaining length 5
                0x00, 0x04, // packet identifier 4
                0x00,       // property length 0
                0x00,       // Success
                0x11,       // No subscription existed
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::UnsubAck(UnsubAck::new(
                pid(4),
                vec![C::Success, C::NoSubscriptionExisted],
            )),
            next: Packet::PingResp,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{decode, Packet};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn malformed_unsubacks_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        let packet = PacketType::UnsubAck;
        assert_eq!(
            decode(&[0xB0, 3, 0, 1, 0], 99, v3),
            Err(Error::InvalidRemainingLength { packet, len: 3 })
        );
        assert_eq!(
            decode(&[0xB0, 3, 0, 1, 0], 99, v5),
            Err(Error::NoReasonCodes { packet })
        );
        assert_eq!(
            decode(&[0xB0, 4, 0, 1, 0, 0x01], 99, v5),
            Err(Error::InvalidReasonCode { packet, code: 0x01 })
        );
        let p = Packet::UnsubAck(UnsubAck::new(
            Pid::new(1).unwrap(),
            vec![UnsubAckReasonCode::Success],
        ));
        assert_eq!(
            p.encode(v3, &mut Vec::new()),
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_UNSUBACK_REASON_CODES,
                version: v3
            })
        );
    }
}
