//! Product models: the REST JSON round trip, the console's ZIP (written by
//! Python, Info-ZIP and in the test), and archives that must be refused.

use iotda_core::iotda::model::{Limit, ZipError, MAX_UNZIPPED_LEN};
use iotda_core::iotda::{DataType, Method, ModelError, PayloadError, ProductModel};
use iotda_core::zip::ZipWriter;
use serde_json::{json, Number, Value};

use crate::fixture;

const SERVICE_FILES: [&str; 4] = ["Battery", "Connectivity", "DM", "Switch"];

fn profile_files() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "profile/devicetype-capability.json".to_owned(),
        fixture("profile_src/profile/devicetype-capability.json"),
    )];
    for s in SERVICE_FILES {
        let path = format!("service/{s}/profile/servicetype-capability.json");
        files.push((path.clone(), fixture(&format!("profile_src/{path}"))));
    }
    files
}

/// CRC-32 as ZIP uses it, bit by bit: an implementation independent of the
/// reader's table.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// One entry of a hand-built archive.
struct Raw {
    name: String,
    /// Bytes as stored in the archive.
    data: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u32,
}

impl Raw {
    fn deflated(name: &str, content: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            data: miniz_oxide::deflate::compress_to_vec(content, 6),
            method: 8,
            flags: 0,
            crc: crc32(content),
            size: u32::try_from(content.len()).unwrap(),
        }
    }
}

