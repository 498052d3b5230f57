//! BroadcastMessage (`POST /v5/iot/{project_id}/broadcast-messages`, API
//! reference "Broadcasting a Message"): the Base64 `message` is published
//! once on `topic_full_name` (prefix `$oc/broadcast/`) to every device
//! subscribed to it. No caching: a `ttl` above 0 is refused.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use base64ct::{Base64, Encoding};
use iotda_core::iotda::TopicClass;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, ApiError, ApiState};
use crate::registry::iotda_time;

/// BroadcastMessage's body.
#[derive(Deserialize)]
struct Body {
    app_id: Option<String>,
    topic_full_name: Option<String>,
    message: Option<String>,
    ttl: Option<i64>,
    message_id: Option<String>,
}

pub(super) async fn create(
    State(state): State<ApiState>,
    Path(_project): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: Body = json(&body)?;
    let topic = b
        .topic_full_name
        .ok_or_else(|| ApiError::invalid("topic_full_name is required"))?;
    match TopicClass::parse(&topic) {
        Ok(TopicClass::Broadcast(_)) => {}
        Ok(_) => {
            return Err(ApiError::invalid(format!(
                "topic_full_name {topic:?} must start with $oc/broadcast/"
            )))
        }
        Err(e) => return Err(ApiError::invalid(format!("topic_full_name: {e}"))),
    }
    let message = b
        .message
        .ok_or_else(|| ApiError::invalid("message is required (its Base64)"))?;
    let payload = Base64::decode_vec(&message)
        .map_err(|_| ApiError::invalid("message must be Base64 (RFC 4648, with padding)"))?;
    if b.ttl.is_some_and(|t| t != 0) {
        return Err(ApiError::invalid(
            "ttl above 0 (cached broadcasts) is not supported by the local platform; use 0",
        ));
    }
    if let Some(id) = &b.message_id {
        let ok = !id.is_empty()
            && id.len() <= 128
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err(ApiError::invalid(
                "message_id must be 1-128 letters, digits, '_' or '-'",
            ));
        }
    }
    let (message_id, created) = match b.message_id {
        Some(id) => (id, blocking(&state, |r| Ok(r.now())).await?),
        None => blocking(&state, |r| Ok((r.random_hex(32)?, r.now()))).await?,
    };
    state.hub.broadcast(&topic, payload);
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "app_id": b.app_id,
            "topic_full_name": topic,
            "message_id": message_id,
            "created_time": iotda_time(created),
        })),
    ))
}
