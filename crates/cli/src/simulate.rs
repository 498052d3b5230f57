//! `iotda-kit simulate`: the core's simulated device
//! (`iotda_core::iotda::device`) on a live connection, driven by the MQTT
//! loop of `pub` and `sub`, with the clock and the randomness read here.
//!
//! It subscribes to the device's downlinks, reports its properties every
//! `--interval` seconds (the first report once the broker has granted the
//! subscriptions) and prints one line per event on stdout:
//!
//! ```text
//! report 1 {"services":[...]}
//! command request_id=42 {"service_id":..,"command_name":..,"paras":{..}}: answered {"result_code":0,..}
//! property set request_id=7 {"services":[...]}: applied {"result_code":0,"result_desc":"success"}
//! property get request_id=8 {"service_id":"Battery"}: answered {"services":[...]}
//! message down "hello"
//! ```
//!
//! Without `--auto-respond` requests are printed and left unanswered (and a
//! property set is not applied). Everything the simulator publishes is QoS
//! 1. Connection news goes to stderr, as with `sub`.
//!
//! The platform's system services are the core's `SystemDevice`: on every
//! connection it asks for the time and the shadow (whose `desired` values
//! it applies) and reports its versions (`--firmware-version`); it answers
//! `version_query`, and performs an upgrade on `firmware_upgrade` /
//! `software_upgrade`, downloading the package here (`download.rs`,
//! trusting `--ca`), or fails it with `--fail-upgrade CODE`. With
//! `--gateway N` it asks the platform to add N sub-devices and reports for
//! those the platform added.
//!
//! What the system services publish and do goes to stderr, beside the
//! connection news, so stdout keeps one line per report and request:
//!
//! ```text
//! event up {"services":[{"service_id":"$ota","event_type":"upgrade_progress_report",...}]}
//! download https://.../1.1.bin
//! upgrade success (code 0): version 1.1
//! time offset 23291 ms
//! ```

use std::time::Duration;

use iotda_core::iotda::{
    downlink_filters, CommandReply, DeviceError, Downlink, EventTime, Message as IotdaMessage,
    SimulatedDevice, Simulation, SystemAction, SystemDevice, UpgradeResult, Uplink,
};
use iotda_core::mqtt::session::{Event, Instant, Message, RequestId, Session};
use iotda_core::mqtt::{QoS, Subscription, TopicFilter, TopicName};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{Map, Value};

use crate::args::SimulateArgs;
use crate::mqtt::{self, Client, Flow, Outcome};
use crate::{model, rng, unix_now_millis, CliError};

