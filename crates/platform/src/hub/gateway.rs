//! Gateways and their sub-devices, after Huawei's "Gateway and Child Device
//! Management" device-side pages (iot_06_v5_3019 to 3024, 30181 to 30184)
//! and AddDevice's `gateway_id`:
//!
//! ```text
//! API AddDevice {gateway_id}   -> add_sub_device_notify to the gateway (kept pending while offline)
//! API DeleteDevice (sub-device)-> delete_sub_device_notify
//! sub_device_update_status     -> statuses kept; sub_device_update_status_response
//! add_sub_device_request       -> registered; add_sub_device_response
//! delete_sub_device_request    -> deleted; delete_sub_device_response
//! sub_device_sync_request      -> add_sub_device_notify with every sub-device (the kit's choice)
//! gateway/sub_devices/properties/report -> each sub-device's own report, judged by its model
//! ```
//!
//! Notifications go through the gateway's message history as `PENDING`
//! downlinks on `events/down` (the kit's choice: that is how they wait
//! for an offline gateway). A refusal in a response carries the code the
//! API gives for the same refusal (the device docs list none).

use std::sync::Arc;

use iotda_core::iotda::payload::{
    AddSubDeviceRequest, AddSubDeviceResponse, DeleteSubDeviceRequest, DeleteSubDeviceResponse,
    DeviceStatus as SubStatus, EventsPayload, FailedDevice, FailedNewDevice,
    GatewayPropertiesReport, Payload, PropertiesReport, SubDeviceInfo, SubDeviceStatus,
    SubDeviceStatusUpdate, SubDeviceStatusUpdateResponse, SubDevicesNotify, SystemEvent,
};
use serde_json::Value;

use super::event::problem_line;
use super::link::Outgoing;
use super::messages::DownMessage;
use super::{Hub, HubError, PlatformEvent};
use crate::api::ApiError;
use crate::directory::{DeviceSecret, DeviceStatus};
use crate::registry::{self, iotda_time, AuthType, Device, NewDevice};

/// What happened to sub-devices, for [`Hub::notify_sub_devices`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubDeviceChange {
    /// Registered (`add_sub_device_notify`).
    Added,
    /// Deleted (`delete_sub_device_notify`).
    Deleted,
}

/// How the platform describes a sub-device to its gateway.
fn info(gateway_id: &str, d: &Device) -> SubDeviceInfo {
    SubDeviceInfo {
        parent_device_id: gateway_id.to_owned(),
        node_id: d.node_id.clone(),
        device_id: d.device_id.clone(),
        name: Some(d.device_name.clone()),
        description: d.description.clone(),
        manufacturer_id: None,
        model: None,
        product_id: Some(d.product_id.clone()),
        fw_version: d.fw_version.clone(),
        sw_version: d.sw_version.clone(),
        status: Some(match d.status {
            DeviceStatus::Online => SubDeviceStatus::Online,
            DeviceStatus::Offline => SubDeviceStatus::Offline,
            DeviceStatus::Inactive => SubDeviceStatus::Inactive,
        }),
        extension_info: None,
    }
}

/// The API's `error_code` and `error_msg` for a registry refusal.
fn refusal(e: registry::Error) -> (String, String) {
    let api = ApiError::from(e);
    (api.code.to_owned(), api.msg)
}

impl Hub {
    /// Tells `gateway_id` that `devices` were added or deleted, now if it is
    /// online, else when it next connects.
    pub async fn notify_sub_devices(
        self: &Arc<Self>,
        gateway_id: &str,
        change: SubDeviceChange,
        devices: &[Device],
    ) -> Result<(), HubError> {
        let notify = SubDevicesNotify {
            devices: devices.iter().map(|d| info(gateway_id, d)).collect(),
            version: Some(self.registry.now()),
        };
        let event = match change {
            SubDeviceChange::Added => SystemEvent::AddSubDeviceNotify(notify),
            SubDeviceChange::Deleted => SystemEvent::DeleteSubDeviceNotify(notify),
        };
        let name = event.event_type().to_owned();
        let payload = self.events_payload(gateway_id, event, None)?;
        self.send_message(
            gateway_id,
            DownMessage {
                message_id: None,
                name: Some(name),
                message: serde_json::from_slice(&payload).unwrap_or(Value::Null),
                raw: true,
                topic: Some(format!("$oc/devices/{gateway_id}/sys/events/down")),
            },
        )
        .await
        .map(|_| ())
    }

