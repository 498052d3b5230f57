//! `cargo bench -p iotda-kit-e2e --bench pki_browser`: the certificate steps
//! in headless Chromium, run by the app's own certificate worker (its wasm,
//! its JSON protocol), against node-forge (pure JavaScript, RSA only) and
//! WebCrypto in the same page and run, timed inside the page with
//! `performance.now()`. Prints a table and records it as the part
//! `pki_browser` of the bench table (`iotda_kit_e2e::bench`).
//!
//! The page is laid out in `target/bench-certs`: `crates/e2e/bench-page-certs`
//! (`index.html`, `bench.js`), the worker's three files from the release
//! build in `dist/`, and node-forge's `dist/forge.min.js` from `.tools`
//! (`scripts/bench.sh` builds the one and installs the other). It asserts
//! nothing about speed; it fails only if it cannot measure: a file is
//! missing, Chromium does not start, or a peer fails its check in the page.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use iotda_kit_e2e::bench::{faster, median, millis, print_and_record, worst, Row};
use iotda_kit_e2e::{serve_dir, workspace_root, Chromedriver};
use serde_json::Value;

const SECTION: &str = "Certificates";

/// Our RSA-2048 CA job may take this many times WebCrypto's bare
/// `generateKey` (median against median).
const RSA_BUDGET: f64 = 1.3;

/// Runs in the bench page: `window.certsBench` (its `bench.js`).
const SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
if (typeof window.certsBench !== 'function') {
  done({ error: 'bench.js did not load (is target/bench-certs complete?)' });
} else {
  window.certsBench(arguments[0]).then(done, e => done({ error: String(e && e.stack || e) }));
}
"#;

/// Lays the bench page out in `target/bench-certs`.
fn lay_out_page() -> Result<std::path::PathBuf, String> {
    let root = workspace_root();
    let page = root.join("target/bench-certs");
    std::fs::create_dir_all(&page).map_err(|e| format!("create {}: {e}", page.display()))?;
    let copy = |from: &Path, name: &str, hint: &str| {
        std::fs::copy(from.join(name), page.join(name))
            .map(drop)
            .map_err(|e| format!("{}: {e} ({hint})", from.join(name).display()))
    };
    let sources = root.join("crates/e2e/bench-page-certs");
    for name in ["index.html", "bench.js"] {
        copy(&sources, name, "part of the repository")?;
    }
    let dist = root.join("dist");
    for name in [
        "pki_worker_loader.js",
        "pki_worker.js",
        "pki_worker_bg.wasm",
    ] {
        copy(&dist, name, "scripts/bench.sh builds the release page")?;
    }
    copy(
        &root.join(".tools/node_modules/node-forge/dist"),
        "forge.min.js",
        "scripts/bench.sh installs node-forge into .tools",
    )?;
    Ok(page)
}

