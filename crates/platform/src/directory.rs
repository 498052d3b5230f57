//! What the access layer needs to know about devices, and may change about
//! them: the seam between device access and the registry.
//!
//! The registry (SQLite) implements [`Directory`]; the access layer's
//! decisions take the plain records below, so they can be tested with a
//! simulated clock and no database.

use std::fmt;

/// A device secret as stored by the platform. `Debug` never shows it; it
/// is overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceSecret(String);

impl Drop for DeviceSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for DeviceSecret {}

impl DeviceSecret {
    /// Wraps a secret (checked by the caller against IoTDA's rule).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret's text, to compute or compare a password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

/// How a device proves who it is (IoTDA's `auth_info.auth_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceAuth {
    /// `SECRET`: an HMAC-SHA256 password of the secret; a secondary secret
    /// is accepted as well (rotation).
    Secret {
        /// The primary secret.
        secret: DeviceSecret,
        /// The secondary secret, if one is set.
        secondary: Option<DeviceSecret>,
    },
    /// `CERTIFICATES`: a client certificate issued by a verified device CA.
    /// Fingerprints are lowercase hex without colons, SHA-256 (64 digits) or
    /// SHA-1 (40). With no fingerprint the first certificate that connects
    /// is bound to the device.
    Certificate {
        /// The primary fingerprint, if registered or bound.
        fingerprint: Option<String>,
        /// The secondary fingerprint, if one is set.
        secondary: Option<String>,
    },
}

/// IoTDA's device status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceStatus {
    /// Connected now.
    Online,
    /// Has connected before, not connected now.
    Offline,
    /// Registered, never connected.
    Inactive,
}

impl DeviceStatus {
    /// The API's spelling: `ONLINE`, `OFFLINE`, `INACTIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "ONLINE",
            Self::Offline => "OFFLINE",
            Self::Inactive => "INACTIVE",
        }
    }
}

/// Why a device's status changed: what its status history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusReason {
    /// ONLINE: the device connected.
    Connected,
    /// ONLINE: the device connected again while its previous connection
    /// was open; that one was closed (taken over).
    TakenOver,
    /// OFFLINE: the connection ended (the device disconnected or closed
    /// it, or the connection failed).
    Disconnected,
    /// OFFLINE: the device sent nothing for 1.5 times its keep-alive
    /// ([MQTT-3.1.2-24]).
    KeepAliveTimeout,
    /// ONLINE or OFFLINE of a sub-device: its gateway said so
    /// (`sub_device_update_status`).
    GatewayReported,
}

impl StatusReason {
    /// The spelling the API and the registry use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "CONNECTED",
            Self::TakenOver => "TAKEN_OVER",
            Self::Disconnected => "DISCONNECTED",
            Self::KeepAliveTimeout => "KEEP_ALIVE_TIMEOUT",
            Self::GatewayReported => "GATEWAY_REPORTED",
        }
    }

    /// The reason spelt by [`StatusReason::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Connected,
            Self::TakenOver,
            Self::Disconnected,
            Self::KeepAliveTimeout,
            Self::GatewayReported,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// A status change as device access reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The new status (`Online` or `Offline`).
    pub status: DeviceStatus,
    /// Why.
    pub reason: StatusReason,
    /// The connection's words (e.g. "the device closed the connection").
    pub detail: String,
    /// When, Unix seconds.
    pub at: i64,
}

/// One registered device, as the access layer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// `{product_id}_{node_id}` unless registered with another id.
    pub device_id: String,
    /// The node id given at registration.
    pub node_id: String,
    /// The product the device belongs to.
    pub product_id: String,
    /// How it authenticates.
    pub auth: DeviceAuth,
    /// `auth_info.secure_access`: when true, only TLS connections are
    /// accepted for this device.
    pub secure_access: bool,
    /// Its status now.
    pub status: DeviceStatus,
}

/// One device CA certificate in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaRecord {
    /// The registry's id of the certificate.
    pub certificate_id: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Whether possession of its key was proved by a verification
    /// certificate. Only verified CAs admit devices.
    pub verified: bool,
}

/// Why the directory could not answer (the database failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryError(pub String);

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the registry failed: {}", self.0)
    }
}

impl std::error::Error for DirectoryError {}

/// What device access asks of the registry. Implemented by the SQLite
/// registry; every call is short and may be made from any thread.
pub trait Directory: Send + Sync {
    /// The device with this id, if registered.
    fn device(&self, device_id: &str) -> Result<Option<DeviceRecord>, DirectoryError>;

    /// Every device CA whose possession was verified.
    fn verified_cas(&self) -> Result<Vec<CaRecord>, DirectoryError>;

    /// Binds a certificate device that was registered without a fingerprint
    /// to the certificate it first connected with (SHA-256, lowercase hex).
    fn bind_fingerprint(&self, device_id: &str, sha256: &str) -> Result<(), DirectoryError>;

    /// Records a status change (and, for `Online`, the connection time) in
    /// the device and its status history.
    fn set_status(&self, device_id: &str, change: &StatusChange) -> Result<(), DirectoryError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_elided_from_debug_output() {
        let auth = DeviceAuth::Secret {
            secret: DeviceSecret::new("12345678"),
            secondary: Some(DeviceSecret::new("abcdefgh")),
        };
        let shown = format!("{auth:?}");
        assert!(
            !shown.contains("12345678") && !shown.contains("abcdefgh"),
            "{shown}"
        );
        assert!(shown.contains("[elided]"), "{shown}");
    }

    #[test]
    fn statuses_are_spelt_as_the_api_spells_them() {
        assert_eq!(DeviceStatus::Online.as_str(), "ONLINE");
        assert_eq!(DeviceStatus::Offline.as_str(), "OFFLINE");
        assert_eq!(DeviceStatus::Inactive.as_str(), "INACTIVE");
    }
}
