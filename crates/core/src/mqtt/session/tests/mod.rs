//! Tests of the session against a scripted broker at the byte level: the
//! broker's packets are encoded with the codec and fed in as bytes, and what
//! the session writes is decoded back. Time is whatever the test says.

mod connect;
mod framing;
mod keepalive;
mod model;
mod publish;
mod reconnect;
mod subscribe;

use super::*;
use crate::mqtt::{
    ConnAck, ConnectReasonCode, Packet, PacketType, Pid, ProtocolVersion, QoS, TopicName,
};

/// Options for a test: the given version, keep alive 10 s, the rest default.
pub(super) fn options(version: ProtocolVersion) -> Options {
    let mut o = Options::new("client-1");
    o.version = version;
    o.keep_alive = 10;
    o
}

pub(super) fn pid(n: u16) -> Pid {
    Pid::new(n).expect("non-zero")
}

pub(super) fn topic(s: &str) -> TopicName {
    TopicName::new(s).expect("valid topic name")
}

pub(super) fn filter(s: &str) -> TopicFilter {
    TopicFilter::new(s).expect("valid topic filter")
}

pub(super) fn message(t: &str, qos: QoS, payload: &str) -> Message {
    Message::new(topic(t), qos, payload)
}

pub(super) fn encode(packet: &Packet, version: ProtocolVersion) -> Vec<u8> {
    let mut out = Vec::new();
    packet
        .encode(version, &mut out)
        .expect("test packets encode");
    out
}

/// Every packet in `bytes`, which must hold whole, valid packets.
pub(super) fn decode_all(bytes: &[u8], version: ProtocolVersion) -> Vec<Packet> {
    let mut packets = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (packet, used) = crate::mqtt::decode(rest, usize::MAX, version)
            .expect("the session writes valid packets")
            .expect("the session writes whole packets");
        packets.push(packet);
        rest = &rest[used..];
    }
    packets
}

/// A session, the clock of the test, and a scripted broker's view.
pub(super) struct Harness {
    pub(super) s: Session,
    pub(super) version: ProtocolVersion,
    pub(super) now: u64,
}

impl Harness {
    pub(super) fn new(options: Options) -> Self {
        let version = options.version;
        Self {
            s: Session::new(options, 7).expect("valid options"),
            version,
            now: 0,
        }
    }

    /// A session that is connected (CONNACK accepted, no session present),
    /// with every output drained.
    pub(super) fn connected(options: Options) -> Self {
        let mut h = Self::new(options);
        h.open();
        h.connack(false);
        h.sent();
        h.events();
        h
    }

    pub(super) fn at(&self) -> Instant {
        Instant::from_millis(self.now)
    }

    /// Moves the clock to `ms` and lets the session act on it.
    pub(super) fn advance_to(&mut self, ms: u64) {
        self.now = ms;
        self.s.handle_timeout(self.at());
    }

    /// `connect`, the transport opens, and the CONNECT it writes.
    pub(super) fn open(&mut self) -> crate::mqtt::Connect {
        self.s.connect(self.at());
        assert_eq!(self.actions(), [TransportAction::Open]);
        self.s.handle_connected(self.at());
        match self.sent().as_slice() {
            [Packet::Connect(c)] => c.clone(),
            other => panic!("expected CONNECT, got {other:?}"),
        }
    }

    /// The broker accepts the connection.
    pub(super) fn connack(&mut self, session_present: bool) {
        let mut ack = ConnAck::new(ConnectReasonCode::Success);
        ack.session_present = session_present;
        self.feed(ack);
    }

    /// The packets the session wrote since the last call.
    pub(super) fn sent(&mut self) -> Vec<Packet> {
        decode_all(&self.s.poll_transmit().unwrap_or_default(), self.version)
    }

    /// The broker sends `packet`.
    pub(super) fn feed(&mut self, packet: impl Into<Packet>) {
        let bytes = encode(&packet.into(), self.version);
        self.s.handle_bytes(self.at(), &bytes);
    }

    /// The events since the last call (checking the session's bookkeeping
    /// on the way).
    pub(super) fn events(&mut self) -> Vec<Event> {
        self.s.check_invariants();
        std::iter::from_fn(|| self.s.poll_event()).collect()
    }

    pub(super) fn actions(&mut self) -> Vec<TransportAction> {
        std::iter::from_fn(|| self.s.poll_transport()).collect()
    }

    /// The transport reports the connection closed.
    pub(super) fn closed(&mut self) {
        self.s
            .handle_disconnected(self.at(), LostCause::said("closed by test"));
    }

    /// The one event there is (and no other).
    pub(super) fn event(&mut self) -> Event {
        match self.events().as_slice() {
            [e] => e.clone(),
            other => panic!("expected one event, got {other:?}"),
        }
    }
}

/// The protocol error the connection was closed for, after checking that it
/// was closed: the event, the close request, and (MQTT 5) a DISCONNECT.
pub(super) fn closed_for_violation(h: &mut Harness) -> ProtocolError {
    let error = match h.event() {
        Event::ConnectionLost {
            cause: LostCause::Protocol(e),
            ..
        } => e,
        other => panic!("expected a protocol error, got {other:?}"),
    };
    assert_eq!(h.actions(), [TransportAction::Close]);
    let sent = h.sent();
    if h.version.is_v5() {
        assert_eq!(
            sent,
            [Packet::Disconnect(crate::mqtt::Disconnect::new(
                error.disconnect_reason()
            ))]
        );
    } else {
        assert_eq!(sent, []);
    }
    assert_eq!(h.s.state(), ConnectionState::Closing);
    error
}
