//! What the hub tells listeners: one [`PlatformEvent`] per thing that
//! happened, and the JSON shapes events and the API share.

use serde::Serialize;
use serde_json::{json, Value};

use crate::registry::{self, iotda_time, MessageRecord};

/// One thing the platform did or heard, as the event stream sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlatformEvent {
    /// A device went online or offline.
    Status {
        /// The device.
        device_id: String,
        /// `ONLINE` or `OFFLINE`.
        status: &'static str,
        /// `CONNECTED`, `TAKEN_OVER`, `DISCONNECTED`, `KEEP_ALIVE_TIMEOUT`.
        reason: &'static str,
        /// The connection's words.
        detail: String,
        /// When (`yyyyMMdd'T'HHmmss'Z'`).
        event_time: String,
    },
    /// A message went up or down (or is pending).
    Message {
        /// The device.
        device_id: String,
        /// Its id.
        message_id: String,
        /// `UP` or `DOWN`.
        direction: &'static str,
        /// CreateMessage's `name`.
        name: Option<String>,
        /// The MQTT topic.
        topic: String,
        /// The payload as text (invalid UTF-8 replaced).
        payload: String,
        /// `DELIVERED` or `PENDING`.
        status: &'static str,
        /// When it was received or created.
        created_time: String,
    },
    /// A property report's properties that fit the model were kept.
    Properties {
        /// The device.
        device_id: String,
        /// `[{service_id, properties, event_time}]`: what was kept.
        services: Value,
    },
    /// A property report had properties that do not fit the model.
    Dropped {
        /// The device.
        device_id: String,
        /// `[{path, rule}]`.
        problems: Value,
        /// The report as text.
        payload: String,
    },
    /// A property set or get was answered or timed out.
    PropertyRequest {
        /// `set` or `get`.
        operation: &'static str,
        /// The device.
        device_id: String,
        /// The request id.
        request_id: String,
        /// The device's answer.
        response: Option<Value>,
        /// `IOTDA.014111` when it timed out.
        error_code: Option<&'static str>,
    },
    /// The desired properties a device had not reported were pushed to it
    /// as a property set (on a desired change, or when it came online).
    DesiredPushed {
        /// The device.
        device_id: String,
        /// The property set's request id.
        request_id: String,
        /// `[{service_id, properties}]` pushed.
        services: Value,
    },
    /// A command was answered or timed out.
    Command {
        /// The device.
        device_id: String,
        /// The command's id (its `request_id`).
        command_id: String,
        /// The service, if given.
        service_id: Option<String>,
        /// The command, if given.
        command_name: Option<String>,
        /// The device's answer.
        response: Option<Value>,
        /// `IOTDA.014111` when it timed out.
        error_code: Option<&'static str>,
    },
    /// An upgrade's subtask moved (the device reported its progress).
    Upgrade {
        /// The device.
        device_id: String,
        /// The upgrade task.
        task_id: String,
        /// `Processing`, `Success` or `Fail`.
        status: String,
        /// The reported progress (0-100).
        progress: Option<u8>,
        /// The reported result code.
        result_code: Option<i64>,
        /// The result code's documented name.
        result: &'static str,
        /// The reported version.
        version: Option<String>,
    },
}

impl PlatformEvent {
    /// The event's name in the stream: `status`, `message`, `properties`,
    /// `dropped`, `property_request`, `desired_pushed`, `command`, `upgrade`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Status { .. } => "status",
            Self::Message { .. } => "message",
            Self::Properties { .. } => "properties",
            Self::Dropped { .. } => "dropped",
            Self::PropertyRequest { .. } => "property_request",
            Self::DesiredPushed { .. } => "desired_pushed",
            Self::Command { .. } => "command",
            Self::Upgrade { .. } => "upgrade",
        }
    }

    pub(super) fn of_message(m: &MessageRecord) -> Self {
        Self::Message {
            device_id: m.device_id.clone(),
            message_id: m.message_id.clone(),
            direction: m.direction.as_str(),
            name: m.name.clone(),
            topic: m.topic.clone(),
            payload: String::from_utf8_lossy(&m.payload).into_owned(),
            status: m.status,
            created_time: iotda_time(m.created_time),
        }
    }
}

/// `[{service_id, properties, event_time}]`.
pub fn services_json(services: &[registry::ServiceReport]) -> Value {
    services
        .iter()
        .map(|s| json!({"service_id": s.service_id, "properties": s.properties, "event_time": s.event_time}))
        .collect()
}

/// `[{path, rule}]`.
pub fn problems_json(problems: &[(String, String)]) -> Value {
    problems
        .iter()
        .map(|(path, rule)| json!({"path": path, "rule": rule}))
        .collect()
}

pub(super) fn problem_line(path: &str, rule: &str) -> String {
    if path.is_empty() {
        rule.to_string()
    } else {
        format!("{path}: {rule}")
    }
}
