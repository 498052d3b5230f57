//! What the session reports: [`Event`]s for the application and
//! [`TransportAction`]s for the code that owns the connection.

use std::fmt;
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

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IotdaKeepAlive { keep_alive } => write!(
                f,
                "IoTDA accepts a keep alive of 30 to 1200 seconds (120 advised), not {keep_alive}; \
                 the platform will refuse the connection with return code 2"
            ),
            Self::IotdaWill => f.write_str("IoTDA does not support will messages; remove the will"),
            Self::IotdaQos2 => {
                f.write_str("IoTDA supports QoS 0 and 1 only; QoS 2 will not work as expected")
            }
            Self::IotdaRetain => {
                f.write_str("IoTDA does not keep retained messages; the retain flag is ignored")
            }
            Self::ClientIdInUse { client_id, drops } => write!(
                f,
                "another client is using this device id: the broker dropped client id {client_id:?} \
                 right after accepting it ({drops} in a row); stop the other client or device, \
                 or connect as another device"
            ),
            Self::LoginUnusable { reason } => write!(
                f,
                "the fresh login cannot be sent ({reason}); connecting with the previous one"
            ),
        }
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
    pub fn sentence(&self) -> &'static str {
        use ConnectReasonCode as C;
        if self.iotda {
            match self.reason {
                C::UnsupportedProtocolVersion => {
                    return "IoTDA does not support this MQTT version: use MQTT 3.1.1 (MQTT 5.0 \
                            only on instances that offer it).";
                }
                C::ClientIdentifierNotValid => {
                    return "IoTDA rejected the ClientId or the keep alive: the ClientId must be \
                            {device_id}_0_{sign_type}_{YYYYMMDDHH} and the keep alive 30 to 1200 \
                            seconds.";
                }
                C::ServerUnavailable => {
                    return "The IoTDA platform is unavailable; try again later.";
                }
                C::BadUserNameOrPassword => {
                    return "IoTDA rejected the user name or password: the user name must be the \
                            device ID and the password the HMAC-SHA256 of the device secret keyed \
                            by the ClientId's timestamp (with sign type 1 the timestamp must also \
                            be the platform's current hour).";
                }
                C::NotAuthorized => {
                    return "IoTDA did not authorize the device: check that it exists, is not \
                            frozen, and that the credentials are its own.";
                }
                _ => {}
            }
        }
        match self.reason {
            C::Success => "The connection was accepted.",
            C::UnspecifiedError => "The server refused the connection without saying why.",
            C::MalformedPacket => "The server could not parse the CONNECT packet.",
            C::ProtocolError => "The server says the CONNECT packet broke the MQTT protocol.",
            C::ImplementationSpecificError => {
                "The server refused the connection for a reason of its own."
            }
            C::UnsupportedProtocolVersion => {
                "The server does not speak this MQTT version; try MQTT 3.1.1."
            }
            C::ClientIdentifierNotValid => {
                "The server rejected the client identifier; check its length and characters."
            }
            C::BadUserNameOrPassword => "The user name or password is wrong.",
            C::NotAuthorized => "The client is not authorized to connect.",
            C::ServerUnavailable => "The server is unavailable; try again later.",
            C::ServerBusy => "The server is busy; try again later.",
            C::Banned => "The server has banned this client.",
            C::BadAuthenticationMethod => "The server does not support the authentication method.",
            C::TopicNameInvalid => "The server does not accept the will topic.",
            C::PacketTooLarge => "The CONNECT packet is larger than the server accepts.",
            C::QuotaExceeded => "A quota of the server is exhausted; try again later.",
            C::PayloadFormatInvalid => "The will payload does not match its format indicator.",
            C::RetainNotSupported => {
                "The server has no retained messages; clear the will's retain flag."
            }
            C::QosNotSupported => "The server does not support the will's QoS; lower it.",
            C::UseAnotherServer => "The server asks the client to use another server for now.",
            C::ServerMoved => "The server has moved; connect to its new address.",
            C::ConnectionRateExceeded => "The client connects too often; wait before retrying.",
        }
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

impl fmt::Display for ConnectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (code, reason, sentence) = (self.code, self.reason, self.sentence());
        if self.version.is_v5() {
            write!(
                f,
                "connection refused, CONNACK reason code {code:#04x} ({reason}): {sentence}"
            )?;
        } else {
            write!(
                f,
                "connection refused, CONNACK return code {code} ({reason}): {sentence}"
            )?;
        }
        if let Some(s) = &self.reason_string {
            write!(f, " The server says: {s:?}.")?;
        }
        Ok(())
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

impl fmt::Display for ServerDisconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server closed the connection: {} ({:#04x})",
            self.reason,
            self.reason.code()
        )?;
        if let Some(s) = &self.reason_string {
            write!(f, ", saying {s:?}")?;
        }
        if let Some(s) = &self.server_reference {
            write!(f, "; it points to the server {s:?}")?;
        }
        Ok(())
    }
}

/// Why a connection ended without the client asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostCause {
    /// The transport closed or failed to open; the text is the transport's.
    Transport(String),
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

impl fmt::Display for LostCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(reason) => write!(f, "the connection closed: {reason}"),
            Self::ConnectTimeout(t) => write!(
                f,
                "no connection within {} s: the broker did not answer",
                t.as_secs_f64()
            ),
            Self::KeepAliveTimeout(t) => write!(
                f,
                "nothing received from the broker for {} s despite a ping: the connection is dead",
                t.as_secs_f64()
            ),
            Self::ServerDisconnect(d) => d.fmt(f),
            Self::Protocol(e) => write!(f, "{e}; the connection was closed"),
            Self::OnlyMqtt311 => f.write_str(
                "the broker speaks only MQTT 3.1.1: it refused the MQTT 5.0 CONNECT with a 3.1.1 \
                 CONNACK, return code 1 (unacceptable protocol version); connect with MQTT 3.1.1",
            ),
            Self::Internal(e) => write!(f, "internal error, please report: {e}"),
        }
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

impl fmt::Display for SubscribeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Granted(qos) => write!(f, "granted QoS {}", u8::from(*qos)),
            Self::Refused(reason) => write!(f, "refused: {reason} ({:#04x})", reason.code()),
        }
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
