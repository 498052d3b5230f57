//! What the session reports: [`Event`]s for the application and
//! [`TransportAction`]s for the code that owns the connection.

use std::fmt;

use crate::text::{self, Say};
use std::time::Duration;

use super::super::{
    ConnectReasonCode, DisconnectReasonCode, Properties, ProtocolVersion, QoS, SubAckReasonCode,
    TopicFilter, TopicName, UnsubAckReasonCode,
};
use super::{Instant, ProtocolError, PublishError};

/// Identifies a publish, subscribe or unsubscribe request in the events
/// that report its outcome. Unique within a session, in request order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub(crate) u64);

impl RequestId {
    /// The number (1 for the first request).
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// An application message: what is published and what is received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The topic (no wildcards).
    pub topic: TopicName,
    /// The QoS it is sent or was received with.
    pub qos: QoS,
    /// RETAIN: the server keeps it for future subscribers.
    pub retain: bool,
    /// The payload.
    pub payload: Vec<u8>,
    /// MQTT 5 properties (content type, user properties, ...); must stay
    /// empty for MQTT 3.1.1.
    pub properties: Properties,
}

impl Message {
    /// A message without RETAIN or properties.
    pub fn new(topic: TopicName, qos: QoS, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            topic,
            qos,
            retain: false,
            payload: payload.into(),
            properties: Properties::default(),
        }
    }
}

/// What the transport owner must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportAction {
    /// Open a connection to the broker, then call
    /// [`Session::handle_connected`](super::Session::handle_connected) (or
    /// [`Session::handle_disconnected`](super::Session::handle_disconnected)
    /// if it cannot be opened).
    Open,
    /// Write what [`Session::poll_transmit`](super::Session::poll_transmit)
    /// still returns, close the connection, then call
    /// [`Session::handle_disconnected`](super::Session::handle_disconnected).
    Close,
}

/// A warning about a setting that the broker will refuse or ignore. Nothing
/// is changed: the session sends what it was asked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// IoTDA accepts keep alive 30 to 1200 seconds; outside that the CONNACK
    /// is return code 2.
    IotdaKeepAlive {
        /// The keep alive in seconds.
        keep_alive: u16,
    },
    /// IoTDA has no will messages.
    IotdaWill,
    /// IoTDA supports QoS 0 and 1 only.
    IotdaQos2,
    /// IoTDA does not keep retained messages.
    IotdaRetain,
    /// The [`LoginSource`](super::LoginSource) gave a login that cannot be
    /// sent (an empty ClientId, a field over 65535 bytes); the previous one
    /// is used.
    LoginUnusable {
        /// Why, in the codec's words.
        reason: String,
    },
    /// The broker dropped the connection right after accepting it
    /// [`TAKEOVER_DROPS`](super::TAKEOVER_DROPS) times in a row, or said
    /// "session taken over" (0x8E): another client is connecting with the
    /// same ClientId, and each connection ends the other's.
    ClientIdInUse {
        /// The ClientId.
        client_id: String,
        /// The drops in a row seen.
        drops: u32,
    },
}

