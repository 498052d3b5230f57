//! The next animation frame: one callback, run once.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs `draw` at the next animation frame; `draw` back when the browser
/// cannot schedule one (the caller may run it now).
pub fn next<F: FnOnce() + 'static>(draw: F) -> Result<(), F> {
    let Some(window) = web_sys::window() else {
        return Err(draw);
    };
    // Moved into the closure only once it is certain to be scheduled: a
    // `request_animation_frame` that fails leaves nothing behind.
    let slot = std::rc::Rc::new(std::cell::Cell::new(Some(draw)));
    let inside = slot.clone();
    let callback = Closure::once_into_js(move || {
        if let Some(draw) = inside.take() {
            draw();
        }
    });
    match window.request_animation_frame(callback.unchecked_ref()) {
        Ok(_) => Ok(()),
        Err(_) => slot.take().map_or(Ok(()), Err),
    }
}
