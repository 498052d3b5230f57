//! The Certificates page: the X.509 steps of IoTDA's onboarding guide
//! (device CA, verification certificate, device certificates), an
//! inspector for certificates people already have, and batches.
//!
//! Every PKI operation runs in the certificate worker (see
//! [`crate::worker`]); this module only renders [`CertsState`] and turns
//! button presses into worker jobs. Each card shows the OpenSSL commands
//! that do the same, built from its inputs.

mod batch;
mod ca;
mod device;
mod inspect;

use std::cell::Cell;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::pem_field::PemField;
use crate::components::text_field::TextField;
use crate::components::value_row::ValueRow;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_pki_worker::use_pki_worker;
use crate::hooks::use_workspace::use_workspace;
use crate::i18n::Texts;
use crate::messages::Say;
use crate::store::certs::{CertsAction, CertsMemory, CertsState, JobState, Step, Toggle};
use crate::store::WorkspaceAction;
use crate::worker::protocol::{CertView, Field, JobError, KeyChoice, Request};

/// What the cards share: the state, and starting or cancelling jobs.
struct Certs {
    state: UseReducerHandle<CertsState>,
    /// The texts of the language chosen.
    t: &'static Texts,
    /// How that language says messages.
    say: Say,
    /// Starts the job of a step.
    run: Callback<Step>,
    /// Stops the worker, cancelling every running job.
    cancel: Callback<()>,
}

/// The Certificates page.
#[component]
pub fn CertificatesPage() -> Html {
    let memory = use_context::<CertsMemory>().unwrap_or_default();
    let workspace = use_workspace();
    let state = {
        let (memory, saved) = (memory.clone(), workspace.certs.clone());
        use_reducer(move || {
            memory
                .get()
                .unwrap_or_else(|| CertsState::from_saved(saved.form, &saved.issued))
        })
    };
    // One effect for the form and the public parts: each effect's type
    // costs the page's wasm a kilobyte.
    use_effect_with(
        (state.saved(), state.issued_public()),
        move |(form, issued)| {
            workspace.dispatch(WorkspaceAction::CertsForm(Box::new(form.clone())));
            workspace.dispatch(WorkspaceAction::Issued(Box::new(issued.clone())));
        },
    );
    use_effect_with(state.clone(), move |state| memory.set(state));
    let worker = {
        let dispatcher = state.dispatcher();
        use_pki_worker(Callback::from(move |response| {
            dispatcher.dispatch(CertsAction::Worker(response))
        }))
    };
    let next_id = use_mut_ref(|| Cell::new(1u32));
    let run = {
        let state = state.clone();
        let worker = worker.clone();
        Callback::from(move |step: Step| match state.job(step) {
            Ok(_) if state.must_ask_before(step) => state.dispatch(CertsAction::AskReplace(true)),
            Ok(job) => {
                let id = next_id.borrow().get();
                next_id.borrow().set(id.wrapping_add(1).max(1));
                match worker.send(&Request { id, job }) {
                    Ok(()) => state.dispatch(CertsAction::Started(step, id)),
                    Err(e) => {
                        state.dispatch(CertsAction::Rejected(step, vec![JobError::general(e)]))
                    }
                }
            }
            Err(errors) => state.dispatch(CertsAction::Rejected(step, errors)),
        })
    };
    let cancel = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            worker.restart();
            dispatcher.dispatch(CertsAction::Cancelled);
        })
    };
    let t = use_texts();
    let say = use_say();
    let certs = Certs {
        state,
        t,
        say,
        run,
        cancel,
    };

    // The cards are functions, not components: each component costs the
    // page's wasm a few KB of Yew machinery.
    html! {
        <div class="page certificates">
            <p class="banner intro">{ t.certs_intro() }</p>
            { ca::ca_card(&certs) }
            { ca::verification_card(&certs) }
            { device::device_card(&certs) }
            { inspect::inspect_card(&certs) }
            { batch::batch_card(&certs) }
        </div>
    }
}

/// The files a PEM input offers to choose.
const PEM_FILES: &str = ".pem,.crt,.cer,.der,.key,.csr,.req,.txt";

