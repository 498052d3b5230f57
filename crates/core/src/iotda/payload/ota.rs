//! The parameters of the `$ota` service's events (firmware and software
//! upgrade), after Huawei's device-side API pages:
//!
//! ```text
//! down  version_query                         {}                                        iot_06_v5_3028
//! up    version_report                        {fw_version, sw_version}                  iot_06_v5_3029
//! down  firmware_upgrade / software_upgrade   {version, url, file_size, sign, ...}      iot_06_v5_3030
//! down  firmware_upgrade_v2 / software_upgrade_v2  {version, url, ...} (package in OBS) iot_06_v5_3030
//! up    upgrade_progress_report               {result_code, progress, version, ...}     iot_06_v5_3031
//! ```
//!
//! The bounds the page states are in the types: `progress` is 0-100, the
//! `result_code` is one of the twelve codes it names, and `version` is
//! mandatory.

use std::fmt;

use crate::text::{Key, Message, Say};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Why an `$ota` parameter is outside what IoTDA defines; surfaces as the
/// detail of a [`PayloadError::Field`](super::PayloadError::Field) naming
/// the parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtaError {
    /// `progress` is over 100. Likely cause: a byte count or per-mille
    /// sent in place of a percentage.
    Progress(u64),
    /// `result_code` is not one IoTDA defines. Likely cause: a device's own
    /// error code passed through; map it to the nearest documented one.
    ResultCode(i64),
}

impl Say for OtaError {
    fn message(&self) -> Message {
        use crate::text::keys::ota as k;
        match self {
            Self::Progress(p) => Message::new(k::PROGRESS).with("percent", p),
            Self::ResultCode(c) => Message::new(k::RESULT_CODE).with("code", c),
        }
    }
}

impl fmt::Display for OtaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for OtaError {}

/// `$ota` / `version_report` (up): the device's current versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionReport {
    /// Firmware version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fw_version: Option<String>,
    /// Software version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sw_version: Option<String>,
}

/// The parameters of a gateway's batch upgrade task, which the platform
/// adds to `version_query` and to the upgrade notices it sends a gateway.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchTask {
    /// The task's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// How many of the gateway's sub-devices the batch task upgrades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_device_count: Option<u32>,
    /// Extra information of the batch task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_ext_info: Option<Map<String, Value>>,
}

/// `$ota` / `firmware_upgrade` or `software_upgrade` (down): upgrade to a
/// package the platform itself stores, downloaded from `url` with
/// `access_token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeNotice {
    /// The package's version; the device reports it when done.
    pub version: String,
    /// Where to download the package.
    pub url: String,
    /// The package's size in bytes.
    pub file_size: u64,
    /// The package's file name. Mandatory in the current page, absent from
    /// older ones and from the Java SDK's `OTAPackage`, so optional here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The temporary token for `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// How long `access_token` stays valid, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// The package's SHA-256, in hex.
    pub sign: String,
    /// Free text for the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_info: Option<String>,
    /// The gateway batch task the notice belongs to, if any.
    #[serde(flatten)]
    pub batch: BatchTask,
}

/// `$ota` / `firmware_upgrade_v2` or `software_upgrade_v2` (down): upgrade
/// to a package stored in OBS, whose `url` is already signed (no token).
///
/// Only `version` and `url` are mandatory: the Java SDK's `OTAPackageV2`
/// has grown the other fields over its versions, so a device must not rely
/// on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeNoticeV2 {
    /// The package's version; the device reports it when done.
    pub version: String,
    /// The signed OBS address of the package.
    pub url: String,
    /// How long `url` stays valid, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// The package's size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// The package's file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The package's SHA-256, in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
    /// Free text for the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_info: Option<String>,
    /// The gateway batch task the notice belongs to, if any.
    #[serde(flatten)]
    pub batch: BatchTask,
}

/// The `result_code` of an upgrade progress report, as Huawei's "Device
/// Reporting the Upgrade Status" page names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub enum UpgradeResult {
    /// 0: going well, or done.
    Success,
    /// 1: the device is in use.
    DeviceInUse,
    /// 2: the signal is too poor.
    PoorSignal,
    /// 3: the device already runs this version.
    AlreadyLatest,
    /// 4: the battery is too low.
    LowBattery,
    /// 5: not enough storage for the package.
    InsufficientStorage,
    /// 6: the download timed out.
    DownloadTimeout,
    /// 7: the package failed verification (size or SHA-256).
    VerificationFailed,
    /// 8: the package's type is not supported.
    UnsupportedPackage,
    /// 9: not enough memory.
    InsufficientMemory,
    /// 10: installing the package failed.
    InstallFailed,
    /// 255: an internal error.
    InternalError,
}

