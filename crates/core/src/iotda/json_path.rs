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
