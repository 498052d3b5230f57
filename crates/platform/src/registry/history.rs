//! Each device's status history (online/offline with the reason) and
//! message history (uplinks and downlinks), bounded per device: after each
//! insert, all but the newest [`Registry::history_limit`] rows of that
//! device are deleted, in the same transaction.

use rusqlite::{params, Row, Transaction};

use super::{Error, Registry, Result};
use crate::directory::{DeviceStatus, StatusChange, StatusReason};

/// How many status events and how many messages are kept per device when
/// nothing else is configured.
pub const DEFAULT_HISTORY_LIMIT: u32 = 200;

/// One recorded status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    /// The new status.
    pub status: DeviceStatus,
    /// Why.
    pub reason: StatusReason,
    /// The connection's words.
    pub detail: String,
    /// When, Unix seconds.
    pub event_time: i64,
}

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the device (`messages/up`).
    Up,
    /// To the device (CreateMessage).
    Down,
}

impl Direction {
    /// `UP` or `DOWN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "UP",
            Self::Down => "DOWN",
        }
    }
}

/// One message in a device's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its id (the platform's, or the one CreateMessage was given).
    pub message_id: String,
    /// The device.
    pub device_id: String,
    /// Up or down.
    pub direction: Direction,
    /// CreateMessage's `name`.
    pub name: Option<String>,
    /// The full MQTT topic.
    pub topic: String,
    /// The payload as published.
    pub payload: Vec<u8>,
    /// `DELIVERED`, or `PENDING` for a downlink waiting for its device to
    /// come online.
    pub status: &'static str,
    /// When it was received or created, Unix seconds.
    pub created_time: i64,
    /// When it was published to the device (downlinks).
    pub finished_time: Option<i64>,
}

/// Deletes all but the newest `limit` rows of `device_id` in `table`.
pub(super) fn trim(tx: &Transaction<'_>, table: &str, device_id: &str, limit: u32) -> Result<()> {
    // `table` is one of this module's constants, never input.
    tx.execute(
        &format!(
            "DELETE FROM {table} WHERE device_id = ?1 AND id NOT IN \
             (SELECT id FROM {table} WHERE device_id = ?1 ORDER BY id DESC LIMIT ?2)"
        ),
        params![device_id, limit],
    )?;
    Ok(())
}

/// Records `change` in the status history (called inside the status
/// update's transaction).
pub(super) fn insert_status_event(
    tx: &Transaction<'_>,
    device_id: &str,
    change: &StatusChange,
    limit: u32,
) -> Result<()> {
    tx.execute(
        "INSERT INTO device_status_event (device_id, status, reason, detail, event_time) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            device_id,
            change.status.as_str(),
            change.reason.as_str(),
            change.detail,
            change.at
        ],
    )?;
    trim(tx, "device_status_event", device_id, limit)
}

fn status_from_row(row: &Row<'_>) -> rusqlite::Result<StatusEvent> {
    let status: String = row.get(0)?;
    let reason: String = row.get(1)?;
    Ok(StatusEvent {
        status: super::parse_status(&status).unwrap_or(DeviceStatus::Offline),
        reason: StatusReason::parse(&reason).unwrap_or(StatusReason::Disconnected),
        detail: row.get(2)?,
        event_time: row.get(3)?,
    })
}

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    let direction: String = row.get(2)?;
    let status: String = row.get(6)?;
    Ok(MessageRecord {
        message_id: row.get(0)?,
        device_id: row.get(1)?,
        direction: if direction == "UP" {
            Direction::Up
        } else {
            Direction::Down
        },
        name: row.get(3)?,
        topic: row.get(4)?,
        payload: row.get(5)?,
        status: if status == "PENDING" {
            "PENDING"
        } else {
            "DELIVERED"
        },
        created_time: row.get(7)?,
        finished_time: row.get(8)?,
    })
}

const MESSAGE_COLUMNS: &str = "message_id, device_id, direction, name, topic, payload, status, \
     created_time, finished_time";

