//! The Platform page's tests' shared parts: a real `iotda-kit platform` on
//! free ports (with its own mosquitto), `iotda-kit simulate` as a device,
//! and the steps on the page that more than one test takes.
//!
//! The `iotda-kit` command is the test's own binary: the `main` of such a
//! test (`harness = false`) is [`test_main`], which runs the CLI when the
//! binary was started as the command. So no separately built binary is
//! needed.
//!
//! The platform runs with `--command-timeout` [`COMMAND_TIMEOUT`] (IoTDA's
//! is 20 s), so that a timeout is seen in seconds.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use iotda_testkit::Scratch;

use crate::{workspace_root, Browser, Chromedriver};

/// Set when the test's binary is started as the `iotda-kit` command.
const KIT_ENV: &str = "IOTDA_E2E_KIT";

/// The seconds a command, property set or get waits for the device here
/// (IoTDA's documented 20 s, shortened by `--command-timeout`).
pub const COMMAND_TIMEOUT: &str = "3";

/// The model of the Platform page's tests: Battery with a reported level,
/// a writable threshold, and a command that sets the level.
pub const MODEL: &str = r#"{"service_capabilities": [{"service_id": "Battery", "service_type": "Battery",
  "properties": [
    {"property_name": "batteryLevel", "data_type": "int", "min": "0", "max": "100", "step": 1, "unit": "%", "method": "R", "required": false},
    {"property_name": "threshold", "data_type": "int", "min": "0", "max": "100", "method": "RW", "required": false}
  ],
  "commands": [{"command_name": "setLevel",
    "paras": [{"para_name": "level", "data_type": "int", "min": "0", "max": "100", "required": true}],
    "responses": [{"response_name": "result", "paras": [{"para_name": "applied", "data_type": "int", "min": "0", "max": "100", "required": false}]}]
  }]
}]}"#;

