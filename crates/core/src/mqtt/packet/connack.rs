//! CONNACK: the server's answer to CONNECT (3.1.1 §3.2, 5.0 §3.2).
//!
//! ```text
//! +-------------------------------+--------------------------+-----------------+
//! | acknowledge flags             | return code (3.1.1)      | properties (5.0)|
//! | bits 7-1 reserved (0)         | reason code (5.0)        |                 |
//! | bit 0 session present         |                          |                 |
//! +-------------------------------+--------------------------+-----------------+
//! 3.1.1: Remaining Length is exactly 2.
//! ```
//!
//! 3.1.1 return codes 0-5 are held as their 5.0 counterparts
//! ([`ConnectReasonCode::from_v3`]). Whether to accept a client is the
//! server's decision, not this module's.

use crate::mqtt::codec::Reader;
use crate::mqtt::{
    ConnectReasonCode, Error, PacketType, Properties, PropertyScope, ProtocolVersion,
};

/// CONNACK: whether the connection is accepted, and the server's settings (5.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    /// The server holds a session for this client (only with success
    /// [MQTT-3.2.2-4]).
    pub session_present: bool,
    /// The outcome; in 3.1.1 one of the six codes with a return code.
    pub reason: ConnectReasonCode,
    /// Properties (5.0 only).
    pub properties: Properties,
}

impl ConnAck {
    /// A CONNACK with this outcome, no session and no properties.
    pub fn new(reason: ConnectReasonCode) -> Self {
        Self {
            session_present: false,
            reason,
            properties: Properties::default(),
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let packet = PacketType::ConnAck;
        if !version.is_v5() && r.remaining() != 2 {
            return Err(Error::InvalidRemainingLength {
                packet,
                len: r.remaining(),
            });
        }
        let flags = r.u8(crate::text::keys::mqtt_codec::FIELD_ACKNOWLEDGE_FLAGS)?;
        if flags & 0xFE != 0 {
            return Err(Error::InvalidConnAckFlags(flags));
        }
        let code = r.u8(crate::text::keys::mqtt_codec::FIELD_REASON_CODE)?;
        let reason = if version.is_v5() {
            ConnectReasonCode::from_u8(code)
        } else {
            ConnectReasonCode::from_v3(code)
        }
        .ok_or(Error::InvalidReasonCode { packet, code })?;
        let session_present = flags & 0x01 != 0;
        if session_present && reason != ConnectReasonCode::Success {
            return Err(Error::SessionPresentWithError(code));
        }
        let properties = if version.is_v5() {
            Properties::decode(&mut r, PropertyScope::ConnAck)?
        } else {
            Properties::default()
        };
        r.finish()?;
        Ok(Self {
            session_present,
            reason,
            properties,
        })
    }

    pub(crate) fn encode_body(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let code = if version.is_v5() {
            self.reason.code()
        } else {
            self.reason.to_v3().ok_or(Error::ReasonCodeNotInVersion {
                packet: PacketType::ConnAck,
                code: self.reason.code(),
                version,
            })?
        };
        if self.session_present && self.reason != ConnectReasonCode::Success {
            return Err(Error::SessionPresentWithError(code));
        }
        out.push(u8::from(self.session_present));
        out.push(code);
        if version.is_v5() {
            self.properties.encode(PropertyScope::ConnAck, out)
        } else {
            super::no_properties(&self.properties, version)
        }
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use std::num::NonZeroU16;

    use super::vectors::Vector;
    use crate::mqtt::{Packet, ProtocolVersion::*, QoS};

    vec![
        Vector {
            name: "CONNACK 3.1.1 accepted, session present",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x20, 0x02, // CONNACK, remaining length 2
                0x01,       // session present
                0x00,       // return code 0: accepted
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::ConnAck(ConnAck {
                session_present: true,
                ..ConnAck::new(ConnectReasonCode::Success)
            }),
            next: Packet::PingResp,
        },
        Vector {
            name: "CONNACK 3.1.1 refused, not authorized",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x20, 0x02, // CONNACK, remaining length 2
                0x00,       // no session
                0x05,       // return code 5: not authorized
                0xD0, 0x00, // next packet: PINGRESP
            ],
            packet: Packet::ConnAck(ConnAck::new(ConnectReasonCode::NotAuthorized)),
            next: Packet::PingResp,
        },
        Vector {
            name: "CONNACK 5.0 success with server settings",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x20, 21,                           // CONNACK, remaining length 21
                0x00,                               // no session
                0x00,                               // reason: Success
                18,                                 // property length 18
                0x12, 0x00, 0x03, b'a', b'b', b'c', //   Assigned Client Identifier "abc"
                0x13, 0x00, 0x3C,                   //   Server Keep Alive 60 s
                0x22, 0x00, 0x05,                   //   Topic Alias Maximum 5
                0x24, 0x01,                         //   Maximum QoS 1
                0x25, 0x00,                         //   Retain Available: no
                0x28, 0x01,                         //   Wildcard Subscription Available: yes
                0xD0, 0x00,                         // next packet: PINGRESP
            ],
            packet: Packet::ConnAck(ConnAck {
                properties: Properties {
                    assigned_client_identifier: Some("abc".into()),
                    server_keep_alive: Some(60),
                    topic_alias_maximum: Some(5),
                    maximum_qos: Some(QoS::AtLeastOnce),
                    retain_available: Some(false),
                    wildcard_subscription_available: Some(true),
                    ..Properties::default()
                },
                ..ConnAck::new(ConnectReasonCode::Success)
            }),
            next: Packet::PingResp,
        },
        Vector {
            name: "CONNACK 5.0 refused, bad user name or password",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x20, 0x03, // CONNACK, remaining length 3
                0x00,       // no session
                0x86,       // reason: Bad User Name or Password
                0x00,       // property length 0
                0xE0, 0x00, // next packet: DISCONNECT
            ],
            packet: Packet::ConnAck(ConnAck::new(ConnectReasonCode::BadUserNameOrPassword)),
            next: Packet::Disconnect(crate::mqtt::Disconnect::default()),
        },
        Vector {
            name: "CONNACK 5.0 success, receive maximum",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x20, 0x06,       // CONNACK, remaining length 6
                0x01,             // session present
                0x00,             // reason: Success
                0x03,             // property length 3
                0x21, 0x00, 0x14, //   Receive Maximum 20
                0xD0, 0x00,       // next packet: PINGRESP
            ],
            packet: Packet::ConnAck(ConnAck {
                session_present: true,
                properties: Properties {
                    receive_maximum: NonZeroU16::new(20),
                    ..Properties::default()
                },
                ..ConnAck::new(ConnectReasonCode::Success)
            }),
            next: Packet::PingResp,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::{decode, Packet, PropertyId};

