//! State of the Model page: the product model as editable text fields
//! (a draft), turned back into a checked [`ProductModel`] with every
//! problem named by service, property and field. Pure, tested natively.

use crate::messages::keys::{model_page as said, plain};
use iotda_core::text::{Message, Say as Words};
use std::rc::Rc;

use iotda_core::iotda::{
    default_model, DataType, Method, ProductModel, Property, ServiceCapability,
};
use serde_json::Number;
use yew::Reducible;

/// The top level of a product model's REST JSON, read before the model so
/// that JSON of another kind (a report payload, say) is refused as such
/// instead of reading as a model with no services.
#[derive(serde::Deserialize)]
struct Shape {
    service_capabilities: Option<serde::de::IgnoredAny>,
}

/// Reads a product model's REST JSON, refusing JSON that is not one.
pub fn read_model(bytes: &[u8]) -> Result<ProductModel, Message> {
    if let Ok(Shape {
        service_capabilities: None,
    }) = serde_json::from_slice::<Shape>(bytes)
    {
        return Err(Message::new(said::NOT_A_MODEL));
    }
    ProductModel::from_json(bytes).map_err(|e| e.message())
}

/// `n` with its noun: `1 service`, `2 services`.
fn counted(n: usize, one: iotda_core::text::Key, many: iotda_core::text::Key) -> Message {
    Message::new(if n == 1 { one } else { many }).with("n", n)
}

/// What is wrong with the file `name`: `name: why`.
pub fn named(name: &str, why: Message) -> Message {
    Message::new(said::NAMED)
        .with("name", name)
        .with_message("why", why)
}

/// One property as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDraft {
    /// The property as imported (fields the page does not edit are kept).
    pub base: Property,
    /// Name.
    pub name: String,
    /// Data type.
    pub data_type: DataType,
    /// Minimum, as typed (empty: none).
    pub min: String,
    /// Maximum, as typed.
    pub max: String,
    /// Step, as typed.
    pub step: String,
    /// Maximum length (strings), as typed.
    pub max_length: String,
    /// Unit.
    pub unit: String,
    /// Access: `R`, `W`, `E` in any combination.
    pub method: String,
    /// Allowed values, comma-separated (empty: any).
    pub enum_list: String,
    /// Required in a report of its service.
    pub required: bool,
}

impl PropertyDraft {
    /// The draft of `p`.
    pub fn from_property(p: &Property) -> Self {
        Self {
            base: p.clone(),
            name: p.property_name.clone(),
            data_type: p.data_type,
            min: p.min.clone().unwrap_or_default(),
            max: p.max.clone().unwrap_or_default(),
            step: p.step.as_ref().map(ToString::to_string).unwrap_or_default(),
            max_length: p.max_length.map(|n| n.to_string()).unwrap_or_default(),
            unit: p.unit.clone().unwrap_or_default(),
            method: p.method.to_string(),
            enum_list: p
                .enum_list
                .as_ref()
                .map(|l| l.join(", "))
                .unwrap_or_default(),
            required: p.required,
        }
    }

    /// A new readable int property.
    pub fn new(name: &str) -> Self {
        Self::from_property(&Property {
            property_name: name.to_owned(),
            data_type: DataType::Int,
            required: false,
            min: Some("0".into()),
            max: Some("100".into()),
            step: Some(Number::from(1)),
            max_length: None,
            enum_list: None,
            unit: None,
            method: Method::R,
            description: None,
            default_value: None,
        })
    }

    fn to_property(&self, place: Place, at: &Message, errors: &mut Vec<DraftError>) -> Property {
        let mut error = |field: &'static str, message: Message| {
            errors.push(DraftError {
                place,
                at: Some(at.clone()),
                field,
                message,
            })
        };
        let name = self.name.trim();
        if name.is_empty() {
            error("name", Message::new(said::PROPERTY_NAME));
        }
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let step = text(&self.step).and_then(|s| match s.parse::<Number>() {
            Ok(n) => Some(n),
            Err(_) => {
                error("step", Message::new(said::STEP).with("s", format!("{s:?}")));
                None
            }
        });
        let max_length = text(&self.max_length).and_then(|s| match s.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                error(
                    "max_length",
                    Message::new(said::MAX_LENGTH).with("s", format!("{s:?}")),
                );
                None
            }
        });
        let method = Method::parse(self.method.trim()).unwrap_or_else(|| {
            error(
                "method",
                Message::new(said::ACCESS).with("got", format!("{:?}", self.method)),
            );
            self.base.method
        });
        let enum_list = text(&self.enum_list).map(|l| {
            l.split(',')
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect()
        });
        Property {
            property_name: name.to_owned(),
            data_type: self.data_type,
            required: self.required,
            min: text(&self.min),
            max: text(&self.max),
            step,
            max_length,
            enum_list,
            unit: text(&self.unit),
            method,
            ..self.base.clone()
        }
    }
}

