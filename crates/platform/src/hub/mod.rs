//! The platform's application side: what IoTDA does with devices once they
//! are connected. It keeps each device's status and message history,
//! delivers messages and commands, waits for command answers, and tells
//! every listener (the page's event stream) what happened.
//!
//! It hears and talks to devices through its own session on the broker
//! ([`link`]), and hears status changes as the [`Directory`] device access
//! reports them to (it wraps the registry). Registry calls run on tokio's
//! blocking pool.

mod link;
mod report;

pub use report::judge_report;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iotda_core::iotda::payload::{
    CommandRequest, MessageEnvelope, Payload, PropertiesGetRequest, PropertiesSetRequest,
    ServiceProperties, ShadowData, ShadowGetRequest, ShadowGetResponse,
    ShadowService as CoreShadowService,
};
use iotda_core::iotda::{
    validate_command, validate_properties_set, Problem, ProductModel, Topic, TopicKind,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::broker::BrokerEndpoint;
use crate::directory::{
    CaRecord, DeviceRecord, DeviceStatus, Directory, DirectoryError, StatusChange,
};
use crate::log::LogSink;
use crate::registry::{self, iotda_time, Direction, MessageRecord, Registry};
use link::Outgoing;

/// IoTDA's synchronous command timeout: "The timeout interval is 20
/// seconds" (API reference, CreateCommand).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(20);
/// How many events a slow event-stream listener may fall behind before it
/// misses some.
const EVENT_BACKLOG: usize = 1024;

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
}

impl PlatformEvent {
    /// The event's name in the stream: `status`, `message`, `properties`,
    /// `dropped`, `property_request`, `desired_pushed`, `command`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Status { .. } => "status",
            Self::Message { .. } => "message",
            Self::Properties { .. } => "properties",
            Self::Dropped { .. } => "dropped",
            Self::PropertyRequest { .. } => "property_request",
            Self::DesiredPushed { .. } => "desired_pushed",
            Self::Command { .. } => "command",
        }
    }

    fn of_message(m: &MessageRecord) -> Self {
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

/// Why the hub refused or could not do something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubError {
    /// The registry refused or failed (no such device, database error).
    Registry(registry::Error),
    /// The device is not online, and the operation needs it to be.
    Offline(String),
    /// The request does not fit the product model: each problem with its
    /// JSON path, in the kit's validator's words.
    Model(Vec<String>),
    /// A field's value is not acceptable.
    Invalid(String),
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Registry(e) => e.fmt(f),
            Self::Offline(id) => {
                write!(f, "the device {id} is not online; connect it and try again")
            }
            Self::Model(problems) => write!(
                f,
                "the request does not fit the product model: {}",
                problems.join("; ")
            ),
            Self::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for HubError {}

impl From<registry::Error> for HubError {
    fn from(e: registry::Error) -> Self {
        Self::Registry(e)
    }
}

/// A message for CreateMessage to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct DownMessage {
    /// The id to give it; a new one when `None`.
    pub message_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// The message: a string or any JSON.
    pub message: Value,
    /// `true` for `payload_format` `raw`: the message alone, not wrapped.
    pub raw: bool,
    /// The full topic; `$oc/devices/{device_id}/sys/messages/down` when
    /// `None`.
    pub topic: Option<String>,
}

/// What a command came to.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandOutcome {
    /// The device answered (its JSON, or its text as a string).
    Answered {
        /// The command's id.
        command_id: String,
        /// The answer.
        response: Value,
    },
    /// No answer within the timeout.
    TimedOut {
        /// The command's id.
        command_id: String,
    },
}

