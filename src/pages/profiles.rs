//! The Profiles page: save the current work as a named profile, list,
//! switch, delete, export and import profiles, unlock a profile's kept
//! private keys, and forget everything the app keeps in this browser.
//!
//! The rules (what a profile holds, what asks first, the file format) are
//! in [`crate::store::profiles`]; this module gathers the work from each
//! page's storage key and the tab's memory, writes a profile back there,
//! and has the certificate worker encrypt and decrypt private keys: no PKI
//! code here.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::download::Download;
use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_pki_worker::{use_pki_worker, WorkerHandle};
use crate::hooks::use_workspace::{forget_stored, use_workspace, WorkspaceHandle};
use crate::i18n::Texts;
use crate::messages::keys::profiles as said;
use crate::messages::Say;
use crate::store::certs::CertsMemory;
use crate::store::profiles::{
    file_name, file_of, Confirm, ImportError, ImportPlan, Notice, Plan, Profile, ProfilesAction,
    ProfilesState, Restored, SaveError, Stored, UnlockProblem, Work,
};
use crate::store::{Snapshot, Workspace, WorkspaceAction};
use crate::web::files;
use crate::worker::protocol::{KeySlot, Request, Secret, UnlockError};
use iotda_core::text::Message;

/// The work as it is now: the workspace, and the keys in this tab's memory.
fn current_work(workspace: &Workspace, certs: &CertsMemory) -> Work {
    let stored = Stored {
        connect: Some(workspace.connect.form.clone()),
        model: workspace.model.clone(),
        certs: Some(workspace.certs.form.clone()),
        issued: Some(workspace.certs.issued.clone()),
        console: workspace.console.clone(),
        simulator: workspace.simulator.clone(),
    };
    Work::gather(
        stored,
        certs.get().as_ref(),
        workspace.connect.secret.expose().to_owned(),
    )
}

/// Restores a profile into every page in one action, and its keys into
/// the Certificates page's memory.
fn write(restored: &Restored, workspace: &WorkspaceHandle, certs: &CertsMemory) {
    certs.set(&restored.certs);
    workspace.dispatch(WorkspaceAction::Restore(Box::new(Snapshot::from(restored))));
}

/// The next job id of the page (never 0: that is the worker's own).
fn next_job_id(next: &Cell<u32>) -> u32 {
    let id = next.get();
    next.set(id.wrapping_add(1).max(1));
    id
}

/// What the page's buttons do, with the handles they need.
#[derive(Clone)]
struct Actions {
    state: UseReducerHandle<ProfilesState>,
    workspace: WorkspaceHandle,
    certs: CertsMemory,
    worker: WorkerHandle,
    next_id: Rc<Cell<u32>>,
}

