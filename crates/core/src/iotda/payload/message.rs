//! Free-form messages (`messages/up`, `messages/down`).
//!
//! IoTDA does not look inside a message: a device may send any bytes. A
//! message the platform sends through its message API arrives wrapped as
//! `{"object_device_id","name","id","content"}`; [`Message::from_bytes`]
//! recognises that envelope and otherwise keeps JSON, text or raw bytes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Payload, PayloadError};
use crate::iotda::MAX_PAYLOAD_LEN;

/// The platform's message envelope.
///
/// ```json
/// {"object_device_id":"...","name":"name","id":"id","content":"hello"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageEnvelope {
    /// The device the message is for (a gateway gets its sub-devices').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_device_id: Option<String>,
    /// The message's name, as given to the platform's API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The message's id on the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The message itself: a string or any JSON value.
    pub content: Value,
}

impl Payload for MessageEnvelope {}

/// A message body, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The platform's envelope: an object with `content` and no keys other
    /// than `object_device_id`, `name` and `id` (all strings when present).
    Envelope(MessageEnvelope),
    /// Any other JSON.
    Json(Value),
    /// UTF-8 text that is not JSON.
    Text(String),
    /// Bytes that are not UTF-8.
    Binary(Vec<u8>),
}

impl Message {
    /// Classifies a message body. Never fails: every byte string is a
    /// message.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
            return match envelope(&value) {
                Some(e) => Self::Envelope(e),
                None => Self::Json(value),
            };
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::Text(text.to_owned()),
            Err(_) => Self::Binary(bytes.to_vec()),
        }
    }

    /// The bytes to publish (JSON is written compactly), refusing more than
    /// IoTDA's 1 MB.
    pub fn encode(&self) -> Result<Vec<u8>, PayloadError> {
        let out = match self {
            Self::Envelope(e) => return e.encode(),
            Self::Json(v) => serde_json::to_vec(v).map_err(|e| PayloadError::Encode {
                detail: e.to_string(),
            })?,
            Self::Text(t) => t.as_bytes().to_vec(),
            Self::Binary(b) => b.clone(),
        };
        if out.len() > MAX_PAYLOAD_LEN {
            return Err(PayloadError::TooLarge {
                len: out.len(),
                max: MAX_PAYLOAD_LEN,
            });
        }
        Ok(out)
    }
}

fn envelope(value: &Value) -> Option<MessageEnvelope> {
    let object = value.as_object()?;
    let known = ["object_device_id", "name", "id", "content"];
    if !object.contains_key("content") || object.keys().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    let text = |key: &str| match object.get(key) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    Some(MessageEnvelope {
        object_device_id: text("object_device_id")?,
        name: text("name")?,
        id: text("id")?,
        content: object.get("content")?.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classifies_envelopes_json_text_and_bytes() {
        let m = Message::from_bytes(br#"{"name":"n","id":"1","content":{"a":1}}"#);
        assert_eq!(
            m,
            Message::Envelope(MessageEnvelope {
                object_device_id: None,
                name: Some("n".into()),
                id: Some("1".into()),
                content: json!({"a": 1}),
            })
        );
        assert_eq!(
            Message::from_bytes(br#"{"content":"x","other":1}"#),
            Message::Json(json!({"content": "x", "other": 1}))
        );
        assert_eq!(
            Message::from_bytes(br#"{"content":"x","name":5}"#),
            Message::Json(json!({"content": "x", "name": 5}))
        );
        assert_eq!(Message::from_bytes(b"[1,2]"), Message::Json(json!([1, 2])));
        assert_eq!(Message::from_bytes(b"hello"), Message::Text("hello".into()));
        assert_eq!(Message::from_bytes(b""), Message::Text(String::new()));
        assert_eq!(
            Message::from_bytes(&[0xff, 0x00]),
            Message::Binary(vec![0xff, 0x00])
        );
    }

    #[test]
    fn encodes_each_form() {
        assert_eq!(Message::Text("hi".into()).encode().unwrap(), b"hi");
        assert_eq!(
            Message::Json(json!({"a": [1]})).encode().unwrap(),
            br#"{"a":[1]}"#
        );
        assert_eq!(Message::Binary(vec![1, 2]).encode().unwrap(), [1, 2]);
        assert!(matches!(
            Message::Binary(vec![0; MAX_PAYLOAD_LEN + 1]).encode(),
            Err(PayloadError::TooLarge { .. })
        ));
    }
}
