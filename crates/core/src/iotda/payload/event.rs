//! Events (`events/up`, `events/down`), with typed parameters for the
//! platform's own services: time synchronisation (`$time_sync`),
//! firmware/software upgrade (`$ota`), a gateway's sub-devices
//! (`$sub_device_manager`), files (`$file_manager`), SDK versions
//! (`$sdk_info`), log collection (`$log`) and remote configuration
//! (`$device_config`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ota::{BatchTask, UpgradeNotice, UpgradeNoticeV2, UpgradeProgressReport, VersionReport};
use super::services::{
    ConfigUpdate, FileResultReport, FileUrlRequest, FileUrlResponse, LogConfig, LogReport,
    SdkInfoReport,
};
use super::sub_device::{
    AddSubDeviceRequest, AddSubDeviceResponse, DeleteSubDeviceRequest, DeleteSubDeviceResponse,
    SubDeviceStatusUpdate, SubDeviceStatusUpdateResponse, SubDeviceSyncRequest, SubDevicesNotify,
};
use super::{from_value, Payload, PayloadError};
use crate::iotda::EventTime;

/// The platform's time synchronisation service.
pub const TIME_SYNC_SERVICE_ID: &str = "$time_sync";
/// The platform's firmware and software upgrade service.
pub const OTA_SERVICE_ID: &str = "$ota";
/// The platform's service that manages a gateway's sub-devices.
pub const SUB_DEVICE_SERVICE_ID: &str = "$sub_device_manager";
/// The platform's file upload and download service.
pub const FILE_SERVICE_ID: &str = "$file_manager";
/// The service a device reports its SDK and versions under.
pub const SDK_INFO_SERVICE_ID: &str = "$sdk_info";
/// The platform's log collection service.
pub const LOG_SERVICE_ID: &str = "$log";
/// The platform's remote configuration service.
pub const DEVICE_CONFIG_SERVICE_ID: &str = "$device_config";

/// The body of `events/up` and `events/down`.
///
/// ```json
/// {"object_device_id":"...","services":[{"service_id":"$time_sync",
///   "event_type":"time_sync_request","event_time":"20151212T121212Z",
///   "paras":{"device_send_time":1582685678789}}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsPayload {
    /// The device the events are about (a gateway's sub-device, or absent
    /// for the connected device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// The events.
    pub services: Vec<Event>,
}

impl EventsPayload {
    /// A payload carrying one event about the connected device.
    pub fn single(event: Event) -> Self {
        Self {
            object_device_id: None,
            services: vec![event],
        }
    }
}

impl Payload for EventsPayload {}

/// One event of an [`EventsPayload`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The service that defines the event (`$time_sync`, `$ota`, or one of
    /// the product model).
    pub service_id: String,
    /// The event's type within the service.
    pub event_type: String,
    /// When it happened, `yyyyMMdd'T'HHmmss'Z'` UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Identifies the event: optional on requests (the platform makes one up
    /// when absent), and the platform's answer carries the request's, which
    /// is how a gateway matches `add_sub_device_response` to its request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The event's parameters.
    #[serde(default)]
    pub paras: Map<String, Value>,
}

impl Event {
    /// The typed form of a `$time_sync`, `$ota` or `$sub_device_manager`
    /// event; `Ok(None)` for other events, and an error naming the
    /// parameter when a known event's `paras` do not fit (or, for the
    /// platform's sub-device responses, when `event_id` is missing).
    pub fn system_event(&self) -> Result<Option<SystemEvent>, PayloadError> {
        let paras = Value::Object(self.paras.clone());
        let event = SystemEvent::decode(&self.service_id, &self.event_type, &paras)?;
        if event.as_ref().is_some_and(SystemEvent::needs_event_id) && self.event_id.is_none() {
            return Err(PayloadError::Field {
                path: String::new(),
                detail: "missing field `event_id`".to_owned(),
            });
        }
        Ok(event)
    }
}

/// `$time_sync` / `time_sync_request` (up): the device asks for the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeSyncRequest {
    /// The device's clock when it sent the request, Unix milliseconds.
    pub device_send_time: i64,
}

/// `$time_sync` / `time_sync_response` (down): the platform's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeSyncResponse {
    /// The request's `device_send_time`, echoed.
    pub device_send_time: i64,
    /// The platform's clock when the request arrived, Unix milliseconds.
    pub server_recv_time: i64,
    /// The platform's clock when the answer left, Unix milliseconds.
    pub server_send_time: i64,
}

