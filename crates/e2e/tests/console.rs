//! The Console page in headless Chromium against a real mosquitto (started
//! here, MQTT and WebSocket on 127.0.0.1): prefill from the Connection
//! page, connect, subscribe, receive what `mosquitto_pub` sends, answer a
//! command that `mosquitto_sub` reads, filters, errors, IoTDA mode's
//! warnings in view, a session that
//! outlives a visit to another page, and a flood of 10,000 messages a
//! second.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use iotda_kit_e2e::{flood, serve_dist, Browser, Chromedriver};
use iotda_testkit::{BrokerConfig, Mosquitto};

/// The tests of this file run one at a time: three Chromiums at once on
/// two CPUs starve each other (and the flood test, see its note).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn broker() -> Mosquitto {
    Mosquitto::start(&BrokerConfig {
        websocket: true,
        unbounded_queues: true,
        ..BrokerConfig::default()
    })
}

async fn received(browser: &Browser) -> u64 {
    browser
        .attr("#console-counts", "data-received")
        .await
        .parse()
        .expect("a count")
}

/// The connection's activity log (it is collapsed, so not visible text).
async fn activity(browser: &Browser) -> String {
    let text = browser
        .client
        .execute(
            "return document.querySelector('#console-activity').textContent;",
            vec![],
        )
        .await
        .expect("read the activity");
    text.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn console_connects_receives_from_mosquitto_pub_and_answers_a_command() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let broker = broker();
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2200).await;

    // The Connection page: device, secret and the local WebSocket broker.
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.fill("#device-id", "dev_1").await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#host", "127.0.0.1").await;
    browser.select("#transport", "ws").await;
    browser.fill("#port", &ws_port.to_string()).await;
    let client_id = browser
        .wait_text("#client-id", |t| t.starts_with("dev_1_0_0_"))
        .await;

    // The Console, reached by the app's own link: everything carried over.
    browser.click("a.navlink[href='/console']").await;
    browser.wait_for("#console-host").await;
    assert_eq!(browser.value("#console-host").await, "127.0.0.1");
    assert_eq!(browser.value("#console-port").await, ws_port.to_string());
    assert_eq!(browser.value("#console-client-id").await, client_id);
    assert_eq!(browser.value("#console-username").await, "dev_1");
    assert_eq!(browser.value("#console-password").await.len(), 64);
    let rows = browser
        .client
        .find_all(fantoccini::Locator::Css("#console-sub-list .sub-row"))
        .await
        .expect("subscription rows");
    assert_eq!(rows.len(), 6, "the IoTDA downlink topics of dev_1");

    browser.click("#console-connect").await;
    let status = browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    assert_eq!(
        status,
        format!("Connected to ws://127.0.0.1:{ws_port}/mqtt")
    );
    let subs = browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 6
        })
        .await;
    assert_eq!(subs.matches("granted QoS 1").count(), 6, "{subs}");

    // A command from "the platform" (mosquitto_pub), answered from the page
    // and read by mosquitto_sub.
    let sub = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.mqtt_port.to_string()])
        .args([
            "-t",
            "$oc/devices/dev_1/sys/commands/response/#",
            "-C",
            "1",
            "-v",
        ])
        .args(["-W", "30"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start mosquitto_sub");
    let command = r#"{"service_id":"Battery","command_name":"reboot","paras":{"delay":1}}"#;
    let status = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.mqtt_port.to_string(),
            "-q",
            "1",
        ])
        .args([
            "-t",
            "$oc/devices/dev_1/sys/commands/request_id=77",
            "-m",
            command,
        ])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success());
    let row = browser.wait_for("#console-log .log-row").await;
    let row_text = row.text().await.expect("row text");
    // The narrow topic column shows what tells rows apart, not the
    // device's `$oc/devices/dev_1` head; the tooltip has the whole topic.
    let topic = browser.text("#console-log .log-row .topic").await;
    assert_eq!(topic, "…/sys/commands/request_id=77", "{row_text}");
    assert_eq!(
        browser.attr("#console-log .log-row .topic", "title").await,
        "$oc/devices/dev_1/sys/commands/request_id=77"
    );
    assert!(row_text.contains("Q1"), "{row_text}");
    row.click().await.expect("select the message");
    let payload = browser.text("#console-detail-payload").await;
    assert!(
        payload.contains("\"command_name\": \"reboot\""),
        "pretty JSON: {payload}"
    );

    browser.click("#console-answer").await;
    assert_eq!(
        browser.value("#console-topic").await,
        "$oc/devices/dev_1/sys/commands/response/request_id=77"
    );
    // Ctrl+Enter in the payload sends it.
    let payload_box = browser.wait_for("#console-payload").await;
    payload_box
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Control),
            char::from(Key::Enter)
        ))
        .await
        .expect("press Ctrl+Enter");
    let answered = sub.wait_with_output().expect("mosquitto_sub output");
    let answered = String::from_utf8_lossy(&answered.stdout).into_owned();
    assert!(
        answered.starts_with("$oc/devices/dev_1/sys/commands/response/request_id=77 "),
        "{answered}"
    );
    assert!(answered.contains("\"result_code\": 0"), "{answered}");
    // The response comes back too: `commands/#` covers `commands/response/...`.
    // Published: the answer, and the simulated device's three connect
    // events (time sync request, shadow get, version report).
    let counts = browser
        .wait_text("#console-counts", |t| t.starts_with("2 received"))
        .await;
    assert!(counts.starts_with("2 received, 4 published"), "{counts}");

    // Broken JSON is refused next to the payload, and nothing is sent.
    browser.paste("#console-payload", "{\"a\":\n  1,}").await;
    let error = browser.text("#console-payload-error").await;
    assert!(error.contains("line 2"), "{error}");
    browser.click("#console-send").await;
    let refused = browser.text("#console-publish-error").await;
    assert!(refused.contains("not JSON"), "{refused}");

    // Filters: by MQTT filter and by text (of the three messages and the
    // device's three connect events).
    browser
        .fill("#console-filter-topic", "$oc/devices/dev_1/sys/commands/+")
        .await;
    let counts = browser
        .wait_text("#console-counts", |t| t.contains("showing 1 of 6"))
        .await;
    assert!(counts.contains("showing 1 of 6"), "{counts}");
    browser.paste("#console-filter-topic", "").await;
    browser.fill("#console-filter-text", "result_code").await;
    let counts = browser
        .wait_text("#console-counts", |t| t.contains("showing 2 of 6"))
        .await;
    assert!(counts.contains("showing 2 of 6"), "{counts}");
    browser.paste("#console-filter-text", "").await;

    let shot = browser.screenshot("console").await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);

    // A system event down is answered with the device's event: a version
    // query with a version report on events/up.
    publish(
        &broker,
        "$oc/devices/dev_1/sys/events/down",
        r#"{"services":[{"service_id":"$ota","event_type":"version_query","paras":{}}]}"#,
    );
    browser
        .wait_text("#console-log", |t| t.contains("…/sys/events/down"))
        .await;
    let rows = browser
        .client
        .find_all(fantoccini::Locator::Css("#console-log .log-row"))
        .await
        .expect("log rows");
    let mut down = None;
    for row in rows {
        if row
            .text()
            .await
            .unwrap_or_default()
            .contains("…/sys/events/down")
        {
            down = Some(row);
        }
    }
    down.expect("the event's row")
        .click()
        .await
        .expect("select it");
    browser.click("#console-answer").await;
    assert_eq!(
        browser.value("#console-topic").await,
        "$oc/devices/dev_1/sys/events/up"
    );
    let answer = browser.value("#console-payload").await;
    assert!(answer.contains("\"version_report\""), "{answer}");
    // Every system event a device sends is a preset.
    let chosen = browser
        .run(
            "const s = document.querySelector('#console-preset');
             const o = [...s.options].find(o => o.text === 'event: upgrade_progress_report');
             s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true }));
             return o.text;",
        )
        .await;
    assert_eq!(chosen, "event: upgrade_progress_report");
    let payload = browser
        .wait_value("#console-payload", |v| {
            v.contains("upgrade_progress_report")
        })
        .await;
    assert!(payload.contains("\"progress\": 100"), "{payload}");

    browser.click("#console-disconnect").await;
    let status = browser
        .wait_text("#console-status", |t| t == "Not connected")
        .await;
    assert_eq!(status, "Not connected");
    browser.close().await;
}

