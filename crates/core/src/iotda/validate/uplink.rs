//! Checks any message a device sends, by its topic: property reports, a
//! gateway's reports for its sub-devices, command and property responses,
//! messages and events, against the product model when one is given; the
//! `event_time` forms and offsets; custom and broadcast topics.
//!
//! ```text
//! properties/report                       64 KB; each service, property, event_time
//! gateway/sub_devices/properties/report   64 KB; at most 100 devices; each device's services
//! commands/response/request_id=           response_name one of the model's; its paras
//! properties/get/response/request_id=     each property's value
//! events/up                               $ services: a typed system event; others: the model's event and paras
//! messages/up (?encoding=gzip)            1 MB; gzip payloads are inflated first
//! $oc/devices/{id}/user/...               a warning: the product must define it
//! $oc/broadcast/...                       refused: the platform publishes there
//! any downlink                            refused: the platform sends it
//! ```
//!
//! Problems are what the platform would drop or refuse; warnings are what
//! it takes but that is likely wrong (an `event_time` form no page lists,
//! a time off by a whole time-zone offset, a custom topic). Pure: `now`
//! comes in as Unix milliseconds.

use serde_json::{Map, Value};

use super::super::custom_topic::{CustomTopicError, TopicClass};
use super::super::model::{Para, ProductModel};
use super::super::payload::{
    CommandResponse, EventsPayload, GatewayPropertiesReport, Payload, PropertiesGetResponse,
    PropertiesReport, PropertiesSetResponse, ShadowGetRequest,
};
use super::super::{Direction, EventTime, TopicKind, MAX_PAYLOAD_LEN, MAX_PROPERTIES_REPORT_LEN};
use super::{
    check_properties, check_services, check_value, json_path, problem, undecodable,
    unknown_service, Problem, ProblemKind,
};

/// The most sub-devices one gateway report may carry.
pub const MAX_SUB_DEVICES_A_REPORT: usize = 100;

/// What [`check_uplink`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UplinkCheck {
    /// What the topic is.
    pub class: TopicClass,
    /// What the platform would drop or refuse.
    pub problems: Vec<Problem>,
    /// What it would take but is likely wrong.
    pub warnings: Vec<Problem>,
}

