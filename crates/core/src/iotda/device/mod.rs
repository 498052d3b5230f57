//! A simulated IoTDA device: the current value of each property of a
//! product model, property reports made from them, values moved on for
//! periodic simulation, and the device's answers to the platform's
//! commands, property sets and property gets.
//!
//! ```text
//! SimulatedDevice::new(model, device_id)   first values: default_value, else min, first enum value, ...
//! advance(now, Simulation, rng)           Random or RandomWalk; what the platform set is kept
//! report(services, event_time)            {"services":[...]}: readable (and required) properties
//! handle(topic, payload)                  what came down, and the reply to publish
//!
//! came down on                           reply on                                   reply
//! commands/request_id={id}               commands/response/request_id={id}          {"result_code":0,"response_name":..,"paras":{..}}
//!   parameters that break the model                                                 {"result_code":1,"paras":{"error":"<problems>"}}
//! properties/set/request_id={id}         properties/set/response/request_id={id}    {"result_code":0,"result_desc":"success"}
//!   values that break the model (nothing is applied)                                {"result_code":1,"result_desc":"<problems>"}
//! properties/get/request_id={id}         properties/get/response/request_id={id}    {"services":[{"service_id","properties"}]}
//! messages/down, events/down,            none: shown only
//! shadow/get/response/request_id={id}
//! ```
//!
//! A reply always goes to the response topic with the request's id. The
//! request's `object_device_id` is not looked at: this device is no
//! gateway, so whatever arrives on its own topics is for it.
//!
//! Every value the device holds fits the model: first values and simulated
//! ones are checked against the validator's rules before they are kept, and
//! a property set is applied only when all of it fits. A property whose
//! definition admits no value that can be made exactly (an `int` whose
//! `min` has a fraction and that has a `step`, bounds beyond the 15 digits
//! an `f64` holds, an enum list whose every entry is longer than
//! `max_length`) has none and is left out of reports.
//!
//! Pure: no clock (`now` comes in as Unix milliseconds), no randomness of
//! its own (the caller passes a [`rand_core::Rng`]), no I/O. Malformed input
//! is a typed error, never a panic.

mod system;
mod value;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use crate::text::{self, Say};

use rand_core::Rng;
use serde_json::{Map, Value};

pub use system::{
    Fetch, FetchError, SubDevice, SystemAction, SystemDevice, UpgradeKind, MAX_PACKAGE,
};
pub use value::Simulation;

use super::payload::{
    CommandRequest, CommandResponse, EventsPayload, Message, Payload, PayloadError,
    PropertiesGetRequest, PropertiesGetResponse, PropertiesReport, PropertiesSetRequest,
    PropertiesSetResponse, ServiceProperties, ShadowGetResponse,
};
use super::validate::{
    check_property_value, validate_command, validate_properties_set, Problem, ProblemKind,
};
use super::{EventTime, ProductModel, ServiceCapability, Topic, TopicError, TopicKind};
use crate::credentials;

/// The `result_code` of a command or property set refused because it does
/// not fit the product model.
pub const REFUSED_RESULT_CODE: i64 = 1;

/// How the device answers a command that fits the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommandReply {
    /// `result_code`: 0 (success) by default; anything else simulates a
    /// failing device.
    pub result_code: i64,
    /// `response_name`; without one, the name of the first response the
    /// model defines for the command, if any.
    pub response_name: Option<String>,
    /// `paras`; without them, the parameters of the first response the
    /// model defines for the command, with first values (as properties get
    /// them), if it defines one.
    pub paras: Option<Map<String, Value>>,
}

/// A message for the device to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uplink {
    /// Where.
    pub topic: Topic,
    /// The JSON body.
    pub payload: Vec<u8>,
}

/// What came down from the platform, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Downlink {
    /// `commands/request_id={id}`.
    Command {
        /// The request id of the topic.
        request_id: String,
        /// The command.
        request: CommandRequest,
    },
    /// `properties/set/request_id={id}`.
    PropertiesSet {
        /// The request id of the topic.
        request_id: String,
        /// The values to set.
        request: PropertiesSetRequest,
    },
    /// `properties/get/request_id={id}`.
    PropertiesGet {
        /// The request id of the topic.
        request_id: String,
        /// The service asked for, or all.
        request: PropertiesGetRequest,
    },
    /// `messages/down`: shown only.
    Message(Message),
    /// `events/down`: shown only.
    Events(EventsPayload),
    /// `shadow/get/response/request_id={id}`: shown only.
    ShadowResponse {
        /// The request id of the topic.
        request_id: String,
        /// The shadow.
        response: ShadowGetResponse,
    },
}

