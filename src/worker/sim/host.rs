//! The simulator behind a message protocol, so that it runs in its own
//! worker (see `crate::sim_worker`): the page's first-load wasm then holds
//! none of the product-model, payload and simulation code, and a flood of
//! messages on the console never waits for it.
//!
//! ```text
//! page ── SimRequest (JSON) ──▶ worker: Host::handle ── SimResponse (JSON) ──▶ page
//!        Start, Edit, Include, Settings,              Started, View (with what to publish),
//!        Report, Tick, Receive, Answer,               ZipRead, Doctor
//!        ReadZip, Doctor
//! ```
//!
//! Everything the user types carries a revision number that the view
//! echoes: the page shows a view's texts only when no newer edit is on its
//! way, so nothing typed while the worker answers is lost.

use crate::messages::keys::sim as said;
use crate::messages::Msg;
use iotda_core::text::{Message, Say as Words};
use rand_chacha::rand_core::Rng;
use serde::{Deserialize, Serialize};

use super::{saved_model, ReplyField, ReplyForm, Request, SavedSimulator, Simulator, SystemView};
use crate::worker::sim::doctor::{self, DoctorAnswer, DoctorRequest};
use iotda_core::iotda::{DataType, Fetch, ProductModel, Simulation, Uplink};

/// What the page asks of the simulator worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SimRequest {
    /// A device: the Model page's saved model (REST JSON; `None`: the
    /// default model), the device id and the saved settings (JSON).
    Start {
        /// The model's JSON as saved by the Model page.
        model: Option<String>,
        /// The device id.
        device_id: String,
        /// [`SavedSimulator`] as JSON.
        saved: Option<String>,
    },
    /// Field `field` typed as `text`.
    Edit {
        /// The page's revision of what the user typed.
        rev: u64,
        /// Which field.
        field: usize,
        /// Its text.
        text: String,
    },
    /// Field `field` included in reports or not.
    Include {
        /// The page's revision of what the user typed.
        rev: u64,
        /// Which field.
        field: usize,
        /// Included.
        on: bool,
    },
    /// The settings as typed.
    Settings {
        /// The page's revision of what the user typed.
        rev: u64,
        /// The settings.
        settings: Settings,
    },
    /// Sends the report the fields make (whatever its problems).
    Report {
        /// Unix milliseconds.
        now_ms: u64,
    },
    /// A periodic report: values moved on, then sent.
    Tick {
        /// Unix milliseconds.
        now_ms: u64,
    },
    /// A message that arrived on one of the device's topics.
    Receive {
        /// Unix milliseconds.
        now_ms: u64,
        /// Its topic.
        topic: String,
        /// Its payload.
        payload: Vec<u8>,
    },
    /// Answers request `seq` by hand.
    Answer {
        /// The request's number.
        seq: u64,
    },
    /// The MQTT connection is up (again): the device's connect events.
    Connected {
        /// Unix milliseconds.
        now_ms: u64,
    },
    /// The gateway asks the platform for one more sub-device.
    AddSubDevice {
        /// Unix milliseconds.
        now_ms: u64,
    },
    /// The gateway asks the platform to delete a sub-device.
    DeleteSubDevice {
        /// Its device id.
        device_id: String,
        /// Unix milliseconds.
        now_ms: u64,
    },
    /// Reads the console's offline ZIP of a product model (for the Model
    /// page, which then carries no ZIP code of its own).
    ReadZip {
        /// The file's name, for messages.
        name: String,
        /// The ZIP.
        bytes: Vec<u8>,
    },
    /// The Connection page's Doctor card asks for a verdict.
    Doctor(Box<DoctorRequest>),
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SimResponse {
    /// The worker is running and takes requests.
    Ready,
    /// A device was started (or could not be).
    Started(Box<Started>),
    /// The simulator after a request.
    View(Box<SimView>),
    /// A ZIP read: its name and the model's REST JSON, or what is wrong.
    ZipRead {
        /// The file's name.
        name: String,
        /// The model's REST JSON, or what is wrong with the ZIP.
        json: Result<String, Msg>,
    },
    /// The doctor's answer to a [`SimRequest::Doctor`].
    Doctor(Box<DoctorAnswer>),
    /// The request could not be taken.
    Failed(Msg),
}

