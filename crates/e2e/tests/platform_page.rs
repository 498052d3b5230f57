//! The Platform page served by a real `iotda-kit platform` (on free ports,
//! with its own mosquitto): the whole X.509 onboarding in the browser plus
//! the CLI as the device.
//!
//! On the Certificates page a CA is made; the Platform page makes a
//! product with the Model page's model, uploads the CA, makes the
//! verification certificate with the code it shows and verifies it; the
//! Certificates page makes the device certificate; the Platform page
//! registers the device by its fingerprint in one click. `iotda-kit
//! simulate --auto-respond` connects with the certificate over MQTTS and
//! reports; the device-detail view shows its properties live; a command
//! from the page gets the device's answer. Then the device is stopped: a
//! command gets IoTDA.014016 (offline); a device that connects and does
//! not answer (`simulate` without `--auto-respond`) makes the command time out
//! with IoTDA.014111. The platform runs with `--command-timeout 3`
//! (IoTDA's is 20 s) so that the timeout comes in 3 s.
//!
//! The page and its device-detail view are checked with axe-core and
//! photographed in both languages and themes
//! (`platform-{en|zh}-{light|dark}.png`, `platform-device-...`).
//!
//! The test binary is also the `iotda-kit` command: started with
//! `IOTDA_E2E_KIT=1` it runs the CLI with its arguments, so the test needs
//! no separately built binary (a harness of its own, `harness = false`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use iotda_kit_e2e::{workspace_root, Browser, Chromedriver};
use iotda_testkit::Scratch;

const KIT_ENV: &str = "IOTDA_E2E_KIT";

/// The model: Battery with a reported level, a writable threshold, and a
/// command that sets the level.
const MODEL: &str = r#"{"service_capabilities": [{"service_id": "Battery", "service_type": "Battery",
  "properties": [
    {"property_name": "batteryLevel", "data_type": "int", "min": "0", "max": "100", "step": 1, "unit": "%", "method": "R", "required": false},
    {"property_name": "threshold", "data_type": "int", "min": "0", "max": "100", "method": "RW", "required": false}
  ],
  "commands": [{"command_name": "setLevel",
    "paras": [{"para_name": "level", "data_type": "int", "min": "0", "max": "100", "required": true}],
    "responses": [{"response_name": "result", "paras": [{"para_name": "applied", "data_type": "int", "min": "0", "max": "100", "required": false}]}]
  }]
}]}"#;