impl Downlink {
    /// The topic kind it came on.
    pub fn kind(&self) -> TopicKind {
        match self {
            Self::Command { .. } => TopicKind::CommandRequest,
            Self::PropertiesSet { .. } => TopicKind::PropertiesSetRequest,
            Self::PropertiesGet { .. } => TopicKind::PropertiesGetRequest,
            Self::Message(_) => TopicKind::MessagesDown,
            Self::Events(_) => TopicKind::EventsDown,
            Self::ShadowResponse { .. } => TopicKind::ShadowGetResponse,
        }
    }

    /// The request id of the topic, for requests and responses.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Command { request_id, .. }
            | Self::PropertiesSet { request_id, .. }
            | Self::PropertiesGet { request_id, .. }
            | Self::ShadowResponse { request_id, .. } => Some(request_id),
            Self::Message(_) | Self::Events(_) => None,
        }
    }
}

/// How the device answered a request, with the problems that made it
/// refuse (none when it accepted).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A command answered.
    Command {
        /// The response sent.
        response: CommandResponse,
        /// Why the command was refused; empty when it fit the model.
        problems: Vec<Problem>,
    },
    /// A property set answered; the values were applied when `problems` is
    /// empty, and nothing changed otherwise.
    PropertiesSet {
        /// The response sent.
        response: PropertiesSetResponse,
        /// Why the set was refused; empty when it was applied.
        problems: Vec<Problem>,
    },
    /// A property get answered with the current values.
    PropertiesGet {
        /// The response sent.
        response: PropertiesGetResponse,
        /// A service asked for that the model does not have (the response
        /// then lists no service).
        problems: Vec<Problem>,
    },
}

impl Answer {
    /// Why the request was refused, or nothing.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Command { problems, .. }
            | Self::PropertiesSet { problems, .. }
            | Self::PropertiesGet { problems, .. } => problems,
        }
    }
}

/// A reply to publish, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The response topic and JSON body.
    pub uplink: Uplink,
    /// The response, typed.
    pub answer: Answer,
}

/// Why the device could not take a message or make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceError {
    /// The device id breaks IoTDA's rule (1-128 of `[A-Za-z0-9_-]`).
    /// Likely cause: the product id and node id joined with another
    /// character, or a space picked up while copying.
    DeviceId {
        /// The id given (cut to 64 characters).
        device_id: String,
        /// Which rule it breaks.
        error: credentials::Error,
    },
    /// The topic is not an IoTDA system topic of a device. Likely cause: a
    /// custom (`/user/`) topic, or a subscription wider than the device's
    /// own topics.
    Topic(TopicError),
    /// The topic is another device's. Likely cause: a subscription with a
    /// wildcard in place of the device id.
    OtherDevice {
        /// The device id in the topic.
        device_id: String,
    },
    /// The topic is one the device publishes, not one it receives. Likely
    /// cause: a subscription that also takes the device's own reports.
    NotDownlink {
        /// The kind of topic.
        kind: TopicKind,
    },
    /// The payload is not the JSON this topic carries. Likely cause: a
    /// message typed by hand with a mistake, or meant for another topic.
    Payload {
        /// The kind of topic it came on.
        kind: TopicKind,
        /// What is wrong, and where.
        error: PayloadError,
    },
    /// A report was asked for a service the model does not have.
    UnknownService {
        /// The service id asked for.
        service_id: String,
    },
    /// A report or reply could not be encoded (larger than IoTDA accepts).
    Encode(PayloadError),
}

impl Say for DeviceError {
    fn message(&self) -> text::Message {
        use crate::text::keys::device as k;
        match self {
            Self::DeviceId { device_id, error } => text::Message::new(k::DEVICE_ID)
                .with("device_id", format_args!("{device_id:?}"))
                .with_message("error", error.message()),
            Self::Topic(e) => e.message(),
            Self::OtherDevice { device_id } => {
                text::Message::new(k::OTHER_DEVICE).with("device_id", format_args!("{device_id:?}"))
            }
            Self::NotDownlink { kind } => {
                text::Message::new(k::NOT_DOWNLINK).with_message("kind", kind.message())
            }
            Self::Payload { kind, error } => text::Message::new(k::PAYLOAD)
                .with_message("kind", kind.message())
                .with_message("error", error.message()),
            Self::UnknownService { service_id } => text::Message::new(k::UNKNOWN_SERVICE)
                .with("service_id", format_args!("{service_id:?}")),
            Self::Encode(e) => e.message(),
        }
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for DeviceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Topic(e) => Some(e),
            Self::Payload { error, .. } | Self::Encode(error) => Some(error),
            _ => None,
        }
    }
}

