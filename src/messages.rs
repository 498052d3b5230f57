//! Messages in the reader's language. The labels of the interface are
//! [`crate::i18n::Texts`]; the messages are what the core, the workers and
//! the pages' checks say about what was typed or what happened (a field's
//! error, a refused connection, a worker's failed job).
//!
//! A message is an [`iotda_core::text::Message`]: a key and the values of
//! its named holes. The core's keys are [`iotda_core::text::keys`], the
//! page's are [`keys`]; English is each key's template, compiled in. Another
//! language is a [`Catalog`], `static/messages.zh.json`: a map from each
//! key's id to its template in that language, with the same holes, fetched
//! when the language is chosen. Nothing is matched by its English.
//!
//! Between the page and its workers a message travels as its key's id, its
//! English template and its arguments ([`wire`]): the receiver makes the
//! key again from the first two, so a binary carries the words of the keys
//! it uses itself, not a table of every key (the page would otherwise carry
//! the certificate worker's and the simulator's English too).
//!
//! The test of this module fails while the Chinese file lacks a key, has a
//! key no list declares, or has a template whose holes differ from the
//! English one. `IOTDA_WRITE_MESSAGES=1 cargo test -p iotda-kit-web --lib
//! messages` adds an empty entry for each new key and drops stale ones.

use std::cell::RefCell;
use std::collections::HashMap;

use iotda_core::text::{Key, Message, Say as Words};

pub mod keys;

/// Where the page fetches the Chinese messages from
/// (`static/messages.zh.json`).
pub const ZH_MESSAGES_URL: &str = "/messages.zh.json";

thread_local! {
    /// The keys made from messages off the wire, one per id.
    static RECEIVED: RefCell<Vec<Key>> = const { RefCell::new(Vec::new()) };
}

/// The key a message off the wire names by its `id` and English
/// `template`. It is made once per id and lives as long as the page (a key
/// is `'static`); the ids are those the sending binary was built with, so
/// they are few. An id that is not `area.NAME` or a template with a stray
/// brace is an error.
fn received_key(id: String, template: String) -> Result<Key, CatalogError> {
    let is_id = id.split_once('.').is_some_and(|(area, name)| {
        !area.is_empty()
            && !name.is_empty()
            && area
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    });
    if !is_id || !iotda_core::text::well_formed(&template) {
        return Err(CatalogError::BadKey(id));
    }
    RECEIVED.with(|received| {
        let mut received = received.borrow_mut();
        if let Some(key) = received.iter().find(|k| k.id() == id) {
            return Ok(*key);
        }
        let key = Key::new(
            Box::leak(id.into_boxed_str()),
            Box::leak(template.into_boxed_str()),
        );
        received.push(key);
        Ok(key)
    })
}

/// Text shown as it is in every language (a name, a value, a library's
/// own words) as a message.
pub fn plain(text: impl std::fmt::Display) -> Message {
    Message::new(keys::plain::TEXT).with("text", text)
}

/// Messages said one after the other (`a; b; c`), or `None` for none.
pub fn joined(list: impl IntoIterator<Item = Message>) -> Option<Message> {
    list.into_iter().reduce(|a, b| {
        Message::new(keys::messages::AND)
            .with_message("a", a)
            .with_message("b", b)
    })
}

/// Messages a line each, or `None` for none.
pub fn lines(list: impl IntoIterator<Item = Message>) -> Option<Message> {
    list.into_iter().reduce(|a, b| {
        Message::new(keys::messages::LINES)
            .with_message("a", a)
            .with_message("b", b)
    })
}

