//! The platform's application side: what IoTDA does with devices once they
//! are connected. It keeps each device's status and message history
//! ([`messages`]), judges property reports against the product model
//! ([`report`]), sends commands and property sets and gets and waits for
//! their answers ([`requests`]), keeps the device shadow ([`shadow`]), and
//! tells every listener (the page's event stream) what happened
//! ([`event`]).
//!
//! It hears and talks to devices through its own session on the broker
//! ([`link`]), and hears status changes as the [`Directory`] device access
//! reports them to (it wraps the registry). Registry calls run on tokio's
//! blocking pool; the judgement of a report is a pure function.

mod event;
mod gateway;
mod link;
mod messages;
mod ota;
mod report;
mod requests;
mod shadow;
mod system;

pub use event::{problems_json, services_json, PlatformEvent};
pub use gateway::SubDeviceChange;
pub use messages::DownMessage;
pub use ota::{package_path, result_name, TOKEN_TTL};
pub use report::judge_report;
pub use requests::{CommandOutcome, TIMEOUT_CODE};

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use iotda_core::gzip;
use iotda_core::iotda::{ProductModel, Topic, TopicKind};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::broker::BrokerEndpoint;
use crate::directory::{
    CaRecord, DeviceRecord, DeviceStatus, Directory, DirectoryError, StatusChange,
};
use crate::log::LogSink;
use crate::registry::{self, iotda_time, Direction, MessageRecord, Registry};
use event::problem_line;
use link::Outgoing;

/// IoTDA's synchronous command timeout: "The timeout interval is 20
/// seconds" (API reference, CreateCommand).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(20);
/// The most a gzip uplink may inflate to: IoTDA's 1 MB message limit
/// (the kit's choice of bound; Huawei documents the limit on what is
/// published, not on what it inflates to).
const MAX_UNZIPPED: usize = 1024 * 1024;
/// How many events a slow event-stream listener may fall behind before it
/// misses some.
const EVENT_BACKLOG: usize = 1024;

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
    /// Where the HTTPS server serves packages, once it runs.
    ota_base: Mutex<Option<String>>,
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
            ota_base: Mutex::new(None),
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

    fn registry_failed(&self, what: &str, e: registry::Error) {
        (self.log)(crate::log::Event::RegistryError {
            what: what.to_string(),
            error: e.to_string(),
        });
    }

    /// What a device published on a topic the hub hears.
    async fn heard(self: &Arc<Self>, topic: &str, payload: Vec<u8>) {
        let Ok(topic) = Topic::parse(topic) else {
            return;
        };
        match topic.kind() {
            TopicKind::MessagesUp => {
                let Some(payload) = self.unzipped(&topic, payload) else {
                    return;
                };
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
                let Some(payload) = self.unzipped(&topic, payload) else {
                    return;
                };
                self.property_report(topic.device_id().to_string(), payload)
                    .await;
            }
            TopicKind::EventsUp => self.events_up(topic.device_id(), &payload).await,
            TopicKind::GatewaySubDevicesPropertiesReport => {
                let Some(payload) = self.unzipped(&topic, payload) else {
                    return;
                };
                self.gateway_report(topic.device_id(), &payload).await;
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
    /// The payload of an uplink as the device meant it: a `?encoding=gzip`
    /// topic's payload inflated (at most [`MAX_UNZIPPED`] bytes), any other
    /// as it came. `None`, logged, when it is not gzip.
    fn unzipped(&self, topic: &Topic, payload: Vec<u8>) -> Option<Vec<u8>> {
        if !topic.is_gzip() {
            return Some(payload);
        }
        gzip::decompress(&payload, MAX_UNZIPPED)
            .map_err(|e| {
                (self.log)(crate::log::Event::UplinkDropped {
                    device_id: topic.device_id().to_string(),
                    topic: topic.to_string(),
                    why: format!("the payload is not readable gzip: {e}"),
                });
            })
            .ok()
    }

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
            self.start_upgrades(device_id);
        }
        Ok(())
    }
}
