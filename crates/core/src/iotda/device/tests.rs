//! The simulated device: every path of a message from the platform, and
//! thousands of simulated reports checked by the validator.

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

use super::*;
use crate::iotda::{
    default_model, validate_properties_report, validate_properties_report_json, DataType, Property,
};

const DEV: &str = "5f8d_node1";

/// Every data type, bounds open and closed, odd steps, a write-only
/// property, a command with a response.
fn every_type_model() -> ProductModel {
    let model = json!({"service_capabilities": [
        {"service_id": "Meter", "properties": [
            {"property_name": "count", "data_type": "int", "min": "-5", "max": "5", "step": 1, "method": "RW", "required": true},
            {"property_name": "total", "data_type": "long", "min": "-9223372036854775808", "max": "9223372036854775807", "method": "R"},
            {"property_name": "temperature", "data_type": "decimal", "min": "-40", "max": "85.5", "step": 0.1, "method": "RW"},
            {"property_name": "ratio", "data_type": "decimal", "method": "R"},
            {"property_name": "label", "data_type": "string", "max_length": 4, "method": "RW"},
            {"property_name": "note", "data_type": "string", "method": "R"},
            {"property_name": "colour", "data_type": "string", "enum_list": ["red", "green", "blue"], "method": "R"},
            {"property_name": "mode", "data_type": "enum", "enum_list": ["auto", "manual", "off"], "method": "RW"},
            {"property_name": "updated", "data_type": "DateTime", "method": "R"},
            {"property_name": "config", "data_type": "jsonObject", "method": "RW", "default_value": {"a": 1}},
            {"property_name": "on", "data_type": "boolean", "method": "RW"},
            {"property_name": "tags", "data_type": "string list", "method": "R"},
            {"property_name": "pin", "data_type": "string", "method": "W"}
        ], "commands": [
            {"command_name": "SET_LEVEL",
             "paras": [{"para_name": "level", "data_type": "int", "min": "0", "max": "10", "required": true}],
             "responses": [{"response_name": "LEVEL_SET", "paras": [{"para_name": "result", "data_type": "enum", "enum_list": ["done", "busy"]}]}]},
            {"command_name": "RESET"}
        ]},
        {"service_id": "Odd", "properties": [
            {"property_name": "half", "data_type": "decimal", "min": "0.25", "max": "0.75", "step": 0.05, "method": "R"},
            {"property_name": "coarse", "data_type": "int", "min": "3", "max": "1000", "step": 7.5, "method": "R"},
            {"property_name": "negative", "data_type": "long", "max": "-1000", "step": 3, "method": "R"},
            {"property_name": "tiny", "data_type": "decimal", "min": "-0.000001", "max": "0.000001", "step": 0.0000005, "method": "R"},
            {"property_name": "key", "data_type": "string", "method": "W", "required": true}
        ]}
    ]});
    ProductModel::from_json(model.to_string().as_bytes()).unwrap()
}

fn device() -> SimulatedDevice {
    SimulatedDevice::new(every_type_model(), DEV).unwrap()
}

fn topic(tail: &str) -> String {
    format!("$oc/devices/{DEV}/sys/{tail}")
}

/// Handles a message and returns the reply's topic and JSON.
fn reply(device: &mut SimulatedDevice, tail: &str, payload: Value) -> (String, Value, Answer) {
    let (_, reply) = device
        .handle(&topic(tail), payload.to_string().as_bytes())
        .unwrap();
    let reply = reply.expect("a reply");
    let body = serde_json::from_slice(&reply.uplink.payload).unwrap();
    (reply.uplink.topic.to_string(), body, reply.answer)
}

