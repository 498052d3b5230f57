//! The Model page: import a product model (REST JSON or the console's
//! offline ZIP), view and edit its services and properties, export JSON.
//! The model is kept in this browser for the console's checks.

mod service;

use std::rc::Rc;

use yew::prelude::*;

use crate::components::download::Download;
use crate::components::pem_field::PemField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_workspace::use_workspace;
use crate::store::model::{named, DraftError, ModelAction, ModelState, Place};
use crate::store::WorkspaceAction;
use crate::worker::client::SimWorker;
use crate::worker::sim::{SimRequest, SimResponse};

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

    let services = state.draft.services.iter().enumerate().map(|(i, service)| {
        let errors: Vec<DraftError> = errors
            .iter()
            .filter(|e| matches!(e.place, Place::Service(s) | Place::Property(s, _) if s == i))
            .cloned()
            .collect();
        html! { <service::ServiceCard index={i} service={service.clone()} {errors} dispatcher={state.dispatcher()} /> }
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
            <ExportCard json={json.clone()} errors={errors.clone()} dispatcher={state.dispatcher()} />
            { for services }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ExportCardProps {
    /// The model's JSON, when it checks.
    json: Option<String>,
    /// Every problem of the draft.
    errors: Vec<DraftError>,
    dispatcher: UseReducerDispatcher<ModelState>,
}

/// Whether the model checks (every problem listed), its JSON and download.
#[component]
fn ExportCard(props: &ExportCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let errors = &props.errors;
    let on_add_service = {
        let dispatcher = props.dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ModelAction::AddService))
    };
    html! {
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
                if let Some(json) = &props.json {
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
    }
}
