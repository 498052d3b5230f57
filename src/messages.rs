//! Messages in the reader's language. The labels of the interface are
//! [`crate::i18n::Texts`]; the messages are what the core, the workers and
//! the pages' checks say about what was typed or what happened (a field's
//! error, a refused connection, a worker's failed job). They are written
//! in English where they arise: the core's `Display` impls, which the CLI
//! prints too, and the page's [`msg!`](crate::msg) calls. The page
//! translates them as it shows them, by template: `static/messages.zh.json`
//! pairs each English template (the format string as written in the
//! source) with its Chinese, holes numbered `{0}`, `{1}` in the order of
//! the English holes. A message matches a template when it is the template
//! with each hole filled; the filling is translated too, so a message made
//! of messages ("connection lost: {why}") is translated throughout. When
//! no template matches the whole, a message is read as a message and what
//! the server added after it (a template starting with `, `, `; ` or a
//! space), as `label: message`, as the items of a ` · ` list, or line by
//! line, in that order. A message none of that matches is shown as it is.
//!
//! The test of this module reads every message template in the sources and
//! fails while one has no Chinese or the file has one the sources no
//! longer write.

use serde::Deserialize;

/// Where the page fetches the Chinese messages from
/// (`static/messages.zh.json`).
pub const ZH_MESSAGES_URL: &str = "/messages.zh.json";

/// What separates the items of a list the page writes (`int · 0 … 100 ·
/// step 1`): a message no template matches whole is read item by item.
const LIST: &str = " · ";

/// How deep a message's fillings are translated in turn.
const MAX_DEPTH: usize = 4;

/// Writes a message as `format!` does and marks its template for
/// translation: `static/messages.zh.json` must have every template written
/// with it (the test of [`crate::messages`] checks).
#[macro_export]
macro_rules! msg {
    ($($arg:tt)*) => {
        ::std::fmt::format(::std::format_args!($($arg)*))
    };
}

/// Marks a message with no hole for translation and is the `&'static str`
/// itself, for where a `String` will not do (a `match` of fixed texts). The
/// test of [`crate::messages`] refuses a brace in it: a hole needs
/// [`msg!`](crate::msg).
#[macro_export]
macro_rules! msg_str {
    ($text:literal) => {
        $text
    };
}

/// A piece of a translated template.
#[derive(Debug)]
enum Piece {
    /// Text as it is.
    Text(String),
    /// The filling of the English template's hole with this index.
    Hole(usize),
}

/// One template and its translation.
#[derive(Debug)]
struct Entry {
    /// The English template's literal parts: one more than its holes.
    parts: Vec<String>,
    /// The translation.
    pieces: Vec<Piece>,
    /// How many characters of the English are literal: a longer match is
    /// a more specific one and is tried first.
    weight: usize,
    /// Whether the English has more than one line: only such a template
    /// may match a message of several lines, which is otherwise read line
    /// by line.
    lines: bool,
    /// Whether the English goes on a sentence (starts with `, `, `; ` or a
    /// space), as the core writes what the server added: `, saying {s:?}`.
    tail: bool,
}

/// The messages of one language: English templates and their translations.
#[derive(Debug)]
pub struct Catalog {
    /// The entries, most specific first.
    entries: Vec<Entry>,
}

/// One pair of the file: the English template and its translation.
#[derive(Deserialize)]
struct Pair(String, String);

impl Catalog {
    /// The catalog of a file: a JSON list of `[english, translation]`
    /// pairs. It lives as long as the page: a language is read once.
    pub fn from_json(bytes: &[u8]) -> Result<&'static Catalog, String> {
        let pairs: Vec<Pair> = serde_json::from_slice(bytes)
            .map_err(|e| format!("the messages file is not a list of pairs ({e})"))?;
        let mut entries = Vec::with_capacity(pairs.len());
        for Pair(en, zh) in pairs {
            entries.push(entry(&en, &zh)?);
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.weight));
        Ok(Box::leak(Box::new(Catalog { entries })))
    }

    /// `message` in this catalog's language, or as it is when no template
    /// matches it. A message of several lines is translated line by line
    /// unless a template of several lines matches it whole.
    pub fn say(&self, message: &str) -> String {
        self.say_at(message, 0)
    }

    fn say_at(&self, message: &str, depth: usize) -> String {
        if depth > MAX_DEPTH || message.is_empty() {
            return message.to_owned();
        }
        let lines = message.contains('\n');
        for e in &self.entries {
            if lines && !e.lines {
                continue;
            }
            if let Some(fillings) = fill(&e.parts, message) {
                let mut out = String::with_capacity(message.len());
                for piece in &e.pieces {
                    match piece {
                        Piece::Text(t) => out.push_str(t),
                        Piece::Hole(i) => {
                            let filling = fillings.get(*i).copied().unwrap_or_default();
                            out.push_str(&self.say_at(filling, depth + 1));
                        }
                    }
                }
                return out;
            }
        }
        if let Some(said) = self.with_tail(message, depth) {
            return said;
        }
        if let Some((label, rest)) = message.split_once(": ") {
            let said = self.say_at(rest, depth + 1);
            if said != rest {
                return format!("{label}: {said}");
            }
        }
        if message.contains(LIST) {
            return message
                .split(LIST)
                .map(|item| self.say_at(item, depth + 1))
                .collect::<Vec<_>>()
                .join(LIST);
        }
        if lines {
            return message
                .split('\n')
                .map(|line| self.say_at(line, depth + 1))
                .collect::<Vec<_>>()
                .join("\n");
        }
        message.to_owned()
    }
}

