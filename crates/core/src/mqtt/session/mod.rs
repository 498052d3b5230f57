//! The MQTT client session: a state machine that turns requests (connect,
//! publish, subscribe, ...) and the broker's bytes into bytes to send and
//! events to report, for MQTT 3.1.1 and 5.0.
//!
//! It does no I/O and reads no clock or random source: the caller owns the
//! transport (TCP, TLS, WebSocket), passes the current time as an
//! [`Instant`] into every input, and gives a random seed once, for the
//! reconnection jitter. The same session therefore runs in the browser, in
//! the CLI and in tests that drive time by hand.
//!
//! What it takes care of: CONNECT / CONNACK (refusals explained in words,
//! in IoTDA's terms when asked), keep-alive pings and dead-connection
//! detection, packet identifiers, QoS 1 and 2 in both directions (exactly
//! once delivery of inbound QoS 2), retransmission with DUP after a resumed
//! session, a bounded queue of requests made while disconnected, MQTT 5
//! flow control (Receive Maximum) and server limits, reconnection with
//! exponential backoff and jitter, renewal of subscriptions when the server
//! lost the session, and closing the connection on protocol violations.
//!
//! # Call order
//!
//! The caller runs one loop per session (quinn-proto's `Connection` works the
//! same way):
//!
//! 1. Feed inputs as they happen: requests ([`Session::connect`],
//!    [`Session::publish`], [`Session::subscribe`], [`Session::unsubscribe`],
//!    [`Session::disconnect`]), transport news
//!    ([`Session::handle_connected`], [`Session::handle_bytes`],
//!    [`Session::handle_disconnected`]) and timer expiry
//!    ([`Session::handle_timeout`]).
//! 2. After each input, drain the outputs in this order:
//!    - [`Session::poll_transmit`]: bytes to write to the transport;
//!    - [`Session::poll_transport`]: open or close the transport;
//!    - [`Session::poll_event`]: what happened, for the application;
//!    - [`Session::poll_timeout`]: when to call
//!      [`Session::handle_timeout`] next (recompute it after every input).
//!
//! ```
//! use iotda_core::mqtt::session::{Event, Instant, Message, Options, Session, TransportAction};
//! use iotda_core::mqtt::{self, ConnAck, ConnectReasonCode, Packet, ProtocolVersion, QoS, TopicName};
//!
//! let mut session = Session::new(Options::new("device-1"), 42)?;
//! let t0 = Instant::from_millis(0);
//! session.connect(t0);
//! assert_eq!(session.poll_transport(), Some(TransportAction::Open));
//!
//! // The transport opened: the session writes CONNECT.
//! session.handle_connected(t0);
//! let connect = session.poll_transmit().expect("CONNECT");
//! assert!(matches!(
//!     mqtt::decode(&connect, 1024, ProtocolVersion::V3_1_1)?,
//!     Some((Packet::Connect(_), _))
//! ));
//!
//! // The broker's CONNACK arrives (here made with the codec).
//! let mut connack = Vec::new();
//! Packet::from(ConnAck::new(ConnectReasonCode::Success)).encode(ProtocolVersion::V3_1_1, &mut connack)?;
//! session.handle_bytes(Instant::from_millis(20), &connack);
//! assert!(matches!(session.poll_event(), Some(Event::Connected(_))));
//!
//! let id = session.publish(
//!     Instant::from_millis(30),
//!     Message::new(TopicName::new("a/b")?, QoS::AtMostOnce, "hi"),
//! )?;
//! assert!(session.poll_transmit().is_some());
//! assert_eq!(session.poll_event(), Some(Event::Published { id, qos: QoS::AtMostOnce }));
//! // The next deadline is the keep-alive ping: 120 s (the default keep
//! // alive) after the broker was last heard from.
//! assert_eq!(session.poll_timeout(), Some(Instant::from_millis(120_020)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Connections
//!
//! [`TransportAction::Open`] asks for a transport; the caller reports the
//! outcome with [`Session::handle_connected`] (the session then writes
//! CONNECT) or [`Session::handle_disconnected`]. Calling
//! [`Session::handle_connected`] on a transport the caller opened on its own
//! works too. When the session ends a connection itself (refusal, keep-alive
//! timeout, protocol violation, [`Session::disconnect`]) it asks for
//! [`TransportAction::Close`] and waits for [`Session::handle_disconnected`]
//! before it opens another one, so a late close notice of an old transport
//! is never taken for the failure of a new one. Bytes of a connection the
//! session has ended are ignored.

