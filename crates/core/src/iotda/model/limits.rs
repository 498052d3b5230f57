//! What a product model may become: counts, string lengths and JSON sizes.
//!
//! A model is read from a small file but may expand (the ZIP form copies a
//! whole service definition for every reference to it), so its size is
//! bounded after reading, in the core, for every caller. IoTDA's own limits
//! are the guide; where Huawei's documents are silent this kit chooses, and
//! [`Limit`] says which.
//!
//! ```text
//! product   services <= 500                whole model <= 4 MiB as compact REST JSON (ours)
//! service   properties, commands, events <= 500 each; <= 500 KB as JSON
//! command   paras, responses <= 500 (ours);  response / event: paras <= 500 (ours)
//! field     names, ids <= 64 characters;  min / max 1..=24 (IoTDA: 16);  unit <= 16;  description <= 128
//!           enum_list <= 500 values (ours)
//! ```
//!
//! No I/O: sizes are counted by serializing into a counter, not a buffer.

use std::fmt;
use std::io;

use serde::Serialize;

use super::{CommandDef, EventDef, ModelError, Para, ProductModel, Property, ServiceCapability};
use crate::iotda::json_path;
use crate::text::{Key, Message, Say};

/// A bound on what a product model may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Services in a product: 500 (IoTDA).
    Services,
    /// Properties in a service: 500 (IoTDA).
    Properties,
    /// Commands in a service: 500 (IoTDA).
    Commands,
    /// Events in a service: 500 (IoTDA).
    Events,
    /// Responses of a command: 500 (this kit's choice).
    Responses,
    /// Parameters of a command, response or event: 500 (this kit's choice).
    Paras,
    /// Values of an `enum_list`: 500 (this kit's choice).
    EnumValues,
    /// Characters of a name, id or type: 64 (IoTDA's limit on property and
    /// command names; ids and types are limited to 32 there, read leniently
    /// here).
    Name,
    /// Characters of `min` or `max`: 1 to 24. IoTDA's API documents 1 to
    /// 16; this kit reads up to 24 so that `long`'s whole range
    /// (`-9223372036854775808`, 20 characters) can be written.
    Bound,
    /// Characters of `unit`: 16 (IoTDA).
    Unit,
    /// Characters of `description`: 128 (IoTDA).
    Description,
    /// Bytes of one service as compact JSON: 500 KB (IoTDA).
    ServiceJson,
    /// Bytes of the whole model as compact REST JSON: 4 MiB (this kit's
    /// choice, a thousand times a typical model).
    ModelJson,
}

impl Limit {
    /// The largest count, length or size allowed.
    pub const fn max(self) -> usize {
        match self {
            Self::Services
            | Self::Properties
            | Self::Commands
            | Self::Events
            | Self::Responses
            | Self::Paras
            | Self::EnumValues => 500,
            Self::Name => 64,
            Self::Bound => 24,
            Self::Unit => 16,
            Self::Description => 128,
            Self::ServiceJson => 500 * 1024,
            Self::ModelJson => 4 * 1024 * 1024,
        }
    }

    /// What is counted, and where the bound comes from, for messages.
    /// What is counted and the bound, as keys.
    fn describe(self) -> (Key, Key) {
        use crate::text::keys::model as k;
        match self {
            Self::Services => (k::COUNT_SERVICES, k::BOUND_SERVICES),
            Self::Properties => (k::COUNT_PROPERTIES, k::BOUND_PROPERTIES),
            Self::Commands => (k::COUNT_COMMANDS, k::BOUND_PROPERTIES),
            Self::Events => (k::COUNT_EVENTS, k::BOUND_PROPERTIES),
            Self::Responses => (k::COUNT_RESPONSES, k::BOUND_RESPONSES),
            Self::Paras => (k::COUNT_PARAMETERS, k::BOUND_PARAS),
            Self::EnumValues => (k::COUNT_ENUM_VALUES, k::BOUND_ENUM_VALUES),
            Self::Name => (k::COUNT_CHARACTERS, k::BOUND_NAME),
            Self::Bound => (k::COUNT_CHARACTERS, k::BOUND_BOUND),
            Self::Unit => (k::COUNT_CHARACTERS, k::BOUND_UNIT),
            Self::Description => (k::COUNT_CHARACTERS, k::BOUND_DESCRIPTION),
            Self::ServiceJson => (k::COUNT_BYTES_AS_JSON, k::BOUND_SERVICE_JSON),
            Self::ModelJson => (k::COUNT_BYTES_AS_JSON_PER_REFERENCE, k::BOUND_MODEL_JSON),
        }
    }
}

