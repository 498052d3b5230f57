//! Software and firmware upgrades: CreateOtaPackage / ShowOtaPackage
//! (`/ota-upgrades/packages`) and CreateBatchTask / ShowBatchTask /
//! ListBatchTasks / StopBatchTask / RetryBatchTask (`/batchtasks`) of
//! types `firmwareUpgrade` and `softwareUpgrade`, with
//! the field names of Huawei's API reference and SDK models (`Task`,
//! `TaskDetail`, `TaskProgress`).
//!
//! The kit's choices: Huawei's CreateOtaPackage points at an OBS object
//! (`file_location.obs_location`); here the file itself comes in the body,
//! Base64 in `file_location.file` (with `file_name`), and the answer adds
//! the kit's `file_size` and `sign` (SHA-256). A batch task here is an
//! upgrade task with one package (`document.package_ids` of one id) and
//! `targets` (device ids); each subtask's `output` is the device's last
//! progress, and a failed one's `error` carries the device's result code
//! and its documented name.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use base64ct::{Base64, Encoding};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{blocking, json, page, param, ApiError, ApiState};
use crate::hub::result_name;
use crate::registry::{iotda_time, NewPackage, Package, PackageType, SubtaskChange, UpgradeTask};

/// `file_location` of CreateOtaPackage, the kit's form: the file, and
/// Huawei's `obs_location` when the package is to be treated as stored in
/// OBS (its upgrade notices are then `firmware_upgrade_v2` /
/// `software_upgrade_v2`).
#[derive(Deserialize)]
struct FileLocation {
    file: String,
    file_name: Option<String>,
    obs_location: Option<serde_json::Map<String, Value>>,
}

/// CreateOtaPackage's body.
#[derive(Deserialize)]
struct PackageBody {
    package_type: String,
    product_id: String,
    version: String,
    description: Option<String>,
    file_location: FileLocation,
}

fn package_json(p: &Package) -> Value {
    json!({
        "package_id": p.package_id,
        "package_type": p.package_type.as_str(),
        "product_id": p.product_id,
        "version": p.version,
        "description": p.description,
        "create_time": iotda_time(p.create_time),
        "file_location": {
            "file_name": p.file_name,
            "obs_location": p.obs_location.as_deref().and_then(|o| serde_json::from_str::<Value>(o).ok()),
        },
        "file_size": p.file_size,
        "sign": p.sha256,
    })
}

/// `POST .../ota-upgrades/packages`.
pub(super) async fn create_package(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: PackageBody = json(&body)?;
    let package_type = PackageType::parse(&b.package_type).ok_or_else(|| {
        ApiError::invalid(format!(
            "package_type must be softwarePackage or firmwarePackage; got {:?}",
            b.package_type
        ))
    })?;
    let file = Base64::decode_vec(b.file_location.file.trim())
        .map_err(|e| ApiError::invalid(format!("file_location.file must be Base64: {e}")))?;
    let new = NewPackage {
        package_type,
        file_name: b
            .file_location
            .file_name
            .unwrap_or_else(|| format!("{}.bin", b.version)),
        product_id: b.product_id,
        version: b.version,
        file,
        description: b.description,
        obs_location: b
            .file_location
            .obs_location
            .map(|o| Value::Object(o).to_string()),
    };
    let package = blocking(&state, move |r| r.create_package(&new)).await?;
    Ok((StatusCode::CREATED, Json(package_json(&package))))
}

