//! Each device's event history (what it published on `events/up`) and
//! command history (CreateCommand: the request, then the answer or the
//! timeout), bounded per device like the status and message histories.

use rusqlite::{params, Row};
use serde_json::Value;

use super::history::trim;
use super::{Registry, Result};

/// One event a device sent.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// `$ota`, `$sub_device_manager`, `$time_sync`, ... or a model's service.
    pub service_id: String,
    /// Its `event_type`.
    pub event_type: String,
    /// Its `event_id`, if it had one.
    pub event_id: Option<String>,
    /// Its `event_time` as sent.
    pub event_time: Option<String>,
    /// Its `paras`.
    pub paras: Value,
    /// When the platform received it, Unix seconds.
    pub received_time: i64,
}

/// How far a command got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    /// Published; no answer yet.
    Sent,
    /// The device answered.
    Successful,
    /// No answer within the command timeout.
    Timeout,
}

impl CommandStatus {
    /// `SENT`, `SUCCESSFUL` or `TIMEOUT` (the names IoTDA's asynchronous
    /// commands use for these states).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "SENT",
            Self::Successful => "SUCCESSFUL",
            Self::Timeout => "TIMEOUT",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "SUCCESSFUL" => Self::Successful,
            "TIMEOUT" => Self::Timeout,
            _ => Self::Sent,
        }
    }
}

/// One command in a device's history.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandRecord {
    /// The command's id (its request id).
    pub command_id: String,
    /// The device.
    pub device_id: String,
    /// The service, if given.
    pub service_id: Option<String>,
    /// The command, if given.
    pub command_name: Option<String>,
    /// Its parameters.
    pub paras: Value,
    /// How far it got.
    pub status: CommandStatus,
    /// The device's answer.
    pub response: Option<Value>,
    /// When it was sent, Unix seconds.
    pub created_time: i64,
    /// When it was answered or timed out.
    pub finished_time: Option<i64>,
}

fn json_column(row: &Row<'_>, i: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(i)?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<EventRecord> {
    Ok(EventRecord {
        service_id: row.get(0)?,
        event_type: row.get(1)?,
        event_id: row.get(2)?,
        event_time: row.get(3)?,
        paras: json_column(row, 4)?,
        received_time: row.get(5)?,
    })
}

fn command_from_row(row: &Row<'_>) -> rusqlite::Result<CommandRecord> {
    let status: String = row.get(6)?;
    let response: Option<String> = row.get(7)?;
    Ok(CommandRecord {
        command_id: row.get(0)?,
        device_id: row.get(1)?,
        service_id: row.get(2)?,
        command_name: row.get(3)?,
        paras: json_column(row, 4)?,
        status: CommandStatus::parse(&status),
        response: response.map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t))),
        created_time: row.get(5)?,
        finished_time: row.get(8)?,
    })
}

impl Registry {
    /// Records an event of `device_id`, dropping its oldest beyond the
    /// limit.
    pub fn record_event(&self, device_id: &str, e: &EventRecord) -> Result<()> {
        let limit = self.history_limit();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device_event (device_id, service_id, event_type, event_id, \
                 event_time, paras, received_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    device_id,
                    e.service_id,
                    e.event_type,
                    e.event_id,
                    e.event_time,
                    e.paras.to_string(),
                    e.received_time
                ],
            )?;
            trim(tx, "device_event", device_id, limit)
        })
    }

    /// The device's events, oldest first.
    pub fn events(&self, device_id: &str) -> Result<Vec<EventRecord>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT service_id, event_type, event_id, event_time, paras, received_time \
             FROM device_event WHERE device_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([device_id], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Records a command as sent, dropping the device's oldest beyond the
    /// limit.
    pub fn record_command(&self, c: &CommandRecord) -> Result<()> {
        let limit = self.history_limit();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device_command (command_id, device_id, service_id, command_name, \
                 paras, status, response, created_time, finished_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    c.command_id,
                    c.device_id,
                    c.service_id,
                    c.command_name,
                    c.paras.to_string(),
                    c.status.as_str(),
                    c.response.as_ref().map(Value::to_string),
                    c.created_time,
                    c.finished_time
                ],
            )?;
            trim(tx, "device_command", &c.device_id, limit)
        })
    }

    /// Records a command's answer (`Some`) or its timeout (`None`).
    pub fn finish_command(&self, command_id: &str, response: Option<&Value>) -> Result<()> {
        let status = match response {
            Some(_) => CommandStatus::Successful,
            None => CommandStatus::Timeout,
        };
        let now = self.now();
        self.write(|tx| {
            tx.execute(
                "UPDATE device_command SET status = ?1, response = ?2, finished_time = ?3 \
                 WHERE command_id = ?4",
                params![
                    status.as_str(),
                    response.map(Value::to_string),
                    now,
                    command_id
                ],
            )?;
            Ok(())
        })
    }

    /// The device's commands, oldest first.
    pub fn commands(&self, device_id: &str) -> Result<Vec<CommandRecord>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT command_id, device_id, service_id, command_name, paras, created_time, \
             status, response, finished_time FROM device_command WHERE device_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([device_id], command_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
