//! `iotda-kit model validate`: exit 0 and "valid", exit 1 and one problem
//! a line, exit 2 and one line on stderr for what cannot be read.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use iotda_testkit::Scratch;

use super::{kit_in, text, PROFILE_ZIP};

fn files() -> Scratch {
    let dir = Scratch::new("model-validate");
    for (name, body) in [
        (
            "ok.json",
            r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80},"event_time":"20151212T121212Z"}]}"#,
        ),
        (
            "bad.json",
            r#"{"services":[
                {"service_id":"Battery","properties":{"batteryLevel":101,"voltage":3},"event_time":"20151212T241212Z"},
                {"service_id":"Gps","properties":{}},
                {"service_id":"Connectivity","properties":{"dailyActivityTime":"5"}}]}"#,
        ),
        ("broken.json", r#"{"services": [{"service_id": "Battery","#),
        ("shape.json", r#"{"services": {"service_id": "Battery"}}"#),
        (
            "zip-ok.json",
            r#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":50,"batteryVoltage":3.3}}]}"#,
        ),
        (
            "model.json",
            r#"{"service_capabilities":[{"service_id":"Pump","properties":[
                {"property_name":"speed","data_type":"int","min":"0","max":"3000","step":10,"method":"RW"}]}]}"#,
        ),
        (
            "pump.json",
            r#"{"services":[{"service_id":"Pump","properties":{"speed":1205}}]}"#,
        ),
    ] {
        std::fs::write(dir.join(name), body).expect("write");
    }
    dir
}

/// `iotda-kit model validate` in `dir`, with `--model` when given.
fn validate(dir: &Scratch, model: Option<&str>, report: &str) -> Output {
    let model = model.map_or(Vec::new(), |m| vec!["--model", m]);
    kit_in(
        dir.path(),
        &[&["model", "validate"][..], &model, &["--report", report]].concat(),
    )
}

#[test]
fn a_report_that_fits_is_valid() {
    let dir = files();
    let out = validate(&dir, None, "ok.json");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "valid\n");
    assert_eq!(text(&out.stderr), "");
    // The console's ZIP, told from JSON by its magic bytes.
    let out = validate(&dir, Some(PROFILE_ZIP), "zip-ok.json");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "valid\n");
}

#[test]
fn every_problem_is_a_line_with_its_path_and_exit_1() {
    let dir = files();
    let out = validate(&dir, None, "bad.json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services[0].event_time: event_time \"20151212T241212Z\" is not valid (hour 24 is not 00-23); the platform will use the time it receives the report instead\n\
         services[0].properties.batteryLevel: 101 is above the maximum 100\n\
         services[0].properties.voltage: service \"Battery\" has no property \"voltage\" in the product model, so the platform will not store it\n\
         services[1].service_id: the product model has no service \"Gps\", so the platform will not store it\n\
         services[2].properties.dailyActivityTime: must be a whole number (int); got a string\n"
    );
    assert_eq!(
        text(&out.stderr),
        "error: bad.json does not fit the product model: 5 problems\n"
    );
    // JSON of another shape is a report that does not fit.
    let out = validate(&dir, None, "shape.json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services: invalid type: map, expected a sequence\n"
    );
    // Against another model: the REST JSON of --model, with its step.
    let out = validate(&dir, Some("model.json"), "pump.json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services[0].properties.speed: 1205 is not 0 plus a whole number of steps of 10\n"
    );
    let out = validate(&dir, Some(PROFILE_ZIP), "ok.json");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services[0].properties: the required property \"batteryVoltage\" is missing\n"
    );
}

#[test]
fn the_report_can_come_from_standard_input() {
    let dir = files();
    let mut child = Command::new(env!("CARGO_BIN_EXE_iotda-kit"))
        .args(["model", "validate", "--report", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start iotda-kit");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":-1}}]}"#)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services[0].properties.batteryLevel: -1 is below the minimum 0\n"
    );
    assert_eq!(
        text(&out.stderr),
        "error: standard input does not fit the product model: 1 problem\n"
    );
}

#[test]
fn unreadable_files_and_bad_json_are_one_line_with_exit_2() {
    let dir = files();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--report", "broken.json"],
            "error: broken.json: the payload is not valid JSON: EOF while parsing a value at line 1, column 39",
        ),
        (
            &["--report", "missing.json"],
            "error: cannot read missing.json: No such file or directory (os error 2)",
        ),
        (
            &["--model", "broken.json", "--report", "ok.json"],
            "error: broken.json: this is not a valid product model: the payload is not valid JSON",
        ),
        (
            &["--model", "ok.json", "--report", "ok.json"],
            "error: ok.json: this is a device's property report (it has \"services\"), not a product model",
        ),
        (&["--model", "missing.zip", "--report", "ok.json"], "missing.zip"),
        (&[], "--report"),
    ];
    for (args, want) in cases {
        let out = kit_in(dir.path(), &[&["model", "validate"][..], args].concat());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(want) || stderr.contains(want),
            "{args:?}: {stderr}"
        );
    }
}