impl Actions {
    /// A callback running `act` on a copy of the handles.
    fn callback<T: 'static>(&self, act: fn(&Actions, T)) -> Callback<T> {
        let actions = self.clone();
        Callback::from(move |value| act(&actions, value))
    }

    /// Sends the job that opens the kept keys of the profile to unlock.
    fn unlock(&self) {
        let state = &self.state;
        // Enter pressed again while the worker decrypts: one job is enough.
        if state.unlock.pending.is_some() {
            return;
        }
        match state.unlock_job(self.certs.get().as_ref()) {
            Ok((name, job)) => {
                let id = next_job_id(&self.next_id);
                match self.worker.send(&Request { id, job }) {
                    Ok(()) => state.dispatch(ProfilesAction::Unlocking(id, name)),
                    Err(e) => {
                        state.dispatch(ProfilesAction::UnlockFailed(UnlockProblem::Failed(e)))
                    }
                }
            }
            Err(problem) => state.dispatch(ProfilesAction::UnlockFailed(problem)),
        }
    }

    /// A file read (or why it could not be): its certificates go to the
    /// worker to be read again before its profiles are kept.
    fn import(&self, read: Result<Vec<u8>, Message>) {
        let state = &self.state;
        match state.import_plan(read) {
            ImportPlan::Refused(e) => state.dispatch(ProfilesAction::ImportRefused(e)),
            ImportPlan::Store(profiles) => state.dispatch(ProfilesAction::ImportStore(profiles)),
            ImportPlan::Check(profiles, job) => {
                let id = next_job_id(&self.next_id);
                match self.worker.send(&Request { id, job }) {
                    Ok(()) => state.dispatch(ProfilesAction::Importing(id, profiles)),
                    Err(e) => state.dispatch(ProfilesAction::ImportRefused(ImportError::Check(e))),
                }
            }
        }
    }

    /// Saves the current work; `overwrite`: the user confirmed overwriting.
    fn save(&self, overwrite: bool) {
        let state = &self.state;
        match state.plan(&current_work(&self.workspace, &self.certs), overwrite) {
            Plan::Invalid(e) => state.dispatch(ProfilesAction::Invalid(e)),
            Plan::AskOverwrite(name) => {
                state.dispatch(ProfilesAction::Ask(Confirm::Overwrite(name)))
            }
            Plan::Store(profile) => state.dispatch(ProfilesAction::Store(profile)),
            Plan::Encrypt(profile, jobs) => {
                let mut sent = Vec::new();
                for (slot, job) in jobs {
                    let id = next_job_id(&self.next_id);
                    if let Err(e) = self.worker.send(&Request { id, job }) {
                        return state.dispatch(ProfilesAction::Invalid(SaveError::Encrypt(e)));
                    }
                    sent.push((id, slot));
                }
                state.dispatch(ProfilesAction::Encrypting(profile, sent));
            }
        }
    }

    /// Switches to profile `name`; `confirmed`: the user accepted losing
    /// unsaved work.
    fn switch(&self, name: String, confirmed: bool) {
        let state = &self.state;
        let Some(profile) = state.get(&name) else {
            return;
        };
        if !confirmed && state.unsaved(&current_work(&self.workspace, &self.certs)) {
            return state.dispatch(ProfilesAction::Ask(Confirm::Switch(name)));
        }
        write(&profile.restore(), &self.workspace, &self.certs);
        state.dispatch(ProfilesAction::Switched(name));
    }
}

/// The Profiles page.
#[component]
pub fn ProfilesPage() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let certs = use_context::<CertsMemory>().unwrap_or_default();
    let state = {
        let store = workspace.profiles.clone();
        use_reducer(move || ProfilesState::restore(Some(store)))
    };
    let storage_error = use_state(|| None::<Message>);
    // After a change, the store is saved, and keys the worker opened go
    // into the Certificates page's memory. One effect for both: each
    // effect's type costs the page's wasm a kilobyte, and saving a store
    // that did not change is harmless.
    {
        let (handle, certs, workspace) = (state.clone(), certs.clone(), workspace.clone());
        let deps = (state.store.clone(), state.unlock.opened.clone());
        use_effect_with(deps, move |(store, opened)| {
            workspace.dispatch(WorkspaceAction::Profiles(Box::new(store.clone())));
            if let Some((name, _)) = opened {
                if let Some(unlocked) = handle.placed(certs.get()) {
                    certs.set(&unlocked);
                }
                handle.dispatch(ProfilesAction::KeysPlaced(name.clone()));
            }
        });
    }
    let worker = {
        let dispatcher = state.dispatcher();
        use_pki_worker(Callback::from(move |response| {
            dispatcher.dispatch(ProfilesAction::Worker(response))
        }))
    };
    let next_id = use_memo((), |_| Cell::new(1u32));
    let actions = Actions {
        state: state.clone(),
        workspace: workspace.clone(),
        certs: certs.clone(),
        worker,
        next_id,
    };
    let unlock = actions.callback(|a, ()| a.unlock());
    let import = actions.callback(Actions::import);
    let save = actions.callback(Actions::save);
    let switch = actions.callback(|a, (name, confirmed)| a.switch(name, confirmed));
    let locked = state.to_unlock(certs.get().as_ref()).cloned();
    let forget = {
        let (dispatcher, storage_error) = (state.dispatcher(), storage_error.clone());
        Callback::from(move |()| {
            certs.clear();
            workspace.dispatch(WorkspaceAction::Forget);
            match forget_stored() {
                Ok(count) => dispatcher.dispatch(ProfilesAction::Forgotten(count)),
                Err(e) => storage_error.set(Some(e)),
            }
        })
    };

    html! {
        <div class="page profiles">
            if let Some(error) = &*storage_error {
                <p class="banner warning" role="status">{ say.message(error) }</p>
            }
            <p class="banner intro">{ t.profiles_intro() }</p>
            { confirm_view(t, &state, &save, &switch, &forget) }
            <p id="profile-notice" class="status" role="status">{ notice_text(t, state.notice.as_ref()) }</p>
            if let Some(profile) = &locked {
                { unlock_card((t, say), &state, profile, &unlock) }
            }
            { save_card((t, say), &state, &save) }
            { list_card(t, &state, &switch) }
            { import_card((t, say), &state, &import) }
            <section class="card" aria-labelledby="forget-heading">
                <h2 id="forget-heading">{ t.forget_title() }</h2>
                <p class="hint">{ t.forget_hint() }</p>
                <button type="button" class="secondary" id="profiles-forget"
                    onclick={ask(&state, Confirm::Forget)}>{ t.forget_title() }</button>
            </section>
        </div>
    }
}