/// Publishes `payload` to `topic` on the broker, as "the platform" would.
fn publish(broker: &Mosquitto, topic: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &broker.mqtt_port.to_string()])
        .args(["-q", "1", "-t", topic, "-m", payload])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success(), "mosquitto_pub {topic}");
}

/// IoTDA mode's warnings are shown beside the status, not only in the
/// collapsed activity (mosquitto takes the 10 s keep alive IoTDA refuses).
#[tokio::test(flavor = "multi_thread")]
async fn iotda_mode_warnings_are_shown_beside_the_status() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let broker = broker();
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2200).await;

    browser.open_console(addr, ws_port, "warned-e2e").await;
    assert_eq!(
        browser
            .run("return document.querySelector('#console-iotda').checked;")
            .await,
        serde_json::Value::Bool(true),
        "a first visit fills the form for IoTDA"
    );
    browser.fill("#console-keepalive", "10").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    let warnings = browser
        .wait_text("#console-warnings", |t| t.contains("keep alive"))
        .await;
    assert!(
        warnings.contains("30 to 1200 seconds") && warnings.contains("not 10"),
        "{warnings}"
    );
    let shown = browser
        .run(
            "const w = document.querySelector('#console-warnings');
             return w.offsetHeight > 0 && !w.closest('details');",
        )
        .await;
    assert_eq!(
        shown,
        serde_json::Value::Bool(true),
        "visible, outside the activity"
    );
    assert!(activity(&browser).await.contains("30 to 1200 seconds"));

    // A new Connect starts with no warning left from the last one.
    browser.click("#console-disconnect").await;
    browser.fill("#console-keepalive", "120").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    let gone = browser
        .run("return document.querySelector('#console-warnings') === null;")
        .await;
    assert_eq!(gone, serde_json::Value::Bool(true));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_the_console_keeps_the_connection_its_log_the_password_and_the_simulator() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let broker = broker();
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 2200).await;

    browser.open_console(addr, ws_port, "session-e2e").await;
    // A password needs a user name in MQTT 3.1.1 (mosquitto here takes
    // anyone).
    browser.fill("#console-username", "lab-user").await;
    browser.fill("#console-password", "typed-password").await;
    browser.fill("#console-device-id", "dev_s").await;
    browser
        .wait_text("#sim-title", |t| t.ends_with("dev_s"))
        .await;
    browser.click("#console-add-iotda").await;
    browser.fill("#console-new-filter", "lab/#").await;
    browser.click("#console-add-sub").await;
    browser.click("#console-connect").await;
    let connected = format!("Connected to ws://127.0.0.1:{ws_port}/mqtt");
    let status = browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    assert_eq!(status, connected);
    let subs = browser
        .wait_text("#console-sub-list", |t| {
            t.matches("granted QoS 1").count() == 7
        })
        .await;
    assert_eq!(subs.matches("granted QoS 1").count(), 7, "{subs}");
    publish(&broker, "lab/before", "one");
    let counts = browser
        .wait_text("#console-counts", |t| t.starts_with("1 received"))
        .await;
    assert!(counts.starts_with("1 received"), "{counts}");

    // Another page, by the app's own link; a message and a property
    // query for the simulated device arrive meanwhile.
    browser.click("a.navlink[href='/model']").await;
    browser.wait_for("#model-paste").await;
    publish(&broker, "lab/while-away", "two");
    publish(
        &broker,
        "$oc/devices/dev_s/sys/properties/get/request_id=7",
        r#"{"object_device_id":"dev_s","service_id":"Battery"}"#,
    );
    browser.click("a.navlink[href='/console']").await;

    let status = browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    assert_eq!(
        status,
        connected,
        "still connected, not a new connection; activity: {}",
        activity(&browser).await
    );
    let counts = browser
        .wait_text("#console-counts", |t| t.starts_with("3 received"))
        .await;
    assert!(counts.starts_with("3 received"), "{counts}");
    let log = browser.text("#console-log").await;
    for topic in ["lab/before", "lab/while-away", "request_id=7"] {
        assert!(log.contains(topic), "{topic} not in the log: {log}");
    }
    // The simulator kept running: the query is in its requests.
    let requests = browser
        .wait_text("#sim-requests", |t| t.contains("request_id=7"))
        .await;
    assert!(requests.contains("request_id=7"), "{requests}");
    assert_eq!(browser.value("#console-password").await, "typed-password");
    assert!(
        !activity(&browser).await.contains("(attempt"),
        "the session was not dropped and made again"
    );
    browser.click("#console-disconnect").await;
    browser
        .wait_text("#console-status", |t| t == "Not connected")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn console_explains_a_broker_that_is_not_there_and_keeps_the_form() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1000, 1400).await;
    browser.goto(&format!("http://{addr}/console")).await;
    browser.click("#console-local").await;
    assert_eq!(browser.value("#console-port").await, "9001");
    assert_eq!(browser.value("#console-host").await, "127.0.0.1");
    // The note says what was filled, not the Connection page's endpoint.
    let note = browser.text("#console-note").await;
    assert!(
        note.contains("ws://127.0.0.1:9001/mqtt") && !note.contains("443"),
        "{note}"
    );
    browser.fill("#console-port", "9").await;
    browser.fill("#console-client-id", "nobody").await;
    // The local broker is plain ws.
    let tls = browser.wait_for("#console-tls").await;
    assert_eq!(
        tls.prop("checked").await.expect("checked").as_deref(),
        Some("false")
    );
    browser.fill("#console-keepalive", "abc").await;
    browser.click("#console-connect").await;
    let error = browser.text("#console-keepalive-error").await;
    assert!(error.contains("0 (off) to 65535"), "{error}");
    browser.fill("#console-keepalive", "30").await;
    browser.click("#console-connect").await;
    let status = browser
        .wait_text("#console-status", |t| t.starts_with("Connection lost"))
        .await;
    assert!(status.contains("did not open"), "{status}");
    // In Chinese the same messages are said in Chinese, with their values.
    browser.select("#lang", "zh-CN").await;
    browser.wait_for("html[lang='zh-CN']").await;
    let status = browser
        .wait_text("#console-status", |t| t.contains("WebSocket 未能打开"))
        .await;
    assert!(
        status.contains("WebSocket 未能打开") && status.contains("https://host:port"),
        "{status}"
    );
    browser.click("#console-disconnect").await;
    browser
        .wait_text("#console-status", |t| t == "未连接")
        .await;
    browser.fill("#console-keepalive", "abc").await;
    browser.click("#console-connect").await;
    let error = browser
        .wait_text("#console-keepalive-error", |t| t.contains("心跳间隔"))
        .await;
    assert!(
        error.contains("心跳间隔") && error.contains("\"abc\""),
        "{error}"
    );
    browser.fill("#console-keepalive", "30").await;
    browser.fill("#console-payload", "{1:2}").await;
    let error = browser
        .wait_text("#console-payload-error", |t| t.contains("键必须是字符串"))
        .await;
    assert_eq!(error, "不是 JSON：键必须是字符串（第 1 行，第 2 列）");
    browser.fill("#console-payload", "").await;
    browser.select("#lang", "en").await;
    browser.wait_for("html[lang='en']").await;
    // Reload: the form is back, without the password.
    browser.client.refresh().await.expect("reload");
    browser.wait_for("#console-host").await;
    assert_eq!(browser.value("#console-port").await, "9");
    assert_eq!(browser.value("#console-client-id").await, "nobody");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn console_takes_a_flood_of_10000_messages_a_second_with_a_bounded_log() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    const COUNT: u32 = 60_000;
    let broker = broker();
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1600).await;
    browser.open_console(addr, ws_port, "flood-console").await;
    browser.fill("#console-new-filter", "flood/#").await;
    browser.click("#console-add-sub").await;
    browser.click("#console-connect").await;
    let subs = browser
        .wait_text("#console-sub-list", |t| t.contains("granted QoS"))
        .await;
    let status = browser.text("#console-status").await;
    assert!(subs.contains("granted QoS 1"), "{subs} / {status}");

    let mqtt_port = broker.mqtt_port;
    // A witness at the broker: mosquitto_sub over TCP counts what the
    // broker sent out, so that a shortfall on the page is told apart from
    // one before it.
    let mut witness = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &mqtt_port.to_string(),
            "-t",
            "flood/#",
        ])
        .args(["-C", &COUNT.to_string(), "-W", "150", "-i", "flood-witness"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start mosquitto_sub");
    let lines = std::io::BufReader::new(witness.stdout.take().expect("its output"));
    let witnessed = std::thread::spawn(move || {
        use std::io::BufRead;
        lines.lines().count()
    });
    std::thread::sleep(Duration::from_millis(500));
    let publisher = std::thread::spawn(move || flood(mqtt_port, "flood", COUNT, 10_000));

    // While it floods, the page answers and its controls work.
    let deadline = Instant::now() + Duration::from_secs(120);
    while received(&browser).await < 15_000 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let memory_when_full: u64 = browser
        .attr("#console-counts", "data-wasm-bytes")
        .await
        .parse()
        .expect("wasm memory size");
    browser.fill("#console-filter-text", "no such text").await;
    let counts = browser
        .wait_text("#console-counts", |t| t.contains("showing 0 of"))
        .await;
    assert!(counts.contains("showing 0 of"), "{counts}");
    browser.paste("#console-filter-text", "").await;

    publisher.join().expect("the publisher");
    while received(&browser).await < u64::from(COUNT) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let activity = activity(&browser).await;
    let witnessed = witnessed.join().expect("the witness's reader");
    let _ = witness.wait();
    assert_eq!(
        received(&browser).await,
        u64::from(COUNT),
        "every message arrived; the broker sent {witnessed} to a TCP subscriber; \
         activity: {activity}"
    );
    let held: usize = browser
        .attr("#console-counts", "data-held")
        .await
        .parse()
        .expect("held");
    assert_eq!(held, 10_000, "the log keeps the newest 10,000");
    let memory_after: u64 = browser
        .attr("#console-counts", "data-wasm-bytes")
        .await
        .parse()
        .expect("wasm memory size");
    // Flat: 45,000 more messages through a full log grow nothing that
    // matters (wasm memory grows in 64 KiB pages and never shrinks).
    assert!(
        memory_after <= memory_when_full + 2 * 1024 * 1024,
        "wasm memory grew from {memory_when_full} to {memory_after} bytes"
    );
    // The newest message is on top.
    let top = browser.text("#console-log .log-row").await;
    assert!(top.contains("flood/9"), "{top}");
    browser.close().await;
}

/// How the keep alive was verified in a background tab (README, "The
/// Console"): slow (7 minutes), so not part of `scripts/test.sh`; run with
/// `cargo test -p iotda-kit-e2e --test console -- --ignored`.
///
/// The console connects with a 10 s keep alive (mosquitto drops a client
/// silent for 15 s), then another tab takes the front for 6 minutes, past
/// the 5 minutes after which Chrome throttles a hidden page's timers to one
/// wake-up a minute. Back in front, the connection must still be the first
/// one, with a ping answered about every 10 s meanwhile.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "takes 7 minutes"]
async fn console_keeps_alive_in_a_background_tab() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let broker = broker();
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1600).await;
    browser.open_console(addr, ws_port, "background-tab").await;
    browser
        .client
        .execute(
            "window.visibility = [document.visibilityState];
             document.addEventListener('visibilitychange',
               () => window.visibility.push(document.visibilityState));",
            vec![],
        )
        .await
        .expect("watch visibility");
    browser.fill("#console-keepalive", "10").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;

    let console_tab = browser.client.window().await.expect("this tab");
    let other = browser
        .client
        .new_window(true)
        .await
        .expect("open another tab");
    browser
        .client
        .switch_to_window(other.handle)
        .await
        .expect("bring the other tab to the front");
    tokio::time::sleep(Duration::from_secs(360)).await;
    browser
        .client
        .switch_to_window(console_tab)
        .await
        .expect("back to the console");

    let visibility = browser
        .client
        .execute("return window.visibility;", vec![])
        .await
        .expect("read visibility");
    let activity = activity(&browser).await;
    let pings = activity.matches("ping answered").count();
    let status = browser.text("#console-status").await;
    println!("visibility: {visibility}; pings answered: {pings}; status: {status}");
    assert!(
        visibility.to_string().contains("hidden"),
        "the console tab was never hidden: {visibility}"
    );
    assert!(status.starts_with("Connected"), "{status}");
    assert!(!activity.contains("connection lost"), "{activity}");
    assert!(pings >= 30, "only {pings} pings in 6 minutes: {activity}");
    browser.close().await;
}

