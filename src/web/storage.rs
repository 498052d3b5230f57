//! JSON values in `localStorage`, under namespaced keys.

use crate::msg;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(|_| msg!("this browser blocks local storage"))?
        .ok_or_else(|| msg!("this browser has no local storage"))
}

/// The text stored under `key`, unparsed; `Ok(None)` when nothing is.
pub fn load_text(key: &str) -> Result<Option<String>, String> {
    local_storage()?
        .get_item(key)
        .map_err(|_| msg!("local storage cannot be read"))
}

/// Reads the value under `key`; `Ok(None)` when nothing is stored. A value
/// that no longer parses is an error, not silently dropped.
pub fn load<T: DeserializeOwned>(key: &str) -> Result<Option<T>, String> {
    let Some(text) = load_text(key)? else {
        return Ok(None);
    };
    // Bytes, not `from_str`: the core reads all its JSON from bytes, and
    // each serde_json reader type costs the wasm its own copy of the parser.
    serde_json::from_slice(text.as_bytes())
        .map(Some)
        .map_err(|e| msg!("saved settings could not be read ({e}); they will be replaced"))
}

/// Stores `value` under `key` as JSON.
pub fn save<T: Serialize>(key: &str, value: &T) -> Result<(), String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    save_text(key, &text)
}

/// Stores `text` under `key` as it is.
pub fn save_text(key: &str, text: &str) -> Result<(), String> {
    local_storage()?
        .set_item(key, text)
        .map_err(|_| msg!("settings could not be saved: local storage is full or blocked"))
}

/// Removes the value under `key` (nothing stored is not an error).
pub fn remove(key: &str) -> Result<(), String> {
    local_storage()?
        .remove_item(key)
        .map_err(|_| msg!("local storage cannot be changed"))
}

/// Every key in this origin's local storage.
pub fn keys() -> Result<Vec<String>, String> {
    let storage = local_storage()?;
    let count = storage
        .length()
        .map_err(|_| msg!("local storage cannot be read"))?;
    Ok((0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect())
}