/// `GET .../ota-upgrades/packages/{package_id}`.
pub(super) async fn show_package(
    State(state): State<ApiState>,
    Path((_project, package_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let p = blocking(&state, move |r| r.package(&package_id)).await?;
    Ok(Json(package_json(&p)))
}

/// CreateBatchTask's body.
#[derive(Deserialize)]
struct TaskBody {
    task_name: String,
    task_type: String,
    targets: Option<Vec<String>>,
    document: Option<Document>,
}

/// `document` of an upgrade task.
#[derive(Deserialize)]
struct Document {
    package_ids: Vec<String>,
}

/// `Task`: the task with its status and `task_progress`.
fn task_json(t: &UpgradeTask) -> Value {
    let count = |s: &str| t.subtasks.iter().filter(|d| d.status == s).count();
    let (success, fail) = (count("Success"), count("Fail"));
    let (processing, waitting) = (count("Processing"), count("Waitting"));
    let stopped = count("Stopped");
    let total = t.subtasks.len();
    let status = if processing + waitting > 0 {
        "Processing"
    } else if success == total {
        "Success"
    } else if fail == total {
        "Fail"
    } else if stopped > 0 && success == 0 {
        "Stopped"
    } else {
        "PartialSuccess"
    };
    json!({
        "task_id": t.task_id,
        "task_name": t.task_name,
        "task_type": t.task_type,
        "targets": t.subtasks.iter().map(|s| &s.device_id).collect::<Vec<_>>(),
        "document": { "package_ids": [t.package_id] },
        "status": status,
        "task_progress": {
            "total": total,
            "processing": processing,
            "success": success,
            "fail": fail,
            "waitting": waitting,
            "fail_wait_retry": 0,
            "stopped": stopped,
        },
        "create_time": iotda_time(t.create_time),
    })
}

/// `TaskDetail` of each target, with the kit's `progress`, `result_code`
/// and `version`.
fn details_json(t: &UpgradeTask) -> Vec<Value> {
    t.subtasks
        .iter()
        .map(|s| {
            let error = (s.status == "Fail").then(|| {
                json!({
                    "error_code": s.result_code.map(|c| c.to_string()),
                    "error_msg": s.result_code.and_then(result_name),
                })
            });
            json!({
                "target": s.device_id,
                "status": s.status,
                "output": s.description,
                "error": error,
                "progress": s.progress,
                "result_code": s.result_code,
                "version": s.version,
            })
        })
        .collect()
}

/// How many `items` there are, and the page of them asked for.
fn paged(items: Vec<Value>, page: &crate::registry::Page) -> (usize, Vec<Value>) {
    let count = items.len();
    let shown = items
        .into_iter()
        .skip(page.offset as usize)
        .take(page.limit as usize)
        .collect();
    (count, shown)
}

/// `POST .../batchtasks`: an upgrade task.
pub(super) async fn create_task(
    State(state): State<ApiState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: TaskBody = json(&body)?;
    if !matches!(b.task_type.as_str(), "firmwareUpgrade" | "softwareUpgrade") {
        return Err(ApiError::invalid(format!(
            "task_type: the kit's batch tasks are firmwareUpgrade and softwareUpgrade; got {:?}",
            b.task_type
        )));
    }
    let package_id = match b.document.map(|d| d.package_ids).as_deref() {
        Some([one]) => one.clone(),
        _ => {
            return Err(ApiError::invalid(
                "document.package_ids must name one package",
            ))
        }
    };
    let package = {
        let id = package_id.clone();
        blocking(&state, move |r| r.package(&id)).await?
    };
    if package.package_type.task_type() != b.task_type {
        return Err(ApiError::invalid(format!(
            "task_type {} cannot install a {}",
            b.task_type,
            package.package_type.as_str()
        )));
    }
    let task = state
        .hub
        .create_upgrade_task(b.task_name, package_id, b.targets.unwrap_or_default())
        .await?;
    Ok((StatusCode::CREATED, Json(task_json(&task))))
}

/// `GET .../batchtasks/{task_id}`: `{batchtask, task_details, page}`,
/// the details filtered by `task_detail_status` and `target` and paged
/// by `limit` and `offset` (ShowBatchTask's query).
pub(super) async fn show_task(
    State(state): State<ApiState>,
    Path((_project, task_id)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let page = page(&query)?;
    let status = param(&query, "task_detail_status").map(str::to_owned);
    let target = param(&query, "target").map(str::to_owned);
    let t = blocking(&state, move |r| r.upgrade_task(&task_id)).await?;
    let matching: Vec<Value> = details_json(&t)
        .into_iter()
        .filter(|d| status.as_deref().is_none_or(|s| d["status"] == s))
        .filter(|d| target.as_deref().is_none_or(|s| d["target"] == s))
        .collect();
    let (count, shown) = paged(matching, &page);
    Ok(Json(json!({
        "batchtask": task_json(&t),
        "task_details": shown,
        "page": { "count": count },
    })))
}

/// `GET .../batchtasks?task_type=...`: ListBatchTasks, `task_type`
/// mandatory, `status` (a task status) and the usual `limit`, `offset`
/// and `marker` (a task id: the tasks after it), oldest first.
pub(super) async fn list_tasks(
    State(state): State<ApiState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let task_type = match param(&query, "task_type") {
        Some(t @ ("firmwareUpgrade" | "softwareUpgrade")) => t.to_owned(),
        other => {
            return Err(ApiError::invalid(format!(
                "task_type must be firmwareUpgrade or softwareUpgrade; got {other:?}"
            )))
        }
    };
    let page = page(&query)?;
    let status = param(&query, "status").map(str::to_owned);
    let marker = param(&query, "marker")
        .filter(|m| *m != "ffffffffffffffffffffffff")
        .map(str::to_owned);
    let tasks = blocking(&state, move |r| r.upgrade_tasks(&task_type)).await?;
    let mut listed: Vec<Value> = tasks
        .iter()
        .map(task_json)
        .filter(|t| status.as_deref().is_none_or(|s| t["status"] == s))
        .collect();
    if let Some(m) = marker {
        let after = listed.iter().position(|t| t["task_id"] == m.as_str());
        listed.drain(..after.map_or(0, |at| at + 1));
    }
    let (count, shown) = paged(listed, &page);
    Ok(Json(json!({
        "batchtasks": shown,
        "page": { "count": count, "marker": shown.last().map(|t| t["task_id"].clone()) },
    })))
}

/// The body of StopBatchTask and RetryBatchTask.
#[derive(Deserialize, Default)]
struct TargetsBody {
    targets: Option<Vec<String>>,
}

/// `POST .../batchtasks/{task_id}/stop`: StopBatchTask.
pub(super) async fn stop_task(
    state: State<ApiState>,
    path: Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    change_task(state, path, body, SubtaskChange::Stop).await
}

/// `POST .../batchtasks/{task_id}/retry`: RetryBatchTask.
pub(super) async fn retry_task(
    state: State<ApiState>,
    path: Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    change_task(state, path, body, SubtaskChange::Retry).await
}

/// The code of a target that could not be stopped or retried: the one in
/// StopBatchTask's documented example (the message is the kit's).
const TARGET_REFUSED: &str = "IOTDA.014219";

/// `{targets: [BatchTargetResult]}`: each target's `status` `success` or
/// `failure` with `error_code` and `error_msg`.
async fn change_task(
    State(state): State<ApiState>,
    Path((_project, task_id)): Path<(String, String)>,
    body: Bytes,
    change: SubtaskChange,
) -> Result<Json<Value>, ApiError> {
    let b: TargetsBody = if body.is_empty() {
        TargetsBody::default()
    } else {
        json(&body)?
    };
    if b.targets
        .as_ref()
        .is_some_and(|t| t.is_empty() || t.len() > 100)
    {
        return Err(ApiError::invalid("targets must name 1 to 100 devices"));
    }
    let outcomes = state
        .hub
        .change_upgrade_task(task_id, change, b.targets)
        .await?;
    let targets: Vec<Value> = outcomes
        .iter()
        .map(|o| match &o.refusal {
            None => json!({ "target": o.target, "status": "success" }),
            Some(why) => json!({
                "target": o.target,
                "status": "failure",
                "error_code": TARGET_REFUSED,
                "error_msg": why,
            }),
        })
        .collect();
    Ok(Json(json!({ "targets": targets })))
}

/// The query of a package download.
#[derive(Deserialize)]
struct Download {
    token: Option<String>,
}

/// The router of the platform's HTTPS package server: `GET
/// /kit/ota/packages/{package_id}` with a subtask's unexpired token in
/// the URL (`?token=`) or as `Authorization: Bearer` (as Huawei's device
/// SDKs send `access_token`); anything else is 403 or 404.
///
/// The page the platform serves is on its HTTP port, another origin than
/// this HTTPS one, and its simulator downloads with an `Authorization`
/// header: requests from `page_origins` (exactly those) get CORS answers,
/// a preflight allowing `GET` with `Authorization`, and the package (or the
/// refusal) readable by the page. Any other origin gets no CORS header,
/// so a browser keeps the answer from its script.
pub fn package_router(
    registry: std::sync::Arc<crate::registry::Registry>,
    page_origins: Vec<String>,
) -> axum::Router {
    let origins = std::sync::Arc::new(page_origins);
    package_routes(registry).layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let origins = origins.clone();
            async move { cors(&origins, request, next).await }
        },
    ))
}