/// Whether the Console shows no cleartext warning, once it has rendered
/// (up to 2 s for one to go, after a change that removes it).
async fn no_cleartext_warning(browser: &Browser) -> bool {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let shown = browser
            .client
            .find(fantoccini::Locator::Css("#console-password-warning"))
            .await
            .is_ok();
        if !shown {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Issue 17, item 11 (the page's half): while a password would go over
/// `ws://` to a host that is not loopback, the Console says so under the
/// password; on loopback, over TLS or without a password it says nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_password_in_clear_beyond_loopback_is_warned_about() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1000).await;
    browser.open_console(addr, 9001, "cleartext-test").await;
    browser.fill("#console-password", "hunter2").await;
    assert!(
        no_cleartext_warning(&browser).await,
        "a warning on loopback"
    );
    browser.fill("#console-host", "broker.example.com").await;
    let warning = browser
        .wait_text("#console-password-warning", |t| !t.is_empty())
        .await;
    assert_eq!(
        warning,
        "the password goes to broker.example.com in clear text over ws://, without TLS: \
         anyone on the way can read it; tick TLS (wss://, IoTDA: port 443)"
    );
    browser.click("#console-tls").await;
    assert!(no_cleartext_warning(&browser).await, "a warning over TLS");
    browser.click("#console-tls").await;
    browser.wait_for("#console-password-warning").await;
    browser.paste("#console-password", "").await;
    assert!(
        no_cleartext_warning(&browser).await,
        "a warning without a password"
    );
    browser.close().await;
}
