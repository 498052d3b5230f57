//! A blocking client of the management API over plain HTTP on loopback,
//! signing each request as Huawei's SDKs do (`SDK-HMAC-SHA256`): what
//! `iotda-kit platform product|device|ca ...` and the tests use.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use iotda_core::iotda::EventTime;
use serde_json::Value;

use crate::platform::Credentials;
use crate::signer::{self, Algorithm, Parts};

/// An answer of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` when empty or not JSON).
    pub body: Value,
    /// The body as text.
    pub text: String,
}

impl Reply {
    /// `error_code: error_msg` of an error answer, or the status and text.
    pub fn error_line(&self) -> String {
        match (
            self.body["error_code"].as_str(),
            self.body["error_msg"].as_str(),
        ) {
            (Some(code), Some(msg)) => format!("{code}: {msg}"),
            _ => format!("HTTP {}: {}", self.status, self.text),
        }
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The platform could not be reached (not running, wrong port).
    Unreachable {
        /// The API's address.
        base: String,
        /// Why.
        reason: String,
    },
    /// The request could not be signed.
    Sign(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable { base, reason } => write!(
                f,
                "cannot reach the platform at {base}: {reason} (is `iotda-kit platform` running? see --api-url)"
            ),
            Self::Sign(e) => write!(f, "cannot sign the request: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// A client of one platform.
pub struct Client {
    base: String,
    host: String,
    credentials: Option<Credentials>,
    project_id: String,
    agent: ureq::Agent,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the API at `base` (`http://127.0.0.1:PORT`), signing
    /// with `credentials` (unsigned without, for `--no-auth`), using
    /// `project_id` in paths.
    pub fn new(base: &str, credentials: Option<Credentials>, project_id: &str) -> Self {
        let base = base.trim_end_matches('/').to_string();
        let host = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build();
        Self {
            base,
            host,
            credentials,
            project_id: project_id.to_string(),
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// Sends `method` to `/v5/iot/{project_id}/{path}` (`path` may carry a
    /// query) with an optional JSON body.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Reply, ClientError> {
        let bytes = body.map(Value::to_string).unwrap_or_default().into_bytes();
        self.call_raw(method, path, &bytes)
    }

    /// As [`Client::call`], with the body's bytes as given (tests send
    /// malformed JSON this way).
    pub fn call_raw(&self, method: &str, path: &str, body: &[u8]) -> Result<Reply, ClientError> {
        let full = format!(
            "/v5/iot/{}/{}",
            self.project_id,
            path.trim_start_matches('/')
        );
        let (path_only, query) = full.split_once('?').unwrap_or((full.as_str(), ""));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let date = EventTime::from_unix_seconds(now)
            .map(|t| t.to_string())
            .map_err(|e| ClientError::Sign(e.to_string()))?;
        let mut headers: Vec<(String, String)> = vec![
            ("Content-Type".into(), "application/json".into()),
            ("Host".into(), self.host.clone()),
            (signer::X_SDK_DATE.into(), date),
        ];
        if let Some(c) = &self.credentials {
            let parts = Parts {
                method,
                path: path_only,
                query,
                headers: &headers,
                body,
            };
            let auth = signer::sign(&parts, &c.keys(), &Algorithm::Standard)
                .map_err(|e| ClientError::Sign(e.to_string()))?;
            headers.push(("Authorization".into(), auth));
        }
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{full}", self.base));
        for (k, v) in &headers {
            request = request.header(k.as_str(), v.as_str());
        }
        let unreachable = |reason: String| ClientError::Unreachable {
            base: self.base.clone(),
            reason,
        };
        let request = request
            .body(body.to_vec())
            .map_err(|e| unreachable(e.to_string()))?;
        let response = self
            .agent
            .run(request)
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .into_body()
            .read_to_string()
            .map_err(|e| unreachable(e.to_string()))?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Reply { status, body, text })
    }
}
