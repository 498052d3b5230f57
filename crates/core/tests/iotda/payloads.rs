//! Every payload type decodes Huawei's sample and encodes it back to the
//! same JSON, optional fields left out when absent.

use iotda_core::iotda::{
    CommandRequest, CommandResponse, EventsPayload, GatewayPropertiesReport, Message,
    MessageEnvelope, Payload, PayloadError, PropertiesGetRequest, PropertiesGetResponse,
    PropertiesReport, PropertiesSetRequest, PropertiesSetResponse, ShadowGetRequest,
    ShadowGetResponse, SystemEvent, TimeSyncRequest, TimeSyncResponse, UpgradeProgressReport,
    VersionReport,
};
use serde_json::{json, Value};

use crate::fixture;

/// Decodes the fixture as `T`, encodes it, and compares the JSON values.
fn round_trip<T: Payload + std::fmt::Debug>(name: &str) -> T {
    let bytes = fixture(name);
    let decoded = T::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let encoded = decoded.encode().unwrap();
    let want: Value = serde_json::from_slice(&bytes).unwrap();
    let got: Value = serde_json::from_slice(&encoded).unwrap();
    assert_eq!(got, want, "{name}");
    decoded
}

#[test]
fn properties_report() {
    let r: PropertiesReport = round_trip("properties_report.json");
    assert_eq!(r.services.len(), 2);
    assert_eq!(r.services[1].service_id, "Battery");
    assert_eq!(r.services[1].properties["level"], json!(80));
    assert_eq!(
        r.services[0].event_time.as_deref(),
        Some("20151212T121212Z")
    );
}

#[test]
fn gateway_sub_devices_properties_report() {
    let r: GatewayPropertiesReport = round_trip("gateway_sub_devices_properties_report.json");
    assert_eq!(r.devices.len(), 2);
    assert_eq!(r.devices[0].services[0].properties["Speed"], json!(23.24));
}

#[test]
fn commands() {
    let c: CommandRequest = round_trip("command_request.json");
    assert_eq!(c.command_name.as_deref(), Some("ON_OFF"));
    assert_eq!(c.service_id.as_deref(), Some("WaterMeter"));
    assert_eq!(c.paras["value"], json!("1"));
    let r: CommandResponse = round_trip("command_response.json");
    assert_eq!(r.result_code, Some(0));
    assert_eq!(
        CommandResponse::success().encode().unwrap(),
        br#"{"result_code":0}"#
    );
}

#[test]
fn property_set_and_get() {
    let set: PropertiesSetRequest = round_trip("properties_set_request.json");
    assert_eq!(set.services[0].event_time, None);
    let _: PropertiesSetResponse = round_trip("properties_set_response.json");
    assert_eq!(
        PropertiesSetResponse::success().encode().unwrap(),
        br#"{"result_code":0,"result_desc":"success"}"#
    );
    let get: PropertiesGetRequest = round_trip("properties_get_request.json");
    assert_eq!(get.service_id.as_deref(), Some("Temperature"));
    let _: PropertiesGetResponse = round_trip("properties_get_response.json");
}

#[test]
fn shadow() {
    let req: ShadowGetRequest = round_trip("shadow_get_request.json");
    assert_eq!(req.service_id.as_deref(), Some("WaterMeter"));
    let resp: ShadowGetResponse = round_trip("shadow_get_response.json");
    let s = &resp.shadow[0];
    assert_eq!(s.version, Some(1));
    assert_eq!(
        s.desired.as_ref().unwrap().properties["temperature"],
        json!("60")
    );
    assert_eq!(
        ShadowGetRequest {
            object_device_id: None,
            service_id: None
        }
        .encode()
        .unwrap(),
        b"{}"
    );
}

#[test]
fn messages() {
    let bytes = fixture("messages_down.json");
    let envelope: MessageEnvelope = round_trip("messages_down.json");
    assert_eq!(Message::from_bytes(&bytes), Message::Envelope(envelope));
}