/// A test's own `main`: the CLI when the binary was started as the
/// `iotda-kit` command, else `test` on a tokio runtime, said passed as
/// the standard harness would (a failure panics).
pub fn test_main(name: &str, test: impl Future<Output = ()>) -> ExitCode {
    if std::env::var_os(KIT_ENV).is_some() {
        return iotda_kit_cli::main(std::env::args_os());
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(test);
    println!("test {name} ... ok");
    ExitCode::SUCCESS
}

/// The `iotda-kit` command: the test's own binary, started as the command.
pub fn kit(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test's binary"));
    command.env(KIT_ENV, "1").args(args);
    command
}

/// Runs `iotda-kit platform ARGS --data DATA` and checks it succeeded.
pub fn manage(data: &Path, args: &[&str]) {
    let mut all = vec!["platform"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", data.to_str().expect("a UTF-8 path")]);
    let out = kit(&all).output().expect("run iotda-kit platform");
    assert!(
        out.status.success(),
        "{all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Adds product `meter` ("Meter", the model [`MODEL`], written to
/// `model.json` in `dir`) to the platform whose data is `data`.
pub fn add_meter_product(dir: &Path, data: &Path) {
    let model_file = dir.join("model.json");
    std::fs::write(&model_file, MODEL).expect("write the model");
    let model = model_file.to_str().expect("a UTF-8 path");
    manage(
        data,
        &[
            "product",
            "add",
            "--name",
            "Meter",
            "--product-id",
            "meter",
            "--model",
            model,
        ],
    );
}

/// `METHOD /v5/iot/{project}/PATH` with the JSON text `body`, from the
/// page (its origin and its session token): the status and the answer's
/// JSON.
pub async fn page_api(
    browser: &Browser,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let script = "const [method, path, body, done] = arguments;
        fetch('/kit/page-session').then(r => r.json()).then(s =>
            fetch(`/v5/iot/${s.project_id}/${path}`, {
                method, body: body === null ? undefined : body,
                headers: { 'X-Kit-Token': s.token, 'Content-Type': 'application/json' } }))
        .then(r => r.text().then(text => done([r.status, text])))
        .catch(e => done([0, String(e)]));";
    let body = body.map_or(serde_json::Value::Null, serde_json::Value::from);
    let out = browser
        .client
        .execute_async(script, vec![method.into(), path.into(), body])
        .await
        .expect("the API request");
    let (status, text): (u16, String) = serde_json::from_value(out).expect("[status, text]");
    let answer = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    (status, answer)
}

/// A process of the test, ended (SIGTERM by its id, then waited for) on
/// drop.
pub struct Running(Child);

impl Running {
    /// Starts `command`.
    pub fn spawn(command: &mut Command) -> Self {
        Self(command.spawn().expect("start the command"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// A running `iotda-kit platform` serving `dist/`, and its addresses from
/// its banner. Stopped on drop.
pub struct Platform {
    /// The platform's process.
    pub run: Running,
    /// The API's and the page's address.
    pub addr: SocketAddr,
    /// The same as a URL, `http://127.0.0.1:PORT`.
    pub http: String,
    /// The MQTTS port.
    pub mqtts_port: String,
    /// The platform CA's file, which devices trust.
    pub ca: String,
}

impl Platform {
    /// Starts the platform with its data under `data`, every port free,
    /// and the timeout [`COMMAND_TIMEOUT`].
    pub fn start(data: &Path) -> Self {
        let dist = workspace_root().join("dist");
        let mut args = vec![
            "platform",
            "--data",
            data.to_str().expect("a UTF-8 path"),
            "--app",
            dist.to_str().expect("a UTF-8 path"),
            "--command-timeout",
            COMMAND_TIMEOUT,
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
        let http = format!("http://127.0.0.1:{}", find("http://127.0.0.1:"));
        Self {
            addr: http["http://".len()..]
                .parse()
                .unwrap_or_else(|e| panic!("{http}: {e}")),
            http,
            mqtts_port: find("mqtts://127.0.0.1:"),
            ca: find("platform CA: ")
                .split(" (also ")
                .next()
                .expect("the platform CA's path")
                .to_owned(),
            run,
        }
    }

    /// `iotda-kit simulate` as `device_id` over MQTTS with `credentials`
    /// (`--secret S`, or `--cert C --key K`) and the model in `model`,
    /// reporting every second, answering what comes down when `answer`.
    pub fn simulate(
        &self,
        device_id: &str,
        credentials: &[&str],
        model: &Path,
        answer: bool,
    ) -> Running {
        let mut args = vec![
            "simulate",
            "--host",
            "127.0.0.1",
            "--port",
            &self.mqtts_port,
            "--ca",
            &self.ca,
            "--device-id",
            device_id,
            "--model",
            model.to_str().expect("a UTF-8 path"),
            "--interval",
            "1",
            "--seed",
            "7",
        ];
        args.extend_from_slice(credentials);
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
}

/// What an onboarding test starts from: a scratch folder holding
/// [`MODEL`] as `model.json`, the platform serving the page with its data
/// in it, and a browser whose workspace holds [`MODEL`] as the Model
/// page's model and a CA made on the Certificates page. The CA's key is in
/// the tab's memory only: the test must not reload the page while it
/// needs it.
pub struct Onboarding {
    /// The browser, on the Certificates page.
    pub browser: Browser,
    /// Its chromedriver.
    pub driver: Chromedriver,
    /// The platform.
    pub platform: Platform,
    /// The scratch folder.
    pub dir: Scratch,
}

impl Onboarding {
    /// Starts it, in a scratch folder named after `name`.
    pub async fn start(name: &str) -> Self {
        let dir = Scratch::new(name);
        std::fs::write(dir.join("model.json"), MODEL).expect("write the model");
        let platform = Platform::start(&dir.join("data"));
        let driver = Chromedriver::start();
        let browser = driver.session(1280, 1800).await;
        let model = serde_json::from_str(MODEL).expect("the model's JSON");
        browser.save_model(platform.addr, &model).await;
        browser.create_test_ca(platform.addr).await;
        Self {
            browser,
            driver,
            platform,
            dir,
        }
    }

    /// On the Certificates page: makes the device certificate of
    /// `node_id`, saves `deviceCert.pem` and `deviceCert.key` in the
    /// scratch folder, and returns its SHA-256 fingerprint (capitals, no
    /// colons).
    pub async fn device_certificate(&self, node_id: &str) -> String {
        let browser = &self.browser;
        browser.click("nav a[href='/certificates']").await;
        browser.fill("#device-cn", node_id).await;
        browser.click("#device-create").await;
        for (css, file) in [
            ("#device-download-cert", "deviceCert.pem"),
            ("#device-download-key", "deviceCert.key"),
        ] {
            browser.save_download(css, self.dir.path(), file).await;
        }
        let shown = browser.text("#device-fingerprint-sha256").await;
        shown.replace(':', "").to_uppercase()
    }
}

/// On the Platform page: makes the product `id` named `name` with the
/// Model page's model, and returns the product list's text once it shows
/// the model's service.
pub async fn create_product(browser: &Browser, name: &str, id: &str) -> String {
    browser.fill("#platform-product-name", name).await;
    browser.fill("#platform-product-id", id).await;
    browser.click("#platform-product-create-model").await;
    browser
        .wait_text("#platform-product-list", |t| t.contains("Battery"))
        .await
}

/// Waits until the device-detail view shows the status `want`.
pub async fn wait_status(browser: &Browser, want: &str) {
    let status = browser
        .wait_text("#platform-detail-status", |t| t == want)
        .await;
    assert_eq!(status, want, "the device's status");
}

/// Waits for the latest reported value of the Battery service's
/// `property` in the device-detail view, and returns it (a number of the
/// model's range, 0 to 100).
pub async fn reported(browser: &Browser, property: &str) -> u32 {
    let css = format!("#platform-property-Battery-{property} .platform-value");
    let value = browser.wait_text(&css, |t| !t.is_empty()).await;
    value
        .parse()
        .ok()
        .filter(|n| *n <= 100)
        .unwrap_or_else(|| panic!("{property}: {value:?}"))
}

/// The answer of the control form and its errors, the new ones only.
const FRESH_ANSWER: &str =
    "#platform-control-response:not([data-stale]), #platform-control-error:not([data-stale])";

/// Clicks the control form's send button. What the form showed before is
/// marked, so that [`control_answer`] reads only the answer to this click.
async fn click_send(browser: &Browser) {
    browser
        .run(
            "document.querySelectorAll('#platform-control-response, #platform-control-error')
                 .forEach(e => e.dataset.stale = '1');",
        )
        .await;
    browser.click("#platform-control-send").await;
}

/// The control form's answer since [`click_send`].
async fn control_answer(browser: &Browser) -> Result<String, String> {
    browser.wait_for(FRESH_ANSWER).await;
    let shown = browser
        .client
        .execute(
            "const all = [...document.querySelectorAll(arguments[0])];
             return [all[0].id === 'platform-control-response', all.map(e => e.innerText).join('\\n')];",
            vec![FRESH_ANSWER.into()],
        )
        .await
        .expect("read the control form's answer");
    let (answered, text): (bool, String) = serde_json::from_value(shown).expect("[answered, text]");
    if answered {
        Ok(text)
    } else {
        Err(text)
    }
}

/// Sends the control form as it is filled and returns its answer: the
/// device's answer as shown, or the errors shown (joined by a new line).
pub async fn send_control(browser: &Browser) -> Result<String, String> {
    click_send(browser).await;
    control_answer(browser).await
}

/// Sends the control form to a device that does not answer: the form
/// says it waits, then shows the timeout (`IOTDA.014111`), whose error
/// this returns.
pub async fn send_unanswered(browser: &Browser) -> String {
    click_send(browser).await;
    browser.wait_for("#platform-control-waiting").await;
    let timeout = control_answer(browser).await.expect_err("a timeout");
    assert!(timeout.contains("IOTDA.014111"), "{timeout}");
    timeout
}

/// axe-core's script (installed into `.tools` by `scripts/test.sh`).
pub fn axe_core() -> String {
    let path = workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The page in both languages and both themes: for each, once `css` is
/// shown, axe-core's serious and critical violations (each said with
/// `label`, the language and the theme) and, with `shots`, the screenshot
/// `{shots}-{en|zh}-{theme}`. Ends in English and light.
pub async fn every_look(
    browser: &Browser,
    axe: &str,
    css: &str,
    label: &str,
    shots: Option<&str>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (lang, theme) in [
        ("en", "light"),
        ("en", "dark"),
        ("zh-CN", "light"),
        ("zh-CN", "dark"),
    ] {
        browser.select("#lang", lang).await;
        browser.select("#theme", theme).await;
        browser.wait_for(css).await;
        let seen = violations(browser, axe).await;
        found.extend(
            seen.into_iter()
                .map(|v| format!("{label} {lang} {theme}: {v}")),
        );
        if let Some(shots) = shots {
            browser
                .screenshot(&format!("{shots}-{}-{theme}", &lang[..2]))
                .await;
        }
    }
    browser.select("#lang", "en").await;
    browser.select("#theme", "light").await;
    found
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