fn ask(state: &UseReducerHandle<ProfilesState>, confirm: Confirm) -> Callback<MouseEvent> {
    let dispatcher = state.dispatcher();
    Callback::from(move |_| dispatcher.dispatch(ProfilesAction::Ask(confirm.clone())))
}

/// The question being asked, with "Yes" doing what it is about.
fn confirm_view(
    t: &Texts,
    state: &UseReducerHandle<ProfilesState>,
    save: &Callback<bool>,
    switch: &Callback<(String, bool)>,
    forget: &Callback<()>,
) -> Html {
    let Some(confirm) = state.confirm.clone() else {
        return html! {};
    };
    let (question, name) = match &confirm {
        Confirm::Overwrite(name) => (t.confirm_overwrite(), Some(name.clone())),
        Confirm::Switch(name) => (t.confirm_switch(), Some(name.clone())),
        Confirm::Delete(name) => (t.confirm_delete(), Some(name.clone())),
        Confirm::Forget => (t.confirm_forget(), None),
    };
    let yes = {
        let (dispatcher, save, switch, forget) = (
            state.dispatcher(),
            save.clone(),
            switch.clone(),
            forget.clone(),
        );
        Callback::from(move |_: MouseEvent| match confirm.clone() {
            Confirm::Overwrite(_) => save.emit(true),
            Confirm::Switch(name) => switch.emit((name, true)),
            Confirm::Delete(name) => dispatcher.dispatch(ProfilesAction::Delete(name)),
            Confirm::Forget => forget.emit(()),
        })
    };
    let no = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(ProfilesAction::Dismiss))
    };
    html! {
        <div class="banner warning" id="profile-confirm" role="alert">
            <p>{ question }{ name.map(|n| format!(" ({n})")) }</p>
            <button type="button" id="profile-confirm-yes" onclick={yes}>{ t.confirm_yes() }</button>
            { " " }
            <button type="button" class="secondary" id="profile-confirm-no" onclick={no}>{ t.cancel() }</button>
        </div>
    }
}

fn notice_text(t: &Texts, notice: Option<&Notice>) -> String {
    match notice {
        None => String::new(),
        Some(Notice::Encrypting) => t.notice_encrypting().to_owned(),
        Some(Notice::Unlocking) => t.notice_unlocking().to_owned(),
        Some(Notice::Unlocked(name)) => format!("{}{name}", t.notice_unlocked()),
        Some(Notice::Saved(name)) => format!("{}{name}", t.notice_saved()),
        Some(Notice::Switched(name)) => {
            format!(
                "{}{name}. {}",
                t.notice_switched(),
                t.notice_switched_hint()
            )
        }
        Some(Notice::Deleted(name)) => format!("{}{name}", t.notice_deleted()),
        Some(Notice::Imported(names)) => format!("{}{}", t.notice_imported(), names.join(", ")),
        Some(Notice::Forgotten(count)) => format!("{}{count}", t.notice_forgotten()),
    }
}