#[test]
fn system_events() {
    let cases: [(&str, SystemEvent); 5] = [
        (
            "events_time_sync_request.json",
            SystemEvent::TimeSyncRequest(TimeSyncRequest {
                device_send_time: 1_582_685_678_789,
            }),
        ),
        (
            "events_time_sync_response.json",
            SystemEvent::TimeSyncResponse(TimeSyncResponse {
                device_send_time: 1_582_685_678_789,
                server_recv_time: 1_582_685_698_078,
                server_send_time: 1_582_685_698_088,
            }),
        ),
        ("events_ota_version_query.json", SystemEvent::VersionQuery),
        (
            "events_ota_version_report.json",
            SystemEvent::VersionReport(VersionReport {
                fw_version: Some("v1.0".into()),
                sw_version: Some("v1.0".into()),
            }),
        ),
        (
            "events_ota_upgrade_progress_report.json",
            SystemEvent::UpgradeProgressReport(UpgradeProgressReport {
                result_code: 0,
                progress: Some(80),
                version: Some("V2.0".into()),
                description: Some("upgrade processing".into()),
            }),
        ),
    ];
    for (name, want) in cases {
        let payload: EventsPayload = round_trip(name);
        let event = &payload.services[0];
        assert_eq!(event.system_event(), Ok(Some(want.clone())), "{name}");
        // Typed back to generic: the same event.
        let at = iotda_core::iotda::EventTime::parse("20151212T121212Z").unwrap();
        assert_eq!(&want.to_event(Some(at)).unwrap(), event, "{name}");
    }
}

#[test]
fn absent_optional_fields_are_not_written() {
    let r = VersionReport {
        fw_version: Some("1".into()),
        sw_version: None,
    };
    assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"fw_version":"1"}"#);
    let p = UpgradeProgressReport {
        result_code: 255,
        progress: None,
        version: None,
        description: None,
    };
    assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"result_code":255}"#);
}

#[test]
fn decoding_errors_name_the_field() {
    let cases: [(&[u8], &str); 4] = [
        (
            br#"{"services":[{"service_id":"s","properties":[]}]}"#,
            "field services[0].properties: invalid type: sequence, expected a map",
        ),
        (
            br#"{"result_code":"0"}"#,
            "field result_code: invalid type: string \"0\", expected i64",
        ),
        (
            br#"{"shadow":[{"service_id":"s","version":-1}]}"#,
            "field shadow[0].version: invalid value: integer `-1`, expected u64",
        ),
        (
            br#"{"services":[{"service_id":"$ota","event_type":7}]}"#,
            "field services[0].event_type: invalid type: integer `7`, expected a string",
        ),
    ];
    let messages = [
        PropertiesReport::decode(cases[0].0).map(drop),
        CommandResponse::decode(cases[1].0).map(drop),
        ShadowGetResponse::decode(cases[2].0).map(drop),
        EventsPayload::decode(cases[3].0).map(drop),
    ];
    for ((_, want), got) in cases.iter().zip(messages) {
        assert_eq!(got.unwrap_err().to_string(), *want);
    }
    assert!(matches!(
        PropertiesReport::decode(b"{\"services\":[{\"service_id\":\"s\""),
        Err(PayloadError::Syntax { line: 1, .. })
    ));
}

#[test]
fn event_id_survives_decode_and_encode() {
    // Huawei's example of "Platform Responding to a Request for Deleting
    // Child Devices" (support.huaweicloud.com/api-iothub/iot_06_v5_30184.html),
    // whose `event_id` is mandatory: it names the gateway's request.
    let payload: EventsPayload =
        round_trip("events_sub_device_manager_delete_sub_device_response.json");
    let event = &payload.services[0];
    assert_eq!(
        event.event_id.as_deref(),
        Some("40cc9ab1-3579-488c-95c6-c18941c99eb4")
    );
    // Absent, it is not written.
    let mut bare = event.clone();
    bare.event_id = None;
    let text = String::from_utf8(EventsPayload::single(bare).encode().unwrap()).unwrap();
    assert!(!text.contains("event_id"), "{text}");
}
