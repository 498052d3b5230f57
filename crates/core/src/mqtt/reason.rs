//! Reason codes: one enum per packet family, holding exactly the codes the
//! specification allows there (5.0 §2.4 and the tables of §3), with `Display`
//! in words.
//!
//! MQTT 3.1.1 has fewer codes: CONNACK return codes 0-5, SUBACK 0, 1, 2 and
//! 0x80, and none in the other packets. They map onto the 5.0 enums:
//! SUBACK bytes are the same, and CONNACK return codes map as 5.0 §3.2.2.2
//! suggests ([`ConnectReasonCode::from_v3`], [`ConnectReasonCode::to_v3`]).
//! Encoding a 5.0-only code for 3.1.1 is an error, never a silent change.
//! Deciding which code to send is the session's job, not this module's.
//! Each enum's `Default` is its 0x00 code (success / normal / QoS 0).

use std::fmt;

macro_rules! reason_codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(u8)]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($value), "`: ", $text, ".")]
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

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self {
                    $(Self::$variant => $text,)+
                })
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
        Success = 0x00 => "Success",
        UnspecifiedError = 0x80 => "Unspecified error",
        MalformedPacket = 0x81 => "Malformed Packet",
        ProtocolError = 0x82 => "Protocol Error",
        ImplementationSpecificError = 0x83 => "Implementation specific error",
        UnsupportedProtocolVersion = 0x84 => "Unsupported Protocol Version",
        ClientIdentifierNotValid = 0x85 => "Client Identifier not valid",
        BadUserNameOrPassword = 0x86 => "Bad User Name or Password",
        NotAuthorized = 0x87 => "Not authorized",
        ServerUnavailable = 0x88 => "Server unavailable",
        ServerBusy = 0x89 => "Server busy",
        Banned = 0x8A => "Banned",
        BadAuthenticationMethod = 0x8C => "Bad authentication method",
        TopicNameInvalid = 0x90 => "Topic Name invalid",
        PacketTooLarge = 0x95 => "Packet too large",
        QuotaExceeded = 0x97 => "Quota exceeded",
        PayloadFormatInvalid = 0x99 => "Payload format invalid",
        RetainNotSupported = 0x9A => "Retain not supported",
        QosNotSupported = 0x9B => "QoS not supported",
        UseAnotherServer = 0x9C => "Use another server",
        ServerMoved = 0x9D => "Server moved",
        ConnectionRateExceeded = 0x9F => "Connection rate exceeded",
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
        Success = 0x00 => "Success",
        NoMatchingSubscribers = 0x10 => "No matching subscribers",
        UnspecifiedError = 0x80 => "Unspecified error",
        ImplementationSpecificError = 0x83 => "Implementation specific error",
        NotAuthorized = 0x87 => "Not authorized",
        TopicNameInvalid = 0x90 => "Topic Name invalid",
        PacketIdentifierInUse = 0x91 => "Packet Identifier in use",
        QuotaExceeded = 0x97 => "Quota exceeded",
        PayloadFormatInvalid = 0x99 => "Payload format invalid",
    }
}

/// PUBREC reason codes: the same set as PUBACK (5.0 Table 3-5).
pub type PubRecReasonCode = PubAckReasonCode;

reason_codes! {
    /// PUBREL and PUBCOMP reason codes (5.0 Tables 3-6 and 3-7).
    pub enum PubRelReasonCode {
        #[default]
        Success = 0x00 => "Success",
        PacketIdentifierNotFound = 0x92 => "Packet Identifier not found",
    }
}

/// PUBCOMP reason codes: the same set as PUBREL (5.0 Table 3-7).
pub type PubCompReasonCode = PubRelReasonCode;

