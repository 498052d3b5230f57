//! Offline use: after one visit, with the server down, the app reloads
//! from its service worker and certificate work (the worker and its wasm)
//! still runs, in either language.

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

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
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    browser.goto(&format!("http://{}/", server.addr())).await;
    browser.wait_for("#device-id").await;
    let caches = controlled(&browser).await;
    (server, driver, browser, caches)
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
    let index = root.join("index.html");
    let html = std::fs::read_to_string(&index).expect("read index.html");
    rebuilt(
        &index,
        html.replace("<head>", "<head><meta name=\"build\" content=\"second\">"),
    );
    let sw = root.join("sw.js");
    let script = std::fs::read_to_string(&sw).expect("read sw.js");
    let old = first[0].strip_prefix("iotda-kit-").expect("cache name");
    rebuilt(&sw, script.replace(old, "second"));

    // The browser checks for a new service worker on navigation; the page
    // announces the one it finds and keeps running the old one meanwhile.
    browser.client.refresh().await.expect("reload");
    let banner = browser
        .wait_text("#update", |t| t.contains("A new version"))
        .await;
    assert!(banner.contains("Reload"), "{banner}");
    let build = "return document.querySelector('meta[name=build]') !== null;";
    let served_new = browser.client.execute(build, vec![]).await.expect("look");
    assert_eq!(
        served_new, false,
        "the old version serves until the user takes the new one"
    );

    // Taking it reloads the page on the new version, whose cache replaced
    // the old one.
    browser.click("#update button").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while browser.client.execute(build, vec![]).await.expect("look") != true {
        assert!(
            Instant::now() < deadline,
            "the page did not reload on the new version"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.wait_for("#device-id").await;
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
