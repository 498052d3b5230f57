//! Tests across the whole codec: every vector against truncation and
//! coalescing, every first byte, a table of malformed input and property
//! tests.

mod framing;
mod malformed;
mod proptests;
pub(crate) mod strategies;