impl SimResponse {
    /// A failure of the worker itself.
    pub fn worker_failed(why: impl Words) -> Self {
        Self::Failed(Msg(why.message()))
    }
}

/// The settings the user types, besides the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Settings {
    /// The report's `event_time` (`None`: none).
    pub event_time: Option<String>,
    /// Reporting interval in seconds.
    pub interval: String,
    /// Random walk (else uniform draws).
    pub walk: bool,
    /// Answer requests as they come.
    pub auto_answer: bool,
    /// How commands are answered.
    pub reply: ReplyForm,
    /// The firmware version the device runs.
    pub fw_version: String,
    /// The software version the device runs.
    pub sw_version: String,
    /// The result code upgrades fail with on purpose (empty: none).
    pub fail_upgrade: String,
    /// How many sub-devices a gateway asks for (0: not a gateway).
    pub sub_devices: String,
}

/// How a field is typed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldKind {
    /// A number input with the model's bounds and step.
    Number {
        /// `min`.
        min: Option<String>,
        /// `max`.
        max: Option<String>,
        /// `step` (`any` when the model has none).
        step: String,
    },
    /// A checkbox.
    Boolean,
    /// A choice among the model's `enum_list`.
    Choice(Vec<String>),
    /// Free text (strings, times, JSON objects and lists).
    Text,
}

/// A field of the report builder, as the model defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Element id: `sim-{service}-{property}`.
    pub id: String,
    /// `service · property`.
    pub label: String,
    /// What the model allows, in words, one item each.
    pub hint: Vec<Msg>,
    /// How it is typed.
    pub kind: FieldKind,
}

/// A started device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    /// The device id.
    pub device_id: String,
    /// Why there is no device (an invalid id), if there is none.
    pub device_error: Option<Msg>,
    /// Why the saved model was not used, if it was not.
    pub model_note: Option<Msg>,
    /// Services of the model.
    pub services: usize,
    /// Where reports go.
    pub report_topic: String,
    /// The fields, in the model's order.
    pub fields: Vec<FieldDef>,
    /// The first view.
    pub view: Option<SimView>,
}

/// Something to publish (QoS 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Topic.
    pub topic: String,
    /// JSON.
    pub payload: String,
}

/// A chart of one numeric property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// `service.property`.
    pub label: String,
    /// Last value, unit, range and count in words.
    pub caption: Msg,
    /// SVG polyline points.
    pub points: String,
    /// How many reports it shows.
    pub count: usize,
}

/// The simulator as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimView {
    /// The last revision of typed input taken into account.
    pub rev: u64,
    /// The fields' texts.
    pub texts: Vec<String>,
    /// Whether each field is reported.
    pub include: Vec<bool>,
    /// Why each field's value does not fit the model.
    pub errors: Vec<Option<Msg>>,
    /// The settings.
    pub settings: Settings,
    /// The interval in milliseconds, or why it cannot be used.
    pub interval_ms: Result<u32, Msg>,
    /// What is wrong with the command reply, and in which field.
    pub reply_error: Option<(ReplyField, Msg)>,
    /// The exact report JSON.
    pub preview: String,
    /// Its problems.
    pub problems: Vec<Msg>,
    /// Requests from the platform, newest first.
    pub requests: Vec<Request>,
    /// Charts of the numeric properties reported so far.
    pub charts: Vec<Chart>,
    /// The OTA and gateway panels.
    pub system: SystemView,
    /// What to publish now.
    pub outbox: Vec<Outgoing>,
    /// What the request could not do, if anything.
    pub error: Option<Msg>,
    /// [`SavedSimulator`] as JSON, for the page to keep.
    pub saved: String,
}

/// The simulator and the last revision of typed input it took.
#[derive(Debug, Default)]
pub struct Host {
    sim: Option<Simulator>,
    rev: u64,
}

