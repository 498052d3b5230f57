//! The Model page: import a product model (REST JSON or the console's
//! offline ZIP), view and edit its services and properties, export JSON.
//! The model is kept in this browser for the console's checks.

use std::rc::Rc;

use iotda_core::iotda::DataType;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::{use_say, use_texts};
use crate::components::download::Download;
use crate::components::pem_field::PemField;
use crate::hooks::use_workspace::use_workspace;
use crate::state::model::{named, DraftError, ModelAction, ModelState, PropertyDraft};
use crate::state::simulator::{SimRequest, SimResponse};
use crate::store::WorkspaceAction;
use crate::worker::client::SimWorker;

/// The Model page.
#[component]
pub fn ModelPage() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let state = {
        let saved = workspace.model.clone();
        use_reducer(move || ModelState::from_saved(saved))
    };
    let checked = state.draft.to_model();
    let json = checked.as_ref().ok().and_then(|m| m.to_json().ok());
    // A model that checks is kept in the workspace (one that does not is
    // still being typed: the last good one stays).
    use_effect_with(checked.clone().ok(), move |model| {
        if let Some(model) = model {
            workspace.dispatch(WorkspaceAction::Model(Some(Box::new(model.clone()))));
        }
    });
    let errors: Vec<DraftError> = checked.err().unwrap_or_default();

    let on_paste = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(ModelAction::Paste(text)))
    };
    // The console's ZIP is read in the simulator's worker: the page's own
    // wasm carries no ZIP code.
    let zip_worker = use_mut_ref(|| None::<SimWorker>);
    let on_file = {
        let dispatcher = state.dispatcher();
        let zip_worker = zip_worker.clone();
        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
            if !bytes.starts_with(b"PK") {
                return dispatcher.dispatch(ModelAction::Import(name, bytes));
            }
            let mut slot = zip_worker.borrow_mut();
            if slot.is_none() {
                let to_page = dispatcher.clone();
                let on_response = Callback::from(move |response| match response {
                    SimResponse::ZipRead {
                        name,
                        json: Ok(json),
                    } => to_page.dispatch(ModelAction::Import(name, json.into_bytes())),
                    SimResponse::ZipRead { name, json: Err(e) } => {
                        to_page.dispatch(ModelAction::ImportFailed(named(&name, e.0)))
                    }
                    SimResponse::Failed(e) => to_page.dispatch(ModelAction::ImportFailed(e.0)),
                    _ => {}
                });
                match SimWorker::spawn(on_response) {
                    Ok(w) => *slot = Some(w),
                    Err(e) => return dispatcher.dispatch(ModelAction::ImportFailed(e)),
                }
            }
            if let Some(Err(e)) = slot
                .as_ref()
                .map(|w| w.send(&SimRequest::ReadZip { name, bytes }))
            {
                dispatcher.dispatch(ModelAction::ImportFailed(e));
            }
        })
    };
    let on_import = {
        let dispatcher = state.dispatcher();
        let text = state.paste.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(ModelAction::Import(
                t.pasted_model().into(),
                text.clone().into_bytes(),
            ))
        })
    };
    let on_reset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::Reset))
    };
    let on_add_service = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::AddService))
    };

    let services = state.draft.services.iter().enumerate().map(|(i, service)| {
        let on_id = {
            let dispatcher = state.dispatcher();
            Callback::from(move |e: InputEvent| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value();
                dispatcher.dispatch(ModelAction::ServiceId(i, v))
            })
        };
        let on_remove = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::RemoveService(i)))
        };
        let on_add = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::AddProperty(i)))
        };
        let rows = service.properties.iter().enumerate().map(|(j, p)| {
            html! { <PropertyRow service={i} index={j} draft={p.clone()} dispatcher={state.dispatcher()} /> }
        });
        let commands = service.base.commands.len();
        html! {
            <section class="card wide service" aria-label={format!("{} {}", t.service_id(), service.service_id)}>
                <div class="service-head">
                    <label for={format!("service-{i}")}>{ t.service_id() }</label>
                    <input id={format!("service-{i}")} class="mono" value={service.service_id.clone()} oninput={on_id} />
                    <button type="button" class="secondary" onclick={on_remove}>{ t.remove_service() }</button>
                </div>
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
                <p class="actions"><button type="button" class="secondary" onclick={on_add}>{ t.add_property() }</button></p>
            </section>
        }
    });

    html! {
        <div class="page model">
            <section class="card" aria-labelledby="model-import">
                <h2 id="model-import">{ t.model() }</h2>
                <p class="hint">
                    { t.model_intro() }
                </p>
                <PemField id="model-paste" label={t.model_paste()}
                    value={state.paste.clone()} oninput={on_paste} onfile={on_file}
                    accept=".json,.zip,application/json,application/zip" rows={6}
                    error={state.import_error.as_ref().map(|e| say.message(e))} />
                <p class="actions">
                    <button type="button" id="model-import-button" onclick={on_import}
                        disabled={state.paste.trim().is_empty()}>{ t.model_import() }</button>
                    <button type="button" class="secondary" id="model-reset" onclick={on_reset}>{ t.model_reset() }</button>
                </p>
                if let Some(note) = &state.import_note {
                    <p class="ok" id="model-note" role="status">{ format!("{} {}.", t.imported(), say.message(note)) }</p>
                }
            </section>
            <section class="card" aria-labelledby="model-export">
                <h2 id="model-export">{ t.export() }</h2>
                if errors.is_empty() {
                    <p class="ok" id="model-valid">{ t.model_valid() }</p>
                } else {
                    <ul id="model-errors" class="field-error" role="alert">
                        { for errors.iter().map(|e| html! {
                            <li>{ match &e.at { None => say.message(&e.message), Some(at) => format!("{} ({}): {}", say.message(at), e.field, say.message(&e.message)) } }</li>
                        }) }
                    </ul>
                }
                if let Some(json) = &json {
                    <div class="downloads">
                        <Download id="model-download" filename="model.json" mime="application/json"
                            data={Rc::<[u8]>::from(json.as_bytes())} />
                    </div>
                    <details>
                        <summary>{ "JSON" }</summary>
                        <pre class="mono payload" id="model-json">{ json }</pre>
                    </details>
                }
                <p class="actions"><button type="button" class="secondary" id="model-add-service" onclick={on_add_service}>{ t.add_service() }</button></p>
            </section>
            { for services }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PropertyRowProps {
    service: usize,
    index: usize,
    draft: PropertyDraft,
    dispatcher: UseReducerDispatcher<ModelState>,
}

#[component]
fn PropertyRow(props: &PropertyRowProps) -> Html {
    let t = use_texts();
    let (i, j) = (props.service, props.index);
    let field = |apply: fn(&mut PropertyDraft, String)| {
        let dispatcher = props.dispatcher.clone();
        let draft = props.draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut draft = draft.clone();
            apply(
                &mut draft,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            dispatcher.dispatch(ModelAction::Property(i, j, Box::new(draft)));
        })
    };
    let on_type = {
        let dispatcher = props.dispatcher.clone();
        let draft = props.draft.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(t) = DataType::parse(&v) {
                let mut draft = draft.clone();
                draft.data_type = t;
                dispatcher.dispatch(ModelAction::Property(i, j, Box::new(draft)));
            }
        })
    };
    let on_required = {
        let dispatcher = props.dispatcher.clone();
        let draft = props.draft.clone();
        Callback::from(move |e: Event| {
            let mut draft = draft.clone();
            draft.required = e.target_unchecked_into::<HtmlInputElement>().checked();
            dispatcher.dispatch(ModelAction::Property(i, j, Box::new(draft)));
        })
    };
    let on_remove = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::RemoveProperty(i, j)))
    };
    let p = &props.draft;
    let id = |name: &str| format!("p-{i}-{j}-{name}");
    html! {
        <tr>
            <td><input id={id("name")} class="mono" aria-label={t.property()} value={p.name.clone()} oninput={field(|d, v| d.name = v)} /></td>
            <td>
                <select id={id("type")} aria-label={t.data_type()} onchange={on_type}>
                    { for DataType::ALL.iter().map(|t| html! {
                        <option value={t.as_str()} selected={*t == p.data_type}>{ t.as_str() }</option>
                    }) }
                </select>
            </td>
            <td><input id={id("min")} class="num" aria-label={t.min()} value={p.min.clone()} oninput={field(|d, v| d.min = v)} /></td>
            <td><input id={id("max")} class="num" aria-label={t.max()} value={p.max.clone()} oninput={field(|d, v| d.max = v)} /></td>
            <td><input id={id("step")} class="num" aria-label={t.step()} value={p.step.clone()} oninput={field(|d, v| d.step = v)} /></td>
            <td><input id={id("maxlen")} class="num" aria-label={t.max_length()} value={p.max_length.clone()} oninput={field(|d, v| d.max_length = v)} /></td>
            <td><input id={id("unit")} class="num" aria-label={t.unit()} value={p.unit.clone()} oninput={field(|d, v| d.unit = v)} /></td>
            <td><input id={id("method")} class="num" aria-label={format!("{} (R, W, E)", t.access())} value={p.method.clone()} oninput={field(|d, v| d.method = v)} /></td>
            <td><input id={id("enum")} aria-label={t.enum_list()} value={p.enum_list.clone()} oninput={field(|d, v| d.enum_list = v)} /></td>
            <td><input type="checkbox" id={id("required")} aria-label={t.required()} checked={p.required} onchange={on_required} /></td>
            <td><button type="button" class="secondary" onclick={on_remove} aria-label={format!("{} {}", t.remove(), p.name)}>{ "✕" }</button></td>
        </tr>
    }
}
