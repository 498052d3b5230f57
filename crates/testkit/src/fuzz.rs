//! A short fuzz run on stable Rust, for `cargo test`: mutations of a corpus
//! kept in the repository, from a fixed seed, fed to a reader that must
//! never panic.
//!
//! A run stops after [`ROUNDS`] inputs or its time budget
//! (`IOTDA_FUZZ_SECONDS`, 12 s by default), whichever comes first; the
//! inputs are the same on every run (the seed is fixed), only how many of
//! them fit the budget changes with the machine. An input that panics is
//! written to `target/fuzz-failures/` and named in the failure.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most inputs one run tries.
pub const ROUNDS: u64 = 1_000_000;

/// The seed of every run.
pub const SEED: u64 = 0x1075_da7a;

/// Fragments of JSON's own syntax and of numbers and escapes that readers
/// trip over, for readers of JSON formats to add to their own tokens.
pub const JSON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"1e999",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"\\u0000",
    b"\\ud800",
];

/// The files of the folder `dir`, sorted by name, as the corpus of a run.
///
/// Panics when the folder cannot be read or holds no file.
pub fn corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("read a corpus folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let corpus: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    assert!(!corpus.is_empty(), "{} is empty", dir.display());
    corpus
}

/// One to four mutations of a corpus input (or of two spliced), some of
/// them inserting one of `tokens`, fragments of the format's own syntax.
pub fn mutate(rng: &mut ChaCha8Rng, corpus: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let pick = |rng: &mut ChaCha8Rng, n: usize| (rng.next_u64() % n.max(1) as u64) as usize;
    let mut data = corpus[pick(rng, corpus.len())].clone();
    for _ in 0..=pick(rng, 4) {
        let len = data.len();
        let at = pick(rng, len + 1);
        match pick(rng, 8) {
            0 if len > 0 => {
                let i = pick(rng, len);
                data[i] ^= 1 << pick(rng, 8);
            }
            1 if len > 0 => {
                let i = pick(rng, len);
                data[i] = [0x00, 0x01, 0x7f, 0x80, 0xff][pick(rng, 5)];
            }
            2 if len > 0 => {
                let i = pick(rng, len);
                data[i] = rng.next_u64() as u8;
            }
            3 if !tokens.is_empty() => {
                let token = tokens[pick(rng, tokens.len())];
                data.splice(at..at, token.iter().copied());
            }
            4 if len > 0 => {
                let end = (at + 1 + pick(rng, 64)).min(len);
                data.drain(at.min(end)..end);
            }
            5 if len > 0 => {
                let start = pick(rng, len);
                let end = (start + 1 + pick(rng, 64)).min(len);
                let chunk = data[start..end].to_vec();
                data.splice(at..at, chunk);
            }
            6 => {
                let other = &corpus[pick(rng, corpus.len())];
                let from = pick(rng, other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            _ => data.truncate(at),
        }
    }
    data
}

/// Feeds the corpus as it is, then mutations of it, to `check`; fails with
/// the input that panicked, saved under `target/fuzz-failures/NAME-N`.
/// Returns how many inputs were tried.
pub fn run(name: &str, corpus: &[Vec<u8>], tokens: &[&[u8]], check: impl Fn(&[u8])) -> u64 {
    let budget = std::env::var("IOTDA_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(12), Duration::from_secs);
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut tried = 0;
    let inputs = corpus
        .iter()
        .cloned()
        .chain(std::iter::repeat_with(|| mutate(&mut rng, corpus, tokens)));
    for input in inputs.take(ROUNDS as usize) {
        if catch_unwind(AssertUnwindSafe(|| check(&input))).is_err() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{name}-{tried}"));
            let _ = std::fs::write(&file, &input);
            panic!(
                "{name}: input {tried} (seed {SEED:#x}) panicked; saved as {}: {input:02x?}",
                file.display()
            );
        }
        tried += 1;
        if started.elapsed() > budget {
            break;
        }
    }
    println!(
        "{name}: {tried} inputs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    tried
}