impl Host {
    /// Carries out `request`; `rng` moves simulated values.
    pub fn handle<R: Rng + ?Sized>(&mut self, request: SimRequest, rng: &mut R) -> SimResponse {
        let request = match request {
            SimRequest::Start {
                model,
                device_id,
                saved,
            } => {
                return SimResponse::Started(Box::new(self.start(
                    model.as_deref(),
                    &device_id,
                    saved.as_deref(),
                )))
            }
            SimRequest::ReadZip { name, bytes } => {
                let json = ProductModel::from_zip(&bytes)
                    .map_err(|e| Msg(e.message()))
                    .and_then(|m| m.to_json().map_err(|e| Msg(e.message())));
                return SimResponse::ZipRead { name, json };
            }
            SimRequest::Doctor(request) => {
                return SimResponse::Doctor(Box::new(doctor::answer(&request)))
            }
            other => other,
        };
        let Some(sim) = self.sim.as_mut() else {
            return SimResponse::Failed(Msg(Message::new(said::NO_DEVICE)));
        };
        let mut outbox = Vec::new();
        let mut error = None;
        match request {
            SimRequest::Start { .. } | SimRequest::ReadZip { .. } | SimRequest::Doctor(_) => {}
            SimRequest::Edit { rev, field, text } => {
                self.rev = rev;
                sim.edit(field, text);
            }
            SimRequest::Include { rev, field, on } => {
                self.rev = rev;
                sim.include(field, on);
            }
            SimRequest::Settings { rev, settings } => {
                self.rev = rev;
                sim.event_time = settings.event_time;
                sim.interval = settings.interval;
                sim.simulation = if settings.walk {
                    Simulation::RandomWalk
                } else {
                    Simulation::Random
                };
                sim.auto_answer = settings.auto_answer;
                sim.set_reply(settings.reply);
                sim.system.configure(
                    &settings.fw_version,
                    &settings.sw_version,
                    &settings.fail_upgrade,
                    &settings.sub_devices,
                );
            }
            SimRequest::Report { now_ms } => {
                let payload = sim.preview().payload;
                sim.sent(now_ms, &payload);
                outbox.push(Outgoing {
                    topic: sim.report_topic(),
                    payload,
                });
                sim.gateway_reports(now_ms);
            }
            SimRequest::Tick { now_ms } => {
                let payload = sim.tick(now_ms, rng).payload;
                sim.sent(now_ms, &payload);
                outbox.push(Outgoing {
                    topic: sim.report_topic(),
                    payload,
                });
                sim.gateway_reports(now_ms);
            }
            SimRequest::Connected { now_ms } => sim.system.connected(now_ms),
            SimRequest::AddSubDevice { now_ms } => sim.system.add_sub_devices(1, now_ms),
            SimRequest::DeleteSubDevice { device_id, now_ms } => {
                sim.system.delete_sub_device(&device_id, now_ms);
            }
            SimRequest::Receive {
                now_ms,
                topic,
                payload,
            } => outbox.extend(sim.receive(now_ms, &topic, &payload).map(outgoing)),
            SimRequest::Answer { seq } => match sim.answer(seq) {
                Ok(up) => outbox.push(outgoing(up)),
                Err(e) => error = Some(e),
            },
        }
        outbox.extend(sim.system.take_outbox().into_iter().map(outgoing));
        SimResponse::View(Box::new(view(sim, self.rev, outbox, error)))
    }

    /// The package download the device asked for, taken: the worker
    /// makes it and hands the result to [`Host::fetched`].
    pub fn take_fetch(&mut self) -> Option<Fetch> {
        self.sim.as_mut().and_then(|s| s.system.take_fetch())
    }

    /// The package of the upgrade under way (or why there is none), at
    /// `now_ms`: the view with the progress and result to publish.
    pub fn fetched(&mut self, fetched: Result<Vec<u8>, Msg>, now_ms: u64) -> SimResponse {
        let Some(sim) = self.sim.as_mut() else {
            return SimResponse::Failed(Msg(Message::new(said::NO_DEVICE)));
        };
        sim.system.fetched(fetched, now_ms);
        let outbox = sim.system.take_outbox().into_iter().map(outgoing).collect();
        SimResponse::View(Box::new(view(sim, self.rev, outbox, None)))
    }

