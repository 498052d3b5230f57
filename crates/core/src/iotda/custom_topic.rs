//! Topics outside `sys/`: a product's custom topics and broadcast topics.
//!
//! ```text
//! $oc/devices/{device_id}/user/{name}   custom: {name} is 1-64 of [A-Za-z0-9_/], no "//";
//!                                       works only when the product defines it
//! $oc/broadcast/{name}                  broadcast: the device subscribes; the application
//!                                       publishes through POST /v5/iot/{project_id}/broadcast-messages
//! any topic                             at most 128 bytes
//! ```
//!
//! Huawei's pages: "Custom Topics Starting with $oc" (usermanual-iothub
//! iot_02_9998: the prefix, the 1-64 characters, no consecutive slashes, no
//! variables), "Topic Policies" (iot_01_1111: 128 bytes a topic) and
//! "Broadcast Communications" (iot_01_00121: the `$oc/broadcast/` prefix).
//! The pages give no rule for the name of a broadcast topic; the kit applies
//! the custom-topic characters to it too.
//!
//! Pure: strings in, a class or a typed error out.

use std::fmt;

use crate::credentials;
use crate::text::{Message, Say};

use super::topic::{Topic, TopicError};

/// Longest topic IoTDA takes, in bytes.
pub const MAX_IOTDA_TOPIC_LEN: usize = 128;
/// Longest custom-topic name (after `user/`), in characters.
pub const MAX_CUSTOM_NAME_LEN: usize = 64;

const DEVICES: &str = "$oc/devices/";
const USER: &str = "/user/";
const BROADCAST: &str = "$oc/broadcast/";

/// What a topic is, for IoTDA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicClass {
    /// One of the platform's `sys/` topics.
    System(Topic),
    /// A product's custom topic.
    Custom(CustomTopic),
    /// A broadcast topic.
    Broadcast(BroadcastTopic),
}

impl TopicClass {
    /// Classifies `topic`: a system topic, a custom topic or a broadcast
    /// topic, each checked; anything else is an error.
    pub fn parse(topic: &str) -> Result<Self, CustomTopicError> {
        if topic.len() > MAX_IOTDA_TOPIC_LEN {
            return Err(CustomTopicError::TooLong {
                len: topic.len(),
                max: MAX_IOTDA_TOPIC_LEN,
            });
        }
        if let Some(name) = topic.strip_prefix(BROADCAST) {
            check_name(name)?;
            return Ok(Self::Broadcast(BroadcastTopic {
                name: name.to_owned(),
            }));
        }
        if let Some(rest) = topic.strip_prefix(DEVICES) {
            if let Some(at) = rest.find(USER) {
                let device_id = rest.get(..at).unwrap_or_default();
                let name = rest.get(at + USER.len()..).unwrap_or_default();
                credentials::check_device_id(device_id).map_err(CustomTopicError::DeviceId)?;
                check_name(name)?;
                return Ok(Self::Custom(CustomTopic {
                    device_id: device_id.to_owned(),
                    name: name.to_owned(),
                }));
            }
        }
        Topic::parse(topic)
            .map(Self::System)
            .map_err(CustomTopicError::Topic)
    }

    /// What a person should know before using it: a custom topic works only
    /// when the product defines it.
    pub fn warning(&self) -> Option<Message> {
        match self {
            Self::Custom(c) => Some(
                Message::new(crate::text::keys::custom_topic::DEFINE_IN_PRODUCT)
                    .with("name", &c.name),
            ),
            Self::System(_) | Self::Broadcast(_) => None,
        }
    }
}

/// `$oc/devices/{device_id}/user/{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomTopic {
    /// The device in the topic.
    pub device_id: String,
    /// The name after `user/`, as the product defines it.
    pub name: String,
}

impl CustomTopic {
    /// The topic for `device_id` of the product's custom topic `name`.
    pub fn new(device_id: &str, name: &str) -> Result<Self, CustomTopicError> {
        match TopicClass::parse(&format!("{DEVICES}{device_id}{USER}{name}"))? {
            TopicClass::Custom(c) => Ok(c),
            // A device id with "/user/" in it cannot pass the device id check.
            _ => Err(CustomTopicError::EmptyName),
        }
    }
}

impl fmt::Display for CustomTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{DEVICES}{}{USER}{}", self.device_id, self.name)
    }
}

/// `$oc/broadcast/{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastTopic {
    /// The name after `$oc/broadcast/`.
    pub name: String,
}

impl fmt::Display for BroadcastTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{BROADCAST}{}", self.name)
    }
}

/// Why a topic is not one IoTDA takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomTopicError {
    /// Longer than 128 bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Nothing after `user/` or `$oc/broadcast/`.
    EmptyName,
    /// The name is longer than 64 characters.
    NameTooLong {
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character other than letters, digits, `_` and `/`. Likely cause: a
    /// variable such as `{type}`, which custom topics do not support, or a
    /// wildcard in a message topic.
    NameChar {
        /// The character.
        ch: char,
        /// Its position in the name, from 1.
        position: usize,
    },
    /// Two slashes in a row, or a slash at the end.
    EmptyLevel,
    /// The device id in a custom topic is not valid.
    DeviceId(credentials::Error),
    /// Not a custom or broadcast topic, and not a system topic either.
    Topic(TopicError),
}

