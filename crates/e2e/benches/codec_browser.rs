//! `cargo bench -p iotda-kit-e2e --bench codec_browser`: the MQTT codec's
//! encode and decode rates natively, as wasm in headless Chromium, and the
//! npm `mqtt-packet` library's in the same page on the same packets, in one
//! table with the ratio. It measures; it asserts nothing about speed, but
//! fails if the two libraries do not read each other's packets alike.
//!
//! Needs the bench page in `target/bench-page` (`scripts/bench.sh` builds it
//! with `build_codec_bench` from `scripts/lib.sh`). The workloads are
//! `crates/core/benches/codec/workload.rs`, run here natively through
//! `iotda-bench-wasm` and in the page as that crate's wasm.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use iotda_bench_wasm::workload::{per_second, Workload, VERSIONS};
use iotda_kit_e2e::bench::{record, Row};
use iotda_kit_e2e::{serve_dir, workspace_root, Chromedriver};
use serde_json::Value;

/// Runs in the bench page: `window.codecBench` (its `bench.js`) checks the
/// two libraries against each other, then times every case.
const SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
if (typeof window.codecBench !== 'function') {
  done({ error: 'bench.js did not load (is target/bench-page complete?)' });
} else {
  window.codecBench(arguments[0]).then(done, e => done({ error: String(e && e.stack || e) }));
}
"#;

/// Native encode and decode rates by (workload name, MQTT version name).
fn native_rates(budget: Duration) -> HashMap<(String, String), [f64; 2]> {
    let mut rates = HashMap::new();
    for w in Workload::ALL {
        for version in VERSIONS {
            let (_, encode, decode) = w.native_rates(version, budget).expect("workload");
            rates.insert((w.name().to_owned(), version.to_string()), [encode, decode]);
        }
    }
    rates
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    // `cargo test --benches` runs this once without --bench: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let budget = Duration::from_millis(if quick { 10 } else { 500 });

    // Natively first, before Chromium competes for the CPUs.
    let native = native_rates(budget);

    let page = workspace_root().join("target/bench-page");
    let addr = match serve_dir(&page) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("cannot serve the bench page: {e} (scripts/bench.sh builds it)");
            return ExitCode::FAILURE;
        }
    };
    // Returning (not exiting) on failure lets the driver's guard stop
    // chromedriver; run_in_page has closed the browser by then.
    let driver = Chromedriver::start();
    let out = match driver
        .run_in_page(
            &format!("http://{addr}/"),
            SCRIPT,
            vec![(budget.as_secs_f64() * 1000.0).into()],
            Duration::from_secs(600),
        )
        .await
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("the codec benchmark failed: {e}");
            return ExitCode::FAILURE;
        }
    };

    println!(
        "{}",
        out["user_agent"].as_str().unwrap_or("unknown browser")
    );
    println!(
        "| workload | MQTT | op | packet | native ({}) | our wasm | our wasm, a call per packet | mqtt-packet | ours / mqtt-packet | per call / mqtt-packet |",
        std::env::consts::ARCH
    );
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let rows = out["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut differing = Vec::new();
    let mut table = Vec::new();
    for row in rows {
        let text = |key: &str| row[key].as_str().unwrap_or("?").to_owned();
        let (workload, version) = (text("workload"), text("version"));
        if row["identical_bytes"] != Value::Bool(true) {
            differing.push(format!("{workload}, {version}"));
        }
        let native = native.get(&(workload.clone(), version.clone()));
        for (i, op) in ["encode", "decode"].into_iter().enumerate() {
            let browser = |key: &str| row[op][key].as_f64().unwrap_or(f64::NAN);
            let (ours, per_call, theirs) = (
                browser("ours"),
                browser("ours_per_call"),
                browser("mqtt_packet"),
            );
            println!(
                "| {workload} | {version} | {op} | {} B | {} | {} | {} | {} | {:.1}x | {:.1}x |",
                row["bytes"],
                per_second(native.map_or(f64::NAN, |rates| rates[i])),
                per_second(ours),
                per_second(per_call),
                per_second(theirs),
                ours / theirs,
                per_call / theirs,
            );
            // The table's figure is the one an app gets: a call and a copy
            // per packet.
            let ratio = per_call / theirs;
            table.push(
                Row::new(
                    "MQTT codec",
                    format!("{op} {workload}, {version}, wasm in Chromium, a call per packet"),
                    per_second(per_call),
                )
                .peer(
                    format!("mqtt-packet: {}", per_second(theirs)),
                    format!("{ratio:.1}x faster"),
                )
                .budget(format!(
                    ">= 2x mqtt-packet: {}",
                    if ratio >= 2.0 { "met" } else { "NOT met" }
                )),
            );
        }
    }
    // A quick run's figures are not worth a row.
    if let Err(e) = if quick {
        Ok(())
    } else {
        record("codec", &table)
    } {
        eprintln!("cannot record the rows: {e}");
        return ExitCode::FAILURE;
    }
    if !differing.is_empty() {
        println!(
            "mqtt-packet's bytes differ from ours (each still reads the other's alike) for: {}",
            differing.join("; ")
        );
    }
    ExitCode::SUCCESS
}
