//! The refused connections the platform remembers for the kit's API
//! (`GET /v5/iot/{project_id}/kit/refusals`): each CONNECT refused with a
//! CONNACK, with the exact reason the access layer decided, newest first.
//!
//! Kept in memory only, at most [`REFUSAL_LIMIT`] of them (the oldest go
//! first): they explain an attempt made a moment ago, to the doctor or a
//! developer, and mean nothing after a restart. Fed from the device side's
//! [`Event`]s; it reads no clock of its own (the time is passed in).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use crate::log::{Event, LogSink};
use crate::registry::Source;

/// How many refusals are kept.
pub const REFUSAL_LIMIT: usize = 200;

/// One refused CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalRecord {
    /// When, Unix seconds.
    pub time: i64,
    /// The listener's scheme (`mqtt`, `mqtts`, `ws`, `wss`).
    pub listener: &'static str,
    /// The device's address.
    pub peer: SocketAddr,
    /// The ClientId it sent (empty when the CONNECT could not be read).
    pub client_id: String,
    /// The MQTT 3.1.1 return code sent (1-5).
    pub return_code: u8,
    /// The MQTT 5 reason code sent.
    pub reason_code: u8,
    /// The exact reason, in words.
    pub reason: String,
}

/// The last [`REFUSAL_LIMIT`] refusals.
#[derive(Debug)]
pub struct Refusals {
    kept: Mutex<VecDeque<RefusalRecord>>,
    limit: usize,
}

impl Refusals {
    /// Empty, keeping at most `limit`.
    pub fn new(limit: usize) -> Self {
        Self {
            kept: Mutex::new(VecDeque::with_capacity(limit.min(REFUSAL_LIMIT))),
            limit: limit.max(1),
        }
    }

    /// How many are kept at most.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Remembers `event` at `time` if it is a refused CONNECT.
    pub fn observe(&self, event: &Event, time: i64) {
        let Event::Refused {
            listener,
            peer,
            client_id,
            refusal,
        } = event
        else {
            return;
        };
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() == self.limit {
            kept.pop_back();
        }
        kept.push_front(RefusalRecord {
            time,
            listener,
            peer: *peer,
            client_id: client_id.clone(),
            return_code: refusal.return_code,
            reason_code: refusal.reason_code.code(),
            reason: refusal.reason.to_string(),
        });
    }

    /// The refusals of `client_id` (all when `None`), newest first.
    pub fn recent(&self, client_id: Option<&str>) -> Vec<RefusalRecord> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter()
            .filter(|r| client_id.is_none_or(|c| r.client_id == c))
            .cloned()
            .collect()
    }

    /// A sink that remembers each refusal (timed by `source`) and then
    /// passes every event on to `next`.
    pub fn tap(self: &Arc<Self>, next: LogSink, source: Arc<dyn Source>) -> LogSink {
        let refusals = Arc::clone(self);
        Arc::new(move |event: Event| {
            refusals.observe(&event, source.now());
            next(event);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::Refusal;

    fn refused(client_id: &str, port: u16) -> Event {
        let refusal = Refusal::registry_unavailable(format!("database locked {port}"));
        Event::Refused {
            listener: "mqtt",
            peer: SocketAddr::from(([127, 0, 0, 1], port)),
            client_id: client_id.to_owned(),
            refusal,
        }
    }

    #[test]
    fn newest_first_bounded_and_filtered_by_client_id() {
        let refusals = Refusals::new(3);
        refusals.observe(
            &Event::Listening {
                url: "mqtt://127.0.0.1:1".into(),
            },
            1,
        );
        for (i, id) in ["a", "b", "a", "a"].iter().enumerate() {
            refusals.observe(&refused(id, 1000 + i as u16), i as i64);
        }
        let all = refusals.recent(None);
        assert_eq!(
            all.iter().map(|r| r.peer.port()).collect::<Vec<_>>(),
            [1003, 1002, 1001],
            "the oldest went first; other events are not refusals"
        );
        let a = refusals.recent(Some("a"));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].time, 3);
        assert_eq!((a[0].return_code, a[0].reason_code), (3, 0x88));
        assert_eq!(a[0].reason, "database locked 1003");
        assert!(refusals.recent(Some("c")).is_empty());
    }
}
