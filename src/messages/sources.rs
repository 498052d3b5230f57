//! The message templates the sources write, read from the sources
//! themselves, and the check that `static/messages.zh.json` translates
//! each of them and nothing else.
//!
//! What counts as a message template:
//! - in the core, every string literal inside an `impl ... Display for`
//!   block or a `catalog!` of keys (but the MQTT reason-code and property
//!   names of `mod mqtt_reason` and `mod mqtt_property`, which the page
//!   shows in English as the specification writes them), and every other
//!   literal that reads as prose (three lowercase words in a row:
//!   `truncated: it announces {promised} bytes`);
//! - in the page, the template of every [`msg!`](crate::msg) call and the
//!   English of every key of a `catalog!`;
//! - serde_json's syntax errors, which the pages show after "not JSON:"
//!   (read from serde_json by parsing malformed inputs).
//!
//! Test code is skipped. A literal made only of holes, spaces and
//! punctuation is not a message.
//!
//! `IOTDA_WRITE_MESSAGES=1 cargo test -p iotda-kit-web --lib messages`
//! rewrites the file with the templates in source order, keeping every
//! translation and leaving new ones empty (the test fails until they are
//! written).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::{parts, Catalog};

/// A token of Rust source, as far as finding literals needs.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A string literal, escapes resolved.
    Str(String),
    /// An identifier or keyword.
    Ident(String),
    /// Any other character outside literals and comments.
    Punct(char),
}

/// The tokens of `src`, without comments, whitespace, numbers, byte strings
/// and character literals.
fn tokens(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            let (text, next) = plain_string(&chars, i + 1);
            out.push(Tok::Str(text));
            i = next;
        } else if (c == 'r' || c == 'b') && is_raw_start(&chars, i) {
            let byte = c == 'b';
            let mut j = i + if byte { 2 } else { 1 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            let start = j;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while j < chars.len() && !chars[j..].starts_with(&closing) {
                j += 1;
            }
            if !byte {
                out.push(Tok::Str(chars[start..j.min(chars.len())].iter().collect()));
            }
            i = j + closing.len();
        } else if c == 'b' && at(i + 1) == '"' {
            i = plain_string(&chars, i + 2).1;
        } else if c == 'b' && at(i + 1) == '\'' {
            i = char_literal_end(&chars, i + 1);
        } else if c == '\'' {
            i = if at(i + 1) == '\\' || at(i + 2) == '\'' {
                char_literal_end(&chars, i)
            } else {
                i + 1
            };
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else {
            if !c.is_whitespace() {
                out.push(Tok::Punct(c));
            }
            i += 1;
        }
    }
    out
}

/// Whether a raw string (`r"`, `r#"`, `br"`) starts at `i`.
fn is_raw_start(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut j = i + 1;
    if chars[i] == 'b' {
        if chars.get(j) != Some(&'r') {
            return false;
        }
        j += 1;
    }
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    chars.get(j) == Some(&'"')
}

/// The end of a character literal starting with the quote at `i`.
fn char_literal_end(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    if chars.get(j) == Some(&'\\') {
        j += 2;
    } else {
        j += 1;
    }
    while j < chars.len() && chars[j] != '\'' {
        j += 1;
    }
    j + 1
}

/// The text of a string literal whose content starts at `i`, and where the
/// source goes on after it.
fn plain_string(chars: &[char], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' {
            i += 1;
            match chars.get(i) {
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                Some('r') => text.push('\r'),
                Some('0') => text.push('\0'),
                Some('\n') => {
                    while chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                        i += 1;
                    }
                }
                Some('u') => {
                    let end = (i..chars.len()).find(|&k| chars[k] == '}').unwrap_or(i);
                    let hex: String = chars[i + 2..end].iter().collect();
                    text.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                    i = end;
                }
                Some('x') => {
                    let hex: String = chars[i + 1..i + 3].iter().collect();
                    text.extend(u8::from_str_radix(&hex, 16).ok().map(char::from));
                    i += 2;
                }
                Some(&c) => text.push(c),
                None => {}
            }
            i += 1;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    (text, i + 1)
}

