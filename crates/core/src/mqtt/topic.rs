//! Topic names and topic filters, validated when made (3.1.1 §4.7, 5.0 §4.7).
//!
//! A [`TopicName`] is where a message is published: no wildcards. A
//! [`TopicFilter`] is what a subscription matches: `+` stands for one whole
//! level, `#` for all remaining levels and must come last. Both are UTF-8
//! strings of at most 65,535 bytes without U+0000. Matching names against
//! filters is not done here (that is the session's or broker's job).

use std::fmt;
use std::str::FromStr;

use crate::text::Key;

use super::Error;

/// Longest string MQTT can carry: its length is two bytes.
const MAX_LEN: usize = 65_535;

fn check_string(s: &str, field: Key) -> Result<(), Error> {
    if s.len() > MAX_LEN {
        return Err(Error::TooLong {
            field,
            len: s.len(),
        });
    }
    if s.contains('\0') {
        return Err(Error::NullCharacter { field });
    }
    Ok(())
}

/// A topic name: no `+` or `#` [MQTT-3.3.2-2], no U+0000, at most 65,535
/// bytes.
///
/// It may be empty, because an MQTT 5 PUBLISH that uses a Topic Alias leaves
/// it empty; the packets reject an empty name everywhere else
/// ([MQTT-4.7.3-1]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TopicName(String);

impl TopicName {
    /// Checks `name` and wraps it.
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        check_string(&name, crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME)?;
        if name.contains(['+', '#']) {
            return Err(Error::WildcardInTopicName(name));
        }
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the name is empty (only valid with an MQTT 5 Topic Alias).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A topic filter: not empty, `#` only as the whole last level, `+` only as
/// a whole level [MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.3-1], no U+0000, at
/// most 65,535 bytes.
///
/// MQTT 5 shared subscriptions (`$share/NAME/FILTER`) are further checked by
/// the SUBSCRIBE and UNSUBSCRIBE codecs of 5.0, since in 3.1.1 `$share` is an
/// ordinary level.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicFilter(String);

impl TopicFilter {
    /// Checks `filter` and wraps it.
    pub fn new(filter: impl Into<String>) -> Result<Self, Error> {
        let filter = filter.into();
        check_string(&filter, crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER)?;
        if filter.is_empty() {
            return Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER,
            });
        }
        let levels = filter.split('/').count();
        for (i, level) in filter.split('/').enumerate() {
            if level.contains('#') && (level != "#" || i + 1 != levels) {
                return Err(Error::InvalidMultiLevelWildcard(filter));
            }
            if level.contains('+') && level != "+" {
                return Err(Error::InvalidSingleLevelWildcard(filter));
            }
        }
        Ok(Self(filter))
    }

    /// The filter.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The filter as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether `topic` matches this filter: `+` stands for one level, `#`
    /// for any number of levels at the end (also none: `a/#` matches `a`),
    /// and a filter starting with a wildcard does not match a topic starting
    /// with `$` [MQTT-4.7.2-1]. A shared subscription matches on its filter
    /// part.
    pub fn matches(&self, topic: &str) -> bool {
        let filter = match self.0.strip_prefix("$share/") {
            Some(rest) => rest.split_once('/').map_or("", |(_, f)| f),
            None => &self.0,
        };
        if topic.starts_with('$') && filter.starts_with(['+', '#']) {
            return false;
        }
        let mut levels = topic.split('/');
        for wanted in filter.split('/') {
            match (wanted, levels.next()) {
                ("#", _) => return true,
                ("+", Some(_)) => {}
                (wanted, Some(level)) if wanted == level => {}
                _ => return false,
            }
        }
        levels.next().is_none()
    }

    /// Whether it has the form of an MQTT 5 shared subscription
    /// (`$share/...`).
    pub fn is_shared(&self) -> bool {
        self.0.starts_with("$share/")
    }

    /// MQTT 5: checks the shared-subscription form if the filter starts with
    /// `$share/`: a non-empty share name without `+` or `#`, then `/` and a
    /// non-empty filter [MQTT-4.8.2-1] [MQTT-4.8.2-2].
    pub(crate) fn check_shared(&self) -> Result<(), Error> {
        let Some(rest) = self.0.strip_prefix("$share/") else {
            return Ok(());
        };
        let ok = match rest.split_once('/') {
            Some((name, filter)) => {
                !name.is_empty() && !name.contains(['+', '#']) && !filter.is_empty()
            }
            None => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSharedSubscription(self.0.clone()))
        }
    }
}

