//! The core's sans-IO MQTT session driven in the browser: a WebSocket for
//! the bytes, `performance.now()` for the clock, a worker-driven
//! [`Ticker`] for its timers and `crypto.getRandomValues` for the
//! reconnection jitter.
//!
//! Every input (a request, a WebSocket event, a tick) runs the session's
//! call order (see `iotda_core::mqtt::session`): write what it wants
//! written, open or close the WebSocket when it asks, and collect its
//! events. The events are handed to the caller's function only after the
//! session is released, so that function may call the client again.

use iotda_core::text::{Message as Said, Say as Words};

use super::said::ws as said;
use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use iotda_core::mqtt::session::{
    Event, Instant, Message, Options, RequestId, Session, TransportAction,
};
use iotda_core::mqtt::{Subscription, TopicFilter};

use super::ticker::{TickSource, Ticker};
use super::ws::{Refusal, WsEvent, WsTransport};

/// How often the session's timers are checked, in milliseconds: fine enough
/// for keep-alive pings (seconds) and reconnection delays.
const TICK_MS: u32 = 250;

/// A frame is given to the session this many bytes at a time, and the
/// events of each piece are delivered before the next is read: a frame of
/// many small packets never becomes all its events at once.
const CHUNK_BYTES: usize = 16 * 1024;

/// The most events one WebSocket frame may make; past it the broker sends
/// faster than the page can take, and the connection is closed
/// ([`Refusal::Backlog`]). A broker sends one packet a frame or a few.
pub const MAX_FRAME_EVENTS: usize = 10_000;

/// Cuts a frame into the pieces the session is given, and stops when the
/// events so far pass [`MAX_FRAME_EVENTS`]. Pure, for the tests.
fn feed(bytes: &[u8], mut read: impl FnMut(&[u8]) -> Option<usize>) -> Result<(), Refusal> {
    let mut events = 0usize;
    for chunk in bytes.chunks(CHUNK_BYTES) {
        let Some(made) = read(chunk) else {
            return Ok(());
        };
        events = events.saturating_add(made);
        if events > MAX_FRAME_EVENTS {
            return Err(Refusal::Backlog(MAX_FRAME_EVENTS));
        }
    }
    Ok(())
}

/// An MQTT client over WebSocket. Dropping it closes the connection
/// (without DISCONNECT; call [`MqttClient::disconnect`] first for a clean
/// close).
pub struct MqttClient {
    driver: Rc<RefCell<Driver>>,
}

impl fmt::Debug for MqttClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let driver = self.driver.try_borrow();
        f.debug_struct("MqttClient")
            .field("url", &driver.as_ref().map(|d| d.url.clone()).ok())
            .finish_non_exhaustive()
    }
}

struct Driver {
    session: Session,
    url: String,
    ws: Option<WsTransport>,
    ticker: Option<Ticker>,
    /// Itself, for the WebSocket's callbacks.
    this: Weak<RefCell<Driver>>,
    /// What the client reports to its owner.
    sink: Rc<dyn Fn(Event)>,
    /// The owner's words for a close code and reason, where it knows the
    /// peer's own codes better than RFC 6455 does.
    close_words: Option<CloseWords>,
}

/// Words for a WebSocket close (code, reason), or `None` for the generic
/// ones of [`super::ws::CloseInfo::in_words`].
pub type CloseWords = Rc<dyn Fn(u16, &str) -> Option<Said>>;

/// The page's monotonic clock.
fn now() -> Instant {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now());
    Instant::from_millis(ms.max(0.0) as u64)
}

/// A random seed from `crypto.getRandomValues` (the time if the browser
/// refuses): for the reconnection jitter and the simulated device's values.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        // Jitter only spreads reconnections; the time will do.
        js_sys::Date::now() as u64
    }
}

