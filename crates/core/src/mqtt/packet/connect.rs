//! CONNECT: the client's first packet (3.1.1 §3.1, 5.0 §3.1; MQTT 3.1's
//! `MQIsdp` form too).
//!
//! ```text
//! Variable header
//! +-----------------------------+-------+-------+------------+-----------------+
//! | protocol name "MQTT"        | level | flags | keep alive | properties (5.0)|
//! | (3.1: "MQIsdp")             | 4/5(3)|       | 2 bytes    |                 |
//! +-----------------------------+-------+-------+------------+-----------------+
//! flags:  7 user name | 6 password | 5 will retain | 4-3 will QoS | 2 will | 1 clean | 0 reserved
//!
//! Payload, each present as the flags say, in this order [MQTT-3.1.3-1]
//! +-----------+------------------------+------------+--------------+-----------+----------+
//! | client id | will properties (5.0)  | will topic | will payload | user name | password |
//! +-----------+------------------------+------------+--------------+-----------+----------+
//! ```
//!
//! A CONNECT carries its own version, so it is decoded by its protocol name
//! and level, not by the version the caller passes. Whether a server accepts
//! the client id, keep alive or credentials is not decided here.

use std::fmt;

use crate::mqtt::codec::{put_binary, put_str, put_u16, Reader};
use crate::mqtt::{Error, Properties, PropertyScope, ProtocolVersion, QoS, TopicName};

/// CONNECT: a client asks to open a session.
#[derive(Clone, PartialEq, Eq)]
pub struct Connect {
    /// The protocol version, written as protocol name and level.
    pub protocol: ProtocolVersion,
    /// Clean Session (3.1.x) / Clean Start (5.0): discard any previous session.
    pub clean_start: bool,
    /// Keep alive in seconds; 0 turns it off.
    pub keep_alive: u16,
    /// Properties (5.0 only).
    pub properties: Properties,
    /// The client identifier (may be empty: the server then assigns one).
    pub client_id: String,
    /// The will message the server publishes if the connection is lost.
    pub will: Option<Will>,
    /// The user name.
    pub username: Option<String>,
    /// The password: binary data (in 3.1.1 it needs a user name [MQTT-3.1.2-22]).
    pub password: Option<Vec<u8>>,
}

/// The will message of a CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    /// The topic to publish the will to (not empty, no wildcards).
    pub topic: TopicName,
    /// The message.
    pub payload: Vec<u8>,
    /// The QoS to publish it with.
    pub qos: QoS,
    /// Whether to publish it retained.
    pub retain: bool,
    /// Will properties (5.0 only).
    pub properties: Properties,
}