/// Runs `iotda-kit simulate`.
pub fn run(args: &SimulateArgs) -> Result<(), CliError> {
    let model = model::load(&args.model)?;
    let device_id = args
        .connection
        .device_id
        .as_ref()
        .or(args.connection.username.as_ref())
        .ok_or_else(|| {
            CliError::Usage(
                "simulate needs the device id for its topics: --device-id, or --username (the \
                 device id on IoTDA) with raw MQTT credentials"
                    .into(),
            )
        })?;
    let mut device =
        SimulatedDevice::new(model, device_id).map_err(|e| CliError::Usage(e.to_string()))?;
    device.set_command_reply(command_reply(args)?);
    let mut system = SystemDevice::new(device_id, &args.firmware_version);
    if let Some(code) = args.fail_upgrade {
        let result = UpgradeResult::try_from(code)
            .ok()
            .filter(|r| *r != UpgradeResult::Success)
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--fail-upgrade: {code} is not a failure code IoTDA defines; use 1-10 or 255"
                ))
            })?;
        system.fail_upgrades_with(Some(result));
    }
    system.set_gateway(args.gateway > 0);
    let services = device
        .report(&args.service, None)
        .map_err(|e| CliError::Usage(format!("--service: {e}")))?
        .services
        .len();
    match args.count {
        Some(0) => return Err(CliError::Usage("--count: must be at least 1".into())),
        Some(n) if n > 1 && args.interval == 0 => {
            return Err(CliError::Usage(format!(
                "--count {n} needs --interval above 0: --interval 0 reports once"
            )))
        }
        _ => {}
    }
    let subscriptions = downlink_filters(device_id)
        .map_err(|e| CliError::Usage(e.to_string()))?
        .into_iter()
        .map(|f| {
            TopicFilter::new(f)
                .map(|f| Subscription::new(f, QoS::AtLeastOnce))
                .map_err(|e| CliError::Failure(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rng = match args.seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => rng()?,
    };
    let simulation = if args.walk {
        Simulation::RandomWalk
    } else {
        Simulation::Random
    };
    eprintln!(
        "simulating {device_id}: {services} service{} reported {}, {}; {}",
        if services == 1 { "" } else { "s" },
        match args.interval {
            0 => "once".to_owned(),
            s => format!("every {s} s"),
        },
        match simulation {
            Simulation::Random => "random values",
            Simulation::RandomWalk => "values in a random walk",
        },
        if args.auto_respond {
            "answering commands, property sets and gets"
        } else {
            "showing requests without answering them (--auto-respond answers)"
        }
    );

    let mut client = Client::new(&args.connection, true)?;
    client.stop_on_signals()?;
    let mut sim = Simulator {
        args,
        device,
        system,
        gateway_asked: false,
        rng,
        simulation,
        subscriptions: Some(subscriptions),
        next_report: None,
        reports: 0,
        last_report: None,
    };
    loop {
        let deadline = sim.next_report;
        match client.run(deadline, |session, now, event| {
            sim.on_event(session, now, event)
        })? {
            Outcome::DeadlinePassed => {
                let now = client.now();
                sim.report(client.session(), now)?;
            }
            Outcome::Yielded => {}
            Outcome::Stopped | Outcome::Interrupted => return Ok(()),
        }
    }
}

/// How a command that fits the model is answered, from the command line.
fn command_reply(args: &SimulateArgs) -> Result<CommandReply, CliError> {
    let paras = args
        .response_paras
        .as_deref()
        .map(|text| {
            serde_json::from_str::<Map<String, Value>>(text)
                .map_err(|e| CliError::Usage(format!("--response-paras: not a JSON object: {e}")))
        })
        .transpose()?;
    Ok(CommandReply {
        result_code: args.result_code,
        response_name: args.response_name.clone(),
        paras,
    })
}

/// The simulated device on its connection.
struct Simulator<'a> {
    args: &'a SimulateArgs,
    device: SimulatedDevice,
    /// The platform's system services: versions, upgrades, time, shadow,
    /// sub-devices.
    system: SystemDevice,
    /// Whether the gateway asked for its sub-devices.
    gateway_asked: bool,
    rng: ChaCha20Rng,
    simulation: Simulation,
    /// The downlink subscriptions, until they are asked for.
    subscriptions: Option<Vec<Subscription>>,
    /// When the next report is due; none before the subscriptions are
    /// granted and after the last report.
    next_report: Option<Instant>,
    /// Reports sent so far.
    reports: u64,
    /// The report of `--count`: once the broker has it, disconnect.
    last_report: Option<RequestId>,
}

impl Simulator<'_> {
    fn on_event(
        &mut self,
        session: &mut Session,
        now: Instant,
        event: Event,
    ) -> Result<Flow, CliError> {
        match event {
            Event::Connected(_) => {
                // Later connections renew the subscriptions by themselves.
                if let Some(subscriptions) = self.subscriptions.take() {
                    session
                        .subscribe(now, subscriptions)
                        .map_err(|e| CliError::Usage(format!("cannot subscribe: {e}")))?;
                }
            }
            Event::Subscribed { results, .. } => {
                mqtt::subscribed(&results)?;
                self.on_connected(session, now)?;
                if self.reports == 0 {
                    // The first report is due: back to the loop, which
                    // runs again with that deadline.
                    self.next_report = Some(now);
                    return Ok(Flow::Yield);
                }
            }
            Event::Resubscribed { results } => {
                mqtt::subscribed(&results)?;
                self.on_connected(session, now)?;
            }
            Event::Message(m) => self.downlink(session, now, &m),
            Event::Published { id, .. } if Some(id) == self.last_report => session.disconnect(now),
            Event::PublishFailed { id, error } => {
                eprintln!("warning: publish {id} was not delivered: {error}");
            }
            Event::Disconnected => return Ok(Flow::Stop),
            other => mqtt::report(other)?,
        }
        Ok(Flow::Continue)
    }

    /// Moves the values on and publishes a report of them.
    fn report(&mut self, session: &mut Session, now: Instant) -> Result<(), CliError> {
        let unix_millis = unix_now_millis()?;
        self.device
            .advance(unix_millis, self.simulation, &mut self.rng);
        let uplink = self
            .device
            .report_uplink(
                &self.args.service,
                EventTime::from_unix_millis(unix_millis).ok(),
            )
            .map_err(|e| CliError::Failure(format!("cannot make a report: {e}")))?;
        let id = publish(session, now, &uplink);
        self.reports += 1;
        println!("report {} {}", self.reports, text(&uplink.payload));
        if self.args.gateway > 0 {
            let reports = self
                .system
                .gateway_reports(&self.device, EventTime::from_unix_millis(unix_millis).ok())
                .map_err(|e| CliError::Failure(format!("cannot make a gateway report: {e}")))?;
            for r in reports {
                publish(session, now, &r);
                println!("gateway report {}", text(&r.payload));
            }
        }
        let interval = Duration::from_secs(self.args.interval);
        if self.args.count.is_some_and(|n| self.reports >= n) {
            self.next_report = None;
            match id {
                Some(id) => self.last_report = Some(id),
                None => session.disconnect(now),
            }
        } else if interval.is_zero() {
            self.next_report = None;
        } else {
            // On the beat of the first report, or now when late.
            self.next_report = self.next_report.map(|due| (due + interval).max(now));
        }
        Ok(())
    }

    /// Shows what came down and, with `--auto-respond`, answers it.
    fn downlink(&mut self, session: &mut Session, now: Instant, m: &Message) {
        let topic = m.topic.as_str();
        let downlink = match self.device.parse_downlink(topic, &m.payload) {
            Ok(downlink) => downlink,
            // The broker routes the device's own responses back to it
            // (commands/# takes commands/response/...); IoTDA does not.
            Err(DeviceError::NotDownlink { .. }) => return,
            Err(e) => {
                eprintln!("warning: ignored a message on {topic}: {e}");
                return;
            }
        };
        let what = describe(&downlink);
        match &downlink {
            Downlink::Events(events) => {
                println!("{what}");
                let ms = unix_now_millis().unwrap_or_default();
                let actions = self.system.handle_events(events, ms);
                self.act(session, now, actions);
                return;
            }
            Downlink::ShadowResponse { response, .. } => {
                println!("{what}");
                for problem in SystemDevice::apply_shadow(&mut self.device, response) {
                    eprintln!("warning: a desired value was not applied: {problem}");
                }
                return;
            }
            _ => {}
        }
        if !self.args.auto_respond {
            if downlink.kind().response().is_some() {
                println!("{what}: not answered (--auto-respond answers)");
            } else {
                println!("{what}");
            }
            return;
        }
        match self.device.answer(&downlink) {
            Ok(Some(reply)) => {
                publish(session, now, &reply.uplink);
                let verdict = match (&downlink, reply.answer.problems().is_empty()) {
                    (_, false) => "refused",
                    (Downlink::PropertiesSet { .. }, true) => "applied",
                    (_, true) => "answered",
                };
                println!("{what}: {verdict} {}", text(&reply.uplink.payload));
            }
            Ok(None) => println!("{what}"),
            Err(e) => eprintln!("warning: cannot answer {what}: {e}"),
        }
    }
}