fn main() -> ExitCode {
    if std::env::var_os(KIT_ENV).is_some() {
        return iotda_kit_cli::main(std::env::args_os());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(the_onboarding_on_the_platform_page());
    println!("test the_onboarding_on_the_platform_page ... ok");
    ExitCode::SUCCESS
}

/// The `iotda-kit` command: this binary with [`KIT_ENV`].
fn kit(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test's binary"));
    command.env(KIT_ENV, "1").args(args);
    command
}

/// A process of this test, ended (SIGTERM by its id, then waited for) on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// The platform's addresses, from its banner.
struct Platform {
    run: Running,
    http: String,
    mqtts_port: String,
    ca: String,
}

fn start_platform(data: &Path) -> Platform {
    let dist = workspace_root().join("dist");
    let mut args = vec![
        "platform",
        "--data",
        data.to_str().expect("a UTF-8 path"),
        "--app",
        dist.to_str().expect("a UTF-8 path"),
    ];
    for port in [
        "--api-port",
        "--mqtt-port",
        "--mqtts-port",
        "--ws-port",
        "--wss-port",
    ] {
        args.extend_from_slice(&[port, "0"]);
    }
    // Shortened from IoTDA's 20 s so that the timeout is seen in 3 s.
    args.extend_from_slice(&["--command-timeout", "3"]);
    let mut child = kit(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start iotda-kit platform");
    let stdout = child.stdout.take().expect("its stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let run = Running(child);
    let mut banner = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the platform's banner ended early: {banner:?}"));
        let last = line.starts_with("data: ");
        banner.push(line);
        if last {
            break;
        }
    }
    // Keep draining its log so that it never blocks on a full pipe.
    std::thread::spawn(move || rx.iter().for_each(drop));
    let find = |start: &str| {
        banner
            .iter()
            .find_map(|l| l.strip_prefix(start))
            .unwrap_or_else(|| panic!("no {start:?} in {banner:?}"))
            .to_owned()
    };
    Platform {
        http: format!("http://127.0.0.1:{}", find("http://127.0.0.1:")),
        mqtts_port: find("mqtts://127.0.0.1:"),
        ca: find("platform CA: ")
            .split(" (also ")
            .next()
            .expect("the platform CA's path")
            .to_owned(),
        run,
    }
}

/// `iotda-kit simulate` as the certificate device `meter_n1`, answering
/// commands or not.
fn device(platform: &Platform, dir: &Path, answer: bool) -> Running {
    let (cert, key, model) = (
        dir.join("deviceCert.pem"),
        dir.join("deviceCert.key"),
        dir.join("model.json"),
    );
    let mut args = vec![
        "simulate",
        "--host",
        "127.0.0.1",
        "--port",
        &platform.mqtts_port,
        "--ca",
        &platform.ca,
        "--device-id",
        "meter_n1",
        "--cert",
        cert.to_str().expect("a UTF-8 path"),
        "--key",
        key.to_str().expect("a UTF-8 path"),
        "--model",
        model.to_str().expect("a UTF-8 path"),
        "--interval",
        "1",
        "--seed",
        "7",
    ];
    if answer {
        args.push("--auto-respond");
    }
    Running(
        kit(&args)
            .stdout(Stdio::null())
            .spawn()
            .expect("start iotda-kit simulate"),
    )
}

/// axe-core's serious and critical violations on the page now.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    let script = format!(
        "{axe}
         const r = await axe.run(document, {{ resultTypes: ['violations'] }});
         return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));"
    );
    let found = browser
        .client
        .execute(&script, vec![])
        .await
        .expect("run axe-core");
    serde_json::from_value(found).expect("a list of strings")
}