/// A device of a product model, with the current value of each property.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedDevice {
    device_id: String,
    model: ProductModel,
    /// One entry per service of the model, in the model's order.
    services: Vec<ServiceState>,
    command_reply: CommandReply,
}

/// The values of one service.
#[derive(Debug, Clone, PartialEq, Default)]
struct ServiceState {
    /// Every property that has a value (all but those whose definition
    /// admits none).
    values: Map<String, Value>,
    /// Properties the platform set: a device keeps a set value, so
    /// simulation leaves them alone.
    held: BTreeSet<String>,
}

impl SimulatedDevice {
    /// Device `device_id` of `model`, each property at its first value:
    /// its `default_value` when that fits, else the lowest value of its
    /// range, its first enum value, `false`, ... (see [`Simulation`] for how
    /// values move on).
    pub fn new(model: ProductModel, device_id: &str) -> Result<Self, DeviceError> {
        credentials::check_device_id(device_id).map_err(|error| DeviceError::DeviceId {
            device_id: super::excerpt(device_id),
            error,
        })?;
        let services = model
            .service_capabilities
            .iter()
            .map(|service| ServiceState {
                values: service
                    .properties
                    .iter()
                    .filter_map(|p| {
                        let first = value::initial(&p.spec(), p.default_value.as_ref())?;
                        Some((p.property_name.clone(), first))
                    })
                    .collect(),
                held: BTreeSet::new(),
            })
            .collect();
        Ok(Self {
            device_id: device_id.to_owned(),
            model,
            services,
            command_reply: CommandReply::default(),
        })
    }

    /// The device id.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The product model.
    pub fn model(&self) -> &ProductModel {
        &self.model
    }

    /// How commands that fit the model are answered.
    pub fn command_reply(&self) -> &CommandReply {
        &self.command_reply
    }

    /// Changes how commands that fit the model are answered.
    pub fn set_command_reply(&mut self, reply: CommandReply) {
        self.command_reply = reply;
    }

    /// The current value of a property, if it has one.
    pub fn value(&self, service_id: &str, property: &str) -> Option<&Value> {
        self.state(service_id)?.values.get(property)
    }

    /// Sets the current value of one property, as the device's own reading
    /// (a value typed in a report builder): not held, so simulation moves
    /// it on, and its method is not looked at (a device reports what it
    /// reads). Refused, with the problems and nothing changed, when the
    /// service or property is not in the model or the value does not fit.
    pub fn set_value(
        &mut self,
        service_id: &str,
        property: &str,
        value: Value,
    ) -> Result<(), Vec<Problem>> {
        let problems = check_property_value(&self.model, service_id, property, &value);
        if !problems.is_empty() {
            return Err(problems);
        }
        if let Some(state) = self
            .index(service_id)
            .and_then(|i| self.services.get_mut(i))
        {
            state.values.insert(property.to_owned(), value);
        }
        Ok(())
    }

    /// Moves every value on, except those the platform set (a device keeps
    /// a set value): drawn anew or a small step from the current one,
    /// always within the model. A `DateTime` becomes `now_millis` (Unix
    /// milliseconds).
    pub fn advance<R: Rng + ?Sized>(
        &mut self,
        now_millis: i64,
        simulation: Simulation,
        rng: &mut R,
    ) {
        for (service, state) in self
            .model
            .service_capabilities
            .iter()
            .zip(&mut self.services)
        {
            for p in &service.properties {
                if state.held.contains(&p.property_name) {
                    continue;
                }
                let Some(current) = state.values.get(&p.property_name) else {
                    continue;
                };
                if let Some(next) = value::next(&p.spec(), current, simulation, now_millis, rng) {
                    state.values.insert(p.property_name.clone(), next);
                }
            }
        }
    }

    /// A property report of the current values of `services` (every
    /// service that has a value to report when empty), each stamped with
    /// `event_time` when given. Reported are the readable properties (`R`
    /// in their method) and the required ones, which a report must carry.
    pub fn report<S: AsRef<str>>(
        &self,
        services: &[S],
        event_time: Option<EventTime>,
    ) -> Result<PropertiesReport, DeviceError> {
        let chosen = if services.is_empty() {
            self.current(None)
        } else {
            services
                .iter()
                .map(|id| {
                    let id = id.as_ref();
                    self.index(id)
                        .map(|i| self.service_properties(i))
                        .ok_or_else(|| DeviceError::UnknownService {
                            service_id: id.to_owned(),
                        })
                })
                .collect::<Result<_, _>>()?
        };
        let stamp = event_time.map(|t| t.to_string());
        Ok(PropertiesReport {
            services: chosen
                .into_iter()
                .map(|s| ServiceProperties {
                    event_time: stamp.clone(),
                    ..s
                })
                .collect(),
        })
    }

