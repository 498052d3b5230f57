//! One module per route.

pub mod certificates;
pub mod connect;
pub mod console;
pub mod guide;
pub mod model;
pub mod platform;
pub mod profiles;
