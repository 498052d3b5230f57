//! The access layer's decisions, sans-IO: whether a CONNECT is admitted (and
//! if not, which CONNACK to send and what to log), whether a device may
//! publish or subscribe where it asks, which downlink filters IoTDA
//! subscribes on a device's behalf, and which connection a new one takes
//! over.
//!
//! Nothing here reads a clock, a socket or the registry: time comes in as
//! Unix seconds, devices and CAs as the plain records of
//! [`crate::directory`]. The tokio layer in [`crate::access`] only moves
//! bytes and time and asks these functions.

mod acl;
mod connect;
mod implicit;
mod sessions;

pub use acl::{
    check_publish, check_subscription, is_own_uplink, PublishAnswer, PublishRefusal,
    PublishRefusalKind, SubscriptionRefusal, MAX_BROADCAST_FILTER_LEN, MAX_PUBLISH_PAYLOAD,
};
pub use connect::{
    admit, authenticate, identify, parse_client_id, refusal_for_decode_error, Admitted,
    ClientIdParts, ConnectRequest, Refusal, RefusalReason, Transport, KEEP_ALIVE_RANGE,
    TIMESTAMP_TOLERANCE_HOURS,
};
pub use implicit::implicit_filters;
pub use sessions::{ConnectionId, Sessions};
