//! What the kit says, as keys with named arguments.
//!
//! Every sentence the core shows a person (an error, a finding, a warning)
//! is a [`Message`]: a [`Key`] and the values of its holes. A key has an id
//! (`credentials.EMPTY_DEVICE_ID`) and its English template, holes named in
//! braces (`device id is {n} characters long`). `Display` of a message is
//! its English, which is what the CLI prints; a page shows the same message
//! in another language by looking its key's id up in a catalog of
//! templates with the same holes ([`Message::render`]). Nothing is matched
//! by its English at run time.
//!
//! The keys are declared with [`catalog!`](crate::catalog), which also lists
//! them all, so a catalog's completeness can be tested; the core's own are
//! [`keys::ALL`]. A type that says something turns itself into a message
//! with an exhaustive `match` ([`Say`]), so a new variant does not compile
//! until it has words.

use std::fmt;

pub mod keys;

/// One sentence the kit can say: an id for catalogs and its English
/// template.
#[derive(Clone, Copy)]
pub struct Key {
    id: &'static str,
    english: &'static str,
}

impl Key {
    /// A key with this id and English template (made by
    /// [`catalog!`](crate::catalog)).
    pub const fn new(id: &'static str, english: &'static str) -> Self {
        Self { id, english }
    }

    /// The id a catalog knows it by: `area.NAME`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The English template.
    pub fn english(&self) -> &'static str {
        self.english
    }

    /// The names of the template's holes, in order of appearance.
    pub fn holes(&self) -> Vec<&'static str> {
        holes(self.english)
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// Declares message keys, grouped by area, and `ALL`, the list of them.
///
/// ```
/// mod said {
///     iotda_core::catalog! {
///         /// What a door says.
///         mod door {
///             OPEN = "the door is open";
///             AJAR = "the door is open {cm} cm";
///         }
///     }
/// }
/// assert_eq!(said::door::AJAR.id(), "door.AJAR");
/// assert_eq!(said::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! catalog {
    ($( $(#[$area_doc:meta])* mod $area:ident { $( $name:ident = $english:literal; )* } )*) => {
        $(
            $(#[$area_doc])*
            pub mod $area {
                $(
                    #[doc = $english]
                    pub const $name: $crate::text::Key = $crate::text::Key::new(
                        concat!(stringify!($area), ".", stringify!($name)),
                        $english,
                    );
                )*
            }
        )*
        /// Every key declared here, in order.
        pub const ALL: &[$crate::text::Key] = &[$( $( $area::$name, )* )*];
    };
}

/// The value of a hole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text shown as it is in every language: a number, a name, a value the
    /// user typed.
    Text(String),
    /// A message, shown in the reader's language too.
    Message(Box<Message>),
}

/// A key and the values of its holes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: Key,
    args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// The message of a key with no holes yet.
    pub fn new(key: Key) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// Fills the hole `name` with text shown as it is.
    pub fn with(self, name: &'static str, value: impl fmt::Display) -> Self {
        self.with_text(name, &value)
    }

    /// What [`Message::with`] does, once for every type of value: a copy
    /// of the formatting and the push per type would cost the page's wasm
    /// its bytes for each of the dozens of types a hole is filled with.
    #[inline(never)]
    fn with_text(mut self, name: &'static str, value: &dyn fmt::Display) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Fills the hole `name` with another message.
    pub fn with_message(mut self, name: &'static str, message: Message) -> Self {
        self.args.push((name, Arg::Message(Box::new(message))));
        self
    }

    /// The key.
    pub fn key(&self) -> Key {
        self.key
    }

    /// The holes' values, by name.
    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The message in the language of `template`, which gives a key's
    /// template in that language or `None` to fall back to English. Nested
    /// messages are rendered the same way; a hole with no value is left as
    /// `{name}`.
    pub fn render<'c>(&self, template: &dyn Fn(Key) -> Option<&'c str>) -> String {
        let mut out = String::new();
        self.render_into(&mut out, template);
        out
    }

    fn render_into<'c>(&self, out: &mut String, template: &dyn Fn(Key) -> Option<&'c str>) {
        let text = template(self.key).unwrap_or(self.key.english);
        for piece in pieces(text) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(name) => match self.args.iter().find(|(n, _)| *n == name) {
                    Some((_, Arg::Text(t))) => out.push_str(t),
                    Some((_, Arg::Message(m))) => m.render_into(out, template),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&|_| None))
    }
}

