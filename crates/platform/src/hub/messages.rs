//! CreateMessage: messages to devices, delivered at once or kept pending
//! until the device comes online.

use std::sync::Arc;

use iotda_core::iotda::payload::MessageEnvelope;
use serde_json::Value;

use super::link::Outgoing;
use super::{lock, Hub, HubError, PlatformEvent};
use crate::directory::DeviceStatus;
use crate::registry::{self, Direction, MessageRecord};

/// A message for CreateMessage to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct DownMessage {
    /// The id to give it; a new one when `None`.
    pub message_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// The message: a string or any JSON.
    pub message: Value,
    /// `true` for `payload_format` `raw`: the message alone, not wrapped.
    pub raw: bool,
    /// The full topic; `$oc/devices/{device_id}/sys/messages/down` when
    /// `None`.
    pub topic: Option<String>,
}

impl Hub {
    /// CreateMessage: keeps the message as `PENDING` and publishes it at
    /// once if the device is online, else when it next comes online (as
    /// IoTDA caches messages for offline devices).
    pub async fn send_message(
        self: &Arc<Self>,
        device_id: &str,
        message: DownMessage,
    ) -> Result<MessageRecord, HubError> {
        let id = device_id.to_string();
        let hub = self.clone();
        self.blocking(move |r| {
            r.device_full(&id)?;
            let message_id = match message.message_id {
                Some(m) => m,
                None => r.random_hex(32)?,
            };
            let payload = if message.raw {
                match &message.message {
                    Value::String(s) => s.clone().into_bytes(),
                    other => other.to_string().into_bytes(),
                }
            } else {
                let envelope = MessageEnvelope {
                    object_device_id: Some(id.clone()),
                    name: message.name.clone(),
                    id: Some(message_id.clone()),
                    content: message.message,
                };
                serde_json::to_vec(&envelope).map_err(|e| registry::Error::Invalid {
                    field: "message",
                    reason: e.to_string(),
                })?
            };
            let record = MessageRecord {
                message_id,
                device_id: id.clone(),
                direction: Direction::Down,
                name: message.name,
                topic: message
                    .topic
                    .unwrap_or_else(|| format!("$oc/devices/{id}/sys/messages/down")),
                payload,
                status: "PENDING",
                created_time: r.now(),
                finished_time: None,
            };
            r.record_message(&record)?;
            hub.emit(PlatformEvent::of_message(&record));
            // Asked after the message is kept: a device that comes online
            // meanwhile has its pending messages delivered either here or
            // by its status change.
            if r.device_full(&id)?.status == DeviceStatus::Online {
                hub.deliver_pending(&id);
            }
            r.message(&id, &record.message_id)
        })
        .await
    }

    /// Publishes the device's pending downlinks, oldest first, and marks
    /// them delivered. Called on a blocking thread.
    pub(super) fn deliver_pending(&self, device_id: &str) {
        let _one_at_a_time = lock(&self.flushing);
        let pending = match self.registry.messages(device_id, Some(Direction::Down)) {
            Ok(all) => all.into_iter().filter(|m| m.status == "PENDING"),
            Err(e) => return self.registry_failed("read pending messages", e),
        };
        for mut m in pending {
            let _ = self.outbox.send(Outgoing {
                topic: m.topic.clone(),
                payload: m.payload.clone(),
            });
            let now = self.registry.now();
            if let Err(e) = self.registry.mark_delivered(&m.message_id, now) {
                return self.registry_failed("mark a message delivered", e);
            }
            m.status = "DELIVERED";
            self.emit(PlatformEvent::of_message(&m));
        }
    }
}
