//! The application side against a running platform with mosquitto behind
//! it: a device played by Eclipse Paho (`device.py`) or by raw MQTT bytes,
//! the API called signed (our client) and by Huawei's own SDK
//! (`sdk_device_ops.py`).
//!
//! Which document each behaviour follows:
//! - CreateMessage / ListDeviceMessages / ShowDeviceMessage: API reference
//!   "Deliver a Message to a Device" (201, `message_id`, `result.status`
//!   PENDING for an offline device, DELIVERED once sent) and the SDK's
//!   `DeviceMessage` model; the envelope on `messages/down` is
//!   `{"object_device_id","name","id","content"}` (device topic docs).
//! - CreateCommand: API reference "Deliver a Command to a Device" (20 s,
//!   `command_id` and `response`), the error code list (`IOTDA.014111`
//!   "Command request timed out", status 200, in `error_code` and
//!   `error_msg` of the SDK's `CreateCommandResponse`), and `IOTDA.014016`
//!   (the device is not online; the 409 status is the kit's choice).
//! - Status and message histories under `.../kit/` and `/kit/events` are
//!   the kit's own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iotda_core::credentials::{Credentials, SignType, Timestamp};
use iotda_core::mqtt::{self, Connect, Packet, ProtocolVersion};
use iotda_platform::client::Client;
use iotda_platform::platform::Config;
use iotda_testkit::Scratch;
use serde_json::{json, Value};

use crate::Server;

const SECRET: &str = "12345678";
const DEVICE: &str = "dp_d1";

