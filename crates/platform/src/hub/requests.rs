//! Requests a device answers: commands, property sets and gets, each
//! checked against the product model, refused for an offline device, and
//! waited for up to the command timeout. Each command is kept in the
//! device's command history: sent, then answered or timed out.

use iotda_core::iotda::payload::{CommandRequest, PropertiesGetRequest, PropertiesSetRequest};
use iotda_core::iotda::{validate_command, validate_properties_set, Problem, ProductModel};
use serde_json::Value;
use tokio::sync::oneshot;

use super::link::Outgoing;
use super::{lock, model_of, Hub, HubError, PlatformEvent};
use crate::directory::DeviceStatus;
use crate::registry::{self, CommandRecord, CommandStatus};

/// What a command came to.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandOutcome {
    /// The device answered (its JSON, or its text as a string).
    Answered {
        /// The command's id.
        command_id: String,
        /// The answer.
        response: Value,
    },
    /// No answer within the timeout.
    TimedOut {
        /// The command's id.
        command_id: String,
    },
}

/// IoTDA's code for a command the device did not answer in time (error
/// code list: "Command request timed out", HTTP 200). The kit gives it to
/// unanswered property sets and gets too: Huawei documents their 20 s
/// timeout but no code of their own.
pub const TIMEOUT_CODE: &str = "IOTDA.014111";

/// `Err` listing the problems, if any.
pub(super) fn fits(problems: &[Problem]) -> Result<(), HubError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(HubError::Model(
            problems.iter().map(ToString::to_string).collect(),
        ))
    }
}

/// `Err` unless the device is online.
pub(super) fn online(device: registry::Device) -> Result<(), HubError> {
    if device.status == DeviceStatus::Online {
        Ok(())
    } else {
        Err(HubError::Offline(device.device_id))
    }
}

impl Hub {
    /// CreateCommand: checks the parameters against the product model's
    /// command (when `service_id` is given), refuses an offline device,
    /// publishes the command and waits for the device's answer.
    pub async fn command(
        &self,
        device_id: &str,
        request: CommandRequest,
    ) -> Result<CommandOutcome, HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        if request.service_id.is_some() {
            fits(&validate_command(&model, &request))?;
        }
        online(device)?;
        let body = CommandRequest {
            object_device_id: Some(device_id.to_string()),
            ..request.clone()
        };
        let sent = CommandRecord {
            command_id: self.blocking(|r| r.random_hex(32)).await?,
            device_id: device_id.to_string(),
            service_id: request.service_id.clone(),
            command_name: request.command_name.clone(),
            paras: Value::Object(request.paras.clone()),
            status: CommandStatus::Sent,
            response: None,
            created_time: self.registry.now(),
            finished_time: None,
        };
        let command_id = sent.command_id.clone();
        self.blocking(move |r| r.record_command(&sent)).await?;
        let response = self
            .ask(
                device_id,
                "commands",
                serde_json::to_vec(&body).unwrap_or_default(),
                command_id.clone(),
            )
            .await;
        let (id, answer) = (command_id.clone(), response.clone());
        self.blocking(move |r| r.finish_command(&id, answer.as_ref()))
            .await?;
        let error_code = response.is_none().then_some(TIMEOUT_CODE);
        self.emit(PlatformEvent::Command {
            device_id: device_id.to_string(),
            command_id: command_id.clone(),
            service_id: request.service_id,
            command_name: request.command_name,
            response: response.clone(),
            error_code,
        });
        Ok(match response {
            Some(response) => CommandOutcome::Answered {
                command_id,
                response,
            },
            None => CommandOutcome::TimedOut { command_id },
        })
    }

    /// Publishes `body` on `$oc/devices/{device_id}/sys/{path}/request_id={id}`
    /// and waits for the answer on `.../{path}/response/request_id={id}`:
    /// the answer (JSON, or its text as a string), or `None` after the
    /// timeout.
    async fn ask(
        &self,
        device_id: &str,
        path: &str,
        body: Vec<u8>,
        request_id: String,
    ) -> Option<Value> {
        let (answered, answer) = oneshot::channel();
        lock(&self.waiting).insert(request_id.clone(), answered);
        let _ = self.outbox.send(Outgoing {
            topic: format!("$oc/devices/{device_id}/sys/{path}/request_id={request_id}"),
            payload: body,
        });
        let response =
            match tokio::time::timeout(self.command_timeout, answer).await {
                Ok(Ok(bytes)) => Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                    Value::String(String::from_utf8_lossy(&bytes).into_owned())
                })),
                _ => {
                    lock(&self.waiting).remove(&request_id);
                    None
                }
            };
        response
    }

    /// The device and its product's model.
    pub(super) async fn device_and_model(
        &self,
        device_id: &str,
    ) -> Result<(registry::Device, ProductModel), HubError> {
        let id = device_id.to_string();
        let (device, caps) = self
            .blocking(move |r| {
                let d = r.device_full(&id)?;
                let p = r.product(&d.product_id)?;
                Ok((d, p.service_capabilities))
            })
            .await?;
        Ok((device, model_of(caps)?))
    }

    /// UpdateProperties: checks the values against the model (each property
    /// defined, writable, its value fitting), refuses an offline device,
    /// publishes `properties/set` and waits for the answer: the request id
    /// and the device's answer, `None` after the timeout.
    pub async fn set_properties(
        &self,
        device_id: &str,
        mut request: PropertiesSetRequest,
    ) -> Result<(String, Option<Value>), HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        fits(&validate_properties_set(&model, &request))?;
        online(device)?;
        request.object_device_id = Some(device_id.to_string());
        let body = serde_json::to_vec(&request).unwrap_or_default();
        let request_id = self.blocking(|r| r.random_hex(32)).await?;
        let response = self
            .ask(device_id, "properties/set", body, request_id.clone())
            .await;
        self.emit_property_request("set", device_id, &request_id, &response);
        Ok((request_id, response))
    }

    /// ListProperties: asks the online device for its properties (of one
    /// service, which must be in the model, or all) on `properties/get`.
    pub async fn get_properties(
        &self,
        device_id: &str,
        service_id: Option<String>,
    ) -> Result<(String, Option<Value>), HubError> {
        let (device, model) = self.device_and_model(device_id).await?;
        if let Some(s) = &service_id {
            if model.service(s).is_none() {
                return Err(HubError::Invalid(format!(
                    "service_id: the product model has no service {s:?}"
                )));
            }
        }
        online(device)?;
        let request = PropertiesGetRequest {
            object_device_id: Some(device_id.to_string()),
            service_id,
        };
        let body = serde_json::to_vec(&request).unwrap_or_default();
        let request_id = self.blocking(|r| r.random_hex(32)).await?;
        let response = self
            .ask(device_id, "properties/get", body, request_id.clone())
            .await;
        self.emit_property_request("get", device_id, &request_id, &response);
        Ok((request_id, response))
    }

    fn emit_property_request(
        &self,
        operation: &'static str,
        device_id: &str,
        request_id: &str,
        response: &Option<Value>,
    ) {
        self.emit(PlatformEvent::PropertyRequest {
            operation,
            device_id: device_id.to_string(),
            request_id: request_id.to_string(),
            response: response.clone(),
            error_code: response.is_none().then_some(TIMEOUT_CODE),
        });
    }
}
