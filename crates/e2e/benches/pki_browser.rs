//! `cargo bench -p iotda-kit-e2e --bench pki_browser`: the certificate steps
//! in headless Chromium, run by the page's own certificate worker (its wasm,
//! its JSON protocol), timed inside the page with `performance.now()`.
//! Printed as a table; it asserts nothing. Needs the release page in
//! `dist/` (`scripts/bench.sh` builds it).

use std::process::ExitCode;
use std::time::Duration;

use iotda_kit_e2e::{serve_dist, Chromedriver};

/// Runs in the page: starts the worker, runs the jobs, returns the timings
/// (milliseconds) as JSON.
const SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const [chains, rsaRuns, batchSize] = Array.from(arguments).slice(0, 3);
const t0 = performance.now();
const w = new Worker('/pki_worker_loader.js');
let next = 1;
const waiting = new Map();
w.onerror = e => done({ error: 'worker: ' + e.message });
const ready = new Promise(resolve => {
  w.onmessage = e => {
    const m = JSON.parse(Array.isArray(e.data) ? e.data[0] : e.data);
    if (m === 'ready') return resolve();
    if (m.progress) return;
    const id = (m.done || m.failed).id;
    const settle = waiting.get(id);
    waiting.delete(id);
    settle(m);
  };
});
const run = job => new Promise(resolve => {
  const id = next++;
  waiting.set(id, resolve);
  w.postMessage(JSON.stringify({ id, job }));
}).then(m => {
  if (m.failed) throw new Error(JSON.stringify(m.failed.errors));
  return m.done.result;
});
const timed = async job => { const s = performance.now(); const r = await run(job); return [performance.now() - s, r]; };
(async () => {
  await ready;
  const out = { worker_start: performance.now() - t0, chain: [], rsa: [], batch: 0 };
  for (let i = 0; i < chains; i++) {
    const s = performance.now();
    const made = await run({ create_ca: { key_type: 'p256', subject: { cn: 'Bench CA' }, days: 1024 } });
    const ca = { cert_pem: made.ca.ca.cert_pem, key_pem: made.ca.ca.key_pem };
    await run({ verification: { ca, code: '0123456789abcdef', days: 500 } });
    await run({ device: { ca, common_name: 'node-1', key_type: 'p256', days: 500 } });
    out.chain.push(performance.now() - s);
    out.ca = ca;
  }
  for (let i = 0; i < rsaRuns; i++) {
    const [ms] = await timed({ create_ca: { key_type: 'rsa2048', subject: { cn: 'RSA' }, days: 30 } });
    out.rsa.push(ms);
  }
  const ids = Array.from({ length: batchSize }, (_, i) => 'node-' + i).join('\n');
  const [ms, result] = await timed({ batch: { ca: out.ca, node_ids: ids, key_type: 'p256', days: 500 } });
  out.batch = ms;
  out.batch_count = result.batch.count;
  delete out.ca;
  w.terminate();
  done(out);
})().catch(e => done({ error: String(e) }));
"#;

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    // `cargo test --benches` runs this once without --bench: keep it short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (chains, rsa_runs, batch) = if quick { (2, 1, 10) } else { (20, 20, 1000) };
    let addr = serve_dist();
    // Returning (not exiting) on failure lets the driver's guard stop
    // chromedriver; run_in_page has closed the browser by then.
    let driver = Chromedriver::start();
    let out = match driver
        .run_in_page(
            &format!("http://{addr}/"),
            SCRIPT,
            vec![chains.into(), rsa_runs.into(), batch.into()],
            Duration::from_secs(900),
        )
        .await
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("the benchmark failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let numbers = |key: &str| -> Vec<f64> {
        out[key]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default()
    };
    let mut chain = numbers("chain");
    let mut rsa = numbers("rsa");
    let worst = rsa.iter().copied().fold(f64::NAN, f64::max);
    println!("| headless Chromium, certificate worker (wasm) | time |");
    println!("| --- | ---: |");
    println!(
        "| worker start (fetch + compile + ready) | {:.1} ms |",
        out["worker_start"].as_f64().unwrap_or(f64::NAN)
    );
    println!(
        "| P-256 CA + verification + device chain (median of {chains}) | {:.1} ms |",
        median(&mut chain)
    );
    println!(
        "| RSA-2048 key generation, median of {rsa_runs} | {:.1} ms |",
        median(&mut rsa)
    );
    println!("| RSA-2048 key generation, worst of {rsa_runs} | {worst:.1} ms |");
    println!(
        "| batch of {} P-256 device certificates (with zip) | {:.1} ms |",
        out["batch_count"],
        out["batch"].as_f64().unwrap_or(f64::NAN)
    );
    ExitCode::SUCCESS
}
