//! The browser's clock, read here and passed into the pure code, and the
//! page's own performance marks.

use iotda_core::Timestamp;

/// The current UTC hour, or `None` if the clock is outside 1970-9999.
pub fn now_hour() -> Option<Timestamp> {
    Timestamp::from_unix_seconds(now_seconds()).ok()
}

/// Whole seconds since the Unix epoch.
pub fn now_seconds() -> i64 {
    // Date.now() is milliseconds since the epoch as an f64; whole seconds fit.
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// Wall-clock milliseconds since the Unix epoch.
pub fn wall_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The performance mark set when the Connection page is first on screen
/// and answers input: what the bench times a cold start to.
pub const INTERACTIVE_MARK: &str = "iotda-kit-interactive";

/// Sets the performance mark `name` (nothing if the browser has no
/// Performance API).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
