//! IoTDA's device-side system topics: build the topic of each message a
//! device sends or receives, the `#` filters that subscribe to downlinks, and
//! classify a topic that arrived.
//!
//! ```text
//! $oc/devices/{device_id}/sys/properties/report                               up
//! $oc/devices/{device_id}/sys/gateway/sub_devices/properties/report           up
//! $oc/devices/{device_id}/sys/messages/up                                     up
//! $oc/devices/{device_id}/sys/messages/down                                   down
//! $oc/devices/{device_id}/sys/commands/request_id={request_id}                down
//! $oc/devices/{device_id}/sys/commands/response/request_id={request_id}       up
//! $oc/devices/{device_id}/sys/properties/set/request_id={request_id}          down
//! $oc/devices/{device_id}/sys/properties/set/response/request_id={request_id} up
//! $oc/devices/{device_id}/sys/properties/get/request_id={request_id}          down
//! $oc/devices/{device_id}/sys/properties/get/response/request_id={request_id} up
//! $oc/devices/{device_id}/sys/shadow/get/request_id={request_id}              up
//! $oc/devices/{device_id}/sys/shadow/get/response/request_id={request_id}     down
//! $oc/devices/{device_id}/sys/events/up                                       up
//! $oc/devices/{device_id}/sys/events/down                                     down
//! ```
//!
//! A device subscribes to the downlinks with `#` in place of
//! `request_id={request_id}` and answers a request on the response topic
//! with the same request id.
//!
//! A property report and a message up may name their own request id with a
//! query suffix, `properties/report?request_id={request_id}` and
//! `messages/up?request_id={request_id}` (Huawei's "Device Reporting
//! Properties" and "Device Reporting a Message" pages); without one the
//! platform makes one up.
//!
//! A message up, a property report or a gateway's report may instead end
//! with `?encoding=gzip`, its payload then gzip ([`crate::gzip`]): the form
//! Huawei's Java and C device SDKs publish compressed data on. The two
//! suffixes are not combined. Custom topics (`$oc/devices/{id}/user/...`) are
//! not system topics and are not classified here.

use std::fmt;

use crate::text::{Key, Message, Say};

use crate::credentials;

use super::excerpt;

const PREFIX: &str = "$oc/devices/";
const SYS: &str = "/sys/";
const REQUEST_ID: &str = "request_id=";
/// The query suffix by which a report names its request id.
const QUERY_REQUEST_ID: &str = "?request_id=";
/// The query by which a message up says its payload is gzip.
const GZIP: &str = "encoding=gzip";

/// Longest topic name MQTT can carry: its length is a two-byte integer
/// (MQTT 3.1.1 §1.5.3).
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Which way a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Device to platform: the device publishes it.
    Up,
    /// Platform to device: the device subscribes to it.
    Down,
}

/// The system topics a device uses, one per kind of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// `properties/report`: the device reports property values.
    PropertiesReport,
    /// `gateway/sub_devices/properties/report`: a gateway reports the
    /// properties of its sub-devices.
    GatewaySubDevicesPropertiesReport,
    /// `messages/up`: a free-form message from the device.
    MessagesUp,
    /// `messages/down`: a free-form message to the device.
    MessagesDown,
    /// `commands/request_id={id}`: the platform sends a command.
    CommandRequest,
    /// `commands/response/request_id={id}`: the device answers a command.
    CommandResponse,
    /// `properties/set/request_id={id}`: the platform sets properties.
    PropertiesSetRequest,
    /// `properties/set/response/request_id={id}`: the device answers a set.
    PropertiesSetResponse,
    /// `properties/get/request_id={id}`: the platform asks for properties.
    PropertiesGetRequest,
    /// `properties/get/response/request_id={id}`: the device answers a get.
    PropertiesGetResponse,
    /// `shadow/get/request_id={id}`: the device asks for its shadow.
    ShadowGetRequest,
    /// `shadow/get/response/request_id={id}`: the platform sends the shadow.
    ShadowGetResponse,
    /// `events/up`: the device reports an event (time sync, OTA, ...).
    EventsUp,
    /// `events/down`: the platform sends an event.
    EventsDown,
}

impl TopicKind {
    /// Every kind, uplinks and downlinks in the order of IoTDA's topic list.
    pub const ALL: [TopicKind; 14] = [
        Self::PropertiesReport,
        Self::GatewaySubDevicesPropertiesReport,
        Self::MessagesUp,
        Self::MessagesDown,
        Self::CommandRequest,
        Self::CommandResponse,
        Self::PropertiesSetRequest,
        Self::PropertiesSetResponse,
        Self::PropertiesGetRequest,
        Self::PropertiesGetResponse,
        Self::ShadowGetRequest,
        Self::ShadowGetResponse,
        Self::EventsUp,
        Self::EventsDown,
    ];

