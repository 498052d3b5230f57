//! The language switch: English or Simplified Chinese. The first choice
//! follows the browser's language; the user's choice is kept in
//! `localStorage` and shown as `<html lang>`.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{Lang, LANG_STORAGE_KEY};
use crate::web::storage;

/// The language to start in: the one chosen before, else the browser's.
pub fn initial() -> Lang {
    storage::load::<Lang>(LANG_STORAGE_KEY)
        .ok()
        .flatten()
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .map(|tag| Lang::from_browser(&tag))
        })
        .unwrap_or_default()
}

/// Keeps `lang` and shows it as the document's language.
pub fn apply(lang: Lang) {
    let _ = storage::save(LANG_STORAGE_KEY, &lang);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Props of [`LanguageSwitch`].
#[derive(Properties, PartialEq)]
pub struct LanguageSwitchProps {
    /// The language now.
    pub lang: Lang,
    /// Called with the language chosen.
    pub onchange: Callback<Lang>,
}

/// The switch for the top bar.
#[component]
pub fn LanguageSwitch(props: &LanguageSwitchProps) -> Html {
    let onchange = {
        let cb = props.onchange.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(if value == Lang::Zh.tag() {
                Lang::Zh
            } else {
                Lang::En
            });
        })
    };
    let t = props.lang.texts();
    html! {
        <label class="theme">
            <span class="visually-hidden">{ t.language }</span>
            <select id="lang" {onchange} title={t.language}>
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.tag()} selected={*l == props.lang} lang={l.tag()}>{ l.name() }</option>
                }) }
            </select>
        </label>
    }
}
