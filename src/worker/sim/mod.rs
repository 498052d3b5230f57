//! State of the Console's device simulator: a property report built from
//! the product model (one field per property, typed by its data type),
//! checked before it is sent; periodic reports of simulated values; the
//! requests the platform sends (commands, property set and get, messages,
//! events, shadows), with the device's answers; and the reported numbers
//! over time, for the charts.
//!
//! ```text
//! field text ──value_from_text──▶ JSON value ──set_value──▶ device state (answers get)
//!       ▲                                                       │
//!       └──────── refreshed after a tick or a property set ◀────┘
//! included fields + event_time ──▶ preview (the exact bytes sent) ──▶ problems
//! ```
//!
//! Pure: the clock comes in as Unix milliseconds, randomness as a
//! generator, and the page publishes what this returns.

pub mod doctor;
mod host;
mod system;

use crate::messages::keys::{plain, sim as said};
use crate::messages::Msg;
use iotda_core::text::{Message, Say as Words};
use std::collections::VecDeque;

use iotda_core::iotda::{
    validate_command, validate_properties_report_json, validate_properties_set, CommandReply,
    DataType, DeviceError, Downlink, EventTime, ProductModel, PropertiesReport, Property,
    ServiceProperties, SimulatedDevice, Simulation, Topic, TopicKind, Uplink,
};
use rand_chacha::rand_core::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// Requests kept in the list (the oldest go first).
pub const MAX_REQUESTS: usize = 50;
/// Points kept per chart.
pub const MAX_POINTS: usize = 120;
/// Longest reporting interval, in seconds (a day).
pub const MAX_INTERVAL_S: u32 = 86_400;
/// Characters of a request's payload shown (a message down may be large).
pub const MAX_BODY_CHARS: usize = 4096;
/// Width of a chart, in SVG units.
pub const CHART_WIDTH: u32 = 280;
/// Height of a chart, in SVG units.
pub const CHART_HEIGHT: u32 = 70;

pub use host::{
    Chart, FieldDef, FieldKind, Host, Outgoing, Settings, SimRequest, SimResponse, SimView, Started,
};
pub use system::{SubDeviceRow, System, SystemView, UpgradeView, MAX_SUB_DEVICES};

/// One property of the model, as typed in the report builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The service it belongs to.
    pub service_id: String,
    /// Its definition.
    pub property: Property,
    /// The value as typed (`true`/`false` for a boolean, JSON for an
    /// object or list).
    pub text: String,
    /// Whether the report carries it.
    pub include: bool,
    /// Why the typed value does not fit the model, if it does not.
    pub error: Option<Msg>,
}

impl Field {
    /// The JSON value the report carries: see [`value_from_text`].
    pub fn value(&self) -> Value {
        value_from_text(self.property.data_type, &self.text)
    }

    /// What the model allows, in a few words: `int · 0 … 65535 · step 1 ·
    /// s · R`.
    pub fn hint(&self) -> Vec<Msg> {
        let p = &self.property;
        let text = |t: String| Msg(Message::new(plain::TEXT).with("text", t));
        let mut parts = vec![text(p.data_type.as_str().to_owned())];
        match (&p.min, &p.max) {
            (Some(min), Some(max)) => parts.push(text(format!("{min} … {max}"))),
            (Some(min), None) => parts.push(text(format!("≥ {min}"))),
            (None, Some(max)) => parts.push(text(format!("≤ {max}"))),
            (None, None) => {}
        }
        if let Some(step) = &p.step {
            parts.push(Msg(Message::new(said::STEP).with("step", step)));
        }
        if let Some(n) = p.max_length {
            parts.push(Msg(Message::new(said::MAX_LENGTH).with("n", n)));
        }
        if let Some(list) = &p.enum_list {
            parts.push(Msg(Message::new(said::ONE_OF).with("list", list.join(", "))));
        }
        if let Some(unit) = p.unit.as_deref().filter(|u| !u.is_empty()) {
            parts.push(text(unit.to_owned()));
        }
        parts.push(text(p.method.to_string()));
        if p.required {
            parts.push(Msg(Message::new(said::REQUIRED)));
        }
        parts
    }
}

/// The JSON value of a typed text, by data type: a number for the numeric
/// types, `true`/`false` for a boolean, parsed JSON for an object or a
/// list. Text that is not that stays a string, so the preview shows what
/// would be sent and the check says what is wrong with it.
pub fn value_from_text(data_type: DataType, text: &str) -> Value {
    let parsed = match data_type {
        DataType::Int | DataType::Long | DataType::Decimal => {
            serde_json::from_str::<Number>(text).ok().map(Value::Number)
        }
        DataType::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        DataType::JsonObject | DataType::StringList => serde_json::from_str::<Value>(text).ok(),
        DataType::String | DataType::Enum | DataType::DateTime => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// The text a value is typed as: strings bare, anything else as JSON.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fields of the command-reply form, for errors next to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyField {
    /// `result_code`.
    ResultCode,
    /// `paras`.
    Paras,
}

/// How commands are answered, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    /// `result_code` (0: success).
    pub result_code: String,
    /// `response_name` (empty: the model's, if any).
    pub response_name: String,
    /// `paras` as a JSON object (empty: the model's response, if any).
    pub paras: String,
}