/// One service as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDraft {
    /// The service as imported (commands, events and other fields kept).
    pub base: ServiceCapability,
    /// Service id.
    pub service_id: String,
    /// Its properties.
    pub properties: Vec<PropertyDraft>,
}

/// Where in the draft an error belongs, to be shown at its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The whole model (the core's checks).
    Model,
    /// The service at this index (its id).
    Service(usize),
    /// The property at (service index, property index).
    Property(usize, usize),
}

/// What is wrong with a draft, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftError {
    /// Where it is shown.
    pub place: Place,
    /// `Battery` or `Battery.batteryLevel` (`None`: the whole model).
    pub at: Option<Message>,
    /// The field (`name`, `min`, ...), or `model` for the whole.
    pub field: &'static str,
    /// In words.
    pub message: Message,
}

/// The whole model as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDraft {
    /// The model as imported (top-level fields kept).
    pub base: ProductModel,
    /// Its services.
    pub services: Vec<ServiceDraft>,
}

impl ModelDraft {
    /// The draft of `model`.
    pub fn from_model(model: &ProductModel) -> Self {
        Self {
            base: model.clone(),
            services: model
                .service_capabilities
                .iter()
                .map(|s| ServiceDraft {
                    base: s.clone(),
                    service_id: s.service_id.clone(),
                    properties: s
                        .properties
                        .iter()
                        .map(PropertyDraft::from_property)
                        .collect(),
                })
                .collect(),
        }
    }

    /// The model, or every problem: empty names, duplicates, fields that do
    /// not parse, and the core's checks (bounds that are not numbers, min
    /// above max).
    pub fn to_model(&self) -> Result<ProductModel, Vec<DraftError>> {
        let mut errors = Vec::new();
        let mut services = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let id = s.service_id.trim();
            let at = if id.is_empty() {
                Message::new(said::SERVICE_N).with("n", i + 1)
            } else {
                Message::new(plain::TEXT).with("text", id)
            };
            if id.is_empty() {
                errors.push(DraftError {
                    place: Place::Service(i),
                    at: Some(at.clone()),
                    field: "service_id",
                    message: Message::new(said::SERVICE_ID),
                });
            } else if self.services[..i].iter().any(|o| o.service_id.trim() == id) {
                errors.push(DraftError {
                    place: Place::Service(i),
                    at: Some(at.clone()),
                    field: "service_id",
                    message: Message::new(said::TWO_SERVICES).with("id", id),
                });
            }
            let mut properties = Vec::new();
            for (j, p) in s.properties.iter().enumerate() {
                let name = p.name.trim();
                let p_at = Message::new(said::PROPERTY_AT)
                    .with_message("service", at.clone())
                    .with(
                        "property",
                        if name.is_empty() {
                            format!("#{}", j + 1)
                        } else {
                            name.to_owned()
                        },
                    );
                if !name.is_empty() && s.properties[..j].iter().any(|o| o.name.trim() == name) {
                    errors.push(DraftError {
                        place: Place::Property(i, j),
                        at: Some(p_at.clone()),
                        field: "name",
                        message: Message::new(said::TWO_PROPERTIES)
                            .with_message("at", at.clone())
                            .with("name", name),
                    });
                }
                properties.push(p.to_property(Place::Property(i, j), &p_at, &mut errors));
            }
            services.push(ServiceCapability {
                service_id: id.to_owned(),
                properties,
                ..s.base.clone()
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let model = ProductModel {
            service_capabilities: services,
            ..self.base.clone()
        };
        // The core's own checks, through the JSON form it reads.
        let whole = |message: Message| {
            vec![DraftError {
                place: Place::Model,
                at: None,
                field: "model",
                message,
            }]
        };
        let json = model.to_json().map_err(|e| whole(e.message()))?;
        ProductModel::from_json(json.as_bytes()).map_err(|e| whole(e.message()))
    }
}

/// Page state: the draft, the pasted text, and the last import's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelState {
    /// The model being edited.
    pub draft: ModelDraft,
    /// Text in the paste box.
    pub paste: String,
    /// Why the last import failed.
    pub import_error: Option<Message>,
    /// What the last import brought.
    pub import_note: Option<Message>,
}

impl ModelState {
    /// State from the workspace's model, or the guide's example. (A saved
    /// model that does not read is named when the workspace is loaded.)
    pub fn from_saved(saved: Option<ProductModel>) -> Self {
        Self {
            draft: ModelDraft::from_model(&saved.unwrap_or_else(default_model)),
            paste: String::new(),
            import_error: None,
            import_note: None,
        }
    }
}

/// A change to the Model page.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelAction {
    /// Text typed or pasted in the import box.
    Paste(String),
    /// Import this REST JSON, named for messages (the page has the
    /// console's ZIP read into it by a worker first).
    Import(String, Vec<u8>),
    /// An import that could not be read: why.
    ImportFailed(Message),
    /// Back to the guide's example.
    Reset,
    /// A service id typed.
    ServiceId(usize, String),
    /// Add a service.
    AddService,
    /// Remove a service.
    RemoveService(usize),
    /// A property changed.
    Property(usize, usize, Box<PropertyDraft>),
    /// Add a property to a service.
    AddProperty(usize),
    /// Remove a property.
    RemoveProperty(usize, usize),
}

