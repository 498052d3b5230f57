//! MQTT packet codec for MQTT 3.1.1 (OASIS Standard, 2014), the MQTT 3.1
//! CONNECT (`MQIsdp`, level 3) and MQTT 5.0 (OASIS Standard, 2019): every
//! packet, every property, every reason code.
//!
//! The codec turns bytes into [`Packet`] values ([`decode`]) and back
//! ([`Packet::encode`]), and nothing else: no sockets, no clock, no session
//! state. It never panics on any input: a buffer that ends early is
//! `Ok(None)`, bytes that are not a valid packet are an [`Error`] naming what
//! is wrong.
//!
//! The client [`session`] is built on it: the state machine of a connection
//! (packet identifiers in flight, keep alive, QoS exchanges, flow control,
//! reconnection), still without I/O or a clock.
//!
//! Every packet has the same frame (3.1.1 §2.2, 5.0 §2.1):
//!
//! ```text
//!  bit    7   6   5   4   3   2   1   0
//!       +---------------+---------------+
//! byte 1| packet type   | flags         |   type 1..=14 (15 = AUTH, 5.0 only)
//!       +---------------+---------------+
//!       | Remaining Length (1-4 bytes)  |   Variable Byte Integer: the size of
//!       +-------------------------------+   everything below
//!       | variable header | payload     |
//!       +-------------------------------+
//! ```
//!
//! Several packets in one buffer decode one at a time: [`decode`] returns the
//! packet and how many bytes it used, and the caller drops those bytes.
//!
//! ```
//! use iotda_core::mqtt::{self, Packet, ProtocolVersion, Publish, QosPid, TopicName};
//!
//! let publish = Publish::new(TopicName::new("a/b")?, QosPid::AtMostOnce, b"hi".to_vec());
//! let mut buf = Vec::new();
//! Packet::from(publish.clone()).encode(ProtocolVersion::V3_1_1, &mut buf)?;
//! Packet::PingReq.encode(ProtocolVersion::V3_1_1, &mut buf)?;
//!
//! let (first, used) = mqtt::decode(&buf, 1024, ProtocolVersion::V3_1_1)?.expect("whole packet");
//! assert_eq!(first, Packet::Publish(publish));
//! let (second, _) = mqtt::decode(&buf[used..], 1024, ProtocolVersion::V3_1_1)?.expect("whole packet");
//! assert_eq!(second, Packet::PingReq);
//! assert_eq!(mqtt::decode(&buf[..3], 1024, ProtocolVersion::V3_1_1)?, None); // needs more bytes
//! # Ok::<(), mqtt::Error>(())
//! ```

mod codec;
mod error;
pub mod packet;
pub mod property;
pub mod reason;
pub mod session;
mod topic;

#[cfg(test)]
mod tests;

use std::fmt;
use std::num::NonZeroU16;

use codec::{with_length_prefix, Reader};

pub use codec::{VarInt, VarIntError};
pub use error::Error;
pub use packet::{
    Auth, ConnAck, Connect, Disconnect, PubAck, PubComp, PubRec, PubRel, Publish, QosPid,
    RetainHandling, SubAck, Subscribe, Subscription, SubscriptionOptions, UnsubAck, Unsubscribe,
    Will,
};
pub use property::{Properties, PropertyId, PropertyScope, SubscriptionId};
pub use reason::{
    AuthReasonCode, ConnectReasonCode, DisconnectReasonCode, PubAckReasonCode, PubCompReasonCode,
    PubRecReasonCode, PubRelReasonCode, SubAckReasonCode, UnsubAckReasonCode,
};
pub use session::Session;
pub use topic::{TopicFilter, TopicName};

/// The MQTT version a connection speaks. The same bytes mean different
/// things in 3.1.x and 5.0 (5.0 adds properties and reason codes), so
/// decoding and encoding need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name `MQIsdp`, level 3. Only its CONNECT differs
    /// from 3.1.1; every other packet is coded as in 3.1.1.
    V3_1,
    /// MQTT 3.1.1: protocol name `MQTT`, level 4.
    V3_1_1,
    /// MQTT 5.0: protocol name `MQTT`, level 5.
    V5,
}

