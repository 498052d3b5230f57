//! The Model page in headless Chromium: the guide's example, editing with
//! errors in words, importing JSON, keeping it across a reload, exporting
//! a file the core reads back, and the console's offline ZIP read in the
//! worker.

use iotda_core::iotda::ProductModel;
use iotda_kit_e2e::{serve_dist, workspace_root, Chromedriver};

#[tokio::test(flavor = "multi_thread")]
async fn model_page_edits_imports_keeps_and_exports_the_model() {
    let addr = serve_dist();
    let driver = Chromedriver::start();
    let browser = driver.session(1280, 1600).await;
    browser.goto(&format!("http://{addr}/model")).await;

    // The guide's example: Connectivity and Battery.
    assert_eq!(browser.value("#service-0").await, "Connectivity");
    assert_eq!(browser.value("#service-1").await, "Battery");
    assert_eq!(browser.value("#p-1-0-name").await, "batteryLevel");
    browser.wait_for("#model-valid").await;

    // An edit reaches the exported JSON.
    browser.fill("#p-1-0-max", "80").await;
    let exported = browser.download_text("#model-download").await;
    let model = ProductModel::from_json(exported.as_bytes()).expect("the core reads the export");
    let level = model
        .service("Battery")
        .and_then(|s| s.property("batteryLevel"))
        .expect("Battery.batteryLevel");
    assert_eq!(level.max.as_deref(), Some("80"));

    // A wrong edit is named, and nothing is exported meanwhile.
    browser.fill("#p-1-0-min", "90").await;
    let errors = browser.text("#model-errors").await;
    assert!(errors.contains("min"), "{errors}");
    browser.fill("#p-1-0-method", "RX").await;
    let errors = browser.text("#model-errors").await;
    assert!(
        errors.contains("Battery.batteryLevel (method): access is R, W and/or E"),
        "{errors}"
    );
    // Every error at once, each at its own field.
    browser.fill("#p-1-0-step", "x").await;
    let at_row = browser
        .wait_text("#p-1-0-errors", |t| t.contains("step"))
        .await;
    assert!(at_row.contains("R, W and/or E"), "{at_row}");
    for field in ["step", "method"] {
        let css = format!("#p-1-0-{field}");
        assert_eq!(browser.attr(&css, "aria-invalid").await, "true", "{field}");
    }
    assert_eq!(browser.attr("#p-1-0-max", "aria-invalid").await, "");
    browser.fill("#p-1-0-step", "1").await;
    assert!(browser
        .client
        .find(fantoccini::Locator::Css("#model-download"))
        .await
        .is_err());

    // Import a pasted model.
    let json = r#"{"service_capabilities":[{"service_id":"Env","properties":[
        {"property_name":"temperature","data_type":"decimal","min":"-40","max":"85","step":0.1,"unit":"°C","method":"RW"}]}]}"#;
    browser.paste("#model-paste", json).await;
    browser.click("#model-import-button").await;
    assert_eq!(
        browser.text("#model-note").await,
        "Imported the pasted model: 1 service, 1 property."
    );
    assert_eq!(browser.value("#service-0").await, "Env");
    assert_eq!(browser.value("#p-0-0-method").await, "RW");

    // Broken JSON: the error says where, the model stays.
    browser
        .paste("#model-paste", "{\"service_capabilities\": [")
        .await;
    browser.click("#model-import-button").await;
    let error = browser.text("#model-paste-error").await;
    assert!(error.starts_with("the pasted model: "), "{error}");
    assert_eq!(browser.value("#service-0").await, "Env");

    // A property report is JSON but not a model: refused as such, and the
    // model is kept (on the page and after a reload).
    let report = r#"{"services":[{"service_id":"Env","properties":{"temperature":21.5}}]}"#;
    browser.paste("#model-paste", report).await;
    browser.click("#model-import-button").await;
    let error = browser.text("#model-paste-error").await;
    assert!(
        error.starts_with("the pasted model: this JSON is not a product model"),
        "{error}"
    );
    assert_eq!(browser.value("#service-0").await, "Env");
    assert_eq!(browser.value("#p-0-0-name").await, "temperature");
    browser.wait_for("#model-valid").await;

    // Kept across a reload.
    browser.client.refresh().await.expect("reload");
    assert_eq!(browser.value("#service-0").await, "Env");
    assert_eq!(browser.value("#p-0-0-name").await, "temperature");
    browser.screenshot("model").await;

    // The console's offline ZIP, chosen as a file: read in the worker, the
    // same model as the core reads.
    let zip = workspace_root().join("crates/core/tests/fixtures/iotda/product_model_profile.zip");
    let expected = ProductModel::from_zip(&std::fs::read(&zip).expect("the fixture"))
        .expect("the core reads the fixture");
    let properties: usize = expected
        .service_capabilities
        .iter()
        .map(|s| s.properties.len())
        .sum();
    browser
        .wait_for("#model-paste-file")
        .await
        .send_keys(
            &zip.canonicalize()
                .expect("the fixture's path")
                .display()
                .to_string(),
        )
        .await
        .expect("choose the ZIP");
    let note = browser
        .wait_text("#model-note", |t| t.contains("product_model_profile.zip"))
        .await;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    assert_eq!(
        note,
        format!(
            "Imported product_model_profile.zip: {}, {}.",
            plural(expected.service_capabilities.len(), "service", "services"),
            plural(properties, "property", "properties")
        )
    );
    assert_eq!(
        browser.value("#service-0").await,
        expected.service_capabilities[0].service_id
    );
    // A file that only looks like a ZIP: the worker's error, next to the box.
    let fake = std::env::temp_dir().join(format!("not-a-model-{}.zip", std::process::id()));
    std::fs::write(&fake, b"PK\x03\x04 but nothing more").expect("write the fake ZIP");
    browser
        .wait_for("#model-paste-file")
        .await
        .send_keys(&fake.display().to_string())
        .await
        .expect("choose the fake ZIP");
    let error = browser
        .wait_text("#model-paste-error", |t| t.contains("not-a-model"))
        .await;
    assert!(error.contains("ZIP"), "{error}");
    std::fs::remove_file(&fake).expect("remove the fake ZIP");
    browser.close().await;
}
