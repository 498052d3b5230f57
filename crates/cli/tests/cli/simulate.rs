//! `iotda-kit simulate` against a real mosquitto: reports that fit the
//! model, answers on the response topics with the request id, a property
//! set seen in the next report, a get answered with the current values,
//! and requests left unanswered without --auto-respond.

use std::process::Command;
use std::time::Duration;

use iotda_core::iotda::{default_model, validate_properties_report_json, ProductModel};
use iotda_testkit::{BrokerConfig, Mosquitto, Scratch};
use serde_json::{json, Value};

use super::mqtt::{port, Subscriber};
use super::{kit, kit_in, ok, text, Running, PROFILE_ZIP};

const DEV: &str = "5f8d_node1";
const WAIT: Duration = Duration::from_secs(20);

/// A pump: a writable speed on a step, a read-only temperature, a command
/// with a response.
const PUMP_MODEL: &str = r#"{"service_capabilities":[{"service_id":"Pump","properties":[
    {"property_name":"speed","data_type":"int","min":"0","max":"3000","step":10,"method":"RW","required":true},
    {"property_name":"temperature","data_type":"decimal","min":"-20","max":"90","step":0.5,"method":"R"},
    {"property_name":"state","data_type":"enum","enum_list":["idle","running","fault"],"method":"RW"}],
  "commands":[{"command_name":"SET_SPEED",
    "paras":[{"para_name":"speed","data_type":"int","min":"0","max":"3000","required":true}],
    "responses":[{"response_name":"ACK","paras":[{"para_name":"result","data_type":"enum","enum_list":["ok","busy"]}]}]}]}]}"#;

fn topic(tail: &str) -> String {
    format!("$oc/devices/{DEV}/sys/{tail}")
}

/// Publishes with mosquitto_pub, as the platform would.
fn platform_sends(port: &str, tail: &str, payload: &str) {
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", port, "-q", "1"])
        .args(["-t", &topic(tail), "-m", payload])
        .status()
        .expect("run mosquitto_pub (apt-get install mosquitto-clients)");
    assert!(status.success(), "mosquitto_pub {tail}");
}

/// `sub --json` on every topic of the device, the platform's and its own.
fn watch_device(port: &str) -> Subscriber {
    Subscriber::start(&[
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--topic",
        &topic("#"),
        "--qos",
        "1",
        "--json",
    ])
}

/// The payload of the next message on `tail` that `sub --json` prints,
/// skipping the others.
fn next_on(sub: &Subscriber, tail: &str) -> Value {
    let want = topic(tail);
    loop {
        let line: Value = serde_json::from_str(&sub.next(WAIT)).expect("sub --json line");
        if line["topic"] == want.as_str() {
            let payload = line["payload"].as_str().expect("text payload");
            return serde_json::from_str(payload).expect("JSON payload");
        }
    }
}

fn simulate_args<'a>(port: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    [
        &[
            "simulate",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--username",
            DEV,
        ][..],
        extra,
    ]
    .concat()
}

#[test]
fn reports_arrive_and_fit_the_model() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let cases: [(&[&str], ProductModel); 2] = [
        (&[], default_model()),
        (
            &["--model", PROFILE_ZIP, "--walk"],
            ProductModel::from_zip(&std::fs::read(PROFILE_ZIP).expect("read the ZIP"))
                .expect("the ZIP reads"),
        ),
    ];
    for (extra, model) in cases {
        let sub = Subscriber::start(&[
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--topic",
            &topic("properties/report"),
            "--count",
            "2",
            "--timeout",
            "30",
            "--json",
        ]);
        let args = simulate_args(
            &port,
            &[&["--count", "2", "--interval", "1"][..], extra].concat(),
        );
        let printed = ok(&kit(&args));
        let printed: Vec<&str> = printed.lines().collect();
        assert_eq!(printed.len(), 2, "{extra:?}: {printed:?}");
        let (code, stdout, stderr) = sub.finish();
        assert_eq!(code, Some(0), "{stderr}");
        let received: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("sub --json line"))
            .collect();
        assert_eq!(received.len(), 2, "{extra:?}: {stdout}");
        for (i, (line, message)) in printed.iter().zip(&received).enumerate() {
            let payload = message["payload"].as_str().expect("text payload");
            assert_eq!(*line, format!("report {} {payload}", i + 1));
            assert_eq!(
                validate_properties_report_json(&model, payload.as_bytes()),
                [],
                "{extra:?}: {payload}"
            );
            let report: Value = serde_json::from_str(payload).expect("JSON");
            assert_eq!(
                report["services"].as_array().map(Vec::len),
                Some(model.service_capabilities.len()),
                "{payload}"
            );
            assert!(report["services"][0]["event_time"].is_string());
        }
    }
}

#[test]
fn a_seed_repeats_the_values() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let dir = Scratch::new("simulate-seed");
    std::fs::write(dir.join("pump.json"), PUMP_MODEL).expect("write the model");
    let run = |seed: &str| {
        let args = simulate_args(
            &port,
            &[
                "--model",
                "pump.json",
                "--interval",
                "0",
                "--count",
                "1",
                "--seed",
                seed,
            ],
        );
        let out = ok(&kit_in(dir.path(), &args));
        let line = out.strip_prefix("report 1 ").expect("one report");
        let report: Value = serde_json::from_str(line).expect("JSON");
        report["services"][0]["properties"].clone()
    };
    let first = run("7");
    assert_eq!(run("7"), first);
    assert_ne!(run("8"), first);
}