impl ProtocolVersion {
    /// The protocol level byte of CONNECT.
    pub fn level(self) -> u8 {
        match self {
            Self::V3_1 => 3,
            Self::V3_1_1 => 4,
            Self::V5 => 5,
        }
    }

    /// The protocol name of CONNECT.
    pub fn protocol_name(self) -> &'static str {
        match self {
            Self::V3_1 => "MQIsdp",
            Self::V3_1_1 | Self::V5 => "MQTT",
        }
    }

    /// Whether this is MQTT 5.0 (properties, reason codes, AUTH).
    pub fn is_v5(self) -> bool {
        self == Self::V5
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V3_1 => "MQTT 3.1",
            Self::V3_1_1 => "MQTT 3.1.1",
            Self::V5 => "MQTT 5.0",
        })
    }
}

/// Quality of service: how hard delivery is tried (3.1.1 §4.3, 5.0 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    /// 0: at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// 1: at least once, acknowledged by PUBACK.
    AtLeastOnce = 1,
    /// 2: exactly once, PUBREC / PUBREL / PUBCOMP.
    ExactlyOnce = 2,
}

impl TryFrom<u8> for QoS {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(Self::AtMostOnce),
            1 => Ok(Self::AtLeastOnce),
            2 => Ok(Self::ExactlyOnce),
            other => Err(Error::InvalidQos(other)),
        }
    }
}

impl From<QoS> for u8 {
    fn from(q: QoS) -> u8 {
        q as u8
    }
}

/// A packet identifier: 1 ..= 65535, never 0 [MQTT-2.3.1-1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(NonZeroU16);

impl Pid {
    /// The identifier, or `None` for 0.
    pub const fn new(id: u16) -> Option<Self> {
        match NonZeroU16::new(id) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// The value.
    pub const fn get(self) -> u16 {
        self.0.get()
    }
}

impl From<NonZeroU16> for Pid {
    fn from(n: NonZeroU16) -> Self {
        Self(n)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The packet type, bits 7-4 of the first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PacketType {
    /// 1: client asks to connect.
    Connect = 1,
    /// 2: server answers CONNECT.
    ConnAck = 2,
    /// 3: an application message.
    Publish = 3,
    /// 4: QoS 1 acknowledgement.
    PubAck = 4,
    /// 5: QoS 2, part 1.
    PubRec = 5,
    /// 6: QoS 2, part 2.
    PubRel = 6,
    /// 7: QoS 2, part 3.
    PubComp = 7,
    /// 8: client subscribes.
    Subscribe = 8,
    /// 9: server answers SUBSCRIBE.
    SubAck = 9,
    /// 10: client unsubscribes.
    Unsubscribe = 10,
    /// 11: server answers UNSUBSCRIBE.
    UnsubAck = 11,
    /// 12: keep-alive ping.
    PingReq = 12,
    /// 13: answer to PINGREQ.
    PingResp = 13,
    /// 14: either side closes.
    Disconnect = 14,
    /// 15: extended authentication (5.0 only).
    Auth = 15,
}

impl PacketType {
    /// The type for a first-byte nibble, or `None` for 0 and values over 15.
    pub fn from_nibble(n: u8) -> Option<Self> {
        use PacketType as T;
        Some(match n {
            1 => T::Connect,
            2 => T::ConnAck,
            3 => T::Publish,
            4 => T::PubAck,
            5 => T::PubRec,
            6 => T::PubRel,
            7 => T::PubComp,
            8 => T::Subscribe,
            9 => T::SubAck,
            10 => T::Unsubscribe,
            11 => T::UnsubAck,
            12 => T::PingReq,
            13 => T::PingResp,
            14 => T::Disconnect,
            15 => T::Auth,
            _ => return None,
        })
    }

    /// The fixed-header flags the type requires, or `None` for PUBLISH whose
    /// flags carry DUP, QoS and RETAIN (3.1.1 Table 2.2, 5.0 Table 2-2).
    pub fn required_flags(self) -> Option<u8> {
        match self {
            Self::Publish => None,
            Self::PubRel | Self::Subscribe | Self::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "CONNECT",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::PingReq => "PINGREQ",
            Self::PingResp => "PINGRESP",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        })
    }
}

/// One MQTT control packet.
// CONNECT is the largest variant (two property sets) but comes once per
// connection; boxing it would make it the only variant that differs.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT (client to server).
    Connect(Connect),
    /// CONNACK (server to client).
    ConnAck(ConnAck),
    /// PUBLISH (both ways).
    Publish(Publish),
    /// PUBACK (both ways).
    PubAck(PubAck),
    /// PUBREC (both ways).
    PubRec(PubRec),
    /// PUBREL (both ways).
    PubRel(PubRel),
    /// PUBCOMP (both ways).
    PubComp(PubComp),
    /// SUBSCRIBE (client to server).
    Subscribe(Subscribe),
    /// SUBACK (server to client).
    SubAck(SubAck),
    /// UNSUBSCRIBE (client to server).
    Unsubscribe(Unsubscribe),
    /// UNSUBACK (server to client).
    UnsubAck(UnsubAck),
    /// PINGREQ (client to server); no content.
    PingReq,
    /// PINGRESP (server to client); no content.
    PingResp,
    /// DISCONNECT (client to server; both ways in 5.0).
    Disconnect(Disconnect),
    /// AUTH (both ways; 5.0 only).
    Auth(Auth),
}

macro_rules! packet_from {
    ($($t:ident),*) => {
        $(impl From<$t> for Packet {
            fn from(p: $t) -> Packet {
                Packet::$t(p)
            }
        })*
    };
}
packet_from!(
    Connect,
    ConnAck,
    Publish,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    Subscribe,
    SubAck,
    Unsubscribe,
    UnsubAck,
    Disconnect,
    Auth
);

impl Packet {
    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        use PacketType as T;
        match self {
            Self::Connect(_) => T::Connect,
            Self::ConnAck(_) => T::ConnAck,
            Self::Publish(_) => T::Publish,
            Self::PubAck(_) => T::PubAck,
            Self::PubRec(_) => T::PubRec,
            Self::PubRel(_) => T::PubRel,
            Self::PubComp(_) => T::PubComp,
            Self::Subscribe(_) => T::Subscribe,
            Self::SubAck(_) => T::SubAck,
            Self::Unsubscribe(_) => T::Unsubscribe,
            Self::UnsubAck(_) => T::UnsubAck,
            Self::PingReq => T::PingReq,
            Self::PingResp => T::PingResp,
            Self::Disconnect(_) => T::Disconnect,
            Self::Auth(_) => T::Auth,
        }
    }

