//! Validation against a product model: a value generated within range and
//! on step always passes, and each single mutation that breaks one rule
//! yields exactly the one expected problem.

use iotda_core::iotda::{
    validate_command, validate_properties_report, validate_properties_report_json,
    validate_properties_set, CommandRequest, DataType, EventTime, EventTimeError, Method, Payload,
    Problem, ProblemKind, ProductModel, PropertiesReport, PropertiesSetRequest,
};
use iotda_core::text::keys::validate as found;
use proptest::prelude::*;
use serde_json::{json, Map, Number, Value};

/// A numeric property whose values are `units × 10^-scale`.
#[derive(Debug, Clone)]
struct Numeric {
    data_type: DataType,
    scale: u32,
    min: i64,
    step: i64,
    steps: i64,
}

impl Numeric {
    fn max(&self) -> i64 {
        self.min + self.steps * self.step
    }
}

fn numeric() -> impl Strategy<Value = Numeric> {
    prop_oneof![
        (
            prop_oneof![Just(DataType::Int), Just(DataType::Long)],
            -100_000i64..100_000,
            1i64..50,
            1i64..200
        )
            .prop_map(|(data_type, min, step, steps)| Numeric {
                data_type,
                scale: 0,
                min,
                step,
                steps
            }),
        (0u32..=3, -100_000i64..100_000, 1i64..50, 1i64..200).prop_map(
            |(scale, min, step, steps)| Numeric {
                data_type: DataType::Decimal,
                scale,
                min,
                step,
                steps
            }
        ),
    ]
}

/// `units × 10^-scale` as decimal text ("-12.3").
fn text(units: i64, scale: u32) -> String {
    if scale == 0 {
        return units.to_string();
    }
    let p = 10i64.pow(scale);
    let sign = if units < 0 { "-" } else { "" };
    let a = units.unsigned_abs();
    let p = p.unsigned_abs();
    format!("{sign}{}.{:0width$}", a / p, a % p, width = scale as usize)
}

/// The JSON number a device writes for that text.
fn number(units: i64, scale: u32) -> Value {
    serde_json::from_str(&text(units, scale)).unwrap()
}

const MAX_LABEL: u64 = 12;

fn model(n: &Numeric) -> ProductModel {
    let step = match number(n.step, n.scale) {
        Value::Number(s) => s,
        _ => unreachable!(),
    };
    let numeric = json!({
        "data_type": n.data_type.as_str(), "required": true,
        "min": text(n.min, n.scale), "max": text(n.max(), n.scale), "step": step,
    });
    let mut n_property = numeric.clone();
    n_property["property_name"] = json!("n");
    n_property["method"] = json!("RW");
    let mut n_para = numeric;
    n_para["para_name"] = json!("n");
    let value = json!({"service_capabilities": [{
        "service_id": "S",
        "properties": [
            n_property,
            {"property_name": "label", "data_type": "string", "max_length": MAX_LABEL, "method": "RW"},
            {"property_name": "mode", "data_type": "enum", "enum_list": ["A", "B", "C"], "method": "RW"},
            {"property_name": "on", "data_type": "boolean", "method": "RW"},
            {"property_name": "at", "data_type": "DateTime", "method": "RW"},
            {"property_name": "cfg", "data_type": "jsonObject", "method": "RW"},
            {"property_name": "tags", "data_type": "string list", "method": "RW"},
            {"property_name": "ro", "data_type": "int", "min": "0", "max": "10", "method": "RE"}
        ],
        "commands": [{
            "command_name": "SET",
            "paras": [n_para, {"para_name": "mode", "data_type": "enum", "enum_list": ["A", "B", "C"]}]
        }]
    }]});
    ProductModel::from_json(value.to_string().as_bytes()).unwrap()
}

/// Valid values for every property but `n`.
#[derive(Debug, Clone)]
struct Others {
    label: String,
    mode: &'static str,
    on: bool,
    at: i64,
    tags: Vec<String>,
    ro: i64,
}