/// The CORS answer of the package server for the page's own origins.
async fn cors(
    origins: &[String],
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue, Method};
    use axum::response::IntoResponse;
    let allowed = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| origins.iter().any(|a| a == o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let Some(origin) = allowed else {
        return next.run(request).await;
    };
    let mut response = if request.method() == Method::OPTIONS {
        (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_METHODS, "GET"),
                (header::ACCESS_CONTROL_ALLOW_HEADERS, "authorization"),
                (header::ACCESS_CONTROL_MAX_AGE, "600"),
            ],
        )
            .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::VARY, HeaderValue::from_static("origin"));
    response
}

fn package_routes(registry: std::sync::Arc<crate::registry::Registry>) -> axum::Router {
    use axum::extract::Query;
    use axum::http::HeaderMap;
    use axum::response::IntoResponse;
    axum::Router::new()
        .route(
            &crate::hub::package_path("{package_id}"),
            axum::routing::get(
                |Path(package_id): Path<String>,
                 Query(q): Query<Download>,
                 headers: HeaderMap,
                 State(registry): State<std::sync::Arc<crate::registry::Registry>>| async move {
                    let bearer = headers
                        .get(axum::http::header::AUTHORIZATION)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.strip_prefix("Bearer "))
                        .map(str::to_owned);
                    let Some(token) = q.token.or(bearer) else {
                        return (StatusCode::FORBIDDEN, "a download token is required").into_response();
                    };
                    let found = tokio::task::spawn_blocking(move || {
                        registry.package_file(&package_id, &token)
                    })
                    .await;
                    match found {
                        Ok(Ok(Some(file))) => (
                            [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
                            file,
                        )
                            .into_response(),
                        Ok(Ok(None)) => (
                            StatusCode::FORBIDDEN,
                            "the token is unknown or expired for this package",
                        )
                            .into_response(),
                        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    }
                },
            ),
        )
        .with_state(registry)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use tower::ServiceExt;

    use super::package_router;
    use crate::registry::tests::registry;

    const PAGE: &str = "http://127.0.0.1:8080";

    async fn ask(method: &str, origin: &str) -> (StatusCode, axum::http::HeaderMap) {
        let router = package_router(Arc::new(registry()), vec![PAGE.to_owned()]);
        let request = Request::builder()
            .method(method)
            .uri("/kit/ota/packages/p1")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .body(Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        (response.status(), response.headers().clone())
    }

    #[tokio::test]
    async fn the_page_of_the_platform_may_fetch_a_package_and_no_other_origin() {
        // The preflight of the page's GET with Authorization.
        let (status, h) = ask("OPTIONS", PAGE).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], PAGE);
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "GET");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_HEADERS], "authorization");
        // A refusal (no token) is readable by the page.
        let (status, h) = ask("GET", PAGE).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], PAGE);
        // Another origin, or the page's host on another port: no CORS
        // header, and the preflight is not answered.
        for other in ["http://evil.example", "http://127.0.0.1:8081"] {
            let (status, h) = ask("OPTIONS", other).await;
            assert!(!status.is_success(), "{other}: {status}");
            assert!(
                !h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
                "{other}"
            );
            let (_, h) = ask("GET", other).await;
            assert!(
                !h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
                "{other}"
            );
        }
    }
}