    #[test]
    fn vectors_decode_and_encode() {
        for v in vectors() {
            v.check();
        }
    }

    #[test]
    fn malformed_connacks_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        assert_eq!(
            decode(&[0x20, 2, 0x02, 0], 99, v3),
            Err(Error::InvalidConnAckFlags(0x02))
        );
        assert_eq!(
            decode(&[0x20, 2, 0, 6], 99, v3),
            Err(Error::InvalidReasonCode {
                packet: PacketType::ConnAck,
                code: 6
            })
        );
        assert_eq!(
            decode(&[0x20, 2, 1, 4], 99, v3),
            Err(Error::SessionPresentWithError(4))
        );
        assert_eq!(
            decode(&[0x20, 3, 0, 0, 0], 99, v3),
            Err(Error::InvalidRemainingLength {
                packet: PacketType::ConnAck,
                len: 3
            })
        );
        // 5.0 needs the property length, even when it is 0 [MQTT-2.2.2-1].
        assert_eq!(
            decode(&[0x20, 2, 0, 0], 99, v5),
            Err(Error::UnexpectedEnd {
                packet: PacketType::ConnAck,
                field: crate::text::keys::mqtt_codec::FIELD_PROPERTY_LENGTH
            })
        );
        assert_eq!(
            decode(&[0x20, 3, 0, 0x01, 0], 99, v5),
            Err(Error::InvalidReasonCode {
                packet: PacketType::ConnAck,
                code: 1
            })
        );
        // A Topic Alias is a PUBLISH property.
        assert_eq!(
            decode(&[0x20, 6, 0, 0, 3, 0x23, 0, 1], 99, v5),
            Err(Error::PropertyNotAllowed {
                property: PropertyId::TopicAlias,
                scope: PropertyScope::ConnAck
            })
        );
    }

    #[test]
    fn v5_only_codes_do_not_encode_for_v3() {
        let p = Packet::ConnAck(ConnAck::new(ConnectReasonCode::Banned));
        assert_eq!(
            p.encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(Error::ReasonCodeNotInVersion {
                packet: PacketType::ConnAck,
                code: 0x8A,
                version: ProtocolVersion::V3_1_1
            })
        );
        let mut out = Vec::new();
        p.encode(ProtocolVersion::V5, &mut out).unwrap();
        assert_eq!(out, [0x20, 3, 0, 0x8A, 0]);
    }
}
