//! The language on screen, its texts and how it says messages, from the
//! app's context.

use yew::prelude::*;

use crate::i18n::{Lang, Shown, Texts};
use crate::messages::Say;

/// The language on screen (in the app's context).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Shown>().unwrap_or_default().lang
}

/// How the language on screen says messages (in the app's context).
#[hook]
pub fn use_say() -> Say {
    use_context::<Shown>().unwrap_or_default().say
}

/// The texts of the language on screen (in the app's context).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<Shown>().unwrap_or_default().texts
}
