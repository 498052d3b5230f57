//! The parameters of the `$sub_device_manager` service's events, by which a
//! gateway and the platform keep the gateway's sub-devices in step, after
//! Huawei's "Gateway and Child Device Management" pages (iot_06_v5_NNNN):
//!
//! ```text
//! down  add_sub_device_notify / delete_sub_device_notify    {devices, version}                    - / 3020
//! up    sub_device_update_status                           {device_statuses}                     3022
//! down  sub_device_update_status_response                  {successful_devices, failed_devices}  30233
//! up    add_sub_device_request                             {devices}                             30181
//! down  add_sub_device_response                            {successful_devices, failed_devices}  30182
//! up    delete_sub_device_request                          {devices: [device_id]}                -
//! down  delete_sub_device_response                         {successful_devices, failed_devices}  30184
//! up    sub_device_sync_request                            {version?}                            3021
//! ```
//!
//! The three responses carry the request's `event_id`, which Huawei makes
//! mandatory there; [`Event::system_event`](super::Event::system_event)
//! refuses them without one.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Whether a sub-device is connected, as the platform names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SubDeviceStatus {
    /// Connected through its gateway.
    Online,
    /// Not connected.
    Offline,
    /// Registered but never connected.
    Inactive,
}

/// A sub-device as the platform describes it in notifications and in the
/// answer to an add request. Only the ids are always there (a delete
/// notification carries nothing else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDeviceInfo {
    /// The gateway (or parent sub-device) it hangs under.
    pub parent_device_id: String,
    /// Its node id.
    pub node_id: String,
    /// Its device id.
    pub device_id: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_id: Option<String>,
    /// Its model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Its product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Its firmware version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fw_version: Option<String>,
    /// Its software version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sw_version: Option<String>,
    /// Whether it is connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SubDeviceStatus>,
    /// Free-form information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_info: Option<Map<String, Value>>,
}

/// `add_sub_device_notify` and `delete_sub_device_notify` (down): the
/// platform added or deleted sub-devices of this gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDevicesNotify {
    /// The sub-devices added or deleted.
    pub devices: Vec<SubDeviceInfo>,
    /// The version of the gateway's sub-device list after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// One sub-device's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    /// The sub-device.
    pub device_id: String,
    /// Its status.
    pub status: SubDeviceStatus,
}

/// `sub_device_update_status` (up): the gateway reports which of its
/// sub-devices are connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDeviceStatusUpdate {
    /// The statuses.
    pub device_statuses: Vec<DeviceStatus>,
}

/// A sub-device the platform could not update or delete, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedDevice {
    /// The sub-device.
    pub device_id: String,
    /// The platform's error code.
    pub error_code: String,
    /// The platform's reason.
    pub error_msg: String,
}

/// `sub_device_update_status_response` (down): which status updates the
/// platform took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDeviceStatusUpdateResponse {
    /// The updates taken.
    pub successful_devices: Vec<DeviceStatus>,
    /// The updates refused.
    pub failed_devices: Vec<FailedDevice>,
}

/// A sub-device a gateway asks the platform to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSubDevice {
    /// Its node id, unique under the product.
    pub node_id: String,
    /// Its product.
    pub product_id: String,
    /// Its device id; the platform makes one up when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_info: Option<Map<String, Value>>,
}

/// `add_sub_device_request` (up): the gateway asks the platform to register
/// sub-devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddSubDeviceRequest {
    /// The sub-devices to register.
    pub devices: Vec<NewSubDevice>,
}

/// A sub-device the platform could not register, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedNewDevice {
    /// The node id of the request.
    pub node_id: String,
    /// The product of the request.
    pub product_id: String,
    /// The platform's error code.
    pub error_code: String,
    /// The platform's reason.
    pub error_msg: String,
}

/// `add_sub_device_response` (down): what the platform registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddSubDeviceResponse {
    /// The sub-devices registered.
    pub successful_devices: Vec<SubDeviceInfo>,
    /// The sub-devices refused.
    pub failed_devices: Vec<FailedNewDevice>,
}

/// `delete_sub_device_request` (up): the gateway asks the platform to
/// delete sub-devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteSubDeviceRequest {
    /// The device ids to delete.
    pub devices: Vec<String>,
}

/// `delete_sub_device_response` (down): what the platform deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteSubDeviceResponse {
    /// The device ids deleted.
    pub successful_devices: Vec<String>,
    /// The deletions refused.
    pub failed_devices: Vec<FailedDevice>,
}

/// `sub_device_sync_request` (up): a gateway back online asks for the
/// sub-devices added or deleted since `version`; the platform answers with
/// `add_sub_device_notify` and `delete_sub_device_notify`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDeviceSyncRequest {
    /// The `version` of the last notification the gateway received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}
