//! The session's errors: what a request can fail with ([`Error`]), why a
//! publish failed ([`PublishError`]), and how a server broke the protocol
//! ([`ProtocolError`]).

use std::fmt;

use crate::text::{Message, Say};

use super::super::{
    DisconnectReasonCode, Error as CodecError, PacketType, Pid, ProtocolVersion, PubAckReasonCode,
    QoS,
};
use super::{Backoff, QueueLimits};

/// Why the session refused options or a request. Nothing was sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The options or the request cannot be encoded: a topic filter with a
    /// misplaced wildcard, a topic name with one, a string with U+0000, a
    /// field over 65,535 bytes, MQTT 5 properties or options with 3.1.1, a
    /// password without a user name in 3.1.1. The codec error names it.
    Codec(CodecError),
    /// MQTT 3.1 with an empty client id: only 3.1.1 and 5.0 servers assign
    /// one (a 3.1 server answers "identifier rejected"). Give a client id.
    ClientIdRequired(ProtocolVersion),
    /// A reconnection backoff needs `min <= max`, a finite factor of at least
    /// 1 and a jitter between 0 and 1.
    InvalidBackoff(Backoff),
    /// Every packet identifier (1..=65535) is held by a message or request
    /// still waiting for its acknowledgement. Wait for acknowledgements (the
    /// events report them) and try again.
    PacketIdsExhausted,
    /// The queue of requests waiting to be sent is full. Wait until the
    /// session is connected and has sent them, or raise
    /// [`Options::queue`](super::Options::queue).
    QueueFull {
        /// The limits that would be exceeded.
        limits: QueueLimits,
        /// Requests queued now.
        messages: usize,
        /// Bytes queued now.
        bytes: usize,
        /// Bytes of the refused request.
        request: usize,
    },
    /// The server announced (in its CONNACK) that it cannot take this
    /// publish.
    Publish(PublishError),
}

impl From<CodecError> for Error {
    fn from(e: CodecError) -> Self {
        Self::Codec(e)
    }
}

