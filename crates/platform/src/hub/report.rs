//! Judging a property report against the device's product model, as a pure
//! function of the model, the payload and the time it was received.
//!
//! IoTDA's docs say data that does not fit the product model may be
//! dropped; they do not say how much of a report goes with it. The kit's
//! choice: a property is kept when it fits on its own (its service is in
//! the model, the property is defined there and its value fits, the
//! service's `event_time` is valid); everything else is listed as dropped
//! with the JSON path and the kit's validator's words. A report that is not
//! JSON of the report's shape, or is over 64 KB, keeps nothing. A missing
//! required property is listed but drops nothing else.

use iotda_core::iotda::payload::{Payload, PropertiesReport, ServiceProperties};
use iotda_core::iotda::{
    validate_properties_report, validate_properties_report_json, EventTime, ProblemKind,
    ProductModel,
};
use serde_json::Map;

use crate::registry::{iotda_time, ReportRecord, ServiceReport};

/// Splits a report into what is kept and its problems.
pub fn judge_report(model: &ProductModel, payload: &[u8], received: i64) -> ReportRecord {
    let problems = validate_properties_report_json(model, payload);
    let whole_payload_bad = problems.iter().any(|p| p.path.is_empty());
    let mut accepted = Vec::new();
    if let (false, Ok(report)) = (whole_payload_bad, PropertiesReport::decode(payload)) {
        for s in report.services {
            let mut kept = Map::new();
            for (name, value) in &s.properties {
                let mut one = Map::new();
                one.insert(name.clone(), value.clone());
                let alone = PropertiesReport {
                    services: vec![ServiceProperties {
                        service_id: s.service_id.clone(),
                        properties: one,
                        event_time: s.event_time.clone(),
                    }],
                };
                let fits = validate_properties_report(model, &alone)
                    .iter()
                    .all(|p| matches!(p.kind, ProblemKind::MissingProperty { .. }));
                if fits {
                    kept.insert(name.clone(), value.clone());
                }
            }
            if !kept.is_empty() {
                let event_time = s
                    .event_time
                    .filter(|t| EventTime::parse(t).is_ok())
                    .unwrap_or_else(|| iotda_time(received));
                accepted.push(ServiceReport {
                    service_id: s.service_id,
                    properties: kept,
                    event_time,
                });
            }
        }
    }
    ReportRecord {
        payload: payload.to_vec(),
        accepted,
        problems: problems
            .iter()
            .map(|p| (p.path.clone(), p.kind.to_string()))
            .collect(),
        received_time: received,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> ProductModel {
        let caps = json!({"service_capabilities": [{
            "service_id": "Battery",
            "properties": [
                {"property_name": "level", "data_type": "int", "required": true,
                 "min": "0", "max": "100", "method": "RW"},
                {"property_name": "note", "data_type": "string", "required": false,
                 "max_length": 4, "method": "R"}
            ]
        }]});
        ProductModel::from_json(caps.to_string().as_bytes()).expect("model")
    }

    #[test]
    fn what_fits_is_kept_and_what_does_not_is_listed_with_its_path() {
        let payload = json!({"services": [
            {"service_id": "Battery", "properties": {"level": 101, "note": "ok"},
             "event_time": "20261207T120000Z"},
            {"service_id": "Ghost", "properties": {"x": 1}}
        ]})
        .to_string();
        let r = judge_report(&model(), payload.as_bytes(), 1_000);
        assert_eq!(r.accepted.len(), 1);
        assert_eq!(
            r.accepted[0].properties,
            json!({"note": "ok"}).as_object().cloned().expect("map")
        );
        assert_eq!(r.accepted[0].event_time, "20261207T120000Z");
        let paths: Vec<_> = r.problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["services[0].properties.level", "services[1].service_id"]
        );
        assert!(r.problems[0].1.contains("100"), "{:?}", r.problems);
    }

    #[test]
    fn a_missing_required_property_drops_nothing_else_and_times_default_to_receipt() {
        let payload = json!({"services": [{"service_id": "Battery", "properties": {"note": "a"}}]});
        let r = judge_report(&model(), payload.to_string().as_bytes(), 0);
        assert_eq!(r.accepted.len(), 1, "{r:?}");
        assert_eq!(r.accepted[0].event_time, "19700101T000000Z");
        assert_eq!(r.problems.len(), 1, "{r:?}");
        assert_eq!(r.problems[0].0, "services[0].properties");
    }

    #[test]
    fn a_report_that_is_not_a_report_keeps_nothing() {
        let r = judge_report(&model(), b"not json", 0);
        assert!(r.accepted.is_empty());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].0, "");
    }
}