    /// [`SimulatedDevice::report`], encoded and addressed to the device's
    /// `properties/report` topic.
    pub fn report_uplink<S: AsRef<str>>(
        &self,
        services: &[S],
        event_time: Option<EventTime>,
    ) -> Result<Uplink, DeviceError> {
        let report = self.report(services, event_time)?;
        Ok(Uplink {
            topic: self.topic(TopicKind::PropertiesReport, None)?,
            payload: report.encode().map_err(DeviceError::Encode)?,
        })
    }

    /// Decodes a message that arrived on `topic`, without answering it or
    /// changing anything.
    pub fn parse_downlink(&self, topic: &str, payload: &[u8]) -> Result<Downlink, DeviceError> {
        let topic = Topic::parse(topic).map_err(DeviceError::Topic)?;
        if topic.device_id() != self.device_id {
            return Err(DeviceError::OtherDevice {
                device_id: topic.device_id().to_owned(),
            });
        }
        let kind = topic.kind();
        let request_id = topic.request_id().unwrap_or_default().to_owned();
        let bad = |error| DeviceError::Payload { kind, error };
        Ok(match kind {
            TopicKind::CommandRequest => Downlink::Command {
                request_id,
                request: CommandRequest::decode(payload).map_err(bad)?,
            },
            TopicKind::PropertiesSetRequest => Downlink::PropertiesSet {
                request_id,
                request: PropertiesSetRequest::decode(payload).map_err(bad)?,
            },
            TopicKind::PropertiesGetRequest => Downlink::PropertiesGet {
                request_id,
                request: PropertiesGetRequest::decode(payload).map_err(bad)?,
            },
            TopicKind::MessagesDown => Downlink::Message(Message::from_bytes(payload)),
            TopicKind::EventsDown => Downlink::Events(EventsPayload::decode(payload).map_err(bad)?),
            TopicKind::ShadowGetResponse => Downlink::ShadowResponse {
                request_id,
                response: ShadowGetResponse::decode(payload).map_err(bad)?,
            },
            TopicKind::PropertiesReport
            | TopicKind::GatewaySubDevicesPropertiesReport
            | TopicKind::MessagesUp
            | TopicKind::CommandResponse
            | TopicKind::PropertiesSetResponse
            | TopicKind::PropertiesGetResponse
            | TopicKind::ShadowGetRequest
            | TopicKind::EventsUp => return Err(DeviceError::NotDownlink { kind }),
        })
    }

    /// Answers a request: a command with the configured [`CommandReply`]
    /// (or [`REFUSED_RESULT_CODE`] and the problems, when its parameters do
    /// not fit the model), a property set by applying it (or by refusing
    /// all of it, naming the problems), a property get with the current
    /// values. `None` for what is only shown (messages, events, shadow
    /// responses).
    pub fn answer(&mut self, downlink: &Downlink) -> Result<Option<Reply>, DeviceError> {
        let (request_id, answer) = match downlink {
            Downlink::Command {
                request_id,
                request,
            } => (request_id, self.answer_command(request)),
            Downlink::PropertiesSet {
                request_id,
                request,
            } => (request_id, self.apply_set(request)),
            Downlink::PropertiesGet {
                request_id,
                request,
            } => (request_id, self.answer_get(request)),
            Downlink::Message(_) | Downlink::Events(_) | Downlink::ShadowResponse { .. } => {
                return Ok(None)
            }
        };
        let (kind, payload) = match &answer {
            Answer::Command { response, .. } => (TopicKind::CommandResponse, response.encode()),
            Answer::PropertiesSet { response, .. } => {
                (TopicKind::PropertiesSetResponse, response.encode())
            }
            Answer::PropertiesGet { response, .. } => {
                (TopicKind::PropertiesGetResponse, response.encode())
            }
        };
        Ok(Some(Reply {
            uplink: Uplink {
                topic: self.topic(kind, Some(request_id))?,
                payload: payload.map_err(DeviceError::Encode)?,
            },
            answer,
        }))
    }

    /// [`SimulatedDevice::parse_downlink`] then [`SimulatedDevice::answer`].
    pub fn handle(
        &mut self,
        topic: &str,
        payload: &[u8],
    ) -> Result<(Downlink, Option<Reply>), DeviceError> {
        let downlink = self.parse_downlink(topic, payload)?;
        let reply = self.answer(&downlink)?;
        Ok((downlink, reply))
    }