#[test]
fn first_values_come_from_the_model() {
    let d = device();
    for (service, property, value) in [
        ("Meter", "count", json!(-5)),
        ("Meter", "total", json!(i64::MIN)),
        ("Meter", "temperature", json!(-40.0)),
        ("Meter", "ratio", json!(0.0)),
        ("Meter", "label", json!("text")),
        ("Meter", "colour", json!("red")),
        ("Meter", "mode", json!("auto")),
        ("Meter", "updated", json!("19700101T000000Z")),
        ("Meter", "config", json!({"a": 1})),
        ("Meter", "on", json!(false)),
        ("Meter", "tags", json!([])),
        ("Odd", "half", json!(0.25)),
        ("Odd", "coarse", json!(3)),
        ("Odd", "negative", json!(-1299)),
        ("Odd", "tiny", json!(-0.000001)),
    ] {
        assert_eq!(
            d.value(service, property),
            Some(&value),
            "{service}.{property}"
        );
    }
    assert_eq!(d.value("Meter", "nothing"), None);
    assert_eq!(d.value("Nothing", "count"), None);
}

#[test]
fn reports_carry_readable_and_required_properties() {
    let d = device();
    let t = EventTime::from_unix_millis(1_450_000_000_000).unwrap();
    let report = d.report(&["Odd"], Some(t)).unwrap();
    assert_eq!(
        serde_json::to_value(&report).unwrap(),
        json!({"services": [{"service_id": "Odd", "event_time": "20151213T094640Z", "properties": {
            "half": 0.25, "coarse": 3, "negative": -1299, "tiny": -0.000001, "key": "text"
        }}]})
    );
    // All services, in the model's order; the write-only "pin" is left out.
    let all = d.report::<&str>(&[], None).unwrap();
    assert_eq!(
        all.services
            .iter()
            .map(|s| s.service_id.as_str())
            .collect::<Vec<_>>(),
        ["Meter", "Odd"]
    );
    assert!(all.services[0].event_time.is_none());
    assert!(!all.services[0].properties.contains_key("pin"));
    assert_eq!(all.services[0].properties.len(), 12);
    assert_eq!(validate_properties_report(d.model(), &all), []);
    assert_eq!(
        d.report(&["Gps"], None),
        Err(DeviceError::UnknownService {
            service_id: "Gps".into()
        })
    );
    let uplink = d.report_uplink(&["Odd"], None).unwrap();
    assert_eq!(uplink.topic.to_string(), topic("properties/report"));
    assert_eq!(
        PropertiesReport::decode(&uplink.payload).unwrap(),
        d.report(&["Odd"], None).unwrap()
    );
}

#[test]
fn a_command_that_fits_is_answered_on_its_response_topic() {
    let mut d = device();
    // The model's first response, with first values of its parameters.
    let (to, body, answer) = reply(
        &mut d,
        "commands/request_id=42",
        json!({"object_device_id": DEV, "service_id": "Meter", "command_name": "SET_LEVEL", "paras": {"level": 3}}),
    );
    assert_eq!(to, topic("commands/response/request_id=42"));
    assert_eq!(
        body,
        json!({"result_code": 0, "response_name": "LEVEL_SET", "paras": {"result": "done"}})
    );
    assert_eq!(answer.problems(), []);
    // A command without a response in the model: the result code alone.
    let (_, body, _) = reply(
        &mut d,
        "commands/request_id=43",
        json!({"service_id": "Meter", "command_name": "RESET"}),
    );
    assert_eq!(body, json!({"result_code": 0}));
    // The configured reply wins.
    let mut paras = Map::new();
    paras.insert("why".into(), json!("simulated failure"));
    d.set_command_reply(CommandReply {
        result_code: 5,
        response_name: Some("FAILED".into()),
        paras: Some(paras),
    });
    let (to, body, _) = reply(
        &mut d,
        "commands/request_id=6c5ff2d2-8b5a",
        json!({"service_id": "Meter", "command_name": "SET_LEVEL", "paras": {"level": 10}}),
    );
    assert_eq!(to, topic("commands/response/request_id=6c5ff2d2-8b5a"));
    assert_eq!(
        body,
        json!({"result_code": 5, "response_name": "FAILED", "paras": {"why": "simulated failure"}})
    );
    assert_eq!(d.command_reply().result_code, 5);
}

