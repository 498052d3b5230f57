//! Huawei's own Python SDK (huaweicloudsdkiotda + huaweicloudsdkcore from
//! PyPI, installed by scripts/lib.sh into .tools/venv) against the
//! platform, changing only its endpoint.

use std::path::PathBuf;
use std::process::Command;

use iotda_testkit::Scratch;

use crate::Server;

/// The venv's Python, with paho-mqtt and Huawei's SDK.
pub fn python() -> PathBuf {
    let py = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run scripts/test.sh (or `source scripts/lib.sh; python_tools`)",
        py.display()
    );
    py
}

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/platform/sdk_client.py");

fn run(server: &Server, sk: &str, derived: bool) -> (bool, String) {
    let c = server.credentials();
    let out = Command::new(python())
        .arg(SCRIPT)
        .env("IOTDA_ENDPOINT", server.url())
        .env("IOTDA_AK", &c.ak)
        .env("IOTDA_SK", sk)
        .env("IOTDA_PROJECT_ID", &c.project_id)
        .env("IOTDA_DERIVED", if derived { "1" } else { "0" })
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn huaweis_python_sdk_creates_a_product_adds_and_lists_devices() {
    let dir = Scratch::new("api-sdk");
    let server = Server::start(dir.path(), false);
    let sk = server.credentials().sk.clone();
    let (ok, out) = run(&server, &sk, false);
    assert!(ok, "{out}");
    assert!(out.contains("created sdkproduct"), "{out}");
    assert!(out.contains("added sdkproduct_node-1 INACTIVE"), "{out}");
    assert!(out.contains("listed 1: sdkproduct_node-1"), "{out}");
    // The same through the derived signature (V11-HMAC-SHA256), as the SDK
    // signs with derived_auth_service_name iotdm.
    let (ok, out) = run(&server, &sk, true);
    assert!(ok, "{out}");
    assert!(out.contains("listed 2:"), "{out}");
}

#[test]
fn huaweis_python_sdk_with_a_wrong_sk_gets_iotdas_refusal() {
    let dir = Scratch::new("api-sdk-wrong");
    let server = Server::start(dir.path(), false);
    let (ok, out) = run(&server, &"W".repeat(40), false);
    assert!(!ok, "{out}");
    assert!(out.contains("refused 401 APIG.0301"), "{out}");
}