    fn start(&mut self, model: Option<&str>, device_id: &str, saved: Option<&str>) -> Started {
        let (model, model_note) = saved_model(model);
        let services = model.service_capabilities.len();
        self.sim = None;
        let mut started = Started {
            device_id: device_id.to_owned(),
            device_error: None,
            model_note,
            services,
            report_topic: String::new(),
            fields: Vec::new(),
            view: None,
        };
        let mut sim = match Simulator::new(model, device_id) {
            Ok(sim) => sim,
            Err(e) => {
                started.device_error = Some(Msg(e.message()));
                return started;
            }
        };
        if let Some(saved) = saved.and_then(|s| serde_json::from_str::<SavedSimulator>(s).ok()) {
            sim.restore(&saved);
        }
        started.report_topic = sim.report_topic();
        started.fields = sim.fields.iter().map(field_def).collect();
        started.view = Some(view(&sim, self.rev, Vec::new(), None));
        self.sim = Some(sim);
        started
    }
}

fn outgoing(up: Uplink) -> Outgoing {
    Outgoing {
        topic: up.topic.to_string(),
        payload: String::from_utf8_lossy(&up.payload).into_owned(),
    }
}

fn field_def(f: &super::Field) -> FieldDef {
    let p = &f.property;
    let kind = match (&p.enum_list, p.data_type) {
        (_, DataType::Boolean) => FieldKind::Boolean,
        (Some(list), DataType::String | DataType::Enum) => FieldKind::Choice(list.clone()),
        (_, t) if t.is_numeric() => FieldKind::Number {
            min: p.min.clone(),
            max: p.max.clone(),
            step: p
                .step
                .as_ref()
                .map_or_else(|| "any".to_owned(), ToString::to_string),
        },
        _ => FieldKind::Text,
    };
    FieldDef {
        id: format!("sim-{}-{}", f.service_id, p.property_name),
        label: format!("{} · {}", f.service_id, p.property_name),
        hint: f.hint(),
        kind,
    }
}