fn script(name: &str) -> String {
    format!("{}/tests/platform/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A product whose model has a `Battery` service with a settable level
/// and a `setLevel` command and a `Settings` service whose `mode` has the
/// default value `eco`, and its device `dp_d1` (secret, plain MQTT
/// allowed).
pub(crate) fn product_and_device(c: &Client) {
    let model = json!([{
        "service_id": "Battery",
        "service_type": "Battery",
        "properties": [{
            "property_name": "batteryLevel", "data_type": "int", "required": false,
            "min": "0", "max": "100", "method": "RWE"
        }],
        "commands": [{
            "command_name": "setLevel",
            "paras": [{
                "para_name": "level", "data_type": "int", "required": true,
                "min": "0", "max": "100"
            }]
        }]
    }, {
        "service_id": "Settings",
        "service_type": "Settings",
        "properties": [{
            "property_name": "mode", "data_type": "string", "required": false,
            "enum_list": ["eco", "fast"], "default_value": "eco", "method": "RW"
        }]
    }]);
    let r = c
        .call(
            "POST",
            "products",
            Some(&json!({
                "product_id": "dp", "name": "Device side", "device_type": "Meter",
                "protocol_type": "MQTT", "data_format": "json",
                "service_capabilities": model,
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    let r = c
        .call(
            "POST",
            "devices",
            Some(&json!({
                "node_id": "d1", "product_id": "dp",
                "auth_info": {"auth_type": "SECRET", "secret": SECRET, "secure_access": false},
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
}

/// A platform started on a new folder with `change` made to its
/// configuration, its client, and the product and device above.
pub(crate) fn platform(label: &str, change: impl FnOnce(&mut Config)) -> (Scratch, Server, Client) {
    let dir = Scratch::new(label);
    let server = Server::start_with(dir.path(), change);
    let c = server.client();
    product_and_device(&c);
    (dir, server, c)
}

pub(crate) fn mqtt_port(server: &Server) -> u16 {
    let url = server
        .running()
        .access
        .as_ref()
        .unwrap()
        .urls
        .mqtt
        .clone()
        .unwrap();
    url.rsplit(':').next().unwrap().parse().unwrap()
}

fn credentials() -> Credentials {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    Credentials::compute(
        DEVICE,
        SECRET,
        SignType::NoTimestampCheck,
        Timestamp::from_unix_seconds(now).unwrap(),
    )
    .unwrap()
}

/// Waits up to 10 s for `ready` to hold of what `read` returns.
pub(crate) fn wait_until<T: std::fmt::Debug>(
    what: &str,
    read: impl Fn() -> T,
    ready: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = read();
        if ready(&got) {
            return got;
        }
        assert!(Instant::now() < deadline, "{what}: never; last {got:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The device, played by Paho; its printed lines are collected.
pub(crate) struct Device {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Device {
    pub(crate) fn start(server: &Server, extra: &[&str]) -> Self {
        let c = credentials();
        let mut child = Command::new(crate::sdk::python())
            .arg(script("device.py"))
            .args(["127.0.0.1", &mqtt_port(server).to_string()])
            .args([&c.client_id, &c.username, c.password.expose()])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str(&line) {
                    sink.lock().unwrap().push(v);
                }
            }
        });
        let device = Self { child, lines };
        device.expect(|v| v["connack"] == 0, "CONNACK 0");
        device
    }

    pub(crate) fn lines(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits for a printed line matching `pred`.
    pub(crate) fn expect(&self, pred: impl Fn(&Value) -> bool, what: &str) -> Value {
        let found = wait_until(what, || self.lines(), |l| l.iter().any(&pred));
        found.into_iter().find(|v| pred(v)).unwrap()
    }

    /// Disconnects (closing stdin ends the script).
    pub(crate) fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The items of the device's kit history `kind` (`reports`, `messages`).
fn kit_list(c: &Client, kind: &str) -> Vec<Value> {
    c.call("GET", &format!("devices/{DEVICE}/kit/{kind}"), None)
        .unwrap()
        .body[kind]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn status(c: &Client) -> String {
    let r = c.call("GET", &format!("devices/{DEVICE}"), None).unwrap();
    r.body["status"].as_str().unwrap_or("").to_string()
}

fn wait_status(c: &Client, want: &str) {
    wait_until(&format!("status {want}"), || status(c), |s| s == want);
}

fn status_events(c: &Client) -> Vec<Value> {
    let r = c
        .call("GET", &format!("devices/{DEVICE}/kit/status-events"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["events"].as_array().unwrap().clone()
}

#[test]
fn messages_up_and_down_are_delivered_kept_and_listed() {
    let (_dir, server, c) = platform("hub-messages", |_| {});
    let device = Device::start(&server, &["--up", "hello from the device"]);
    device.expect(|v| v["published"] == "up", "the uplink acknowledged");
    wait_status(&c, "ONLINE");

    let r = c
        .call(
            "POST",
            &format!("devices/{DEVICE}/messages"),
            Some(&json!({"name": "greeting", "message": {"text": "hi"}})),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    let message_id = r.body["message_id"].as_str().unwrap().to_string();
    assert_eq!(r.body["result"]["status"], "DELIVERED", "{}", r.text);
    assert!(r.body["result"]["created_time"].is_string(), "{}", r.text);

    // The device got IoTDA's envelope on messages/down.
    let got = device.expect(
        |v| v["topic"] == format!("$oc/devices/{DEVICE}/sys/messages/down"),
        "the downlink",
    );
    let envelope: Value = serde_json::from_str(got["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        envelope,
        json!({"object_device_id": DEVICE, "name": "greeting", "id": message_id, "content": {"text": "hi"}})
    );

    // ListDeviceMessages: the downlinks, IoTDA's fields.
    let r = c
        .call("GET", &format!("devices/{DEVICE}/messages"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["device_id"], DEVICE);
    let listed = r.body["messages"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{}", r.text);
    assert_eq!(listed[0]["message_id"], message_id.as_str());
    assert_eq!(listed[0]["message"], json!({"text": "hi"}));
    assert_eq!(listed[0]["status"], "DELIVERED");
    let r = c
        .call(
            "GET",
            &format!("devices/{DEVICE}/messages/{message_id}"),
            None,
        )
        .unwrap();
    assert_eq!(r.body["name"], "greeting", "{}", r.text);
    let r = c
        .call("GET", &format!("devices/{DEVICE}/messages/nope"), None)
        .unwrap();
    crate::assert_error(&r, 404, "IOTDA.014911");

    // The kit's history holds both ways, oldest first.
    let r = c
        .call("GET", &format!("devices/{DEVICE}/kit/messages"), None)
        .unwrap();
    let all = r.body["messages"].as_array().unwrap();
    assert_eq!(all.len(), 2, "{}", r.text);
    assert_eq!(all[0]["direction"], "UP");
    assert_eq!(all[0]["payload"], "hello from the device");
    assert_eq!(
        all[0]["topic"],
        format!("$oc/devices/{DEVICE}/sys/messages/up")
    );
    assert_eq!(all[1]["direction"], "DOWN");

    device.stop();
    wait_status(&c, "OFFLINE");
    let events = status_events(&c);
    assert_eq!(
        reasons(&events),
        [("ONLINE", "CONNECTED"), ("OFFLINE", "DISCONNECTED")]
    );
    assert!(
        events[1]["detail"]
            .as_str()
            .unwrap()
            .contains("disconnected"),
        "{events:?}"
    );
}

#[test]
fn a_message_to_an_offline_device_waits_and_is_delivered_when_it_connects() {
    let (_dir, server, c) = platform("hub-pending", |_| {});
    let r = c
        .call(
            "POST",
            &format!("devices/{DEVICE}/messages"),
            Some(&json!({"message_id": "m-1", "message": "plain text", "payload_format": "raw"})),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["message_id"], "m-1");
    assert_eq!(r.body["result"]["status"], "PENDING");
    assert_eq!(r.body["result"]["finished_time"], Value::Null);

    let device = Device::start(&server, &[]);
    let got = device.expect(
        |v| v["topic"] == format!("$oc/devices/{DEVICE}/sys/messages/down"),
        "the pending downlink",
    );
    assert_eq!(got["payload"], "plain text", "raw: the message alone");
    let r = c
        .call("GET", &format!("devices/{DEVICE}/messages/m-1"), None)
        .unwrap();
    assert_eq!(r.body["status"], "DELIVERED", "{}", r.text);
    assert!(r.body["finished_time"].is_string(), "{}", r.text);
}

#[test]
fn histories_keep_the_configured_number_dropping_the_oldest() {
    let (_dir, _server, c) = platform("hub-bounded", |config| {
        config.access = None;
        config.history_limit = 3;
    });
    for n in 0..5 {
        let r = c
            .call(
                "POST",
                &format!("devices/{DEVICE}/messages"),
                Some(&json!({"message_id": format!("m{n}"), "message": n})),
            )
            .unwrap();
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = c
        .call("GET", &format!("devices/{DEVICE}/messages"), None)
        .unwrap();
    let ids: Vec<_> = r.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["m2", "m3", "m4"]);
    let r = c
        .call("GET", &format!("devices/{DEVICE}/kit/messages"), None)
        .unwrap();
    assert_eq!(r.body["limit"], 3);
}

#[test]
fn bad_message_requests_get_iotdas_errors() {
    let (_dir, _server, c) = platform("hub-bad-messages", |config| config.access = None);
    let path = format!("devices/{DEVICE}/messages");
    let r = c
        .call("POST", &path, Some(&json!({"name": "no message"})))
        .unwrap();
    let msg = crate::assert_error(&r, 400, "IOTDA.000006");
    assert!(msg.contains("message is required"), "{msg}");
    let r = c.call_raw("POST", &path, b"{not json").unwrap();
    crate::assert_error(&r, 400, "IOTDA.000008");
    let r = c
        .call(
            "POST",
            "devices/ghost/messages",
            Some(&json!({"message": "x"})),
        )
        .unwrap();
    crate::assert_error(&r, 404, "IOTDA.014000");
    let r = c
        .call(
            "POST",
            &path,
            Some(&json!({"message": "x", "topic_full_name": "a/+/b"})),
        )
        .unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");
}

/// Sends a raw CONNECT as the device with `keep_alive` and returns the
/// open stream after CONNACK 0.
fn raw_device(server: &Server, keep_alive: u16) -> TcpStream {
    let c = credentials();
    let mut connect = Connect::new(ProtocolVersion::V3_1_1, c.client_id.clone(), keep_alive);
    connect.username = Some(c.username.clone());
    connect.password = Some(c.password.expose().as_bytes().to_vec());
    let mut out = Vec::new();
    Packet::Connect(connect)
        .encode(ProtocolVersion::V3_1_1, &mut out)
        .unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", mqtt_port(server))).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(&out).unwrap();
    let mut buf = Vec::new();
    loop {
        let mut chunk = [0u8; 256];
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "closed before CONNACK");
        buf.extend_from_slice(&chunk[..n]);
        if let Some((Packet::ConnAck(a), _)) =
            mqtt::decode(&buf, 1 << 20, ProtocolVersion::V3_1_1).unwrap()
        {
            assert_eq!(a.reason, mqtt::ConnectReasonCode::Success);
            return s;
        }
    }
}

fn reasons(events: &[Value]) -> Vec<(&str, &str)> {
    events
        .iter()
        .map(|e| (e["status"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect()
}

#[test]
fn a_second_connection_takes_over_and_the_history_says_so() {
    let (_dir, server, c) = platform("hub-takeover", |_| {});
    let first = raw_device(&server, 30);
    let second = raw_device(&server, 30);
    wait_until("two ONLINE events", || status_events(&c), |e| e.len() >= 2);
    drop(second);
    let events = wait_until("the OFFLINE event", || status_events(&c), |e| e.len() >= 3);
    assert_eq!(
        reasons(&events),
        [
            ("ONLINE", "CONNECTED"),
            ("ONLINE", "TAKEN_OVER"),
            ("OFFLINE", "DISCONNECTED")
        ]
    );
    drop(first);
}

/// IoTDA accepts keep-alives of 30 s at least, so this waits 45 s.
#[test]
fn a_silent_device_is_cut_off_after_one_and_a_half_keep_alives() {
    let (_dir, server, c) = platform("hub-keepalive", |_| {});
    let _silent = raw_device(&server, 30);
    wait_status(&c, "ONLINE");
    let deadline = Instant::now() + Duration::from_secs(60);
    while status(&c) != "OFFLINE" {
        assert!(Instant::now() < deadline, "still online after 60 s");
        std::thread::sleep(Duration::from_millis(500));
    }
    let events = status_events(&c);
    assert_eq!(
        reasons(&events),
        [("ONLINE", "CONNECTED"), ("OFFLINE", "KEEP_ALIVE_TIMEOUT")]
    );
    assert!(
        events[1]["detail"].as_str().unwrap().contains("45 s"),
        "{events:?}"
    );
}

#[test]
fn the_event_stream_sends_one_event_per_thing_that_happens() {
    let (_dir, server, c) = platform("hub-events", |config| config.no_auth = true);
    let addr = server.running().api_addr;
    let mut sse = TcpStream::connect(addr).unwrap();
    sse.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        sse,
        "GET /kit/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(sse);
    let mut head = String::new();
    reader.read_line(&mut head).unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let good = json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": 5}}]});
    let bad = json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": "x"}}]});
    let device = Device::start(
        &server,
        &[
            "--up",
            "ping",
            "--report",
            &good.to_string(),
            "--report",
            &bad.to_string(),
        ],
    );
    wait_status(&c, "ONLINE");
    let body = json!({"service_id": "Battery", "command_name": "setLevel", "paras": {"level": 1}});
    let r = c
        .call("POST", &format!("devices/{DEVICE}/commands"), Some(&body))
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);

    // Each `event:` line names the type of the `data:` line after it.
    let wanted = [
        "status",
        "message",
        "properties",
        "dropped",
        "desired_pushed",
        "command",
    ];
    let mut events: Vec<(String, Value)> = Vec::new();
    let mut name = String::new();
    while !wanted.iter().all(|w| events.iter().any(|(n, _)| n == w)) {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "stream ended: {events:?}"
        );
        let line = line.trim_end();
        if let Some(n) = line.strip_prefix("event: ") {
            name = n.to_string();
        } else if let Some(d) = line.strip_prefix("data: ") {
            let data: Value = serde_json::from_str(d).unwrap();
            assert_eq!(data["type"], name.as_str(), "{line}");
            events.push((name.clone(), data));
        }
    }
    let find = |n: &str| {
        events
            .iter()
            .find(|(e, _)| e == n)
            .map(|(_, d)| d.clone())
            .unwrap()
    };
    let status = find("status");
    assert_eq!(
        (&status["status"], &status["reason"]),
        (&json!("ONLINE"), &json!("CONNECTED"))
    );
    assert_eq!(find("message")["payload"], "ping");
    assert_eq!(
        find("properties")["services"][0]["properties"],
        json!({"batteryLevel": 5})
    );
    assert_eq!(
        find("dropped")["problems"][0]["path"],
        "services[0].properties.batteryLevel"
    );
    assert_eq!(
        find("desired_pushed")["services"],
        json!([{"service_id": "Settings", "properties": {"mode": "eco"}}])
    );
    let command = find("command");
    assert_eq!(command["command_name"], "setLevel");
    assert_eq!(command["response"]["result_code"], 0);
    device.stop();
}

/// Runs `sdk_device_ops.py` (Huawei's SDK) against the server; returns its
/// JSON line.
fn sdk(server: &Server, args: &[&str]) -> Value {
    let c = server.credentials();
    let out = Command::new(crate::sdk::python())
        .arg(script("sdk_device_ops.py"))
        .args(args)
        .env("IOTDA_ENDPOINT", server.url())
        .env("IOTDA_AK", &c.ak)
        .env("IOTDA_SK", &c.sk)
        .env("IOTDA_PROJECT_ID", &c.project_id)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "the SDK printed no JSON: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn huaweis_sdk_sends_a_command_and_gets_the_devices_answer() {
    let (_dir, server, c) = platform("hub-command", |_| {});
    let device = Device::start(&server, &[]);
    wait_status(&c, "ONLINE");
    let r = sdk(
        &server,
        &["command", DEVICE, "Battery", "setLevel", r#"{"level": 42}"#],
    );
    let command_id = r["command_id"].as_str().unwrap();
    assert!(!command_id.is_empty(), "{r}");
    assert_eq!(
        r["response"],
        json!({"result_code": 0, "response_name": "COMMAND_RESPONSE", "paras": {"level": 42}})
    );
    assert_eq!(r["error_code"], Value::Null);
    // The device got IoTDA's command on commands/request_id={command_id}.
    let got = device.expect(
        |v| v["topic"] == format!("$oc/devices/{DEVICE}/sys/commands/request_id={command_id}"),
        "the command",
    );
    let sent: Value = serde_json::from_str(got["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent,
        json!({"object_device_id": DEVICE, "service_id": "Battery", "command_name": "setLevel", "paras": {"level": 42}})
    );
    device.stop();
}

#[test]
fn a_command_to_an_offline_device_gets_iotda_014016() {
    let (_dir, server, _c) = platform("hub-command-offline", |_| {});
    let r = sdk(
        &server,
        &["command", DEVICE, "Battery", "setLevel", r#"{"level": 1}"#],
    );
    assert_eq!(r["refused"], 409, "{r}");
    assert_eq!(r["error_code"], "IOTDA.014016", "{r}");
    assert!(
        r["error_msg"].as_str().unwrap().contains("not online"),
        "{r}"
    );
}

#[test]
fn a_command_that_breaks_the_model_is_refused_before_it_is_sent() {
    let (_dir, server, c) = platform("hub-command-model", |_| {});
    let device = Device::start(&server, &[]);
    wait_status(&c, "ONLINE");
    let path = format!("devices/{DEVICE}/commands");
    let body =
        json!({"service_id": "Battery", "command_name": "setLevel", "paras": {"level": 101}});
    let r = c.call("POST", &path, Some(&body)).unwrap();
    let msg = crate::assert_error(&r, 400, "IOTDA.000006");
    assert!(msg.contains("paras.level"), "{msg}");
    let body = json!({"service_id": "Battery", "command_name": "reboot", "paras": {}});
    let r = c.call("POST", &path, Some(&body)).unwrap();
    let msg = crate::assert_error(&r, 400, "IOTDA.000006");
    assert!(msg.contains("command_name"), "{msg}");
    let r = c
        .call("POST", &path, Some(&json!({"service_id": "Battery"})))
        .unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");
    assert!(
        !device.lines().iter().any(|l| l["topic"]
            .as_str()
            .is_some_and(|t| t.contains("/commands/"))),
        "nothing reached the device: {:?}",
        device.lines()
    );
    device.stop();
}

#[test]
fn an_unanswered_command_times_out_with_iotda_014111() {
    // The command timeout shortened from IoTDA's 20 s (`--command-timeout`).
    let (_dir, server, c) = platform("hub-command-timeout", |config| {
        config.command_timeout = Duration::from_secs(1);
    });
    let device = Device::start(&server, &["--silent"]);
    wait_status(&c, "ONLINE");
    let r = sdk(
        &server,
        &["command", DEVICE, "Battery", "setLevel", r#"{"level": 7}"#],
    );
    assert_eq!(r["error_code"], "IOTDA.014111", "{r}");
    assert!(
        r["error_msg"]
            .as_str()
            .unwrap()
            .contains("Command request timed out"),
        "{r}"
    );
    assert!(r["command_id"].is_string(), "{r}");
    assert_eq!(r["response"], Value::Null);
    device.expect(
        |v| {
            v["topic"]
                .as_str()
                .is_some_and(|t| t.contains("/sys/commands/request_id="))
        },
        "the unanswered command",
    );
    // The command is in the device's history: its request, and the timeout.
    let h = c
        .call("GET", &format!("devices/{DEVICE}/kit/commands"), None)
        .unwrap();
    assert_eq!(h.status, 200, "{}", h.text);
    let kept = &h.body["commands"][0];
    assert_eq!(kept["command_id"], r["command_id"], "{}", h.text);
    assert_eq!(kept["status"], "TIMEOUT", "{}", h.text);
    assert_eq!(kept["paras"], json!({"level": 7}), "{}", h.text);
    assert_eq!(kept["response"], Value::Null, "{}", h.text);
    device.stop();
}

/// Follows "Reporting device properties" (IoTDA's device topic docs) and
/// ShowDeviceShadow; what is dropped, and how much, is the kit's choice
/// (docs/platform-api.md, Property reports).
#[test]
fn property_reports_are_judged_by_the_model_kept_in_the_shadow_or_dropped() {
    let (_dir, server, c) = platform("hub-reports", |_| {});
    let good = json!({"services": [{"service_id": "Battery",
        "properties": {"batteryLevel": 50}, "event_time": "20261207T120000Z"}]});
    let bad = json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": 150}}]});
    let device = Device::start(
        &server,
        &["--report", &good.to_string(), "--report", &bad.to_string()],
    );
    let reports = wait_until(
        "two reports kept",
        || kit_list(&c, "reports"),
        |r| r.len() == 2,
    );
    assert_eq!(reports[0]["problems"], json!([]));
    assert_eq!(reports[1]["accepted"], json!([]));

    // The shadow's reported section holds the report that fitted; the one
    // that broke the model did not change it.
    let r = c
        .call("GET", &format!("devices/{DEVICE}/shadow"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["device_id"], DEVICE);
    let shadow = &r.body["shadow"][0];
    assert_eq!(shadow["service_id"], "Battery", "{}", r.text);
    assert_eq!(
        shadow["reported"]["properties"],
        json!({"batteryLevel": 50})
    );
    assert_eq!(shadow["reported"]["event_time"], "20261207T120000Z");
    assert_eq!(shadow["version"], 1);

    let r = c
        .call(
            "GET",
            &format!("devices/{DEVICE}/kit/reports?dropped=true"),
            None,
        )
        .unwrap();
    let dropped = r.body["reports"].as_array().unwrap();
    assert_eq!(dropped.len(), 1, "{}", r.text);
    assert_eq!(dropped[0]["payload"], bad.to_string());
    let problem = &dropped[0]["problems"][0];
    assert_eq!(problem["path"], "services[0].properties.batteryLevel");
    assert!(
        problem["rule"].as_str().unwrap().contains("100"),
        "{problem}"
    );
    let logged = wait_until(
        "the log line",
        || server.log(),
        |l| l.iter().any(|l| l.starts_with("IoTDA may drop this")),
    );
    assert!(
        logged
            .iter()
            .any(|l| l.contains("services[0].properties.batteryLevel")),
        "{logged:?}"
    );
    device.stop();
}

/// Follows "Device Reporting Properties" and "Device Reporting a Message"
/// (iot_06_v5_3010, 3016: `?request_id={request_id}` may end either
/// topic) and Huawei's Java device SDK (`reportCompressedDeviceMessage`
/// publishes gzip on `messages/up?encoding=gzip`): the suffixed forms are
/// kept like the plain ones; a message that claims gzip but is not is
/// dropped and logged (the kit's choice).
#[test]
fn request_id_and_gzip_uplinks_are_handled_like_the_plain_forms() {
    let (_dir, server, c) = platform("hub-query-forms", |_| {});
    let report = json!({"services": [{"service_id": "Battery",
        "properties": {"batteryLevel": 42}}]});
    let zipped_report = json!({"services": [{"service_id": "Battery",
        "properties": {"batteryLevel": 43}}]});
    let device = Device::start(
        &server,
        &[
            "--publish",
            "properties/report?request_id=r1",
            &report.to_string(),
            "--publish",
            "messages/up?request_id=m1",
            "with a request id",
            "--gzip-publish",
            "messages/up?encoding=gzip",
            "zipped hello",
            // The Java SDK's `reportCompressedProperties`.
            "--gzip-publish",
            "properties/report?encoding=gzip",
            &zipped_report.to_string(),
            "--publish",
            "messages/up?encoding=gzip",
            "not gzip at all",
        ],
    );
    device.expect(
        |v| v["published"] == "messages/up?encoding=gzip",
        "the gzip uplinks acknowledged",
    );
    let reports = wait_until(
        "both reports kept",
        || kit_list(&c, "reports"),
        |r| r.len() == 2,
    );
    assert!(
        reports.iter().all(|r| r["problems"] == json!([])),
        "{reports:?}"
    );
    let r = c
        .call("GET", &format!("devices/{DEVICE}/shadow"), None)
        .unwrap();
    assert_eq!(
        r.body["shadow"][0]["reported"]["properties"],
        json!({"batteryLevel": 43}),
        "{}",
        r.text
    );

    let logged = wait_until(
        "the bad gzip logged",
        || server.log(),
        |l| l.iter().any(|l| l.contains("not readable gzip")),
    );
    assert!(
        logged.iter().any(|l| l.starts_with(&format!(
            "dropped: uplink of device \"{DEVICE}\" on $oc/devices/{DEVICE}/sys/messages/up?encoding=gzip"
        ))),
        "{logged:?}"
    );
    let mut kept: Vec<(String, String)> = wait_until(
        "two messages kept",
        || kit_list(&c, "messages"),
        |m| m.len() == 2,
    )
    .iter()
    .map(|m| {
        assert_eq!(m["direction"], "UP", "{m}");
        (
            m["topic"].as_str().unwrap().to_string(),
            m["payload"].as_str().unwrap().to_string(),
        )
    })
    .collect();
    kept.sort();
    let topic = |suffix: &str| format!("$oc/devices/{DEVICE}/sys/messages/up{suffix}");
    assert_eq!(
        kept,
        [
            (topic("?encoding=gzip"), "zipped hello".to_string()),
            (topic("?request_id=m1"), "with a request id".to_string()),
        ]
    );
    device.stop();
}

/// Follows "Modify Device Properties" and "Query Device Properties" (API
/// reference; device topics properties/set and properties/get).
#[test]
fn properties_are_set_and_got_through_the_device() {
    let (_dir, server, c) = platform("hub-properties", |config| {
        config.command_timeout = Duration::from_secs(1);
    });
    let path = format!("devices/{DEVICE}/properties");
    let set = json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": 60}}]});
    // Offline first.
    let r = c.call("PUT", &path, Some(&set)).unwrap();
    crate::assert_error(&r, 409, "IOTDA.014016");
    let device = Device::start(&server, &[]);
    wait_status(&c, "ONLINE");

    let r = c.call("PUT", &path, Some(&set)).unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["request_id"].is_string(), "{}", r.text);
    assert_eq!(
        r.body["response"],
        json!({"result_code": 0, "result_desc": "success"})
    );
    let got = device.expect(
        |v| {
            v["topic"]
                .as_str()
                .is_some_and(|t| t.contains("/sys/properties/set/request_id="))
                && v["payload"].as_str().is_some_and(|p| p.contains("60"))
        },
        "the set",
    );
    let sent: Value = serde_json::from_str(got["payload"].as_str().unwrap()).unwrap();
    assert_eq!(sent["object_device_id"], DEVICE);
    assert_eq!(sent["services"], set["services"]);

    let r = c
        .call("GET", &format!("{path}?service_id=Battery"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["response"]["services"][0]["properties"],
        json!({"batteryLevel": 77})
    );

    // The model first: out of range, then an unknown service.
    let bad = json!({"services": [{"service_id": "Battery", "properties": {"batteryLevel": -1}}]});
    let msg = crate::assert_error(
        &c.call("PUT", &path, Some(&bad)).unwrap(),
        400,
        "IOTDA.000006",
    );
    assert!(msg.contains("services[0].properties.batteryLevel"), "{msg}");
    let r = c
        .call("GET", &format!("{path}?service_id=Ghost"), None)
        .unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");
    device.stop();

    // A device that does not answer: the timeout (shortened to 1 s).
    let silent = Device::start(&server, &["--silent"]);
    wait_status(&c, "ONLINE");
    let r = c.call("PUT", &path, Some(&set)).unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["error_code"], "IOTDA.014111", "{}", r.text);
    silent.stop();
}

/// Follows "Query Device Shadow Data" and "Configure Desired Device Shadow
/// Data" (API reference) and the device's shadow/get topics; pushing a
/// desired change as a property set, now or on reconnection, follows
/// IoTDA's shadow description (the difference is sent to the device when it
/// comes online).
#[test]
fn the_shadow_is_seeded_desired_is_pushed_now_and_on_reconnection() {
    let (_dir, server, c) = platform("hub-shadow", |_| {});
    // Seeded at registration from the model's default_value (Huawei's SDK).
    let r = sdk(&server, &["shadow", DEVICE]);
    assert_eq!(r["device_id"], DEVICE, "{r}");
    let settings = r["shadow"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_id"] == "Settings")
        .cloned()
        .unwrap_or_else(|| panic!("no Settings in {r}"));
    assert_eq!(settings["desired"]["properties"], json!({"mode": "eco"}));
    assert_eq!(settings["version"], 1);

    // Online: what it has not reported is pushed as a property set.
    let is_set_with = |v: &Value, part: &str| {
        v["topic"]
            .as_str()
            .is_some_and(|t| t.contains("/sys/properties/set/request_id="))
            && v["payload"].as_str().is_some_and(|p| p.contains(part))
    };
    let device = Device::start(&server, &["--shadow-get"]);
    device.expect(
        |v| is_set_with(v, "\"mode\":\"eco\""),
        "the seeded desired pushed",
    );
    // Its shadow/get is answered on shadow/get/response.
    let answer = device.expect(
        |v| v["topic"] == format!("$oc/devices/{DEVICE}/sys/shadow/get/response/request_id=1"),
        "the shadow/get answer",
    );
    let answer: Value = serde_json::from_str(answer["payload"].as_str().unwrap()).unwrap();
    assert_eq!(answer["object_device_id"], DEVICE);
    assert!(
        answer["shadow"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["service_id"] == "Settings" && s["desired"]["properties"]["mode"] == "eco"),
        "{answer}"
    );

    // A desired change while online is pushed at once.
    let r = sdk(
        &server,
        &["desire", DEVICE, "Battery", r#"{"batteryLevel": 30}"#],
    );
    let battery = r["shadow"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_id"] == "Battery")
        .cloned()
        .unwrap_or_else(|| panic!("no Battery in {r}"));
    assert_eq!(
        battery["desired"]["properties"],
        json!({"batteryLevel": 30})
    );
    let version = battery["version"].as_i64().unwrap();
    device.expect(
        |v| is_set_with(v, "\"batteryLevel\":30"),
        "the desired change pushed",
    );
    device.stop();
    wait_status(&c, "OFFLINE");

    // Offline: kept, then pushed when it comes online.
    let r = sdk(
        &server,
        &[
            "desire",
            DEVICE,
            "Battery",
            r#"{"batteryLevel": 40}"#,
            &version.to_string(),
        ],
    );
    assert!(r.get("refused").is_none(), "{r}");
    // A stale version is refused.
    let stale = sdk(
        &server,
        &[
            "desire",
            DEVICE,
            "Battery",
            r#"{"batteryLevel": 41}"#,
            &version.to_string(),
        ],
    );
    assert_eq!(stale["refused"], 400, "{stale}");
    assert_eq!(stale["error_code"], "IOTDA.000006", "{stale}");
    // Desired values are checked as a property set.
    let bad = sdk(
        &server,
        &["desire", DEVICE, "Settings", r#"{"mode": "turbo"}"#],
    );
    assert_eq!(bad["error_code"], "IOTDA.000006", "{bad}");
    let again = Device::start(&server, &[]);
    let pushed = again.expect(
        |v| is_set_with(v, "\"batteryLevel\":40"),
        "pushed on reconnection",
    );
    assert!(
        pushed["payload"]
            .as_str()
            .unwrap()
            .contains("\"mode\":\"eco\""),
        "every unreported desired value goes: {pushed}"
    );
    again.stop();
}
