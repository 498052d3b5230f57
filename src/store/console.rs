//! State of the Console page: the connection form, the subscriptions, the
//! publish form and the bounded message log, as pure values and functions
//! tested natively. The page owns the MQTT client (`web::mqtt`) and feeds
//! its events in; nothing here calls the browser.

use crate::messages::keys::console as said;
use iotda_core::text::{Message as Said, Say as Words};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use iotda_core::credentials::Credentials;
use iotda_core::endpoint::{Endpoint, EndpointError, Transport, DEFAULT_WS_PATH};
use iotda_core::iotda::{downlink_filters, Direction, Topic, TopicKind};
use iotda_core::mqtt::session::{
    Event, Instant, Message, Options, RequestId, Secret, Session, SubscribeOutcome,
};
use iotda_core::mqtt::{ProtocolVersion, QoS, Subscription, TopicFilter, TopicName};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use super::connect::ConnectForm;
use super::dropped::{self, Refused, TakeoverWatch};

/// The MQTT version chosen in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MqttVersion {
    /// MQTT 3.1.1 (what IoTDA speaks).
    #[default]
    #[serde(rename = "3.1.1")]
    V311,
    /// MQTT 5.0.
    #[serde(rename = "5")]
    V5,
}

impl MqttVersion {
    /// The codec's version.
    pub fn protocol(self) -> ProtocolVersion {
        match self {
            Self::V311 => ProtocolVersion::V3_1_1,
            Self::V5 => ProtocolVersion::V5,
        }
    }
}

/// The connection form, as typed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsoleForm {
    /// Broker host.
    pub host: String,
    /// Port, as typed.
    pub port: String,
    /// WebSocket path.
    pub path: String,
    /// `wss://` (else `ws://`).
    pub tls: bool,
    /// MQTT ClientId.
    pub client_id: String,
    /// MQTT user name.
    pub username: String,
    /// MQTT password: kept in memory only, never saved.
    #[serde(skip)]
    pub password: String,
    /// Keep alive in seconds, as typed.
    pub keep_alive: String,
    /// Clean session (3.1.1) / clean start (5).
    pub clean_start: bool,
    /// MQTT version.
    pub version: MqttVersion,
    /// IoTDA mode: warnings about settings the platform refuses, CONNACK
    /// codes in its terms.
    pub iotda: bool,
    /// The device id the IoTDA topic presets are built for.
    pub device_id: String,
}

impl fmt::Debug for ConsoleForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleForm")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .field("tls", &self.tls)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &"[elided]")
            .field("keep_alive", &self.keep_alive)
            .field("clean_start", &self.clean_start)
            .field("version", &self.version)
            .field("iotda", &self.iotda)
            .field("device_id", &self.device_id)
            .finish()
    }
}

impl Default for ConsoleForm {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: "9001".into(),
            path: DEFAULT_WS_PATH.into(),
            tls: false,
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            keep_alive: "120".into(),
            clean_start: true,
            version: MqttVersion::V311,
            iotda: false,
            device_id: String::new(),
        }
    }
}

/// A field of the connection form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// Host.
    Host,
    /// Port.
    Port,
    /// Path.
    Path,
    /// Keep alive.
    KeepAlive,
    /// Client id, user name, password or their combination.
    Login,
}

/// What is wrong with the form, next to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The field.
    pub field: FormField,
    /// In words.
    pub message: Said,
}

/// A checked connection: where and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// `ws://host:port/path` or `wss://...`.
    pub url: String,
    /// The session's options.
    pub options: Options,
}

impl ConsoleForm {
    /// Fills the form from the Connection page: its host and, when the
    /// credentials compute, the device's ClientId, user name and password.
    /// A browser speaks MQTT only over WebSocket, so MQTT and MQTTS
    /// endpoints become `wss://host:443` (IoTDA's WebSocket port) with the
    /// Connection page's path. Returns the form and a note on what changed.
    pub fn from_connection_page(
        connect: &ConnectForm,
        credentials: Option<&Credentials>,
    ) -> (Self, Option<Said>) {
        let (tls, port, note) = match connect.transport {
            Transport::Ws | Transport::Wss => (
                connect.transport == Transport::Wss,
                connect.port.clone(),
                None,
            ),
            Transport::Mqtt | Transport::Mqtts => (
                true,
                Transport::Wss.default_port().to_string(),
                Some(
                    Said::new(said::WSS_ONLY)
                        .with("scheme", connect.transport.scheme())
                        .with("port", &connect.port),
                ),
            ),
        };
        let mut form = Self {
            host: connect.host.clone(),
            port,
            path: if connect.path.is_empty() {
                DEFAULT_WS_PATH.into()
            } else {
                connect.path.clone()
            },
            tls,
            iotda: true,
            device_id: connect.device_id.clone(),
            ..Self::default()
        };
        let note = match credentials {
            Some(c) => {
                form.client_id = c.client_id.clone();
                form.username = c.username.clone();
                form.password = c.password.expose().to_owned();
                note
            }
            None => {
                crate::messages::lines(note.into_iter().chain([Said::new(said::NO_CREDENTIALS)]))
            }
        };
        (form, note)
    }

    /// The broker `scripts/run.sh` starts: `ws://127.0.0.1:9001/mqtt`, no
    /// credentials needed, IoTDA mode off; the client id and device id are
    /// kept.
    pub fn local_broker(&self) -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: "9001".into(),
            path: DEFAULT_WS_PATH.into(),
            tls: false,
            iotda: false,
            ..self.clone()
        }
    }

    /// The warning to show while a password would go to a host that is not
    /// loopback over `ws://`, in clear: anyone on the way can read it. The
    /// page cannot resolve names, so only `localhost` (and `*.localhost`)
    /// and loopback addresses count as loopback.
    pub fn cleartext_warning(&self) -> Option<Said> {
        let host = self.host.trim();
        if self.tls
            || self.password.is_empty()
            || host.is_empty()
            || iotda_core::endpoint::is_loopback_host(host)
        {
            return None;
        }
        Some(Said::new(said::CLEARTEXT).with("host", host))
    }

    /// Checks the form and builds the URL and session options.
    pub fn connection(&self) -> Result<Connection, FormError> {
        let endpoint_error = |e: EndpointError| FormError {
            field: match e {
                EndpointError::Port(_) => FormField::Port,
                EndpointError::Path(_) => FormField::Path,
                _ => FormField::Host,
            },
            message: e.message(),
        };
        let port = iotda_core::endpoint::parse_port(self.port.trim()).map_err(endpoint_error)?;
        let endpoint = Endpoint {
            host: self.host.trim().to_owned(),
            transport: if self.tls {
                Transport::Wss
            } else {
                Transport::Ws
            },
            port,
            path: self.path.trim().to_owned(),
        };
        endpoint.check().map_err(endpoint_error)?;
        let keep_alive = self
            .keep_alive
            .trim()
            .parse::<u16>()
            .map_err(|_| FormError {
                field: FormField::KeepAlive,
                message: Said::new(said::KEEP_ALIVE).with("got", format!("{:?}", self.keep_alive)),
            })?;
        let mut options = Options::new(self.client_id.trim());
        options.version = self.version.protocol();
        options.username = Some(self.username.trim().to_owned()).filter(|u| !u.is_empty());
        options.password =
            Some(Secret::from(self.password.as_str())).filter(|_| !self.password.is_empty());
        options.keep_alive = keep_alive;
        options.clean_start = self.clean_start;
        options.iotda = self.iotda;
        // The session checks the whole set (client id rules, password
        // without user name in 3.1.1, ...) and says what is wrong.
        Session::new(options.clone(), 0).map_err(|e| FormError {
            field: FormField::Login,
            message: e.message(),
        })?;
        Ok(Connection {
            url: endpoint.url(),
            options,
        })
    }
}

/// Where a subscription is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SubStatus {
    /// Not sent (not connected).
    #[default]
    Idle,
    /// SUBSCRIBE sent, waiting for SUBACK.
    Pending(RequestId),
    /// Granted with this QoS.
    Granted(u8),
    /// Refused by the broker, in words.
    Refused(Said),
}

