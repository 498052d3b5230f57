//! Harness for end-to-end tests of the built web app: serves trunk's `dist/`
//! on 127.0.0.1, starts Debian's chromedriver, and opens headless Chromium
//! sessions with flags that keep it off the network.
//!
//! Not a product crate: it exists for `tests/`. Every process it starts is
//! stopped when its guard is dropped.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use iotda_testkit::{free_port, wait_for_port};

pub mod bench;
pub mod netlog;
pub mod platform;

use fantoccini::error::CmdError;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built `iotda-kit` (`cargo build -p iotda-kit-cli --bin iotda-kit`),
/// in the workspace's target folder or `CARGO_TARGET_DIR`.
pub fn kit_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    let kit = target.join("debug/iotda-kit");
    assert!(
        kit.exists(),
        "{} is missing: cargo build -p iotda-kit-cli --bin iotda-kit",
        kit.display()
    );
    kit
}

/// Where tests write their artifacts (screenshots).
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("target/e2e");
    std::fs::create_dir_all(dir.join("screenshots")).expect("create target/e2e");
    dir
}

/// Serves the files under `dir`, which must hold an `index.html`, on a free
/// loopback port from a background thread, for as long as the process runs.
pub fn serve_dir(dir: &Path) -> std::io::Result<SocketAddr> {
    iotda_kit_cli::serve::Server::bind(dir, 0).and_then(iotda_kit_cli::serve::Server::spawn)
}

/// Serves the release build in `dist/` on a free loopback port.
pub fn serve_dist() -> SocketAddr {
    serve_dir(&workspace_root().join("dist"))
        .unwrap_or_else(|e| panic!("{e} (scripts/test.sh builds dist/ before these tests)"))
}

/// A running chromedriver, killed on drop.
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    /// Starts `$CHROMEDRIVER` (default `/usr/bin/chromedriver`) on a free
    /// port. A chromedriver that dies before saying its port (seen once on
    /// a machine loaded by several test runs) is started again, twice at
    /// most.
    pub fn start() -> Self {
        let program =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        for _ in 0..2 {
            if let Some(started) = Self::try_start(&program) {
                return started;
            }
        }
        Self::try_start(&program)
            .unwrap_or_else(|| panic!("{program} did not say which port it listens on"))
    }

    fn try_start(program: &str) -> Option<Self> {
        // Port 0: chromedriver binds a free port itself and prints it, so
        // parallel tests never race for one. Its own process group, which
        // the Chromium it starts joins: Drop ends them all, even when a test
        // panics before Browser::close.
        let mut child = Command::new(program)
            .arg("--port=0")
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {program}: {e} (apt-get install chromium-driver)")
            });
        let stdout = child.stdout.take().expect("chromedriver's stdout");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let Some(port) = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.strip_prefix("ChromeDriver was started successfully on port ")
                .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok())
        }) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        wait_for_port(
            SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_secs(20),
        );
        Some(Self { child, port })
    }

    /// Opens a headless Chromium session with a fresh profile and the given
    /// window size.
    pub async fn session(&self, width: u32, height: u32) -> Browser {
        self.open_session(width, height, None, None, false).await
    }

    /// A session whose Chromium accepts any TLS certificate (WebDriver's
    /// `acceptInsecureCerts`): for a test whose page fetches from a server
    /// of a test CA the fresh profile does not trust, as a user who
    /// imported that CA would. Say why in the test that uses it.
    pub async fn session_accepting_insecure_certs(&self, width: u32, height: u32) -> Browser {
        self.open_session(width, height, None, None, true).await
    }

    /// A session whose Chromium writes its NetLog to `log`: every request
    /// of the browser, the page's and its workers' alike, with the headers
    /// of each response (read it with [`NetLog::read`] after
    /// [`Browser::close`]).
    pub async fn session_logging_network(&self, width: u32, height: u32, log: &Path) -> Browser {
        self.open_session(width, height, None, Some(log), false)
            .await
    }

    /// A session that emulates a phone's screen, `width` × `height` CSS
    /// pixels (headless Chromium sizes no window below 500 px wide).
    pub async fn phone_session(&self, width: u32, height: u32) -> Browser {
        let metrics = serde_json::json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true }
        });
        self.open_session(width.max(500), height, Some(metrics), None, false)
            .await
    }

    async fn open_session(
        &self,
        width: u32,
        height: u32,
        emulation: Option<serde_json::Value>,
        net_log: Option<&Path>,
        accept_insecure_certs: bool,
    ) -> Browser {
        let profile = std::env::temp_dir().join(format!(
            "iotda-e2e-profile-{}-{}",
            std::process::id(),
            free_port()
        ));
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ];
        if let Some(log) = net_log {
            args.push(format!("--log-net-log={}", log.display()));
        }
        let mut caps = serde_json::Map::new();
        let mut options = serde_json::json!({ "args": args, "binary": "/usr/bin/chromium" });
        if let Some(emulation) = emulation {
            options["mobileEmulation"] = emulation;
        }
        caps.insert("goog:chromeOptions".into(), options);
        if accept_insecure_certs {
            caps.insert("acceptInsecureCerts".into(), true.into());
        }
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("open a Chromium session");
        Browser { client, profile }
    }

    /// Opens `url` in a fresh session, runs `script` there with
    /// `execute_async` and `args`, waits up to `timeout` for it to pass its
    /// result to its callback (the last argument), and closes the session
    /// whatever happened. A script reports its own failure by passing
    /// `{ error: message }`. For benchmarks that run inside a page.
    pub async fn run_in_page(
        &self,
        url: &str,
        script: &str,
        args: Vec<serde_json::Value>,
        timeout: Duration,
    ) -> Result<serde_json::Value, PageError> {
        let browser = self.session(1024, 768).await;
        let result = run_script(&browser.client, url, script, args, timeout).await;
        browser.close().await;
        let out = result.map_err(PageError::WebDriver)?;
        match out.get("error") {
            Some(error) => Err(PageError::Script(
                error
                    .as_str()
                    .map_or_else(|| error.to_string(), str::to_owned),
            )),
            None => Ok(out),
        }
    }
}

