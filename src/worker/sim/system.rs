//! The simulator's system services: the core's [`SystemDevice`] beside
//! the simulated device, and what the Console's OTA and gateway panels
//! show of it.
//!
//! ```text
//! connected(now)           on_connected: time sync, shadow, versions,
//!                          and a gateway's missing sub-devices asked for
//! receive(events down)     handle_events: version report, upgrade
//!                          (progress 0, then a Fetch for the worker),
//!                          time offset, sub-devices added or deleted
//! receive(shadow answer)   desired values set on the device
//! fetched(bytes or why)    handle_fetched: progress 50, 100 and the new
//!                          version, or the result code
//! ```
//!
//! Pure: the clock comes in as Unix milliseconds; what to publish goes to
//! an outbox the host empties, and the download to a slot the worker takes
//! ([`System::take_fetch`]).

use iotda_core::iotda::{
    Downlink, EventTime, EventsPayload, Fetch, FetchError, Payload, SimulatedDevice,
    SubDeviceStatus, SystemAction, SystemDevice, SystemEvent, UpgradeResult, Uplink, MAX_PACKAGE,
};
use iotda_core::text::{Message, Say as Words};
use serde::{Deserialize, Serialize};

use crate::messages::keys::sim as said;
use crate::messages::Msg;

/// The most sub-devices the gateway setting asks for.
pub const MAX_SUB_DEVICES: u32 = 100;
/// The versions a device starts at.
pub const FIRST_VERSION: &str = "1.0";

/// An upgrade under way, or the last one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpgradeView {
    /// The last progress reported (0-100), if any.
    pub progress: Option<u8>,
    /// The version the last progress report carried.
    pub version: String,
    /// The last result code reported.
    pub code: i64,
    /// Its documented name.
    pub name: Msg,
    /// Whether the package is still being fetched.
    pub running: bool,
    /// Why the download failed, if it did.
    pub download_error: Option<Msg>,
}

/// A sub-device as the gateway panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubDeviceRow {
    /// Its device id.
    pub device_id: String,
    /// Its node id.
    pub node_id: String,
    /// `ONLINE`, `OFFLINE` or `INACTIVE`, as IoTDA writes it.
    pub status: String,
}

/// What the OTA and gateway panels show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SystemView {
    /// The firmware version the device runs.
    pub fw_version: String,
    /// The software version the device runs.
    pub sw_version: String,
    /// The upgrade under way, or the last one.
    pub upgrade: Option<UpgradeView>,
    /// How far the platform's clock is ahead of the page's (ms), once
    /// known.
    pub time_offset_ms: Option<i64>,
    /// Whether the device acts as a gateway.
    pub gateway: bool,
    /// Its sub-devices.
    pub sub_devices: Vec<SubDeviceRow>,
    /// Why the sub-device setting cannot be used, if it cannot.
    pub gateway_error: Option<Msg>,
    /// What a system event could not do, the last time.
    pub problem: Option<Msg>,
}

/// The system services of the simulated device.
#[derive(Debug, Clone)]
pub struct System {
    device: SystemDevice,
    /// The failure code typed (`""`: upgrades run for real).
    pub fail_upgrade: String,
    /// The number of sub-devices typed (`0`: not a gateway).
    pub sub_devices: String,
    outbox: Vec<Uplink>,
    fetch: Option<Fetch>,
    upgrade: Option<UpgradeView>,
    time_offset_ms: Option<i64>,
    /// Whether the gateway has asked for its sub-devices since it started.
    asked: bool,
    problem: Option<Msg>,
}

impl System {
    /// The services of device `device_id`, at version [`FIRST_VERSION`].
    pub fn new(device_id: &str) -> Self {
        Self {
            device: SystemDevice::new(device_id, FIRST_VERSION),
            fail_upgrade: String::new(),
            sub_devices: "0".into(),
            outbox: Vec::new(),
            fetch: None,
            upgrade: None,
            time_offset_ms: None,
            asked: false,
            problem: None,
        }
    }