/// A type that says something: its words as a [`Message`].
pub trait Say {
    /// What it says.
    fn message(&self) -> Message;
}

/// A message says itself, so a function can take any [`Say`].
impl Say for Message {
    fn message(&self) -> Message {
        self.clone()
    }
}

/// A piece of a template.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    /// Literal text (`{{` and `}}` already made single).
    Text(&'a str),
    /// A hole's name.
    Hole(&'a str),
}

/// The pieces of a template: literal text and `{name}` holes; `{{` and
/// `}}` are literal braces. A brace that opens no well-formed hole is text.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        if at > 0 {
            out.push(Piece::Text(&rest[..at]));
        }
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(Piece::Text(&tail[..1]));
            rest = &tail[2..];
        } else if let Some(name) = tail[1..]
            .split_once('}')
            .map(|(n, _)| n)
            .filter(|n| is_name(n))
        {
            out.push(Piece::Hole(name));
            rest = &tail[name.len() + 2..];
        } else {
            out.push(Piece::Text(&tail[..1]));
            rest = &tail[1..];
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Whether `s` is a hole's name: a lowercase letter or `_`, then lowercase
/// letters, digits or `_`.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether every brace of a template opens or closes a `{name}` hole or
/// is doubled (`{{`, `}}`): what a key's English and a catalog's
/// translation must be.
pub fn well_formed(template: &str) -> bool {
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
        } else if let Some((name, after)) = tail.strip_prefix('{').and_then(|t| t.split_once('}')) {
            if !is_name(name) {
                return false;
            }
            rest = after;
        } else {
            return false;
        }
    }
    true
}

/// The hole names of a template, in order.
pub fn holes(template: &str) -> Vec<&str> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Hole(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOOR: Key = Key::new("door.AJAR", "the door is open {cm} cm ({why})");
    const WHY: Key = Key::new("door.WIND", "wind of {speed}");

    #[test]
    fn english_fills_holes_by_name_and_nests_messages() {
        let m = Message::new(DOOR)
            .with_message("why", Message::new(WHY).with("speed", "5 m/s"))
            .with("cm", 3);
        assert_eq!(m.to_string(), "the door is open 3 cm (wind of 5 m/s)");
    }

    #[test]
    fn another_language_is_looked_up_by_id_throughout() {
        let zh = |k: Key| match k.id() {
            "door.AJAR" => Some("门开着 {cm} 厘米（{why}）"),
            "door.WIND" => Some("风速 {speed}"),
            _ => None,
        };
        let m = Message::new(DOOR)
            .with("cm", 3)
            .with_message("why", Message::new(WHY).with("speed", "5 m/s"));
        assert_eq!(m.render(&zh), "门开着 3 厘米（风速 5 m/s）");
        assert_eq!(m.render(&|_| None), m.to_string());
    }

    #[test]
    fn braces_that_are_not_holes_stay_text() {
        let odd = Key::new("odd.BRACES", "{{\"a\": {n}}} {Not} {");
        assert_eq!(
            Message::new(odd).with("n", 1).to_string(),
            "{\"a\": 1} {Not} {"
        );
        assert_eq!(holes("a {b} {{c}} {d_2}"), vec!["b", "d_2"]);
        assert!(well_formed("a {b} {{c}} {d_2}"));
        for bad in ["{", "}", "a {B}", "{x", "x}", "{a b}"] {
            assert!(!well_formed(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_hole_without_a_value_is_left_visible() {
        assert_eq!(Message::new(WHY).to_string(), "wind of {speed}");
    }

    #[test]
    fn every_core_key_is_unique_and_its_holes_are_well_formed() {
        let mut ids = std::collections::BTreeSet::new();
        for key in keys::ALL {
            assert!(ids.insert(key.id()), "{} is declared twice", key.id());
            assert!(
                well_formed(key.english()),
                "{}: a brace that is not a hole: {:?}",
                key.id(),
                key.english()
            );
        }
    }
}
