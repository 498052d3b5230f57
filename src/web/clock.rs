//! The browser's clock, read here and passed into the pure code.

use iotda_core::Timestamp;

/// The current UTC hour, or `None` if the clock is outside 1970-9999.
pub fn now_hour() -> Option<Timestamp> {
    // Date.now() is milliseconds since the epoch as an f64; whole seconds fit.
    let seconds = (js_sys::Date::now() / 1000.0).floor() as i64;
    Timestamp::from_unix_seconds(seconds).ok()
}
