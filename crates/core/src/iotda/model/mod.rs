//! Product models: what a product's devices report, accept and answer.
//!
//! Two forms read into one [`ProductModel`]:
//!
//! ```text
//! REST / JSON   {"service_capabilities":[{"service_id","service_type","properties":[
//!                 {"property_name","data_type","required","min","max","step","max_length",
//!                  "enum_list","unit","method","description","default_value"}],
//!               "commands":[{"command_name","paras":[...],"responses":[{"response_name","paras"}]}],
//!               "events":[{"event_type","paras":[...]}]}]}
//! console ZIP   profile/devicetype-capability.json            devices[0].serviceTypeCapabilities
//!               service/{name}/profile/servicetype-capability.json   camelCase fields
//! ```
//!
//! The model serializes back to the REST form. `min` and `max` are strings
//! there (IoTDA's API says so); numbers are accepted on input because the
//! ZIP form and hand-written models use them. Numeric bounds are checked when
//! a model is read, so validation can rely on them.

mod limits;
mod profile;
mod unzip;

use std::fmt;

use crate::text::{Message, Say};

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

use super::decimal::Decimal;
use super::json_path;
use super::payload::{decode_json, null_as_default, PayloadError};

pub use limits::Limit;
pub use unzip::{ZipError, MAX_UNZIPPED_LEN};

/// A product model: the services of a product's devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductModel {
    /// The product's id on the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The product's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The device type (for example `Thermometer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// `MQTT`, `CoAP`, `LwM2M`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_type: Option<String>,
    /// `json` or `binary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_format: Option<String>,
    /// The manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_name: Option<String>,
    /// The industry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The application (resource space) the product belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The application's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// When the product was created, as the platform wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// The services.
    #[serde(default, deserialize_with = "null_as_default")]
    pub service_capabilities: Vec<ServiceCapability>,
}

/// One service: a group of properties, commands and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceCapability {
    /// The id reports use in `service_id`.
    pub service_id: String,
    /// The service's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Master`, `Mandatory` or `Optional`; informative only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The properties.
    #[serde(default, deserialize_with = "null_as_default")]
    pub properties: Vec<Property>,
    /// The commands.
    #[serde(default, deserialize_with = "null_as_default")]
    pub commands: Vec<CommandDef>,
    /// The events.
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<EventDef>,
}

impl ServiceCapability {
    /// The property named `name`.
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.property_name == name)
    }

    /// The command named `name`.
    pub fn command(&self, name: &str) -> Option<&CommandDef> {
        self.commands.iter().find(|c| c.command_name == name)
    }
}

/// A property of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// Its name in reports.
    pub property_name: String,
    /// The type of its values.
    pub data_type: DataType,
    /// Whether a report of the service must include it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: bool,
    /// Smallest value (numeric types), as decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_number"
    )]
    pub min: Option<String>,
    /// Largest value (numeric types), as decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_number"
    )]
    pub max: Option<String>,
    /// Values must be `min + k × step` (numeric types); zero or absent for
    /// no step.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "number"
    )]
    pub step: Option<Number>,
    /// Longest string in characters (`string`); zero or absent for no
    /// limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Allowed values (`enum`, and `string` when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_list: Option<Vec<String>>,
    /// The unit, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether it can be read, written and observed.
    pub method: Method,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value new devices' shadows start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
}

/// A command of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandDef {
    /// Its name in command requests.
    pub command_name: String,
    /// Its parameters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub paras: Vec<Para>,
    /// The responses a device may give.
    #[serde(default, deserialize_with = "null_as_default")]
    pub responses: Vec<ResponseDef>,
}

impl CommandDef {
    /// The parameter named `name`.
    pub fn para(&self, name: &str) -> Option<&Para> {
        self.paras.iter().find(|p| p.para_name == name)
    }
}

/// A response of a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseDef {
    /// Its name in command responses.
    pub response_name: String,
    /// Its parameters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub paras: Vec<Para>,
}

/// An event of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDef {
    /// Its `event_type`.
    pub event_type: String,
    /// Its parameters.
    #[serde(default, deserialize_with = "null_as_default")]
    pub paras: Vec<Para>,
}

