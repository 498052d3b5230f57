//! Time as the session sees it: a point on the caller's clock, in
//! milliseconds. The session never reads a clock; every input carries `now`.

use std::fmt;
use std::ops::Add;
use std::time::Duration;

/// A point in time on the caller's monotonic clock, in milliseconds since an
/// origin the caller picks (page load, process start, test start).
///
/// Only differences matter. Arithmetic saturates, so a hostile or confused
/// caller (a clock that jumps back, a huge keep alive) cannot make the
/// session panic; time that goes backwards simply makes nothing due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The instant `ms` milliseconds after the caller's origin.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the caller's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// `self + d`, or the largest instant if that overflows.
    pub fn saturating_add(self, d: Duration) -> Self {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Self(self.0.saturating_add(ms))
    }

    /// How long after `earlier` this is; zero if it is not later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// Saturating, like [`Instant::saturating_add`].
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let t = Instant::from_millis(1_000);
        assert_eq!(t + Duration::from_millis(500), Instant::from_millis(1_500));
        assert_eq!(
            Instant::from_millis(u64::MAX - 1) + Duration::from_secs(10),
            Instant::from_millis(u64::MAX)
        );
        assert_eq!(t + Duration::MAX, Instant::from_millis(u64::MAX));
        assert_eq!(
            t.saturating_duration_since(Instant::from_millis(400)),
            Duration::from_millis(600)
        );
        assert_eq!(
            Instant::from_millis(400).saturating_duration_since(t),
            Duration::ZERO
        );
        assert_eq!(t.to_string(), "1000 ms");
    }
}
