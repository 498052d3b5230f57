//! SUBACK: the server's answer to SUBSCRIBE, one code per filter
//! (3.1.1 §3.9, 5.0 §3.9).
//!
//! ```text
//! +-------------------+-----------------+--------+--------+ ...
//! | packet identifier | properties (5.0)| code 1 | code 2 |     one per filter, in order
//! +-------------------+-----------------+--------+--------+ ...
//! 3.1.1 codes: 0x00, 0x01, 0x02 (granted QoS), 0x80 (failure) [MQTT-3.9.3-2]
//! ```
//!
//! Matching the codes to the filters of the SUBSCRIBE is the session's job.

use crate::mqtt::codec::{put_u16, Reader};
use crate::mqtt::{
    Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion, SubAckReasonCode,
};

use super::read_pid;

/// SUBACK: the outcome of each subscription of a SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck {
    /// The packet identifier of the SUBSCRIBE.
    pub pid: Pid,
    /// Properties (5.0): Reason String, User Properties.
    pub properties: Properties,
    /// One code per topic filter, in the SUBSCRIBE's order; at least one.
    pub reasons: Vec<SubAckReasonCode>,
}

impl SubAck {
    /// A SUBACK without properties.
    pub fn new(pid: Pid, reasons: Vec<SubAckReasonCode>) -> Self {
        Self {
            pid,
            properties: Properties::default(),
            reasons,
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let packet = PacketType::SubAck;
        let pid = read_pid(&mut r)?;
        let properties = if version.is_v5() {
            Properties::decode(&mut r, PropertyScope::SubAck)?
        } else {
            Properties::default()
        };
        let reasons = r
            .rest()
            .iter()
            .map(|&code| {
                SubAckReasonCode::from_u8(code)
                    .filter(|c| version.is_v5() || c.in_v3())
                    .ok_or(Error::InvalidReasonCode { packet, code })
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
        let packet = PacketType::SubAck;
        if self.reasons.is_empty() {
            return Err(Error::NoReasonCodes { packet });
        }
        put_u16(out, self.pid.get());
        if version.is_v5() {
            self.properties.encode(PropertyScope::SubAck, out)?;
        } else {
            super::no_properties(&self.properties, version)?;
            if let Some(c) = self.reasons.iter().find(|c| !c.in_v3()) {
                return Err(Error::ReasonCodeNotInVersion {
                    packet,
                    code: c.code(),
                    version,
                });
            }
        }
        out.extend(self.reasons.iter().map(|c| c.code()));
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, ProtocolVersion::*, SubAckReasonCode as C};

    vec![
        Vector {
            name: "SUBACK 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x90, 0x05, // SUBACK, remaining length 5
                0x00, 0x01, // packet identifier 1
                0x01,       // granted QoS 1
                0x02,       // granted QoS 2
                0x80,       // failure
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::SubAck(SubAck::new(
                pid(1),
                vec![C::GrantedQos1, C::GrantedQos2, C::UnspecifiedError],
            )),
            next: Packet::PingResp,
        },
        Vector {
            name: "SUBACK 5.0 with a reason string",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x90, 0x0B,                   // SUBACK, remaining length 11
                0x00, 0x02,                   // packet identifier 2
                0x05,                         // property length 5
                0x1F, 0x00, 0x02, b'o', b'k', //   Reason String "ok"
                0x00,                         // Granted QoS 0
                0x9E,                         // Shared Subscriptions not supported
                0xA2,                         // Wildcard Subscriptions not supported
                0xD0, 0x00,                   // next packet: PINGRESP
            ],
            packet: Packet::SubAck(SubAck {
                properties: Properties {
                    reason_string: Some("ok".into()),
                    ..Properties::default()
                },
                ..SubAck::new(
                    pid(2),
                    vec![
                        C::GrantedQos0,
                        C::SharedSubscriptionsNotSupported,
                        C::WildcardSubscriptionsNotSupported,
                    ],
                )
            }),
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
    fn malformed_subacks_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        let packet = PacketType::SubAck;
        assert_eq!(
            decode(&[0x90, 2, 0, 1], 99, v3),
            Err(Error::NoReasonCodes { packet })
        );
        assert_eq!(
            decode(&[0x90, 3, 0, 1, 0], 99, v5),
            Err(Error::NoReasonCodes { packet })
        );
        // 0x87 exists in 5.0 only.
        assert_eq!(
            decode(&[0x90, 3, 0, 1, 0x87], 99, v3),
            Err(Error::InvalidReasonCode { packet, code: 0x87 })
        );
        assert!(decode(&[0x90, 4, 0, 1, 0, 0x87], 99, v5).is_ok());
        assert_eq!(
            decode(&[0x90, 3, 0, 1, 0x03], 99, v3),
            Err(Error::InvalidReasonCode { packet, code: 0x03 })
        );
    }

    #[test]
    fn v5_only_codes_do_not_encode_for_v3() {
        let p = Packet::SubAck(SubAck::new(
            Pid::new(1).unwrap(),
            vec![SubAckReasonCode::NotAuthorized],
        ));
        assert_eq!(
            p.encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(Error::ReasonCodeNotInVersion {
                packet: PacketType::SubAck,
                code: 0x87,
                version: ProtocolVersion::V3_1_1
            })
        );
    }
}
