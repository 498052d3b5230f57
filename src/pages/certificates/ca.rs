//! Steps 1 and 2: the device CA and its verification certificate.

use yew::prelude::*;

use super::{bytes, cert_summary, Certs};
use crate::components::download::Download;
use crate::state::certs::{CaMode, CertsAction, Step};
use crate::worker::protocol::Field;

const PEM: &str = "application/x-pem-file";

/// Step 1: create or import the device CA.
pub(super) fn ca_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let mode = state.form.ca_mode;
    let on_mode = |to: CaMode| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: Event| dispatcher.dispatch(CertsAction::Mode(to)))
    };
    html! {
        <section class="card wide" id="ca-card" aria-labelledby="ca-heading">
            <h2 id="ca-heading">{ "1. Device CA certificate" }</h2>
            <p class="hint">
                { "IoTDA trusts device certificates issued by a CA you upload in the console \
                   (Devices > Device CA Certificates). Make one here, or use yours." }
            </p>
            <div class="choice" role="radiogroup" aria-label="Where the CA comes from">
                <label>
                    <input type="radio" name="ca-mode" id="ca-mode-create"
                        checked={mode == CaMode::Create} onchange={on_mode(CaMode::Create)} />
                    { "Create a new CA" }
                </label>
                <label>
                    <input type="radio" name="ca-mode" id="ca-mode-import"
                        checked={mode == CaMode::Import} onchange={on_mode(CaMode::Import)} />
                    { "Use my CA certificate and key" }
                </label>
            </div>
            if mode == CaMode::Create {
                { certs.key_select(Field::CaKeyType, state.form.ca_key_type) }
                <fieldset class="subject">
                    <legend>{ "Subject" }</legend>
                    { certs.text(Field::CaC, "Country (C)", Some("Two letters, e.g. CN")) }
                    { certs.text(Field::CaSt, "State or province (ST)", None) }
                    { certs.text(Field::CaL, "Locality (L)", None) }
                    { certs.text(Field::CaO, "Organization (O)", None) }
                    { certs.text(Field::CaOu, "Organizational unit (OU)", None) }
                    { certs.text(Field::CaCn, "Common name (CN)", Some("Required, e.g. My Device CA")) }
                    { certs.text(Field::CaEmail, "Email (emailAddress)", None) }
                </fieldset>
                { certs.text(Field::CaDays, "Valid for (days)", None) }
                { certs.action(Step::Ca, "ca-create", "Create CA") }
            } else {
                { certs.pem(Field::CaCert, "CA certificate", "PEM or DER: paste it, choose the file or drop it here.") }
                { certs.pem(Field::CaKey, "CA private key", "Kept in this tab's memory only, never saved.") }
                { certs.secret(Field::CaPassphrase, "Key passphrase", Some("Only for an encrypted key (ENCRYPTED PRIVATE KEY).")) }
                { certs.action(Step::Ca, "ca-import", "Use this CA") }
            }
            <p class="note" id="ca-key-note">
                { "This page never saves the CA private key. Download rootCA.key and keep it safe: \
                   after a reload, choose \"Use my CA\" to sign more certificates with it." }
            </p>
            if let Some(ca) = &state.results.ca {
                <div class="result" id="ca-result">
                    { cert_summary("ca", &ca.issued.view, false) }
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
                    <p class="hint">{ "Upload rootCA.pem in the console; it then shows a verification code for step 2." }</p>
                </div>
            }
            { certs.openssl(Step::Ca) }
        </section>
    }
}

/// Step 2: the verification certificate that proves possession of the CA key.
pub(super) fn verification_card(certs: &Certs) -> Html {
    let state = &certs.state;
    html! {
        <section class="card wide" id="verification-card" aria-labelledby="verification-heading">
            <h2 id="verification-heading">{ "2. Verification certificate" }</h2>
            <p class="hint">
                { "After the upload, the console shows a verification code for the CA. A certificate \
                   whose CN is that code, signed by the CA key, proves the CA is yours." }
            </p>
            { certs.text(Field::Code, "Verification code", Some("Copy it from the console's CA list.")) }
            { certs.action(Step::Verification, "verification-create", "Make verification certificate") }
            if let Some(v) = &state.results.verification {
                <div class="result" id="verification-result">
                    { cert_summary("verification", &v.view, false) }
                    <div class="downloads">
                        <Download id="verification-download-cert" filename="verificationCert.pem"
                            mime={PEM} data={bytes(&v.cert_pem)} />
                        if let Some(key) = &v.key_pem {
                            <Download id="verification-download-key" filename="verificationCert.key"
                                mime={PEM} data={bytes(key.expose())} />
                        }
                    </div>
                    <p class="hint">{ "Upload verificationCert.pem in the console to verify the CA." }</p>
                </div>
            }
            { certs.openssl(Step::Verification) }
        </section>
    }
}