fn save_error_text((t, say): (&Texts, Say), error: &SaveError) -> String {
    match error {
        SaveError::NoName => t.save_no_name().to_owned(),
        SaveError::NoSecret => t.save_no_secret().to_owned(),
        SaveError::NoCaKey => t.save_no_ca_key().to_owned(),
        SaveError::NoDeviceKey => t.save_no_device_key().to_owned(),
        SaveError::ShortPassphrase => t.save_short_passphrase().to_owned(),
        SaveError::PassphraseMismatch => t.save_passphrase_mismatch().to_owned(),
        SaveError::Encrypt(why) => format!("{}{}", t.save_encrypt_failed(), say.message(why)),
        SaveError::Full => t.save_full().to_owned(),
    }
}

fn unlock_problem_text((t, say): (&Texts, Say), problem: &UnlockProblem) -> String {
    match problem {
        UnlockProblem::NoPassphrase => t.unlock_no_passphrase().to_owned(),
        UnlockProblem::Locked(UnlockError::WrongPassphrase) => {
            t.unlock_wrong_passphrase().to_owned()
        }
        UnlockProblem::Locked(UnlockError::CaMismatch) => t.unlock_ca_mismatch().to_owned(),
        UnlockProblem::Locked(UnlockError::DeviceMismatch) => t.unlock_device_mismatch().to_owned(),
        UnlockProblem::Locked(UnlockError::Damaged(why)) => {
            format!("{}{}", t.unlock_unreadable(), say.message(why))
        }
        UnlockProblem::Failed(why) => format!("{}{}", t.unlock_failed(), say.message(why)),
    }
}

/// The offer to unlock the active profile's kept keys: a passphrase and a
/// button, in a form so that Enter unlocks too.
fn unlock_card(
    (t, say): (&Texts, Say),
    state: &UseReducerHandle<ProfilesState>,
    profile: &Profile,
    unlock: &Callback<()>,
) -> Html {
    let oninput = {
        let dispatcher = state.dispatcher();
        Callback::from(move |v: String| {
            dispatcher.dispatch(ProfilesAction::UnlockPassphrase(Secret(v)))
        })
    };
    let onsubmit = {
        let unlock = unlock.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            unlock.emit(());
        })
    };
    let form = &state.unlock;
    html! {
        <section class="card" id="profile-unlock-card" aria-labelledby="profile-unlock-heading">
            <h2 id="profile-unlock-heading">{ format!("{} ({})", t.unlock_title(), profile.name) }</h2>
            <p class="hint">{ t.unlock_hint() }</p>
            <form {onsubmit}>
                <TextField id="profile-unlock-passphrase" label={t.unlock_passphrase()}
                    value={form.passphrase.expose().to_owned()} input_type="password"
                    autocomplete="current-password" {oninput}
                    error={form.problem.as_ref().map(|p| unlock_problem_text((t, say), p))} />
                <div class="actions">
                    <button type="submit" id="profile-unlock"
                        disabled={form.pending.is_some()}>{ t.unlock_button() }</button>
                </div>
            </form>
        </section>
    }
}

fn import_error_text((t, say): (&Texts, Say), error: &ImportError) -> String {
    match error {
        ImportError::NotJson(why) => format!("{}{}", t.import_not_json(), say.message(why)),
        ImportError::NotProfiles => t.import_not_profiles().to_owned(),
        ImportError::Version(Some(v)) => format!("{}{v}", t.import_version()),
        ImportError::Version(None) => {
            format!("{}{}", t.import_version(), t.import_version_missing())
        }
        ImportError::Invalid(why) => format!("{}{}", t.import_invalid(), say.message(why)),
        ImportError::Empty => t.import_empty().to_owned(),
        ImportError::TooMany(found) => format!("{}{found}", t.import_too_many()),
        ImportError::StoreFull { held, adding } => {
            format!("{}{held}, {adding}", t.import_store_full())
        }
        ImportError::Unreadable(why) => format!("{}{}", t.import_unreadable(), say.message(why)),
        ImportError::PlainKey { profile, slot } => {
            let key = match slot {
                Some(KeySlot::Ca) => said::CA_KEY,
                Some(KeySlot::Device) => said::DEVICE_KEY,
                None => said::FORM_KEY,
            };
            say.message(
                &Message::new(said::PLAIN_KEY)
                    .with("profile", profile)
                    .with_message("key", Message::new(key)),
            )
        }
        ImportError::BadCertificate { profile, why } => say.message(
            &Message::new(said::BAD_CERTIFICATE)
                .with("profile", profile)
                .with_message("why", why.clone()),
        ),
        ImportError::Check(why) => {
            say.message(&Message::new(said::CHECK).with_message("why", why.clone()))
        }
    }
}