async fn run_script(
    client: &Client,
    url: &str,
    script: &str,
    args: Vec<serde_json::Value>,
    timeout: Duration,
) -> Result<serde_json::Value, CmdError> {
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(timeout),
            Some(Duration::from_secs(60)),
            None,
        ))
        .await?;
    client.goto(url).await?;
    client.execute_async(script, args).await
}

/// Why [`Chromedriver::run_in_page`] has no result.
#[derive(Debug)]
pub enum PageError {
    /// WebDriver failed: the page did not load, or the script threw or ran
    /// past its timeout.
    WebDriver(CmdError),
    /// The script reported this failure.
    Script(String),
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WebDriver(e) => write!(f, "WebDriver: {e}"),
            Self::Script(message) => write!(f, "in the page: {message}"),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session; call [`Browser::close`] at the end of a test.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    profile: PathBuf,
}

impl Browser {
    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Waits for an element matching `css` and returns it.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    /// Replaces the value of the input `css` by typing `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        el.clear().await.expect("clear input");
        el.send_keys(text).await.expect("type into input");
    }

    /// Clicks the element `css`.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Puts `text` into the input or text area `css` at once, as a paste
    /// would (typing kilobytes of PEM key by key is slow), and fires the
    /// `input` event the app listens to.
    pub async fn paste(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![css.into(), text.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("paste into {css}: {e}"));
    }

    /// What the clipboard holds, pasted with a real Ctrl+V into a scratch
    /// text area (removed again).
    pub async fn clipboard(&self) -> String {
        self.run(
            "const t = document.createElement('textarea'); t.id = 'paste-probe'; document.body.append(t);",
        )
        .await;
        let probe = self.wait_for("#paste-probe").await;
        probe
            .send_keys(&format!("{}v", char::from(fantoccini::key::Key::Control)))
            .await
            .expect("press Ctrl+V");
        let pasted = self.value("#paste-probe").await;
        self.run("document.getElementById('paste-probe').remove();")
            .await;
        pasted
    }

    /// The bytes of the file the download link `css` offers, fetched from
    /// its `blob:` URL the way the browser would save it.
    pub async fn download(&self, css: &str) -> Vec<u8> {
        self.wait_for(css).await;
        let bytes = self
            .client
            .execute_async(
                "const [css, done] = arguments;
                 fetch(document.querySelector(css).href)
                   .then(r => r.arrayBuffer())
                   .then(b => done(Array.from(new Uint8Array(b))), e => done(String(e)));",
                vec![css.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("download {css}: {e}"));
        serde_json::from_value(bytes.clone())
            .unwrap_or_else(|_| panic!("download {css} failed: {bytes}"))
    }

    /// The text of the file the download link `css` offers.
    pub async fn download_text(&self, css: &str) -> String {
        String::from_utf8(self.download(css).await).expect("a text file")
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Finds the element `css` and reads it with `read`. An element
    /// replaced between finding and reading it (the page re-rendered) is
    /// found again.
    async fn read<T, F, Fut>(&self, css: &str, read: F) -> T
    where
        F: Fn(fantoccini::elements::Element) -> Fut,
        Fut: std::future::Future<Output = Result<T, CmdError>>,
    {
        for _ in 0..100 {
            match read(self.wait_for(css).await).await {
                Ok(value) => return value,
                Err(e) if e.is_stale_element_reference() => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("read {css}: {e}"),
            }
        }
        panic!("{css} was replaced every time it was read, for 5 s");
    }

    /// The text of the element `css`.
    pub async fn text(&self, css: &str) -> String {
        self.read(css, |e| async move { e.text().await }).await
    }

    /// The current value of the input `css`.
    pub async fn value(&self, css: &str) -> String {
        self.prop(css, "value").await
    }

    /// The DOM property `name` of the element `css` (`"true"` for a ticked
    /// box's `checked`; empty if absent).
    pub async fn prop(&self, css: &str, name: &str) -> String {
        self.read(css, |e| async move { e.prop(name).await })
            .await
            .unwrap_or_default()
    }

    /// Waits (up to 10 s) until the element `css` has exactly `want` as its
    /// text.
    pub async fn wait_for_text(&self, css: &str, want: &str) -> String {
        self.poll(
            css,
            Duration::from_secs(10),
            Duration::from_millis(50),
            false,
            |t| t == want,
        )
        .await
    }

    /// Waits (up to 20 s) until the text of `css` satisfies `ok`, and
    /// returns it (the last text seen if it never does: the caller asserts).
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        self.poll(
            css,
            Duration::from_secs(20),
            Duration::from_millis(100),
            false,
            ok,
        )
        .await
    }

    /// Waits (up to 20 s) until the value of the input `css` satisfies
    /// `ok`, and returns it (the last value seen if it never does).
    pub async fn wait_value(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        self.poll(
            css,
            Duration::from_secs(20),
            Duration::from_millis(100),
            true,
            ok,
        )
        .await
    }

    /// Reads the text of `css` (its value, when `value`) every `every`
    /// until `ok` holds or `within` has passed; returns the last read.
    async fn poll(
        &self,
        css: &str,
        within: Duration,
        every: Duration,
        value: bool,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = if value {
                self.value(css).await
            } else {
                self.text(css).await
            };
            if ok(&text) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(every).await;
        }
    }

    /// The attribute `name` of the element `css` (empty if absent).
    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.read(css, |e| async move { e.attr(name).await })
            .await
            .unwrap_or_default()
    }

    /// Opens the page served at `addr` with its storage emptied but for
    /// `model`, saved under the Model page's key of version 1, which the
    /// app migrates into its workspace when it loads next (no workspace key
    /// yet).
    pub async fn save_model(&self, addr: SocketAddr, model: &serde_json::Value) {
        self.goto(&format!("http://{addr}/connect")).await;
        self.client
            .execute(
                "localStorage.clear(); localStorage.setItem('iotda-kit.model.v1', arguments[0]);",
                vec![serde_json::Value::String(model.to_string())],
            )
            .await
            .expect("save the model");
    }

    /// Opens the Console page served at `addr` and fills its form for a
    /// local broker's plain WebSocket listener on `ws_port`, with
    /// `client_id` (not connected yet).
    pub async fn open_console(&self, addr: SocketAddr, ws_port: u16, client_id: &str) {
        self.goto(&format!("http://{addr}/console")).await;
        self.fill("#console-host", "127.0.0.1").await;
        self.fill("#console-port", &ws_port.to_string()).await;
        self.fill("#console-client-id", client_id).await;
        // A first visit fills the form for IoTDA (wss on 443).
        self.untick("#console-tls").await;
    }

    /// Opens the Certificates page served at `addr` and makes the CA
    /// "/C=CN/O=IoTDA Kit Test/CN=IoTDA Kit Test CA".
    pub async fn create_test_ca(&self, addr: SocketAddr) {
        self.goto(&format!("http://{addr}/certificates")).await;
        self.fill("#ca-c", "CN").await;
        self.fill("#ca-o", "IoTDA Kit Test").await;
        self.fill("#ca-cn", "IoTDA Kit Test CA").await;
        self.click("#ca-create").await;
        self.wait_for("#ca-download-cert").await;
    }

    /// Saves the file the download link `css` offers as `dir/file`, after
    /// checking that the link names it `file`.
    pub async fn save_download(&self, css: &str, dir: &Path, file: &str) {
        let name = self
            .wait_for(css)
            .await
            .attr("download")
            .await
            .expect("read the download attribute");
        assert_eq!(name.as_deref(), Some(file), "{css}");
        std::fs::write(dir.join(file), self.download(css).await).expect("save the download");
    }

    /// On the Certificates page, which holds a CA: makes the verification
    /// certificate for `code` and a device certificate for `node_id`, and
    /// returns the device certificate's SHA-256 fingerprint as the page
    /// shows it.
    pub async fn make_verification_and_device(&self, code: &str, node_id: &str) -> String {
        self.fill("#verification-code", code).await;
        self.click("#verification-create").await;
        self.wait_for("#verification-download-cert").await;
        self.fill("#device-cn", node_id).await;
        self.click("#device-create").await;
        self.wait_for("#device-download-cert").await;
        self.text("#device-fingerprint-sha256").await
    }

    /// Chooses `value` in the `<select>` `css`, as a user would (a
    /// `change` event follows).
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const s = document.querySelector(arguments[0]); s.value = arguments[1];
                 s.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
    }

    /// Unticks the checkbox `css` if it is ticked.
    pub async fn untick(&self, css: &str) {
        let el = self.wait_for(css).await;
        if el.prop("checked").await.expect("read checked").as_deref() == Some("true") {
            el.click()
                .await
                .unwrap_or_else(|e| panic!("untick {css}: {e}"));
        }
    }

    /// Scrolls to the top and saves a PNG screenshot of the window under `target/e2e/screenshots/NAME.png` and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Clicks scroll the page; a screenshot shows it from the top.
        self.client
            .execute(
                "window.scrollTo(0, 0); document.activeElement?.blur();",
                vec![],
            )
            .await
            .expect("scroll to the top");
        let png = self.client.screenshot().await.expect("take a screenshot");
        save_screenshot(name, &png)
    }

    /// Saves a PNG screenshot of the element `css` alone, like
    /// [`Browser::screenshot`].
    pub async fn screenshot_of(&self, css: &str, name: &str) -> PathBuf {
        let png = self
            .wait_for(css)
            .await
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot of {css}: {e}"));
        save_screenshot(name, &png)
    }

    /// Ends the session and removes its profile.
    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Publishes `count` QoS 0 JSON property reports to `{prefix}/0` ..
