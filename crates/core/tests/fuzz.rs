//! A short fuzz run on stable Rust, part of `cargo test`: the MQTT decoder,
//! the product-model readers (JSON and ZIP) and the PEM/DER readers get
//! mutations of a corpus kept in the repository, from a fixed seed, and
//! must never panic; what decodes must encode back to the same value.
//!
//! Each target stops after [`ROUNDS`] inputs or its time budget
//! (`IOTDA_FUZZ_SECONDS`, 12 s by default), whichever comes first; the
//! inputs are the same on every run (the seed is fixed), only how many of
//! them fit the budget changes with the machine. An input that fails is
//! written to `target/fuzz-failures/` and named in the failure.
//!
//! The long run is cargo-fuzz (libFuzzer, nightly), with these corpora as
//! seeds: see `docs/security.md`.
//!
//! The corpus: `tests/corpus/decode` (one packet or a stream of packets a
//! file, every type and version), `tests/fixtures/iotda` and
//! `tests/corpus/model` (console exports and payloads), `tests/corpus/pem`
//! (throwaway keys, certificates and a CSR made by `openssl` for this
//! test: never used anywhere else).
// Helpers outside #[test] functions unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iotda_core::iotda::ProductModel;
use iotda_core::mqtt::{decode, ProtocolVersion};
use iotda_core::pki::{self, Certificate, Csr, PrivateKey};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most inputs a target tries in one run.
const ROUNDS: u64 = 1_000_000;

/// The seed of every run.
const SEED: u64 = 0x1075_da7a;

/// Fragments that steer mutations towards the formats' own syntax.
const TOKENS: &[&[u8]] = &[
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
    b"\"service_capabilities\"",
    b"\"properties\"",
    b"\"enum_list\"",
    b"\\u0000",
    b"\\ud800",
    b"-----BEGIN CERTIFICATE-----\n",
    b"-----END CERTIFICATE-----\n",
    b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
    b"-----BEGIN EC PARAMETERS-----\n",
    b"\r\n",
    b"====",
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"\xff\xff\xff\x7f",
    b"\x80\x80\x80\x80",
    b"\x26\x00\x00\x00\x00",
];

fn corpus_dir(dir: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let corpus: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!corpus.is_empty(), "{} is empty", dir.display());
    corpus
}

/// One to four mutations of a corpus input (or of two spliced).
fn mutate(rng: &mut ChaCha8Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
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
            3 => {
                let token = TOKENS[pick(rng, TOKENS.len())];
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
/// the input that panicked.
fn run(name: &str, corpus: &[Vec<u8>], check: impl Fn(&[u8])) {
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
        .chain(std::iter::repeat_with(|| mutate(&mut rng, corpus)));
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
}

#[test]
fn the_mqtt_decoder_survives_mutated_packets() {
    const MAX: usize = 4096;
    run("decode", &corpus_dir("corpus/decode"), |data| {
        for version in [
            ProtocolVersion::V3_1,
            ProtocolVersion::V3_1_1,
            ProtocolVersion::V5,
        ] {
            let mut rest = data;
            // Every packet of a stream, as a session reads them.
            while let Ok(Some((packet, used))) = decode(rest, MAX, version) {
                assert!(used > 0 && used <= rest.len() && used <= MAX);
                let mut bytes = Vec::new();
                packet
                    .encode(version, &mut bytes)
                    .unwrap_or_else(|e| panic!("decoded {packet:?} ({version}), not encoded: {e}"));
                assert_eq!(
                    decode(&bytes, usize::MAX, version),
                    Ok(Some((packet, bytes.len()))),
                    "{version}"
                );
                rest = &rest[used..];
            }
        }
    });
}

#[test]
fn the_product_model_readers_survive_mutated_models() {
    let mut corpus = corpus_dir("fixtures/iotda");
    corpus.extend(corpus_dir("corpus/model"));
    run("model", &corpus, |data| {
        for model in [ProductModel::from_json(data), ProductModel::from_zip(data)]
            .into_iter()
            .flatten()
        {
            // What was read is a model that writes and reads back the same.
            let json = model.to_json().unwrap();
            assert_eq!(ProductModel::from_json(json.as_bytes()), Ok(model));
        }
    });
}

#[test]
fn the_pem_and_der_readers_survive_mutated_files() {
    run("pem", &corpus_dir("corpus/pem"), |data| {
        let _ = pki::inspect(data, 1_765_000_000);
        // The encrypted key's passphrase: mutations reach the decryption.
        let _ = PrivateKey::parse(data, Some("fuzz"));
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = Certificate::from_pem(text);
            let _ = Csr::from_pem(text);
        }
    });
}
