//! AddDevice, ShowDevice, ListDevices, DeleteDevice, ResetDeviceSecret.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, page, param, ApiError, ApiState};
use crate::directory::{DeviceAuth, DeviceSecret};
use crate::hub::SubDeviceChange;
use crate::registry::{
    iotda_time, parse_status, AuthType, Device, DeviceFilter, NewDevice, SecretKind,
};

/// `auth_info` of AddDevice. `secondary_secret` and `secondary_fingerprint`
/// are accepted here as IoTDA's responses name them.
#[derive(Deserialize, Default)]
struct AuthInfo {
    auth_type: Option<String>,
    secret: Option<String>,
    secondary_secret: Option<String>,
    fingerprint: Option<String>,
    secondary_fingerprint: Option<String>,
    secure_access: Option<bool>,
}

/// AddDevice's body (IoTDA fields this platform does not use, such as
/// `extension_info`, are accepted and ignored). With `gateway_id` the
/// device is that gateway's sub-device, and the gateway is sent
/// `add_sub_device_notify`.
#[derive(Deserialize)]
struct AddBody {
    device_id: Option<String>,
    gateway_id: Option<String>,
    node_id: String,
    device_name: Option<String>,
    product_id: String,
    description: Option<String>,
    auth_info: Option<AuthInfo>,
}

/// ResetDeviceSecret's body.
#[derive(Deserialize, Default)]
struct ResetBody {
    secret: Option<String>,
    secret_type: Option<String>,
}

/// The fields every device view has (QueryDeviceSimplify).
fn summary(d: &Device) -> Value {
    json!({
        "device_id": d.device_id,
        "node_id": d.node_id,
        "device_name": d.device_name,
        // A device that connects directly is a gateway in IoTDA's terms, a
        // sub-device an endpoint.
        "node_type": if d.gateway_id.is_some() { "ENDPOINT" } else { "GATEWAY" },
        "gateway_id": d.gateway_id.as_ref().unwrap_or(&d.device_id),
        "fw_version": d.fw_version,
        "sw_version": d.sw_version,
        "description": d.description,
        "product_id": d.product_id,
        "product_name": d.product_name,
        "status": d.status.as_str(),
    })
}

/// AddDevice's and ShowDevice's view: with `auth_info` and times.
fn full(d: &Device) -> Value {
    let auth_info = match &d.auth {
        DeviceAuth::Secret { secret, secondary } => json!({
            "auth_type": "SECRET",
            "secret": secret.expose(),
            "secondary_secret": secondary.as_ref().map(DeviceSecret::expose),
            "secure_access": d.secure_access,
            "timeout": 0,
        }),
        DeviceAuth::Certificate {
            fingerprint,
            secondary,
        } => json!({
            "auth_type": "CERTIFICATES",
            "fingerprint": fingerprint,
            "secondary_fingerprint": secondary,
            "secure_access": d.secure_access,
            "timeout": 0,
        }),
    };
    let mut v = summary(d);
    v["auth_info"] = auth_info;
    v["create_time"] = json!(iotda_time(d.create_time));
    v["connection_status_update_time"] = json!(d.last_online_time.map(iotda_time));
    v
}

pub(super) async fn add(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: AddBody = json(&body)?;
    let auth = b.auth_info.unwrap_or_default();
    let auth_type = match auth.auth_type.as_deref() {
        None | Some("SECRET") => AuthType::Secret,
        Some("CERTIFICATES") => AuthType::Certificates,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "auth_info.auth_type must be SECRET or CERTIFICATES; got {other:?}"
            )))
        }
    };
    let new = NewDevice {
        device_id: b.device_id,
        node_id: b.node_id,
        product_id: b.product_id,
        device_name: b.device_name,
        description: b.description,
        auth_type,
        secret: auth.secret.map(DeviceSecret::new),
        secondary_secret: auth.secondary_secret.map(DeviceSecret::new),
        fingerprint: auth.fingerprint,
        secondary_fingerprint: auth.secondary_fingerprint,
        secure_access: auth.secure_access.unwrap_or(true),
        gateway_id: b.gateway_id,
    };
    let device = blocking(&state, move |r| r.add_device(&new)).await?;
    if let Some(gateway) = &device.gateway_id {
        state
            .hub
            .notify_sub_devices(
                gateway,
                SubDeviceChange::Added,
                std::slice::from_ref(&device),
            )
            .await?;
    }
    Ok((StatusCode::CREATED, Json(full(&device))))
}

pub(super) async fn show(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(full(
        &blocking(&state, move |r| r.device_full(&device_id)).await?,
    )))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let page = page(&query)?;
    let status = match param(&query, "status") {
        None => None,
        Some(s) => Some(parse_status(s).ok_or_else(|| {
            ApiError::invalid(format!(
                "status must be ONLINE, OFFLINE or INACTIVE; got {s:?}"
            ))
        })?),
    };
    let filter = DeviceFilter {
        product_id: param(&query, "product_id").map(String::from),
        node_id: param(&query, "node_id").map(String::from),
        device_name: param(&query, "device_name").map(String::from),
        status,
        gateway_id: param(&query, "gateway_id").map(String::from),
        page,
    };
    let (count, devices) = blocking(&state, move |r| r.devices(&filter)).await?;
    Ok(Json(json!({
        "devices": devices.iter().map(summary).collect::<Vec<_>>(),
        "page": { "count": count, "marker": devices.last().map(|d| d.marker.clone()) },
    })))
}

pub(super) async fn delete(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let device = blocking(&state, move |r| {
        let d = r.device_full(&device_id)?;
        r.delete_device(&device_id).map(|()| d)
    })
    .await?;
    if let Some(gateway) = device.gateway_id.clone() {
        state
            .hub
            .notify_sub_devices(&gateway, SubDeviceChange::Deleted, &[device])
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST .../devices/{id}/action?action_id=resetSecret`.
pub(super) async fn action(
    State(state): State<ApiState>,
    Path((_project, device_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    match param(&query, "action_id") {
        Some("resetSecret") => {}
        other => {
            return Err(ApiError::invalid(format!(
                "action_id must be resetSecret; got {other:?}"
            )))
        }
    }
    let b: ResetBody = if body.is_empty() {
        ResetBody::default()
    } else {
        json(&body)?
    };
    let kind = match b.secret_type.as_deref() {
        None | Some("PRIMARY") => SecretKind::Primary,
        Some("SECONDARY") => SecretKind::Secondary,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "secret_type must be PRIMARY or SECONDARY; got {other:?}"
            )))
        }
    };
    let secret = b.secret.map(DeviceSecret::new);
    let secret = state
        .registry
        .reset_secret(&device_id, secret.as_ref(), kind)?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "device_id": device_id,
            "secret": secret.expose(),
            "secret_type": kind.as_str(),
        })),
    ))
}
