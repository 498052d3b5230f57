//! The JSON bodies of IoTDA's system topics, as serde types whose field
//! names are exactly the platform's (snake_case).
//!
//! ```text
//! properties/report                    PropertiesReport        {"services":[ServiceProperties]}
//! gateway/sub_devices/properties/report GatewayPropertiesReport {"devices":[{"device_id","services"}]}
//! messages/up, messages/down           Message                 any bytes; {"object_device_id","name","id","content"}
//! commands/request_id=                 CommandRequest          {"object_device_id","service_id","command_name","paras"}
//! commands/response/request_id=        CommandResponse         {"result_code","response_name","paras"}
//! properties/set/request_id=           PropertiesSetRequest    {"object_device_id","services":[...]}
//! properties/set/response/request_id=  PropertiesSetResponse   {"result_code","result_desc"}
//! properties/get/request_id=           PropertiesGetRequest    {"object_device_id","service_id"}
//! properties/get/response/request_id=  PropertiesGetResponse   {"services":[ServiceProperties]}
//! shadow/get/request_id=               ShadowGetRequest        {"object_device_id","service_id"}
//! shadow/get/response/request_id=      ShadowGetResponse       {"object_device_id","shadow":[...]}
//! events/up, events/down               EventsPayload           {"object_device_id","services":[Event]}
//! ```
//!
//! Optional fields the platform may leave out are `Option`s and are not
//! written when `None`. Decoding errors name the JSON path of the field that
//! did not fit (`services[0].service_id: invalid type: ...`).

mod command;
mod event;
mod message;
mod ota;
mod properties;
mod services;
mod shadow;
mod sub_device;

use std::fmt;

use crate::text::{self, Say};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{json_path, MAX_PAYLOAD_LEN};

pub use command::{CommandRequest, CommandResponse};
pub use event::{
    Event, EventsPayload, SystemEvent, TimeSyncRequest, TimeSyncResponse, DEVICE_CONFIG_SERVICE_ID,
    FILE_SERVICE_ID, LOG_SERVICE_ID, OTA_SERVICE_ID, SDK_INFO_SERVICE_ID, SUB_DEVICE_SERVICE_ID,
    TIME_SYNC_SERVICE_ID,
};
pub use message::{Message, MessageEnvelope};
pub use ota::{
    BatchTask, OtaError, Progress, UpgradeNotice, UpgradeNoticeV2, UpgradeProgressReport,
    UpgradeResult, VersionReport,
};
pub use properties::{
    DeviceProperties, GatewayPropertiesReport, PropertiesGetRequest, PropertiesGetResponse,
    PropertiesReport, PropertiesSetRequest, PropertiesSetResponse,
};
pub use services::{
    ConfigUpdate, FileResultReport, FileUrlRequest, FileUrlResponse, LogConfig, LogReport,
    LogSwitch, SdkInfoReport,
};
pub use shadow::{ShadowData, ShadowGetRequest, ShadowGetResponse, ShadowService};
pub use sub_device::{
    AddSubDeviceRequest, AddSubDeviceResponse, DeleteSubDeviceRequest, DeleteSubDeviceResponse,
    DeviceStatus, FailedDevice, FailedNewDevice, NewSubDevice, SubDeviceInfo, SubDeviceStatus,
    SubDeviceStatusUpdate, SubDeviceStatusUpdateResponse, SubDeviceSyncRequest, SubDevicesNotify,
};

/// Why a payload could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The bytes are not JSON. Likely cause: a truncated message, a trailing
    /// comma, single quotes, or a binary payload.
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser found.
        detail: String,
    },
    /// The JSON does not have the expected shape. Likely cause: a missing
    /// field, a number sent as a string or the reverse, or a payload meant
    /// for another topic.
    Field {
        /// JSON path of the field (empty for the whole payload).
        path: String,
        /// What was expected and what was found.
        detail: String,
    },
    /// The encoded payload is larger than IoTDA accepts for this message.
    TooLarge {
        /// Its size in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The value could not be written as JSON. Not expected for these
    /// types; reported rather than hidden.
    Encode {
        /// What the serializer said.
        detail: String,
    },
}

