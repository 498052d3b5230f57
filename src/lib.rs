//! IoTDA Kit in the browser: a Yew single-page app over `iotda-core`.
//!
//! Only [`web`] touches browser APIs (storage, clock, clipboard, downloads,
//! the worker); [`store`] holds the one typed workspace every page reads and
//! changes, [`hooks`] provide it and the MQTT session to the pages, pages
//! and components render state (`scripts/check_walls.sh` keeps these
//! walls). Certificate work and the device simulator ([`worker`], entered
//! by the worker binaries and [`sim_worker`]) run in Web Workers built as
//! their own wasm, so the page's first load stays small. Nothing here talks
//! to any server but the broker the user chooses and, on the Platform
//! page, the local platform that served it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod messages;
pub mod pages;
pub mod route;
pub mod sim_worker;
pub mod store;
pub mod web;
pub mod worker;