fn others() -> impl Strategy<Value = Others> {
    (
        "[a-zA-Z0-9 é中]{0,12}",
        prop::sample::select(vec!["A", "B", "C"]),
        any::<bool>(),
        0i64..253_402_300_799_999,
        prop::collection::vec("[a-z]{0,5}", 0..4),
        0i64..=10,
    )
        .prop_map(|(label, mode, on, at, tags, ro)| Others {
            label,
            mode,
            on,
            at,
            tags,
            ro,
        })
}

fn properties(n: Value, o: &Others) -> Map<String, Value> {
    let at = EventTime::from_unix_millis(o.at).unwrap().to_string();
    let value = json!({
        "n": n, "label": o.label, "mode": o.mode, "on": o.on, "at": at,
        "cfg": {"a": [1]}, "tags": o.tags, "ro": o.ro,
    });
    value.as_object().cloned().unwrap()
}

fn report(properties: Map<String, Value>) -> Value {
    json!({"services": [{"service_id": "S", "properties": properties, "event_time": "20151212T121212Z"}]})
}

/// Validates both through the typed and the bytes entry point, which must
/// agree.
fn check_report(model: &ProductModel, report: &Value) -> Vec<Problem> {
    let typed: PropertiesReport = serde_json::from_value(report.clone()).unwrap();
    let problems = validate_properties_report(model, &typed);
    let bytes = serde_json::to_vec(report).unwrap();
    assert_eq!(validate_properties_report_json(model, &bytes), problems);
    problems
}

fn one(path: &str, kind: ProblemKind) -> Vec<Problem> {
    vec![Problem {
        path: path.to_owned(),
        kind,
    }]
}

const N: &str = "services[0].properties.n";