impl Say for PayloadError {
    fn message(&self) -> text::Message {
        use crate::text::keys::payload as k;
        match self {
            Self::Syntax {
                line,
                column,
                detail,
            } => text::Message::new(k::SYNTAX)
                .with("detail", detail)
                .with("line", line)
                .with("column", column),
            Self::Field { path, detail } if path.is_empty() => {
                text::Message::new(k::SHAPE).with("detail", detail)
            }
            Self::Field { path, detail } => text::Message::new(k::FIELD)
                .with("path", path)
                .with("detail", detail),
            Self::TooLarge { len, max } => text::Message::new(k::TOO_LARGE)
                .with("len", len)
                .with("max", max),
            Self::Encode { detail } => text::Message::new(k::ENCODE).with("detail", detail),
        }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for PayloadError {}

/// A message body of an IoTDA system topic.
///
/// `decode` and `encode` are provided; implementors only choose the size
/// limit.
pub trait Payload: Serialize + DeserializeOwned {
    /// The largest encoded size IoTDA accepts for this payload.
    const MAX_LEN: usize = MAX_PAYLOAD_LEN;

    /// Decodes the JSON bytes of a message.
    fn decode(bytes: &[u8]) -> Result<Self, PayloadError> {
        decode_json(bytes)
    }

    /// Encodes as compact JSON, refusing a result over [`Payload::MAX_LEN`].
    fn encode(&self) -> Result<Vec<u8>, PayloadError> {
        let out = serde_json::to_vec(self).map_err(|e| PayloadError::Encode {
            detail: e.to_string(),
        })?;
        if out.len() > Self::MAX_LEN {
            return Err(PayloadError::TooLarge {
                len: out.len(),
                max: Self::MAX_LEN,
            });
        }
        Ok(out)
    }
}

/// Decodes JSON into `T`, naming the path of a field that does not fit.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let path = if e.is_data() {
            json_path::at_position(bytes, e.line(), e.column())
        } else {
            String::new()
        };
        json_error(path, e)
    })
}

/// Decodes an already parsed JSON value into `T`, naming the path of a field
/// that does not fit, relative to `base`.
pub(crate) fn from_value<T: DeserializeOwned>(
    base: &str,
    value: &Value,
) -> Result<T, PayloadError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = json_path::from_serde(e.path());
        let path = match (base.is_empty(), inner.is_empty()) {
            (_, true) => base.to_owned(),
            (true, false) => inner,
            (false, false) if inner.starts_with('[') => format!("{base}{inner}"),
            (false, false) => format!("{base}.{inner}"),
        };
        json_error(path, e.into_inner())
    })
}

fn json_error(path: String, e: serde_json::Error) -> PayloadError {
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    // serde_json appends the position; keep the message without it.
    let detail = text
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&text)
        .to_owned();
    if e.is_syntax() || e.is_eof() {
        PayloadError::Syntax {
            line,
            column,
            detail,
        }
    } else {
        PayloadError::Field { path, detail }
    }
}

/// Reads `null` as the type's default: the platform and older tools write
/// `null` for an empty list.
pub(crate) fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// One service's properties: `{"service_id", "properties", "event_time"}`,
/// the element of reports, property-set requests and get responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceProperties {
    /// The service, as named in the product model.
    pub service_id: String,
    /// Property names and values.
    pub properties: Map<String, Value>,
    /// When the values were measured, `yyyyMMdd'T'HHmmss'Z'` UTC (see
    /// [`EventTime`](super::EventTime)); kept as text so a malformed one can
    /// be reported rather than lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
}