/// One row of the subscription list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    /// The topic filter.
    pub filter: String,
    /// The QoS asked for.
    pub qos: u8,
    /// Where it is (not saved).
    #[serde(skip)]
    pub status: SubStatus,
}

impl SubscriptionRow {
    /// The subscription to send, or why the row cannot be sent.
    pub fn subscription(&self) -> Result<Subscription, Said> {
        let filter = TopicFilter::new(self.filter.trim()).map_err(|e| e.message())?;
        let qos = QoS::try_from(self.qos).map_err(|e| e.message())?;
        Ok(Subscription::new(filter, qos))
    }
}

/// The IoTDA downlink filters of a device (commands, property set and get,
/// messages, events, shadow responses), QoS 1; none without a device id.
pub fn iotda_subscriptions(device_id: &str) -> Vec<SubscriptionRow> {
    downlink_filters(device_id.trim())
        .unwrap_or_default()
        .into_iter()
        .map(|filter| SubscriptionRow {
            filter,
            qos: 1,
            status: SubStatus::Idle,
        })
        .collect()
}

/// The publish form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    /// Topic.
    pub topic: String,
    /// QoS 0, 1 or 2.
    pub qos: u8,
    /// RETAIN.
    pub retain: bool,
    /// The payload text.
    pub payload: String,
    /// Whether the payload is checked as JSON.
    pub json: bool,
}

impl Default for PublishForm {
    fn default() -> Self {
        Self {
            topic: String::new(),
            qos: 1,
            retain: false,
            payload: String::new(),
            json: true,
        }
    }
}

impl PublishForm {
    /// The message to send, or what is wrong (topic, or JSON with its line
    /// and column).
    pub fn message(&self) -> Result<Message, Said> {
        let topic = TopicName::new(self.topic.trim())
            .map_err(|e| Said::new(said::TOPIC).with_message("why", e.message()))?;
        let qos = QoS::try_from(self.qos).map_err(|e| e.message())?;
        if self.json {
            check_json(&self.payload)?;
        }
        let mut message = Message::new(topic, qos, self.payload.as_bytes().to_vec());
        message.retain = self.retain;
        Ok(message)
    }
}

/// `Ok` if `text` is one JSON value, else the parser's complaint with line
/// and column.
pub fn check_json(text: &str) -> Result<(), Said> {
    // Bytes, not `from_str`: one serde_json reader (see `storage::load`).
    serde_json::from_slice::<serde::de::IgnoredAny>(text.as_bytes())
        .map(|_| ())
        .map_err(|e| not_json(&e))
}

fn not_json(e: &serde_json::Error) -> Said {
    Said::new(said::NOT_JSON).with_message("why", crate::messages::json(e))
}

/// A topic as the log's narrow column shows it: an IoTDA device topic
/// without its `$oc/devices/{device_id}` head, which every row of one
/// device shares, so the part that tells rows apart (`sys/properties/report`,
/// a command's `request_id`) is what stays in view. Other topics are shown
/// whole; the row's tooltip has the full topic.
pub fn short_topic(topic: &str) -> std::borrow::Cow<'_, str> {
    match topic
        .strip_prefix("$oc/devices/")
        .and_then(|rest| rest.split_once('/'))
    {
        Some((id, rest)) if !id.is_empty() && !rest.is_empty() => format!("…/{rest}").into(),
        _ => topic.into(),
    }
}

/// `text` as indented JSON, or the parser's complaint.
pub fn pretty_json(text: &str) -> Result<String, Said> {
    let value: serde_json::Value =
        serde_json::from_slice(text.as_bytes()).map_err(|e| not_json(&e))?;
    serde_json::to_string_pretty(&value).map_err(|e| not_json(&e))
}

/// A ready-made message for an IoTDA uplink topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// Shown in the menu.
    pub label: Said,
    /// Topic.
    pub topic: String,
    /// Payload.
    pub payload: String,
}

/// The system events a device sends (`events/up`), each a preset: the
/// service, the event type and sample `paras` in the form of Huawei's
/// device-side pages (OTA 3031, sub-devices, time sync, SDK information,
/// file upload and download, device logs).
const UP_EVENTS: [(&str, &str, &str); 11] = [
    (
        "$time_sync",
        "time_sync_request",
        r#"{"device_send_time":0}"#,
    ),
    (
        "$ota",
        "version_report",
        r#"{"sw_version":"v1.0","fw_version":"v1.0"}"#,
    ),
    (
        "$ota",
        "upgrade_progress_report",
        r#"{"result_code":0,"progress":100,"version":"v1.1","description":"upgrade succeeded"}"#,
    ),
    (
        "$sub_device_manager",
        "sub_device_update_status",
        r#"{"device_statuses":[{"device_id":"SUB_DEVICE_ID","status":"ONLINE"}]}"#,
    ),
    (
        "$sub_device_manager",
        "add_sub_device_request",
        r#"{"devices":[{"node_id":"sub_node_1","product_id":"PRODUCT_ID","name":"sub 1"}]}"#,
    ),
    (
        "$sub_device_manager",
        "delete_sub_device_request",
        r#"{"devices":["SUB_DEVICE_ID"]}"#,
    ),
    (
        "$sub_device_manager",
        "sub_device_sync_request",
        r#"{"version":0}"#,
    ),
    (
        "$sdk_info",
        "sdk_info_report",
        r#"{"device_sdk_version":"C_v0.5.0","sw_version":"v1.0","fw_version":"v1.0"}"#,
    ),
    (
        "$file_manager",
        "get_upload_url",
        r#"{"file_name":"log.txt"}"#,
    ),
    (
        "$file_manager",
        "get_download_url",
        r#"{"file_name":"log.txt"}"#,
    ),
    (
        "$log",
        "log_report",
        r#"{"timestamp":"1700000000000","type":"DEVICE_STATUS","content":"device started"}"#,
    ),
];

/// An `events/up` payload of one event.
fn event_payload(service_id: &str, event_type: &str, paras: &str) -> String {
    format!(
        r#"{{"services":[{{"service_id":"{service_id}","event_type":"{event_type}","paras":{paras}}}]}}"#
    )
}

/// The sample payload of an uplink kind.
fn sample_payload(kind: TopicKind) -> &'static str {
    match kind {
        TopicKind::PropertiesReport => {
            r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#
        }
        TopicKind::GatewaySubDevicesPropertiesReport => {
            r#"{"devices":[{"device_id":"SUB_DEVICE_ID","services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}]}"#
        }
        TopicKind::MessagesUp => r#"{"name":"hello","content":"from IoTDA Kit"}"#,
        TopicKind::CommandResponse => {
            r#"{"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}"#
        }
        TopicKind::PropertiesSetResponse => r#"{"result_code":0,"result_desc":"success"}"#,
        TopicKind::PropertiesGetResponse => {
            r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#
        }
        TopicKind::ShadowGetRequest => r#"{"service_id":"Battery"}"#,
        _ => "{}",
    }
}

/// Presets for every IoTDA uplink of `device_id`, and one for each
/// system event a device sends. Kinds that carry a request id get
/// `request_id=REQUEST_ID`; answering a received request ([`answer`])
/// fills in the real one.
pub fn presets(device_id: &str) -> Vec<Preset> {
    let device_id = device_id.trim();
    let mut presets: Vec<Preset> = TopicKind::ALL
        .into_iter()
        .filter(|k| k.direction() == Direction::Up && *k != TopicKind::EventsUp)
        .filter_map(|kind| {
            let topic = if kind.has_request_id() {
                Topic::with_request_id(kind, device_id, "REQUEST_ID")
            } else {
                Topic::new(kind, device_id)
            };
            Some(Preset {
                label: kind.message(),
                topic: topic.ok()?.to_string(),
                payload: sample_payload(kind).to_owned(),
            })
        })
        .collect();
    if let Ok(topic) = Topic::new(TopicKind::EventsUp, device_id) {
        let topic = topic.to_string();
        presets.extend(UP_EVENTS.iter().map(|(service, event, paras)| Preset {
            label: event_label(event),
            topic: topic.clone(),
            payload: event_payload(service, event, paras),
        }));
    }
    presets
}