/// A parameter of a command, response or event: a property without
/// `method` or `default_value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Para {
    /// Its name.
    pub para_name: String,
    /// The type of its values.
    pub data_type: DataType,
    /// Whether it must be given.
    #[serde(default, deserialize_with = "null_as_default")]
    pub required: bool,
    /// Smallest value (numeric types), as decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_number"
    )]
    pub min: Option<String>,
    /// Largest value (numeric types), as decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_number"
    )]
    pub max: Option<String>,
    /// Values must be `min + k × step`; zero or absent for no step.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "number"
    )]
    pub step: Option<Number>,
    /// Longest string in characters; zero or absent for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Allowed values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_list: Option<Vec<String>>,
    /// The unit, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The type of a property's or parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    /// `int`: a whole number in the 32-bit range.
    Int,
    /// `long`: a whole number in the 64-bit range.
    Long,
    /// `decimal`: any number.
    Decimal,
    /// `string`.
    String,
    /// `DateTime`: a string `yyyyMMdd'T'HHmmss'Z'`.
    DateTime,
    /// `jsonObject`: a JSON object.
    JsonObject,
    /// `enum`: a string from `enum_list`.
    Enum,
    /// `boolean`.
    Boolean,
    /// `string list`: an array of strings.
    StringList,
}

impl DataType {
    /// Every type, in IoTDA's order.
    pub const ALL: [DataType; 9] = [
        Self::Int,
        Self::Long,
        Self::Decimal,
        Self::String,
        Self::DateTime,
        Self::JsonObject,
        Self::Enum,
        Self::Boolean,
        Self::StringList,
    ];

    /// The name IoTDA writes (`int`, `DateTime`, `string list`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Long => "long",
            Self::Decimal => "decimal",
            Self::String => "string",
            Self::DateTime => "DateTime",
            Self::JsonObject => "jsonObject",
            Self::Enum => "enum",
            Self::Boolean => "boolean",
            Self::StringList => "string list",
        }
    }

    /// Reads a type name; case, spaces and underscores are ignored
    /// (`datetime`, `stringList` and `string_list` are read too).
    pub fn parse(text: &str) -> Option<Self> {
        let folded: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '_'))
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL.into_iter().find(|t| {
            t.as_str()
                .chars()
                .filter(|c| *c != ' ')
                .flat_map(char::to_lowercase)
                .eq(folded.chars())
        })
    }

    /// Whether `min`, `max` and `step` apply.
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Int | Self::Long | Self::Decimal)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DataType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DataType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor(|text: &str| {
            Self::parse(text).ok_or_else(|| {
                format!(
                    "unknown data type {:?}; IoTDA's types are int, long, decimal, string, DateTime, jsonObject, enum, boolean and string list",
                    super::excerpt(text)
                )
            })
        }))
    }
}

/// Reads a string into a value with `F`, whose error message is reported
/// as the string's: a visitor, so the error's position (and so its JSON
/// path) is the string's, even when it is the last member of an object.
struct TextVisitor<F>(F);

impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for TextVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.0)(text).map_err(E::custom)
    }
}

/// Access to a property: any non-empty combination of `R` (read), `W`
/// (write) and `E` (observe: a change is reported as an event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method {
    read: bool,
    write: bool,
    observe: bool,
}

impl Method {
    /// `R`: read only.
    pub const R: Method = Method {
        read: true,
        write: false,
        observe: false,
    };
    /// `RW`: read and write.
    pub const RW: Method = Method {
        read: true,
        write: true,
        observe: false,
    };
    /// `RWE`: read, write and observe.
    pub const RWE: Method = Method {
        read: true,
        write: true,
        observe: true,
    };

    /// Reads `R`, `W` and `E` in any order and case, each at most once.
    pub fn parse(text: &str) -> Option<Self> {
        let mut m = Method {
            read: false,
            write: false,
            observe: false,
        };
        for c in text.chars() {
            let flag = match c.to_ascii_uppercase() {
                'R' => &mut m.read,
                'W' => &mut m.write,
                'E' => &mut m.observe,
                _ => return None,
            };
            if *flag {
                return None;
            }
            *flag = true;
        }
        (m.read || m.write || m.observe).then_some(m)
    }

    /// Whether the platform may read it (property get).
    pub fn readable(self) -> bool {
        self.read
    }

    /// Whether the platform may set it (property set).
    pub fn writable(self) -> bool {
        self.write
    }

    /// Whether a change is reported as an event.
    pub fn observable(self) -> bool {
        self.observe
    }
}

/// `R`, `W` and `E` in that order.
impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (on, c) in [(self.read, "R"), (self.write, "W"), (self.observe, "E")] {
            if on {
                f.write_str(c)?;
            }
        }
        Ok(())
    }
}

