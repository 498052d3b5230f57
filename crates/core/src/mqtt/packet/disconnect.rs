//! DISCONNECT: the last packet on a connection (3.1.1 §3.14, 5.0 §3.14).
//!
//! ```text
//! 3.1.1: nothing after the fixed header (Remaining Length 0)
//! 5.0:   +--------------+-------------+
//!        | reason code  | properties  |   both optional: Remaining Length 0 means
//!        +--------------+-------------+   Normal disconnection without properties
//! ```
//!
//! Closing the network connection afterwards is the caller's job.

use crate::mqtt::codec::Reader;
use crate::mqtt::{
    DisconnectReasonCode, Error, PacketType, Properties, PropertyScope, ProtocolVersion,
};

/// DISCONNECT: why the sender is closing the connection (5.0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect {
    /// Why (5.0); 3.1.1 has only a normal disconnection.
    pub reason: DisconnectReasonCode,
    /// Properties (5.0): Session Expiry Interval, Reason String, User
    /// Properties, Server Reference.
    pub properties: Properties,
}

impl Disconnect {
    /// A DISCONNECT with this reason and no properties.
    pub fn new(reason: DisconnectReasonCode) -> Self {
        Self {
            reason,
            properties: Properties::default(),
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let packet = PacketType::Disconnect;
        if !version.is_v5() {
            if !r.is_empty() {
                return Err(Error::InvalidRemainingLength {
                    packet,
                    len: r.remaining(),
                });
            }
            return Ok(Self::default());
        }
        if r.is_empty() {
            return Ok(Self::default());
        }
        let code = r.u8(crate::text::keys::mqtt_codec::FIELD_REASON_CODE)?;
        let reason =
            DisconnectReasonCode::from_u8(code).ok_or(Error::InvalidReasonCode { packet, code })?;
        let properties = if r.is_empty() {
            Properties::default()
        } else {
            Properties::decode(&mut r, PropertyScope::Disconnect)?
        };
        r.finish()?;
        Ok(Self { reason, properties })
    }

    pub(crate) fn encode_body(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if !version.is_v5() {
            if self.reason != DisconnectReasonCode::NormalDisconnection {
                return Err(Error::ReasonCodeNotInVersion {
                    packet: PacketType::Disconnect,
                    code: self.reason.code(),
                    version,
                });
            }
            return super::no_properties(&self.properties, version);
        }
        if self.reason == DisconnectReasonCode::NormalDisconnection && self.properties.is_empty() {
            return Ok(());
        }
        out.push(self.reason.code());
        if !self.properties.is_empty() {
            self.properties.encode(PropertyScope::Disconnect, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::Vector;
    use crate::mqtt::{DisconnectReasonCode as C, Packet, ProtocolVersion::*};

    vec![
        Vector {
            name: "DISCONNECT 3.1.1",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0xE0, 0x00, // DISCONNECT, remaining length 0
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::Disconnect(Disconnect::default()),
            next: Packet::PingReq,
        },
        Vector {
            name: "DISCONNECT 5.0 normal, short form",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xE0, 0x00, // DISCONNECT, remaining length 0: Normal disconnection
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::Disconnect(Disconnect::default()),
            next: Packet::PingReq,
        },
        Vector {
            name: "DISCONNECT 5.0 reason code only",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xE0, 0x01, // DISCONNECT, remaining length 1
                0x04,       // reason: Disconnect with Will Message; no property length
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::Disconnect(Disconnect::new(C::DisconnectWithWillMessage)),
            next: Packet::PingReq,
        },
        Vector {
            name: "DISCONNECT 5.0 with properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xE0, 0x0C,                   // DISCONNECT, remaining length 12
                0x9C,                         // reason: Use another server
                0x0A,                         // property length 10
                0x11, 0x00, 0x00, 0x00, 0x00, //   Session Expiry Interval 0
                0x1C, 0x00, 0x02, b's', b'2', //   Server Reference "s2"
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::Disconnect(Disconnect {
                reason: C::UseAnotherServer,
                properties: Properties {
                    session_expiry_interval: Some(0),
                    server_reference: Some("s2".into()),
                    ..Properties::default()
                },
            }),
            next: Packet::PingReq,
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
    fn malformed_disconnects_are_rejected() {
        let packet = PacketType::Disconnect;
        assert_eq!(
            decode(&[0xE0, 1, 0], 99, ProtocolVersion::V3_1_1),
            Err(Error::InvalidRemainingLength { packet, len: 1 })
        );
        assert_eq!(
            decode(&[0xE0, 1, 0x05], 99, ProtocolVersion::V5),
            Err(Error::InvalidReasonCode { packet, code: 0x05 })
        );
        assert_eq!(
            decode(&[0xE2, 0], 99, ProtocolVersion::V5),
            Err(Error::InvalidFixedHeaderFlags { packet, flags: 2 })
        );
        let p = Packet::Disconnect(Disconnect::new(DisconnectReasonCode::ServerBusy));
        assert_eq!(
            p.encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(Error::ReasonCodeNotInVersion {
                packet,
                code: 0x89,
                version: ProtocolVersion::V3_1_1
            })
        );
    }
}
