//! The keyboard shortcuts, listed in a dialog: opened from the top bar or
//! with `?` (when not typing in a field), closed with Escape or its button.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::hooks::use_i18n::use_texts;
use crate::i18n::Texts;

/// Every shortcut of the app: keys and what they do, in `t`'s language.
pub fn shortcuts(t: &Texts) -> [(&'static str, &'static str); 6] {
    [
        ("?", t.shortcut_help()),
        ("Esc", t.shortcut_close()),
        ("Tab / Shift+Tab", t.shortcut_tab()),
        ("Enter / Space", t.shortcut_press()),
        ("Ctrl+Enter (⌘+Enter)", t.shortcut_publish()),
        ("Ctrl+V (⌘+V)", t.shortcut_paste()),
    ]
}

/// Whether a key press is `?` typed outside any text field.
fn asks_for_help(e: &KeyboardEvent) -> bool {
    if e.key() != "?" || e.ctrl_key() || e.meta_key() || e.alt_key() {
        return false;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .map(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.is_content_editable()
        })
        .unwrap_or(false);
    !typing
}

/// The top bar's button and the dialog it opens.
#[component]
pub fn Shortcuts() -> Html {
    let t = use_texts();
    let dialog = use_node_ref();
    let open = {
        let dialog = dialog.clone();
        move || {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            }
        }
    };
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if asks_for_help(&e) {
                    e.prevent_default();
                    open();
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let on_open = Callback::from(move |_: MouseEvent| open());
    let on_close = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                d.close();
            }
        })
    };
    html! {
        <>
            <button type="button" class="secondary help" id="shortcuts-open" onclick={on_open}
                aria-haspopup="dialog" title={format!("{} (?)", t.shortcuts_title())}>{ t.shortcuts() }</button>
            <dialog ref={dialog} id="shortcuts" aria-labelledby="shortcuts-title">
                <h2 id="shortcuts-title">{ t.shortcuts_title() }</h2>
                <table class="settings-table">
                    <tbody>
                        { for shortcuts(t).iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="actions"><button type="button" id="shortcuts-close" onclick={on_close}>{ t.close() }</button></p>
            </dialog>
        </>
    }
}
