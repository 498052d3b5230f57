//! End-to-end tests of the trunk-built release page in headless Chromium.

use fantoccini::key::Key;
use iotda_kit_e2e::{serve_dist, Chromedriver};

const VECTOR_PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

#[tokio::test(flavor = "multi_thread")]
async fn connect_page_computes_credentials_and_keeps_non_secret_fields() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1700).await;
    browser
        .client
        .goto(&format!("http://{addr}/"))
        .await
        .expect("open the app");

    browser.fill("#device-id", "5f8d_node1").await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#timestamp", "2025041401").await;

    assert_eq!(
        browser
            .wait_for_text("#client-id", "5f8d_node1_0_0_2025041401")
            .await,
        "5f8d_node1_0_0_2025041401"
    );
    assert_eq!(browser.text("#username").await, "5f8d_node1");
    assert_eq!(browser.text("#password").await, VECTOR_PASSWORD);
    let mosquitto = browser.text("#mosquitto-cmd").await;
    assert!(mosquitto.contains(VECTOR_PASSWORD), "{mosquitto}");

    // Copy: the button confirms, and the clipboard holds the ClientId.
    browser
        .wait_for("button[aria-label='Copy ClientId']")
        .await
        .click()
        .await
        .expect("click Copy");
    assert_eq!(
        browser
            .wait_for_text("button[aria-label='Copy ClientId']", "Copied ✓")
            .await,
        "Copied ✓"
    );
    // Paste it with a real Ctrl+V into a scratch text area.
    browser
        .client
        .execute(
            "const t = document.createElement('textarea'); t.id = 'paste-probe'; document.body.append(t);",
            vec![],
        )
        .await
        .expect("add a text area");
    let probe = browser.wait_for("#paste-probe").await;
    probe
        .send_keys(&format!("{}v", char::from(Key::Control)))
        .await
        .expect("press Ctrl+V");
    let clipboard = browser.value("#paste-probe").await;
    browser
        .client
        .execute("document.getElementById('paste-probe').remove();", vec![])
        .await
        .expect("remove the text area");
    assert_eq!(clipboard, "5f8d_node1_0_0_2025041401");

    let shot = browser.screenshot("connect").await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);

    // Reload: the device id and endpoint come back, the secret does not.
    browser.client.refresh().await.expect("reload");
    browser.wait_for("#device-id").await;
    assert_eq!(browser.value("#device-id").await, "5f8d_node1");
    assert_eq!(browser.value("#secret").await, "");
    assert_eq!(browser.text("#client-id").await, "—");

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_links_and_unknown_paths_load_the_app() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    // Headless Chromium does not size a window below 500 px wide.
    let browser = driver.session(500, 900).await;
    browser
        .client
        .goto(&format!("http://{addr}/connect"))
        .await
        .expect("open /connect");
    browser.wait_for("#device-id").await;
    browser.fill("#device-id", "bad id").await;
    let error = browser.text("#device-id-error").await;
    assert!(error.contains("found ' ' at position 4"), "{error}");
    browser.screenshot("connect-narrow").await;

    browser
        .client
        .goto(&format!("http://{addr}/no/such/page"))
        .await
        .expect("open an unknown path");
    let heading = browser.text("main h2").await;
    assert_eq!(heading, "Page not found");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pki_worker_loads_and_answers_in_its_protocol() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(800, 600).await;
    browser
        .client
        .goto(&format!("http://{addr}/"))
        .await
        .expect("open the app");
    let messages = browser
        .client
        .execute_async(
            r#"const done = arguments[0];
               const seen = [];
               const w = new Worker('/pki_worker_loader.js');
               w.onerror = e => done(['error ' + e.message]);
               w.onmessage = e => {
                 const m = JSON.parse(e.data);
                 seen.push(m === 'ready' ? m : Object.keys(m)[0]);
                 if (m === 'ready') w.postMessage(JSON.stringify({id: 7, job: {create_ca:
                   {key_type: 'p256', subject: {cn: 'Contract CA'}, days: 30}}}));
                 if (m.done) { w.terminate(); done(seen.concat([m.done.id, m.done.result.ca.ca.view.subject])); }
                 if (m.failed) { w.terminate(); done(seen.concat([JSON.stringify(m.failed)])); }
               };"#,
            vec![],
        )
        .await
        .expect("run the worker");
    assert_eq!(
        messages,
        serde_json::json!(["ready", "done", 7, "/CN=Contract CA"])
    );
    browser.close().await;
}
