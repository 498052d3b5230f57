//! The Console with clean session off and a QoS 1 subscription, in
//! headless Chromium, across a restart of a persistent mosquitto (it saves
//! sessions and queued messages when stopped with SIGTERM): every report
//! of an `iotda-kit simulate --no-clean` device that publishes through the
//! restart reaches the Console's log (QoS 1: a message may come twice, none
//! may be missing). The CLI's half is `crates/cli/tests/cli/restart.rs`.
//!
//! Needs `cargo build -p iotda-kit-cli --bin iotda-kit` and the built page.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use iotda_kit_e2e::{kit_binary, serve_dist, Browser, Chromedriver};
use iotda_testkit::{BrokerConfig, Mosquitto};

const DEV: &str = "restart_console";
const REPORTS: usize = 8;

/// How many rows the log shows with its text filter set to `text`.
async fn rows_matching(browser: &Browser, text: &str) -> u64 {
    browser.paste("#console-filter-text", text).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = browser
            .run("return document.querySelectorAll('#console-log .log-row').length;")
            .await
            .as_u64()
            .unwrap_or_default();
        if rows > 0 || Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_loses_no_message_across_a_broker_restart() {
    let mut broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        persistent: true,
        ..BrokerConfig::default()
    });
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2400).await;

    // Clean session off, one QoS 1 subscription to the device's reports.
    browser.open_console(addr, ws_port, "console-restart").await;
    browser.untick("#console-clean").await;
    let topic = format!("$oc/devices/{DEV}/sys/properties/report");
    browser.fill("#console-new-filter", &topic).await;
    browser.click("#console-add-sub").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-sub-list", |t| t.contains("granted QoS 1"))
        .await;

    // A device reporting every second, also with its session kept.
    let mut sim = Command::new(kit_binary())
        .args(["simulate", "--host", "127.0.0.1", "--port"])
        .arg(broker.mqtt_port.to_string())
        .args(["--client-id", DEV, "--username", DEV, "--no-clean"])
        .args([
            "--interval",
            "1",
            "--count",
            &REPORTS.to_string(),
            "--seed",
            "7",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start iotda-kit simulate");
    let stdout = sim.stdout.take().expect("its output");
    let lines = std::thread::spawn(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });

    // Two reports through, then the broker stops and starts again.
    browser.wait_for("#console-counts[data-received='2']").await;
    broker.restart();

    let status = sim.wait().expect("simulate ends");
    let lines = lines.join().expect("the output");
    assert!(status.success(), "simulate: {status}; {lines:?}");
    let reported: BTreeSet<String> = (1..=REPORTS)
        .map(|n| {
            let prefix = format!("report {n} ");
            lines
                .iter()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap_or_else(|| panic!("no report {n} in {lines:?}"))
                .to_owned()
        })
        .collect();
    assert_eq!(reported.len(), REPORTS, "reports differ: {reported:#?}");

    // The Console came back to its kept session and has every report.
    browser
        .wait_text("#console-status", |t| {
            t.contains("(the broker kept the session)")
        })
        .await;
    let missing: Vec<&String> = {
        let mut missing = Vec::new();
        for report in &reported {
            if rows_matching(&browser, report).await == 0 {
                missing.push(report);
            }
        }
        missing
    };
    assert!(missing.is_empty(), "the Console lost {missing:#?}");
    let received: u64 = browser
        .attr("#console-counts", "data-received")
        .await
        .parse()
        .expect("a count");
    assert!(received >= REPORTS as u64, "{received}");
    browser.click("#console-disconnect").await;
    browser.close().await;
}
