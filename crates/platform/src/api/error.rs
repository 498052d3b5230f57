//! Errors at the API edge, in Huawei's shape: an HTTP status and
//! `{"error_code": "IOTDA.xxxxxx", "error_msg": "..."}`.
//!
//! Codes from Huawei's error code list (api-iothub `iot_06_v5_0018`):
//! `IOTDA.000006` (invalid input), `IOTDA.000008` (malformed request),
//! `IOTDA.000017` (`limit` out of range); seen in applications written
//! against IoTDA: `IOTDA.014000` (no such device), `IOTDA.014031` (device
//! exists); from API Gateway: `APIG.0301` (AK/SK authentication failed);
//! from the message API's docs: `IOTDA.014016` (the device is not online).
//! The `IOTDA.0149xx` codes are this platform's own, for refusals whose
//! Huawei code is not published (docs/platform-api.md lists them).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::hub::HubError;
use crate::registry::Error as RegistryError;
use crate::signer::SignError;

/// A refusal, as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error_code`.
    pub code: &'static str,
    /// `error_msg`.
    pub msg: String,
}

impl ApiError {
    /// A 400 `IOTDA.000006` about one field.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "IOTDA.000006",
            msg: format!("Invalid input data. {}", msg.into()),
        }
    }

    /// A 400 `IOTDA.000008`: the body is not the JSON expected.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "IOTDA.000008",
            msg: format!("Invalid input. Bad request: {}", msg.into()),
        }
    }

    /// A 404 `IOTDA.014910`: no operation at this path (so that the app
    /// served beside the API never answers an API client with its page).
    pub fn no_such_operation(path: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "IOTDA.014910",
            msg: format!(
                "no operation of this platform's API at {path}; docs/platform-api.md lists them"
            ),
        }
    }

    /// A 413: the body is larger than `limit` bytes.
    pub fn too_large(limit: usize) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "IOTDA.000008",
            msg: format!("Invalid input. Bad request: the body is larger than {limit} bytes"),
        }
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        use RegistryError as E;
        let (status, code) = match &e {
            E::Invalid { .. } => return Self::invalid(e.to_string()),
            E::Database(_) | E::SchemaTooNew { .. } | E::Randomness => {
                (StatusCode::INTERNAL_SERVER_ERROR, "IOTDA.014900")
            }
            E::DeviceNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014000"),
            E::DeviceExists(_) | E::NodeExists { .. } => (StatusCode::CONFLICT, "IOTDA.014031"),
            E::ProductNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014901"),
            E::ProductExists(_) => (StatusCode::CONFLICT, "IOTDA.014902"),
            E::ProductHasDevices { .. } => (StatusCode::CONFLICT, "IOTDA.014903"),
            E::NotSecretDevice(_) => (StatusCode::BAD_REQUEST, "IOTDA.014904"),
            E::CertificateNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014905"),
            E::CertificateUnreadable(_) => (StatusCode::BAD_REQUEST, "IOTDA.014906"),
            E::CertificateExists(_) => (StatusCode::CONFLICT, "IOTDA.014907"),
            E::CertificateLimit => (StatusCode::BAD_REQUEST, "IOTDA.014908"),
            E::VerificationFailed(_) => (StatusCode::BAD_REQUEST, "IOTDA.014909"),
            E::MessageNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014911"),
            E::PackageNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014912"),
            E::TaskNotFound(_) => (StatusCode::NOT_FOUND, "IOTDA.014913"),
        };
        Self {
            status,
            code,
            msg: e.to_string(),
        }
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Registry(e) => e.into(),
            HubError::Offline(_) => Self {
                status: StatusCode::CONFLICT,
                code: "IOTDA.014016",
                msg: format!("Operation not allowed. {e}"),
            },
            HubError::Model(_) | HubError::Invalid(_) => Self::invalid(e.to_string()),
        }
    }
}

impl From<SignError> for ApiError {
    fn from(e: SignError) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "APIG.0301",
            msg: format!("Incorrect IAM authentication information: {e}"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error_code": self.code, "error_msg": self.msg });
        (self.status, Json(body)).into_response()
    }
}