/// A ZIP of `entries` with exactly the given headers, honest or not.
fn build(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let compressed = u32::try_from(e.data.len()).unwrap();
        let name_len = u16::try_from(e.name.len()).unwrap();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, e.flags, e.method, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [e.crc, compressed, e.size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, e.flags, e.method, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [e.crc, compressed, e.size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    let count = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn rest_form_round_trips_huaweis_sample() {
    let bytes = fixture("product_model.json");
    let model = ProductModel::from_json(&bytes).unwrap();
    let want: Value = serde_json::from_slice(&bytes).unwrap();
    let again: Value = serde_json::from_str(&model.to_json().unwrap()).unwrap();
    assert_eq!(again, want);

    let service = model.service("temperature").unwrap();
    let t = service.property("temperature").unwrap();
    assert_eq!(t.data_type, DataType::Decimal);
    assert_eq!(
        (t.min.as_deref(), t.max.as_deref()),
        (Some("1"), Some("100"))
    );
    assert_eq!(t.step, Some(Number::from_f64(0.1).unwrap()));
    assert!(t.required);
    assert_eq!(t.method, Method::R);
    let reboot = service.command("reboot").unwrap();
    assert_eq!(reboot.para("force").unwrap().max_length, Some(100));
    assert_eq!(reboot.responses[0].response_name, "ACK");
    assert_eq!(service.events[0].event_type, "reboot");
    assert_eq!(model.create_time.as_deref(), Some("20190303T081011Z"));
}

/// What both ZIP fixtures and the test-built archives must read as.
fn check_profile_model(model: &ProductModel) {
    let ids: Vec<_> = model
        .service_capabilities
        .iter()
        .map(|s| s.service_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["Battery", "Connectivity", "DM", "Switch01", "Switch02"]
    );
    assert_eq!(model.device_type.as_deref(), Some("TestDevice"));
    assert_eq!(model.manufacturer_name.as_deref(), Some("XYZ"));
    assert_eq!(model.protocol_type.as_deref(), Some("MQTT"));

    let battery = model.service("Battery").unwrap();
    assert_eq!(battery.option.as_deref(), Some("Mandatory"));
    let level = battery.property("batteryLevel").unwrap();
    assert_eq!(level.data_type, DataType::Int);
    assert_eq!(
        (level.min.as_deref(), level.max.as_deref()),
        (Some("0"), Some("100"))
    );
    assert_eq!(level.step, Some(Number::from(1)));
    assert_eq!(level.max_length, None, "maxLength 0 means none");
    assert_eq!(level.method, Method::RWE);
    assert!(level.required);
    let voltage = battery.property("batteryVoltage").unwrap();
    assert_eq!(voltage.unit.as_deref(), Some("mV"));

    let signal = model
        .service("Connectivity")
        .unwrap()
        .property("signalStrength")
        .unwrap();
    assert_eq!(
        (signal.min.as_deref(), signal.max.as_deref()),
        (Some("-150"), Some("150")),
        "numbers become decimal text"
    );
    assert_eq!(signal.enum_list, None, "an empty enumList means none");

    let dm = model.service("DM").unwrap();
    assert_eq!(dm.option, None);
    assert_eq!(dm.events, []);
    let sw = dm.property("swVersion").unwrap();
    assert_eq!(
        (sw.data_type, sw.max_length, sw.step.as_ref()),
        (DataType::String, Some(256), None)
    );
    assert_eq!(dm.command("REBOOT").unwrap().paras, []);

    let s1 = model.service("Switch01").unwrap();
    let s2 = model.service("Switch02").unwrap();
    assert_eq!(s1.properties, s2.properties, "one service type, two ids");
    assert_eq!(s1.service_type.as_deref(), Some("Switch"));
    let state = s1.property("state").unwrap();
    assert_eq!(state.data_type, DataType::Enum);
    assert_eq!(
        state.enum_list.as_deref(),
        Some(&["ON".to_owned(), "OFF".to_owned()][..])
    );
    assert_eq!(state.default_value, Some(json!("OFF")));
    assert_eq!(state.method, Method::RW);
    let set = s1.command("SET_STATE").unwrap();
    let delay = set.para("delay").unwrap();
    assert_eq!(
        (delay.min.as_deref(), delay.max.as_deref()),
        (Some("0"), Some("3600"))
    );
    assert_eq!(delay.step, Some(Number::from(5)));
    assert_eq!(set.responses[0].paras[0].para_name, "result");
    let overheat = &s1.events[0];
    assert_eq!(overheat.event_type, "overheat");
    assert_eq!(overheat.paras[0].unit.as_deref(), Some("°C"));
}

#[test]
fn zip_form_from_python_zipfile() {
    let model = ProductModel::from_zip(&fixture("product_model_profile.zip")).unwrap();
    check_profile_model(&model);
    // The REST form it serializes to reads back to the same model.
    let json = model.to_json().unwrap();
    assert_eq!(ProductModel::from_json(json.as_bytes()).unwrap(), model);
    assert_eq!(ProductModel::from_bytes(json.as_bytes()).unwrap(), model);
}

#[test]
fn zip_form_streamed_by_info_zip_one_folder_deep() {
    let bytes = fixture("product_model_streamed.zip");
    let model = ProductModel::from_bytes(&bytes).unwrap();
    check_profile_model(&model);
    assert_eq!(
        model,
        ProductModel::from_zip(&fixture("product_model_profile.zip")).unwrap()
    );
}

#[test]
fn zip_form_built_in_the_test() {
    let files = profile_files();
    let mut stored = ZipWriter::new();
    for (path, data) in &files {
        stored.add_file(path, data, 0).unwrap();
    }
    check_profile_model(&ProductModel::from_zip(&stored.finish().unwrap()).unwrap());

    // Deflated, with a UTF-8 byte-order mark on one file as Windows editors
    // write it.
    let mut raws: Vec<Raw> = files
        .iter()
        .map(|(path, data)| Raw::deflated(path, data))
        .collect();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&files[0].1);
    raws[0] = Raw::deflated(&files[0].0, &bom);
    check_profile_model(&ProductModel::from_zip(&build(&raws)).unwrap());
}

#[test]
fn zip_bombs_are_refused() {
    // One entry claiming 17 MiB honestly: 17 KB compressed.
    let zeros = vec![0u8; MAX_UNZIPPED_LEN + 1024 * 1024];
    let bomb = build(&[Raw::deflated("profile/devicetype-capability.json", &zeros)]);
    assert!(bomb.len() < 100_000);
    assert_eq!(
        ProductModel::from_zip(&bomb),
        Err(ModelError::Zip(ZipError::TooLarge {
            limit: MAX_UNZIPPED_LEN
        }))
    );

    // The same data under headers that claim 10 bytes.
    let mut liar = Raw::deflated("profile/devicetype-capability.json", &zeros);
    liar.size = 10;
    assert_eq!(
        ProductModel::from_zip(&build(&[liar])),
        Err(ModelError::Zip(ZipError::TooLarge {
            limit: MAX_UNZIPPED_LEN
        }))
    );

    // Many valid entries under the limit each, over it together.
    let device = fixture("profile_src/profile/devicetype-capability.json");
    let mut mib = br#"{"services":[]}"#.to_vec();
    mib.resize(1024 * 1024, b' ');
    let names: Vec<String> = (0..17)
        .map(|i| format!("service/S{i}/profile/servicetype-capability.json"))
        .collect();
    let mut raws = vec![Raw::deflated("profile/devicetype-capability.json", &device)];
    raws.extend(names.iter().map(|n| Raw::deflated(n, &mib)));
    assert_eq!(
        ProductModel::from_zip(&build(&raws)),
        Err(ModelError::Zip(ZipError::TooLarge {
            limit: MAX_UNZIPPED_LEN
        }))
    );
}

#[test]
fn archives_that_cannot_be_read_say_why() {
    let device = fixture("profile_src/profile/devicetype-capability.json");
    let name = "profile/devicetype-capability.json";

    assert_eq!(
        ProductModel::from_zip(b"PK\x03\x04 not really"),
        Err(ModelError::Zip(ZipError::NotZip))
    );

    let mut encrypted = Raw::deflated(name, &device);
    encrypted.flags = 1;
    assert_eq!(
        ProductModel::from_zip(&build(&[encrypted])),
        Err(ModelError::Zip(ZipError::Encrypted { name: name.into() }))
    );

    let mut bzip2 = Raw::deflated(name, &device);
    bzip2.method = 12;
    assert_eq!(
        ProductModel::from_zip(&build(&[bzip2])),
        Err(ModelError::Zip(ZipError::Method {
            name: name.into(),
            method: 12
        }))
    );

    let mut bad_crc = Raw::deflated(name, &device);
    bad_crc.crc ^= 1;
    assert_eq!(
        ProductModel::from_zip(&build(&[bad_crc])),
        Err(ModelError::Zip(ZipError::Checksum { name: name.into() }))
    );

    let mut garbage = Raw::deflated(name, &device);
    garbage.data = vec![0xff; 40];
    assert_eq!(
        ProductModel::from_zip(&build(&[garbage])),
        Err(ModelError::Zip(ZipError::Inflate { name: name.into() }))
    );

    assert_eq!(
        ProductModel::from_zip(&build(&[Raw::deflated("readme.txt", b"hi")])),
        Err(ModelError::NoDeviceProfile)
    );

    assert_eq!(
        ProductModel::from_zip(&build(&[Raw::deflated(name, br#"{"devices":[]}"#)])),
        Err(ModelError::NoDevice)
    );

    // The device lists Switch01, whose service file is missing.
    let only_some: Vec<Raw> = profile_files()
        .iter()
        .filter(|(p, _)| !p.contains("Switch"))
        .map(|(p, d)| Raw::deflated(p, d))
        .collect();
    let err = ProductModel::from_zip(&build(&only_some)).unwrap_err();
    assert_eq!(
        err,
        ModelError::MissingService {
            service_id: "Switch01".into(),
            service_type: "Switch".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "service \"Switch01\" needs service/Switch/profile/servicetype-capability.json with serviceType \"Switch\", and the ZIP has none"
    );

    let bad_json = build(&[Raw::deflated(
        name,
        br#"{"devices":[{"serviceTypeCapabilities":[{"serviceId":"A"}]}]}"#,
    )]);
    let err = ProductModel::from_zip(&bad_json).unwrap_err();
    assert_eq!(
        err,
        ModelError::Json {
            file: Some(name.into()),
            error: PayloadError::Field {
                path: "devices[0].serviceTypeCapabilities[0]".into(),
                detail: "missing field `serviceType`".into()
            }
        }
    );
    assert_eq!(
        err.to_string(),
        "profile/devicetype-capability.json is not a valid product model file: field devices[0].serviceTypeCapabilities[0]: missing field `serviceType`"
    );
}

#[test]
fn rest_form_errors_name_the_field() {
    let err = ProductModel::from_json(
        br#"{"service_capabilities":[{"service_id":"S","properties":[{"property_name":"p","data_type":"float","method":"R"}]}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this is not a valid product model: field service_capabilities[0].properties[0].data_type: unknown data type \"float\"; IoTDA's types are int, long, decimal, string, DateTime, jsonObject, enum, boolean and string list"
    );
    let err = ProductModel::from_json(
        br#"{"service_capabilities":[{"service_id":"S","commands":[{"command_name":"c","paras":[{"para_name":"x","data_type":"int","min":"ten"}]}]}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ModelError::BadNumber {
            path: "service_capabilities[0].commands[0].paras[0].min".into(),
            value: "ten".into()
        }
    );
}

/// [`iotda_testkit::amplifying_model`], deflated.
fn amplifying_zip(refs: usize, properties: usize) -> Vec<u8> {
    let files = iotda_testkit::amplifying_model(refs, properties);
    let raws: Vec<Raw> = files
        .iter()
        .map(|(name, json)| Raw::deflated(name, json.as_bytes()))
        .collect();
    build(&raws)
}

#[test]
fn zip_amplification_is_refused_before_expansion() {
    // 5000 references to a 10000-property service: 50 million properties
    // once expanded, from a ZIP of a few tens of KB.
    let bomb = amplifying_zip(5000, 10_000);
    assert!(bomb.len() < 60_000, "{}", bomb.len());
    let err = ProductModel::from_zip(&bomb).unwrap_err();
    assert_eq!(
        err,
        ModelError::TooLarge {
            path: "devices[0].serviceTypeCapabilities".into(),
            limit: Limit::Services,
            found: 5000
        }
    );
    assert_eq!(
        err.to_string(),
        "devices[0].serviceTypeCapabilities has 5000 services; IoTDA allows at most 500 a product, so it is refused; split it or remove what the devices do not use"
    );

    // Within every count, but 500 copies of a 500-property service are
    // more than the model may become.
    let err = ProductModel::from_zip(&amplifying_zip(500, 500)).unwrap_err();
    assert!(
        matches!(err, ModelError::TooLarge { limit: Limit::ModelJson, found, .. } if found > Limit::ModelJson.max()),
        "{err:?}"
    );

    // One definition over a per-service bound is named by its file.
    assert_eq!(
        ProductModel::from_zip(&amplifying_zip(1, 501)),
        Err(ModelError::TooLarge {
            path: "service/S/profile/servicetype-capability.json:services[0].properties".into(),
            limit: Limit::Properties,
            found: 501
        })
    );

    // At the bounds, the model is read.
    let model = ProductModel::from_zip(&amplifying_zip(30, 500)).unwrap();
    assert_eq!(model.service_capabilities.len(), 30);
    assert_eq!(model.service_capabilities[29].service_id, "S29");
    assert_eq!(model.service_capabilities[29].properties.len(), 500);
}

/// A REST-form model of one service holding `property`.
fn one_property(property: Value) -> Vec<u8> {
    json!({"service_capabilities": [{"service_id": "S", "properties": [property]}]})
        .to_string()
        .into_bytes()
}

#[test]
fn rest_form_limits_are_iotdas() {
    let property = |field: &str, value: Value| {
        let mut p = json!({"property_name": "p", "data_type": "int", "method": "R"});
        p[field] = value;
        ProductModel::from_json(&one_property(p))
    };
    let at = |field: &str| format!("service_capabilities[0].properties[0].{field}");
    for (field, limit, ok, over) in [
        ("property_name", Limit::Name, 64, 65),
        ("min", Limit::Bound, 24, 25),
        ("max", Limit::Bound, 24, 25),
        ("unit", Limit::Unit, 16, 17),
        ("description", Limit::Description, 128, 129),
    ] {
        // Digits, so min and max stay numbers (and min <= max).
        let text = |n: usize| Value::from("1".repeat(n));
        assert!(property(field, text(ok)).is_ok(), "{field} at {ok}");
        assert_eq!(
            property(field, text(over)),
            Err(ModelError::TooLarge {
                path: at(field),
                limit,
                found: over
            }),
            "{field}"
        );
    }
    // Characters, not bytes: 64 Chinese characters are a valid name.
    assert!(property("property_name", Value::from("温".repeat(64))).is_ok());
    assert_eq!(
        property("min", Value::from("")),
        Err(ModelError::TooLarge {
            path: at("min"),
            limit: Limit::Bound,
            found: 0
        })
    );
    let values: Vec<String> = (0..501).map(|i| i.to_string()).collect();
    assert_eq!(
        property("enum_list", json!(values)),
        Err(ModelError::TooLarge {
            path: at("enum_list"),
            limit: Limit::EnumValues,
            found: 501
        })
    );

    let services: Vec<Value> = (0..501)
        .map(|i| json!({"service_id": format!("S{i}")}))
        .collect();
    let many = json!({ "service_capabilities": services }).to_string();
    assert_eq!(
        ProductModel::from_json(many.as_bytes()),
        Err(ModelError::TooLarge {
            path: "service_capabilities".into(),
            limit: Limit::Services,
            found: 501
        })
    );

    // A service's JSON over 500 KB: 500 properties with large defaults.
    let big = "x".repeat(1100);
    let properties: Vec<Value> = (0..500)
        .map(|i| json!({"property_name": format!("p{i}"), "data_type": "string", "method": "R", "default_value": big}))
        .collect();
    let model = json!({"service_capabilities": [{"service_id": "S", "properties": properties}]});
    let err = ProductModel::from_json(model.to_string().as_bytes()).unwrap_err();
    assert!(
        matches!(&err, ModelError::TooLarge { path, limit: Limit::ServiceJson, found } if path == "service_capabilities[0]" && *found > 500 * 1024),
        "{err:?}"
    );
}

#[test]
fn json_that_is_not_a_model_is_refused_as_such() {
    let report = br#"{"services":[{"service_id":"Battery","properties":{"batteryLevel":80}}]}"#;
    let err = ProductModel::from_json(report).unwrap_err();
    assert_eq!(
        err,
        ModelError::NotAModel {
            keys: vec!["services".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "this is a device's property report (it has \"services\"), not a product model, which has \"service_capabilities\"; export the model from the IoTDA console (JSON or ZIP) and choose that file"
    );
    let err = ProductModel::from_json(b"{}").unwrap_err();
    assert_eq!(err, ModelError::NotAModel { keys: vec![] });
    assert!(err
        .to_string()
        .starts_with("this is an empty JSON object, not a product model"));
    let err = ProductModel::from_bytes(br#"{"device_id":"d","secret":"s"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("this is a JSON object with device_id, secret, not a product model"),
        "{err}"
    );
    // Not an object at all: serde's own words, with the path.
    assert!(matches!(
        ProductModel::from_json(b"[1]"),
        Err(ModelError::Json { file: None, .. })
    ));
    // A model without services is still a model.
    assert_eq!(
        ProductModel::from_json(br#"{"service_capabilities":null}"#)
            .unwrap()
            .service_capabilities,
        vec![]
    );
}
