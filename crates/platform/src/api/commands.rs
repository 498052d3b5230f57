//! CreateCommand (`POST .../devices/{device_id}/commands`), as the API
//! reference's "Deliver a Command to a Device" and the SDKs'
//! `CreateCommandResponse` describe it: `{"command_id", "response"}` when
//! the device answers; when it does not within the timeout, HTTP 200 with
//! `error_code` `IOTDA.014111` and `error_msg` (IoTDA's error code list
//! gives this code status 200, and the response model has both fields).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use iotda_core::iotda::payload::CommandRequest;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{json, ApiError, ApiState};
use crate::hub::{CommandOutcome, TIMEOUT_CODE};

/// CreateCommand's body.
#[derive(Deserialize)]
struct Body {
    service_id: Option<String>,
    command_name: Option<String>,
    paras: Option<Value>,
}

pub(super) async fn create(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let b: Body = json(&body)?;
    let paras: Map<String, Value> = match b.paras {
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "paras must be a JSON object; got {other}"
            )))
        }
        None => return Err(ApiError::invalid("paras is required")),
    };
    let request = CommandRequest {
        object_device_id: None,
        service_id: b.service_id,
        command_name: b.command_name,
        paras,
    };
    let answer = match state.hub.command(&device_id, request).await? {
        CommandOutcome::Answered {
            command_id,
            response,
        } => json!({ "command_id": command_id, "response": response }),
        CommandOutcome::TimedOut { command_id } => json!({
            "command_id": command_id,
            "error_code": TIMEOUT_CODE,
            "error_msg": "Command request timed out. Check whether the device returns a response within the specified time after receiving the request.",
        }),
    };
    Ok(Json(answer))
}
