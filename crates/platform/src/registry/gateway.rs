//! Gateways and their sub-devices: a device registered with a `gateway_id`
//! (AddDevice, or the gateway's own `add_sub_device_request`) is that
//! gateway's sub-device. It never connects; its status is what the gateway
//! last reported (`sub_device_update_status`) and its data comes in the
//! gateway's reports.
//!
//! The kit's choices where IoTDA's docs are silent: a gateway is a device
//! that is not itself a sub-device (one level), and a gateway with
//! sub-devices cannot be deleted before them.

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Device, Error, Registry, Result};
use crate::directory::{DeviceStatus, StatusChange, StatusReason};

/// `Err` unless `gateway_id` is a registered device that is no sub-device.
pub(super) fn check_gateway(tx: &Transaction<'_>, gateway_id: &str) -> Result<()> {
    let parent: Option<Option<String>> = tx
        .query_row(
            "SELECT gateway_id FROM device WHERE device_id = ?1",
            [gateway_id],
            |r| r.get(0),
        )
        .optional()?;
    match parent {
        None => Err(Error::Invalid {
            field: "gateway_id",
            reason: format!("the gateway {gateway_id} does not exist; register it first"),
        }),
        Some(Some(its_gateway)) => Err(Error::Invalid {
            field: "gateway_id",
            reason: format!(
                "{gateway_id} is a sub-device of {its_gateway}; a sub-device cannot be a gateway"
            ),
        }),
        Some(None) => Ok(()),
    }
}

/// `Err` when `device_id` still has sub-devices.
pub(super) fn check_no_sub_devices(tx: &Transaction<'_>, device_id: &str) -> Result<()> {
    let n: i64 = tx.query_row(
        "SELECT COUNT(*) FROM device WHERE gateway_id = ?1",
        [device_id],
        |r| r.get(0),
    )?;
    if n > 0 {
        return Err(Error::Invalid {
            field: "device_id",
            reason: format!(
                "the gateway {device_id} still has {n} sub-device(s); delete them first"
            ),
        });
    }
    Ok(())
}

impl Registry {
    /// The sub-devices of `gateway_id`, oldest first.
    pub fn sub_devices(&self, gateway_id: &str) -> Result<Vec<Device>> {
        let ids: Vec<String> = {
            let conn = self.lock();
            let mut stmt =
                conn.prepare("SELECT device_id FROM device WHERE gateway_id = ?1 ORDER BY rowid")?;
            let rows = stmt
                .query_map([gateway_id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        ids.iter().map(|id| self.device_full(id)).collect()
    }

    /// The sub-device `device_id` of `gateway_id`: `Err` when there is no
    /// such device or it belongs to another gateway (or none).
    pub fn sub_device(&self, gateway_id: &str, device_id: &str) -> Result<Device> {
        let d = self.device_full(device_id)?;
        if d.gateway_id.as_deref() == Some(gateway_id) {
            Ok(d)
        } else {
            Err(Error::Invalid {
                field: "device_id",
                reason: format!("{device_id} is not a sub-device of the gateway {gateway_id}"),
            })
        }
    }

    /// Sets a sub-device's status as its gateway reported it, and records
    /// it in its status history (reason `GATEWAY_REPORTED`).
    pub fn set_sub_device_status(
        &self,
        gateway_id: &str,
        device_id: &str,
        status: DeviceStatus,
    ) -> Result<StatusChange> {
        self.sub_device(gateway_id, device_id)?;
        let change = StatusChange {
            status,
            reason: StatusReason::GatewayReported,
            detail: format!("reported by the gateway {gateway_id}"),
            at: self.now(),
        };
        let limit = self.history_limit();
        self.write(|tx| {
            tx.execute(
                "UPDATE device SET status = ?1, \
                 last_online_time = CASE WHEN ?1 = 'ONLINE' THEN ?2 ELSE last_online_time END \
                 WHERE device_id = ?3",
                params![status.as_str(), change.at, device_id],
            )?;
            super::history::insert_status_event(tx, device_id, &change, limit)
        })?;
        Ok(change)
    }

    /// Keeps the versions a device reported (`version_report`, or an
    /// upgrade's last progress report); `None` leaves one as it was.
    pub fn set_versions(
        &self,
        device_id: &str,
        fw_version: Option<&str>,
        sw_version: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            match tx.execute(
                "UPDATE device SET fw_version = COALESCE(?1, fw_version), \
                 sw_version = COALESCE(?2, sw_version) WHERE device_id = ?3",
                params![fw_version, sw_version, device_id],
            )? {
                0 => Err(Error::DeviceNotFound(device_id.to_string())),
                _ => Ok(()),
            }
        })
    }
}