impl UpgradeResult {
    /// Every code, in numeric order.
    pub const ALL: [UpgradeResult; 12] = [
        Self::Success,
        Self::DeviceInUse,
        Self::PoorSignal,
        Self::AlreadyLatest,
        Self::LowBattery,
        Self::InsufficientStorage,
        Self::DownloadTimeout,
        Self::VerificationFailed,
        Self::UnsupportedPackage,
        Self::InsufficientMemory,
        Self::InstallFailed,
        Self::InternalError,
    ];

    /// The number on the wire.
    pub fn code(self) -> i64 {
        match self {
            Self::Success => 0,
            Self::DeviceInUse => 1,
            Self::PoorSignal => 2,
            Self::AlreadyLatest => 3,
            Self::LowBattery => 4,
            Self::InsufficientStorage => 5,
            Self::DownloadTimeout => 6,
            Self::VerificationFailed => 7,
            Self::UnsupportedPackage => 8,
            Self::InsufficientMemory => 9,
            Self::InstallFailed => 10,
            Self::InternalError => 255,
        }
    }

    /// Huawei's name for the code ("upgrade package verification failure").
    pub fn name(self) -> &'static str {
        self.key().english()
    }

    /// The key of its name.
    fn key(self) -> Key {
        use crate::text::keys::ota as k;
        match self {
            Self::Success => k::RESULT_SUCCESS,
            Self::DeviceInUse => k::RESULT_DEVICE_IN_USE,
            Self::PoorSignal => k::RESULT_POOR_SIGNAL,
            Self::AlreadyLatest => k::RESULT_ALREADY_LATEST,
            Self::LowBattery => k::RESULT_LOW_BATTERY,
            Self::InsufficientStorage => k::RESULT_INSUFFICIENT_STORAGE,
            Self::DownloadTimeout => k::RESULT_DOWNLOAD_TIMEOUT,
            Self::VerificationFailed => k::RESULT_VERIFICATION_FAILED,
            Self::UnsupportedPackage => k::RESULT_UNSUPPORTED_PACKAGE,
            Self::InsufficientMemory => k::RESULT_INSUFFICIENT_MEMORY,
            Self::InstallFailed => k::RESULT_INSTALL_FAILED,
            Self::InternalError => k::RESULT_INTERNAL_ERROR,
        }
    }
}

impl TryFrom<i64> for UpgradeResult {
    type Error = OtaError;
    fn try_from(code: i64) -> Result<Self, OtaError> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or(OtaError::ResultCode(code))
    }
}

impl From<UpgradeResult> for i64 {
    fn from(r: UpgradeResult) -> i64 {
        r.code()
    }
}

impl Say for UpgradeResult {
    fn message(&self) -> Message {
        Message::new(self.key())
    }
}

impl fmt::Display for UpgradeResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// An upgrade's progress in percent, 0-100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u8")]
pub struct Progress(u8);

impl Progress {
    /// The percentage, 0-100.
    pub fn percent(self) -> u8 {
        self.0
    }
}

impl TryFrom<u64> for Progress {
    type Error = OtaError;
    fn try_from(p: u64) -> Result<Self, OtaError> {
        match u8::try_from(p) {
            Ok(p) if p <= 100 => Ok(Self(p)),
            _ => Err(OtaError::Progress(p)),
        }
    }
}

impl From<Progress> for u8 {
    fn from(p: Progress) -> u8 {
        p.0
    }
}

/// `$ota` / `upgrade_progress_report` (up): how an upgrade is going.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeProgressReport {
    /// [`UpgradeResult::Success`] while going well or when done; the reason
    /// otherwise.
    pub result_code: UpgradeResult,
    /// Percent done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    /// The device's current version; when done, the version of the package
    /// (the platform compares it with the one the package was uploaded
    /// with).
    pub version: String,
    /// What is happening, in words; the reason of a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
