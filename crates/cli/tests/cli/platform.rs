//! `iotda-kit platform`: run, then managed through its API by the same
//! command, as a user would; OpenSSL makes the certificates.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use iotda_testkit::http::{self, get};
use iotda_testkit::{openssl, openssl_ca, openssl_issue, Scratch};

use crate::bridge::{bridge, paho};
use crate::{kit, kit_in, ok, text, Running};

const START: Duration = Duration::from_secs(20);

/// Starts the platform on `data` with a free API port; returns it once it
/// printed its banner.
fn start(data: &Path) -> Running {
    start_with(data, &[]).0
}

/// The same with `extra` arguments; also returns the API's URL.
fn start_with(data: &Path, extra: &[&str]) -> (Running, String) {
    let (run, banner) = start_banner(data, extra);
    let url = http_url(&banner).to_string();
    (run, url)
}

/// Starts the platform with every port free-chosen and `extra` arguments;
/// returns it and its banner (every line up to `data: `, the broker's
/// start among them), after checking
/// the banner names each URL and key.
fn start_banner(data: &Path, extra: &[&str]) -> (Running, Vec<String>) {
    let mut args = vec!["platform", "--data", data.to_str().unwrap()];
    for port in [
        "--api-port",
        "--mqtt-port",
        "--mqtts-port",
        "--ws-port",
        "--wss-port",
    ] {
        args.extend_from_slice(&[port, "0"]);
    }
    args.extend_from_slice(extra);
    let run = Running::start(&args);
    let mut banner = Vec::new();
    loop {
        let line = run.stdout_until(START, |_| true);
        let last = line.starts_with("data: ");
        banner.push(line);
        if last {
            break;
        }
    }
    for start in [
        "http://127.0.0.1:",
        "mqtt://127.0.0.1:",
        "mqtts://127.0.0.1:",
        "ws://127.0.0.1:",
        "wss://127.0.0.1:",
        "API: http://127.0.0.1:",
        "platform CA: ",
        "AK: ",
        "SK: ",
        "project id: ",
    ] {
        assert!(
            banner.iter().any(|l| l.starts_with(start)),
            "no {start:?} in {banner:?}"
        );
    }
    (run, banner)
}

/// The banner's HTTP URL (the app's and the API's).
fn http_url(banner: &[String]) -> &str {
    banner
        .iter()
        .find(|l| l.starts_with("http://127.0.0.1:"))
        .expect("the HTTP URL")
}

/// The platform CA's file, as the banner names it.
fn platform_ca(banner: &[String]) -> String {
    banner_value(banner, "platform CA: ")
        .split(" (also ")
        .next()
        .expect("the platform CA's path")
        .to_string()
}

/// The banner's line starting with `start`, without it.
fn banner_value<'a>(banner: &'a [String], start: &str) -> &'a str {
    banner
        .iter()
        .find_map(|l| l.strip_prefix(start))
        .unwrap_or_else(|| panic!("no {start:?} in {banner:?}"))
}

