//! SUBSCRIBE: the client asks for messages matching topic filters
//! (3.1.1 §3.8, 5.0 §3.8).
//!
//! ```text
//! Fixed header flags: 0b0010 [MQTT-3.8.1-1]
//!
//! +-------------------+-----------------+--------------+---------+--------------+---------+ ...
//! | packet identifier | properties (5.0)| topic filter | options | topic filter | options |
//! +-------------------+-----------------+--------------+---------+--------------+---------+ ...
//! at least one filter [MQTT-3.8.3-3]
//!
//! options byte:  7-6 reserved | 5-4 Retain Handling | 3 Retain As Published | 2 No Local | 1-0 QoS
//!                (3.1.1: bits 7-2 reserved [MQTT-3-8.3-4])
//! ```
//!
//! Whether the server grants a subscription is not decided here.

use crate::mqtt::codec::{put_str, put_u16, Reader};
use crate::mqtt::{
    Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion, QoS, TopicFilter,
};

use super::read_pid;

/// When the server sends retained messages for a new subscription (5.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// 0: send retained messages at subscribe time.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist.
    SendAtSubscribeIfNew = 1,
    /// 2: do not send them at subscribe time.
    DoNotSend = 2,
}

/// The options of one subscription. In 3.1.1 only `qos` exists; the others
/// must keep their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// The maximum QoS the client wants.
    pub qos: QoS,
    /// 5.0: do not send the client its own messages.
    pub no_local: bool,
    /// 5.0: keep the RETAIN flag of forwarded messages.
    pub retain_as_published: bool,
    /// 5.0: when to send retained messages.
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    fn to_byte(self) -> u8 {
        (self.qos as u8)
            | (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4)
    }

    fn from_byte(b: u8, version: ProtocolVersion) -> Result<Self, Error> {
        let reserved = if version.is_v5() {
            0b1100_0000
        } else {
            0b1111_1100
        };
        if b & reserved != 0 {
            return Err(Error::InvalidSubscriptionOptions(b));
        }
        let qos = QoS::try_from(b & 0b11)?;
        let retain_handling = match (b >> 4) & 0b11 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendAtSubscribeIfNew,
            2 => RetainHandling::DoNotSend,
            other => return Err(Error::InvalidRetainHandling(other)),
        };
        Ok(Self {
            qos,
            no_local: b & 0b0100 != 0,
            retain_as_published: b & 0b1000 != 0,
            retain_handling,
        })
    }
}

/// One topic filter and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The topic filter.
    pub filter: TopicFilter,
    /// Its options.
    pub options: SubscriptionOptions,
}

impl Subscription {
    /// A subscription to `filter` at `qos` with default options.
    pub fn new(filter: TopicFilter, qos: QoS) -> Self {
        Self {
            filter,
            options: SubscriptionOptions {
                qos,
                ..SubscriptionOptions::default()
            },
        }
    }

    /// 5.0 shared-subscription rules [MQTT-4.8.2-1] [MQTT-4.8.2-2] [MQTT-3.8.3-4].
    fn check_v5(&self) -> Result<(), Error> {
        self.filter.check_shared()?;
        if self.options.no_local && self.filter.is_shared() {
            return Err(Error::NoLocalOnSharedSubscription(
                self.filter.as_str().to_owned(),
            ));
        }
        Ok(())
    }
}

/// SUBSCRIBE: a request for one or more subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    /// The packet identifier the SUBACK will echo.
    pub pid: Pid,
    /// Properties (5.0): one Subscription Identifier, User Properties.
    pub properties: Properties,
    /// The subscriptions; at least one.
    pub filters: Vec<Subscription>,
}

impl Subscribe {
    /// A SUBSCRIBE without properties.
    pub fn new(pid: Pid, filters: Vec<Subscription>) -> Self {
        Self {
            pid,
            properties: Properties::default(),
            filters,
        }
    }

