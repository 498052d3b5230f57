//! The language switch: English or Simplified Chinese. The first choice
//! follows the browser's language; the user's choice is kept in
//! `localStorage`, its texts and messages are fetched once (Chinese;
//! English is in the page), and the language shown is `<html lang>`.

use std::cell::Cell;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::use_i18n::use_texts;
use crate::i18n::{Lang, Shown, Texts, LANG_STORAGE_KEY, ZH_URL};
use crate::messages::keys::language as said;
use crate::messages::{Catalog, Say, ZH_MESSAGES_URL};
use crate::web::{fetch, storage};
use iotda_core::text::{Message, Say as Words};

thread_local! {
    /// Chinese, once fetched.
    static ZH: Cell<Option<Shown>> = const { Cell::new(None) };
}

/// `lang` with its texts and messages: English at once, Chinese fetched
/// the first time.
pub async fn language(lang: Lang) -> Result<Shown, Message> {
    match lang {
        Lang::En => Ok(Shown::default()),
        Lang::Zh => {
            if let Some(shown) = ZH.with(Cell::get) {
                return Ok(shown);
            }
            let bytes = fetch::fetch_bytes(ZH_URL).await?;
            let list = serde_json::from_slice(&bytes).map_err(|e| {
                Message::new(said::NOT_A_LIST)
                    .with("url", ZH_URL)
                    .with_message("why", crate::messages::json(&e))
            })?;
            let texts = Texts::from_list(list)?;
            let bytes = fetch::fetch_bytes(ZH_MESSAGES_URL).await?;
            let catalog = Catalog::from_json(&bytes).map_err(|e| e.message())?;
            let shown = Shown {
                lang,
                texts,
                say: Say::by(catalog),
            };
            ZH.with(|zh| zh.set(Some(shown)));
            Ok(shown)
        }
    }
}

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

/// Keeps `lang` as the user's choice.
pub fn remember(lang: Lang) {
    let _ = storage::save(LANG_STORAGE_KEY, &lang);
}

/// Shows `lang` as the document's language (once its texts are on screen).
pub fn show(lang: Lang) {
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
    let t = use_texts();
    html! {
        <label class="theme">
            <span class="visually-hidden">{ t.language() }</span>
            <select id="lang" {onchange} title={t.language()}>
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.tag()} selected={*l == props.lang} lang={l.tag()}>{ l.name() }</option>
                }) }
            </select>
        </label>
    }
}
