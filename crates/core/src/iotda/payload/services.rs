//! The parameters of the platform's smaller system services' events:
//! files (`$file_manager`), the device's SDK and versions (`$sdk_info`),
//! log collection (`$log`) and remote configuration (`$device_config`),
//! after Huawei's pages (`support.huaweicloud.com/api-iothub/NNNN.html`):
//!
//! ```text
//! $file_manager   up    get_upload_url             {file_name, file_attributes?}                 iot_06_v5_3033
//! $file_manager   down  get_upload_url_response    {url, bucket_name?, object_name?, expire?,    iot_06_v5_3034
//!                                                   file_attributes?}
//! $file_manager   up    upload_result_report       {object_name, result_code 0|1, status_code?,  iot_06_v5_3035
//!                                                   status_description?}
//! $file_manager   up    get_download_url           as get_upload_url                             iot_06_v5_3036
//! $file_manager   down  get_download_url_response  as get_upload_url_response                    iot_06_v5_3037
//! $file_manager   up    download_result_report     as upload_result_report                       iot_06_v5_3038
//! $sdk_info       up    sdk_info_report            {device_sdk_version?, sw_version?,            the Java, C and Python
//!                                                   fw_version?, device_ip?}                     device SDKs
//! $log            down  log_config                 {switch? on|off, end_time?}                   iot_06_v5_1303
//! $log            up    log_report                 {timestamp, type, content}                    the Python device SDK
//! $device_config  down  config_update              {config_content}                              iot_0802
//! ```
//!
//! Fields the pages do not list are kept where the types allow it
//! (`file_attributes` is any JSON object).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `get_upload_url` / `get_download_url` (up): the device asks for a
/// temporary URL to upload a file to, or download one from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUrlRequest {
    /// The file's name.
    pub file_name: String,
    /// Its attributes (the SDKs send `hash_code` and `size`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_attributes: Option<Map<String, Value>>,
}

/// `get_upload_url_response` / `get_download_url_response` (down): the
/// temporary URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUrlResponse {
    /// Where to upload or download.
    pub url: String,
    /// The OBS bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    /// The OBS object, named after `file_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_name: Option<String>,
    /// How long the URL is valid, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire: Option<i64>,
    /// The request's attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_attributes: Option<Map<String, Value>>,
}

/// `upload_result_report` / `download_result_report` (up): how the transfer
/// went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileResultReport {
    /// The OBS object.
    pub object_name: String,
    /// 0 success, 1 failure (the only codes the pages define).
    #[serde(deserialize_with = "file_result_code")]
    pub result_code: i64,
    /// The HTTP status OBS answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i64>,
    /// OBS's description of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
}

fn file_result_code<'de, D: serde::Deserializer<'de>>(de: D) -> Result<i64, D::Error> {
    let code = i64::deserialize(de)?;
    if matches!(code, 0 | 1) {
        Ok(code)
    } else {
        Err(serde::de::Error::custom(format_args!(
            "result code {code} is not one IoTDA defines for a file transfer; use 0 (success) or 1 (failure)"
        )))
    }
}

/// `sdk_info_report` (up): the device's SDK, software and firmware versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdkInfoReport {
    /// The device SDK's name and version (`Python_v1.2.0`, `C_v2.2.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_sdk_version: Option<String>,
    /// The software version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sw_version: Option<String>,
    /// The firmware version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fw_version: Option<String>,
    /// The device's IP address (the C SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_ip: Option<String>,
}

/// Whether the device collects logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogSwitch {
    /// Collect and report.
    On,
    /// Stop.
    Off,
}

/// `log_config` (down): start or stop log collection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConfig {
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch: Option<LogSwitch>,
    /// When collection ends, `yyyyMMdd'T'HHmmss'Z'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
}

/// `log_report` (up): one log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogReport {
    /// When it was logged (the Python SDK: Unix seconds, as text).
    pub timestamp: String,
    /// `DEVICE_STATUS`, `DEVICE_PROPERTY`, `DEVICE_MESSAGE` or
    /// `DEVICE_COMMAND` in the Python SDK.
    #[serde(rename = "type")]
    pub log_type: String,
    /// The line.
    pub content: String,
}

