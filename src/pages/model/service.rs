//! A service of the Model page: its id and its properties, each input with
//! its own error beside it.

use iotda_core::iotda::DataType;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::use_i18n::{use_say, use_texts};
use crate::i18n::Texts;
use crate::messages::Say;
use crate::store::model::{
    DraftError, ModelAction, ModelState, Place, PropertyDraft, ServiceDraft,
};

/// Props of [`ServiceCard`].
#[derive(Properties, PartialEq)]
pub struct ServiceCardProps {
    /// The service's index in the draft.
    pub index: usize,
    /// The service as typed.
    pub service: ServiceDraft,
    /// The draft's errors about this service and its properties.
    pub errors: Vec<DraftError>,
    /// Changes the page's state.
    pub dispatcher: UseReducerDispatcher<ModelState>,
}

/// The messages of `errors`, one a line, under the id `id`.
fn error_list(say: Say, id: String, errors: &[&DraftError]) -> Html {
    if errors.is_empty() {
        return Html::default();
    }
    html! {
        <ul {id} class="field-error" role="alert">
            { for errors.iter().map(|e| html! { <li>{ say.message(&e.message) }</li> }) }
        </ul>
    }
}

/// One service: its id, its properties' table, and buttons.
#[component]
pub fn ServiceCard(props: &ServiceCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let i = props.index;
    let service = &props.service;
    let action = |make: fn(usize) -> ModelAction| {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(make(i)))
    };
    let on_id = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            dispatcher.dispatch(ModelAction::ServiceId(i, v))
        })
    };
    let id_errors: Vec<&DraftError> = props
        .errors
        .iter()
        .filter(|e| e.place == Place::Service(i))
        .collect();
    let rows = service.properties.iter().enumerate().map(|(j, p)| {
        let errors: Vec<DraftError> = props
            .errors
            .iter()
            .filter(|e| e.place == Place::Property(i, j))
            .cloned()
            .collect();
        html! { <PropertyRow service={i} index={j} draft={p.clone()} {errors} dispatcher={props.dispatcher.clone()} /> }
    });
    let commands = service.base.commands.len();
    html! {
        <section class="card wide service" aria-label={format!("{} {}", t.service_id(), service.service_id)}>
            <div class="service-head">
                <label for={format!("service-{i}")}>{ t.service_id() }</label>
                <input id={format!("service-{i}")} class="mono" value={service.service_id.clone()} oninput={on_id}
                    aria-invalid={(!id_errors.is_empty()).then_some("true")}
                    aria-describedby={(!id_errors.is_empty()).then(|| format!("service-{i}-error"))} />
                <button type="button" class="secondary" onclick={action(ModelAction::RemoveService)}>{ t.remove_service() }</button>
            </div>
            { error_list(say, format!("service-{i}-error"), &id_errors) }
            if commands > 0 {
                <p class="hint">{ format!("{commands} {}", t.commands_kept()) }</p>
            }
            <div class="table-scroll">
                <table class="model-table">
                    <thead><tr>
                        <th>{ t.property() }</th><th>{ t.data_type() }</th><th>{ t.min() }</th><th>{ t.max() }</th>
                        <th>{ t.step() }</th><th>{ t.max_length() }</th><th>{ t.unit() }</th><th>{ t.access() }</th>
                        <th>{ t.enum_list() }</th><th>{ t.required() }</th><th></th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="actions"><button type="button" class="secondary" onclick={action(ModelAction::AddProperty)}>{ t.add_property() }</button></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PropertyRowProps {
    service: usize,
    index: usize,
    draft: PropertyDraft,
    errors: Vec<DraftError>,
    dispatcher: UseReducerDispatcher<ModelState>,
}

/// A text input of a property row.
struct Column {
    /// Its element id's suffix (`p-{i}-{j}-{suffix}`).
    suffix: &'static str,
    /// The field's name in [`DraftError::field`].
    field: &'static str,
    /// Its CSS class.
    class: &'static str,
    /// Its accessible name.
    label: fn(&Texts) -> String,
    /// The draft's text it shows.
    text: fn(&PropertyDraft) -> &String,
    /// The draft's text it changes.
    slot: fn(&mut PropertyDraft) -> &mut String,
}

/// The row's text inputs, in table order (the data type's select goes
/// after the first).
const COLUMNS: [Column; 8] = [
    Column {
        suffix: "name",
        field: "name",
        class: "mono",
        label: |t| t.property().to_owned(),
        text: |d| &d.name,
        slot: |d| &mut d.name,
    },
    Column {
        suffix: "min",
        field: "min",
        class: "num",
        label: |t| t.min().to_owned(),
        text: |d| &d.min,
        slot: |d| &mut d.min,
    },
    Column {
        suffix: "max",
        field: "max",
        class: "num",
        label: |t| t.max().to_owned(),
        text: |d| &d.max,
        slot: |d| &mut d.max,
    },
    Column {
        suffix: "step",
        field: "step",
        class: "num",
        label: |t| t.step().to_owned(),
        text: |d| &d.step,
        slot: |d| &mut d.step,
    },
    Column {
        suffix: "maxlen",
        field: "max_length",
        class: "num",
        label: |t| t.max_length().to_owned(),
        text: |d| &d.max_length,
        slot: |d| &mut d.max_length,
    },
    Column {
        suffix: "unit",
        field: "unit",
        class: "num",
        label: |t| t.unit().to_owned(),
        text: |d| &d.unit,
        slot: |d| &mut d.unit,
    },
    Column {
        suffix: "method",
        field: "method",
        class: "num",
        label: |t| format!("{} (R, W, E)", t.access()),
        text: |d| &d.method,
        slot: |d| &mut d.method,
    },
    Column {
        suffix: "enum",
        field: "enum_list",
        class: "",
        label: |t| t.enum_list().to_owned(),
        text: |d| &d.enum_list,
        slot: |d| &mut d.enum_list,
    },
];

#[component]
fn PropertyRow(props: &PropertyRowProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let (i, j) = (props.service, props.index);
    let change = |apply: fn(&mut PropertyDraft, &Event)| {
        let dispatcher = props.dispatcher.clone();
        let draft = props.draft.clone();
        Callback::from(move |e: Event| {
            let mut draft = draft.clone();
            apply(&mut draft, &e);
            dispatcher.dispatch(ModelAction::Property(i, j, Box::new(draft)));
        })
    };
    let id = |name: &str| format!("p-{i}-{j}-{name}");
    let cell = |column: &Column| {
        let invalid = props.errors.iter().any(|e| e.field == column.field);
        let oninput = {
            let (dispatcher, draft, slot) =
                (props.dispatcher.clone(), props.draft.clone(), column.slot);
            Callback::from(move |e: InputEvent| {
                let mut draft = draft.clone();
                *slot(&mut draft) = e.target_unchecked_into::<HtmlInputElement>().value();
                dispatcher.dispatch(ModelAction::Property(i, j, Box::new(draft)));
            })
        };
        html! {
            <td><input id={id(column.suffix)} class={column.class} aria-label={(column.label)(t)}
                value={(column.text)(&props.draft).clone()} {oninput}
                aria-invalid={invalid.then_some("true")}
                aria-describedby={invalid.then(|| id("errors"))} /></td>
        }
    };
    let on_type = change(|draft, e| {
        if let Some(t) = DataType::parse(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
            draft.data_type = t;
        }
    });
    let on_required = change(|draft, e| {
        draft.required = e.target_unchecked_into::<HtmlInputElement>().checked();
    });
    let on_remove = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::RemoveProperty(i, j)))
    };
    let p = &props.draft;
    let errors: Vec<&DraftError> = props.errors.iter().collect();
    html! {
        <>
            <tr>
                { cell(&COLUMNS[0]) }
                <td>
                    <select id={id("type")} aria-label={t.data_type()} onchange={on_type}>
                        { for DataType::ALL.iter().map(|t| html! {
                            <option value={t.as_str()} selected={*t == p.data_type}>{ t.as_str() }</option>
                        }) }
                    </select>
                </td>
                { for COLUMNS[1..].iter().map(cell) }
                <td><input type="checkbox" id={id("required")} aria-label={t.required()} checked={p.required} onchange={on_required} /></td>
                <td><button type="button" class="secondary" onclick={on_remove} aria-label={format!("{} {}", t.remove(), p.name)}>{ "✕" }</button></td>
            </tr>
            if !errors.is_empty() {
                <tr class="row-errors"><td colspan="11">{ error_list(say, id("errors"), &errors) }</td></tr>
            }
        </>
    }
}
