//! A short fuzz run on stable Rust, part of `cargo test`: the MQTT decoder,
//! the product-model readers (JSON and ZIP) and the PEM/DER readers get
//! mutations of a corpus kept in the repository, from a fixed seed, and
//! must never panic; what decodes must encode back to the same value.
//!
//! The run (`iotda_testkit::fuzz`) stops after a million inputs or its time
//! budget (`IOTDA_FUZZ_SECONDS`, 12 s by default), whichever comes first;
//! the seed is fixed. An input that fails is written to
//! `target/fuzz-failures/` and named in the failure.
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

use std::path::Path;

use iotda_core::iotda::ProductModel;
use iotda_core::mqtt::{decode, ProtocolVersion};
use iotda_core::pki::{self, Certificate, Csr, PrivateKey};
use iotda_testkit::fuzz;

/// Fragments that steer mutations towards the formats' own syntax, with
/// [`fuzz::JSON_TOKENS`].
const TOKENS: &[&[u8]] = &[
    b"\"service_capabilities\"",
    b"\"properties\"",
    b"\"enum_list\"",
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
    fuzz::corpus(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(dir),
    )
}

/// Runs `check` over `corpus` and its mutations with [`TOKENS`].
fn run(name: &str, corpus: &[Vec<u8>], check: impl Fn(&[u8])) {
    fuzz::run(name, corpus, &[fuzz::JSON_TOKENS, TOKENS].concat(), check);
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
