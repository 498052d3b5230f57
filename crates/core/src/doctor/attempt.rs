//! What a device sent when it tried to connect, and its ClientId read
//! field by field.

use super::{Finding, SecretText};
use crate::credentials::{self, SignType, Timestamp};
use crate::iotda::{EventTime, EventTimeError};
use crate::mqtt::Connect;

/// One connection attempt as the device made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The ClientId it sent.
    pub client_id: String,
    /// The user name it sent, if any.
    pub username: Option<String>,
    /// The password it sent, if any.
    pub password: Option<SecretText>,
    /// The keep alive it asked for, when known (from a captured CONNECT).
    pub keep_alive: Option<u16>,
}

impl Attempt {
    /// An attempt with the given ClientId, user name and password, keep
    /// alive unknown.
    pub fn new(
        client_id: impl Into<String>,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            username: username.map(str::to_owned),
            password: password.map(SecretText::new),
            keep_alive: None,
        }
    }

    /// The attempt a decoded CONNECT packet makes. A password that is not
    /// UTF-8 is kept with its invalid bytes replaced: no IoTDA password
    /// (hex digits) can equal it, so it is still diagnosed as wrong.
    pub fn from_connect(connect: &Connect) -> Self {
        Self {
            client_id: connect.client_id.clone(),
            username: connect.username.clone(),
            password: connect
                .password
                .as_deref()
                .map(|p| SecretText::new(String::from_utf8_lossy(p))),
            keep_alive: Some(connect.keep_alive),
        }
    }
}

/// The time of an attempt in Unix seconds, from `YYYY-MM-DDTHH:MM:SSZ` or
/// either `event_time` form (`YYYY-MM-DDTHH:MM:SS.sssZ`,
/// `yyyyMMddTHHmmssZ`), all UTC.
pub fn attempt_time(text: &str) -> Result<i64, EventTimeError> {
    let text = text.trim();
    let parsed = match text.strip_suffix('Z') {
        Some(head) if text.len() == 20 => EventTime::parse(&format!("{head}.000Z")),
        _ => EventTime::parse(text),
    };
    parsed.map(EventTime::unix_seconds)
}

/// A ClientId that has IoTDA's form `{device_id}_0_{sign_type}_{YYYYMMDDHH}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId {
    /// The device id (it may itself contain `_`).
    pub device_id: String,
    /// The sign type digit.
    pub sign_type: SignType,
    /// The hour the password is keyed with.
    pub timestamp: Timestamp,
}

impl ClientId {
    /// Reads a ClientId from the right (device ids contain `_`); the
    /// [`Finding`] names the first field that breaks the form.
    pub fn parse(text: &str) -> Result<Self, Finding> {
        check_length(text)?;
        let mut fields = text.rsplitn(4, '_');
        match (fields.next(), fields.next(), fields.next(), fields.next()) {
            (Some(hour), Some(sign), Some(kind), Some(device_id)) if !device_id.is_empty() => {
                Self::from_fields(device_id, kind, sign, hour)
            }
            _ => Err(Finding::ClientIdFields {
                client_id: text.to_owned(),
            }),
        }
    }

    /// Reads the ClientId of the device `device_id`: when it starts with
    /// `{device_id}_`, exactly three fields must follow (so a missing field
    /// is not mistaken for part of a device id with `_` in it); otherwise
    /// as [`ClientId::parse`].
    pub fn parse_for(text: &str, device_id: &str) -> Result<Self, Finding> {
        check_length(text)?;
        let Some(rest) = text
            .strip_prefix(device_id)
            .and_then(|r| r.strip_prefix('_'))
        else {
            return Self::parse(text);
        };
        let fields: Vec<&str> = rest.split('_').collect();
        match fields.as_slice() {
            [kind, sign, hour] => Self::from_fields(device_id, kind, sign, hour),
            _ => Err(Finding::ClientIdFields {
                client_id: text.to_owned(),
            }),
        }
    }