#[test]
fn a_command_that_breaks_the_model_is_refused_with_the_problems_in_words() {
    let cases = [
        (
            json!({"service_id": "Meter", "command_name": "SET_LEVEL", "paras": {"level": 11}}),
            "paras.level: 11 is above the maximum 10",
        ),
        (
            json!({"service_id": "Meter", "command_name": "SET_LEVEL", "paras": {"level": "3", "speed": 1}}),
            "paras.level: must be a whole number (int); got a string; paras.speed: command \"SET_LEVEL\" has no parameter \"speed\" in the product model",
        ),
        (
            json!({"service_id": "Meter", "command_name": "SET_LEVEL"}),
            "paras: the required parameter \"level\" is missing",
        ),
        (
            json!({"service_id": "Meter", "command_name": "FLY"}),
            "command_name: service \"Meter\" has no command \"FLY\" in the product model",
        ),
        (
            json!({"service_id": "Pump", "command_name": "RESET"}),
            "service_id: the product model has no service \"Pump\", so the platform will not store it",
        ),
        (
            json!({"paras": {}}),
            "service_id: service_id is missing, so this cannot be matched to the product model; command_name: command_name is missing, so this cannot be matched to the product model",
        ),
    ];
    for (request, error) in cases {
        let mut d = device();
        let (to, body, answer) = reply(&mut d, "commands/request_id=7", request.clone());
        assert_eq!(to, topic("commands/response/request_id=7"));
        assert_eq!(
            body,
            json!({"result_code": REFUSED_RESULT_CODE, "paras": {"error": error}}),
            "{request}"
        );
        assert!(!answer.problems().is_empty());
    }
}

#[test]
fn a_property_set_that_fits_is_applied_and_kept_by_the_simulation() {
    let mut d = device();
    let (to, body, answer) = reply(
        &mut d,
        "properties/set/request_id=9",
        json!({"object_device_id": DEV, "services": [
            {"service_id": "Meter", "properties": {"temperature": 21.5, "mode": "manual", "on": true}}
        ]}),
    );
    assert_eq!(to, topic("properties/set/response/request_id=9"));
    assert_eq!(body, json!({"result_code": 0, "result_desc": "success"}));
    assert_eq!(answer.problems(), []);
    assert_eq!(d.value("Meter", "temperature"), Some(&json!(21.5)));
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    for _ in 0..50 {
        d.advance(0, Simulation::Random, &mut rng);
    }
    let report = d.report(&["Meter"], None).unwrap();
    let meter = &report.services[0].properties;
    assert_eq!(meter["temperature"], json!(21.5));
    assert_eq!(meter["mode"], json!("manual"));
    assert_eq!(meter["on"], json!(true));
    // A write-only property is set, and not reported.
    let (_, body, _) = reply(
        &mut d,
        "properties/set/request_id=10",
        json!({"services": [{"service_id": "Meter", "properties": {"pin": "1234"}}]}),
    );
    assert_eq!(body["result_code"], 0);
    assert_eq!(d.value("Meter", "pin"), Some(&json!("1234")));
}

#[test]
fn a_value_typed_in_is_checked_kept_and_moved_on_by_the_simulation() {
    let mut d = device();
    // Read-only properties take the device's own readings.
    d.set_value("Odd", "half", json!(0.5)).unwrap();
    assert_eq!(d.value("Odd", "half"), Some(&json!(0.5)));
    assert_eq!(
        d.report(&["Odd"], None).unwrap().services[0].properties["half"],
        json!(0.5)
    );
    let refused = [
        (
            "Odd",
            "half",
            json!(0.8),
            "Odd.half: 0.8 is above the maximum 0.75",
        ),
        (
            "Meter",
            "count",
            json!("3"),
            "Meter.count: must be a whole number (int); got a string",
        ),
        (
            "Meter",
            "nope",
            json!(1),
            "Meter.nope: service \"Meter\" has no property \"nope\"",
        ),
        (
            "Gone",
            "x",
            json!(1),
            "the product model has no service \"Gone\"",
        ),
    ];
    for (service, property, value, sentence) in refused {
        let problems = d.set_value(service, property, value.clone()).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.starts_with(sentence)),
            "{service}.{property} = {value}: {text:?}"
        );
    }
    assert_eq!(
        d.value("Odd", "half"),
        Some(&json!(0.5)),
        "refusals change nothing"
    );
    // Not held: the simulation moves it on.
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let moved = (0..50).any(|_| {
        d.advance(0, Simulation::Random, &mut rng);
        d.value("Odd", "half") != Some(&json!(0.5))
    });
    assert!(moved);
}