proptest! {
    #[test]
    fn values_in_range_and_on_step_always_pass(n in numeric(), k in 0i64..200, o in others()) {
        let k = k % (n.steps + 1);
        let model = model(&n);
        let value = number(n.min + k * n.step, n.scale);
        prop_assert_eq!(check_report(&model, &report(properties(value.clone(), &o))), vec![]);

        let set: PropertiesSetRequest = serde_json::from_value(json!({
            "services": [{"service_id": "S", "properties": {"n": value.clone(), "mode": o.mode}}]
        })).unwrap();
        prop_assert_eq!(validate_properties_set(&model, &set), vec![]);

        let command: CommandRequest = serde_json::from_value(json!({
            "service_id": "S", "command_name": "SET", "paras": {"n": value, "mode": o.mode}
        })).unwrap();
        prop_assert_eq!(validate_command(&model, &command), vec![]);
    }

    #[test]
    fn each_broken_rule_is_exactly_one_problem(
        n in numeric(),
        k in 0i64..200,
        o in others(),
        mutation in 0usize..16,
    ) {
        let k = k % n.steps; // below max, so one more step or half step stays in range
        let model = model(&n);
        let valid = properties(number(n.min + k * n.step, n.scale), &o);
        let mut props = valid.clone();
        let mut value = report(valid);
        let step_text = match number(n.step, n.scale) {
            Value::Number(s) => s.to_string(),
            _ => unreachable!(),
        };
        let shown = |v: &Value| v.as_number().map(Number::to_string).unwrap_or_default();
        let expected = match mutation {
            0 => {
                let v = number(n.max() + n.step, n.scale);
                props.insert("n".into(), v.clone());
                one(N, ProblemKind::AboveMax { value: shown(&v), max: text(n.max(), n.scale) })
            }
            1 => {
                let v = number(n.min - n.step, n.scale);
                props.insert("n".into(), v.clone());
                one(N, ProblemKind::BelowMin { value: shown(&v), min: text(n.min, n.scale) })
            }
            2 => {
                // Half a step for decimals; one unit for whole numbers with a
                // step of at least two.
                let v = if n.data_type == DataType::Decimal {
                    number((n.min + k * n.step) * 10 + 5 * n.step, n.scale + 1)
                } else {
                    prop_assume!(n.step >= 2);
                    number(n.min + k * n.step + 1, 0)
                };
                props.insert("n".into(), v.clone());
                one(N, ProblemKind::OffStep {
                    value: shown(&v), step: step_text, base: text(n.min, n.scale),
                })
            }
            3 => {
                props.insert("n".into(), json!(text(n.min, n.scale)));
                one(N, ProblemKind::WrongType { expected: n.data_type, found: found::TYPE_STRING })
            }
            4 => match n.data_type {
                DataType::Int => {
                    props.insert("n".into(), json!(3_000_000_000_i64));
                    one(N, ProblemKind::OutOfTypeRange { expected: DataType::Int, value: "3000000000".into() })
                }
                DataType::Long => {
                    props.insert("n".into(), json!(u64::MAX));
                    one(N, ProblemKind::OutOfTypeRange { expected: DataType::Long, value: u64::MAX.to_string() })
                }
                _ => {
                    props.insert("n".into(), json!(true));
                    one(N, ProblemKind::WrongType { expected: DataType::Decimal, found: found::FOUND_BOOLEAN })
                }
            },
            5 => {
                let long: String = "é".repeat(MAX_LABEL as usize + 1);
                props.insert("label".into(), json!(long));
                one("services[0].properties.label", ProblemKind::TooLong {
                    len: MAX_LABEL as usize + 1, max_length: MAX_LABEL,
                })
            }
            6 => {
                props.insert("mode".into(), json!("a"));
                one("services[0].properties.mode", ProblemKind::NotInEnum {
                    value: "a".into(), allowed: vec!["A".into(), "B".into(), "C".into()],
                })
            }
            7 => {
                props.insert("at".into(), json!("20250230T000000Z"));
                one("services[0].properties.at", ProblemKind::BadDateTime {
                    value: "20250230T000000Z".into(),
                    error: EventTimeError::Day { year: 2025, month: 2, day: 30 },
                })
            }
            8 => {
                let mut tags = o.tags.iter().map(|t| json!(t)).collect::<Vec<_>>();
                let at = tags.len();
                tags.push(json!(5));
                props.insert("tags".into(), json!(tags));
                one(&format!("services[0].properties.tags[{at}]"), ProblemKind::ListElementNotString {
                    found: found::TYPE_WHOLE_NUMBER,
                })
            }
            9 => {
                props.insert("zzz".into(), json!(1));
                one("services[0].properties.zzz", ProblemKind::UnknownProperty {
                    service_id: "S".into(), property: "zzz".into(),
                })
            }
            10 => {
                props.remove("n");
                one("services[0].properties", ProblemKind::MissingProperty { property: "n".into() })
            }
            11 => {
                value["services"][0]["service_id"] = json!("Nope");
                one("services[0].service_id", ProblemKind::UnknownService { service_id: "Nope".into() })
            }
            12 => {
                value["services"][0]["event_time"] = json!("20251301T000000Z");
                one("services[0].event_time", ProblemKind::BadEventTime {
                    value: "20251301T000000Z".into(), error: EventTimeError::Month(13),
                })
            }
            13 => {
                props.insert("on".into(), json!("true"));
                one("services[0].properties.on", ProblemKind::WrongType {
                    expected: DataType::Boolean, found: found::TYPE_STRING,
                })
            }
            14 => {
                props.insert("cfg".into(), json!([]));
                one("services[0].properties.cfg", ProblemKind::WrongType {
                    expected: DataType::JsonObject, found: found::FOUND_ARRAY,
                })
            }
            _ => {
                props.insert("ro".into(), json!(o.ro + 11));
                one("services[0].properties.ro", ProblemKind::AboveMax {
                    value: (o.ro + 11).to_string(), max: "10".into(),
                })
            }
        };
        if mutation != 11 && mutation != 12 {
            value["services"][0]["properties"] = Value::Object(props);
        }
        prop_assert_eq!(check_report(&model, &value), expected);
    }

    #[test]
    fn set_and_command_report_their_own_rules(n in numeric(), k in 0i64..200, o in others()) {
        let k = k % (n.steps + 1);
        let model = model(&n);
        let ok = number(n.min + k * n.step, n.scale);

        let set: PropertiesSetRequest = serde_json::from_value(json!({
            "services": [{"service_id": "S", "properties": {"n": ok.clone(), "ro": o.ro}}]
        })).unwrap();
        prop_assert_eq!(
            validate_properties_set(&model, &set),
            one("services[0].properties.ro", ProblemKind::NotWritable {
                property: "ro".into(), method: Method::parse("RE").unwrap(),
            })
        );

        let high = number(n.max() + n.step, n.scale);
        let command = |paras: Value| -> CommandRequest {
            serde_json::from_value(json!({"service_id": "S", "command_name": "SET", "paras": paras})).unwrap()
        };
        prop_assert_eq!(
            validate_command(&model, &command(json!({"n": high.clone()}))),
            one("paras.n", ProblemKind::AboveMax {
                value: high.as_number().map(Number::to_string).unwrap_or_default(),
                max: text(n.max(), n.scale),
            })
        );
        prop_assert_eq!(
            validate_command(&model, &command(json!({"mode": o.mode}))),
            one("paras", ProblemKind::MissingPara { para: "n".into() })
        );
        prop_assert_eq!(
            validate_command(&model, &command(json!({"n": ok, "extra": 1}))),
            one("paras.extra", ProblemKind::UnknownPara { command_name: "SET".into(), para: "extra".into() })
        );
    }
}