impl Say for Warning {
    fn message(&self) -> text::Message {
        use crate::text::keys::session as k;
        match self {
            Self::IotdaKeepAlive { keep_alive } => {
                text::Message::new(k::IOTDA_KEEP_ALIVE).with("keep_alive", keep_alive)
            }
            Self::IotdaWill => text::Message::new(k::IOTDA_WILL),
            Self::IotdaQos2 => text::Message::new(k::IOTDA_QOS2),
            Self::IotdaRetain => text::Message::new(k::IOTDA_RETAIN),
            Self::ClientIdInUse { client_id, drops } => text::Message::new(k::CLIENT_ID_IN_USE)
                .with("client_id", format_args!("{client_id:?}"))
                .with("drops", drops),
            Self::LoginUnusable { reason } => {
                text::Message::new(k::LOGIN_UNUSABLE).with("reason", reason)
            }
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// A successful CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// The server resumed the previous session: unacknowledged messages
    /// were sent again and subscriptions kept. Otherwise the session was
    /// started afresh: unacknowledged messages were sent as new ones and
    /// active subscriptions are being renewed.
    pub session_present: bool,
    /// The keep alive in force, in seconds (the server's Server Keep Alive
    /// in MQTT 5, else the client's).
    pub keep_alive: u16,
    /// The CONNACK's MQTT 5 properties (empty in 3.1.1).
    pub properties: Properties,
}

/// The server refused the connection (a CONNACK with an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRefusal {
    /// The reason (3.1.1 return codes are mapped to their MQTT 5 reasons).
    pub reason: ConnectReasonCode,
    /// The code as it was on the wire: the 3.1.1 return code (1 to 5) or the
    /// MQTT 5 reason code.
    pub code: u8,
    /// The protocol version of the connection.
    pub version: ProtocolVersion,
    /// The meaning is explained in Huawei Cloud IoTDA's terms.
    pub iotda: bool,
    /// The server's MQTT 5 Reason String, if any.
    pub reason_string: Option<String>,
}

impl ConnectRefusal {
    /// A plain sentence saying what the code means and what to do.
    pub fn sentence(&self) -> text::Message {
        use crate::text::keys::connack as k;
        use ConnectReasonCode as C;
        let key = match (self.iotda, self.reason) {
            (true, C::UnsupportedProtocolVersion) => k::IOTDA_UNSUPPORTED_PROTOCOL_VERSION,
            (true, C::ClientIdentifierNotValid) => k::IOTDA_CLIENT_IDENTIFIER_NOT_VALID,
            (true, C::ServerUnavailable) => k::IOTDA_SERVER_UNAVAILABLE,
            (true, C::BadUserNameOrPassword) => k::IOTDA_BAD_USER_NAME_OR_PASSWORD,
            (true, C::NotAuthorized) => k::IOTDA_NOT_AUTHORIZED,
            (_, C::Success) => k::SUCCESS,
            (_, C::UnspecifiedError) => k::UNSPECIFIED_ERROR,
            (_, C::MalformedPacket) => k::MALFORMED_PACKET,
            (_, C::ProtocolError) => k::PROTOCOL_ERROR,
            (_, C::ImplementationSpecificError) => k::IMPLEMENTATION_SPECIFIC_ERROR,
            (_, C::UnsupportedProtocolVersion) => k::UNSUPPORTED_PROTOCOL_VERSION,
            (_, C::ClientIdentifierNotValid) => k::CLIENT_IDENTIFIER_NOT_VALID,
            (_, C::BadUserNameOrPassword) => k::BAD_USER_NAME_OR_PASSWORD,
            (_, C::NotAuthorized) => k::NOT_AUTHORIZED,
            (_, C::ServerUnavailable) => k::SERVER_UNAVAILABLE,
            (_, C::ServerBusy) => k::SERVER_BUSY,
            (_, C::Banned) => k::BANNED,
            (_, C::BadAuthenticationMethod) => k::BAD_AUTHENTICATION_METHOD,
            (_, C::TopicNameInvalid) => k::TOPIC_NAME_INVALID,
            (_, C::PacketTooLarge) => k::PACKET_TOO_LARGE,
            (_, C::QuotaExceeded) => k::QUOTA_EXCEEDED,
            (_, C::PayloadFormatInvalid) => k::PAYLOAD_FORMAT_INVALID,
            (_, C::RetainNotSupported) => k::RETAIN_NOT_SUPPORTED,
            (_, C::QosNotSupported) => k::QOS_NOT_SUPPORTED,
            (_, C::UseAnotherServer) => k::USE_ANOTHER_SERVER,
            (_, C::ServerMoved) => k::SERVER_MOVED,
            (_, C::ConnectionRateExceeded) => k::CONNECTION_RATE_EXCEEDED,
        };
        text::Message::new(key)
    }

    /// Whether trying again with the same options is pointless (wrong
    /// credentials, client id, version or authorization): the session does
    /// not reconnect after such a refusal.
    pub fn is_permanent(&self) -> bool {
        use ConnectReasonCode as C;
        !matches!(
            self.reason,
            C::UnspecifiedError
                | C::ImplementationSpecificError
                | C::ServerUnavailable
                | C::ServerBusy
                | C::QuotaExceeded
                | C::ConnectionRateExceeded
        )
    }
}

impl Say for ConnectRefusal {
    fn message(&self) -> text::Message {
        use crate::text::keys::session as k;
        let code = self.code;
        let refusal = if self.version.is_v5() {
            text::Message::new(k::CONNECT_REFUSED_V5).with("code", format_args!("{code:#04x}"))
        } else {
            text::Message::new(k::CONNECT_REFUSED_V3).with("code", code)
        }
        .with_message("reason", self.reason.message())
        .with_message("sentence", self.sentence());
        match &self.reason_string {
            None => refusal,
            Some(s) => text::Message::new(k::CONNECT_REFUSED_SAYING)
                .with_message("refusal", refusal)
                .with("said", format_args!("{s:?}")),
        }
    }
}

impl fmt::Display for ConnectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// An MQTT 5 DISCONNECT from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerDisconnect {
    /// Why the server closes the connection.
    pub reason: DisconnectReasonCode,
    /// The server's explanation, if any.
    pub reason_string: Option<String>,
    /// Another server to use, if any.
    pub server_reference: Option<String>,
}

