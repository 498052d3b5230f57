//! The device shadow: the device asks, the platform answers with the
//! desired and reported values it holds.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Payload;

/// `shadow/get/request_id={id}`: the device asks for its shadow.
///
/// ```json
/// {"object_device_id":"...","service_id":"WaterMeter"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowGetRequest {
    /// The device whose shadow is wanted (a gateway asks for sub-devices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// One service; every service when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
}

impl Payload for ShadowGetRequest {}

/// `shadow/get/response/request_id={id}`: the platform sends the shadow.
///
/// ```json
/// {"object_device_id":"...","shadow":[{"service_id":"WaterMeter",
///   "desired":{"properties":{"temperature":"60"},"event_time":"20151212T121212Z"},
///   "reported":{"properties":{"temperature":"60"},"event_time":"20151212T121212Z"},
///   "version":1}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowGetResponse {
    /// The device the shadow belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// One entry per service.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub shadow: Vec<ShadowService>,
}

impl Payload for ShadowGetResponse {}

/// One service of a [`ShadowGetResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowService {
    /// The service.
    pub service_id: String,
    /// Values set on the platform and not yet confirmed by the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<ShadowData>,
    /// Values the device last reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<ShadowData>,
    /// The shadow's version, increased by every change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

/// Desired or reported values of a [`ShadowService`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowData {
    /// Property names and values.
    #[serde(default)]
    pub properties: Map<String, Value>,
    /// When they were set or reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
}
