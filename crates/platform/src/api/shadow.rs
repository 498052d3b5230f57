//! ShowDeviceShadow (`GET .../devices/{device_id}/shadow`) and
//! UpdateDeviceShadowDesiredData (`PUT` the same path), as the API
//! reference and the SDKs' `DeviceShadowData` / `DeviceShadowProperties` /
//! `UpdateDesireds` models describe them, and the kit's own list of
//! property reports (`GET .../devices/{device_id}/kit/reports`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{blocking, json, param, ApiError, ApiState};
use crate::hub::{problems_json, services_json};
use crate::registry::{iotda_time, ShadowService};

/// `{service_id, desired: {properties, event_time}, reported: {...}, version}`.
pub(super) fn shadow_json(s: &ShadowService) -> Value {
    json!({
        "service_id": s.service_id,
        "desired": { "properties": s.desired, "event_time": s.desired_event_time },
        "reported": { "properties": s.reported, "event_time": s.reported_event_time },
        "version": s.version,
    })
}

pub(super) async fn show(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = device_id.clone();
    let shadow = blocking(&state, move |r| r.shadow(&id)).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "shadow": shadow.iter().map(shadow_json).collect::<Vec<_>>(),
    })))
}

/// UpdateDeviceShadowDesiredData's body.
#[derive(Deserialize)]
struct UpdateBody {
    shadow: Vec<UpdateDesired>,
}

/// One service's desired values, and the version they were read at.
#[derive(Deserialize)]
struct UpdateDesired {
    service_id: String,
    desired: Map<String, Value>,
    version: Option<i64>,
}

pub(super) async fn update(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: UpdateBody = json(&body)?;
    if b.shadow.is_empty() {
        return Err(ApiError::invalid("shadow must name at least one service"));
    }
    let services = b
        .shadow
        .into_iter()
        .map(|s| (s.service_id, s.desired, s.version))
        .collect();
    let shadow = state.hub.set_desired(&device_id, services).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "shadow": shadow.iter().map(shadow_json).collect::<Vec<_>>(),
    })))
}

/// `GET .../kit/reports[?dropped=true]`: the device's property reports,
/// oldest first, each with what was kept and its problems.
pub(super) async fn kit_reports(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let dropped_only = match param(&query, "dropped") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "dropped must be true or false; got {other:?}"
            )))
        }
    };
    let id = device_id.clone();
    let reports = blocking(&state, move |r| r.reports(&id, dropped_only)).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "limit": state.registry.history_limit(),
        "reports": reports.iter().map(|r| json!({
            "received_time": iotda_time(r.received_time),
            "payload": String::from_utf8_lossy(&r.payload),
            "accepted": services_json(&r.accepted),
            "problems": problems_json(&r.problems),
        })).collect::<Vec<_>>(),
    })))
}