/// `toks` without test code: items after `#[cfg(test)]`.
fn without_tests(toks: Vec<Tok>) -> Vec<Tok> {
    let cfg_test = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i..].starts_with(&cfg_test) {
            i += cfg_test.len();
            while i < toks.len() && toks[i] != Tok::Punct('{') && toks[i] != Tok::Punct(';') {
                i += 1;
            }
            if toks.get(i) == Some(&Tok::Punct('{')) {
                i = block_end(&toks, i);
            }
            i += 1;
        } else {
            out.push(toks[i].clone());
            i += 1;
        }
    }
    out
}

/// The index of the `}` closing the block opened at `open`.
fn block_end(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// Whether a literal reads as prose: three lowercase words in a row.
fn is_prose(text: &str) -> bool {
    let mut run = 0;
    for word in text.split_whitespace() {
        let word = word.trim_end_matches([',', '.', ';', ':', ')']);
        let word = word.trim_start_matches('(');
        if word.len() >= 2 && word.chars().all(|c| c.is_ascii_lowercase() || c == '\'') {
            run += 1;
            if run == 3 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Whether a template is a message: a letter outside its holes, and no two
/// holes side by side (that is a format, such as a date's).
fn has_words(template: &str) -> bool {
    parts(template).is_some_and(|parts| {
        let inner = parts
            .get(1..parts.len().saturating_sub(1))
            .unwrap_or_default();
        parts.iter().any(|p| p.chars().any(char::is_alphabetic))
            && !inner.iter().any(String::is_empty)
    })
}

/// The message templates of the core's source file `src`.
fn core_templates(src: &str) -> Vec<String> {
    let toks = without_tests(tokens(src));
    let catalog = [
        Tok::Ident("catalog".into()),
        Tok::Punct('!'),
        Tok::Punct('{'),
    ];
    let spec_names = ["mqtt_reason", "mqtt_property"].map(|area| {
        [
            Tok::Ident("mod".into()),
            Tok::Ident(area.into()),
            Tok::Punct('{'),
        ]
    });
    let mut display_until = 0;
    let mut skipped = 0..0;
    let mut found = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if *t == Tok::Ident("impl".into()) {
            let open = (i..toks.len())
                .find(|&k| toks[k] == Tok::Punct('{'))
                .unwrap_or(toks.len());
            let header = &toks[i..open];
            let is_display = header
                .windows(2)
                .any(|w| w[0] == Tok::Ident("Display".into()) && w[1] == Tok::Ident("for".into()));
            if is_display {
                display_until = block_end(&toks, open);
            }
        }
        if toks[i..].starts_with(&catalog) {
            display_until = block_end(&toks, i + 2);
        }
        if spec_names.iter().any(|names| toks[i..].starts_with(names)) {
            skipped = i..block_end(&toks, i + 2);
        }
        if let Tok::Str(s) = t {
            if (i < display_until || is_prose(s)) && !skipped.contains(&i) && has_words(s) {
                found.push(s.clone());
            }
        }
    }
    found
}

/// The templates of the page's `msg!` and `msg_str!` calls in `src`, and
/// the English of the keys its `catalog!`s declare.
fn page_templates(src: &str) -> Vec<String> {
    let toks = without_tests(tokens(src));
    let catalog = [
        Tok::Ident("catalog".into()),
        Tok::Punct('!'),
        Tok::Punct('{'),
    ];
    let keys = (0..toks.len())
        .filter(|&i| toks[i..].starts_with(&catalog))
        .flat_map(|i| &toks[i..block_end(&toks, i + 2)])
        .filter_map(|t| match t {
            Tok::Str(s) if has_words(s) => Some(s.clone()),
            _ => None,
        });
    let calls = toks
        .windows(4)
        .filter_map(|w| match w {
            [Tok::Ident(m), Tok::Punct('!'), Tok::Punct('('), Tok::Str(s)] if m == "msg" => {
                Some(s.clone())
            }
            [Tok::Ident(m), Tok::Punct('!'), Tok::Punct('('), Tok::Str(s)] if m == "msg_str" => {
                assert!(
                    !s.contains(['{', '}']),
                    "msg_str!({s:?}) has a brace: a message with a hole is written with msg!"
                );
                Some(s.clone())
            }
            _ => None,
        })
        .filter(|s| has_words(s));
    keys.chain(calls).collect()
}

/// The templates of the page's `catalog!` keys in `src` (a page's
/// messages as keys, read as the core's are).
fn page_catalog_templates(src: &str) -> Vec<String> {
    let toks = without_tests(tokens(src));
    let catalog = [
        Tok::Ident("catalog".into()),
        Tok::Punct('!'),
        Tok::Punct('{'),
    ];
    let mut found = Vec::new();
    let mut until = 0;
    for (i, t) in toks.iter().enumerate() {
        if toks[i..].starts_with(&catalog) {
            until = block_end(&toks, i + 2);
        }
        match t {
            Tok::Str(s) if i < until && has_words(s) => found.push(s.clone()),
            _ => {}
        }
    }
    found
}

/// The `.rs` files under `dir`, sorted, without test files.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Malformed JSON, an input for each syntax error serde_json reports: the
/// pages show its messages after "not JSON:" and the like.
const BAD_JSON: [&str; 19] = [
    "[",
    "{",
    "\"",
    "",
    "{\"a\" 1}",
    "[1 2]",
    "{\"a\":1 \"b\"}",
    "trux",
    "x",
    "\"\\x\"",
    "-a",
    "1e999",
    "\"\\uDC00\"",
    "\"\u{1}\"",
    "{1:2}",
    "[1,]",
    "1 2",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "\"\\u12\"",
];

/// The templates of serde_json's syntax errors, as serde_json writes them
/// (read from it, not copied): its message, then where.
fn serde_json_templates() -> Vec<String> {
    let mut found = vec!["{} at line {} column {}".to_owned()];
    for input in BAD_JSON {
        let error = serde_json::from_str::<serde_json::Value>(input)
            .expect_err(input)
            .to_string();
        let (what, _) = error.rsplit_once(" at line ").expect("a place");
        found.push(what.replace('{', "{{").replace('}', "}}"));
    }
    found
}

/// Every message template of the sources, each once, in source order.
fn templates() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = BTreeSet::new();
    let mut all = Vec::new();
    let core = rust_files(&root.join("crates/core/src"))
        .into_iter()
        .flat_map(|f| core_templates(&std::fs::read_to_string(f).unwrap()));
    let page = rust_files(&root.join("src")).into_iter().flat_map(|f| {
        let src = std::fs::read_to_string(f).unwrap();
        let mut found = page_templates(&src);
        found.extend(page_catalog_templates(&src));
        found
    });
    for t in core.chain(page).chain(serde_json_templates()) {
        if seen.insert(t.clone()) {
            all.push(t);
        }
    }
    all
}

/// The path of the Chinese messages.
fn zh_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("static/messages.zh.json")
}

#[test]
fn every_template_of_the_sources_has_chinese_and_no_other_is_kept() {
    let templates = templates();
    let text = std::fs::read_to_string(zh_path()).unwrap_or_else(|_| "[]".into());
    let pairs: Vec<(String, String)> = serde_json::from_str(&text).unwrap();
    let zh: HashMap<&str, &str> = pairs
        .iter()
        .map(|(e, z)| (e.as_str(), z.as_str()))
        .collect();
    if std::env::var_os("IOTDA_WRITE_MESSAGES").is_some() {
        let rows: Vec<(&str, &str)> = templates
            .iter()
            .map(|t| (t.as_str(), zh.get(t.as_str()).copied().unwrap_or("")))
            .collect();
        let mut json = String::from("[\n");
        for (i, row) in rows.iter().enumerate() {
            json.push_str("  ");
            json.push_str(&serde_json::to_string(row).unwrap());
            json.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
        }
        json.push_str("]\n");
        std::fs::write(zh_path(), json).unwrap();
        return;
    }
    assert_eq!(pairs.len(), zh.len(), "a template is in the file twice");
    let missing: Vec<&String> = templates
        .iter()
        .filter(|t| zh.get(t.as_str()).is_none_or(|z| z.is_empty()))
        .collect();
    let wanted: BTreeSet<&str> = templates.iter().map(String::as_str).collect();
    let stale: Vec<&str> = zh.keys().copied().filter(|e| !wanted.contains(e)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "static/messages.zh.json lacks Chinese for {missing:#?}\nand has templates the sources no \
         longer write: {stale:#?}\n(IOTDA_WRITE_MESSAGES=1 cargo test -p iotda-kit-web --lib \
         messages adds the missing ones, empty, and drops the others)"
    );
    Catalog::from_json(text.as_bytes()).unwrap();
}

#[test]
fn the_reader_finds_literals_in_display_impls_and_prose_and_skips_tests() {
    let src = r####"
        impl fmt::Display for E {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::A(n) => write!(f, "value {n} is \
                        too big"),
                    Self::B => f.write_str(r#"the "B" case"#),
                    Self::C => write!(f, "{:02x}", 'x' as u8),
                    Self::D(t) => write!(f, "{:04}{:02}T", t.0, t.1),
                }
            }
        }
        iotda_core::catalog! {
            mod door { AJAR = "open {cm} cm"; }
            mod mqtt_reason { OK = "Success"; }
        }
        // "a comment is not a message at all"
        fn g<'a>(x: &'a str) -> String { format!("truncated: it announces {x} bytes") }
        fn h() -> &'static str { "OK" }
        #[cfg(test)]
        mod tests { fn t() { let _ = "this is a test string"; } }
    "####;
    assert_eq!(
        core_templates(src),
        [
            "value {n} is too big",
            "the \"B\" case",
            "open {cm} cm",
            "truncated: it announces {x} bytes"
        ]
    );
    let page = r#"let a = msg!("subscribed to {}: {}", f, o); let b = msg!("{x}");
        format!("not this one at all"); match c { 1 => msg_str!("closed normally"), _ => "" }"#;
    assert_eq!(
        page_templates(page),
        ["subscribed to {}: {}", "closed normally"]
    );
}