/// The installed node-forge's version.
fn forge_version() -> String {
    let path = workspace_root().join(".tools/node_modules/node-forge/package.json");
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|json| json["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// The rows from the page's timings.
fn rows(out: &Value, counts: &Value) -> Vec<Row> {
    let numbers = |key: &str| -> Vec<f64> {
        out[key]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let count = |key: &str| counts[key].as_u64().unwrap_or(0);
    let forge = format!("node-forge {}", forge_version());
    let mut rows = vec![Row::new(
        SECTION,
        "Chromium: certificate worker start (fetch + compile + ready)",
        millis(out["worker_start"].as_f64().unwrap_or(f64::NAN)),
    )];

    let chain = median(&numbers("chain"));
    rows.push(Row::timed(
        SECTION,
        format!(
            "Chromium: P-256 CA + verification + device chain, median of {} \
             (node-forge: the same chain with RSA-2048, it has no ECDSA; median of {})",
            count("chains"),
            count("forgeChains")
        ),
        chain,
        &format!("{forge}, RSA-2048 chain"),
        median(&numbers("forge_chain")),
    ));
    rows.push(Row::timed(
        SECTION,
        format!(
            "Chromium: the same P-256 chain, median of {} (WebCrypto: only generating \
             the chain's 3 P-256 keys, it makes no certificates; mean of 10 in a row each)",
            count("chains")
        ),
        chain,
        "WebCrypto, 3 P-256 keys",
        median(&numbers("webcrypto_chain_keys")),
    ));
    rows.push(Row::timed(
        SECTION,
        format!(
            "Chromium: a P-256 key, median of {} (ours: a CA job through the worker: key, \
             self-signed certificate, message round trip; WebCrypto: mean of 20 in a row each)",
            count("keys")
        ),
        median(&numbers("p256")),
        "WebCrypto generateKey",
        median(&numbers("webcrypto_p256")),
    ));
    let (rsa, forge_rsa, webcrypto_rsa) = (
        numbers("rsa"),
        numbers("forge_rsa"),
        numbers("webcrypto_rsa"),
    );
    let keys = count("keys");
    let ours_how = "ours: a CA job through the worker, the key from WebCrypto there, \
                    imported, and the self-signed certificate";
    for (stat, f) in [("median", median as fn(&[f64]) -> f64), ("worst", worst)] {
        rows.push(Row::timed(
            SECTION,
            format!("Chromium: RSA-2048 key generation, {stat} of {keys} ({ours_how})"),
            f(&rsa),
            &format!("{forge} generateKeyPair"),
            f(&forge_rsa),
        ));
        let beside_webcrypto = Row::timed(
            SECTION,
            format!("Chromium: RSA-2048 key generation, {stat} of {keys} ({ours_how})"),
            f(&rsa),
            "WebCrypto generateKey on the page",
            f(&webcrypto_rsa),
        );
        rows.push(if stat == "median" {
            let ratio = f(&rsa) / f(&webcrypto_rsa);
            let met = if ratio <= RSA_BUDGET {
                "met"
            } else {
                "NOT met"
            };
            beside_webcrypto.budget(format!(
                "<= {RSA_BUDGET}x WebCrypto's median: {met} ({ratio:.2}x)"
            ))
        } else {
            beside_webcrypto
        });
    }

    let batch = out["batch"].as_f64().unwrap_or(f64::NAN);
    let batch_count = out["batch_count"].as_f64().unwrap_or(f64::NAN);
    let forge_batch = out["forge_batch"].as_f64().unwrap_or(f64::NAN);
    let forge_count = out["forge_batch_count"].as_f64().unwrap_or(f64::NAN);
    let (ours_each, forge_each) = (batch / batch_count, forge_batch / forge_count);
    rows.push(
        Row::new(
            SECTION,
            format!(
                "Chromium: batch of {batch_count} P-256 devices with the zip; a device each \
                 (node-forge: {forge_count} RSA-2048 devices, key + CSR + certificate, no zip)"
            ),
            format!("{} ({} a device)", millis(batch), millis(ours_each)),
        )
        .peer(
            format!(
                "{forge}: {} for {forge_count} ({} a device)",
                millis(forge_batch),
                millis(forge_each)
            ),
            format!("{} a device", faster(ours_each, forge_each)),
        )
        .budget(format!(
            "1000 devices < 5 s: {}",
            if batch_count >= 1000.0 && batch < 5000.0 {
                "met"
            } else if batch_count >= 1000.0 {
                "missed"
            } else {
                "not measured (quick run)"
            }
        )),
    );
    rows
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    // `cargo test --benches` runs this once without --bench: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let counts = if quick {
        serde_json::json!({ "chains": 2, "forgeChains": 1, "keys": 1, "batch": 10, "forgeBatch": 1 })
    } else {
        serde_json::json!({ "chains": 20, "forgeChains": 5, "keys": 20, "batch": 1000, "forgeBatch": 20 })
    };
    let page = match lay_out_page() {
        Ok(page) => page,
        Err(e) => {
            eprintln!("cannot lay out the bench page: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = match serve_dir(&page) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("cannot serve {}: {e}", page.display());
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
            vec![counts.clone()],
            Duration::from_secs(1500),
        )
        .await
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("the certificate benchmark failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rows = rows(&out, &counts);
    println!(
        "{}",
        out["user_agent"].as_str().unwrap_or("unknown browser")
    );
    print_and_record("pki_browser", &rows, !quick)
}
