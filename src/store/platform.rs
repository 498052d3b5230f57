//! The Platform page's logic: the local platform's answers as types, its
//! event stream read from bytes, the recent history of numeric properties
//! and their chart, and the command / property forms built from the model.
//!
//! Pure: no browser call and no clock (times are the platform's), so it is
//! tested natively. The page fetches (`web::http`), this reads and writes.

use std::collections::BTreeMap;

use iotda_core::iotda::{DataType, ProductModel};
use iotda_core::text::Message;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::messages::keys::platform as key;

/// The page's session with the platform (`GET /kit/page-session`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Session {
    /// Sent as `X-Kit-Token`.
    pub token: String,
    /// The project id of the API's paths.
    pub project_id: String,
    /// Where devices connect over WebSocket (`ws://127.0.0.1:P/mqtt`),
    /// when the platform runs device access.
    #[serde(default)]
    pub ws_url: Option<String>,
    /// The same over TLS (`wss://127.0.0.1:P/mqtt`).
    #[serde(default)]
    pub wss_url: Option<String>,
    /// Where devices connect over MQTTS (`mqtts://127.0.0.1:P`).
    #[serde(default)]
    pub mqtts_url: Option<String>,
    /// The file of the platform CA devices trust (a path on the
    /// platform's machine).
    #[serde(default)]
    pub platform_ca: Option<String>,
}

/// A product of `ListProducts` / `ShowProduct`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Product {
    /// Its id.
    pub product_id: String,
    /// Its name.
    pub name: String,
    /// Its device type.
    #[serde(default)]
    pub device_type: String,
    /// Its model's services (ShowProduct only).
    #[serde(default)]
    pub service_capabilities: Value,
}

/// A device CA of `ListCertificates`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Certificate {
    /// Its id.
    pub certificate_id: String,
    /// Its subject's CN.
    #[serde(default)]
    pub cn_name: String,
    /// Verified.
    #[serde(default)]
    pub status: bool,
    /// The code the verification certificate's CN must be.
    #[serde(default)]
    pub verify_code: String,
    /// Its end of validity.
    #[serde(default)]
    pub expiry_date: String,
}

/// A device of `ListDevices` / `ShowDevice`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Device {
    /// Its id.
    pub device_id: String,
    /// Its node id.
    #[serde(default)]
    pub node_id: String,
    /// Its product.
    #[serde(default)]
    pub product_id: String,
    /// `INACTIVE`, `ONLINE` or `OFFLINE`.
    #[serde(default)]
    pub status: String,
    /// Its last connection (ShowDevice only).
    #[serde(default)]
    pub connection_status_update_time: Option<String>,
    /// How it authenticates (ShowDevice only).
    #[serde(default)]
    pub auth_info: Option<DeviceAuth>,
}

/// ShowDevice's `auth_info`, without the secret (never read into the page's
/// state).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeviceAuth {
    /// `SECRET` or `CERTIFICATES`.
    #[serde(default)]
    pub auth_type: String,
    /// The certificate's fingerprint (lowercase hex; `None` or empty until
    /// the first certificate that connects is bound).
    #[serde(default)]
    pub fingerprint: Option<String>,
}

impl DeviceAuth {
    /// Whether the device authenticates by a certificate.
    pub fn by_certificate(&self) -> bool {
        self.auth_type == "CERTIFICATES"
    }
}

/// A problem of a property report: where, and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Problem {
    /// The JSON path.
    pub path: String,
    /// The rule.
    pub rule: String,
}

/// What a report kept of one service.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Accepted {
    /// The service.
    pub service_id: String,
    /// Its properties as kept.
    #[serde(default)]
    pub properties: Map<String, Value>,
    /// The report's time for it.
    #[serde(default)]
    pub event_time: Option<String>,
}

/// A property report of `.../kit/reports`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Report {
    /// When the platform received it.
    pub received_time: String,
    /// The bytes as text.
    #[serde(default)]
    pub payload: String,
    /// What was kept.
    #[serde(default)]
    pub accepted: Vec<Accepted>,
    /// What was dropped, and why.
    #[serde(default)]
    pub problems: Vec<Problem>,
}

/// A message of `.../kit/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KitMessage {
    /// Its id.
    #[serde(default)]
    pub message_id: String,
    /// `UP` or `DOWN`.
    #[serde(default)]
    pub direction: String,
    /// Its topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// The bytes published, as text.
    #[serde(default)]
    pub payload: Option<String>,
    /// `PENDING`, `DELIVERED`...
    #[serde(default)]
    pub status: String,
    /// When it was made.
    #[serde(default)]
    pub created_time: String,
}

