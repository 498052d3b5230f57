//! The simulated device's side of the platform's system services: answers
//! `version_query`, performs an upgrade on `firmware_upgrade` /
//! `software_upgrade` (and their `_v2` forms), asks for the time and the
//! shadow on connect, and acts as a gateway of sub-devices.
//!
//! ```text
//! on_connected(now)                      time_sync_request, shadow/get, version_report
//!                                        (a gateway: sub_device_update_status ONLINE)
//! handle_events(events, now)             version_query        -> version_report
//!                                        *_upgrade            -> progress 0, then Fetch{url, token}
//!                                          (failing on purpose -> the chosen result code)
//!                                        time_sync_response   -> TimeOffset(ms)
//!                                        add/delete_sub_device_notify -> the sub-devices, statuses
//!                                        add/delete_sub_device_response -> the sub-devices
//! handle_fetched(result, now)            size and SHA-256 `sign` checked:
//!                                          progress 50, then 100 with the new version
//!                                          and a version_report; or result code 7 (verification),
//!                                          6 (download timeout) or 255 (other download failure)
//! apply_shadow(device, response)         each `desired` value set on the device
//! gateway_report(device, event_time)     gateway/sub_devices/properties/report for ONLINE sub-devices
//! ```
//!
//! The download is I/O: [`SystemAction::Fetch`] asks the caller to get the
//! URL, sending `Authorization: Bearer {access_token}` as Huawei's device
//! SDKs do, and to hand the bytes (or the failure) to
//! [`SystemDevice::handle_fetched`]. `upgrade_progress_report` always
//! carries `version` (page 3031 makes it mandatory): the device's version
//! before the upgrade while it runs or fails, the new one at 100.
//!
//! Pure: `now` comes in as Unix milliseconds, no clock, no randomness, no
//! sockets.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::{SimulatedDevice, Uplink};
use crate::iotda::payload::{
    AddSubDeviceRequest, DeleteSubDeviceRequest, DeviceProperties, Event, EventsPayload,
    GatewayPropertiesReport, NewSubDevice, Payload, PayloadError, Progress, ShadowGetRequest,
    ShadowGetResponse, SubDeviceStatus, SubDeviceStatusUpdate, SystemEvent, TimeSyncRequest,
    UpgradeProgressReport, UpgradeResult, VersionReport,
};
use crate::iotda::payload::{DeviceStatus, SubDeviceInfo};
use crate::iotda::{EventTime, Problem, Topic, TopicKind};

/// Which version an upgrade changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeKind {
    /// `fw_version`.
    Firmware,
    /// `sw_version`.
    Software,
}

/// A download the caller is asked to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    /// The package's URL.
    pub url: String,
    /// Sent as `Authorization: Bearer {access_token}` when present.
    pub access_token: Option<String>,
    /// Read no more than this many bytes (the announced size, when there is
    /// one, plus one so a longer package shows).
    pub max_len: u64,
}

/// Why a download failed, as the caller saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// It took too long.
    Timeout,
    /// Anything else (refused, HTTP error status, TLS): the text is shown.
    Failed(String),
}

/// What the device wants done or shown.
#[derive(Debug, Clone, PartialEq)]
pub enum SystemAction {
    /// Publish this.
    Publish(Uplink),
    /// Download this and call [`SystemDevice::handle_fetched`].
    Fetch(Fetch),
    /// The platform's clock is this many milliseconds ahead of the device's
    /// (negative when behind).
    TimeOffset(i64),
    /// An upgrade ended: the result and the version the device now runs.
    Upgraded {
        /// The result reported.
        result: UpgradeResult,
        /// The version after it.
        version: String,
    },
    /// A system event whose parameters did not fit; nothing was done.
    Refused {
        /// `service_id/event_type`.
        event: String,
        /// Why.
        error: PayloadError,
    },
}

/// A sub-device of a gateway, as the gateway knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubDevice {
    /// Its node id.
    pub node_id: String,
    /// Its product, when known.
    pub product_id: Option<String>,
    /// Its status, as the gateway last reported it.
    pub status: SubDeviceStatus,
}