#[test]
fn real_messages_come_out_in_chinese_with_their_values() {
    use iotda_core::credentials::Error as CredentialsError;
    use iotda_core::mqtt::session::ConnectRefusal;
    use iotda_core::mqtt::{ConnectReasonCode, ProtocolVersion};

    let text = std::fs::read(zh_path()).unwrap();
    let zh = Catalog::from_json(&text).unwrap();
    let too_long = CredentialsError::DeviceIdTooLong(300).to_string();
    let said = zh.say(&too_long);
    assert!(
        said.contains("300") && said.contains("128") && said.contains("设备"),
        "{said}"
    );

    let refusal = ConnectRefusal {
        reason: ConnectReasonCode::NotAuthorized,
        code: 5,
        version: ProtocolVersion::V3_1_1,
        iotda: false,
        reason_string: Some("bad token".into()),
    };
    let lost = format!("connection lost: refused: {refusal}");
    let said = zh.say(&lost);
    assert!(said.starts_with("连接断开：被拒绝："), "{said}");
    assert!(
        said.contains("\"bad token\"") && said.contains("Not authorized"),
        "{said}"
    );
    let english_words = said
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 3 && !["CONNACK", "authorized", "token"].contains(w))
        .collect::<Vec<_>>();
    assert!(english_words.is_empty(), "{said}: {english_words:?}");
    let not_json = serde_json::from_str::<serde_json::Value>("{1:2}").unwrap_err();
    assert_eq!(
        zh.say(&format!("not JSON: {not_json}")),
        "不是 JSON：键必须是字符串（第 1 行，第 2 列）"
    );
    assert_eq!(
        zh.say("a message no template writes"),
        "a message no template writes"
    );
}