/// A JSON syntax error as a message: serde_json's words for what is wrong
/// (its error codes, which it shows only as English text: the one place
/// the page reads a library's English, to give each code a key of
/// [`keys::json`]) and where. A data error (a wrong type) and any other
/// class get a key of their own: no library English reaches the page.
pub fn json(e: &serde_json::Error) -> Message {
    use keys::json as k;
    const CODES: [Key; 18] = [
        k::EOF_LIST,
        k::EOF_OBJECT,
        k::EOF_STRING,
        k::EOF_VALUE,
        k::EXPECTED_COLON,
        k::EXPECTED_LIST_COMMA,
        k::EXPECTED_OBJECT_COMMA,
        k::EXPECTED_IDENT,
        k::EXPECTED_VALUE,
        k::INVALID_ESCAPE,
        k::INVALID_NUMBER,
        k::NUMBER_OUT_OF_RANGE,
        k::LONE_SURROGATE,
        k::CONTROL_CHARACTER,
        k::KEY_NOT_STRING,
        k::TRAILING_COMMA,
        k::TRAILING_CHARACTERS,
        k::RECURSION_LIMIT,
    ];
    let text = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(at.as_str()).unwrap_or(&text);
    let said = CODES
        .iter()
        .find(|k| Message::new(**k).to_string() == what)
        .map_or_else(|| data_error(e, what), |k| Message::new(*k));
    if e.line() == 0 {
        return said;
    }
    Message::new(k::AT)
        .with_message("what", said)
        .with("line", e.line())
        .with("column", e.column())
}

/// A JSON error that is not a syntax error: a missing field named, any
/// other wrong type or shape in words of our own.
fn data_error(e: &serde_json::Error, what: &str) -> Message {
    use keys::json as k;
    if e.classify() != serde_json::error::Category::Data {
        return Message::new(k::UNREADABLE);
    }
    match what
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        Some(field) => Message::new(k::MISSING_FIELD).with("field", field),
        None => Message::new(k::WRONG_SHAPE),
    }
}

/// Why a messages file or a message off the wire cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    /// The file is not a JSON map of ids to templates.
    NotAMap(String),
    /// A template has a stray brace or a bad hole name.
    Malformed(String),
    /// A message off the wire names a key by a malformed id or template.
    BadKey(String),
    /// The key has no hole of this name.
    UnknownHole {
        /// The key's id.
        key: &'static str,
        /// The hole's name.
        hole: String,
    },
}

impl Words for CatalogError {
    fn message(&self) -> Message {
        use keys::messages as m;
        match self {
            Self::NotAMap(why) => Message::new(m::NOT_A_MAP).with("why", why),
            Self::Malformed(id) => Message::new(m::MALFORMED).with("id", id),
            Self::BadKey(id) => Message::new(m::BAD_KEY).with("id", id),
            Self::UnknownHole { key, hole } => Message::new(m::UNKNOWN_HOLE)
                .with("id", key)
                .with("hole", hole),
        }
    }
}

/// The messages of one language: each key's template, by id.
#[derive(Debug)]
pub struct Catalog {
    templates: HashMap<String, String>,
}

impl Catalog {
    /// The catalog of a file: a JSON map of ids to templates. It lives as
    /// long as the page: a language is read once. An empty template counts
    /// as missing (English is shown).
    pub fn from_json(bytes: &[u8]) -> Result<&'static Catalog, CatalogError> {
        let mut templates: HashMap<String, String> =
            serde_json::from_slice(bytes).map_err(|e| CatalogError::NotAMap(e.to_string()))?;
        templates.retain(|_, t| !t.is_empty());
        if let Some((id, _)) = templates
            .iter()
            .find(|(_, t)| !iotda_core::text::well_formed(t))
        {
            return Err(CatalogError::Malformed(id.clone()));
        }
        Ok(Box::leak(Box::new(Catalog { templates })))
    }

    /// The template of `key` in this language, if it has one.
    pub fn template(&self, key: Key) -> Option<&str> {
        self.templates.get(key.id()).map(String::as_str)
    }
}

/// Says messages in the language on screen: English as the keys write it,
/// another language by its catalog. Part of the app's context
/// ([`crate::i18n::Shown`]).
#[derive(Clone, Copy, Default)]
pub struct Say {
    keyed: Option<&'static Catalog>,
}

impl Say {
    /// Says messages by `catalog`.
    pub fn by(catalog: &'static Catalog) -> Self {
        Self {
            keyed: Some(catalog),
        }
    }

    /// `message` in the language on screen.
    pub fn message(self, message: &Message) -> String {
        match self.keyed {
            Some(catalog) => message.render(&|k| catalog.template(k)),
            None => message.to_string(),
        }
    }

    /// What `words` say, in the language on screen.
    pub fn say(self, words: &impl Words) -> String {
        self.message(&words.message())
    }
}

impl std::fmt::Debug for Say {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.keyed.is_some() {
            "Say(catalog)"
        } else {
            "Say(English)"
        })
    }
}

