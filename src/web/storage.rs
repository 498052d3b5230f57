//! JSON values in `localStorage`, under namespaced keys.

use iotda_core::text::Message;

use super::said::web as said;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn local_storage() -> Result<web_sys::Storage, Message> {
    web_sys::window()
        .ok_or(Message::new(said::NO_WINDOW))?
        .local_storage()
        .map_err(|_| Message::new(said::STORAGE_BLOCKED))?
        .ok_or(Message::new(said::NO_STORAGE))
}

/// The text stored under `key`, unparsed; `Ok(None)` when nothing is.
pub fn load_text(key: &str) -> Result<Option<String>, Message> {
    local_storage()?
        .get_item(key)
        .map_err(|_| Message::new(said::STORAGE_UNREADABLE))
}

/// Reads the value under `key`; `Ok(None)` when nothing is stored. A value
/// that no longer parses is an error, not silently dropped.
pub fn load<T: DeserializeOwned>(key: &str) -> Result<Option<T>, Message> {
    let Some(text) = load_text(key)? else {
        return Ok(None);
    };
    // Bytes, not `from_str`: the core reads all its JSON from bytes, and
    // each serde_json reader type costs the wasm its own copy of the parser.
    serde_json::from_slice(text.as_bytes())
        .map(Some)
        .map_err(|e| {
            Message::new(said::SETTINGS_UNREADABLE)
                .with("line", e.line())
                .with("column", e.column())
        })
}

/// Stores `value` under `key` as JSON.
pub fn save<T: Serialize>(key: &str, value: &T) -> Result<(), Message> {
    let text = serde_json::to_string(value).map_err(|_| Message::new(said::NOT_SERIALIZABLE))?;
    save_text(key, &text)
}

/// Stores `text` under `key` as it is.
pub fn save_text(key: &str, text: &str) -> Result<(), Message> {
    local_storage()?
        .set_item(key, text)
        .map_err(|_| Message::new(said::STORAGE_FULL))
}

/// Removes the value under `key` (nothing stored is not an error).
pub fn remove(key: &str) -> Result<(), Message> {
    local_storage()?
        .remove_item(key)
        .map_err(|_| Message::new(said::STORAGE_UNCHANGEABLE))
}

/// Every key in this origin's local storage.
pub fn keys() -> Result<Vec<String>, Message> {
    let storage = local_storage()?;
    let count = storage
        .length()
        .map_err(|_| Message::new(said::STORAGE_UNREADABLE))?;
    Ok((0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect())
}
