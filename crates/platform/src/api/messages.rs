//! CreateMessage, ListDeviceMessages, ShowDeviceMessage (IoTDA's paths and
//! fields: API reference "Deliver a Message to a Device" and the
//! `DeviceMessage` model of Huawei's SDKs), and the kit's own histories
//! under `.../devices/{device_id}/kit/`: every message both ways, and the
//! status changes.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use iotda_core::iotda::payload::Message;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, param, ApiError, ApiState};
use crate::hub::DownMessage;
use crate::registry::{iotda_time, Direction, MessageRecord};

/// CreateMessage's body (`properties` and `ttl` are accepted and not used:
/// the platform keeps a pending message until its device comes online).
#[derive(Deserialize)]
struct CreateBody {
    message_id: Option<String>,
    name: Option<String>,
    message: Option<Value>,
    encoding: Option<String>,
    payload_format: Option<String>,
    topic: Option<String>,
    topic_full_name: Option<String>,
}

/// The message as the application gave it: the envelope's `content`, or
/// the payload itself.
fn message_value(m: &MessageRecord) -> Value {
    match Message::from_bytes(&m.payload) {
        Message::Envelope(e) if m.direction == Direction::Down => e.content,
        Message::Envelope(e) => serde_json::to_value(e).unwrap_or(Value::Null),
        Message::Json(v) => v,
        Message::Text(t) => Value::String(t),
        Message::Binary(b) => Value::String(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// IoTDA's `DeviceMessage`.
fn device_message(m: &MessageRecord) -> Value {
    json!({
        "message_id": m.message_id,
        "name": m.name,
        "message": message_value(m),
        "encoding": "none",
        "payload_format": if is_envelope(m) { "standard" } else { "raw" },
        "topic": m.topic,
        "status": m.status,
        "created_time": iotda_time(m.created_time),
        "finished_time": m.finished_time.map(iotda_time),
    })
}

fn is_envelope(m: &MessageRecord) -> bool {
    matches!(Message::from_bytes(&m.payload), Message::Envelope(_))
}

pub(super) async fn create(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: CreateBody = json(&body)?;
    let message = b
        .message
        .ok_or_else(|| ApiError::invalid("message is required"))?;
    match b.encoding.as_deref() {
        None | Some("none") => {}
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "encoding {other:?} is not supported by the local platform; send the message as it is (encoding none)"
            )))
        }
    }
    let raw = match b.payload_format.as_deref() {
        None | Some("standard") => false,
        Some("raw") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "payload_format must be standard or raw; got {other:?}"
            )))
        }
    };
    let topic = match (b.topic_full_name, b.topic) {
        (Some(full), _) => Some(full),
        (None, Some(suffix)) => Some(format!("$oc/devices/{device_id}/user/{suffix}")),
        (None, None) => None,
    };
    if let Some(t) = &topic {
        if t.contains(['+', '#']) || t.is_empty() {
            return Err(ApiError::invalid(format!(
                "the topic {t:?} must be a topic name, without wildcards"
            )));
        }
    }
    let down = DownMessage {
        message_id: b.message_id,
        name: b.name,
        message,
        raw,
        topic,
    };
    let m = state.hub.send_message(&device_id, down).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message_id": m.message_id,
            "result": {
                "status": m.status,
                "created_time": iotda_time(m.created_time),
                "finished_time": m.finished_time.map(iotda_time),
            },
        })),
    ))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = device_id.clone();
    let messages = blocking(&state, move |r| r.messages(&id, Some(Direction::Down))).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "messages": messages.iter().map(device_message).collect::<Vec<_>>(),
    })))
}

pub(super) async fn show(
    State(state): State<ApiState>,
    Path((_project, device_id, message_id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let m = blocking(&state, move |r| r.message(&device_id, &message_id)).await?;
    Ok(Json(device_message(&m)))
}

/// `GET .../devices/{device_id}/kit/messages[?direction=UP|DOWN]`: the
/// kit's own history of messages both ways, oldest first.
pub(super) async fn kit_messages(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let direction = match param(&query, "direction") {
        None => None,
        Some("UP") => Some(Direction::Up),
        Some("DOWN") => Some(Direction::Down),
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "direction must be UP or DOWN; got {other:?}"
            )))
        }
    };
    let id = device_id.clone();
    let messages = blocking(&state, move |r| r.messages(&id, direction)).await?;
    let limit = state.registry.history_limit();
    Ok(Json(json!({
        "device_id": device_id,
        "limit": limit,
        "messages": messages.iter().map(|m| {
            let mut v = device_message(m);
            v["direction"] = json!(m.direction.as_str());
            v["payload"] = json!(String::from_utf8_lossy(&m.payload));
            v
        }).collect::<Vec<_>>(),
    })))
}

/// `GET .../devices/{device_id}/kit/status-events`: the kit's own history
/// of the device's status changes, oldest first.
pub(super) async fn kit_status_events(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = device_id.clone();
    let events = blocking(&state, move |r| r.status_events(&id)).await?;
    Ok(Json(json!({
        "device_id": device_id,
        "limit": state.registry.history_limit(),
        "events": events.iter().map(|e| json!({
            "status": e.status.as_str(),
            "reason": e.reason.as_str(),
            "detail": e.detail,
            "event_time": iotda_time(e.event_time),
        })).collect::<Vec<_>>(),
    })))
}
