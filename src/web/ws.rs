//! MQTT over WebSocket: a browser `WebSocket` with subprotocol `mqtt` and
//! binary (ArrayBuffer) frames, reporting what happens as [`WsEvent`]s.
//!
//! It only moves bytes. MQTT packets may be split across frames or several
//! may share one; the session's decoder reassembles them, so frames are
//! handed on as they come. Two kinds of frame are refused, and the
//! connection closed, before a byte of them enters the page's memory
//! ([`check_frame`]): a text frame, which MQTT forbids [MQTT-6.0.0-1], and
//! a frame over [`MAX_FRAME_BYTES`].

use std::fmt;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use iotda_core::text::{Key, Message, Say as Words};

use super::said::ws as said;

/// The WebSocket subprotocol MQTT brokers expect [MQTT-6.0.0-3].
pub const SUBPROTOCOL: &str = "mqtt";

/// The largest WebSocket frame the page takes: twice the session's
/// largest packet (2 MiB, room for IoTDA's 1 MB messages), so a frame of a
/// few whole packets passes and one that would fill the page's memory
/// (a 10 MB frame of tiny PUBLISHes is a million events) does not.
pub const MAX_FRAME_BYTES: u32 = 4 * 1024 * 1024;

/// A frame the page refuses, closing the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A binary frame of this many bytes, over [`MAX_FRAME_BYTES`].
    TooLarge(u32),
    /// A text frame: MQTT over WebSocket is binary only [MQTT-6.0.0-1].
    Text,
    /// One frame held more packets than the page takes from one frame
    /// (see `super::mqtt`): the broker sends faster than the page can
    /// take.
    Backlog(usize),
}

impl Refusal {
    /// The WebSocket close code sent with it (RFC 6455 §7.4.1).
    pub fn close_code(self) -> u16 {
        match self {
            Self::TooLarge(_) | Self::Backlog(_) => 1009,
            Self::Text => 1003,
        }
    }
}

impl Words for Refusal {
    fn message(&self) -> Message {
        match *self {
            Self::TooLarge(len) => Message::new(said::TOO_LARGE)
                .with("len", len)
                .with("max", MAX_FRAME_BYTES),
            Self::Text => Message::new(said::TEXT_FRAME),
            Self::Backlog(packets) => Message::new(said::BACKLOG).with("packets", packets),
        }
    }
}

/// Whether to take a frame: the length of a binary one (read before any
/// byte of it is copied), `None` for a text one.
pub fn check_frame(binary_len: Option<u32>) -> Result<(), Refusal> {
    match binary_len {
        None => Err(Refusal::Text),
        Some(len) if len > MAX_FRAME_BYTES => Err(Refusal::TooLarge(len)),
        Some(_) => Ok(()),
    }
}

/// What a [`WsTransport`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsEvent {
    /// The WebSocket handshake succeeded.
    Open,
    /// One binary frame's bytes.
    Data(Vec<u8>),
    /// A frame was refused (its bytes were not read): the connection
    /// is being closed, and no [`WsEvent::Closed`] follows.
    Refused(Refusal),
    /// The connection closed, or never opened.
    Closed(CloseInfo),
}

/// How a WebSocket closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseInfo {
    /// The close code (1006 when the connection failed or was cut).
    pub code: u16,
    /// The reason the other side gave, if any.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
    /// Whether the handshake had succeeded before.
    pub was_open: bool,
}

impl CloseInfo {
    /// The close in words, for the status line and the log.
    pub fn in_words(&self) -> Message {
        let words = if !self.was_open && self.code == 1006 {
            Message::new(said::DID_NOT_OPEN)
        } else {
            Message::new(said::CLOSE_CODE)
                .with_message("meaning", Message::new(close_code_in_words(self.code)))
                .with("code", self.code)
        };
        if self.reason.is_empty() {
            words
        } else {
            Message::new(said::WITH_REASON)
                .with_message("close", words)
                .with("reason", &self.reason)
        }
    }
}

/// The meaning of a WebSocket close code (RFC 6455 section 7.4).
pub fn close_code_in_words(code: u16) -> Key {
    match code {
        1000 => said::CODE_1000,
        1001 => said::CODE_1001,
        1002 => said::CODE_1002,
        1003 => said::CODE_1003,
        1005 => said::CODE_1005,
        1006 => said::CODE_1006,
        1007 => said::CODE_1007,
        1008 => said::CODE_1008,
        1009 => said::CODE_1009,
        1010 => said::CODE_1010,
        1011 => said::CODE_1011,
        1012 => said::CODE_1012,
        1013 => said::CODE_1013,
        1015 => said::CODE_1015,
        3000..=3999 => said::CODE_LIBRARY,
        4000..=4999 => said::CODE_APPLICATION,
        _ => said::CODE_UNKNOWN,
    }
}

