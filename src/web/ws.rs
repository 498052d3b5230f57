//! MQTT over WebSocket: a browser `WebSocket` with subprotocol `mqtt` and
//! binary (ArrayBuffer) frames, reporting what happens as [`WsEvent`]s.
//!
//! It only moves bytes. MQTT packets may be split across frames or several
//! may share one; the session's decoder reassembles them, so frames are
//! handed on as they come. Two kinds of frame are refused, and the
//! connection closed, before a byte of them enters the page's memory
//! ([`check_frame`]): a text frame, which MQTT forbids [MQTT-6.0.0-1], and
//! a frame over [`MAX_FRAME_BYTES`].

use crate::{msg, msg_str};
use std::fmt;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

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

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TooLarge(len) => f.write_str(&msg!(
                "frame too large: the broker sent a WebSocket frame of {} bytes and the page takes at most {} at a time, so it closed the connection",
                len,
                MAX_FRAME_BYTES
            )),
            Self::Text => f.write_str(msg_str!(
                "the broker sent a text WebSocket frame, which MQTT forbids (MQTT over WebSocket is binary only), so the page closed the connection"
            )),
            Self::Backlog(packets) => f.write_str(&msg!(
                "the broker sends faster than the page can take: one WebSocket frame held more than {} packets, so the page closed the connection",
                packets
            )),
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
    pub fn in_words(&self) -> String {
        let mut words = if !self.was_open && self.code == 1006 {
            msg!(
                "the WebSocket did not open: the host, port or path is wrong, the broker is down \
             or has no WebSocket listener there, or the browser does not trust its TLS \
             certificate (open https://host:port in a tab to check)"
            )
            .to_owned()
        } else {
            msg!("{} (code {})", close_code_in_words(self.code), self.code)
        };
        if !self.reason.is_empty() {
            words.push_str(": ");
            words.push_str(&self.reason);
        }
        words
    }
}

impl fmt::Display for CloseInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_words())
    }
}

/// The meaning of a WebSocket close code (RFC 6455 section 7.4).
pub fn close_code_in_words(code: u16) -> &'static str {
    match code {
        1000 => msg_str!("closed normally"),
        1001 => msg_str!("the broker is going away (restart or shutdown)"),
        1002 => msg_str!("the broker saw a WebSocket protocol error"),
        1003 => msg_str!("the broker does not accept this kind of data"),
        1005 => msg_str!("closed without a code"),
        1006 => msg_str!(
            "the connection was cut without a close frame (network, broker or TLS failure)"
        ),
        1007 => msg_str!("the broker received data it could not read"),
        1008 => msg_str!("the broker's policy refused the connection"),
        1009 => msg_str!("a message was too big for the broker"),
        1010 => msg_str!("the broker lacks an extension the client needs"),
        1011 => msg_str!("the broker hit an internal error"),
        1012 => msg_str!("the broker is restarting"),
        1013 => msg_str!("the broker is overloaded; try again later"),
        1015 => msg_str!("the TLS handshake failed"),
        3000..=3999 => msg_str!("closed by the broker's library or framework"),
        4000..=4999 => msg_str!("closed by the broker's application"),
        _ => msg_str!("closed with an unknown code"),
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
    pub fn open(url: &str, on_event: Rc<dyn Fn(WsEvent)>) -> Result<Self, String> {
        let socket = WebSocket::new_with_str(url, SUBPROTOCOL).map_err(|e| {
            let detail = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default();
            msg!("cannot open a WebSocket to {url}: {detail}")
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
    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.socket
            .send_with_u8_array(bytes)
            .map_err(|_| msg!("the WebSocket is not open"))
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
        let too_large = Refusal::TooLarge(10_485_760).to_string();
        assert!(too_large.starts_with("frame too large: "), "{too_large}");
        assert!(too_large.contains("10485760 bytes"), "{too_large}");
        assert!(Refusal::Text.to_string().contains("text WebSocket frame"));
        assert!(Refusal::Backlog(10_000)
            .to_string()
            .starts_with("the broker sends faster than the page can take"));
        assert_eq!(Refusal::TooLarge(1).close_code(), 1009);
        assert_eq!(Refusal::Backlog(1).close_code(), 1009);
        assert_eq!(Refusal::Text.close_code(), 1003);
    }
}
