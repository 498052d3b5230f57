//! The device side of the local IoTDA against a real mosquitto behind it,
//! exercised with clients nobody here wrote (mosquitto_pub / mosquitto_sub,
//! paho-mqtt) and with raw bytes. One integration binary.

mod lifecycle;
mod secret;
mod supervision;
mod support;
mod websocket;
mod x509;