impl Default for ReplyForm {
    fn default() -> Self {
        Self {
            result_code: "0".into(),
            response_name: String::new(),
            paras: String::new(),
        }
    }
}

impl ReplyForm {
    /// The reply, or the field that is wrong and why.
    pub fn reply(&self) -> Result<CommandReply, (ReplyField, Msg)> {
        let result_code = self.result_code.trim().parse::<i64>().map_err(|_| {
            (
                ReplyField::ResultCode,
                Msg(Message::new(said::RESULT_CODE).with("got", format!("{:?}", self.result_code))),
            )
        })?;
        let paras = match self.paras.trim() {
            "" => None,
            text => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(map)) => Some(map),
                Ok(_) => {
                    return Err((ReplyField::Paras, Msg(Message::new(said::PARAS_NOT_OBJECT))))
                }
                Err(e) => {
                    return Err((
                        ReplyField::Paras,
                        Msg(Message::new(said::PARAS_NOT_JSON)
                            .with_message("why", crate::messages::json(&e))),
                    ))
                }
            },
        };
        let name = self.response_name.trim();
        Ok(CommandReply {
            result_code,
            response_name: (!name.is_empty()).then(|| name.to_owned()),
            paras,
        })
    }
}

/// What the device published in answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    /// The response topic.
    pub topic: String,
    /// The response's JSON.
    pub payload: String,
    /// Whether the device accepted the request (no problem found).
    pub accepted: bool,
}

/// One message from the platform to this device, as the page shows it
/// (the decoded request stays with the simulator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Number in arrival order, which the page's buttons name.
    pub seq: u64,
    /// When it came (Unix milliseconds).
    pub at_ms: u64,
    /// What it is: `Command SET_LEVEL of Meter`, `Property set`, ...
    pub title: Msg,
    /// The request id of its topic, if it has one.
    pub request_id: Option<String>,
    /// The payload, pretty-printed when it is JSON (and cut when long).
    pub body: Msg,
    /// Why it does not fit the model (commands and property sets), or why
    /// it could not be read.
    pub problems: Vec<Msg>,
    /// The request, decoded; `None` when it could not be read.
    #[serde(skip)]
    pub downlink: Option<Downlink>,
    /// The answer sent, once sent.
    pub answered: Option<Answered>,
    /// Whether the device should answer it and has not yet.
    pub awaits_answer: bool,
}

/// The reported values of one numeric property over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// `service.property`.
    pub label: String,
    /// Its unit, if the model gives one.
    pub unit: String,
    /// `(Unix milliseconds, value)`, oldest first, at most [`MAX_POINTS`].
    pub points: VecDeque<(u64, f64)>,
}

impl Series {
    /// The chart of the points: an SVG polyline's `points` in a
    /// [`CHART_WIDTH`] × [`CHART_HEIGHT`] box (oldest on the left, the
    /// range of the values filling the height), and a caption with the
    /// last value, the unit and the range.
    pub fn chart(&self) -> Chart {
        let (lo, hi) = self
            .points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
                (lo.min(*v), hi.max(*v))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (w, h) = (f64::from(CHART_WIDTH), f64::from(CHART_HEIGHT));
        let steps = self.points.len().saturating_sub(1).max(1) as f64;
        let points = self
            .points
            .iter()
            .enumerate()
            .map(|(k, (_, v))| {
                let x = w * k as f64 / steps;
                let y = h - 4.0 - (h - 8.0) * (v - lo) / span;
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let caption = match self.points.back() {
            Some((_, last)) => {
                let caption = |key| {
                    Message::new(key)
                        .with("last", last)
                        .with("unit", &self.unit)
                        .with("lo", lo)
                        .with("hi", hi)
                };
                match self.points.len() {
                    1 => caption(said::CHART_CAPTION_ONE),
                    n => caption(said::CHART_CAPTION).with("n", n),
                }
            }
            None => Message::new(said::NO_REPORT),
        };
        Chart {
            label: self.label.clone(),
            caption: Msg(caption),
            points,
            count: self.points.len(),
        }
    }
}

/// The report the fields make now.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The exact JSON that is sent.
    pub payload: String,
    /// What the product model says is wrong with it (empty: nothing).
    pub problems: Vec<Msg>,
}

/// What the page saves: settings and typed values, not the requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSimulator {
    /// `(service, property, text, included)` of every field.
    pub fields: Vec<(String, String, String, bool)>,
    /// Whether reports carry an `event_time`.
    pub event_time: bool,
    /// Reporting interval in seconds, as typed.
    pub interval: String,
    /// Random walk (else uniform draws).
    pub walk: bool,
    /// Answer requests as they come.
    pub auto_answer: bool,
    /// How commands are answered.
    pub reply: ReplyForm,
    /// The firmware version the device runs (empty: 1.0). Left out when
    /// empty, as the settings saved before it were written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fw_version: String,
    /// The software version the device runs (empty: 1.0).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sw_version: String,
    /// The result code upgrades fail with on purpose (empty: none).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fail_upgrade: String,
    /// How many sub-devices a gateway asks for (empty or 0: not a
    /// gateway).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sub_devices: String,
}