/// The answer to a received IoTDA request (command, property set or get,
/// shadow): its response topic with the same request id and a sample
/// payload; or to a system event that a device answers (`version_query`
/// with its versions, an upgrade notice with its progress at 100 and the
/// notice's version, sub-devices added with their statuses). `None` for
/// anything else.
pub fn answer(topic: &str, payload: &[u8]) -> Option<Preset> {
    let request = Topic::parse(topic).ok()?;
    if request.kind() == TopicKind::EventsDown {
        let up = Topic::new(TopicKind::EventsUp, request.device_id()).ok()?;
        let (event_type, payload) = answer_event(payload)?;
        return Some(Preset {
            label: event_label(event_type),
            topic: up.to_string(),
            payload,
        });
    }
    let response = request.response()?;
    let kind = response.kind();
    if kind.direction() != Direction::Up {
        return None;
    }
    Some(Preset {
        label: kind.message(),
        topic: response.to_string(),
        payload: sample_payload(kind).to_owned(),
    })
}

/// A preset's label for a system event: its type, which is IoTDA's name.
fn event_label(event_type: &str) -> Said {
    Said::new(said::EVENT_PRESET).with("event", event_type)
}

/// A device's answer to the first event of an `events/down` payload that
/// has one: the answer's event type and its payload.
fn answer_event(payload: &[u8]) -> Option<(&'static str, String)> {
    let value: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let event = value.get("services")?.as_array()?.first()?;
    let paras = event.get("paras");
    let text = |key: &str| paras.and_then(|p| p.get(key)).and_then(|v| v.as_str());
    let (event_type, paras) = match event.get("event_type")?.as_str()? {
        "version_query" => ("version_report", up_event("version_report")?.2.to_owned()),
        "firmware_upgrade" | "software_upgrade" | "firmware_upgrade_v2" | "software_upgrade_v2" => {
            let version = serde_json::Value::from(text("version").unwrap_or("v1.1"));
            let paras = serde_json::json!({"result_code": 0, "progress": 100,
                "version": version, "description": "upgrade succeeded"});
            ("upgrade_progress_report", paras.to_string())
        }
        "add_sub_device_notify" => {
            let statuses: Vec<serde_json::Value> = paras
                .and_then(|p| p.get("devices"))
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
                .filter_map(|d| d.get("device_id"))
                .map(|id| serde_json::json!({"device_id": id, "status": "ONLINE"}))
                .collect();
            let paras = serde_json::json!({ "device_statuses": statuses });
            ("sub_device_update_status", paras.to_string())
        }
        _ => return None,
    };
    let (service, ..) = up_event(event_type)?;
    Some((event_type, event_payload(service, event_type, &paras)))
}

/// The entry of [`UP_EVENTS`] for `event_type`.
fn up_event(event_type: &str) -> Option<(&'static str, &'static str, &'static str)> {
    UP_EVENTS.iter().copied().find(|(_, e, _)| *e == event_type)
}

/// Which way a logged message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Received from the broker.
    In,
    /// Published by this page.
    Out,
}

/// One message in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Number in arrival order, from 1; never reused.
    pub seq: u64,
    /// Direction.
    pub dir: Dir,
    /// Wall-clock time, milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// Topic.
    pub topic: String,
    /// QoS.
    pub qos: u8,
    /// RETAIN.
    pub retain: bool,
    /// Payload.
    pub payload: Rc<[u8]>,
    /// For a publish: its request, and how it ended (`None` while waiting).
    pub outcome: Option<(RequestId, Option<Result<(), Said>>)>,
}

impl LogEntry {
    /// The bytes this entry counts against the log's limit.
    fn size(&self) -> usize {
        self.topic.len() + self.payload.len() + 64
    }
}

/// How much the log keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    /// The most messages.
    pub messages: usize,
    /// The most bytes (topics and payloads).
    pub bytes: usize,
}

impl Default for LogLimits {
    /// 10,000 messages, 16 MiB.
    fn default() -> Self {
        Self {
            messages: 10_000,
            bytes: 16 * 1024 * 1024,
        }
    }
}

/// The message log: newest last, bounded by count and bytes; the oldest
/// go first.
#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    entries: VecDeque<LogEntry>,
    bytes: usize,
    limits: LogLimits,
    next_seq: u64,
    received: u64,
    sent: u64,
    dropped: u64,
}

impl MessageLog {
    /// An empty log with these limits.
    pub fn new(limits: LogLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Adds a message; returns its sequence number.
    pub fn push(
        &mut self,
        dir: Dir,
        at_ms: u64,
        message: &Message,
        request: Option<RequestId>,
    ) -> u64 {
        self.next_seq += 1;
        match dir {
            Dir::In => self.received += 1,
            Dir::Out => self.sent += 1,
        }
        let entry = LogEntry {
            seq: self.next_seq,
            dir,
            at_ms,
            topic: message.topic.as_str().to_owned(),
            qos: u8::from(message.qos),
            retain: message.retain,
            payload: Rc::from(message.payload.as_slice()),
            outcome: request.map(|id| (id, None)),
        };
        self.bytes += entry.size();
        self.entries.push_back(entry);
        while self.entries.len() > self.limits.messages
            || (self.bytes > self.limits.bytes && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.size();
                self.dropped += 1;
            }
        }
        self.next_seq
    }

    /// Records how a publish ended.
    pub fn settle(&mut self, id: RequestId, outcome: Result<(), Said>) {
        let found = self
            .entries
            .iter_mut()
            .rev()
            .find(|e| matches!(e.outcome, Some((r, None)) if r == id));
        if let Some(entry) = found {
            entry.outcome = Some((id, Some(outcome)));
        }
    }

    /// Empties the log (the counters stay).
    pub fn clear(&mut self) {
        self.dropped += self.entries.len() as u64;
        self.entries.clear();
        self.bytes = 0;
    }

    /// Messages held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Messages received since the page opened.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Messages published since the page opened.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Messages that left the log (limits or Clear).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The entry with this sequence number, if still held.
    pub fn get(&self, seq: u64) -> Option<&LogEntry> {
        let first = self.entries.front()?.seq;
        let entry = self
            .entries
            .get(usize::try_from(seq.checked_sub(first)?).ok()?)?;
        (entry.seq == seq).then_some(entry)
    }

    /// The sequence numbers of the entries `filter` lets through, newest
    /// first.
    pub fn matching(&self, filter: &LogFilter) -> Vec<u64> {
        let topic = filter.topic_matcher();
        let text = filter.text.trim().as_bytes();
        self.entries
            .iter()
            .rev()
            .filter(|e| topic.matches(&e.topic))
            .filter(|e| {
                contains_ignoring_ascii_case(e.topic.as_bytes(), text)
                    || contains_ignoring_ascii_case(&e.payload, text)
            })
            .map(|e| e.seq)
            .collect()
    }
}

/// Whether `haystack` holds `needle`, ASCII letters in any case. Not
/// Unicode case folding: its tables would cost the page's first load
/// about 2 KB gzip, and topics and JSON keys are ASCII; other letters
/// match in the same case. Compares bytes, so nothing is copied per
/// message.
fn contains_ignoring_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// What the log shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogFilter {
    /// Topic: an MQTT filter if it has `+` or `#`, else a part of the topic.
    pub topic: String,
    /// Text anywhere in topic or payload (ASCII letters in any case).
    pub text: String,
}

enum TopicMatcher {
    All,
    Filter(TopicFilter),
    Part(String),
}

impl TopicMatcher {
    fn matches(&self, topic: &str) -> bool {
        match self {
            Self::All => true,
            Self::Filter(f) => f.matches(topic),
            Self::Part(p) => topic.contains(p.as_str()),
        }
    }
}

