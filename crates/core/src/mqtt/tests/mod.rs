//! Tests across the whole codec: every vector against truncation and
//! coalescing, every first byte, a table of malformed input, property tests
//! and the differential test against the `mqttbytes` crate.

mod differential;
mod framing;
mod malformed;
mod proptests;
pub(crate) mod strategies;