impl ServerDisconnect {
    /// Whether reconnecting at once would only repeat the problem (the
    /// client was taken over by another connection with its client id, is not
    /// authorized, is sent elsewhere, or broke one of the server's limits:
    /// Receive Maximum, packet size, retain, QoS): the session does not
    /// reconnect.
    pub fn is_permanent(&self) -> bool {
        use DisconnectReasonCode as D;
        // The client broke one of the server's limits: reconnecting would
        // resend the same and be disconnected again.
        matches!(
            self.reason,
            D::SessionTakenOver
                | D::NotAuthorized
                | D::UseAnotherServer
                | D::ServerMoved
                | D::ReceiveMaximumExceeded
                | D::PacketTooLarge
                | D::RetainNotSupported
                | D::QosNotSupported
        )
    }
}

impl Say for ServerDisconnect {
    fn message(&self) -> text::Message {
        use crate::text::keys::session as k;
        let closed = match &self.reason_string {
            None => text::Message::new(k::SERVER_CLOSED),
            Some(s) => {
                text::Message::new(k::SERVER_CLOSED_SAYING).with("said", format_args!("{s:?}"))
            }
        }
        .with_message("reason", self.reason.message())
        .with("code", format_args!("{:#04x}", self.reason.code()));
        let closed = match &self.server_reference {
            None => closed,
            Some(s) => text::Message::new(k::SERVER_CLOSED_POINTING)
                .with_message("closed", closed)
                .with("server", format_args!("{s:?}")),
        };
        match crate::doctor::disconnect_key(self.reason) {
            None => closed,
            Some(meaning) => text::Message::new(k::IOTDA_MEANS)
                .with_message("closed", closed)
                .with_message("meaning", text::Message::new(meaning)),
        }
    }
}

impl fmt::Display for ServerDisconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// Why a connection ended without the client asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostCause {
    /// The transport closed or failed to open, in the transport's words
    /// (a keyed message, or [`LostCause::said`] for a transport that has
    /// only its own text).
    Transport(text::Message),
    /// The transport did not open, or CONNACK did not come, within
    /// [`Options::connect_timeout`](super::Options::connect_timeout).
    ConnectTimeout(Duration),
    /// Nothing came from the server for 1.5 times the keep alive, though a
    /// PINGREQ was sent: the connection is dead.
    KeepAliveTimeout(Duration),
    /// The server sent DISCONNECT (MQTT 5).
    ServerDisconnect(ServerDisconnect),
    /// The server broke the protocol; the client closed the connection.
    Protocol(ProtocolError),
    /// An MQTT 5.0 CONNECT was answered by an MQTT 3.1.1 CONNACK with return
    /// code 1, "unacceptable protocol version": the broker speaks only MQTT
    /// 3.1.1 (a 3.1.1 server answers a CONNECT it cannot read that way
    /// [MQTT-3.1.2-2]). Not retried: connect with MQTT 3.1.1.
    OnlyMqtt311,
    /// The session could not encode one of its own packets. This is a bug
    /// in the session; the connection is closed rather than risk a wrong
    /// packet.
    Internal(super::super::Error),
}

impl LostCause {
    /// The words of a transport that has no keyed message for why it
    /// closed (an operating system's error text), shown as they are.
    pub fn said(words: impl fmt::Display) -> text::Message {
        text::Message::new(crate::text::keys::session::TRANSPORT_SAID).with("words", words)
    }
}

impl Say for LostCause {
    fn message(&self) -> text::Message {
        use crate::text::keys::session as k;
        match self {
            Self::Transport(reason) => {
                text::Message::new(k::TRANSPORT).with_message("reason", reason.clone())
            }
            Self::ConnectTimeout(t) => {
                text::Message::new(k::CONNECT_TIMEOUT).with("seconds", t.as_secs_f64())
            }
            Self::KeepAliveTimeout(t) => {
                text::Message::new(k::KEEP_ALIVE_TIMEOUT).with("seconds", t.as_secs_f64())
            }
            Self::ServerDisconnect(d) => d.message(),
            Self::Protocol(e) => text::Message::new(k::PROTOCOL).with_message("e", e.message()),
            Self::OnlyMqtt311 => text::Message::new(k::ONLY_MQTT311),
            Self::Internal(e) => text::Message::new(k::INTERNAL).with_message("e", e.message()),
        }
    }
}