macro_rules! string_conversions {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $t {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }
        impl TryFrom<&str> for $t {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = Error;
            fn try_from(s: String) -> Result<Self, Error> {
                Self::new(s)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_conversions!(TopicName);
string_conversions!(TopicFilter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_reject_wildcards_and_null() {
        assert!(TopicName::new("a/b/c").is_ok());
        assert!(TopicName::new("$SYS/x").is_ok());
        assert!(TopicName::new("").unwrap().is_empty());
        assert_eq!(
            TopicName::new("a/+"),
            Err(Error::WildcardInTopicName("a/+".into()))
        );
        assert_eq!(
            TopicName::new("#"),
            Err(Error::WildcardInTopicName("#".into()))
        );
        assert_eq!(
            TopicName::new("a\0b"),
            Err(Error::NullCharacter {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME
            })
        );
        assert_eq!(
            TopicName::new("a".repeat(65_536)),
            Err(Error::TooLong {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_NAME,
                len: 65_536
            })
        );
    }

    #[test]
    fn topic_filters_follow_the_wildcard_rules() {
        for ok in [
            "#",
            "+",
            "a/#",
            "a/+/c",
            "+/+",
            "/",
            "a//b",
            "+/#",
            "$share/g/a/#",
        ] {
            assert!(TopicFilter::new(ok).is_ok(), "{ok}");
        }
        for bad in ["a#", "a/#/b", "#/a", "a/b#", "##"] {
            assert_eq!(
                TopicFilter::new(bad),
                Err(Error::InvalidMultiLevelWildcard(bad.into()))
            );
        }
        for bad in ["a+", "a/+b", "++", "a/b+/c"] {
            assert_eq!(
                TopicFilter::new(bad),
                Err(Error::InvalidSingleLevelWildcard(bad.into()))
            );
        }
        assert_eq!(
            TopicFilter::new(""),
            Err(Error::EmptyTopic {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER
            })
        );
        assert_eq!(
            TopicFilter::new("a\0"),
            Err(Error::NullCharacter {
                field: crate::text::keys::mqtt_codec::FIELD_TOPIC_FILTER
            })
        );
    }

    #[test]
    fn shared_subscriptions_need_a_name_and_a_filter() {
        for ok in [
            "$share/g/a",
            "$share/g/#",
            "$share/g//",
            "$sharex/+",
            "a/$share/+/b",
        ] {
            assert_eq!(TopicFilter::new(ok).unwrap().check_shared(), Ok(()), "{ok}");
        }
        for bad in [
            "$share/+/a",
            "$share//a",
            "$share/g",
            "$share/g/",
            "$share/#",
        ] {
            let f = TopicFilter::new(bad).unwrap();
            assert_eq!(
                f.check_shared(),
                Err(Error::InvalidSharedSubscription(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn filters_match_topics_by_the_wildcard_rules() {
        let cases = [
            ("a/b", "a/b", true),
            ("a/b", "a/c", false),
            ("a/+", "a/b", true),
            ("a/+", "a", false),
            ("a/+", "a/b/c", false),
            ("a/+/c", "a/b/c", true),
            ("a/#", "a", true),
            ("a/#", "a/b/c", true),
            ("a/#", "b", false),
            ("#", "a/b", true),
            ("+/+", "/x", true),
            ("+", "", true),
            ("a", "a/b", false),
            ("#", "$oc/devices/d/sys/commands/request_id=1", false),
            ("+/devices/#", "$oc/devices/d", false),
            (
                "$oc/devices/+/sys/commands/#",
                "$oc/devices/d/sys/commands/request_id=1",
                true,
            ),
            ("$share/g/a/+", "a/b", true),
            ("$share/g/a/+", "$share/g/a/b", false),
        ];
        for (filter, topic, expected) in cases {
            let f = TopicFilter::new(filter).unwrap();
            assert_eq!(f.matches(topic), expected, "{filter} vs {topic}");
        }
    }
}
