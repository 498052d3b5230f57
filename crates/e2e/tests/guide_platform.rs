//! The Guide on the local platform: a real `iotda-kit platform` (free
//! ports, its own mosquitto) serves the page; the Guide's target is the
//! local platform, and each step's check turns done as the Platform and
//! Certificates pages change the platform's state: a product with the
//! Model page's model, the CA uploaded, then verified, the device
//! certificate made, the device registered by its fingerprint. The one
//! command the Guide names (`iotda-kit simulate` over MQTTS with the
//! device certificate, the platform's port and CA file filled in) is run
//! as shown, and the Guide sees the device online and its data received
//! live (the platform's event stream; no reload). Then axe-core in both
//! languages and themes (screenshots `guide-platform-{en|zh}-{theme}.png`),
//! and the target kept across a reload.
//!
//! The test binary is also the `iotda-kit` command (`harness = false`; see
//! `iotda_kit_e2e::platform`).

use std::path::Path;
use std::process::{ExitCode, Stdio};

use iotda_kit_e2e::platform::{
    axe_core, create_product, every_look, kit, test_main, Onboarding, Running,
};
use iotda_kit_e2e::Browser;

const DONE: &str = "✓ Ready";
const TODO: &str = "○ Not yet";

fn main() -> ExitCode {
    test_main(
        "the_guide_follows_the_onboarding_on_the_local_platform",
        the_guide_follows_the_onboarding_on_the_local_platform(),
    )
}

/// Opens the Guide through the navigation (a reload would lose the CA's
/// key held in the tab) and waits until its steps are shown.
async fn open_guide(browser: &Browser) {
    browser.click("nav a[href='/guide']").await;
    browser.wait_for("#guide-report-status").await;
}

/// Opens a page through the navigation.
async fn open(browser: &Browser, path: &str) {
    browser.click(&format!("nav a[href='{path}']")).await;
}

/// Waits until step `step`'s verdict is `want`.
async fn expect_step(browser: &Browser, step: &str, want: &str) {
    let css = format!("#guide-{step}-status");
    assert_eq!(browser.wait_for_text(&css, want).await, want, "{step}");
}

/// The verdicts of every step, in order.
async fn verdicts(browser: &Browser) -> Vec<String> {
    let mut all = Vec::new();
    for step in [
        "access",
        "product",
        "ca",
        "verification",
        "device",
        "register",
        "connect",
        "report",
    ] {
        all.push(browser.text(&format!("#guide-{step}-status")).await);
    }
    all
}

/// The words of a POSIX shell line (plain words and `'...'`, as the
/// Guide's commands quote).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, any) = (!quoted, true),
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// Runs the Guide's command `line` (`iotda-kit ...`) in `dir`.
fn run_in(dir: &Path, line: &str) -> Running {
    let words = words(line);
    assert_eq!(words[0], "iotda-kit", "{line}");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    Running::spawn(kit(&args).current_dir(dir).stdout(Stdio::null()))
}

