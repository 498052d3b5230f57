//! Named device profiles in headless Chromium: a profile saved with its CA
//! and device keys and the Console's settings, exported, the browser's
//! storage cleared, imported and switched to brings the Connection form,
//! the certificates and the Console's settings back; its keys, unlocked
//! with the passphrase (a wrong one is refused), sign a new device
//! certificate that OpenSSL verifies against the CA and go into a PKCS#12
//! file OpenSSL opens; the stored keys are encrypted PKCS#8 that OpenSSL
//! opens with the passphrase; "Forget everything" leaves no key of the app
//! in `localStorage`.

use iotda_kit_e2e::{serve_dist, Browser, Chromedriver};
use iotda_testkit::Scratch;
use serde_json::Value;

const HOST: &str = "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com";
const PASSPHRASE: &str = "correct horse battery";

/// The profiles as the workspace in `localStorage` holds them (JSON text).
async fn raw_profiles(browser: &Browser) -> String {
    browser
        .run(
            "const w = JSON.parse(localStorage.getItem('iotda-kit.workspace.v2') || '{}');
             return JSON.stringify(w.profiles || null);",
        )
        .await
        .as_str()
        .expect("a string")
        .to_owned()
}

/// The keys of this app in `localStorage`.
async fn app_keys(browser: &Browser) -> Vec<String> {
    let keys = browser
        .run("return Object.keys(localStorage).filter(k => k.startsWith('iotda-kit.'));")
        .await;
    serde_json::from_value(keys).expect("a list of keys")
}

fn openssl(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl (apt-get install openssl)")
}

fn openssl_ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = openssl(dir, args);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("openssl prints text")
}

/// Checks that no unencrypted private key is in any `localStorage` value:
/// no PEM label `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC
/// PRIVATE KEY` (SEC 1), nor any other `... PRIVATE KEY` but `ENCRYPTED
/// PRIVATE KEY`.
async fn assert_no_plain_key_stored(browser: &Browser) {
    let storage = browser
        .run("return Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]);")
        .await;
    let storage: Vec<(String, String)> =
        serde_json::from_value(storage).expect("the storage's keys and values");
    assert!(!storage.is_empty(), "the app stored nothing");
    for (key, value) in &storage {
        for plain in [
            "BEGIN PRIVATE KEY",
            "BEGIN RSA PRIVATE KEY",
            "BEGIN EC PRIVATE KEY",
        ] {
            assert!(!value.contains(plain), "{plain} stored under {key}");
        }
        let left = value.replace("ENCRYPTED PRIVATE KEY", "");
        assert!(
            !left.contains("PRIVATE KEY"),
            "an unencrypted private key stored under {key}"
        );
    }
}

