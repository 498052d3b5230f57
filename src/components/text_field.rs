//! A labelled input with its error and warnings underneath, in the
//! language on screen.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// Element id of the input (errors get `{id}-error`).
    pub id: AttrValue,
    /// Visible label.
    pub label: AttrValue,
    /// Current value.
    pub value: AttrValue,
    /// Called with the new value on every keystroke.
    pub oninput: Callback<String>,
    /// Input type (`text`, `password`, ...).
    #[prop_or(AttrValue::Static("text"))]
    pub input_type: AttrValue,
    /// The error to show, if any.
    #[prop_or_default]
    pub error: Option<String>,
    /// Warnings to show.
    #[prop_or_default]
    pub warnings: Vec<String>,
    /// A short hint under the label.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Placeholder text.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// Id of a `<datalist>` with suggestions.
    #[prop_or_default]
    pub list: Option<AttrValue>,
    /// `autocomplete` attribute.
    #[prop_or(AttrValue::Static("off"))]
    pub autocomplete: AttrValue,
    /// Extra controls after the input (show/hide, "now").
    #[prop_or_default]
    pub children: Html,
}

/// A labelled input.
#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let error_id = format!("{}-error", props.id);
    let warn_id = format!("{}-warning", props.id);
    let described = [
        props.error.as_ref().map(|_| error_id.clone()),
        (!props.warnings.is_empty()).then(|| warn_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "invalid"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <span class="hint">{ hint.clone() }</span>
            }
            <div class="control">
                <input id={props.id.clone()} type={props.input_type.clone()} value={props.value.clone()}
                       {oninput} placeholder={props.placeholder.clone()} list={props.list.clone()}
                       autocomplete={props.autocomplete.clone()} spellcheck="false"
                       aria-invalid={props.error.is_some().to_string()}
                       aria-describedby={(!described.is_empty()).then_some(described)} />
                { props.children.clone() }
            </div>
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id} role="alert">{ error }</p>
            }
            if !props.warnings.is_empty() {
                <div class="field-warning" id={warn_id}>
                    { for props.warnings.iter().map(|w| html! { <p>{ w }</p> }) }
                </div>
            }
        </div>
    }
}