/// An open (or opening) WebSocket. Dropping it closes the socket and stops
/// its events.
pub struct WsTransport {
    socket: WebSocket,
    // Kept alive as long as the socket; detached in Drop.
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl fmt::Debug for WsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsTransport")
            .field("url", &self.socket.url())
            .finish_non_exhaustive()
    }
}

impl WsTransport {
    /// Starts opening `url` (`ws://` or `wss://`) with subprotocol `mqtt`;
    /// `on_event` hears the outcome and everything after. An unusable URL
    /// is an error here, not an event.
    pub fn open(url: &str, on_event: Rc<dyn Fn(WsEvent)>) -> Result<Self, Message> {
        let socket = WebSocket::new_with_str(url, SUBPROTOCOL).map_err(|e| {
            let detail = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            Message::new(said::CANNOT_OPEN)
                .with("url", url)
                .with("detail", detail)
        })?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let opened = Rc::new(std::cell::Cell::new(false));

        let on_open = {
            let on_event = on_event.clone();
            let opened = opened.clone();
            Closure::<dyn FnMut()>::new(move || {
                opened.set(true);
                on_event(WsEvent::Open);
            })
        };
        let on_message = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let buffer = data.dyn_ref::<js_sys::ArrayBuffer>();
                let frame = check_frame(buffer.map(js_sys::ArrayBuffer::byte_length));
                on_event(match (frame, buffer) {
                    (Ok(()), Some(buffer)) => {
                        WsEvent::Data(js_sys::Uint8Array::new(buffer).to_vec())
                    }
                    (Err(refusal), _) => WsEvent::Refused(refusal),
                    (Ok(()), None) => WsEvent::Refused(Refusal::Text),
                });
            })
        };
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_event(WsEvent::Closed(CloseInfo {
                code: event.code(),
                reason: event.reason(),
                was_clean: event.was_clean(),
                was_open: opened.get(),
            }));
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends `bytes` as one binary frame.
    pub fn send(&self, bytes: &[u8]) -> Result<(), Message> {
        self.socket
            .send_with_u8_array(bytes)
            .map_err(|_| Message::new(said::NOT_OPEN))
    }

    /// Starts the closing handshake; [`WsEvent::Closed`] follows.
    pub fn close(&self) {
        let _ = self.socket.close_with_code(1000);
    }

    /// Closes the connection for a refused frame, with its close code
    /// (dropping the transport then hears no more of it).
    pub fn refuse(&self, refusal: Refusal) {
        let _ = self.socket.close_with_code(refusal.close_code());
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close_with_code(1000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 17, items 3 and 9): a text frame and a frame over
    /// the bound are refused from their kind and length, each with its
    /// sentence and close code.
    #[test]
    fn text_frames_and_frames_over_the_bound_are_refused() {
        assert_eq!(check_frame(Some(0)), Ok(()));
        assert_eq!(check_frame(Some(MAX_FRAME_BYTES)), Ok(()));
        assert_eq!(
            check_frame(Some(MAX_FRAME_BYTES + 1)),
            Err(Refusal::TooLarge(MAX_FRAME_BYTES + 1))
        );
        assert_eq!(
            check_frame(Some(10 * 1024 * 1024)),
            Err(Refusal::TooLarge(10 * 1024 * 1024))
        );
        assert_eq!(check_frame(None), Err(Refusal::Text));
        let too_large = Refusal::TooLarge(10_485_760).message().to_string();
        assert!(too_large.starts_with("frame too large: "), "{too_large}");
        assert!(too_large.contains("10485760 bytes"), "{too_large}");
        assert!(Refusal::Text
            .message()
            .to_string()
            .contains("text WebSocket frame"));
        assert!(Refusal::Backlog(10_000)
            .message()
            .to_string()
            .starts_with("the broker sends faster than the page can take"));
        assert_eq!(Refusal::TooLarge(1).close_code(), 1009);
        assert_eq!(Refusal::Backlog(1).close_code(), 1009);
        assert_eq!(Refusal::Text.close_code(), 1003);
    }
}
