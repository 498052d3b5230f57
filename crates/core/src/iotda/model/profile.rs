//! The console's offline product model: a ZIP of camelCase JSON files.
//!
//! ```text
//! profile/devicetype-capability.json
//!     {"devices":[{"manufacturerName","protocolType","deviceType",
//!                  "serviceTypeCapabilities":[{"serviceId","serviceType","option"}]}]}
//! service/{serviceType}/profile/servicetype-capability.json
//!     {"services":[{"serviceType","description","properties":[{"propertyName","dataType",
//!        "required","min","max","step","maxLength","method","unit","enumList",...}],
//!        "commands":[{"commandName","paras":[{"paraName",...}],"responses":[{"responseName","paras"}]}],
//!        "events":[{"eventType","paras"}]}]}
//! ```
//!
//! Services are matched to their file by `serviceType`, as Huawei's SDK
//! code generator does; the folder name is not relied on. The files may sit
//! one folder deeper (a ZIP of the export's folder). The format writes
//! placeholders for fields that do not apply (`"step": 0`, `"maxLength": 0`,
//! `"enumList": []`, `null` lists); they become "not set".

use serde::Deserialize;
use serde_json::{Number, Value};

use super::limits::{self, Limit};
use super::unzip::Archive;
use super::{
    number, string_or_number, CommandDef, DataType, EventDef, Method, ModelError, Para,
    ProductModel, Property, ResponseDef, ServiceCapability,
};
use crate::iotda::json_path;
use crate::iotda::payload::{decode_json, null_as_default};