impl MqttClient {
    /// A client for `url` (`ws://` or `wss://`, path included) with these
    /// session options; `on_event` hears everything the session reports.
    /// It connects on [`MqttClient::connect`].
    pub fn new(
        options: Options,
        url: impl Into<String>,
        on_event: impl Fn(Event) + 'static,
    ) -> Result<Self, Said> {
        let session = Session::new(options, random_seed()).map_err(|e| e.message())?;
        let driver = Rc::new_cyclic(|this| {
            RefCell::new(Driver {
                session,
                url: url.into(),
                ws: None,
                ticker: None,
                this: this.clone(),
                sink: Rc::new(on_event),
                close_words: None,
            })
        });
        let ticker = {
            let driver = Rc::downgrade(&driver);
            Ticker::start(TICK_MS, move || {
                input(&driver, |d, now| {
                    if d.session.poll_timeout().is_some_and(|t| now >= t) {
                        d.session.handle_timeout(now);
                    }
                });
            })
        };
        driver.borrow_mut().ticker = Some(ticker);
        Ok(Self { driver })
    }

    /// Says the peer's close codes with `words` (a code it returns `None`
    /// for keeps the generic words).
    pub fn with_close_words(self, words: CloseWords) -> Self {
        if let Ok(mut d) = self.driver.try_borrow_mut() {
            d.close_words = Some(words);
        }
        self
    }

    /// Connects, and keeps reconnecting after losses until
    /// [`MqttClient::disconnect`].
    pub fn connect(&self) -> Result<(), Said> {
        self.run(|d, now| d.session.connect(now))
    }

    /// Closes the connection cleanly (DISCONNECT) and stops reconnecting.
    pub fn disconnect(&self) -> Result<(), Said> {
        self.run(|d, now| d.session.disconnect(now))
    }

    /// Publishes `message` (queued while disconnected).
    pub fn publish(&self, message: Message) -> Result<RequestId, Said> {
        self.run(|d, now| d.session.publish(now, message))?
            .map_err(|e| e.message())
    }

    /// Subscribes (queued while disconnected).
    pub fn subscribe(&self, subscriptions: Vec<Subscription>) -> Result<RequestId, Said> {
        self.run(|d, now| d.session.subscribe(now, subscriptions))?
            .map_err(|e| e.message())
    }

    /// Unsubscribes (queued while disconnected).
    pub fn unsubscribe(&self, filters: Vec<TopicFilter>) -> Result<RequestId, Said> {
        self.run(|d, now| d.session.unsubscribe(now, filters))?
            .map_err(|e| e.message())
    }

    /// Where the timer ticks come from (a Worker unless the browser refused
    /// one).
    pub fn tick_source(&self) -> Option<TickSource> {
        self.driver
            .try_borrow()
            .ok()
            .and_then(|d| d.ticker.as_ref().map(Ticker::source))
    }

    fn run<T>(&self, f: impl FnOnce(&mut Driver, Instant) -> T) -> Result<T, Said> {
        input(&Rc::downgrade(&self.driver), f).ok_or(Said::new(said::BUSY))
    }
}

/// Gives the driver one input, runs the session's outputs, then hands the
/// events to the sink. `None` if the driver is gone or in the middle of
/// another input (events are delivered after an input, so a sink that calls
/// the client does not meet this).
fn input<T>(
    driver: &Weak<RefCell<Driver>>,
    f: impl FnOnce(&mut Driver, Instant) -> T,
) -> Option<T> {
    input_counted(driver, f).map(|(result, _)| result)
}

/// [`input`], and how many events it delivered.
fn input_counted<T>(
    driver: &Weak<RefCell<Driver>>,
    f: impl FnOnce(&mut Driver, Instant) -> T,
) -> Option<(T, usize)> {
    let driver = driver.upgrade()?;
    let mut guard = driver.try_borrow_mut().ok()?;
    let result = f(&mut guard, now());
    let events = guard.pump();
    let sink = guard.sink.clone();
    drop(guard);
    let count = events.len();
    for event in events {
        sink(event);
    }
    Some((result, count))
}

/// Hands one frame to the session piece by piece (see [`feed`]); a frame
/// that makes too many events closes the connection.
fn receive(driver: &Weak<RefCell<Driver>>, bytes: &[u8]) {
    let fed = feed(bytes, |chunk| {
        input_counted(driver, |d, now| {
            d.session.handle_bytes(now, chunk);
            d.ws.is_some()
        })
        .filter(|(open, _)| *open)
        .map(|(_, events)| events)
    });
    if let Err(refusal) = fed {
        let _ = input(driver, |d, now| d.refuse(now, refusal));
    }
}

