//! `cargo bench -p iotda-core --bench pki`: how long the certificate steps
//! take natively, printed as a table. It measures; it asserts nothing.
//!
//! The same steps in headless Chromium (the page's worker wasm) are
//! measured by `scripts/bench.sh`.

use std::time::{Duration, Instant};

use iotda_core::pki::batch::issue_device;
use iotda_core::pki::{
    create_ca, create_verification_cert, KeyType, PrivateKey, Subject, Validity,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

const NOW: i64 = 1_795_887_532;

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // and only wants to see the bench build and run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let validity = Validity::new(NOW, 500);
    let mut rows: Vec<(String, String)> = Vec::new();

    // P-256 CA + verification + device certificate, 20 times.
    let runs = if quick { 2 } else { 20 };
    let chain: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).expect("key");
            let ca = create_ca(
                &ca_key,
                &Subject::with_common_name("Bench CA"),
                validity,
                &mut rng,
            )
            .expect("ca");
            create_verification_cert(&ca, &ca_key, "0123456789abcdef", validity, &mut rng)
                .expect("verification");
            issue_device(&ca, &ca_key, "node-1", KeyType::P256, validity, &mut rng)
                .expect("device");
            start.elapsed()
        })
        .collect();
    rows.push((
        format!("P-256 CA + verification + device chain (median of {runs})"),
        ms(median(&chain)),
    ));

    // RSA-2048 key generation, 20 times.
    let runs = if quick { 1 } else { 20 };
    let rsa: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            PrivateKey::generate(KeyType::Rsa2048, &mut rng).expect("rsa");
            start.elapsed()
        })
        .collect();
    rows.push((
        format!("RSA-2048 key generation, median of {runs}"),
        ms(median(&rsa)),
    ));
    rows.push((
        format!("RSA-2048 key generation, worst of {runs}"),
        ms(rsa.iter().copied().max().unwrap_or_default()),
    ));

    // A batch of 1000 P-256 device certificates from one CA.
    let count = if quick { 10 } else { 1000 };
    let ca_key = PrivateKey::generate(KeyType::P256, &mut rng).expect("key");
    let ca = create_ca(
        &ca_key,
        &Subject::with_common_name("Bench CA"),
        validity,
        &mut rng,
    )
    .expect("ca");
    let start = Instant::now();
    for i in 0..count {
        issue_device(
            &ca,
            &ca_key,
            &format!("node-{i}"),
            KeyType::P256,
            validity,
            &mut rng,
        )
        .expect("device");
    }
    rows.push((
        format!("batch of {count} P-256 device certificates"),
        ms(start.elapsed()),
    ));

    println!("| native ({}) | time |", std::env::consts::ARCH);
    println!("| --- | ---: |");
    for (what, time) in rows {
        println!("| {what} | {time} |");
    }
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