impl TimeSyncResponse {
    /// The platform's answer to `request`, stamped with its own clock when
    /// the request arrived and when the answer leaves (Unix milliseconds).
    pub fn answer(request: TimeSyncRequest, server_recv_time: i64, server_send_time: i64) -> Self {
        Self {
            device_send_time: request.device_send_time,
            server_recv_time,
            server_send_time,
        }
    }

    /// The platform's time when the answer arrived, by Huawei's formula
    /// `(server_recv_time + server_send_time + device_recv_time -
    /// device_send_time) / 2`: the server time plus half the round trip.
    /// `device_recv_time` is the device's clock at arrival, Unix
    /// milliseconds.
    pub fn platform_time_at(&self, device_recv_time: i64) -> i64 {
        let sum = i128::from(self.server_recv_time)
            + i128::from(self.server_send_time)
            + i128::from(device_recv_time)
            - i128::from(self.device_send_time);
        let half = sum.div_euclid(2);
        i64::try_from(half).unwrap_or(if half < 0 { i64::MIN } else { i64::MAX })
    }

    /// How far the device's clock is behind the platform's, in
    /// milliseconds (negative when ahead): [`platform_time_at`] minus
    /// `device_recv_time`. Adding it to the device's clock gives the
    /// platform's time.
    ///
    /// [`platform_time_at`]: Self::platform_time_at
    pub fn offset_at(&self, device_recv_time: i64) -> i64 {
        self.platform_time_at(device_recv_time)
            .saturating_sub(device_recv_time)
    }
}

/// Declares [`SystemEvent`] from one table of variant, parameter type,
/// service and event type, so that decoding, naming and encoding cannot
/// disagree.
macro_rules! system_events {
    ($($(#[doc = $doc:literal])* $variant:ident($paras:ty) = $service:ident / $kind:literal;)*) => {
        /// An event of the platform's own services, typed.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum SystemEvent {
            $($(#[doc = $doc])* $variant($paras),)*
        }

        impl SystemEvent {
            /// The typed event of `service` and `kind`, if it is one.
            fn decode(service: &str, kind: &str, paras: &Value) -> Result<Option<Self>, PayloadError> {
                $(if service == $service && kind == $kind {
                    return Ok(Some(Self::$variant(from_value("paras", paras)?)));
                })*
                Ok(None)
            }

            /// The `service_id` it is sent under.
            pub fn service_id(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $service,)*
                }
            }

            /// Its `event_type`.
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $kind,)*
                }
            }

            fn paras(&self) -> Result<Value, serde_json::Error> {
                match self {
                    $(Self::$variant(p) => serde_json::to_value(p),)*
                }
            }
        }
    };
}

