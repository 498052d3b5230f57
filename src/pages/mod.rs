//! One module per route.

pub mod connect;
