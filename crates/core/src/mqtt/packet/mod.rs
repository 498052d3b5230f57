//! The MQTT control packets, one module each: their fields as Rust types and
//! the variable header and payload of each on the wire (the fixed header is
//! framed in [`crate::mqtt`]).
//!
//! Each packet's module shows its layout in 3.1.1 and 5.0 and holds
//! annotated byte vectors as tests. Nothing here does I/O or keeps state
//! between packets.

mod auth;
mod connack;
mod connect;
mod disconnect;
pub(crate) mod pingreq;
pub(crate) mod pingresp;
mod puback;
mod pubcomp;
mod publish;
mod pubrec;
mod pubrel;
mod suback;
mod subscribe;
mod unsuback;
mod unsubscribe;

pub use auth::Auth;
pub use connack::ConnAck;
pub use connect::{Connect, Will};
pub use disconnect::Disconnect;
pub use puback::PubAck;
pub use pubcomp::PubComp;
pub use publish::{Publish, QosPid};
pub use pubrec::PubRec;
pub use pubrel::PubRel;
pub use suback::SubAck;
pub use subscribe::{RetainHandling, Subscribe, Subscription, SubscriptionOptions};
pub use unsuback::UnsubAck;
pub use unsubscribe::Unsubscribe;

use super::codec::{put_u16, Reader};
use super::{Error, PacketType, Pid, Properties, PropertyScope, ProtocolVersion};

/// Reads a packet identifier, which must not be 0 [MQTT-2.3.1-1].
pub(crate) fn read_pid(r: &mut Reader<'_>) -> Result<Pid, Error> {
    let packet = r.packet();
    Pid::new(r.u16(crate::text::keys::mqtt_codec::FIELD_PACKET_IDENTIFIER)?)
        .ok_or(Error::ZeroPacketId { packet })
}

/// MQTT 3.1.x has no properties: encoding any is an error.
pub(crate) fn no_properties(p: &Properties, version: ProtocolVersion) -> Result<(), Error> {
    if p.is_empty() {
        Ok(())
    } else {
        Err(Error::NotInVersion {
            feature: crate::text::keys::mqtt_codec::FEATURE_PROPERTIES,
            version,
        })
    }
}

/// Decodes the body shared by PUBACK, PUBREC, PUBREL and PUBCOMP:
///
/// ```text
/// 3.1.1: | pid MSB | pid LSB |                          Remaining Length = 2
/// 5.0:   | pid MSB | pid LSB | [reason | [properties]]  Remaining Length >= 2
/// ```
///
/// In 5.0 a missing reason code means success and missing properties mean
/// none (5.0 §3.4.2.1).
pub(crate) fn decode_ack<C>(
    mut r: Reader<'_>,
    version: ProtocolVersion,
    scope: PropertyScope,
    success: C,
    from_u8: fn(u8) -> Option<C>,
) -> Result<(Pid, C, Properties), Error> {
    let packet = r.packet();
    if !version.is_v5() && r.remaining() != 2 {
        return Err(Error::InvalidRemainingLength {
            packet,
            len: r.remaining(),
        });
    }
    let pid = read_pid(&mut r)?;
    if r.is_empty() {
        return Ok((pid, success, Properties::default()));
    }
    let code = r.u8(crate::text::keys::mqtt_codec::FIELD_REASON_CODE)?;
    let reason = from_u8(code).ok_or(Error::InvalidReasonCode { packet, code })?;
    let properties = if r.is_empty() {
        Properties::default()
    } else {
        Properties::decode(&mut r, scope)?
    };
    r.finish()?;
    Ok((pid, reason, properties))
}

/// Encodes the body shared by PUBACK, PUBREC, PUBREL and PUBCOMP in its
/// shortest form: no reason code for success without properties, no property
/// length without properties.
#[allow(clippy::too_many_arguments)]
pub(crate) fn encode_ack(
    packet: PacketType,
    scope: PropertyScope,
    pid: Pid,
    code: u8,
    properties: &Properties,
    version: ProtocolVersion,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    put_u16(out, pid.get());
    if !version.is_v5() {
        if code != 0 {
            return Err(Error::ReasonCodeNotInVersion {
                packet,
                code,
                version,
            });
        }
        return no_properties(properties, version);
    }
    if code == 0 && properties.is_empty() {
        return Ok(());
    }
    out.push(code);
    if !properties.is_empty() {
        properties.encode(scope, out)?;
    }
    Ok(())
}