impl Say for Limit {
    fn message(&self) -> Message {
        let (what, bound) = self.describe();
        Message::new(crate::text::keys::model::LIMIT)
            .with_message("what", Message::new(what))
            .with_message("bound", Message::new(bound))
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// Why the thing at `path` (the whole model if empty) is refused.
pub(super) fn too_large(path: &str, limit: Limit, found: usize) -> Message {
    use crate::text::keys::model as k;
    let (what, bound) = limit.describe();
    let refused = if path.is_empty() {
        Message::new(k::MODEL_TOO_LARGE)
    } else {
        Message::new(k::TOO_LARGE).with("at", path)
    };
    refused
        .with("found", found)
        .with_message("what", Message::new(what))
        .with_message("bound", Message::new(bound))
}

fn refuse(path: &str, limit: Limit, found: usize) -> ModelError {
    ModelError::TooLarge {
        path: path.to_owned(),
        limit,
        found,
    }
}

fn count(path: &str, limit: Limit, found: usize) -> Result<(), ModelError> {
    match found > limit.max() {
        true => Err(refuse(path, limit, found)),
        false => Ok(()),
    }
}

fn chars(path: &str, field: &str, limit: Limit, text: Option<&str>) -> Result<(), ModelError> {
    let Some(text) = text else { return Ok(()) };
    let n = text.chars().count();
    let short = limit == Limit::Bound && n == 0;
    match n > limit.max() || short {
        true => Err(refuse(&json_path::key(path, field), limit, n)),
        false => Ok(()),
    }
}

/// Bytes `value` takes as compact JSON, counted without a buffer.
pub(super) fn json_len<T: Serialize>(value: &T) -> usize {
    struct Counter(usize);
    impl io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Serializing owned model types into a writer that never fails cannot
    // fail; were it to, the count so far is still a lower bound.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// Checks the whole model: the number of services, each service, and the
/// total size.
pub(super) fn check_model(model: &ProductModel) -> Result<(), ModelError> {
    count(
        "service_capabilities",
        Limit::Services,
        model.service_capabilities.len(),
    )?;
    let mut total = 0usize;
    for (i, service) in model.service_capabilities.iter().enumerate() {
        total = total.saturating_add(check_service(
            &json_path::index("service_capabilities", i),
            service,
        )?);
    }
    count("", Limit::ModelJson, total)
}

/// Checks one service and returns its size as compact JSON.
pub(super) fn check_service(path: &str, s: &ServiceCapability) -> Result<usize, ModelError> {
    chars(path, "service_id", Limit::Name, Some(&s.service_id))?;
    chars(path, "service_type", Limit::Name, s.service_type.as_deref())?;
    chars(
        path,
        "description",
        Limit::Description,
        s.description.as_deref(),
    )?;
    chars(path, "option", Limit::Name, s.option.as_deref())?;
    let list = |name: &str| json_path::key(path, name);
    count(&list("properties"), Limit::Properties, s.properties.len())?;
    count(&list("commands"), Limit::Commands, s.commands.len())?;
    count(&list("events"), Limit::Events, s.events.len())?;
    for (i, p) in s.properties.iter().enumerate() {
        check_fields(&json_path::index(&list("properties"), i), p.fields())?;
    }
    for (i, c) in s.commands.iter().enumerate() {
        check_command(&json_path::index(&list("commands"), i), c)?;
    }
    for (i, e) in s.events.iter().enumerate() {
        check_event(&json_path::index(&list("events"), i), e)?;
    }
    let len = json_len(s);
    count(path, Limit::ServiceJson, len)?;
    Ok(len)
}

/// The bounded fields of a [`Property`] or a [`Para`].
struct Fields<'a> {
    name_field: &'static str,
    name: &'a str,
    min: Option<&'a str>,
    max: Option<&'a str>,
    unit: Option<&'a str>,
    description: Option<&'a str>,
    enum_list: Option<&'a [String]>,
}

impl Property {
    fn fields(&self) -> Fields<'_> {
        Fields {
            name_field: "property_name",
            name: &self.property_name,
            min: self.min.as_deref(),
            max: self.max.as_deref(),
            unit: self.unit.as_deref(),
            description: self.description.as_deref(),
            enum_list: self.enum_list.as_deref(),
        }
    }
}

impl Para {
    fn fields(&self) -> Fields<'_> {
        Fields {
            name_field: "para_name",
            name: &self.para_name,
            min: self.min.as_deref(),
            max: self.max.as_deref(),
            unit: self.unit.as_deref(),
            description: self.description.as_deref(),
            enum_list: self.enum_list.as_deref(),
        }
    }
}

