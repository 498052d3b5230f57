//! The keep-alive tick in headless Chromium against a real mosquitto: when
//! the tick worker fails after it was made (an `error` event, as a browser
//! reports a worker refused by a stricter policy), the Console's ticks come
//! from the main thread, so its pings go on and the connection stays up.

use std::time::{Duration, Instant};

use iotda_kit_e2e::{serve_dist, Browser, Chromedriver};
use iotda_testkit::{BrokerConfig, Mosquitto};

/// Every Worker made from a `blob:` URL (the tick worker's inline source)
/// is made from a path that is not a script instead, so it fails with an
/// `error` event once started (its constructor does not throw); the other
/// workers are left alone. Every PINGREQ sent on a WebSocket is counted, and every CONNECT.
const BREAK_THE_TICK_WORKER: &str = "
    window.tickWorkerErrors = 0;
    window.pings = 0;
    window.connects = 0;
    window.Worker = new Proxy(window.Worker, { construct(target, args) {
        if (!String(args[0]).startsWith('blob:')) return new target(...args);
        const worker = new target('/no-such-tick-worker.js');
        worker.addEventListener('error', () => window.tickWorkerErrors++);
        return worker;
    } });
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

/// Regression (issue 17, item 17): the tick worker's `error` event was not
/// handled, so no tick came and keep-alive pings stopped.
#[tokio::test(flavor = "multi_thread")]
async fn a_tick_worker_that_fails_once_started_falls_back_to_the_main_thread() {
    let broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        ..BrokerConfig::default()
    });
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1000).await;
    browser.open_console(addr, ws_port, "tick-fallback").await;
    browser.run(BREAK_THE_TICK_WORKER).await;
    // A 1 s keep alive: mosquitto drops a client silent for 1.5 s.
    browser.fill("#console-keepalive", "1").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    wait_for_count(&browser, "return window.tickWorkerErrors;", 1).await;
    // Pings only come from ticks: three of them, one a second, prove the
    // main-thread timer took over.
    wait_for_count(&browser, "return window.pings;", 3).await;
    // On one connection: mosquitto never dropped it for silence.
    let status = browser.text("#console-status").await;
    assert!(status.starts_with("Connected"), "{status}");
    assert_eq!(browser.run("return window.connects;").await, 1);
}