impl LogFilter {
    fn topic_matcher(&self) -> TopicMatcher {
        let topic = self.topic.trim();
        if topic.is_empty() {
            TopicMatcher::All
        } else if topic.contains(['+', '#']) {
            TopicFilter::new(topic)
                .map(TopicMatcher::Filter)
                .unwrap_or_else(|_| TopicMatcher::Part(topic.to_owned()))
        } else {
            TopicMatcher::Part(topic.to_owned())
        }
    }
}

/// How a payload is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadView {
    /// JSON if it parses, else text if it is UTF-8, else hex.
    #[default]
    Auto,
    /// Indented JSON.
    Json,
    /// UTF-8 text (invalid bytes shown as U+FFFD).
    Text,
    /// Offset, hex bytes and ASCII, 16 bytes a line.
    Hex,
}

impl PayloadView {
    /// Every view, in menu order.
    pub const ALL: [PayloadView; 4] = [Self::Auto, Self::Json, Self::Text, Self::Hex];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Json => "JSON",
            Self::Text => "text",
            Self::Hex => "hex",
        }
    }
}

/// `payload` shown as `view` asks (Auto picks the first that fits).
pub fn render_payload(payload: &[u8], view: PayloadView) -> String {
    match view {
        PayloadView::Auto => match std::str::from_utf8(payload) {
            Ok(text) => pretty_json(text).unwrap_or_else(|_| {
                if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
                    hex_dump(payload)
                } else {
                    text.to_owned()
                }
            }),
            Err(_) => hex_dump(payload),
        },
        PayloadView::Json => std::str::from_utf8(payload)
            .map_err(|e| Said::new(said::NOT_UTF8).with("at", e.valid_up_to()))
            .and_then(pretty_json)
            .unwrap_or_else(|e| e.to_string()),
        PayloadView::Text => String::from_utf8_lossy(payload).into_owned(),
        PayloadView::Hex => hex_dump(payload),
    }
}

/// `00000010  7b 22 61 22 ...  {"a"...`, 16 bytes a line.
pub fn hex_dump(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x} ", i * 16);
        for b in chunk {
            let _ = write!(out, " {b:02x}");
        }
        out.push_str(&"   ".repeat(16 - chunk.len()));
        out.push_str("  ");
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        }));
        out.push('\n');
    }
    out
}

/// A one-line preview of a payload for the log's rows.
pub fn preview(payload: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(payload);
    let mut line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars + 1)
        .collect();
    if line.chars().count() > max_chars {
        line = line.chars().take(max_chars).collect();
        line.push('…');
    }
    line
}

/// `HH:MM:SS.mmm` of a Unix time in milliseconds, shifted by
/// `offset_minutes` east of UTC (the browser's time zone).
pub fn clock_text(at_ms: u64, offset_minutes: i64) -> String {
    let local = at_ms as i128 + i128::from(offset_minutes) * 60_000;
    let day_ms = local.rem_euclid(86_400_000);
    let (h, m, s, ms) = (
        day_ms / 3_600_000,
        day_ms / 60_000 % 60,
        day_ms / 1000 % 60,
        day_ms % 1000,
    );
    format!("{h:02}:{m:02}:{s:02}.{ms:03}")
}

/// A byte count for people: `512 B`, `3 KB`, `2 MB`.
pub fn size_text(bytes: usize) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{} KB", bytes / 1024),
        _ => format!("{} MB", bytes / 1_048_576),
    }
}

/// Where the connection is, for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    /// Not connected, not trying.
    #[default]
    Disconnected,
    /// Opening the WebSocket or waiting for CONNACK.
    Connecting,
    /// Connected.
    Connected {
        /// The broker still had the session.
        session_present: bool,
    },
    /// The connection ended; the session reconnects by itself. Why, in
    /// words.
    Waiting(Said),
    /// Refused for good or closed on a problem that retrying will not fix.
    Failed(Said),
}

impl Status {
    /// After a connection ended for `why`: waiting if the session will try
    /// again, failed if it will not.
    fn ended(why: Said, reconnect_at: Option<Instant>) -> Self {
        match reconnect_at {
            Some(_) => Self::Waiting(why),
            None => Self::Failed(why),
        }
    }
}

impl From<SubscribeOutcome> for SubStatus {
    fn from(outcome: SubscribeOutcome) -> Self {
        match outcome {
            SubscribeOutcome::Granted(q) => Self::Granted(u8::from(q)),
            SubscribeOutcome::Refused(_) => Self::Refused(outcome.message()),
        }
    }
}

/// Page state apart from the log: form, subscriptions, publish form,
/// status and a short activity list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConsoleState {
    /// The connection form.
    pub form: ConsoleForm,
    /// Note from filling the form from the Connection page.
    pub note: Option<Said>,
    /// Form error shown after Connect was pressed.
    pub form_error: Option<FormError>,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionRow>,
    /// The filter typed in "add subscription".
    pub new_filter: String,
    /// Why the last subscription change failed.
    pub subscription_error: Option<Said>,
    /// The publish form.
    pub publish: PublishForm,
    /// Why the last publish was refused before sending.
    pub publish_error: Option<Said>,
    /// Connection status.
    pub status: Status,
    /// The URL of the connection the client was last asked to make.
    pub url: String,
    /// Recent session events in words, newest last (at most
    /// [`ACTIVITY_LINES`]).
    pub activity: VecDeque<Said>,
    /// Nothing was saved: the Console fills its form from the Connection
    /// page when it is next shown (and saves nothing before).
    pub prefill: bool,
    /// The broker's last refusal of the connection (the doctor is asked
    /// about it), until the next connection is accepted.
    pub refused: Option<Refused>,
    /// The takeover loop, once seen: another client uses the ClientId.
    pub takeover: Option<iotda_core::text::Message>,
    /// Counts the connections dropped right after CONNACK.
    pub watch: TakeoverWatch,
    /// The session's warnings since Connect last passed the form check (IoTDA mode's
    /// among them), each once, shown beside the status rather than only in
    /// the collapsed activity (at most [`WARNINGS_SHOWN`]).
    pub warnings: Vec<Said>,
}

/// How many distinct warnings the connection card shows.
pub const WARNINGS_SHOWN: usize = 6;

/// How many activity lines are kept.
pub const ACTIVITY_LINES: usize = 50;

/// What the Console keeps in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedConsole {
    /// The form (the password is never saved).
    pub form: ConsoleForm,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionRow>,
    /// Publish form.
    pub publish: PublishForm,
}

/// A change to the console state.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleAction {
    /// A form field changed.
    Form(Box<ConsoleForm>),
    /// The form was filled from the Connection page.
    Prefill(Box<ConsoleForm>, Option<Said>),
    /// Connect was refused by the form check.
    FormError(Option<FormError>),
    /// Connect passed the form check: the last connection's warnings go
    /// (dispatched before the client starts, whose first warnings follow).
    Starting,
    /// The client was asked to connect to this URL.
    Connecting(String),
    /// A session event (messages go to the log, not here).
    Session(Box<Event>),
    /// A session event and when it came (the page's clock, in ms): what
    /// [`ConsoleAction::Session`] does, and the takeover loop is watched.
    SessionAt(Box<Event>, u64),
    /// The add-subscription field changed.
    NewFilter(String),
    /// Add a subscription row.
    AddSubscription(SubscriptionRow),
    /// Add the device's IoTDA downlink subscriptions that are missing.
    AddIotdaSubscriptions,
    /// Remove a row by filter.
    RemoveSubscription(String),
    /// A SUBSCRIBE was sent for these filters.
    SubscribeSent(Vec<String>, RequestId),
    /// A subscription change failed before sending.
    SubscriptionError(Option<Said>),
    /// The publish form changed.
    Publish(PublishForm),
    /// A publish was refused before sending.
    PublishError(Option<Said>),
    /// The settings were replaced from outside (a profile restored,
    /// everything forgotten; `None`: none saved). The connection and its
    /// status stay; the subscriptions are sent again when connected.
    Restore(Option<Box<SavedConsole>>),
}

