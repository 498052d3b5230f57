//! Software and firmware upgrades, after Huawei's "Platform Delivering an
//! Upgrade Event" (iot_06_v5_3030) and "Device Reporting the Upgrade
//! Status" (iot_06_v5_3031): an upgrade task's targets are sent
//! `firmware_upgrade` or `software_upgrade` (at once when online, else when
//! they next connect) with the package's URL on the platform's HTTPS
//! server, a download token and its lifetime, the size and the SHA-256
//! `sign`; each `upgrade_progress_report` moves the target's subtask (see
//! [`crate::registry::Subtask`]).

use std::sync::Arc;

use iotda_core::iotda::payload::{
    BatchTask, SystemEvent, UpgradeNotice, UpgradeNoticeV2, UpgradeProgressReport, UpgradeResult,
};

use super::link::Outgoing;
use super::{lock, Hub, HubError, PlatformEvent};
use crate::directory::DeviceStatus;
use crate::registry::{
    Package, PackageType, Registry, Subtask, SubtaskChange, TargetOutcome, UpgradeTask,
};

/// How long a download token is valid, in seconds (the kit's choice: a
/// day, so a device that comes online later still has time).
pub const TOKEN_TTL: i64 = 86_400;

/// The path the HTTPS server serves a package at.
pub fn package_path(package_id: &str) -> String {
    format!("/kit/ota/packages/{package_id}")
}

impl Hub {
    /// Where packages are served (`https://127.0.0.1:PORT`), once the
    /// HTTPS server runs.
    pub fn set_ota_base(&self, base: String) {
        *lock(&self.ota_base) = Some(base);
    }

    /// CreateBatchTask of an upgrade: the task, with the notices sent to
    /// the targets that are online.
    pub async fn create_upgrade_task(
        self: &Arc<Self>,
        task_name: String,
        package_id: String,
        targets: Vec<String>,
    ) -> Result<UpgradeTask, HubError> {
        if lock(&self.ota_base).is_none() {
            return Err(HubError::Invalid(
                "upgrades need device access (the packages are served over its TLS); \
                 start the platform with device access"
                    .into(),
            ));
        }
        let targets = targets.clone();
        let (task_id, online) = self
            .blocking(move |r| {
                let task = r.create_upgrade_task(&task_name, &package_id, &targets, TOKEN_TTL)?;
                let mut online = Vec::new();
                for s in &task.subtasks {
                    if let Some(carrier) = online_carrier(r, &s.device_id)? {
                        online.push(carrier);
                    }
                }
                Ok((task.task_id, online))
            })
            .await?;
        self.start_upgrades_of(online).await;
        self.blocking(move |r| r.upgrade_task(&task_id)).await
    }

    /// StopBatchTask / RetryBatchTask: changes the subtasks of `targets`
    /// (all that apply when `None`); retried targets that are online are
    /// sent their notice again at once, the others when they connect. A
    /// stopped device is told nothing: Huawei documents no cancel event.
    pub async fn change_upgrade_task(
        self: &Arc<Self>,
        task_id: String,
        change: SubtaskChange,
        targets: Option<Vec<String>>,
    ) -> Result<Vec<TargetOutcome>, HubError> {
        let (outcomes, online) = self
            .blocking(move |r| {
                let outcomes =
                    r.change_subtasks(&task_id, change, targets.as_deref(), TOKEN_TTL)?;
                let mut online = Vec::new();
                for o in outcomes.iter().filter(|o| o.refusal.is_none()) {
                    if change == SubtaskChange::Retry {
                        online.extend(online_carrier(r, &o.target)?);
                    }
                }
                Ok((outcomes, online))
            })
            .await?;
        self.start_upgrades_of(online).await;
        Ok(outcomes)
    }

