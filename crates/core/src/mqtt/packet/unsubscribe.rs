//! UNSUBSCRIBE: the client removes subscriptions (3.1.1 §3.10, 5.0 §3.10).
//!
//! ```text
//! Fixed header flags: 0b0010 [MQTT-3.10.1-1]
//!
//! +-------------------+-----------------+--------------+--------------+ ...
//! | packet identifier | properties (5.0)| topic filter | topic filter |    at least one
//! +-------------------+-----------------+--------------+--------------+ ...  [MQTT-3.10.3-2]
//! ```

use crate::mqtt::codec::{put_str, put_u16, Reader};
use crate::mqtt::{
    Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion, TopicFilter,
};

use super::read_pid;

/// UNSUBSCRIBE: a request to remove subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The packet identifier the UNSUBACK will echo.
    pub pid: Pid,
    /// Properties (5.0): User Properties.
    pub properties: Properties,
    /// The topic filters, exactly as subscribed; at least one.
    pub filters: Vec<TopicFilter>,
}

impl Unsubscribe {
    /// An UNSUBSCRIBE without properties.
    pub fn new(pid: Pid, filters: Vec<TopicFilter>) -> Self {
        Self {
            pid,
            properties: Properties::default(),
            filters,
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let pid = read_pid(&mut r)?;
        let properties = if version.is_v5() {
            Properties::decode(&mut r, PropertyScope::Unsubscribe)?
        } else {
            Properties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter =
                TopicFilter::new(r.string(crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER)?)?;
            if version.is_v5() {
                filter.check_shared()?;
            }
            filters.push(filter);
        }
        if filters.is_empty() {
            return Err(Error::NoTopicFilters {
                packet: PacketType::Unsubscribe,
            });
        }
        Ok(Self {
            pid,
            properties,
            filters,
        })
    }

    pub(crate) fn encode_body(
        &self,
        version: ProtocolVersion,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if self.filters.is_empty() {
            return Err(Error::NoTopicFilters {
                packet: PacketType::Unsubscribe,
            });
        }
        put_u16(out, self.pid.get());
        if version.is_v5() {
            self.properties.encode(PropertyScope::Unsubscribe, out)?;
        } else {
            super::no_properties(&self.properties, version)?;
        }
        for f in &self.filters {
            if version.is_v5() {
                f.check_shared()?;
            }
            put_str(
                out,
                crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER,
                f.as_str(),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, ProtocolVersion::*};

    let filter = |f: &str| TopicFilter::new(f).unwrap();
    vec![
        Vector {
            name: "UNSUBSCRIBE 3.1.1, two filters",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0xA2, 0x0A,                   // UNSUBSCRIBE (flags 0010), remaining length 10
                0x00, 0x03,                   // packet identifier 3
                0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
                0x00, 0x01, b'#',             // topic filter "#"
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::Unsubscribe(Unsubscribe::new(pid(3), vec![filter("a/+"), filter("#")])),
            next: Packet::PingReq,
        },
        Vector {
            name: "UNSUBSCRIBE 5.0 with a user property",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0xA2, 0x16,                   // UNSUBSCRIBE (flags 0010), remaining length 22
                0x00, 0x04,                   // packet identifier 4
                0x07,                         // property length 7
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property k = v
                0x00, 0x0A, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'x', // "$share/g/x"
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::Unsubscribe(Unsubscribe {
                properties: Properties {
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                ..Unsubscribe::new(pid(4), vec![filter("$share/g/x")])
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
    fn malformed_unsubscribes_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        let packet = PacketType::Unsubscribe;
        assert_eq!(
            decode(&[0xA2, 2, 0, 1], 99, v3),
            Err(Error::NoTopicFilters { packet })
        );
        assert_eq!(
            decode(&[0xA2, 3, 0, 1, 0], 99, v5),
            Err(Error::NoTopicFilters { packet })
        );
        assert_eq!(
            decode(&[0xA0, 5, 0, 1, 0, 1, b'a'], 99, v3),
            Err(Error::InvalidFixedHeaderFlags { packet, flags: 0 })
        );
        assert_eq!(
            decode(&[0xA2, 4, 0, 1, 0, 0], 99, v3),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER
            })
        );
        assert_eq!(
            Packet::Unsubscribe(Unsubscribe::new(Pid::new(1).unwrap(), vec![]))
                .encode(v3, &mut Vec::new()),
            Err(Error::NoTopicFilters { packet })
        );
    }
}
