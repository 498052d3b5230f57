//! The kit's own history paths (IoTDA keeps these in its console, not in
//! its API): a device's events from `events/up` and its commands.

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::{blocking, ApiError, ApiState};
use crate::registry::iotda_time;

/// `GET .../devices/{device_id}/kit/events`: oldest first.
pub(super) async fn events(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = device_id.clone();
    let events = blocking(&state, move |r| r.events(&id)).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "limit": state.registry.history_limit(),
        "events": events.iter().map(|e| json!({
            "service_id": e.service_id,
            "event_type": e.event_type,
            "event_id": e.event_id,
            "event_time": e.event_time,
            "paras": e.paras,
            "received_time": iotda_time(e.received_time),
        })).collect::<Vec<_>>(),
    })))
}

/// `GET .../devices/{device_id}/kit/commands`: oldest first, each with its
/// status (`SENT`, `SUCCESSFUL`, `TIMEOUT`) and the device's response.
pub(super) async fn commands(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = device_id.clone();
    let commands = blocking(&state, move |r| r.commands(&id)).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "limit": state.registry.history_limit(),
        "commands": commands.iter().map(|c| json!({
            "command_id": c.command_id,
            "service_id": c.service_id,
            "command_name": c.command_name,
            "paras": c.paras,
            "status": c.status.as_str(),
            "response": c.response,
            "created_time": iotda_time(c.created_time),
            "finished_time": c.finished_time.map(iotda_time),
        })).collect::<Vec<_>>(),
    })))
}
