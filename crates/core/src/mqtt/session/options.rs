//! What a [`Session`](super::Session) is configured with: who connects and
//! how (client id, credentials, version, keep alive, will), the limits it
//! enforces, and how it reconnects.

use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::super::{ProtocolVersion, Will};
use super::Error;
use crate::credentials::Credentials;

/// The MQTT password: binary data, kept out of logs.
///
/// `Debug` prints `[elided]`, so anything that holds one ([`Options`], the
/// session) can be logged safely. Its bytes are overwritten with zeros when
/// it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for Secret {}

impl Secret {
    /// Wraps the password bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The password bytes, for the CONNECT packet.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self::new(s.into_bytes())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(b: Vec<u8>) -> Self {
        Self::new(b)
    }
}

/// Reconnection delays: exponential backoff with jitter.
///
/// The `n`-th consecutive attempt (from 0) waits `min × factor^n`, capped at
/// `max`, then shortened by up to `jitter` of itself using the caller's
/// randomness: a delay `d` becomes a value in `[d × (1 − jitter), d]`, so
/// clients that lost the same broker do not all come back at once. The count
/// starts again after a successful CONNACK.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    factor: f64,
    jitter: f64,
}

impl Backoff {
    /// Checks and makes a backoff: `min <= max`, `factor` at least 1 and
    /// finite, `jitter` between 0 and 1.
    pub fn new(min: Duration, max: Duration, factor: f64, jitter: f64) -> Result<Self, Error> {
        let backoff = Self {
            min,
            max,
            factor,
            jitter,
        };
        let valid =
            min <= max && factor.is_finite() && factor >= 1.0 && (0.0..=1.0).contains(&jitter);
        if valid {
            Ok(backoff)
        } else {
            Err(Error::InvalidBackoff(backoff))
        }
    }

    /// The first delay.
    pub fn min(&self) -> Duration {
        self.min
    }

    /// The longest delay.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// How much each delay grows over the previous one.
    pub fn factor(&self) -> f64 {
        self.factor
    }

    /// The largest fraction the jitter takes off a delay.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The delay before attempt `attempt` (0 for the first after a loss),
    /// with `random` (any `u32`, uniformly distributed) choosing the jitter.
    pub fn delay(&self, attempt: u32, random: u32) -> Duration {
        let min = self.min.as_secs_f64();
        let max = self.max.as_secs_f64();
        let exponent = i32::try_from(attempt).unwrap_or(i32::MAX);
        let base = (min * self.factor.powi(exponent)).min(max);
        let unit = f64::from(random) / f64::from(u32::MAX);
        let jittered = base * (1.0 - self.jitter * unit);
        // `jittered` is finite and within [0, max] here, which try_from
        // accepts; the fallback only guards the conversion's contract.
        Duration::try_from_secs_f64(jittered).unwrap_or(self.max)
    }
}

impl Default for Backoff {
    /// 1 s, doubling up to 2 minutes, up to half of each delay taken off.
    fn default() -> Self {
        Self {
            min: Duration::from_secs(1),
            max: Duration::from_secs(120),
            factor: 2.0,
            jitter: 0.5,
        }
    }
}

/// How much the session holds for later while it cannot send: publishes,
/// subscribes and unsubscribes requested while disconnected (or beyond the
/// server's Receive Maximum). A request that would go over either limit is
/// refused with [`Error::QueueFull`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// The most requests held.
    pub messages: usize,
    /// The most bytes held (topics and payloads).
    pub bytes: usize,
}

impl Default for QueueLimits {
    /// 1000 requests, 4 MiB.
    fn default() -> Self {
        Self {
            messages: 1000,
            bytes: 4 * 1024 * 1024,
        }
    }
}

/// Everything a session needs to know before it connects.
///
/// Fields are public; [`Options::new`] and [`Options::iotda`] fill in the
/// defaults. [`Session::new`](super::Session::new) checks the whole set.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// MQTT 3.1, 3.1.1 or 5.0. MQTT 3.1 needs a client id, and as its
    /// CONNACK cannot say whether the server kept a session, one resumed
    /// with `clean_start` off both resends what is unacknowledged and
    /// renews the subscriptions.
    pub version: ProtocolVersion,
    /// The client identifier; empty asks the server to assign one (MQTT 5,
    /// or 3.1.1 with a clean session).
    pub client_id: String,
    /// The user name.
    pub username: Option<String>,
    /// The password (MQTT 3.1.1 requires a user name with it).
    pub password: Option<Secret>,
    /// Keep alive in seconds; 0 turns keep-alive pings off.
    pub keep_alive: u16,
    /// Clean Session (3.1.1) / Clean Start (5.0), sent on every connection:
    /// `true` starts afresh each time; `false` resumes the server's session,
    /// so unacknowledged messages are sent again and subscriptions survive.
    pub clean_start: bool,
    /// The will message the server publishes if the connection is lost.
    pub will: Option<Will>,
    /// The largest packet accepted from the server, fixed header included.
    /// Larger packets close the connection; in MQTT 5 it is also sent to the
    /// server as Maximum Packet Size. It bounds the receive buffer: the
    /// session holds at most one incomplete packet.
    pub max_packet_size: NonZeroU32,
    /// MQTT 5 Session Expiry Interval in seconds: how long the server keeps
    /// the session after the connection closes (`None` = 0, the session ends
    /// with the connection). Refused for MQTT 3.1.1.
    pub session_expiry: Option<u32>,
    /// How long to wait for the transport to open and for CONNACK.
    pub connect_timeout: Duration,
    /// Reconnect after an unexpected loss, or `None` to stay disconnected.
    pub reconnect: Option<Backoff>,
    /// The limits of the queue of requests waiting to be sent.
    pub queue: QueueLimits,
    /// Huawei Cloud IoTDA mode: warn (as events) about settings the platform
    /// refuses or ignores, and explain CONNACK codes in the platform's terms.
    pub iotda: bool,
}