/// Checks `payload` as a device would publish it on `topic`, against
/// `model` when given (without one, only sizes, shapes, system events and
/// times are checked). `now_unix_millis` is the caller's clock, for the
/// `event_time` offset warning. An error when the topic is not one IoTDA
/// takes.
pub fn check_uplink(
    topic: &str,
    payload: &[u8],
    model: Option<&ProductModel>,
    now_unix_millis: i64,
) -> Result<UplinkCheck, CustomTopicError> {
    let class = TopicClass::parse(topic)?;
    let mut check = UplinkCheck {
        class: class.clone(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    if payload.len() > MAX_PAYLOAD_LEN {
        check.problems.push(problem(
            "",
            ProblemKind::PayloadTooLarge {
                len: payload.len(),
                max: MAX_PAYLOAD_LEN,
            },
        ));
        return Ok(check);
    }
    let topic = match class {
        TopicClass::Custom(c) => {
            check.warnings.push(problem(
                "",
                ProblemKind::CustomTopicUndefined { name: c.name },
            ));
            return Ok(check);
        }
        TopicClass::Broadcast(_) => {
            check
                .problems
                .push(problem("", ProblemKind::BroadcastIsDownlink));
            return Ok(check);
        }
        TopicClass::System(t) => t,
    };
    let kind = topic.kind();
    if kind.direction() == Direction::Down {
        check
            .problems
            .push(problem("", ProblemKind::NotUplink { kind }));
        return Ok(check);
    }
    let inflated;
    let body = if topic.is_gzip() {
        match crate::gzip::decompress(payload, MAX_PAYLOAD_LEN) {
            Ok(bytes) => {
                inflated = bytes;
                &inflated[..]
            }
            Err(e) => {
                check.problems.push(problem(
                    "",
                    ProblemKind::Undecodable {
                        detail: e.to_string(),
                    },
                ));
                return Ok(check);
            }
        }
    } else {
        payload
    };
    let (problems, warnings) = (&mut check.problems, &mut check.warnings);
    match kind {
        TopicKind::PropertiesReport => {
            too_large(body, MAX_PROPERTIES_REPORT_LEN, problems);
            if let Some(report) = decode::<PropertiesReport>(body, problems) {
                if let Some(model) = model {
                    super::check_report(model, &report, problems);
                }
                for (i, s) in report.services.iter().enumerate() {
                    let at = json_path::key(&json_path::index("services", i), "event_time");
                    time_warnings(s.event_time.as_deref(), &at, now_unix_millis, warnings);
                }
            }
        }
        TopicKind::GatewaySubDevicesPropertiesReport => {
            too_large(body, MAX_PROPERTIES_REPORT_LEN, problems);
            if let Some(report) = decode::<GatewayPropertiesReport>(body, problems) {
                if let Some(model) = model {
                    problems.extend(validate_gateway_report(model, &report));
                } else if report.devices.len() > MAX_SUB_DEVICES_A_REPORT {
                    problems.push(too_many(report.devices.len()));
                }
                for (d, device) in report.devices.iter().enumerate() {
                    let base = json_path::key(&json_path::index("devices", d), "services");
                    for (i, s) in device.services.iter().enumerate() {
                        let at = json_path::key(&json_path::index(&base, i), "event_time");
                        time_warnings(s.event_time.as_deref(), &at, now_unix_millis, warnings);
                    }
                }
            }
        }
        TopicKind::CommandResponse => {
            if let (Some(r), Some(model)) = (decode::<CommandResponse>(body, problems), model) {
                problems.extend(validate_command_response(model, &r));
            }
        }
        TopicKind::PropertiesGetResponse => {
            if let (Some(r), Some(model)) = (decode::<PropertiesGetResponse>(body, problems), model)
            {
                for (i, s) in r.services.iter().enumerate() {
                    let at = json_path::index("services", i);
                    match model.service(&s.service_id) {
                        Some(service) => check_properties(
                            service,
                            &s.service_id,
                            &s.properties,
                            &json_path::key(&at, "properties"),
                            problems,
                        ),
                        None => problems.push(unknown_service(&at, &s.service_id)),
                    }
                }
            }
        }
        TopicKind::PropertiesSetResponse => {
            decode::<PropertiesSetResponse>(body, problems);
        }
        TopicKind::ShadowGetRequest => {
            decode::<ShadowGetRequest>(body, problems);
        }
        TopicKind::EventsUp => {
            if let Some(events) = decode::<EventsPayload>(body, problems) {
                problems.extend(validate_events(model, &events));
                for (i, e) in events.services.iter().enumerate() {
                    let at = json_path::key(&json_path::index("services", i), "event_time");
                    if let Some(text) = &e.event_time {
                        if let Err(error) = EventTime::parse(text) {
                            problems.push(problem(
                                &at,
                                ProblemKind::BadEventTime {
                                    value: super::super::excerpt(text),
                                    error,
                                },
                            ));
                        }
                    }
                    time_warnings(e.event_time.as_deref(), &at, now_unix_millis, warnings);
                }
            }
        }
        // Messages up are any bytes; the downlinks were refused above.
        _ => {}
    }
    Ok(check)
}

/// Checks a gateway's report for its sub-devices against `model`: at most
/// 100 devices, and each device's services as in a property report (all
/// sub-devices are taken to share `model`).
pub fn validate_gateway_report(
    model: &ProductModel,
    report: &GatewayPropertiesReport,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if report.devices.len() > MAX_SUB_DEVICES_A_REPORT {
        out.push(too_many(report.devices.len()));
    }
    for (d, device) in report.devices.iter().enumerate() {
        let at = json_path::index("devices", d);
        if device.device_id.is_empty() {
            out.push(problem(
                &json_path::key(&at, "device_id"),
                ProblemKind::MissingField { field: "device_id" },
            ));
        }
        check_services(
            model,
            &device.services,
            &json_path::key(&at, "services"),
            &mut out,
        );
    }
    out
}

/// Checks a command response against `model`: its `response_name` must be
/// a response some command defines, and its `paras` must fit that
/// response's parameters. Without a name nothing can be looked up.
pub fn validate_command_response(model: &ProductModel, response: &CommandResponse) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(name) = &response.response_name else {
        return out;
    };
    let found = model
        .service_capabilities
        .iter()
        .flat_map(|s| &s.commands)
        .flat_map(|c| &c.responses)
        .find(|r| &r.response_name == name);
    let Some(def) = found else {
        out.push(problem(
            "response_name",
            ProblemKind::UnknownResponse {
                response_name: name.clone(),
            },
        ));
        return out;
    };
    let empty = Map::new();
    check_paras(
        &def.paras,
        response.paras.as_ref().unwrap_or(&empty),
        "paras",
        name,
        &mut out,
    );
    out
}

/// Checks events: a `$` service's event must be one of the platform's, with
/// parameters that fit it; another service's event must be one the model
/// defines (when a model is given), with parameters that fit it.
pub fn validate_events(model: Option<&ProductModel>, events: &EventsPayload) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, e) in events.services.iter().enumerate() {
        let at = json_path::index("services", i);
        let unknown = || {
            problem(
                &json_path::key(&at, "event_type"),
                ProblemKind::UnknownEvent {
                    service_id: e.service_id.clone(),
                    event_type: e.event_type.clone(),
                },
            )
        };
        if e.service_id.starts_with('$') {
            match e.system_event() {
                Ok(Some(_)) => {}
                Ok(None) => out.push(unknown()),
                Err(err) => {
                    let mut p = undecodable(err);
                    p.path = match p.path.is_empty() {
                        true => at.clone(),
                        false => format!("{at}.{}", p.path),
                    };
                    out.push(p);
                }
            }
            continue;
        }
        let Some(model) = model else { continue };
        let Some(service) = model.service(&e.service_id) else {
            out.push(unknown_service(&at, &e.service_id));
            continue;
        };
        match service.events.iter().find(|d| d.event_type == e.event_type) {
            Some(def) => check_paras(
                &def.paras,
                &e.paras,
                &json_path::key(&at, "paras"),
                &e.event_type,
                &mut out,
            ),
            None => out.push(unknown()),
        }
    }
    out
}

