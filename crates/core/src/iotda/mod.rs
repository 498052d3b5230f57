//! Huawei Cloud IoTDA's device side: topics, JSON payloads, `event_time`,
//! product models and checking data against a model before it is sent.
//!
//! ```text
//! topic      $oc/devices/{device_id}/sys/...     build, parse, subscription filters
//! payload    {"services":[{"service_id":...}]}   serde types, snake_case as on the wire
//! event_time 20151212T121212Z                    format from Unix time, parse both forms
//! model      service_capabilities[] / ZIP        REST JSON and the console's offline ZIP
//! validate   report vs model                     every problem, with a JSON path
//! device     a simulated device                  values, reports, answers to the platform
//! ```
//!
//! The platform silently drops data that does not fit the product model, so
//! the kit checks a report, a command's parameters or a property-set request
//! against the model and says what would be lost and why.
//!
//! Everything here is plain computation over bytes and strings the caller
//! passes in: no clock (the current time comes in as Unix milliseconds), no
//! randomness, no files and no sockets. Nothing panics on hostile input; every
//! failure is a typed error whose message says what was wrong.

mod custom_topic;
mod decimal;
pub mod device;
mod event_time;
mod json_path;
pub mod model;
pub mod payload;
mod topic;
mod validate;

use std::fmt;

use crate::text::{self, Say};

pub use custom_topic::{
    BroadcastTopic, CustomTopic, CustomTopicError, TopicClass, MAX_CUSTOM_NAME_LEN,
    MAX_IOTDA_TOPIC_LEN,
};
pub use device::{
    Answer, CommandReply, DeviceError, Downlink, Fetch, FetchError, Reply, SimulatedDevice,
    Simulation, SubDevice, SystemAction, SystemDevice, UpgradeKind, Uplink, MAX_PACKAGE,
    REFUSED_RESULT_CODE,
};
pub use event_time::{EventTime, EventTimeError, EventTimeForm};
pub use model::{
    default_model, CommandDef, DataType, EventDef, Method, ModelError, Para, ProductModel,
    Property, ResponseDef, ServiceCapability, ZipError,
};
pub use payload::{
    AddSubDeviceRequest, AddSubDeviceResponse, BatchTask, CommandRequest, CommandResponse,
    ConfigUpdate, DeleteSubDeviceRequest, DeleteSubDeviceResponse, DeviceProperties, DeviceStatus,
    Event, EventsPayload, FailedDevice, FailedNewDevice, FileResultReport, FileUrlRequest,
    FileUrlResponse, GatewayPropertiesReport, LogConfig, LogReport, LogSwitch, Message,
    MessageEnvelope, NewSubDevice, OtaError, Payload, PayloadError, Progress, PropertiesGetRequest,
    PropertiesGetResponse, PropertiesReport, PropertiesSetRequest, PropertiesSetResponse,
    SdkInfoReport, ServiceProperties, ShadowData, ShadowGetRequest, ShadowGetResponse,
    ShadowService, SubDeviceInfo, SubDeviceStatus, SubDeviceStatusUpdate,
    SubDeviceStatusUpdateResponse, SubDeviceSyncRequest, SubDevicesNotify, SystemEvent,
    TimeSyncRequest, TimeSyncResponse, UpgradeNotice, UpgradeNoticeV2, UpgradeProgressReport,
    UpgradeResult, VersionReport,
};
pub use topic::{
    downlink_filters, subscription_filter, Direction, Topic, TopicError, TopicKind, MAX_TOPIC_LEN,
};
pub use validate::{
    check_uplink, validate_command, validate_command_response, validate_events,
    validate_gateway_report, validate_properties_report, validate_properties_report_json,
    validate_properties_set, Problem, ProblemKind, UplinkCheck, MAX_SUB_DEVICES_A_REPORT,
};

/// Largest MQTT PUBLISH payload IoTDA accepts from a device (1 MB).
pub const MAX_PAYLOAD_LEN: usize = 1024 * 1024;
/// Largest property report IoTDA accepts (64 KB).
pub const MAX_PROPERTIES_REPORT_LEN: usize = 64 * 1024;

/// Any failure of this module, for callers that handle them alike (the CLI
/// prints one line); each layer also has its own precise error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A topic could not be built or is not an IoTDA system topic.
    Topic(TopicError),
    /// An `event_time` could not be formatted or parsed.
    EventTime(EventTimeError),
    /// A payload could not be decoded or encoded.
    Payload(PayloadError),
    /// A product model could not be read.
    Model(ModelError),
    /// A simulated device could not take a message or make one.
    Device(DeviceError),
}

impl Say for Error {
    fn message(&self) -> text::Message {
        match self {
            Self::Topic(e) => e.message(),
            Self::EventTime(e) => e.message(),
            Self::Payload(e) => e.message(),
            Self::Model(e) => e.message(),
            Self::Device(e) => e.message(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Topic(e) => Some(e),
            Self::EventTime(e) => Some(e),
            Self::Payload(e) => Some(e),
            Self::Model(e) => Some(e),
            Self::Device(e) => Some(e),
        }
    }
}

impl From<TopicError> for Error {
    fn from(e: TopicError) -> Self {
        Self::Topic(e)
    }
}

impl From<EventTimeError> for Error {
    fn from(e: EventTimeError) -> Self {
        Self::EventTime(e)
    }
}

impl From<PayloadError> for Error {
    fn from(e: PayloadError) -> Self {
        Self::Payload(e)
    }
}

impl From<ModelError> for Error {
    fn from(e: ModelError) -> Self {
        Self::Model(e)
    }
}

impl From<DeviceError> for Error {
    fn from(e: DeviceError) -> Self {
        Self::Device(e)
    }
}

/// At most `MAX` characters of `text`, with `…` when cut, for error messages
/// that quote input of any size.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}
