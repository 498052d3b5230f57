//! Checks a property report, a command's parameters or a property-set
//! request against a product model, the way IoTDA would judge them.
//!
//! The platform does not refuse data that does not fit the model: it drops
//! it silently. These checks list every problem, not just the first, each
//! with the JSON path it is about (`services[1].properties.batteryLevel`)
//! and a sentence saying what is wrong. An empty list means the data fits.
//!
//! Per data type a value must be:
//!
//! ```text
//! int          a JSON integer within i32, then min <= v <= max, v = min + k*step
//! long         a JSON integer within i64, then the same
//! decimal      any JSON number, then the same
//! string       a string of at most max_length characters, in enum_list if one is given
//! enum         a string in enum_list
//! DateTime     a string yyyyMMdd'T'HHmmss'Z' naming a real UTC instant
//! jsonObject   a JSON object
//! boolean      true or false
//! string list  an array of strings
//! ```
//!
//! `step` is counted from `min` (from 0 without one) in exact decimal
//! arithmetic, not with a float tolerance: 0.3 is a multiple of 0.1, and
//! 0.30000000000000004 is not (see the `decimal` module). A `step` or
//! `max_length` of zero means none.

use std::fmt;

use crate::text::{Key, Message, Say};

use serde_json::{Map, Number, Value};

use super::decimal::Decimal;
use super::json_path;
use super::model::{DataType, Method, Spec};
use super::payload::{
    CommandRequest, Payload, PayloadError, PropertiesReport, PropertiesSetRequest,
};
use super::{EventTime, EventTimeError, ProductModel, MAX_PROPERTIES_REPORT_LEN};

mod uplink;

pub use uplink::{
    check_uplink, validate_command_response, validate_events, validate_gateway_report, UplinkCheck,
    MAX_SUB_DEVICES_A_REPORT,
};

