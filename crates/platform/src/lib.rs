//! The local IoTDA: a service on the developer's machine that behaves toward
//! devices (and, through its management API, toward applications) as Huawei
//! Cloud IoTDA does, so that the whole onboarding can be done and tested
//! offline.
//!
//! Layers, from the devices inward:
//! - the access layer terminates device connections, authenticates and
//!   authorises them the IoTDA way and carries each session to a real MQTT
//!   broker behind it (it never implements a broker);
//! - the [`directory`] is what the access layer asks of the registry: devices,
//!   their credentials and the verified device CAs;
//! - the [`registry`] keeps products, device CAs and devices in SQLite,
//!   and each device's histories, reports and shadow;
//! - the [`hub`] is the application side: it hears devices and talks to
//!   them through its own broker session (messages, commands, property
//!   reports, sets and gets, the shadow) and streams what happens;
//! - the management [`api`] speaks IoTDA's v5 paths, fields and errors,
//!   checking requests signed the way Huawei's cloud SDKs sign them
//!   ([`signer`]);
//! - the [`http_server`] serves it and the built app ([`app_files`]) from
//!   one loopback origin, so the page can call the API;
//! - [`platform`] opens the data folder and starts the whole.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod api;
pub mod app_files;
pub mod broker;
pub mod client;
pub mod decide;
pub mod directory;
pub mod http_server;
pub mod hub;
pub mod log;
pub mod platform;
pub mod refusals;
pub mod registry;
pub mod signer;
pub mod tls;
