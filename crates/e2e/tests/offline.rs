//! Offline use: after one visit, with the server down, the app reloads
//! from its service worker and certificate work (the worker and its wasm)
//! still runs, in either language.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use iotda_kit_cli::serve::{Running, Server};
use iotda_kit_e2e::{workspace_root, Browser, Chromedriver};
use iotda_testkit::Scratch;

/// Waits until a service worker has installed every file and controls the
/// page; returns the names of the caches it keeps.
async fn controlled(browser: &Browser) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let caches = browser
            .client
            .execute_async(
                "const done = arguments[0];
                 const c = navigator.serviceWorker.controller;
                 if (c === null || c.state !== 'activated') { done(null); return; }
                 caches.keys().then(done, () => done(null));",
                vec![],
            )
            .await
            .expect("ask for the service worker");
        if let Some(names) = caches.as_array() {
            return names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
        }
        assert!(Instant::now() < deadline, "no service worker took control");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Serves `root` (a built `dist/`), opens the app in a new browser and
/// waits for its service worker to take control; returns the server, the
/// browser (with its driver) and the service worker's caches.
async fn first_visit(root: &Path) -> (Running, Chromedriver, Browser, Vec<String>) {
    let server = Server::bind(root, 0)
        .and_then(Server::start)
        .expect("serve dist/ (scripts/test.sh builds it)");
    let (driver, browser, caches) = visit(&format!("http://{}/", server.addr())).await;
    (server, driver, browser, caches)
}

/// Opens `url` in a new browser and waits for the app's service worker to
/// take control; returns the browser (with its driver) and the service
/// worker's caches.
async fn visit(url: &str) -> (Chromedriver, Browser, Vec<String>) {
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    browser.goto(url).await;
    browser.wait_for("#device-id").await;
    let caches = controlled(&browser).await;
    (driver, browser, caches)
}

/// Whether the page shows the "new version" banner.
async fn announced(browser: &Browser) -> bool {
    browser
        .client
        .find(fantoccini::Locator::Css("#update"))
        .await
        .is_ok()
}

/// Copies the files of `from` (a built `dist/`) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("read dist/ (scripts/test.sh builds it)") {
        let entry = entry.expect("read dist/");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file of dist/");
        }
    }
}

/// Writes a file of a copied build as a new build would, dropping its
/// precompressed `.br` and `.gz` (post_build.py would write them anew; the
/// server would otherwise send the old bytes to a browser accepting them).
fn rebuilt(path: &Path, text: String) {
    std::fs::write(path, text).expect("write a file of the build");
    for suffix in ["br", "gz"] {
        let mut sibling = path.as_os_str().to_owned();
        sibling.push(format!(".{suffix}"));
        match std::fs::remove_file(&sibling) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("remove {sibling:?}: {e}"),
        }
    }
}

/// Turns the build in `root` into a second build, as post_build.py would: the page gains `<meta name="build" content="second">`, the
/// service worker is renamed from the cache `first` (`iotda-kit-VERSION`)
/// to `iotda-kit-second`.
fn second_build(root: &Path, first: &str) {
    let index = root.join("index.html");
    let html = std::fs::read_to_string(&index).expect("read index.html");
    rebuilt(
        &index,
        html.replace("<head>", "<head><meta name=\"build\" content=\"second\">"),
    );
    let sw = root.join("sw.js");
    let script = std::fs::read_to_string(&sw).expect("read sw.js");
    let old = first.strip_prefix("iotda-kit-").expect("cache name");
    rebuilt(&sw, script.replace(old, "second"));
}

/// The script that says whether the page is the second build's.
const SECOND: &str = "return document.querySelector('meta[name=build]') !== null;";