reason_codes! {
    /// SUBACK reason codes (5.0 Table 3-8); 3.1.1 has 0x00, 0x01, 0x02 and
    /// 0x80 (Failure) with the same bytes.
    pub enum SubAckReasonCode {
        #[default]
        GrantedQos0 = 0x00 => "Granted QoS 0",
        GrantedQos1 = 0x01 => "Granted QoS 1",
        GrantedQos2 = 0x02 => "Granted QoS 2",
        UnspecifiedError = 0x80 => "Unspecified error",
        ImplementationSpecificError = 0x83 => "Implementation specific error",
        NotAuthorized = 0x87 => "Not authorized",
        TopicFilterInvalid = 0x8F => "Topic Filter invalid",
        PacketIdentifierInUse = 0x91 => "Packet Identifier in use",
        QuotaExceeded = 0x97 => "Quota exceeded",
        SharedSubscriptionsNotSupported = 0x9E => "Shared Subscriptions not supported",
        SubscriptionIdentifiersNotSupported = 0xA1 => "Subscription Identifiers not supported",
        WildcardSubscriptionsNotSupported = 0xA2 => "Wildcard Subscriptions not supported",
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
        Success = 0x00 => "Success",
        NoSubscriptionExisted = 0x11 => "No subscription existed",
        UnspecifiedError = 0x80 => "Unspecified error",
        ImplementationSpecificError = 0x83 => "Implementation specific error",
        NotAuthorized = 0x87 => "Not authorized",
        TopicFilterInvalid = 0x8F => "Topic Filter invalid",
        PacketIdentifierInUse = 0x91 => "Packet Identifier in use",
    }
}

reason_codes! {
    /// DISCONNECT reason codes (5.0 Table 3-10). MQTT 3.1.1 DISCONNECT has none.
    pub enum DisconnectReasonCode {
        #[default]
        NormalDisconnection = 0x00 => "Normal disconnection",
        DisconnectWithWillMessage = 0x04 => "Disconnect with Will Message",
        UnspecifiedError = 0x80 => "Unspecified error",
        MalformedPacket = 0x81 => "Malformed Packet",
        ProtocolError = 0x82 => "Protocol Error",
        ImplementationSpecificError = 0x83 => "Implementation specific error",
        NotAuthorized = 0x87 => "Not authorized",
        ServerBusy = 0x89 => "Server busy",
        ServerShuttingDown = 0x8B => "Server shutting down",
        KeepAliveTimeout = 0x8D => "Keep Alive timeout",
        SessionTakenOver = 0x8E => "Session taken over",
        TopicFilterInvalid = 0x8F => "Topic Filter invalid",
        TopicNameInvalid = 0x90 => "Topic Name invalid",
        ReceiveMaximumExceeded = 0x93 => "Receive Maximum exceeded",
        TopicAliasInvalid = 0x94 => "Topic Alias invalid",
        PacketTooLarge = 0x95 => "Packet too large",
        MessageRateTooHigh = 0x96 => "Message rate too high",
        QuotaExceeded = 0x97 => "Quota exceeded",
        AdministrativeAction = 0x98 => "Administrative action",
        PayloadFormatInvalid = 0x99 => "Payload format invalid",
        RetainNotSupported = 0x9A => "Retain not supported",
        QosNotSupported = 0x9B => "QoS not supported",
        UseAnotherServer = 0x9C => "Use another server",
        ServerMoved = 0x9D => "Server moved",
        SharedSubscriptionsNotSupported = 0x9E => "Shared Subscriptions not supported",
        ConnectionRateExceeded = 0x9F => "Connection rate exceeded",
        MaximumConnectTime = 0xA0 => "Maximum connect time",
        SubscriptionIdentifiersNotSupported = 0xA1 => "Subscription Identifiers not supported",
        WildcardSubscriptionsNotSupported = 0xA2 => "Wildcard Subscriptions not supported",
    }
}

reason_codes! {
    /// AUTH reason codes (5.0 Table 3-11).
    pub enum AuthReasonCode {
        #[default]
        Success = 0x00 => "Success",
        ContinueAuthentication = 0x18 => "Continue authentication",
        ReAuthenticate = 0x19 => "Re-authenticate",
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
