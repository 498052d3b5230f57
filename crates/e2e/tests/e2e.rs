//! End-to-end tests of the trunk-built release page in headless Chromium.

use fantoccini::Locator;
use iotda_core::pki::{Certificate, FingerprintAlg};
use iotda_kit_e2e::{serve_dist, Chromedriver};

const VECTOR_PASSWORD: &str = "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a";

#[tokio::test(flavor = "multi_thread")]
async fn connect_page_computes_credentials_and_keeps_non_secret_fields() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1700).await;
    browser.goto(&format!("http://{addr}/")).await;

    browser.fill("#device-id", "5f8d_node1").await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#timestamp", "2025041401").await;
    // A fresh form's host is Beijing 4's per-instance form: no settings
    // until its `{prefix}` is replaced.
    let error = browser.text("#host-error").await;
    assert!(error.contains("{prefix}"), "{error}");
    browser.wait_for("#settings-pending").await;
    browser
        .fill(
            "#host",
            "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com",
        )
        .await;

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

    // The CA the device trusts: the package "Obtaining Resources" lists for
    // Beijing4's standard edition, then the local platform's own, then
    // none over plain MQTT; each host suggestion names its region.
    let which = browser.text("#platform-ca-which").await;
    assert!(
        which.contains("CN North-Beijing4") && which.contains("standard edition"),
        "{which}"
    );
    let link = browser.wait_for("#platform-ca-link").await;
    assert_eq!(
        link.attr("href").await.expect("href").as_deref(),
        Some(iotda_core::endpoint::OBTAINING_RESOURCES)
    );
    assert!(browser
        .text("#platform-ca-how")
        .await
        .contains("mosquitto_pub --cafile"));
    let presets = browser
        .client
        .find_all(Locator::Css("#host-presets option"))
        .await
        .expect("presets");
    assert_eq!(presets.len(), 14);
    let mut labels = Vec::new();
    for option in presets {
        labels.push(
            option
                .attr("label")
                .await
                .expect("label")
                .unwrap_or_default(),
        );
    }
    assert!(
        labels.iter().any(|l| l.contains("ME-Riyadh (me-east-1)")),
        "{labels:?}"
    );
    browser
        .fill(
            "#host",
            "a1b2c3.st1.iotda-device.ap-southeast-3.myhuaweicloud.com",
        )
        .await;
    let which = browser
        .wait_text("#platform-ca-which", |t| t.contains("AP-Singapore"))
        .await;
    assert!(which.contains("outside the Chinese mainland"), "{which}");
    browser.fill("#host", "127.0.0.1").await;
    browser
        .wait_text("#platform-ca-which", |t| t.contains("tls/platform-ca.crt"))
        .await;
    // On this computer a transport takes the local IoTDA's port.
    browser.select("#transport", "ws").await;
    assert_eq!(browser.value("#port").await, "9001");
    browser.select("#transport", "mqtts").await;
    assert_eq!(browser.value("#port").await, "8883");
    browser
        .fill(
            "#host",
            "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com",
        )
        .await;

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
    let clipboard = browser.clipboard().await;
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
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.wait_for("#device-id").await;
    browser.fill("#device-id", "bad id").await;
    let error = browser.text("#device-id-error").await;
    assert!(error.contains("found ' ' at position 4"), "{error}");
    // Every wrong field shows its own error at once, not only the first.
    browser.fill("#timestamp", "2025023001").await;
    browser.fill("#port", "0x").await;
    for css in [
        "#device-id-error",
        "#timestamp-error",
        "#port-error",
        "#host-error",
    ] {
        assert!(!browser.text(css).await.is_empty(), "{css}");
    }
    browser.fill("#timestamp", "2025041401").await;
    browser.fill("#port", "8883").await;
    browser.screenshot("connect-narrow").await;

    browser.goto(&format!("http://{addr}/no/such/page")).await;
    let heading = browser.text("main h2").await;
    assert_eq!(heading, "Page not found");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pki_worker_loads_and_answers_in_its_protocol() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(800, 600).await;
    browser.goto(&format!("http://{addr}/")).await;
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