    /// `{"object_device_id", "services": [event]}` with `event_id` (a new
    /// one when `None`).
    pub(super) fn events_payload(
        &self,
        device_id: &str,
        event: SystemEvent,
        event_id: Option<String>,
    ) -> Result<Vec<u8>, HubError> {
        let event_id = match event_id {
            Some(id) => id,
            None => self.registry.random_hex(32)?,
        };
        let time = iotda_core::iotda::EventTime::from_unix_millis(self.registry.now() * 1000).ok();
        let mut down = event
            .to_event(time)
            .map_err(|e| HubError::Invalid(e.to_string()))?;
        down.event_id = Some(event_id);
        EventsPayload {
            object_device_id: Some(device_id.to_owned()),
            services: vec![down],
        }
        .encode()
        .map_err(|e| HubError::Invalid(e.to_string()))
    }

    /// Publishes a system event to an online device at once.
    pub(super) fn send_event(&self, device_id: &str, event: SystemEvent, event_id: Option<String>) {
        match self.events_payload(device_id, event, event_id) {
            Ok(payload) => {
                let _ = self.outbox.send(Outgoing {
                    topic: format!("$oc/devices/{device_id}/sys/events/down"),
                    payload,
                });
            }
            Err(e) => (self.log)(crate::log::Event::RegistryError {
                what: format!("answer an event of {device_id:?}"),
                error: e.to_string(),
            }),
        }
    }

    /// `sub_device_update_status`: keeps each status and answers which it
    /// took.
    pub(super) async fn sub_device_statuses(
        &self,
        gateway_id: &str,
        update: SubDeviceStatusUpdate,
        event_id: Option<String>,
    ) {
        let gateway = gateway_id.to_owned();
        let done = self
            .blocking(move |r| {
                let mut ok = Vec::new();
                let mut failed = Vec::new();
                for s in update.device_statuses {
                    let status = match s.status {
                        SubDeviceStatus::Online => DeviceStatus::Online,
                        SubDeviceStatus::Offline => DeviceStatus::Offline,
                        SubDeviceStatus::Inactive => {
                            failed.push(FailedDevice {
                                device_id: s.device_id,
                                error_code: "IOTDA.000006".into(),
                                error_msg: "a gateway reports ONLINE or OFFLINE".into(),
                            });
                            continue;
                        }
                    };
                    match r.set_sub_device_status(&gateway, &s.device_id, status) {
                        Ok(change) => ok.push((s, change)),
                        Err(e) => {
                            let (error_code, error_msg) = refusal(e);
                            failed.push(FailedDevice {
                                device_id: s.device_id,
                                error_code,
                                error_msg,
                            });
                        }
                    }
                }
                Ok((ok, failed))
            })
            .await;
        let Ok((ok, failed)) = done else { return };
        for (s, change) in &ok {
            self.emit(PlatformEvent::Status {
                device_id: s.device_id.clone(),
                status: change.status.as_str(),
                reason: change.reason.as_str(),
                detail: change.detail.clone(),
                event_time: iotda_time(change.at),
            });
        }
        let answer = SubDeviceStatusUpdateResponse {
            successful_devices: ok.into_iter().map(|(s, _)| s).collect::<Vec<SubStatus>>(),
            failed_devices: failed,
        };
        self.send_event(
            gateway_id,
            SystemEvent::SubDeviceUpdateStatusResponse(answer),
            event_id,
        );
    }