    /// [`Hub::start_upgrades`] of each of `devices`, on a blocking thread.
    async fn start_upgrades_of(self: &Arc<Self>, devices: Vec<String>) {
        let hub = self.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for device in devices {
                hub.start_upgrades(&device);
            }
        })
        .await;
    }

    /// Sends the device the notices of its waiting subtasks, and a
    /// gateway those of its sub-devices' on its own `events/down` with
    /// `object_device_id` the sub-device (iot_06_v5_3030). Called on a
    /// blocking thread (also when the device comes online).
    pub(super) fn start_upgrades(&self, device_id: &str) {
        let Some(base) = lock(&self.ota_base).clone() else {
            return;
        };
        let subs: Vec<String> = match self.registry.sub_devices(device_id) {
            Ok(subs) => subs.into_iter().map(|d| d.device_id).collect(),
            Err(e) => return self.registry_failed("start upgrades", e),
        };
        let objects = std::iter::once(device_id.to_owned()).chain(subs.iter().cloned());
        for object in objects {
            let started = self.registry.start_upgrades(&object).and_then(|started| {
                started
                    .into_iter()
                    .map(|(subtask, package)| {
                        let batch = if object == device_id {
                            BatchTask::default()
                        } else {
                            self.gateway_batch(&subtask.task_id, &subs)?
                        };
                        Ok((subtask, package, batch))
                    })
                    .collect::<crate::registry::Result<Vec<_>>>()
            });
            match started {
                Ok(started) => self.send_notices(&base, device_id, &object, started),
                Err(e) => self.registry_failed("start upgrades", e),
            }
        }
    }

    /// A sub-device notice's gateway-mode fields (iot_06_v5_3030): the
    /// task's id and how many of the gateway's sub-devices (`subs`) the
    /// task upgrades.
    fn gateway_batch(&self, task_id: &str, subs: &[String]) -> crate::registry::Result<BatchTask> {
        let task = self.registry.upgrade_task(task_id)?;
        let count = task
            .subtasks
            .iter()
            .filter(|s| subs.contains(&s.device_id))
            .count();
        Ok(BatchTask {
            task_id: Some(task.task_id),
            sub_device_count: u32::try_from(count).ok(),
            task_ext_info: None,
        })
    }

    /// Publishes the notices of `started` (subtasks of `object`) to
    /// `device_id`, the device itself or its gateway.
    fn send_notices(
        &self,
        base: &str,
        device_id: &str,
        object: &str,
        started: Vec<(Subtask, Package, BatchTask)>,
    ) {
        for (subtask, package, batch) in started {
            let event = notice(base, &subtask, &package, batch, self.registry.now());
            match self.events_payload(object, event, None) {
                Ok(payload) => {
                    let _ = self.outbox.send(Outgoing {
                        topic: format!("$oc/devices/{device_id}/sys/events/down"),
                        payload,
                    });
                }
                Err(e) => (self.log)(crate::log::Event::RegistryError {
                    what: format!("send an upgrade to {device_id:?}"),
                    error: e.to_string(),
                }),
            }
        }
    }

    /// `upgrade_progress_report`: moves the subtask under way of the
    /// device, or of `object` (the payload's `object_device_id`) when it
    /// names a sub-device of this gateway (iot_06_v5_3031). An
    /// `object_device_id` that is neither is refused, logged.
    pub(super) async fn upgrade_progress(
        &self,
        device_id: &str,
        object: Option<String>,
        report: UpgradeProgressReport,
    ) {
        let gateway = device_id.to_owned();
        let result = report.result_code;
        let followed = self
            .blocking(move |r| {
                let target = match object {
                    Some(o) if o != gateway => r.sub_device(&gateway, &o)?.device_id,
                    _ => gateway,
                };
                Ok(r.upgrade_progress(&target, &report)?.map(|s| (target, s)))
            })
            .await;
        match followed {
            Ok(Some((target, s))) => self.emit(PlatformEvent::Upgrade {
                device_id: target,
                task_id: s.task_id,
                status: s.status,
                progress: s.progress,
                result_code: s.result_code,
                result: result.name(),
                version: s.version,
            }),
            Ok(None) => {}
            Err(e) => (self.log)(crate::log::Event::RegistryError {
                what: format!("follow the upgrade of {device_id:?}"),
                error: e.to_string(),
            }),
        }
    }
}

/// The device that carries `device_id`'s traffic (itself, or a
/// sub-device's gateway), if it is online.
fn online_carrier(r: &Registry, device_id: &str) -> crate::registry::Result<Option<String>> {
    let carrier = r
        .device_full(device_id)?
        .gateway_id
        .unwrap_or_else(|| device_id.to_owned());
    Ok((r.device_full(&carrier)?.status == DeviceStatus::Online).then_some(carrier))
}

/// The upgrade notice of `subtask` (with `batch`, a gateway's fields for
/// a sub-device's notice): `firmware_upgrade` /
/// `software_upgrade` with the token beside the URL for a package stored
/// here, the `_v2` form for one treated as stored in OBS, whose URL is
/// already signed (the token in its query, no `access_token`), as
/// iot_06_v5_3030 tells the two apart.
fn notice(
    base: &str,
    subtask: &Subtask,
    package: &Package,
    batch: BatchTask,
    now: i64,
) -> SystemEvent {
    let url = format!(
        "{base}{}?token={}",
        package_path(&package.package_id),
        subtask.access_token
    );
    let expires = Some((subtask.expires_at - now).max(0));
    if package.obs_location.is_some() {
        let notice = UpgradeNoticeV2 {
            version: package.version.clone(),
            url,
            expires,
            file_size: Some(package.file_size),
            file_name: Some(package.file_name.clone()),
            sign: Some(package.sha256.clone()),
            custom_info: None,
            batch,
        };
        return match package.package_type {
            PackageType::Firmware => SystemEvent::FirmwareUpgradeV2(notice),
            PackageType::Software => SystemEvent::SoftwareUpgradeV2(notice),
        };
    }
    let notice = UpgradeNotice {
        version: package.version.clone(),
        url,
        file_size: package.file_size,
        file_name: Some(package.file_name.clone()),
        access_token: Some(subtask.access_token.clone()),
        expires,
        sign: package.sha256.clone(),
        custom_info: None,
        batch,
    };
    match package.package_type {
        PackageType::Firmware => SystemEvent::FirmwareUpgrade(notice),
        PackageType::Software => SystemEvent::SoftwareUpgrade(notice),
    }
}

/// The documented name of a result code (`None` for an unknown one).
pub fn result_name(code: i64) -> Option<&'static str> {
    UpgradeResult::try_from(code).ok().map(UpgradeResult::name)
}