/// An upgrade waiting for its package.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    kind: UpgradeKind,
    version: String,
    file_size: Option<u64>,
    sign: Option<String>,
}

/// The system services of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemDevice {
    device_id: String,
    fw_version: String,
    sw_version: String,
    fail_upgrade: Option<UpgradeResult>,
    pending: Option<Pending>,
    gateway: bool,
    sub_devices: BTreeMap<String, SubDevice>,
    next_id: u64,
}

impl SystemDevice {
    /// Device `device_id` at firmware and software version `version`.
    pub fn new(device_id: &str, version: &str) -> Self {
        Self {
            device_id: device_id.to_owned(),
            fw_version: version.to_owned(),
            sw_version: version.to_owned(),
            fail_upgrade: None,
            pending: None,
            gateway: false,
            sub_devices: BTreeMap::new(),
            next_id: 0,
        }
    }

    /// Makes every upgrade fail with `result` (to test a platform's
    /// handling); `None` upgrades for real.
    pub fn fail_upgrades_with(&mut self, result: Option<UpgradeResult>) {
        self.fail_upgrade = result;
    }

    /// Acts as a gateway: reports sub-device statuses on connect.
    pub fn set_gateway(&mut self, gateway: bool) {
        self.gateway = gateway;
    }

    /// Runs firmware `fw` and software `sw` from now on (as a user set
    /// them; an upgrade under way still ends in its own version).
    pub fn set_versions(&mut self, fw: &str, sw: &str) {
        fw.clone_into(&mut self.fw_version);
        sw.clone_into(&mut self.sw_version);
    }

    /// Whether it acts as a gateway.
    pub fn is_gateway(&self) -> bool {
        self.gateway
    }

    /// `n` sub-devices `(node_id, product_id)` to ask for: of the
    /// gateway's product (its device id up to the first `_`), named
    /// `{node}-sub{k}` after the gateway's node id, `k` counting from 1
    /// past the node ids it already has.
    pub fn next_sub_device_nodes(&self, n: u32) -> Vec<(String, String)> {
        let id = self.device_id.as_str();
        let (product, node) = id.split_once('_').unwrap_or((id, id));
        let taken = |name: &str| self.sub_devices.values().any(|s| s.node_id == name);
        (1..)
            .map(|k| format!("{node}-sub{k}"))
            .filter(|name| !taken(name))
            .take(usize::try_from(n).unwrap_or(usize::MAX))
            .map(|name| (name, product.to_owned()))
            .collect()
    }

    /// The firmware version.
    pub fn fw_version(&self) -> &str {
        &self.fw_version
    }

    /// The software version.
    pub fn sw_version(&self) -> &str {
        &self.sw_version
    }

    /// The sub-devices, by device id.
    pub fn sub_devices(&self) -> &BTreeMap<String, SubDevice> {
        &self.sub_devices
    }

    /// What to publish once connected: a time sync request, a shadow
    /// request, the versions, and a gateway's sub-device statuses.
    pub fn on_connected(&mut self, now: i64) -> Result<Vec<Uplink>, PayloadError> {
        let mut out = vec![self.event(
            SystemEvent::TimeSyncRequest(TimeSyncRequest {
                device_send_time: now,
            }),
            now,
            None,
        )?];
        let request_id = self.fresh_id("shadow");
        out.push(Uplink {
            topic: topic(
                TopicKind::ShadowGetRequest,
                &self.device_id,
                Some(&request_id),
            )?,
            payload: ShadowGetRequest {
                object_device_id: None,
                service_id: None,
            }
            .encode()?,
        });
        out.push(self.version_report(now)?);
        if self.gateway && !self.sub_devices.is_empty() {
            for sub in self.sub_devices.values_mut() {
                sub.status = SubDeviceStatus::Online;
            }
            out.push(self.status_update(now)?);
        }
        Ok(out)
    }

    /// Handles the events of an `events/down`.
    pub fn handle_events(&mut self, events: &EventsPayload, now: i64) -> Vec<SystemAction> {
        let mut out = Vec::new();
        for event in &events.services {
            match event.system_event() {
                Ok(Some(typed)) => {
                    if let Err(error) = self.handle(typed, now, &mut out) {
                        out.push(refused(event, error));
                    }
                }
                Ok(None) => {}
                Err(error) => out.push(refused(event, error)),
            }
        }
        out
    }

