//! A labelled text area for PEM (or other) text that also takes a file,
//! chosen or dropped on it.

use web_sys::{DragEvent, File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::use_i18n::{use_say, use_texts};
use crate::web::files;

/// Props of [`PemField`].
#[derive(Properties, PartialEq)]
pub struct PemFieldProps {
    /// Element id of the text area (the file input gets `{id}-file`, the
    /// error `{id}-error`).
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// Current text.
    pub value: AttrValue,
    /// Name of a binary file standing in for the text, if one was chosen.
    #[prop_or_default]
    pub file_name: Option<AttrValue>,
    /// Called with the new text on every keystroke.
    pub oninput: Callback<String>,
    /// Called with a chosen or dropped file's name and bytes.
    pub onfile: Callback<(String, Vec<u8>)>,
    /// The error to show, if any.
    #[prop_or_default]
    pub error: Option<String>,
    /// A short hint under the label.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Placeholder text.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// Visible rows.
    #[prop_or(5)]
    pub rows: u32,
    /// The file types the file chooser offers (`accept`).
    pub accept: AttrValue,
}

/// A PEM text area with "Choose file" and drag and drop.
#[component]
pub fn PemField(props: &PemFieldProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let read_error = use_state(|| None::<String>);
    let load = {
        let onfile = props.onfile.clone();
        let read_error = read_error.clone();
        move |file: File| {
            let onfile = onfile.clone();
            let read_error = read_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match files::read(&file).await {
                    Ok(bytes) => {
                        read_error.set(None);
                        onfile.emit((file.name(), bytes));
                    }
                    Err(e) => read_error.set(Some(say.message(&e))),
                }
            });
        }
    };
    let onchange = {
        let load = load.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|list| list.get(0)) {
                load(file);
            }
            // Choosing the same file again must fire another change.
            input.set_value("");
        })
    };
    let ondrop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(file) = e
            .data_transfer()
            .and_then(|t| t.files())
            .and_then(|list| list.get(0))
        {
            load(file);
        }
    });
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let error = props.error.clone().or_else(|| (*read_error).clone());
    let error_id = format!("{}-error", props.id);
    let placeholder = match &props.file_name {
        Some(name) => Some(AttrValue::from(format!("{name} {}", t.binary_loaded()))),
        None => props.placeholder.clone(),
    };
    html! {
        <div class={classes!("field", "pem", error.as_ref().map(|_| "invalid"))} {ondrop} {ondragover}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <span class="hint">{ hint.clone() }</span>
            }
            <textarea id={props.id.clone()} rows={props.rows.to_string()} value={props.value.clone()}
                {oninput} {placeholder} spellcheck="false" autocomplete="off"
                aria-invalid={error.is_some().to_string()}
                aria-describedby={error.as_ref().map(|_| error_id.clone())} />
            <label class="file-button">
                { t.choose_file() }
                <input type="file" id={format!("{}-file", props.id)} {onchange}
                    accept={props.accept.clone()} />
            </label>
            if let Some(error) = error {
                <p class="field-error" id={error_id} role="alert">{ error }</p>
            }
        </div>
    }
}