async fn the_onboarding_on_the_platform_page() {
    let dir = Scratch::new("e2e-platform-page");
    std::fs::write(dir.join("model.json"), MODEL).expect("write the model");
    let platform = start_platform(&dir.join("data"));
    let url = platform.http.clone();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;

    // The Model page's model (stored as the Model page keeps it).
    browser.goto(&format!("{url}/model")).await;
    browser
        .run(&format!(
            "localStorage.clear(); localStorage.setItem('iotda-kit.model.v1', {});",
            serde_json::to_string(MODEL).expect("a JSON string")
        ))
        .await;

    // The CA, on the Certificates page; from here on the page is never
    // reloaded, so that the CA's key stays in the tab.
    browser.goto(&format!("{url}/certificates")).await;
    browser.fill("#ca-c", "CN").await;
    browser.fill("#ca-o", "IoTDA Kit Test").await;
    browser.fill("#ca-cn", "IoTDA Kit Test CA").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-download-cert").await;
    browser.click("nav a[href='/platform']").await;

    // A product with the Model page's model.
    browser.fill("#platform-product-name", "Meter").await;
    browser.fill("#platform-product-id", "meter").await;
    browser.click("#platform-product-create-model").await;
    let products = browser
        .wait_text("#platform-product-list", |t| t.contains("Battery"))
        .await;
    assert!(
        products.contains("meter") && products.contains("Battery"),
        "{products}"
    );

    // The CA uploaded, its code shown, verified with a certificate made
    // with that code by the CA's key.
    browser.click("#platform-ca-upload").await;
    let code = browser
        .wait_text(".platform-ca-code", |t| t.len() == 32)
        .await;
    assert!(code.chars().all(|c| c.is_ascii_hexdigit()), "{code:?}");
    assert_eq!(browser.text(".platform-ca-status").await, "Not verified");
    browser.click(".platform-ca-verify").await;
    let status = browser
        .wait_text(".platform-ca-status", |t| t == "Verified")
        .await;
    assert_eq!(status, "Verified");

    // The device certificate, and the device registered by its
    // fingerprint in one click.
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#device-cn", "n1").await;
    browser.click("#device-create").await;
    browser
        .save_download("#device-download-cert", dir.path(), "deviceCert.pem")
        .await;
    browser
        .save_download("#device-download-key", dir.path(), "deviceCert.key")
        .await;
    let fingerprint = browser
        .text("#device-fingerprint-sha256")
        .await
        .replace(':', "");
    browser.click("nav a[href='/platform']").await;
    browser.fill("#platform-device-node", "n1").await;
    browser.click("#platform-use-device-cert").await;
    assert_eq!(
        browser
            .value("#platform-device-fingerprint")
            .await
            .to_uppercase(),
        fingerprint.to_uppercase()
    );
    browser.click("#platform-device-add").await;
    browser.click("#platform-open-meter_n1").await;
    assert_eq!(
        browser
            .wait_text("#platform-detail-status", |t| t == "INACTIVE")
            .await,
        "INACTIVE"
    );

    // The device connects over MQTTS with its certificate and reports:
    // seen live (no reload), with a chart of the level.
    let answering = device(&platform, dir.path(), true);
    assert_eq!(
        browser
            .wait_text("#platform-detail-status", |t| t == "ONLINE")
            .await,
        "ONLINE"
    );
    let level = browser
        .wait_text(
            "#platform-property-Battery-batteryLevel .platform-value",
            |t| !t.is_empty(),
        )
        .await;
    assert!(level.parse::<u32>().is_ok_and(|n| n <= 100), "{level:?}");
    browser
        .wait_for("#platform-property-Battery-batteryLevel svg.platform-chart polyline")
        .await;

    // A command from the page, answered by the device.
    browser.fill("#platform-para-level", "42").await;
    browser.click("#platform-control-send").await;
    let answer = browser
        .wait_text("#platform-control-response", |t| t.contains("result_code"))
        .await;
    assert!(answer.contains("\"result_code\": 0"), "{answer}");

    let axe_path = workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path)
        .unwrap_or_else(|e| panic!("{}: {e}", axe_path.display()));
    let mut found = Vec::new();
    for (lang, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("zh-CN", "light"),
        ("zh-CN", "dark"),
    ] {
        browser.select("#lang", lang).await;
        browser.select("#theme", theme).await;
        browser.wait_for("#platform-detail").await;
        found.extend(
            violations(&browser, &axe)
                .await
                .into_iter()
                .map(|v| format!("device {lang} {theme}: {v}")),
        );
        browser
            .screenshot(&format!("platform-device-{}-{theme}", &lang[..2]))
            .await;
    }
    browser.select("#lang", "en").await;
    browser.select("#theme", "light").await;

    // Stopped: a command gets IoTDA's "not online".
    drop(answering);
    assert_eq!(
        browser
            .wait_text("#platform-detail-status", |t| t == "OFFLINE")
            .await,
        "OFFLINE"
    );
    browser.click("#platform-control-send").await;
    let offline = browser
        .wait_text("#platform-control-error", |t| t.contains("IOTDA."))
        .await;
    assert!(offline.contains("IOTDA.014016"), "{offline}");

    // Online but silent: the command times out (--command-timeout 3).
    let _silent = device(&platform, dir.path(), false);
    assert_eq!(
        browser
            .wait_text("#platform-detail-status", |t| t == "ONLINE")
            .await,
        "ONLINE"
    );
    browser.click("#platform-control-send").await;
    browser.wait_for("#platform-control-waiting").await;
    let timeout = browser
        .wait_text("#platform-control-error", |t| t.contains("IOTDA.014111"))
        .await;
    assert!(
        timeout.contains("IOTDA.014111") && timeout.contains("no answer from the device"),
        "{timeout}"
    );

    browser.click("#platform-detail-close").await;
    for (lang, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("zh-CN", "light"),
        ("zh-CN", "dark"),
    ] {
        browser.select("#lang", lang).await;
        browser.select("#theme", theme).await;
        browser.wait_for("#platform-device-list").await;
        found.extend(
            violations(&browser, &axe)
                .await
                .into_iter()
                .map(|v| format!("page {lang} {theme}: {v}")),
        );
        browser
            .screenshot(&format!("platform-{}-{theme}", &lang[..2]))
            .await;
    }
    assert!(found.is_empty(), "axe-core: {found:#?}");
    browser.close().await;
    drop(platform.run);
}
