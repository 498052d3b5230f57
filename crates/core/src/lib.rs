//! The pure core of IoTDA Kit.
//!
//! Everything here is plain computation over data the caller passes in: no
//! clock, no randomness, no storage, no sockets and no browser API. The web app
//! (`iotda-kit-web`) and the native CLI (`iotda-kit`) are thin shells around
//! it, so the same code computes the same answers in both, and compiles to
//! `wasm32-unknown-unknown` as well as natively.
//!
//! - [`credentials`]: IoTDA ClientId / Username / Password for a device secret.
//! - [`doctor`]: why IoTDA refuses a device, in one sentence with the fix.
//! - [`endpoint`]: broker endpoints and ready-to-paste client settings
//!   (`mosquitto_pub`, MQTTX CLI, MQTT.fx).
//! - [`gzip`]: gzip compression and decompression for `?encoding=gzip`
//!   payloads.
//! - [`iotda`]: the device side of IoTDA: topics, payloads, `event_time`,
//!   product models (JSON and the console's ZIP) and checks against a model.
//! - [`mqtt`]: the MQTT 3.1.1 / 5.0 packet codec (bytes to packets and back)
//!   and the sans-IO client session built on it.
//! - [`pki`]: X.509 onboarding without OpenSSL: keys, CSRs, the device CA,
//!   verification and device certificates, fingerprints, inspection, PKCS#12,
//!   batches.
//! - [`zip`]: an in-memory ZIP writer for handing a batch over as one file.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod credentials;
pub mod doctor;
pub mod endpoint;
pub mod gzip;
mod hex;
pub mod iotda;
pub mod mqtt;
pub mod pki;
pub mod text;
pub mod zip;

pub use credentials::{Credentials, Password, SignType, Timestamp};
pub use endpoint::{Endpoint, Transport};