mod error;
mod event;
mod inbound;
mod login;
mod options;
mod outbound;
mod pid;
mod time;

#[cfg(test)]
mod tests;

pub use error::{Error, Phase, ProtocolError, PublishError};
pub use event::{
    ConnectRefusal, Connected, Event, LostCause, Message, RequestId, ServerDisconnect,
    SubscribeOutcome, SubscribeResult, TransportAction, UnsubscribeResult, Warning,
};
pub use login::{Login, LoginSource};
pub use options::{Backoff, Options, QueueLimits, Secret};
pub use time::Instant;

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU16;
use std::time::Duration;

use super::{
    Connect, Disconnect, DisconnectReasonCode, Error as CodecError, Packet, Pid, ProtocolVersion,
    Publish, QoS, Subscribe, Subscription, SubscriptionOptions, TopicFilter, Unsubscribe,
};
use login::LoginHook;
use pid::{PidMap, PidPool, PidSet};

/// The session's connection state, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    /// No transport; maybe waiting to reconnect.
    Disconnected,
    /// Waiting for the transport to open or for CONNACK.
    Connecting,
    /// Connected: CONNACK accepted the connection.
    Connected,
    /// The session ended the connection and waits for the transport to
    /// close.
    Closing,
}

/// Where the connection is.
#[derive(Debug, Clone, Copy)]
enum State {
    /// No transport. `reconnect_at`: when to ask for one.
    Down { reconnect_at: Option<Instant> },
    /// [`TransportAction::Open`] asked; waiting for the caller.
    Opening { deadline: Instant },
    /// CONNECT written at `sent`; waiting for CONNACK.
    AwaitConnAck { deadline: Instant, sent: Instant },
    /// Connected.
    Up(Link),
    /// [`TransportAction::Close`] asked; waiting for the caller to report
    /// the transport closed. `reconnect_at`: when to open the next one.
    Closing { reconnect_at: Option<Instant> },
}

/// The keep-alive clock of a live connection.
#[derive(Debug, Clone, Copy)]
struct Link {
    /// Zero when keep alive is off.
    keep_alive: Duration,
    last_sent: Instant,
    last_received: Instant,
    /// When the unanswered PINGREQ was sent.
    ping_sent: Option<Instant>,
    /// When CONNACK accepted the connection.
    since: Instant,
}

/// A connection that stays up this long resets the reconnection backoff;
/// one that ends sooner counts as a drop right after CONNACK (this kit's
/// choice: long enough that a broker or a rival client dropping every
/// connection is noticed, short next to IoTDA's advised 120 s keep alive).
pub const STABLE_AFTER: Duration = Duration::from_secs(30);

/// Drops right after CONNACK in a row that say another client is using the
/// same ClientId (two clients with one id kick each other off).
pub const TAKEOVER_DROPS: u32 = 3;

/// A request waiting in the queue.
#[derive(Debug)]
enum Request {
    Publish {
        id: RequestId,
        message: Box<Message>,
    },
    Subscribe {
        id: RequestId,
        subscriptions: Vec<Subscription>,
    },
    Unsubscribe {
        id: RequestId,
        filters: Vec<TopicFilter>,
    },
}

impl Request {
    /// What the queue limit counts: topics and payloads.
    fn size(&self) -> usize {
        match self {
            Self::Publish { message, .. } => message.topic.as_str().len() + message.payload.len(),
            Self::Subscribe { subscriptions, .. } => {
                subscriptions.iter().map(|s| s.filter.as_str().len()).sum()
            }
            Self::Unsubscribe { filters, .. } => filters.iter().map(|f| f.as_str().len()).sum(),
        }
    }
}

/// An outgoing QoS 1 or 2 publish waiting for acknowledgement.
#[derive(Debug)]
struct InFlight {
    id: RequestId,
    /// Send order, to retransmit in the same order [MQTT-4.6.0-1].
    seq: u64,
    stage: Awaiting,
    /// Waiting to be sent again on a resumed session until the server's
    /// Receive Maximum lets it go.
    resend: bool,
}