fn check_fields(path: &str, f: Fields<'_>) -> Result<(), ModelError> {
    chars(path, f.name_field, Limit::Name, Some(f.name))?;
    chars(path, "min", Limit::Bound, f.min)?;
    chars(path, "max", Limit::Bound, f.max)?;
    chars(path, "unit", Limit::Unit, f.unit)?;
    chars(path, "description", Limit::Description, f.description)?;
    check_enum(path, f.enum_list)
}

fn check_enum(path: &str, list: Option<&[String]>) -> Result<(), ModelError> {
    let list = list.unwrap_or_default();
    count(
        &json_path::key(path, "enum_list"),
        Limit::EnumValues,
        list.len(),
    )
}

fn check_paras(path: &str, paras: &[Para]) -> Result<(), ModelError> {
    count(path, Limit::Paras, paras.len())?;
    paras
        .iter()
        .enumerate()
        .try_for_each(|(i, p)| check_fields(&json_path::index(path, i), p.fields()))
}

fn check_command(path: &str, c: &CommandDef) -> Result<(), ModelError> {
    chars(path, "command_name", Limit::Name, Some(&c.command_name))?;
    check_paras(&json_path::key(path, "paras"), &c.paras)?;
    let responses = json_path::key(path, "responses");
    count(&responses, Limit::Responses, c.responses.len())?;
    for (i, r) in c.responses.iter().enumerate() {
        let at = json_path::index(&responses, i);
        chars(&at, "response_name", Limit::Name, Some(&r.response_name))?;
        check_paras(&json_path::key(&at, "paras"), &r.paras)?;
    }
    Ok(())
}

fn check_event(path: &str, e: &EventDef) -> Result<(), ModelError> {
    chars(path, "event_type", Limit::Name, Some(&e.event_type))?;
    check_paras(&json_path::key(path, "paras"), &e.paras)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_len_is_the_length_serde_json_writes() {
        let model = super::super::default_model();
        let written = serde_json::to_vec(&model.service_capabilities[0]).unwrap();
        assert_eq!(json_len(&model.service_capabilities[0]), written.len());
    }

    #[test]
    fn every_limit_says_what_and_why() {
        let e = refuse("service_capabilities[0].properties", Limit::Properties, 501);
        assert_eq!(
            e.to_string(),
            "service_capabilities[0].properties has 501 properties; IoTDA allows at most 500 a service, so it is refused; split it or remove what the devices do not use"
        );
        let e = refuse("", Limit::ModelJson, 5_000_000);
        assert!(e
            .to_string()
            .starts_with("the model has 5000000 bytes as JSON"));
    }
}