/// One side of a service's shadow.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct ShadowSide {
    /// The properties.
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
    /// When they last changed.
    #[serde(default)]
    pub event_time: Option<String>,
}

/// A service's shadow.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ShadowEntry {
    /// The service.
    pub service_id: String,
    /// What the application wants.
    #[serde(default)]
    pub desired: ShadowSide,
    /// What the device reported.
    #[serde(default)]
    pub reported: ShadowSide,
    /// Counts up at each change.
    #[serde(default)]
    pub version: u64,
}

/// A list answer: `{"products": [...]}` and the like.
pub fn list<T: serde::de::DeserializeOwned>(body: &str, field: &str) -> Result<Vec<T>, Message> {
    let value: Value = parse(body)?;
    let items = value
        .get(field)
        .cloned()
        .unwrap_or(Value::Array(Vec::new()));
    serde_json::from_value(items).map_err(unexpected)
}

/// An answer of type `T`.
pub fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Message> {
    serde_json::from_slice(body.as_bytes()).map_err(unexpected)
}

fn unexpected(e: serde_json::Error) -> Message {
    Message::new(key::UNEXPECTED).with("why", e)
}

/// The message of an answer that is not a success: IoTDA's
/// `{error_code, error_msg}` when it is one, else the status.
pub fn refusal(status: u16, body: &str) -> Message {
    #[derive(Deserialize)]
    struct ApiError {
        error_code: String,
        error_msg: String,
    }
    match serde_json::from_slice::<ApiError>(body.as_bytes()) {
        Ok(e) => Message::new(key::REFUSED)
            .with("code", e.error_code)
            .with("why", e.error_msg),
        Err(_) => Message::new(key::STATUS).with("status", status),
    }
}

/// How a device to register authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth<'a> {
    /// By a secret; the platform generates one when it is empty.
    Secret(&'a str),
    /// By its certificate's fingerprint.
    Fingerprint(&'a str),
}

/// AddDevice's body for the device `node_id` of `product_id`.
pub fn register_body(product_id: &str, node_id: &str, auth: Auth) -> String {
    let auth_info = match auth {
        Auth::Fingerprint(f) => {
            serde_json::json!({ "auth_type": "CERTIFICATES", "fingerprint": f })
        }
        Auth::Secret("") => serde_json::json!({ "auth_type": "SECRET" }),
        Auth::Secret(s) => serde_json::json!({ "auth_type": "SECRET", "secret": s }),
    };
    serde_json::json!({ "product_id": product_id, "node_id": node_id, "auth_info": auth_info })
        .to_string()
}

/// The secret in AddDevice's answer: the one given, or the one the
/// platform generated.
pub fn registered_secret(body: &str) -> Option<String> {
    let added: Value = serde_json::from_slice(body.as_bytes()).ok()?;
    added["auth_info"]["secret"].as_str().map(str::to_owned)
}

/// What a command, property set or get answered: the device's answer as
/// pretty JSON, or the platform's `error_code` (a timeout) said.
pub fn answer(body: &str) -> Result<String, Message> {
    let value: Value = parse(body)?;
    if let Some(code) = value.get("error_code").and_then(Value::as_str) {
        let why = value
            .get("error_msg")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(Message::new(key::NO_DEVICE_ANSWER)
            .with("code", code)
            .with("why", why));
    }
    Ok(serde_json::to_string_pretty(&value).unwrap_or_default())
}

/// The largest event the page reads from the stream (the platform's are a
/// few KB; a report's payload at most 64 KB).
pub const MAX_EVENT: usize = 256 * 1024;

/// Reads Server-Sent Events from bytes as they arrive, in any pieces.
#[derive(Debug, Default)]
pub struct SseReader {
    line: Vec<u8>,
    event: String,
    data: String,
    skipping: bool,
}

/// What the reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sse {
    /// An event: its name (`message` when none was given) and data.
    Event(String, String),
    /// An event over [`MAX_EVENT`] bytes, skipped.
    TooLong,
}