/// The application side. One per platform; shared by the API and device
/// access.
pub struct Hub {
    registry: Arc<Registry>,
    log: LogSink,
    events: broadcast::Sender<PlatformEvent>,
    outbox: mpsc::UnboundedSender<Outgoing>,
    outbox_rx: Mutex<Option<mpsc::UnboundedReceiver<Outgoing>>>,
    /// Commands waiting for their answer, by request id.
    waiting: Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>,
    /// Held while pending downlinks are published, so none goes twice.
    flushing: Mutex<()>,
    command_timeout: Duration,
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here only moves values in or out of a map.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Hub {
    /// A hub over `registry`; commands time out after `command_timeout`.
    /// It talks to devices once [`Hub::start_link`] has run.
    pub fn new(registry: Arc<Registry>, log: LogSink, command_timeout: Duration) -> Arc<Self> {
        let (outbox, outbox_rx) = mpsc::unbounded_channel();
        Arc::new(Self {
            registry,
            log,
            events: broadcast::channel(EVENT_BACKLOG).0,
            outbox,
            outbox_rx: Mutex::new(Some(outbox_rx)),
            waiting: Mutex::new(HashMap::new()),
            flushing: Mutex::new(()),
            command_timeout,
        })
    }

    /// Opens the hub's broker session (see [`link`]) and waits up to 10 s
    /// for its subscription; the task ends on `shutdown`.
    pub async fn start_link(
        self: &Arc<Self>,
        endpoint: BrokerEndpoint,
        shutdown: watch::Receiver<bool>,
    ) -> Result<JoinHandle<()>, String> {
        let outbox = lock(&self.outbox_rx)
            .take()
            .ok_or("the hub's broker session was started already")?;
        let (ready, subscribed) = oneshot::channel();
        let task = tokio::spawn(link::run(endpoint, self.clone(), outbox, shutdown, ready));
        match tokio::time::timeout(Duration::from_secs(10), subscribed).await {
            Ok(Ok(())) => Ok(task),
            _ => {
                task.abort();
                Err("the platform's session on the broker did not open in 10 s".into())
            }
        }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<PlatformEvent> {
        self.events.subscribe()
    }

    /// The registry.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    fn emit(&self, event: PlatformEvent) {
        // No listener is not an error.
        let _ = self.events.send(event);
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Registry) -> registry::Result<T> + Send + 'static,
    ) -> Result<T, HubError> {
        let registry = self.registry.clone();
        tokio::task::spawn_blocking(move || f(&registry))
            .await
            .map_err(|e| {
                HubError::Registry(registry::Error::Database(format!(
                    "the registry call did not finish: {e}"
                )))
            })?
            .map_err(HubError::from)
    }

    /// CreateMessage: keeps the message as `PENDING` and publishes it at
    /// once if the device is online, else when it next comes online (as
    /// IoTDA caches messages for offline devices).
    pub async fn send_message(
        self: &Arc<Self>,
        device_id: &str,
        message: DownMessage,
    ) -> Result<MessageRecord, HubError> {
        let id = device_id.to_string();
        let hub = self.clone();
        self.blocking(move |r| {
            r.device_full(&id)?;
            let message_id = match message.message_id {
                Some(m) => m,
                None => r.random_hex(32)?,
            };
            let payload = if message.raw {
                match &message.message {
                    Value::String(s) => s.clone().into_bytes(),
                    other => other.to_string().into_bytes(),
                }
            } else {
                let envelope = MessageEnvelope {
                    object_device_id: Some(id.clone()),
                    name: message.name.clone(),
                    id: Some(message_id.clone()),
                    content: message.message,
                };
                serde_json::to_vec(&envelope).map_err(|e| registry::Error::Invalid {
                    field: "message",
                    reason: e.to_string(),
                })?
            };
            let record = MessageRecord {
                message_id,
                device_id: id.clone(),
                direction: Direction::Down,
                name: message.name,
                topic: message
                    .topic
                    .unwrap_or_else(|| format!("$oc/devices/{id}/sys/messages/down")),
                payload,
                status: "PENDING",
                created_time: r.now(),
                finished_time: None,
            };
            r.record_message(&record)?;
            hub.emit(PlatformEvent::of_message(&record));
            // Asked after the message is kept: a device that comes online
            // meanwhile has its pending messages delivered either here or
            // by its status change.
            if r.device_full(&id)?.status == DeviceStatus::Online {
                hub.deliver_pending(&id);
            }
            r.message(&id, &record.message_id)
        })
        .await
    }

