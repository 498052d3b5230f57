//! IoTDA Kit in the browser: a Yew single-page app over `iotda-core`.
//!
//! Only [`web`] touches browser APIs (storage, clock, clipboard); pages and
//! components render state, and [`state`] holds the pure reducers. Nothing
//! here talks to any server but the broker the user chooses.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod components;
pub mod pages;
pub mod state;
pub mod web;
pub mod worker;
