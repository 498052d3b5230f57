//! One table of malformed input, each row with the exact error it must give.

use crate::mqtt::{decode, Error, PacketType, PropertyId, PropertyScope, ProtocolVersion};

use ProtocolVersion::{V3_1_1, V5};

struct Case {
    what: &'static str,
    version: ProtocolVersion,
    max: usize,
    bytes: Vec<u8>,
    error: Error,
}

fn case(what: &'static str, version: ProtocolVersion, bytes: &[u8], error: Error) -> Case {
    Case {
        what,
        version,
        max: 1024,
        bytes: bytes.to_vec(),
        error,
    }
}

fn cases() -> Vec<Case> {
    use PacketType as T;
    vec![
        // Flags.
        case(
            "PUBREL with flags 0000",
            V3_1_1,
            &[0x60, 2, 0, 1],
            Error::InvalidFixedHeaderFlags {
                packet: T::PubRel,
                flags: 0,
            },
        ),
        case(
            "SUBSCRIBE with flags 0000",
            V5,
            &[0x80, 6, 0, 1, 0, 0, 1, b'a'],
            Error::InvalidFixedHeaderFlags {
                packet: T::Subscribe,
                flags: 0,
            },
        ),
        case(
            "UNSUBSCRIBE with flags 0011",
            V3_1_1,
            &[0xA3, 5, 0, 1, 0, 1, b'a'],
            Error::InvalidFixedHeaderFlags {
                packet: T::Unsubscribe,
                flags: 3,
            },
        ),
        case(
            "CONNECT with flags 0001",
            V3_1_1,
            &[0x11, 0],
            Error::InvalidFixedHeaderFlags {
                packet: T::Connect,
                flags: 1,
            },
        ),
        case(
            "PINGREQ with flags 1000",
            V5,
            &[0xC8, 0],
            Error::InvalidFixedHeaderFlags {
                packet: T::PingReq,
                flags: 8,
            },
        ),
        case(
            "packet type 0",
            V3_1_1,
            &[0x00, 0],
            Error::ReservedPacketType {
                packet_type: 0,
                version: V3_1_1,
            },
        ),
        case(
            "AUTH in 3.1.1",
            V3_1_1,
            &[0xF0, 0],
            Error::ReservedPacketType {
                packet_type: 15,
                version: V3_1_1,
            },
        ),
        case(
            "CONNECT reserved flag",
            V3_1_1,
            &[0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x03, 0, 0, 0, 0],
            Error::ConnectReservedFlag,
        ),
        case(
            "will QoS without will flag",
            V3_1_1,
            &[0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x12, 0, 0, 0, 0],
            Error::WillFlagsWithoutWill { flags: 0x12 },
        ),
        case(
            "password without user name (3.1.1)",
            V3_1_1,
            &[
                0x10, 15, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x42, 0, 0, 0, 0, 0, 1, b'p',
            ],
            Error::PasswordWithoutUsername,
        ),
        case(
            "CONNACK reserved flag bits",
            V5,
            &[0x20, 3, 0x80, 0, 0],
            Error::InvalidConnAckFlags(0x80),
        ),
        // QoS.
        case(
            "PUBLISH QoS 3",
            V3_1_1,
            &[0x36, 5, 0, 1, b't', 0, 1],
            Error::InvalidQos(3),
        ),
        case(
            "PUBLISH DUP with QoS 0",
            V5,
            &[0x38, 4, 0, 1, b't', 0],
            Error::DupWithQos0,
        ),
        case(
            "SUBSCRIBE requested QoS 3",
            V3_1_1,
            &[0x82, 6, 0, 1, 0, 1, b'a', 3],
            Error::InvalidQos(3),
        ),
        case(
            "will QoS 3",
            V3_1_1,
            &[
                0x10, 17, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x1E, 0, 0, 0, 0, 0, 1, b'w', 0, 0,
            ],
            Error::InvalidQos(3),
        ),
        // Remaining Length.
        case(
            "5-byte Remaining Length",
            V3_1_1,
            &[0x30, 0x80, 0x80, 0x80, 0x80, 0x01],
            Error::MalformedRemainingLength,
        ),
        case(
            "non-minimal Remaining Length",
            V3_1_1,
            &[0xE0, 0x80, 0x00],
            Error::NonMinimalVarInt { value: 0, len: 2 },
        ),
        case(
            "over-long property length",
            V5,
            &[0x30, 8, 0, 1, b't', 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            Error::MalformedVarInt,
        ),
        case(
            "non-minimal property length",
            V5,
            &[0x30, 5, 0, 1, b't', 0x80, 0x00],
            Error::NonMinimalVarInt { value: 0, len: 2 },
        ),
        case(
            "Remaining Length too short for the topic",
            V3_1_1,
            &[0x30, 3, 0, 5, b't'],
            Error::UnexpectedEnd {
                packet: T::Publish,
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
            },
        ),
        case(
            "Remaining Length too long for CONNACK content (5.0)",
            V5,
            &[0x20, 4, 0, 0, 0, 0xFF],
            Error::TrailingBytes {
                packet: T::ConnAck,
                count: 1,
            },
        ),
        case(
            "3.1.1 PUBACK of 3 bytes",
            V3_1_1,
            &[0x40, 3, 0, 1, 0],
            Error::InvalidRemainingLength {
                packet: T::PubAck,
                len: 3,
            },
        ),
        case(
            "PINGRESP with a body",
            V3_1_1,
            &[0xD0, 1, 0],
            Error::InvalidRemainingLength {
                packet: T::PingResp,
                len: 1,
            },
        ),
        case(
            "property length past the packet",
            V5,
            &[0x40, 5, 0, 1, 0x80, 9, 0x1F],
            Error::UnexpectedEnd {
                packet: T::PubAck,
                field: crate::text::keys::mqtt_codec::FIELD_PROPERTIES,
            },
        ),
        // Size.
        Case {
            what: "packet over max size",
            version: V3_1_1,
            max: 5,
            bytes: vec![0x30, 4, 0, 1, b't', b'x'],
            error: Error::PacketTooLarge { size: 6, max: 5 },
        },
        // Strings.
        case(
            "invalid UTF-8 in a topic",
            V3_1_1,
            &[0x30, 4, 0, 2, 0xFF, b'a'],
            Error::InvalidUtf8 {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
            },
        ),
        case(
            "UTF-16 surrogate in a client id",
            V3_1_1,
            &[
                0x10, 15, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 0, 0, 3, 0xED, 0xA0, 0x80,
            ],
            Error::InvalidUtf8 {
                field: crate::text::keys::mqtt_codec::FIELD_CLIENT_IDENTIFIER,
            },
        ),
        case(
            "U+0000 in a topic",
            V3_1_1,
            &[0x30, 5, 0, 3, b'a', 0, b'b'],
            Error::NullCharacter {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
            },
        ),
        case(
            "U+0000 in a topic filter",
            V5,
            &[0x82, 7, 0, 1, 0, 0, 1, 0, 0],
            Error::NullCharacter {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER,
            },
        ),
        case(
            "U+0000 in a user property",
            V5,
            &[0xE0, 9, 0x80, 7, 0x26, 0, 1, 0, 0, 1, b'v'],
            Error::NullCharacter {
                field: crate::text::keys::mqtt_property::USER_PROPERTY,
            },
        ),
        case(
            "wildcard in a PUBLISH topic",
            V3_1_1,
            &[0x30, 5, 0, 3, b'a', b'/', b'#'],
            Error::WildcardInTopicName("a/#".into()),
        ),
        case(
            "# not last in a filter",
            V3_1_1,
            &[0x82, 8, 0, 1, 0, 3, b'#', b'/', b'a', 0],
            Error::InvalidMultiLevelWildcard("#/a".into()),
        ),
        case(
            "+ not alone in its level",
            V3_1_1,
            &[0x82, 7, 0, 1, 0, 2, b'a', b'+', 0],
            Error::InvalidSingleLevelWildcard("a+".into()),
        ),
        // Properties.
        case(
            "Topic Alias in CONNACK",
            V5,
            &[0x20, 6, 0, 0, 3, 0x23, 0, 1],
            Error::PropertyNotAllowed {
                property: PropertyId::TopicAlias,
                scope: PropertyScope::ConnAck,
            },
        ),
        case(
            "Will Delay Interval in PUBLISH",
            V5,
            &[0x30, 9, 0, 1, b't', 5, 0x18, 0, 0, 0, 1],
            Error::PropertyNotAllowed {
                property: PropertyId::WillDelayInterval,
                scope: PropertyScope::Publish,
            },
        ),
        case(
            "duplicate Message Expiry Interval",
            V5,
            &[0x30, 14, 0, 1, b't', 10, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2],
            Error::DuplicateProperty(PropertyId::MessageExpiryInterval),
        ),
        case(
            "duplicate Reason String",
            V5,
            &[0x40, 12, 0, 1, 0x80, 8, 0x1F, 0, 1, b'a', 0x1F, 0, 1, b'b'],
            Error::DuplicateProperty(PropertyId::ReasonString),
        ),
        case(
            "unknown property 0x7F",
            V5,
            &[0x30, 6, 0, 1, b't', 1, 0x7F, 0],
            Error::UnknownProperty(0x7F),
        ),
        case(
            "Receive Maximum 0",
            V5,
            &[0x20, 6, 0, 0, 3, 0x21, 0, 0],
            Error::InvalidPropertyValue {
                property: PropertyId::ReceiveMaximum,
                value: 0,
            },
        ),
        // Subscriptions.
        case(
            "SUBSCRIBE without filters (3.1.1)",
            V3_1_1,
            &[0x82, 2, 0, 1],
            Error::NoTopicFilters {
                packet: T::Subscribe,
            },
        ),
        case(
            "SUBSCRIBE without filters (5.0)",
            V5,
            &[0x82, 3, 0, 1, 0],
            Error::NoTopicFilters {
                packet: T::Subscribe,
            },
        ),
        case(
            "UNSUBSCRIBE without filters",
            V3_1_1,
            &[0xA2, 2, 0, 1],
            Error::NoTopicFilters {
                packet: T::Unsubscribe,
            },
        ),
        case(
            "SUBACK without codes",
            V3_1_1,
            &[0x90, 2, 0, 1],
            Error::NoReasonCodes { packet: T::SubAck },
        ),
        case(
            "packet identifier 0",
            V3_1_1,
            &[0x82, 6, 0, 0, 0, 1, b'a', 0],
            Error::ZeroPacketId {
                packet: T::Subscribe,
            },
        ),
        // Reason codes.
        case(
            "CONNACK return code 6 (3.1.1)",
            V3_1_1,
            &[0x20, 2, 0, 6],
            Error::InvalidReasonCode {
                packet: T::ConnAck,
                code: 6,
            },
        ),
        case(
            "DISCONNECT reason 0x05",
            V5,
            &[0xE0, 1, 5],
            Error::InvalidReasonCode {
                packet: T::Disconnect,
                code: 5,
            },
        ),
        case(
            "session present with refusal",
            V3_1_1,
            &[0x20, 2, 1, 5],
            Error::SessionPresentWithError(5),
        ),
    ]
}

#[test]
fn malformed_input_gives_the_specific_error() {
    for c in cases() {
        assert_eq!(
            decode(&c.bytes, c.max, c.version),
            Err(c.error.clone()),
            "{}",
            c.what
        );
        // Every error has a message a person can act on.
        assert!(c.error.to_string().len() > 20, "{}: {}", c.what, c.error);
    }
}