async fn the_guide_follows_the_onboarding_on_the_local_platform() {
    // The Model page's model and the CA, on the Certificates page; from
    // here on the page is never reloaded, so that the CA's key stays in
    // the tab.
    let onboarding = Onboarding::start("e2e-guide-platform").await;
    let (browser, platform) = (&onboarding.browser, &onboarding.platform);

    // The local platform served the page: it is offered; chosen.
    open_guide(browser).await;
    browser.click("#guide-target-local").await;
    browser.wait_for("#guide-local-intro").await;
    expect_step(browser, "access", DONE).await;
    assert_eq!(
        browser.text("#guide-access-platform_ca").await,
        platform.ca,
        "the platform CA's file"
    );
    let ports = browser.text("#guide-access-ports").await;
    assert!(
        ports.starts_with(&format!("MQTTS {} ", platform.mqtts_port)),
        "{ports}"
    );
    assert_eq!(
        verdicts(browser).await[1..],
        [TODO, TODO, TODO, TODO, TODO, TODO, TODO],
        "nothing on the platform yet, no device certificate"
    );
    let notes = browser.text("#guide-ca .guide-notes").await;
    assert!(
        notes.contains("No device CA on the local platform"),
        "{notes}"
    );
    // Its links lead to the Platform page.
    browser.click("#guide-product a[href='/platform']").await;

    // A product with the Model page's model.
    create_product(browser, "Meter", "meter").await;
    open_guide(browser).await;
    expect_step(browser, "product", DONE).await;
    assert_eq!(browser.text("#guide-product-product").await, "meter");
    assert_eq!(browser.text("#guide-product-services").await, "1");
    assert_eq!(browser.text("#guide-ca-status").await, TODO);

    // The CA uploaded: the step is done, the verification not yet.
    open(browser, "/platform").await;
    browser.click("#platform-ca-upload").await;
    let code = browser
        .wait_text(".platform-ca-code", |t| t.len() == 32)
        .await;
    open_guide(browser).await;
    expect_step(browser, "ca", DONE).await;
    assert_eq!(browser.text("#guide-ca-code").await, code);
    assert_eq!(browser.text("#guide-verification-status").await, TODO);
    let notes = browser.text("#guide-verification .guide-notes").await;
    assert!(notes.contains("not verified"), "{notes}");

    // Verified with a certificate made with the code by the CA's key.
    open(browser, "/platform").await;
    browser.click(".platform-ca-verify").await;
    browser
        .wait_text(".platform-ca-status", |t| t == "Verified")
        .await;
    open_guide(browser).await;
    expect_step(browser, "verification", DONE).await;
    assert_eq!(browser.text("#guide-device-status").await, TODO);

    // The device certificate, on the Certificates page.
    let fingerprint = onboarding.device_certificate("n1").await;
    open_guide(browser).await;
    expect_step(browser, "device", DONE).await;
    assert_eq!(browser.text("#guide-register-status").await, TODO);

    // Registered by its fingerprint on the Platform page.
    open(browser, "/platform").await;
    browser.fill("#platform-device-node", "n1").await;
    browser.click("#platform-use-device-cert").await;
    browser.click("#platform-device-add").await;
    browser.wait_for("#platform-open-meter_n1").await;
    open_guide(browser).await;
    expect_step(browser, "register", DONE).await;
    assert_eq!(browser.text("#guide-register-device_id").await, "meter_n1");
    assert_eq!(
        browser.text("#guide-register-fingerprint").await,
        fingerprint
    );
    assert_eq!(
        browser.text("#guide-connect-platform_status").await,
        "INACTIVE"
    );
    assert_eq!(
        verdicts(browser).await[6..],
        [TODO, TODO],
        "not connected, no data"
    );

    // The one command, with the platform's host, port and CA file, run as
    // shown: online and data received, live.
    let line = browser.text("#guide-connect-simulate").await;
    assert_eq!(
        line,
        format!(
            "iotda-kit simulate --host 127.0.0.1 --port {} --ca {} --device-id meter_n1 \
             --cert deviceCert.pem --key deviceCert.key --model model.json",
            platform.mqtts_port, platform.ca
        )
    );
    let device = run_in(onboarding.dir.path(), &line);
    expect_step(browser, "connect", DONE).await;
    assert_eq!(
        browser.text("#guide-connect-platform_status").await,
        "ONLINE"
    );
    expect_step(browser, "report", DONE).await;
    assert!(!browser.text("#guide-report-last_report").await.is_empty());
    assert_eq!(verdicts(browser).await, [DONE; 8]);

    let axe = axe_core();
    let found = every_look(
        browser,
        &axe,
        "#guide-local-intro",
        "guide",
        Some("guide-platform"),
    )
    .await;
    assert!(found.is_empty(), "axe-core: {found:#?}");

    // Stopped: the Guide says the device is offline.
    drop(device);
    expect_step(browser, "connect", "⚠ Check this").await;

    // The target is kept across a reload.
    browser.goto(&format!("{}/guide", platform.http)).await;
    browser.wait_for("#guide-local-intro").await;
    assert_eq!(browser.prop("#guide-target-local", "checked").await, "true");
    onboarding.browser.close().await;
    drop(onboarding.platform.run);
}
