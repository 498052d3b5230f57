//! The keep-alive tick in headless Chromium against a real mosquitto: when
//! the tick worker fails after it was made (an `error` event, as a browser
//! reports a worker refused by a stricter policy), the Console's ticks come
//! from the main thread, so its pings go on and the connection stays up;
//! and so they do under a policy, sent as a header, that refuses the tick
//! worker's `blob:` source.

use std::time::{Duration, Instant};

use iotda_kit_e2e::{serve_dir, serve_dist, workspace_root, Browser, Chromedriver};
use iotda_testkit::{BrokerConfig, Mosquitto, Scratch};

/// Every Worker made from a `blob:` URL (the tick worker's inline source)
/// is made from a path that is not a script instead, so it fails with an
/// `error` event once started (its constructor does not throw); the other
/// workers are left alone.
const BREAK_THE_TICK_WORKER: &str = "
    window.tickWorkerErrors = 0;
    window.Worker = new Proxy(window.Worker, { construct(target, args) {
        if (!String(args[0]).startsWith('blob:')) return new target(...args);
        const worker = new target('/no-such-tick-worker.js');
        worker.addEventListener('error', () => window.tickWorkerErrors++);
        return worker;
    } });";

/// Counts every PINGREQ and every CONNECT sent on a WebSocket.
const COUNT_PINGS: &str = "
    window.pings = 0;
    window.connects = 0;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
            : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
            : null;
        if (bytes && bytes.length === 2 && bytes[0] === 0xC0 && bytes[1] === 0) window.pings++;
        if (bytes && bytes[0] === 0x10) window.connects++;
        return send.call(this, data);
    };";

/// The number `script` returns, once it is at least `at_least`; panics
/// after 30 s with what it last was.
async fn wait_for_count(browser: &Browser, script: &str, at_least: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n = browser.run(script).await.as_u64().unwrap_or(0);
        if n >= at_least {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "`{script}` is {n}, waited for {at_least}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Connects the Console served at `addr` with a 1 s keep alive (mosquitto
/// drops a client silent for 1.5 s), after `setup` ran in the page, and
/// checks that three pings go out on the one connection. Pings only come
/// from ticks, one a second.
async fn pings_go_on(addr: std::net::SocketAddr, setup: &str) -> (Chromedriver, Browser) {
    let broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        ..BrokerConfig::default()
    });
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1000).await;
    browser.open_console(addr, ws_port, "tick-fallback").await;
    browser.run(COUNT_PINGS).await;
    browser.run(setup).await;
    browser.fill("#console-keepalive", "1").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    wait_for_count(&browser, "return window.pings;", 3).await;
    let status = browser.text("#console-status").await;
    assert!(status.starts_with("Connected"), "{status}");
    assert_eq!(browser.run("return window.connects;").await, 1);
    (driver, browser)
}

/// Regression (issue 17, item 17): the tick worker's `error` event was not
/// handled, so no tick came and keep-alive pings stopped.
#[tokio::test(flavor = "multi_thread")]
async fn a_tick_worker_that_fails_once_started_falls_back_to_the_main_thread() {
    let (_driver, browser) = pings_go_on(serve_dist(), BREAK_THE_TICK_WORKER).await;
    assert_eq!(browser.run("return window.tickWorkerErrors;").await, 1);
}

/// The page served with a policy whose `worker-src` has no `blob:` (in its
/// `<meta>` and so in the header `serve` reads from it): the tick worker is
/// refused, and the ticks come from the main thread.
#[tokio::test(flavor = "multi_thread")]
async fn under_a_csp_header_refusing_blob_workers_the_ticks_come_from_the_main_thread() {
    let dir = Scratch::new("e2e-ticker-csp");
    let dist = workspace_root().join("dist");
    for entry in std::fs::read_dir(&dist).expect("dist/ (scripts/test.sh builds it)") {
        let path = entry.expect("a file of dist/").path();
        let name = path.file_name().expect("a name").to_owned();
        // index.html is changed below: its precompressed copies would be
        // served instead.
        let stale = name.to_str().is_some_and(|n| n.starts_with("index.html."));
        if path.is_file() && !stale {
            std::fs::copy(&path, dir.join(name.to_str().expect("a UTF-8 name")))
                .expect("copy a file of dist/");
        }
    }
    let index = std::fs::read_to_string(dist.join("index.html")).expect("dist/index.html");
    let strict = index.replace("worker-src 'self' blob:", "worker-src 'self'");
    assert_ne!(
        strict, index,
        "the page's policy names worker-src 'self' blob:"
    );
    std::fs::write(dir.join("index.html"), strict).expect("write index.html");
    let addr = serve_dir(dir.path()).expect("serve the copy");
    let header = iotda_testkit::http::get(addr, "/", "")
        .header("content-security-policy")
        .map(str::to_owned);
    let header = header.expect("the policy sent as a header");
    assert!(header.contains("worker-src 'self';"), "{header}");
    let (_driver, browser) = pings_go_on(addr, "window.violations = []; document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));").await;
    let violations = browser.run("return window.violations;").await;
    assert!(
        violations.to_string().contains("worker-src"),
        "the tick worker was refused: {violations}"
    );
}