/// The element id of a field's input.
fn field_id(field: Field) -> &'static str {
    match field {
        Field::CaKeyType => "ca-key-type",
        Field::CaC => "ca-c",
        Field::CaSt => "ca-st",
        Field::CaL => "ca-l",
        Field::CaO => "ca-o",
        Field::CaOu => "ca-ou",
        Field::CaCn => "ca-cn",
        Field::CaEmail => "ca-email",
        Field::CaDays => "ca-days",
        Field::CaCert => "ca-cert",
        Field::CaKey => "ca-key",
        Field::CaPassphrase => "ca-passphrase",
        Field::Code => "verification-code",
        Field::DeviceCn => "device-cn",
        Field::DeviceKeyType => "device-key-type",
        Field::DeviceDays => "device-days",
        Field::Csr => "csr-input",
        Field::P12Password => "p12-password",
        Field::KeyPassphrase => "key-passphrase",
        Field::InspectInput => "inspect-input",
        Field::InspectCa => "inspect-ca",
        Field::InspectKey => "inspect-key",
        Field::InspectPassphrase => "inspect-passphrase",
        Field::BatchIds => "batch-ids",
        Field::BatchKeyType => "batch-key-type",
        Field::BatchDays => "batch-days",
    }
}

impl Certs {
    fn edit(&self, field: Field) -> Callback<String> {
        let dispatcher = self.state.dispatcher();
        Callback::from(move |value| dispatcher.dispatch(CertsAction::Edit(field, value)))
    }

    fn text(&self, field: Field, label: &'static str, hint: Option<&'static str>) -> Html {
        self.input(field, label, hint, "text")
    }

    fn secret(&self, field: Field, label: &'static str, hint: Option<&'static str>) -> Html {
        self.input(field, label, hint, "password")
    }

    fn input(
        &self,
        field: Field,
        label: &'static str,
        hint: Option<&'static str>,
        input_type: &'static str,
    ) -> Html {
        html! {
            <TextField id={field_id(field)} {label} value={self.state.text(field).to_owned()}
                oninput={self.edit(field)} error={self.state.error(field).map(|e| self.say.message(&e))}
                hint={hint.map(AttrValue::Static)} {input_type}
                autocomplete={if input_type == "password" { "new-password" } else { "off" }} />
        }
    }

    fn pem(&self, field: Field, label: &'static str, hint: &'static str) -> Html {
        self.text_area(field, label, hint, "-----BEGIN ...-----", PEM_FILES)
    }

    /// A PEM input with the usual hint.
    fn pem_file(&self, field: Field, label: &'static str) -> Html {
        self.pem(field, label, self.t.pem_hint())
    }

    /// A text area that also takes a chosen or dropped file.
    fn text_area(
        &self,
        field: Field,
        label: &'static str,
        hint: &'static str,
        placeholder: &'static str,
        accept: &'static str,
    ) -> Html {
        let dispatcher = self.state.dispatcher();
        let onfile = Callback::from(move |(name, bytes)| {
            dispatcher.dispatch(CertsAction::File(field, name, bytes))
        });
        html! {
            <PemField id={field_id(field)} {label} hint={hint} value={self.state.text(field).to_owned()}
                file_name={self.state.files.get(&field).map(|f| AttrValue::from(f.name.clone()))}
                oninput={self.edit(field)} {onfile} error={self.state.error(field).map(|e| self.say.message(&e))}
                {placeholder} {accept} />
        }
    }

    fn key_select(&self, field: Field, current: KeyChoice) -> Html {
        let edit = self.edit(field);
        let onchange = Callback::from(move |e: Event| {
            edit.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        });
        let id = field_id(field);
        let error = self.state.error(field);
        html! {
            <div class={classes!("field", error.as_ref().map(|_| "invalid"))}>
                <label for={id}>{ self.t.key_type() }</label>
                <select {id} {onchange}>
                    { for KeyChoice::ALL.iter().map(|k| html! {
                        <option value={k.name()} selected={*k == current}>{ self.say.message(&k.label()) }</option>
                    }) }
                </select>
                if let Some(error) = error {
                    <p class="field-error" id={format!("{id}-error")} role="alert">{ self.say.message(&error) }</p>
                }
            </div>
        }
    }