    fn from_fields(device_id: &str, kind: &str, sign: &str, hour: &str) -> Result<Self, Finding> {
        let timestamp = Timestamp::parse(hour).map_err(|error| Finding::ClientIdTimestamp {
            found: hour.to_owned(),
            error,
        })?;
        let sign_type = sign.parse().map_err(|_| Finding::SignTypeDigit {
            found: sign.to_owned(),
        })?;
        if kind != "0" {
            return Err(Finding::DeviceType {
                found: kind.to_owned(),
            });
        }
        Ok(Self {
            device_id: device_id.to_owned(),
            sign_type,
            timestamp,
        })
    }
}

fn check_length(text: &str) -> Result<(), Finding> {
    let len = text.chars().count();
    if len > credentials::MAX_CLIENT_ID_LEN {
        return Err(Finding::ClientIdTooLong(len));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::TimestampError;

    #[test]
    fn debug_of_an_attempt_elides_the_password() {
        let attempt = Attempt::new("dev_0_0_2025041401", Some("dev"), Some("c75150e6cb84"));
        let shown = format!("{attempt:?}");
        assert!(!shown.contains("c75150e6cb84"), "{shown}");
        assert!(shown.contains("password: Some([elided])"), "{shown}");
    }

    #[test]
    fn reads_device_ids_with_underscores() {
        let c = ClientId::parse("5f8d_node_1_0_1_2025041401").unwrap();
        assert_eq!(c.device_id, "5f8d_node_1");
        assert_eq!(c.sign_type, SignType::CheckTimestamp);
        assert_eq!(c.timestamp.to_string(), "2025041401");
    }

    #[test]
    fn names_the_broken_field() {
        let cases = [
            (
                "dev_0_2025041401",
                Finding::ClientIdFields {
                    client_id: "dev_0_2025041401".into(),
                },
            ),
            (
                "_0_0_2025041401",
                Finding::ClientIdFields {
                    client_id: "_0_0_2025041401".into(),
                },
            ),
            (
                "dev_0_0_20250414",
                Finding::ClientIdTimestamp {
                    found: "20250414".into(),
                    error: TimestampError::Length(8),
                },
            ),
            (
                "dev_0_2_2025041401",
                Finding::SignTypeDigit { found: "2".into() },
            ),
            (
                "dev_1_0_2025041401",
                Finding::DeviceType { found: "1".into() },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(ClientId::parse(text), Err(want), "{text}");
        }
        assert_eq!(
            ClientId::parse_for("p_n_0_2025041401", "p_n"),
            Err(Finding::ClientIdFields {
                client_id: "p_n_0_2025041401".into()
            })
        );
        assert_eq!(
            ClientId::parse_for("p_n_0_1_2025041401", "p_n")
                .unwrap()
                .device_id,
            "p_n"
        );
        let long = format!("{}_0_0_2025041401", "d".repeat(250));
        assert_eq!(ClientId::parse(&long), Err(Finding::ClientIdTooLong(265)));
    }

    #[test]
    fn from_connect_keeps_what_was_sent() {
        let mut c = Connect::new(crate::mqtt::ProtocolVersion::V3_1_1, "a_0_0_2025041401", 10);
        c.username = Some("a".into());
        c.password = Some(vec![0xff, b'a']);
        let a = Attempt::from_connect(&c);
        assert_eq!(a.keep_alive, Some(10));
        assert_eq!(a.password.unwrap().expose(), "\u{fffd}a");
        assert!(!format!("{:?}", Attempt::new("x", None, Some("pw-123"))).contains("pw-123"));
    }
}

#[cfg(test)]
mod time_tests {
    use super::attempt_time;

    #[test]
    fn the_time_of_an_attempt_reads_three_utc_forms() {
        for text in [
            "2026-12-07T13:05:09Z",
            "2026-12-07T13:05:09.000Z",
            "20261207T130509Z",
        ] {
            assert_eq!(attempt_time(text), Ok(1_796_648_709), "{text}");
        }
        assert!(attempt_time("2026-12-07 13:05").is_err());
    }
}