    /// Publishes the device's pending downlinks, oldest first, and marks
    /// them delivered. Called on a blocking thread.
    fn deliver_pending(&self, device_id: &str) {
        let _one_at_a_time = lock(&self.flushing);
        let pending = match self.registry.messages(device_id, Some(Direction::Down)) {
            Ok(all) => all.into_iter().filter(|m| m.status == "PENDING"),
            Err(e) => return self.registry_failed("read pending messages", e),
        };
        for mut m in pending {
            let _ = self.outbox.send(Outgoing {
                topic: m.topic.clone(),
                payload: m.payload.clone(),
            });
            let now = self.registry.now();
            if let Err(e) = self.registry.mark_delivered(&m.message_id, now) {
                return self.registry_failed("mark a message delivered", e);
            }
            m.status = "DELIVERED";
            self.emit(PlatformEvent::of_message(&m));
        }
    }

    fn registry_failed(&self, what: &str, e: registry::Error) {
        (self.log)(crate::log::Event::RegistryError {
            what: what.to_string(),
            error: e.to_string(),
        });
    }

    /// CreateCommand: checks the parameters against the product model's
    /// command (when `service_id` is given), refuses an offline device,
    /// publishes the command and waits for the device's answer.
    pub async fn command(
        &self,
        device_id: &str,
        request: CommandRequest,
    ) -> Result<CommandOutcome, HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        if request.service_id.is_some() {
            fits(&validate_command(&model, &request))?;
        }
        online(device)?;
        let body = CommandRequest {
            object_device_id: Some(device_id.to_string()),
            ..request.clone()
        };
        let (command_id, response) = self
            .ask(
                device_id,
                "commands",
                serde_json::to_vec(&body).unwrap_or_default(),
            )
            .await?;
        let error_code = response.is_none().then_some(TIMEOUT_CODE);
        self.emit(PlatformEvent::Command {
            device_id: device_id.to_string(),
            command_id: command_id.clone(),
            service_id: request.service_id,
            command_name: request.command_name,
            response: response.clone(),
            error_code,
        });
        Ok(match response {
            Some(response) => CommandOutcome::Answered {
                command_id,
                response,
            },
            None => CommandOutcome::TimedOut { command_id },
        })
    }

    /// Publishes `body` on `$oc/devices/{device_id}/sys/{path}/request_id={id}`
    /// and waits for the answer on `.../{path}/response/request_id={id}`:
    /// the request id and the answer (JSON, or its text as a string), or
    /// `None` after the timeout.
    async fn ask(
        &self,
        device_id: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<(String, Option<Value>), HubError> {
        let request_id = self.blocking(|r| r.random_hex(32)).await?;
        let (answered, answer) = oneshot::channel();
        lock(&self.waiting).insert(request_id.clone(), answered);
        let _ = self.outbox.send(Outgoing {
            topic: format!("$oc/devices/{device_id}/sys/{path}/request_id={request_id}"),
            payload: body,
        });
        let response =
            match tokio::time::timeout(self.command_timeout, answer).await {
                Ok(Ok(bytes)) => Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                })),
                _ => {
                    lock(&self.waiting).remove(&request_id);
                    None
                }
            };
        Ok((request_id, response))
    }

    /// The device and its product's model.
    async fn device_and_model(
        &self,
        device_id: &str,
    ) -> Result<(registry::Device, ProductModel), HubError> {
        let id = device_id.to_string();
        let (device, caps) = self
            .blocking(move |r| {
                let d = r.device_full(&id)?;
                let p = r.product(&d.product_id)?;
                Ok((d, p.service_capabilities))
            })
            .await?;
        Ok((device, model_of(caps)?))
    }

    /// UpdateProperties: checks the values against the model (each property
    /// defined, writable, its value fitting), refuses an offline device,
    /// publishes `properties/set` and waits for the answer: the request id
    /// and the device's answer, `None` after the timeout.
    pub async fn set_properties(
        &self,
        device_id: &str,
        mut request: PropertiesSetRequest,
    ) -> Result<(String, Option<Value>), HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        fits(&validate_properties_set(&model, &request))?;
        online(device)?;
        request.object_device_id = Some(device_id.to_string());
        let body = serde_json::to_vec(&request).unwrap_or_default();
        let (request_id, response) = self.ask(device_id, "properties/set", body).await?;
        self.emit_property_request("set", device_id, &request_id, &response);
        Ok((request_id, response))
    }

    /// ListProperties: asks the online device for its properties (of one
    /// service, which must be in the model, or all) on `properties/get`.
    pub async fn get_properties(
        &self,
        device_id: &str,
        service_id: Option<String>,
    ) -> Result<(String, Option<Value>), HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        if let Some(s) = &service_id {
            if model.service(s).is_none() {
                return Err(HubError::Invalid(format!(
                    "service_id: the product model has no service {s:?}"
                )));
            }
        }
        online(device)?;
        let request = PropertiesGetRequest {
            object_device_id: Some(device_id.to_string()),
            service_id,
        };
        let body = serde_json::to_vec(&request).unwrap_or_default();
        let (request_id, response) = self.ask(device_id, "properties/get", body).await?;
        self.emit_property_request("get", device_id, &request_id, &response);
        Ok((request_id, response))
    }

    fn emit_property_request(
        &self,
        operation: &'static str,
        device_id: &str,
        request_id: &str,
        response: &Option<Value>,
    ) {
        self.emit(PlatformEvent::PropertyRequest {
            operation,
            device_id: device_id.to_string(),
            request_id: request_id.to_string(),
            response: response.clone(),
            error_code: response.is_none().then_some(TIMEOUT_CODE),
        });
    }

    /// What a device published on a topic the hub hears.
    async fn heard(self: &Arc<Self>, topic: &str, payload: Vec<u8>) {
        let Ok(topic) = Topic::parse(topic) else {
            return;
        };
        match topic.kind() {
            TopicKind::MessagesUp => {
                let record = MessageRecord {
                    message_id: String::new(),
                    device_id: topic.device_id().to_string(),
                    direction: Direction::Up,
                    name: None,
                    topic: topic.to_string(),
                    payload,
                    status: "DELIVERED",
                    created_time: 0,
                    finished_time: None,
                };
                let recorded = self
                    .blocking(move |r| {
                        let record = MessageRecord {
                            message_id: r.random_hex(32)?,
                            created_time: r.now(),
                            ..record
                        };
                        r.record_message(&record).map(|()| record)
                    })
                    .await;
                match recorded {
                    Ok(record) => self.emit(PlatformEvent::of_message(&record)),
                    Err(e) => (self.log)(crate::log::Event::RegistryError {
                        what: format!("record a message of {:?}", topic.device_id()),
                        error: e.to_string(),
                    }),
                }
            }
            TopicKind::ShadowGetRequest => {
                if let Some(rid) = topic.request_id() {
                    self.answer_shadow_get(topic.device_id().to_string(), rid.to_string(), payload)
                        .await;
                }
            }
            TopicKind::PropertiesReport => {
                self.property_report(topic.device_id().to_string(), payload)
                    .await;
            }
            TopicKind::CommandResponse
            | TopicKind::PropertiesSetResponse
            | TopicKind::PropertiesGetResponse => {
                let waiter = topic
                    .request_id()
                    .and_then(|rid| lock(&self.waiting).remove(rid));
                if let Some(w) = waiter {
                    let _ = w.send(payload);
                }
            }
            _ => {}
        }
    }
}