#[derive(Debug)]
enum Awaiting {
    /// PUBACK: QoS 1, PUBLISH sent.
    Ack(Publish),
    /// PUBREC: QoS 2, PUBLISH sent.
    Rec(Publish),
    /// PUBCOMP: QoS 2, PUBREL sent (the server owns the message now).
    Comp,
}

/// A SUBSCRIBE waiting for SUBACK; `id` is `None` for the renewal of active
/// subscriptions.
#[derive(Debug)]
struct PendingSubscribe {
    id: Option<RequestId>,
    subscriptions: Vec<Subscription>,
}

/// An UNSUBSCRIBE waiting for UNSUBACK.
#[derive(Debug)]
struct PendingUnsubscribe {
    id: RequestId,
    filters: Vec<TopicFilter>,
}

/// What the last CONNACK allows (MQTT 5; 3.1.1 imposes nothing).
#[derive(Debug, Clone, Copy)]
struct ServerLimits {
    receive_maximum: u16,
    maximum_qos: QoS,
    retain_available: bool,
    maximum_packet_size: Option<u32>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
        }
    }
}

/// How the session ends a connection itself.
enum Ending {
    Refused(ConnectRefusal),
    Lost(LostCause),
}

/// A sans-IO MQTT client session. See the [module documentation](self)
/// for the call order.
#[derive(Debug)]
pub struct Session {
    options: Options,
    /// SplitMix64 state, seeded by the caller; only for jitter.
    rng: u64,
    state: State,
    /// The application wants a connection (after `connect`, until
    /// `disconnect`).
    want_connected: bool,
    /// Reconnection attempts since a connection last stayed up for
    /// [`STABLE_AFTER`] (or since [`Session::connect`]).
    attempt: u32,
    /// Connections in a row that the broker or transport ended within
    /// [`STABLE_AFTER`] of CONNACK.
    short_drops: u32,
    /// MQTT 5: the client id the server assigned, reused on reconnection.
    assigned_client_id: Option<String>,
    limits: ServerLimits,
    /// Received bytes that do not yet make a whole packet.
    rx: Vec<u8>,
    /// Bytes to write.
    tx: Vec<u8>,
    events: VecDeque<Event>,
    actions: VecDeque<TransportAction>,
    next_request: u64,
    next_seq: u64,
    queue: VecDeque<Request>,
    queued_bytes: usize,
    pids: PidPool,
    in_flight: BTreeMap<Pid, InFlight>,
    subscribing: PidMap<PendingSubscribe>,
    unsubscribing: PidMap<PendingUnsubscribe>,
    /// Granted subscriptions, renewed when a session is not resumed; sorted
    /// by filter, one per filter (a sorted `Vec` costs the page's wasm less
    /// code than a `BTreeMap`, and subscriptions are few).
    subscriptions: Vec<Subscription>,
    /// Server packet identifiers of QoS 2 messages delivered and waiting for
    /// PUBREL: a PUBLISH with one of these is a duplicate.
    incoming_qos2: PidSet,
    /// Asked for the login before every CONNECT.
    login: Option<LoginHook>,
}

/// Any packet identifier, to measure and check packets before the real one
/// is allocated.
const PROBE_PID: Pid = Pid(NonZeroU16::MIN);

impl Session {
    /// Checks `options` and makes a disconnected session. `seed` seeds the
    /// reconnection jitter (take it from the platform's random source; a
    /// fixed seed makes tests repeatable).
    ///
    /// In IoTDA mode, warnings about the options are the first events.
    pub fn new(options: Options, seed: u64) -> Result<Self, Error> {
        let version = options.version;
        if version == ProtocolVersion::V3_1 && options.client_id.is_empty() {
            return Err(Error::ClientIdRequired(version));
        }
        if options.session_expiry.is_some() && !version.is_v5() {
            return Err(Error::Codec(CodecError::NotInVersion {
                feature: crate::text::keys::mqtt_codec::FEATURE_SESSION_EXPIRY_INTERVAL,
                version,
            }));
        }
        let mut session = Self {
            options,
            rng: seed,
            state: State::Down { reconnect_at: None },
            want_connected: false,
            attempt: 0,
            short_drops: 0,
            assigned_client_id: None,
            limits: ServerLimits::default(),
            rx: Vec::new(),
            tx: Vec::new(),
            events: VecDeque::new(),
            actions: VecDeque::new(),
            next_request: 0,
            next_seq: 0,
            queue: VecDeque::new(),
            queued_bytes: 0,
            pids: PidPool::new(),
            in_flight: BTreeMap::new(),
            subscribing: PidMap::default(),
            unsubscribing: PidMap::default(),
            subscriptions: Vec::new(),
            incoming_qos2: PidSet::new(),
            login: None,
        };
        session.check_connect()?;
        if session.options.iotda {
            let keep_alive = session.options.keep_alive;
            if !(30..=1200).contains(&keep_alive) {
                session.warn(Warning::IotdaKeepAlive { keep_alive });
            }
            if session.options.will.is_some() {
                session.warn(Warning::IotdaWill);
            }
        }
        Ok(session)
    }