const DEVICE_FILE: &str = "devicetype-capability.json";
const SERVICE_FILE: &str = "servicetype-capability.json";

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct DeviceFile {
    #[serde(default, deserialize_with = "null_as_default")]
    devices: Vec<DeviceEntry>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct DeviceEntry {
    #[serde(default)]
    manufacturer_name: Option<String>,
    #[serde(default)]
    protocol_type: Option<String>,
    #[serde(default)]
    device_type: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    service_type_capabilities: Vec<ServiceRef>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct ServiceRef {
    service_id: String,
    service_type: String,
    #[serde(default)]
    option: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct ServiceFile {
    #[serde(default, deserialize_with = "null_as_default")]
    services: Vec<ServiceEntry>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct ServiceEntry {
    service_type: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    properties: Vec<CamelProperty>,
    #[serde(default, deserialize_with = "null_as_default")]
    commands: Vec<CamelCommand>,
    #[serde(default, deserialize_with = "null_as_default")]
    events: Vec<CamelEvent>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct CamelProperty {
    property_name: String,
    data_type: DataType,
    #[serde(default, deserialize_with = "null_as_default")]
    required: bool,
    #[serde(default, deserialize_with = "string_or_number")]
    min: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    max: Option<String>,
    #[serde(default, deserialize_with = "number")]
    step: Option<Number>,
    #[serde(default)]
    max_length: Option<u64>,
    method: Method,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    enum_list: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    default_value: Option<Value>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct CamelPara {
    para_name: String,
    data_type: DataType,
    #[serde(default, deserialize_with = "null_as_default")]
    required: bool,
    #[serde(default, deserialize_with = "string_or_number")]
    min: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    max: Option<String>,
    #[serde(default, deserialize_with = "number")]
    step: Option<Number>,
    #[serde(default)]
    max_length: Option<u64>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    enum_list: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct CamelCommand {
    command_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    paras: Vec<CamelPara>,
    #[serde(default, deserialize_with = "null_as_default")]
    responses: Vec<CamelResponse>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct CamelResponse {
    response_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    paras: Vec<CamelPara>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct CamelEvent {
    event_type: String,
    #[serde(default, deserialize_with = "null_as_default")]
    paras: Vec<CamelPara>,
}

/// Reads the ZIP into a model (bounds are checked by the caller).
pub(super) fn read(bytes: &[u8]) -> Result<ProductModel, ModelError> {
    let mut archive = Archive::new(bytes)?;
    let device_index = find_device_file(&archive).ok_or(ModelError::NoDeviceProfile)?;
    let device_file: DeviceFile = read_json(&mut archive, device_index)?;
    let device = device_file
        .devices
        .into_iter()
        .next()
        .ok_or(ModelError::NoDevice)?;

    let refs = device.service_type_capabilities;
    if refs.len() > Limit::Services.max() {
        return Err(ModelError::TooLarge {
            path: "devices[0].serviceTypeCapabilities".to_owned(),
            limit: Limit::Services,
            found: refs.len(),
        });
    }

    let service_indices: Vec<usize> = archive
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| file_name(&e.name) == SERVICE_FILE)
        .map(|(i, _)| i)
        .collect();
    let mut definitions = Vec::new();
    for i in service_indices {
        let file: ServiceFile = read_json(&mut archive, i)?;
        let name = archive.entries().get(i).map(|e| e.name.as_str());
        let name = name.unwrap_or_default();
        for (k, def) in file.services.into_iter().enumerate() {
            definitions.push((format!("{name}:{}", json_path::index("services", k)), def));
        }
    }

    // Each reference copies its whole definition, so references are counted
    // and the copies' total size summed before anything is copied: a small
    // ZIP must not expand into millions of properties.
    let mut templates: Vec<Option<(ServiceCapability, usize)>> = Vec::new();
    templates.resize_with(definitions.len(), || None);
    let mut chosen = Vec::with_capacity(refs.len());
    let mut total = 0usize;
    for r in refs {
        // Two ids may share a service type (Switch01, Switch02), so each
        // capability is a copy of one checked template.
        let Some(d) = definitions
            .iter()
            .position(|(_, d)| d.service_type == r.service_type)
        else {
            return Err(ModelError::MissingService {
                service_id: r.service_id,
                service_type: r.service_type,
            });
        };
        let (Some((path, def)), Some(slot)) = (definitions.get(d), templates.get_mut(d)) else {
            continue;
        };
        let size = match slot {
            Some((_, size)) => *size,
            None => {
                let template = capability(def);
                let size = limits::check_service(path, &template)?;
                *slot = Some((template, size));
                size
            }
        };
        total = total.saturating_add(size);
        if total > Limit::ModelJson.max() {
            return Err(ModelError::TooLarge {
                path: String::new(),
                limit: Limit::ModelJson,
                found: total,
            });
        }
        chosen.push((d, r));
    }
    let services = chosen
        .into_iter()
        .filter_map(|(d, r)| {
            let (template, _) = templates.get(d)?.as_ref()?;
            Some(ServiceCapability {
                service_id: r.service_id,
                service_type: Some(r.service_type),
                option: r.option,
                ..template.clone()
            })
        })
        .collect();

    Ok(ProductModel {
        product_id: None,
        name: None,
        device_type: device.device_type,
        protocol_type: device.protocol_type,
        data_format: None,
        manufacturer_name: device.manufacturer_name,
        industry: None,
        description: device.description,
        app_id: None,
        app_name: None,
        create_time: None,
        service_capabilities: services,
    })
}

/// The shallowest entry named `devicetype-capability.json` in a folder
/// named `profile` (the export's root, or one folder below it).
fn find_device_file(archive: &Archive<'_>) -> Option<usize> {
    archive
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.name == format!("profile/{DEVICE_FILE}")
                || e.name.ends_with(&format!("/profile/{DEVICE_FILE}"))
        })
        .min_by_key(|(_, e)| e.name.matches('/').count())
        .map(|(i, _)| i)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn read_json<T: serde::de::DeserializeOwned>(
    archive: &mut Archive<'_>,
    index: usize,
) -> Result<T, ModelError> {
    let name = archive
        .entries()
        .get(index)
        .map(|e| e.name.clone())
        .unwrap_or_default();
    let bytes = archive.read(index)?;
    // Windows editors save JSON with a byte-order mark; serde_json refuses it.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    decode_json(body).map_err(|error| ModelError::Json {
        file: Some(name),
        error,
    })
}

/// A service's definition as a capability; its id, type and option are
/// the reference's, set by the caller.
fn capability(def: &ServiceEntry) -> ServiceCapability {
    ServiceCapability {
        service_id: String::new(),
        service_type: None,
        description: def.description.clone(),
        option: None,
        properties: def.properties.iter().map(property).collect(),
        commands: def
            .commands
            .iter()
            .map(|c| CommandDef {
                command_name: c.command_name.clone(),
                paras: c.paras.iter().map(para).collect(),
                responses: c
                    .responses
                    .iter()
                    .map(|r| ResponseDef {
                        response_name: r.response_name.clone(),
                        paras: r.paras.iter().map(para).collect(),
                    })
                    .collect(),
            })
            .collect(),
        events: def
            .events
            .iter()
            .map(|e| EventDef {
                event_type: e.event_type.clone(),
                paras: e.paras.iter().map(para).collect(),
            })
            .collect(),
    }
}

fn property(p: &CamelProperty) -> Property {
    Property {
        property_name: p.property_name.clone(),
        data_type: p.data_type,
        required: p.required,
        min: p.min.clone(),
        max: p.max.clone(),
        step: positive(p.step.as_ref()),
        max_length: p.max_length.filter(|&n| n > 0),
        enum_list: p.enum_list.clone().filter(|l| !l.is_empty()),
        unit: p.unit.clone(),
        method: p.method,
        description: p.description.clone(),
        default_value: p.default_value.clone(),
    }
}

fn para(p: &CamelPara) -> Para {
    Para {
        para_name: p.para_name.clone(),
        data_type: p.data_type,
        required: p.required,
        min: p.min.clone(),
        max: p.max.clone(),
        step: positive(p.step.as_ref()),
        max_length: p.max_length.filter(|&n| n > 0),
        enum_list: p.enum_list.clone().filter(|l| !l.is_empty()),
        unit: p.unit.clone(),
        description: p.description.clone(),
    }
}

/// The step when it is a positive number; the format writes 0 for "none".
fn positive(step: Option<&Number>) -> Option<Number> {
    step.filter(|n| n.as_f64().is_some_and(|f| f > 0.0))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iotda::payload::tests::same_as_tracked;

    #[test]
    fn paths_are_those_serde_path_to_error_gave() {
        // Compiled in: the core never reads files, not even in its tests.
        macro_rules! read {
            ($path:literal) => {
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/iotda/profile_src/",
                    $path
                ))
            };
        }
        let services = same_as_tracked::<ServiceFile>(read!(
            "service/Switch/profile/servicetype-capability.json"
        ));
        let devices = same_as_tracked::<DeviceFile>(read!("profile/devicetype-capability.json"));
        assert!(services > 1000 && devices > 100, "{services} {devices}");
    }
}