/// What the user typed, shown as typed while the worker catches up.
#[derive(Debug, Default)]
pub struct Typed {
    /// Revision of the last change sent to the worker.
    pub rev: u64,
    /// Each field's text.
    pub texts: Vec<String>,
    /// Whether each field goes into a report.
    pub include: Vec<bool>,
    /// The settings.
    pub settings: Settings,
}

impl Typed {
    /// Takes the worker's values when it has seen every change sent.
    pub fn take(&mut self, view: &SimView) {
        if view.rev == self.rev {
            self.texts.clone_from(&view.texts);
            self.include.clone_from(&view.include);
            self.settings = view.settings.clone();
        }
    }
}

/// The simulator: a device of the model and what the page shows of it.
#[derive(Debug, Clone)]
pub struct Simulator {
    device: SimulatedDevice,
    /// One per property of the model, in the model's order.
    pub fields: Vec<Field>,
    /// The `event_time` the report carries, as typed (`None`: none).
    pub event_time: Option<String>,
    /// Reporting interval in seconds, as typed.
    pub interval: String,
    /// How periodic reports move the values.
    pub simulation: Simulation,
    /// Answer requests as they come.
    pub auto_answer: bool,
    /// How commands are answered, as typed.
    pub reply: ReplyForm,
    /// Why the reply form cannot be used, if it cannot.
    pub reply_error: Option<(ReplyField, Msg)>,
    /// What came from the platform, newest last, at most
    /// [`MAX_REQUESTS`].
    pub requests: VecDeque<Request>,
    /// Reported numbers, one series per numeric property.
    pub series: Vec<Series>,
    /// The platform's system services: versions and upgrades, time,
    /// shadow, sub-devices.
    pub system: System,
    next_seq: u64,
}

impl Simulator {
    /// Device `device_id` of `model`, each field at the device's first
    /// value, readable and required properties included.
    pub fn new(model: ProductModel, device_id: &str) -> Result<Self, DeviceError> {
        let device = SimulatedDevice::new(model, device_id)?;
        let mut fields = Vec::new();
        let mut series = Vec::new();
        for service in &device.model().service_capabilities {
            for p in &service.properties {
                let value = device.value(&service.service_id, &p.property_name);
                fields.push(Field {
                    service_id: service.service_id.clone(),
                    property: p.clone(),
                    text: value.map(text_of).unwrap_or_default(),
                    include: value.is_some() && (p.method.readable() || p.required),
                    error: None,
                });
                if p.data_type.is_numeric() {
                    series.push(Series {
                        label: format!("{}.{}", service.service_id, p.property_name),
                        unit: p.unit.clone().unwrap_or_default(),
                        points: VecDeque::new(),
                    });
                }
            }
        }
        Ok(Self {
            device,
            fields,
            event_time: None,
            interval: "5".into(),
            simulation: Simulation::RandomWalk,
            auto_answer: false,
            reply: ReplyForm::default(),
            reply_error: None,
            requests: VecDeque::new(),
            series,
            system: System::new(device_id),
            next_seq: 0,
        })
    }

    /// The device id.
    pub fn device_id(&self) -> &str {
        self.device.device_id()
    }

    /// The product model.
    pub fn model(&self) -> &ProductModel {
        self.device.model()
    }

