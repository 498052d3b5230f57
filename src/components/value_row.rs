//! One computed value with a copy button.

use yew::prelude::*;

use super::copy_button::CopyButton;

/// Props of [`ValueRow`].
#[derive(Properties, PartialEq)]
pub struct ValueRowProps {
    /// Element id of the value.
    pub id: AttrValue,
    /// Label.
    pub label: AttrValue,
    /// The value, or `None` while the inputs are not valid.
    pub value: Option<AttrValue>,
}

/// Label, value and copy button on one row.
#[component]
pub fn ValueRow(props: &ValueRowProps) -> Html {
    let text = props.value.clone().unwrap_or_default();
    html! {
        <div class="value-row">
            <span class="value-label" id={format!("{}-label", props.id)}>{ props.label.clone() }</span>
            <output id={props.id.clone()} class="value" aria-labelledby={format!("{}-label", props.id)}>
                { props.value.clone().unwrap_or(AttrValue::Static("—")) }
            </output>
            <CopyButton {text} what={props.label.clone()} disabled={props.value.is_none()} />
        </div>
    }
}