impl ConsoleState {
    /// State from what was saved.
    pub fn restore(saved: Option<SavedConsole>) -> Self {
        let prefill = saved.is_none();
        let saved = saved.unwrap_or_default();
        Self {
            form: saved.form,
            subscriptions: saved.subscriptions,
            publish: saved.publish,
            prefill,
            ..Self::default()
        }
    }

    /// What is saved.
    pub fn saved(&self) -> SavedConsole {
        SavedConsole {
            form: self.form.clone(),
            subscriptions: self.subscriptions.clone(),
            publish: self.publish.clone(),
        }
    }

    /// After a prefill: the previous device's IoTDA downlink subscriptions
    /// become the new device's (other rows stay); with no row at all, the
    /// device's are added.
    fn follow_device(&mut self, before: &str) {
        let now = self.form.device_id.trim();
        let old = downlink_filters(before.trim()).unwrap_or_default();
        let had_old = self.subscriptions.iter().any(|r| old.contains(&r.filter));
        if before.trim() != now && had_old {
            self.subscriptions.retain(|r| !old.contains(&r.filter));
            for row in iotda_subscriptions(now) {
                if !self.subscriptions.iter().any(|r| r.filter == row.filter) {
                    self.subscriptions.push(row);
                }
            }
        } else if self.subscriptions.is_empty() {
            self.subscriptions = iotda_subscriptions(now);
        }
    }

    fn log(&mut self, line: Said) {
        self.activity.push_back(line);
        while self.activity.len() > ACTIVITY_LINES {
            self.activity.pop_front();
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Warning(w) => {
                let words = w.message();
                if !self.warnings.contains(&words) && self.warnings.len() < WARNINGS_SHOWN {
                    self.warnings.push(words.clone());
                }
                self.log(Said::new(said::WARNING).with_message("w", words));
            }
            Event::Reconnecting { attempt } => {
                self.status = Status::Connecting;
                self.log(Said::new(said::RECONNECTING).with("attempt", attempt));
            }
            Event::Connected(c) => {
                self.refused = None;
                self.status = Status::Connected {
                    session_present: c.session_present,
                };
                self.log(Said::new(if c.session_present {
                    said::CONNECTED_KEPT
                } else {
                    said::CONNECTED
                }));
            }
            Event::Refused {
                refusal,
                reconnect_at,
            } => {
                let seq = self.refused.as_ref().map_or(1, |r| r.seq.wrapping_add(1));
                self.refused = Some(Refused {
                    seq,
                    refusal: refusal.clone(),
                });
                let why = Said::new(said::REFUSED).with_message("refusal", refusal.message());
                self.log(why.clone());
                self.status = Status::ended(why, reconnect_at);
                self.reset_subscriptions();
            }
            Event::ConnectionLost {
                cause,
                reconnect_at,
            } => {
                let why = cause.message();
                self.log(Said::new(said::LOST).with_message("why", why.clone()));
                self.status = Status::ended(why, reconnect_at);
                // Subscriptions stay active in the session; it renews them.
            }
            Event::Disconnected => {
                self.status = Status::Disconnected;
                self.log(Said::new(said::DISCONNECTED));
                self.reset_subscriptions();
            }
            Event::Subscribed { id, results } => {
                for result in results {
                    self.log(match result.outcome {
                        SubscribeOutcome::Granted(_) => Said::new(said::SUBSCRIBED)
                            .with("filter", &result.filter)
                            .with_message("outcome", result.outcome.message()),
                        SubscribeOutcome::Refused(_) => Said::new(said::SUBSCRIPTION_REFUSED)
                            .with("filter", &result.filter)
                            .with_message("outcome", result.outcome.message()),
                    });
                    let status = SubStatus::from(result.outcome);
                    for row in &mut self.subscriptions {
                        if row.filter.trim() == result.filter.as_str()
                            && row.status == SubStatus::Pending(id)
                        {
                            row.status = status.clone();
                        }
                    }
                }
            }
            Event::Resubscribed { results } => {
                for result in results {
                    let status = SubStatus::from(result.outcome);
                    for row in &mut self.subscriptions {
                        if row.filter.trim() == result.filter.as_str() {
                            row.status = status.clone();
                        }
                    }
                }
                self.log(Said::new(said::RENEWED));
            }
            Event::Unsubscribed { results, .. } => {
                for result in results {
                    self.log(Said::new(said::UNSUBSCRIBED).with("filter", &result.filter));
                }
            }
            Event::PublishFailed { error, .. } => {
                self.log(Said::new(said::PUBLISH_FAILED).with_message("error", error.message()));
            }
            Event::Pong { round_trip } => {
                self.log(Said::new(said::PONG).with("ms", round_trip.as_millis()));
            }
            Event::Published { .. } | Event::Message(_) => {}
        }
    }

    fn reset_subscriptions(&mut self) {
        for row in &mut self.subscriptions {
            row.status = SubStatus::Idle;
        }
    }
}

