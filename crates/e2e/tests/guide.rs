//! The Guide page in headless Chromium: each step's check follows what the
//! other pages did, the ticks survive a reload, the Chinese text and
//! diagrams are fetched, and none of the guide's prose is in any wasm.

use iotda_kit_e2e::{serve_dist, workspace_root, Browser, Chromedriver};

const SECRET: &str = "guide-s3cr3t-42";

const HOST: &str = "a1b2c3.st1.iotda-device.cn-north-4.myhuaweicloud.com";

/// Opens the Guide through the navigation (a reload would lose what the
/// tab holds in memory) and waits until its text is fetched and shown.
async fn open_guide(browser: &Browser) {
    browser.click("nav a[href='/guide']").await;
    browser.wait_for("#guide-report-status").await;
}

/// Waits until `css` reads `want`, and fails if it never does.
async fn expect_text(browser: &Browser, css: &str, want: &str) {
    assert_eq!(browser.wait_for_text(css, want).await, want, "{css}");
}

/// The language of each diagram, once every one is loaded (an image that
/// failed has no width) and described for assistive technology.
async fn diagrams(browser: &Browser) -> Vec<String> {
    let script = "const imgs = [...document.querySelectorAll('.guide .charts img')]; \
        return imgs.every(i => i.complete) ? imgs.map(i => [i.naturalWidth > 0, i.alt.length > 20, i.getAttribute('src')]) : null;";
    loop {
        let found = browser.run(script).await;
        if let Some(imgs) = found.as_array() {
            return imgs
                .iter()
                .map(|i| {
                    assert_eq!(i[0], true, "{i}: not loaded");
                    assert_eq!(i[1], true, "{i}: no description");
                    let src = i[2].as_str().expect("a src");
                    src.trim_end_matches(".svg")
                        .rsplit('.')
                        .next()
                        .expect("a language")
                        .to_owned()
                })
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn checked(browser: &Browser, css: &str) -> bool {
    browser.prop(css, "checked").await == "true"
}

#[tokio::test(flavor = "multi_thread")]
async fn guide_checks_the_steps_live_keeps_ticks_and_speaks_chinese() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1800).await;

    // A fresh browser: nothing done yet.
    browser.goto(&format!("http://{addr}/guide")).await;
    expect_text(&browser, "#guide-access-status", "○ Not yet").await;
    assert_eq!(browser.text("#guide-ca-status").await, "○ Not yet");

    // (1) The Connection page's host turns the access step done.
    browser.click("nav a[href='/connect']").await;
    browser.fill("#host", HOST).await;
    browser.fill("#device-id", "5f8d_node-0001").await;
    open_guide(&browser).await;
    assert_eq!(browser.text("#guide-access-status").await, "✓ Ready");
    assert_eq!(browser.text("#guide-access-host").await, HOST);
    assert!(browser.text("#guide-access-ports").await.contains("8883"));

    // Regression (issue 17, item 13): the device secret typed is offered
    // to copy but is nowhere in the Guide's DOM; the copy comes from the
    // page's memory.
    browser.click("nav a[href='/connect']").await;
    browser.fill("#secret", SECRET).await;
    open_guide(&browser).await;
    let copy_secret = "#guide-register button[aria-label='Copy Device secret']";
    browser.wait_for(copy_secret).await;
    let dom = browser
        .run("return document.documentElement.outerHTML;")
        .await;
    let dom = dom.as_str().expect("the page's HTML");
    assert!(!dom.contains(SECRET), "the secret is in the Guide's DOM");
    assert_eq!(browser.text("#guide-register-secret").await, "••••••••");
    browser.click(copy_secret).await;
    expect_text(&browser, copy_secret, "Copied ✓").await;
    assert_eq!(browser.clipboard().await, SECRET);

    // (3)-(5) A CA, a verification certificate with the console's code
    // and a device certificate on the Certificates page.
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#ca-cn", "Guide Test CA").await;
    browser.click("#ca-create").await;
    browser.wait_for("#ca-download-cert").await;
    let fingerprint = browser
        .make_verification_and_device("0123456789abcdef", "node-0001")
        .await;
    assert_eq!(fingerprint.len(), 64);
    open_guide(&browser).await;
    for step in ["ca", "verification", "device", "register"] {
        assert_eq!(
            browser.text(&format!("#guide-{step}-status")).await,
            "✓ Ready",
            "{step}"
        );
    }
    assert_eq!(
        browser.text("#guide-verification-cn").await,
        "0123456789abcdef"
    );
    // (6) What goes into the console's Register Device form.
    assert_eq!(
        browser.text("#guide-register-fingerprint").await,
        fingerprint
    );
    assert_eq!(browser.text("#guide-register-node_id").await, "node-0001");
    assert_eq!(
        browser.text("#guide-register-device_id").await,
        "5f8d_node-0001"
    );
    let copy = "#guide-register button[aria-label='Copy Fingerprint (SHA-256)']";
    browser.click(copy).await;
    expect_text(&browser, copy, "Copied ✓").await;
    assert_eq!(browser.clipboard().await, fingerprint);
    expect_text(&browser, copy, "Copy").await;
    // (7) The browser Console through the bridge, and the command line.
    assert_eq!(
        browser.text("#guide-connect-bridge").await,
        format!("iotda-kit bridge --host {HOST} --cert deviceCert.pem --key deviceCert.key")
    );
    // (7) The command line for the X.509 device.
    let cli = browser.text("#guide-connect-cli").await;
    assert!(
        cli.starts_with(&format!(
            "iotda-kit pub --host {HOST} --cert deviceCert.pem"
        )),
        "{cli}"
    );
    // (8) The report topic.
    assert_eq!(
        browser.text("#guide-report-topic").await,
        "$oc/devices/5f8d_node-0001/sys/properties/report"
    );

    // A code typed that is not the certificate's CN is flagged.
    browser.click("nav a[href='/certificates']").await;
    browser.fill("#verification-code", "fedcba9876543210").await;
    open_guide(&browser).await;
    expect_text(&browser, "#guide-verification-status", "⚠ Check this").await;
    expect_text(&browser, "#guide-verification-code", "fedcba9876543210").await;
    let notes = browser.text("#guide-verification .guide-notes").await;
    assert!(notes.contains("not the verification code"), "{notes}");

    // The step links stay in the app (in-page navigation).
    browser.click("#guide-product a[href='/model']").await;
    browser.wait_for("#model-reset").await;
    open_guide(&browser).await;
    assert_eq!(browser.text("#guide-product-status").await, "⚠ Check this");
    assert!(browser
        .text("#guide-product .guide-notes")
        .await
        .contains("example model"));

    // A tick survives a reload.
    assert!(!checked(&browser, "#guide-access-done").await);
    browser.click("#guide-access-done").await;
    assert!(checked(&browser, "#guide-access-done").await);
    browser.goto(&format!("http://{addr}/guide")).await;
    browser.wait_for("#guide-report-status").await;
    assert!(checked(&browser, "#guide-access-done").await);
    assert!(!checked(&browser, "#guide-ca-done").await);

    // In Chinese, from the fetched Chinese text.
    browser.select("#lang", "zh-CN").await;
    expect_text(&browser, "#guide-access-title", "1. 接入信息：地址和端口").await;
    assert_eq!(browser.text("#guide-access-status").await, "✓ 已就绪");
    assert!(browser
        .text("#guide-connect .guide-what")
        .await
        .contains("浏览器页面做不到这一点"));
    assert!(checked(&browser, "#guide-access-done").await);
    assert_eq!(diagrams(&browser).await, ["zh"; 3]);
    browser.screenshot("guide-zh").await;
    browser.select("#lang", "en").await;
    expect_text(
        &browser,
        "#guide-access-title",
        "1. Access details: host and ports",
    )
    .await;
    assert_eq!(diagrams(&browser).await, ["en"; 3]);
    browser.screenshot("guide").await;
    browser
        .screenshot_of("#guide-connect .charts", "guide-authentication")
        .await;
    browser
        .screenshot_of("#guide-report .charts", "guide-message-flow")
        .await;
    browser.close().await;
}

/// The prose is fetched, not compiled into the page: phrases of both
/// languages are in the built text files and in no wasm of the build, and
/// the diagrams are files of the build in both languages (so the service
/// worker caches them with the rest).
#[test]
fn the_guide_prose_is_in_its_text_files_not_in_any_wasm() {
    let dist = workspace_root().join("dist");
    let en = std::fs::read_to_string(dist.join("guide.en.json")).expect("dist/guide.en.json");
    let zh = std::fs::read_to_string(dist.join("guide.zh.json")).expect("dist/guide.zh.json");
    let phrases = [
        "A browser page cannot do that.",
        "proves you hold that key",
        "浏览器页面做不到这一点",
    ];
    for phrase in phrases {
        assert!(en.contains(phrase) || zh.contains(phrase), "{phrase}");
    }
    let sw = std::fs::read_to_string(dist.join("sw.js")).expect("dist/sw.js");
    for name in ["one-way", "two-way", "flow"] {
        for lang in ["en", "zh"] {
            let file = format!("guide-{name}.{lang}.svg");
            assert!(dist.join(&file).is_file(), "dist/{file}");
            assert!(
                sw.contains(&format!("\"/{file}\"")),
                "{file} is not cached offline"
            );
        }
    }
    let mut wasms = 0;
    for entry in std::fs::read_dir(&dist).expect("dist/") {
        let path = entry.expect("a dist entry").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            wasms += 1;
            let bytes = std::fs::read(&path).expect("a wasm");
            for phrase in phrases {
                assert!(
                    !bytes.windows(phrase.len()).any(|w| w == phrase.as_bytes()),
                    "{} holds {phrase:?}",
                    path.display()
                );
            }
        }
    }
    assert_eq!(wasms, 3, "the page's and the two workers' wasm");
}
