//! Tests across the whole codec: every vector against truncation and
//! coalescing, every first byte, and a table of malformed input.

mod framing;
mod malformed;
