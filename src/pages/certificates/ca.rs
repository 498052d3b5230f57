//! Steps 1 and 2: the device CA and its verification certificate.

use yew::prelude::*;

use super::{bytes, cert_summary, Certs};
use crate::components::download::Download;
use crate::store::certs::{CaMode, CertsAction, Step};
use crate::worker::protocol::Field;

const PEM: &str = "application/x-pem-file";

/// The CA step asked for while a CA is held: replace it, or keep it.
fn replace_warning(certs: &Certs) -> Html {
    let t = certs.t;
    let run = certs.run.clone();
    let keep = certs.state.dispatcher();
    html! {
        <div class="note" id="ca-replace-warning" role="alert">
            <p>{ t.ca_replace_warning() }</p>
            <p class="actions">
                <button type="button" id="ca-replace-confirm"
                    onclick={Callback::from(move |_: MouseEvent| run.emit(Step::Ca))}>{ t.ca_replace_confirm() }</button>
                <button type="button" class="secondary" id="ca-replace-keep"
                    onclick={Callback::from(move |_: MouseEvent| keep.dispatch(CertsAction::AskReplace(false)))}>
                    { t.ca_replace_keep() }
                </button>
            </p>
        </div>
    }
}

/// Step 1: create or import the device CA.
pub(super) fn ca_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let t = certs.t;
    let mode = state.form.ca_mode;
    let on_mode = |to: CaMode| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: Event| dispatcher.dispatch(CertsAction::Mode(to)))
    };
    html! {
        <section class="card wide" id="ca-card" aria-labelledby="ca-heading">
            <h2 id="ca-heading">{ t.ca_title() }</h2>
            <p class="hint">{ t.ca_intro() }</p>
            <div class="choice" role="radiogroup" aria-label={t.ca_source()}>
                <label>
                    <input type="radio" name="ca-mode" id="ca-mode-create"
                        checked={mode == CaMode::Create} onchange={on_mode(CaMode::Create)} />
                    { t.ca_create_new() }
                </label>
                <label>
                    <input type="radio" name="ca-mode" id="ca-mode-import"
                        checked={mode == CaMode::Import} onchange={on_mode(CaMode::Import)} />
                    { t.ca_use_mine() }
                </label>
            </div>
            if mode == CaMode::Create {
                { certs.key_select(Field::CaKeyType, state.form.ca_key_type) }
                <fieldset class="subject">
                    <legend>{ t.subject() }</legend>
                    { certs.text(Field::CaC, t.country(), Some(t.country_hint())) }
                    { certs.text(Field::CaSt, t.state_province(), None) }
                    { certs.text(Field::CaL, t.locality(), None) }
                    { certs.text(Field::CaO, t.organization(), None) }
                    { certs.text(Field::CaOu, t.org_unit(), None) }
                    { certs.text(Field::CaCn, t.common_name(), Some(t.ca_cn_hint())) }
                    { certs.text(Field::CaEmail, t.email(), None) }
                </fieldset>
                { certs.text(Field::CaDays, t.valid_days(), None) }
                { certs.action(Step::Ca, "ca-create", t.ca_create()) }
            } else {
                { certs.pem_file(Field::CaCert, t.ca_cert()) }
                { certs.pem(Field::CaKey, t.ca_key(), t.ca_key_hint()) }
                { certs.secret(Field::CaPassphrase, t.key_passphrase(), Some(t.encrypted_key_hint())) }
                { certs.action(Step::Ca, "ca-import", t.ca_use()) }
            }
            if state.replace_asked {
                { replace_warning(certs) }
            }
            <p class="note" id="ca-key-note">{ t.ca_key_note() }</p>
            if let Some(ca) = &state.results.ca {
                <div class="result" id="ca-result">
                    { cert_summary(t, "ca", &ca.issued.view, false) }
                    <div class="downloads">
                        <Download id="ca-download-cert" filename="rootCA.pem" mime={PEM}
                            data={bytes(&ca.issued.cert_pem)} />
                        if ca.created {
                            if let Some(key) = &ca.issued.key_pem {
                                <Download id="ca-download-key" filename="rootCA.key" mime={PEM}
                                    data={bytes(key.expose())} />
                            }
                        }
                    </div>
                    <p class="hint">{ t.ca_upload_hint() }</p>
                </div>
            }
            { certs.openssl(Step::Ca) }
        </section>
    }
}

/// Step 2: the verification certificate that proves possession of the CA key.
pub(super) fn verification_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let t = certs.t;
    html! {
        <section class="card wide" id="verification-card" aria-labelledby="verification-heading">
            <h2 id="verification-heading">{ t.verification_title() }</h2>
            <p class="hint">{ t.verification_intro() }</p>
            { certs.text(Field::Code, t.verification_code(), Some(t.verification_code_hint())) }
            { certs.action(Step::Verification, "verification-create", t.verification_create()) }
            if let Some(v) = &state.results.verification {
                <div class="result" id="verification-result">
                    { cert_summary(t, "verification", &v.view, false) }
                    <div class="downloads">
                        <Download id="verification-download-cert" filename="verificationCert.pem"
                            mime={PEM} data={bytes(&v.cert_pem)} />
                        if let Some(key) = &v.key_pem {
                            <Download id="verification-download-key" filename="verificationCert.key"
                                mime={PEM} data={bytes(key.expose())} />
                        }
                    </div>
                    <p class="hint">{ t.verification_upload_hint() }</p>
                </div>
            }
            { certs.openssl(Step::Verification) }
        </section>
    }
}
