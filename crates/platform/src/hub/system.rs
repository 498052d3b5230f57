//! The platform's answers to devices' system events (`events/up`): time
//! synchronisation today (`$time_sync` / `time_sync_request` answered with
//! `time_sync_response`, pages iot_06_v5_3040 and 3041). The other system
//! events a device sends are heard and left alone.

use std::time::{SystemTime, UNIX_EPOCH};

use iotda_core::iotda::payload::{EventsPayload, Payload, SystemEvent, TimeSyncResponse};

use super::link::Outgoing;
use super::Hub;

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

    /// Answers each `time_sync_request` of `payload`, which `device_id`
    /// published on its `events/up`.
    pub(super) fn events_up(&self, device_id: &str, payload: &[u8]) {
        let received = now_millis();
        let Ok(events) = EventsPayload::decode(payload) else {
            return;
        };
        for event in &events.services {
            let Ok(Some(SystemEvent::TimeSyncRequest(request))) = event.system_event() else {
                continue;
            };
            let answer = SystemEvent::TimeSyncResponse(TimeSyncResponse::answer(
                request,
                received,
                now_millis(),
            ));
            let Ok(mut down) = answer.to_event(None) else {
                continue;
            };
            down.event_id = event.event_id.clone();
            let body = EventsPayload {
                object_device_id: Some(device_id.to_owned()),
                services: vec![down],
            };
            if let Ok(bytes) = body.encode() {
                let _ = self.outbox.send(Outgoing {
                    topic: format!("$oc/devices/{device_id}/sys/events/down"),
                    payload: bytes,
                });
            }
        }
    }
}
