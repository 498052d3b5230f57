//! AUTH: a step of MQTT 5 extended authentication (5.0 §3.15). MQTT 3.1.x
//! has no AUTH: its packet type 15 is reserved.
//!
//! ```text
//! Fixed header flags: 0b0000 [MQTT-3.15.1-1]
//! +--------------+-------------+
//! | reason code  | properties  |   both optional: Remaining Length 0 means
//! +--------------+-------------+   Success without properties
//! ```
//!
//! Running the authentication exchange (SCRAM, Kerberos, ...) is the
//! session's job.

use crate::mqtt::codec::Reader;
use crate::mqtt::{AuthReasonCode, Error, PacketType, Properties, PropertyScope};

/// AUTH: carries Authentication Method and Data between client and server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Success, Continue authentication or Re-authenticate.
    pub reason: AuthReasonCode,
    /// Properties: Authentication Method and Data, Reason String, User
    /// Properties.
    pub properties: Properties,
}

impl Default for Auth {
    fn default() -> Self {
        Self::new(AuthReasonCode::Success)
    }
}

impl Auth {
    /// An AUTH with this reason and no properties.
    pub fn new(reason: AuthReasonCode) -> Self {
        Self {
            reason,
            properties: Properties::default(),
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>) -> Result<Self, Error> {
        if r.is_empty() {
            return Ok(Self::default());
        }
        let code = r.u8(crate::text::keys::mqtt_codec::FIELD_REASON_CODE)?;
        let reason = AuthReasonCode::from_u8(code).ok_or(Error::InvalidReasonCode {
            packet: PacketType::Auth,
            code,
        })?;
        let properties = if r.is_empty() {
            Properties::default()
        } else {
            Properties::decode(&mut r, PropertyScope::Auth)?
        };
        r.finish()?;
        Ok(Self { reason, properties })
    }

    pub(crate) fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.reason == AuthReasonCode::Success && self.properties.is_empty() {
            return Ok(());
        }
        out.push(self.reason.code());
        if !self.properties.is_empty() {
            self.properties.encode(PropertyScope::Auth, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::Vector;
    use crate::mqtt::{Packet, ProtocolVersion::*};

    vec![
        Vector {
            name: "AUTH 5.0 success, short form",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xF0, 0x00, // AUTH, remaining length 0: Success
                0xC0, 0x00, // next packet: PINGREQ
            ],
            packet: Packet::Auth(Auth::default()),
            next: Packet::PingReq,
        },
        Vector {
            name: "AUTH 5.0 continue, method and data",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xF0, 0x10,                         // AUTH, remaining length 16
                0x18,                               // reason: Continue authentication
                0x0E,                               // property length 14
                0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M', // Authentication Method "SCRAM"
                0x16, 0x00, 0x03, 0x01, 0x02, 0x03, //   Authentication Data [1, 2, 3]
                0xF0, 0x00,                         // next packet: AUTH success
            ],
            packet: Packet::Auth(Auth {
                reason: AuthReasonCode::ContinueAuthentication,
                properties: Properties {
                    authentication_method: Some("SCRAM".into()),
                    authentication_data: Some(vec![1, 2, 3]),
                    ..Properties::default()
                },
            }),
            next: Packet::Auth(Auth::default()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{decode, Packet, ProtocolVersion};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn auth_exists_only_in_v5() {
        assert_eq!(
            decode(&[0xF0, 0x00], 99, ProtocolVersion::V3_1_1),
            Err(Error::ReservedPacketType {
                packet_type: 15,
                version: ProtocolVersion::V3_1_1
            })
        );
        assert_eq!(
            Packet::Auth(Auth::default()).encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_AUTH_PACKET,
                version: ProtocolVersion::V3_1_1
            })
        );
        assert_eq!(
            decode(&[0xF1, 0x00], 99, ProtocolVersion::V5),
            Err(Error::InvalidFixedHeaderFlags {
                packet: PacketType::Auth,
                flags: 1
            })
        );
        assert_eq!(
            decode(&[0xF0, 1, 0x01], 99, ProtocolVersion::V5),
            Err(Error::InvalidReasonCode {
                packet: PacketType::Auth,
                code: 0x01
            })
        );
    }
}