system_events! {
    /// The device asks for the platform's time.
    TimeSyncRequest(TimeSyncRequest) = TIME_SYNC_SERVICE_ID / "time_sync_request";
    /// The platform's time.
    TimeSyncResponse(TimeSyncResponse) = TIME_SYNC_SERVICE_ID / "time_sync_response";
    /// The platform asks for the device's versions (with a gateway's batch
    /// task, if any).
    VersionQuery(BatchTask) = OTA_SERVICE_ID / "version_query";
    /// The device's versions.
    VersionReport(VersionReport) = OTA_SERVICE_ID / "version_report";
    /// An upgrade's progress.
    UpgradeProgressReport(UpgradeProgressReport) = OTA_SERVICE_ID / "upgrade_progress_report";
    /// Upgrade the firmware from a package the platform stores.
    FirmwareUpgrade(UpgradeNotice) = OTA_SERVICE_ID / "firmware_upgrade";
    /// Upgrade the software from a package the platform stores.
    SoftwareUpgrade(UpgradeNotice) = OTA_SERVICE_ID / "software_upgrade";
    /// Upgrade the firmware from a package in OBS.
    FirmwareUpgradeV2(UpgradeNoticeV2) = OTA_SERVICE_ID / "firmware_upgrade_v2";
    /// Upgrade the software from a package in OBS.
    SoftwareUpgradeV2(UpgradeNoticeV2) = OTA_SERVICE_ID / "software_upgrade_v2";
    /// The platform added sub-devices to this gateway.
    AddSubDeviceNotify(SubDevicesNotify) = SUB_DEVICE_SERVICE_ID / "add_sub_device_notify";
    /// The platform deleted sub-devices of this gateway.
    DeleteSubDeviceNotify(SubDevicesNotify) = SUB_DEVICE_SERVICE_ID / "delete_sub_device_notify";
    /// The gateway reports its sub-devices' statuses.
    SubDeviceUpdateStatus(SubDeviceStatusUpdate) = SUB_DEVICE_SERVICE_ID / "sub_device_update_status";
    /// Which status updates the platform took.
    SubDeviceUpdateStatusResponse(SubDeviceStatusUpdateResponse) = SUB_DEVICE_SERVICE_ID / "sub_device_update_status_response";
    /// The gateway asks to register sub-devices.
    AddSubDeviceRequest(AddSubDeviceRequest) = SUB_DEVICE_SERVICE_ID / "add_sub_device_request";
    /// What the platform registered.
    AddSubDeviceResponse(AddSubDeviceResponse) = SUB_DEVICE_SERVICE_ID / "add_sub_device_response";
    /// The gateway asks to delete sub-devices.
    DeleteSubDeviceRequest(DeleteSubDeviceRequest) = SUB_DEVICE_SERVICE_ID / "delete_sub_device_request";
    /// What the platform deleted.
    DeleteSubDeviceResponse(DeleteSubDeviceResponse) = SUB_DEVICE_SERVICE_ID / "delete_sub_device_response";
    /// The gateway asks for the sub-devices added or deleted since a
    /// version (the platform answers with add and delete notifications).
    SubDeviceSyncRequest(SubDeviceSyncRequest) = SUB_DEVICE_SERVICE_ID / "sub_device_sync_request";
    /// The device asks where to upload a file.
    GetUploadUrl(FileUrlRequest) = FILE_SERVICE_ID / "get_upload_url";
    /// Where to upload it.
    GetUploadUrlResponse(FileUrlResponse) = FILE_SERVICE_ID / "get_upload_url_response";
    /// How the upload went.
    UploadResultReport(FileResultReport) = FILE_SERVICE_ID / "upload_result_report";
    /// The device asks where to download a file from.
    GetDownloadUrl(FileUrlRequest) = FILE_SERVICE_ID / "get_download_url";
    /// Where to download it from.
    GetDownloadUrlResponse(FileUrlResponse) = FILE_SERVICE_ID / "get_download_url_response";
    /// How the download went.
    DownloadResultReport(FileResultReport) = FILE_SERVICE_ID / "download_result_report";
    /// The device's SDK, software and firmware versions.
    SdkInfoReport(SdkInfoReport) = SDK_INFO_SERVICE_ID / "sdk_info_report";
    /// Start or stop log collection.
    LogConfig(LogConfig) = LOG_SERVICE_ID / "log_config";
    /// A log line.
    LogReport(LogReport) = LOG_SERVICE_ID / "log_report";
    /// New configuration for the device.
    ConfigUpdate(ConfigUpdate) = DEVICE_CONFIG_SERVICE_ID / "config_update";
}

impl SystemEvent {
    /// Whether Huawei makes `event_id` mandatory on it: the platform's
    /// answers to a gateway's sub-device requests, which name the request.
    pub fn needs_event_id(&self) -> bool {
        matches!(
            self,
            Self::SubDeviceUpdateStatusResponse(_)
                | Self::AddSubDeviceResponse(_)
                | Self::DeleteSubDeviceResponse(_)
        )
    }