#[test]
fn decimal_steps_are_exact_not_approximate() {
    let n = Numeric {
        data_type: DataType::Decimal,
        scale: 1,
        min: -123,
        step: 1,
        steps: 1000,
    };
    let model = model(&n);
    let problems = |v: Value| {
        let mut props = Map::new();
        props.insert("n".into(), v);
        check_report(&model, &report(props))
    };
    // -6.6 - (-12.3) = 5.7: 57 steps of 0.1, though f64 says 5.699999999999999.
    assert_eq!(problems(json!(-6.6)), []);
    assert_eq!(problems(json!(0.3)), []);
    assert_eq!(problems(json!(87.7)), []);
    assert_eq!(
        problems(json!(0.35)),
        one(
            N,
            ProblemKind::OffStep {
                value: "0.35".into(),
                step: "0.1".into(),
                base: "-12.3".into()
            }
        )
    );
    assert_eq!(
        problems(json!(0.30000000000000004)),
        one(
            N,
            ProblemKind::OffStep {
                value: "0.30000000000000004".into(),
                step: "0.1".into(),
                base: "-12.3".into()
            }
        )
    );
    assert_eq!(
        problems(json!(87.8))
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["services[0].properties.n: 87.8 is above the maximum 87.7"]
    );
}

#[test]
fn commands_must_name_a_known_service_and_command() {
    let model = model(&Numeric {
        data_type: DataType::Int,
        scale: 0,
        min: 0,
        step: 1,
        steps: 10,
    });
    let check = |v: Value| validate_command(&model, &serde_json::from_value(v).unwrap());
    assert_eq!(
        check(json!({"paras": {}})),
        [
            Problem {
                path: "service_id".into(),
                kind: ProblemKind::MissingField {
                    field: "service_id"
                }
            },
            Problem {
                path: "command_name".into(),
                kind: ProblemKind::MissingField {
                    field: "command_name"
                }
            }
        ]
    );
    assert_eq!(
        check(json!({"service_id": "X", "command_name": "SET", "paras": {}})),
        one(
            "service_id",
            ProblemKind::UnknownService {
                service_id: "X".into()
            }
        )
    );
    assert_eq!(
        check(json!({"service_id": "S", "command_name": "GO", "paras": {}})),
        one(
            "command_name",
            ProblemKind::UnknownCommand {
                service_id: "S".into(),
                command_name: "GO".into()
            }
        )
    );
}

#[test]
fn the_guides_model_accepts_the_guides_report_and_explains_the_rest() {
    let model = iotda_core::iotda::default_model();
    let good = br#"{"services":[{"service_id":"Connectivity","properties":{"dailyActivityTime":57}},{"service_id":"Battery","properties":{"batteryLevel":80},"event_time":"20151212T121212Z"}]}"#;
    assert_eq!(validate_properties_report_json(&model, good), []);
    let report = PropertiesReport::decode(good).unwrap();
    assert_eq!(validate_properties_report(&model, &report), []);

    let bad = br#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":-1,"battery level":"low"}}]}"#;
    let problems: Vec<String> = validate_properties_report_json(&model, bad)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "services[0].properties[\"battery level\"]: service \"Battery\" has no property \"battery level\" in the product model, so the platform will not store it",
            "services[0].properties.batteryLevel: -1 is below the minimum 0",
        ]
    );
}