impl Hub {
    /// Judges a property report against the device's model, keeps it, and
    /// tells the log and the event stream.
    async fn property_report(self: &Arc<Self>, device_id: String, payload: Vec<u8>) {
        let id = device_id.clone();
        let judged = self
            .blocking(move |r| {
                let d = r.device_full(&id)?;
                let caps = r.product(&d.product_id)?.service_capabilities;
                let received = r.now();
                let record = match model_of(caps) {
                    Ok(model) => judge_report(&model, &payload, received),
                    Err(e) => registry::ReportRecord {
                        payload,
                        accepted: Vec::new(),
                        problems: vec![(String::new(), e.to_string())],
                        received_time: received,
                    },
                };
                r.record_report(&id, &record)?;
                Ok(record)
            })
            .await;
        let record = match judged {
            Ok(r) => r,
            Err(e) => {
                return (self.log)(crate::log::Event::RegistryError {
                    what: format!("record a property report of {device_id:?}"),
                    error: e.to_string(),
                })
            }
        };
        if !record.accepted.is_empty() {
            self.emit(PlatformEvent::Properties {
                device_id: device_id.clone(),
                services: services_json(&record.accepted),
            });
        }
        if !record.problems.is_empty() {
            (self.log)(crate::log::Event::ReportDropped {
                device_id: device_id.clone(),
                problems: record
                    .problems
                    .iter()
                    .map(|(path, rule)| problem_line(path, rule))
                    .collect(),
            });
            self.emit(PlatformEvent::Dropped {
                device_id,
                problems: problems_json(&record.problems),
                payload: String::from_utf8_lossy(&record.payload).into_owned(),
            });
        }
    }
}

