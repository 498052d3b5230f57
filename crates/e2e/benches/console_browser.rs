//! `cargo bench -p iotda-kit-e2e --bench console_browser`: how many inbound
//! messages a second the Console page sustains from a local mosquitto, in
//! headless Chromium. A publisher floods QoS 0 JSON property reports at a
//! given rate (or unpaced); the page measures, with `performance.now()`,
//! how long until it has them all, the longest gap between animation
//! frames and the longest main-thread task meanwhile (how responsive it
//! stayed), and, after a last run that brings the total past a million
//! messages, the JS heap (it must stay bounded). Printed as a table and
//! recorded for the report; it asserts nothing. Needs the release page in `dist/` (`scripts/bench.sh`
//! builds it).

use std::process::ExitCode;
use std::time::Duration;

use fantoccini::wd::TimeoutConfiguration;
use iotda_kit_e2e::bench::{record, thousands, Row};
use iotda_kit_e2e::{flood, serve_dist, Browser, Chromedriver};

const SECTION: &str = "End to end";
use iotda_testkit::{BrokerConfig, Mosquitto};

/// Runs in the page until `#console-counts` reports `target` received (or
/// 240 s pass): returns the time from the first new message to the last,
/// the longest gap between animation frames, the longest main-thread task
/// (Long Tasks API, tasks over 50 ms), the JS heap and the wasm memory.
const WATCH: &str = r#"
const [target, done] = arguments;
const counts = document.querySelector('#console-counts');
const got = () => Number(counts.dataset.received);
const base = got();
let first = null, last = null, prev = performance.now(), maxGap = 0, frames = 0;
let longest = 0, longTasks = 0;
const observer = new PerformanceObserver(list => {
  for (const e of list.getEntries()) { longTasks++; longest = Math.max(longest, e.duration); }
});
observer.observe({ type: 'longtask' });
const frame = now => {
  frames++;
  if (first !== null) maxGap = Math.max(maxGap, now - prev);
  prev = now;
  const n = got();
  if (first === null && n > base) first = now;
  if (n - base >= target || now - start > 240000) {
    last = now;
    observer.disconnect();
    return done({ received: n - base, ms: last - (first ?? last), maxGap, frames, longest, longTasks,
                  heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
                  wasm: Number(counts.dataset.wasmBytes) });
  }
  requestAnimationFrame(frame);
};
const start = performance.now();
requestAnimationFrame(frame);
"#;

struct Run {
    offered: String,
    sent: u32,
    received: u64,
    ms: f64,
    max_gap: f64,
    longest_task: f64,
    long_tasks: u64,
    heap: u64,
    wasm: u64,
}

async fn run(
    browser: &Browser,
    mqtt_port: u16,
    count: u32,
    rate: Option<u32>,
) -> Result<Run, String> {
    let publisher = std::thread::spawn(move || {
        // Give the page's watcher a moment to start.
        std::thread::sleep(Duration::from_millis(300));
        flood(mqtt_port, "bench", count, rate.unwrap_or(10_000_000));
    });
    let result = browser
        .client
        .execute_async(WATCH, vec![count.into()])
        .await
        .map_err(|e| format!("watch the page: {e}"))?;
    publisher
        .join()
        .map_err(|_| "the publisher failed".to_owned())?;
    let number = |k: &str| result.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0);
    Ok(Run {
        offered: rate.map_or("unpaced".into(), |r| format!("{r}/s")),
        sent: count,
        received: number("received") as u64,
        ms: number("ms"),
        max_gap: number("maxGap"),
        longest_task: number("longest"),
        long_tasks: number("longTasks") as u64,
        heap: number("heap") as u64,
        wasm: number("wasm") as u64,
    })
}

