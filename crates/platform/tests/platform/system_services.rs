//! The platform's side of the system services against real devices: the
//! kit's own simulator (`iotda-kit simulate`, the built CLI binary) as a
//! device that upgrades and as a gateway of three sub-devices, and Eclipse
//! Paho (`device.py`) as a gateway sending `$sub_device_manager` requests.
//!
//! Which document each behaviour follows:
//! - Upgrades: "Platform Delivering an Upgrade Event" (iot_06_v5_3030:
//!   `firmware_upgrade` with url, file_size, access_token, expires, sign)
//!   and "Device Reporting the Upgrade Status" (3031: result_code 0-10 and
//!   255, progress, version); the task through CreateBatchTask /
//!   ShowBatchTask (`task_details[].status` Success / Fail). The package
//!   upload with its file in the body is the kit's choice
//!   (docs/platform-api.md).
//! - Sub-devices: AddDevice's `gateway_id`, ListDevices' `gateway_id`
//!   filter, the `$sub_device_manager` events (3019 to 3024, 30181 to
//!   30184).
//!
//! The CLI binary must be built first (`cargo build -p iotda-kit-cli`);
//! the tests say so when it is missing.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use base64ct::{Base64, Encoding};
use iotda_platform::client::Client;
use serde_json::{json, Value};

use crate::device_side::{mqtt_port, platform, wait_until, Device};
use crate::Server;

/// The built `iotda-kit` beside this test binary (`target/debug/`).
fn cli() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let cli = dir.join("iotda-kit");
    assert!(
        cli.exists(),
        "{} is missing: run `cargo build -p iotda-kit-cli` first",
        cli.display()
    );
    cli
}