    pub(crate) fn decode(mut r: Reader<'_>, version: ProtocolVersion) -> Result<Self, Error> {
        let pid = read_pid(&mut r)?;
        let properties = if version.is_v5() {
            Properties::decode(&mut r, PropertyScope::Subscribe)?
        } else {
            Properties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let filter =
                TopicFilter::new(r.string(crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER)?)?;
            let options = SubscriptionOptions::from_byte(
                r.u8(crate::text::keys::mqtt_codec::FIELD_SUBSCRIPTION_OPTIONS)?,
                version,
            )?;
            let s = Subscription { filter, options };
            if version.is_v5() {
                s.check_v5()?;
            }
            filters.push(s);
        }
        if filters.is_empty() {
            return Err(Error::NoTopicFilters {
                packet: PacketType::Subscribe,
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
                packet: PacketType::Subscribe,
            });
        }
        put_u16(out, self.pid.get());
        if version.is_v5() {
            self.properties.encode(PropertyScope::Subscribe, out)?;
        } else {
            super::no_properties(&self.properties, version)?;
        }
        for s in &self.filters {
            if version.is_v5() {
                s.check_v5()?;
            } else if s.options.to_byte() & !0b11 != 0 {
                return Err(Error::NotInVersion {
                    feature:
                        crate::text::keys::mqtt_codec::FEATURE_SUBSCRIPTION_OPTIONS_OTHER_THAN_QOS,
                    version,
                });
            }
            put_str(
                out,
                crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER,
                s.filter.as_str(),
            )?;
            out.push(s.options.to_byte());
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) fn vectors() -> Vec<super::vectors::Vector> {
    use super::vectors::{pid, Vector};
    use crate::mqtt::{Packet, ProtocolVersion::*, SubscriptionId};

    let filter = |f: &str| TopicFilter::new(f).unwrap();
    vec![
        Vector {
            name: "SUBSCRIBE 3.1.1, two filters",
            version: V3_1_1,
            #[rustfmt::skip]
            bytes: vec![
                0x82, 14,                     // SUBSCRIBE (flags 0010), remaining length 14
                0x00, 0x01,                   // packet identifier 1
                0x00, 0x03, b'a', b'/', b'+', // topic filter "a/+"
                0x01,                         //   requested QoS 1
                0x00, 0x03, b'b', b'/', b'#', // topic filter "b/#"
                0x02,                         //   requested QoS 2
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::Subscribe(Subscribe::new(
                pid(1),
                vec![
                    Subscription::new(filter("a/+"), QoS::AtLeastOnce),
                    Subscription::new(filter("b/#"), QoS::ExactlyOnce),
                ],
            )),
            next: Packet::PingReq,
        },
        Vector {
            name: "SUBSCRIBE 5.0 with options, shared subscription and properties",
            version: V5,
            #[rustfmt::skip]
            bytes: vec![
                0x82, 31,                     // SUBSCRIBE (flags 0010), remaining length 31
                0x00, 0x02,                   // packet identifier 2
                0x09,                         // property length 9
                0x0B, 0x05,                   //   Subscription Identifier 5
                0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', // User Property k = v
                0x00, 0x0C, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'a', b'/', b'#', // "$share/g/a/#"
                0b0010_1001,                  //   Retain Handling 2, Retain As Published, QoS 1
                0x00, 0x01, b'x',             // topic filter "x"
                0b0001_0100,                  //   Retain Handling 1, No Local, QoS 0
                0xC0, 0x00,                   // next packet: PINGREQ
            ],
            packet: Packet::Subscribe(Subscribe {
                properties: Properties {
                    subscription_identifiers: vec![SubscriptionId::new(5).unwrap()],
                    user_properties: vec![("k".into(), "v".into())],
                    ..Properties::default()
                },
                ..Subscribe::new(
                    pid(2),
                    vec![
                        Subscription {
                            filter: filter("$share/g/a/#"),
                            options: SubscriptionOptions {
                                qos: QoS::AtLeastOnce,
                                no_local: false,
                                retain_as_published: true,
                                retain_handling: RetainHandling::DoNotSend,
                            },
                        },
                        Subscription {
                            filter: filter("x"),
                            options: SubscriptionOptions {
                                qos: QoS::AtMostOnce,
                                no_local: true,
                                retain_as_published: false,
                                retain_handling: RetainHandling::SendAtSubscribeIfNew,
                            },
                        },
                    ],
                )
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
    fn malformed_subscribes_are_rejected() {
        let v3 = ProtocolVersion::V3_1_1;
        let v5 = ProtocolVersion::V5;
        let sub = PacketType::Subscribe;
        assert_eq!(
            decode(&[0x82, 2, 0, 1], 99, v3),
            Err(Error::NoTopicFilters { packet: sub })
        );
        assert_eq!(
            decode(&[0x82, 3, 0, 1, 0], 99, v5),
            Err(Error::NoTopicFilters { packet: sub })
        );
        assert_eq!(
            decode(&[0x80, 6, 0, 1, 0, 1, b'a', 0], 99, v3),
            Err(Error::InvalidFixedHeaderFlags {
                packet: sub,
                flags: 0
            })
        );
        assert_eq!(
            decode(&[0x82, 6, 0, 1, 0, 1, b'a', 3], 99, v3),
            Err(Error::InvalidQos(3))
        );
        assert_eq!(
            decode(&[0x82, 6, 0, 1, 0, 1, b'a', 0x04], 99, v3),
            Err(Error::InvalidSubscriptionOptions(0x04))
        );
        assert_eq!(
            decode(&[0x82, 7, 0, 1, 0, 0, 1, b'a', 0x40], 99, v5),
            Err(Error::InvalidSubscriptionOptions(0x40))
        );
        assert_eq!(
            decode(&[0x82, 7, 0, 1, 0, 0, 1, b'a', 0x30], 99, v5),
            Err(Error::InvalidRetainHandling(3))
        );
        assert_eq!(
            decode(&[0x82, 7, 0, 1, 0, 0, 1, b'#', 0], 99, v5).map(|o| o.is_some()),
            Ok(true)
        );
        assert_eq!(
            decode(&[0x82, 8, 0, 1, 0, 0, 2, b'#', b'a', 0], 99, v5),
            Err(Error::InvalidMultiLevelWildcard("#a".into()))
        );
        // The option byte of the last filter is missing.
        assert_eq!(
            decode(&[0x82, 5, 0, 1, 0, 1, b'a'], 99, v3),
            Err(Error::UnexpectedEnd {
                packet: sub,
                field: crate::text::keys::mqtt_codec::FIELD_SUBSCRIPTION_OPTIONS
            })
        );
        // 5.0: No Local on a shared subscription; a bad share name.
        let mut shared = vec![0x82, 0, 0, 1, 0, 0, 10];
        shared.extend_from_slice(b"$share/g/t");
        shared.push(0x04);
        shared[1] = (shared.len() - 2) as u8;
        assert_eq!(
            decode(&shared, 99, v5),
            Err(Error::NoLocalOnSharedSubscription("$share/g/t".into()))
        );
        // In 3.1.1 "$share" is an ordinary level, and bit 2 is reserved.
        let mut shared_v3 = shared.clone();
        shared_v3.remove(4); // no property length
        shared_v3[1] -= 1;
        assert_eq!(
            decode(&shared_v3, 99, v3),
            Err(Error::InvalidSubscriptionOptions(0x04))
        );
        *shared_v3.last_mut().unwrap() = 0x01;
        assert!(decode(&shared_v3, 99, v3).is_ok());
        let mut bad_share = vec![0x82, 0, 0, 1, 0, 0, 9];
        bad_share.extend_from_slice(b"$share/+/");
        bad_share.push(0);
        bad_share[1] = (bad_share.len() - 2) as u8;
        assert_eq!(
            decode(&bad_share, 99, v5),
            Err(Error::InvalidSharedSubscription("$share/+/".into()))
        );
        // Two Subscription Identifiers.
        assert_eq!(
            decode(
                &[0x82, 11, 0, 1, 4, 0x0B, 1, 0x0B, 2, 0, 1, b'a', 0],
                99,
                v5
            ),
            Err(Error::DuplicateProperty(
                crate::mqtt::PropertyId::SubscriptionIdentifier
            ))
        );
    }

    #[test]
    fn encoding_checks_filters_and_options() {
        let v3 = ProtocolVersion::V3_1_1;
        let pid = Pid::new(1).unwrap();
        let empty = Packet::Subscribe(Subscribe::new(pid, vec![]));
        assert_eq!(
            empty.encode(v3, &mut Vec::new()),
            Err(Error::NoTopicFilters {
                packet: PacketType::Subscribe
            })
        );
        let mut s = Subscription::new(TopicFilter::new("a").unwrap(), QoS::AtMostOnce);
        s.options.no_local = true;
        let p = Packet::Subscribe(Subscribe::new(pid, vec![s]));
        assert_eq!(
            p.encode(v3, &mut Vec::new()),
            Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_SUBSCRIPTION_OPTIONS_OTHER_THAN_QOS,
                version: v3
            })
        );
        assert!(p.encode(ProtocolVersion::V5, &mut Vec::new()).is_ok());
    }
}