#[test]
fn a_property_set_that_breaks_the_model_changes_nothing() {
    let cases = [
        (
            json!({"services": [{"service_id": "Meter", "properties": {"temperature": 90}}]}),
            "services[0].properties.temperature: 90 is above the maximum 85.5",
        ),
        (
            json!({"services": [{"service_id": "Meter", "properties": {"temperature": 20, "count": 1.5}}]}),
            "services[0].properties.count: must be a whole number (int); got a number with a fraction or exponent",
        ),
        (
            json!({"services": [{"service_id": "Meter", "properties": {"temperature": 20.05}}]}),
            "services[0].properties.temperature: 20.05 is not -40 plus a whole number of steps of 0.1",
        ),
        (
            json!({"services": [{"service_id": "Meter", "properties": {"temperature": 20}}, {"service_id": "Odd", "properties": {"half": 0.5}}]}),
            "services[1].properties.half: property \"half\" cannot be set: its method is R, and only properties with W are writable",
        ),
        (
            json!({"services": [{"service_id": "Pump", "properties": {}}]}),
            "services[0].service_id: the product model has no service \"Pump\", so the platform will not store it",
        ),
    ];
    for (request, desc) in cases {
        let mut d = device();
        let before = d.clone();
        let (to, body, answer) = reply(&mut d, "properties/set/request_id=11", request.clone());
        assert_eq!(to, topic("properties/set/response/request_id=11"));
        assert_eq!(
            body,
            json!({"result_code": REFUSED_RESULT_CODE, "result_desc": desc}),
            "{request}"
        );
        assert!(!answer.problems().is_empty());
        assert_eq!(d, before, "nothing applied: {request}");
    }
}

#[test]
fn a_property_get_is_answered_with_the_current_values() {
    let mut d = device();
    reply(
        &mut d,
        "properties/set/request_id=1",
        json!({"services": [{"service_id": "Meter", "properties": {"count": 4}}]}),
    );
    let (to, body, answer) = reply(
        &mut d,
        "properties/get/request_id=12",
        json!({"object_device_id": DEV, "service_id": "Meter"}),
    );
    assert_eq!(to, topic("properties/get/response/request_id=12"));
    assert_eq!(answer.problems(), []);
    let services = body["services"].as_array().unwrap();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0]["service_id"], "Meter");
    assert_eq!(services[0]["properties"]["count"], 4);
    assert_eq!(services[0]["properties"]["colour"], "red");
    assert!(services[0].get("event_time").is_none());

    let (_, body, _) = reply(&mut d, "properties/get/request_id=13", json!({}));
    assert_eq!(
        body,
        serde_json::to_value(d.report::<&str>(&[], None).unwrap()).unwrap()
    );

    let (_, body, answer) = reply(
        &mut d,
        "properties/get/request_id=14",
        json!({"service_id": "Pump"}),
    );
    assert_eq!(body, json!({"services": []}));
    assert_eq!(
        answer.problems()[0].to_string(),
        "service_id: the product model has no service \"Pump\", so the platform will not store it"
    );
}

