//! The platform's API against a running server over real HTTP, with its
//! registry in SQLite files under temporary folders.
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod certificates;
mod device_side;
mod devices;
mod products;
mod sdk;
mod signing;
mod system_services;

use std::path::Path;

use iotda_platform::client::{Client, Reply};
use iotda_platform::platform::{self, Config, Credentials, Running};
use serde_json::{json, Value};
use tokio::runtime::Runtime;

/// A platform started in this process on a free port, stopped on drop.
pub struct Server {
    runtime: Runtime,
    running: Option<Running>,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts on `data` (created if missing), the API only.
    pub fn start(data: &Path, no_auth: bool) -> Self {
        Self::start_with(data, |c| {
            c.no_auth = no_auth;
            c.access = None;
        })
    }

    /// Starts on `data` with the configuration changed by `change` (by
    /// default: signed requests only, device access on free ports with a
    /// supervised mosquitto).
    pub fn start_with(data: &Path, change: impl FnOnce(&mut Config)) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut config = Config::new(data.to_path_buf(), 0);
        if let Some(access) = config.access.as_mut() {
            access.mqtt_port = Some(0);
            access.mqtts_port = None;
            access.ws_port = None;
            access.wss_port = None;
        }
        change(&mut config);
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        let running = runtime
            .block_on(platform::start(
                config,
                std::sync::Arc::new(move |e| sink.lock().unwrap().push(e.to_string())),
            ))
            .unwrap();
        Self {
            runtime,
            running: Some(running),
            log,
        }
    }

    /// The log's lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The started platform.
    pub fn running(&self) -> &Running {
        self.running.as_ref().unwrap()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.running().api_addr)
    }

    /// The printed AK/SK and project id.
    pub fn credentials(&self) -> Credentials {
        self.running().credentials.clone()
    }

    /// A client signing with the platform's keys.
    pub fn client(&self) -> Client {
        let c = self.credentials();
        let project = c.project_id.clone();
        Client::new(&self.url(), Some(c), &project)
    }

    /// Stops the server (the registry's file stays).
    pub fn stop(mut self) {
        if let Some(r) = self.running.take() {
            self.runtime.block_on(r.stop()).unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = self.runtime.block_on(r.stop());
        }
    }
}

/// A product model with one service and one property.
pub fn model() -> Value {
    json!([{
        "service_id": "Battery",
        "service_type": "Battery",
        "properties": [{
            "property_name": "batteryLevel",
            "data_type": "int",
            "required": false,
            "min": "0",
            "max": "100",
            "method": "RE"
        }]
    }])
}

/// Creates product `id` and checks the answer is 201.
pub fn product(client: &Client, id: &str) -> Reply {
    let r = client
        .call(
            "POST",
            "products",
            Some(&json!({
                "product_id": id,
                "name": format!("Product {id}"),
                "device_type": "Meter",
                "protocol_type": "MQTT",
                "data_format": "json",
                "service_capabilities": model(),
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    r
}

/// Asserts an error answer: status and `error_code`, and returns the
/// message.
pub fn assert_error(r: &Reply, status: u16, code: &str) -> String {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["error_code"], code, "{}", r.text);
    let msg = r.body["error_msg"].as_str().unwrap().to_string();
    assert!(!msg.is_empty());
    msg
}