impl Serialize for Method {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor(|text: &str| {
            Self::parse(text).ok_or_else(|| {
                format!(
                    "method {:?} is not a combination of R (read), W (write) and E (observe), such as R, RW or RWE",
                    super::excerpt(text)
                )
            })
        }))
    }
}

/// Reads `"5"`, `5` or `null`: IoTDA's API writes bounds as strings, the
/// ZIP form and hand-written models as numbers.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(BoundVisitor)
}

/// [`string_or_number`]'s visitor: an error is raised inside the value's
/// own deserializer call, so its position (and so its JSON path) is the
/// value's.
struct BoundVisitor;

impl BoundVisitor {
    fn refuse<E: serde::de::Error>(other: &Value) -> E {
        E::custom(format!(
            "expected a number or a string holding one, found {other}"
        ))
    }
}

impl<'de> Visitor<'de> for BoundVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding one")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(text.to_owned()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(n.to_string()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(n.to_string()))
    }

    fn visit_f64<E>(self, x: f64) -> Result<Self::Value, E> {
        // As serde_json reads it into a `Value`: a non-finite number is null.
        Ok(match Value::from(x) {
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Err(Self::refuse(&Value::Bool(b)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let list = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Err(Self::refuse(&list))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let object = Value::deserialize(MapAccessDeserializer::new(map))?;
        Err(Self::refuse(&object))
    }
}

/// Reads `Option<Number>` as serde_json does, but refuses an array or an
/// object before reading into it, so the error's position (and so its JSON
/// path) is the value's, not its first element's.
fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Number>, D::Error> {
    d.deserialize_option(NumberVisitor)
}

/// [`number`]'s visitor.
struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Option<Number>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON number")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_f64(self)
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Some(n.into()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(n.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Self::Value, E> {
        Number::from_f64(x)
            .map(Some)
            .ok_or_else(|| E::custom("not a JSON number"))
    }
}

/// Why a product model could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The JSON (or one of the ZIP's JSON files) does not fit the model's
    /// shape. Likely cause: a different file, or a field of the wrong type.
    Json {
        /// The file in the ZIP, or `None` for a JSON model.
        file: Option<String>,
        /// Where and what.
        error: PayloadError,
    },
    /// A numeric property or parameter has a `min`, `max` or `step` that
    /// is not a decimal number. Likely cause: a unit or a space typed into
    /// the bound.
    BadNumber {
        /// JSON path of the field.
        path: String,
        /// The text found (cut to 64 characters).
        value: String,
    },
    /// `min` is greater than `max`, so no value can be valid.
    MinAboveMax {
        /// JSON path of the property or parameter.
        path: String,
        /// The minimum.
        min: String,
        /// The maximum.
        max: String,
    },
    /// The ZIP archive could not be read.
    Zip(ZipError),
    /// The ZIP has no `profile/devicetype-capability.json` (at its root or
    /// one folder down). Likely cause: a ZIP of something else.
    NoDeviceProfile,
    /// `devicetype-capability.json` lists no device.
    NoDevice,
    /// A service listed in `devicetype-capability.json` has no
    /// `servicetype-capability.json` whose `serviceType` matches. Likely
    /// cause: the service folder was left out of the ZIP.
    MissingService {
        /// The service's id.
        service_id: String,
        /// The service type looked for.
        service_type: String,
    },
    /// The model holds more than IoTDA (or this kit, see [`Limit`]) allows.
    /// Likely cause: a generated or hostile file; in the ZIP form, many
    /// references to one large service definition.
    TooLarge {
        /// JSON path of what is too large (empty: the whole model).
        path: String,
        /// The bound exceeded.
        limit: Limit,
        /// The count, length or size found.
        found: usize,
    },
    /// The JSON is an object without `service_capabilities`, so it is not a
    /// product model. Likely cause: a device message (a property report has
    /// `services`) or another file chosen by mistake.
    NotAModel {
        /// The object's first keys (at most 8, each cut to 64 characters).
        keys: Vec<String>,
    },
}

impl Say for ModelError {
    fn message(&self) -> Message {
        use crate::text::keys::model as k;
        match self {
            Self::Json {
                file: Some(file),
                error,
            } => Message::new(k::JSON_FILE)
                .with("file", file)
                .with_message("error", error.message()),
            Self::Json { file: None, error } => {
                Message::new(k::JSON).with_message("error", error.message())
            }
            Self::BadNumber { path, value } => Message::new(k::BAD_NUMBER)
                .with("path", path)
                .with("value", format_args!("{value:?}")),
            Self::MinAboveMax { path, min, max } => Message::new(k::MIN_ABOVE_MAX)
                .with("path", path)
                .with("min", min)
                .with("max", max),
            Self::Zip(e) => e.message(),
            Self::NoDeviceProfile => Message::new(k::NO_DEVICE_PROFILE),
            Self::NoDevice => Message::new(k::NO_DEVICE),
            Self::MissingService {
                service_id,
                service_type,
            } => Message::new(k::MISSING_SERVICE)
                .with("service_id", format_args!("{service_id:?}"))
                .with("service_type", service_type)
                .with("quoted_type", format_args!("{service_type:?}")),
            Self::TooLarge { path, limit, found } => limits::too_large(path, *limit, *found),
            Self::NotAModel { keys } => {
                let what = if keys.iter().any(|k| k == "services") {
                    Message::new(k::WHAT_REPORT)
                } else if keys.is_empty() {
                    Message::new(k::WHAT_EMPTY)
                } else {
                    Message::new(k::WHAT_OBJECT).with("keys", keys.join(", "))
                };
                Message::new(k::NOT_A_MODEL).with_message("what", what)
            }
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for ModelError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json { error, .. } => Some(error),
            Self::Zip(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ZipError> for ModelError {
    fn from(e: ZipError) -> Self {
        Self::Zip(e)
    }
}

impl ProductModel {
    /// Reads a model in the REST form (`{"service_capabilities": [...]}`)
    /// and checks its numeric bounds.
    /// An object without `service_capabilities` (`{}`, a property report)
    /// is refused as [`ModelError::NotAModel`]; the model's size is checked
    /// against [`Limit`]s.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ModelError> {
        if let Ok(TopKeys { keys, model: false }) = serde_json::from_slice::<TopKeys>(bytes) {
            return Err(ModelError::NotAModel { keys });
        }
        let model: Self =
            decode_json(bytes).map_err(|error| ModelError::Json { file: None, error })?;
        model.check()?;
        Ok(model)
    }

    /// Reads the console's offline ZIP (`profile/devicetype-capability.json`
    /// and `service/*/profile/servicetype-capability.json`). At most
    /// [`MAX_UNZIPPED_LEN`] bytes are inflated, so a ZIP bomb is refused;
    /// service references are counted and sized against the [`Limit`]s
    /// before any service definition is copied.
    pub fn from_zip(bytes: &[u8]) -> Result<Self, ModelError> {
        let model = profile::read(bytes)?;
        model.check()?;
        Ok(model)
    }

    /// Reads either form: a ZIP when the bytes start like one, JSON
    /// otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.starts_with(b"PK") {
            Self::from_zip(bytes)
        } else {
            Self::from_json(bytes)
        }
    }

    /// The REST form, pretty-printed.
    pub fn to_json(&self) -> Result<String, PayloadError> {
        serde_json::to_string_pretty(self).map_err(|e| PayloadError::Encode {
            detail: e.to_string(),
        })
    }

    /// The service with id `service_id`.
    pub fn service(&self, service_id: &str) -> Option<&ServiceCapability> {
        self.service_capabilities
            .iter()
            .find(|s| s.service_id == service_id)
    }

    /// Checks the model's size, then its numeric bounds.
    fn check(&self) -> Result<(), ModelError> {
        limits::check_model(self)?;
        self.check_bounds()
    }

    /// Checks that numeric properties and parameters have decimal `min`,
    /// `max` and `step`, with `min <= max`.
    fn check_bounds(&self) -> Result<(), ModelError> {
        for (i, service) in self.service_capabilities.iter().enumerate() {
            let at = json_path::index("service_capabilities", i);
            for (j, p) in service.properties.iter().enumerate() {
                let path = json_path::index(&json_path::key(&at, "properties"), j);
                check_spec(&path, &p.spec())?;
            }
            for (j, c) in service.commands.iter().enumerate() {
                let cmd = json_path::index(&json_path::key(&at, "commands"), j);
                check_paras(&json_path::key(&cmd, "paras"), &c.paras)?;
                for (k, r) in c.responses.iter().enumerate() {
                    let resp = json_path::index(&json_path::key(&cmd, "responses"), k);
                    check_paras(&json_path::key(&resp, "paras"), &r.paras)?;
                }
            }
            for (j, e) in service.events.iter().enumerate() {
                let ev = json_path::index(&json_path::key(&at, "events"), j);
                check_paras(&json_path::key(&ev, "paras"), &e.paras)?;
            }
        }
        Ok(())
    }
}

/// The first keys of a JSON object, and whether `service_capabilities` is
/// among them; values are skipped unread.
struct TopKeys {
    keys: Vec<String>,
    model: bool,
}

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TopKeys;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
                const SHOWN: usize = 8;
                let mut top = TopKeys {
                    keys: Vec::new(),
                    model: false,
                };
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    top.model |= key == "service_capabilities";
                    if top.keys.len() < SHOWN {
                        top.keys.push(super::excerpt(&key));
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(Keys)
    }
}

/// What a value must be, borrowed from a [`Property`] or [`Para`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec<'a> {
    pub(crate) data_type: DataType,
    pub(crate) min: Option<&'a str>,
    pub(crate) max: Option<&'a str>,
    pub(crate) step: Option<&'a Number>,
    pub(crate) max_length: Option<u64>,
    pub(crate) enum_list: Option<&'a [String]>,
}

impl Property {
    pub(crate) fn spec(&self) -> Spec<'_> {
        Spec {
            data_type: self.data_type,
            min: self.min.as_deref(),
            max: self.max.as_deref(),
            step: self.step.as_ref(),
            max_length: self.max_length,
            enum_list: self.enum_list.as_deref(),
        }
    }
}

impl Para {
    pub(crate) fn spec(&self) -> Spec<'_> {
        Spec {
            data_type: self.data_type,
            min: self.min.as_deref(),
            max: self.max.as_deref(),
            step: self.step.as_ref(),
            max_length: self.max_length,
            enum_list: self.enum_list.as_deref(),
        }
    }
}

