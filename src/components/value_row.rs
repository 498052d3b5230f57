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
    /// Shown in place of the value, which is then only copied (a secret's
    /// dots: the value is never in the page's DOM).
    #[prop_or_default]
    pub shown: Option<AttrValue>,
    /// Whether the row has a copy button.
    #[prop_or(true)]
    pub copy: bool,
    /// What the copy button says it copies, when the label alone would
    /// name several buttons of the page alike (default: the label).
    #[prop_or_default]
    pub what: Option<AttrValue>,
}

/// Label, value and copy button on one row.
#[component]
pub fn ValueRow(props: &ValueRowProps) -> Html {
    let text = props.value.clone().unwrap_or_default();
    let shown = props.shown.clone().or_else(|| props.value.clone());
    html! {
        <div class="value-row">
            <span class="value-label" id={format!("{}-label", props.id)}>{ props.label.clone() }</span>
            <output id={props.id.clone()} class="value" aria-labelledby={format!("{}-label", props.id)}>
                { shown.unwrap_or(AttrValue::Static("—")) }
            </output>
            if props.copy {
                <CopyButton {text} what={props.what.clone().unwrap_or_else(|| props.label.clone())}
                    disabled={props.value.is_none()} />
            }
        </div>
    }
}