impl Options {
    /// The default largest packet accepted: 2 MiB, room for IoTDA's largest
    /// message (1 MB) and its topic.
    pub const DEFAULT_MAX_PACKET_SIZE: NonZeroU32 = match NonZeroU32::new(2 * 1024 * 1024) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    };

    /// MQTT 3.1.1, this client id, no credentials, keep alive 120 s, clean
    /// session, no will, 2 MiB packets, 30 s connect timeout, the default
    /// backoff and queue, IoTDA mode off.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            version: ProtocolVersion::V3_1_1,
            client_id: client_id.into(),
            username: None,
            password: None,
            keep_alive: 120,
            clean_start: true,
            will: None,
            max_packet_size: Self::DEFAULT_MAX_PACKET_SIZE,
            session_expiry: None,
            connect_timeout: Duration::from_secs(30),
            reconnect: Some(Backoff::default()),
            queue: QueueLimits::default(),
            iotda: false,
        }
    }

    /// The options for an IoTDA device: its ClientId, user name and
    /// password, IoTDA mode on, and otherwise [`Options::new`]'s defaults
    /// (keep alive 120 s, which the platform advises).
    pub fn iotda(credentials: &Credentials) -> Self {
        Self {
            username: Some(credentials.username.clone()),
            password: Some(Secret::from(credentials.password.expose())),
            iotda: true,
            ..Self::new(credentials.client_id.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_elides_the_password() {
        let mut options = Options::new("dev");
        options.username = Some("user".into());
        options.password = Some(Secret::from("hunter2"));
        let debug = format!("{options:?}");
        assert!(debug.contains("password: Some([elided])"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert_eq!(format!("{:?}", Secret::from(vec![1, 2])), "[elided]");
    }

    #[test]
    fn iotda_options_carry_the_device_credentials() {
        use crate::credentials::{SignType, Timestamp};
        let credentials = Credentials::compute(
            "prod_node1",
            "12345678",
            SignType::NoTimestampCheck,
            Timestamp::parse("2025041401").unwrap(),
        )
        .unwrap();
        let options = Options::iotda(&credentials);
        assert!(options.iotda);
        assert_eq!(options.client_id, "prod_node1_0_0_2025041401");
        assert_eq!(options.username.as_deref(), Some("prod_node1"));
        assert_eq!(
            options.password.as_ref().map(Secret::expose),
            Some(&b"c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"[..])
        );
    }

    #[test]
    fn backoff_grows_by_its_factor_up_to_its_max() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(10), 2.0, 0.0).unwrap();
        let delays: Vec<u64> = (0..6).map(|n| b.delay(n, 12_345).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(b.delay(u32::MAX, 0), Duration::from_secs(10));
    }

    #[test]
    fn jitter_takes_at_most_its_fraction_off() {
        let b = Backoff::new(Duration::from_secs(8), Duration::from_secs(8), 1.0, 0.5).unwrap();
        assert_eq!(b.delay(0, 0), Duration::from_secs(8));
        assert_eq!(b.delay(0, u32::MAX), Duration::from_secs(4));
        let mid = b.delay(0, u32::MAX / 2);
        assert!(
            mid > Duration::from_secs(5) && mid < Duration::from_secs(7),
            "{mid:?}"
        );
    }

    #[test]
    fn invalid_backoffs_are_refused() {
        let s = Duration::from_secs;
        for (min, max, factor, jitter) in [
            (s(2), s(1), 2.0, 0.0),
            (s(1), s(2), 0.5, 0.0),
            (s(1), s(2), f64::NAN, 0.0),
            (s(1), s(2), f64::INFINITY, 0.0),
            (s(1), s(2), 2.0, 1.5),
            (s(1), s(2), 2.0, -0.1),
        ] {
            assert!(matches!(
                Backoff::new(min, max, factor, jitter),
                Err(Error::InvalidBackoff(_))
            ));
        }
    }
}
