//! Property reports (direct and through a gateway), property set and get.

use serde::{Deserialize, Serialize};

use super::{Payload, ServiceProperties};
use crate::iotda::MAX_PROPERTIES_REPORT_LEN;

/// `properties/report`: a device reports property values.
///
/// ```json
/// {"services":[{"service_id":"Battery","properties":{"batteryLevel":80},"event_time":"20151212T121212Z"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertiesReport {
    /// One entry per reported service.
    pub services: Vec<ServiceProperties>,
}

impl Payload for PropertiesReport {
    const MAX_LEN: usize = MAX_PROPERTIES_REPORT_LEN;
}

/// `gateway/sub_devices/properties/report`: a gateway reports properties of
/// its sub-devices.
///
/// ```json
/// {"devices":[{"device_id":"...","services":[{"service_id":"...","properties":{...}}]}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatewayPropertiesReport {
    /// One entry per sub-device.
    pub devices: Vec<DeviceProperties>,
}

/// The property report is IoTDA's 64 KB limit's subject; a gateway's batch
/// is a property report too.
impl Payload for GatewayPropertiesReport {
    const MAX_LEN: usize = MAX_PROPERTIES_REPORT_LEN;
}

/// One sub-device's services in a [`GatewayPropertiesReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceProperties {
    /// The sub-device's id.
    pub device_id: String,
    /// Its reported services.
    pub services: Vec<ServiceProperties>,
}

/// `properties/set/request_id={id}`: the platform sets writable properties.
///
/// ```json
/// {"object_device_id":"...","services":[{"service_id":"Temperature","properties":{"value":57}}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertiesSetRequest {
    /// The device the request is for; a gateway receives requests for its
    /// sub-devices with their id here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// The services and the values to set.
    pub services: Vec<ServiceProperties>,
}

impl Payload for PropertiesSetRequest {}

/// `properties/set/response/request_id={id}`: the device's answer to a set.
///
/// ```json
/// {"result_code":0,"result_desc":"success"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertiesSetResponse {
    /// `0` for success, anything else for failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<i64>,
    /// Why, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_desc: Option<String>,
}

impl PropertiesSetResponse {
    /// `{"result_code":0,"result_desc":"success"}`.
    pub fn success() -> Self {
        Self {
            result_code: Some(0),
            result_desc: Some("success".to_owned()),
        }
    }
}

impl Payload for PropertiesSetResponse {}

/// `properties/get/request_id={id}`: the platform asks for current values.
///
/// ```json
/// {"object_device_id":"...","service_id":"Temperature"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertiesGetRequest {
    /// The device the request is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// The service whose properties are wanted; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
}

impl Payload for PropertiesGetRequest {}

/// `properties/get/response/request_id={id}`: the device's current values.
///
/// ```json
/// {"services":[{"service_id":"Temperature","properties":{"value":57}}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertiesGetResponse {
    /// The services asked for, with their values.
    pub services: Vec<ServiceProperties>,
}

impl Payload for PropertiesGetResponse {}