    /// `add_sub_device_request`: registers each sub-device under the gateway
    /// (with a random secret: it never connects itself) and answers.
    pub(super) async fn add_sub_devices(
        &self,
        gateway_id: &str,
        request: AddSubDeviceRequest,
        event_id: Option<String>,
    ) {
        let gateway = gateway_id.to_owned();
        let done = self
            .blocking(move |r| {
                let mut answer = AddSubDeviceResponse {
                    successful_devices: Vec::new(),
                    failed_devices: Vec::new(),
                };
                for d in request.devices {
                    let new = NewDevice {
                        device_id: d.device_id,
                        node_id: d.node_id.clone(),
                        product_id: d.product_id.clone(),
                        device_name: d.name,
                        description: d.description,
                        auth_type: AuthType::Secret,
                        secret: None::<DeviceSecret>,
                        secure_access: true,
                        gateway_id: Some(gateway.clone()),
                        ..NewDevice::default()
                    };
                    match r.add_device(&new) {
                        Ok(device) => answer.successful_devices.push(info(&gateway, &device)),
                        Err(e) => {
                            let (error_code, error_msg) = refusal(e);
                            answer.failed_devices.push(FailedNewDevice {
                                node_id: d.node_id,
                                product_id: d.product_id,
                                error_code,
                                error_msg,
                            });
                        }
                    }
                }
                Ok(answer)
            })
            .await;
        if let Ok(answer) = done {
            self.send_event(
                gateway_id,
                SystemEvent::AddSubDeviceResponse(answer),
                event_id,
            );
        }
    }

    /// `delete_sub_device_request`: deletes each of the gateway's
    /// sub-devices named and answers.
    pub(super) async fn delete_sub_devices(
        &self,
        gateway_id: &str,
        request: DeleteSubDeviceRequest,
        event_id: Option<String>,
    ) {
        let gateway = gateway_id.to_owned();
        let done = self
            .blocking(move |r| {
                let mut answer = DeleteSubDeviceResponse {
                    successful_devices: Vec::new(),
                    failed_devices: Vec::new(),
                };
                for id in request.devices {
                    match r
                        .sub_device(&gateway, &id)
                        .and_then(|_| r.delete_device(&id))
                    {
                        Ok(()) => answer.successful_devices.push(id),
                        Err(e) => {
                            let (error_code, error_msg) = refusal(e);
                            answer.failed_devices.push(FailedDevice {
                                device_id: id,
                                error_code,
                                error_msg,
                            });
                        }
                    }
                }
                Ok(answer)
            })
            .await;
        if let Ok(answer) = done {
            self.send_event(
                gateway_id,
                SystemEvent::DeleteSubDeviceResponse(answer),
                event_id,
            );
        }
    }

    /// `sub_device_sync_request`: answers with every sub-device in one
    /// `add_sub_device_notify` (the kit keeps no change log to answer "since
    /// version" with).
    pub(super) async fn sync_sub_devices(&self, gateway_id: &str) {
        let gateway = gateway_id.to_owned();
        let Ok(devices) = self.blocking(move |r| r.sub_devices(&gateway)).await else {
            return;
        };
        let notify = SubDevicesNotify {
            devices: devices.iter().map(|d| info(gateway_id, d)).collect(),
            version: Some(self.registry.now()),
        };
        self.send_event(gateway_id, SystemEvent::AddSubDeviceNotify(notify), None);
    }

    /// `gateway/sub_devices/properties/report`: each entry is its
    /// sub-device's own property report, judged against that device's
    /// product model; an entry for a device that is not this gateway's
    /// sub-device is dropped and logged.
    pub(super) async fn gateway_report(self: &Arc<Self>, gateway_id: &str, payload: &[u8]) {
        let report = match GatewayPropertiesReport::decode(payload) {
            Ok(r) => r,
            Err(e) => {
                return (self.log)(crate::log::Event::ReportDropped {
                    device_id: gateway_id.to_owned(),
                    problems: vec![e.to_string()],
                })
            }
        };
        for (i, entry) in report.devices.into_iter().enumerate() {
            let gateway = gateway_id.to_owned();
            let id = entry.device_id.clone();
            if let Err(e) = self.blocking(move |r| r.sub_device(&gateway, &id)).await {
                (self.log)(crate::log::Event::ReportDropped {
                    device_id: gateway_id.to_owned(),
                    problems: vec![problem_line(
                        &format!("devices[{i}].device_id"),
                        &e.to_string(),
                    )],
                });
                continue;
            }
            let own = PropertiesReport {
                services: entry.services,
            };
            match serde_json::to_vec(&own) {
                Ok(bytes) => self.property_report(entry.device_id, bytes).await,
                Err(e) => (self.log)(crate::log::Event::ReportDropped {
                    device_id: entry.device_id,
                    problems: vec![e.to_string()],
                }),
            }
        }
    }
}