fn view(sim: &Simulator, rev: u64, outbox: Vec<Outgoing>, error: Option<Msg>) -> SimView {
    let preview = sim.preview();
    SimView {
        rev,
        texts: sim.fields.iter().map(|f| f.text.clone()).collect(),
        include: sim.fields.iter().map(|f| f.include).collect(),
        errors: sim.fields.iter().map(|f| f.error.clone()).collect(),
        settings: Settings {
            event_time: sim.event_time.clone(),
            interval: sim.interval.clone(),
            walk: sim.simulation == Simulation::RandomWalk,
            auto_answer: sim.auto_answer,
            reply: sim.reply.clone(),
            fw_version: sim.system.versions().0.to_owned(),
            sw_version: sim.system.versions().1.to_owned(),
            fail_upgrade: sim.system.fail_upgrade.clone(),
            sub_devices: sim.system.sub_devices.clone(),
        },
        interval_ms: sim.interval_ms(),
        reply_error: sim.reply_error.clone(),
        preview: preview.payload,
        problems: preview.problems,
        requests: sim.requests.iter().rev().cloned().collect(),
        charts: sim
            .series
            .iter()
            .filter(|s| !s.points.is_empty())
            .map(super::Series::chart)
            .collect(),
        system: sim.system.view(),
        outbox,
        error,
        saved: serde_json::to_string(&sim.saved()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use serde_json::{json, Value};

    use super::*;
    use crate::worker::sim::{CHART_HEIGHT, CHART_WIDTH};

    const DEV: &str = "dev_1";

    fn started(host: &mut Host, model: Option<&str>, device_id: &str) -> Started {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let response = host.handle(
            SimRequest::Start {
                model: model.map(str::to_owned),
                device_id: device_id.to_owned(),
                saved: None,
            },
            &mut rng,
        );
        match roundtrip(response) {
            SimResponse::Started(s) => *s,
            other => panic!("{other:?}"),
        }
    }

    /// Through JSON, as between the worker and the page.
    fn roundtrip(response: SimResponse) -> SimResponse {
        let text = serde_json::to_string(&response).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn ask(host: &mut Host, request: SimRequest) -> SimView {
        let text = serde_json::to_string(&request).unwrap();
        let request = serde_json::from_str(&text).unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        match roundtrip(host.handle(request, &mut rng)) {
            SimResponse::View(v) => *v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_device_starts_with_its_fields_typed_by_the_model() {
        let mut host = Host::default();
        let model = json!({"service_capabilities": [{"service_id": "Lamp", "properties": [
            {"property_name": "level", "data_type": "int", "min": "0", "max": "10", "step": 1, "method": "RW"},
            {"property_name": "ratio", "data_type": "decimal", "method": "R"},
            {"property_name": "on", "data_type": "boolean", "method": "RW"},
            {"property_name": "mode", "data_type": "string", "enum_list": ["auto", "off"], "method": "RW"},
            {"property_name": "note", "data_type": "string", "method": "R"}]}]})
        .to_string();
        let s = started(&mut host, Some(&model), DEV);
        assert_eq!(s.device_error, None);
        assert_eq!(s.services, 1);
        assert_eq!(s.report_topic, "$oc/devices/dev_1/sys/properties/report");
        let kinds: Vec<&FieldKind> = s.fields.iter().map(|f| &f.kind).collect();
        assert_eq!(
            kinds,
            [
                &FieldKind::Number {
                    min: Some("0".into()),
                    max: Some("10".into()),
                    step: "1".into()
                },
                &FieldKind::Number {
                    min: None,
                    max: None,
                    step: "any".into()
                },
                &FieldKind::Boolean,
                &FieldKind::Choice(vec!["auto".into(), "off".into()]),
                &FieldKind::Text,
            ]
        );
        assert_eq!(s.fields[0].id, "sim-Lamp-level");
        assert_eq!(s.fields[0].label, "Lamp · level");
        let view = s.view.unwrap();
        assert_eq!(view.texts[0], "0");
        assert!(view.problems.is_empty(), "{:?}", view.problems);
    }

    #[test]
    fn a_bad_device_id_or_model_is_said_and_nothing_runs() {
        let mut host = Host::default();
        let s = started(&mut host, Some("{oops"), "bad id");
        assert!(s
            .device_error
            .unwrap()
            .starts_with("device id \"bad id\" is not valid"));
        assert!(s.model_note.unwrap().contains("using the default model"));
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert_eq!(
            host.handle(SimRequest::Report { now_ms: 0 }, &mut rng),
            SimResponse::Failed(Msg(Message::new(said::NO_DEVICE)))
        );
    }

    #[test]
    fn views_echo_the_revision_and_carry_what_to_publish() {
        let mut host = Host::default();
        started(&mut host, None, DEV);
        let v = ask(
            &mut host,
            SimRequest::Edit {
                rev: 7,
                field: 1,
                text: "55".into(),
            },
        );
        assert_eq!((v.rev, v.texts[1].as_str()), (7, "55"));
        assert!(v.outbox.is_empty());
        let v = ask(&mut host, SimRequest::Report { now_ms: 1000 });
        assert_eq!(v.rev, 7);
        assert_eq!(
            v.outbox,
            [Outgoing {
                topic: "$oc/devices/dev_1/sys/properties/report".into(),
                payload: v.preview.clone(),
            }]
        );
        assert_eq!(v.charts.len(), 2);
        assert_eq!(v.charts[1].label, "Battery.batteryLevel");
        assert_eq!(v.charts[1].count, 1);
        assert_eq!(v.charts[1].caption, "55 % (min 55, max 55, last report)");
        let settings = Settings {
            event_time: None,
            interval: "0".into(),
            walk: false,
            auto_answer: true,
            reply: ReplyForm::default(),
            ..Settings::default()
        };
        let v = ask(&mut host, SimRequest::Settings { rev: 8, settings });
        assert_eq!(v.rev, 8);
        assert!(v.interval_ms.is_err());
        let saved: Value = serde_json::from_str(&v.saved).unwrap();
        assert_eq!(saved["auto_answer"], true);
        let v = ask(
            &mut host,
            SimRequest::Receive {
                now_ms: 5,
                topic: "$oc/devices/dev_1/sys/properties/get/request_id=3".into(),
                payload: b"{}".to_vec(),
            },
        );
        assert_eq!(
            v.outbox[0].topic,
            "$oc/devices/dev_1/sys/properties/get/response/request_id=3"
        );
        assert!(v.outbox[0].payload.contains(r#""batteryLevel":55"#));
        assert_eq!(v.requests[0].title, "Property get of every service");
        assert!(!v.requests[0].awaits_answer);
        let v = ask(&mut host, SimRequest::Answer { seq: 0 });
        assert_eq!(
            v.error.as_ref().map(ToString::to_string).as_deref(),
            Some("that request needs no answer, or has one")
        );
        let v = ask(&mut host, SimRequest::Tick { now_ms: 6000 });
        assert_eq!(v.outbox.len(), 1);
        assert_eq!(v.charts[1].count, 2);
    }

    /// The `(service_id, event_type)` of each event in the outbox.
    fn events(v: &SimView) -> Vec<(String, String)> {
        v.outbox
            .iter()
            .filter_map(|o| serde_json::from_str::<Value>(&o.payload).ok())
            .filter_map(|v| v["services"][0].as_object().cloned())
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
                (s("service_id"), s("event_type"))
            })
            .collect()
    }

    /// The `(result_code, progress, version)` of each progress report.
    fn progress(v: &SimView) -> Vec<(i64, Option<i64>, String)> {
        v.outbox
            .iter()
            .filter_map(|o| serde_json::from_str::<Value>(&o.payload).ok())
            .map(|v| v["services"][0].clone())
            .filter(|e| e["event_type"] == "upgrade_progress_report")
            .map(|e| {
                let p = &e["paras"];
                let version = p["version"].as_str().unwrap_or_default().to_owned();
                (
                    p["result_code"].as_i64().unwrap(),
                    p["progress"].as_i64(),
                    version,
                )
            })
            .collect()
    }

    fn upgrade_to(package: &[u8], sign: &[u8]) -> SimRequest {
        use iotda_core::pki::{fingerprint, FingerprintAlg};
        // The platform's sign is lowercase; the device takes either case.
        let sign = fingerprint(sign, FingerprintAlg::Sha256, false).to_lowercase();
        let notice = json!({"services": [{"service_id": "$ota", "event_type": "firmware_upgrade",
            "event_time": "20151212T121212Z", "paras": {"version": "1.1",
            "url": "https://127.0.0.1:8943/kit/ota/packages/1", "file_size": package.len(),
            "access_token": "t0k", "expires": 86400, "sign": sign}}]});
        SimRequest::Receive {
            now_ms: 10,
            topic: format!("$oc/devices/{DEV}/sys/events/down"),
            payload: notice.to_string().into_bytes(),
        }
    }

    fn fetched(host: &mut Host, bytes: Result<Vec<u8>, Msg>) -> SimView {
        match roundtrip(host.fetched(bytes, 20)) {
            SimResponse::View(v) => *v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_device_sends_its_connect_events_and_upgrades_from_a_checked_package() {
        let mut host = Host::default();
        started(&mut host, None, DEV);
        let v = ask(&mut host, SimRequest::Connected { now_ms: 5 });
        let pair = |s: &str, e: &str| (s.to_owned(), e.to_owned());
        assert_eq!(
            events(&v),
            [
                pair("$time_sync", "time_sync_request"),
                pair("$ota", "version_report")
            ]
        );
        assert_eq!(
            v.outbox[1].topic,
            "$oc/devices/dev_1/sys/shadow/get/request_id=shadow-1"
        );
        assert_eq!(
            (v.system.fw_version.as_str(), v.system.gateway),
            ("1.0", false)
        );

        let package = b"firmware 1.1".to_vec();
        let v = ask(&mut host, upgrade_to(&package, &package));
        assert_eq!(progress(&v), [(0, Some(0), "1.0".to_owned())]);
        assert!(v.system.upgrade.as_ref().is_some_and(|u| u.running));
        let fetch = host.take_fetch().expect("a download to make");
        assert_eq!(
            (
                fetch.url.as_str(),
                fetch.access_token.as_deref(),
                fetch.max_len
            ),
            ("https://127.0.0.1:8943/kit/ota/packages/1", Some("t0k"), 13)
        );
        let v = fetched(&mut host, Ok(package.clone()));
        assert_eq!(
            progress(&v),
            [
                (0, Some(50), "1.0".to_owned()),
                (0, Some(100), "1.1".to_owned())
            ]
        );
        let u = v.system.upgrade.clone().unwrap();
        assert_eq!(
            (u.code, u.name.to_string(), u.running),
            (0, "success".into(), false)
        );
        assert_eq!(v.system.fw_version, "1.1");
        // The new version is what a reload starts at.
        let saved: SavedSimulator = serde_json::from_str(&v.saved).unwrap();
        assert_eq!(saved.fw_version, "1.1");

        // A package whose sign does not match: refused with code 7, named.
        let v = ask(&mut host, upgrade_to(&package, b"another package"));
        assert_eq!(progress(&v), [(0, Some(0), "1.1".to_owned())]);
        assert!(host.take_fetch().is_some());
        let v = fetched(&mut host, Ok(package.clone()));
        assert_eq!(progress(&v), [(7, None, "1.1".to_owned())]);
        let u = v.system.upgrade.unwrap();
        assert_eq!(u.name, "upgrade package verification failure");
        assert_eq!(v.system.fw_version, "1.1");

        // A download that failed: 255, and why it failed kept.
        ask(&mut host, upgrade_to(&package, &package));
        host.take_fetch();
        let v = fetched(&mut host, Err(Msg(Message::new(said::NO_DEVICE))));
        assert_eq!(progress(&v), [(255, None, "1.1".to_owned())]);
        assert!(v.system.upgrade.unwrap().download_error.is_some());
    }

    #[test]
    fn upgrades_fail_on_purpose_with_the_chosen_code() {
        let mut host = Host::default();
        started(&mut host, None, DEV);
        let settings = Settings {
            fail_upgrade: "4".into(),
            fw_version: "2.0".into(),
            ..Settings::default()
        };
        ask(&mut host, SimRequest::Settings { rev: 1, settings });
        let v = ask(&mut host, upgrade_to(b"x", b"x"));
        assert_eq!(progress(&v), [(4, None, "2.0".to_owned())]);
        assert_eq!(host.take_fetch(), None);
        assert_eq!(v.system.upgrade.unwrap().name, "low battery");
    }

    #[test]
    fn a_gateway_asks_for_its_sub_devices_reports_for_them_and_deletes_one() {
        let mut host = Host::default();
        started(&mut host, None, "p_gw");
        let settings = Settings {
            sub_devices: "3".into(),
            ..Settings::default()
        };
        let v = ask(&mut host, SimRequest::Settings { rev: 1, settings });
        assert!(v.system.gateway);
        let v = ask(&mut host, SimRequest::Connected { now_ms: 5 });
        let add: Value = serde_json::from_str(&v.outbox.last().unwrap().payload).unwrap();
        let add = &add["services"][0];
        assert_eq!(add["event_type"], "add_sub_device_request");
        let nodes: Vec<&str> = add["paras"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["node_id"].as_str().unwrap())
            .collect();
        assert_eq!(nodes, ["gw-sub1", "gw-sub2", "gw-sub3"]);
        // A second connection does not ask again.
        let v = ask(&mut host, SimRequest::Connected { now_ms: 6 });
        assert_eq!(events(&v).len(), 2);

        let devices: Vec<Value> = nodes
            .iter()
            .map(|n| {
                json!({"parent_device_id": "p_gw", "node_id": n, "device_id": format!("p_{n}"),
                "product_id": "p"})
            })
            .collect();
        let answer = json!({"services": [{"service_id": "$sub_device_manager",
            "event_type": "add_sub_device_response", "event_id": add["event_id"],
            "paras": {"successful_devices": devices, "failed_devices": []}}]});
        let v = ask(
            &mut host,
            SimRequest::Receive {
                now_ms: 7,
                topic: "$oc/devices/p_gw/sys/events/down".into(),
                payload: answer.to_string().into_bytes(),
            },
        );
        let rows: Vec<(&str, &str)> = v
            .system
            .sub_devices
            .iter()
            .map(|r| (r.device_id.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("p_gw-sub1", "ONLINE"),
                ("p_gw-sub2", "ONLINE"),
                ("p_gw-sub3", "ONLINE")
            ]
        );
        let v = ask(&mut host, SimRequest::Report { now_ms: 8 });
        assert_eq!(
            v.outbox[1].topic,
            "$oc/devices/p_gw/sys/gateway/sub_devices/properties/report"
        );
        let report: Value = serde_json::from_str(&v.outbox[1].payload).unwrap();
        assert_eq!(report["devices"].as_array().unwrap().len(), 3);
        let v = ask(
            &mut host,
            SimRequest::DeleteSubDevice {
                device_id: "p_gw-sub2".into(),
                now_ms: 9,
            },
        );
        let delete: Value = serde_json::from_str(&v.outbox[0].payload).unwrap();
        assert_eq!(
            delete["services"][0]["paras"]["devices"],
            json!(["p_gw-sub2"])
        );
        let v = ask(&mut host, SimRequest::AddSubDevice { now_ms: 9 });
        let add: Value = serde_json::from_str(&v.outbox[0].payload).unwrap();
        assert_eq!(
            add["services"][0]["paras"]["devices"][0]["node_id"],
            "gw-sub4"
        );
        // A count that is not one is said.
        let settings = Settings {
            sub_devices: "many".into(),
            ..Settings::default()
        };
        let v = ask(&mut host, SimRequest::Settings { rev: 2, settings });
        assert!(v.system.gateway_error.is_some());
    }

    #[test]
    fn a_zip_is_read_into_the_rest_json_or_its_problem_named() {
        let mut host = Host::default();
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        // The core's fixture: a ZIP as Python's zipfile writes it.
        let zip =
            include_bytes!("../../../crates/core/tests/fixtures/iotda/product_model_profile.zip");
        let response = host.handle(
            SimRequest::ReadZip {
                name: "m.zip".into(),
                bytes: zip.to_vec(),
            },
            &mut rng,
        );
        let SimResponse::ZipRead { name, json } = roundtrip(response) else {
            panic!("a ZIP answer");
        };
        assert_eq!(name, "m.zip");
        let model = ProductModel::from_json(json.unwrap().as_bytes()).unwrap();
        assert_eq!(model, ProductModel::from_zip(zip).unwrap());
        let response = host.handle(
            SimRequest::ReadZip {
                name: "bad.zip".into(),
                bytes: b"PK nonsense".to_vec(),
            },
            &mut rng,
        );
        let SimResponse::ZipRead { json, .. } = response else {
            panic!("a ZIP answer");
        };
        assert!(json.unwrap_err().contains("ZIP"), "the problem is named");
    }

    #[test]
    fn charts_fill_their_box_and_long_bodies_are_cut() {
        let mut host = Host::default();
        started(&mut host, None, DEV);
        for (i, level) in ["0", "100", "50"].iter().enumerate() {
            ask(
                &mut host,
                SimRequest::Edit {
                    rev: i as u64,
                    field: 1,
                    text: (*level).into(),
                },
            );
            ask(&mut host, SimRequest::Report { now_ms: i as u64 });
        }
        let v = ask(
            &mut host,
            SimRequest::Receive {
                now_ms: 0,
                topic: "$oc/devices/dev_1/sys/messages/down".into(),
                payload: "x".repeat(5000).into_bytes(),
            },
        );
        let chart = &v.charts[1];
        assert_eq!(
            chart.points,
            format!(
                "0.0,{h}.0 140.0,4.0 280.0,{m}.0",
                h = CHART_HEIGHT - 4,
                m = CHART_HEIGHT / 2
            )
        );
        assert_eq!(CHART_WIDTH, 280);
        assert_eq!(
            v.requests[0].body,
            format!("{}… (904 more bytes not shown)", "x".repeat(4096))
        );
    }
}
