//! The page's security promises in headless Chromium: its
//! Content-Security-Policy is enforced (an injected inline script does
//! not run) and nothing the app does breaks it, every request of every
//! page and of its workers goes to the page's own origin, WebSockets only
//! to the broker the user chose and, in certificate mode, to
//! `iotda-kit bridge` on loopback, and each worker's script comes with the
//! page's policy as a header (a worker takes its policy from its script's
//! response, not from the page's `<meta>`). The workers' requests are
//! read from Chromium's NetLog, which sees every request of the browser.

use iotda_kit_e2e::netlog::NetLog;
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
    let net_log =
        std::env::temp_dir().join(format!("iotda-e2e-netlog-{}.json", std::process::id()));
    let browser = driver.session_logging_network(1280, 1800, &net_log).await;
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
    // guide (its text fetched, its diagrams images of this origin), the
    // console connected to the local broker with its simulator worker, a
    // profile saved.
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#ca-cn", "CSP Test CA").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-download-cert").await;
    browser.click("nav a[href='/model']").await;
    browser.wait_for("#model-reset").await;
    browser.click("nav a[href='/guide']").await;
    // Its diagrams are SVG files shown as images, which img-src allows.
    browser.wait_for("#guide-connect .charts img").await;
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
    let page_policy = browser
        .attr("meta[http-equiv='Content-Security-Policy']", "content")
        .await;
    browser.close().await;

    // What the browser as a whole asked for, the workers included (the
    // log is kept when an assertion below fails, to be read). Chromium's
    // own requests (its updater, autofill) have no origin as initiator:
    // what a page or a worker asked for has its origin.
    let log = NetLog::read(&net_log).unwrap_or_else(|e| panic!("{e}"));
    let socket = format!("ws://127.0.0.1:{ws_port}/mqtt");
    // The certificate mode's look for the local bridge, on loopback.
    let bridge = "ws://127.0.0.1:9883/mqtt";
    let elsewhere: Vec<&str> = log
        .requests
        .iter()
        .filter(|r| r.initiator.is_some())
        .map(|r| r.url.as_str())
        .filter(|url| !url.starts_with(&origin) && *url != socket && *url != bridge)
        .collect();
    assert!(
        elsewhere.is_empty(),
        "the app asked elsewhere than its origin, the chosen broker and the bridge: {elsewhere:?} (NetLog {})",
        net_log.display()
    );
    assert!(
        log.requests.iter().any(|r| r.url == socket),
        "the NetLog shows the Console's WebSocket"
    );
    // Each worker's scripts came from the network with the page's policy.
    for worker in ["pki_worker", "sim_worker"] {
        let scripts: Vec<_> = log
            .requests
            .iter()
            .filter(|r| r.url.contains(worker) && r.url.ends_with(".js"))
            .filter(|r| !r.response_headers.is_empty())
            .collect();
        assert!(!scripts.is_empty(), "{worker}'s script in the NetLog");
        for script in scripts {
            let header = directives(script.header("content-security-policy").unwrap_or(""));
            let missing: Vec<String> = directives(&page_policy)
                .into_iter()
                .filter(|d| !header.contains(d))
                .collect();
            assert!(
                missing.is_empty() && header.iter().any(|d| d == "frame-ancestors 'none'"),
                "{}: the page's policy as a header, with frame-ancestors 'none'; \
                 missing {missing:?} in {header:?}",
                script.url
            );
        }
    }
    // The log sees what the page's own view does not: requests made inside
    // the workers (each loads its wasm itself) or by the service worker.
    let unseen_by_page: Vec<&str> = log
        .requests
        .iter()
        .filter(|r| r.initiator.is_some() && !requests.contains(&r.url))
        .map(|r| r.url.as_str())
        .collect();
    for wasm in ["pki_worker_bg.wasm", "sim_worker_bg.wasm"] {
        assert!(
            unseen_by_page.iter().any(|url| url.ends_with(wasm)),
            "{wasm}, fetched inside its worker, is in the NetLog and not in the page's entries: {unseen_by_page:?}"
        );
    }
    let _ = std::fs::remove_file(&net_log);
}

/// A policy's directives, each with its whitespace made single.
fn directives(policy: &str) -> Vec<String> {
    policy
        .split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .collect()
}