impl Catalog {
    /// `message` read as a message and a tail template after it, the tail
    /// taken as late in the message as one matches.
    fn with_tail(&self, message: &str, depth: usize) -> Option<String> {
        for e in self.entries.iter().filter(|e| e.tail) {
            let start = e.parts.first()?;
            for (at, _) in message.rmatch_indices(start.as_str()) {
                let (head, tail) = message.split_at(at);
                if at > 0 && fill(&e.parts, tail).is_some() {
                    let head = self.say_at(head, depth + 1);
                    return Some(head + &self.say_at(tail, depth + 1));
                }
            }
        }
        None
    }
}

/// The entry of one pair, checked: the translation uses holes the English
/// has, each once at most.
fn entry(en: &str, zh: &str) -> Result<Entry, String> {
    let bad = |why: &str| format!("the message template {en:?}: {why}");
    let parts = parts(en).ok_or_else(|| bad("is not a format string"))?;
    let holes = parts.len() - 1;
    if parts
        .iter()
        .skip(1)
        .take(holes.saturating_sub(1))
        .any(String::is_empty)
    {
        return Err(bad(
            "has two holes side by side, which cannot be told apart",
        ));
    }
    let pieces = pieces(zh, holes).ok_or_else(|| bad("has a translation with a bad hole"))?;
    let weight = parts.iter().map(|p| p.chars().count()).sum();
    let lines = en.contains('\n');
    let tail = [", ", "; ", " "].iter().any(|t| en.starts_with(t));
    Ok(Entry {
        parts,
        pieces,
        weight,
        lines,
        tail,
    })
}

/// The literal parts of a Rust format string, split at its holes (`{}`,
/// `{name}`, `{:?}`, ...), with `{{` and `}}` read as braces.
fn parts(template: &str) -> Option<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                parts.last_mut()?.push('{');
            }
            '{' => {
                chars.by_ref().find(|&c| c == '}')?;
                parts.push(String::new());
            }
            '}' if chars.next_if_eq(&'}').is_some() => parts.last_mut()?.push('}'),
            '}' => return None,
            c => parts.last_mut()?.push(c),
        }
    }
    Some(parts)
}

/// The pieces of a translation with `holes` holes written `{0}`, `{1}`...
fn pieces(template: &str, holes: usize) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut used = vec![false; holes];
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.next_if_eq(&'{').is_some() => text.push('{'),
            '{' => {
                let digits: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let i: usize = digits.parse().ok()?;
                if std::mem::replace(used.get_mut(i)?, true) {
                    return None;
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Hole(i));
            }
            '}' if chars.next_if_eq(&'}').is_some() => text.push('}'),
            '}' => return None,
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Some(pieces)
}

/// The fillings of the holes when `message` is the template of `parts`
/// filled in, taking each hole as short as it can be.
fn fill<'m>(parts: &[String], message: &'m str) -> Option<Vec<&'m str>> {
    let (first, rest) = parts.split_first()?;
    let after = message.strip_prefix(first.as_str())?;
    let Some((last, middle)) = rest.split_last() else {
        return after.is_empty().then(Vec::new);
    };
    let mut body = after.strip_suffix(last.as_str())?;
    let mut fillings = Vec::with_capacity(rest.len());
    for part in middle {
        let at = body.find(part.as_str())?;
        fillings.push(&body[..at]);
        body = &body[at + part.len()..];
    }
    fillings.push(body);
    Some(fillings)
}

/// Says messages in the language on screen: English as they are, another
/// language by its catalog. Part of the app's context
/// ([`crate::i18n::Shown`]).
#[derive(Clone, Copy, Default)]
pub struct Say(Option<&'static Catalog>);

impl Say {
    /// Says messages by `catalog`.
    pub fn by(catalog: &'static Catalog) -> Self {
        Self(Some(catalog))
    }

    /// `message` in the language on screen.
    pub fn text(self, message: &str) -> String {
        match self.0 {
            Some(catalog) => catalog.say(message),
            None => message.to_owned(),
        }
    }
}

impl std::fmt::Debug for Say {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Say(catalog)"
        } else {
            "Say(as written)"
        })
    }
}

