//! Reason codes: one enum per packet family, holding exactly the codes the
//! specification allows there (5.0 §2.4 and the tables of §3), each saying
//! its name in words ([`Say`], keys in
//! [`keys::mqtt_reason`](crate::text::keys::mqtt_reason)).
//!
//! MQTT 3.1.1 has fewer codes: CONNACK return codes 0-5, SUBACK 0, 1, 2 and
//! 0x80, and none in the other packets. They map onto the 5.0 enums:
//! SUBACK bytes are the same, and CONNACK return codes map as 5.0 §3.2.2.2
//! suggests ([`ConnectReasonCode::from_v3`], [`ConnectReasonCode::to_v3`]).
//! Encoding a 5.0-only code for 3.1.1 is an error, never a silent change.
//! Deciding which code to send is the session's job, not this module's.
//! Each enum's `Default` is its 0x00 code (success / normal / QoS 0).

use std::fmt;

use crate::text::{Message, Say};

macro_rules! reason_codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal => $key:ident,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(u8)]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($value), "`: [`", stringify!($key), "`](crate::text::keys::mqtt_reason::", stringify!($key), ").")]
                $(#[$vmeta])*
                $variant = $value,
            )+
        }

        impl $name {
            /// Every code, in wire order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code with this wire value, if the specification defines one here.
            pub fn from_u8(code: u8) -> Option<Self> {
                match code {
                    $($value => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The wire value.
            pub fn code(self) -> u8 {
                self as u8
            }

            /// Whether the code reports a failure (0x80 and above).
            pub fn is_error(self) -> bool {
                self.code() >= 0x80
            }
        }

        impl Say for $name {
            fn message(&self) -> Message {
                use crate::text::keys::mqtt_reason as k;
                Message::new(match self {
                    $(Self::$variant => k::$key,)+
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.message().fmt(f)
            }
        }

        impl From<$name> for u8 {
            fn from(c: $name) -> u8 {
                c.code()
            }
        }
    };
}

reason_codes! {
    /// CONNACK reason codes (5.0 Table 3-1); 3.1.1 return codes map onto six
    /// of them.
    pub enum ConnectReasonCode {
        #[default]
        Success = 0x00 => SUCCESS,
        UnspecifiedError = 0x80 => UNSPECIFIED_ERROR,
        MalformedPacket = 0x81 => MALFORMED_PACKET,
        ProtocolError = 0x82 => PROTOCOL_ERROR,
        ImplementationSpecificError = 0x83 => IMPLEMENTATION_SPECIFIC_ERROR,
        UnsupportedProtocolVersion = 0x84 => UNSUPPORTED_PROTOCOL_VERSION,
        ClientIdentifierNotValid = 0x85 => CLIENT_IDENTIFIER_NOT_VALID,
        BadUserNameOrPassword = 0x86 => BAD_USER_NAME_OR_PASSWORD,
        NotAuthorized = 0x87 => NOT_AUTHORIZED,
        ServerUnavailable = 0x88 => SERVER_UNAVAILABLE,
        ServerBusy = 0x89 => SERVER_BUSY,
        Banned = 0x8A => BANNED,
        BadAuthenticationMethod = 0x8C => BAD_AUTHENTICATION_METHOD,
        TopicNameInvalid = 0x90 => TOPIC_NAME_INVALID,
        PacketTooLarge = 0x95 => PACKET_TOO_LARGE,
        QuotaExceeded = 0x97 => QUOTA_EXCEEDED,
        PayloadFormatInvalid = 0x99 => PAYLOAD_FORMAT_INVALID,
        RetainNotSupported = 0x9A => RETAIN_NOT_SUPPORTED,
        QosNotSupported = 0x9B => QOS_NOT_SUPPORTED,
        UseAnotherServer = 0x9C => USE_ANOTHER_SERVER,
        ServerMoved = 0x9D => SERVER_MOVED,
        ConnectionRateExceeded = 0x9F => CONNECTION_RATE_EXCEEDED,
    }
}

impl ConnectReasonCode {
    /// The code for a 3.1.1 CONNACK return code (3.1.1 Table 3.1):
    /// 0 accepted, 1 unacceptable protocol version, 2 identifier rejected,
    /// 3 server unavailable, 4 bad user name or password, 5 not authorized.
    pub fn from_v3(return_code: u8) -> Option<Self> {
        Some(match return_code {
            0 => Self::Success,
            1 => Self::UnsupportedProtocolVersion,
            2 => Self::ClientIdentifierNotValid,
            3 => Self::ServerUnavailable,
            4 => Self::BadUserNameOrPassword,
            5 => Self::NotAuthorized,
            _ => return None,
        })
    }

    /// The 3.1.1 return code for this code, if 3.1.1 has one.
    pub fn to_v3(self) -> Option<u8> {
        Some(match self {
            Self::Success => 0,
            Self::UnsupportedProtocolVersion => 1,
            Self::ClientIdentifierNotValid => 2,
            Self::ServerUnavailable => 3,
            Self::BadUserNameOrPassword => 4,
            Self::NotAuthorized => 5,
            _ => return None,
        })
    }
}

reason_codes! {
    /// PUBACK and PUBREC reason codes (5.0 Tables 3-4 and 3-5).
    pub enum PubAckReasonCode {
        #[default]
        Success = 0x00 => SUCCESS,
        NoMatchingSubscribers = 0x10 => NO_MATCHING_SUBSCRIBERS,
        UnspecifiedError = 0x80 => UNSPECIFIED_ERROR,
        ImplementationSpecificError = 0x83 => IMPLEMENTATION_SPECIFIC_ERROR,
        NotAuthorized = 0x87 => NOT_AUTHORIZED,
        TopicNameInvalid = 0x90 => TOPIC_NAME_INVALID,
        PacketIdentifierInUse = 0x91 => PACKET_IDENTIFIER_IN_USE,
        QuotaExceeded = 0x97 => QUOTA_EXCEEDED,
        PayloadFormatInvalid = 0x99 => PAYLOAD_FORMAT_INVALID,
    }
}

/// PUBREC reason codes: the same set as PUBACK (5.0 Table 3-5).
pub type PubRecReasonCode = PubAckReasonCode;

reason_codes! {
    /// PUBREL and PUBCOMP reason codes (5.0 Tables 3-6 and 3-7).
    pub enum PubRelReasonCode {
        #[default]
        Success = 0x00 => SUCCESS,
        PacketIdentifierNotFound = 0x92 => PACKET_IDENTIFIER_NOT_FOUND,
    }
}

/// PUBCOMP reason codes: the same set as PUBREL (5.0 Table 3-7).
pub type PubCompReasonCode = PubRelReasonCode;

reason_codes! {
    /// SUBACK reason codes (5.0 Table 3-8); 3.1.1 has 0x00, 0x01, 0x02 and
    /// 0x80 (Failure) with the same bytes.
    pub enum SubAckReasonCode {
        #[default]
        GrantedQos0 = 0x00 => GRANTED_QOS0,
        GrantedQos1 = 0x01 => GRANTED_QOS1,
        GrantedQos2 = 0x02 => GRANTED_QOS2,
        UnspecifiedError = 0x80 => UNSPECIFIED_ERROR,
        ImplementationSpecificError = 0x83 => IMPLEMENTATION_SPECIFIC_ERROR,
        NotAuthorized = 0x87 => NOT_AUTHORIZED,
        TopicFilterInvalid = 0x8F => TOPIC_FILTER_INVALID,
        PacketIdentifierInUse = 0x91 => PACKET_IDENTIFIER_IN_USE,
        QuotaExceeded = 0x97 => QUOTA_EXCEEDED,
        SharedSubscriptionsNotSupported = 0x9E => SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
        SubscriptionIdentifiersNotSupported = 0xA1 => SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,
        WildcardSubscriptionsNotSupported = 0xA2 => WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
    }
}

impl SubAckReasonCode {
    /// Whether MQTT 3.1.1 has this code (0x00, 0x01, 0x02, 0x80)
    /// [MQTT-3.9.3-2].
    pub fn in_v3(self) -> bool {
        matches!(
            self,
            Self::GrantedQos0 | Self::GrantedQos1 | Self::GrantedQos2 | Self::UnspecifiedError
        )
    }
}

reason_codes! {
    /// UNSUBACK reason codes (5.0 Table 3-9). MQTT 3.1.1 UNSUBACK has none.
    pub enum UnsubAckReasonCode {
        #[default]
        Success = 0x00 => SUCCESS,
        NoSubscriptionExisted = 0x11 => NO_SUBSCRIPTION_EXISTED,
        UnspecifiedError = 0x80 => UNSPECIFIED_ERROR,
        ImplementationSpecificError = 0x83 => IMPLEMENTATION_SPECIFIC_ERROR,
        NotAuthorized = 0x87 => NOT_AUTHORIZED,
        TopicFilterInvalid = 0x8F => TOPIC_FILTER_INVALID,
        PacketIdentifierInUse = 0x91 => PACKET_IDENTIFIER_IN_USE,
    }
}

reason_codes! {
    /// DISCONNECT reason codes (5.0 Table 3-10). MQTT 3.1.1 DISCONNECT has none.
    pub enum DisconnectReasonCode {
        #[default]
        NormalDisconnection = 0x00 => NORMAL_DISCONNECTION,
        DisconnectWithWillMessage = 0x04 => DISCONNECT_WITH_WILL_MESSAGE,
        UnspecifiedError = 0x80 => UNSPECIFIED_ERROR,
        MalformedPacket = 0x81 => MALFORMED_PACKET,
        ProtocolError = 0x82 => PROTOCOL_ERROR,
        ImplementationSpecificError = 0x83 => IMPLEMENTATION_SPECIFIC_ERROR,
        NotAuthorized = 0x87 => NOT_AUTHORIZED,
        ServerBusy = 0x89 => SERVER_BUSY,
        ServerShuttingDown = 0x8B => SERVER_SHUTTING_DOWN,
        KeepAliveTimeout = 0x8D => KEEP_ALIVE_TIMEOUT,
        SessionTakenOver = 0x8E => SESSION_TAKEN_OVER,
        TopicFilterInvalid = 0x8F => TOPIC_FILTER_INVALID,
        TopicNameInvalid = 0x90 => TOPIC_NAME_INVALID,
        ReceiveMaximumExceeded = 0x93 => RECEIVE_MAXIMUM_EXCEEDED,
        TopicAliasInvalid = 0x94 => TOPIC_ALIAS_INVALID,
        PacketTooLarge = 0x95 => PACKET_TOO_LARGE,
        MessageRateTooHigh = 0x96 => MESSAGE_RATE_TOO_HIGH,
        QuotaExceeded = 0x97 => QUOTA_EXCEEDED,
        AdministrativeAction = 0x98 => ADMINISTRATIVE_ACTION,
        PayloadFormatInvalid = 0x99 => PAYLOAD_FORMAT_INVALID,
        RetainNotSupported = 0x9A => RETAIN_NOT_SUPPORTED,
        QosNotSupported = 0x9B => QOS_NOT_SUPPORTED,
        UseAnotherServer = 0x9C => USE_ANOTHER_SERVER,
        ServerMoved = 0x9D => SERVER_MOVED,
        SharedSubscriptionsNotSupported = 0x9E => SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
        ConnectionRateExceeded = 0x9F => CONNECTION_RATE_EXCEEDED,
        MaximumConnectTime = 0xA0 => MAXIMUM_CONNECT_TIME,
        SubscriptionIdentifiersNotSupported = 0xA1 => SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,
        WildcardSubscriptionsNotSupported = 0xA2 => WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
    }
}

reason_codes! {
    /// AUTH reason codes (5.0 Table 3-11).
    pub enum AuthReasonCode {
        #[default]
        Success = 0x00 => SUCCESS,
        ContinueAuthentication = 0x18 => CONTINUE_AUTHENTICATION,
        ReAuthenticate = 0x19 => RE_AUTHENTICATE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_the_specified_sizes_and_round_trip() {
        assert_eq!(ConnectReasonCode::ALL.len(), 22);
        assert_eq!(PubAckReasonCode::ALL.len(), 9);
        assert_eq!(PubRelReasonCode::ALL.len(), 2);
        assert_eq!(SubAckReasonCode::ALL.len(), 12);
        assert_eq!(UnsubAckReasonCode::ALL.len(), 7);
        assert_eq!(DisconnectReasonCode::ALL.len(), 29);
        assert_eq!(AuthReasonCode::ALL.len(), 3);
        for b in 0..=255u8 {
            if let Some(c) = DisconnectReasonCode::from_u8(b) {
                assert_eq!(c.code(), b);
            }
            if let Some(c) = ConnectReasonCode::from_u8(b) {
                assert_eq!(u8::from(c), b);
            }
        }
        assert_eq!(ConnectReasonCode::from_u8(0x8B), None);
    }

    #[test]
    fn display_is_in_words() {
        assert_eq!(
            ConnectReasonCode::NotAuthorized.to_string(),
            "Not authorized"
        );
        assert_eq!(
            DisconnectReasonCode::KeepAliveTimeout.to_string(),
            "Keep Alive timeout"
        );
        assert_eq!(
            AuthReasonCode::ReAuthenticate.to_string(),
            "Re-authenticate"
        );
    }

    #[test]
    fn v3_connack_codes_map_both_ways() {
        for rc in 0..=5u8 {
            let c = ConnectReasonCode::from_v3(rc).unwrap();
            assert_eq!(c.to_v3(), Some(rc));
        }
        assert_eq!(ConnectReasonCode::from_v3(6), None);
        assert_eq!(ConnectReasonCode::Banned.to_v3(), None);
    }
}