/// `iotda-kit platform ARGS --data DATA`.
fn manage(data: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["platform"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", data.to_str().unwrap()]);
    kit(&all)
}

/// `device add` of product `meter` by fingerprint.
fn add_by_fingerprint(data: &Path, node: &str, fingerprint: &str) -> std::process::Output {
    manage(
        data,
        &[
            "device",
            "add",
            "--product-id",
            "meter",
            "--node-id",
            node,
            "--fingerprint",
            fingerprint,
        ],
    )
}

/// Product `meter` and its device `meter_{node}` with `secret`, allowed on
/// the non-secure port too (secure_access false).
fn meter_device(data: &Path, node: &str, secret: &str) {
    ok(&manage(
        data,
        &["product", "add", "--name", "Meter", "--product-id", "meter"],
    ));
    ok(&manage(
        data,
        &[
            "device",
            "add",
            "--product-id",
            "meter",
            "--node-id",
            node,
            "--secret",
            secret,
            "--allow-plain",
        ],
    ));
}

/// Asserts a command failed with `code` and said `needle` on stderr.
fn fails(out: &std::process::Output, code: i32, needle: &str) {
    assert_eq!(out.status.code(), Some(code), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
}

fn value<'a>(out: &'a str, label: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {out}"))
        .trim()
}

#[test]
fn the_seeds_x509_flow_registration_connection_report_online_then_a_clean_stop() {
    let dir = Scratch::new("cli-platform-x509");
    let data = dir.join("data");
    let (platform, banner) = start_banner(&data, &[]);
    ok(&manage(
        &data,
        &["product", "add", "--name", "Meter", "--product-id", "meter"],
    ));

    openssl_ca(dir.path(), "rootCA", "Seed Root");
    let uploaded = ok(&manage(
        &data,
        &["ca", "upload", dir.join("rootCA.pem").to_str().unwrap()],
    ));
    let id = value(&uploaded, "certificate id:").to_string();
    let code = value(&uploaded, "verification code:").to_string();
    openssl_issue(dir.path(), "rootCA", &code, "verificationCert");
    let verified = ok(&manage(
        &data,
        &[
            "ca",
            "verify",
            &id,
            dir.join("verificationCert.pem").to_str().unwrap(),
        ],
    ));
    assert!(verified.contains(&format!("verified {id}")), "{verified}");
    let listed = ok(&manage(&data, &["ca", "list"]));
    assert!(
        listed.contains(&id) && listed.contains(" verified "),
        "{listed}"
    );

    openssl_issue(dir.path(), "rootCA", "meter_node1", "device");
    let fp = openssl(
        dir.path(),
        &[
            "x509",
            "-in",
            "device.pem",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "");
    let added = ok(&add_by_fingerprint(&data, "node1", &fp));
    assert_eq!(value(&added, "device id:"), "meter_node1");
    let shown = ok(&manage(&data, &["device", "show", "meter_node1"]));
    assert!(
        shown.contains(&fp.to_ascii_lowercase()) && shown.contains("CERTIFICATES"),
        "{shown}"
    );

    // Refusals come back as IoTDA's error, exit 1.
    let dup = add_by_fingerprint(&data, "node1", &fp);
    fails(&dup, 1, "IOTDA.014031");
    let short = add_by_fingerprint(&data, "n2", "abcd");
    fails(&short, 1, "IOTDA.000006");

    // Connect over MQTTS with the device certificate, verifying the server
    // with the platform CA the banner names (X.509: ClientId
    // {device_id}_0_{sign type}_{hour}, user name the device id, no
    // password), and report properties with QoS 1.
    let mqtts = banner_value(&banner, "mqtts://127.0.0.1:").to_string();
    let ca_file = platform_ca(&banner);
    let device = |tool: &str, extra: &[&str]| {
        let mut cmd = std::process::Command::new(tool);
        cmd.current_dir(dir.path()).args([
            "-h",
            "localhost",
            "-p",
            &mqtts,
            "--cafile",
            &ca_file,
            "--cert",
            "device.pem",
            "--key",
            "device.key",
            "-i",
            "meter_node1_0_0_2026120710",
            "-u",
            "meter_node1",
            "-V",
            "mqttv311",
        ]);
        cmd.args(extra);
        cmd
    };
    let report = r#"{"services":[{"service_id":"BasicData","properties":{"luminance":30}}]}"#;
    let published = device(
        "mosquitto_pub",
        &[
            "-q",
            "1",
            "-t",
            "$oc/devices/meter_node1/sys/properties/report",
            "-m",
            report,
        ],
    )
    .output()
    .expect("run mosquitto_pub");
    assert!(published.status.success(), "{}", text(&published.stderr));
    let logged = platform.stdout_until(START, |l| l.starts_with("published: "));
    assert!(
        logged.contains("\"meter_node1\"")
            && logged.contains("$oc/devices/meter_node1/sys/properties/report")
            && logged.contains(report),
        "{logged}"
    );

    // While the device stays connected, the API shows it ONLINE.
    let mut listening = device(
        "mosquitto_sub",
        &["-t", "$oc/devices/meter_node1/sys/commands/#"],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .expect("run mosquitto_sub");
    let online = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        ok(&manage(&data, &["device", "show", "meter_node1"])).contains("\"ONLINE\"")
    });
    listening.kill().expect("stop mosquitto_sub");
    let _ = listening.wait();
    assert!(online, "the device never showed ONLINE");
    let offline = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        ok(&manage(&data, &["device", "show", "meter_node1"])).contains("\"OFFLINE\"")
    });
    assert!(
        offline,
        "the device never went OFFLINE after its connection ended"
    );

    platform.signal("TERM");
    let (code, _, stderr) = platform.finish();
    assert_eq!(code, Some(0));
    assert_eq!(stderr, "", "a clean stop prints no error");
}

