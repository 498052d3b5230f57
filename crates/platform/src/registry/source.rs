//! Where the registry's time and randomness come from: the caller picks.
//!
//! The platform uses [`SystemSource`] (the OS clock and CSPRNG); tests pass a
//! fixed clock and a seeded sequence so ids, codes and times are known.

use std::time::{SystemTime, UNIX_EPOCH};

use iotda_core::iotda::EventTime;

/// A clock and a source of random bytes.
pub trait Source: Send + Sync {
    /// Now, Unix seconds.
    fn now(&self) -> i64;
    /// Fills `buf` with unpredictable bytes; `false` if none could be had.
    fn fill(&self, buf: &mut [u8]) -> bool;
}

/// The operating system's clock and randomness.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemSource;

impl Source for SystemSource {
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    fn fill(&self, buf: &mut [u8]) -> bool {
        getrandom::fill(buf).is_ok()
    }
}

/// Formats Unix seconds as IoTDA writes times: `yyyyMMdd'T'HHmmss'Z'` (UTC),
/// by the core's [`EventTime`]; outside its years 0000-9999, the epoch.
pub fn iotda_time(secs: i64) -> String {
    EventTime::from_unix_seconds(secs)
        .or_else(|_| EventTime::from_unix_seconds(0))
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_iotda_writes_them() {
        assert_eq!(iotda_time(0), "19700101T000000Z");
        // 2015-12-12T12:12:12Z, the example of Huawei's API reference.
        assert_eq!(iotda_time(1_449_922_332), "20151212T121212Z");
        assert_eq!(iotda_time(951_782_400), "20000229T000000Z");
    }
}