    /// Appends the packet's bytes for `version` to `out`.
    ///
    /// A CONNECT is encoded for its own [`Connect::protocol`], whatever
    /// `version` says, just as [`decode`] reads a CONNECT by its own protocol
    /// level. Everything is checked (string and binary lengths, U+0000,
    /// properties and reason codes against the version and the packet, the
    /// 268,435,455-byte Remaining Length); on error nothing is appended.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), Error> {
        let kind = self.packet_type();
        if kind == PacketType::Auth && !version.is_v5() {
            return Err(Error::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_AUTH_PACKET,
                version,
            });
        }
        let flags = match self {
            Self::Publish(p) => p.header_flags()?,
            _ => kind.required_flags().unwrap_or(0),
        };
        encode_frame(kind, flags, out, |out| match self {
            Self::Connect(p) => p.encode_body(out),
            Self::ConnAck(p) => p.encode_body(version, out),
            Self::Publish(p) => p.encode_body(version, out),
            Self::PubAck(p) => p.encode_body(version, out),
            Self::PubRec(p) => p.encode_body(version, out),
            Self::PubRel(p) => p.encode_body(version, out),
            Self::PubComp(p) => p.encode_body(version, out),
            Self::Subscribe(p) => p.encode_body(version, out),
            Self::SubAck(p) => p.encode_body(version, out),
            Self::Unsubscribe(p) => p.encode_body(version, out),
            Self::UnsubAck(p) => p.encode_body(version, out),
            Self::PingReq | Self::PingResp => Ok(()),
            Self::Disconnect(p) => p.encode_body(version, out),
            Self::Auth(p) => p.encode_body(out),
        })
    }
}