/// A product `op` whose model has one readable Battery level, a model file
/// of it for the simulator, and its device `op_{node}` (secret 12345678).
fn product_and_model(c: &Client, dir: &Path, product: &str, nodes: &[&str]) -> PathBuf {
    let caps = json!([{
        "service_id": "Battery",
        "service_type": "Battery",
        "properties": [{
            "property_name": "batteryLevel", "data_type": "int", "required": false,
            "min": "0", "max": "100", "method": "R"
        }]
    }]);
    let r = c
        .call(
            "POST",
            "products",
            Some(&json!({
                "product_id": product, "name": product, "device_type": "Sensor",
                "protocol_type": "MQTT", "data_format": "json",
                "service_capabilities": caps,
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    for node in nodes {
        let r = c
            .call(
                "POST",
                "devices",
                Some(&json!({
                    "node_id": node, "product_id": product,
                    "auth_info": {"auth_type": "SECRET", "secret": "12345678", "secure_access": false},
                })),
            )
            .unwrap();
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let model = dir.join(format!("{product}-model.json"));
    std::fs::write(&model, json!({ "service_capabilities": caps }).to_string()).unwrap();
    model
}

/// `iotda-kit simulate` as `device_id`, its stderr lines collected.
struct Simulator {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Simulator {
    fn start(server: &Server, device_id: &str, model: &Path, extra: &[&str]) -> Self {
        let access = server.running().access.as_ref().unwrap();
        let mut cmd = Command::new(cli());
        cmd.arg("simulate")
            .args(["--host", "127.0.0.1", "--device-id", device_id])
            .args(["--secret", "12345678", "--interval", "1", "--auto-respond"])
            .arg("--model")
            .arg(model);
        match access.urls.mqtts.as_deref() {
            Some(url) => {
                let port = url.rsplit(':').next().unwrap();
                cmd.args(["--port", port, "--ca"])
                    .arg(access.platform_ca.as_ref().unwrap());
            }
            None => {
                cmd.args(["--port", &mqtt_port(server).to_string()]);
            }
        }
        let mut child = cmd
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            stderr: lines,
        }
    }

    fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn show(c: &Client, device_id: &str) -> Value {
    let r = c
        .call("GET", &format!("devices/{device_id}"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// Product `op` and its device `op_d1` simulated with firmware 1.0, once
/// the platform has its version report; and the model file.
fn op_d1_at_1_0(c: &Client, server: &Server, dir: &Path) -> (Simulator, PathBuf) {
    let model = product_and_model(c, dir, "op", &["d1"]);
    let device = Simulator::start(server, "op_d1", &model, &["--firmware-version", "1.0"]);
    wait_until(
        "version 1.0 reported",
        || show(c, "op_d1"),
        |d| d["fw_version"] == "1.0",
    );
    (device, model)
}

fn with_tls(config: &mut iotda_platform::platform::Config) {
    config.access.as_mut().unwrap().mqtts_port = Some(0);
}

/// Uploads `file` as firmware `version` of `product` and starts an upgrade
/// task of `device`: the task id.
fn upgrade(c: &Client, product: &str, version: &str, file: &[u8], device: &str) -> String {
    upgrade_located("firmware", c, product, version, file, device, Value::Null)
}

/// [`upgrade`] of `kind` (`firmware` or `software`), with
/// `file_location.obs_location` set to `obs` (null: none).
fn upgrade_located(
    kind: &str,
    c: &Client,
    product: &str,
    version: &str,
    file: &[u8],
    device: &str,
    obs: Value,
) -> String {
    let mut location = json!({"file": Base64::encode_string(file), "file_name": "fw.bin"});
    if !obs.is_null() {
        location["obs_location"] = obs;
    }
    let r = c
        .call(
            "POST",
            "ota-upgrades/packages",
            Some(&json!({
                "package_type": format!("{kind}Package"), "product_id": product, "version": version,
                "file_location": location,
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    let sign = sha_hex(file);
    assert_eq!(r.body["sign"], sign.as_str(), "{}", r.text);
    assert_eq!(r.body["file_size"], file.len(), "{}", r.text);
    let package_id = r.body["package_id"].as_str().unwrap().to_owned();
    let r = c
        .call(
            "POST",
            "batchtasks",
            Some(&json!({
                "task_name": "upgrade", "task_type": format!("{kind}Upgrade"),
                "targets": [device], "document": {"package_ids": [package_id]},
            })),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["task_id"].as_str().unwrap().to_owned()
}

fn sha_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The task once its one subtask has ended (Success or Fail).
fn finished(c: &Client, task_id: &str) -> Value {
    wait_until(
        "the upgrade to end",
        || {
            c.call("GET", &format!("batchtasks/{task_id}"), None)
                .unwrap()
                .body
        },
        |t| {
            matches!(
                t["task_details"][0]["status"].as_str(),
                Some("Success" | "Fail")
            )
        },
    )
}

/// The progress values of the device's `upgrade_progress_report` events.
fn progress_reports(c: &Client, device_id: &str) -> Vec<Value> {
    let r = c
        .call("GET", &format!("devices/{device_id}/kit/events"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == "upgrade_progress_report")
        .map(|e| e["paras"].clone())
        .collect()
}

/// `GET path` over TLS by `openssl s_client`, trusting `ca`: the response's
/// status code and body length.
fn https_get(ca: &Path, port: u16, path: &str) -> (u16, usize) {
    use std::io::Write;
    let mut child = Command::new("openssl")
        .args(["s_client", "-quiet", "-verify_return_error", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-CAfile")
        .arg(ca)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap().stdout;
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, out.len() - split - 4)
}

#[test]
fn an_upgrade_from_1_0_to_1_1_succeeds_with_its_progress_and_the_new_version() {
    let (dir, server, c) = platform("ota-success", with_tls);
    let (device, _) = op_d1_at_1_0(&c, &server, dir.path());
    let file = b"firmware 1.1 \x00\x01\x02 the new image".repeat(100);
    let task = upgrade(&c, "op", "1.1", &file, "op_d1");
    let t = finished(&c, &task);
    let detail = &t["task_details"][0];
    assert_eq!(detail["status"], "Success", "{t}\n{:?}", device.stderr());
    assert_eq!(detail["target"], "op_d1");
    assert_eq!(detail["progress"], 100);
    assert_eq!(detail["result_code"], 0);
    assert_eq!(detail["version"], "1.1");
    assert_eq!(t["batchtask"]["status"], "Success", "{t}");
    assert_eq!(t["batchtask"]["task_progress"]["success"], 1, "{t}");
    assert_eq!(show(&c, "op_d1")["fw_version"], "1.1");
    let reports = progress_reports(&c, "op_d1");
    let progress: Vec<_> = reports.iter().map(|p| p["progress"].clone()).collect();
    assert_eq!(progress, [json!(0), json!(50), json!(100)], "{reports:?}");
    assert!(reports.iter().all(|p| p["result_code"] == 0), "{reports:?}");
    assert!(
        device
            .stderr()
            .iter()
            .any(|l| l.contains("upgrade success (code 0): version 1.1")),
        "{:?}",
        device.stderr()
    );
    // The package's URL, as the device got it: served over the platform's
    // TLS to its token (openssl checking the certificate against the
    // platform CA), refused without it or with another.
    let line = device
        .stderr()
        .into_iter()
        .find(|l| l.starts_with("download https://"))
        .unwrap();
    let url = line.trim_start_matches("download https://127.0.0.1:");
    let (port, path) = url.split_at(url.find('/').unwrap());
    let port: u16 = port.parse().unwrap();
    let ca = server
        .running()
        .access
        .as_ref()
        .unwrap()
        .platform_ca
        .clone()
        .unwrap();
    assert_eq!(https_get(&ca, port, path), (200, file.len()));
    let bare = path.split('?').next().unwrap();
    assert_eq!(https_get(&ca, port, bare).0, 403);
    assert_eq!(
        https_get(&ca, port, &format!("{bare}?token={}", "0".repeat(64))).0,
        403
    );
}

/// iot_06_v5_3030: a package stored in OBS is announced as
/// `firmware_upgrade_v2` (or `software_upgrade_v2`) with an already signed
/// URL and no `access_token`; the kit treats a package uploaded with
/// `file_location.obs_location` so (its choice). Paho shows the notice as
/// a device gets it; the kit's simulator completes such an upgrade.
#[test]
fn a_package_given_an_obs_location_is_announced_in_the_v2_form_and_completed() {
    let (dir, server, c) = platform("ota-v2", with_tls);
    let obs = json!({"region_name": "cn-north-4", "bucket_name": "kit", "object_key": "fw.bin"});
    let paho = Device::start(&server, &["--silent"]);
    let file = b"firmware 1.1 kept as if in OBS";
    let task = upgrade_located("firmware", &c, "dp", "1.1", file, "dp_d1", obs.clone());
    let got = paho.expect(
        |v| v["topic"] == "$oc/devices/dp_d1/sys/events/down",
        "the upgrade notice",
    );
    let notice: Value = serde_json::from_str(got["payload"].as_str().unwrap()).unwrap();
    let event = &notice["services"][0];
    assert_eq!(event["service_id"], "$ota", "{notice}");
    assert_eq!(event["event_type"], "firmware_upgrade_v2", "{notice}");
    let paras = &event["paras"];
    assert_eq!(paras["version"], "1.1");
    assert_eq!(paras["file_size"], file.len());
    assert_eq!(paras["sign"], sha_hex(file).as_str());
    assert!(paras.get("access_token").is_none(), "{paras}");
    assert!(paras["expires"].as_i64().unwrap() > 0, "{paras}");
    let url = paras["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://127.0.0.1:")
            && url.contains("/kit/ota/packages/")
            && url.contains("?token="),
        "{paras}"
    );
    let r = c.call("GET", &format!("batchtasks/{task}"), None).unwrap();
    let package_id = r.body["batchtask"]["document"]["package_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let r = c
        .call("GET", &format!("ota-upgrades/packages/{package_id}"), None)
        .unwrap();
    assert_eq!(r.body["file_location"]["obs_location"], obs, "{}", r.text);
    paho.stop();

    let (device, _) = op_d1_at_1_0(&c, &server, dir.path());
    let task = upgrade_located("firmware", &c, "op", "1.1", file, "op_d1", json!({}));
    let t = finished(&c, &task);
    assert_eq!(
        t["task_details"][0]["status"],
        "Success",
        "{t}\n{:?}",
        device.stderr()
    );
    assert_eq!(show(&c, "op_d1")["fw_version"], "1.1");
}

/// ListBatchTasks (`task_type` filter), StopBatchTask and RetryBatchTask
/// (`POST .../batchtasks/{task_id}/stop|retry`, body `{}` or `{targets}`,
/// answer `{targets: [BatchTargetResult]}`) after Huawei's API reference:
/// a device that never reports (Paho, silent) keeps its subtask
/// `Processing`; stopped, it is `Stopped` (that later progress is ignored
/// is the registry's unit test); retried, it is sent the notice again.
#[test]
fn upgrade_tasks_are_listed_stopped_and_retried() {
    let (_dir, server, c) = platform("ota-stop-retry", with_tls);
    let paho = Device::start(&server, &["--silent"]);
    let notices = || {
        paho.lines()
            .iter()
            .filter(|v| v["topic"] == "$oc/devices/dp_d1/sys/events/down")
            .count()
    };
    let task = upgrade_located("firmware", &c, "dp", "1.1", b"image", "dp_d1", Value::Null);
    wait_until("the first notice", notices, |n| *n == 1);
    let detail = |c: &Client| {
        c.call("GET", &format!("batchtasks/{task}"), None)
            .unwrap()
            .body
    };
    assert_eq!(detail(&c)["task_details"][0]["status"], "Processing");

    let r = c
        .call("GET", "batchtasks?task_type=firmwareUpgrade", None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["page"]["count"], 1, "{}", r.text);
    assert_eq!(r.body["batchtasks"][0]["task_id"], task.as_str());
    assert_eq!(r.body["batchtasks"][0]["status"], "Processing");
    let r = c
        .call("GET", "batchtasks?task_type=softwareUpgrade", None)
        .unwrap();
    assert_eq!(r.body["batchtasks"], json!([]), "{}", r.text);
    let r = c.call("GET", "batchtasks", None).unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");

    let r = c
        .call("POST", &format!("batchtasks/{task}/stop"), Some(&json!({})))
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"targets": [{"target": "dp_d1", "status": "success"}]})
    );
    let t = detail(&c);
    assert_eq!(t["task_details"][0]["status"], "Stopped", "{t}");
    assert_eq!(t["batchtask"]["status"], "Stopped", "{t}");
    assert_eq!(t["batchtask"]["task_progress"]["stopped"], 1, "{t}");
    // ShowBatchTask's filters of the subtasks.
    let r = c
        .call(
            "GET",
            &format!("batchtasks/{task}?task_detail_status=Stopped&target=dp_d1"),
            None,
        )
        .unwrap();
    assert_eq!(r.body["task_details"][0]["target"], "dp_d1", "{}", r.text);
    assert_eq!(r.body["page"]["count"], 1, "{}", r.text);
    let r = c
        .call(
            "GET",
            &format!("batchtasks/{task}?task_detail_status=Success"),
            None,
        )
        .unwrap();
    assert_eq!(r.body["task_details"], json!([]), "{}", r.text);
    // Nothing is left to stop.
    let r = c
        .call("POST", &format!("batchtasks/{task}/stop"), Some(&json!({})))
        .unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");
    let r = c
        .call("POST", "batchtasks/0123456789abcdef01234567/stop", None)
        .unwrap();
    crate::assert_error(&r, 404, "IOTDA.014913");

    let r = c
        .call(
            "POST",
            &format!("batchtasks/{task}/retry"),
            Some(&json!({"targets": ["dp_d1", "dp_nobody"]})),
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["targets"][0],
        json!({"target": "dp_d1", "status": "success"})
    );
    assert_eq!(r.body["targets"][1]["status"], "failure", "{}", r.text);
    assert_eq!(r.body["targets"][1]["error_code"], "IOTDA.014219");
    // The device is online: the notice goes again at once.
    wait_until("the second notice", notices, |n| *n == 2);
    assert_eq!(detail(&c)["task_details"][0]["status"], "Processing");
    paho.stop();
}

/// A sub-device's upgrade goes through its gateway: "Platform Delivering
/// an Upgrade Event" (iot_06_v5_3030) on the gateway's `events/down` with
/// `object_device_id` the sub-device, and the gateway's
/// `upgrade_progress_report` with that `object_device_id` (3031) moves the
/// sub-device's subtask and version. The gateway is played by Paho.
#[test]
fn a_sub_device_is_upgraded_through_its_gateway() {
    let (_dir, server, c) = platform("ota-sub-device", with_tls);
    add_sub_device(&c, "dp_d1", "dp", "s1");
    let gateway = Device::start(&server, &["--silent"]);
    let task = upgrade_located(
        "firmware",
        &c,
        "dp",
        "1.1",
        b"sub image",
        "dp_s1",
        Value::Null,
    );
    let got = gateway.expect(
        |v| {
            v["topic"] == "$oc/devices/dp_d1/sys/events/down"
                && v["payload"].as_str().unwrap().contains("firmware_upgrade")
        },
        "the sub-device's notice at its gateway",
    );
    let notice: Value = serde_json::from_str(got["payload"].as_str().unwrap()).unwrap();
    assert_eq!(notice["object_device_id"], "dp_s1", "{notice}");
    assert_eq!(notice["services"][0]["event_type"], "firmware_upgrade");
    let paras = &notice["services"][0]["paras"];
    assert_eq!(paras["version"], "1.1");
    // Gateway mode: the task and how many of the gateway's sub-devices it
    // upgrades.
    assert_eq!(paras["task_id"], task.as_str(), "{notice}");
    assert_eq!(paras["sub_device_count"], 1, "{notice}");
    gateway.stop();

    let progress = json!({"object_device_id": "dp_s1", "services": [{
        "service_id": "$ota", "event_type": "upgrade_progress_report",
        "event_time": "20261208T031800Z",
        "paras": {"result_code": 0, "progress": 100, "version": "1.1"}}]});
    let gateway = Device::start(&server, &["--silent", "--event", &progress.to_string()]);
    let t = finished(&c, &task);
    let detail = &t["task_details"][0];
    assert_eq!(detail["target"], "dp_s1", "{t}");
    assert_eq!(detail["status"], "Success", "{t}");
    assert_eq!(show(&c, "dp_s1")["fw_version"], "1.1");
    assert_eq!(show(&c, "dp_d1")["fw_version"], Value::Null);
    gateway.stop();
}

#[test]
fn a_software_upgrade_changes_the_software_version_only() {
    let (dir, server, c) = platform("ota-software", with_tls);
    let model = product_and_model(&c, dir.path(), "op", &["d1"]);
    let device = Simulator::start(&server, "op_d1", &model, &["--firmware-version", "1.0"]);
    wait_until(
        "version 1.0 reported",
        || show(&c, "op_d1"),
        |d| d["sw_version"] == "1.0",
    );
    let task = upgrade_located(
        "software",
        &c,
        "op",
        "2.0",
        b"software 2.0",
        "op_d1",
        Value::Null,
    );
    let t = finished(&c, &task);
    assert_eq!(
        t["task_details"][0]["status"],
        "Success",
        "{t}\n{:?}",
        device.stderr()
    );
    assert_eq!(t["batchtask"]["task_type"], "softwareUpgrade", "{t}");
    let d = show(&c, "op_d1");
    assert_eq!(
        (d["sw_version"].as_str(), d["fw_version"].as_str()),
        (Some("2.0"), Some("1.0"))
    );
    // A firmware package cannot be installed by a software task.
    let r = c
        .call(
            "POST",
            "ota-upgrades/packages",
            Some(&json!({
                "package_type": "firmwarePackage", "product_id": "op", "version": "9",
                "file_location": {"file": Base64::encode_string(b"x")},
            })),
        )
        .unwrap();
    let r = c
        .call(
            "POST",
            "batchtasks",
            Some(&json!({
                "task_name": "wrong", "task_type": "softwareUpgrade", "targets": ["op_d1"],
                "document": {"package_ids": [r.body["package_id"]]},
            })),
        )
        .unwrap();
    crate::assert_error(&r, 400, "IOTDA.000006");
}

#[test]
fn a_corrupted_package_fails_with_result_code_7_recorded() {
    let (dir, server, c) = platform("ota-corrupt", with_tls);
    let (device, model) = op_d1_at_1_0(&c, &server, dir.path());
    // The device is offline while the task is made, so the notice waits;
    // meanwhile the stored file is damaged on the platform's disk, so the
    // device downloads bytes whose SHA-256 is not the notice's `sign`.
    drop(device);
    wait_until(
        "offline",
        || show(&c, "op_d1"),
        |d| d["status"] == "OFFLINE",
    );
    let task = upgrade(&c, "op", "1.1", b"the good image", "op_d1");
    let db = rusqlite::Connection::open(dir.path().join("registry.sqlite")).unwrap();
    db.execute(
        "UPDATE ota_package SET file = X'00112233445566778899AABBCCDD'",
        [],
    )
    .unwrap();
    drop(db);
    let device = Simulator::start(&server, "op_d1", &model, &["--firmware-version", "1.0"]);
    let t = finished(&c, &task);
    let detail = &t["task_details"][0];
    assert_eq!(detail["status"], "Fail", "{t}\n{:?}", device.stderr());
    assert_eq!(detail["result_code"], 7, "{t}");
    assert_eq!(detail["error"]["error_code"], "7", "{t}");
    assert_eq!(
        detail["error"]["error_msg"], "upgrade package verification failure",
        "{t}"
    );
    assert_eq!(detail["version"], "1.0", "{t}");
    assert_eq!(t["batchtask"]["status"], "Fail", "{t}");
    assert_eq!(show(&c, "op_d1")["fw_version"], "1.0");
}

fn sub_devices(c: &Client, gateway: &str) -> Vec<Value> {
    let r = c
        .call(
            "GET",
            &format!("devices?gateway_id={gateway}&limit=50"),
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["devices"].as_array().unwrap().clone()
}

fn add_sub_device(c: &Client, gateway: &str, product: &str, node: &str) -> Value {
    let r = c
        .call(
            "POST",
            "devices",
            Some(&json!({"node_id": node, "product_id": product, "gateway_id": gateway})),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["node_type"], "ENDPOINT", "{}", r.text);
    assert_eq!(r.body["gateway_id"], gateway, "{}", r.text);
    r.body
}

fn reported(c: &Client, device_id: &str) -> Value {
    let r = c
        .call("GET", &format!("devices/{device_id}/shadow"), None)
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["shadow"][0]["reported"]["properties"].clone()
}

#[test]
fn a_gateway_with_three_sub_devices_added_reported_for_and_one_deleted() {
    let (dir, server, c) = platform("gateway", |_| {});
    let model = product_and_model(&c, dir.path(), "gp", &["gw"]);
    // Two added while the gateway is offline (their notice waits), one
    // once it is online.
    add_sub_device(&c, "gp_gw", "gp", "s1");
    add_sub_device(&c, "gp_gw", "gp", "s2");
    let gateway = Simulator::start(&server, "gp_gw", &model, &["--gateway", "3"]);
    wait_until(
        "the gateway online",
        || show(&c, "gp_gw"),
        |d| d["status"] == "ONLINE",
    );
    add_sub_device(&c, "gp_gw", "gp", "s3");
    // The simulator also asks for three of its own (gw-sub1..3): the
    // platform registers them too, so the gateway has six.
    let all = wait_until(
        "six sub-devices ONLINE",
        || sub_devices(&c, "gp_gw"),
        |s| s.len() == 6 && s.iter().all(|d| d["status"] == "ONLINE"),
    );
    assert!(all.iter().all(|d| d["node_type"] == "ENDPOINT"), "{all:?}");
    for id in ["gp_s1", "gp_s2", "gp_s3"] {
        let level = wait_until(
            &format!("a report for {id}"),
            || reported(&c, id),
            |p| p["batteryLevel"].is_i64(),
        );
        assert!((0..=100).contains(&level["batteryLevel"].as_i64().unwrap()));
        let r = c
            .call("GET", &format!("devices/{id}/kit/status-events"), None)
            .unwrap();
        assert_eq!(
            r.body["events"][0]["reason"], "GATEWAY_REPORTED",
            "{}",
            r.text
        );
        assert_eq!(r.body["events"][0]["status"], "ONLINE", "{}", r.text);
    }
    // The gateway itself reports nothing of its own through this path.
    let r = c.call("DELETE", "devices/gp_s2", None).unwrap();
    assert_eq!(r.status, 204, "{}", r.text);
    let left = sub_devices(&c, "gp_gw");
    assert_eq!(left.len(), 5, "{left:?}");
    assert!(left.iter().all(|d| d["device_id"] != "gp_s2"), "{left:?}");
    // The gateway was told, and its events were kept: statuses and its
    // own add request.
    let r = c.call("GET", "devices/gp_gw/kit/messages", None).unwrap();
    assert!(r.text.contains("delete_sub_device_notify"), "{}", r.text);
    assert!(r.text.contains("add_sub_device_notify"), "{}", r.text);
    let r = c.call("GET", "devices/gp_gw/kit/events", None).unwrap();
    let kinds: Vec<&str> = r.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event_type"].as_str())
        .collect();
    assert!(kinds.contains(&"sub_device_update_status"), "{kinds:?}");
    assert!(kinds.contains(&"add_sub_device_request"), "{kinds:?}");
    // A gateway with sub-devices is not deleted before them.
    let r = c.call("DELETE", "devices/gp_gw", None).unwrap();
    assert_eq!(r.status, 400, "{}", r.text);
    drop(gateway);
}

/// Paho as a gateway (`dp_d1` of the device-side tests): its
/// `add_sub_device_request`, `sub_device_update_status`,
/// `sub_device_sync_request` and `delete_sub_device_request` are answered
/// (the responses under the request's `event_id`), its gateway report is
/// judged entry by entry as each sub-device's own, and a command's request
/// and answer are kept in the device's history.
#[test]
fn pahos_gateway_requests_are_answered_and_commands_kept() {
    let (_dir, server, c) = platform("gateway-paho", |_| {});
    let add = json!({"services": [{"service_id": "$sub_device_manager",
        "event_type": "add_sub_device_request", "event_id": "e-add-1",
        "paras": {"devices": [{"node_id": "paho-s1", "product_id": "dp"},
                              {"node_id": "paho-s2", "product_id": "nope"},
                              {"node_id": "paho-s3", "product_id": "dp"}]}}]});
    let status = json!({"services": [{"service_id": "$sub_device_manager",
        "event_type": "sub_device_update_status", "event_id": "e-st-1",
        "paras": {"device_statuses": [{"device_id": "dp_paho-s1", "status": "ONLINE"},
                                      {"device_id": "dp_stranger", "status": "ONLINE"}]}}]});
    let sync = json!({"services": [{"service_id": "$sub_device_manager",
        "event_type": "sub_device_sync_request", "paras": {}}]});
    let delete = json!({"services": [{"service_id": "$sub_device_manager",
        "event_type": "delete_sub_device_request", "event_id": "e-del-1",
        "paras": {"devices": ["dp_paho-s3", "dp_nobody"]}}]});
    // One sub-device's report that breaks the model, one that fits, and
    // one for a device that is not this gateway's sub-device (itself).
    let batch = json!({"devices": [
        {"device_id": "dp_paho-s1", "services": [{"service_id": "Battery",
            "properties": {"batteryLevel": 150}}]},
        {"device_id": "dp_paho-s1", "services": [{"service_id": "Battery",
            "properties": {"batteryLevel": 60}}]},
        {"device_id": "dp_d1", "services": [{"service_id": "Battery",
            "properties": {"batteryLevel": 1}}]}]});
    // Published in this order; the platform handles one after the other.
    let device = Device::start(
        &server,
        &[
            "--event",
            &add.to_string(),
            "--event",
            &status.to_string(),
            "--event",
            &sync.to_string(),
            "--event",
            &delete.to_string(),
            "--gateway-report",
            &batch.to_string(),
        ],
    );
    // The `paras` of the answer `kind`, which carries `event_id` (if any).
    let answer = |kind: &str, event_id: Option<&str>| {
        let kind = kind.to_owned();
        let line = device.expect(
            |v| v["payload"].as_str().is_some_and(|p| p.contains(&kind)),
            &kind,
        );
        let body: Value = serde_json::from_str(line["payload"].as_str().unwrap()).unwrap();
        if let Some(id) = event_id {
            assert_eq!(body["services"][0]["event_id"], id, "{body}");
        }
        body["services"][0]["paras"].clone()
    };
    // `field` of each entry of `list`.
    let pick = |list: &Value, field: &str| -> Vec<Value> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d[field].clone())
            .collect()
    };
    let added = answer("add_sub_device_response", Some("e-add-1"));
    let ok = &added["successful_devices"];
    let both = [json!("dp_paho-s1"), json!("dp_paho-s3")];
    assert_eq!(pick(ok, "device_id"), both, "{added}");
    assert_eq!(pick(ok, "parent_device_id")[0], "dp_d1", "{added}");
    let failed = &added["failed_devices"];
    assert_eq!(pick(failed, "node_id"), [json!("paho-s2")], "{added}");
    assert_eq!(
        pick(failed, "error_code"),
        [json!("IOTDA.014901")],
        "{added}"
    );
    let statuses = answer("sub_device_update_status_response", Some("e-st-1"));
    let ok = pick(&statuses["successful_devices"], "device_id");
    assert_eq!(ok, [json!("dp_paho-s1")], "{statuses}");
    let failed = pick(&statuses["failed_devices"], "device_id");
    assert_eq!(failed, [json!("dp_stranger")], "{statuses}");
    // The sync answer lists the sub-devices, s1 ONLINE as the gateway said.
    let synced = answer("add_sub_device_notify", None);
    assert_eq!(pick(&synced["devices"], "device_id"), both);
    let statuses = pick(&synced["devices"], "status");
    assert_eq!(statuses, [json!("ONLINE"), json!("INACTIVE")]);
    let deleted = answer("delete_sub_device_response", Some("e-del-1"));
    assert_eq!(deleted["successful_devices"], json!(["dp_paho-s3"]));
    let failed = &deleted["failed_devices"];
    assert_eq!(pick(failed, "device_id"), [json!("dp_nobody")], "{deleted}");
    assert_eq!(
        pick(failed, "error_code"),
        [json!("IOTDA.014000")],
        "{deleted}"
    );
    let r = c.call("GET", "devices/dp_paho-s3", None).unwrap();
    assert_eq!(r.status, 404, "{}", r.text);
    // The gateway's report: each entry judged as the sub-device's own.
    let level = wait_until(
        "the sub-device's report kept",
        || {
            let r = c.call("GET", "devices/dp_paho-s1/shadow", None).unwrap();
            r.body["shadow"][0]["reported"]["properties"]["batteryLevel"].clone()
        },
        |v| !v.is_null(),
    );
    assert_eq!(level, 60);
    let r = c
        .call("GET", "devices/dp_paho-s1/kit/reports?dropped=true", None)
        .unwrap();
    let dropped = &r.body["reports"][0]["problems"][0];
    assert_eq!(
        dropped["path"], "services[0].properties.batteryLevel",
        "{}",
        r.text
    );
    wait_until(
        "the third entry dropped and logged",
        || server.log().join("\n"),
        |log| log.contains("devices[2].device_id"),
    );
    let r = c.call("GET", "devices/dp_d1/kit/reports", None).unwrap();
    assert_eq!(r.body["reports"], json!([]), "{}", r.text);
    // A command answered by Paho is kept with its answer.
    let r = c
        .call(
            "POST",
            "devices/dp_d1/commands",
            Some(&json!({"service_id": "Battery", "command_name": "setLevel",
                         "paras": {"level": 5}})),
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    let h = c.call("GET", "devices/dp_d1/kit/commands", None).unwrap();
    let kept = &h.body["commands"][0];
    assert_eq!(kept["status"], "SUCCESSFUL", "{}", h.text);
    assert_eq!(kept["command_id"], r.body["command_id"], "{}", h.text);
    assert_eq!(kept["response"]["paras"], json!({"level": 5}), "{}", h.text);
    device.stop();
}

/// `tests/data/registry-main-6a3ae1a.sqlite` was written by `iotda-kit
/// platform` built from main at 6a3ae1a (schema 3): product `mp` with a
/// `default_value`, device `mp_d1` (secret), a message sent while it was
/// offline and delivered when `simulate` connected, two reports, two status
/// events. The platform opens it, migrates it, and keeps it all.
#[test]
fn a_registry_written_by_main_6a3ae1a_keeps_all_its_data() {
    let dir = iotda_testkit::Scratch::new("registry-main");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/registry-main-6a3ae1a.sqlite"
        ),
        dir.path().join("registry.sqlite"),
    )
    .unwrap();
    let server = Server::start(dir.path(), false);
    assert_eq!(server.running().registry.schema_version(), Ok(5));
    let c = server.client();
    let d = show(&c, "mp_d1");
    assert_eq!(d["status"], "OFFLINE", "{d}");
    assert_eq!(d["auth_info"]["secret"], "12345678", "{d}");
    assert_eq!(d["node_type"], "GATEWAY", "{d}");
    assert_eq!(d["gateway_id"], "mp_d1", "{d}");
    assert_eq!(d["fw_version"], Value::Null, "{d}");
    let r = c
        .call("GET", "devices/mp_d1/kit/status-events", None)
        .unwrap();
    let reasons: Vec<&str> = r.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["CONNECTED", "DISCONNECTED"], "{}", r.text);
    let r = c.call("GET", "devices/mp_d1/kit/messages", None).unwrap();
    assert_eq!(r.body["messages"][0]["status"], "DELIVERED", "{}", r.text);
    assert!(r.text.contains("kept pending"), "{}", r.text);
    let r = c.call("GET", "devices/mp_d1/kit/reports", None).unwrap();
    assert_eq!(r.body["reports"].as_array().unwrap().len(), 2, "{}", r.text);
    let r = c.call("GET", "devices/mp_d1/shadow", None).unwrap();
    assert_eq!(
        r.body["shadow"][0]["desired"]["properties"]["batteryLevel"], 50,
        "{}",
        r.text
    );
    assert!(r.body["shadow"][0]["reported"]["properties"]["batteryLevel"].is_i64());
    // The new tables and columns work on it.
    let r = c.call("GET", "devices/mp_d1/kit/events", None).unwrap();
    assert_eq!(r.body["events"], json!([]), "{}", r.text);
    let r = c.call("GET", "devices/mp_d1/kit/commands", None).unwrap();
    assert_eq!(r.body["commands"], json!([]), "{}", r.text);
    let sub = add_sub_device(&c, "mp_d1", "mp", "s1");
    assert_eq!(sub["status"], "INACTIVE");
    assert_eq!(sub_devices(&c, "mp_d1").len(), 1);
}