impl Hub {
    /// UpdateDeviceShadowDesiredData: checks the desired values as a
    /// property set (each property defined, writable, fitting), merges them
    /// into the shadow (refusing a service whose `version` is not the one
    /// given), pushes what the device has not reported to it if it is
    /// online, and returns the shadow.
    pub async fn set_desired(
        self: &Arc<Self>,
        device_id: &str,
        services: Vec<(String, Map<String, Value>, Option<i64>)>,
    ) -> Result<Vec<registry::ShadowService>, HubError> {
        let (_device, model) = self.device_and_model(device_id).await?;
        let as_set = PropertiesSetRequest {
            object_device_id: None,
            services: services
                .iter()
                .map(|(id, props, _)| ServiceProperties::new(id.clone(), props.clone()))
                .collect(),
        };
        fits(&validate_properties_set(&model, &as_set))?;
        let id = device_id.to_string();
        let hub = self.clone();
        self.blocking(move |r| {
            r.set_desired(&id, &services, &iotda_time(r.now()))?;
            if r.device_full(&id)?.status == DeviceStatus::Online {
                hub.push_desired(&id);
            }
            r.shadow(&id)
        })
        .await
    }

    /// Publishes, as one property set, the desired properties the device
    /// has not reported. Its answer is not waited for: the device's next
    /// report updates `reported`. Called on a blocking thread.
    fn push_desired(&self, device_id: &str) {
        let shadow = match self.registry.shadow(device_id) {
            Ok(s) => s,
            Err(e) => return self.registry_failed("read a shadow", e),
        };
        let services: Vec<ServiceProperties> = shadow
            .iter()
            .map(|s| ServiceProperties::new(s.service_id.clone(), s.unreported()))
            .filter(|s| !s.properties.is_empty())
            .collect();
        if services.is_empty() {
            return;
        }
        let request_id = match self.registry.random_hex(32) {
            Ok(r) => r,
            Err(e) => return self.registry_failed("make a request id", e),
        };
        let pushed = services_pushed(&services);
        let request = PropertiesSetRequest {
            object_device_id: Some(device_id.to_string()),
            services,
        };
        let _ = self.outbox.send(Outgoing {
            topic: format!("$oc/devices/{device_id}/sys/properties/set/request_id={request_id}"),
            payload: serde_json::to_vec(&request).unwrap_or_default(),
        });
        self.emit(PlatformEvent::DesiredPushed {
            device_id: device_id.to_string(),
            request_id,
            services: pushed,
        });
    }