impl Connect {
    /// A CONNECT for `protocol` with a clean start, the given keep alive and
    /// client id, and nothing else.
    pub fn new(protocol: ProtocolVersion, client_id: impl Into<String>, keep_alive: u16) -> Self {
        Self {
            protocol,
            clean_start: true,
            keep_alive,
            properties: Properties::default(),
            client_id: client_id.into(),
            will: None,
            username: None,
            password: None,
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>) -> Result<Self, Error> {
        let name = r.string(crate::text::keys::mqtt_codec::FIELD_PROTOCOL_NAME)?;
        let level = r.u8(crate::text::keys::mqtt_codec::FIELD_PROTOCOL_LEVEL)?;
        let protocol = match (name.as_str(), level) {
            ("MQTT", 4) => ProtocolVersion::V3_1_1,
            ("MQTT", 5) => ProtocolVersion::V5,
            ("MQIsdp", 3) => ProtocolVersion::V3_1,
            ("MQTT" | "MQIsdp", other) => return Err(Error::UnsupportedProtocolLevel(other)),
            _ => return Err(Error::InvalidProtocolName(name)),
        };
        let flags = r.u8(crate::text::keys::mqtt_codec::FIELD_CONNECT_FLAGS)?;
        if flags & 0x01 != 0 {
            return Err(Error::ConnectReservedFlag);
        }
        let has_will = flags & 0x04 != 0;
        let will_qos = (flags >> 3) & 0b11;
        let will_retain = flags & 0x20 != 0;
        let has_password = flags & 0x40 != 0;
        let has_username = flags & 0x80 != 0;
        if !has_will && (will_qos != 0 || will_retain) {
            return Err(Error::WillFlagsWithoutWill { flags });
        }
        let will_qos = QoS::try_from(will_qos)?;
        if !protocol.is_v5() && has_password && !has_username {
            return Err(Error::PasswordWithoutUsername);
        }
        let keep_alive = r.u16(crate::text::keys::mqtt_codec::FIELD_KEEP_ALIVE)?;
        let properties = if protocol.is_v5() {
            Properties::decode(&mut r, PropertyScope::Connect)?
        } else {
            Properties::default()
        };
        let client_id = r.string(crate::text::keys::mqtt_codec::FIELD_CLIENT_IDENTIFIER)?;
        let will = if has_will {
            let properties = if protocol.is_v5() {
                Properties::decode(&mut r, PropertyScope::Will)?
            } else {
                Properties::default()
            };
            let topic = TopicName::new(r.string(crate::text::keys::mqtt_codec::FIELD_WILL_TOPIC)?)?;
            if topic.is_empty() {
                return Err(Error::EmptyTopic {
                    field: crate::text::keys::mqtt_codec::FIELD_WILL_TOPIC,
                });
            }
            let payload = r
                .binary(crate::text::keys::mqtt_codec::FIELD_WILL_PAYLOAD)?
                .to_vec();
            Some(Will {
                topic,
                payload,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            None
        };
        let username = if has_username {
            Some(r.string(crate::text::keys::mqtt_codec::FIELD_USER_NAME)?)
        } else {
            None
        };
        let password = if has_password {
            Some(
                r.binary(crate::text::keys::mqtt_codec::FIELD_PASSWORD)?
                    .to_vec(),
            )
        } else {
            None
        };
        r.finish()?;
        Ok(Self {
            protocol,
            clean_start: flags & 0x02 != 0,
            keep_alive,
            properties,
            client_id,
            will,
            username,
            password,
        })
    }

    pub(crate) fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let v = self.protocol;
        if !v.is_v5() {
            super::no_properties(&self.properties, v)?;
            if let Some(will) = &self.will {
                super::no_properties(&will.properties, v)?;
            }
            if self.password.is_some() && self.username.is_none() {
                return Err(Error::PasswordWithoutUsername);
            }
        }
        put_str(
            out,
            crate::text::keys::mqtt_codec::FIELD_PROTOCOL_NAME,
            v.protocol_name(),
        )?;
        out.push(v.level());
        let mut flags = 0u8;
        if self.clean_start {
            flags |= 0x02;
        }
        if let Some(will) = &self.will {
            flags |= 0x04 | ((will.qos as u8) << 3);
            if will.retain {
                flags |= 0x20;
            }
        }
        if self.password.is_some() {
            flags |= 0x40;
        }
        if self.username.is_some() {
            flags |= 0x80;
        }
        out.push(flags);
        put_u16(out, self.keep_alive);
        if v.is_v5() {
            self.properties.encode(PropertyScope::Connect, out)?;
        }
        put_str(
            out,
            crate::text::keys::mqtt_codec::FIELD_CLIENT_IDENTIFIER,
            &self.client_id,
        )?;
        if let Some(will) = &self.will {
            if v.is_v5() {
                will.properties.encode(PropertyScope::Will, out)?;
            }
            if will.topic.is_empty() {
                return Err(Error::EmptyTopic {
                    field: crate::text::keys::mqtt_codec::FIELD_WILL_TOPIC,
                });
            }
            put_str(
                out,
                crate::text::keys::mqtt_codec::FIELD_WILL_TOPIC,
                will.topic.as_str(),
            )?;
            put_binary(
                out,
                crate::text::keys::mqtt_codec::FIELD_WILL_PAYLOAD,
                &will.payload,
            )?;
        }
        if let Some(username) = &self.username {
            put_str(
                out,
                crate::text::keys::mqtt_codec::FIELD_USER_NAME,
                username,
            )?;
        }
        if let Some(password) = &self.password {
            put_binary(out, crate::text::keys::mqtt_codec::FIELD_PASSWORD, password)?;
        }
        Ok(())
    }
}

/// The password is a secret: `Debug` shows `[elided]` in its place.
impl fmt::Debug for Connect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connect")
            .field("protocol", &self.protocol)
            .field("clean_start", &self.clean_start)
            .field("keep_alive", &self.keep_alive)
            .field("properties", &self.properties)
            .field("client_id", &self.client_id)
            .field("will", &self.will)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[elided]"))
            .finish()
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use std::num::{NonZeroU16, NonZeroU32};

    use super::vectors::Vector;
    use crate::mqtt::{Packet, ProtocolVersion::*};

    let will = |topic: &str, payload: &[u8], qos, retain| Will {
        topic: TopicName::new(topic).unwrap(),
        payload: payload.to_vec(),
        qos,
        retain,
        properties: Properties::default(),
    };
    vec![
        Vector {
            name: "CONNECT 3.1.1 with will and credentials",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x10, 37,                           // CONNECT, remaining length 37
                0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
                0x04,                               // protocol level 4 (3.1.1)
                0b1110_1110,                        // user name, password, will retain, will QoS 1, will, clean session
                0x00, 0x3C,                         // keep alive 60 s
                0x00, 0x04, b'd', b'e', b'v', b'1', // client id "dev1"
                0x00, 0x03, b'a', b'/', b'w',       // will topic "a/w"
                0x00, 0x04, b'g', b'o', b'n', b'e', // will payload "gone"
                0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
                0x00, 0x02, b'p', b'w',             // password "pw"
                0xC0, 0x00,                         // next packet: PINGREQ
            ],
            packet: Packet::Connect(Connect {
                will: Some(will("a/w", b"gone", QoS::AtLeastOnce, true)),
                username: Some("user".into()),
                password: Some(b"pw".to_vec()),
                ..Connect::new(V3_1_1, "dev1", 60)
            }),
            next: Packet::PingReq,
        },
        Vector {
            name: "CONNECT 3.1.1 minimal, empty client id",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x10, 12,                           // CONNECT, remaining length 12
                0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
                0x04,                               // protocol level 4
                0b0000_0010,                        // clean session only
                0x00, 0x00,                         // keep alive off
                0x00, 0x00,                         // client id "" (server assigns)
                0xE0, 0x00,                         // next packet: DISCONNECT
            ],
            packet: Packet::Connect(Connect::new(V3_1_1, "", 0)),
            next: Packet::Disconnect(crate::mqtt::Disconnect::default()),
        },
        Vector {
            name: "CONNECT 3.1 (MQIsdp, level 3)",
            version: V3_1,
            #[rustfmt::skip]
            bytes: vec![
                0x10, 18,                                             // CONNECT, remaining length 18
                0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p',       // protocol name "MQIsdp"
                0x03,                                                 // protocol level 3 (3.1)
                0b0000_0010,                                          // clean session
                0x00, 0x0A,                                           // keep alive 10 s
                0x00, 0x04, b'd', b'e', b'v', b'3',                   // client id "dev3"
                0xC0, 0x00,                                           // next packet: PINGREQ
            ],
            packet: Packet::Connect(Connect::new(V3_1, "dev3", 10)),
            next: Packet::PingReq,
        },
        Vector {
            name: "CONNECT 5.0 with properties, will properties and binary password",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x10, 65,                           // CONNECT, remaining length 65
                0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
                0x05,                               // protocol level 5
                0b1101_0110,                        // user name, password, will QoS 2, will, clean start
                0x00, 0x1E,                         // keep alive 30 s
                20,                                 // property length 20
                0x11, 0x00, 0x00, 0x00, 0x78,       //   Session Expiry Interval 120 s
                0x21, 0x00, 0x0A,                   //   Receive Maximum 10
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property k = v
                0x27, 0x00, 0x00, 0x10, 0x00,       //   Maximum Packet Size 4096
                0x00, 0x04, b'd', b'e', b'v', b'5', // client id "dev5"
                7,                                  // will property length 7
                0x01, 0x01,                         //   Payload Format Indicator: UTF-8
                0x18, 0x00, 0x00, 0x00, 0x05,       //   Will Delay Interval 5 s
                0x00, 0x03, b'a', b'/', b'w',       // will topic "a/w"
                0x00, 0x02, b'o', b'k',             // will payload "ok"
                0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
                0x00, 0x03, 0x00, 0xFF, 0x01,       // password: 3 bytes of binary data
                0xC0, 0x00,                         // next packet: PINGREQ
            ],
            packet: Packet::Connect(Connect {
                properties: Properties {
                    session_expiry_interval: Some(120),
                    receive_maximum: NonZeroU16::new(10),
                    maximum_packet_size: NonZeroU32::new(4096),
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                will: Some(Will {
                    properties: Properties {
                        payload_format_indicator: Some(true),
                        will_delay_interval: Some(5),
                        ..Properties::default()
                    },
                    ..will("a/w", b"ok", QoS::ExactlyOnce, false)
                }),
                username: Some("user".into()),
                password: Some(vec![0x00, 0xFF, 0x01]),
                ..Connect::new(V5, "dev5", 30)
            }),
            next: Packet::PingReq,
        },
        Vector {
            name: "CONNECT 5.0 password without user name, enhanced auth",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x10, 27,                           // CONNECT, remaining length 27
                0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
                0x05,                               // protocol level 5
                0b0100_0000,                        // password only (allowed in 5.0), no clean start
                0x00, 0x00,                         // keep alive off
                10,                                 // property length 10
                0x15, 0x00, 0x03, b'K', b'R', b'B', //   Authentication Method "KRB"
                0x16, 0x00, 0x01, 0x2A,             //   Authentication Data [0x2A]
                0x00, 0x01, b'c',                   // client id "c"
                0x00, 0x01, b'p',                   // password "p"
                0xC0, 0x00,                         // next packet: PINGREQ
            ],
            packet: Packet::Connect(Connect {
                clean_start: false,
                properties: Properties {
                    authentication_method: Some("KRB".into()),
                    authentication_data: Some(vec![0x2A]),
                    ..Properties::default()
                },
                password: Some(b"p".to_vec()),
                ..Connect::new(V5, "c", 0)
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
    fn connect_is_decoded_by_its_own_level_whatever_the_version_argument() {
        for v in vectors() {
            for assumed in [
                ProtocolVersion::V3_1,
                ProtocolVersion::V3_1_1,
                ProtocolVersion::V5,
            ] {
                let (p, _) = decode(&v.bytes, usize::MAX, assumed).unwrap().unwrap();
                assert_eq!(p, v.packet, "{} read as {assumed}", v.name);
            }
        }
    }

    fn connect_311(flags: u8, tail: &[u8]) -> Vec<u8> {
        let mut body = vec![0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, flags, 0x00, 0x0A];
        body.extend_from_slice(tail);
        let mut b = vec![0x10, body.len() as u8];
        b.extend(body);
        b
    }

    #[test]
    fn flag_rules_are_enforced() {
        let id = [0x00, 0x01, b'c'];
        let d = |b: &[u8]| decode(b, usize::MAX, ProtocolVersion::V3_1_1);
        assert_eq!(
            d(&connect_311(0b0000_0011, &id)),
            Err(Error::ConnectReservedFlag)
        );
        assert_eq!(
            d(&connect_311(0b0000_1000, &id)),
            Err(Error::WillFlagsWithoutWill { flags: 0b0000_1000 })
        );
        assert_eq!(
            d(&connect_311(0b0010_0000, &id)),
            Err(Error::WillFlagsWithoutWill { flags: 0b0010_0000 })
        );
        assert_eq!(d(&connect_311(0b0001_1100, &id)), Err(Error::InvalidQos(3)));
        assert_eq!(
            d(&connect_311(0b0100_0000, &id)),
            Err(Error::PasswordWithoutUsername)
        );
        // A will flag with an empty will topic.
        assert_eq!(
            d(&connect_311(0b0000_0100, &[0, 1, b'c', 0, 0, 0, 0])),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_WILL_TOPIC
            })
        );
        // A will topic with a wildcard.
        assert_eq!(
            d(&connect_311(0b0000_0100, &[0, 1, b'c', 0, 1, b'#', 0, 0])),
            Err(Error::WildcardInTopicName("#".into()))
        );
        // The user name flag promises a field that is not there.
        assert_eq!(
            d(&connect_311(0b1000_0000, &id)),
            Err(Error::UnexpectedEnd {
                packet: crate::mqtt::PacketType::Connect,
                field: crate::text::keys::mqtt_codec::FIELD_USER_NAME
            })
        );
        // A byte after the last field.
        assert_eq!(
            d(&connect_311(0b0000_0000, &[0, 1, b'c', 0xFF])),
            Err(Error::TrailingBytes {
                packet: crate::mqtt::PacketType::Connect,
                count: 1
            })
        );
    }

