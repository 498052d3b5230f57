//! The device shadow on the hub's side: desired values set, pushed to the
//! device, and the device's shadow/get answered.

use std::sync::Arc;

use iotda_core::iotda::payload::{
    Payload, PropertiesSetRequest, ServiceProperties, ShadowData, ShadowGetRequest,
    ShadowGetResponse, ShadowService as CoreShadowService,
};
use iotda_core::iotda::validate_properties_set;
use serde_json::{json, Map, Value};

use super::link::Outgoing;
use super::requests::fits;
use super::{Hub, HubError, PlatformEvent};
use crate::directory::DeviceStatus;
use crate::registry::{self, iotda_time};

impl Hub {
    /// UpdateDeviceShadowDesiredData: checks the desired values as a
    /// property set (each property defined, writable, fitting), merges them
    /// into the shadow (refusing a service whose `version` is not the one
    /// given), pushes what the device has not reported to it if it is
    /// online, and returns the shadow.
    pub async fn set_desired(
        self: &Arc<Self>,
        device_id: &str,
        services: Vec<(String, Map<String, Value>, Option<i64>)>,
    ) -> Result<Vec<registry::ShadowService>, HubError> {
        let (_device, model) = self.device_and_model(device_id).await?;
        let as_set = PropertiesSetRequest {
            object_device_id: None,
            services: services
                .iter()
                .map(|(id, props, _)| ServiceProperties::new(id.clone(), props.clone()))
                .collect(),
        };
        fits(&validate_properties_set(&model, &as_set))?;
        let id = device_id.to_string();
        let hub = self.clone();
        self.blocking(move |r| {
            r.set_desired(&id, &services, &iotda_time(r.now()))?;
            if r.device_full(&id)?.status == DeviceStatus::Online {
                hub.push_desired(&id);
            }
            r.shadow(&id)
        })
        .await
    }

    /// Publishes, as one property set, the desired properties the device
    /// has not reported. Its answer is not waited for: the device's next
    /// report updates `reported`. Called on a blocking thread.
    pub(super) fn push_desired(&self, device_id: &str) {
        let shadow = match self.registry.shadow(device_id) {
            Ok(s) => s,
            Err(e) => return self.registry_failed("read a shadow", e),
        };
        let services: Vec<ServiceProperties> = shadow
            .iter()
            .map(|s| ServiceProperties::new(s.service_id.clone(), s.unreported()))
            .filter(|s| !s.properties.is_empty())
            .collect();
        if services.is_empty() {
            return;
        }
        let request_id = match self.registry.random_hex(32) {
            Ok(r) => r,
            Err(e) => return self.registry_failed("make a request id", e),
        };
        let pushed = services_pushed(&services);
        let request = PropertiesSetRequest {
            object_device_id: Some(device_id.to_string()),
            services,
        };
        let _ = self.outbox.send(Outgoing {
            topic: format!("$oc/devices/{device_id}/sys/properties/set/request_id={request_id}"),
            payload: serde_json::to_vec(&request).unwrap_or_default(),
        });
        self.emit(PlatformEvent::DesiredPushed {
            device_id: device_id.to_string(),
            request_id,
            services: pushed,
        });
    }

    /// Answers a device's `shadow/get` on `shadow/get/response/` with its
    /// shadow (one service's if it asked for one).
    pub(super) async fn answer_shadow_get(
        self: &Arc<Self>,
        device_id: String,
        request_id: String,
        payload: Vec<u8>,
    ) {
        let wanted = ShadowGetRequest::decode(&payload)
            .ok()
            .and_then(|r| r.service_id);
        let id = device_id.clone();
        let shadow = match self.blocking(move |r| r.shadow(&id)).await {
            Ok(s) => s,
            Err(e) => {
                return (self.log)(crate::log::Event::RegistryError {
                    what: format!("read the shadow of {device_id:?}"),
                    error: e.to_string(),
                })
            }
        };
        let data = |properties: &Map<String, Value>, event_time: &Option<String>| ShadowData {
            properties: properties.clone(),
            event_time: event_time.clone(),
        };
        let response = ShadowGetResponse {
            object_device_id: Some(device_id.clone()),
            shadow: shadow
                .iter()
                .filter(|s| wanted.as_ref().is_none_or(|w| *w == s.service_id))
                .map(|s| CoreShadowService {
                    service_id: s.service_id.clone(),
                    desired: Some(data(&s.desired, &s.desired_event_time)),
                    reported: Some(data(&s.reported, &s.reported_event_time)),
                    version: u64::try_from(s.version).ok(),
                })
                .collect(),
        };
        let _ = self.outbox.send(Outgoing {
            topic: format!(
                "$oc/devices/{device_id}/sys/shadow/get/response/request_id={request_id}"
            ),
            payload: serde_json::to_vec(&response).unwrap_or_default(),
        });
    }
}

fn services_pushed(services: &[ServiceProperties]) -> Value {
    services
        .iter()
        .map(|s| json!({"service_id": s.service_id, "properties": s.properties}))
        .collect()
}
