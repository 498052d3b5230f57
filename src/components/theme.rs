//! The theme switch: follow the system (the default), or always light or
//! dark. The choice is kept in `localStorage` and applied as `data-theme`
//! on the document element, which the style sheet keys on.

use serde::{Deserialize, Serialize};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::use_i18n::use_texts;
use crate::web::storage;

/// localStorage key of the theme.
pub const THEME_STORAGE_KEY: &str = "iotda-kit.theme.v1";

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    /// As the operating system says (`prefers-color-scheme`).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The `data-theme` value, or `None` to follow the system.
    fn attribute(self) -> Option<&'static str> {
        match self {
            Self::System => None,
            Self::Light => Some("light"),
            Self::Dark => Some("dark"),
        }
    }

    /// Applies it to the page.
    fn apply(self) {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let _ = match self.attribute() {
            Some(value) => root.set_attribute("data-theme", value),
            None => root.remove_attribute("data-theme"),
        };
    }
}

/// The theme switch for the top bar.
#[component]
pub fn ThemeSwitch() -> Html {
    let t = use_texts();
    let theme = use_state(|| {
        storage::load::<Theme>(THEME_STORAGE_KEY)
            .ok()
            .flatten()
            .unwrap_or_default()
    });
    use_effect_with(*theme, |theme| {
        theme.apply();
        let _ = storage::save(THEME_STORAGE_KEY, theme);
    });
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            theme.set(
                match e
                    .target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    _ => Theme::System,
                },
            );
        })
    };
    let option = |value: &'static str, label: &'static str, this: Theme| {
        html! { <option {value} selected={*theme == this}>{ label }</option> }
    };
    html! {
        <label class="theme">
            <span class="visually-hidden">{ t.theme() }</span>
            <select id="theme" onchange={onchange} title={t.theme()}>
                { option("system", t.theme_system(), Theme::System) }
                { option("light", t.theme_light(), Theme::Light) }
                { option("dark", t.theme_dark(), Theme::Dark) }
            </select>
        </label>
    }
}
