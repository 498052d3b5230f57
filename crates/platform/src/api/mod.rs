//! The management API: IoTDA's v5 northbound paths, JSON fields, status
//! codes and errors for products, devices and device CA certificates, over
//! the [`Registry`].
//!
//! Every request under `/v5/` is read whole (at most [`MAX_BODY`] bytes),
//! its AK/SK signature checked ([`crate::signer`]) unless it is unsigned,
//! from loopback and the platform runs with `--no-auth`; then a handler
//! parses the JSON itself so that a malformed body gets IoTDA's error with
//! serde's exact reason. Any project id is accepted in paths.

mod broadcast;
mod certificates;
mod commands;
mod devices;
mod error;
mod events;
mod history;
mod messages;
mod ota;
mod products;
mod properties;
mod refusals;
mod shadow;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

pub use error::ApiError;
pub use ota::package_router;

use crate::hub::Hub;
use crate::refusals::Refusals;
use crate::registry::{Error as RegistryError, Page, Registry, Source};
use crate::signer::{self, AkSk, Parts};

/// The kit's live event stream (Server-Sent Events), see [`events`].
pub const EVENTS_PATH: &str = "/kit/events";

/// The largest request body accepted (1 MiB), larger gets 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// The application side: messages, commands, events.
    pub hub: Arc<Hub>,
    /// The registry.
    pub registry: Arc<Registry>,
    /// The platform's AK/SK.
    pub keys: AkSk,
    /// Accept unsigned requests from loopback.
    pub no_auth: bool,
    /// The token the platform's own page calls the API with.
    pub page: PageSession,
    /// The clock signatures' dates are checked against.
    pub source: Arc<dyn Source>,
    /// The refused connections remembered, see [`refusals`].
    pub refusals: Arc<Refusals>,
}

/// Where the platform's own page gets its [`PageSession`] (the kit's own
/// path, not IoTDA's).
pub const PAGE_SESSION_PATH: &str = "/kit/page-session";

/// The header that carries the page's token instead of a signature.
pub const PAGE_TOKEN_HEADER: &str = "x-kit-token";

/// What lets the app the platform serves call the API without the SK: a
/// token drawn at each start, handed out at [`PAGE_SESSION_PATH`] and sent
/// back in [`PAGE_TOKEN_HEADER`].
///
/// Only a page of the platform's own origin can use it: another site's
/// page can neither read the answer (no CORS headers, and
/// `Cross-Origin-Resource-Policy: same-origin`) nor send a custom header
/// here (that needs a CORS preflight, which is never granted); a re-pointed
/// name is refused by the `Host` check. A process on the machine can read
/// it, as it can read the data folder's AK/SK.
#[derive(Clone)]
pub struct PageSession {
    token: Arc<str>,
    project_id: Arc<str>,
    ws_url: Option<Arc<str>>,
    wss_url: Option<Arc<str>>,
    mqtts_url: Option<Arc<str>>,
    platform_ca: Option<Arc<str>>,
}

impl PageSession {
    /// A session with `token` for the project `project_id`.
    pub fn new(token: String, project_id: String) -> Self {
        Self {
            token: token.into(),
            project_id: project_id.into(),
            ws_url: None,
            wss_url: None,
            mqtts_url: None,
            platform_ca: None,
        }
    }

    /// The same, telling the page where devices connect over WebSocket
    /// (`ws://127.0.0.1:P/mqtt` and `wss://127.0.0.1:P/mqtt`), so that its
    /// Console can connect as a registered device.
    pub fn with_websockets(self, ws_url: Option<&str>, wss_url: Option<&str>) -> Self {
        Self {
            ws_url: ws_url.map(Arc::from),
            wss_url: wss_url.map(Arc::from),
            ..self
        }
    }

    /// The same, telling the page where devices connect over MQTTS
    /// (`mqtts://127.0.0.1:P`) and the file of the platform CA they trust,
    /// so that its Guide can name the command that connects a device.
    pub fn with_mqtts(self, mqtts_url: Option<&str>, platform_ca: Option<&str>) -> Self {
        Self {
            mqtts_url: mqtts_url.map(Arc::from),
            platform_ca: platform_ca.map(Arc::from),
            ..self
        }
    }

    /// Whether `presented` is the token (compared in constant time).
    fn admits(&self, presented: &[u8]) -> bool {
        signer::constant_time_eq(presented, self.token.as_bytes())
    }
}

impl std::fmt::Debug for PageSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageSession")
            .field("token", &"[elided]")
            .field("project_id", &self.project_id)
            .field("ws_url", &self.ws_url)
            .field("wss_url", &self.wss_url)
            .field("mqtts_url", &self.mqtts_url)
            .field("platform_ca", &self.platform_ca)
            .finish()
    }
}

/// `GET /kit/page-session`: the token, the project id, the WebSocket and
/// MQTTS listeners' URLs and the platform CA's file (`null` without one),
/// never cached.
async fn page_session(State(state): State<ApiState>) -> Response {
    let body = serde_json::json!({
        "token": &*state.page.token,
        "project_id": &*state.page.project_id,
        "ws_url": state.page.ws_url.as_deref(),
        "wss_url": state.page.wss_url.as_deref(),
        "mqtts_url": state.page.mqtts_url.as_deref(),
        "platform_ca": state.page.platform_ca.as_deref(),
    });
    let mut response = axum::Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    crate::http_server::security_headers(headers, None);
    response
}