#[test]
fn messages_events_and_shadows_are_shown_only() {
    let mut d = device();
    let before = d.clone();
    for (tail, payload, kind) in [
        ("messages/down", &b"hello"[..], TopicKind::MessagesDown),
        ("messages/down", &[0xff, 0][..], TopicKind::MessagesDown),
        (
            "events/down",
            br#"{"services":[{"service_id":"$ota","event_type":"version_query","paras":{}}]}"#,
            TopicKind::EventsDown,
        ),
        (
            "shadow/get/response/request_id=5",
            br#"{"shadow":[{"service_id":"Meter","desired":{"properties":{"count":1}},"version":3}]}"#,
            TopicKind::ShadowGetResponse,
        ),
    ] {
        let (downlink, reply) = d.handle(&topic(tail), payload).unwrap();
        assert_eq!(downlink.kind(), kind);
        assert_eq!(reply, None, "{tail}");
    }
    assert_eq!(d, before);
    let (downlink, _) = d
        .handle(
            &topic("shadow/get/response/request_id=5"),
            br#"{"shadow":[]}"#,
        )
        .unwrap();
    assert_eq!(downlink.request_id(), Some("5"));
    assert_eq!(
        d.parse_downlink(&topic("messages/down"), b"hi").unwrap(),
        Downlink::Message(Message::Text("hi".into()))
    );
}

#[test]
fn what_cannot_be_taken_is_a_typed_error() {
    let mut d = device();
    let cases: Vec<(String, &[u8], DeviceError)> = vec![
        (
            topic("commands/request_id=1"),
            b"{\"service_id\":",
            DeviceError::Payload {
                kind: TopicKind::CommandRequest,
                error: PayloadError::Syntax {
                    line: 1,
                    column: 14,
                    detail: "EOF while parsing a value".into(),
                },
            },
        ),
        (
            topic("properties/set/request_id=1"),
            br#"{"services":{}}"#,
            DeviceError::Payload {
                kind: TopicKind::PropertiesSetRequest,
                error: PayloadError::Field {
                    path: "services".into(),
                    detail: "invalid type: map, expected a sequence".into(),
                },
            },
        ),
        (
            topic("properties/get/request_id=1"),
            b"\"all\"",
            DeviceError::Payload {
                kind: TopicKind::PropertiesGetRequest,
                error: PayloadError::Field {
                    path: String::new(),
                    detail: "invalid type: string \"all\", expected struct PropertiesGetRequest"
                        .into(),
                },
            },
        ),
        (
            "$oc/devices/other_node/sys/commands/request_id=1".into(),
            b"{}",
            DeviceError::OtherDevice {
                device_id: "other_node".into(),
            },
        ),
        (
            topic("properties/report"),
            b"{}",
            DeviceError::NotDownlink {
                kind: TopicKind::PropertiesReport,
            },
        ),
        (
            format!("$oc/devices/{DEV}/user/anything"),
            b"{}",
            DeviceError::Topic(TopicError::NotSystemTopic {
                topic: format!("$oc/devices/{DEV}/user/anything"),
            }),
        ),
        (
            topic("commands/#"),
            b"{}",
            DeviceError::Topic(TopicError::Wildcard {
                topic: topic("commands/#"),
            }),
        ),
    ];
    let before = d.clone();
    for (topic, payload, error) in cases {
        assert_eq!(d.handle(&topic, payload), Err(error), "{topic}");
    }
    assert!(matches!(
        d.handle(&topic("events/down"), b"{\"services\":5}"),
        Err(DeviceError::Payload {
            kind: TopicKind::EventsDown,
            ..
        })
    ));
    assert!(matches!(
        d.handle(&topic("shadow/get/response/request_id=2"), b"x"),
        Err(DeviceError::Payload {
            kind: TopicKind::ShadowGetResponse,
            ..
        })
    ));
    assert_eq!(d, before);
    assert_eq!(
        d.handle(&topic("commands/request_id=1"), b"{")
            .unwrap_err()
            .to_string(),
        "the command request cannot be read: the payload is not valid JSON: EOF while parsing an object at line 1, column 1"
    );
    assert_eq!(
        SimulatedDevice::new(default_model(), "a b")
            .unwrap_err()
            .to_string(),
        "device id \"a b\" is not valid: ".to_owned()
            + &crate::credentials::check_device_id("a b")
                .unwrap_err()
                .to_string()
    );
}