    #[test]
    fn protocol_name_and_level_are_checked() {
        let mut b = connect_311(0x02, &[0, 0]);
        b[8] = 3; // "MQTT" with level 3
        assert_eq!(
            decode(&b, 99, ProtocolVersion::V5),
            Err(Error::UnsupportedProtocolLevel(3))
        );
        b[8] = 6;
        assert_eq!(
            decode(&b, 99, ProtocolVersion::V5),
            Err(Error::UnsupportedProtocolLevel(6))
        );
        b[6] = b'X'; // "MQXT"
        assert_eq!(
            decode(&b, 99, ProtocolVersion::V5),
            Err(Error::InvalidProtocolName("MQXT".into()))
        );
    }

    #[test]
    fn encoding_checks_the_version() {
        let mut c = Connect::new(ProtocolVersion::V3_1_1, "c", 0);
        c.password = Some(b"p".to_vec());
        let err = Packet::Connect(c.clone()).encode(ProtocolVersion::V3_1_1, &mut Vec::new());
        assert_eq!(err, Err(Error::PasswordWithoutUsername));
        c.password = None;
        c.properties.session_expiry_interval = Some(1);
        let mut out = vec![1, 2, 3];
        let err = Packet::Connect(c).encode(ProtocolVersion::V3_1_1, &mut out);
        assert_eq!(
            err,
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_PROPERTIES,
                version: ProtocolVersion::V3_1_1
            })
        );
        assert_eq!(out, [1, 2, 3], "nothing appended on error");
    }

    #[test]
    fn debug_elides_the_password() {
        let mut c = Connect::new(ProtocolVersion::V5, "c", 0);
        c.password = Some(b"hunter2".to_vec());
        let s = format!("{c:?}");
        assert!(s.contains("[elided]") && !s.contains("104, 117"), "{s}");
    }
}