    /// The firmware and software versions.
    pub fn versions(&self) -> (&str, &str) {
        (self.device.fw_version(), self.device.sw_version())
    }

    /// Takes the settings: the versions (empty ones kept), the failure
    /// code and the sub-device count.
    pub fn configure(&mut self, fw: &str, sw: &str, fail_upgrade: &str, sub_devices: &str) {
        let (old_fw, old_sw) = self.versions();
        let fw = if fw.trim().is_empty() {
            old_fw
        } else {
            fw.trim()
        }
        .to_owned();
        let sw = if sw.trim().is_empty() {
            old_sw
        } else {
            sw.trim()
        }
        .to_owned();
        self.device.set_versions(&fw, &sw);
        self.fail_upgrade = fail_upgrade.to_owned();
        let fail = fail_upgrade
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|c| UpgradeResult::try_from(c).ok())
            .filter(|r| *r != UpgradeResult::Success);
        self.device.fail_upgrades_with(fail);
        self.sub_devices = sub_devices.to_owned();
        self.device
            .set_gateway(self.sub_device_count().is_ok_and(|n| n > 0));
    }

    /// The number of sub-devices asked for, or why it cannot be used.
    fn sub_device_count(&self) -> Result<u32, Msg> {
        let typed = self.sub_devices.trim();
        if typed.is_empty() {
            return Ok(0);
        }
        match typed.parse::<u32>() {
            Ok(n) if n <= MAX_SUB_DEVICES => Ok(n),
            _ => Err(Msg(Message::new(said::SUB_DEVICES)
                .with("max", MAX_SUB_DEVICES)
                .with("got", format!("{:?}", self.sub_devices)))),
        }
    }

    /// The connection is up: what the device sends on every connection,
    /// and a gateway's missing sub-devices asked for once.
    pub fn connected(&mut self, now_ms: u64) {
        let now = millis(now_ms);
        match self.device.on_connected(now) {
            Ok(up) => self.outbox.extend(up),
            Err(e) => self.problem = Some(Msg(e.message())),
        }
        let Ok(wanted) = self.sub_device_count() else {
            return;
        };
        let have = u32::try_from(self.device.sub_devices().len()).unwrap_or(u32::MAX);
        if self.device.is_gateway() && !self.asked && have < wanted {
            self.asked = true;
            self.add_sub_devices(wanted - have, now_ms);
        }
    }

    /// Asks the platform for `n` more sub-devices.
    pub fn add_sub_devices(&mut self, n: u32, now_ms: u64) {
        let nodes = self.device.next_sub_device_nodes(n);
        match self.device.add_sub_devices(&nodes, millis(now_ms)) {
            Ok(up) => self.outbox.push(up),
            Err(e) => self.problem = Some(Msg(e.message())),
        }
    }

    /// Asks the platform to delete sub-device `device_id`.
    pub fn delete_sub_device(&mut self, device_id: &str, now_ms: u64) {
        match self
            .device
            .delete_sub_devices(&[device_id.to_owned()], millis(now_ms))
        {
            Ok(up) => self.outbox.push(up),
            Err(e) => self.problem = Some(Msg(e.message())),
        }
    }

    /// Takes a downlink the simulator read: events go to the system
    /// services, a shadow's desired values to `device`.
    pub fn receive(&mut self, downlink: &Downlink, device: &mut SimulatedDevice, now_ms: u64) {
        match downlink {
            Downlink::Events(events) => {
                let actions = self.device.handle_events(events, millis(now_ms));
                self.act(actions);
            }
            Downlink::ShadowResponse { response, .. } => {
                let problems = SystemDevice::apply_shadow(device, response);
                self.problem = problems.first().map(|p| Msg(p.message()));
            }
            _ => {}
        }
    }

    /// The package of the upgrade under way, or why it could not be had.
    pub fn fetched(&mut self, fetched: Result<Vec<u8>, Msg>, now_ms: u64) {
        let why = fetched.as_ref().err().cloned();
        let result = fetched.map_err(|why| FetchError::Failed(why.to_string()));
        match self.device.handle_fetched(result, millis(now_ms)) {
            Ok(actions) => self.act(actions),
            Err(e) => self.problem = Some(Msg(e.message())),
        }
        if let Some(u) = self.upgrade.as_mut() {
            u.running = false;
            u.download_error = why;
        }
    }

    /// A gateway's reports of `device`'s values for its online
    /// sub-devices, to publish (nothing for a device).
    pub fn gateway_reports(&mut self, device: &SimulatedDevice, now_ms: u64) {
        if !self.device.is_gateway() {
            return;
        }
        let at = EventTime::from_unix_millis(millis(now_ms)).ok();
        match self.device.gateway_reports(device, at) {
            Ok(reports) => self.outbox.extend(reports),
            Err(e) => self.problem = Some(Msg(e.message())),
        }
    }

    /// What to publish, taken.
    pub fn take_outbox(&mut self) -> Vec<Uplink> {
        std::mem::take(&mut self.outbox)
    }

    /// The download the worker is to make, taken.
    pub fn take_fetch(&mut self) -> Option<Fetch> {
        self.fetch.take()
    }

    /// What the panels show.
    pub fn view(&self) -> SystemView {
        let (fw_version, sw_version) = self.versions();
        SystemView {
            fw_version: fw_version.to_owned(),
            sw_version: sw_version.to_owned(),
            upgrade: self.upgrade.clone(),
            time_offset_ms: self.time_offset_ms,
            gateway: self.device.is_gateway(),
            sub_devices: self
                .device
                .sub_devices()
                .iter()
                .map(|(id, s)| SubDeviceRow {
                    device_id: id.clone(),
                    node_id: s.node_id.clone(),
                    status: status_name(s.status).to_owned(),
                })
                .collect(),
            gateway_error: self.sub_device_count().err(),
            problem: self.problem.clone(),
        }
    }

    fn act(&mut self, actions: Vec<SystemAction>) {
        for action in actions {
            match action {
                SystemAction::Publish(up) => {
                    self.follow(&up);
                    self.outbox.push(up);
                }
                SystemAction::Fetch(mut fetch) => {
                    fetch.max_len = fetch.max_len.min(MAX_PACKAGE);
                    if let Some(u) = self.upgrade.as_mut() {
                        u.running = true;
                    }
                    self.fetch = Some(fetch);
                }
                SystemAction::TimeOffset(ms) => self.time_offset_ms = Some(ms),
                SystemAction::Upgraded { .. } => {}
                SystemAction::Refused { event, error } => {
                    self.problem = Some(Msg(Message::new(said::EVENT_REFUSED)
                        .with("event", event)
                        .with_message("why", error.message())));
                }
            }
        }
    }

    /// Keeps what an `upgrade_progress_report` going up says.
    fn follow(&mut self, up: &Uplink) {
        let Ok(events) = EventsPayload::decode(&up.payload) else {
            return;
        };
        for event in &events.services {
            if let Ok(Some(SystemEvent::UpgradeProgressReport(r))) = event.system_event() {
                let running = self.upgrade.as_ref().is_some_and(|u| u.running);
                self.upgrade = Some(UpgradeView {
                    progress: r.progress.map(|p| p.percent()),
                    version: r.version,
                    code: r.result_code.code(),
                    name: Msg(r.result_code.message()),
                    running: running && r.result_code == UpgradeResult::Success,
                    download_error: None,
                });
            }
        }
    }
}

/// IoTDA's word for a sub-device status.
fn status_name(status: SubDeviceStatus) -> &'static str {
    match status {
        SubDeviceStatus::Online => "ONLINE",
        SubDeviceStatus::Offline => "OFFLINE",
        SubDeviceStatus::Inactive => "INACTIVE",
    }
}

fn millis(now_ms: u64) -> i64 {
    i64::try_from(now_ms).unwrap_or(i64::MAX)
}
