//! The device side of the local IoTDA against a real mosquitto behind it,
//! exercised with clients nobody here wrote (mosquitto_pub / mosquitto_sub,
//! paho-mqtt) and with raw bytes. One integration binary.

#[path = "platform/support.rs"]
mod support;

#[path = "platform/secret.rs"]
mod secret;

#[path = "platform/x509.rs"]
mod x509;

#[path = "platform/websocket.rs"]
mod websocket;

#[path = "platform/supervision.rs"]
mod supervision;

#[path = "platform/lifecycle.rs"]
mod lifecycle;