impl fmt::Display for LostCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// The outcome for one topic filter of a SUBSCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscribeOutcome {
    /// Subscribed; messages come with at most this QoS.
    Granted(QoS),
    /// Refused, for this reason (3.1.1 has only 0x80, "Failure").
    Refused(SubAckReasonCode),
}

impl From<SubAckReasonCode> for SubscribeOutcome {
    fn from(code: SubAckReasonCode) -> Self {
        match code {
            SubAckReasonCode::GrantedQos0 => Self::Granted(QoS::AtMostOnce),
            SubAckReasonCode::GrantedQos1 => Self::Granted(QoS::AtLeastOnce),
            SubAckReasonCode::GrantedQos2 => Self::Granted(QoS::ExactlyOnce),
            refused => Self::Refused(refused),
        }
    }
}

impl Say for SubscribeOutcome {
    fn message(&self) -> text::Message {
        use crate::text::keys::session as k;
        match self {
            Self::Granted(qos) => text::Message::new(k::GRANTED).with("qos", u8::from(*qos)),
            Self::Refused(reason) => text::Message::new(k::SUBSCRIPTION_REFUSED)
                .with_message("reason", reason.message())
                .with("code", format_args!("{:#04x}", reason.code())),
        }
    }
}

impl fmt::Display for SubscribeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// One topic filter of a SUBSCRIBE and what the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeResult {
    /// The topic filter.
    pub filter: TopicFilter,
    /// The server's answer.
    pub outcome: SubscribeOutcome,
}

/// One topic filter of an UNSUBSCRIBE and what the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeResult {
    /// The topic filter.
    pub filter: TopicFilter,
    /// The server's answer (always Success in 3.1.1, which has no codes).
    pub reason: UnsubAckReasonCode,
}

/// Something the application should know. Drain with
/// [`Session::poll_event`](super::Session::poll_event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A setting the broker will refuse or ignore (IoTDA mode).
    Warning(Warning),
    /// The reconnect delay is over; the session asked for a new transport
    /// ([`TransportAction::Open`]). `attempt` counts from 1 since the last
    /// successful connection.
    Reconnecting {
        /// The attempt number.
        attempt: u32,
    },
    /// The server accepted the connection.
    Connected(Connected),
    /// The server refused the connection; the transport is to be closed.
    Refused {
        /// The code and its meaning.
        refusal: ConnectRefusal,
        /// When the session will try again (never after a permanent refusal).
        reconnect_at: Option<Instant>,
    },
    /// The connection ended without the client asking.
    ConnectionLost {
        /// Why.
        cause: LostCause,
        /// When the session will try again, if it will.
        reconnect_at: Option<Instant>,
    },
    /// The connection was closed as the client asked
    /// ([`Session::disconnect`](super::Session::disconnect)).
    Disconnected,
    /// The server answered a SUBSCRIBE.
    Subscribed {
        /// The request.
        id: RequestId,
        /// One result per topic filter, in request order.
        results: Vec<SubscribeResult>,
    },
    /// The server answered the SUBSCRIBE that renewed the active
    /// subscriptions after a connection without a resumed session.
    Resubscribed {
        /// One result per topic filter; refused filters are no longer active.
        results: Vec<SubscribeResult>,
    },
    /// The server answered an UNSUBSCRIBE.
    Unsubscribed {
        /// The request.
        id: RequestId,
        /// One result per topic filter, in request order.
        results: Vec<UnsubscribeResult>,
    },
    /// A publish is done: QoS 0 written to the transport, QoS 1 acknowledged
    /// (PUBACK), QoS 2 completed (PUBCOMP, or PUBREC when the server's
    /// session was lost afterwards).
    Published {
        /// The request.
        id: RequestId,
        /// Its QoS.
        qos: QoS,
    },
    /// A publish failed.
    PublishFailed {
        /// The request.
        id: RequestId,
        /// Why.
        error: PublishError,
    },
    /// A message from the server, delivered once (QoS 2 duplicates are
    /// dropped).
    Message(Message),
    /// The server answered a keep-alive ping.
    Pong {
        /// Time from PINGREQ to PINGRESP.
        round_trip: Duration,
    },
}