#[test]
fn auto_respond_answers_commands_sets_and_gets_on_the_request_id() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let dir = Scratch::new("simulate-respond");
    std::fs::write(dir.join("pump.json"), PUMP_MODEL).expect("write the model");
    let model = dir.join("pump.json").display().to_string();
    let sub = watch_device(&port);
    let sim = Running::start(&simulate_args(
        &port,
        &[
            "--model",
            &model,
            "--interval",
            "1",
            "--auto-respond",
            "--seed",
            "1",
        ],
    ));
    // Reporting, so subscribed.
    sim.stdout_until(WAIT, |l| l.starts_with("report 1 "));

    platform_sends(
        &port,
        "commands/request_id=42",
        r#"{"object_device_id":"5f8d_node1","service_id":"Pump","command_name":"SET_SPEED","paras":{"speed":1500}}"#,
    );
    assert_eq!(
        next_on(&sub, "commands/response/request_id=42"),
        json!({"result_code": 0, "response_name": "ACK", "paras": {"result": "ok"}})
    );

    platform_sends(
        &port,
        "commands/request_id=43",
        r#"{"service_id":"Pump","command_name":"SET_SPEED","paras":{"speed":5000}}"#,
    );
    assert_eq!(
        next_on(&sub, "commands/response/request_id=43"),
        json!({"result_code": 1, "paras": {"error": "paras.speed: 5000 is above the maximum 3000"}})
    );

    platform_sends(
        &port,
        "properties/set/request_id=44",
        r#"{"services":[{"service_id":"Pump","properties":{"speed":1230,"state":"running"}}]}"#,
    );
    assert_eq!(
        next_on(&sub, "properties/set/response/request_id=44"),
        json!({"result_code": 0, "result_desc": "success"})
    );
    // Sent after the answer, so with the new values.
    let report = next_on(&sub, "properties/report");
    assert_eq!(report["services"][0]["properties"]["speed"], 1230);
    assert_eq!(report["services"][0]["properties"]["state"], "running");

    platform_sends(
        &port,
        "properties/set/request_id=45",
        r#"{"services":[{"service_id":"Pump","properties":{"speed":9999,"state":"idle"}}]}"#,
    );
    assert_eq!(
        next_on(&sub, "properties/set/response/request_id=45"),
        json!({"result_code": 1, "result_desc": "services[0].properties.speed: 9999 is above the maximum 3000; \
            services[0].properties.speed: 9999 is not 0 plus a whole number of steps of 10"})
    );
    let report = next_on(&sub, "properties/report");
    assert_eq!(report["services"][0]["properties"]["speed"], 1230);
    assert_eq!(report["services"][0]["properties"]["state"], "running");

    platform_sends(
        &port,
        "properties/get/request_id=46",
        r#"{"service_id":"Pump"}"#,
    );
    let got = next_on(&sub, "properties/get/response/request_id=46");
    let properties = &got["services"][0]["properties"];
    assert_eq!(got["services"][0]["service_id"], "Pump");
    assert_eq!(properties["speed"], 1230);
    assert_eq!(properties["state"], "running");
    assert!(properties["temperature"].is_number(), "{got}");

    platform_sends(&port, "messages/down", "hello");
    sim.stdout_until(WAIT, |l| l == "message down \"hello\"");

    // SIGTERM: a clean DISCONNECT, exit 0.
    sim.signal("TERM");
    let (code, _, stderr) = sim.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let (code, _, stderr) = sub.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn without_auto_respond_requests_are_shown_and_left_unanswered() {
    let broker = Mosquitto::start(&BrokerConfig::default());
    let port = port(&broker);
    let sub = watch_device(&port);
    let sim = Running::start(&simulate_args(&port, &["--interval", "2", "--count", "2"]));
    sim.stdout_until(WAIT, |l| l.starts_with("report 1 "));
    platform_sends(
        &port,
        "commands/request_id=42",
        r#"{"service_id":"Battery","command_name":"RESET"}"#,
    );
    let line = sim.stdout_until(WAIT, |l| l.starts_with("command "));
    assert_eq!(
        line,
        r#"command request_id=42 {"service_id":"Battery","command_name":"RESET","paras":{}}: not answered (--auto-respond answers)"#
    );
    let (code, stdout, stderr) = sim.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("report 2 "), "{stdout}");
    // Report 2 came after the command: an answer would have come before it.
    let mut seen = Vec::new();
    loop {
        let line: Value = serde_json::from_str(&sub.next(WAIT)).expect("sub --json line");
        let topic = line["topic"].as_str().expect("topic").to_owned();
        let payload = line["payload"].as_str().unwrap_or_default().to_owned();
        seen.push(topic.clone());
        if topic.ends_with("/properties/report") && payload == stdout.trim()["report 2 ".len()..] {
            break;
        }
    }
    assert!(!seen.iter().any(|t| t.contains("/response/")), "{seen:#?}");
    let (code, _, _) = sub.interrupt();
    assert_eq!(code, Some(0));
}

#[test]
fn bad_input_is_one_line_with_exit_2() {
    let dir = Scratch::new("simulate-bad");
    let d = dir.path();
    let base = ["simulate", "--host", "127.0.0.1", "--port", "1"];
    let cases: &[(&[&str], &str)] = &[
        (&[], "--device-id"),
        (&["--username", DEV, "--count", "0"], "--count"),
        (
            &["--username", DEV, "--interval", "0", "--count", "2"],
            "--interval",
        ),
        (&["--username", DEV, "--service", "Gps"], "\"Gps\""),
        (
            &["--username", DEV, "--response-paras", "[1]"],
            "--response-paras",
        ),
        (
            &["--username", DEV, "--model", "missing.json"],
            "missing.json",
        ),
        (&["--username", "a b"], "\"a b\""),
    ];
    for (extra, must_contain) in cases {
        let out = kit_in(d, &[&base[..], extra].concat());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{extra:?}: {stderr}");
        assert!(stderr.contains(must_contain), "{extra:?}: {stderr}");
    }
}