async fn bench(
    browser: &Browser,
    addr: std::net::SocketAddr,
    broker: &Mosquitto,
) -> Result<Vec<Run>, String> {
    let ws_port = broker.ws_port.ok_or("no WebSocket listener")?;
    browser.open_console(addr, ws_port, "bench-console").await;
    browser.fill("#console-new-filter", "bench/#").await;
    let qos0 = "document.querySelector('#console-new-qos').value = '0';
                document.querySelector('#console-new-qos').dispatchEvent(new Event('change', { bubbles: true }));";
    browser
        .client
        .execute(qos0, vec![])
        .await
        .map_err(|e| format!("choose QoS 0: {e}"))?;
    browser.click("#console-add-sub").await;
    browser.click("#console-connect").await;
    let subs = browser
        .wait_text("#console-sub-list", |t| t.contains("granted QoS"))
        .await;
    if !subs.contains("granted QoS") {
        return Err(format!("the console did not subscribe: {subs}"));
    }
    let mut rows = Vec::new();
    for (count, rate) in [
        (50_000, Some(10_000)),
        (100_000, Some(20_000)),
        (100_000, Some(40_000)),
        (100_000, None),
        (1_000_000, Some(20_000)),
    ] {
        rows.push(run(browser, broker.mqtt_port, count, rate).await?);
    }
    Ok(rows)
}

#[tokio::main]
async fn main() -> ExitCode {
    let broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        unbounded_queues: true,
        ..BrokerConfig::default()
    });
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1600).await;
    let _ = browser
        .client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(300)),
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(0)),
        ))
        .await;
    let outcome = bench(&browser, addr, &broker).await;
    browser.close().await;
    match outcome {
        Ok(runs) => {
            println!("Console: inbound MQTT messages (QoS 0, 73-byte JSON report) from local mosquitto over ws, headless Chromium");
            println!(
                "{:>10} {:>8} {:>9} {:>9} {:>12} {:>14} {:>13} {:>10} {:>12}",
                "offered",
                "sent",
                "received",
                "time s",
                "sustained/s",
                "max frame gap",
                "longest task",
                "JS heap",
                "wasm memory"
            );
            let mb = |bytes: u64| bytes as f64 / 1_048_576.0;
            let mut table = Vec::new();
            for r in &runs {
                let rate = if r.ms > 0.0 {
                    r.received as f64 / (r.ms / 1000.0)
                } else {
                    0.0
                };
                println!(
                    "{:>10} {:>8} {:>9} {:>9.2} {:>12.0} {:>11.0} ms {:>10.0} ms {:>7.1} MB {:>9.1} MB",
                    r.offered,
                    r.sent,
                    r.received,
                    r.ms / 1000.0,
                    rate,
                    r.max_gap,
                    r.longest_task,
                    mb(r.heap),
                    mb(r.wasm)
                );
                let responsive = r.longest_task < 100.0;
                table.push(
                    Row::new(
                        SECTION,
                        format!(
                            "{} messages offered at {}: received and rendered, longest main-thread task {:.0} ms ({} over 50 ms), longest frame gap {:.0} ms",
                            thousands(u64::from(r.sent)),
                            r.offered,
                            r.longest_task,
                            r.long_tasks,
                            r.max_gap
                        ),
                        format!("{}/s ({} of {})", thousands(rate as u64), thousands(r.received), thousands(u64::from(r.sent))),
                    )
                    .budget(format!(
                        "longest task < 100 ms: {}",
                        if responsive { "met" } else { "NOT met" }
                    )),
                );
            }
            if let (Some(first), Some(last)) = (runs.first(), runs.last()) {
                // Bounded: a million messages later, the heap is about where
                // the first run left it (the log holds the newest 10,000).
                let bounded = last.heap <= first.heap + 8 * 1_048_576;
                table.push(
                    Row::new(
                        SECTION,
                        format!(
                            "JS heap after {} messages in all (after the first {}: {:.1} MB); wasm memory {:.1} MB",
                            thousands(runs.iter().map(|r| r.received).sum()),
                            thousands(first.received),
                            mb(first.heap),
                            mb(last.wasm)
                        ),
                        format!("{:.1} MB", mb(last.heap)),
                    )
                    .budget(format!(
                        "bounded (within 8 MB of the first run): {}",
                        if bounded { "met" } else { "NOT met" }
                    )),
                );
            }
            match record("console", &table) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cannot record the rows: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("console bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}