    /// The topic after `sys/`; for kinds with a request id, everything
    /// before `request_id=`.
    fn path(self) -> &'static str {
        match self {
            Self::PropertiesReport => "properties/report",
            Self::GatewaySubDevicesPropertiesReport => "gateway/sub_devices/properties/report",
            Self::MessagesUp => "messages/up",
            Self::MessagesDown => "messages/down",
            Self::CommandRequest => "commands/",
            Self::CommandResponse => "commands/response/",
            Self::PropertiesSetRequest => "properties/set/",
            Self::PropertiesSetResponse => "properties/set/response/",
            Self::PropertiesGetRequest => "properties/get/",
            Self::PropertiesGetResponse => "properties/get/response/",
            Self::ShadowGetRequest => "shadow/get/",
            Self::ShadowGetResponse => "shadow/get/response/",
            Self::EventsUp => "events/up",
            Self::EventsDown => "events/down",
        }
    }

    /// Whether the topic ends with `request_id={id}`.
    pub fn has_request_id(self) -> bool {
        self.path().ends_with('/')
    }

    /// Whether the topic may end with the query `?request_id={id}`: Huawei
    /// documents it for property reports and messages up.
    pub fn takes_query_request_id(self) -> bool {
        matches!(self, Self::PropertiesReport | Self::MessagesUp)
    }

    /// Whether the topic may end with `?encoding=gzip`, its payload then
    /// compressed with gzip: Huawei's Java and C device SDKs send messages
    /// up this way, and the Java SDK property reports and a gateway's
    /// reports for its sub-devices too.
    pub fn takes_gzip(self) -> bool {
        matches!(
            self,
            Self::MessagesUp | Self::PropertiesReport | Self::GatewaySubDevicesPropertiesReport
        )
    }

    /// Who publishes it.
    pub fn direction(self) -> Direction {
        match self {
            Self::PropertiesReport
            | Self::GatewaySubDevicesPropertiesReport
            | Self::MessagesUp
            | Self::CommandResponse
            | Self::PropertiesSetResponse
            | Self::PropertiesGetResponse
            | Self::ShadowGetRequest
            | Self::EventsUp => Direction::Up,
            Self::MessagesDown
            | Self::CommandRequest
            | Self::PropertiesSetRequest
            | Self::PropertiesGetRequest
            | Self::ShadowGetResponse
            | Self::EventsDown => Direction::Down,
        }
    }

    /// The kind that answers this request, if it is one.
    pub fn response(self) -> Option<TopicKind> {
        match self {
            Self::CommandRequest => Some(Self::CommandResponse),
            Self::PropertiesSetRequest => Some(Self::PropertiesSetResponse),
            Self::PropertiesGetRequest => Some(Self::PropertiesGetResponse),
            Self::ShadowGetRequest => Some(Self::ShadowGetResponse),
            _ => None,
        }
    }

    /// A short name for people ("command request").
    pub fn name(self) -> &'static str {
        self.key().english()
    }

    /// The key of its name.
    fn key(self) -> Key {
        use crate::text::keys::topic as k;
        match self {
            Self::PropertiesReport => k::KIND_PROPERTIES_REPORT,
            Self::GatewaySubDevicesPropertiesReport => {
                k::KIND_GATEWAY_SUB_DEVICES_PROPERTIES_REPORT
            }
            Self::MessagesUp => k::KIND_MESSAGES_UP,
            Self::MessagesDown => k::KIND_MESSAGES_DOWN,
            Self::CommandRequest => k::KIND_COMMAND_REQUEST,
            Self::CommandResponse => k::KIND_COMMAND_RESPONSE,
            Self::PropertiesSetRequest => k::KIND_PROPERTIES_SET_REQUEST,
            Self::PropertiesSetResponse => k::KIND_PROPERTIES_SET_RESPONSE,
            Self::PropertiesGetRequest => k::KIND_PROPERTIES_GET_REQUEST,
            Self::PropertiesGetResponse => k::KIND_PROPERTIES_GET_RESPONSE,
            Self::ShadowGetRequest => k::KIND_SHADOW_GET_REQUEST,
            Self::ShadowGetResponse => k::KIND_SHADOW_GET_RESPONSE,
            Self::EventsUp => k::KIND_EVENTS_UP,
            Self::EventsDown => k::KIND_EVENTS_DOWN,
        }
    }
}

