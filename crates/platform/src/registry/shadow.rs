//! Device shadows (desired and reported properties per service, with a
//! version) and the property reports devices sent, kept or dropped.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use super::{Error, Registry, Result};

/// One service of a device's shadow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowService {
    /// The service.
    pub service_id: String,
    /// The properties the application wants.
    pub desired: Map<String, Value>,
    /// When `desired` last changed (`yyyyMMdd'T'HHmmss'Z'`).
    pub desired_event_time: Option<String>,
    /// The properties the device last reported.
    pub reported: Map<String, Value>,
    /// The event time of the last report (the device's, or when it was
    /// received).
    pub reported_event_time: Option<String>,
    /// Counted up at each change of `desired` or `reported`.
    pub version: i64,
}

/// The part of a report that fitted the model, for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceReport {
    /// The service.
    pub service_id: String,
    /// The properties kept.
    pub properties: Map<String, Value>,
    /// Its event time.
    pub event_time: String,
}

/// One property report as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    /// The payload.
    pub payload: Vec<u8>,
    /// What was kept.
    pub accepted: Vec<ServiceReport>,
    /// `(path, rule)` of each problem against the model.
    pub problems: Vec<(String, String)>,
    /// When it was received, Unix seconds.
    pub received_time: i64,
}

fn to_json_map(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn accepted_json(accepted: &[ServiceReport]) -> String {
    Value::Array(
        accepted
            .iter()
            .map(|s| {
                serde_json::json!({
                    "service_id": s.service_id,
                    "properties": s.properties,
                    "event_time": s.event_time,
                })
            })
            .collect(),
    )
    .to_string()
}

fn accepted_from(text: &str) -> Vec<ServiceReport> {
    let Ok(Value::Array(items)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|v| ServiceReport {
            service_id: v["service_id"].as_str().unwrap_or("").to_string(),
            properties: v["properties"].as_object().cloned().unwrap_or_default(),
            event_time: v["event_time"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

fn problems_json(problems: &[(String, String)]) -> String {
    Value::Array(
        problems
            .iter()
            .map(|(path, rule)| serde_json::json!({ "path": path, "rule": rule }))
            .collect(),
    )
    .to_string()
}

fn problems_from(text: &str) -> Vec<(String, String)> {
    let Ok(Value::Array(items)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap_or("").to_string(),
                v["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Merges `properties` into one side (`desired` or `reported`) of a
/// service's shadow row, made if missing, and counts the version up.
fn merge(
    tx: &Transaction<'_>,
    device_id: &str,
    service_id: &str,
    side: Side,
    properties: &Map<String, Value>,
    event_time: &str,
) -> Result<()> {
    let (column, time_column) = match side {
        Side::Desired => ("desired", "desired_event_time"),
        Side::Reported => ("reported", "reported_event_time"),
    };
    tx.execute(
        "INSERT OR IGNORE INTO device_shadow (device_id, service_id) VALUES (?1, ?2)",
        params![device_id, service_id],
    )?;
    // The column names are this function's constants, never input.
    let current: String = tx.query_row(
        &format!("SELECT {column} FROM device_shadow WHERE device_id = ?1 AND service_id = ?2"),
        params![device_id, service_id],
        |r| r.get(0),
    )?;
    let mut merged = to_json_map(&current);
    for (k, v) in properties {
        merged.insert(k.clone(), v.clone());
    }
    tx.execute(
        &format!(
            "UPDATE device_shadow SET {column} = ?1, {time_column} = ?2, version = version + 1 \
             WHERE device_id = ?3 AND service_id = ?4"
        ),
        params![
            Value::Object(merged).to_string(),
            event_time,
            device_id,
            service_id
        ],
    )?;
    Ok(())
}

/// Which side of a shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Desired,
    Reported,
}

/// Seeds a new device's desired section with the `default_value` of each
/// property of its product's model that has one (inside the device's
/// insert).
pub(super) fn seed_desired(
    tx: &Transaction<'_>,
    device_id: &str,
    product_id: &str,
    event_time: &str,
) -> Result<()> {
    let caps: String = tx.query_row(
        "SELECT service_capabilities FROM product WHERE product_id = ?1",
        [product_id],
        |r| r.get(0),
    )?;
    let Ok(Value::Array(services)) = serde_json::from_str::<Value>(&caps) else {
        return Ok(());
    };
    for service in &services {
        let Some(service_id) = service["service_id"].as_str() else {
            continue;
        };
        let defaults: Map<String, Value> = service["properties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let name = p["property_name"].as_str()?;
                let value = p.get("default_value").filter(|v| !v.is_null())?;
                Some((name.to_string(), value.clone()))
            })
            .collect();
        if !defaults.is_empty() {
            merge(
                tx,
                device_id,
                service_id,
                Side::Desired,
                &defaults,
                event_time,
            )?;
        }
    }
    Ok(())
}

impl ShadowService {
    /// The desired properties whose value the device has not reported.
    pub fn unreported(&self) -> Map<String, Value> {
        self.desired
            .iter()
            .filter(|(k, v)| self.reported.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Registry {
    /// Keeps a property report: what fitted goes into the shadow's
    /// `reported`, and the report with its problems into the device's
    /// bounded report list.
    pub fn record_report(&self, device_id: &str, report: &ReportRecord) -> Result<()> {
        let limit = self.history_limit();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO device_report (device_id, payload, accepted, problems, received_time) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    device_id,
                    report.payload,
                    accepted_json(&report.accepted),
                    problems_json(&report.problems),
                    report.received_time
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::DeviceNotFound(device_id.to_string())
                }
                e => e.into(),
            })?;
            super::history::trim(tx, "device_report", device_id, limit)?;
            for s in &report.accepted {
                merge(
                    tx,
                    device_id,
                    &s.service_id,
                    Side::Reported,
                    &s.properties,
                    &s.event_time,
                )?;
            }
            Ok(())
        })
    }

    /// The device's reports, oldest first; only those with problems if
    /// `dropped_only`.
    pub fn reports(&self, device_id: &str, dropped_only: bool) -> Result<Vec<ReportRecord>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT payload, accepted, problems, received_time FROM device_report \
             WHERE device_id = ?1 AND (?2 = 0 OR problems != '[]') ORDER BY id",
        )?;
        let rows = stmt.query_map(params![device_id, dropped_only], |r| {
            let accepted: String = r.get(1)?;
            let problems: String = r.get(2)?;
            Ok(ReportRecord {
                payload: r.get(0)?,
                accepted: accepted_from(&accepted),
                problems: problems_from(&problems),
                received_time: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The device's shadow, by service id.
    pub fn shadow(&self, device_id: &str) -> Result<Vec<ShadowService>> {
        self.device_full(device_id)?;
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT service_id, desired, desired_event_time, reported, reported_event_time, \
             version FROM device_shadow WHERE device_id = ?1 ORDER BY service_id",
        )?;
        let rows = stmt.query_map([device_id], |r| {
            let desired: String = r.get(1)?;
            let reported: String = r.get(3)?;
            Ok(ShadowService {
                service_id: r.get(0)?,
                desired: to_json_map(&desired),
                desired_event_time: r.get(2)?,
                reported: to_json_map(&reported),
                reported_event_time: r.get(4)?,
                version: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Merges `properties` into the desired side of each service's shadow
    /// at `event_time`. With `expected_version`, a service whose shadow
    /// version differs is refused (optimistic locking, as IoTDA's
    /// `version` field).
    pub fn set_desired(
        &self,
        device_id: &str,
        services: &[(String, Map<String, Value>, Option<i64>)],
        event_time: &str,
    ) -> Result<()> {
        self.device_full(device_id)?;
        self.write(|tx| {
            for (service_id, properties, expected) in services {
                if let Some(want) = expected {
                    let have: Option<i64> = tx
                        .query_row(
                            "SELECT version FROM device_shadow WHERE device_id = ?1 AND service_id = ?2",
                            params![device_id, service_id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if have.unwrap_or(0) != *want {
                        return Err(Error::Invalid {
                            field: "version",
                            reason: format!(
                                "the shadow of service {service_id} is at version {}, not {want}; read it again",
                                have.unwrap_or(0)
                            ),
                        });
                    }
                }
                merge(tx, device_id, service_id, Side::Desired, properties, event_time)?;
            }
            Ok(())
        })
    }
}
