//! Software and firmware upgrades: packages (the file and its SHA-256),
//! upgrade tasks over target devices, and each target's subtask, which
//! follows the device's `upgrade_progress_report`.
//!
//! ```text
//! Waitting --firmware_upgrade/software_upgrade sent--> Processing
//! Processing --result_code 0, progress 100--> Success (the version kept as the device's)
//! Processing --result_code != 0--> Fail (the code kept)
//! Waitting, Processing --StopBatchTask--> Stopped
//! Fail, Stopped --RetryBatchTask--> Waitting (the token renewed)
//! ```
//!
//! The kit's choices: a task has one package; its targets are devices of
//! the package's product (sub-devices too: their gateway is sent their
//! notices); a download token is valid for the subtask's whole life up to
//! its expiry.

use iotda_core::iotda::payload::{UpgradeProgressReport, UpgradeResult};
use rusqlite::{params, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use super::{check_id, check_text, Error, Registry, Result};

/// `package_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageType {
    /// `firmwarePackage`: upgraded by a `firmwareUpgrade` task.
    Firmware,
    /// `softwarePackage`: upgraded by a `softwareUpgrade` task.
    Software,
}

impl PackageType {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firmware => "firmwarePackage",
            Self::Software => "softwarePackage",
        }
    }

    /// The batch task type that installs it.
    pub fn task_type(self) -> &'static str {
        match self {
            Self::Firmware => "firmwareUpgrade",
            Self::Software => "softwareUpgrade",
        }
    }

    /// Parses the API's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Firmware, Self::Software]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// What CreateOtaPackage is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPackage {
    /// Firmware or software.
    pub package_type: PackageType,
    /// The product whose devices it is for.
    pub product_id: String,
    /// The version the devices run after the upgrade.
    pub version: String,
    /// The file's name.
    pub file_name: String,
    /// The file.
    pub file: Vec<u8>,
    /// A description.
    pub description: Option<String>,
    /// `file_location.obs_location` as JSON text, when the package is to
    /// be treated as stored in OBS (its notices are the `_v2` forms).
    pub obs_location: Option<String>,
}

/// A stored package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Its id (24 hex digits).
    pub package_id: String,
    /// Firmware or software.
    pub package_type: PackageType,
    /// Its product.
    pub product_id: String,
    /// Its version.
    pub version: String,
    /// The file's name.
    pub file_name: String,
    /// The file's size in bytes.
    pub file_size: u64,
    /// The file's SHA-256, lowercase hex (the upgrade notice's `sign`).
    pub sha256: String,
    /// A description.
    pub description: Option<String>,
    /// When it was uploaded, Unix seconds.
    pub create_time: i64,
    /// `file_location.obs_location` as JSON text, if given: the package
    /// is then treated as stored in OBS.
    pub obs_location: Option<String>,
}

/// An upgrade task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeTask {
    /// Its id (24 hex digits).
    pub task_id: String,
    /// Its name.
    pub task_name: String,
    /// `firmwareUpgrade` or `softwareUpgrade`.
    pub task_type: String,
    /// The package it installs.
    pub package_id: String,
    /// When it was created, Unix seconds.
    pub create_time: i64,
    /// One subtask per target device.
    pub subtasks: Vec<Subtask>,
}

/// One target device's part of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subtask {
    /// The task.
    pub task_id: String,
    /// The target device.
    pub device_id: String,
    /// `Waitting`, `Processing`, `Success`, `Fail` or `Stopped`.
    pub status: String,
    /// The device's last reported progress (0-100).
    pub progress: Option<u8>,
    /// The device's last reported result code.
    pub result_code: Option<i64>,
    /// The version the device last reported.
    pub version: Option<String>,
    /// The device's last description.
    pub description: Option<String>,
    /// The token its download carries.
    pub access_token: String,
    /// When the token expires, Unix seconds.
    pub expires_at: i64,
    /// When it last changed, Unix seconds.
    pub updated_time: i64,
}