impl Driver {
    /// Runs the session's outputs until it has nothing more to say.
    fn pump(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            let mut progressed = false;
            while let Some(bytes) = self.session.poll_transmit() {
                progressed = true;
                let sent = self.ws.as_ref().map(|ws| ws.send(&bytes));
                if let Some(Err(why)) = sent {
                    self.ws = None;
                    self.session.handle_disconnected(now(), why);
                }
            }
            while let Some(action) = self.session.poll_transport() {
                progressed = true;
                match action {
                    TransportAction::Open => self.open(),
                    TransportAction::Close => {
                        if let Some(ws) = &self.ws {
                            ws.close();
                        } else {
                            self.session
                                .handle_disconnected(now(), Said::new(said::CLOSED_BY_CLIENT));
                        }
                    }
                }
            }
            while let Some(event) = self.session.poll_event() {
                progressed = true;
                events.push(event);
            }
            if !progressed {
                return events;
            }
        }
    }

    /// Closes the connection for a refused frame and tells the session
    /// why (it reconnects as after any loss).
    fn refuse(&mut self, now: Instant, refusal: Refusal) {
        if let Some(ws) = self.ws.take() {
            ws.refuse(refusal);
        }
        self.session.handle_disconnected(now, refusal.message());
    }

    fn open(&mut self) {
        self.ws = None;
        let this = self.this.clone();
        let on_event: Rc<dyn Fn(WsEvent)> = Rc::new(move |event| {
            // A WebSocket event never arrives during another input (the
            // browser queues it), so the driver is free here.
            if let WsEvent::Data(bytes) = &event {
                return receive(&this, bytes);
            }
            let _ = input(&this, |d, now| match event {
                WsEvent::Open => d.session.handle_connected(now),
                WsEvent::Data(_) => {}
                WsEvent::Refused(refusal) => d.refuse(now, refusal),
                WsEvent::Closed(info) => {
                    d.ws = None;
                    let words = d
                        .close_words
                        .as_ref()
                        .and_then(|f| f(info.code, &info.reason))
                        .unwrap_or_else(|| info.in_words());
                    d.session.handle_disconnected(now, words);
                }
            });
        });
        match WsTransport::open(&self.url, on_event) {
            Ok(ws) => self.ws = Some(ws),
            Err(why) => self.session.handle_disconnected(now(), why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 17, item 3): a frame is read piece by piece, each
    /// piece's events delivered before the next is read, and a frame that
    /// makes more than [`MAX_FRAME_EVENTS`] events is refused as soon as it
    /// has: of a 10 MB frame of 5-byte PUBLISHes, no more than one piece
    /// past the bound is read.
    #[test]
    fn a_frame_is_read_in_pieces_and_refused_past_the_event_bound() {
        let publish = [0x30, 0x03, 0x00, 0x01, b't'];
        let frame: Vec<u8> = publish
            .iter()
            .copied()
            .cycle()
            .take(10 * 1024 * 1024)
            .collect();
        let mut pieces = Vec::new();
        let fed = feed(&frame, |chunk| {
            pieces.push(chunk.len());
            Some(chunk.len() / publish.len())
        });
        assert_eq!(fed, Err(Refusal::Backlog(MAX_FRAME_EVENTS)));
        assert!(pieces.iter().all(|&n| n <= CHUNK_BYTES));
        let read: usize = pieces.iter().sum();
        assert!(
            read <= (MAX_FRAME_EVENTS + 1) * publish.len() + CHUNK_BYTES,
            "{read} bytes read"
        );

        // A frame of a few packets is read whole; one whose connection
        // closes while it is read stops there.
        let mut read = 0;
        assert_eq!(
            feed(&frame[..100_000], |c| {
                read += c.len();
                Some(1)
            }),
            Ok(())
        );
        assert_eq!(read, 100_000);
        let mut calls = 0;
        assert_eq!(
            feed(&frame, |_| {
                calls += 1;
                None
            }),
            Ok(())
        );
        assert_eq!(calls, 1);
    }
}
