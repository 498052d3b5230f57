//! The profile file reader in the short fuzz run (`iotda_testkit::fuzz`,
//! as the core's readers): mutations of profile files written by the
//! version-1 app (`tests/data/v1/`) must never panic the import, and what
//! it reads writes back as a file that reads the same.
//!
//! Byte mutations mostly break the JSON, so the corpus also holds the
//! files with one value replaced by a hostile one (null, empty, huge,
//! negative, of another type), which reach the reader's later checks.

use std::path::Path;

use iotda_testkit::fuzz;
use serde_json::Value;

use super::{file_of, parse_file, ImportPlan, ProfilesState};

/// Fragments of the profile file's own syntax, with
/// [`fuzz::JSON_TOKENS`].
const TOKENS: &[&[u8]] = &[
    b"\"format\":\"iotda-kit-profiles\"",
    b"\"version\":1",
    b"\"profiles\":[",
    b"\"name\":\"a\"",
    b"-----BEGIN PRIVATE KEY-----\\n",
    b"-----BEGIN ENCRYPTED PRIVATE KEY-----\\n",
];

/// What a value of a file is replaced by, one at a time.
fn hostile() -> [Value; 8] {
    [
        Value::Null,
        Value::from(""),
        Value::from(-1),
        Value::from(u64::MAX),
        Value::from(true),
        Value::Array(Vec::new()),
        Value::Object(serde_json::Map::new()),
        Value::from("\u{202e}x".repeat(2000)),
    ]
}

/// Every value of `value` (depth first), by its JSON pointer.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            pointers(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// `file` once for each of its `limit` shallowest values (the file's
/// structure: format, version, each profile, its name and sections) and
/// each [`hostile`] replacement of it.
fn variants(file: &[u8], limit: usize) -> Vec<Vec<u8>> {
    let value: Value = serde_json::from_slice(file).expect("a corpus file is JSON");
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    all.sort_by_key(|p| p.matches('/').count());
    let mut out = Vec::new();
    for pointer in all.iter().filter(|p| !p.is_empty()).take(limit) {
        for replacement in hostile() {
            let mut changed = value.clone();
            if let Some(slot) = changed.pointer_mut(pointer) {
                *slot = replacement;
                out.push(serde_json::to_vec(&changed).expect("write JSON"));
            }
        }
    }
    out
}

#[test]
fn the_profile_file_reader_survives_mutated_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1");
    let files: Vec<Vec<u8>> = ["profiles-file.json", "profiles.json"]
        .iter()
        .map(|f| std::fs::read(root.join(f)).expect("read a version-1 file"))
        .collect();
    let mut corpus = files.clone();
    for file in &files {
        corpus.extend(variants(file, 40));
    }
    let state = ProfilesState::default();
    let tokens = [fuzz::JSON_TOKENS, TOKENS].concat();
    fuzz::run("profiles", &corpus, &tokens, |data| {
        if let ImportPlan::Store(profiles) | ImportPlan::Check(profiles, _) =
            state.import_plan(Ok(data.to_vec()))
        {
            let again = parse_file(file_of(&profiles).as_bytes());
            assert_eq!(again, Ok(profiles), "written back, read differently");
        }
    });
}