impl Say for CustomTopicError {
    fn message(&self) -> Message {
        use crate::text::keys::custom_topic as k;
        match self {
            Self::TooLong { len, max } => {
                Message::new(k::TOO_LONG).with("len", len).with("max", max)
            }
            Self::EmptyName => Message::new(k::EMPTY_NAME),
            Self::NameTooLong { len, max } => Message::new(k::NAME_TOO_LONG)
                .with("len", len)
                .with("max", max),
            Self::NameChar { ch, position } => Message::new(k::NAME_CHAR)
                .with("ch", format_args!("{ch:?}"))
                .with("position", position),
            Self::EmptyLevel => Message::new(k::EMPTY_LEVEL),
            Self::DeviceId(e) => Message::new(k::DEVICE_ID).with_message("error", e.message()),
            Self::Topic(e) => e.message(),
        }
    }
}

impl fmt::Display for CustomTopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for CustomTopicError {}

fn check_name(name: &str) -> Result<(), CustomTopicError> {
    if name.is_empty() {
        return Err(CustomTopicError::EmptyName);
    }
    let len = name.chars().count();
    if len > MAX_CUSTOM_NAME_LEN {
        return Err(CustomTopicError::NameTooLong {
            len,
            max: MAX_CUSTOM_NAME_LEN,
        });
    }
    if let Some((i, ch)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '/'))
    {
        return Err(CustomTopicError::NameChar {
            ch,
            position: i + 1,
        });
    }
    if name.contains("//") || name.ends_with('/') || name.starts_with('/') {
        return Err(CustomTopicError::EmptyLevel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iotda::TopicKind;

    #[test]
    fn classifies_the_documented_examples() {
        // iot_02_9998's Java SDK example subscribes to .../user/wpy.
        let c = TopicClass::parse("$oc/devices/p_n/user/wpy").unwrap();
        assert_eq!(
            c,
            TopicClass::Custom(CustomTopic {
                device_id: "p_n".into(),
                name: "wpy".into()
            })
        );
        assert_eq!(
            c.warning().unwrap().to_string(),
            "custom topic user/wpy works only if the product defines it (console: the product's Topic Management, Custom Topic) with the permission to publish or subscribe"
        );
        // iot_01_00121's example.
        let b = TopicClass::parse("$oc/broadcast/test").unwrap();
        assert_eq!(
            b,
            TopicClass::Broadcast(BroadcastTopic {
                name: "test".into()
            })
        );
        assert_eq!(b.warning(), None);
        let TopicClass::System(s) = TopicClass::parse("$oc/devices/p_n/sys/messages/up").unwrap()
        else {
            panic!()
        };
        assert_eq!(s.kind(), TopicKind::MessagesUp);
        let c = CustomTopic::new("p_n", "a/b_c/D9").unwrap();
        assert_eq!(c.to_string(), "$oc/devices/p_n/user/a/b_c/D9");
        assert_eq!(
            TopicClass::parse(&c.to_string()).unwrap(),
            TopicClass::Custom(c)
        );
    }

    #[test]
    fn refuses_what_the_console_would_not_define() {
        let long = format!("$oc/devices/p_n/user/{}", "a".repeat(108));
        assert_eq!(long.len(), 129);
        assert_eq!(
            TopicClass::parse(&long),
            Err(CustomTopicError::TooLong { len: 129, max: 128 })
        );
        assert_eq!(
            TopicClass::parse(&format!("$oc/devices/p_n/user/{}", "a".repeat(65))),
            Err(CustomTopicError::NameTooLong { len: 65, max: 64 })
        );
        assert!(TopicClass::parse(&format!("$oc/devices/p_n/user/{}", "a".repeat(64))).is_ok());
        for (topic, want) in [
            ("$oc/devices/p_n/user/", CustomTopicError::EmptyName),
            ("$oc/broadcast/", CustomTopicError::EmptyName),
            (
                "$oc/devices/p_n/user/setting/{type}",
                CustomTopicError::NameChar {
                    ch: '{',
                    position: 9,
                },
            ),
            (
                "$oc/devices/p_n/user/a+",
                CustomTopicError::NameChar {
                    ch: '+',
                    position: 2,
                },
            ),
            ("$oc/devices/p_n/user/a//b", CustomTopicError::EmptyLevel),
            ("$oc/broadcast/a/", CustomTopicError::EmptyLevel),
        ] {
            assert_eq!(TopicClass::parse(topic), Err(want), "{topic}");
        }
        assert!(matches!(
            TopicClass::parse("$oc/devices/p n/user/x"),
            Err(CustomTopicError::DeviceId(_))
        ));
        assert!(matches!(
            TopicClass::parse("a/b"),
            Err(CustomTopicError::Topic(TopicError::NotSystemTopic { .. }))
        ));
        assert_eq!(
            TopicClass::parse("$oc/devices/p_n/user/a//b")
                .unwrap_err()
                .to_string(),
            "a custom or broadcast topic name has an empty level: no '//' and no '/' at either end"
        );
    }
}