    fn answer_command(&self, request: &CommandRequest) -> Answer {
        let problems = validate_command(&self.model, request);
        if !problems.is_empty() {
            let mut paras = Map::new();
            paras.insert("error".to_owned(), Value::String(sentences(&problems)));
            return Answer::Command {
                response: CommandResponse {
                    result_code: Some(REFUSED_RESULT_CODE),
                    response_name: None,
                    paras: Some(paras),
                },
                problems,
            };
        }
        let defined = request
            .service_id
            .as_deref()
            .and_then(|s| self.model.service(s))
            .and_then(|s| s.command(request.command_name.as_deref().unwrap_or_default()))
            .and_then(|c| c.responses.first());
        let reply = &self.command_reply;
        Answer::Command {
            response: CommandResponse {
                result_code: Some(reply.result_code),
                response_name: reply
                    .response_name
                    .clone()
                    .or_else(|| defined.map(|r| r.response_name.clone())),
                paras: reply.paras.clone().or_else(|| {
                    defined.map(|r| {
                        r.paras
                            .iter()
                            .filter_map(|p| {
                                Some((p.para_name.clone(), value::initial(&p.spec(), None)?))
                            })
                            .collect()
                    })
                }),
            },
            problems,
        }
    }

    fn apply_set(&mut self, request: &PropertiesSetRequest) -> Answer {
        let problems = validate_properties_set(&self.model, request);
        if !problems.is_empty() {
            return Answer::PropertiesSet {
                response: PropertiesSetResponse {
                    result_code: Some(REFUSED_RESULT_CODE),
                    result_desc: Some(sentences(&problems)),
                },
                problems,
            };
        }
        for service in &request.services {
            let Some(i) = self.index(&service.service_id) else {
                continue;
            };
            if let Some(state) = self.services.get_mut(i) {
                for (name, value) in &service.properties {
                    state.values.insert(name.clone(), value.clone());
                    state.held.insert(name.clone());
                }
            }
        }
        Answer::PropertiesSet {
            response: PropertiesSetResponse::success(),
            problems,
        }
    }

    fn answer_get(&self, request: &PropertiesGetRequest) -> Answer {
        let mut problems = Vec::new();
        let services = match request.service_id.as_deref() {
            Some(id) if self.index(id).is_none() => {
                problems.push(Problem {
                    path: "service_id".to_owned(),
                    kind: ProblemKind::UnknownService {
                        service_id: id.to_owned(),
                    },
                });
                Vec::new()
            }
            chosen => self.current(chosen),
        };
        Answer::PropertiesGet {
            response: PropertiesGetResponse { services },
            problems,
        }
    }

    /// The reported values of `service_id`, or of every service that has
    /// some.
    fn current(&self, service_id: Option<&str>) -> Vec<ServiceProperties> {
        match service_id {
            Some(id) => self
                .index(id)
                .map(|i| self.service_properties(i))
                .into_iter()
                .collect(),
            None => (0..self.services.len())
                .map(|i| self.service_properties(i))
                .filter(|s| !s.properties.is_empty())
                .collect(),
        }
    }

    /// The readable and the required properties of service `i`.
    fn service_properties(&self, i: usize) -> ServiceProperties {
        let service = self.model.service_capabilities.get(i);
        let properties = match (service, self.services.get(i)) {
            (Some(service), Some(state)) => reported(service, state),
            _ => Map::new(),
        };
        let id = service.map(|s| s.service_id.clone()).unwrap_or_default();
        ServiceProperties::new(id, properties)
    }

    /// The position of the service the model's lookups find for `id`.
    fn index(&self, service_id: &str) -> Option<usize> {
        self.model
            .service_capabilities
            .iter()
            .position(|s| s.service_id == service_id)
    }

    fn state(&self, service_id: &str) -> Option<&ServiceState> {
        self.services.get(self.index(service_id)?)
    }

    fn topic(&self, kind: TopicKind, request_id: Option<&str>) -> Result<Topic, DeviceError> {
        match request_id {
            Some(id) => Topic::with_request_id(kind, &self.device_id, id),
            None => Topic::new(kind, &self.device_id),
        }
        .map_err(DeviceError::Topic)
    }
}

fn reported(service: &ServiceCapability, state: &ServiceState) -> Map<String, Value> {
    service
        .properties
        .iter()
        .filter(|p| p.method.readable() || p.required)
        .filter_map(|p| {
            let value = state.values.get(&p.property_name)?;
            Some((p.property_name.clone(), value.clone()))
        })
        .collect()
}

/// Problems as one text: `path: sentence; path: sentence`.
fn sentences(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