impl SseReader {
    /// Takes `bytes` and returns the events they complete. Memory stays
    /// under about [`MAX_EVENT`] whatever the server sends.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Sse> {
        let mut out = Vec::new();
        for &b in bytes {
            if b != b'\n' {
                if self.line.len() + self.data.len() > MAX_EVENT {
                    if !self.skipping {
                        out.push(Sse::TooLong);
                    }
                    self.skipping = true;
                    self.line.clear();
                    self.data.clear();
                } else {
                    self.line.push(b);
                }
                continue;
            }
            let line = std::mem::take(&mut self.line);
            let line = String::from_utf8_lossy(&line);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.is_empty() {
                let event = std::mem::take(&mut self.event);
                let data = std::mem::take(&mut self.data);
                if !std::mem::take(&mut self.skipping) && !data.is_empty() {
                    let name = if event.is_empty() {
                        "message".into()
                    } else {
                        event
                    };
                    out.push(Sse::Event(name, data));
                }
            } else if let Some(value) = field(line, "event") {
                self.event = value.to_owned();
            } else if let Some(value) = field(line, "data") {
                if !self.data.is_empty() {
                    self.data.push('\n');
                }
                self.data.push_str(value);
            }
        }
        out
    }
}

fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(name)?.strip_prefix(':')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// An event of the platform's stream, as far as the page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Live {
    /// Something about the device with this id changed.
    Device(String),
    /// Events were missed: everything should be read again.
    Lagged(u64),
}

/// The event of a stream's `(name, data)`, if the page uses it.
pub fn live(name: &str, data: &str) -> Option<Live> {
    let value: Value = serde_json::from_slice(data.as_bytes()).ok()?;
    if name == "lagged" {
        return Some(Live::Lagged(value.get("missed")?.as_u64()?));
    }
    value
        .get("device_id")?
        .as_str()
        .map(|id| Live::Device(id.to_owned()))
}

/// How many points a property's chart shows.
pub const CHART_POINTS: usize = 40;

/// The numeric properties of `reports` (oldest first), each with its last
/// [`CHART_POINTS`] values, by `service/property`.
pub fn series(reports: &[Report]) -> BTreeMap<(String, String), Vec<f64>> {
    let mut all: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for report in reports {
        for service in &report.accepted {
            for (name, value) in &service.properties {
                if let Some(n) = value.as_f64() {
                    let values = all
                        .entry((service.service_id.clone(), name.clone()))
                        .or_default();
                    values.push(n);
                    if values.len() > CHART_POINTS {
                        values.remove(0);
                    }
                }
            }
        }
    }
    all
}

/// The latest value of every property the reports kept, by service.
pub fn latest(reports: &[Report]) -> BTreeMap<String, BTreeMap<String, (Value, String)>> {
    let mut all: BTreeMap<String, BTreeMap<String, (Value, String)>> = BTreeMap::new();
    for report in reports {
        for service in &report.accepted {
            let time = service
                .event_time
                .clone()
                .unwrap_or_else(|| report.received_time.clone());
            for (name, value) in &service.properties {
                all.entry(service.service_id.clone())
                    .or_default()
                    .insert(name.clone(), (value.clone(), time.clone()));
            }
        }
    }
    all
}