fn check_paras(
    defs: &[Para],
    paras: &Map<String, Value>,
    base: &str,
    owner: &str,
    out: &mut Vec<Problem>,
) {
    for (name, value) in paras {
        let path = json_path::key(base, name);
        match defs.iter().find(|p| &p.para_name == name) {
            Some(def) => check_value(&def.spec(), value, &path, out),
            None => out.push(problem(
                &path,
                ProblemKind::UnknownPara {
                    command_name: owner.to_owned(),
                    para: name.clone(),
                },
            )),
        }
    }
    for def in defs.iter().filter(|p| p.required) {
        if !paras.contains_key(&def.para_name) {
            out.push(problem(
                base,
                ProblemKind::MissingPara {
                    para: def.para_name.clone(),
                },
            ));
        }
    }
}

fn decode<T: Payload>(body: &[u8], problems: &mut Vec<Problem>) -> Option<T> {
    match T::decode(body) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(undecodable(e));
            None
        }
    }
}

fn too_large(body: &[u8], max: usize, problems: &mut Vec<Problem>) {
    if body.len() > max {
        problems.push(problem(
            "",
            ProblemKind::PayloadTooLarge {
                len: body.len(),
                max,
            },
        ));
    }
}

fn too_many(count: usize) -> Problem {
    problem(
        "devices",
        ProblemKind::TooManySubDevices {
            count,
            max: MAX_SUB_DEVICES_A_REPORT,
        },
    )
}