/// One way data does not fit the model, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the value or field (empty for the whole payload).
    pub path: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Say for Problem {
    fn message(&self) -> Message {
        if self.path.is_empty() {
            self.kind.message()
        } else {
            Message::new(crate::text::keys::validate::AT)
                .with("path", &self.path)
                .with_message("problem", self.kind.message())
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// What is wrong with a value or a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The report is larger than IoTDA accepts (64 KB).
    PayloadTooLarge {
        /// Its size in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The payload is not JSON of the expected shape.
    Undecodable {
        /// What the decoder found (the path is the problem's).
        detail: String,
    },
    /// The model has no such service.
    UnknownService {
        /// The service id given.
        service_id: String,
    },
    /// The service has no such property in the model.
    UnknownProperty {
        /// The service.
        service_id: String,
        /// The property name given.
        property: String,
    },
    /// The service has no such command in the model.
    UnknownCommand {
        /// The service.
        service_id: String,
        /// The command name given.
        command_name: String,
    },
    /// The command has no such parameter in the model.
    UnknownPara {
        /// The command.
        command_name: String,
        /// The parameter name given.
        para: String,
    },
    /// A field needed to find the model's definition is absent.
    MissingField {
        /// The field's name.
        field: &'static str,
    },
    /// A property the model marks required is absent from its service.
    MissingProperty {
        /// The property's name.
        property: String,
    },
    /// A parameter the model marks required is absent.
    MissingPara {
        /// The parameter's name.
        para: String,
    },
    /// The JSON type does not fit the data type.
    WrongType {
        /// The model's data type.
        expected: DataType,
        /// What was found, in words ("a string").
        found: Key,
    },
    /// A whole number outside the data type's range (i32 for `int`, i64 for
    /// `long`).
    OutOfTypeRange {
        /// The model's data type.
        expected: DataType,
        /// The value.
        value: String,
    },
    /// Below the model's `min`.
    BelowMin {
        /// The value.
        value: String,
        /// The minimum.
        min: String,
    },
    /// Above the model's `max`.
    AboveMax {
        /// The value.
        value: String,
        /// The maximum.
        max: String,
    },
    /// Not `base + k × step` for a whole `k`.
    OffStep {
        /// The value.
        value: String,
        /// The step.
        step: String,
        /// Where steps are counted from: `min`, or 0 without one.
        base: String,
    },
    /// A string longer than the model's `max_length`, in characters.
    TooLong {
        /// The string's length in characters.
        len: usize,
        /// The limit.
        max_length: u64,
    },
    /// A string that is not in the model's `enum_list`.
    NotInEnum {
        /// The value (cut to 64 characters).
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
    },
    /// A `DateTime` value that is not `yyyyMMdd'T'HHmmss'Z'` or not a real
    /// instant.
    BadDateTime {
        /// The value (cut to 64 characters).
        value: String,
        /// Why.
        error: EventTimeError,
    },
    /// An element of a `string list` that is not a string.
    ListElementNotString {
        /// What was found, in words.
        found: Key,
    },
    /// A malformed `event_time`: the platform will use the time it received
    /// the report instead.
    BadEventTime {
        /// The value (cut to 64 characters).
        value: String,
        /// Why.
        error: EventTimeError,
    },
    /// A property-set request for a property without `W` in its method.
    NotWritable {
        /// The property.
        property: String,
        /// Its method.
        method: Method,
    },
    /// A gateway report for more sub-devices than IoTDA takes at once (100).
    TooManySubDevices {
        /// How many it has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The service has no such event in the model, or a `$` service has no
    /// such system event.
    UnknownEvent {
        /// The service.
        service_id: String,
        /// The event type given.
        event_type: String,
    },
    /// No command of the model has a response of this name.
    UnknownResponse {
        /// The response name given.
        response_name: String,
    },
    /// A warning: an `event_time` in a form Huawei's pages do not list for
    /// events (the Python device SDK's `yyyy-MM-dd'T'HH:mm:ss'Z'`).
    UndocumentedEventTimeForm {
        /// The value (cut to 64 characters).
        value: String,
        /// Its pattern.
        pattern: &'static str,
    },
    /// A warning: an `event_time` off from now by a whole time-zone offset.
    /// Likely cause: the local clock written with a `Z`, as Huawei's Python
    /// device SDK does.
    EventTimeLocalOffset {
        /// The value (cut to 64 characters).
        value: String,
        /// The offset, in minutes (480 for UTC+08:00).
        offset_minutes: i64,
    },
    /// The topic carries messages from the platform to the device.
    NotUplink {
        /// The topic's kind.
        kind: super::TopicKind,
    },
    /// A broadcast topic: the platform publishes on it, devices subscribe.
    BroadcastIsDownlink,
    /// A warning: a custom topic, which works only when the product defines
    /// it.
    CustomTopicUndefined {
        /// The name after `user/`.
        name: String,
    },
}

impl Say for ProblemKind {
    fn message(&self) -> Message {
        use crate::text::keys::validate as k;
        match self {
            Self::PayloadTooLarge { len, max } => Message::new(k::PAYLOAD_TOO_LARGE)
                .with("len", len)
                .with("max", max),
            Self::Undecodable { detail } => Message::new(k::UNDECODABLE).with("detail", detail),
            Self::UnknownService { service_id } => {
                Message::new(k::UNKNOWN_SERVICE).with("service_id", format_args!("{service_id:?}"))
            }
            Self::UnknownProperty {
                service_id,
                property,
            } => Message::new(k::UNKNOWN_PROPERTY)
                .with("service_id", format_args!("{service_id:?}"))
                .with("property", format_args!("{property:?}")),
            Self::UnknownCommand {
                service_id,
                command_name,
            } => Message::new(k::UNKNOWN_COMMAND)
                .with("service_id", format_args!("{service_id:?}"))
                .with("command_name", format_args!("{command_name:?}")),
            Self::UnknownPara { command_name, para } => Message::new(k::UNKNOWN_PARA)
                .with("command_name", format_args!("{command_name:?}"))
                .with("para", format_args!("{para:?}")),
            Self::MissingField { field } => Message::new(k::MISSING_FIELD).with("field", field),
            Self::MissingProperty { property } => {
                Message::new(k::MISSING_PROPERTY).with("property", format_args!("{property:?}"))
            }
            Self::MissingPara { para } => {
                Message::new(k::MISSING_PARA).with("para", format_args!("{para:?}"))
            }
            Self::WrongType { expected, found } => Message::new(k::WRONG_TYPE)
                .with_message("words", Message::new(type_in_words(*expected)))
                .with("expected", expected)
                .with_message("found", Message::new(*found)),
            Self::OutOfTypeRange { expected, value } => {
                let range = match expected {
                    DataType::Int => "-2147483648 to 2147483647",
                    _ => "-9223372036854775808 to 9223372036854775807",
                };
                Message::new(k::OUT_OF_TYPE_RANGE)
                    .with("value", value)
                    .with("expected", expected)
                    .with("range", range)
            }
            Self::BelowMin { value, min } => Message::new(k::BELOW_MIN)
                .with("value", value)
                .with("min", min),
            Self::AboveMax { value, max } => Message::new(k::ABOVE_MAX)
                .with("value", value)
                .with("max", max),
            Self::OffStep { value, step, base } => Message::new(k::OFF_STEP)
                .with("value", value)
                .with("base", base)
                .with("step", step),
            Self::TooLong { len, max_length } => Message::new(k::TOO_LONG)
                .with("len", len)
                .with("max_length", max_length),
            Self::NotInEnum { value, allowed } => Message::new(k::NOT_IN_ENUM)
                .with("value", format_args!("{value:?}"))
                .with("allowed", allowed.join(", ")),
            Self::BadDateTime { value, error } => match error {
                EventTimeError::Shape { .. } | EventTimeError::Empty => {
                    Message::new(k::BAD_DATE_TIME).with("value", format_args!("{value:?}"))
                }
                _ => Message::new(k::UNREAL_DATE_TIME)
                    .with("value", format_args!("{value:?}"))
                    .with_message("error", error.message()),
            },
            Self::ListElementNotString { found } => {
                Message::new(k::LIST_ELEMENT_NOT_STRING).with_message("found", Message::new(*found))
            }
            Self::BadEventTime { value, error } => Message::new(k::BAD_EVENT_TIME)
                .with("value", format_args!("{value:?}"))
                .with_message("error", error.message()),
            Self::NotWritable { property, method } => Message::new(k::NOT_WRITABLE)
                .with("property", format_args!("{property:?}"))
                .with("method", method),
            Self::TooManySubDevices { count, max } => {
                use crate::text::keys::uplink as u;
                Message::new(u::TOO_MANY_SUB_DEVICES)
                    .with("count", count)
                    .with("max", max)
            }
            Self::UnknownEvent {
                service_id,
                event_type,
            } => Message::new(crate::text::keys::uplink::UNKNOWN_EVENT)
                .with("service_id", format_args!("{service_id:?}"))
                .with("event_type", format_args!("{event_type:?}")),
            Self::UnknownResponse { response_name } => {
                Message::new(crate::text::keys::uplink::UNKNOWN_RESPONSE)
                    .with("response_name", format_args!("{response_name:?}"))
            }
            Self::UndocumentedEventTimeForm { value, pattern } => {
                Message::new(crate::text::keys::uplink::UNDOCUMENTED_EVENT_TIME_FORM)
                    .with("value", format_args!("{value:?}"))
                    .with("pattern", pattern)
            }
            Self::EventTimeLocalOffset {
                value,
                offset_minutes,
            } => {
                let sign = if *offset_minutes < 0 { '-' } else { '+' };
                let m = offset_minutes.unsigned_abs();
                Message::new(crate::text::keys::uplink::EVENT_TIME_LOCAL_OFFSET)
                    .with("value", format_args!("{value:?}"))
                    .with(
                        "offset",
                        format_args!("UTC{sign}{:02}:{:02}", m / 60, m % 60),
                    )
            }
            Self::NotUplink { kind } => Message::new(crate::text::keys::uplink::NOT_UPLINK)
                .with_message("kind", kind.message()),
            Self::BroadcastIsDownlink => Message::new(crate::text::keys::uplink::BROADCAST),
            Self::CustomTopicUndefined { name } => {
                Message::new(crate::text::keys::custom_topic::DEFINE_IN_PRODUCT).with("name", name)
            }
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// Checks the bytes of a property report: its size (64 KB at most), its
/// shape, and every value against `model`.
pub fn validate_properties_report_json(model: &ProductModel, payload: &[u8]) -> Vec<Problem> {
    let mut out = Vec::new();
    if payload.len() > MAX_PROPERTIES_REPORT_LEN {
        out.push(problem(
            "",
            ProblemKind::PayloadTooLarge {
                len: payload.len(),
                max: MAX_PROPERTIES_REPORT_LEN,
            },
        ));
    }
    match PropertiesReport::decode(payload) {
        Ok(report) => check_report(model, &report, &mut out),
        Err(e) => out.push(undecodable(e)),
    }
    out
}

/// Checks a property report against `model`, including the size of its
/// encoding (64 KB at most).
pub fn validate_properties_report(model: &ProductModel, report: &PropertiesReport) -> Vec<Problem> {
    let mut out = Vec::new();
    match report.encode() {
        Err(PayloadError::TooLarge { len, max }) => {
            out.push(problem("", ProblemKind::PayloadTooLarge { len, max }));
        }
        Err(e) => out.push(undecodable(e)),
        Ok(_) => {}
    }
    check_report(model, report, &mut out);
    out
}

/// Checks a command request's parameters against the command's in `model`.
pub fn validate_command(model: &ProductModel, request: &CommandRequest) -> Vec<Problem> {
    let mut out = Vec::new();
    let (Some(service_id), Some(command_name)) = (&request.service_id, &request.command_name)
    else {
        for (field, present) in [
            ("service_id", request.service_id.is_some()),
            ("command_name", request.command_name.is_some()),
        ] {
            if !present {
                out.push(problem(field, ProblemKind::MissingField { field }));
            }
        }
        return out;
    };
    let Some(service) = model.service(service_id) else {
        out.push(problem(
            "service_id",
            ProblemKind::UnknownService {
                service_id: service_id.clone(),
            },
        ));
        return out;
    };
    let Some(command) = service.command(command_name) else {
        out.push(problem(
            "command_name",
            ProblemKind::UnknownCommand {
                service_id: service_id.clone(),
                command_name: command_name.clone(),
            },
        ));
        return out;
    };
    for (name, value) in &request.paras {
        let path = json_path::key("paras", name);
        match command.para(name) {
            Some(para) => check_value(&para.spec(), value, &path, &mut out),
            None => out.push(problem(
                &path,
                ProblemKind::UnknownPara {
                    command_name: command_name.clone(),
                    para: name.clone(),
                },
            )),
        }
    }
    for para in command.paras.iter().filter(|p| p.required) {
        if !request.paras.contains_key(&para.para_name) {
            out.push(problem(
                "paras",
                ProblemKind::MissingPara {
                    para: para.para_name.clone(),
                },
            ));
        }
    }
    out
}

/// Checks a property-set request against `model`: every property must
/// exist, be writable (`W`) and hold a valid value. Unlike a report, a set
/// may leave required properties out.
pub fn validate_properties_set(
    model: &ProductModel,
    request: &PropertiesSetRequest,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, s) in request.services.iter().enumerate() {
        let at = json_path::index("services", i);
        let Some(service) = model.service(&s.service_id) else {
            out.push(unknown_service(&at, &s.service_id));
            continue;
        };
        let base = json_path::key(&at, "properties");
        for (name, value) in &s.properties {
            let path = json_path::key(&base, name);
            match service.property(name) {
                Some(p) => {
                    if !p.method.writable() {
                        out.push(problem(
                            &path,
                            ProblemKind::NotWritable {
                                property: name.clone(),
                                method: p.method,
                            },
                        ));
                    }
                    check_value(&p.spec(), value, &path, &mut out);
                }
                None => out.push(unknown_property(&path, &s.service_id, name)),
            }
        }
    }
    out
}

fn check_report(model: &ProductModel, report: &PropertiesReport, out: &mut Vec<Problem>) {
    check_services(model, &report.services, "services", out);
}

/// Checks reported services (each `event_time`, service, property and
/// required property) against `model`; paths start at `base`.
fn check_services(
    model: &ProductModel,
    services: &[super::ServiceProperties],
    base: &str,
    out: &mut Vec<Problem>,
) {
    for (i, s) in services.iter().enumerate() {
        let at = json_path::index(base, i);
        if let Some(text) = &s.event_time {
            if let Err(error) = EventTime::parse(text) {
                out.push(problem(
                    &json_path::key(&at, "event_time"),
                    ProblemKind::BadEventTime {
                        value: super::excerpt(text),
                        error,
                    },
                ));
            }
        }
        let Some(service) = model.service(&s.service_id) else {
            out.push(unknown_service(&at, &s.service_id));
            continue;
        };
        let base = json_path::key(&at, "properties");
        check_properties(service, &s.service_id, &s.properties, &base, out);
        for p in service.properties.iter().filter(|p| p.required) {
            if !s.properties.contains_key(&p.property_name) {
                out.push(problem(
                    &base,
                    ProblemKind::MissingProperty {
                        property: p.property_name.clone(),
                    },
                ));
            }
        }
    }
}

fn check_properties(
    service: &super::ServiceCapability,
    service_id: &str,
    properties: &Map<String, Value>,
    base: &str,
    out: &mut Vec<Problem>,
) {
    for (name, value) in properties {
        let path = json_path::key(base, name);
        match service.property(name) {
            Some(p) => check_value(&p.spec(), value, &path, out),
            None => out.push(unknown_property(&path, service_id, name)),
        }
    }
}

/// Whether `value` fits `spec` with no problem at all.
/// The problems of `value` as property `property` of service
/// `service_id`: an unknown service or property, or a value that breaks the
/// property's definition (its method is not looked at). Paths are
/// `{service_id}.{property}`.
pub(crate) fn check_property_value(
    model: &ProductModel,
    service_id: &str,
    property: &str,
    value: &Value,
) -> Vec<Problem> {
    let path = json_path::key(service_id, property);
    let Some(service) = model.service(service_id) else {
        return vec![problem(
            "",
            ProblemKind::UnknownService {
                service_id: service_id.to_owned(),
            },
        )];
    };
    let Some(p) = service.property(property) else {
        return vec![unknown_property(&path, service_id, property)];
    };
    let mut out = Vec::new();
    check_value(&p.spec(), value, &path, &mut out);
    out
}

pub(crate) fn fits(spec: &Spec<'_>, value: &Value) -> bool {
    let mut out = Vec::new();
    check_value(spec, value, "", &mut out);
    out.is_empty()
}

fn check_value(spec: &Spec<'_>, value: &Value, path: &str, out: &mut Vec<Problem>) {
    let wrong_type = |out: &mut Vec<Problem>| {
        out.push(problem(
            path,
            ProblemKind::WrongType {
                expected: spec.data_type,
                found: json_type(value),
            },
        ));
    };
    match (spec.data_type, value) {
        (DataType::Int | DataType::Long, Value::Number(n)) => {
            if !(n.is_i64() || n.is_u64()) {
                return wrong_type(out);
            }
            let fits = match spec.data_type {
                DataType::Int => n.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
                _ => n.as_i64().is_some(),
            };
            if !fits {
                out.push(problem(
                    path,
                    ProblemKind::OutOfTypeRange {
                        expected: spec.data_type,
                        value: n.to_string(),
                    },
                ));
                return;
            }
            check_range(spec, n, path, out);
        }
        (DataType::Decimal, Value::Number(n)) => check_range(spec, n, path, out),
        (DataType::String, Value::String(s)) => {
            if let Some(max_length) = spec.max_length.filter(|&m| m > 0) {
                let len = s.chars().count();
                if u64::try_from(len).map_or(true, |l| l > max_length) {
                    out.push(problem(path, ProblemKind::TooLong { len, max_length }));
                }
            }
            check_enum(spec, s, path, out);
        }
        (DataType::Enum, Value::String(s)) => check_enum(spec, s, path, out),
        (DataType::DateTime, Value::String(s)) => {
            if let Err(error) = EventTime::parse_compact(s) {
                out.push(problem(
                    path,
                    ProblemKind::BadDateTime {
                        value: super::excerpt(s),
                        error,
                    },
                ));
            }
        }
        (DataType::JsonObject, Value::Object(_)) | (DataType::Boolean, Value::Bool(_)) => {}
        (DataType::StringList, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_string() {
                    out.push(problem(
                        &json_path::index(path, i),
                        ProblemKind::ListElementNotString {
                            found: json_type(item),
                        },
                    ));
                }
            }
        }
        _ => wrong_type(out),
    }
}

fn check_range(spec: &Spec<'_>, n: &Number, path: &str, out: &mut Vec<Problem>) {
    let Some(v) = Decimal::from_number(n) else {
        return;
    };
    fn bound(text: Option<&str>) -> Option<(&str, Decimal)> {
        text.and_then(|t| Decimal::parse(t).map(|d| (t, d)))
    }
    let min = bound(spec.min);
    if let Some((text, lo)) = min {
        if v < lo {
            out.push(problem(
                path,
                ProblemKind::BelowMin {
                    value: n.to_string(),
                    min: text.to_owned(),
                },
            ));
        }
    }
    if let Some((text, hi)) = bound(spec.max) {
        if v > hi {
            out.push(problem(
                path,
                ProblemKind::AboveMax {
                    value: n.to_string(),
                    max: text.to_owned(),
                },
            ));
        }
    }
    let Some(step) = spec
        .step
        .and_then(Decimal::from_number)
        .filter(|s| s.is_positive())
    else {
        return;
    };
    let (base_text, base) = min.unwrap_or(("0", Decimal::ZERO));
    let on_step = v.checked_sub(base).and_then(|d| d.is_multiple_of(step));
    if on_step == Some(false) {
        out.push(problem(
            path,
            ProblemKind::OffStep {
                value: n.to_string(),
                step: spec.step.map(Number::to_string).unwrap_or_default(),
                base: base_text.to_owned(),
            },
        ));
    }
}

fn check_enum(spec: &Spec<'_>, s: &str, path: &str, out: &mut Vec<Problem>) {
    let Some(allowed) = spec.enum_list.filter(|l| !l.is_empty()) else {
        return;
    };
    if !allowed.iter().any(|a| a == s) {
        out.push(problem(
            path,
            ProblemKind::NotInEnum {
                value: super::excerpt(s),
                allowed: allowed.to_vec(),
            },
        ));
    }
}

fn problem(path: &str, kind: ProblemKind) -> Problem {
    Problem {
        path: path.to_owned(),
        kind,
    }
}

fn unknown_service(at: &str, service_id: &str) -> Problem {
    problem(
        &json_path::key(at, "service_id"),
        ProblemKind::UnknownService {
            service_id: service_id.to_owned(),
        },
    )
}

fn unknown_property(path: &str, service_id: &str, property: &str) -> Problem {
    problem(
        path,
        ProblemKind::UnknownProperty {
            service_id: service_id.to_owned(),
            property: property.to_owned(),
        },
    )
}

fn undecodable(e: PayloadError) -> Problem {
    match e {
        PayloadError::Field { path, detail } => problem(&path, ProblemKind::Undecodable { detail }),
        other => problem(
            "",
            ProblemKind::Undecodable {
                detail: other.to_string(),
            },
        ),
    }
}

fn json_type(value: &Value) -> Key {
    use crate::text::keys::validate as k;
    match value {
        Value::Null => k::FOUND_NULL,
        Value::Bool(_) => k::FOUND_BOOLEAN,
        Value::Number(n) if n.is_i64() || n.is_u64() => k::TYPE_WHOLE_NUMBER,
        Value::Number(_) => k::FOUND_FRACTION,
        Value::String(_) => k::TYPE_STRING,
        Value::Array(_) => k::FOUND_ARRAY,
        Value::Object(_) => k::FOUND_OBJECT,
    }
}

fn type_in_words(t: DataType) -> Key {
    use crate::text::keys::validate as k;
    match t {
        DataType::Int | DataType::Long => k::TYPE_WHOLE_NUMBER,
        DataType::Decimal => k::TYPE_NUMBER,
        DataType::String | DataType::Enum => k::TYPE_STRING,
        DataType::DateTime => k::TYPE_DATE_TIME,
        DataType::JsonObject => k::TYPE_JSON_OBJECT,
        DataType::Boolean => k::TYPE_BOOLEAN,
        DataType::StringList => k::TYPE_STRING_LIST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iotda::default_model;
    use serde_json::json;

    fn report(value: Value) -> PropertiesReport {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_fitting_report_has_no_problem() {
        let r = report(json!({"services": [
            {"service_id": "Battery", "properties": {"batteryLevel": 80}, "event_time": "20151212T121212Z"},
            {"service_id": "Connectivity", "properties": {"dailyActivityTime": 65535}}
        ]}));
        assert_eq!(validate_properties_report(&default_model(), &r), []);
    }

    #[test]
    fn every_problem_is_listed_with_its_path() {
        let r = report(json!({"services": [
            {"service_id": "Battery", "properties": {"batteryLevel": 101, "voltage": 3}, "event_time": "20151212T241212Z"},
            {"service_id": "Gps", "properties": {}},
            {"service_id": "Connectivity", "properties": {"dailyActivityTime": "5"}}
        ]}));
        let problems: Vec<String> = validate_properties_report(&default_model(), &r)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "services[0].event_time: event_time \"20151212T241212Z\" is not valid (hour 24 is not 00-23); the platform will use the time it receives the report instead",
                "services[0].properties.batteryLevel: 101 is above the maximum 100",
                "services[0].properties.voltage: service \"Battery\" has no property \"voltage\" in the product model, so the platform will not store it",
                "services[1].service_id: the product model has no service \"Gps\", so the platform will not store it",
                "services[2].properties.dailyActivityTime: must be a whole number (int); got a string",
            ]
        );
    }

    #[test]
    fn json_entry_point_reports_size_and_shape() {
        let model = default_model();
        let problems =
            validate_properties_report_json(&model, br#"{"services":[{"service_id":1}]}"#);
        assert_eq!(
            problems,
            [problem(
                "services[0].service_id",
                ProblemKind::Undecodable {
                    detail: "invalid type: integer `1`, expected a string".into()
                }
            )]
        );
        let problems = validate_properties_report_json(&model, b"{");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .to_string()
                .starts_with("the payload is not valid JSON"),
            "{}",
            problems[0]
        );
        let big = format!(
            r#"{{"services":[{{"service_id":"Battery","properties":{{"batteryLevel":1}},"event_time":"20151212T121212Z"}}],"pad":"{}"}}"#,
            "x".repeat(MAX_PROPERTIES_REPORT_LEN)
        );
        let problems = validate_properties_report_json(&model, big.as_bytes());
        assert_eq!(
            problems,
            [problem(
                "",
                ProblemKind::PayloadTooLarge {
                    len: big.len(),
                    max: MAX_PROPERTIES_REPORT_LEN
                }
            )]
        );
    }
}