impl Registry {
    /// How many status events and messages are kept per device.
    pub fn history_limit(&self) -> u32 {
        self.history_limit
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps at most `limit` (at least 1) status events and messages per
    /// device from the next insert on.
    pub fn set_history_limit(&self, limit: u32) {
        self.history_limit
            .store(limit.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// The device's status history, oldest first.
    pub fn status_events(&self, device_id: &str) -> Result<Vec<StatusEvent>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT status, reason, detail, event_time FROM device_status_event \
             WHERE device_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([device_id], status_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records a message, dropping the device's oldest beyond the limit.
    pub fn record_message(&self, m: &MessageRecord) -> Result<()> {
        let limit = self.history_limit();
        self.write(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO device_message ({MESSAGE_COLUMNS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                ),
                params![
                    m.message_id,
                    m.device_id,
                    m.direction.as_str(),
                    m.name,
                    m.topic,
                    m.payload,
                    m.status,
                    m.created_time,
                    m.finished_time
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Invalid {
                        field: "message_id",
                        reason: format!(
                            "a message with id {:?} exists already, or the device {} does not",
                            m.message_id, m.device_id
                        ),
                    }
                }
                e => e.into(),
            })?;
            trim(tx, "device_message", &m.device_id, limit)
        })
    }

    /// The device's messages, oldest first; only one direction if given.
    pub fn messages(
        &self,
        device_id: &str,
        direction: Option<Direction>,
    ) -> Result<Vec<MessageRecord>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM device_message \
             WHERE device_id = ?1 AND (?2 IS NULL OR direction = ?2) ORDER BY id"
        ))?;
        let rows = stmt.query_map(
            params![device_id, direction.map(Direction::as_str)],
            message_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One message of the device.
    pub fn message(&self, device_id: &str, message_id: &str) -> Result<MessageRecord> {
        self.messages(device_id, None)?
            .into_iter()
            .find(|m| m.message_id == message_id)
            .ok_or_else(|| Error::MessageNotFound(message_id.to_string()))
    }

    /// Marks a pending downlink delivered at `at`.
    pub fn mark_delivered(&self, message_id: &str, at: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE device_message SET status = 'DELIVERED', finished_time = ?1 \
                 WHERE message_id = ?2",
                params![at, message_id],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_product;
    use super::super::{AuthType, NewDevice};
    use super::*;

    fn with_device() -> Registry {
        let r = with_product();
        r.add_device(&NewDevice {
            node_id: "n1".into(),
            product_id: "p1".into(),
            auth_type: AuthType::Secret,
            secure_access: false,
            ..NewDevice::default()
        })
        .expect("device");
        r
    }

    fn up(id: &str, at: i64) -> MessageRecord {
        MessageRecord {
            message_id: id.into(),
            device_id: "p1_n1".into(),
            direction: Direction::Up,
            name: None,
            topic: "$oc/devices/p1_n1/sys/messages/up".into(),
            payload: id.as_bytes().to_vec(),
            status: "DELIVERED",
            created_time: at,
            finished_time: None,
        }
    }

    #[test]
    fn histories_keep_the_newest_up_to_the_limit() {
        let r = with_device();
        r.set_history_limit(3);
        for n in 0..5 {
            r.record_message(&up(&format!("m{n}"), n)).expect("record");
            let change = StatusChange {
                status: if n % 2 == 0 {
                    DeviceStatus::Online
                } else {
                    DeviceStatus::Offline
                },
                reason: StatusReason::Connected,
                detail: format!("e{n}"),
                at: n,
            };
            crate::directory::Directory::set_status(&r, "p1_n1", &change).expect("status");
        }
        let ids: Vec<_> = r
            .messages("p1_n1", None)
            .expect("messages")
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        assert_eq!(ids, ["m2", "m3", "m4"]);
        let details: Vec<_> = r
            .status_events("p1_n1")
            .expect("events")
            .into_iter()
            .map(|e| e.detail)
            .collect();
        assert_eq!(details, ["e2", "e3", "e4"]);
    }

    #[test]
    fn a_deleted_device_takes_its_history_with_it() {
        let r = with_device();
        r.record_message(&up("m0", 0)).expect("record");
        r.delete_device("p1_n1").expect("delete");
        let left: i64 = r
            .lock()
            .query_row("SELECT COUNT(*) FROM device_message", [], |row| row.get(0))
            .expect("count");
        assert_eq!(left, 0);
    }
}
