//! What the platform does with devices' events (`events/up`): each is kept
//! in the device's event history; `time_sync_request` is answered with
//! `time_sync_response` (pages iot_06_v5_3040 and 3041), `version_report`
//! kept as the device's versions, the `$sub_device_manager` events handled
//! by [`super::gateway`] and `upgrade_progress_report` by [`super::ota`].
//! The other events are kept and left alone.

use std::time::{SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use iotda_core::iotda::payload::{EventsPayload, Payload, SystemEvent, TimeSyncResponse};
use serde_json::Value;

use super::link::Outgoing;
use super::Hub;
use crate::registry::EventRecord;

/// The platform's clock, Unix milliseconds (the I/O edge: the answer's
/// times are read here, the answer itself is the core's).
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Hub {
    /// BroadcastMessage: publishes `payload` once on `topic` (a
    /// `$oc/broadcast/...` topic the API checked) to whoever subscribed.
    pub fn broadcast(&self, topic: &str, payload: Vec<u8>) {
        let _ = self.outbox.send(Outgoing {
            topic: topic.to_owned(),
            payload,
        });
    }

    /// Keeps each event of `payload` (which `device_id` published on its
    /// `events/up`) in the device's event history, and does what the
    /// system events ask: time sync answered, versions kept, sub-devices
    /// managed (see [`super::gateway`]), upgrade progress followed (see
    /// [`super::ota`]).
    pub(super) async fn events_up(self: &Arc<Self>, device_id: &str, payload: &[u8]) {
        let received = now_millis();
        let Ok(events) = EventsPayload::decode(payload) else {
            return;
        };
        let records: Vec<EventRecord> = events
            .services
            .iter()
            .map(|e| EventRecord {
                service_id: e.service_id.clone(),
                event_type: e.event_type.clone(),
                event_id: e.event_id.clone(),
                event_time: e.event_time.clone(),
                paras: Value::Object(e.paras.clone()),
                received_time: received / 1000,
            })
            .collect();
        let id = device_id.to_owned();
        if let Err(e) = self
            .blocking(move |r| records.iter().try_for_each(|rec| r.record_event(&id, rec)))
            .await
        {
            (self.log)(crate::log::Event::RegistryError {
                what: format!("record an event of {device_id:?}"),
                error: e.to_string(),
            });
        }
        for event in &events.services {
            let Ok(Some(typed)) = event.system_event() else {
                continue;
            };
            let event_id = event.event_id.clone();
            match typed {
                SystemEvent::TimeSyncRequest(request) => {
                    let answer = SystemEvent::TimeSyncResponse(TimeSyncResponse::answer(
                        request,
                        received,
                        now_millis(),
                    ));
                    self.send_event(device_id, answer, event_id);
                }
                SystemEvent::VersionReport(v) => {
                    let id = device_id.to_owned();
                    let _ = self
                        .blocking(move |r| {
                            r.set_versions(&id, v.fw_version.as_deref(), v.sw_version.as_deref())
                        })
                        .await;
                }
                SystemEvent::UpgradeProgressReport(p) => {
                    self.upgrade_progress(device_id, events.object_device_id.clone(), p)
                        .await;
                }
                SystemEvent::SubDeviceUpdateStatus(u) => {
                    self.sub_device_statuses(device_id, u, event_id).await;
                }
                SystemEvent::AddSubDeviceRequest(a) => {
                    self.add_sub_devices(device_id, a, event_id).await;
                }
                SystemEvent::DeleteSubDeviceRequest(d) => {
                    self.delete_sub_devices(device_id, d, event_id).await;
                }
                SystemEvent::SubDeviceSyncRequest(_) => self.sync_sub_devices(device_id).await,
                _ => {}
            }
        }
    }
}
