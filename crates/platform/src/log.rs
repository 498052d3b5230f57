//! What the device side tells the developer: one event per decision
//! (connected, refused with the exact reason, dropped, taken over, a
//! publish or subscription refused) and per broker incident, each shown as
//! one line by `Display`.
//!
//! The caller gives a [`LogSink`]: the CLI prints the lines, tests collect
//! them.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::decide::{PublishRefusal, Refusal, SubscriptionRefusal};

/// How much of a payload a [`Event::Published`] line shows.
pub const PAYLOAD_PREVIEW: usize = 200;

/// Receives every event. Called from the connection tasks: keep it short.
pub type LogSink = Arc<dyn Fn(Event) + Send + Sync>;

/// One thing that happened on the device side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A listener is bound.
    Listening {
        /// Its URL, e.g. `mqtt://127.0.0.1:1883`.
        url: String,
    },
    /// A device was admitted and its session carried to the broker.
    Connected {
        /// The listener's scheme (`mqtt`, `mqtts`, `ws`, `wss`).
        listener: &'static str,
        /// The device's address.
        peer: SocketAddr,
        /// The device.
        device_id: String,
    },
    /// A CONNECT was refused with a CONNACK.
    Refused {
        /// The listener's scheme.
        listener: &'static str,
        /// The device's address.
        peer: SocketAddr,
        /// The ClientId it sent (empty when the CONNECT could not be read).
        client_id: String,
        /// The CONNACK sent and the reason.
        refusal: Refusal,
    },
    /// A connection was closed without a CONNACK (before or instead of a
    /// valid CONNECT), or after a malformed packet.
    Dropped {
        /// The listener's scheme.
        listener: &'static str,
        /// The peer's address.
        peer: SocketAddr,
        /// Why.
        why: String,
    },
    /// A device's new connection took over; this one was closed.
    TakenOver {
        /// The device.
        device_id: String,
        /// The address of the connection closed.
        peer: SocketAddr,
    },
    /// A device's connection ended.
    Disconnected {
        /// The device.
        device_id: String,
        /// Its address.
        peer: SocketAddr,
        /// Why it ended.
        why: String,
    },
    /// A device's PUBLISH passed the checks and went to the broker.
    Published {
        /// The device.
        device_id: String,
        /// The topic.
        topic: String,
        /// Its QoS (0 or 1).
        qos: u8,
        /// The payload's size in bytes.
        size: usize,
        /// The payload's start as text (at most [`PAYLOAD_PREVIEW`] bytes,
        /// invalid UTF-8 replaced).
        preview: String,
    },
    /// A PUBLISH was refused.
    PublishRefused(PublishRefusal),
    /// A SUBSCRIBE filter was refused.
    SubscriptionRefused(SubscriptionRefusal),
    /// A certificate device registered without a fingerprint was bound to
    /// the certificate it connected with.
    FingerprintBound {
        /// The device.
        device_id: String,
        /// The SHA-256 fingerprint, lowercase hex.
        sha256: String,
    },
    /// The registry failed to record something (the connection goes on).
    RegistryError {
        /// What was being recorded.
        what: String,
        /// The registry's error.
        error: String,
    },
    /// A property report does not fit the device's product model.
    ReportDropped {
        /// The device.
        device_id: String,
        /// Each problem: its JSON path and what is wrong.
        problems: Vec<String>,
    },
    /// An uplink the platform cannot read, so it is not kept: a message up
    /// on `?encoding=gzip` whose payload is not gzip.
    UplinkDropped {
        /// The device.
        device_id: String,
        /// The topic it came on.
        topic: String,
        /// Why it cannot be read.
        why: String,
    },
    /// The platform's own broker session (which hears devices and publishes
    /// to them) failed; it is opened again.
    SessionFailed {
        /// Why.
        why: String,
    },
    /// The supervised broker started.
    BrokerStarted {
        /// Its process id.
        pid: u32,
        /// Where it listens.
        addr: SocketAddr,
    },
    /// The supervised broker exited on its own; it is started again.
    BrokerDied {
        /// Its process id.
        pid: u32,
        /// How it ended.
        status: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Listening { url } => write!(f, "listening on {url}"),
            Self::Connected {
                listener,
                peer,
                device_id,
            } => write!(f, "connected: device {device_id:?} from {peer} over {listener}"),
            Self::Refused {
                listener,
                peer,
                client_id,
                refusal,
            } => write!(
                f,
                "refused: ClientId {client_id:?} from {peer} over {listener}: {refusal}"
            ),
            Self::Dropped {
                listener,
                peer,
                why,
            } => write!(f, "dropped: {peer} over {listener}: {why}"),
            Self::TakenOver { device_id, peer } => write!(
                f,
                "taken over: device {device_id:?} connected again; closed its connection from {peer}"
            ),
            Self::Disconnected {
                device_id,
                peer,
                why,
            } => write!(f, "disconnected: device {device_id:?} from {peer}: {why}"),
            Self::Published {
                device_id,
                topic,
                qos,
                size,
                preview,
            } => {
                write!(
                    f,
                    "published: device {device_id:?} to {topic} (QoS {qos}, {size} bytes): {preview}"
                )?;
                if *size > preview.len() {
                    f.write_str("...")?;
                }
                Ok(())
            }
            Self::PublishRefused(r) => write!(f, "publish refused: {r}"),
            Self::SubscriptionRefused(r) => write!(f, "subscription refused: {r}"),
            Self::FingerprintBound { device_id, sha256 } => write!(
                f,
                "bound: device {device_id:?} to certificate fingerprint {sha256} (SHA-256), its first"
            ),
            Self::RegistryError { what, error } => write!(f, "registry: {what}: {error}"),
            Self::ReportDropped {
                device_id,
                problems,
            } => write!(
                f,
                "IoTDA may drop this: property report of device {device_id:?}: {}",
                problems.join("; ")
            ),
            Self::UplinkDropped {
                device_id,
                topic,
                why,
            } => write!(f, "dropped: uplink of device {device_id:?} on {topic}: {why}"),
            Self::SessionFailed { why } => write!(f, "platform session: {why}"),
            Self::BrokerStarted { pid, addr } => {
                write!(f, "broker: mosquitto (pid {pid}) listens on {addr}")
            }
            Self::BrokerDied { pid, status } => {
                write!(f, "broker: mosquitto (pid {pid}) exited ({status}); starting it again")
            }
        }
    }
}