#[cfg(test)]
mod sources;

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(pairs: &[(&str, &str)]) -> &'static Catalog {
        let json = serde_json::to_vec(pairs).unwrap();
        Catalog::from_json(&json).unwrap()
    }

    #[test]
    fn a_message_is_translated_with_its_fillings_in_their_places() {
        let c = catalog(&[
            (
                "device id is {n} characters long; IoTDA allows at most {MAX}",
                "设备 ID 长 {0} 个字符；IoTDA 最多允许 {1} 个",
            ),
            ("{a} comes before {b}", "{1} 在 {0} 之后"),
        ]);
        assert_eq!(
            c.say("device id is 300 characters long; IoTDA allows at most 128"),
            "设备 ID 长 300 个字符；IoTDA 最多允许 128 个"
        );
        assert_eq!(c.say("x comes before y"), "y 在 x 之后");
        assert_eq!(c.say("no template says this"), "no template says this");
    }

    #[test]
    fn fillings_that_are_messages_are_translated_too() {
        let c = catalog(&[
            ("connection lost: {why}", "连接断开：{0}"),
            ("refused: {refusal}", "被拒绝：{0}"),
            (
                "The server is busy; try again later.",
                "服务器繁忙，请稍后再试。",
            ),
        ]);
        assert_eq!(
            c.say("connection lost: refused: The server is busy; try again later."),
            "连接断开：被拒绝：服务器繁忙，请稍后再试。"
        );
    }

    #[test]
    fn the_most_specific_template_wins_and_lines_are_read_one_by_one() {
        let c = catalog(&[
            ("{what}: {why}", "{0}：{1}"),
            ("topic: {e}", "主题：{0}"),
            ("the topic is empty", "主题为空"),
        ]);
        assert_eq!(c.say("topic: the topic is empty"), "主题：主题为空");
        assert_eq!(c.say("a: the topic is empty"), "a：主题为空");
        assert_eq!(c.say("int · the topic is empty · R"), "int · 主题为空 · R");
        assert_eq!(
            c.say("the topic is empty\nunknown\ntopic: x"),
            "主题为空\nunknown\n主题：x"
        );
    }

    #[test]
    fn what_the_server_added_is_translated_after_the_message_it_follows() {
        let c = catalog(&[
            (
                "the server refused the message: {reason} ({:#04x})",
                "服务器拒绝了消息：{0}（{1}）",
            ),
            (", saying {s:?}", "，说明：{0}"),
            ("; it points to the server {s:?}", "；并指引改用服务器 {0}"),
            ("refused: {why}", "被拒绝：{0}"),
            ("The server is busy.", "服务器繁忙。"),
            (" The server says: {s:?}.", " 服务器说明：{0}。"),
        ]);
        assert_eq!(
            c.say("the server refused the message: Quota exceeded (0x97), saying \"x\"; it points to the server \"b\""),
            "服务器拒绝了消息：Quota exceeded（0x97），说明：\"x\"；并指引改用服务器 \"b\""
        );
        assert_eq!(
            c.say("refused: The server is busy. The server says: \"later\"."),
            "被拒绝：服务器繁忙。 服务器说明：\"later\"。"
        );
        assert_eq!(c.say(", saying \"x\""), "，说明：\"x\"");
        assert_eq!(c.say("a/#: The server is busy."), "a/#: 服务器繁忙。");
        assert_eq!(c.say("a/#: not a message"), "a/#: not a message");
    }

    #[test]
    fn braces_and_format_specs_are_read_as_rust_writes_them() {
        let c = catalog(&[
            ("flags {flags:#06b} ({{reserved}})", "标志 {0}（{{保留}}）"),
            ("got {:?}", "得到 {0}"),
        ]);
        assert_eq!(c.say("flags 0b0010 ({reserved})"), "标志 0b0010（{保留}）");
        assert_eq!(c.say("got \"x\""), "得到 \"x\"");
        assert_eq!(c.say(""), "");
    }

    #[test]
    fn a_bad_file_or_template_is_refused_with_its_reason() {
        let refused = |pairs: &[(&str, &str)]| {
            Catalog::from_json(&serde_json::to_vec(pairs).unwrap()).unwrap_err()
        };
        assert!(refused(&[("a {x} b", "{1}")]).contains("bad hole"));
        assert!(refused(&[("a {x} b", "{0}{0}")]).contains("bad hole"));
        assert!(refused(&[("a {x}{y} b", "{0}{1}")]).contains("side by side"));
        assert!(refused(&[("a } b", "x")]).contains("not a format string"));
        let e = Catalog::from_json(b"{\"a\": 1}").unwrap_err();
        assert!(e.contains("not a list of pairs"), "{e}");
    }
}