/// The API's routes, ready to be merged into the platform's one app (the
/// app's static files share the origin). Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so `--no-auth` can
/// tell loopback callers.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route(
            "/v5/iot/{project_id}/products",
            post(products::create).get(products::list),
        )
        .route(
            "/v5/iot/{project_id}/products/{product_id}",
            get(products::show).delete(products::delete),
        )
        .route(
            "/v5/iot/{project_id}/devices",
            post(devices::add).get(devices::list),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}",
            get(devices::show).delete(devices::delete),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/action",
            post(devices::action),
        )
        .route(
            "/v5/iot/{project_id}/broadcast-messages",
            post(broadcast::create),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/messages",
            post(messages::create).get(messages::list),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/messages/{message_id}",
            get(messages::show),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/commands",
            post(commands::create),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/kit/messages",
            get(messages::kit_messages),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/kit/status-events",
            get(messages::kit_status_events),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/properties",
            get(properties::list).put(properties::update),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/shadow",
            get(shadow::show).put(shadow::update),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/kit/reports",
            get(shadow::kit_reports),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/kit/events",
            get(history::events),
        )
        .route(
            "/v5/iot/{project_id}/devices/{device_id}/kit/commands",
            get(history::commands),
        )
        .route(
            "/v5/iot/{project_id}/ota-upgrades/packages",
            post(ota::create_package),
        )
        .route(
            "/v5/iot/{project_id}/ota-upgrades/packages/{package_id}",
            get(ota::show_package),
        )
        .route(
            "/v5/iot/{project_id}/batchtasks",
            post(ota::create_task).get(ota::list_tasks),
        )
        .route(
            "/v5/iot/{project_id}/batchtasks/{task_id}/stop",
            post(ota::stop_task),
        )
        .route(
            "/v5/iot/{project_id}/batchtasks/{task_id}/retry",
            post(ota::retry_task),
        )
        .route(
            "/v5/iot/{project_id}/batchtasks/{task_id}",
            get(ota::show_task),
        )
        .route("/v5/iot/{project_id}/kit/refusals", get(refusals::list))
        .route(EVENTS_PATH, get(events::stream))
        .route(
            "/v5/iot/{project_id}/certificates",
            post(certificates::add).get(certificates::list),
        )
        .route(
            "/v5/iot/{project_id}/certificates/{certificate_id}",
            axum::routing::delete(certificates::delete),
        )
        .route(
            "/v5/iot/{project_id}/certificates/{certificate_id}/action",
            post(certificates::action),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .route(PAGE_SESSION_PATH, get(page_session))
        .with_state(state)
}

/// Reads the body (bounded), checks the signature, and passes the request
/// on with the body it read.
async fn authenticate(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_bounded(body).await {
        Some(b) => b,
        None => {
            let mut refusal = ApiError::too_large(MAX_BODY).into_response();
            refusal.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            return refusal;
        }
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let signed = parts
        .headers
        .contains_key(axum::http::header::AUTHORIZATION);
    let page = parts
        .headers
        .get(PAGE_TOKEN_HEADER)
        .is_some_and(|t| state.page.admits(t.as_bytes()));
    let loopback = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| addr.ip().is_loopback());
    if signed || !(page || state.no_auth && loopback) {
        let request_parts = Parts {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &headers,
            body: &bytes,
        };
        if let Err(e) = signer::verify(&request_parts, &state.keys, state.source.now()) {
            return ApiError::from(e).into_response();
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Reads a body of at most [`MAX_BODY`] bytes. A larger one is read on and
/// discarded up to [`DRAIN_LIMIT`] (so the client, still sending, gets the
/// 413 rather than a reset), and `None` returned.
async fn read_bounded(mut body: Body) -> Option<Bytes> {
    use axum::body::HttpBody;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(frame) = frame else { return None };
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > DRAIN_LIMIT {
                return None;
            }
            if seen <= MAX_BODY {
                kept.extend_from_slice(&data);
            }
        }
    }
    (seen <= MAX_BODY).then(|| Bytes::from(kept))
}

/// How much of an oversized body is read and discarded before the
/// connection is given up.
const DRAIN_LIMIT: usize = 16 * MAX_BODY;

/// Runs a registry call on tokio's blocking pool: a write waits for its
/// commit to reach the disk, which must not stall the server's threads.
async fn blocking<T: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Registry) -> Result<T, RegistryError> + Send + 'static,
) -> Result<T, ApiError> {
    let registry = state.registry.clone();
    match tokio::task::spawn_blocking(move || f(&registry)).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => Err(ApiError::from(RegistryError::Database(format!(
            "the registry call did not finish: {e}"
        )))),
    }
}

/// Parses a JSON body, saying exactly what is wrong with it.
fn json<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "the body is empty; send a JSON object",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// A query parameter, if given.
fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The page asked for: `limit` (1-50, default 10), `offset` (0-500,
/// default 0) and `marker`, as IoTDA's list operations bound them.
fn page(query: &[(String, String)]) -> Result<Page, ApiError> {
    let limit = match param(query, "limit") {
        None => 10,
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (1..=50).contains(n))
            .ok_or_else(|| ApiError {
                status: axum::http::StatusCode::BAD_REQUEST,
                code: "IOTDA.000017",
                msg: format!(
                "Invalid input. The specified parameter 'limit' is out of range: {v:?} (1 to 50)"
            ),
            })?,
    };
    let offset = match param(query, "offset") {
        None => 0,
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| *n <= 500)
            .ok_or_else(|| ApiError::invalid(format!("offset must be 0 to 500; got {v:?}")))?,
    };
    let marker = param(query, "marker")
        // IoTDA's documented default marker means "from the start".
        .filter(|m| *m != "ffffffffffffffffffffffff")
        .map(String::from);
    Ok(Page {
        marker,
        offset,
        limit,
    })
}
