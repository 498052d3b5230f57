//! Offline use: after one visit, with the server down, the app reloads
//! from its service worker and certificate work (the worker and its wasm)
//! still runs.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use iotda_kit_cli::serve::Server;
use iotda_kit_e2e::{workspace_root, Chromedriver};

#[tokio::test(flavor = "multi_thread")]
async fn after_one_visit_the_app_works_with_the_server_down() {
    let server = Server::bind(workspace_root().join("dist"), 0)
        .and_then(Server::start)
        .expect("serve dist/ (scripts/test.sh builds it)");
    let addr = server.addr();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    browser.goto(&format!("http://{addr}/")).await;
    browser.wait_for("#device-id").await;

    // The service worker installed every file and controls the page.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let controlled = browser
            .client
            .execute(
                "return navigator.serviceWorker.controller !== null
                     && navigator.serviceWorker.controller.state === 'activated';",
                vec![],
            )
            .await
            .expect("ask for the service worker");
        if controlled == true {
            break;
        }
        assert!(Instant::now() < deadline, "no service worker took control");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
    browser.close().await;
}