impl Say for TopicKind {
    fn message(&self) -> Message {
        Message::new(self.key())
    }
}

impl fmt::Display for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a topic could not be built, or is not an IoTDA system topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicError {
    /// The topic does not start with `$oc/devices/{device_id}/sys/`. Likely
    /// cause: a custom (`/user/`) topic, or a topic of another platform.
    NotSystemTopic {
        /// The topic (cut to 64 characters).
        topic: String,
    },
    /// The device id in the topic, or the one given to build a topic, breaks
    /// IoTDA's rule (1-128 of `[A-Za-z0-9_-]`). Likely cause: an empty level
    /// (`$oc/devices//sys/...`) or a character picked up while copying.
    DeviceId {
        /// The device id (cut to 64 characters).
        device_id: String,
        /// Which rule it breaks; only the device-id variants occur.
        error: credentials::Error,
    },
    /// The part after `sys/` is not one IoTDA defines. Likely cause: a typo
    /// such as `property/report` or `command/request_id=...`.
    UnknownSuffix {
        /// The part after `sys/` (cut to 64 characters).
        suffix: String,
    },
    /// The kind needs `request_id={id}` and none was given. Likely cause: a
    /// subscription filter or a topic cut short.
    MissingRequestId {
        /// The kind of topic.
        kind: TopicKind,
    },
    /// `request_id=` is followed by nothing.
    EmptyRequestId {
        /// The kind of topic.
        kind: TopicKind,
    },
    /// A request id was given for a kind that has none (for example an
    /// event up).
    UnexpectedRequestId {
        /// The kind of topic.
        kind: TopicKind,
    },
    /// The request id has `/`, `+`, `#` or NUL, which would change the topic's
    /// levels or make it a filter. Likely cause: the id was taken from the
    /// wrong part of a topic.
    InvalidRequestId {
        /// The request id (cut to 64 characters).
        request_id: String,
    },
    /// The request id of a `?request_id=` suffix has `&`, `?`, `/`, `+`, `#`
    /// or NUL, which would start another parameter or change the topic's
    /// levels. Likely cause: two parameters run together.
    InvalidQueryRequestId {
        /// The request id (cut to 64 characters).
        request_id: String,
    },
    /// The topic ends with a `?` suffix IoTDA does not define for its kind.
    /// Likely cause: `?request_id=` on a topic other than a property report
    /// or a message up, or a misspelt parameter.
    UnknownParameter {
        /// The kind of topic.
        kind: TopicKind,
        /// The text after `?` (cut to 64 characters).
        parameter: String,
    },
    /// The text has `+` or `#`: it is a subscription filter, not the topic of
    /// a message.
    Wildcard {
        /// The filter (cut to 64 characters).
        topic: String,
    },
    /// The topic would be longer than MQTT allows (65,535 bytes). Likely
    /// cause: a request id that is not one.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
}

impl Say for TopicError {
    fn message(&self) -> Message {
        use crate::text::keys::topic as k;
        match self {
            Self::NotSystemTopic { topic } => {
                Message::new(k::NOT_SYSTEM_TOPIC).with("topic", format_args!("{topic:?}"))
            }
            Self::DeviceId { device_id, error } => Message::new(k::DEVICE_ID)
                .with("device_id", format_args!("{device_id:?}"))
                .with_message("error", error.message()),
            Self::UnknownSuffix { suffix } => {
                Message::new(k::UNKNOWN_SUFFIX).with("suffix", suffix)
            }
            Self::MissingRequestId { kind } => {
                Message::new(k::MISSING_REQUEST_ID).with_message("kind", kind.message())
            }
            Self::EmptyRequestId { kind } => {
                Message::new(k::EMPTY_REQUEST_ID).with_message("kind", kind.message())
            }
            Self::UnexpectedRequestId { kind } => {
                Message::new(k::UNEXPECTED_REQUEST_ID).with_message("kind", kind.message())
            }
            Self::InvalidRequestId { request_id } => Message::new(k::INVALID_REQUEST_ID)
                .with("request_id", format_args!("{request_id:?}")),
            Self::InvalidQueryRequestId { request_id } => Message::new(k::INVALID_QUERY_REQUEST_ID)
                .with("request_id", format_args!("{request_id:?}")),
            Self::UnknownParameter { kind, parameter } => Message::new(k::UNKNOWN_PARAMETER)
                .with("parameter", parameter)
                .with_message("kind", kind.message()),
            Self::Wildcard { topic } => {
                Message::new(k::WILDCARD).with("topic", format_args!("{topic:?}"))
            }
            Self::TooLong { len } => Message::new(k::TOO_LONG)
                .with("len", len)
                .with("max", MAX_TOPIC_LEN),
        }
    }
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for TopicError {}

/// A device-side system topic: its kind, the device id and, for requests and
/// responses, the request id.
///
/// Always valid: the device id follows IoTDA's rule, the request id is
/// present when the kind has one in its path (a single non-empty level),
/// optional when the kind takes `?request_id=`, absent otherwise, and the
/// whole topic fits in an MQTT topic name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic {
    kind: TopicKind,
    device_id: String,
    request_id: Option<String>,
    gzip: bool,
}