/// The SVG `points` of a line through `values` in a `width` × `height`
/// box (the lowest value at the bottom, the highest at the top, a flat
/// line in the middle).
pub fn points(values: &[f64], width: f64, height: f64) -> String {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let step = if values.len() > 1 {
        width / (values.len() - 1) as f64
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = if hi > lo {
                height - (v - lo) / (hi - lo) * height
            } else {
                height / 2.0
            };
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the control form sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Control {
    /// A command (CreateCommand).
    #[default]
    Command,
    /// A property set (UpdateProperties).
    Set,
    /// A property get (ListProperties).
    Get,
}

/// A field of the control form: a parameter or a writable property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// Its name.
    pub name: String,
    /// Its type.
    pub data_type: DataType,
    /// Its range or list, for the label.
    pub hint: String,
}

/// The services of `model` the form offers for `control`, with, for each,
/// its commands (a command) or one entry (a set or a get).
pub fn choices(model: &ProductModel, control: Control) -> Vec<(String, Vec<String>)> {
    model
        .service_capabilities
        .iter()
        .filter_map(|s| {
            let names: Vec<String> = match control {
                Control::Command => s.commands.iter().map(|c| c.command_name.clone()).collect(),
                Control::Set if s.properties.iter().any(|p| p.method.writable()) => {
                    vec![String::new()]
                }
                Control::Get if !s.properties.is_empty() => vec![String::new()],
                _ => Vec::new(),
            };
            (!names.is_empty()).then(|| (s.service_id.clone(), names))
        })
        .collect()
}

/// The fields of the form for `service` (and `command`).
pub fn fields(
    model: &ProductModel,
    control: Control,
    service: &str,
    command: &str,
) -> Vec<FormField> {
    let Some(s) = model.service(service) else {
        return Vec::new();
    };
    let hint = |min: &Option<String>, max: &Option<String>, list: &Option<Vec<String>>| match (
        min, max, list,
    ) {
        (_, _, Some(list)) => list.join(" | "),
        (Some(lo), Some(hi), None) => format!("{lo} … {hi}"),
        _ => String::new(),
    };
    match control {
        Control::Command => s
            .command(command)
            .map(|c| {
                c.paras
                    .iter()
                    .map(|p| FormField {
                        name: p.para_name.clone(),
                        data_type: p.data_type,
                        hint: hint(&p.min, &p.max, &p.enum_list),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Control::Set => s
            .properties
            .iter()
            .filter(|p| p.method.writable())
            .map(|p| FormField {
                name: p.property_name.clone(),
                data_type: p.data_type,
                hint: hint(&p.min, &p.max, &p.enum_list),
            })
            .collect(),
        Control::Get => Vec::new(),
    }
}

/// The JSON of a typed value for a field of type `data_type`; an empty
/// value is left out (`None`).
pub fn typed(name: &str, data_type: DataType, text: &str) -> Result<Option<Value>, Message> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let wrong = |k| Message::new(k).with("name", name).with("value", text);
    let value = match data_type {
        DataType::Int | DataType::Long | DataType::Decimal => {
            let n: serde_json::Number = text.parse().map_err(|_| wrong(key::NOT_A_NUMBER))?;
            Value::Number(n)
        }
        DataType::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(wrong(key::NOT_A_BOOLEAN)),
        },
        DataType::JsonObject | DataType::StringList => {
            serde_json::from_slice(text.as_bytes()).map_err(|_| wrong(key::NOT_JSON))?
        }
        DataType::String | DataType::DateTime | DataType::Enum => Value::String(text.to_owned()),
    };
    Ok(Some(value))
}

/// The typed values of `fields` (`values` in the same order) as a JSON
/// object; every wrong one is said.
pub fn object(fields: &[FormField], values: &[String]) -> Result<Map<String, Value>, Vec<Message>> {
    let mut out = Map::new();
    let mut errors = Vec::new();
    for (f, v) in fields.iter().zip(values) {
        match typed(&f.name, f.data_type, v) {
            Ok(Some(value)) => {
                out.insert(f.name.clone(), value);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The request of `control` on `service` (and `command`) with `values`:
/// its method, its path under the device, and its body.
pub fn control_request(
    control: Control,
    service: &str,
    command: &str,
    values: Map<String, Value>,
) -> (&'static str, String, Option<String>) {
    match control {
        Control::Command => (
            "POST",
            "commands".into(),
            Some(
                serde_json::json!({"service_id": service, "command_name": command, "paras": values})
                    .to_string(),
            ),
        ),
        Control::Set => (
            "PUT",
            "properties".into(),
            Some(
                serde_json::json!({"services": [{"service_id": service, "properties": values}]})
                    .to_string(),
            ),
        ),
        Control::Get => ("GET", format!("properties?service_id={service}"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_from_any_pieces() {
        let stream = b"event: status\ndata: {\"device_id\":\"p_n\",\"status\":\"ONLINE\"}\n\n: keep-alive\n\nevent: lagged\r\ndata: {\"missed\":3}\r\n\r\ndata: a\ndata: b\n\n";
        let whole = SseReader::default().push(stream);
        for size in 1..stream.len() {
            let mut reader = SseReader::default();
            let pieces: Vec<Sse> = stream.chunks(size).flat_map(|c| reader.push(c)).collect();
            assert_eq!(pieces, whole, "pieces of {size}");
        }
        assert_eq!(whole.len(), 3);
        let Sse::Event(name, data) = &whole[0] else {
            panic!()
        };
        assert_eq!(live(name, data), Some(Live::Device("p_n".into())));
        let Sse::Event(name, data) = &whole[1] else {
            panic!()
        };
        assert_eq!(live(name, data), Some(Live::Lagged(3)));
        assert_eq!(whole[2], Sse::Event("message".into(), "a\nb".into()));
    }

    #[test]
    fn an_endless_event_is_skipped_in_bounded_memory() {
        let mut reader = SseReader::default();
        let mut found = Vec::new();
        for _ in 0..100 {
            found.extend(reader.push(&[b'x'; 10_000]));
            assert!(reader.line.len() + reader.data.len() <= MAX_EVENT + 1);
        }
        found.extend(reader.push(b"\n\nevent: status\ndata: {}\n\n"));
        assert_eq!(
            found,
            [Sse::TooLong, Sse::Event("status".into(), "{}".into())]
        );
    }

    fn report(value: Value, received: &str) -> Report {
        serde_json::from_value(serde_json::json!({
            "received_time": received,
            "accepted": [{"service_id": "Battery", "properties": value}],
            "problems": []
        }))
        .unwrap()
    }

    #[test]
    fn charts_keep_the_last_numeric_values_and_latest_the_last_value() {
        let reports: Vec<Report> = (0..50)
            .map(|i| {
                report(
                    serde_json::json!({"level": i, "name": "x"}),
                    &format!("t{i}"),
                )
            })
            .collect();
        let s = series(&reports);
        let levels = &s[&("Battery".to_owned(), "level".to_owned())];
        assert_eq!(levels.len(), CHART_POINTS);
        assert_eq!(levels.last(), Some(&49.0));
        assert!(!s.contains_key(&("Battery".to_owned(), "name".to_owned())));
        let l = latest(&reports);
        assert_eq!(
            l["Battery"]["level"],
            (serde_json::json!(49), "t49".to_owned())
        );
        assert_eq!(
            points(&[0.0, 5.0, 10.0], 100.0, 20.0),
            "0.0,20.0 50.0,10.0 100.0,0.0"
        );
        assert_eq!(points(&[3.0, 3.0], 10.0, 20.0), "0.0,10.0 10.0,10.0");
    }

    #[test]
    fn form_values_are_typed_by_the_model() {
        let fields = vec![
            FormField {
                name: "level".into(),
                data_type: DataType::Int,
                hint: String::new(),
            },
            FormField {
                name: "on".into(),
                data_type: DataType::Boolean,
                hint: String::new(),
            },
            FormField {
                name: "label".into(),
                data_type: DataType::String,
                hint: String::new(),
            },
        ];
        let ok = object(&fields, &["5".into(), "true".into(), "".into()]).unwrap();
        assert_eq!(
            Value::Object(ok),
            serde_json::json!({"level": 5, "on": true})
        );
        let bad = object(&fields, &["five".into(), "yes".into(), "x".into()]).unwrap_err();
        assert_eq!(bad[0].to_string(), "level: five is not a number");
        assert_eq!(bad[1].to_string(), "on: yes is neither true nor false");
        let (method, path, body) = control_request(Control::Command, "S", "c", Map::new());
        assert_eq!((method, path.as_str()), ("POST", "commands"));
        assert_eq!(
            body.unwrap(),
            r#"{"command_name":"c","paras":{},"service_id":"S"}"#
        );
    }

    #[test]
    fn a_device_is_registered_by_a_secret_given_or_generated_or_a_fingerprint() {
        let body = |auth| serde_json::from_str::<Value>(&register_body("p", "n", auth)).unwrap();
        assert_eq!(
            body(Auth::Secret("s3cret-one")),
            serde_json::json!({"product_id": "p", "node_id": "n",
                "auth_info": {"auth_type": "SECRET", "secret": "s3cret-one"}})
        );
        assert_eq!(
            body(Auth::Secret(""))["auth_info"],
            serde_json::json!({"auth_type": "SECRET"})
        );
        assert_eq!(
            body(Auth::Fingerprint("AB12"))["auth_info"],
            serde_json::json!({"auth_type": "CERTIFICATES", "fingerprint": "AB12"})
        );
        let added = r#"{"device_id":"p_n","auth_info":{"auth_type":"SECRET","secret":"f00dcafe1234","secure_access":true}}"#;
        assert_eq!(registered_secret(added).as_deref(), Some("f00dcafe1234"));
        let by_cert =
            r#"{"device_id":"p_n","auth_info":{"auth_type":"CERTIFICATES","fingerprint":"AB"}}"#;
        assert_eq!(registered_secret(by_cert), None);
        assert_eq!(registered_secret("<html>"), None);
    }

    #[test]
    fn refusals_say_iotdas_code_or_the_status() {
        let m = refusal(
            409,
            r#"{"error_code":"IOTDA.014016","error_msg":"not online"}"#,
        );
        assert_eq!(
            m.to_string(),
            "the local platform refused: IOTDA.014016: not online"
        );
        assert_eq!(
            refusal(502, "<html>").to_string(),
            "the local platform answered HTTP 502"
        );
        let timeout = r#"{"command_id":"c","error_code":"IOTDA.014111","error_msg":"Command request timed out."}"#;
        assert_eq!(
            answer(timeout).unwrap_err().to_string(),
            "no answer from the device: IOTDA.014111: Command request timed out."
        );
        assert!(answer(r#"{"command_id":"c","response":{"result_code":0}}"#)
            .unwrap()
            .contains("\"result_code\": 0"));
    }
}
