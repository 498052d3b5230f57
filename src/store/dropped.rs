//! Why the Console's connection was refused or keeps being dropped, beyond
//! the bare code: the refusal the doctor is asked about
//! ([`crate::worker::sim::doctor`]), and the takeover loop. IoTDA (and any MQTT
//! broker) keeps one connection per ClientId: when a second client
//! connects with the same id, the first is closed, reconnects and closes
//! the second in turn. Seen from one of them, each connection is accepted
//! (CONNACK 0) and closed right after, again and again; an MQTT 3.1.1
//! broker says nothing more (MQTT 5 sends DISCONNECT "session taken over",
//! which the session already treats as final).
//!
//! Pure: the times are the caller's (milliseconds of the page's clock).

use iotda_core::mqtt::session::ConnectRefusal;
use iotda_core::text::Message;

/// A drop this soon after CONNACK counts towards the takeover loop.
pub const SOON_MS: u64 = 5_000;

/// This many such drops in a row are the takeover loop.
pub const DROPS: u32 = 3;

/// Counts the connections dropped soon after CONNACK, in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TakeoverWatch {
    /// When the current connection was accepted.
    connected_at: Option<u64>,
    /// Drops soon after CONNACK, in a row.
    drops: u32,
}

impl TakeoverWatch {
    /// The broker accepted a connection at `at`.
    pub fn connected(&mut self, at: u64) {
        self.connected_at = Some(at);
    }

    /// The connection was lost at `at`; `true` when this drop makes the
    /// loop (it is said once: the count starts again).
    pub fn lost(&mut self, at: u64) -> bool {
        match self.connected_at.take() {
            Some(since) if at.saturating_sub(since) <= SOON_MS => self.drops += 1,
            // A connection that lived, or a loss before any CONNACK (the
            // broker down), is no takeover.
            _ => self.drops = 0,
        }
        if self.drops >= DROPS {
            self.drops = 0;
            return true;
        }
        false
    }

    /// The user connected or disconnected: start again.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// The takeover loop in words, for the ClientId `client_id`.
pub fn takeover(client_id: &str) -> Message {
    Message::new(crate::messages::keys::dropped::TAKEOVER)
        .with("count", DROPS)
        .with("client_id", client_id)
}

/// A refusal of the broker, numbered so the page asks the doctor about
/// each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Counts the refusals of the page's life.
    pub seq: u32,
    /// The refusal.
    pub refusal: ConnectRefusal,
}

impl Refused {
    /// The refusal's code as the Doctor card's choice writes it (`v3:5`,
    /// `v5:135`; see [`crate::worker::sim::doctor::code_of`]).
    pub fn code_choice(&self) -> String {
        let version = if self.refusal.version.is_v5() {
            "v5"
        } else {
            "v3"
        };
        format!("{version}:{}", self.refusal.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_right_after_connack_in_a_row_are_the_takeover_loop() {
        let mut w = TakeoverWatch::default();
        for round in 0..DROPS - 1 {
            let t = u64::from(round) * 3_000;
            w.connected(t);
            assert!(!w.lost(t + 1_200));
        }
        w.connected(20_000);
        assert!(w.lost(21_000));
        // Said once; the count starts again.
        w.connected(22_000);
        assert!(!w.lost(22_500));
    }

    #[test]
    fn a_connection_that_lived_or_never_was_accepted_breaks_the_count() {
        let mut w = TakeoverWatch::default();
        w.connected(0);
        assert!(!w.lost(1_000));
        w.connected(2_000);
        assert!(!w.lost(2_000 + SOON_MS + 1));
        w.connected(60_000);
        assert!(!w.lost(61_000));
        // A loss with no CONNACK before it (the broker is down).
        assert!(!w.lost(62_000));
        w.connected(63_000);
        assert!(!w.lost(63_100));
        w.reset();
        w.connected(64_000);
        assert!(!w.lost(64_100));
    }

    #[test]
    fn the_sentence_names_the_client_id_and_the_fix() {
        let s = takeover("dev_0_0_2026120716").to_string();
        assert!(
            s.starts_with("another client is using this device id"),
            "{s}"
        );
        assert!(
            s.contains("dev_0_0_2026120716") && s.contains("3 times"),
            "{s}"
        );
    }
}