/// What `script` returns once it returns `want` (polled for up to 20 s:
/// the simulator saves its settings through its worker).
async fn wait_script(browser: &Browser, script: &str, want: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let value = browser.run(script).await;
        if value == want || std::time::Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The WebDriver key code of Enter.
const ENTER: &str = "\u{E007}";

/// Writes `pem` to `dir/name` and checks with `openssl verify` that the CA
/// in `dir/rootCA.pem` issued it.
fn assert_signed_by_ca(dir: &std::path::Path, name: &str, pem: &str) {
    std::fs::write(dir.join(name), pem).expect("write the certificate");
    assert_eq!(
        openssl_ok(dir, &["verify", "-CAfile", "rootCA.pem", name]),
        format!("{name}: OK\n")
    );
}

/// Chooses the file at `path` in the file input `css`.
async fn choose_file(browser: &Browser, css: &str, path: &std::path::Path) {
    browser
        .wait_for(css)
        .await
        .send_keys(&path.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("choose {} in {css}: {e}", path.display()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_exported_forgotten_and_imported_comes_back_and_its_keys_unlock() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    let dir = Scratch::new("e2e-profiles");

    // Some work: a device, and a CA made on the Certificates page.
    browser.goto(&format!("http://{addr}/connect")).await;
    browser.fill("#device-id", "p_node1").await;
    browser.fill("#secret", "12345678").await;
    browser.fill("#host", HOST).await;
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#ca-cn", "Profile Test CA").await;
    browser.click("#ca-create").await;
    let ca_pem = browser.download_text("#ca-download-cert").await;
    browser.fill("#device-cn", "node1").await;
    browser.click("#device-create").await;
    let device_pem = browser.download_text("#device-download-cert").await;
    // The CA and device keys are held in the tab, never stored.
    assert_no_plain_key_stored(&browser).await;

    // The Console's settings: a broker, a subscription, the simulator's
    // reporting interval.
    browser.click("nav a[href='/console']").await;
    browser.fill("#console-host", "broker.lab.example").await;
    browser.fill("#console-port", "8084").await;
    browser.fill("#console-new-filter", "lab/#").await;
    browser.click("#console-add-sub").await;
    browser
        .wait_for("#console-sub-list .sub-row[data-filter='lab/#']")
        .await;
    browser.fill("#sim-interval", "17").await;
    let interval = wait_script(
        &browser,
        "return ((JSON.parse(localStorage.getItem('iotda-kit.workspace.v2') || '{}').simulator) || {}).interval;",
        "17",
    )
    .await;
    assert_eq!(interval, "17", "the simulator saved its interval");

    // Saved as a profile with both keys, encrypted.
    browser.click("nav a[href='/profiles']").await;
    browser.fill("#profile-name", "lab").await;
    browser.click("#profile-include-ca-key").await;
    browser.click("#profile-include-device-key").await;
    browser.fill("#profile-passphrase", "too short").await;
    browser.fill("#profile-passphrase-again", "too shorT").await;
    browser.click("#profile-save").await;
    assert_eq!(
        browser.text("#profile-save-error").await,
        "The two passphrases differ."
    );
    browser.fill("#profile-passphrase", PASSPHRASE).await;
    browser.fill("#profile-passphrase-again", PASSPHRASE).await;
    browser.click("#profile-save").await;
    browser.wait_for_text("#profile-notice", "Saved: lab").await;
    assert_eq!(
        browser.text("#profile-0-kept").await,
        "CA key (encrypted), device key (encrypted)"
    );

    // The stored key, read raw from the browser's storage, is encrypted
    // PKCS#8 that OpenSSL opens with the passphrase, and it is the CA's.
    let raw = raw_profiles(&browser).await;
    assert!(
        raw.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{raw}"
    );
    for plain in ["BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY", "12345678"] {
        assert!(!raw.contains(plain), "{plain} stored in clear: {raw}");
    }
    let stored: Value = serde_json::from_str(&raw).expect("the store is JSON");
    let profile = &stored["profiles"][0];
    assert_eq!(profile["issued"]["ca"]["cert_pem"], ca_pem.as_str());
    let console = &profile["console"];
    assert_eq!(console["form"]["host"], "broker.lab.example");
    assert_eq!(console["form"]["port"], "8084");
    assert_eq!(console["form"].get("password"), None, "never the password");
    assert!(
        console["subscriptions"]
            .as_array()
            .expect("subscriptions")
            .iter()
            .any(|row| row["filter"] == "lab/#"),
        "{console}"
    );
    assert_eq!(profile["simulator"]["interval"], "17");
    let key = profile["ca_key"].as_str().expect("the CA key is kept");
    std::fs::write(dir.join("ca.key"), key).expect("write the key");
    std::fs::write(dir.join("rootCA.pem"), &ca_pem).expect("write the certificate");
    let from_key = openssl_ok(
        dir.path(),
        &[
            "pkey",
            "-in",
            "ca.key",
            "-passin",
            &format!("pass:{PASSPHRASE}"),
            "-pubout",
        ],
    );
    let from_cert = openssl_ok(
        dir.path(),
        &["x509", "-in", "rootCA.pem", "-noout", "-pubkey"],
    );
    assert_eq!(from_key, from_cert, "the stored key is the CA's");
    // The device key, offered as a file, still encrypted, is the device's.
    let device_key = browser.download_text("#profile-0-device-key").await;
    assert_eq!(Some(device_key.as_str()), profile["device_key"].as_str());
    assert!(device_key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    std::fs::write(dir.join("device.key"), &device_key).expect("write the key");
    std::fs::write(dir.join("deviceCert.pem"), &device_pem).expect("write the certificate");
    assert_eq!(
        openssl_ok(
            dir.path(),
            &[
                "pkey",
                "-in",
                "device.key",
                "-passin",
                &format!("pass:{PASSPHRASE}"),
                "-pubout",
            ],
        ),
        openssl_ok(
            dir.path(),
            &["x509", "-in", "deviceCert.pem", "-noout", "-pubkey"],
        ),
        "the stored device key is the device's"
    );
    let wrong = openssl(
        dir.path(),
        &["pkey", "-in", "ca.key", "-passin", "pass:wrong passphrase"],
    );
    assert!(!wrong.status.success(), "a wrong passphrase opens nothing");

    // Exported, the storage cleared, imported: the same profile.
    let exported = browser.download_text("#profile-0-export").await;
    assert_eq!(
        browser.attr("#profile-0-export", "download").await,
        "profile-lab.json"
    );
    let file: Value = serde_json::from_str(&exported).expect("the export is JSON");
    assert_eq!(file["format"], "iotda-kit-profiles");
    assert_eq!(file["version"], 1);
    assert_eq!(file["profiles"][0], *profile);
    std::fs::write(dir.join("profile-lab.json"), &exported).expect("write the export");

    browser.run("localStorage.clear();").await;
    browser.client.refresh().await.expect("reload");
    browser.wait_for("#profiles-none").await;
    choose_file(
        &browser,
        "#profile-import-file",
        &dir.join("profile-lab.json"),
    )
    .await;
    browser
        .wait_for_text("#profile-notice", "Imported: lab")
        .await;
    browser.click("#profile-0-use").await;
    let notice = browser
        .wait_text("#profile-notice", |t| t.starts_with("Switched to: lab."))
        .await;
    assert!(notice.starts_with("Switched to: lab."), "{notice}");

    // Its keys wait for their passphrase: a wrong one is said under the
    // field, which keeps what was typed; the right one, entered with the
    // keyboard, unlocks them.
    browser
        .fill("#profile-unlock-passphrase", "wrong horse battery")
        .await;
    browser.click("#profile-unlock").await;
    let error = browser
        .wait_text("#profile-unlock-passphrase-error", |t| !t.is_empty())
        .await;
    assert_eq!(
        error,
        "Wrong passphrase: it does not decrypt the kept keys. Check it and try again."
    );
    assert_eq!(
        browser.value("#profile-unlock-passphrase").await,
        "wrong horse battery"
    );
    browser.fill("#profile-unlock-passphrase", PASSPHRASE).await;
    browser
        .wait_for("#profile-unlock-passphrase")
        .await
        .send_keys(ENTER)
        .await
        .expect("press Enter");
    let notice = browser
        .wait_text("#profile-notice", |t| t.starts_with("Keys unlocked"))
        .await;
    assert_eq!(notice, "Keys unlocked for the Certificates page: lab");
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#profile-unlock-card"))
            .await
            .is_err(),
        "nothing is left to unlock"
    );
    assert_no_plain_key_stored(&browser).await;

    // Every page shows the profile's work again.
    browser.click("nav a[href='/connect']").await;
    assert_eq!(browser.value("#device-id").await, "p_node1");
    assert_eq!(browser.value("#host").await, HOST);
    assert_eq!(
        browser.value("#secret").await,
        "",
        "the secret was not kept"
    );
    browser.click("nav a[href='/certificates']").await;
    assert_eq!(browser.text("#ca-subject").await, "/CN=Profile Test CA");
    assert_eq!(browser.value("#ca-cert").await, ca_pem);
    assert_eq!(browser.value("#ca-key").await, key);
    assert_eq!(browser.text("#device-subject").await, "/CN=node1");

    // The unlocked device key goes into a PKCS#12 file that OpenSSL opens:
    // its key is the device certificate's.
    browser.fill("#p12-password", "p12 password").await;
    browser.click("#p12-create").await;
    let p12 = browser.download("#p12-download").await;
    std::fs::write(dir.join("deviceCert.p12"), p12).expect("write the p12");
    openssl_ok(
        dir.path(),
        &[
            "pkcs12",
            "-in",
            "deviceCert.p12",
            "-passin",
            "pass:p12 password",
            "-nocerts",
            "-nodes",
            "-out",
            "p12.key",
        ],
    );
    assert_eq!(
        openssl_ok(dir.path(), &["pkey", "-in", "p12.key", "-pubout"]),
        openssl_ok(
            dir.path(),
            &["x509", "-in", "deviceCert.pem", "-noout", "-pubkey"],
        ),
        "the PKCS#12 holds the device's key"
    );

    // The unlocked CA signs again: a verification certificate and another
    // device certificate, both verified by OpenSSL against the CA.
    browser.fill("#verification-code", "0123456789abcdef").await;
    browser.click("#verification-create").await;
    let verification = browser.download_text("#verification-download-cert").await;
    assert_signed_by_ca(dir.path(), "verificationCert.pem", &verification);
    browser.fill("#device-cn", "node2").await;
    browser.click("#device-create").await;
    browser.wait_for_text("#device-subject", "/CN=node2").await;
    let node2 = browser.download_text("#device-download-cert").await;
    assert_ne!(node2, device_pem);
    assert_signed_by_ca(dir.path(), "node2.pem", &node2);

    // The Console opens with the profile's settings.
    browser.click("nav a[href='/console']").await;
    assert_eq!(browser.value("#console-host").await, "broker.lab.example");
    assert_eq!(browser.value("#console-port").await, "8084");
    browser
        .wait_for("#console-sub-list .sub-row[data-filter='lab/#']")
        .await;
    assert_eq!(browser.value("#sim-interval").await, "17");
    assert_no_plain_key_stored(&browser).await;

    // Work that no profile keeps is not lost silently: switching asks.
    browser.click("nav a[href='/connect']").await;
    browser.fill("#device-id", "p_node2").await;
    browser.click("nav a[href='/profiles']").await;
    browser.click("#profile-0-use").await;
    let question = browser.text("#profile-confirm").await;
    assert!(question.contains("not kept in any profile"), "{question}");
    browser.click("#profile-confirm-no").await;
    browser.click("nav a[href='/connect']").await;
    assert_eq!(browser.value("#device-id").await, "p_node2");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_files_are_refused_and_forget_everything_leaves_no_key() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    let dir = Scratch::new("e2e-profiles-forget");

    browser.goto(&format!("http://{addr}/connect")).await;
    browser.fill("#device-id", "p_node1").await;
    browser.fill("#secret", "12345678").await;
    browser.click("nav a[href='/model']").await;
    browser.wait_for("#model-reset").await;
    browser.click("nav a[href='/profiles']").await;
    browser.fill("#profile-name", "lab").await;
    browser.click("#profile-include-secret").await;
    browser.click("#profile-save").await;
    browser.wait_for_text("#profile-notice", "Saved: lab").await;
    assert_eq!(browser.text("#profile-0-kept").await, "device secret");

    // Files that are not profiles say so, and change nothing.
    for (name, text, error) in [
        ("broken.json", "{\"format\": ", "The file is not JSON: "),
        (
            "model.json",
            "{\"services\": []}",
            "This is not a profiles file exported by IoTDA Kit.",
        ),
        (
            "future.json",
            "{\"format\": \"iotda-kit-profiles\", \"version\": 2, \"profiles\": []}",
            "This profiles file has a version this page cannot read (it reads version 1): 2",
        ),
        (
            "damaged.json",
            "{\"format\": \"iotda-kit-profiles\", \"version\": 1, \"profiles\": [{\"name\": \"x\"}]}",
            "The profiles file is damaged: missing field `connect`",
        ),
    ] {
        std::fs::write(dir.join(name), text).expect("write the file");
        choose_file(&browser, "#profile-import-file", &dir.join(name)).await;
        let shown = browser
            .wait_text("#profile-import-error", |t| t.starts_with(error))
            .await;
        assert!(shown.starts_with(error), "{name}: {shown}");
    }
    // Regression (issue 17, item 2): 780 KB of same-named profiles (the
    // file that hung the tab) is refused by its count.
    let one = r#"{"name":"lab","connect":{}}"#;
    let count = 780 * 1024 / (one.len() + 1);
    let many = format!(
        r#"{{"format":"iotda-kit-profiles","version":1,"profiles":[{}]}}"#,
        vec![one; count].join(",")
    );
    std::fs::write(dir.join("many.json"), many).expect("write the file");
    choose_file(&browser, "#profile-import-file", &dir.join("many.json")).await;
    let too_many = format!(
        "This page keeps at most 100 profiles, and the file holds more. Profiles in the file: {count}"
    );
    assert_eq!(
        browser
            .wait_for_text("#profile-import-error", &too_many)
            .await,
        too_many
    );
    assert_eq!(browser.text("#profile-0-name").await, "lab");
    assert!(browser
        .client
        .find(fantoccini::Locator::Css("#profile-1"))
        .await
        .is_err());

    // Forget everything: asked first, then no key of the app is left, and
    // a key of another app on the same origin is.
    browser
        .run("localStorage.setItem('another-app', 'kept');")
        .await;
    // The workspace and the language.
    assert!(app_keys(&browser).await.len() >= 2);
    browser.click("#profiles-forget").await;
    browser.wait_for("#profile-confirm").await;
    browser.click("#profile-confirm-yes").await;
    let notice = browser
        .wait_text("#profile-notice", |t| {
            t.starts_with("Everything is forgotten")
        })
        .await;
    assert!(notice.starts_with("Everything is forgotten"), "{notice}");
    assert_eq!(app_keys(&browser).await, Vec::<String>::new());
    assert_eq!(
        browser
            .run("return localStorage.getItem('another-app');")
            .await,
        "kept"
    );
    browser.wait_for("#profiles-none").await;
    // The tab's memory is cleared too: the secret typed before is gone.
    browser.click("nav a[href='/connect']").await;
    assert_eq!(browser.value("#device-id").await, "");
    assert_eq!(browser.value("#secret").await, "");
    browser.close().await;
}

/// Regression (issue 17, item 12): an imported profile is held to the
/// rules of a saved one. A file whose profile keeps its CA key
/// unencrypted is refused whole in one sentence (and nothing of it is
/// stored); a file whose certificate's subject and fingerprint were
/// edited shows what the certificate says, read again by the worker.
#[tokio::test(flavor = "multi_thread")]
async fn an_imported_profile_with_a_plain_key_is_refused_and_its_certificates_read_again() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;
    let dir = Scratch::new("e2e-profiles-import-rules");
    iotda_testkit::openssl_ca(dir.path(), "rootCA", "Real Root");
    let cert = std::fs::read_to_string(dir.join("rootCA.pem")).expect("the CA certificate");
    let key = std::fs::read_to_string(dir.join("rootCA.key")).expect("the CA key");
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
    let sha256 = openssl_ok(
        dir.path(),
        &[
            "x509",
            "-in",
            "rootCA.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    )
    .trim()
    .rsplit('=')
    .next()
    .expect("a fingerprint")
    .replace(':', "");
    let forged_view = serde_json::json!({
        "subject": "CN = Forged", "issuer": "CN = Forged", "serial": "01",
        "not_before": "2000-01-01T00:00:00Z", "not_after": "2099-01-01T00:00:00Z",
        "key": "ECDSA P-256", "signature_algorithm": "ecdsa-with-SHA256", "is_ca": true,
        "self_signed": true, "sha256": "00".repeat(32), "sha1": "00".repeat(20),
        "expired": false, "not_yet_valid": false, "expires_soon": false
    });
    let file = |profile: Value| {
        serde_json::json!({"format": "iotda-kit-profiles", "version": 1, "profiles": [profile]})
            .to_string()
    };

    browser.goto(&format!("http://{addr}/profiles")).await;
    let plain = file(serde_json::json!({
        "name": "plain", "connect": {"device_id": "p_node1"},
        "issued": {"ca": {"cert_pem": cert, "view": forged_view}},
        "ca_key": key,
    }));
    std::fs::write(dir.join("plain.json"), plain).expect("write the file");
    choose_file(&browser, "#profile-import-file", &dir.join("plain.json")).await;
    let refused = "Profile “plain” holds an unencrypted CA private key: a profile may keep \
        private keys only encrypted (ENCRYPTED PRIVATE KEY). Nothing was imported.";
    let shown = browser
        .wait_text("#profile-import-error", |t| t.starts_with(refused))
        .await;
    assert!(shown.starts_with(refused), "{shown}");
    browser.wait_for("#profiles-none").await;
    assert_no_plain_key_stored(&browser).await;

    let forged = file(serde_json::json!({
        "name": "forged", "connect": {"device_id": "p_node1"},
        "issued": {"ca": {"cert_pem": cert, "view": forged_view}},
    }));
    std::fs::write(dir.join("forged.json"), forged).expect("write the file");
    choose_file(&browser, "#profile-import-file", &dir.join("forged.json")).await;
    browser
        .wait_for_text("#profile-notice", "Imported: forged")
        .await;
    let row = browser.text("#profile-0").await;
    assert!(row.contains("Real Root") && row.contains(&sha256), "{row}");
    assert!(
        !row.contains("Forged") && !row.contains(&"00".repeat(32)),
        "{row}"
    );
    assert!(browser
        .client
        .find(fantoccini::Locator::Css("#profile-import-error"))
        .await
        .is_err());
    browser.close().await;
}