/// Defines PUBACK, PUBREC, PUBREL and PUBCOMP, which differ only in their
/// type, reason codes and fixed-header flags.
macro_rules! ack_packet {
    ($(#[$meta:meta])* $name:ident, $reason:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// The packet identifier of the exchange being acknowledged.
            pub pid: $crate::mqtt::Pid,
            /// The outcome (5.0). MQTT 3.1.1 has only success.
            pub reason: $crate::mqtt::$reason,
            /// Properties (5.0): Reason String and User Properties.
            pub properties: $crate::mqtt::Properties,
        }

        impl $name {
            /// A successful acknowledgement without properties: all that
            /// 3.1.1 can say.
            pub fn new(pid: $crate::mqtt::Pid) -> Self {
                Self {
                    pid,
                    reason: $crate::mqtt::$reason::Success,
                    properties: $crate::mqtt::Properties::default(),
                }
            }

            pub(crate) fn decode(
                r: $crate::mqtt::codec::Reader<'_>,
                version: $crate::mqtt::ProtocolVersion,
            ) -> Result<Self, $crate::mqtt::Error> {
                let (pid, reason, properties) = $crate::mqtt::packet::decode_ack(
                    r,
                    version,
                    $crate::mqtt::PropertyScope::$name,
                    $crate::mqtt::$reason::Success,
                    $crate::mqtt::$reason::from_u8,
                )?;
                Ok(Self { pid, reason, properties })
            }

            pub(crate) fn encode_body(
                &self,
                version: $crate::mqtt::ProtocolVersion,
                out: &mut Vec<u8>,
            ) -> Result<(), $crate::mqtt::Error> {
                $crate::mqtt::packet::encode_ack(
                    $crate::mqtt::PacketType::$name,
                    $crate::mqtt::PropertyScope::$name,
                    self.pid,
                    self.reason.code(),
                    &self.properties,
                    version,
                    out,
                )
            }
        }
    };
}
pub(crate) use ack_packet;

/// Annotated byte vectors shared by the per-packet tests and the table tests
/// in [`crate::mqtt::tests`].
#[cfg(test)]
pub(crate) mod vectors {
    use crate::mqtt::{decode, Packet, Pid, ProtocolVersion};

    /// One packet's bytes, followed by the bytes of a second packet to prove
    /// that decoding stops exactly at the end of the first.
    pub(crate) struct Vector {
        pub name: &'static str,
        pub version: ProtocolVersion,
        /// The packet, then `next`.
        pub bytes: Vec<u8>,
        pub packet: Packet,
        pub next: Packet,
    }

    impl Vector {
        /// The length of the first packet's bytes.
        pub fn first_len(&self) -> usize {
            let mut n = Vec::new();
            self.next
                .encode(self.version, &mut n)
                .expect("next packet encodes");
            self.bytes.len() - n.len()
        }

        /// The first packet's bytes.
        pub fn first(&self) -> &[u8] {
            &self.bytes[..self.first_len()]
        }

        /// Decodes both packets, and re-encodes the first to its exact bytes.
        pub fn check(&self) {
            let len = self.first_len();
            let (p, used) = decode(&self.bytes, usize::MAX, self.version)
                .unwrap_or_else(|e| panic!("{}: {e}", self.name))
                .unwrap_or_else(|| panic!("{}: incomplete", self.name));
            assert_eq!(p, self.packet, "{}", self.name);
            assert_eq!(used, len, "{}: bytes used", self.name);
            let (n, used2) = decode(&self.bytes[used..], usize::MAX, self.version)
                .unwrap_or_else(|e| panic!("{} (next): {e}", self.name))
                .unwrap_or_else(|| panic!("{} (next): incomplete", self.name));
            assert_eq!(n, self.next, "{}: next packet", self.name);
            assert_eq!(
                used + used2,
                self.bytes.len(),
                "{}: both packets",
                self.name
            );
            let mut out = vec![0xEE]; // encoding appends: existing bytes stay
            self.packet
                .encode(self.version, &mut out)
                .unwrap_or_else(|e| panic!("{}: {e}", self.name));
            assert_eq!(out[0], 0xEE);
            assert_eq!(&out[1..], &self.bytes[..len], "{}: encoding", self.name);
        }
    }

    pub(crate) fn pid(n: u16) -> Pid {
        Pid::new(n).expect("non-zero")
    }

    /// Every vector of every packet.
    pub(crate) fn all() -> Vec<Vector> {
        use super::*;
        let mut v = Vec::new();
        v.extend(connect::vectors());
        v.extend(connack::vectors());
        v.extend(publish::vectors());
        v.extend(puback::vectors());
        v.extend(pubrec::vectors());
        v.extend(pubrel::vectors());
        v.extend(pubcomp::vectors());
        v.extend(subscribe::vectors());
        v.extend(suback::vectors());
        v.extend(unsubscribe::vectors());
        v.extend(unsuback::vectors());
        v.extend(pingreq::vectors());
        v.extend(pingresp::vectors());
        v.extend(disconnect::vectors());
        v.extend(auth::vectors());
        v
    }
}