#[test]
fn random_bytes_on_any_topic_never_panic() {
    let mut d = device();
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let tails = [
        "commands/request_id=1",
        "properties/set/request_id=1",
        "properties/get/request_id=1",
        "messages/down",
        "events/down",
        "shadow/get/response/request_id=1",
    ];
    for i in 0..3000 {
        let mut payload = vec![0u8; usize::try_from(rng.next_u32() % 64).unwrap()];
        rng.fill_bytes(&mut payload);
        let _ = d.handle(&topic(tails[i % tails.len()]), &payload);
    }
}

/// Simulates `steps` reports in `simulation` and checks each against the
/// model, as a value and as the bytes sent.
fn check_simulated_reports(model: &ProductModel, simulation: Simulation, seed: u64, steps: u32) {
    let mut d = SimulatedDevice::new(model.clone(), DEV).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut distinct = std::collections::BTreeSet::new();
    let start = 1_700_000_000_000_i64;
    for step in 0..steps {
        let now = start + i64::from(step) * 10_000;
        d.advance(now, simulation, &mut rng);
        let report = d
            .report::<&str>(&[], Some(EventTime::from_unix_millis(now).unwrap()))
            .unwrap();
        assert_eq!(validate_properties_report(model, &report), [], "{report:?}");
        let uplink = d.report_uplink::<&str>(&[], None).unwrap();
        assert_eq!(
            validate_properties_report_json(model, &uplink.payload),
            [],
            "{}",
            String::from_utf8_lossy(&uplink.payload)
        );
        distinct.insert(String::from_utf8_lossy(&uplink.payload).into_owned());
    }
    // Values really move: hardly two reports alike.
    assert!(
        distinct.len() as u32 > steps * 9 / 10,
        "{simulation:?}: {} distinct of {steps}",
        distinct.len()
    );
}

#[test]
fn thousands_of_simulated_reports_fit_the_model() {
    for model in [default_model(), every_type_model()] {
        for simulation in [Simulation::Random, Simulation::RandomWalk] {
            check_simulated_reports(&model, simulation, 42, 2500);
        }
    }
}

/// `units / 10^places`.
fn decimal(units: i64, places: u32) -> f64 {
    units as f64 / 10f64.powi(i32::try_from(places).unwrap_or(0))
}

/// A numeric definition with bounds and a step of up to three decimal
/// places, any of them absent.
fn numeric_property() -> impl Strategy<Value = Property> {
    let places = || 0u32..4;
    let number =
        move || (-100_000i64..100_000, places()).prop_map(|(units, places)| decimal(units, places));
    (
        prop_oneof![
            Just(DataType::Int),
            Just(DataType::Long),
            Just(DataType::Decimal)
        ],
        proptest::option::of(number()),
        proptest::option::of(number()),
        proptest::option::of((1i64..5000, places())),
    )
        .prop_map(|(data_type, a, b, step)| {
            let (min, max) = match (a, b) {
                (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                other => other,
            };
            let step = step.map(|(units, places)| decimal(units, places));
            serde_json::from_value(json!({
                "property_name": "p", "data_type": data_type, "method": "RW",
                "min": min.map(|x| Value::from(x).to_string()),
                "max": max.map(|x| Value::from(x).to_string()),
                "step": step,
            }))
            .unwrap()
        })
}

proptest! {
    /// Whatever the bounds and step: when a first value can be made, every
    /// next one is made (the simulation never gets stuck on a value the
    /// validator would refuse) and fits.
    #[test]
    fn numbers_stay_on_the_grid(p in numeric_property(), seed in any::<u64>()) {
        let spec = p.spec();
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        if let Some(first) = value::initial(&spec, None) {
            prop_assert!(crate::iotda::validate::fits(&spec, &first), "{first}");
            let mut current = first;
            for i in 0..40 {
                let simulation = if i % 2 == 0 { Simulation::Random } else { Simulation::RandomWalk };
                let next = value::next(&spec, &current, simulation, 0, &mut rng);
                prop_assert!(next.is_some(), "{p:?}: stuck at {current}");
                current = next.unwrap_or_default();
            }
        } else {
            // Only an int with a fractional min and a step, or no whole
            // number in range, has no value.
            prop_assert!(p.data_type != DataType::Decimal, "{p:?}");
        }
    }
}