impl Topic {
    /// The topic of `kind` for `device_id`, for kinds without a request id
    /// (reports, messages, events).
    pub fn new(kind: TopicKind, device_id: &str) -> Result<Self, TopicError> {
        if kind.has_request_id() {
            return Err(TopicError::MissingRequestId { kind });
        }
        check_device_id(device_id)?;
        Ok(Self {
            kind,
            device_id: device_id.to_owned(),
            request_id: None,
            gzip: false,
        })
    }

    /// The topic of `kind` for `device_id` and `request_id`: requests and
    /// responses end with `request_id={id}`, property reports and messages
    /// up with `?request_id={id}`.
    pub fn with_request_id(
        kind: TopicKind,
        device_id: &str,
        request_id: &str,
    ) -> Result<Self, TopicError> {
        check_device_id(device_id)?;
        if kind.has_request_id() {
            check_request_id(kind, request_id)?;
        } else if kind.takes_query_request_id() {
            check_query_request_id(kind, request_id)?;
        } else {
            return Err(TopicError::UnexpectedRequestId { kind });
        }
        let topic = Self {
            kind,
            device_id: device_id.to_owned(),
            request_id: Some(request_id.to_owned()),
            gzip: false,
        };
        let len = topic.len();
        if len > MAX_TOPIC_LEN {
            return Err(TopicError::TooLong { len });
        }
        Ok(topic)
    }

    /// The `?encoding=gzip` form of `kind` for `device_id`, whose payload is
    /// gzip (see [`crate::gzip`]); only for kinds that
    /// [take it](TopicKind::takes_gzip).
    pub fn gzip(kind: TopicKind, device_id: &str) -> Result<Self, TopicError> {
        if !kind.takes_gzip() {
            return Err(TopicError::UnknownParameter {
                kind,
                parameter: GZIP.to_owned(),
            });
        }
        let mut topic = Self::new(kind, device_id)?;
        topic.gzip = true;
        Ok(topic)
    }

    /// Whether the payload is gzip (the topic ends with `?encoding=gzip`).
    pub fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// Classifies a topic a message arrived on (or was sent to) and extracts
    /// the device id and request id. Nothing is trimmed.
    pub fn parse(topic: &str) -> Result<Self, TopicError> {
        if topic.contains(['+', '#']) {
            return Err(TopicError::Wildcard {
                topic: excerpt(topic),
            });
        }
        let not_system = || TopicError::NotSystemTopic {
            topic: excerpt(topic),
        };
        let rest = topic.strip_prefix(PREFIX).ok_or_else(not_system)?;
        let (device_id, suffix) = match rest.find('/') {
            Some(at) => (
                rest.get(..at).unwrap_or_default(),
                rest.get(at..).unwrap_or_default(),
            ),
            None => return Err(not_system()),
        };
        let suffix = suffix.strip_prefix(SYS).ok_or_else(not_system)?;
        check_device_id(device_id)?;
        let (kind, request_id, gzip) = classify(suffix)?;
        Ok(Self {
            kind,
            device_id: device_id.to_owned(),
            request_id: request_id.map(str::to_owned),
            gzip,
        })
    }

    /// What the topic carries.
    pub fn kind(&self) -> TopicKind {
        self.kind
    }

    /// The device id in the topic.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The request id: always there for requests and responses, and there
    /// for a property report or message up that named one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The topic that answers this request, with the same device and request
    /// id (a command request gives its command response topic); `None` for
    /// topics that are not requests.
    pub fn response(&self) -> Option<Topic> {
        let kind = self.kind.response()?;
        Some(Self {
            kind,
            device_id: self.device_id.clone(),
            request_id: self.request_id.clone(),
            gzip: false,
        })
    }

