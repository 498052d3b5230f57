//! UpdateProperties (`PUT .../devices/{device_id}/properties`) and
//! ListProperties (`GET .../devices/{device_id}/properties?service_id=`),
//! as the API reference ("Modify Device Properties", "Query Device
//! Properties": synchronous, 20 s) and the SDKs' `UpdatePropertiesResponse`
//! / `ListPropertiesResponse` (`request_id`, `response`, `error_code`,
//! `error_msg`) describe them.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use iotda_core::iotda::payload::PropertiesSetRequest;
use serde_json::{json, Value};

use super::{json, param, ApiError, ApiState};
use crate::hub::TIMEOUT_CODE;

/// `{request_id, response}`, or on timeout `{request_id, error_code,
/// error_msg}` (HTTP 200, as a command's).
fn answer(request_id: String, response: Option<Value>) -> Json<Value> {
    Json(match response {
        Some(response) => json!({ "request_id": request_id, "response": response }),
        None => json!({
            "request_id": request_id,
            "error_code": TIMEOUT_CODE,
            "error_msg": "Request timed out. Check whether the device returns a response within the specified time after receiving the request.",
        }),
    })
}

pub(super) async fn update(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let request: PropertiesSetRequest = json(&body)?;
    if request.services.is_empty() {
        return Err(ApiError::invalid("services must name at least one service"));
    }
    let (request_id, response) = state.hub.set_properties(&device_id, request).await?;
    Ok(answer(request_id, response))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let service_id = param(&query, "service_id").map(String::from);
    let (request_id, response) = state.hub.get_properties(&device_id, service_id).await?;
    Ok(answer(request_id, response))
}