#[test]
fn a_kill_9_during_device_adds_loses_nothing_acknowledged() {
    let dir = Scratch::new("cli-platform-kill");
    let data = dir.join("data");
    let platform = start(&data);
    ok(&manage(
        &data,
        &["product", "add", "--name", "P", "--product-id", "p"],
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let adder = {
        let (data, stop) = (data.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut acknowledged = Vec::new();
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let node = format!("n{n}");
                let out = manage(
                    &data,
                    &[
                        "device",
                        "add",
                        "--product-id",
                        "p",
                        "--node-id",
                        &node,
                        "--secret",
                        "12345678",
                    ],
                );
                if out.status.success() {
                    acknowledged.push(format!("p_{node}"));
                } else {
                    // The platform is gone: nothing more can be acknowledged.
                    break;
                }
            }
            acknowledged
        })
    };
    // Let a few adds through, then kill the platform mid-loop.
    std::thread::sleep(Duration::from_millis(1500));
    platform.signal("KILL");
    let _ = platform.finish();
    stop.store(true, Ordering::SeqCst);
    let acknowledged = adder.join().unwrap();
    assert!(
        acknowledged.len() >= 3,
        "only {} adds before the kill",
        acknowledged.len()
    );

    let again = start(&data);
    let listed = ok(&manage(&data, &["device", "list", "--product-id", "p"]));
    for id in &acknowledged {
        assert!(
            listed.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{id} lost; have:\n{listed}"
        );
    }
    again.signal("TERM");
    assert_eq!(again.finish().0, Some(0));
}