    /// The options the session was made with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Replaces the user name and password for the next CONNECT (IoTDA
    /// passwords of sign type 1 change every hour).
    pub fn set_credentials(
        &mut self,
        username: Option<String>,
        password: Option<Secret>,
    ) -> Result<(), Error> {
        let old = (
            std::mem::replace(&mut self.options.username, username),
            std::mem::replace(&mut self.options.password, password),
        );
        let checked = self.check_connect();
        if checked.is_err() {
            (self.options.username, self.options.password) = old;
        }
        checked
    }

    /// Asks `source` for the ClientId, user name and password before every
    /// CONNECT, so each connection carries fresh ones (IoTDA's sign type 1
    /// passwords are valid for the hour they were signed in). A login that
    /// cannot be sent (see [`Session::set_credentials`]) is refused with
    /// [`Warning::LoginUnusable`], and the previous one is used.
    pub fn set_login_source(&mut self, source: impl LoginSource + 'static) {
        self.login = Some(LoginHook(Box::new(source)));
    }

    /// Takes a fresh login from the [`LoginSource`], if there is one.
    fn refresh_login(&mut self, now: Instant) {
        let Some(login) = self.login.as_mut().and_then(|hook| hook.0.login(now)) else {
            return;
        };
        let old_id = std::mem::replace(&mut self.options.client_id, login.client_id);
        if let Err(e) = self.set_credentials(login.username, login.password) {
            self.options.client_id = old_id;
            self.warn(Warning::LoginUnusable {
                reason: e.to_string(),
            });
        }
    }

    /// The connection state.
    pub fn state(&self) -> ConnectionState {
        match self.state {
            State::Down { .. } => ConnectionState::Disconnected,
            State::Opening { .. } | State::AwaitConnAck { .. } => ConnectionState::Connecting,
            State::Up(_) => ConnectionState::Connected,
            State::Closing { .. } => ConnectionState::Closing,
        }
    }

    /// The subscriptions the server granted and the session keeps alive.
    pub fn subscriptions(&self) -> impl Iterator<Item = (&TopicFilter, &SubscriptionOptions)> {
        self.subscriptions.iter().map(|s| (&s.filter, &s.options))
    }

    /// Keeps `granted` (in place of one with the same filter).
    fn keep_subscription(&mut self, granted: Subscription) {
        match self
            .subscriptions
            .binary_search_by(|s| s.filter.cmp(&granted.filter))
        {
            Ok(i) => self.subscriptions[i] = granted,
            Err(i) => self.subscriptions.insert(i, granted),
        }
    }

    /// Forgets the subscription to `filter`, if any.
    fn drop_subscription(&mut self, filter: &TopicFilter) {
        if let Ok(i) = self
            .subscriptions
            .binary_search_by(|s| s.filter.cmp(filter))
        {
            self.subscriptions.remove(i);
        }
    }

    /// How many requests wait in the queue.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// How many QoS 1 and 2 publishes wait for acknowledgement.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    // ----- requests -----

    /// Asks for a connection: [`TransportAction::Open`] now if there is no
    /// transport, or as soon as the one being closed is closed. Reconnection
    /// after losses stays on until [`Session::disconnect`].
    pub fn connect(&mut self, now: Instant) {
        self.want_connected = true;
        self.attempt = 0;
        self.short_drops = 0;
        match self.state {
            State::Down { .. } => self.open(now),
            State::Closing { .. } => {
                self.state = State::Closing {
                    reconnect_at: Some(now),
                }
            }
            State::Opening { .. } | State::AwaitConnAck { .. } | State::Up(_) => {}
        }
    }

