//! `cargo bench -p iotda-kit-e2e --bench page_browser`: the page's weight
//! and cold start in headless Chromium, next to what a JavaScript
//! equivalent would ship before any UI (npm `mqtt`'s `mqtt.min.js` and
//! `node-forge`'s `forge.min.js`, installed into `.tools` by
//! `scripts/bench.sh`).
//!
//! - Weight: every file the first load fetches until the Connection page is
//!   interactive (the Resource Timing API's list, plus the document), each
//!   counted at its `gzip -9` size from `dist/`. The workers' wasm must not
//!   be among them.
//! - Start: ten cold loads (a fresh browser profile each: no cache, no
//!   service worker), from navigation to the page's `iotda-kit-interactive`
//!   mark (set once the Connection page is rendered with its handlers);
//!   beside it, ten cold loads of a blank page that only loads and runs the
//!   two peer scripts.
//!
//! Prints the rows and records them for the report; it asserts nothing and
//! fails only if it cannot measure.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use iotda_kit_e2e::bench::{median, record, thousands, Row};
use iotda_kit_e2e::{serve_dir, workspace_root, Chromedriver};

const SECTION: &str = "Page weight and start";
/// The first-load budget of the issue, in bytes (gzip).
const BUDGET: u64 = 400_000;
const LOADS: usize = 10;

/// The peers, as npm ships them.
const PEERS: [(&str, &str); 2] = [
    ("mqtt.min.js", "mqtt/dist/mqtt.min.js"),
    ("forge.min.js", "node-forge/dist/forge.min.js"),
];

/// The mark's time and the first load's files, once the mark is set.
const PROBE: &str = r#"
const [mark, done] = arguments;
const look = () => {
  const found = performance.getEntriesByName(mark)[0];
  if (!found) return setTimeout(look, 5);
  const files = performance.getEntriesByType('resource')
    .filter(e => e.startTime <= found.startTime)
    .map(e => new URL(e.name).pathname);
  done({ at: found.startTime, files });
};
look();
"#;

/// `gzip -9` size of a file.
fn gzip_size(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9c"])
        .arg(path)
        .output()
        .map_err(|e| format!("run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip {}: {}", path.display(), out.status));
    }
    Ok(out.stdout.len() as u64)
}

/// Ten cold loads of `url`: the mark's times and the last load's files.
async fn cold_loads(
    driver: &Chromedriver,
    url: &str,
    mark: &str,
) -> Result<(Vec<f64>, Vec<String>), String> {
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..LOADS {
        let browser = driver.session(1280, 1000).await;
        browser.goto(url).await;
        let probed = browser
            .client
            .execute_async(PROBE, vec![mark.into()])
            .await
            .map_err(|e| format!("read the mark on {url}: {e}"));
        browser.close().await;
        let probed = probed?;
        let at = probed["at"]
            .as_f64()
            .ok_or_else(|| format!("no mark {mark} on {url}"))?;
        times.push(at);
        files = probed["files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
    }
    Ok((times, files))
}

/// A blank page that loads the peers' scripts, then sets the mark.
fn peer_page(tools: &Path) -> Result<PathBuf, String> {
    let dir = workspace_root().join("target/bench/peer-page");
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let mut scripts = String::new();
    for (name, path) in PEERS {
        std::fs::copy(tools.join(path), dir.join(name)).map_err(|e| {
            format!(
                "{} (scripts/bench.sh installs it): {e}",
                tools.join(path).display()
            )
        })?;
        scripts.push_str(&format!("<script src=\"/{name}\"></script>\n"));
    }
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>peers</title>\n{scripts}\
         <script>performance.mark('peers-loaded');</script></head><body></body></html>\n"
    );
    std::fs::write(dir.join("index.html"), html)
        .map_err(|e| format!("write the peer page: {e}"))?;
    Ok(dir)
}

async fn bench() -> Result<Vec<Row>, String> {
    let root = workspace_root();
    let dist = root.join("dist");
    let tools = root.join(".tools/node_modules");
    let page = serve_dir(&dist).map_err(|e| format!("serve dist/: {e}"))?;
    let peers = serve_dir(&peer_page(&tools)?).map_err(|e| format!("serve the peer page: {e}"))?;
    let driver = Chromedriver::start();

    let started = Instant::now();
    let (ours, files) =
        cold_loads(&driver, &format!("http://{page}/"), "iotda-kit-interactive").await?;
    let (theirs, _) = cold_loads(&driver, &format!("http://{peers}/"), "peers-loaded").await?;
    eprintln!(
        "{} cold loads in {:.0} s",
        2 * LOADS,
        started.elapsed().as_secs_f64()
    );

    let mut weight = gzip_size(&dist.join("index.html"))?;
    let mut listed = vec![format!("index.html {weight} B")];
    for file in &files {
        let name = file.trim_start_matches('/');
        let size = gzip_size(&dist.join(name))?;
        listed.push(format!("{name} {size} B"));
        weight += size;
    }
    let workers: Vec<&String> = files.iter().filter(|f| f.contains("worker")).collect();
    let mut peer_weight = 0;
    for (_, path) in PEERS {
        peer_weight += gzip_size(&tools.join(path))?;
    }
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    let (ours_ms, theirs_ms) = (median(&ours), median(&theirs));
    let spread = |xs: &[f64]| {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(0.0, f64::max);
        format!("{lo:.0} to {hi:.0} ms")
    };
    println!("first load, gzip -9: {}", listed.join(", "));
    println!("cold starts, ours: {ours:.0?}; peers: {theirs:.0?}");
    Ok(vec![
        Row::new(
            SECTION,
            format!(
                "first load until interactive, gzip ({} files, wasm and JS)",
                listed.len()
            ),
            format!("{} B", thousands(weight)),
        )
        .peer(
            format!("mqtt.min.js + forge.min.js: {} B", thousands(peer_weight)),
            format!("{:.2}x their size", weight as f64 / peer_weight as f64),
        )
        .budget(format!(
            "< {} B: {}",
            thousands(BUDGET),
            verdict(weight < BUDGET)
        )),
        Row::new(
            SECTION,
            "workers' wasm in the first load",
            if workers.is_empty() {
                "none".to_owned()
            } else {
                format!("{workers:?}")
            },
        )
        .budget(format!(
            "loaded only when needed: {}",
            verdict(workers.is_empty())
        )),
        Row::new(
            SECTION,
            format!(
                "cold start to the Connection page interactive, median of {LOADS} ({})",
                spread(&ours)
            ),
            format!("{ours_ms:.0} ms"),
        )
        .peer(
            format!(
                "loading mqtt.min.js + forge.min.js alone: {theirs_ms:.0} ms ({})",
                spread(&theirs)
            ),
            format!("{:.2}x their time", ours_ms / theirs_ms),
        ),
    ])
}

#[tokio::main]
async fn main() -> ExitCode {
    let deadline = Duration::from_secs(600);
    match tokio::time::timeout(deadline, bench()).await {
        Ok(Ok(rows)) => {
            for r in &rows {
                println!(
                    "{} | {} | {} | {} | {}",
                    r.what, r.ours, r.peer, r.ratio, r.budget
                );
            }
            match record("page", &rows) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cannot record the rows: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Ok(Err(e)) => {
            eprintln!("page bench failed: {e}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("page bench took over {} s", deadline.as_secs());
            ExitCode::FAILURE
        }
    }
}