    /// The generic [`Event`], stamped with `event_time` when given.
    pub fn to_event(&self, event_time: Option<EventTime>) -> Result<Event, PayloadError> {
        let paras = self.paras().map_err(|e| PayloadError::Encode {
            detail: e.to_string(),
        })?;
        let Value::Object(paras) = paras else {
            return Err(PayloadError::Encode {
                detail: "event parameters are not a JSON object".to_owned(),
            });
        };
        Ok(Event {
            service_id: self.service_id().to_owned(),
            event_type: self.event_type().to_owned(),
            event_time: event_time.map(|t| t.to_string()),
            event_id: None,
            paras,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_a_time_sync_request() {
        let at = EventTime::from_unix_millis(1_582_685_678_789).unwrap();
        let event = SystemEvent::TimeSyncRequest(TimeSyncRequest {
            device_send_time: 1_582_685_678_789,
        })
        .to_event(Some(at))
        .unwrap();
        let bytes = EventsPayload::single(event).encode().unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&bytes).unwrap(),
            json!({"services": [{
                "service_id": "$time_sync",
                "event_type": "time_sync_request",
                "event_time": "20200226T025438Z",
                "paras": {"device_send_time": 1_582_685_678_789_i64}
            }]})
        );
    }

    #[test]
    fn types_known_events_and_names_the_bad_parameter() {
        let event = |service: &str, kind: &str, paras: Value| Event {
            service_id: service.into(),
            event_type: kind.into(),
            event_time: None,
            event_id: None,
            paras: paras.as_object().cloned().unwrap_or_default(),
        };
        assert_eq!(
            event("$ota", "version_query", json!({})).system_event(),
            Ok(Some(SystemEvent::VersionQuery(BatchTask::default())))
        );
        assert_eq!(
            event("Battery", "low", json!({"level": 3})).system_event(),
            Ok(None)
        );
        assert_eq!(
            event("$ota", "firmware_upgrade", json!({"url": "x"}))
                .system_event()
                .unwrap_err()
                .to_string(),
            "field paras: missing field `version`"
        );
        assert_eq!(
            event(
                "$ota",
                "upgrade_progress_report",
                json!({"result_code": 0, "progress": 101, "version": "1"})
            )
            .system_event()
            .unwrap_err()
            .to_string(),
            "field paras.progress: progress is a percentage from 0 to 100; got 101"
        );
        assert_eq!(
            event("$ota", "upgrade_progress_report", json!({"result_code": 11, "version": "1"}))
                .system_event()
                .unwrap_err()
                .to_string(),
            "field paras.result_code: result code 11 is not one IoTDA defines for an upgrade; use 0-10 or 255"
        );
        assert_eq!(
            event(
                "$ota",
                "upgrade_progress_report",
                json!({"result_code": 0, "progress": 100})
            )
            .system_event()
            .unwrap_err()
            .to_string(),
            "field paras: missing field `version`"
        );
        assert_eq!(
            event(
                "$time_sync",
                "time_sync_response",
                json!({"device_send_time": 1, "server_recv_time": "2", "server_send_time": 3})
            )
            .system_event(),
            Err(PayloadError::Field {
                path: "paras.server_recv_time".into(),
                detail: "invalid type: string \"2\", expected i64".into(),
            })
        );
        assert_eq!(
            event("$ota", "upgrade_progress_report", json!({"progress": 5}))
                .system_event()
                .unwrap_err()
                .to_string(),
            "field paras: missing field `result_code`"
        );
    }

    #[test]
    fn time_sync_by_the_documented_example() {
        // "Platform Responding to a Request for Time Synchronization"
        // (support.huaweicloud.com/api-iothub/iot_06_v5_3041.html): its
        // example answer, received 100 ms after the request left on the
        // device's clock. The formula on that page,
        // (server_recv + server_send + device_recv - device_send) / 2,
        // gives (1582685696152 + 1582685708109 + 1582685678889 -
        // 1582685678789) / 2 = 1582685702180.5, floored.
        let request = TimeSyncRequest {
            device_send_time: 1_582_685_678_789,
        };
        let r = TimeSyncResponse::answer(request, 1_582_685_696_152, 1_582_685_708_109);
        assert_eq!(r.device_send_time, request.device_send_time);
        let device_recv_time = 1_582_685_678_889;
        assert_eq!(r.platform_time_at(device_recv_time), 1_582_685_702_180);
        assert_eq!(r.offset_at(device_recv_time), 23_291);
        // A device clock ahead of the platform's gives a negative offset.
        let ahead = TimeSyncResponse::answer(request, 1_582_685_600_000, 1_582_685_600_010);
        assert_eq!(ahead.offset_at(device_recv_time), -78_834);
    }

    #[test]
    fn platform_time_adds_half_the_round_trip() {
        let r = TimeSyncResponse {
            device_send_time: 1_000,
            server_recv_time: 50_000,
            server_send_time: 50_010,
        };
        // Sent at 1000 and received at 1100 on the device's clock: 100 ms
        // round trip, 10 of them on the server.
        assert_eq!(r.platform_time_at(1_100), 50_055);
        let extreme = TimeSyncResponse {
            device_send_time: i64::MIN,
            server_recv_time: i64::MAX,
            server_send_time: i64::MAX,
        };
        assert_eq!(extreme.platform_time_at(i64::MAX), i64::MAX);
    }
}