/// `{prefix}/9` over plain TCP at about `rate` a second (in batches every
/// 10 ms), with the core's codec: `mosquitto_pub` would be the bottleneck.
/// Blocks until all are written.
pub fn flood(port: u16, prefix: &str, count: u32, rate: u32) {
    use iotda_core::mqtt::{
        Connect, Disconnect, Packet, ProtocolVersion, Publish, QosPid, TopicName,
    };
    use std::io::{Read, Write};

    let v = ProtocolVersion::V3_1_1;
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to mosquitto");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a read timeout");
    let mut out = Vec::new();
    Packet::Connect(Connect::new(v, format!("{prefix}-flooder"), 60))
        .encode(v, &mut out)
        .expect("encode CONNECT");
    stream.write_all(&out).expect("send CONNECT");
    out.clear();
    // CONNACK: 0x20, length 2, flags, return code 0. Read, so that no
    // unread byte turns the final close into a reset.
    let mut connack = [0u8; 4];
    stream.read_exact(&mut connack).expect("read CONNACK");
    assert_eq!(connack, [0x20, 2, 0, 0], "mosquitto accepted the flooder");
    let payload = br#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#;
    let batch = (rate / 100).max(1);
    let start = Instant::now();
    for i in 0..count {
        let topic = TopicName::new(format!("{prefix}/{}", i % 10)).expect("topic");
        Packet::Publish(Publish::new(topic, QosPid::AtMostOnce, payload.to_vec()))
            .encode(v, &mut out)
            .expect("encode PUBLISH");
        if (i + 1) % batch == 0 || i + 1 == count {
            stream.write_all(&out).expect("send PUBLISH");
            out.clear();
            // Pace: batch k is due at k * 10 ms.
            let due = start + Duration::from_millis(u64::from((i + 1) / batch) * 10);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
    Packet::Disconnect(Disconnect::default())
        .encode(v, &mut out)
        .expect("encode DISCONNECT");
    stream.write_all(&out).expect("send DISCONNECT");
    // A lingering close: wait for the broker to close its side, which it
    // does after reading DISCONNECT, so it has read every PUBLISH before.
    // Dropping the socket at once could leave bytes unread in the broker's
    // buffer, and a close then resets the connection and loses them: whole
    // batches at the end of a flood, when the broker lags behind.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
}

/// Writes `png` to `target/e2e/screenshots/NAME.png` and returns the path.
fn save_screenshot(name: &str, png: &[u8]) -> PathBuf {
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    let path = artifacts_dir()
        .join("screenshots")
        .join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write the screenshot");
    path
}

/// A `mosquitto_sub` on the local broker, subscribed before `start`
/// returns (it waits for the SUBACK), that hands over what it receives as
/// `(topic, payload)`. Killed when dropped.
pub struct Subscriber {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Subscriber {
    /// Subscribes to `filter` on the broker's MQTT `port`.
    pub fn start(port: u16, filter: &str) -> Self {
        use std::io::BufRead;

        // Line-buffered: mosquitto_sub's output is a pipe here.
        let mut child = Command::new("stdbuf")
            .args([
                "-oL",
                "mosquitto_sub",
                "-d",
                "-v",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .args(["-t", filter])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto_sub");
        let stdout = child.stdout.take().expect("mosquitto_sub's output");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Built first, so that a panic below still kills mosquitto_sub.
        let subscriber = Self { child, lines };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match subscriber.lines.recv_timeout(left) {
                Ok(line) if line.contains("received SUBACK") => break,
                Ok(_) => {}
                Err(e) => panic!("mosquitto_sub did not subscribe to {filter}: {e}"),
            }
        }
        subscriber
    }

    /// The next message, within 20 s.
    pub fn next(&self) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no message for mosquitto_sub: {e}"));
            if line.starts_with("Client ") || line.starts_with("Subscribed ") {
                continue;
            }
            let (topic, payload) = line.split_once(' ').unwrap_or((&line, ""));
            return (topic.to_owned(), payload.to_owned());
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With `openssl`: the broker's key and certificate `server.key` /
/// `server.pem` for IP 127.0.0.1 (a subjectAltName, as `mosquitto_pub`
/// checks the address it connects to), issued by the CA `platform-ca`.
pub fn openssl_server_certificate(dir: &Path) {
    iotda_testkit::openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\n").expect("write");
    iotda_testkit::openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "platform-ca.pem",
            "-CAkey",
            "platform-ca.key",
            "-CAcreateserial",
            "-extfile",
            "server.ext",
            "-days",
            "30",
            "-out",
            "server.pem",
        ],
    );
}

/// Publishes `payload` on `topic` at QoS 1 with `mosquitto_pub`, as the
/// platform would.
pub fn mosquitto_pub(port: u16, topic: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(["-t", topic, "-m", payload])
        .status()
        .expect("run mosquitto_pub");
    assert!(status.success(), "mosquitto_pub {topic}: {status}");
}
