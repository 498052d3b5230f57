//! The one error type of the MQTT codec.
//!
//! Every way a byte sequence can fail to be an MQTT packet, and every way a
//! packet value can fail to be encoded, is a variant here carrying the
//! offending data. Where a variant enforces a normative statement of the
//! specification, its doc names it: 3.1.1 ids first, then 5.0 ids where they
//! differ. No I/O error, no `String` catch-all.

use std::fmt;

use crate::text::{Key, Message, Say};

use super::property::{PropertyId, PropertyScope};
use super::{PacketType, ProtocolVersion};

/// Why bytes could not be decoded as an MQTT packet, or a packet could not be
/// encoded.
///
/// Decoding errors mean the peer sent a malformed packet or broke the
/// protocol: the connection must be closed (MQTT 5 peers may first send a
/// DISCONNECT with reason 0x81 Malformed Packet or 0x82 Protocol Error).
/// Encoding errors mean the packet value itself is not valid for the chosen
/// protocol version: fix the value, nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The packet type nibble of the first byte is 0 (reserved in every
    /// version) or 15 outside MQTT 5 (AUTH exists only in 5.0). Likely cause:
    /// the stream is not MQTT, or is out of step (a previous packet was
    /// framed wrongly), or the peer speaks 5.0 while we expect 3.1.1.
    ReservedPacketType {
        /// The packet type nibble (bits 7-4 of the first byte).
        packet_type: u8,
        /// The protocol version the bytes were decoded with.
        version: ProtocolVersion,
    },
    /// The flag bits of the first byte are not the value the specification
    /// fixes for this packet type (0b0010 for PUBREL, SUBSCRIBE and
    /// UNSUBSCRIBE, 0b0000 for the others) [MQTT-2.2.2-1] [MQTT-2.2.2-2]
    /// (5.0: [MQTT-2.1.3-1], [MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1],
    /// [MQTT-3.14.1-1], [MQTT-3.15.1-1]).
    InvalidFixedHeaderFlags {
        /// The packet type.
        packet: PacketType,
        /// The low nibble of the first byte.
        flags: u8,
    },
    /// A QoS of 3 (both QoS bits set) in a PUBLISH header, a will or a
    /// subscription [MQTT-3.3.1-4] [MQTT-3.1.2-14] [MQTT-3-8.3-4].
    InvalidQos(u8),
    /// A PUBLISH with QoS 0 has its DUP flag set [MQTT-3.3.1-2].
    DupWithQos0,
    /// The Remaining Length field continues past its fourth byte; it can be
    /// at most four bytes (3.1.1 §2.2.3, [MQTT-1.5.5-1] in 5.0). Likely cause:
    /// garbage or a desynchronised stream.
    MalformedRemainingLength,
    /// A Variable Byte Integer inside a packet (property length, Subscription
    /// Identifier) continues past its fourth byte (5.0 §1.5.5).
    MalformedVarInt,
    /// A Variable Byte Integer (the Remaining Length or one inside the packet)
    /// uses more bytes than its value needs, for example `0x80 0x00` for 0
    /// [MQTT-1.5.5-1].
    NonMinimalVarInt {
        /// The decoded value.
        value: u32,
        /// How many bytes encoded it.
        len: usize,
    },
    /// The packet announced by the fixed header is larger than the maximum
    /// the caller accepts (the `max_packet_size` argument of
    /// [`decode`](super::decode), which in MQTT 5 should be the Maximum Packet
    /// Size sent to the peer). Raise the limit or close the connection.
    PacketTooLarge {
        /// The whole packet's size in bytes, fixed header included.
        size: usize,
        /// The limit it exceeds.
        max: usize,
    },
    /// Encoding: the packet would need a Remaining Length over 268,435,455
    /// bytes, which MQTT cannot express. Split the payload.
    RemainingLengthTooLarge(usize),
    /// Encoding: a length inside the packet (the property length) or a
    /// Subscription Identifier would be over 268,435,455.
    VarIntTooLarge(usize),
    /// The Remaining Length of a fixed-size packet is not its size (for
    /// example a 3.1.1 PUBACK must have exactly 2, a PINGREQ 0).
    InvalidRemainingLength {
        /// The packet type.
        packet: PacketType,
        /// The Remaining Length received.
        len: usize,
    },
    /// A field runs past the end of the packet as given by its Remaining
    /// Length: the Remaining Length does not match the content.
    UnexpectedEnd {
        /// The packet type.
        packet: PacketType,
        /// The field that was being read.
        field: Key,
    },
    /// Bytes are left in the packet after its last field: the Remaining
    /// Length does not match the content.
    TrailingBytes {
        /// The packet type.
        packet: PacketType,
        /// How many bytes were left.
        count: usize,
    },
    /// A UTF-8 Encoded String is not well-formed UTF-8 (which includes
    /// encoded surrogates U+D800..U+DFFF) [MQTT-1.5.3-1] (5.0: [MQTT-1.5.4-1]).
    InvalidUtf8 {
        /// The field holding the string.
        field: Key,
    },
    /// A UTF-8 Encoded String contains the null character U+0000
    /// [MQTT-1.5.3-2] [MQTT-4.7.3-2] (5.0: [MQTT-1.5.4-2]).
    NullCharacter {
        /// The field holding the string.
        field: Key,
    },
    /// Encoding: a string or binary field is longer than the 65,535 bytes
    /// its two-byte length can express [MQTT-4.7.3-3].
    TooLong {
        /// The field.
        field: Key,
        /// Its length in bytes.
        len: usize,
    },
    /// A topic name or topic filter is empty [MQTT-4.7.3-1]. In MQTT 5 a
    /// PUBLISH may have an empty topic name only together with a Topic Alias
    /// (5.0 §3.3.2.3.4).
    EmptyTopic {
        /// The field holding the topic.
        field: Key,
    },
    /// A topic name (PUBLISH topic, will topic, Response Topic) contains a
    /// wildcard `+` or `#` [MQTT-3.3.2-2] [MQTT-4.7.1-1] (5.0:
    /// [MQTT-4.7.0-1], [MQTT-3.3.2-14]).
    WildcardInTopicName(String),
    /// The multi-level wildcard `#` in a topic filter is not alone in the last
    /// level, as in `a/b#` or `a/#/b` [MQTT-4.7.1-2] (5.0: [MQTT-4.7.1-1]).
    InvalidMultiLevelWildcard(String),
    /// The single-level wildcard `+` in a topic filter does not occupy a whole
    /// level, as in `a/b+` [MQTT-4.7.1-3] (5.0: [MQTT-4.7.1-2]).
    InvalidSingleLevelWildcard(String),
    /// MQTT 5: a `$share/` topic filter has an empty share name, a share name
    /// with `+` or `#`, or no topic filter after the share name
    /// [MQTT-4.8.2-1] [MQTT-4.8.2-2].
    InvalidSharedSubscription(String),
    /// MQTT 5: the No Local option is set on a shared subscription
    /// [MQTT-3.8.3-4].
    NoLocalOnSharedSubscription(String),
    /// The CONNECT protocol name is neither `MQTT` (3.1.1, 5.0) nor `MQIsdp`
    /// (3.1) [MQTT-3.1.2-1]. Likely cause: not an MQTT client.
    InvalidProtocolName(String),
    /// The CONNECT protocol level is not one this codec speaks (3 with
    /// `MQIsdp`, 4 or 5 with `MQTT`). A server should answer with CONNACK
    /// return code 0x01 (3.1.1) or reason 0x84 (5.0) [MQTT-3.1.2-2].
    UnsupportedProtocolLevel(u8),
    /// The reserved bit 0 of the CONNECT flags is set [MQTT-3.1.2-3].
    ConnectReservedFlag,
    /// The CONNECT flags set Will QoS or Will Retain without the Will Flag
    /// [MQTT-3.1.2-11] [MQTT-3.1.2-13] [MQTT-3.1.2-15].
    WillFlagsWithoutWill {
        /// The CONNECT flags byte.
        flags: u8,
    },
    /// MQTT 3.1 / 3.1.1: the CONNECT has a password but no user name
    /// [MQTT-3.1.2-22]. (MQTT 5 allows it.)
    PasswordWithoutUsername,
    /// MQTT 5: Authentication Data without an Authentication Method
    /// (5.0 §3.1.2.11.10).
    AuthDataWithoutMethod,
    /// The reserved bits 7-1 of the CONNACK acknowledge flags are not zero
    /// (3.1.1 §3.2.2.1, 5.0 [MQTT-3.2.2-1]).
    InvalidConnAckFlags(u8),
    /// A CONNACK refuses the connection yet sets Session Present
    /// [MQTT-3.2.2-4] (5.0: [MQTT-3.2.2-6]).
    SessionPresentWithError(u8),
    /// A reason code (5.0) or return code (3.1.1) that the specification does
    /// not define for this packet [MQTT-3.9.3-2] (5.0: [MQTT-3.2.2-8],
    /// [MQTT-3.4.2-1], [MQTT-3.5.2-1], [MQTT-3.6.2-1], [MQTT-3.7.2-1],
    /// [MQTT-3.9.3-2], [MQTT-3.11.3-2], [MQTT-3.14.2-1], [MQTT-3.15.2-1]).
    InvalidReasonCode {
        /// The packet type.
        packet: PacketType,
        /// The code received.
        code: u8,
    },
    /// Encoding: a reason code that exists only in MQTT 5 was to be sent in
    /// an MQTT 3.1.x packet (3.1.1 has no code for it). Pick a 3.1.1 code.
    ReasonCodeNotInVersion {
        /// The packet type.
        packet: PacketType,
        /// The reason code.
        code: u8,
        /// The version it was to be encoded for.
        version: ProtocolVersion,
    },
    /// A packet identifier is 0 [MQTT-2.3.1-1] (5.0: [MQTT-2.2.1-3]).
    ZeroPacketId {
        /// The packet type.
        packet: PacketType,
    },
    /// A SUBSCRIBE or UNSUBSCRIBE has no topic filter [MQTT-3.8.3-3]
    /// [MQTT-3.10.3-2] (5.0: [MQTT-3.8.3-2], [MQTT-3.10.3-2]).
    NoTopicFilters {
        /// The packet type.
        packet: PacketType,
    },
    /// A SUBACK or (MQTT 5) UNSUBACK has no reason code, though it answers at
    /// least one topic filter [MQTT-3.8.4-5] (5.0: [MQTT-3.8.4-6],
    /// [MQTT-3.11.3-1]).
    NoReasonCodes {
        /// The packet type.
        packet: PacketType,
    },
    /// Reserved bits of a subscription options byte are set: bits 7-2 in
    /// 3.1.1 [MQTT-3-8.3-4], bits 7-6 in 5.0 [MQTT-3.8.3-5].
    InvalidSubscriptionOptions(u8),
    /// MQTT 5: Retain Handling 3 in a subscription options byte
    /// (5.0 §3.8.3.1: a Protocol Error).
    InvalidRetainHandling(u8),
    /// MQTT 5: a property identifier this version does not define.
    UnknownProperty(u8),
    /// MQTT 5: a property that the specification does not allow in this
    /// packet (5.0 §2.2.2.2, Table 2-4), for example a Topic Alias in a
    /// CONNECT.
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it appeared.
        scope: PropertyScope,
    },
    /// MQTT 5: a property appears twice, though only User Property (and
    /// Subscription Identifier in PUBLISH) may repeat (5.0 §2.2.2.2).
    DuplicateProperty(PropertyId),
    /// MQTT 5: more User Properties (or, in a PUBLISH, Subscription
    /// Identifiers) in one packet than
    /// [`MAX_REPEATED_PROPERTIES`](super::property::MAX_REPEATED_PROPERTIES).
    /// Likely cause: a hostile or broken peer; on encoding, attach fewer.
    TooManyProperties {
        /// The repeated property.
        property: PropertyId,
        /// The most one packet may carry.
        max: usize,
    },
    /// MQTT 5: a property value outside its range: 0 for Receive Maximum,
    /// Maximum Packet Size, Topic Alias or Subscription Identifier
    /// ([MQTT-3.3.2-8]), or a byte property other than 0 or 1 (Maximum QoS 2
    /// included).
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value received or to be sent.
        value: u32,
    },
    /// Encoding: something that exists only in MQTT 5 (properties, reason
    /// codes, subscription options other than QoS, the AUTH packet) was to be
    /// encoded for MQTT 3.1.x. Remove it or encode for
    /// [`ProtocolVersion::V5`].
    NotInVersion {
        /// What does not exist in that version.
        feature: Key,
        /// The version it was to be encoded for.
        version: ProtocolVersion,
    },
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::mqtt_codec as k;
        match self {
            Self::ReservedPacketType {
                packet_type,
                version,
            } => Message::new(k::RESERVED_PACKET_TYPE)
                .with("packet_type", packet_type)
                .with("version", version),
            Self::InvalidFixedHeaderFlags { packet, flags } => {
                Message::new(k::INVALID_FIXED_HEADER_FLAGS)
                    .with("packet", packet)
                    .with("flags", format_args!("{flags:#06b}"))
                    .with(
                        "expected",
                        format_args!("{:#06b}", packet.required_flags().unwrap_or(0)),
                    )
            }
            Self::InvalidQos(q) => Message::new(k::INVALID_QOS).with("q", q),
            Self::DupWithQos0 => Message::new(k::DUP_WITH_QOS0),
            Self::MalformedRemainingLength => Message::new(k::MALFORMED_REMAINING_LENGTH),
            Self::MalformedVarInt => Message::new(k::MALFORMED_VAR_INT),
            Self::NonMinimalVarInt { value, len } => Message::new(k::NON_MINIMAL_VAR_INT)
                .with("value", value)
                .with("len", len),
            Self::PacketTooLarge { size, max } => Message::new(k::PACKET_TOO_LARGE)
                .with("size", size)
                .with("max", max),
            Self::RemainingLengthTooLarge(len) => {
                Message::new(k::REMAINING_LENGTH_TOO_LARGE).with("len", len)
            }
            Self::VarIntTooLarge(v) => Message::new(k::VAR_INT_TOO_LARGE).with("v", v),
            Self::InvalidRemainingLength { packet, len } => {
                Message::new(k::INVALID_REMAINING_LENGTH)
                    .with("packet", packet)
                    .with("len", len)
            }
            Self::UnexpectedEnd { packet, field } => Message::new(k::UNEXPECTED_END)
                .with("packet", packet)
                .with_message("field", Message::new(*field)),
            Self::TrailingBytes { packet, count } => Message::new(k::TRAILING_BYTES)
                .with("packet", packet)
                .with("count", count),
            Self::InvalidUtf8 { field } => {
                Message::new(k::INVALID_UTF8).with_message("field", Message::new(*field))
            }
            Self::NullCharacter { field } => {
                Message::new(k::NULL_CHARACTER).with_message("field", Message::new(*field))
            }
            Self::TooLong { field, len } => Message::new(k::TOO_LONG)
                .with_message("field", Message::new(*field))
                .with("len", len),
            Self::EmptyTopic { field } => {
                Message::new(k::EMPTY_TOPIC).with_message("field", Message::new(*field))
            }
            Self::WildcardInTopicName(t) => {
                Message::new(k::WILDCARD_IN_TOPIC_NAME).with("t", format_args!("{t:?}"))
            }
            Self::InvalidMultiLevelWildcard(t) => {
                Message::new(k::INVALID_MULTI_LEVEL_WILDCARD).with("t", format_args!("{t:?}"))
            }
            Self::InvalidSingleLevelWildcard(t) => {
                Message::new(k::INVALID_SINGLE_LEVEL_WILDCARD).with("t", format_args!("{t:?}"))
            }
            Self::InvalidSharedSubscription(t) => {
                Message::new(k::INVALID_SHARED_SUBSCRIPTION).with("t", format_args!("{t:?}"))
            }
            Self::NoLocalOnSharedSubscription(t) => {
                Message::new(k::NO_LOCAL_ON_SHARED_SUBSCRIPTION).with("t", format_args!("{t:?}"))
            }
            Self::InvalidProtocolName(n) => {
                Message::new(k::INVALID_PROTOCOL_NAME).with("n", format_args!("{n:?}"))
            }
            Self::UnsupportedProtocolLevel(l) => {
                Message::new(k::UNSUPPORTED_PROTOCOL_LEVEL).with("l", l)
            }
            Self::ConnectReservedFlag => Message::new(k::CONNECT_RESERVED_FLAG),
            Self::WillFlagsWithoutWill { flags } => Message::new(k::WILL_FLAGS_WITHOUT_WILL)
                .with("flags", format_args!("{flags:#010b}")),
            Self::PasswordWithoutUsername => Message::new(k::PASSWORD_WITHOUT_USERNAME),
            Self::AuthDataWithoutMethod => Message::new(k::AUTH_DATA_WITHOUT_METHOD),
            Self::InvalidConnAckFlags(b) => {
                Message::new(k::INVALID_CONN_ACK_FLAGS).with("b", format_args!("{b:#010b}"))
            }
            Self::SessionPresentWithError(code) => Message::new(k::SESSION_PRESENT_WITH_ERROR)
                .with("code", format_args!("{code:#04x}")),
            Self::InvalidReasonCode { packet, code } => Message::new(k::INVALID_REASON_CODE)
                .with("code", format_args!("{code:#04x}"))
                .with("packet", packet),
            Self::ReasonCodeNotInVersion {
                packet,
                code,
                version,
            } => Message::new(k::REASON_CODE_NOT_IN_VERSION)
                .with("packet", packet)
                .with("code", format_args!("{code:#04x}"))
                .with("version", version),
            Self::ZeroPacketId { packet } => Message::new(k::ZERO_PACKET_ID).with("packet", packet),
            Self::NoTopicFilters { packet } => {
                Message::new(k::NO_TOPIC_FILTERS).with("packet", packet)
            }
            Self::NoReasonCodes { packet } => {
                Message::new(k::NO_REASON_CODES).with("packet", packet)
            }
            Self::InvalidSubscriptionOptions(b) => {
                Message::new(k::INVALID_SUBSCRIPTION_OPTIONS).with("b", format_args!("{b:#010b}"))
            }
            Self::InvalidRetainHandling(v) => Message::new(k::INVALID_RETAIN_HANDLING).with("v", v),
            Self::UnknownProperty(id) => {
                Message::new(k::UNKNOWN_PROPERTY).with("id", format_args!("{id:#04x}"))
            }
            Self::PropertyNotAllowed { property, scope } => Message::new(k::PROPERTY_NOT_ALLOWED)
                .with("property", property)
                .with_message("scope", scope.message()),
            Self::DuplicateProperty(p) => Message::new(k::DUPLICATE_PROPERTY).with("p", p),
            Self::TooManyProperties { property, max } => Message::new(k::TOO_MANY_PROPERTIES)
                .with("max", max)
                .with("property", property),
            Self::InvalidPropertyValue { property, value } => {
                Message::new(k::INVALID_PROPERTY_VALUE)
                    .with("value", value)
                    .with("property", property)
            }
            Self::NotInVersion { feature, version } => Message::new(k::NOT_IN_VERSION)
                .with_message("feature", Message::new(*feature))
                .with("version", version),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {}