    /// Length of the topic in bytes.
    fn len(&self) -> usize {
        PREFIX.len()
            + self.device_id.len()
            + SYS.len()
            + self.kind.path().len()
            + self
                .request_id
                .as_ref()
                .map_or(0, |id| self.request_id_prefix().len() + id.len())
            + if self.gzip { GZIP.len() + 1 } else { 0 }
    }

    /// What comes between the path and the request id.
    fn request_id_prefix(&self) -> &'static str {
        if self.kind.has_request_id() {
            REQUEST_ID
        } else {
            QUERY_REQUEST_ID
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}{SYS}{}", self.device_id, self.kind.path())?;
        if let Some(id) = &self.request_id {
            write!(f, "{}{id}", self.request_id_prefix())?;
        }
        if self.gzip {
            write!(f, "?{GZIP}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Topic {
    type Err = TopicError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The filter a device subscribes to for `kind`: the topic itself, or with
/// `#` in place of `request_id={id}` for kinds that carry one (for example
/// `$oc/devices/{device_id}/sys/commands/#`).
///
/// Any kind is accepted; devices subscribe to the [`Direction::Down`] ones.
pub fn subscription_filter(kind: TopicKind, device_id: &str) -> Result<String, TopicError> {
    check_device_id(device_id)?;
    let hash = if kind.has_request_id() { "#" } else { "" };
    Ok(format!("{PREFIX}{device_id}{SYS}{}{hash}", kind.path()))
}

/// The filters for every downlink (messages, commands, property set and get,
/// shadow responses, events), in [`TopicKind::ALL`] order.
pub fn downlink_filters(device_id: &str) -> Result<Vec<String>, TopicError> {
    TopicKind::ALL
        .into_iter()
        .filter(|k| k.direction() == Direction::Down)
        .map(|k| subscription_filter(k, device_id))
        .collect()
}

/// What a topic's suffix says: its kind, request id and whether its payload
/// is gzip.
type Classified<'a> = (TopicKind, Option<&'a str>, bool);

/// The kind, request id and encoding of the part of a topic after `sys/`.
fn classify(suffix: &str) -> Result<Classified<'_>, TopicError> {
    for kind in TopicKind::ALL {
        let path = kind.path();
        if !kind.has_request_id() {
            if suffix == path {
                return Ok((kind, None, false));
            }
            if let Some(query) = suffix.strip_prefix(path).and_then(|s| s.strip_prefix('?')) {
                return classify_query(kind, query);
            }
            continue;
        }
        if suffix == path || Some(suffix) == path.strip_suffix('/') {
            return Err(TopicError::MissingRequestId { kind });
        }
        if let Some(id) = suffix
            .strip_prefix(path)
            .and_then(|s| s.strip_prefix(REQUEST_ID))
        {
            check_request_id(kind, id)?;
            return Ok((kind, Some(id), false));
        }
    }
    Err(TopicError::UnknownSuffix {
        suffix: excerpt(suffix),
    })
}

/// The request id or encoding of the query after `?` of an uplink's topic.
fn classify_query(kind: TopicKind, query: &str) -> Result<Classified<'_>, TopicError> {
    if query == GZIP && kind.takes_gzip() {
        return Ok((kind, None, true));
    }
    match query.strip_prefix(REQUEST_ID) {
        Some(id) if kind.takes_query_request_id() => {
            check_query_request_id(kind, id)?;
            Ok((kind, Some(id), false))
        }
        _ => Err(TopicError::UnknownParameter {
            kind,
            parameter: excerpt(query),
        }),
    }
}

fn check_device_id(device_id: &str) -> Result<(), TopicError> {
    credentials::check_device_id(device_id).map_err(|error| TopicError::DeviceId {
        device_id: excerpt(device_id),
        error,
    })
}

fn check_request_id(kind: TopicKind, request_id: &str) -> Result<(), TopicError> {
    if request_id.is_empty() {
        return Err(TopicError::EmptyRequestId { kind });
    }
    if request_id.contains(['/', '+', '#', '\0']) {
        return Err(TopicError::InvalidRequestId {
            request_id: excerpt(request_id),
        });
    }
    Ok(())
}

