//! The Platform page served by a real `iotda-kit platform` (on free ports,
//! with its own mosquitto): the whole X.509 onboarding in the browser plus
//! the CLI as the device.
//!
//! On the Certificates page a CA is made; the Platform page makes a
//! product with the Model page's model, uploads the CA, makes the
//! verification certificate with the code it shows and verifies it; the
//! Certificates page makes the device certificate; the Platform page
//! registers the device by its fingerprint in one click. `iotda-kit
//! simulate --auto-respond` connects with the certificate over MQTTS and
//! reports; the device-detail view shows its properties live; a command
//! from the page gets the device's answer. Then the device is stopped: a
//! command gets IoTDA.014016 (offline); a device that connects and does
//! not answer (`simulate` without `--auto-respond`) makes the command time out
//! with IoTDA.014111. The platform runs with `--command-timeout 3`
//! (IoTDA's is 20 s) so that the timeout comes in 3 s.
//!
//! The page and its device-detail view are checked with axe-core and
//! photographed in both languages and themes
//! (`platform-{en|zh}-{light|dark}.png`, `platform-device-...`).
//!
//! The test binary is also the `iotda-kit` command (a harness of its own,
//! `harness = false`; see `iotda_kit_e2e::platform`).

use std::path::Path;
use std::process::ExitCode;

use iotda_kit_e2e::platform::{
    axe_core, create_product, every_look, reported, send_control, send_unanswered, test_main,
    wait_status, Onboarding, Platform, Running,
};

fn main() -> ExitCode {
    test_main(
        "the_onboarding_on_the_platform_page",
        the_onboarding_on_the_platform_page(),
    )
}

/// `iotda-kit simulate` as the certificate device `meter_n1`, answering
/// commands or not.
fn device(platform: &Platform, dir: &Path, answer: bool) -> Running {
    let (cert, key) = (dir.join("deviceCert.pem"), dir.join("deviceCert.key"));
    let credentials = [
        "--cert",
        cert.to_str().expect("a UTF-8 path"),
        "--key",
        key.to_str().expect("a UTF-8 path"),
    ];
    platform.simulate("meter_n1", &credentials, &dir.join("model.json"), answer)
}

async fn the_onboarding_on_the_platform_page() {
    // The Model page's model (stored as the Model page keeps it) and the
    // CA, on the Certificates page; from here on the page is never
    // reloaded, so that the CA's key stays in the tab.
    let onboarding = Onboarding::start("e2e-platform-page").await;
    let (browser, platform, dir) = (&onboarding.browser, &onboarding.platform, &onboarding.dir);
    browser.click("nav a[href='/platform']").await;

    // A product with the Model page's model.
    let products = create_product(browser, "Meter", "meter").await;
    assert!(
        products.contains("meter") && products.contains("Battery"),
        "{products}"
    );

    // The CA uploaded, its code shown, verified with a certificate made
    // with that code by the CA's key.
    browser.click("#platform-ca-upload").await;
    let code = browser
        .wait_text(".platform-ca-code", |t| t.len() == 32)
        .await;
    assert!(code.chars().all(|c| c.is_ascii_hexdigit()), "{code:?}");
    assert_eq!(browser.text(".platform-ca-status").await, "Not verified");
    browser.click(".platform-ca-verify").await;
    let status = browser
        .wait_text(".platform-ca-status", |t| t == "Verified")
        .await;
    assert_eq!(status, "Verified");

    // The device certificate, and the device registered by its
    // fingerprint in one click.
    let fingerprint = onboarding.device_certificate("n1").await;
    browser.click("nav a[href='/platform']").await;
    browser.fill("#platform-device-node", "n1").await;
    browser.click("#platform-use-device-cert").await;
    assert_eq!(
        browser
            .value("#platform-device-fingerprint")
            .await
            .to_uppercase(),
        fingerprint.to_uppercase()
    );
    browser.click("#platform-device-add").await;
    browser.click("#platform-open-meter_n1").await;
    wait_status(browser, "INACTIVE").await;

    // The device connects over MQTTS with its certificate and reports:
    // seen live (no reload), with a chart of the level.
    let answering = device(platform, dir.path(), true);
    wait_status(browser, "ONLINE").await;
    reported(browser, "batteryLevel").await;
    browser
        .wait_for("#platform-property-Battery-batteryLevel svg.platform-chart polyline")
        .await;

    // A command from the page, answered by the device.
    browser.fill("#platform-para-level", "42").await;
    let answer = send_control(browser).await.expect("the device's answer");
    assert!(answer.contains("\"result_code\": 0"), "{answer}");

    let axe = axe_core();
    let mut found = every_look(
        browser,
        &axe,
        "#platform-detail",
        "device",
        Some("platform-device"),
    )
    .await;

    // Stopped: a command gets IoTDA's "not online".
    drop(answering);
    wait_status(browser, "OFFLINE").await;
    let offline = send_control(browser).await.expect_err("a refusal");
    assert!(offline.contains("IOTDA.014016"), "{offline}");

    // Online but silent: the command times out (--command-timeout 3).
    let _silent = device(platform, dir.path(), false);
    wait_status(browser, "ONLINE").await;
    let timeout = send_unanswered(browser).await;
    assert!(timeout.contains("no answer from the device"), "{timeout}");

    browser.click("#platform-detail-close").await;
    found.extend(
        every_look(
            browser,
            &axe,
            "#platform-device-list",
            "page",
            Some("platform"),
        )
        .await,
    );
    assert!(found.is_empty(), "axe-core: {found:#?}");
    onboarding.browser.close().await;
    drop(onboarding.platform.run);
}