    fn checkbox(
        &self,
        id: &'static str,
        toggle: Toggle,
        checked: bool,
        label: &'static str,
    ) -> Html {
        let dispatcher = self.state.dispatcher();
        let onchange = Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            dispatcher.dispatch(CertsAction::Check(toggle, on))
        });
        html! {
            <div class="field checkbox">
                <input type="checkbox" {id} {checked} {onchange} />
                <label for={id}>{ label }</label>
            </div>
        }
    }

    /// The step's button, and below it what its job is doing.
    fn action(&self, step: Step, id: &'static str, label: &'static str) -> Html {
        let run = self.run.clone();
        let running = self.state.running(step);
        let onclick = Callback::from(move |_: MouseEvent| run.emit(step));
        html! {
            <div class="actions">
                <button type="button" {id} {onclick} disabled={running}>{ label }</button>
                { self.status(step) }
            </div>
        }
    }

    fn status(&self, step: Step) -> Html {
        let status_id = format!("{}-status", step.id());
        match self.state.job_state(step) {
            None => html! { <span id={status_id} class="status" role="status"></span> },
            Some(JobState::Running { .. }) => {
                let cancel = self.cancel.clone();
                html! {
                    <>
                        <span id={status_id} class="status working" role="status">{ self.t.working() }</span>
                        <button type="button" class="secondary" id={format!("{}-cancel", step.id())}
                            onclick={Callback::from(move |_: MouseEvent| cancel.emit(()))}>
                            { self.t.cancel() }
                        </button>
                    </>
                }
            }
            Some(JobState::Cancelled) => html! {
                <span id={status_id} class="status" role="status">{ self.t.cancelled() }</span>
            },
            Some(JobState::Failed(message)) => html! {
                <p id={format!("{}-error", step.id())} class="field-error" role="alert">
                    { self.say.message(message) }
                </p>
            },
        }
    }

    fn openssl(&self, step: Step) -> Html {
        html! {
            <details class="openssl">
                <summary>{ self.t.openssl_equivalent() }</summary>
                <pre id={format!("{}-openssl", step.id())}><code>{ crate::store::openssl::commands(&self.state, step) }</code></pre>
            </details>
        }
    }
}

/// A certificate's main facts, with its fingerprints (ids `{id}-...`).
fn cert_summary(t: &Texts, id: &str, view: &CertView, colons: bool) -> Html {
    let fingerprint = |hex: &str| {
        if colons {
            crate::store::certs::with_colons(hex)
        } else {
            hex.to_owned()
        }
    };
    html! {
        <div class="cert-summary" id={format!("{id}-summary")}>
            <dl>
                <dt>{ t.subject() }</dt><dd id={format!("{id}-subject")}>{ view.subject.clone() }</dd>
                <dt>{ t.issuer() }</dt><dd>{ view.issuer.clone() }</dd>
                <dt>{ t.serial() }</dt><dd class="mono">{ view.serial.clone() }</dd>
                <dt>{ t.valid() }</dt>
                <dd>{ format!("{} {} {}", view.not_before, t.valid_to(), view.not_after) }{ validity_badges(t, view) }</dd>
                <dt>{ t.key() }</dt>
                <dd>
                    { view.key.clone() }
                    { if view.is_ca { t.is_ca() } else { t.not_ca() } }
                    { if view.self_signed { t.self_signed() } else { "" } }
                </dd>
            </dl>
            // Each certificate's copy buttons are named by its subject: the
            // page shows several certificates at once.
            <ValueRow id={format!("{id}-fingerprint-sha256")} label="SHA-256"
                what={format!("SHA-256 ({})", view.subject)}
                value={AttrValue::from(fingerprint(&view.sha256))} />
            <ValueRow id={format!("{id}-fingerprint-sha1")} label="SHA-1"
                what={format!("SHA-1 ({})", view.subject)}
                value={AttrValue::from(fingerprint(&view.sha1))} />
        </div>
    }
}

fn validity_badges(t: &Texts, view: &CertView) -> Html {
    html! {
        <>
            if view.expired { <span class="badge bad">{ t.expired() }</span> }
            if view.not_yet_valid { <span class="badge bad">{ t.not_yet_valid() }</span> }
            if view.expires_soon { <span class="badge warn">{ t.expires_soon() }</span> }
        </>
    }
}

/// The bytes of a text, for [`crate::components::download::Download`].
fn bytes(text: &str) -> Rc<[u8]> {
    Rc::from(text.as_bytes())
}