impl ServiceProperties {
    /// A service's properties without an `event_time` (the platform then
    /// uses the time it receives them).
    pub fn new(service_id: impl Into<String>, properties: Map<String, Value>) -> Self {
        Self {
            service_id: service_id.into(),
            properties,
            event_time: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::Debug;

    use super::*;

    /// The decoder `decode_json` replaced, kept as its oracle:
    /// serde_path_to_error tracks the path while decoding.
    fn decode_tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = json_path::from_serde(e.path());
            json_error(path, e.into_inner())
        })?;
        de.end().map_err(|e| json_error(String::new(), e))?;
        Ok(value)
    }

    /// Values of every JSON type, put in place of each value of a document.
    const REPLACEMENTS: &[&str] = &[
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "\"x\"",
        "\"R\"",
        "\"int\"",
        "[]",
        "[1]",
        "[\"x\"]",
        "{}",
        "{\"a\":1}",
        "[{}]",
        "[[1]]",
    ];

    /// Every document made from `doc` by replacing one value (see
    /// [`REPLACEMENTS`]) or removing one object member, compact and pretty.
    fn mutations(doc: &Value) -> Vec<Vec<u8>> {
        let mut pointers = Vec::new();
        pointers_of(doc, String::new(), &mut pointers);
        let mut docs = Vec::new();
        for pointer in &pointers {
            for text in REPLACEMENTS {
                let mut copy = doc.clone();
                if let Some(node) = copy.pointer_mut(pointer) {
                    *node = serde_json::from_str(text).unwrap();
                    docs.push(copy);
                }
            }
            if let Some((parent, last)) = pointer.rsplit_once('/') {
                let mut copy = doc.clone();
                if let Some(Value::Object(map)) = copy.pointer_mut(parent) {
                    map.remove(&last.replace("~1", "/").replace("~0", "~"));
                    docs.push(copy);
                }
            }
        }
        docs.iter()
            .flat_map(|d| {
                [
                    serde_json::to_vec(d).unwrap(),
                    serde_json::to_vec_pretty(d).unwrap(),
                ]
            })
            .collect()
    }

    fn pointers_of(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers_of(
                        v,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(list) => {
                for (i, v) in list.iter().enumerate() {
                    pointers_of(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// Checks that `decode_json` gives what the path-tracking decoder gave
    /// for every mutation of `doc`; returns how many were checked.
    pub(crate) fn same_as_tracked<T: DeserializeOwned + PartialEq + Debug>(doc: &[u8]) -> usize {
        let doc: Value = serde_json::from_slice(doc).unwrap();
        let cases = mutations(&doc);
        for bytes in &cases {
            assert_eq!(
                decode_json::<T>(bytes),
                decode_tracked::<T>(bytes),
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        cases.len()
    }

    #[test]
    fn paths_are_those_serde_path_to_error_gave() {
        // Compiled in: the core never reads files, not even in its tests.
        macro_rules! fixture {
            ($name:literal) => {
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/iotda/",
                    $name
                ))
            };
        }
        let mut n = 0;
        n += same_as_tracked::<PropertiesReport>(fixture!("properties_report.json"));
        // Brackets, quotes and escapes inside strings must not confuse the scan.
        n += same_as_tracked::<PropertiesReport>(
            r#"{"services":[{"service_id":"a\"]}","properties":{"x \"y\"":[1,{"z":"}\\"}],"温度":1},"event_time":"[{"}]}"#.as_bytes(),
        );
        n += same_as_tracked::<GatewayPropertiesReport>(fixture!(
            "gateway_sub_devices_properties_report.json"
        ));
        n += same_as_tracked::<CommandRequest>(fixture!("command_request.json"));
        n += same_as_tracked::<CommandResponse>(fixture!("command_response.json"));
        n += same_as_tracked::<PropertiesSetRequest>(fixture!("properties_set_request.json"));
        n += same_as_tracked::<PropertiesGetResponse>(fixture!("properties_get_response.json"));
        n += same_as_tracked::<ShadowGetResponse>(fixture!("shadow_get_response.json"));
        n += same_as_tracked::<EventsPayload>(fixture!("events_ota_version_report.json"));
        n += same_as_tracked::<crate::iotda::model::ProductModel>(fixture!("product_model.json"));
        assert!(n > 1000, "{n}");
    }

    #[test]
    fn syntax_errors_give_the_position_and_field_errors_the_path() {
        let err = PropertiesReport::decode(b"{\"services\": [}").unwrap_err();
        assert!(
            matches!(
                err,
                PayloadError::Syntax {
                    line: 1,
                    column: 15,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            PropertiesReport::decode(br#"{"services":[{"service_id":5,"properties":{}}]}"#),
            Err(PayloadError::Field {
                path: "services[0].service_id".into(),
                detail: "invalid type: integer `5`, expected a string".into(),
            })
        );
        assert_eq!(
            PropertiesReport::decode(br#"{"services":[{"properties":{}}]}"#)
                .unwrap_err()
                .to_string(),
            "field services[0]: missing field `service_id`"
        );
        assert_eq!(
            PropertiesReport::decode(b"\"on\"").unwrap_err().to_string(),
            "the payload does not have the expected shape: invalid type: string \"on\", expected struct PropertiesReport"
        );
        assert!(matches!(
            PropertiesReport::decode(br#"{"services":[]} x"#),
            Err(PayloadError::Syntax { .. })
        ));
        assert!(matches!(
            PropertiesReport::decode(b""),
            Err(PayloadError::Syntax { .. })
        ));
        assert!(matches!(
            PropertiesReport::decode(&[0xff, 0xfe]),
            Err(PayloadError::Syntax { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"services\":[{{\"service_id\":\"s\",\"properties\":{{\"a\":{}{}}}}}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(
            PropertiesReport::decode(deep.as_bytes()),
            Err(PayloadError::Syntax { .. })
        ));
    }

    #[test]
    fn encode_refuses_a_report_over_64_kb() {
        let mut properties = Map::new();
        properties.insert("blob".into(), Value::from("x".repeat(70_000)));
        let report = PropertiesReport {
            services: vec![ServiceProperties::new("s", properties)],
        };
        assert!(matches!(
            report.encode(),
            Err(PayloadError::TooLarge { max: 65_536, .. })
        ));
    }
}
