//! JSON paths as people read them: `services[1].properties.batteryLevel`.
//!
//! A key made of ASCII letters, digits and `_` (not starting with a digit)
//! is written after a dot; any other key is quoted in brackets
//! (`properties["max temp"]`) so the path stays unambiguous. The root is the
//! empty string.

/// `base` followed by the object key `key`.
pub(crate) fn key(base: &str, key: &str) -> String {
    let plain = key
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        if base.is_empty() {
            key.to_owned()
        } else {
            format!("{base}.{key}")
        }
    } else {
        format!("{base}[{}]", serde_json::Value::from(key))
    }
}

/// `base` followed by the array index `index`.
pub(crate) fn index(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

/// The path of a decoding error, in the same notation.
pub(crate) fn from_serde(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(String::new(), |at, segment| match segment {
            Segment::Seq { index: i } => index(&at, *i),
            Segment::Map { key: k } | Segment::Enum { variant: k } => key(&at, k),
            Segment::Unknown => key(&at, "?"),
        })
}

/// The path of the value a serde_json data error at `line` and `column`
/// of `json` is about: the names [`from_serde`] gives, found from the
/// position instead of by wrapping every deserializer, which costs the
/// page's wasm far more than this scan.
///
/// serde_json puts a data error just after the value it is about, or just
/// before a value it refused to start reading (`[` or `{` where a string
/// was expected): the value last finished or about to begin. A struct's
/// missing field is reported after its closing brace, so it names the
/// struct. Custom errors must come from a visitor (inside the value's own
/// deserializer call) for their position to be exact.
pub(crate) fn at_position(json: &[u8], line: usize, column: usize) -> String {
    let line_start = if line <= 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(json.len(), |(i, _)| i + 1)
    };
    at_offset(json, line_start + column)
}

/// A container being read and where in it the scan is.
struct Frame {
    object: bool,
    /// The current member's key (objects).
    key: String,
    /// The current element (arrays).
    index: usize,
    state: State,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Just after `[` or `{`.
    Open,
    /// After an object key, before its `:`.
    Key,
    /// After `:` or an array's `,`: a value is due.
    Due,
    /// Inside or after the current value.
    Value,
    /// After an object's `,`: a key is due.
    Comma,
}

fn at_offset(json: &[u8], offset: usize) -> String {
    let end = offset.min(json.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let b = json[i];
        i += 1;
        match b {
            b'{' | b'[' => {
                value_begins(&mut stack);
                stack.push(Frame {
                    object: b == b'{',
                    key: String::new(),
                    index: 0,
                    state: State::Open,
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b':' => set_state(&mut stack, State::Due),
            b',' => {
                if let Some(top) = stack.last_mut() {
                    if top.object {
                        top.state = State::Comma;
                    } else {
                        top.index += 1;
                        top.state = State::Due;
                    }
                }
            }
            b'"' => {
                let start = i - 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                match stack.last_mut() {
                    Some(top) if top.object && matches!(top.state, State::Open | State::Comma) => {
                        let raw = json.get(start..i).unwrap_or_default();
                        top.key = serde_json::from_slice(raw).unwrap_or_default();
                        top.state = State::Key;
                    }
                    _ => value_begins(&mut stack),
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                value_begins(&mut stack);
                while i < end && !b",]} \t\n\r".contains(&json[i]) {
                    i += 1;
                }
            }
        }
    }
    let next_opens = matches!(json.get(end), Some(b'[' | b'{'));
    let mut path = String::new();
    let depth = stack.len();
    for (n, frame) in stack.iter().enumerate() {
        let innermost = n + 1 == depth;
        let named = !innermost
            || match frame.state {
                State::Key | State::Comma => false,
                // Just inside a container: the container refused it, unless
                // its first element refused to start.
                State::Open => !frame.object && next_opens,
                State::Due | State::Value => true,
            };
        if named {
            path = if frame.object {
                key(&path, &frame.key)
            } else {
                index(&path, frame.index)
            };
        }
    }
    path
}

fn value_begins(stack: &mut [Frame]) {
    set_state(stack, State::Value);
}

fn set_state(stack: &mut [Frame], state: State) {
    if let Some(top) = stack.last_mut() {
        top.state = state;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_use_dots_and_others_brackets() {
        let p = index("services", 1);
        assert_eq!(
            key(&key(&p, "properties"), "batteryLevel"),
            "services[1].properties.batteryLevel"
        );
        assert_eq!(key("", "services"), "services");
        assert_eq!(key("properties", "max temp"), "properties[\"max temp\"]");
        assert_eq!(key("properties", "a.b"), "properties[\"a.b\"]");
        assert_eq!(key("properties", "1st"), "properties[\"1st\"]");
        assert_eq!(key("properties", ""), "properties[\"\"]");
        assert_eq!(
            key("properties", "say \"hi\""),
            "properties[\"say \\\"hi\\\"\"]"
        );
        assert_eq!(key("p", "温度"), "p[\"温度\"]");
    }
}