impl Reducible for ModelState {
    type Action = ModelAction;

    fn reduce(self: Rc<Self>, action: ModelAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ModelAction::Paste(text) => {
                next.paste = text;
                next.import_error = None;
            }
            ModelAction::ImportFailed(why) => {
                next.import_error = Some(why);
                next.import_note = None;
            }
            ModelAction::Import(name, bytes) => match read_model(&bytes) {
                Ok(model) => {
                    let properties: usize = model
                        .service_capabilities
                        .iter()
                        .map(|s| s.properties.len())
                        .sum();
                    let services = model.service_capabilities.len();
                    next.import_note = Some(
                        Message::new(said::IMPORTED)
                            .with("name", &name)
                            .with_message(
                                "services",
                                counted(services, said::SERVICE, said::SERVICES),
                            )
                            .with_message(
                                "properties",
                                counted(properties, said::PROPERTY, said::PROPERTIES),
                            ),
                    );
                    next.draft = ModelDraft::from_model(&model);
                    next.import_error = None;
                }
                Err(e) => {
                    next.import_error = Some(named(&name, e));
                    next.import_note = None;
                }
            },
            ModelAction::Reset => {
                next.draft = ModelDraft::from_model(&default_model());
                next.import_error = None;
                next.import_note = Some(Message::new(said::EXAMPLE));
            }
            ModelAction::ServiceId(i, id) => {
                if let Some(s) = next.draft.services.get_mut(i) {
                    s.service_id = id;
                }
            }
            ModelAction::AddService => {
                let n = next.draft.services.len() + 1;
                next.draft.services.push(ServiceDraft {
                    base: ServiceCapability {
                        service_id: String::new(),
                        service_type: None,
                        description: None,
                        option: None,
                        properties: Vec::new(),
                        commands: Vec::new(),
                        events: Vec::new(),
                    },
                    service_id: format!("Service{n}"),
                    properties: vec![PropertyDraft::new("value")],
                });
            }
            ModelAction::RemoveService(i) => {
                if i < next.draft.services.len() {
                    next.draft.services.remove(i);
                }
            }
            ModelAction::Property(i, j, draft) => {
                if let Some(p) = next
                    .draft
                    .services
                    .get_mut(i)
                    .and_then(|s| s.properties.get_mut(j))
                {
                    *p = *draft;
                }
            }
            ModelAction::AddProperty(i) => {
                if let Some(s) = next.draft.services.get_mut(i) {
                    let n = s.properties.len() + 1;
                    s.properties
                        .push(PropertyDraft::new(&format!("property{n}")));
                }
            }
            ModelAction::RemoveProperty(i, j) => {
                if let Some(s) = next.draft.services.get_mut(i) {
                    if j < s.properties.len() {
                        s.properties.remove(j);
                    }
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::messages::english::English as _;

    fn state() -> Rc<ModelState> {
        Rc::new(ModelState::from_saved(None))
    }

    #[test]
    fn the_example_round_trips_through_the_draft() {
        let s = state();
        assert_eq!(s.draft.to_model().unwrap(), default_model());
        let ids: Vec<&str> = s
            .draft
            .services
            .iter()
            .map(|s| s.service_id.as_str())
            .collect();
        assert_eq!(ids, ["Connectivity", "Battery"]);
        let battery = &s.draft.services[1].properties[0];
        assert_eq!(
            (
                battery.name.as_str(),
                battery.min.as_str(),
                battery.max.as_str(),
                battery.method.as_str()
            ),
            ("batteryLevel", "0", "100", "R")
        );
    }

    #[test]
    fn edits_become_the_model() {
        let s = state();
        let mut p = s.draft.services[1].properties[0].clone();
        p.max = "80".into();
        p.method = "rw".into();
        p.unit = "%".into();
        let s = s.reduce(ModelAction::Property(1, 0, Box::new(p)));
        let s = s.reduce(ModelAction::AddProperty(1));
        let s = s.reduce(ModelAction::ServiceId(1, "Power".into()));
        let model = s.draft.to_model().unwrap();
        let power = model.service("Power").unwrap();
        let level = power.property("batteryLevel").unwrap();
        assert_eq!(level.max.as_deref(), Some("80"));
        assert!(level.method.writable());
        assert!(power.property("property2").is_some());
        let s = s.reduce(ModelAction::RemoveProperty(1, 1));
        let s = s.reduce(ModelAction::RemoveService(0));
        let model = s.draft.to_model().unwrap();
        assert_eq!(model.service_capabilities.len(), 1);
        assert_eq!(model.service_capabilities[0].properties.len(), 1);
    }

    #[test]
    fn every_problem_is_named_by_where_and_what() {
        let s = state();
        let mut p = s.draft.services[1].properties[0].clone();
        p.step = "one".into();
        p.method = "RX".into();
        p.max_length = "-1".into();
        let s = s.reduce(ModelAction::Property(1, 0, Box::new(p)));
        let s = s.reduce(ModelAction::ServiceId(0, "Battery".into()));
        let errors = s.draft.to_model().unwrap_err();
        let fields: Vec<(String, &str)> = errors
            .iter()
            .map(|e| {
                (
                    e.at.as_ref().map(ToString::to_string).unwrap_or_default(),
                    e.field,
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("Battery".to_owned(), "service_id"),
                ("Battery.batteryLevel".to_owned(), "step"),
                ("Battery.batteryLevel".to_owned(), "max_length"),
                ("Battery.batteryLevel".to_owned(), "method"),
            ],
            "{errors:?}"
        );
        assert!(errors[3].message.to_string().contains("R, W and/or E"));
        let places: Vec<Place> = errors.iter().map(|e| e.place).collect();
        assert_eq!(
            places,
            [
                Place::Service(1),
                Place::Property(1, 0),
                Place::Property(1, 0),
                Place::Property(1, 0)
            ]
        );

        let s = state();
        let mut p = s.draft.services[1].properties[0].clone();
        p.min = "90".into();
        p.max = "10".into();
        let s = s.reduce(ModelAction::Property(1, 0, Box::new(p)));
        let errors = s.draft.to_model().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "model");
        assert_eq!(errors[0].place, Place::Model);
        assert!(errors[0].message.to_string().contains("min"), "{errors:?}");

        let mut p = s.draft.services[1].properties[0].clone();
        p.name = " ".into();
        let s = s.reduce(ModelAction::Property(1, 0, Box::new(p)));
        let errors = s.draft.to_model().unwrap_err();
        assert_eq!(
            (
                errors[0].at.as_ref().map(ToString::to_string),
                errors[0].field
            ),
            (Some("Battery.#1".to_owned()), "name")
        );
    }

    #[test]
    fn imports_take_json_and_say_what_is_wrong() {
        let s = state();
        let json = r#"{"service_capabilities":[{"service_id":"Env","properties":[
            {"property_name":"t","data_type":"decimal","min":"-40","max":"85","method":"R"}]}]}"#;
        let s = s.reduce(ModelAction::Import(
            "model.json".into(),
            json.as_bytes().to_vec(),
        ));
        assert_eq!(
            s.import_note.as_ref().map(ToString::to_string).as_deref(),
            Some("model.json: 1 service, 1 property")
        );
        assert_eq!(s.draft.services[0].service_id, "Env");
        // A report payload is JSON, but not a model: refused, draft kept.
        let report = br#"{"services":[{"service_id":"Env","properties":{"t":21}}]}"#;
        let s = s.reduce(ModelAction::Import("report.json".into(), report.to_vec()));
        let error = s
            .import_error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(error.contains("not a product model"), "{error}");
        assert_eq!(s.draft.services[0].service_id, "Env");
        let s = s.reduce(ModelAction::Import("bad.json".into(), b"{".to_vec()));
        assert!(s
            .import_error
            .as_ref()
            .unwrap()
            .to_string()
            .starts_with("bad.json: "));
        // The draft survives a failed import, and one the worker refused.
        assert_eq!(s.draft.services[0].service_id, "Env");
        let s = s.reduce(ModelAction::ImportFailed(crate::messages::plain(
            "m.zip: not a ZIP",
        )));
        assert_eq!(
            s.import_error.as_ref().map(ToString::to_string).as_deref(),
            Some("m.zip: not a ZIP")
        );
        assert_eq!(s.import_note, None);
        assert_eq!(s.draft.services[0].service_id, "Env");
        let s = s.reduce(ModelAction::Reset);
        assert_eq!(s.draft.to_model().unwrap(), default_model());
    }
}