/// Warnings about a well-formed `event_time`: a form no page lists for
/// events, and a time off from now by a whole time-zone offset.
fn time_warnings(text: Option<&str>, path: &str, now: i64, warnings: &mut Vec<Problem>) {
    let Some(text) = text else { return };
    let Ok((at, form)) = EventTime::parse_form(text) else {
        return;
    };
    let value = super::super::excerpt(text);
    if !form.documented() {
        warnings.push(problem(
            path,
            ProblemKind::UndocumentedEventTimeForm {
                value: value.clone(),
                pattern: form.pattern(),
            },
        ));
    }
    if let Some(offset_minutes) = at.local_offset_from(now) {
        warnings.push(problem(
            path,
            ProblemKind::EventTimeLocalOffset {
                value,
                offset_minutes,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A model with the "analog" service of iot_06_v5_3006's example, a
    /// command with a response, and an event.
    fn model() -> ProductModel {
        ProductModel::from_json(
            json!({"service_capabilities": [{
                "service_id": "analog",
                "properties": [
                    {"property_name": "PhV_phsA", "data_type": "string", "method": "R", "max_length": 8},
                    {"property_name": "PhV_phsB", "data_type": "string", "method": "R", "max_length": 8}
                ],
                "commands": [{"command_name": "reset", "paras": [],
                    "responses": [{"response_name": "reset_result", "paras": [
                        {"para_name": "ok", "data_type": "boolean", "required": true}]}]}],
                "events": [{"event_type": "overload", "paras": [
                    {"para_name": "amps", "data_type": "int", "min": "0", "max": "100", "required": true}]}]
            }]})
            .to_string()
            .as_bytes(),
        )
        .unwrap()
    }

    const GATEWAY: &str = "$oc/devices/gw_1/sys/gateway/sub_devices/properties/report";
    const NOW: i64 = 1_559_823_132_000; // 2019-06-06T12:12:12Z

    fn check(topic: &str, payload: &Value) -> UplinkCheck {
        check_uplink(topic, payload.to_string().as_bytes(), Some(&model()), NOW).unwrap()
    }

    #[test]
    fn gateway_report_by_the_documented_example() {
        // iot_06_v5_3006's example.
        let example = json!({"devices": [
            {"device_id": "bf40f0c4-4022-41c6-a201-c5133122054a", "services": [
                {"service_id": "analog", "properties": {"PhV_phsA": "1", "PhV_phsB": "2"},
                 "event_time": "20190606T121212Z"}]},
            {"device_id": "42aa08ea-84c1-4025-a7b2-c1f6efe547c2", "services": [
                {"service_id": "analog", "properties": {"PhV_phsA": "3", "PhV_phsB": "5"},
                 "event_time": "20190606T121212Z"}]}
        ]});
        let c = check(GATEWAY, &example);
        assert_eq!((c.problems.clone(), c.warnings.clone()), (vec![], vec![]));
        let report = GatewayPropertiesReport::decode(example.to_string().as_bytes()).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&report.encode().unwrap()).unwrap(),
            example
        );
        // A value that breaks the model is named with its device.
        let bad = json!({"devices": [{"device_id": "a", "services": [
            {"service_id": "analog", "properties": {"PhV_phsA": "123456789", "PhV_phsB": "2"}}]}]});
        let c = check(GATEWAY, &bad);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(
            c.problems[0].path,
            "devices[0].services[0].properties.PhV_phsA"
        );
    }

    #[test]
    fn a_gateway_report_holds_at_most_100_devices() {
        let device = |i: usize| {
            json!({"device_id": format!("d{i}"), "services": [
                {"service_id": "analog", "properties": {"PhV_phsA": "1", "PhV_phsB": "2"}}]})
        };
        let hundred: Vec<Value> = (0..100).map(device).collect();
        assert!(check(GATEWAY, &json!({ "devices": hundred }))
            .problems
            .is_empty());
        let many: Vec<Value> = (0..101).map(device).collect();
        let c = check(GATEWAY, &json!({ "devices": many }));
        assert_eq!(
            c.problems,
            vec![Problem {
                path: "devices".into(),
                kind: ProblemKind::TooManySubDevices {
                    count: 101,
                    max: 100
                }
            }]
        );
        assert_eq!(
            c.problems[0].to_string(),
            "devices: the report is for 101 sub-devices; IoTDA takes at most 100 in one report, so split it"
        );
    }

    #[test]
    fn command_responses_and_events_against_the_model() {
        let topic = "$oc/devices/gw_1/sys/commands/response/request_id=42";
        let ok = json!({"result_code": 0, "response_name": "reset_result", "paras": {"ok": true}});
        assert!(check(topic, &ok).problems.is_empty());
        let c = check(
            topic,
            &json!({"result_code": 0, "response_name": "reset_result", "paras": {"ok": 1}}),
        );
        assert_eq!(c.problems[0].path, "paras.ok");
        let c = check(topic, &json!({"result_code": 0, "response_name": "nope"}));
        assert_eq!(
            c.problems[0].kind,
            ProblemKind::UnknownResponse {
                response_name: "nope".into()
            }
        );
        let c = check(
            topic,
            &json!({"result_code": 0, "response_name": "reset_result"}),
        );
        assert_eq!(
            c.problems[0].kind,
            ProblemKind::MissingPara { para: "ok".into() }
        );

        let up = "$oc/devices/gw_1/sys/events/up";
        let event = |service: &str, kind: &str, paras: Value| json!({"services": [{"service_id": service, "event_type": kind, "paras": paras}]});
        assert!(check(up, &event("analog", "overload", json!({"amps": 12})))
            .problems
            .is_empty());
        let c = check(up, &event("analog", "overload", json!({"amps": 120})));
        assert_eq!(c.problems[0].path, "services[0].paras.amps");
        let c = check(up, &event("analog", "melt", json!({})));
        assert_eq!(c.problems[0].path, "services[0].event_type");
        // System events are checked by their typed form, model or not.
        let c = check(
            up,
            &event("$ota", "upgrade_progress_report", json!({"result_code": 0})),
        );
        assert_eq!(c.problems[0].path, "services[0].paras");
        let c = check(up, &event("$ota", "no_such_event", json!({})));
        assert!(matches!(
            c.problems[0].kind,
            ProblemKind::UnknownEvent { .. }
        ));
        let c = check(
            up,
            &event("$ota", "version_report", json!({"fw_version": "1.0"})),
        );
        assert!(c.problems.is_empty());
    }

    #[test]
    fn event_time_forms_and_offsets_are_warnings() {
        let up = "$oc/devices/gw_1/sys/events/up";
        // What the Python SDK writes on a UTC+08:00 machine at NOW.
        let python = json!({"services": [{"service_id": "$sdk_info", "event_type": "sdk_info_report",
            "event_time": "2019-06-06T20:12:12Z", "paras": {"sw_version": "1.0"}}]});
        let c = check(up, &python);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(
            c.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "services[0].event_time: \"2019-06-06T20:12:12Z\" is in the form yyyy-MM-dd'T'HH:mm:ss'Z', which Huawei's Python device SDK writes but no IoTDA page lists for event_time; write yyyyMMdd'T'HHmmss'Z' (20151212T121212Z)",
                "services[0].event_time: \"2019-06-06T20:12:12Z\" is off from now by a whole time-zone offset (UTC+08:00): it looks like a local time written with Z; write the UTC time",
            ]
        );
        let report = json!({"services": [{"service_id": "analog",
            "properties": {"PhV_phsA": "1", "PhV_phsB": "2"}, "event_time": "20190606T071212Z"}]});
        let c = check("$oc/devices/gw_1/sys/properties/report", &report);
        assert!(c.problems.is_empty());
        assert!(matches!(
            c.warnings[..],
            [Problem {
                kind: ProblemKind::EventTimeLocalOffset {
                    offset_minutes: -300,
                    ..
                },
                ..
            }]
        ));
    }

    #[test]
    fn topics_the_device_does_not_publish_on() {
        let c = check("$oc/devices/gw_1/sys/commands/request_id=1", &json!({}));
        assert_eq!(
            c.problems[0].to_string(),
            "a command request topic carries messages from the platform to the device; a device does not publish on it"
        );
        let c = check("$oc/broadcast/test", &json!({"a": 1}));
        assert_eq!(c.problems[0].kind, ProblemKind::BroadcastIsDownlink);
        let c = check("$oc/devices/gw_1/user/telemetry", &json!({"a": 1}));
        assert!(c.problems.is_empty());
        assert_eq!(
            c.warnings[0].kind,
            ProblemKind::CustomTopicUndefined {
                name: "telemetry".into()
            }
        );
        assert!(check_uplink("nope/x", b"{}", None, NOW).is_err());
    }

    #[test]
    fn gzip_messages_are_inflated_and_bad_gzip_is_a_problem() {
        let topic = "$oc/devices/gw_1/sys/messages/up?encoding=gzip";
        let gz = crate::gzip::compress(br#"{"content":"hi"}"#);
        assert!(check_uplink(topic, &gz, None, NOW)
            .unwrap()
            .problems
            .is_empty());
        let c = check_uplink(topic, b"{\"not\":\"gzip\"}", None, NOW).unwrap();
        assert_eq!(c.problems.len(), 1);
        assert!(matches!(
            c.problems[0].kind,
            ProblemKind::Undecodable { .. }
        ));
    }
}