impl Simulator<'_> {
    /// What a device does on every connection: ask for the time and the
    /// shadow, report its versions; a gateway asks for its sub-devices once.
    fn on_connected(&mut self, session: &mut Session, now: Instant) -> Result<(), CliError> {
        let ms = unix_now_millis()?;
        let uplinks = self
            .system
            .on_connected(ms)
            .map_err(|e| CliError::Failure(format!("cannot make the connect events: {e}")))?;
        for u in &uplinks {
            publish(session, now, u);
            eprintln!("{} {}", up_name(u), text(&u.payload));
        }
        if self.args.gateway > 0 && !self.gateway_asked {
            self.gateway_asked = true;
            let nodes = self.system.next_sub_device_nodes(self.args.gateway);
            let u = self
                .system
                .add_sub_devices(&nodes, ms)
                .map_err(|e| CliError::Failure(format!("cannot ask for sub-devices: {e}")))?;
            publish(session, now, &u);
            eprintln!("event up {}", text(&u.payload));
        }
        Ok(())
    }

    /// Does what the system services asked: publish, download, show.
    fn act(&mut self, session: &mut Session, now: Instant, actions: Vec<SystemAction>) {
        for action in actions {
            match action {
                SystemAction::Publish(u) => {
                    publish(session, now, &u);
                    eprintln!("{} {}", up_name(&u), text(&u.payload));
                }
                SystemAction::Fetch(f) => {
                    eprintln!("download {}", f.url);
                    let timeout = Duration::from_secs(
                        u64::from(self.args.connection.connect_timeout.max(1)) * 4,
                    );
                    let got =
                        crate::download::fetch(&f, self.args.connection.ca.as_deref(), timeout);
                    if let Err(e) = &got {
                        eprintln!("warning: download of {} failed: {e:?}", f.url);
                    }
                    let ms = unix_now_millis().unwrap_or_default();
                    match self.system.handle_fetched(got, ms) {
                        Ok(more) => self.act(session, now, more),
                        Err(e) => eprintln!("warning: cannot report the upgrade: {e}"),
                    }
                }
                SystemAction::TimeOffset(ms) => eprintln!("time offset {ms} ms"),
                SystemAction::Upgraded { result, version } => {
                    eprintln!(
                        "upgrade {result} (code {}): version {version}",
                        result.code()
                    );
                }
                SystemAction::Refused { event, error } => {
                    eprintln!("warning: ignored {event}: {error}");
                }
            }
        }
    }
}