/// Appends one packet: the first byte, the Remaining Length, and what `body`
/// appends. On error nothing is left appended.
pub(crate) fn encode_frame(
    kind: PacketType,
    flags: u8,
    out: &mut Vec<u8>,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
) -> Result<(), Error> {
    let start = out.len();
    out.push(((kind as u8) << 4) | flags);
    let result = with_length_prefix(out, Error::RemainingLengthTooLarge, body);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Checks the first byte: a packet type that exists in `version` with the
/// flags the specification requires. Needs no other byte, so a bad first
/// byte is reported at once.
fn check_first_byte(byte: u8, version: ProtocolVersion) -> Result<PacketType, Error> {
    let nibble = byte >> 4;
    let flags = byte & 0x0F;
    let kind = match PacketType::from_nibble(nibble) {
        Some(PacketType::Auth) if !version.is_v5() => None,
        other => other,
    }
    .ok_or(Error::ReservedPacketType {
        packet_type: nibble,
        version,
    })?;
    match kind.required_flags() {
        Some(required) if flags != required => Err(Error::InvalidFixedHeaderFlags {
            packet: kind,
            flags,
        }),
        Some(_) => Ok(kind),
        None => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                return Err(Error::InvalidQos(qos));
            }
            if qos == 0 && flags & 0b1000 != 0 {
                return Err(Error::DupWithQos0);
            }
            Ok(kind)
        }
    }
}

/// Decodes the first packet in `buf`.
///
/// - `Ok(Some((packet, used)))`: a whole packet; drop `used` bytes from the
///   front of `buf` before decoding the next one.
/// - `Ok(None)`: `buf` ends before the packet does; call again with more
///   bytes. Never an error, never a panic.
/// - `Err(e)`: the bytes are not a valid packet for `version`, or the packet
///   is over `max_packet_size` bytes (fixed header included; reported as soon
///   as the fixed header is read, without waiting for the body). The
///   connection should be closed: no later byte can be trusted.
///
/// A CONNECT is decoded by its own protocol name and level whatever
/// `version` says (a server learns the version from it); every other packet
/// uses `version`, and [`ProtocolVersion::V3_1`] decodes them as 3.1.1.
pub fn decode(
    buf: &[u8],
    max_packet_size: usize,
    version: ProtocolVersion,
) -> Result<Option<(Packet, usize)>, Error> {
    let Some((&first, rest)) = buf.split_first() else {
        return Ok(None);
    };
    let kind = check_first_byte(first, version)?;
    let (remaining, len_len) = match VarInt::decode(rest) {
        Ok(Some((v, n))) => (v.get() as usize, n),
        Ok(None) => return Ok(None),
        Err(VarIntError::TooLong) => return Err(Error::MalformedRemainingLength),
        Err(VarIntError::NonMinimal { value, len }) => {
            return Err(Error::NonMinimalVarInt { value, len })
        }
    };
    let size = 1 + len_len + remaining;
    if size > max_packet_size {
        return Err(Error::PacketTooLarge {
            size,
            max: max_packet_size,
        });
    }
    let Some(body) = buf.get(1 + len_len..size) else {
        return Ok(None);
    };
    let r = Reader::new(body, kind);
    let flags = first & 0x0F;
    let packet = match kind {
        PacketType::Connect => Packet::Connect(Connect::decode(r)?),
        PacketType::ConnAck => Packet::ConnAck(ConnAck::decode(r, version)?),
        PacketType::Publish => Packet::Publish(Publish::decode(r, flags, version)?),
        PacketType::PubAck => Packet::PubAck(PubAck::decode(r, version)?),
        PacketType::PubRec => Packet::PubRec(PubRec::decode(r, version)?),
        PacketType::PubRel => Packet::PubRel(PubRel::decode(r, version)?),
        PacketType::PubComp => Packet::PubComp(PubComp::decode(r, version)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::decode(r, version)?),
        PacketType::SubAck => Packet::SubAck(SubAck::decode(r, version)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(r, version)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode(r, version)?),
        PacketType::PingReq => packet::pingreq::decode(r).map(|()| Packet::PingReq)?,
        PacketType::PingResp => packet::pingresp::decode(r).map(|()| Packet::PingResp)?,
        PacketType::Disconnect => Packet::Disconnect(Disconnect::decode(r, version)?),
        PacketType::Auth => Packet::Auth(Auth::decode(r)?),
    };
    Ok(Some((packet, size)))
}