fn check_query_request_id(kind: TopicKind, request_id: &str) -> Result<(), TopicError> {
    if request_id.is_empty() {
        return Err(TopicError::EmptyRequestId { kind });
    }
    if request_id.contains(['&', '?', '/', '+', '#', '\0']) {
        return Err(TopicError::InvalidQueryRequestId {
            request_id: excerpt(request_id),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: &str = "5f8d_node1";
    const REQ: &str = "6c5ff2d2-8b5a-4c2f-9a0c-7e5c0b8d1e2f";

    #[test]
    fn builds_every_topic_of_the_list() {
        let expected = [
            "properties/report",
            "gateway/sub_devices/properties/report",
            "messages/up",
            "messages/down",
            "commands/request_id=R",
            "commands/response/request_id=R",
            "properties/set/request_id=R",
            "properties/set/response/request_id=R",
            "properties/get/request_id=R",
            "properties/get/response/request_id=R",
            "shadow/get/request_id=R",
            "shadow/get/response/request_id=R",
            "events/up",
            "events/down",
        ];
        for (kind, tail) in TopicKind::ALL.into_iter().zip(expected) {
            let topic = if kind.has_request_id() {
                Topic::with_request_id(kind, DEV, "R").unwrap()
            } else {
                Topic::new(kind, DEV).unwrap()
            };
            let text = topic.to_string();
            assert_eq!(text, format!("$oc/devices/{DEV}/sys/{tail}"));
            assert_eq!(text.len(), topic.len());
            assert_eq!(Topic::parse(&text).unwrap(), topic, "{text}");
        }
    }

    #[test]
    fn parses_a_command_and_answers_on_its_response_topic() {
        let topic =
            Topic::parse(&format!("$oc/devices/{DEV}/sys/commands/request_id={REQ}")).unwrap();
        assert_eq!(topic.kind(), TopicKind::CommandRequest);
        assert_eq!(topic.device_id(), DEV);
        assert_eq!(topic.request_id(), Some(REQ));
        assert_eq!(topic.kind().direction(), Direction::Down);
        assert_eq!(
            topic.response().unwrap().to_string(),
            format!("$oc/devices/{DEV}/sys/commands/response/request_id={REQ}")
        );
        assert_eq!(
            Topic::new(TopicKind::EventsUp, DEV).unwrap().response(),
            None
        );
    }

    #[test]
    fn reports_and_messages_up_take_a_query_request_id() {
        // The documented forms: "Device Reporting Properties"
        // (support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3010.html)
        // and "Device Reporting a Message" (.../iot_06_v5_3016.html), with
        // the placeholders filled in.
        let cases = [
            (TopicKind::PropertiesReport, "properties/report"),
            (TopicKind::MessagesUp, "messages/up"),
        ];
        for (kind, path) in cases {
            let text = format!("$oc/devices/{DEV}/sys/{path}?request_id={REQ}");
            let topic = Topic::parse(&text).unwrap();
            assert_eq!(topic.kind(), kind);
            assert_eq!(topic.device_id(), DEV);
            assert_eq!(topic.request_id(), Some(REQ));
            assert_eq!(topic.response(), None);
            let built = Topic::with_request_id(kind, DEV, REQ).unwrap();
            assert_eq!(built, topic);
            assert_eq!(built.to_string(), text);
            assert_eq!(built.len(), text.len());
            // Without the suffix: the same kind, no request id.
            let plain = Topic::parse(&format!("$oc/devices/{DEV}/sys/{path}")).unwrap();
            assert_eq!((plain.kind(), plain.request_id()), (kind, None));
        }
    }

    #[test]
    fn messages_up_and_property_reports_take_encoding_gzip() {
        // The forms Huawei's device SDKs publish compressed data on: C SDK
        // `base.h` (TOPIC_SUFFIX_MESSAGEUP + TOPIC_SUFFIX_COMPRESS); Java SDK
        // `reportCompressedDeviceMessage`, `reportCompressedProperties` and
        // `reportCompressedSubDeviceProperties`.
        for kind in [
            TopicKind::MessagesUp,
            TopicKind::PropertiesReport,
            TopicKind::GatewaySubDevicesPropertiesReport,
        ] {
            let text = format!("$oc/devices/{DEV}/sys/{}?encoding=gzip", kind.path());
            let topic = Topic::parse(&text).unwrap();
            assert_eq!(topic.kind(), kind);
            assert!(topic.is_gzip());
            assert_eq!(topic.request_id(), None);
            let built = Topic::gzip(kind, DEV).unwrap();
            assert_eq!(built, topic);
            assert_eq!(built.to_string(), text);
            assert_eq!(built.len(), text.len());
            assert!(!Topic::new(kind, DEV).unwrap().is_gzip());
        }
        for kind in [TopicKind::EventsUp, TopicKind::CommandResponse] {
            assert_eq!(
                Topic::gzip(kind, DEV),
                Err(TopicError::UnknownParameter {
                    kind,
                    parameter: "encoding=gzip".into()
                })
            );
            let path = kind.path();
            assert!(Topic::parse(&format!("$oc/devices/{DEV}/sys/{path}?encoding=gzip")).is_err());
        }
        assert!(Topic::parse(&format!("$oc/devices/{DEV}/sys/messages/up?encoding=br")).is_err());
    }

    #[test]
    fn refuses_query_suffixes_iotda_does_not_define() {
        use TopicError::*;
        let cases = [
            (
                "events/up?request_id=1",
                UnknownParameter {
                    kind: TopicKind::EventsUp,
                    parameter: "request_id=1".into(),
                },
            ),
            (
                "messages/down?request_id=1",
                UnknownParameter {
                    kind: TopicKind::MessagesDown,
                    parameter: "request_id=1".into(),
                },
            ),
            (
                "properties/report?requestid=1",
                UnknownParameter {
                    kind: TopicKind::PropertiesReport,
                    parameter: "requestid=1".into(),
                },
            ),
            (
                "properties/report?",
                UnknownParameter {
                    kind: TopicKind::PropertiesReport,
                    parameter: "".into(),
                },
            ),
            (
                "messages/up?request_id=",
                EmptyRequestId {
                    kind: TopicKind::MessagesUp,
                },
            ),
            (
                "messages/up?request_id=1&x=2",
                InvalidQueryRequestId {
                    request_id: "1&x=2".into(),
                },
            ),
            (
                "messages/up?request_id=1/2",
                InvalidQueryRequestId {
                    request_id: "1/2".into(),
                },
            ),
        ];
        for (tail, want) in cases {
            let text = format!("$oc/devices/{DEV}/sys/{tail}");
            assert_eq!(Topic::parse(&text), Err(want), "{text}");
        }
        // A `?` inside a path request id is part of the id, as before.
        let topic =
            Topic::parse(&format!("$oc/devices/{DEV}/sys/commands/request_id=a?b")).unwrap();
        assert_eq!(topic.request_id(), Some("a?b"));
        assert_eq!(
            Topic::parse(&format!("$oc/devices/{DEV}/sys/events/up?request_id=1"))
                .unwrap_err()
                .to_string(),
            "?request_id=1 is not a suffix IoTDA defines on this event up topic; property reports and messages up take ?request_id={id}, and they and a gateway's reports ?encoding=gzip"
        );
    }

    #[test]
    fn filters_put_hash_in_place_of_the_request_id() {
        assert_eq!(
            downlink_filters(DEV).unwrap(),
            [
                "messages/down",
                "commands/#",
                "properties/set/#",
                "properties/get/#",
                "shadow/get/response/#",
                "events/down",
            ]
            .map(|t| format!("$oc/devices/{DEV}/sys/{t}"))
        );
        assert_eq!(
            subscription_filter(TopicKind::PropertiesReport, DEV).unwrap(),
            format!("$oc/devices/{DEV}/sys/properties/report")
        );
        assert!(matches!(
            subscription_filter(TopicKind::CommandRequest, "a b"),
            Err(TopicError::DeviceId { .. })
        ));
    }

    #[test]
    fn refuses_topics_that_are_not_iotda_system_topics() {
        use TopicError::*;
        let not_system = |t: &str| NotSystemTopic { topic: t.into() };
        let cases: Vec<(String, TopicError)> = vec![
            ("".into(), not_system("")),
            (
                "devices/x/sys/messages/up".into(),
                not_system("devices/x/sys/messages/up"),
            ),
            ("$oc/devices/x".into(), not_system("$oc/devices/x")),
            (
                "$oc/devices/x/user/a".into(),
                not_system("$oc/devices/x/user/a"),
            ),
            (
                "$OC/devices/x/sys/messages/up".into(),
                not_system("$OC/devices/x/sys/messages/up"),
            ),
            (
                "$oc/devices//sys/messages/up".into(),
                DeviceId {
                    device_id: "".into(),
                    error: credentials::Error::EmptyDeviceId,
                },
            ),
            (
                "$oc/devices/a.b/sys/messages/up".into(),
                DeviceId {
                    device_id: "a.b".into(),
                    error: credentials::Error::DeviceIdChar {
                        ch: '.',
                        position: 2,
                    },
                },
            ),
            (
                format!("$oc/devices/{}/sys/messages/up", "d".repeat(129)),
                DeviceId {
                    device_id: format!("{}…", "d".repeat(64)),
                    error: credentials::Error::DeviceIdTooLong(129),
                },
            ),
            (
                "$oc/devices/x/sys/property/report".into(),
                UnknownSuffix {
                    suffix: "property/report".into(),
                },
            ),
            (
                "$oc/devices/x/sys/messages/up/".into(),
                UnknownSuffix {
                    suffix: "messages/up/".into(),
                },
            ),
            (
                "$oc/devices/x/sys/commands".into(),
                MissingRequestId {
                    kind: TopicKind::CommandRequest,
                },
            ),
            (
                "$oc/devices/x/sys/properties/set/".into(),
                MissingRequestId {
                    kind: TopicKind::PropertiesSetRequest,
                },
            ),
            (
                "$oc/devices/x/sys/shadow/get/response".into(),
                MissingRequestId {
                    kind: TopicKind::ShadowGetResponse,
                },
            ),
            (
                "$oc/devices/x/sys/commands/request_id=".into(),
                EmptyRequestId {
                    kind: TopicKind::CommandRequest,
                },
            ),
            (
                "$oc/devices/x/sys/commands/response/request_id=".into(),
                EmptyRequestId {
                    kind: TopicKind::CommandResponse,
                },
            ),
            (
                "$oc/devices/x/sys/commands/request_id=a/b".into(),
                InvalidRequestId {
                    request_id: "a/b".into(),
                },
            ),
            (
                "$oc/devices/x/sys/commands/request-id=1".into(),
                UnknownSuffix {
                    suffix: "commands/request-id=1".into(),
                },
            ),
            (
                "$oc/devices/x/sys/commands/#".into(),
                Wildcard {
                    topic: "$oc/devices/x/sys/commands/#".into(),
                },
            ),
            (
                "$oc/devices/+/sys/messages/down".into(),
                Wildcard {
                    topic: "$oc/devices/+/sys/messages/down".into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Topic::parse(&text), Err(want), "{text:?}");
        }
    }

    #[test]
    fn builders_check_their_inputs() {
        use TopicError::*;
        assert_eq!(
            Topic::new(TopicKind::CommandResponse, DEV),
            Err(MissingRequestId {
                kind: TopicKind::CommandResponse
            })
        );
        for kind in [
            TopicKind::GatewaySubDevicesPropertiesReport,
            TopicKind::MessagesDown,
            TopicKind::EventsUp,
            TopicKind::EventsDown,
        ] {
            assert_eq!(
                Topic::with_request_id(kind, DEV, "1"),
                Err(UnexpectedRequestId { kind })
            );
        }
        assert_eq!(
            Topic::with_request_id(TopicKind::MessagesUp, DEV, ""),
            Err(EmptyRequestId {
                kind: TopicKind::MessagesUp
            })
        );
        for bad in ["a&encoding=gzip", "a?", "a/b", "a+", "#", "a\0"] {
            assert_eq!(
                Topic::with_request_id(TopicKind::PropertiesReport, DEV, bad),
                Err(InvalidQueryRequestId {
                    request_id: bad.into()
                })
            );
        }
        assert_eq!(
            Topic::with_request_id(TopicKind::CommandResponse, DEV, ""),
            Err(EmptyRequestId {
                kind: TopicKind::CommandResponse
            })
        );
        for bad in ["a/b", "a+", "#", "a\0"] {
            assert_eq!(
                Topic::with_request_id(TopicKind::CommandResponse, DEV, bad),
                Err(InvalidRequestId {
                    request_id: bad.into()
                })
            );
        }
        assert!(matches!(
            Topic::new(TopicKind::MessagesUp, ""),
            Err(DeviceId {
                error: credentials::Error::EmptyDeviceId,
                ..
            })
        ));
        let long = "r".repeat(MAX_TOPIC_LEN);
        assert!(matches!(
            Topic::with_request_id(TopicKind::CommandResponse, DEV, &long),
            Err(TooLong { .. })
        ));
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            TopicError::MissingRequestId {
                kind: TopicKind::CommandRequest
            }
            .to_string(),
            "a command request topic ends with request_id={id}, and this one has no request id"
        );
        assert_eq!(
            Topic::parse("$oc/devices/x/sys/property/report")
                .unwrap_err()
                .to_string(),
            "sys/property/report is not a topic IoTDA defines; check the spelling against the topic list"
        );
    }

    #[test]
    fn odd_bytes_never_panic() {
        for text in [
            "$oc/devices/é/sys/",
            "$oc/devices/x/sys/é",
            "$oc/devices/\u{0}/sys/a",
        ] {
            assert!(Topic::parse(text).is_err());
        }
    }
}