/// How an uplink is named on stdout.
fn up_name(u: &Uplink) -> &'static str {
    match u.topic.kind() {
        iotda_core::iotda::TopicKind::ShadowGetRequest => "shadow request",
        _ => "event up",
    }
}

/// Publishes at QoS 1; a request the session cannot take (its queue is
/// full while the connection is down) is a warning, not the end.
fn publish(session: &mut Session, now: Instant, uplink: &Uplink) -> Option<RequestId> {
    let sent = TopicName::new(uplink.topic.to_string())
        .map_err(|e| e.to_string())
        .and_then(|topic| {
            let message = Message::new(topic, QoS::AtLeastOnce, uplink.payload.clone());
            session.publish(now, message).map_err(|e| e.to_string())
        });
    match sent {
        Ok(id) => Some(id),
        Err(e) => {
            eprintln!("warning: cannot publish to {}: {e}", uplink.topic);
            None
        }
    }
}

/// A downlink on one line: what it is, its request id, its body as
/// compact JSON.
fn describe(downlink: &Downlink) -> String {
    let json = |value: Result<String, serde_json::Error>| {
        value.unwrap_or_else(|e| format!("(cannot be shown: {e})"))
    };
    let (what, body) = match downlink {
        Downlink::Command { request, .. } => ("command", json(serde_json::to_string(request))),
        Downlink::PropertiesSet { request, .. } => {
            ("property set", json(serde_json::to_string(request)))
        }
        Downlink::PropertiesGet { request, .. } => {
            ("property get", json(serde_json::to_string(request)))
        }
        Downlink::Message(message) => (
            "message down",
            match message {
                IotdaMessage::Envelope(e) => json(serde_json::to_string(e)),
                IotdaMessage::Json(v) => v.to_string(),
                IotdaMessage::Text(t) => Value::from(t.as_str()).to_string(),
                IotdaMessage::Binary(b) => {
                    format!(
                        "hex:{}",
                        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                    )
                }
            },
        ),
        Downlink::Events(events) => ("event down", json(serde_json::to_string(events))),
        Downlink::ShadowResponse { response, .. } => {
            ("shadow response", json(serde_json::to_string(response)))
        }
    };
    match downlink.request_id() {
        Some(id) => format!("{what} request_id={id} {body}"),
        None => format!("{what} {body}"),
    }
}

/// A JSON payload this program made, as text.
fn text(payload: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(payload)
}