fn checkbox(
    id: &'static str,
    label: &'static str,
    checked: bool,
    state: &UseReducerHandle<ProfilesState>,
    make: fn(bool) -> ProfilesAction,
) -> Html {
    let dispatcher = state.dispatcher();
    let onchange = Callback::from(move |e: Event| {
        dispatcher.dispatch(make(
            e.target_unchecked_into::<HtmlInputElement>().checked(),
        ))
    });
    html! {
        <div class="field checkbox">
            <input type="checkbox" {id} {checked} {onchange} />
            <label for={id}>{ label }</label>
        </div>
    }
}

fn save_card(
    (t, say): (&Texts, Say),
    state: &UseReducerHandle<ProfilesState>,
    save: &Callback<bool>,
) -> Html {
    let form = &state.form;
    let text = |make: fn(String) -> ProfilesAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |v: String| dispatcher.dispatch(make(v)))
    };
    let secret = |make: fn(Secret) -> ProfilesAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |v: String| dispatcher.dispatch(make(Secret(v))))
    };
    let onclick = {
        let save = save.clone();
        Callback::from(move |_: MouseEvent| save.emit(false))
    };
    html! {
        <section class="card" aria-labelledby="profile-save-heading">
            <h2 id="profile-save-heading">{ t.profile_save_title() }</h2>
            <TextField id="profile-name" label={t.profile_name()} value={form.name.clone()}
                oninput={text(ProfilesAction::Name)} />
            { checkbox("profile-include-secret", t.profile_include_secret(), form.include_secret,
                state, ProfilesAction::IncludeSecret) }
            { checkbox("profile-include-ca-key", t.profile_include_ca_key(), form.include_ca_key,
                state, ProfilesAction::IncludeCaKey) }
            { checkbox("profile-include-device-key", t.profile_include_device_key(),
                form.include_device_key, state, ProfilesAction::IncludeDeviceKey) }
            if form.include_ca_key || form.include_device_key {
                <p class="hint">{ t.profile_keys_hint() }</p>
                <TextField id="profile-passphrase" label={t.profile_passphrase()}
                    value={form.passphrase.expose().to_owned()} input_type="password"
                    autocomplete="new-password" oninput={secret(ProfilesAction::Passphrase)} />
                <TextField id="profile-passphrase-again" label={t.profile_passphrase_again()}
                    value={form.passphrase_again.expose().to_owned()} input_type="password"
                    autocomplete="new-password" oninput={secret(ProfilesAction::PassphraseAgain)} />
            }
            <div class="actions">
                <button type="button" id="profile-save" {onclick}
                    disabled={state.pending.is_some()}>{ t.profile_save() }</button>
            </div>
            if let Some(error) = &state.save_error {
                <p class="field-error" id="profile-save-error" role="alert">{ save_error_text((t, say), error) }</p>
            }
        </section>
    }
}

fn json(profiles: &[Profile]) -> Rc<[u8]> {
    Rc::from(file_of(profiles).into_bytes())
}

fn list_card(
    t: &Texts,
    state: &UseReducerHandle<ProfilesState>,
    switch: &Callback<(String, bool)>,
) -> Html {
    let profiles = &state.store.profiles;
    html! {
        <section class="card wide" aria-labelledby="profiles-heading">
            <h2 id="profiles-heading">{ t.profiles_saved() }</h2>
            if profiles.is_empty() {
                <p class="hint" id="profiles-none">{ t.profiles_none() }</p>
            } else {
                <ul class="profiles-list" id="profile-list">
                    { for profiles.iter().enumerate().map(|(i, p)| row(t, state, switch, i, p)) }
                </ul>
                <p>{ t.profiles_export_all() }
                    <Download id="profiles-export-all" filename="iotda-kit-profiles.json"
                        mime="application/json" data={json(profiles)} />
                </p>
            }
        </section>
    }
}