    fn handle(
        &mut self,
        event: SystemEvent,
        now: i64,
        out: &mut Vec<SystemAction>,
    ) -> Result<(), PayloadError> {
        let kind = upgrade_kind(event.event_type());
        match event {
            SystemEvent::VersionQuery(_) => {
                out.push(SystemAction::Publish(self.version_report(now)?));
            }
            SystemEvent::FirmwareUpgrade(n) | SystemEvent::SoftwareUpgrade(n) => {
                self.start(
                    kind,
                    Pending {
                        kind,
                        version: n.version,
                        file_size: Some(n.file_size),
                        sign: Some(n.sign),
                    },
                    Fetch {
                        url: n.url,
                        access_token: n.access_token,
                        max_len: n.file_size.saturating_add(1),
                    },
                    now,
                    out,
                )?;
            }
            SystemEvent::FirmwareUpgradeV2(n) | SystemEvent::SoftwareUpgradeV2(n) => {
                self.start(
                    kind,
                    Pending {
                        kind,
                        version: n.version,
                        file_size: n.file_size,
                        sign: n.sign,
                    },
                    Fetch {
                        url: n.url,
                        access_token: None,
                        max_len: n.file_size.map_or(MAX_PACKAGE, |s| s.saturating_add(1)),
                    },
                    now,
                    out,
                )?;
            }
            SystemEvent::TimeSyncResponse(r) => {
                out.push(SystemAction::TimeOffset(r.offset_at(now)));
            }
            SystemEvent::AddSubDeviceNotify(n) => {
                out.push(SystemAction::Publish(self.added(n.devices, now)?));
            }
            SystemEvent::DeleteSubDeviceNotify(n) => {
                for d in n.devices {
                    self.sub_devices.remove(&d.device_id);
                }
            }
            SystemEvent::AddSubDeviceResponse(r) => {
                out.push(SystemAction::Publish(
                    self.added(r.successful_devices, now)?,
                ));
            }
            SystemEvent::DeleteSubDeviceResponse(r) => {
                for id in r.successful_devices {
                    self.sub_devices.remove(&id);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn start(
        &mut self,
        kind: UpgradeKind,
        pending: Pending,
        fetch: Fetch,
        now: i64,
        out: &mut Vec<SystemAction>,
    ) -> Result<(), PayloadError> {
        let current = self.version(kind).to_owned();
        if let Some(result) = self.fail_upgrade {
            out.push(SystemAction::Publish(
                self.progress(result, None, &current, now)?,
            ));
            out.push(SystemAction::Upgraded {
                result,
                version: current,
            });
            return Ok(());
        }
        out.push(SystemAction::Publish(self.progress(
            UpgradeResult::Success,
            Some(0),
            &current,
            now,
        )?));
        self.pending = Some(pending);
        out.push(SystemAction::Fetch(fetch));
        Ok(())
    }

    /// Takes the package (or the download's failure) of the upgrade under
    /// way: checks its size and SHA-256 against the notice, reports the
    /// progress and the result, and on success runs the new version.
    pub fn handle_fetched(
        &mut self,
        fetched: Result<Vec<u8>, FetchError>,
        now: i64,
    ) -> Result<Vec<SystemAction>, PayloadError> {
        let Some(pending) = self.pending.take() else {
            return Ok(Vec::new());
        };
        let current = self.version(pending.kind).to_owned();
        let result = match &fetched {
            Err(FetchError::Timeout) => UpgradeResult::DownloadTimeout,
            Err(FetchError::Failed(_)) => UpgradeResult::InternalError,
            Ok(bytes) => verify(&pending, bytes),
        };
        let mut out = Vec::new();
        if result != UpgradeResult::Success {
            out.push(SystemAction::Publish(
                self.progress(result, None, &current, now)?,
            ));
            out.push(SystemAction::Upgraded {
                result,
                version: current,
            });
            return Ok(out);
        }
        out.push(SystemAction::Publish(self.progress(
            UpgradeResult::Success,
            Some(50),
            &current,
            now,
        )?));
        match pending.kind {
            UpgradeKind::Firmware => self.fw_version = pending.version.clone(),
            UpgradeKind::Software => self.sw_version = pending.version.clone(),
        }
        out.push(SystemAction::Publish(self.progress(
            UpgradeResult::Success,
            Some(100),
            &pending.version,
            now,
        )?));
        out.push(SystemAction::Publish(self.version_report(now)?));
        out.push(SystemAction::Upgraded {
            result,
            version: pending.version,
        });
        Ok(out)
    }

    /// Sets each `desired` value of `response` on `device`; the problems of
    /// those that do not fit the model (they are left as they were).
    pub fn apply_shadow(
        device: &mut SimulatedDevice,
        response: &ShadowGetResponse,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        for service in &response.shadow {
            let Some(desired) = &service.desired else {
                continue;
            };
            for (name, value) in &desired.properties {
                if let Err(p) = device.set_value(&service.service_id, name, value.clone()) {
                    problems.extend(p);
                }
            }
        }
        problems
    }

    /// A gateway report of `device`'s current values for every ONLINE
    /// sub-device (they share the gateway's product model), at most 100
    /// sub-devices a report; `None` without one.
    pub fn gateway_reports(
        &self,
        device: &SimulatedDevice,
        event_time: Option<EventTime>,
    ) -> Result<Vec<Uplink>, PayloadError> {
        let services = device
            .report::<&str>(&[], event_time)
            .map_err(|e| PayloadError::Encode {
                detail: e.to_string(),
            })?
            .services;
        let online: Vec<&String> = self
            .sub_devices
            .iter()
            .filter(|(_, s)| s.status == SubDeviceStatus::Online)
            .map(|(id, _)| id)
            .collect();
        online
            .chunks(crate::iotda::MAX_SUB_DEVICES_A_REPORT)
            .map(|ids| {
                let report = GatewayPropertiesReport {
                    devices: ids
                        .iter()
                        .map(|id| DeviceProperties {
                            device_id: (*id).clone(),
                            services: services.clone(),
                        })
                        .collect(),
                };
                Ok(Uplink {
                    topic: topic(
                        TopicKind::GatewaySubDevicesPropertiesReport,
                        &self.device_id,
                        None,
                    )?,
                    payload: report.encode()?,
                })
            })
            .collect()
    }

    /// Asks the platform to register sub-devices `(node_id, product_id)`.
    pub fn add_sub_devices(
        &mut self,
        nodes: &[(String, String)],
        now: i64,
    ) -> Result<Uplink, PayloadError> {
        let request = AddSubDeviceRequest {
            devices: nodes
                .iter()
                .map(|(node_id, product_id)| NewSubDevice {
                    node_id: node_id.clone(),
                    product_id: product_id.clone(),
                    device_id: None,
                    name: None,
                    description: None,
                    extension_info: None,
                })
                .collect(),
        };
        let id = self.fresh_id("add");
        self.event(SystemEvent::AddSubDeviceRequest(request), now, Some(id))
    }

    /// Asks the platform to delete sub-devices.
    pub fn delete_sub_devices(
        &mut self,
        device_ids: &[String],
        now: i64,
    ) -> Result<Uplink, PayloadError> {
        let request = DeleteSubDeviceRequest {
            devices: device_ids.to_vec(),
        };
        let id = self.fresh_id("delete");
        self.event(SystemEvent::DeleteSubDeviceRequest(request), now, Some(id))
    }

    /// Sets a sub-device's status and reports it.
    pub fn set_sub_device_status(
        &mut self,
        device_id: &str,
        status: SubDeviceStatus,
        now: i64,
    ) -> Result<Option<Uplink>, PayloadError> {
        let Some(sub) = self.sub_devices.get_mut(device_id) else {
            return Ok(None);
        };
        sub.status = status;
        let update = SubDeviceStatusUpdate {
            device_statuses: vec![DeviceStatus {
                device_id: device_id.to_owned(),
                status,
            }],
        };
        let id = self.fresh_id("status");
        self.event(SystemEvent::SubDeviceUpdateStatus(update), now, Some(id))
            .map(Some)
    }

    /// Keeps `devices` as online sub-devices (the platform added them) and
    /// reports the statuses of all.
    fn added(&mut self, devices: Vec<SubDeviceInfo>, now: i64) -> Result<Uplink, PayloadError> {
        for d in devices {
            self.sub_devices.insert(
                d.device_id,
                SubDevice {
                    node_id: d.node_id,
                    product_id: d.product_id,
                    status: SubDeviceStatus::Online,
                },
            );
        }
        self.status_update(now)
    }

    fn status_update(&mut self, now: i64) -> Result<Uplink, PayloadError> {
        let update = SubDeviceStatusUpdate {
            device_statuses: self
                .sub_devices
                .iter()
                .map(|(id, s)| DeviceStatus {
                    device_id: id.clone(),
                    status: s.status,
                })
                .collect(),
        };
        let id = self.fresh_id("status");
        self.event(SystemEvent::SubDeviceUpdateStatus(update), now, Some(id))
    }

    fn version(&self, kind: UpgradeKind) -> &str {
        match kind {
            UpgradeKind::Firmware => &self.fw_version,
            UpgradeKind::Software => &self.sw_version,
        }
    }

    fn version_report(&self, now: i64) -> Result<Uplink, PayloadError> {
        self.event(
            SystemEvent::VersionReport(VersionReport {
                fw_version: Some(self.fw_version.clone()),
                sw_version: Some(self.sw_version.clone()),
            }),
            now,
            None,
        )
    }

    fn progress(
        &self,
        result: UpgradeResult,
        progress: Option<u64>,
        version: &str,
        now: i64,
    ) -> Result<Uplink, PayloadError> {
        let progress =
            progress
                .map(Progress::try_from)
                .transpose()
                .map_err(|e| PayloadError::Encode {
                    detail: e.to_string(),
                })?;
        self.event(
            SystemEvent::UpgradeProgressReport(UpgradeProgressReport {
                result_code: result,
                progress,
                version: version.to_owned(),
                description: Some(result.name().to_owned()),
            }),
            now,
            None,
        )
    }

    fn fresh_id(&mut self, what: &str) -> String {
        self.next_id += 1;
        format!("{what}-{}", self.next_id)
    }

    fn event(
        &self,
        event: SystemEvent,
        now: i64,
        event_id: Option<String>,
    ) -> Result<Uplink, PayloadError> {
        let mut e = event.to_event(EventTime::from_unix_millis(now).ok())?;
        e.event_id = event_id;
        Ok(Uplink {
            topic: topic(TopicKind::EventsUp, &self.device_id, None)?,
            payload: EventsPayload::single(e).encode()?,
        })
    }
}

/// The most a package may be when the notice gives no size: 64 MiB.
pub const MAX_PACKAGE: u64 = 64 * 1024 * 1024;

fn verify(pending: &Pending, bytes: &[u8]) -> UpgradeResult {
    let size_ok = pending
        .file_size
        .is_none_or(|size| u64::try_from(bytes.len()) == Ok(size));
    let sign_ok = pending.sign.as_deref().is_none_or(|sign| {
        let digest = Sha256::digest(bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        sign.eq_ignore_ascii_case(&hex)
    });
    if size_ok && sign_ok {
        UpgradeResult::Success
    } else {
        UpgradeResult::VerificationFailed
    }
}

fn upgrade_kind(event_type: &str) -> UpgradeKind {
    if event_type.starts_with("software") {
        UpgradeKind::Software
    } else {
        UpgradeKind::Firmware
    }
}

fn refused(event: &Event, error: PayloadError) -> SystemAction {
    SystemAction::Refused {
        event: format!("{}/{}", event.service_id, event.event_type),
        error,
    }
}

fn topic(
    kind: TopicKind,
    device_id: &str,
    request_id: Option<&str>,
) -> Result<Topic, PayloadError> {
    let t = match request_id {
        Some(id) => Topic::with_request_id(kind, device_id, id),
        None => Topic::new(kind, device_id),
    };
    t.map_err(|e| PayloadError::Encode {
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const NOW: i64 = 1_582_685_678_789;
    const PACKAGE: &[u8] = b"firmware 1.1: the new bytes";

    fn sha256_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn down(json: Value) -> EventsPayload {
        EventsPayload::decode(json.to_string().as_bytes()).unwrap()
    }

    /// Page 3030's notice, with this package's size and digest.
    fn upgrade_notice(kind: &str) -> EventsPayload {
        down(json!({"object_device_id": "p_gw", "services": [{
            "service_id": "$ota", "event_type": kind, "event_time": "20151212T121212Z",
            "paras": {"version": "1.1", "url": "https://127.0.0.1:8943/ota/1.1.bin",
                "file_size": PACKAGE.len(), "access_token": "595124473f866b033dfa1f",
                "expires": 86400, "sign": sha256_hex(PACKAGE)}}]}))
    }

    /// The typed `upgrade_progress_report`s among the actions, as
    /// (code, progress, version).
    fn progress(actions: &[SystemAction]) -> Vec<(i64, Option<u8>, String)> {
        actions
            .iter()
            .filter_map(|a| match a {
                SystemAction::Publish(u) => {
                    let events = EventsPayload::decode(&u.payload).ok()?;
                    match events.services[0].system_event().ok()?? {
                        SystemEvent::UpgradeProgressReport(r) => Some((
                            r.result_code.code(),
                            r.progress.map(Progress::percent),
                            r.version,
                        )),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn answers_version_query_with_its_versions() {
        let mut d = SystemDevice::new("p_gw", "1.0");
        let out = d.handle_events(
            &down(json!({"services": [{"service_id": "$ota", "event_type": "version_query", "paras": {}}]})),
            NOW,
        );
        let [SystemAction::Publish(u)] = &out[..] else {
            panic!("{out:?}")
        };
        assert_eq!(u.topic.to_string(), "$oc/devices/p_gw/sys/events/up");
        let v: Value = serde_json::from_slice(&u.payload).unwrap();
        assert_eq!(
            v["services"][0]["paras"],
            json!({"fw_version": "1.0", "sw_version": "1.0"})
        );
    }

    #[test]
    fn upgrades_from_a_verified_package() {
        let mut d = SystemDevice::new("p_gw", "1.0");
        let out = d.handle_events(&upgrade_notice("firmware_upgrade"), NOW);
        assert_eq!(progress(&out), [(0, Some(0), "1.0".to_owned())]);
        assert_eq!(
            out.last(),
            Some(&SystemAction::Fetch(Fetch {
                url: "https://127.0.0.1:8943/ota/1.1.bin".into(),
                access_token: Some("595124473f866b033dfa1f".into()),
                max_len: PACKAGE.len() as u64 + 1,
            }))
        );
        let out = d.handle_fetched(Ok(PACKAGE.to_vec()), NOW + 10).unwrap();
        assert_eq!(
            progress(&out),
            [
                (0, Some(50), "1.0".to_owned()),
                (0, Some(100), "1.1".to_owned())
            ]
        );
        assert_eq!(
            out.last(),
            Some(&SystemAction::Upgraded {
                result: UpgradeResult::Success,
                version: "1.1".into()
            })
        );
        assert_eq!((d.fw_version(), d.sw_version()), ("1.1", "1.0"));
        // A second delivery of bytes without an upgrade under way is ignored.
        assert_eq!(d.handle_fetched(Ok(vec![]), NOW).unwrap(), vec![]);
    }

    #[test]
    fn a_corrupted_or_cut_package_is_a_verification_failure() {
        for bytes in [
            b"firmware 1.1: the NEW bytes".to_vec(),
            PACKAGE[..10].to_vec(),
            [PACKAGE, b"!"].concat(),
        ] {
            let mut d = SystemDevice::new("p_gw", "1.0");
            d.handle_events(&upgrade_notice("software_upgrade"), NOW);
            let out = d.handle_fetched(Ok(bytes), NOW).unwrap();
            // Page 3031: 7, upgrade package verification failure; the
            // version stays.
            assert_eq!(progress(&out), [(7, None, "1.0".to_owned())]);
            assert_eq!(d.sw_version(), "1.0");
        }
        let mut d = SystemDevice::new("p_gw", "1.0");
        d.handle_events(&upgrade_notice("firmware_upgrade"), NOW);
        let out = d.handle_fetched(Err(FetchError::Timeout), NOW).unwrap();
        assert_eq!(progress(&out), [(6, None, "1.0".to_owned())]);
        d.handle_events(&upgrade_notice("firmware_upgrade"), NOW);
        let out = d
            .handle_fetched(Err(FetchError::Failed("HTTP 403".into())), NOW)
            .unwrap();
        assert_eq!(progress(&out), [(255, None, "1.0".to_owned())]);
    }

    #[test]
    fn fails_on_purpose_with_the_chosen_code() {
        let mut d = SystemDevice::new("p_gw", "1.0");
        d.fail_upgrades_with(Some(UpgradeResult::LowBattery));
        let out = d.handle_events(&upgrade_notice("firmware_upgrade"), NOW);
        assert_eq!(progress(&out), [(4, None, "1.0".to_owned())]);
        assert!(!out.iter().any(|a| matches!(a, SystemAction::Fetch(_))));
    }

    #[test]
    fn asks_for_time_shadow_and_versions_on_connect_and_takes_the_offset() {
        let mut d = SystemDevice::new("p_gw", "1.0");
        let out = d.on_connected(NOW).unwrap();
        let topics: Vec<String> = out.iter().map(|u| u.topic.to_string()).collect();
        assert_eq!(
            topics,
            [
                "$oc/devices/p_gw/sys/events/up",
                "$oc/devices/p_gw/sys/shadow/get/request_id=shadow-1",
                "$oc/devices/p_gw/sys/events/up"
            ]
        );
        let v: Value = serde_json::from_slice(&out[0].payload).unwrap();
        assert_eq!(v["services"][0]["paras"]["device_send_time"], json!(NOW));
        // Page 3041's answer, received 100 ms after the request left.
        let answer = down(json!({"services": [{"service_id": "$time_sync",
            "event_type": "time_sync_response", "paras": {"device_send_time": NOW,
            "server_recv_time": 1_582_685_696_152_i64, "server_send_time": 1_582_685_708_109_i64}}]}));
        assert_eq!(
            d.handle_events(&answer, NOW + 100),
            [SystemAction::TimeOffset(23_291)]
        );
    }

    #[test]
    fn applies_the_desired_shadow() {
        let model = crate::iotda::default_model();
        let service = model.service_capabilities[0].clone();
        let writable = service
            .properties
            .iter()
            .find(|p| p.data_type.is_numeric())
            .expect("a numeric property");
        let mut device = SimulatedDevice::new(model.clone(), "p_gw").unwrap();
        let value = json!(writable
            .min
            .as_deref()
            .unwrap_or("0")
            .parse::<i64>()
            .unwrap_or(0));
        let response = ShadowGetResponse::decode(
            json!({"object_device_id": "p_gw", "shadow": [{"service_id": service.service_id,
                "desired": {"properties": {writable.property_name.clone(): value, "nope": 1},
                    "event_time": "20151212T121212Z"}, "version": 3}]})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let problems = SystemDevice::apply_shadow(&mut device, &response);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            device.value(&service.service_id, &writable.property_name),
            Some(&value)
        );
    }

    #[test]
    fn a_gateway_keeps_its_sub_devices_and_reports_for_them() {
        let model = crate::iotda::default_model();
        let device = SimulatedDevice::new(model, "p_gw").unwrap();
        let mut gw = SystemDevice::new("p_gw", "1.0");
        gw.set_gateway(true);
        // Three added by the platform (page 3019's fields).
        let info = |n: u8| SubDeviceInfo {
            parent_device_id: "p_gw".into(),
            node_id: format!("n{n}"),
            device_id: format!("p_n{n}"),
            name: None,
            description: None,
            manufacturer_id: None,
            model: None,
            product_id: Some("p".into()),
            fw_version: None,
            sw_version: None,
            status: None,
            extension_info: None,
        };
        let notify = |kind: &str, ns: &[u8]| {
            let devices: Vec<SubDeviceInfo> = ns.iter().map(|n| info(*n)).collect();
            down(
                json!({"services": [{"service_id": "$sub_device_manager", "event_type": kind,
                "paras": {"devices": devices, "version": 1}}]}),
            )
        };
        let out = gw.handle_events(&notify("add_sub_device_notify", &[1, 2, 3]), NOW);
        let [SystemAction::Publish(status)] = &out[..] else {
            panic!("{out:?}")
        };
        let v: Value = serde_json::from_slice(&status.payload).unwrap();
        assert_eq!(v["services"][0]["event_type"], "sub_device_update_status");
        assert_eq!(
            v["services"][0]["paras"]["device_statuses"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let reports = gw.gateway_reports(&device, None).unwrap();
        let v: Value = serde_json::from_slice(&reports[0].payload).unwrap();
        let ids: Vec<&str> = v["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["device_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["p_n1", "p_n2", "p_n3"]);
        // The report fits the model, checked as any uplink.
        let check = crate::iotda::check_uplink(
            &reports[0].topic.to_string(),
            &reports[0].payload,
            Some(device.model()),
            NOW,
        )
        .unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        // One goes offline, one is deleted.
        gw.set_sub_device_status("p_n2", SubDeviceStatus::Offline, NOW)
            .unwrap()
            .unwrap();
        gw.handle_events(&notify("delete_sub_device_notify", &[3]), NOW);
        let statuses: Vec<(String, SubDeviceStatus)> = gw
            .sub_devices()
            .iter()
            .map(|(id, s)| (id.clone(), s.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("p_n1".to_owned(), SubDeviceStatus::Online),
                ("p_n2".to_owned(), SubDeviceStatus::Offline)
            ]
        );
        let reports = gw.gateway_reports(&device, None).unwrap();
        let v: Value = serde_json::from_slice(&reports[0].payload).unwrap();
        assert_eq!(v["devices"].as_array().unwrap().len(), 1);
        // Gateway-initiated requests carry an event_id.
        let add = gw
            .add_sub_devices(&[("n9".into(), "p".into())], NOW)
            .unwrap();
        let v: Value = serde_json::from_slice(&add.payload).unwrap();
        assert_eq!(v["services"][0]["event_id"], "add-3");
        // 150 sub-devices make two reports.
        let many: Vec<u8> = (10..160).collect();
        gw.handle_events(&notify("add_sub_device_notify", &many), NOW);
        let reports = gw.gateway_reports(&device, None).unwrap();
        assert_eq!(reports.len(), 2);
    }

    #[test]
    fn new_sub_devices_are_named_past_the_ones_it_has() {
        let mut gw = SystemDevice::new("p_gw", "1.0");
        let pair = |n: &str| (n.to_owned(), "p".to_owned());
        assert_eq!(
            gw.next_sub_device_nodes(2),
            [pair("gw-sub1"), pair("gw-sub2")]
        );
        gw.handle_events(
            &down(json!({"services": [{"service_id": "$sub_device_manager",
                "event_type": "add_sub_device_notify", "paras": {"version": 1, "devices": [
                    {"parent_device_id": "p_gw", "node_id": "gw-sub1", "device_id": "p_gw-sub1"}]}}]})),
            NOW,
        );
        assert_eq!(
            gw.next_sub_device_nodes(2),
            [pair("gw-sub2"), pair("gw-sub3")]
        );
        gw.set_versions("2.0", "3.0");
        assert_eq!((gw.fw_version(), gw.sw_version()), ("2.0", "3.0"));
    }

    #[test]
    fn a_bad_system_event_is_refused_and_named() {
        let mut d = SystemDevice::new("p_gw", "1.0");
        let out = d.handle_events(
            &down(
                json!({"services": [{"service_id": "$ota", "event_type": "firmware_upgrade",
                "paras": {"url": "x"}}]}),
            ),
            NOW,
        );
        assert!(
            matches!(&out[..], [SystemAction::Refused { event, .. }] if event == "$ota/firmware_upgrade")
        );
    }
}