/// What StopBatchTask and RetryBatchTask do to subtasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtaskChange {
    /// Stop those that wait or run.
    Stop,
    /// Run again those that failed or were stopped.
    Retry,
}

impl SubtaskChange {
    /// The participle, for refusals ("stopped", "retried").
    fn done(self) -> &'static str {
        match self {
            Self::Stop => "stopped",
            Self::Retry => "retried",
        }
    }
}

/// One target's outcome of a [`SubtaskChange`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetOutcome {
    /// The target device.
    pub target: String,
    /// Why it was not changed, if it was not.
    pub refusal: Option<String>,
}

const PACKAGE_COLUMNS: &str = "package_id, package_type, product_id, version, file_name, \
     length(file), sha256, description, create_time, obs_location";

fn package_from_row(row: &Row<'_>) -> rusqlite::Result<Package> {
    let kind: String = row.get(1)?;
    Ok(Package {
        package_id: row.get(0)?,
        package_type: PackageType::parse(&kind).unwrap_or(PackageType::Firmware),
        product_id: row.get(2)?,
        version: row.get(3)?,
        file_name: row.get(4)?,
        file_size: row.get(5)?,
        sha256: row.get(6)?,
        description: row.get(7)?,
        create_time: row.get(8)?,
        obs_location: row.get(9)?,
    })
}

const SUBTASK_COLUMNS: &str = "task_id, device_id, status, progress, result_code, version, \
     description, access_token, expires_at, updated_time";

fn subtask_from_row(row: &Row<'_>) -> rusqlite::Result<Subtask> {
    Ok(Subtask {
        task_id: row.get(0)?,
        device_id: row.get(1)?,
        status: row.get(2)?,
        progress: row.get(3)?,
        result_code: row.get(4)?,
        version: row.get(5)?,
        description: row.get(6)?,
        access_token: row.get(7)?,
        expires_at: row.get(8)?,
        updated_time: row.get(9)?,
    })
}