fn row(
    t: &Texts,
    state: &UseReducerHandle<ProfilesState>,
    switch: &Callback<(String, bool)>,
    i: usize,
    p: &Profile,
) -> Html {
    let active = state.store.active.as_deref() == Some(p.name.as_str());
    let kept: Vec<&str> = [
        (p.secret.is_some(), t.profile_stored_secret()),
        (p.ca_key.is_some(), t.profile_stored_ca_key()),
        (p.device_key.is_some(), t.profile_stored_device_key()),
    ]
    .into_iter()
    .filter_map(|(kept, what)| kept.then_some(what))
    .collect();
    let kept = if kept.is_empty() {
        t.profile_stored_nothing().to_owned()
    } else {
        kept.join(", ")
    };
    let cert = |label: &'static str, cert: Option<&crate::store::certs::PublicCert>| {
        cert.map(|c| {
            html! {
                <><dt>{ label }</dt><dd class="mono">{ format!("{} SHA-256 {}", c.view.subject, c.view.sha256) }</dd></>
            }
        })
    };
    let on_use = {
        let (switch, name) = (switch.clone(), p.name.clone());
        Callback::from(move |_: MouseEvent| switch.emit((name.clone(), false)))
    };
    html! {
        <li class="profile" id={format!("profile-{i}")}>
            <h3>
                <span id={format!("profile-{i}-name")}>{ p.name.clone() }</span>
                if active { <span class="badge">{ t.profile_active() }</span> }
            </h3>
            <dl>
                <dt>{ t.device_id() }</dt><dd>{ p.connect.device_id.clone() }</dd>
                <dt>{ t.host() }</dt><dd>{ p.connect.host.clone() }</dd>
                { for cert(t.profile_ca(), p.issued.ca.as_ref()) }
                { for cert(t.profile_device_cert(), p.issued.device.as_ref()) }
                <dt>{ t.profile_stored() }</dt><dd id={format!("profile-{i}-kept")}>{ kept }</dd>
            </dl>
            <div class="actions">
                <button type="button" id={format!("profile-{i}-use")} onclick={on_use}>{ t.profile_use() }</button>
                <span>{ t.profile_export() }
                    <Download id={format!("profile-{i}-export")} filename={file_name(&p.name)}
                        mime="application/json" data={json(std::slice::from_ref(p))} />
                </span>
                // The device key has no input to go back to: it is offered
                // as the file, still encrypted.
                if let Some(key) = &p.device_key {
                    <Download id={format!("profile-{i}-device-key")} filename="deviceCert.key"
                        mime="application/x-pem-file" data={Rc::from(key.expose().as_bytes())} />
                }
                <button type="button" class="secondary" id={format!("profile-{i}-delete")}
                    onclick={ask(state, Confirm::Delete(p.name.clone()))}>{ t.remove() }</button>
            </div>
        </li>
    }
}

fn import_card(
    (t, say): (&Texts, Say),
    state: &UseReducerHandle<ProfilesState>,
    import: &Callback<Result<Vec<u8>, Message>>,
) -> Html {
    let onchange = {
        let import = import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|list| list.get(0)) {
                let import = import.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    import.emit(files::read(&file).await);
                });
            }
            // Choosing the same file again must fire another change.
            input.set_value("");
        })
    };
    html! {
        <section class="card" aria-labelledby="profile-import-heading">
            <h2 id="profile-import-heading">{ t.profile_import() }</h2>
            <p class="hint">{ t.profile_import_hint() }</p>
            <label class="file-button">
                { t.choose_file() }
                <input type="file" id="profile-import-file" accept=".json,application/json" {onchange} />
            </label>
            if let Some(error) = &state.import_error {
                <p class="field-error" id="profile-import-error" role="alert">{ import_error_text((t, say), error) }</p>
            }
        </section>
    }
}
