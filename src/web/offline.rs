//! The offline service worker (`static/sw.js`, filled in by
//! `scripts/post_build.py`): registered when the app starts, so that after
//! one visit the whole app opens with the network off. A new build
//! installs beside the running one; the page is told, and the user takes
//! it with a reload.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};
use yew::Callback;

/// Where trunk puts the service worker (see `index.html`).
const SERVICE_WORKER_URL: &str = "/sw.js";

/// Registers the service worker; `on_update` hears when a new version is
/// installed and waiting. Does nothing where service workers are missing
/// (an insecure origin, a private window that forbids them).
pub fn register(on_update: Callback<()>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let registered = container.register(SERVICE_WORKER_URL);
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(registered).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        // A first install has no controller yet: nothing to announce.
        let replacing = move || container.controller().is_some();
        if registration.waiting().is_some() && replacing() {
            on_update.emit(());
        }
        let watched = registration.clone();
        let onupdatefound = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_update = on_update.clone();
            let replacing = replacing.clone();
            let onstatechange = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && replacing() {
                    on_update.emit(());
                }
            });
            installing.set_onstatechange(Some(onstatechange.as_ref().unchecked_ref()));
            // Lives as long as the installing worker it listens to.
            onstatechange.forget();
        });
        registration.set_onupdatefound(Some(onupdatefound.as_ref().unchecked_ref()));
        // Lives as long as the page.
        onupdatefound.forget();
    });
}

/// Lets the waiting version take over, then reloads the page on it.
pub fn take_update() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let reload = Closure::<dyn FnMut()>::new(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    // Fires once, then the page is gone.
    reload.forget();
    let registration = container.get_registration();
    wasm_bindgen_futures::spawn_local(async move {
        let waiting: Option<ServiceWorker> = JsFuture::from(registration)
            .await
            .ok()
            .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>().ok())
            .and_then(|r| r.waiting());
        if let Some(worker) = waiting {
            let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
        }
    });
}
