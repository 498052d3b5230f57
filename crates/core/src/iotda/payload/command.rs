//! Commands: the platform's request and the device's response.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Payload;

/// `commands/request_id={id}`: the platform sends a command.
///
/// ```json
/// {"object_device_id":"...","service_id":"WaterMeter","command_name":"ON_OFF","paras":{"value":"1"}}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRequest {
    /// The device the command is for; a gateway receives commands for its
    /// sub-devices with their id here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// The service that defines the command in the product model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    /// The command's name in the product model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_name: Option<String>,
    /// Parameter names and values.
    #[serde(default)]
    pub paras: Map<String, Value>,
}

impl Payload for CommandRequest {}

/// `commands/response/request_id={id}`: the device answers a command.
///
/// ```json
/// {"result_code":0,"response_name":"COMMAND_RESPONSE","paras":{"result":"success"}}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandResponse {
    /// `0` for success (the platform's default), anything else for failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<i64>,
    /// The response's name in the product model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_name: Option<String>,
    /// Response parameter names and values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paras: Option<Map<String, Value>>,
}

impl CommandResponse {
    /// `{"result_code":0}`: the command succeeded, with nothing to add.
    pub fn success() -> Self {
        Self {
            result_code: Some(0),
            response_name: None,
            paras: None,
        }
    }
}

impl Payload for CommandResponse {}