    /// Answers a device's `shadow/get` on `shadow/get/response/` with its
    /// shadow (one service's if it asked for one).
    async fn answer_shadow_get(
        self: &Arc<Self>,
        device_id: String,
        request_id: String,
        payload: Vec<u8>,
    ) {
        let wanted = ShadowGetRequest::decode(&payload)
            .ok()
            .and_then(|r| r.service_id);
        let id = device_id.clone();
        let shadow = match self.blocking(move |r| r.shadow(&id)).await {
            Ok(s) => s,
            Err(e) => {
                return (self.log)(crate::log::Event::RegistryError {
                    what: format!("read the shadow of {device_id:?}"),
                    error: e.to_string(),
                })
            }
        };
        let data = |properties: &Map<String, Value>, event_time: &Option<String>| ShadowData {
            properties: properties.clone(),
            event_time: event_time.clone(),
        };
        let response = ShadowGetResponse {
            object_device_id: Some(device_id.clone()),
            shadow: shadow
                .iter()
                .filter(|s| wanted.as_ref().is_none_or(|w| *w == s.service_id))
                .map(|s| CoreShadowService {
                    service_id: s.service_id.clone(),
                    desired: Some(data(&s.desired, &s.desired_event_time)),
                    reported: Some(data(&s.reported, &s.reported_event_time)),
                    version: u64::try_from(s.version).ok(),
                })
                .collect(),
        };
        let _ = self.outbox.send(Outgoing {
            topic: format!(
                "$oc/devices/{device_id}/sys/shadow/get/response/request_id={request_id}"
            ),
            payload: serde_json::to_vec(&response).unwrap_or_default(),
        });
    }
}

fn services_pushed(services: &[ServiceProperties]) -> Value {
    services
        .iter()
        .map(|s| json!({"service_id": s.service_id, "properties": s.properties}))
        .collect()
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

fn problem_line(path: &str, rule: &str) -> String {
    if path.is_empty() {
        rule.to_string()
    } else {
        format!("{path}: {rule}")
    }
}

/// IoTDA's code for a command the device did not answer in time (error
/// code list: "Command request timed out", HTTP 200). The kit gives it to
/// unanswered property sets and gets too: Huawei documents their 20 s
/// timeout but no code of their own.
pub const TIMEOUT_CODE: &str = "IOTDA.014111";

/// `Err` listing the problems, if any.
fn fits(problems: &[Problem]) -> Result<(), HubError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(HubError::Model(
            problems.iter().map(ToString::to_string).collect(),
        ))
    }
}

/// `Err` unless the device is online.
fn online(device: registry::Device) -> Result<(), HubError> {
    if device.status == DeviceStatus::Online {
        Ok(())
    } else {
        Err(HubError::Offline(device.device_id))
    }
}

/// The product model of a product's `service_capabilities`.
fn model_of(caps: Value) -> Result<ProductModel, HubError> {
    let bytes = json!({ "service_capabilities": caps }).to_string();
    ProductModel::from_json(bytes.as_bytes())
        .map_err(|e| HubError::Invalid(format!("the product's model cannot be read: {e}")))
}

/// Device access asks the registry through the hub, so that the hub hears
/// every status change.
impl Directory for Hub {
    fn device(&self, device_id: &str) -> Result<Option<DeviceRecord>, DirectoryError> {
        self.registry.device(device_id)
    }

    fn verified_cas(&self) -> Result<Vec<CaRecord>, DirectoryError> {
        self.registry.verified_cas()
    }

    fn bind_fingerprint(&self, device_id: &str, sha256: &str) -> Result<(), DirectoryError> {
        self.registry.bind_fingerprint(device_id, sha256)
    }

    fn set_status(&self, device_id: &str, change: &StatusChange) -> Result<(), DirectoryError> {
        self.registry.set_status(device_id, change)?;
        self.emit(PlatformEvent::Status {
            device_id: device_id.to_string(),
            status: change.status.as_str(),
            reason: change.reason.as_str(),
            detail: change.detail.clone(),
            event_time: iotda_time(change.at),
        });
        if change.status == DeviceStatus::Online {
            self.deliver_pending(device_id);
            self.push_desired(device_id);
        }
        Ok(())
    }
}