impl Registry {
    /// CreateOtaPackage: keeps the file with its SHA-256.
    pub fn create_package(&self, new: &NewPackage) -> Result<Package> {
        check_id("product_id", &new.product_id, 36)?;
        check_text("version", &new.version, 1, 256)?;
        check_text("file_name", &new.file_name, 1, 256)?;
        if new.file.is_empty() {
            return Err(Error::Invalid {
                field: "file",
                reason: "the package file is empty".into(),
            });
        }
        let package_id = self.random_hex(24)?;
        let sha256: String = Sha256::digest(&new.file)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let now = self.now();
        self.write(|tx| {
            let product: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM product WHERE product_id = ?1",
                    [&new.product_id],
                    |r| r.get(0),
                )
                .optional()?;
            if product.is_none() {
                return Err(Error::ProductNotFound(new.product_id.clone()));
            }
            tx.execute(
                "INSERT INTO ota_package (package_id, package_type, product_id, version, \
                 file_name, file, sha256, description, create_time, obs_location) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    package_id,
                    new.package_type.as_str(),
                    new.product_id,
                    new.version,
                    new.file_name,
                    new.file,
                    sha256,
                    new.description,
                    now,
                    new.obs_location
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Invalid {
                        field: "version",
                        reason: format!(
                            "the product {} already has a {} of version {}",
                            new.product_id,
                            new.package_type.as_str(),
                            new.version
                        ),
                    }
                }
                e => e.into(),
            })?;
            Ok(())
        })?;
        self.package(&package_id)
    }

    /// ShowOtaPackage.
    pub fn package(&self, package_id: &str) -> Result<Package> {
        self.lock()
            .query_row(
                &format!("SELECT {PACKAGE_COLUMNS} FROM ota_package WHERE package_id = ?1"),
                [package_id],
                package_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::PackageNotFound(package_id.to_string()))
    }

    /// The package's file, if `token` is an unexpired download token of a
    /// subtask that installs it.
    pub fn package_file(&self, package_id: &str, token: &str) -> Result<Option<Vec<u8>>> {
        let now = self.now();
        Ok(self
            .lock()
            .query_row(
                "SELECT p.file FROM ota_package p JOIN ota_task t USING (package_id) \
                 JOIN ota_subtask s USING (task_id) \
                 WHERE p.package_id = ?1 AND s.access_token = ?2 AND s.expires_at > ?3",
                params![package_id, token, now],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// CreateBatchTask of type `firmwareUpgrade` or `softwareUpgrade`: one
    /// `Waitting` subtask per target, each with a download token valid for
    /// `token_ttl` seconds.
    pub fn create_upgrade_task(
        &self,
        task_name: &str,
        package_id: &str,
        targets: &[String],
        token_ttl: i64,
    ) -> Result<UpgradeTask> {
        check_text("task_name", task_name, 1, 128)?;
        let package = self.package(package_id)?;
        if targets.is_empty() {
            return Err(Error::Invalid {
                field: "targets",
                reason: "name at least one device".into(),
            });
        }
        for id in targets {
            let d = self.device_full(id)?;
            if d.product_id != package.product_id {
                return Err(Error::Invalid {
                    field: "targets",
                    reason: format!(
                        "{id} is a device of product {}; the package is for {}",
                        d.product_id, package.product_id
                    ),
                });
            }
        }
        let task_id = self.random_hex(24)?;
        let tokens = targets
            .iter()
            .map(|_| self.random_hex(64))
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO ota_task (task_id, task_name, task_type, package_id, create_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    task_id,
                    task_name,
                    package.package_type.task_type(),
                    package_id,
                    now
                ],
            )?;
            for (device, token) in targets.iter().zip(&tokens) {
                tx.execute(
                    "INSERT INTO ota_subtask (task_id, device_id, status, access_token, \
                     expires_at, updated_time) VALUES (?1, ?2, 'Waitting', ?3, ?4, ?5)",
                    params![task_id, device, token, now + token_ttl, now],
                )
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        Error::Invalid {
                            field: "targets",
                            reason: format!("{device} is named twice"),
                        }
                    }
                    e => e.into(),
                })?;
            }
            Ok(())
        })?;
        self.upgrade_task(&task_id)
    }

    /// ShowBatchTask of an upgrade task.
    pub fn upgrade_task(&self, task_id: &str) -> Result<UpgradeTask> {
        let conn = self.lock();
        let mut task = conn
            .query_row(
                "SELECT task_id, task_name, task_type, package_id, create_time FROM ota_task \
                 WHERE task_id = ?1",
                [task_id],
                |r| {
                    Ok(UpgradeTask {
                        task_id: r.get(0)?,
                        task_name: r.get(1)?,
                        task_type: r.get(2)?,
                        package_id: r.get(3)?,
                        create_time: r.get(4)?,
                        subtasks: Vec::new(),
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::TaskNotFound(task_id.to_string()))?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {SUBTASK_COLUMNS} FROM ota_subtask WHERE task_id = ?1 ORDER BY id"
        ))?;
        task.subtasks = stmt
            .query_map([task_id], subtask_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(task)
    }

    /// ListBatchTasks: the upgrade tasks of `task_type`, oldest first.
    pub fn upgrade_tasks(&self, task_type: &str) -> Result<Vec<UpgradeTask>> {
        let ids: Vec<String> = {
            let conn = self.lock();
            let mut stmt = conn.prepare(
                "SELECT task_id FROM ota_task WHERE task_type = ?1 ORDER BY create_time, rowid",
            )?;
            let ids = stmt
                .query_map([task_type], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            ids
        };
        ids.iter().map(|id| self.upgrade_task(id)).collect()
    }

    /// StopBatchTask (`stop`) or RetryBatchTask (`retry`) of the subtasks
    /// of `targets` (all when `None`): a stopped subtask that waits or runs
    /// becomes `Stopped`; a retried one that failed or was stopped becomes
    /// `Waitting` again with its token renewed for `token_ttl` seconds.
    /// Each target's outcome; the task must have a subtask the operation
    /// applies to.
    pub fn change_subtasks(
        &self,
        task_id: &str,
        change: SubtaskChange,
        targets: Option<&[String]>,
        token_ttl: i64,
    ) -> Result<Vec<TargetOutcome>> {
        let task = self.upgrade_task(task_id)?;
        let (from, to): (&[&str], &str) = match change {
            SubtaskChange::Stop => (&["Waitting", "Processing"], "Stopped"),
            SubtaskChange::Retry => (&["Fail", "Stopped"], "Waitting"),
        };
        if !task
            .subtasks
            .iter()
            .any(|s| from.contains(&s.status.as_str()))
        {
            return Err(Error::Invalid {
                field: "task_id",
                reason: format!(
                    "the task {task_id} has no subtask that is {}; it cannot be {}",
                    from.join(" or "),
                    change.done()
                ),
            });
        }
        let chosen: Vec<String> = match targets {
            Some(t) => t.to_vec(),
            None => task
                .subtasks
                .iter()
                .filter(|s| from.contains(&s.status.as_str()))
                .map(|s| s.device_id.clone())
                .collect(),
        };
        let now = self.now();
        let mut outcomes = Vec::new();
        for target in chosen {
            let status = task
                .subtasks
                .iter()
                .find(|s| s.device_id == target)
                .map(|s| s.status.clone());
            let refusal = match status.as_deref() {
                None => Some(format!("{target} is not a target of the task {task_id}")),
                Some(s) if !from.contains(&s) => Some(format!(
                    "the subtask of {target} is {s}; only {} can be {}",
                    from.join(" or "),
                    change.done()
                )),
                Some(_) => None,
            };
            if refusal.is_none() {
                self.write(|tx| {
                    tx.execute(
                        "UPDATE ota_subtask SET status = ?1, updated_time = ?2, \
                         expires_at = CASE WHEN ?1 = 'Waitting' THEN ?3 ELSE expires_at END \
                         WHERE task_id = ?4 AND device_id = ?5",
                        params![to, now, now + token_ttl, task_id, target],
                    )?;
                    Ok(())
                })?;
            }
            outcomes.push(TargetOutcome { target, refusal });
        }
        Ok(outcomes)
    }

    /// The device's `Waitting` subtasks with their packages, oldest first,
    /// each marked `Processing` (the caller sends the upgrade notice).
    pub fn start_upgrades(&self, device_id: &str) -> Result<Vec<(Subtask, Package)>> {
        let now = self.now();
        let started: Vec<Subtask> = self.write(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {SUBTASK_COLUMNS} FROM ota_subtask \
                 WHERE device_id = ?1 AND status = 'Waitting' ORDER BY id"
            ))?;
            let waiting = stmt
                .query_map([device_id], subtask_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.execute(
                "UPDATE ota_subtask SET status = 'Processing', updated_time = ?1 \
                 WHERE device_id = ?2 AND status = 'Waitting'",
                params![now, device_id],
            )?;
            Ok(waiting)
        })?;
        started
            .into_iter()
            .map(|s| {
                let task = self.upgrade_task(&s.task_id)?;
                let package = self.package(&task.package_id)?;
                Ok((s, package))
            })
            .collect()
    }

    /// Follows an `upgrade_progress_report` of `device_id` in its newest
    /// `Processing` subtask: keeps the progress, code and version; code 0 at
    /// 100 % is `Success` (and the version becomes the device's), any other
    /// code `Fail`. The subtask, or `None` when the device has none under
    /// way.
    pub fn upgrade_progress(
        &self,
        device_id: &str,
        report: &UpgradeProgressReport,
    ) -> Result<Option<Subtask>> {
        let now = self.now();
        let progress = report.progress.map(|p| p.percent());
        let status = match (report.result_code, progress) {
            (UpgradeResult::Success, Some(100)) => "Success",
            (UpgradeResult::Success, _) => "Processing",
            _ => "Fail",
        };
        let updated = self.write(|tx| {
            let found: Option<(i64, String, String)> = tx
                .query_row(
                    "SELECT s.id, s.task_id, t.task_type FROM ota_subtask s JOIN ota_task t \
                     USING (task_id) WHERE s.device_id = ?1 AND s.status = 'Processing' \
                     ORDER BY s.id DESC LIMIT 1",
                    [device_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((id, task_id, task_type)) = found else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE ota_subtask SET status = ?1, progress = COALESCE(?2, progress), \
                 result_code = ?3, version = ?4, description = ?5, updated_time = ?6 \
                 WHERE id = ?7",
                params![
                    status,
                    progress,
                    report.result_code.code(),
                    report.version,
                    report.description,
                    now,
                    id
                ],
            )?;
            if status == "Success" {
                let column = if task_type == "softwareUpgrade" {
                    "sw_version"
                } else {
                    "fw_version"
                };
                // `column` is one of two constants, never input.
                tx.execute(
                    &format!("UPDATE device SET {column} = ?1 WHERE device_id = ?2"),
                    params![report.version, device_id],
                )?;
            }
            Ok(Some(task_id))
        })?;
        match updated {
            None => Ok(None),
            Some(task_id) => Ok(self
                .upgrade_task(&task_id)?
                .subtasks
                .into_iter()
                .find(|s| s.device_id == device_id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::super::tests::FixedSource;
    use super::super::{AuthType, NewDevice, NewProduct};
    use super::*;
    use iotda_core::iotda::payload::Progress;

    /// Product `p1`, its device `p1_n1`, a firmware package 1.1 and a task
    /// for the device with tokens valid 10 s; the clock to move.
    fn task() -> (Registry, std::sync::Arc<FixedSource>, UpgradeTask) {
        task_of(PackageType::Firmware)
    }

    /// [`task`] with a package of `kind`.
    fn task_of(kind: PackageType) -> (Registry, std::sync::Arc<FixedSource>, UpgradeTask) {
        let clock = FixedSource::new(1_000);
        let r = Registry::in_memory(clock.clone()).expect("registry");
        r.create_product(&NewProduct {
            product_id: Some("p1".into()),
            name: "P".into(),
            device_type: "T".into(),
            protocol_type: "MQTT".into(),
            service_capabilities: serde_json::json!([]),
            ..NewProduct::default()
        })
        .expect("product");
        r.add_device(&NewDevice {
            node_id: "n1".into(),
            product_id: "p1".into(),
            auth_type: AuthType::Secret,
            ..NewDevice::default()
        })
        .expect("device");
        let p = r
            .create_package(&NewPackage {
                package_type: kind,
                product_id: "p1".into(),
                version: "1.1".into(),
                file_name: "fw.bin".into(),
                file: b"abc".to_vec(),
                description: None,
                obs_location: None,
            })
            .expect("package");
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            p.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let t = r
            .create_upgrade_task("t", &p.package_id, &["p1_n1".into()], 10)
            .expect("task");
        (r, clock, t)
    }

    fn report(code: UpgradeResult, progress: u64, version: &str) -> UpgradeProgressReport {
        UpgradeProgressReport {
            result_code: code,
            progress: Progress::try_from(progress).ok(),
            version: version.into(),
            description: None,
        }
    }

    #[test]
    fn a_download_token_opens_its_package_until_it_expires() {
        let (r, clock, t) = task();
        let token = &t.subtasks[0].access_token;
        assert_eq!(token.len(), 64);
        assert_eq!(
            r.package_file(&t.package_id, token),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(
            r.package_file(&t.package_id, "0".repeat(64).as_str()),
            Ok(None)
        );
        assert_eq!(r.package_file("000000000000000000000000", token), Ok(None));
        clock.now.store(1_010, Ordering::SeqCst);
        assert_eq!(r.package_file(&t.package_id, token), Ok(None));
    }

    #[test]
    fn progress_moves_a_started_subtask_to_success_with_the_version() {
        let (r, _, t) = task();
        // Nothing under way before the notice is sent.
        let early = r.upgrade_progress("p1_n1", &report(UpgradeResult::Success, 0, "1.0"));
        assert_eq!(early, Ok(None));
        assert_eq!(r.start_upgrades("p1_n1").expect("start").len(), 1);
        assert_eq!(r.start_upgrades("p1_n1").expect("again").len(), 0);
        let s = r
            .upgrade_progress("p1_n1", &report(UpgradeResult::Success, 50, "1.0"))
            .expect("progress")
            .expect("subtask");
        assert_eq!((s.status.as_str(), s.progress), ("Processing", Some(50)));
        let s = r
            .upgrade_progress("p1_n1", &report(UpgradeResult::Success, 100, "1.1"))
            .expect("done")
            .expect("subtask");
        assert_eq!(s.status, "Success");
        assert_eq!(s.version.as_deref(), Some("1.1"));
        assert_eq!(
            r.device_full("p1_n1")
                .expect("device")
                .fw_version
                .as_deref(),
            Some("1.1")
        );
        assert_eq!(r.upgrade_task(&t.task_id).expect("task").subtasks, vec![s]);
    }

    #[test]
    fn a_failure_code_fails_the_subtask_and_keeps_the_old_version() {
        let (r, _, _) = task();
        r.start_upgrades("p1_n1").expect("start");
        let s = r
            .upgrade_progress(
                "p1_n1",
                &report(UpgradeResult::VerificationFailed, 0, "1.0"),
            )
            .expect("progress")
            .expect("subtask");
        assert_eq!((s.status.as_str(), s.result_code), ("Fail", Some(7)));
        assert_eq!(r.device_full("p1_n1").expect("device").fw_version, None);
    }

    #[test]
    fn a_stopped_subtask_ignores_progress_and_a_retry_makes_it_wait_again() {
        let (r, clock, t) = task();
        r.start_upgrades("p1_n1").expect("start");
        let out = r
            .change_subtasks(&t.task_id, SubtaskChange::Stop, None, 10)
            .expect("stop");
        assert_eq!(
            out,
            [TargetOutcome {
                target: "p1_n1".into(),
                refusal: None
            }]
        );
        let late = r.upgrade_progress("p1_n1", &report(UpgradeResult::Success, 100, "1.1"));
        assert_eq!(late, Ok(None));
        // Nothing is left to stop.
        assert!(matches!(
            r.change_subtasks(&t.task_id, SubtaskChange::Stop, None, 10),
            Err(Error::Invalid {
                field: "task_id",
                ..
            })
        ));
        clock.now.store(1_005, Ordering::SeqCst);
        let out = r
            .change_subtasks(
                &t.task_id,
                SubtaskChange::Retry,
                Some(&["p1_n1".into(), "nobody".into()]),
                10,
            )
            .expect("retry");
        assert_eq!(out[0].refusal, None);
        assert!(out[1]
            .refusal
            .as_deref()
            .unwrap_or_default()
            .contains("not a target"));
        let s = r.upgrade_task(&t.task_id).expect("task").subtasks[0].clone();
        assert_eq!((s.status.as_str(), s.expires_at), ("Waitting", 1_015));
        assert_eq!(r.upgrade_tasks("firmwareUpgrade").expect("list").len(), 1);
        assert_eq!(r.upgrade_tasks("softwareUpgrade").expect("list").len(), 0);
    }

    #[test]
    fn a_software_upgrade_keeps_the_software_version() {
        let (r, _, t) = task_of(PackageType::Software);
        assert_eq!(t.task_type, "softwareUpgrade");
        r.start_upgrades("p1_n1").expect("start");
        r.upgrade_progress("p1_n1", &report(UpgradeResult::Success, 100, "1.1"))
            .expect("done");
        let d = r.device_full("p1_n1").expect("device");
        assert_eq!((d.sw_version.as_deref(), d.fw_version), (Some("1.1"), None));
    }
}
