//! AddCertificate, ListCertificates, CheckCertificate, DeleteCertificate.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, page, param, ApiError, ApiState};
use crate::registry::{iotda_time, CaCertificate};

/// AddCertificate's body.
#[derive(Deserialize)]
struct AddBody {
    content: String,
}

/// CheckCertificate's body.
#[derive(Deserialize)]
struct VerifyBody {
    verify_content: String,
}

/// CertificatesRspDTO.
fn view(c: &CaCertificate) -> Value {
    json!({
        "certificate_id": c.certificate_id,
        "cn_name": c.cn_name,
        "owner": c.subject,
        "status": c.verified,
        "verify_code": c.verify_code,
        "provision_enable": false,
        "ocsp_enable": false,
        "create_date": iotda_time(c.create_time),
        "effective_date": iotda_time(c.not_before),
        "expiry_date": iotda_time(c.not_after),
    })
}

pub(super) async fn add(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: AddBody = json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(view(
            &blocking(&state, move |r| r.add_ca(&b.content)).await?,
        )),
    ))
}

pub(super) async fn list(
    State(state): State<ApiState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let page = page(&query)?;
    let (count, cas) = blocking(&state, move |r| r.cas(&page)).await?;
    Ok(Json(json!({
        "certificates": cas.iter().map(view).collect::<Vec<_>>(),
        "page": { "count": count, "marker": cas.last().map(|c| c.marker.clone()) },
    })))
}

/// `POST .../certificates/{id}/action?action_id=verify`.
pub(super) async fn action(
    State(state): State<ApiState>,
    Path((_project, certificate_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    match param(&query, "action_id") {
        Some("verify") => {}
        other => {
            return Err(ApiError::invalid(format!(
                "action_id must be verify; got {other:?}"
            )))
        }
    }
    let b: VerifyBody = json(&body)?;
    state
        .registry
        .verify_ca(&certificate_id, &b.verify_content)?;
    // Huawei's reference: 200 with no body.
    Ok(StatusCode::OK)
}

pub(super) async fn delete(
    State(state): State<ApiState>,
    Path((_project, certificate_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |r| r.delete_ca(&certificate_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
