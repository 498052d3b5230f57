//! `iotda-kit payload check`: any uplink checked by its topic, exit 0 and
//! "valid ...", 1 and one problem a line, 2 for a topic IoTDA does not take.

use iotda_testkit::Scratch;

use super::{kit_in, text, PROFILE_ZIP};

fn files() -> Scratch {
    let dir = Scratch::new("payload-check");
    let device = |i: usize| {
        format!(
            r#"{{"device_id":"p_n{i}","services":[{{"service_id":"Battery","properties":{{"batteryLevel":50,"batteryVoltage":3.3}}}}]}}"#
        )
    };
    let devices = |n: usize| (0..n).map(device).collect::<Vec<_>>().join(",");
    for (name, body) in [
        ("gw3.json", format!(r#"{{"devices":[{}]}}"#, devices(3))),
        ("gw101.json", format!(r#"{{"devices":[{}]}}"#, devices(101))),
        (
            "python_event.json",
            // What Huawei's Python SDK sends on connect, its event_time form.
            r#"{"services":[{"service_id":"$sdk_info","event_type":"sdk_info_report","event_time":"2019-06-06T20:12:12Z","paras":{"device_sdk_version":"Python_v1.2.0","sw_version":"v1.0","fw_version":"v1.0"}}]}"#.to_owned(),
        ),
        (
            "progress.json",
            r#"{"services":[{"service_id":"$ota","event_type":"upgrade_progress_report","paras":{"result_code":0,"progress":100}}]}"#.to_owned(),
        ),
    ] {
        std::fs::write(dir.join(name), body).expect("write");
    }
    dir
}

const GATEWAY: &str = "$oc/devices/p_gw/sys/gateway/sub_devices/properties/report";

#[test]
fn a_gateway_report_is_checked_against_the_model_and_its_limit() {
    let dir = files();
    let out = kit_in(
        dir.path(),
        &[
            "payload",
            "check",
            "gw3.json",
            "--topic",
            GATEWAY,
            "--model",
            PROFILE_ZIP,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "valid sub-device property report\n");
    let out = kit_in(
        dir.path(),
        &["payload", "check", "gw101.json", "-t", GATEWAY],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "devices: the report is for 101 sub-devices; IoTDA takes at most 100 in one report, so split it\n"
    );
}

#[test]
fn events_are_checked_and_the_python_sdk_form_is_a_warning() {
    let dir = files();
    let up = "$oc/devices/p_gw/sys/events/up";
    let out = kit_in(
        dir.path(),
        &["payload", "check", "python_event.json", "-t", up],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("warning: services[0].event_time: \"2019-06-06T20:12:12Z\" is in the form yyyy-MM-dd'T'HH:mm:ss'Z'"), "{stdout}");
    assert!(stdout.ends_with("valid event up\n"), "{stdout}");
    let out = kit_in(dir.path(), &["payload", "check", "progress.json", "-t", up]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "services[0].paras: missing field `version`\n"
    );
}

#[test]
fn topics_iotda_does_not_take_are_bad_input() {
    let dir = files();
    let out = kit_in(
        dir.path(),
        &[
            "payload",
            "check",
            "gw3.json",
            "-t",
            "$oc/devices/p_gw/user/a//b",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("empty level"),
        "{}",
        text(&out.stderr)
    );
    let out = kit_in(
        dir.path(),
        &[
            "payload",
            "check",
            "gw3.json",
            "-t",
            "$oc/devices/p_gw/user/telemetry",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout)
        .starts_with("warning: custom topic user/telemetry works only if the product defines it"));
}