fn check_paras(base: &str, paras: &[Para]) -> Result<(), ModelError> {
    paras
        .iter()
        .enumerate()
        .try_for_each(|(i, p)| check_spec(&json_path::index(base, i), &p.spec()))
}

fn check_spec(path: &str, spec: &Spec<'_>) -> Result<(), ModelError> {
    if !spec.data_type.is_numeric() {
        return Ok(());
    }
    let number = |field: &str, text: Option<&str>| -> Result<Option<Decimal>, ModelError> {
        text.map(|t| {
            Decimal::parse(t).ok_or_else(|| ModelError::BadNumber {
                path: json_path::key(path, field),
                value: super::excerpt(t),
            })
        })
        .transpose()
    };
    let min = number("min", spec.min)?;
    let max = number("max", spec.max)?;
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(ModelError::MinAboveMax {
                path: path.to_owned(),
                min: spec.min.unwrap_or_default().to_owned(),
                max: spec.max.unwrap_or_default().to_owned(),
            });
        }
    }
    let step = spec.step.map(|n| n.to_string());
    number("step", step.as_deref())?;
    Ok(())
}

/// The model of Huawei's getting-started guide: service `Connectivity` with
/// `dailyActivityTime` (int 0..65535 s, read only) and service `Battery`
/// with `batteryLevel` (int 0..100 %, read only).
pub fn default_model() -> ProductModel {
    let int_property = |name: &str, max: &str, unit: &str| Property {
        property_name: name.to_owned(),
        data_type: DataType::Int,
        required: false,
        min: Some("0".to_owned()),
        max: Some(max.to_owned()),
        step: Some(Number::from(1)),
        max_length: None,
        enum_list: None,
        unit: Some(unit.to_owned()),
        method: Method::R,
        description: None,
        default_value: None,
    };
    let service = |id: &str, property: Property| ServiceCapability {
        service_id: id.to_owned(),
        service_type: Some(id.to_owned()),
        description: None,
        option: None,
        properties: vec![property],
        commands: Vec::new(),
        events: Vec::new(),
    };
    ProductModel {
        product_id: None,
        name: None,
        device_type: None,
        protocol_type: Some("MQTT".to_owned()),
        data_format: Some("json".to_owned()),
        manufacturer_name: None,
        industry: None,
        description: None,
        app_id: None,
        app_name: None,
        create_time: None,
        service_capabilities: vec![
            service(
                "Connectivity",
                int_property("dailyActivityTime", "65535", "s"),
            ),
            service("Battery", int_property("batteryLevel", "100", "%")),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn steps_read_as_option_number_reads_them() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Ours {
            #[serde(default, deserialize_with = "number")]
            step: Option<Number>,
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct Plain {
            #[serde(default)]
            step: Option<Number>,
        }
        for value in [
            "null",
            "0",
            "-1",
            "1.5",
            "1e3",
            "18446744073709551615",
            "\"1\"",
            "true",
            "[]",
            "[1]",
            "{}",
            "1e999",
            "-",
        ] {
            let text = format!("{{\"step\":{value}}}");
            let ours = serde_json::from_str::<Ours>(&text).map(|o| o.step);
            let plain = serde_json::from_str::<Plain>(&text).map(|p| p.step);
            // A data error's position differs by design; it is not shown.
            let message = |e: serde_json::Error| {
                let text = e.to_string();
                match e.is_data() {
                    true => text
                        .split(" at line ")
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    false => text,
                }
            };
            assert_eq!(ours.map_err(message), plain.map_err(message), "{text}");
        }
    }

    #[test]
    fn data_types_read_leniently_and_write_as_iotda_does() {
        for t in DataType::ALL {
            assert_eq!(DataType::parse(t.as_str()), Some(t));
            let json = serde_json::to_value(t).unwrap();
            assert_eq!(json, json!(t.as_str()));
            assert_eq!(serde_json::from_value::<DataType>(json).unwrap(), t);
        }
        assert_eq!(DataType::parse("datetime"), Some(DataType::DateTime));
        assert_eq!(DataType::parse("stringList"), Some(DataType::StringList));
        assert_eq!(DataType::parse("string_list"), Some(DataType::StringList));
        assert_eq!(DataType::parse("JSONOBJECT"), Some(DataType::JsonObject));
        assert_eq!(DataType::parse("float"), None);
        assert_eq!(DataType::parse(""), None);
        let err = serde_json::from_value::<DataType>(json!("float")).unwrap_err();
        assert!(
            err.to_string().starts_with("unknown data type \"float\""),
            "{err}"
        );
    }

    #[test]
    fn methods_are_combinations_of_r_w_e() {
        for (text, canonical) in [
            ("R", "R"),
            ("RW", "RW"),
            ("WR", "RW"),
            ("rwe", "RWE"),
            ("E", "E"),
            ("WE", "WE"),
        ] {
            assert_eq!(Method::parse(text).unwrap().to_string(), canonical);
        }
        for bad in ["", "RR", "X", "R W", "RWEX"] {
            assert_eq!(Method::parse(bad), None, "{bad:?}");
        }
        assert!(Method::RW.writable() && Method::RW.readable() && !Method::RW.observable());
        assert!(!Method::R.writable());
    }

    #[test]
    fn default_model_is_the_guides() {
        let model = default_model();
        let battery = model
            .service("Battery")
            .unwrap()
            .property("batteryLevel")
            .unwrap();
        assert_eq!(battery.max.as_deref(), Some("100"));
        assert_eq!(battery.unit.as_deref(), Some("%"));
        let activity = model
            .service("Connectivity")
            .unwrap()
            .property("dailyActivityTime")
            .unwrap();
        assert_eq!(activity.max.as_deref(), Some("65535"));
        assert_eq!(activity.method, Method::R);
        let text = model.to_json().unwrap();
        assert_eq!(ProductModel::from_json(text.as_bytes()).unwrap(), model);
    }

    #[test]
    fn bounds_are_checked_on_reading() {
        let model = |property: Value| {
            json!({"service_capabilities": [{"service_id": "S", "properties": [property]}]})
                .to_string()
        };
        let err = ProductModel::from_json(
            model(json!({"property_name": "t", "data_type": "decimal", "method": "R", "min": "-40 C"}))
                .as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            ModelError::BadNumber {
                path: "service_capabilities[0].properties[0].min".into(),
                value: "-40 C".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "service_capabilities[0].properties[0].min is \"-40 C\", which is not a decimal number; write it like 0, -40 or 0.5"
        );
        assert!(matches!(
            ProductModel::from_json(
                model(json!({"property_name": "t", "data_type": "int", "method": "R", "min": "10", "max": 9}))
                    .as_bytes()
            ),
            Err(ModelError::MinAboveMax { .. })
        ));
        // Bounds of non-numeric types are informative only (the console
        // writes some for strings).
        assert!(ProductModel::from_json(
            model(json!({"property_name": "t", "data_type": "string", "method": "R", "min": "x"}))
                .as_bytes()
        )
        .is_ok());
        let err = ProductModel::from_json(
            model(json!({"property_name": "t", "data_type": "int", "method": "RX"})).as_bytes(),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "this is not a valid product model: field service_capabilities[0].properties[0].method: method \"RX\""
            ),
            "{err}"
        );
    }
}
