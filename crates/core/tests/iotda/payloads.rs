//! Every payload type decodes Huawei's sample and encodes it back to the
//! same JSON, optional fields left out when absent.

use iotda_core::iotda::{
    CommandRequest, CommandResponse, EventsPayload, GatewayPropertiesReport, Message,
    MessageEnvelope, Payload, PayloadError, PropertiesGetRequest, PropertiesGetResponse,
    PropertiesReport, PropertiesSetRequest, PropertiesSetResponse, ShadowGetRequest,
    ShadowGetResponse, SystemEvent, TimeSyncRequest, TimeSyncResponse, UpgradeNotice,
    UpgradeNoticeV2, UpgradeProgressReport, UpgradeResult, VersionReport,
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
        (
            "events_ota_version_query.json",
            SystemEvent::VersionQuery(Default::default()),
        ),
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
                result_code: UpgradeResult::Success,
                progress: Some(80.try_into().unwrap()),
                version: "V2.0".into(),
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
        result_code: UpgradeResult::InternalError,
        progress: None,
        version: "1.0".into(),
        description: None,
    };
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"result_code":255,"version":"1.0"}"#
    );
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

#[test]
fn ota_upgrade_notices() {
    // Example one of "Platform Delivering an Upgrade Event"
    // (support.huaweicloud.com/api-iothub/iot_06_v5_3030.html, package
    // stored on the platform), with the gateway batch-task fields.
    let payload: EventsPayload = round_trip("events_ota_firmware_upgrade.json");
    let Ok(Some(SystemEvent::FirmwareUpgrade(notice))) = payload.services[0].system_event() else {
        panic!("{:?}", payload.services[0].system_event());
    };
    assert_eq!(notice.version, "v1.2");
    assert_eq!(notice.file_size, 81_362_928);
    assert_eq!(notice.file_name.as_deref(), Some("upgrade.bin"));
    assert_eq!(notice.expires, Some(86_400));
    assert_eq!(
        notice.sign,
        "595124473f866b033dfa1f7e831c8c99a12f6143f392dfa996a819010842c99d"
    );
    assert_eq!(notice.batch.sub_device_count, Some(2));
    assert_eq!(
        notice.batch.task_ext_info.as_ref().unwrap()["device_type"],
        json!("DDC")
    );
    let at = iotda_core::iotda::EventTime::parse("20151212T121212Z").unwrap();
    assert_eq!(
        SystemEvent::FirmwareUpgrade(notice.clone())
            .to_event(Some(at))
            .unwrap(),
        payload.services[0]
    );

    // The same page's earlier example, before `file_name` was added: still
    // an upgrade notice.
    let older: EventsPayload = round_trip("events_ota_firmware_upgrade_no_file_name.json");
    let Ok(Some(SystemEvent::FirmwareUpgrade(old))) = older.services[0].system_event() else {
        panic!("{:?}", older.services[0].system_event());
    };
    assert_eq!(old.file_name, None);
    assert_eq!(old.sign, notice.sign);

    // software_upgrade has the same parameters under another event type.
    let mut software = payload.services[0].clone();
    software.event_type = "software_upgrade".into();
    assert_eq!(
        software.system_event(),
        Ok(Some(SystemEvent::SoftwareUpgrade(notice)))
    );
}

#[test]
fn ota_upgrade_notices_v2() {
    // The page gives no example of the OBS forms; these are its field list
    // for `firmware_upgrade_v2` / `software_upgrade_v2` (iot_06_v5_3030),
    // once with every field and once with only the two every version of
    // the page and of the Java SDK's OTAPackageV2 has.
    let full = json!({
        "version": "v1.2",
        "url": "https://obs.example/package.bin?sig=1",
        "file_size": 81362928,
        "file_name": "upgrade.bin",
        "expires": 86400,
        "sign": "595124473f866b033dfa1f7e831c8c99a12f6143f392dfa996a819010842c99d",
        "custom_info": "new features",
        "task_id": "65d31bf2581ed33a42a58d76",
        "sub_device_count": 2,
        "task_ext_info": {"device_type": "DDC"}
    });
    let bare = json!({"version": "v1.2", "url": "https://obs.example/package.bin"});
    for (kind, paras) in [
        ("firmware_upgrade_v2", &full),
        ("software_upgrade_v2", &bare),
    ] {
        let doc = json!({"services": [{
            "service_id": "$ota", "event_type": kind, "paras": paras
        }]});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let payload = EventsPayload::decode(&bytes).unwrap();
        let typed = payload.services[0].system_event().unwrap().unwrap();
        let notice: UpgradeNoticeV2 = serde_json::from_value(paras.clone()).unwrap();
        let want = if kind == "firmware_upgrade_v2" {
            SystemEvent::FirmwareUpgradeV2(notice)
        } else {
            SystemEvent::SoftwareUpgradeV2(notice)
        };
        assert_eq!(typed, want);
        assert_eq!(typed.event_type(), kind);
        assert_eq!(typed.to_event(None).unwrap(), payload.services[0]);
        let encoded: Value = serde_json::from_slice(&payload.encode().unwrap()).unwrap();
        assert_eq!(encoded, doc);
    }
    // A v1 notice needs size and SHA-256; without them it is refused.
    let v1: Result<UpgradeNotice, _> = serde_json::from_value(bare);
    assert!(v1.unwrap_err().to_string().contains("file_size"));
}