    /// Closes the connection cleanly: DISCONNECT, [`TransportAction::Close`]
    /// and [`Event::Disconnected`]; no reconnection until
    /// [`Session::connect`]. Queued and unacknowledged requests are kept
    /// for the next connection.
    pub fn disconnect(&mut self, now: Instant) {
        self.want_connected = false;
        match self.state {
            State::Up(_) | State::AwaitConnAck { .. } => {
                self.write(
                    now,
                    &Packet::Disconnect(Disconnect::new(DisconnectReasonCode::NormalDisconnection)),
                );
                self.connection_ended();
                self.close_transport(None);
                self.events.push_back(Event::Disconnected);
            }
            State::Opening { .. } => {
                self.close_transport(None);
                self.events.push_back(Event::Disconnected);
            }
            State::Down {
                reconnect_at: Some(_),
            } => {
                self.state = State::Down { reconnect_at: None };
                self.events.push_back(Event::Disconnected);
            }
            State::Closing { .. } => self.state = State::Closing { reconnect_at: None },
            State::Down { reconnect_at: None } => {}
        }
    }

    /// Publishes `message`: at once when connected, else through the queue.
    /// [`Event::Published`] or [`Event::PublishFailed`] reports the outcome.
    ///
    /// Errors: the message cannot be encoded (empty topic, properties in
    /// 3.1.1, over MQTT's size limit), breaks a limit of the server's last
    /// CONNACK, the queue is full, or no packet identifier is free.
    pub fn publish(&mut self, now: Instant, message: Message) -> Result<RequestId, Error> {
        let size = self.packet_size(&message)?;
        self.check_limits(&message, size)?;
        if self.options.iotda {
            if message.qos == QoS::ExactlyOnce {
                self.warn(Warning::IotdaQos2);
            }
            if message.retain {
                self.warn(Warning::IotdaRetain);
            }
        }
        let id = self.next_request_id();
        let message = Box::new(message);
        self.submit(now, Request::Publish { id, message })?;
        Ok(id)
    }

    /// Subscribes to topic filters: at once when connected, else through
    /// the queue. [`Event::Subscribed`] reports the server's answer for each.
    ///
    /// Errors: no filter, options that do not exist in 3.1.1, a malformed
    /// shared subscription (5.0), the queue is full, or no packet identifier
    /// is free. Filters themselves are checked by [`TopicFilter::new`].
    pub fn subscribe(
        &mut self,
        now: Instant,
        subscriptions: Vec<Subscription>,
    ) -> Result<RequestId, Error> {
        let probe = Packet::Subscribe(Subscribe::new(PROBE_PID, subscriptions.clone()));
        probe.encode(self.options.version, &mut Vec::new())?;
        if self.options.iotda
            && subscriptions
                .iter()
                .any(|s| s.options.qos == QoS::ExactlyOnce)
        {
            self.warn(Warning::IotdaQos2);
        }
        let id = self.next_request_id();
        self.submit(now, Request::Subscribe { id, subscriptions })?;
        Ok(id)
    }