#[test]
fn products_devices_and_cas_are_listed_shown_reset_and_deleted() {
    let dir = Scratch::new("cli-platform-manage");
    let data = dir.join("data");
    let platform = start(&data);
    let model = dir.join("model.json");
    std::fs::write(
        &model,
        r#"{"service_capabilities":[{"service_id":"Battery","properties":[{"property_name":"level","data_type":"int","method":"R"}]}]}"#,
    )
    .unwrap();
    let added = ok(&manage(
        &data,
        &[
            "product",
            "add",
            "--name",
            "Lamp",
            "--model",
            model.to_str().unwrap(),
        ],
    ));
    let product = value(&added, "product id:").to_string();
    assert!(ok(&manage(&data, &["product", "list"])).contains(&format!("{product}  Lamp")));
    let shown = ok(&manage(&data, &["product", "show", &product]));
    assert!(
        shown.contains("\"Battery\"") && shown.contains("\"level\""),
        "{shown}"
    );

    let added = ok(&manage(
        &data,
        &["device", "add", "--product-id", &product, "--node-id", "n1"],
    ));
    let device = value(&added, "device id:").to_string();
    assert_eq!(value(&added, "secret:").len(), 32, "a secret is generated");
    let inactive = ok(&manage(&data, &["device", "list", "--status", "INACTIVE"]));
    assert!(
        inactive.contains(&format!("{device}  INACTIVE  {product}")),
        "{inactive}"
    );
    assert_eq!(
        ok(&manage(&data, &["device", "list", "--status", "ONLINE"])),
        ""
    );
    let reset = ok(&manage(
        &data,
        &["device", "reset-secret", &device, "--secret", "newsecret1"],
    ));
    assert_eq!(value(&reset, "secret:"), "newsecret1");
    assert!(ok(&manage(&data, &["device", "show", &device])).contains("newsecret1"));

    let refused = manage(&data, &["product", "delete", &product]);
    fails(&refused, 1, "IOTDA.014903");
    ok(&manage(&data, &["device", "delete", &device]));
    ok(&manage(&data, &["product", "delete", &product]));
    assert_eq!(ok(&manage(&data, &["product", "list"])), "");

    openssl_ca(dir.path(), "ca", "Lamp CA");
    let uploaded = ok(&manage(
        &data,
        &["ca", "upload", dir.join("ca.pem").to_str().unwrap()],
    ));
    let id = value(&uploaded, "certificate id:").to_string();
    assert!(ok(&manage(&data, &["ca", "list"])).contains(&format!("{id}  unverified")));
    let not_cert = manage(
        &data,
        &["ca", "upload", dir.join("ca.key").to_str().unwrap()],
    );
    fails(&not_cert, 1, "IOTDA.014906");
    ok(&manage(&data, &["ca", "delete", &id]));
    assert_eq!(ok(&manage(&data, &["ca", "list"])), "");

    // A wrong SK given on the command line is refused as IoTDA refuses it.
    let ak = {
        let line = std::fs::read_to_string(data.join("api-credentials.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        json["ak"].as_str().unwrap().to_string()
    };
    let wrong = manage(
        &data,
        &["product", "list", "--ak", &ak, "--sk", &"x".repeat(40)],
    );
    fails(&wrong, 1, "APIG.0301");
    platform.signal("INT");
    assert_eq!(platform.finish().0, Some(0));

    // With the platform gone, the command says where it looked.
    let gone = manage(&data, &["product", "list"]);
    fails(&gone, 1, "cannot reach the platform");
}

#[test]
fn no_auth_admits_unsigned_commands() {
    let dir = Scratch::new("cli-platform-noauth");
    let data = dir.join("data");
    let url = {
        let (run, url) = start_with(&data, &["--no-auth"]);
        // Another data folder's commands reach it unsigned by URL.
        let other = dir.join("other");
        let listed = kit(&[
            "platform",
            "product",
            "list",
            "--api-url",
            &url,
            "--unsigned",
            "--data",
            other.to_str().unwrap(),
        ]);
        assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
        // Signed, it needs keys that folder does not have, and says so.
        let keyless = kit(&[
            "platform",
            "product",
            "list",
            "--api-url",
            &url,
            "--data",
            other.to_str().unwrap(),
        ]);
        fails(&keyless, 2, "no API credentials");
        run.signal("TERM");
        assert_eq!(run.finish().0, Some(0));
        url
    };
    assert!(url.starts_with("http://127.0.0.1:"));
}

#[test]
fn one_origin_serves_the_app_the_api_and_the_platform_ca() {
    let dir = Scratch::new("cli-platform-origin");
    let app = dir.join("dist");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("index.html"),
        "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'self'\" /></head><body>the app</body></html>",
    )
    .unwrap();
    let data = dir.join("data");
    let (run, banner) = start_banner(&data, &["--app", app.to_str().unwrap()]);
    let http_url = http_url(&banner);
    assert!(banner.contains(&format!("app: {http_url}/")), "{banner:?}");
    let addr: std::net::SocketAddr = http_url.strip_prefix("http://").unwrap().parse().unwrap();

    // The page, and a client route of it.
    for path in ["/", "/console"] {
        let page = get(addr, path, "");
        assert_eq!(page.status, 200, "{path}");
        assert!(text(&page.body).contains("the app"), "{path}");
    }
    // The platform CA, as the file the banner names.
    let ca_file = platform_ca(&banner);
    let ca = get(addr, "/platform-ca.crt", "");
    assert_eq!(ca.status, 200);
    assert_eq!(ca.body, std::fs::read(&ca_file).unwrap());
    assert!(text(&ca.body).starts_with("-----BEGIN CERTIFICATE-----"));
    // An API path that is no operation gets the API's error, never the page.
    let missing = get(addr, "/v5/iotda/projects/p/no-such-thing", "");
    assert_eq!(missing.status, 404);
    let body: serde_json::Value = serde_json::from_slice(&missing.body).unwrap();
    assert_eq!(body["error_code"], "IOTDA.014910", "{body}");
    // The API itself, signed, on the same origin.
    ok(&manage(&data, &["product", "list"]));
    // Another site's name pointed at 127.0.0.1 is not answered.
    let rebound = http::raw(
        addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(rebound.status, 421);

    run.signal("INT");
    let (code, _, stderr) = run.finish();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn the_kits_own_pub_sub_and_simulate_are_admitted_as_iotda_devices() {
    let dir = Scratch::new("cli-platform-kit-clients");
    let data = dir.join("data");
    let (run, banner) = start_banner(&data, &[]);
    let mqtt = banner_value(&banner, "mqtt://127.0.0.1:").to_string();
    let mqtts = banner_value(&banner, "mqtts://127.0.0.1:").to_string();
    let ca_file = platform_ca(&banner);
    meter_device(&data, "kit", "kit-secret-1");
    let secret_device = |command: &str, port: &str, extra: &[&str]| {
        let mut args = vec![
            command,
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--device-id",
            "meter_kit",
            "--secret",
            "kit-secret-1",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run_kit = |args: Vec<String>| kit(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // pub, over MQTT with the computed password, QoS 1: acknowledged and
    // logged.
    let report = r#"{"services":[{"service_id":"BasicData","properties":{"luminance":7}}]}"#;
    let args = secret_device(
        "pub",
        &mqtt,
        &[
            "--topic",
            "$oc/devices/meter_kit/sys/properties/report",
            "--message",
            report,
            "--qos",
            "1",
        ],
    );
    ok(&run_kit(args));
    let logged = run.stdout_until(START, |l| l.starts_with("published: "));
    assert!(
        logged.contains("\"meter_kit\"") && logged.contains(report),
        "{logged}"
    );

    // The same with a wrong secret: refused, and the log says why.
    let wrong = kit(&[
        "pub",
        "--host",
        "127.0.0.1",
        "--port",
        &mqtt,
        "--device-id",
        "meter_kit",
        "--secret",
        "not-the-secret",
        "--topic",
        "$oc/devices/meter_kit/sys/properties/report",
        "--message",
        "{}",
    ]);
    assert_ne!(wrong.status.code(), Some(0));
    let refused = run.stdout_until(START, |l| l.starts_with("refused: "));
    assert!(refused.contains("meter_kit"), "{refused}");

    // simulate: two reports of the default model reach the platform.
    let args = secret_device(
        "simulate",
        &mqtt,
        &["--interval", "1", "--count", "2", "--seed", "7"],
    );
    let simulated = run_kit(args);
    ok(&simulated);
    // The platform answered its time sync request (page 3041's formula
    // applied by the device: a local platform's clock is the device's).
    let stderr = text(&simulated.stderr);
    let offset = stderr
        .lines()
        .find_map(|l| l.strip_prefix("time offset "))
        .unwrap_or_else(|| panic!("no time sync answer: {stderr}"));
    let ms: i64 = offset
        .trim_end_matches(" ms")
        .parse()
        .expect("milliseconds");
    assert!(ms.abs() < 2_000, "{offset}");
    for _ in 0..2 {
        // On connect it also publishes its system events (time, shadow,
        // versions); the reports are what this counts.
        let line = run.stdout_until(START, |l| {
            l.starts_with("published: ") && l.contains("/sys/properties/report")
        });
        assert!(
            line.contains("$oc/devices/meter_kit/sys/properties/report"),
            "{line}"
        );
    }

    // sub over MQTTS, verifying the platform CA: its subscription to its
    // own commands is granted (it waits, then ends with status 0), one to
    // another device's topic is refused and logged.
    let sub = |filter: &str| {
        run_kit(secret_device(
            "sub",
            &mqtts,
            &["--ca", &ca_file, "--topic", filter, "--timeout", "1"],
        ))
    };
    ok(&sub("$oc/devices/meter_kit/sys/commands/#"));
    let other = sub("$oc/devices/someone_else/sys/commands/#");
    assert_ne!(other.status.code(), Some(0), "{}", text(&other.stderr));
    let refused = run.stdout_until(START, |l| l.starts_with("subscription refused: "));
    assert!(refused.contains("someone_else"), "{refused}");

    run.signal("TERM");
    assert_eq!(run.finish().0, Some(0));
}

#[test]
fn an_x509_device_made_by_the_kit_reports_through_the_bridge_as_the_page_would() {
    let dir = Scratch::new("cli-platform-bridge");
    let d = dir.path();
    let data = dir.join("data");
    let (platform, banner) = start_banner(&data, &[]);
    ok(&manage(
        &data,
        &["product", "add", "--name", "Meter", "--product-id", "meter"],
    ));
    // The seed's steps with the kit's certificates (RSA 2048 by default):
    // CA, upload, verification certificate, device certificate, device
    // registered by fingerprint.
    let cert = |args: &[&str]| ok(&kit_in(d, &[&["cert"][..], args].concat()));
    let signer = ["--ca", "rootCA.pem", "--ca-key", "rootCA.key"];
    cert(&["ca", "--out-dir", "."]);
    let uploaded = ok(&manage(
        &data,
        &["ca", "upload", d.join("rootCA.pem").to_str().unwrap()],
    ));
    let id = value(&uploaded, "certificate id:").to_string();
    let code = value(&uploaded, "verification code:").to_string();
    cert(
        &[
            &["verification"][..],
            &signer,
            &["--code", &code, "--out-dir", "."],
        ]
        .concat(),
    );
    let path = d.join("verificationCert.pem");
    ok(&manage(
        &data,
        &["ca", "verify", &id, path.to_str().unwrap()],
    ));
    cert(
        &[
            &["device"][..],
            &signer,
            &["--cn", "node1", "--out-dir", "."],
        ]
        .concat(),
    );
    let fp = ok(&kit_in(d, &["fingerprint", "deviceCert.pem"]));
    ok(&add_by_fingerprint(&data, "node1", fp.trim()));

    // The bridge to the platform's MQTTS port, by address, verifying the
    // platform CA's server certificate by name; Paho through it as an X.509
    // device: no password.
    let mqtts: u16 = banner_value(&banner, "mqtts://127.0.0.1:").parse().unwrap();
    let ca_file = platform_ca(&banner);
    let files = [ca_file.as_str(), "deviceCert.pem", "deviceCert.key"];
    let (_bridge, url) = bridge(d, mqtts, files, &["--tls-name", "localhost"]);
    let report = r#"{"services":[{"service_id":"BasicData","properties":{"luminance":42}}]}"#;
    let (events, lines) = paho(
        &url,
        [
            "meter_node1_0_0_2026120710",
            "meter_node1",
            "$oc/devices/meter_node1/sys/commands/#",
            "$oc/devices/meter_node1/sys/properties/report",
        ],
        report,
        "puback",
    );
    let want = [
        serde_json::json!({"connack": 0}),
        serde_json::json!({"suback": [1]}),
        serde_json::json!({"puback": 0}),
    ];
    assert_eq!(events, want, "{lines}");
    let logged = platform.stdout_until(START, |l| l.starts_with("published: "));
    assert!(
        logged.contains("\"meter_node1\"") && logged.contains(report),
        "{logged}"
    );
}

#[test]
fn history_limit_and_command_timeout_are_taken_and_checked() {
    let dir = Scratch::new("cli-platform-history");
    let data = dir.join("data");
    let zero = kit(&[
        "platform",
        "--data",
        data.to_str().unwrap(),
        "--command-timeout",
        "0",
    ]);
    fails(&zero, 2, "--command-timeout");
    let zero = kit(&[
        "platform",
        "--data",
        data.to_str().unwrap(),
        "--history-limit",
        "0",
    ]);
    fails(&zero, 2, "--history-limit");

    let (run, url) = start_with(
        &data,
        &[
            "--no-auth",
            "--history-limit",
            "2",
            "--command-timeout",
            "1",
        ],
    );
    let added = manage(
        &data,
        &["product", "add", "--name", "H", "--product-id", "hp"],
    );
    assert_eq!(added.status.code(), Some(0), "{}", text(&added.stderr));
    let added = manage(
        &data,
        &[
            "device",
            "add",
            "--product-id",
            "hp",
            "--node-id",
            "n1",
            "--secret",
            "12345678",
        ],
    );
    assert_eq!(added.status.code(), Some(0), "{}", text(&added.stderr));
    let addr = url.trim_start_matches("http://").parse().unwrap();
    let answer = get(addr, "/v5/iot/any/devices/hp_n1/kit/status-events", "");
    assert_eq!(answer.status, 200, "{}", text(&answer.body));
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["limit"], 2, "{body}");
    assert_eq!(body["events"], serde_json::json!([]));
    // An offline device: the command is refused at once, not timed out.
    let command = http::raw(
        addr,
        format!(
            "POST /v5/iot/any/devices/hp_n1/commands HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n\
             {{\"paras\":{{}}}}"
        )
        .as_bytes(),
    );
    assert_eq!(command.status, 409, "{}", text(&command.body));
    run.signal("TERM");
    assert_eq!(run.finish().0, Some(0));
}

/// The platform with `--no-auth` (an API read unsigned): its run, its MQTT
/// port and its API's address.
fn start_unsigned(data: &Path) -> (Running, String, std::net::SocketAddr) {
    let (run, banner) = start_banner(data, &["--no-auth"]);
    let mqtt = banner_value(&banner, "mqtt://127.0.0.1:").to_string();
    let addr = http_url(&banner)
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    (run, mqtt, addr)
}

#[test]
fn the_doctor_reads_the_platforms_exact_reason_for_a_refusal() {
    let dir = Scratch::new("cli-platform-doctor");
    let data = dir.join("data");
    // --no-auth: the API is also read here unsigned (the doctor signs).
    let (run, mqtt, addr) = start_unsigned(&data);
    meter_device(&data, "doc", "doc-secret-1");
    let doctor = |extra: &[&str]| {
        let mut args = vec![
            "doctor",
            "--host",
            "127.0.0.1",
            "--port",
            &mqtt,
            "--device-id",
            "meter_doc",
            "--platform-data",
            data.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        kit(&args)
    };

    // A secret the platform does not hold: the CONNACK says only "bad user
    // name or password", the platform says which.
    let out = doctor(&["--secret", "not-the-secret"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("diagnosis: refused with code 4"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        lines.get(at + 1).copied(),
        Some(
            "platform: the platform refused it with CONNACK 4: wrong secret for device \
             \"meter_doc\": the password matches neither the primary nor the secondary secret"
        ),
        "{stdout}"
    );

    // Keep alive 10 s: the rule is the diagnosis, and the platform's reason
    // (it refused with CONNACK 2) is in the JSON.
    let out = doctor(&["--secret", "doc-secret-1", "--keepalive", "10", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{json}");
    assert_eq!(json["rule"], "keep_alive", "{json}");
    assert_eq!(
        json["platform"],
        "the platform refused it with CONNACK 2: keep alive 10 s is outside IoTDA's 30..=1200 s",
        "{json}"
    );

    // The same API, read directly: newest first, filtered by ClientId.
    let answer = get(addr, "/v5/iot/any/kit/refusals", "");
    assert_eq!(answer.status, 200, "{}", text(&answer.body));
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["limit"], 200, "{body}");
    let refusals = body["refusals"].as_array().unwrap();
    assert_eq!(refusals.len(), 2, "{body}");
    assert_eq!(refusals[0]["return_code"], 2, "{body}");
    assert_eq!(refusals[1]["return_code"], 4, "{body}");
    assert_eq!(refusals[1]["listener"], "mqtt", "{body}");
    let client_id = refusals[1]["client_id"].as_str().unwrap();
    assert!(client_id.starts_with("meter_doc_0_0_"), "{body}");
    // Both of that ClientId, unless the hour turned between them.
    let same = refusals
        .iter()
        .filter(|r| r["client_id"] == client_id)
        .count();
    let answer = get(
        addr,
        &format!("/v5/iot/any/kit/refusals?client_id={client_id}"),
        "",
    );
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["refusals"].as_array().unwrap().len(), same, "{body}");
    let answer = get(addr, "/v5/iot/any/kit/refusals?client_id=nobody", "");
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["refusals"], serde_json::json!([]), "{body}");

    // Accepted: nothing to ask the platform.
    let out = doctor(&["--secret", "doc-secret-1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("platform:"));

    run.signal("TERM");
    assert_eq!(run.finish().0, Some(0));
}

#[test]
fn a_broadcast_through_the_api_reaches_a_subscribed_device() {
    let dir = Scratch::new("cli-platform-broadcast");
    let data = dir.join("data");
    let (run, mqtt, addr) = start_unsigned(&data);
    meter_device(&data, "bc", "bc-secret-1");
    // The device subscribes to a broadcast topic, as the ACL allows.
    let sub = crate::mqtt::Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        &mqtt,
        "--device-id",
        "meter_bc",
        "--secret",
        "bc-secret-1",
        "--topic",
        "$oc/broadcast/test",
    ]);
    let post = |body: &str| {
        http::raw(
            addr,
            format!(
                "POST /v5/iot/any/broadcast-messages HTTP/1.1\r\nHost: {addr}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    };
    // The user guide's example: {"a":1} as Base64 "eyJhIjoxfQ==".
    let answer = post(r#"{"topic_full_name":"$oc/broadcast/test","message":"eyJhIjoxfQ=="}"#);
    assert_eq!(answer.status, 201, "{}", text(&answer.body));
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["topic_full_name"], "$oc/broadcast/test");
    assert_eq!(
        body["message_id"].as_str().map(str::len),
        Some(32),
        "{body}"
    );
    assert_eq!(
        sub.next(Duration::from_secs(20)),
        r#"$oc/broadcast/test {"a":1}"#
    );
    // Not a broadcast topic, not Base64, a cached broadcast: IoTDA's 400.
    for bad in [
        r#"{"topic_full_name":"$oc/devices/meter_bc/sys/messages/down","message":"eyJhIjoxfQ=="}"#,
        r#"{"topic_full_name":"$oc/broadcast/test","message":"not base64!"}"#,
        r#"{"topic_full_name":"$oc/broadcast/test","message":"eyJhIjoxfQ==","ttl":5}"#,
    ] {
        let answer = post(bad);
        assert_eq!(answer.status, 400, "{bad}: {}", text(&answer.body));
    }
    let _ = sub.interrupt();
    run.signal("TERM");
    assert_eq!(run.finish().0, Some(0));
}