impl Reducible for ConsoleState {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: ConsoleAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ConsoleAction::Form(form) => {
                next.form = *form;
                next.form_error = None;
            }
            ConsoleAction::Prefill(form, note) => {
                let before = std::mem::replace(&mut next.form, *form);
                next.note = note;
                next.form_error = None;
                next.prefill = false;
                next.follow_device(&before.device_id);
            }
            ConsoleAction::FormError(e) => next.form_error = e,
            ConsoleAction::Connecting(url) => {
                next.status = Status::Connecting;
                next.url = url;
                next.form_error = None;
                next.refused = None;
                next.takeover = None;
                next.watch.reset();
            }
            ConsoleAction::Starting => next.warnings.clear(),
            ConsoleAction::Session(event) => next.event(*event),
            ConsoleAction::SessionAt(event, at) => {
                match &*event {
                    Event::Connected(_) => next.watch.connected(at),
                    // A refusal breaks the count: no CONNACK 0 before it.
                    // (`lost` is called once: a false guard goes to `_`.)
                    Event::ConnectionLost { .. } | Event::Refused { .. } if next.watch.lost(at) => {
                        next.takeover = Some(dropped::takeover(next.form.client_id.trim()));
                    }
                    _ => {}
                }
                next.event(*event);
            }
            ConsoleAction::NewFilter(text) => {
                next.new_filter = text;
                next.subscription_error = None;
            }
            ConsoleAction::AddSubscription(row) => {
                if !next.subscriptions.iter().any(|r| r.filter == row.filter) {
                    next.subscriptions.push(row);
                }
                next.new_filter.clear();
                next.subscription_error = None;
            }
            ConsoleAction::AddIotdaSubscriptions => {
                for row in iotda_subscriptions(&next.form.device_id) {
                    if !next.subscriptions.iter().any(|r| r.filter == row.filter) {
                        next.subscriptions.push(row);
                    }
                }
            }
            ConsoleAction::RemoveSubscription(filter) => {
                next.subscriptions.retain(|r| r.filter != filter);
            }
            ConsoleAction::SubscribeSent(filters, id) => {
                for row in &mut next.subscriptions {
                    if filters.contains(&row.filter) {
                        row.status = SubStatus::Pending(id);
                    }
                }
            }
            ConsoleAction::SubscriptionError(e) => next.subscription_error = e,
            ConsoleAction::Publish(form) => {
                next.publish = form;
                next.publish_error = None;
            }
            ConsoleAction::PublishError(e) => next.publish_error = e,
            ConsoleAction::Restore(saved) => {
                let Self {
                    status,
                    url,
                    activity,
                    ..
                } = next;
                next = Self {
                    status,
                    url,
                    activity,
                    ..Self::restore(saved.map(|s| *s))
                };
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;
    use iotda_core::credentials::{SignType, Timestamp};
    use iotda_core::mqtt::session::{Connected, SubscribeResult, Warning};

    fn message(topic: &str, payload: &[u8]) -> Message {
        Message::new(TopicName::new(topic).unwrap(), QoS::AtLeastOnce, payload)
    }

    fn connect_form(transport: Transport, port: &str) -> ConnectForm {
        ConnectForm {
            device_id: "dev_1".into(),
            secret: "12345678".into(),
            host: "iot-mqtts.cn-north-4.myhuaweicloud.com".into(),
            transport,
            port: port.into(),
            ..ConnectForm::default()
        }
    }

    fn credentials() -> Credentials {
        let ts = Timestamp::parse("2026112900").unwrap();
        Credentials::compute("dev_1", "12345678", SignType::NoTimestampCheck, ts).unwrap()
    }

    #[test]
    fn prefill_turns_mqtts_into_wss_443_and_carries_the_credentials() {
        let creds = credentials();
        let (form, note) = ConsoleForm::from_connection_page(
            &connect_form(Transport::Mqtts, "8883"),
            Some(&creds),
        );
        assert_eq!(form.host, "iot-mqtts.cn-north-4.myhuaweicloud.com");
        assert!(form.tls);
        assert_eq!(form.port, "443");
        assert_eq!(form.path, "/mqtt");
        assert_eq!(form.client_id, creds.client_id);
        assert_eq!(form.username, "dev_1");
        assert_eq!(form.password, creds.password.expose());
        assert!(form.iotda);
        assert!(note.unwrap().to_string().contains("wss on port 443"));
        let conn = form.connection().unwrap();
        assert_eq!(
            conn.url,
            "wss://iot-mqtts.cn-north-4.myhuaweicloud.com:443/mqtt"
        );
        assert!(conn.options.iotda);
        assert_eq!(conn.options.username.as_deref(), Some("dev_1"));
    }

    #[test]
    fn prefill_keeps_a_websocket_endpoint_and_says_when_credentials_are_missing() {
        let mut connect = connect_form(Transport::Ws, "9001");
        connect.host = "127.0.0.1".into();
        let (form, note) = ConsoleForm::from_connection_page(&connect, None);
        assert!(!form.tls);
        assert_eq!(form.port, "9001");
        assert!(form.client_id.is_empty());
        assert!(note.unwrap().to_string().contains("No credentials yet"));
        assert_eq!(form.connection().unwrap().url, "ws://127.0.0.1:9001/mqtt");
    }

    #[test]
    fn the_local_broker_is_the_one_run_sh_starts() {
        let creds = credentials();
        let (form, _) = ConsoleForm::from_connection_page(
            &connect_form(Transport::Mqtts, "8883"),
            Some(&creds),
        );
        let local = form.local_broker();
        assert_eq!(local.connection().unwrap().url, "ws://127.0.0.1:9001/mqtt");
        assert!(!local.iotda);
        assert_eq!(local.client_id, creds.client_id);
    }

    #[test]
    fn form_errors_name_their_field() {
        let form = |edit: fn(&mut ConsoleForm)| {
            let mut f = ConsoleForm {
                client_id: "c".into(),
                ..ConsoleForm::default()
            };
            edit(&mut f);
            f.connection().unwrap_err()
        };
        assert_eq!(form(|f| f.host.clear()).field, FormField::Host);
        assert_eq!(form(|f| f.host = "ws://x".into()).field, FormField::Host);
        assert_eq!(form(|f| f.port = "70000".into()).field, FormField::Port);
        assert_eq!(form(|f| f.port.clear()).field, FormField::Port);
        assert_eq!(form(|f| f.path = "mqtt".into()).field, FormField::Path);
        let keep_alive = form(|f| f.keep_alive = "-1".into());
        assert_eq!(keep_alive.field, FormField::KeepAlive);
        assert!(
            keep_alive.message.to_string().contains("0 (off) to 65535"),
            "{keep_alive:?}"
        );
        let login = form(|f| {
            f.password = "p".into();
        });
        assert_eq!(login.field, FormField::Login, "{login:?}");
    }

    /// Issue 17, item 11 (the page's half): a password about to go over
    /// `ws://` to a host that is not loopback is warned about; over TLS,
    /// without a password or on loopback nothing is said.
    #[test]
    fn a_password_in_clear_beyond_loopback_is_warned_about() {
        let form = |host: &str, tls: bool, password: &str| ConsoleForm {
            host: host.into(),
            tls,
            password: password.into(),
            ..ConsoleForm::default()
        };
        for host in [
            "broker.example.com",
            "192.168.1.20",
            "10.0.0.1",
            "[2001:db8::1]",
            "localhost.example",
        ] {
            let warning = form(host, false, "pw").cleartext_warning();
            let warning = warning
                .unwrap_or_else(|| panic!("no warning for {host}"))
                .to_string();
            assert!(
                warning.starts_with(&format!("the password goes to {host} in clear text")),
                "{warning}"
            );
        }
        for (host, tls, password) in [
            ("broker.example.com", true, "pw"),
            ("broker.example.com", false, ""),
            ("127.0.0.1", false, "pw"),
            ("127.8.9.10", false, "pw"),
            ("localhost", false, "pw"),
            ("LOCALHOST", false, "pw"),
            ("dev.localhost", false, "pw"),
            ("[::1]", false, "pw"),
            ("::1", false, "pw"),
            ("", false, "pw"),
        ] {
            assert_eq!(
                form(host, tls, password).cleartext_warning(),
                None,
                "{host} {tls} {password:?}"
            );
        }
    }

    #[test]
    fn the_password_is_neither_saved_nor_printed() {
        let mut state = ConsoleState::default();
        state.form.password = "hunter2".into();
        let saved = serde_json::to_string(&state.saved()).unwrap();
        assert!(!saved.contains("hunter2"), "{saved}");
        let debug = format!("{:?}", state.form);
        assert!(
            !debug.contains("hunter2") && debug.contains("[elided]"),
            "{debug}"
        );
        let back: SavedConsole = serde_json::from_str(&saved).unwrap();
        assert!(back.form.password.is_empty());
    }

    #[test]
    fn publish_checks_the_topic_and_the_json_with_its_position() {
        let mut form = PublishForm {
            topic: "a/b".into(),
            payload: "{\"a\":\n 1,}".into(),
            ..PublishForm::default()
        };
        let error = form.message().unwrap_err().to_string();
        assert!(error.contains("line 2"), "{error}");
        form.json = false;
        assert_eq!(form.message().unwrap().payload, b"{\"a\":\n 1,}");
        form.topic = "a/+".into();
        assert!(form
            .message()
            .unwrap_err()
            .to_string()
            .starts_with("topic:"));
        form.topic = "a/b".into();
        form.qos = 3;
        assert!(form.message().is_err());
        assert_eq!(
            pretty_json("{\"a\":[1,2]}").unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
    }

    #[test]
    fn presets_cover_the_uplinks_and_requests_are_answered_on_their_request_id() {
        let presets = presets("dev_1");
        let topics: Vec<&str> = presets.iter().map(|p| p.topic.as_str()).collect();
        assert!(topics.contains(&"$oc/devices/dev_1/sys/properties/report"));
        assert!(topics.contains(&"$oc/devices/dev_1/sys/messages/up"));
        assert!(topics.contains(&"$oc/devices/dev_1/sys/commands/response/request_id=REQUEST_ID"));
        assert!(
            presets.iter().all(|p| check_json(&p.payload).is_ok()),
            "{presets:?}"
        );
        let reply = answer("$oc/devices/dev_1/sys/commands/request_id=42", b"{}").unwrap();
        assert_eq!(
            reply.topic,
            "$oc/devices/dev_1/sys/commands/response/request_id=42"
        );
        assert!(reply.payload.contains("result_code"));
        assert!(answer("$oc/devices/dev_1/sys/messages/down", b"{}").is_none());
        assert!(answer("some/topic", b"{}").is_none());
        assert_eq!(iotda_subscriptions("dev_1").len(), 6);
        assert!(iotda_subscriptions("").is_empty());
    }

    #[test]
    fn the_log_is_bounded_by_count_and_by_bytes() {
        let mut log = MessageLog::new(LogLimits {
            messages: 3,
            bytes: 1 << 20,
        });
        for i in 0..5u8 {
            log.push(Dir::In, 0, &message("t", &[i]), None);
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.received(), 5);
        assert_eq!(log.dropped(), 2);
        assert!(log.get(2).is_none());
        assert_eq!(log.get(3).unwrap().payload.as_ref(), &[2]);
        assert_eq!(log.get(5).unwrap().payload.as_ref(), &[4]);
        assert!(log.get(6).is_none());

        let mut log = MessageLog::new(LogLimits {
            messages: 1000,
            bytes: 1000,
        });
        for _ in 0..10 {
            log.push(Dir::In, 0, &message("t", &[0; 300]), None);
        }
        assert!(log.bytes() <= 1000, "{}", log.bytes());
        assert_eq!(log.len(), 2);
        // One message over the limit is still shown.
        log.push(Dir::In, 0, &message("t", &[0; 5000]), None);
        assert_eq!(log.len(), 1);
        log.clear();
        assert!(log.is_empty());
        assert_eq!(log.bytes(), 0);
    }

    #[test]
    fn publishes_are_settled_by_request_id() {
        let mut log = MessageLog::new(LogLimits::default());
        let mut session = Session::new(Options::new("c"), 1).unwrap();
        let t = iotda_core::mqtt::session::Instant::from_millis(0);
        let id = session.publish(t, message("a", b"x")).unwrap();
        let seq = log.push(Dir::Out, 0, &message("a", b"x"), Some(id));
        assert_eq!(log.get(seq).unwrap().outcome, Some((id, None)));
        log.settle(id, Err(crate::messages::plain("refused")));
        assert_eq!(
            log.get(seq).unwrap().outcome,
            Some((id, Some(Err(crate::messages::plain("refused")))))
        );
    }

    #[test]
    fn the_log_filters_by_topic_pattern_or_part_and_by_text() {
        let mut log = MessageLog::new(LogLimits::default());
        log.push(Dir::In, 0, &message("a/b", b"{\"Temp\":1}"), None);
        log.push(Dir::In, 0, &message("a/c", b"hello"), None);
        log.push(Dir::In, 0, &message("x/b", b"HELLO again"), None);
        let seqs = |topic: &str, text: &str| {
            log.matching(&LogFilter {
                topic: topic.into(),
                text: text.into(),
            })
        };
        assert_eq!(seqs("", ""), vec![3, 2, 1]);
        assert_eq!(seqs("a/+", ""), vec![2, 1]);
        assert_eq!(seqs("+/b", ""), vec![3, 1]);
        assert_eq!(seqs("/b", ""), vec![3, 1]);
        assert_eq!(seqs("", "hello"), vec![3, 2]);
        assert_eq!(seqs("a/#", "temp"), vec![1]);
        assert_eq!(seqs("", "A/C"), vec![2]);
        assert_eq!(seqs("a/#/x", ""), Vec::<u64>::new());
    }

    #[test]
    fn payloads_show_as_json_text_or_hex() {
        assert_eq!(
            render_payload(b"{\"a\":1}", PayloadView::Auto),
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(
            render_payload(b"plain text", PayloadView::Auto),
            "plain text"
        );
        assert!(render_payload(&[0xff, 0x00], PayloadView::Auto).starts_with("00000000  ff 00"));
        assert!(render_payload(b"\x01\x02", PayloadView::Auto).starts_with("00000000  01 02"));
        assert!(render_payload(b"nope", PayloadView::Json).starts_with("not JSON"));
        assert_eq!(
            render_payload(&[0x61, 0xff], PayloadView::Text),
            "a\u{fffd}"
        );
        let dump = hex_dump(b"0123456789abcdefXYZ");
        assert_eq!(
            dump,
            "00000000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  0123456789abcdef\n\
             00000010  58 59 5a                                         XYZ\n"
        );
        assert_eq!(preview(b"a\nb", 10), "a b");
        assert_eq!(preview("é".repeat(5).as_bytes(), 3), "ééé…");
    }

    #[test]
    fn times_and_sizes_read_well() {
        assert_eq!(clock_text(0, 0), "00:00:00.000");
        assert_eq!(clock_text(3_723_004, 0), "01:02:03.004");
        assert_eq!(clock_text(0, -60), "23:00:00.000");
        assert_eq!(clock_text(0, 480), "08:00:00.000");
        assert_eq!(size_text(12), "12 B");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(3 << 20), "3 MB");
    }

    #[test]
    fn subscription_rows_follow_the_session() {
        let state = Rc::new(ConsoleState::default());
        let state = state.reduce(ConsoleAction::AddSubscription(SubscriptionRow {
            filter: "a/#".into(),
            qos: 1,
            status: SubStatus::Idle,
        }));
        let mut session = Session::new(Options::new("c"), 1).unwrap();
        let t = iotda_core::mqtt::session::Instant::from_millis(0);
        let id = session
            .subscribe(t, vec![state.subscriptions[0].subscription().unwrap()])
            .unwrap();
        let state = state.reduce(ConsoleAction::SubscribeSent(vec!["a/#".into()], id));
        assert_eq!(state.subscriptions[0].status, SubStatus::Pending(id));
        let state = state.reduce(ConsoleAction::Session(Box::new(Event::Subscribed {
            id,
            results: vec![SubscribeResult {
                filter: TopicFilter::new("a/#").unwrap(),
                outcome: SubscribeOutcome::Granted(QoS::AtMostOnce),
            }],
        })));
        assert_eq!(state.subscriptions[0].status, SubStatus::Granted(0));
        assert!(state
            .activity
            .back()
            .unwrap()
            .to_string()
            .contains("granted QoS 0"));
        let state = state.reduce(ConsoleAction::Session(Box::new(Event::Connected(
            Connected {
                session_present: false,
                keep_alive: 60,
                properties: Default::default(),
            },
        ))));
        assert_eq!(
            state.status,
            Status::Connected {
                session_present: false
            }
        );
        let state = state.reduce(ConsoleAction::Session(Box::new(Event::Disconnected)));
        assert_eq!(state.status, Status::Disconnected);
        assert_eq!(state.subscriptions[0].status, SubStatus::Idle);
        let state = state.reduce(ConsoleAction::RemoveSubscription("a/#".into()));
        assert!(state.subscriptions.is_empty());
    }

    #[test]
    fn a_first_visit_prefills_once_and_a_restore_keeps_the_connection() {
        let state = Rc::new(ConsoleState::restore(None));
        assert!(
            state.prefill,
            "nothing saved: the form is filled on the first visit"
        );
        let state = state.reduce(ConsoleAction::Prefill(Box::default(), None));
        assert!(!state.prefill);
        assert!(!ConsoleState::restore(Some(SavedConsole::default())).prefill);

        let state = state
            .reduce(ConsoleAction::Connecting("ws://127.0.0.1:9001/mqtt".into()))
            .reduce(ConsoleAction::Session(Box::new(Event::Connected(
                Connected {
                    session_present: false,
                    keep_alive: 60,
                    properties: Default::default(),
                },
            ))));
        let saved = SavedConsole {
            subscriptions: vec![SubscriptionRow {
                filter: "lab/#".into(),
                qos: 1,
                status: SubStatus::Idle,
            }],
            ..SavedConsole::default()
        };
        let restored = state.reduce(ConsoleAction::Restore(Some(Box::new(saved.clone()))));
        assert_eq!(restored.saved(), saved);
        assert_eq!(
            restored.status,
            Status::Connected {
                session_present: false
            }
        );
        assert_eq!(restored.url, "ws://127.0.0.1:9001/mqtt");
        assert!(!restored.activity.is_empty());
        assert!(!restored.prefill);
        let forgotten = restored.reduce(ConsoleAction::Restore(None));
        assert!(forgotten.prefill && forgotten.subscriptions.is_empty());
    }

    #[test]
    fn drops_right_after_connack_are_said_as_a_takeover_and_refusals_are_kept_for_the_doctor() {
        use iotda_core::mqtt::session::{ConnectRefusal, LostCause};
        use iotda_core::mqtt::ConnectReasonCode;
        let connected = || {
            Box::new(Event::Connected(Connected {
                session_present: false,
                keep_alive: 60,
                properties: Default::default(),
            }))
        };
        let lost = || {
            Box::new(Event::ConnectionLost {
                cause: LostCause::Transport(crate::messages::plain("closed")),
                reconnect_at: Some(Instant::from_millis(1)),
            })
        };
        let mut state =
            Rc::new(ConsoleState::default()).reduce(ConsoleAction::Form(Box::new(ConsoleForm {
                client_id: "d_0_0_2026120716".into(),
                ..ConsoleForm::default()
            })));
        for round in 0..dropped::DROPS {
            assert_eq!(state.takeover, None);
            let t = u64::from(round) * 2_500;
            state = state.reduce(ConsoleAction::SessionAt(connected(), t));
            state = state.reduce(ConsoleAction::SessionAt(lost(), t + 1_000));
        }
        let said = state.takeover.as_ref().unwrap().to_string();
        assert!(said.contains("d_0_0_2026120716"), "{said}");
        // Connecting again forgets it.
        let state = state.reduce(ConsoleAction::Connecting("ws://x/mqtt".into()));
        assert_eq!(state.takeover, None);

        let refusal = ConnectRefusal {
            reason: ConnectReasonCode::NotAuthorized,
            code: 5,
            version: ProtocolVersion::V3_1_1,
            iotda: true,
            reason_string: None,
        };
        let refused = || {
            Box::new(Event::Refused {
                refusal: refusal.clone(),
                reconnect_at: None,
            })
        };
        let state = state.reduce(ConsoleAction::SessionAt(refused(), 10));
        let first = state.refused.clone().unwrap();
        assert_eq!((first.seq, first.code_choice().as_str()), (1, "v3:5"));
        let state = state.reduce(ConsoleAction::SessionAt(refused(), 20));
        assert_eq!(state.refused.as_ref().unwrap().seq, 2);
        let state = state.reduce(ConsoleAction::SessionAt(connected(), 30));
        assert_eq!(state.refused, None);
    }
    #[test]
    fn the_log_shows_what_tells_iotda_topics_apart() {
        assert_eq!(
            short_topic("$oc/devices/p_dev-1/sys/commands/request_id=42"),
            "…/sys/commands/request_id=42"
        );
        assert_eq!(
            short_topic("$oc/devices/p_dev-1/sys/properties/report"),
            "…/sys/properties/report"
        );
        for whole in [
            "sensors/temp",
            "$oc/devices/",
            "$oc/devices/p_dev-1",
            "$oc/devices//x",
        ] {
            assert_eq!(short_topic(whole), whole);
        }
    }

    #[test]
    fn warnings_are_kept_beside_the_status_once_each_until_the_next_connect() {
        let warn = |s: ConsoleState, w: Warning| {
            Rc::new(s).reduce(ConsoleAction::Session(Box::new(Event::Warning(w))))
        };
        let s = warn(ConsoleState::default(), Warning::IotdaQos2);
        let s = warn((*s).clone(), Warning::IotdaQos2);
        let s = warn((*s).clone(), Warning::IotdaWill);
        assert_eq!(
            s.warnings,
            vec![Warning::IotdaQos2.message(), Warning::IotdaWill.message()]
        );
        assert_eq!(s.activity.len(), 3, "every warning is in the activity too");
        // The client warns as it starts, before it is connecting.
        let s = s.reduce(ConsoleAction::Connecting("ws://127.0.0.1:9001/mqtt".into()));
        assert_eq!(s.warnings.len(), 2);
        let s = s.reduce(ConsoleAction::Starting);
        assert!(s.warnings.is_empty());
    }
    #[test]
    fn a_prefill_for_another_device_swaps_its_iotda_subscriptions_and_keeps_the_rest() {
        let mut s = ConsoleState::default();
        s.form.device_id = "meter_s1".into();
        s.subscriptions = iotda_subscriptions("meter_s1");
        s.subscriptions.push(SubscriptionRow {
            filter: "lab/#".into(),
            qos: 0,
            status: SubStatus::Idle,
        });
        let mut form = s.form.clone();
        form.device_id = "meter_s2".into();
        let s = Rc::new(s).reduce(ConsoleAction::Prefill(Box::new(form), None));
        let filters: Vec<&str> = s.subscriptions.iter().map(|r| r.filter.as_str()).collect();
        assert!(filters.contains(&"lab/#"), "{filters:?}");
        assert!(
            !filters.iter().any(|f| f.contains("meter_s1")),
            "{filters:?}"
        );
        let wanted = iotda_subscriptions("meter_s2");
        assert_eq!(filters.len(), wanted.len() + 1, "{filters:?}");
        assert!(wanted.iter().all(|w| filters.contains(&w.filter.as_str())));

        // Rows the user chose without the device's stay as they are.
        let mut s = (*s).clone();
        s.subscriptions = vec![SubscriptionRow {
            filter: "lab/#".into(),
            qos: 0,
            status: SubStatus::Idle,
        }];
        let mut form = s.form.clone();
        form.device_id = "meter_s3".into();
        let s = Rc::new(s).reduce(ConsoleAction::Prefill(Box::new(form), None));
        assert_eq!(s.subscriptions.len(), 1);
    }
    #[test]
    fn every_system_event_preset_passes_the_core_s_check_and_events_down_are_answered() {
        use iotda_core::iotda::check_uplink;
        let events: Vec<Preset> = presets("dev_1")
            .into_iter()
            .filter(|p| p.topic == "$oc/devices/dev_1/sys/events/up")
            .collect();
        assert_eq!(events.len(), UP_EVENTS.len());
        for p in &events {
            let check = check_uplink(&p.topic, p.payload.as_bytes(), None, 0).unwrap();
            assert!(
                check.problems.is_empty(),
                "{}: {:?}",
                p.label,
                check.problems
            );
        }
        let down = "$oc/devices/dev_1/sys/events/down";
        let upgrade = br#"{"services":[{"service_id":"$ota","event_type":"firmware_upgrade",
            "paras":{"version":"2.0","url":"https://h/p","file_size":3,"sign":"ab"}}]}"#;
        let reply = answer(down, upgrade).unwrap();
        assert_eq!(reply.topic, "$oc/devices/dev_1/sys/events/up");
        let value: serde_json::Value = serde_json::from_str(&reply.payload).unwrap();
        assert_eq!(
            value["services"][0]["event_type"],
            "upgrade_progress_report"
        );
        assert_eq!(value["services"][0]["paras"]["version"], "2.0");
        assert_eq!(value["services"][0]["paras"]["progress"], 100);
        let added = br#"{"services":[{"service_id":"$sub_device_manager",
            "event_type":"add_sub_device_notify","paras":{"devices":[
            {"parent_device_id":"dev_1","node_id":"n1","device_id":"p_n1"}]}}]}"#;
        let reply = answer(down, added).unwrap();
        assert!(
            reply
                .payload
                .contains(r#"{"device_id":"p_n1","status":"ONLINE"}"#),
            "{}",
            reply.payload
        );
        let query =
            br#"{"services":[{"service_id":"$ota","event_type":"version_query","paras":{}}]}"#;
        assert!(answer(down, query)
            .unwrap()
            .payload
            .contains("version_report"));
        for reply in [
            answer(down, query),
            answer(down, upgrade),
            answer(down, added),
        ] {
            let reply = reply.unwrap();
            let check = check_uplink(&reply.topic, reply.payload.as_bytes(), None, 0).unwrap();
            assert!(
                check.problems.is_empty(),
                "{}: {:?}",
                reply.payload,
                check.problems
            );
        }
        let sync = br#"{"services":[{"service_id":"$time_sync","event_type":"time_sync_response","paras":{}}]}"#;
        assert!(answer(down, sync).is_none());
        assert!(answer(down, b"not json").is_none());
    }
}