    /// Unsubscribes from topic filters: at once when connected, else through
    /// the queue. [`Event::Unsubscribed`] reports the server's answer.
    ///
    /// Errors: no filter, a malformed shared subscription (5.0), the queue is
    /// full, or no packet identifier is free.
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<TopicFilter>,
    ) -> Result<RequestId, Error> {
        let probe = Packet::Unsubscribe(Unsubscribe::new(PROBE_PID, filters.clone()));
        probe.encode(self.options.version, &mut Vec::new())?;
        let id = self.next_request_id();
        self.submit(now, Request::Unsubscribe { id, filters })?;
        Ok(id)
    }

    // ----- transport inputs -----

    /// The transport is open: the session writes CONNECT and waits for
    /// CONNACK. Anything left of an earlier connection (unread bytes,
    /// unwritten bytes) is dropped.
    pub fn handle_connected(&mut self, now: Instant) {
        if self.is_open() {
            // A new transport without news of the old one closing.
            self.connection_ended();
        }
        self.want_connected = true;
        self.rx = Vec::new();
        self.tx.clear();
        self.state = State::AwaitConnAck {
            deadline: now + self.options.connect_timeout,
            sent: now,
        };
        self.refresh_login(now);
        let connect = self.connect_packet();
        self.write(now, &Packet::Connect(connect));
    }

    /// The transport closed, or could not be opened; `reason` says why in
    /// the transport's words. Unless the session ended the connection itself,
    /// this is [`Event::ConnectionLost`] and a reconnection is scheduled.
    pub fn handle_disconnected(&mut self, now: Instant, reason: crate::text::Message) {
        match self.state {
            State::Down { .. } => {}
            State::Closing { reconnect_at } => self.state = State::Down { reconnect_at },
            State::Opening { .. } | State::AwaitConnAck { .. } | State::Up(_) => {
                self.tx.clear();
                self.count_drop(now);
                self.connection_ended();
                let reconnect_at = self.schedule_reconnect(now, true);
                self.state = State::Down { reconnect_at };
                self.events.push_back(Event::ConnectionLost {
                    cause: LostCause::Transport(reason),
                    reconnect_at,
                });
            }
        }
    }

    /// Bytes from the transport, in any slicing: a packet may be split
    /// across calls and a call may hold many packets. The session keeps at
    /// most one incomplete packet, of at most
    /// [`Options::max_packet_size`] bytes; a larger or malformed packet
    /// closes the connection ([`ProtocolError::Malformed`]).
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if !self.is_open() {
            return;
        }
        let mut pending = std::mem::take(&mut self.rx);
        if pending.is_empty() {
            let used = self.read_packets(now, bytes);
            pending.extend_from_slice(bytes.get(used..).unwrap_or_default());
        } else {
            pending.extend_from_slice(bytes);
            let used = self.read_packets(now, &pending);
            pending.drain(..used.min(pending.len()));
        }
        if self.is_open() {
            // Do not keep the capacity of a large packet once it is done.
            if pending.is_empty() && pending.capacity() > 64 * 1024 {
                pending = Vec::new();
            }
            self.rx = pending;
        }
    }

    /// Time passed: sends a keep-alive PINGREQ, detects a dead connection,
    /// gives up waiting for CONNACK, or starts a reconnection, whichever is
    /// due. Calling it early or often is harmless.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            State::Down {
                reconnect_at: Some(at),
            } if now >= at => {
                self.attempt = self.attempt.saturating_add(1);
                self.events.push_back(Event::Reconnecting {
                    attempt: self.attempt,
                });
                self.open(now);
            }
            State::Opening { deadline } | State::AwaitConnAck { deadline, .. }
                if now >= deadline =>
            {
                let cause = LostCause::ConnectTimeout(self.options.connect_timeout);
                self.end(now, Ending::Lost(cause), true, None);
            }
            State::Up(link) if !link.keep_alive.is_zero() => {
                let silent_for = now.saturating_duration_since(link.last_received);
                if silent_for >= dead_after(link.keep_alive) {
                    let cause = LostCause::KeepAliveTimeout(silent_for);
                    self.end(now, Ending::Lost(cause), true, None);
                } else if link.ping_sent.is_none() && now >= ping_at(&link) {
                    self.write(now, &Packet::PingReq);
                    if let State::Up(link) = &mut self.state {
                        link.ping_sent = Some(now);
                    }
                }
            }
            _ => {}
        }
    }

    // ----- outputs -----

    /// The bytes to write to the transport, all pending packets in one
    /// buffer, or `None` when there is nothing to write.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.tx.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.tx))
        }
    }

    /// The next thing the transport owner must do, if any.
    pub fn poll_transport(&mut self) -> Option<TransportAction> {
        self.actions.pop_front()
    }

    /// The next event, if any. Events wait in order until polled.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] must be called next, or `None` when
    /// no timer runs.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            State::Down { reconnect_at } => reconnect_at,
            State::Opening { deadline } | State::AwaitConnAck { deadline, .. } => Some(deadline),
            State::Up(link) if !link.keep_alive.is_zero() => {
                let dead = link.last_received + dead_after(link.keep_alive);
                match link.ping_sent {
                    Some(_) => Some(dead),
                    None => Some(dead.min(ping_at(&link))),
                }
            }
            State::Up(_) | State::Closing { .. } => None,
        }
    }

    // ----- internals: connection -----

    fn warn(&mut self, warning: Warning) {
        self.events.push_back(Event::Warning(warning));
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_request += 1;
        RequestId(self.next_request)
    }

    /// A uniformly distributed `u32` (SplitMix64).
    fn random(&mut self) -> u32 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        // The high half is the better half; the shift makes it fit.
        ((z ^ (z >> 31)) >> 32) as u32
    }

    /// Whether a transport is open and read (CONNECT sent or connected).
    fn is_open(&self) -> bool {
        matches!(self.state, State::AwaitConnAck { .. } | State::Up(_))
    }

    fn connect_packet(&self) -> Connect {
        let o = &self.options;
        let client_id = self
            .assigned_client_id
            .clone()
            .unwrap_or_else(|| o.client_id.clone());
        let mut connect = Connect::new(o.version, client_id, o.keep_alive);
        connect.clean_start = o.clean_start;
        connect.will = o.will.clone();
        connect.username = o.username.clone();
        connect.password = o.password.as_ref().map(|p| p.expose().to_vec());
        if o.version.is_v5() {
            connect.properties.session_expiry_interval = o.session_expiry;
            connect.properties.maximum_packet_size = Some(o.max_packet_size);
        }
        connect
    }

    /// Checks that the CONNECT for the current options can be encoded.
    fn check_connect(&self) -> Result<(), Error> {
        Packet::Connect(self.connect_packet()).encode(self.options.version, &mut Vec::new())?;
        Ok(())
    }

    /// Asks for a transport.
    fn open(&mut self, now: Instant) {
        self.state = State::Opening {
            deadline: now + self.options.connect_timeout,
        };
        self.actions.push_back(TransportAction::Open);
    }

    fn close_transport(&mut self, reconnect_at: Option<Instant>) {
        self.state = State::Closing { reconnect_at };
        self.actions.push_back(TransportAction::Close);
    }

    /// The broker or the transport ended the connection: one ended within
    /// [`STABLE_AFTER`] of CONNACK is a drop, and [`TAKEOVER_DROPS`] in a
    /// row are reported as [`Warning::ClientIdInUse`].
    fn count_drop(&mut self, now: Instant) {
        let State::Up(link) = self.state else {
            return;
        };
        if now.saturating_duration_since(link.since) >= STABLE_AFTER {
            self.short_drops = 0;
            return;
        }
        self.short_drops = self.short_drops.saturating_add(1);
        if self.short_drops == TAKEOVER_DROPS {
            self.warn(Warning::ClientIdInUse {
                client_id: self.connect_packet().client_id,
                drops: self.short_drops,
            });
        }
    }

    fn schedule_reconnect(&mut self, now: Instant, allowed: bool) -> Option<Instant> {
        // The backoff starts again only after a connection that lasted: a
        // broker that accepts and drops at once is not retried every second.
        if let State::Up(link) = self.state {
            if now.saturating_duration_since(link.since) >= STABLE_AFTER {
                self.attempt = 0;
            }
        }
        if !allowed || !self.want_connected {
            return None;
        }
        let backoff = self.options.reconnect?;
        let random = self.random();
        Some(now + backoff.delay(self.attempt, random))
    }

    /// The session ends the connection: an MQTT 5 DISCONNECT if `reason` is
    /// given, [`TransportAction::Close`], and the event.
    fn end(
        &mut self,
        now: Instant,
        ending: Ending,
        reconnect: bool,
        reason: Option<DisconnectReasonCode>,
    ) {
        if let Some(reason) = reason.filter(|_| self.options.version.is_v5()) {
            self.write(now, &Packet::Disconnect(Disconnect::new(reason)));
        }
        self.connection_ended();
        let reconnect_at = self.schedule_reconnect(now, reconnect);
        self.close_transport(reconnect_at);
        self.events.push_back(match ending {
            Ending::Refused(refusal) => Event::Refused {
                refusal,
                reconnect_at,
            },
            Ending::Lost(cause) => Event::ConnectionLost {
                cause,
                reconnect_at,
            },
        });
    }

    fn violation(&mut self, now: Instant, error: ProtocolError) {
        let reason = error.disconnect_reason();
        self.end(
            now,
            Ending::Lost(LostCause::Protocol(error)),
            true,
            Some(reason),
        );
    }

    /// Clean-up common to every end of a connection: unread bytes go, and
    /// unanswered SUBSCRIBE / UNSUBSCRIBE requests return to the front of
    /// the queue, in request order, to be sent again. Unacknowledged
    /// publishes stay in flight for a resumed session.
    fn connection_ended(&mut self) {
        self.rx = Vec::new();
        // Requests by the identifier they had, and (request id, identifier)
        // to sort them back into request order: the sort `inbound` uses for
        // publishes in flight, as each sort's code costs the page's wasm.
        let mut requests: PidMap<Request> = PidMap::default();
        let mut order: Vec<(u64, Pid)> = Vec::new();
        for (pid, pending) in std::mem::take(&mut self.subscribing) {
            self.pids.release(pid);
            if let Some(id) = pending.id {
                order.push((id.0, pid));
                let subscriptions = pending.subscriptions;
                requests.insert(pid, Request::Subscribe { id, subscriptions });
            }
        }
        for (pid, pending) in std::mem::take(&mut self.unsubscribing) {
            self.pids.release(pid);
            order.push((pending.id.0, pid));
            let (id, filters) = (pending.id, pending.filters);
            requests.insert(pid, Request::Unsubscribe { id, filters });
        }
        order.sort_unstable();
        let again = order
            .into_iter()
            .filter_map(|(_, pid)| requests.remove(&pid))
            .collect();
        self.requeue_front(again);
    }

    /// Puts requests back at the front of the queue, in the given order,
    /// whatever the limits (they were accepted once).
    fn requeue_front(&mut self, requests: Vec<Request>) {
        for request in requests.into_iter().rev() {
            self.queued_bytes += request.size();
            self.queue.push_front(request);
        }
    }

    /// Appends a packet to the transmit buffer if a transport is open.
    fn write(&mut self, now: Instant, packet: &Packet) {
        if self.is_open() {
            let written = packet.encode(self.options.version, &mut self.tx);
            self.written(now, written);
        }
    }

    /// Appends a PUBLISH to the transmit buffer if a transport is open.
    fn write_publish(&mut self, now: Instant, publish: &Publish) {
        if self.is_open() {
            let written = publish.encode(self.options.version, &mut self.tx);
            self.written(now, written);
        }
    }

    fn written(&mut self, now: Instant, result: Result<(), CodecError>) {
        match result {
            Ok(()) => {
                if let State::Up(link) = &mut self.state {
                    link.last_sent = now;
                }
            }
            Err(e) => self.end(now, Ending::Lost(LostCause::Internal(e)), true, None),
        }
    }
}