/// A message as it crosses to and from a worker: its key's id and its
/// arguments, each a text or a message. Use as
/// `#[serde(with = "crate::messages::wire")]` on a `Message` field, or
/// [`Msg`] to hold one in a container.
pub mod wire {
    use iotda_core::text::{Arg, Message};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::CatalogError;

    /// A message in its wire form: its key's id and English template, and
    /// its arguments.
    #[derive(Serialize, Deserialize)]
    struct Form {
        k: String,
        e: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        a: Vec<(String, Value)>,
    }

    /// A hole's value in its wire form.
    #[derive(Serialize, Deserialize)]
    enum Value {
        T(String),
        M(Form),
    }

    fn form(m: &Message) -> Form {
        Form {
            k: m.key().id().to_owned(),
            e: m.key().english().to_owned(),
            a: m.args()
                .iter()
                .map(|(name, arg)| {
                    let v = match arg {
                        Arg::Text(t) => Value::T(t.clone()),
                        Arg::Message(m) => Value::M(form(m)),
                    };
                    ((*name).to_owned(), v)
                })
                .collect(),
        }
    }

    fn message(f: Form) -> Result<Message, CatalogError> {
        let key = super::received_key(f.k, f.e)?;
        let holes = key.holes();
        let mut out = Message::new(key);
        for (name, value) in f.a {
            let Some(hole) = holes.iter().find(|h| **h == name).copied() else {
                return Err(CatalogError::UnknownHole {
                    key: key.id(),
                    hole: name,
                });
            };
            out = match value {
                Value::T(t) => out.with(hole, t),
                Value::M(m) => out.with_message(hole, message(m)?),
            };
        }
        Ok(out)
    }

    /// Writes `m` as its id and arguments.
    pub fn serialize<S: Serializer>(m: &Message, s: S) -> Result<S::Ok, S::Error> {
        form(m).serialize(s)
    }

    /// Reads a message written by [`serialize`]; an unknown id or hole is
    /// an error.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        message(Form::deserialize(d)?)
            .map_err(|e| serde::de::Error::custom(iotda_core::text::Say::message(&e)))
    }

    /// [`serialize`] and [`deserialize`] for an `Option<Message>`.
    pub mod opt {
        use super::*;

        /// Writes `m`, or nothing.
        pub fn serialize<S: Serializer>(m: &Option<Message>, s: S) -> Result<S::Ok, S::Error> {
            m.as_ref().map(form).serialize(s)
        }

        /// Reads what [`serialize`] wrote.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Message>, D::Error> {
            Option::<Form>::deserialize(d)?
                .map(message)
                .transpose()
                .map_err(|e| serde::de::Error::custom(iotda_core::text::Say::message(&e)))
        }
    }
}

/// A message that crosses to and from a worker by its key's id
/// ([`wire`]): what the workers' protocols and the state they share with
/// the page hold. It is the [`Message`] it wraps (`Deref`), and says it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Msg(#[serde(with = "wire")] pub Message);

impl From<Message> for Msg {
    fn from(m: Message) -> Self {
        Self(m)
    }
}

impl std::ops::Deref for Msg {
    type Target = Message;
    fn deref(&self) -> &Message {
        &self.0
    }
}

