//! A button that copies a text and says whether it worked.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::hooks::use_i18n::use_texts;

use crate::web::clipboard;

/// Props of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The text to copy.
    pub text: AttrValue,
    /// What is copied, for the accessible name ("Copy ClientId").
    pub what: AttrValue,
    /// Disabled when there is nothing valid to copy.
    #[prop_or_default]
    pub disabled: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Idle,
    Copied,
    Failed,
}

/// "Copy", then "Copied" (or "Copy failed") for two seconds.
#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let t = use_texts();
    let status = use_state(|| Status::Idle);
    let reset = use_mut_ref(|| None::<Timeout>);
    let onclick = {
        let status = status.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let reset = reset.clone();
            clipboard::copy_then(
                text.to_string(),
                Box::new(move |ok| {
                    status.set(if ok { Status::Copied } else { Status::Failed });
                    let back = status.clone();
                    *reset.borrow_mut() = Some(Timeout::new(2_000, move || back.set(Status::Idle)));
                }),
            );
        })
    };
    let (label, class) = match *status {
        Status::Idle => (t.copy(), "copy"),
        Status::Copied => (t.copied(), "copy copied"),
        Status::Failed => (t.copy_failed(), "copy failed"),
    };
    html! {
        <button type="button" {class} {onclick} disabled={props.disabled}
                aria-label={format!("{} {}", t.copy(), props.what)} aria-live="polite">
            { label }
        </button>
    }
}