#[cfg(test)]
impl Session {
    /// Panics unless the bookkeeping agrees with itself: every packet
    /// identifier in use belongs to exactly one waiting packet, and the
    /// queue's byte count is the sum of its requests.
    pub(crate) fn check_invariants(&self) {
        let waiting = self.in_flight.len() + self.subscribing.len() + self.unsubscribing.len();
        assert_eq!(
            self.pids.in_use() as usize,
            waiting,
            "packet identifiers leak"
        );
        for pid in self
            .in_flight
            .keys()
            .chain(self.subscribing.keys())
            .chain(self.unsubscribing.keys())
        {
            assert!(self.pids.is_used(*pid), "{pid} is waiting but free");
        }
        let bytes: usize = self.queue.iter().map(Request::size).sum();
        assert_eq!(self.queued_bytes, bytes, "queued bytes");
    }
}

/// Silence for this long means the connection is dead: 1.5 keep alives, as
/// a server allows [MQTT-3.1.2-24].
fn dead_after(keep_alive: Duration) -> Duration {
    keep_alive.saturating_mul(3) / 2
}

/// When the next PINGREQ is due: a keep alive after the last packet either
/// way, so a link that only sends (QoS 0) still hears from the server.
fn ping_at(link: &Link) -> Instant {
    link.last_sent.min(link.last_received) + link.keep_alive
}

fn message_from(publish: Publish) -> Message {
    Message {
        topic: publish.topic,
        qos: publish.qos_pid.qos(),
        retain: publish.retain,
        payload: publish.payload,
        properties: publish.properties,
    }
}