    /// The topic reports go to.
    pub fn report_topic(&self) -> String {
        Topic::new(TopicKind::PropertiesReport, self.device_id())
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    /// Takes back what was saved: typed values (of properties the model
    /// still has) and settings.
    pub fn restore(&mut self, saved: &SavedSimulator) {
        for (service, property, text, include) in &saved.fields {
            if let Some(i) = self
                .fields
                .iter()
                .position(|f| f.service_id == *service && f.property.property_name == *property)
            {
                self.edit(i, text.clone());
                self.include(i, *include);
            }
        }
        self.event_time = saved.event_time.then(String::new);
        if !saved.interval.is_empty() {
            self.interval.clone_from(&saved.interval);
        }
        self.simulation = if saved.walk {
            Simulation::RandomWalk
        } else {
            Simulation::Random
        };
        self.auto_answer = saved.auto_answer;
        self.set_reply(saved.reply.clone());
        self.system.configure(
            &saved.fw_version,
            &saved.sw_version,
            &saved.fail_upgrade,
            &saved.sub_devices,
        );
    }

    /// What to save.
    pub fn saved(&self) -> SavedSimulator {
        SavedSimulator {
            fields: self
                .fields
                .iter()
                .map(|f| {
                    (
                        f.service_id.clone(),
                        f.property.property_name.clone(),
                        f.text.clone(),
                        f.include,
                    )
                })
                .collect(),
            event_time: self.event_time.is_some(),
            interval: self.interval.clone(),
            walk: self.simulation == Simulation::RandomWalk,
            auto_answer: self.auto_answer,
            reply: self.reply.clone(),
            fw_version: self.system.versions().0.to_owned(),
            sw_version: self.system.versions().1.to_owned(),
            fail_upgrade: self.system.fail_upgrade.clone(),
            sub_devices: self.system.sub_devices.clone(),
        }
    }

    /// Field `i` typed as `text`: the device takes the value when it fits
    /// the model (a property get then answers it), and the field says why
    /// when it does not.
    pub fn edit(&mut self, i: usize, text: String) {
        let Some(field) = self.fields.get_mut(i) else {
            return;
        };
        field.text = text;
        let value = field.value();
        field.error = self
            .device
            .set_value(&field.service_id, &field.property.property_name, value)
            .err()
            .map(|problems| sentences(&problems));
    }

    /// Whether the report carries field `i`.
    pub fn include(&mut self, i: usize, include: bool) {
        if let Some(field) = self.fields.get_mut(i) {
            field.include = include;
        }
    }

    /// Stamps the report with `now_ms` as its `event_time`.
    pub fn stamp(&mut self, now_ms: u64) {
        self.event_time = Some(event_time_text(now_ms));
    }

    /// A new command-reply form; the device answers with it when it is
    /// valid.
    pub fn set_reply(&mut self, reply: ReplyForm) {
        match reply.reply() {
            Ok(r) => {
                self.device.set_command_reply(r);
                self.reply_error = None;
            }
            Err(e) => self.reply_error = Some(e),
        }
        self.reply = reply;
    }

    /// The reporting interval in milliseconds, or why it cannot be used.
    pub fn interval_ms(&self) -> Result<u32, Msg> {
        match self.interval.trim().parse::<u32>() {
            Ok(s) if (1..=MAX_INTERVAL_S).contains(&s) => Ok(s * 1000),
            _ => Err(Msg(Message::new(said::INTERVAL)
                .with("max", MAX_INTERVAL_S)
                .with("got", format!("{:?}", self.interval)))),
        }
    }

    /// The report of the included fields (services with none are left
    /// out), with the `event_time` when one is set, and its problems.
    pub fn preview(&self) -> Preview {
        let mut services: Vec<ServiceProperties> = Vec::new();
        for field in self.fields.iter().filter(|f| f.include) {
            let at = match services
                .iter()
                .position(|s| s.service_id == field.service_id)
            {
                Some(at) => at,
                None => {
                    services.push(ServiceProperties {
                        service_id: field.service_id.clone(),
                        properties: Map::new(),
                        event_time: self.event_time.clone(),
                    });
                    services.len() - 1
                }
            };
            if let Some(s) = services.get_mut(at) {
                s.properties
                    .insert(field.property.property_name.clone(), field.value());
            }
        }
        let payload = serde_json::to_string(&PropertiesReport { services }).unwrap_or_default();
        let mut problems: Vec<Msg> =
            validate_properties_report_json(self.model(), payload.as_bytes())
                .iter()
                .map(|p| Msg(p.message()))
                .collect();
        if !self.fields.iter().any(|f| f.include) {
            problems.push(Msg(Message::new(said::NONE_INCLUDED)));
        }
        Preview { payload, problems }
    }

    /// Moves the values on (`now_ms`: the clock, for `DateTime`s and the
    /// `event_time`), shows them in the fields and returns the report to
    /// send. Values the platform set stay.
    pub fn tick<R: Rng + ?Sized>(&mut self, now_ms: u64, rng: &mut R) -> Preview {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        self.device.advance(now, self.simulation, rng);
        self.refresh();
        if self.event_time.is_some() {
            self.stamp(now_ms);
        }
        self.preview()
    }

    /// A gateway's reports of the current values for its online
    /// sub-devices, to publish with the next view.
    pub fn gateway_reports(&mut self, now_ms: u64) {
        self.system.gateway_reports(&self.device, now_ms);
    }

    /// Records a report that was sent at `now_ms`: its numbers join the
    /// charts.
    pub fn sent(&mut self, now_ms: u64, payload: &str) {
        let Ok(report) = serde_json::from_str::<PropertiesReport>(payload) else {
            return;
        };
        for s in &report.services {
            for (name, value) in &s.properties {
                let label = format!("{}.{name}", s.service_id);
                let (Some(series), Some(v)) = (
                    self.series.iter_mut().find(|x| x.label == label),
                    value.as_f64(),
                ) else {
                    continue;
                };
                if series.points.len() == MAX_POINTS {
                    series.points.pop_front();
                }
                series.points.push_back((now_ms, v));
            }
        }
    }

    /// Takes a message that came on `topic`. Messages for this device are
    /// listed (those that do not fit the model with their problems); other
    /// topics are not the device's business and are left alone. With
    /// automatic answers on, returns the answer to publish.
    pub fn receive(&mut self, now_ms: u64, topic: &str, payload: &[u8]) -> Option<Uplink> {
        let (downlink, problems) = match self.device.parse_downlink(topic, payload) {
            Ok(d) => {
                let problems = self.problems_of(&d);
                self.system.receive(&d, &mut self.device, now_ms);
                if matches!(d, Downlink::ShadowResponse { .. }) {
                    self.refresh();
                }
                (Some(d), problems)
            }
            Err(e @ DeviceError::Payload { .. }) => (None, vec![Msg(e.message())]),
            Err(_) => return None,
        };
        let title = match &downlink {
            Some(Downlink::Command { request, .. }) => {
                let or = |v: &Option<String>, none| match v {
                    Some(v) => Message::new(plain::TEXT).with("text", v),
                    None => Message::new(none),
                };
                Message::new(said::COMMAND)
                    .with_message("name", or(&request.command_name, said::NO_NAME))
                    .with_message("service", or(&request.service_id, said::NO_SERVICE))
            }
            Some(Downlink::PropertiesSet { .. }) => Message::new(said::PROPERTY_SET),
            Some(Downlink::PropertiesGet { request, .. }) => match &request.service_id {
                Some(s) => Message::new(said::PROPERTY_GET).with("s", s),
                None => Message::new(said::PROPERTY_GET_ALL),
            },
            Some(Downlink::Message(_)) => Message::new(said::MESSAGE),
            Some(Downlink::Events(_)) => Message::new(said::EVENTS),
            Some(Downlink::ShadowResponse { .. }) => Message::new(said::SHADOW),
            None => Message::new(said::UNREADABLE),
        };
        let text = String::from_utf8_lossy(payload);
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.requests.len() == MAX_REQUESTS {
            self.requests.pop_front();
        }
        let awaits_answer = matches!(
            downlink,
            Some(
                Downlink::Command { .. }
                    | Downlink::PropertiesSet { .. }
                    | Downlink::PropertiesGet { .. }
            )
        );
        self.requests.push_back(Request {
            seq,
            at_ms: now_ms,
            title: Msg(title),
            request_id: downlink
                .as_ref()
                .and_then(Downlink::request_id)
                .map(str::to_owned),
            body: shorten(pretty(&text).unwrap_or_else(|| text.into_owned())),
            problems,
            downlink,
            answered: None,
            awaits_answer,
        });
        if self.auto_answer {
            self.answer(seq).ok()
        } else {
            None
        }
    }

    /// Answers request `seq`: returns what to publish, and records it.
    pub fn answer(&mut self, seq: u64) -> Result<Uplink, Msg> {
        let request = self
            .requests
            .iter_mut()
            .find(|r| r.seq == seq)
            .ok_or(Msg(Message::new(said::GONE)))?;
        if !request.awaits_answer {
            return Err(Msg(Message::new(said::NO_ANSWER_OR_ANSWERED)));
        }
        let downlink = request
            .downlink
            .as_ref()
            .ok_or(Msg(Message::new(said::UNREADABLE_REQUEST)))?;
        let reply = self
            .device
            .answer(downlink)
            .map_err(|e| Msg(e.message()))?
            .ok_or(Msg(Message::new(said::NO_ANSWER)))?;
        request.awaits_answer = false;
        request.answered = Some(Answered {
            topic: reply.uplink.topic.to_string(),
            payload: String::from_utf8_lossy(&reply.uplink.payload).into_owned(),
            accepted: reply.answer.problems().is_empty(),
        });
        self.refresh();
        Ok(reply.uplink)
    }

    fn problems_of(&self, downlink: &Downlink) -> Vec<Msg> {
        let problems = match downlink {
            Downlink::Command { request, .. } => validate_command(self.model(), request),
            Downlink::PropertiesSet { request, .. } => {
                validate_properties_set(self.model(), request)
            }
            _ => Vec::new(),
        };
        problems.iter().map(|p| Msg(p.message())).collect()
    }

    /// Shows the device's values in the fields.
    fn refresh(&mut self) {
        for field in &mut self.fields {
            if let Some(v) = self
                .device
                .value(&field.service_id, &field.property.property_name)
            {
                field.text = text_of(v);
                field.error = None;
            }
        }
    }
}

/// `text` as indented JSON, when it is JSON.
fn pretty(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// `body` cut to [`MAX_BODY_CHARS`], saying how much was left out.
fn shorten(body: String) -> Msg {
    Msg(match body.char_indices().nth(MAX_BODY_CHARS) {
        Some((at, _)) => Message::new(said::CUT)
            .with("body", &body[..at])
            .with("more", body.len() - at),
        None => Message::new(plain::TEXT).with("text", body),
    })
}

/// The model the Model page saved (its REST JSON), or the default model
/// with a note saying why the saved one was not used.
pub fn saved_model(saved: Option<&str>) -> (ProductModel, Option<Msg>) {
    match saved.map(|text| ProductModel::from_json(text.as_bytes())) {
        None => (iotda_core::iotda::default_model(), None),
        Some(Ok(model)) => (model, None),
        Some(Err(e)) => (
            iotda_core::iotda::default_model(),
            Some(Msg(
                Message::new(said::SAVED_MODEL_UNREADABLE).with_message("why", e.message())
            )),
        ),
    }
}

/// `now_ms` as an `event_time` (`yyyyMMdd'T'HHmmss'Z'`).
pub fn event_time_text(now_ms: u64) -> String {
    i64::try_from(now_ms)
        .ok()
        .and_then(|ms| EventTime::from_unix_millis(ms).ok())
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn sentences(problems: &[iotda_core::iotda::Problem]) -> Msg {
    Msg(
        crate::messages::joined(problems.iter().map(|p| p.kind.message()))
            .unwrap_or_else(|| Message::new(said::NO_PROBLEM)),
    )
}

#[cfg(test)]
mod tests {
    use iotda_core::iotda::default_model;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use serde_json::json;

    use super::*;

    const DEV: &str = "5f8d_node1";

    fn default_sim() -> Simulator {
        Simulator::new(default_model(), DEV).unwrap()
    }

    /// A writable property of every kind the builder types differently.
    fn lamp() -> Simulator {
        let model = json!({"service_capabilities": [{"service_id": "Lamp", "properties": [
            {"property_name": "level", "data_type": "int", "min": "0", "max": "10", "step": 1, "method": "RW"},
            {"property_name": "temperature", "data_type": "decimal", "min": "-40", "max": "85.5", "step": 0.5, "unit": "°C", "method": "R"},
            {"property_name": "on", "data_type": "boolean", "method": "RW"},
            {"property_name": "mode", "data_type": "enum", "enum_list": ["auto", "off"], "method": "RW"},
            {"property_name": "config", "data_type": "jsonObject", "method": "RW"},
            {"property_name": "pin", "data_type": "string", "method": "W"}
        ], "commands": [{"command_name": "BLINK",
            "paras": [{"para_name": "times", "data_type": "int", "min": "1", "max": "5", "required": true}]}]}]});
        let model = ProductModel::from_json(model.to_string().as_bytes()).unwrap();
        Simulator::new(model, DEV).unwrap()
    }

    fn field(sim: &Simulator, name: &str) -> usize {
        sim.fields
            .iter()
            .position(|f| f.property.property_name == name)
            .unwrap()
    }

    fn json_of(uplink: &Uplink) -> Value {
        serde_json::from_slice(&uplink.payload).unwrap()
    }

    #[test]
    fn the_default_model_gives_one_field_per_property_and_a_valid_report() {
        let sim = default_sim();
        let hints: Vec<String> = sim
            .fields
            .iter()
            .map(|f| {
                f.hint()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect();
        assert_eq!(
            hints,
            [
                "int · 0 … 65535 · step 1 · s · R",
                "int · 0 … 100 · step 1 · % · R"
            ]
        );
        let preview = sim.preview();
        assert_eq!(
            preview.payload,
            r#"{"services":[{"service_id":"Connectivity","properties":{"dailyActivityTime":0}},{"service_id":"Battery","properties":{"batteryLevel":0}}]}"#
        );
        assert_eq!(preview.problems, Vec::<String>::new());
    }

    #[test]
    fn typed_text_becomes_the_value_of_its_data_type() {
        let cases = [
            (DataType::Int, "42", json!(42)),
            (DataType::Int, "4.5", json!(4.5)),
            (DataType::Int, "forty", json!("forty")),
            (DataType::Long, "-9223372036854775808", json!(i64::MIN)),
            (DataType::Decimal, "21.5", json!(21.5)),
            (DataType::Decimal, "", json!("")),
            (DataType::Boolean, "true", json!(true)),
            (DataType::Boolean, "yes", json!("yes")),
            (DataType::String, "42", json!("42")),
            (DataType::Enum, "auto", json!("auto")),
            (
                DataType::DateTime,
                "20251212T121212Z",
                json!("20251212T121212Z"),
            ),
            (DataType::JsonObject, r#"{"a":1}"#, json!({"a": 1})),
            (DataType::JsonObject, "{oops", json!("{oops")),
            (DataType::StringList, r#"["a","b"]"#, json!(["a", "b"])),
        ];
        for (data_type, text, value) in cases {
            assert_eq!(
                value_from_text(data_type, text),
                value,
                "{data_type:?} {text:?}"
            );
        }
        for value in [json!(1), json!("x"), json!(true), json!({"a": [1]})] {
            let text = text_of(&value);
            let back = match &value {
                Value::String(_) => Value::String(text),
                _ => serde_json::from_str(&text).unwrap(),
            };
            assert_eq!(back, value);
        }
    }

    #[test]
    fn a_value_that_breaks_the_model_is_named_and_previewed_as_typed() {
        let mut sim = default_sim();
        let i = field(&sim, "batteryLevel");
        sim.edit(i, "101".into());
        assert_eq!(
            sim.fields[i]
                .error
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("101 is above the maximum 100")
        );
        let preview = sim.preview();
        assert!(
            preview.payload.contains(r#""batteryLevel":101"#),
            "{}",
            preview.payload
        );
        assert_eq!(
            preview.problems,
            ["services[1].properties.batteryLevel: 101 is above the maximum 100"]
        );
        sim.edit(i, "full".into());
        assert!(sim.preview().payload.contains(r#""batteryLevel":"full""#));
        assert_eq!(sim.preview().problems.len(), 1);
        // A get is answered with the last value that fitted.
        sim.edit(i, "77".into());
        sim.edit(i, "-1".into());
        sim.auto_answer = true;
        let get = format!("$oc/devices/{DEV}/sys/properties/get/request_id=3");
        let answer = sim
            .receive(0, &get, br#"{"service_id":"Battery"}"#)
            .unwrap();
        assert_eq!(
            json_of(&answer),
            json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": 77}}]})
        );
    }

    #[test]
    fn left_out_properties_and_the_event_time_shape_the_report() {
        let mut sim = default_sim();
        let battery = field(&sim, "batteryLevel");
        sim.include(field(&sim, "dailyActivityTime"), false);
        sim.edit(battery, "80".into());
        sim.stamp(1_700_000_000_000);
        let preview = sim.preview();
        assert_eq!(
            preview.payload,
            r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80},"event_time":"20231114T221320Z"}]}"#
        );
        assert!(preview.problems.is_empty(), "{:?}", preview.problems);
        sim.event_time = Some("2023-11-14 22:13".into());
        let problems = sim.preview().problems;
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("services[0].event_time: "),
            "{problems:?}"
        );
        sim.include(battery, false);
        assert_eq!(
            sim.preview().problems,
            ["no property is included: tick at least one"]
        );
    }

    #[test]
    fn ticks_move_values_within_the_model_and_feed_the_charts() {
        let mut sim = lamp();
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        sim.event_time = Some(String::new());
        let mut seen = std::collections::BTreeSet::new();
        for t in 0..40u64 {
            let now = 1_700_000_000_000 + t * 5000;
            let preview = sim.tick(now, &mut rng);
            assert!(preview.problems.is_empty(), "{:?}", preview.problems);
            assert!(preview.payload.contains(&event_time_text(now)));
            seen.insert(sim.fields[field(&sim, "level")].text.clone());
            sim.sent(now, &preview.payload);
        }
        assert!(seen.len() > 3, "the level moved: {seen:?}");
        let level = sim.series.iter().find(|s| s.label == "Lamp.level").unwrap();
        assert_eq!(level.points.len(), 40);
        assert!(level.points.iter().all(|(_, v)| (0.0..=10.0).contains(v)));
        let temperature = sim
            .series
            .iter()
            .find(|s| s.label == "Lamp.temperature")
            .unwrap();
        assert_eq!(temperature.unit, "°C");
        for t in 0..(MAX_POINTS as u64) {
            sim.sent(
                t,
                r#"{"services":[{"service_id":"Lamp","properties":{"level":1}}]}"#,
            );
        }
        let level = sim.series.iter().find(|s| s.label == "Lamp.level").unwrap();
        assert_eq!(level.points.len(), MAX_POINTS);
        assert_eq!(level.points.back(), Some(&(MAX_POINTS as u64 - 1, 1.0)));
    }

    #[test]
    fn commands_are_listed_checked_and_answered_on_their_request_id() {
        let mut sim = lamp();
        assert!(!sim.auto_answer, "answers are the user's choice");
        sim.auto_answer = true;
        let topic = format!("$oc/devices/{DEV}/sys/commands/request_id=42");
        let up = sim
            .receive(
                5,
                &topic,
                br#"{"service_id":"Lamp","command_name":"BLINK","paras":{"times":3}}"#,
            )
            .unwrap();
        assert_eq!(
            up.topic.to_string(),
            format!("$oc/devices/{DEV}/sys/commands/response/request_id=42")
        );
        assert_eq!(json_of(&up)["result_code"], 0);
        let r = sim.requests.back().unwrap();
        assert_eq!(r.title, "Command BLINK of Lamp");
        assert_eq!(r.request_id.as_deref(), Some("42"));
        assert!(r.problems.is_empty());
        assert!(r.answered.as_ref().unwrap().accepted);

        // By hand, with a configured reply; parameters out of range refused.
        sim.auto_answer = false;
        sim.set_reply(ReplyForm {
            result_code: "3".into(),
            response_name: "BLINKED".into(),
            paras: r#"{"ok": false}"#.into(),
        });
        assert!(sim
            .receive(
                6,
                &topic.replace("42", "43"),
                br#"{"service_id":"Lamp","command_name":"BLINK","paras":{"times":3}}"#
            )
            .is_none());
        assert!(sim
            .receive(
                7,
                &topic.replace("42", "44"),
                br#"{"service_id":"Lamp","command_name":"BLINK","paras":{"times":9}}"#
            )
            .is_none());
        let (a, b) = (sim.requests[1].seq, sim.requests[2].seq);
        assert!(sim.requests[1].awaits_answer);
        assert_eq!(
            sim.requests[2].problems,
            ["paras.times: 9 is above the maximum 5"]
        );
        assert_eq!(
            json_of(&sim.answer(a).unwrap()),
            json!({"result_code": 3, "response_name": "BLINKED", "paras": {"ok": false}})
        );
        assert!(sim.answer(a).is_err(), "answered once");
        let refused = sim.answer(b).unwrap();
        assert_eq!(json_of(&refused)["result_code"], 1);
        assert!(!sim.requests[2].answered.as_ref().unwrap().accepted);
    }

    #[test]
    fn a_property_set_changes_the_next_report_and_a_get_answers_the_current_values() {
        let mut sim = lamp();
        sim.auto_answer = true;
        let set = format!("$oc/devices/{DEV}/sys/properties/set/request_id=7");
        let up = sim
            .receive(
                1,
                &set,
                br#"{"services":[{"service_id":"Lamp","properties":{"level":9,"mode":"off"}}]}"#,
            )
            .unwrap();
        assert_eq!(
            json_of(&up),
            json!({"result_code": 0, "result_desc": "success"})
        );
        assert_eq!(sim.fields[field(&sim, "level")].text, "9");
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let report: Value = serde_json::from_str(&sim.tick(2, &mut rng).payload).unwrap();
        assert_eq!(report["services"][0]["properties"]["level"], 9);
        assert_eq!(report["services"][0]["properties"]["mode"], "off");

        let refused = sim
            .receive(
                3,
                &set.replace("=7", "=8"),
                br#"{"services":[{"service_id":"Lamp","properties":{"temperature":20}}]}"#,
            )
            .unwrap();
        assert_eq!(json_of(&refused)["result_code"], 1);
        assert_eq!(
            sim.requests.back().unwrap().problems,
            [
                r#"services[0].properties.temperature: property "temperature" cannot be set: its method is R, and only properties with W are writable"#
            ]
        );
        assert_eq!(
            sim.fields[field(&sim, "level")].text,
            "9",
            "a refused set changes nothing"
        );

        let get = format!("$oc/devices/{DEV}/sys/properties/get/request_id=9");
        let answer = json_of(&sim.receive(4, &get, b"{}").unwrap());
        assert_eq!(answer["services"][0]["properties"]["level"], 9);
    }

    #[test]
    fn other_topics_are_ignored_and_unreadable_requests_listed() {
        let mut sim = default_sim();
        assert!(sim.receive(0, "sensors/room1", b"{}").is_none());
        assert!(sim
            .receive(0, "$oc/devices/other_dev/sys/commands/request_id=1", b"{}")
            .is_none());
        assert!(sim
            .receive(
                0,
                &format!("$oc/devices/{DEV}/sys/properties/report"),
                b"{}"
            )
            .is_none());
        assert!(sim.requests.is_empty());
        let topic = format!("$oc/devices/{DEV}/sys/properties/set/request_id=1");
        assert!(sim.receive(0, &topic, b"{not json").is_none());
        let r = sim.requests.back().unwrap();
        assert_eq!(r.title, "Unreadable request");
        assert_eq!(r.body, "{not json");
        assert_eq!(r.problems.len(), 1);
        assert!(!r.awaits_answer);
        sim.receive(0, &format!("$oc/devices/{DEV}/sys/messages/down"), b"hello");
        assert_eq!(sim.requests.back().unwrap().title, "Message");
        assert!(!sim.requests.back().unwrap().awaits_answer);
        for i in 0..(MAX_REQUESTS + 5) {
            sim.receive(
                0,
                &format!("$oc/devices/{DEV}/sys/messages/down"),
                i.to_string().as_bytes(),
            );
        }
        assert_eq!(sim.requests.len(), MAX_REQUESTS);
        assert_eq!(
            sim.requests.back().unwrap().body,
            (MAX_REQUESTS + 4).to_string()
        );
    }

    #[test]
    fn the_reply_form_and_interval_say_what_is_wrong() {
        let mut sim = default_sim();
        let mut form = ReplyForm {
            result_code: "ok".into(),
            ..ReplyForm::default()
        };
        sim.set_reply(form.clone());
        assert_eq!(
            sim.reply_error.as_ref().map(|e| e.0),
            Some(ReplyField::ResultCode)
        );
        form.result_code = "0".into();
        form.paras = "[1]".into();
        sim.set_reply(form.clone());
        assert_eq!(
            sim.reply_error.as_ref().map(|e| e.0),
            Some(ReplyField::Paras)
        );
        form.paras = "{".into();
        sim.set_reply(form.clone());
        assert!(sim
            .reply_error
            .as_ref()
            .unwrap()
            .1
            .starts_with("paras is not JSON"));
        form.paras = String::new();
        sim.set_reply(form);
        assert_eq!(sim.reply_error, None);
        for (text, ok) in [
            ("5", Some(5000)),
            ("0", None),
            ("x", None),
            ("86401", None),
            (" 60 ", Some(60_000)),
        ] {
            sim.interval = text.into();
            assert_eq!(sim.interval_ms().ok(), ok, "{text:?}");
        }
    }

    #[test]
    fn the_model_comes_from_the_model_page_or_is_the_default() {
        let (model, note) = saved_model(None);
        assert_eq!((model, note), (default_model(), None));
        let lamp_json = serde_json::to_string(lamp().model()).unwrap();
        let (model, note) = saved_model(Some(&lamp_json));
        assert_eq!((&model, note), (lamp().model(), None));
        let (model, note) = saved_model(Some("{oops"));
        assert_eq!(model, default_model());
        assert!(note
            .unwrap()
            .starts_with("the model saved by the Model page cannot be read ("));
        assert_eq!(
            default_sim().report_topic(),
            format!("$oc/devices/{DEV}/sys/properties/report")
        );
    }

    #[test]
    fn typed_values_and_settings_survive_a_reload() {
        let mut sim = lamp();
        sim.edit(field(&sim, "level"), "4".into());
        sim.edit(field(&sim, "pin"), "1234".into());
        sim.include(field(&sim, "pin"), true);
        sim.event_time = Some("x".into());
        sim.interval = "30".into();
        sim.simulation = Simulation::Random;
        sim.auto_answer = true;
        let saved = sim.saved();
        let text = serde_json::to_string(&saved).unwrap();
        let mut back = lamp();
        back.restore(&serde_json::from_str(&text).unwrap());
        assert_eq!(
            back.saved(),
            SavedSimulator {
                event_time: true,
                ..saved
            }
        );
        assert_eq!(back.fields[field(&back, "level")].text, "4");
        assert!(back.preview().payload.contains(r#""pin":"1234""#));
        assert_eq!(back.interval, "30");
        assert_eq!(back.simulation, Simulation::Random);
        assert!(back.auto_answer);
    }
}
