//! `GET /kit/events`: the kit's own live stream of platform events, as
//! Server-Sent Events (no IoTDA API does this; the page listens to it).
//!
//! ```text
//! event: status
//! data: {"type":"status","device_id":"p_n","status":"ONLINE","reason":"CONNECTED",...}
//!
//! event: message
//! data: {"type":"message","device_id":"p_n","direction":"UP",...}
//! ```
//!
//! One event per status change, message (up, down, pending, delivered) and
//! command answer or timeout; the `data` is [`PlatformEvent`] as JSON, its
//! `type` the same as the `event` name. A listener too slow to keep up gets
//! an `event: lagged` with `{"missed": n}` and goes on. A comment line is
//! sent every 15 s to keep proxies from closing the stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use super::ApiState;
use crate::hub::PlatformEvent;

pub(super) async fn stream(
    State(state): State<ApiState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.hub.subscribe();
    let events = stream::unfold(receiver, |mut receiver| async move {
        let event = match receiver.recv().await {
            Ok(e) => sse_event(&e),
            Err(RecvError::Lagged(missed)) => Event::default()
                .event("lagged")
                .data(format!("{{\"missed\":{missed}}}")),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), receiver))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn sse_event(e: &PlatformEvent) -> Event {
    Event::default()
        .event(e.kind())
        .data(serde_json::to_string(e).unwrap_or_default())
}