#[test]
fn upgrade_result_codes_are_the_documented_ones() {
    // "Device Reporting the Upgrade Status"
    // (support.huaweicloud.com/api-iothub/iot_06_v5_3031.html): 0-10 and 255.
    let codes: Vec<i64> = UpgradeResult::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    assert_eq!(
        UpgradeResult::VerificationFailed.name(),
        "upgrade package verification failure"
    );
    for code in [-1, 11, 127, 254, 256] {
        assert!(UpgradeResult::try_from(code).is_err(), "{code}");
    }
    for r in UpgradeResult::ALL {
        assert_eq!(UpgradeResult::try_from(r.code()), Ok(r));
        // On the wire it is the bare number.
        assert_eq!(serde_json::to_value(r).unwrap(), json!(r.code()));
    }
    // Progress is bounded at both ends of the type too.
    let progress = |v: Value| serde_json::from_value::<iotda_core::iotda::Progress>(v);
    assert_eq!(progress(json!(100)).unwrap().percent(), 100);
    assert_eq!(progress(json!(0)).unwrap().percent(), 0);
    assert!(progress(json!(101)).is_err());
    assert!(progress(json!(-1)).is_err());
    assert!(progress(json!(1000)).is_err());
    assert!(progress(json!(50.5)).is_err());
}

#[test]
fn sub_device_manager_events() {
    use iotda_core::iotda::payload::SUB_DEVICE_SERVICE_ID;
    use iotda_core::iotda::SubDeviceStatus;
    // Each fixture is the example of its page in Huawei's "Gateway and Child
    // Device Management" (support.huaweicloud.com/api-iothub/iot_06_v5_NNNN.html):
    // add request 30181, delete notification 3020, status update 3022,
    // status update response 30233, delete response 30184.
    let names = [
        "events_sub_device_manager_add_sub_device_request.json",
        "events_sub_device_manager_delete_sub_device_notify.json",
        "events_sub_device_manager_sub_device_update_status.json",
        "events_sub_device_manager_sub_device_update_status_response.json",
        "events_sub_device_manager_delete_sub_device_response.json",
    ];
    let mut typed = Vec::new();
    for name in names {
        let payload: EventsPayload = round_trip(name);
        let event = &payload.services[0];
        let system = event
            .system_event()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: not typed"));
        assert_eq!(system.service_id(), SUB_DEVICE_SERVICE_ID);
        assert_eq!(system.event_type(), event.event_type);
        // Typed back to generic: the same event once its id and time are put back.
        let mut back = system.to_event(None).unwrap();
        back.event_id = event.event_id.clone();
        back.event_time = event.event_time.clone();
        assert_eq!(&back, event, "{name}");
        typed.push(system);
    }
    let SystemEvent::AddSubDeviceRequest(add) = &typed[0] else {
        panic!("{:?}", typed[0]);
    };
    assert_eq!(add.devices[1].node_id, "subdevice12");
    assert_eq!(add.devices[1].device_id, None);
    let SystemEvent::DeleteSubDeviceNotify(gone) = &typed[1] else {
        panic!("{:?}", typed[1]);
    };
    assert_eq!(gone.version, Some(1));
    assert_eq!(gone.devices[0].status, None);
    let SystemEvent::SubDeviceUpdateStatus(update) = &typed[2] else {
        panic!("{:?}", typed[2]);
    };
    assert!(update
        .device_statuses
        .iter()
        .all(|s| s.status == SubDeviceStatus::Online));
    let SystemEvent::SubDeviceUpdateStatusResponse(answer) = &typed[3] else {
        panic!("{:?}", typed[3]);
    };
    assert_eq!(answer.failed_devices[0].error_code, "XXX");
    let SystemEvent::DeleteSubDeviceResponse(deleted) = &typed[4] else {
        panic!("{:?}", typed[4]);
    };
    assert_eq!(
        deleted.successful_devices,
        ["c6b39067b0325db34663d3ef421a42f6_subdevice11"]
    );
}

#[test]
fn sub_device_responses_need_their_event_id() {
    // Mandatory on the platform's answers (30182, 30184, 30233), optional on
    // the gateway's requests (30181).
    for (name, needed) in [
        (
            "events_sub_device_manager_delete_sub_device_response.json",
            true,
        ),
        (
            "events_sub_device_manager_sub_device_update_status_response.json",
            true,
        ),
        (
            "events_sub_device_manager_add_sub_device_request.json",
            false,
        ),
    ] {
        let mut event = EventsPayload::decode(&fixture(name)).unwrap().services[0].clone();
        event.event_id = None;
        let got = event.system_event();
        if needed {
            assert_eq!(
                got.unwrap_err().to_string(),
                "the payload does not have the expected shape: missing field `event_id`",
                "{name}"
            );
        } else {
            assert!(got.unwrap().is_some(), "{name}");
        }
    }
    // A status the platform does not define is refused, naming the field.
    let bad = br#"{"services":[{"service_id":"$sub_device_manager","event_type":"sub_device_update_status","paras":{"device_statuses":[{"device_id":"d","status":"online"}]}}]}"#;
    let event = &EventsPayload::decode(bad).unwrap().services[0];
    let err = event.system_event().unwrap_err().to_string();
    assert!(
        err.starts_with("field paras.device_statuses[0].status: unknown variant `online`"),
        "{err}"
    );
}
