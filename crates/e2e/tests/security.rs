//! The page's security promises in headless Chromium: its
//! Content-Security-Policy is enforced (an injected inline script does
//! not run) and nothing the app does breaks it, and every request of every
//! page goes to the page's own origin, WebSockets only to the broker the
//! user chose and, in certificate mode, to `iotda-kit bridge` on loopback.

use iotda_kit_e2e::{serve_dist, Chromedriver};
use iotda_testkit::{BrokerConfig, Mosquitto};
use serde_json::Value;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_keeps_to_its_csp_and_its_own_origin() {
    let broker = Mosquitto::start(&BrokerConfig {
        websocket: true,
        ..BrokerConfig::default()
    });
    let ws_port = broker.ws_port.expect("a WebSocket listener");
    let addr = serve_dist();
    let origin = format!("http://{addr}/");
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    browser.goto(&origin).await;
    // The app started, so the policy lets trunk's loader run.
    browser.wait_for("#device-id").await;

    // From here on, record every violation and every WebSocket opened.
    browser
        .run(
            "window.violations = [];
         document.addEventListener('securitypolicyviolation',
             e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
         window.sockets = [];
         window.WebSocket = new Proxy(window.WebSocket, { construct(target, args) {
             window.sockets.push(String(args[0]));
             return new target(...args);
         } });",
        )
        .await;

    // The policy is in force: an injected inline script does not run.
    browser
        .run(
            "const s = document.createElement('script');
         s.textContent = 'window.injected = true;';
         document.body.appendChild(s);",
        )
        .await;
    assert_eq!(browser.run("return window.injected === true;").await, false);
    // Two policies are in force, the header the server sends and the
    // page's <meta>: each reports the refused script.
    let blocked = strings(&browser.run("return window.violations.splice(0);").await);
    assert_eq!(blocked.len(), 2, "{blocked:?}");
    assert!(
        blocked.iter().all(|v| v.starts_with("script-src")),
        "{blocked:?}"
    );

    // Every page, used: a CA made in the certificate worker, the model, the
    // guide (rendered in the simulator's worker from its fetched text), the
    // console connected to the local broker with its simulator worker, a
    // profile saved.
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#ca-cn", "CSP Test CA").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-download-cert").await;
    browser.click("nav a[href='/model']").await;
    browser.wait_for("#model-reset").await;
    browser.click("nav a[href='/guide']").await;
    // Its diagrams are inline SVG, styled by attributes the policy allows.
    browser.wait_for("#guide-connect svg[role='img']").await;
    browser.click("nav a[href='/console']").await;
    browser.wait_for("#console-host").await;
    browser.click("#console-local").await;
    browser.fill("#console-port", &ws_port.to_string()).await;
    browser.fill("#console-device-id", "dev_1").await;
    browser.click("#console-connect").await;
    browser
        .wait_text("#console-status", |t| t.starts_with("Connected"))
        .await;
    browser
        .wait_text("#sim-title", |t| t.ends_with("dev_1"))
        .await;
    // A profile saved with the CA key, encrypted in the certificate worker.
    browser.click("nav a[href='/profiles']").await;
    browser.fill("#profile-name", "csp").await;
    browser.click("#profile-include-ca-key").await;
    browser.fill("#profile-passphrase", "csp passphrase").await;
    browser
        .fill("#profile-passphrase-again", "csp passphrase")
        .await;
    browser.click("#profile-save").await;
    browser.wait_for_text("#profile-notice", "Saved: csp").await;

    // Certificate mode: the Console looks for `iotda-kit bridge`, on
    // loopback only.
    browser.click("nav a[href='/connect']").await;
    browser.select("#auth-mode", "x509").await;
    browser.click("nav a[href='/console']").await;
    browser
        .wait_for("#console-bridge-status:not([data-probe='Checking'])")
        .await;

    let violations = strings(&browser.run("return window.violations;").await);
    assert_eq!(violations, Vec::<String>::new());
    let sockets = strings(&browser.run("return window.sockets;").await);
    assert_eq!(
        sockets.first(),
        Some(&format!("ws://127.0.0.1:{ws_port}/mqtt"))
    );
    assert!(
        sockets.contains(&"ws://127.0.0.1:9883/mqtt".to_owned())
            && sockets.iter().all(|s| s.starts_with("ws://127.0.0.1:")),
        "only loopback WebSockets, the bridge's among them: {sockets:?}"
    );
    let requests = strings(
        &browser
            .run(
                "return performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource')).map(e => e.name);",
            )
            .await,
    );
    assert!(
        requests.iter().any(|r| r.contains("pki_worker"))
            && requests.iter().any(|r| r.contains("sim_worker")),
        "both workers were loaded: {requests:?}"
    );

    let elsewhere: Vec<&String> = requests
        .iter()
        .filter(|r| !r.starts_with(&origin))
        .collect();
    assert!(
        elsewhere.is_empty(),
        "requests off the page's origin: {elsewhere:?}"
    );
    browser.close().await;
}