/// Takes the announced version and waits until the page runs it.
async fn take_the_update(browser: &Browser) {
    browser.click("#update button").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while browser.client.execute(SECOND, vec![]).await.expect("look") != true {
        assert!(
            Instant::now() < deadline,
            "the page did not reload on the new version"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.wait_for("#device-id").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_is_announced_and_taken_on_reload() {
    let scratch = Scratch::new("sw-update");
    let root = scratch.join("dist");
    copy_dir(&workspace_root().join("dist"), &root);
    let (_server, _driver, browser, first) = first_visit(&root).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(!announced(&browser).await, "no update on a first visit");

    // A new build: another page and another version of the service worker,
    // as post_build.py writes for any change.
    second_build(&root, &first[0]);

    // The browser checks for a new service worker on navigation; the page
    // announces the one it finds and keeps running the old one meanwhile.
    browser.client.refresh().await.expect("reload");
    let banner = browser
        .wait_text("#update", |t| t.contains("A new version"))
        .await;
    assert!(banner.contains("Reload"), "{banner}");
    let served_new = browser.client.execute(SECOND, vec![]).await.expect("look");
    assert_eq!(
        served_new, false,
        "the old version serves until the user takes the new one"
    );

    // Taking it reloads the page on the new version, whose cache replaced
    // the old one.
    take_the_update(&browser).await;
    assert_eq!(controlled(&browser).await, ["iotda-kit-second"]);
    assert!(
        !announced(&browser).await,
        "the new version is not announced again"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_one_visit_the_app_works_with_the_server_down() {
    let (server, _driver, browser, _) = first_visit(&workspace_root().join("dist")).await;
    let addr = server.addr();

    drop(server);
    assert!(TcpStream::connect(addr).is_err(), "the server is down");

    // A reload and a deep link both come from the cache.
    browser.client.refresh().await.expect("reload");
    browser.wait_for("#device-id").await;
    browser.goto(&format!("http://{addr}/certificates")).await;
    browser.fill("#ca-cn", "Offline CA").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-download-cert").await;
    browser.fill("#verification-code", "0123456789abcdef").await;
    browser.click("#verification-create").await;
    browser.fill("#device-cn", "offline-0001").await;
    browser.click("#device-create").await;
    let fingerprint = browser
        .wait_text("#device-fingerprint-sha256", |t| t.len() == 64)
        .await;
    assert!(
        fingerprint.chars().all(|c| c.is_ascii_hexdigit()),
        "{fingerprint}"
    );
    // The Chinese texts, fetched only when chosen, come from the cache too.
    browser.select("#lang", "zh-CN").await;
    browser.wait_for("html[lang='zh-CN']").await;
    assert_eq!(browser.text("#ca-heading").await, "1. 设备 CA 证书");
    browser.close().await;
}

/// Regression (issue 17, item 18): the service worker answers only for the
/// app. Once it controls the origin, another page served there at a path
/// that is not one of the app's routes comes from the server, not from
/// the app's cached `index.html`; the app's own routes still come from its
/// cache.
#[tokio::test(flavor = "multi_thread")]
async fn another_page_on_the_origin_is_not_answered_with_the_app() {
    let root = Scratch::new("e2e-sw-scope");
    copy_dir(&workspace_root().join("dist"), root.path());
    std::fs::create_dir_all(root.join("other")).expect("create the other app's folder");
    std::fs::write(
        root.join("other").join("index.html"),
        "<!doctype html><html lang=\"en\"><title>Another app</title><p id=\"other\">another app</p></html>",
    )
    .expect("write the other app's page");
    let (server, _driver, browser, caches) = first_visit(root.path()).await;
    assert_eq!(caches.len(), 1, "{caches:?}");
    for path in ["/other/", "/other/index.html"] {
        browser
            .goto(&format!("http://{}{path}", server.addr()))
            .await;
        assert_eq!(browser.text("#other").await, "another app", "{path}");
    }
    // An app route is still the app, served by the service worker even
    // with the server down.
    let addr = server.addr();
    drop(server);
    browser.goto(&format!("http://{addr}/console")).await;
    browser.wait_for("#console-host").await;
    browser.close().await;
}

/// Python's `http.server` on 127.0.0.1 serving `root`: a plain static
/// server that sends `Last-Modified` and no `Cache-Control`, so the browser
/// keeps what it got in its HTTP cache as fresh for a tenth of the file's
/// age (the heuristic of RFC 9111, 4.2.2). Stopped (killed by its id, then
/// waited for) on drop.
struct CachingServer {
    child: Child,
    port: u16,
}

impl CachingServer {
    fn start(root: &Path) -> Self {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "0",
                "--directory",
            ])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        let stdout = child.stdout.take().expect("the server's output");
        let mut banner = String::new();
        BufReader::new(stdout)
            .read_line(&mut banner)
            .expect("read the server's banner");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let port = banner
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in the server's banner: {banner:?}"));
        Self { child, port }
    }
}

impl Drop for CachingServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Dates every file under `dir` back to 2020, so that a browser takes what
/// it has cached of them as fresh for months.
fn age(dir: &Path) {
    let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800);
    for entry in std::fs::read_dir(dir).expect("read the copied build") {
        let path = entry.expect("read the copied build").path();
        if path.is_dir() {
            age(&path);
        } else {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_modified(then))
                .unwrap_or_else(|e| panic!("date {}: {e}", path.display()));
        }
    }
}

/// Regression (issue 17, item 18): a new version's service worker fills
/// its cache from the server, not from the browser's HTTP cache. Served by
/// a server whose files the browser may cache for months, the first
/// visit leaves the old `index.html` fresh in the HTTP cache; the second
/// build's service worker must still cache (and then serve) the new one.
/// Without `cache: 'reload'` in `static/sw.js`'s install, the page taken
/// on reload is the old build's.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_is_cached_from_the_server_not_the_http_cache() {
    let scratch = Scratch::new("sw-http-cache");
    let root = scratch.join("dist");
    copy_dir(&workspace_root().join("dist"), &root);
    age(&root);
    let server = CachingServer::start(&root);
    let (_driver, browser, first) = visit(&format!("http://127.0.0.1:{}/", server.port)).await;
    assert_eq!(first.len(), 1, "{first:?}");

    // The second build's files are new (the server answers the browser's
    // check of sw.js with it), but the first visit's index.html is still
    // fresh in the HTTP cache, by the age it had then.
    second_build(&root, &first[0]);
    browser.client.refresh().await.expect("reload");
    browser
        .wait_text("#update", |t| t.contains("A new version"))
        .await;
    take_the_update(&browser).await;
    assert_eq!(controlled(&browser).await, ["iotda-kit-second"]);
    browser.close().await;
}