impl From<PublishError> for Error {
    fn from(e: PublishError) -> Self {
        Self::Publish(e)
    }
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::session as k;
        match self {
            Self::Codec(e) => e.message(),
            Self::ClientIdRequired(v) => Message::new(k::CLIENT_ID_REQUIRED).with("v", v),
            Self::InvalidBackoff(b) => Message::new(k::INVALID_BACKOFF)
                .with("min", format_args!("{:?}", b.min()))
                .with("max", format_args!("{:?}", b.max()))
                .with("factor", b.factor())
                .with("jitter", b.jitter()),
            Self::PacketIdsExhausted => Message::new(k::PACKET_IDS_EXHAUSTED),
            Self::QueueFull {
                limits,
                messages,
                bytes,
                request,
            } => Message::new(k::QUEUE_FULL)
                .with("messages", messages)
                .with("max_messages", limits.messages)
                .with("bytes", bytes)
                .with("max_bytes", limits.bytes)
                .with("request", request),
            Self::Publish(e) => e.message(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {}

/// Why a publish was not delivered to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishError {
    /// The packet is larger than the Maximum Packet Size of the server's
    /// CONNACK (MQTT 5). Send a smaller payload.
    TooLarge {
        /// The packet's size in bytes.
        size: usize,
        /// The server's maximum.
        max: u32,
    },
    /// The QoS is above the Maximum QoS of the server's CONNACK (MQTT 5)
    /// [MQTT-3.2.2-11]. Publish with a lower QoS.
    QosNotSupported {
        /// The QoS asked for.
        qos: QoS,
        /// The highest the server accepts.
        maximum: QoS,
    },
    /// The server's CONNACK says it has no retained messages (MQTT 5)
    /// [MQTT-3.2.2-14]. Publish without RETAIN.
    RetainNotSupported,
    /// The server's PUBACK or PUBREC refused the message (MQTT 5).
    Refused {
        /// The server's reason code.
        reason: PubAckReasonCode,
        /// The server's explanation, if it gave one.
        reason_string: Option<String>,
    },
    /// The server's PUBCOMP says it did not know the packet identifier
    /// (MQTT 5): it lost the message between PUBREC and PUBREL.
    PacketIdentifierNotFound,
}

impl Say for PublishError {
    fn message(&self) -> Message {
        use crate::text::keys::session as k;
        match self {
            Self::TooLarge { size, max } => Message::new(k::TOO_LARGE)
                .with("size", size)
                .with("max", max),
            Self::QosNotSupported { qos, maximum } => Message::new(k::QOS_NOT_SUPPORTED)
                .with("maximum", u8::from(*maximum))
                .with("qos", u8::from(*qos)),
            Self::RetainNotSupported => Message::new(k::RETAIN_NOT_SUPPORTED),
            Self::Refused {
                reason,
                reason_string,
            } => match reason_string {
                None => Message::new(k::PUBLISH_REFUSED),
                Some(s) => {
                    Message::new(k::PUBLISH_REFUSED_SAYING).with("said", format_args!("{s:?}"))
                }
            }
            .with_message("reason", reason.message())
            .with("code", format_args!("{:#04x}", reason.code())),
            Self::PacketIdentifierNotFound => Message::new(k::PACKET_IDENTIFIER_NOT_FOUND),
        }
    }
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for PublishError {}

/// Where in a connection a packet arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// CONNECT sent, CONNACK not yet received.
    AwaitingConnAck,
    /// After a successful CONNACK.
    Connected,
}

impl Say for Phase {
    fn message(&self) -> Message {
        use crate::text::keys::session as k;
        Message::new(match self {
            Self::AwaitingConnAck => k::BEFORE_CONNACK,
            Self::Connected => k::AFTER_CONNACK,
        })
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// How the server broke the protocol. The session closes the connection
/// (after an MQTT 5 DISCONNECT with [`ProtocolError::disconnect_reason`]),
/// since nothing after it can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The bytes are not a valid packet, or the packet is larger than
    /// [`Options::max_packet_size`](super::Options::max_packet_size).
    Malformed(CodecError),
    /// A packet a server never sends to a client (CONNECT, SUBSCRIBE, ...),
    /// or one it may not send at this point (anything but CONNACK before
    /// CONNACK, a second CONNACK, DISCONNECT in MQTT 3.1.1, AUTH without an
    /// authentication method).
    UnexpectedPacket {
        /// The packet's type.
        packet: PacketType,
        /// When it came.
        phase: Phase,
    },
    /// An acknowledgement for a packet identifier that is not waiting for
    /// that acknowledgement (a PUBACK for a QoS 2 message, a SUBACK nobody
    /// asked for, ...).
    UnknownPacketId {
        /// The acknowledgement's type.
        packet: PacketType,
        /// Its packet identifier.
        pid: Pid,
    },
    /// A SUBACK or MQTT 5 UNSUBACK with a different number of reason codes
    /// than the request had topic filters [MQTT-3.8.4-6] [MQTT-3.11.3-1].
    ReasonCountMismatch {
        /// SUBACK or UNSUBACK.
        packet: PacketType,
        /// The number of topic filters requested.
        expected: usize,
        /// The number of reason codes received.
        got: usize,
    },
    /// CONNACK says a session is present though the client asked for a
    /// clean one [MQTT-3.2.2-1] (5.0: [MQTT-3.2.2-2]).
    SessionPresentOnCleanStart,
    /// A PUBLISH with a Topic Alias, which the client never allows (it sends
    /// no Topic Alias Maximum) [MQTT-3.3.2-9].
    TopicAliasNotAllowed(u16),
    /// A SUBACK grants a topic filter a higher QoS than the SUBSCRIBE asked
    /// for: a server may grant less, never more [MQTT-3.9.3-1] (5.0:
    /// 3.9.3, "the Server might grant a lower Maximum QoS"). Likely cause: a
    /// broken or hostile server.
    GrantedQosAboveRequested {
        /// The topic filter.
        filter: String,
        /// The QoS asked for.
        requested: QoS,
        /// The QoS granted.
        granted: QoS,
    },
}

impl ProtocolError {
    /// The MQTT 5 DISCONNECT reason the client sends before closing.
    pub fn disconnect_reason(&self) -> DisconnectReasonCode {
        match self {
            Self::Malformed(CodecError::PacketTooLarge { .. }) => {
                DisconnectReasonCode::PacketTooLarge
            }
            Self::Malformed(_) => DisconnectReasonCode::MalformedPacket,
            Self::TopicAliasNotAllowed(_) => DisconnectReasonCode::TopicAliasInvalid,
            _ => DisconnectReasonCode::ProtocolError,
        }
    }
}

impl Say for ProtocolError {
    fn message(&self) -> Message {
        use crate::text::keys::session as k;
        match self {
            Self::Malformed(e) => Message::new(k::MALFORMED).with_message("e", e.message()),
            Self::UnexpectedPacket { packet, phase } => Message::new(k::UNEXPECTED_PACKET)
                .with("packet", packet)
                .with_message("phase", phase.message()),
            Self::UnknownPacketId { packet, pid } => Message::new(k::UNKNOWN_PACKET_ID)
                .with("packet", packet)
                .with("pid", pid),
            Self::ReasonCountMismatch {
                packet,
                expected,
                got,
            } => Message::new(k::REASON_COUNT_MISMATCH)
                .with("packet", packet)
                .with("got", got)
                .with("expected", expected),
            Self::SessionPresentOnCleanStart => Message::new(k::SESSION_PRESENT_ON_CLEAN_START),
            Self::TopicAliasNotAllowed(alias) => {
                Message::new(k::TOPIC_ALIAS_NOT_ALLOWED).with("alias", alias)
            }
            Self::GrantedQosAboveRequested {
                filter,
                requested,
                granted,
            } => Message::new(k::GRANTED_QOS_ABOVE_REQUESTED)
                .with("granted", u8::from(*granted))
                .with("filter", filter)
                .with("requested", u8::from(*requested)),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for ProtocolError {}