/// Runs `openssl` with `args` in `dir` and returns its stdout; fails the
/// test with its stderr if it fails.
fn openssl(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("openssl prints text")
}

/// Opens /certificates in a fresh session and makes a CA there, with the
/// page's default key (RSA 2048).
async fn certificates_page_with_ca(browser: &iotda_kit_e2e::Browser, addr: std::net::SocketAddr) {
    browser.create_test_ca(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_page_makes_ca_verification_and_device_certificates_openssl_accepts() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;

    // The certificate worker is not part of the first load; the
    // Certificates link starts it.
    browser.goto(&format!("http://{addr}/")).await;
    browser.wait_for("#device-id").await;
    let loaded = "return performance.getEntriesByType('resource')
                    .some(e => e.name.includes('pki_worker'));";
    let worker_loaded = browser
        .client
        .execute(loaded, vec![])
        .await
        .expect("resources");
    assert_eq!(worker_loaded, false);
    browser.click("nav a[href='/certificates']").await;
    browser.wait_for("#ca-create").await;
    let mut worker_loaded = serde_json::Value::Bool(false);
    for _ in 0..100 {
        worker_loaded = browser
            .client
            .execute(loaded, vec![])
            .await
            .expect("resources");
        if worker_loaded == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        worker_loaded, true,
        "the Certificates page starts the worker"
    );

    certificates_page_with_ca(&browser, addr).await;
    assert_eq!(
        browser.text("#ca-subject").await,
        "/C=CN/O=IoTDA Kit Test/CN=IoTDA Kit Test CA"
    );

    let shown_sha256 = browser
        .make_verification_and_device("0123456789abcdef", "node-0001")
        .await;
    let shown_sha1 = browser.text("#device-fingerprint-sha1").await;

    // With three certificates shown, every copy button has a name of its own.
    let names = browser
        .client
        .execute(
            "return [...document.querySelectorAll('button.copy, button[aria-label^=\"Copy\"]')]
                .map(b => b.getAttribute('aria-label'));",
            vec![],
        )
        .await
        .expect("copy buttons");
    let names: Vec<String> = serde_json::from_value(names).expect("names");
    assert!(names.len() >= 6, "{names:?}");
    let unique: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.contains("SHA-256 (") && n.contains("IoTDA Kit Test CA")),
        "{names:?}"
    );
    // The "working" mark is drawn by the style sheet (a spinning ring), not
    // an emoji that needs a font.
    let mark = browser
        .client
        .execute(
            "const s = document.createElement('span'); s.className = 'status working';
             document.body.append(s);
             const b = getComputedStyle(s, '::before');
             const out = [b.content, b.animationName, b.borderTopStyle]; s.remove(); return out;",
            vec![],
        )
        .await
        .expect("working mark");
    assert_eq!(mark, serde_json::json!(["\"\"", "spin", "solid"]));

    let dir = iotda_testkit::Scratch::new("e2e-certificates");
    for (css, file) in [
        ("#ca-download-cert", "rootCA.pem"),
        ("#ca-download-key", "rootCA.key"),
        ("#verification-download-cert", "verificationCert.pem"),
        ("#verification-download-key", "verificationCert.key"),
        ("#device-download-cert", "deviceCert.pem"),
        ("#device-download-key", "deviceCert.key"),
        ("#device-download-csr", "deviceCert.csr"),
    ] {
        browser.save_download(css, dir.path(), file).await;
    }

    // The fingerprint on the page is the one the core and OpenSSL compute.
    let device_pem = std::fs::read_to_string(dir.join("deviceCert.pem")).expect("read");
    let cert = Certificate::from_pem(&device_pem).expect("the page's PEM parses");
    assert_eq!(
        shown_sha256,
        cert.fingerprint(FingerprintAlg::Sha256, false)
    );
    assert_eq!(shown_sha1, cert.fingerprint(FingerprintAlg::Sha1, false));
    assert!(shown_sha256.len() == 64 && shown_sha256 == shown_sha256.to_uppercase());
    let openssl_sha256 = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "deviceCert.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let openssl_sha256 = openssl_sha256
        .trim()
        .rsplit('=')
        .next()
        .expect("Fingerprint=...")
        .replace(':', "");
    assert_eq!(shown_sha256, openssl_sha256);

    // OpenSSL accepts the chain, the subjects and the keys.
    let verified = openssl(
        dir.path(),
        &[
            "verify",
            "-CAfile",
            "rootCA.pem",
            "deviceCert.pem",
            "verificationCert.pem",
        ],
    );
    assert_eq!(verified, "deviceCert.pem: OK\nverificationCert.pem: OK\n");
    // RSA 2048 by default, as Huawei's guide makes them (issue 18): the
    // CA's, and the verification and device keys after it.
    for cert in ["rootCA.pem", "verificationCert.pem", "deviceCert.pem"] {
        let text = openssl(dir.path(), &["x509", "-in", cert, "-noout", "-text"]);
        assert!(
            text.contains("Public Key Algorithm: rsaEncryption")
                && text.contains("Public-Key: (2048 bit)")
                && text.contains("Signature Algorithm: sha256WithRSAEncryption"),
            "{cert}: {text}"
        );
    }
    for key in ["rootCA.key", "verificationCert.key", "deviceCert.key"] {
        let checked = openssl(dir.path(), &["pkey", "-in", key, "-check", "-noout"]);
        assert!(checked.contains("Key is valid"), "{key}: {checked}");
    }
    let subject = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "verificationCert.pem",
            "-noout",
            "-subject",
            "-nameopt",
            "compat",
        ],
    );
    assert_eq!(subject.trim(), "subject=/CN=0123456789abcdef");
    openssl(
        dir.path(),
        &["req", "-in", "deviceCert.csr", "-noout", "-verify"],
    );
    for (cert, key) in [
        ("rootCA.pem", "rootCA.key"),
        ("deviceCert.pem", "deviceCert.key"),
        ("verificationCert.pem", "verificationCert.key"),
    ] {
        let from_cert = openssl(dir.path(), &["x509", "-in", cert, "-noout", "-pubkey"]);
        let from_key = openssl(dir.path(), &["pkey", "-in", key, "-pubout"]);
        assert_eq!(from_cert, from_key, "{key} belongs to {cert}");
    }

    // The OpenSSL equivalent (in a closed <details>) follows the inputs.
    let device_cmd = browser
        .client
        .execute(
            "return document.querySelector('#device-openssl').textContent;",
            vec![],
        )
        .await
        .expect("read the OpenSSL equivalent");
    let device_cmd = device_cmd.as_str().unwrap_or_default();
    assert!(
        device_cmd.contains("-subj /CN=node-0001 -out deviceCert.csr"),
        "{device_cmd}"
    );

    let shot = browser.screenshot("certificates").await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);

    // Reload: the inputs come back, and so do the certificates' public
    // parts and fingerprints (downloadable again); their keys do not.
    browser.client.refresh().await.expect("reload");
    browser.wait_for("#device-cn").await;
    assert_eq!(browser.value("#device-cn").await, "node-0001");
    assert_eq!(
        browser.value("#verification-code").await,
        "0123456789abcdef"
    );
    assert_eq!(browser.value("#ca-cn").await, "IoTDA Kit Test CA");
    assert_eq!(
        browser.text("#ca-subject").await,
        "/C=CN/O=IoTDA Kit Test/CN=IoTDA Kit Test CA"
    );
    assert_eq!(
        browser.text("#device-fingerprint-sha256").await,
        shown_sha256
    );
    assert_eq!(browser.text("#device-fingerprint-sha1").await, shown_sha1);
    for (css, file) in [
        ("#ca-download-cert", "rootCA.pem"),
        ("#verification-download-cert", "verificationCert.pem"),
        ("#device-download-cert", "deviceCert.pem"),
    ] {
        let again = browser.download(css).await;
        let before = std::fs::read(dir.join(file)).expect("the first download");
        assert_eq!(again, before, "{file} after a reload");
    }
    for key in [
        "#ca-download-key",
        "#verification-download-key",
        "#device-download-key",
    ] {
        assert!(
            browser.client.find(Locator::Css(key)).await.is_err(),
            "{key}: no key after a reload"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_page_shows_specific_errors_and_keeps_working() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    certificates_page_with_ca(&browser, addr).await;
    let ca_pem = browser.download_text("#ca-download-cert").await;
    let ca_key = browser.download_text("#ca-download-key").await;

    // Garbage to inspect: an error under the box, then a real inspection.
    browser
        .paste("#inspect-input", "this is not a certificate")
        .await;
    browser.click("#inspect-run").await;
    let error = browser.text("#inspect-input-error").await;
    assert!(error.contains("no PEM block found"), "{error}");
    browser.paste("#inspect-input", &ca_pem).await;
    browser.paste("#inspect-ca", &ca_pem).await;
    browser.click("#inspect-run").await;
    assert_eq!(
        browser.text("#inspect-item-0-subject").await,
        "/C=CN/O=IoTDA Kit Test/CN=IoTDA Kit Test CA"
    );
    assert_eq!(
        browser.text("#inspect-item-0-signed-by").await,
        "Signed by the given CA: yes"
    );

    // Import the CA with the key of another (the device's): a specific
    // error next to the key; with the right key, the CA is accepted.
    browser.fill("#device-cn", "node-x").await;
    browser.click("#device-create").await;
    let device_key = browser.download_text("#device-download-key").await;
    browser.click("#ca-mode-import").await;
    browser.paste("#ca-cert", &ca_pem).await;
    browser.paste("#ca-key", &device_key).await;
    // A CA is held: replacing it is asked first; keeping it changes nothing.
    browser.click("#ca-import").await;
    let warning = browser.text("#ca-replace-warning").await;
    assert!(warning.contains("this replaces it"), "{warning}");
    browser.click("#ca-replace-keep").await;
    assert!(browser
        .client
        .find(Locator::Css("#ca-replace-warning"))
        .await
        .is_err());
    assert_eq!(
        browser.text("#ca-subject").await,
        "/C=CN/O=IoTDA Kit Test/CN=IoTDA Kit Test CA"
    );
    browser.click("#ca-import").await;
    browser.click("#ca-replace-confirm").await;
    let error = browser.text("#ca-key-error").await;
    assert!(
        error.contains("does not belong to the CA certificate"),
        "{error}"
    );
    browser
        .paste("#ca-cert", "-----BEGIN CERTIFICATE-----\nAAAA")
        .await;
    browser.paste("#ca-key", &ca_key).await;
    browser.click("#ca-import").await;
    let error = browser.text("#ca-cert-error").await;
    assert!(error.contains("-----END CERTIFICATE-----"), "{error}");
    browser.paste("#ca-cert", &ca_pem).await;
    browser.click("#ca-import").await;
    browser.wait_for("#ca-result").await;
    assert!(browser
        .client
        .find(Locator::Css("#ca-key-error"))
        .await
        .is_err());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_page_batch_of_100_shows_progress_stays_responsive_and_zips() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    certificates_page_with_ca(&browser, addr).await;
    let ids: String = (1..=100).map(|i| format!("node-{i:04}\n")).collect();
    browser.paste("#batch-ids", &ids).await;
    // P-256 keys, made in milliseconds: the default RSA 2048 keys take
    // WebCrypto a tenth of a second each, more on a loaded machine.
    browser.select("#batch-key-type", "p256").await;

    // Record every value the progress bar takes. The first time it shows
    // a value strictly between 0 and the end, type into another input (the
    // main thread is free while the worker is mid-batch) and, in the next
    // task, check the page re-rendered what was typed.
    browser
        .client
        .execute(
            r#"const log = window.__batch = { values: [], probe: null };
               new MutationObserver(() => {
                 const bar = document.getElementById('batch-progress');
                 if (!bar) return;
                 const value = Number(bar.value), max = Number(bar.max);
                 log.values.push([value, max]);
                 if (value > 0 && value < max && !log.probe) {
                   log.probe = { at: value, max };
                   const input = document.getElementById('device-cn');
                   input.value = 'probe-' + value;
                   input.dispatchEvent(new Event('input', { bubbles: true }));
                   setTimeout(() => {
                     log.probe.reflected = document.getElementById('device-openssl')
                       .textContent.includes('/CN=probe-' + value);
                   }, 0);
                 }
               }).observe(document.getElementById('batch-card'),
                          { subtree: true, childList: true, attributes: true });"#,
            vec![],
        )
        .await
        .expect("install the observer");
    browser.click("#batch-generate").await;
    browser.wait_for("#batch-download-zip").await;
    assert_eq!(browser.text("#batch-count").await, "100 of 100");

    let log = browser
        .client
        .execute("return window.__batch;", vec![])
        .await
        .expect("read the log");
    let values: Vec<(f64, f64)> =
        serde_json::from_value(log["values"].clone()).expect("progress values");
    assert!(
        values
            .iter()
            .any(|&(v, m)| m == 100.0 && v > 0.0 && v < 100.0),
        "no intermediate progress in {values:?}"
    );
    assert!(values.iter().all(|&(_, m)| m == 100.0), "{values:?}");
    let probe = &log["probe"];
    assert_eq!(probe["max"], 100, "{log}");
    assert_eq!(
        probe["reflected"], true,
        "typing mid-batch was not rendered: {log}"
    );

    let dir = iotda_testkit::Scratch::new("e2e-batch");
    std::fs::write(
        dir.join("devices.zip"),
        browser.download("#batch-download-zip").await,
    )
    .expect("save the zip");
    std::fs::write(
        dir.join("rootCA.pem"),
        browser.download("#ca-download-cert").await,
    )
    .expect("save the CA");
    let csv = browser.download_text("#batch-download-csv").await;
    let unzip = |args: &[&str]| {
        let out = std::process::Command::new("unzip")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run unzip");
        assert!(
            out.status.success(),
            "unzip {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("text")
    };
    unzip(&["-tq", "devices.zip"]);
    let zipped_csv = unzip(&["-p", "devices.zip", "fingerprints.csv"]);
    assert_eq!(zipped_csv.lines().count(), 101);
    assert_eq!(zipped_csv, csv);
    assert_eq!(zipped_csv.lines().next(), Some("node_id,fingerprint"));
    unzip(&["-q", "devices.zip", "node-0042/*"]);
    let verified = openssl(
        dir.path(),
        &[
            "verify",
            "-CAfile",
            "rootCA.pem",
            "node-0042/deviceCert.pem",
        ],
    );
    assert_eq!(verified, "node-0042/deviceCert.pem: OK\n");
    let fingerprint = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "node-0042/deviceCert.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let fingerprint = fingerprint
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .replace(':', "");
    assert!(
        csv.lines().any(|l| l == format!("node-0042,{fingerprint}")),
        "{fingerprint} not in the csv"
    );
    let from_cert = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "node-0042/deviceCert.pem",
            "-noout",
            "-pubkey",
        ],
    );
    let from_key = openssl(
        dir.path(),
        &["pkey", "-in", "node-0042/deviceCert.key", "-pubout"],
    );
    assert_eq!(from_cert, from_key);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_page_cancels_a_batch_and_carries_on() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    certificates_page_with_ca(&browser, addr).await;
    let ids: String = (1..=50).map(|i| format!("slow-{i}\n")).collect();
    browser.paste("#batch-ids", &ids).await;
    browser
        .wait_for("#batch-key-type")
        .await
        .select_by_value("rsa4096")
        .await
        .expect("choose RSA 4096");
    browser.click("#batch-generate").await;
    assert_eq!(
        browser.wait_for_text("#batch-count", "0 of 50").await,
        "0 of 50"
    );
    browser.click("#batch-cancel").await;
    assert_eq!(
        browser.wait_for_text("#batch-status", "Cancelled.").await,
        "Cancelled."
    );
    assert!(browser
        .client
        .find(Locator::Css("#batch-progress"))
        .await
        .is_err());
    assert!(browser
        .client
        .find(Locator::Css("#batch-download-zip"))
        .await
        .is_err());
    // A fresh worker takes the next job, with the CA the page still holds.
    browser.fill("#device-cn", "after-cancel").await;
    browser.click("#device-create").await;
    browser.wait_for("#device-download-cert").await;
    assert_eq!(browser.text("#device-subject").await, "/CN=after-cancel");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_top_bar_is_one_row_on_a_1280_px_screen_in_both_languages() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 800).await;
    browser.goto(&format!("http://{addr}/console")).await;
    browser.wait_for("#theme").await;
    // The vertical centres of the brand and of the last control, in px.
    let rows = "const mid = e => { const r = document.querySelector(e).getBoundingClientRect(); \
                return Math.round(r.top + r.height / 2); }; \
                return [mid('.brand'), mid('#theme'), mid('.tagline')];";
    for lang in ["en", "zh-CN"] {
        browser.select("#lang", lang).await;
        browser.wait_for(&format!("html[lang='{lang}']")).await;
        let mids = browser.run(rows).await;
        let mids: Vec<i64> = mids
            .as_array()
            .expect("three numbers")
            .iter()
            .map(|v| v.as_i64().expect("a number"))
            .collect();
        assert!(
            mids.iter().all(|m| (m - mids[0]).abs() < 16),
            "{lang}: the top bar wraps (brand, theme, tagline at {mids:?})"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_theme_switch_overrides_the_system_and_is_remembered() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1000, 800).await;
    browser.goto(&format!("http://{addr}/")).await;
    browser.wait_for("#theme").await;
    let background = "return getComputedStyle(document.body).backgroundColor;";
    let read = || async {
        browser
            .client
            .execute(background, vec![])
            .await
            .expect("read the background")
    };
    // Headless Chromium's system theme is light.
    assert_eq!(read().await, "rgb(245, 246, 248)");
    browser.select("#theme", "dark").await;
    browser.wait_for("html[data-theme='dark']").await;
    assert_eq!(read().await, "rgb(20, 23, 29)");
    browser.client.refresh().await.expect("reload");
    browser.wait_for("html[data-theme='dark']").await;
    assert_eq!(read().await, "rgb(20, 23, 29)");
    assert_eq!(browser.value("#theme").await, "dark");
    browser.select("#theme", "system").await;
    browser.wait_for("html:not([data-theme])").await;
    assert_eq!(read().await, "rgb(245, 246, 248)");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shortcuts_are_listed_on_question_mark_but_not_while_typing() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1000, 800).await;
    browser.goto(&format!("http://{addr}/")).await;
    browser.wait_for("#device-id").await;
    let is_open = "return document.querySelector('#shortcuts').open;";
    // A "?" typed in a field is text.
    browser.fill("#device-id", "a?").await;
    assert_eq!(browser.value("#device-id").await, "a?");
    assert_eq!(
        browser.client.execute(is_open, vec![]).await.expect("ask"),
        false
    );
    // Anywhere else it opens the list.
    browser
        .client
        .execute(
            "document.activeElement.blur();
             document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));",
            vec![],
        )
        .await
        .expect("press ?");
    assert_eq!(
        browser.client.execute(is_open, vec![]).await.expect("ask"),
        true
    );
    let list = browser.text("#shortcuts").await;
    assert!(list.contains("Ctrl+Enter"), "{list}");
    browser.click("#shortcuts-close").await;
    assert_eq!(
        browser.client.execute(is_open, vec![]).await.expect("ask"),
        false
    );
    // The top bar's button opens it too.
    browser.click("#shortcuts-open").await;
    assert_eq!(
        browser.client.execute(is_open, vec![]).await.expect("ask"),
        true
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_connection_page_switches_to_chinese_and_stays_so() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1400).await;
    browser.goto(&format!("http://{addr}/")).await;
    assert_eq!(browser.text("#device-heading").await, "Device");
    browser.select("#lang", "zh-CN").await;
    browser.wait_for("html[lang='zh-CN']").await;
    assert_eq!(browser.text("#device-heading").await, "设备");
    assert_eq!(browser.text("label[for='device-id']").await, "设备 ID");
    assert_eq!(browser.text("#credentials-heading").await, "MQTT 连接参数");
    assert_eq!(browser.text("a.navlink[href='/connect']").await, "连接信息");
    // A check of what was typed is said in Chinese, with what it found.
    browser.fill("#device-id", "5f8d node1").await;
    let error = browser
        .wait_text("#device-id-error", |t| t.contains("设备 ID"))
        .await;
    assert!(
        error.contains("设备 ID") && error.contains("' '") && error.contains('5'),
        "{error}"
    );
    // The page still works in Chinese: credentials as IoTDA computes them.
    browser.fill("#device-id", "5f8d_node1").await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#timestamp", "2025041401").await;
    assert_eq!(
        browser.wait_for_text("#password", VECTOR_PASSWORD).await,
        VECTOR_PASSWORD
    );
    browser.screenshot("connect-zh").await;
    // The Model page too.
    browser.click("a.navlink[href='/model']").await;
    assert_eq!(browser.text("#model-import").await, "产品模型");
    assert_eq!(browser.text("#model-add-service").await, "添加服务");
    browser.screenshot("model-zh").await;
    // The Certificates page, and its work, in Chinese.
    browser.click("a.navlink[href='/certificates']").await;
    assert_eq!(browser.text("#ca-heading").await, "1. 设备 CA 证书");
    assert_eq!(browser.text("#ca-create").await, "创建 CA");
    assert_eq!(browser.text("label[for='ca-cn']").await, "通用名称（CN）");
    browser.fill("#ca-cn", "Kit Root").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-result").await;
    assert_eq!(browser.text("#ca-summary dt").await, "主题（Subject）");
    assert!(browser.text("#ca-summary").await.contains("CA 证书"));
    browser.screenshot("certificates-zh").await;
    // And the Console.
    browser.click("a.navlink[href='/console']").await;
    assert_eq!(browser.text("#console-subscriptions").await, "订阅");
    assert_eq!(browser.text("#console-connect").await, "连接");
    assert_eq!(browser.text("#console-status").await, "未连接");
    let simulator = browser
        .wait_text("#sim-title", |t| t.contains("5f8d_node1"))
        .await;
    assert_eq!(simulator, "设备模拟器: 5f8d_node1");
    assert_eq!(browser.text("#sim-valid").await, "符合产品模型。");
    browser.screenshot("console-zh").await;
    // And Profiles: saved and said in Chinese.
    browser.click("a.navlink[href='/profiles']").await;
    assert_eq!(browser.text("#profile-save-heading").await, "保存当前工作");
    browser.fill("#profile-name", "实验室").await;
    browser.click("#profile-save").await;
    assert_eq!(
        browser
            .wait_for_text("#profile-notice", "已保存：实验室")
            .await,
        "已保存：实验室"
    );
    browser.screenshot("profiles-zh").await;
    browser.click("a.navlink[href='/connect']").await;
    // Remembered across a reload, and switched back.
    browser.client.refresh().await.expect("reload");
    assert_eq!(browser.text("#device-heading").await, "设备");
    assert_eq!(browser.value("#lang").await, "zh-CN");
    browser.select("#lang", "en").await;
    browser.wait_for("html[lang='en']").await;
    assert_eq!(browser.text("#device-heading").await, "Device");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_390_px_phone() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.phone_session(390, 844).await;
    let mut wide = Vec::new();
    for page in [
        "connect",
        "certificates",
        "model",
        "console",
        "profiles",
        "guide",
    ] {
        browser.goto(&format!("http://{addr}/{page}")).await;
        browser.wait_for("main .card").await;
        let widths = browser
            .client
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await
            .expect("measure the page");
        assert_eq!(widths[0], 390, "the phone's width");
        if widths[1].as_u64() > Some(390) {
            wide.push(format!("{page}: {} px wide", widths[1]));
        }
        browser.screenshot(&format!("{page}-390")).await;
    }
    assert!(wide.is_empty(), "{wide:?}");
    browser.close().await;
}