/// `config_update` (down): new configuration for the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigUpdate {
    /// The configuration, any JSON object.
    pub config_content: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::super::{EventsPayload, Payload, SystemEvent};
    use super::*;
    use serde_json::json;

    /// Decodes a page's example, checks its one typed event, and encodes it
    /// back to the same JSON.
    fn round_trip(example: Value) -> SystemEvent {
        let bytes = serde_json::to_vec(&example).unwrap();
        let payload = EventsPayload::decode(&bytes).unwrap();
        let event = &payload.services[0];
        let typed = event.system_event().unwrap().expect("a typed event");
        let again = typed.to_event(None).unwrap();
        assert_eq!(again.paras, event.paras, "paras survive typing");
        assert_eq!(
            serde_json::from_slice::<Value>(&payload.encode().unwrap()).unwrap(),
            example
        );
        typed
    }

    #[test]
    fn file_manager_by_the_documented_examples() {
        // iot_06_v5_3033
        let typed = round_trip(json!({"object_device_id": "d", "services": [{
            "service_id": "$file_manager", "event_type": "get_upload_url",
            "event_time": "20151212T121212Z",
            "paras": {"file_name": "a.jpg", "file_attributes": {
                "hash_code": "58059181f378062f9b446e884362a526", "size": 1024}}}]}));
        let SystemEvent::GetUploadUrl(r) = typed else {
            panic!("{typed:?}")
        };
        assert_eq!(r.file_name, "a.jpg");
        // iot_06_v5_3034's fields
        let typed = round_trip(json!({"object_device_id": "d", "services": [{
            "service_id": "$file_manager", "event_type": "get_upload_url_response",
            "event_time": "20151212T121212Z",
            "paras": {"url": "https://bucket.obs.example/a.jpg?sig=x", "bucket_name": "bucket",
                "object_name": "d_a.jpg", "expire": 3600,
                "file_attributes": {"hash_code": "58059181f378062f9b446e884362a526", "size": 1024}}}]}));
        assert!(matches!(typed, SystemEvent::GetUploadUrlResponse(r) if r.expire == Some(3600)));
        // iot_06_v5_3035
        let typed = round_trip(json!({"object_device_id": "d", "services": [{
            "service_id": "$file_manager", "event_type": "upload_result_report",
            "event_time": "20151212T121212Z",
            "paras": {"object_name": "c6b39067b0325db34663d3ef421a42f6_12345678_a.jpg",
                "result_code": 0, "status_code": 200, "status_description": "upload success"}}]}));
        assert!(matches!(typed, SystemEvent::UploadResultReport(r) if r.status_code == Some(200)));
        for kind in [
            "get_download_url",
            "get_download_url_response",
            "download_result_report",
        ] {
            let paras = match kind {
                "get_download_url" => json!({"file_name": "a.jpg"}),
                "get_download_url_response" => json!({"url": "https://x/a.jpg"}),
                _ => json!({"object_name": "a.jpg", "result_code": 1}),
            };
            let typed = round_trip(json!({"services": [{
                "service_id": "$file_manager", "event_type": kind, "paras": paras}]}));
            assert_eq!(typed.event_type(), kind);
        }
        let bad = EventsPayload::decode(
            br#"{"services":[{"service_id":"$file_manager","event_type":"upload_result_report",
                "paras":{"object_name":"a","result_code":2}}]}"#,
        )
        .unwrap();
        assert_eq!(
            bad.services[0].system_event().unwrap_err().to_string(),
            "field paras.result_code: result code 2 is not one IoTDA defines for a file transfer; use 0 (success) or 1 (failure)"
        );
    }

    #[test]
    fn sdk_info_log_and_config_by_the_documented_examples() {
        // What the Python SDK's report_device_info writes (its event_time
        // form is checked in event_time.rs).
        let typed = round_trip(json!({"services": [{
            "service_id": "$sdk_info", "event_type": "sdk_info_report",
            "event_time": "2024-05-06T07:08:09Z",
            "paras": {"device_sdk_version": "Python_v1.2.0", "sw_version": "v1.0", "fw_version": "v1.0"}}]}));
        assert!(
            matches!(typed, SystemEvent::SdkInfoReport(r) if r.fw_version.as_deref() == Some("v1.0"))
        );
        // iot_06_v5_1303
        let typed = round_trip(json!({"services": [{
            "service_id": "$log", "event_type": "log_config",
            "event_time": "20151212T121212Z",
            "paras": {"switch": "on", "end_time": "20151212T131212Z"}}]}));
        assert_eq!(
            typed,
            SystemEvent::LogConfig(LogConfig {
                switch: Some(LogSwitch::On),
                end_time: Some("20151212T131212Z".into()),
            })
        );
        let typed = round_trip(json!({"services": [{
            "service_id": "$log", "event_type": "log_report",
            "paras": {"timestamp": "1449922332", "type": "DEVICE_STATUS", "content": "connected"}}]}));
        assert!(matches!(typed, SystemEvent::LogReport(r) if r.log_type == "DEVICE_STATUS"));
        // iot_0802
        let typed = round_trip(json!({"object_device_id": "d", "services": [{
            "service_id": "$device_config", "event_type": "config_update",
            "event_time": "20151212T121212Z",
            "paras": {"config_content": {"config_key1": "device config1", "config_key2": "device config2"}}}]}));
        assert!(matches!(typed, SystemEvent::ConfigUpdate(c) if c.config_content.len() == 2));
        let bad = EventsPayload::decode(
            br#"{"services":[{"service_id":"$log","event_type":"log_config","paras":{"switch":"maybe"}}]}"#,
        )
        .unwrap();
        assert!(bad.services[0]
            .system_event()
            .unwrap_err()
            .to_string()
            .starts_with("field paras.switch: unknown variant `maybe`"));
    }
}