impl Words for Msg {
    fn message(&self) -> Message {
        self.0.clone()
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What tests of the states ask of a message they hold: its English.
#[cfg(test)]
pub(crate) mod english {
    use super::{plain, Message, Msg};

    /// A message's English, searched as text (tests only).
    pub(crate) trait English {
        /// Whether its English contains `s`.
        fn contains(&self, s: &str) -> bool;
        /// Whether its English starts with `s`.
        fn starts_with(&self, s: &str) -> bool;
    }

    impl English for Message {
        fn contains(&self, s: &str) -> bool {
            self.to_string().contains(s)
        }

        fn starts_with(&self, s: &str) -> bool {
            self.to_string().starts_with(s)
        }
    }

    impl Msg {
        /// Whether its English contains `s`.
        pub fn contains(&self, s: &str) -> bool {
            self.to_string().contains(s)
        }

        /// Whether its English starts with `s`.
        pub fn starts_with(&self, s: &str) -> bool {
            self.to_string().starts_with(s)
        }
    }

    impl PartialEq<&str> for Msg {
        fn eq(&self, other: &&str) -> bool {
            self.to_string().as_str() == *other
        }
    }

    impl PartialEq<String> for Msg {
        fn eq(&self, other: &String) -> bool {
            self.to_string().as_str() == other.as_str()
        }
    }

    impl From<&str> for Msg {
        fn from(s: &str) -> Self {
            Msg(plain(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;

    use super::*;

    fn file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static/messages.zh.json")
    }

    fn every_key() -> Vec<Key> {
        iotda_core::text::keys::ALL
            .iter()
            .chain(keys::ALL)
            .chain(crate::web::said::ALL)
            .copied()
            .collect()
    }

    /// What is wrong with a catalog against the keys: ids missing (or
    /// empty), ids no list declares, and ids whose holes differ.
    fn problems(
        file: &BTreeMap<String, String>,
        keys: &[Key],
    ) -> (Vec<String>, Vec<String>, Vec<String>) {
        let missing = keys
            .iter()
            .filter(|k| file.get(k.id()).is_none_or(String::is_empty))
            .map(|k| k.id().to_owned())
            .collect();
        let stale = file
            .keys()
            .filter(|id| !keys.iter().any(|k| k.id() == *id))
            .cloned()
            .collect();
        let bad_holes = keys
            .iter()
            .filter_map(|k| {
                let t = file.get(k.id()).filter(|t| !t.is_empty())?;
                let theirs: BTreeSet<_> = iotda_core::text::holes(t).into_iter().collect();
                let ours: BTreeSet<_> = k.holes().into_iter().collect();
                (theirs != ours || !iotda_core::text::well_formed(t)).then(|| k.id().to_owned())
            })
            .collect();
        (missing, stale, bad_holes)
    }

    #[test]
    fn every_key_has_chinese_with_the_same_holes_and_no_key_is_stale() {
        let text = std::fs::read_to_string(file()).unwrap();
        let mut zh: BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
        let keys = every_key();
        if std::env::var_os("IOTDA_WRITE_MESSAGES").is_some() {
            zh.retain(|id, _| keys.iter().any(|k| k.id() == id));
            for k in &keys {
                zh.entry(k.id().to_owned()).or_default();
            }
            let mut out = serde_json::to_string_pretty(&zh).unwrap();
            out.push('\n');
            std::fs::write(file(), out).unwrap();
        }
        let (missing, stale, bad_holes) = problems(&zh, &keys);
        assert!(
            missing.is_empty() && stale.is_empty() && bad_holes.is_empty(),
            "static/messages.zh.json lacks Chinese for {missing:?}, has keys no list declares \
             {stale:?}, and has templates whose holes differ from the English for {bad_holes:?}"
        );
        assert!(Catalog::from_json(text.as_bytes()).is_ok());
    }

    #[test]
    fn every_id_is_declared_once_across_the_lists() {
        let keys = every_key();
        for (i, k) in keys.iter().enumerate() {
            assert!(
                !keys[..i].iter().any(|o| o.id() == k.id()),
                "{} is declared twice",
                k.id()
            );
            assert!(iotda_core::text::well_formed(k.english()), "{}", k.id());
        }
    }

    #[test]
    fn the_check_fails_on_a_missing_a_stale_and_a_mismatched_key() {
        const A: Key = Key::new("t.A", "a {x}");
        const B: Key = Key::new("t.B", "b");
        let file: BTreeMap<String, String> = [("t.A", "甲 {y}"), ("t.C", "丙")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let (missing, stale, bad) = problems(&file, &[A, B]);
        assert_eq!(missing, ["t.B"]);
        assert_eq!(stale, ["t.C"]);
        assert_eq!(bad, ["t.A"]);
    }

    #[test]
    fn chinese_is_looked_up_by_id_and_nested_messages_too() {
        let catalog = Catalog::from_json(
            r#"{"messages.BAD_KEY": "键格式错误 {id}", "messages.NOT_A_MAP": ""}"#.as_bytes(),
        )
        .unwrap();
        let say = Say::by(catalog);
        let m = CatalogError::BadKey("x.Y".into()).message();
        assert_eq!(say.message(&m), "键格式错误 x.Y");
        assert_eq!(Say::default().message(&m), m.to_string());
        let english = CatalogError::NotAMap("e".into()).message();
        assert_eq!(say.message(&english), english.to_string());
        assert!(matches!(
            Catalog::from_json(br#"{"a.B": "x {"}"#),
            Err(CatalogError::Malformed(id)) if id == "a.B"
        ));
        assert!(matches!(
            Catalog::from_json(b"[]"),
            Err(CatalogError::NotAMap(_))
        ));
    }

    #[test]
    fn serde_json_errors_are_keyed_by_code_and_place() {
        let e = serde_json::from_str::<serde_json::Value>("{1: 2}").unwrap_err();
        let m = json(&e);
        assert_eq!(m.key(), keys::json::AT);
        assert_eq!(m.to_string(), e.to_string());
        for bad in [
            "[1",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\": 1 2}",
            "tru",
            "\"\\q\"",
            "[1,]",
            "1 2",
            "\"\u{1}\"",
        ] {
            let e = serde_json::from_str::<serde_json::Value>(bad).unwrap_err();
            let m = json(&e);
            assert_eq!(m.to_string(), e.to_string(), "{bad}");
            let Some((_, iotda_core::text::Arg::Message(what))) = m.args().first() else {
                panic!("{bad}: {m:?}");
            };
            assert_ne!(what.key(), keys::plain::TEXT, "{bad}: {e}");
        }
    }

    #[test]
    fn data_errors_get_our_words_not_serde_s() {
        #[derive(Debug, serde::Deserialize)]
        struct Named {
            #[allow(dead_code)]
            name: u32,
        }
        let what = |text: &str| {
            let e = serde_json::from_str::<Named>(text).unwrap_err();
            let m = json(&e);
            assert_eq!(m.key(), keys::json::AT, "{text}");
            let Some((_, iotda_core::text::Arg::Message(what))) = m.args().first() else {
                panic!("{text}: {m:?}");
            };
            what.clone()
        };
        let missing = what("{}");
        assert_eq!(missing.key(), keys::json::MISSING_FIELD);
        assert_eq!(missing.to_string(), "missing field `name`");
        assert_eq!(what("{\"name\": \"x\"}").key(), keys::json::WRONG_SHAPE);
        assert_eq!(what("7").key(), keys::json::WRONG_SHAPE);
    }

    #[test]
    fn a_message_crosses_the_wire_with_its_key_and_is_said_by_id() {
        let m = Message::new(keys::messages::UNKNOWN_HOLE)
            .with("id", "a.B")
            .with_message(
                "hole",
                Message::new(iotda_core::text::keys::credentials::DEVICE_ID_TOO_LONG)
                    .with("n", 300)
                    .with("max", 128),
            );
        let json = serde_json::to_string(&Msg(m.clone())).unwrap();
        assert!(json.contains("credentials.DEVICE_ID_TOO_LONG"), "{json}");
        let back: Msg = serde_json::from_str(&json).unwrap();
        assert_eq!(back.0, m);
        assert_eq!(back.to_string(), m.to_string());

        // A key the receiver does not declare (the worker's own) is made
        // from the wire, once per id, and said in Chinese by its id.
        let sent =
            r#"{"k":"w.ONLY_THERE","e":"only the worker says {x}","a":[["x",{"T":"this"}]]}"#;
        let back: Msg = serde_json::from_str(sent).unwrap();
        assert_eq!(back.to_string(), "only the worker says this");
        let again: Msg = serde_json::from_str(sent).unwrap();
        assert!(std::ptr::eq(back.key().id(), again.key().id()));
        let zh =
            Catalog::from_json(r#"{"w.ONLY_THERE": "只有工作线程说 {x}"}"#.as_bytes()).unwrap();
        assert_eq!(Say::by(zh).message(&back), "只有工作线程说 this");

        for bad in [
            r#"{"k":"no_dot","e":"x"}"#,
            r#"{"k":"a.lower","e":"x"}"#,
            r#"{"k":"a.B","e":"x {"}"#,
        ] {
            let e = serde_json::from_str::<Msg>(bad).unwrap_err();
            assert!(e.to_string().contains("malformed key"), "{bad}: {e}");
        }
        let e = serde_json::from_str::<Msg>(r#"{"k":"a.B","e":"b {y}","a":[["zzz",{"T":"1"}]]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("zzz"), "{e}");
    }
}
