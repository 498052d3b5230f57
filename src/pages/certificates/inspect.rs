//! Step 4: inspect certificates, CSRs and keys people already have.

use yew::prelude::*;

use super::{cert_summary, Certs};
use crate::state::certs::{Step, Toggle};
use crate::worker::protocol::{Field, ItemView};

/// Step 4: what a PEM or DER file holds, checked against a CA and a key.
pub(super) fn inspect_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let colons = state.form.colons;
    html! {
        <section class="card wide" id="inspect-card" aria-labelledby="inspect-heading">
            <h2 id="inspect-heading">{ "4. Inspect certificates and keys" }</h2>
            { certs.pem(Field::InspectInput, "Certificates, CSRs or keys",
                "Paste PEM text (several blocks are fine), choose a .pem or .der file, or drop it here.") }
            <div class="checks">
                { certs.pem(Field::InspectCa, "Check against a CA certificate (optional)",
                    "Is each certificate signed by this CA?") }
                { certs.pem(Field::InspectKey, "Check against a private key (optional)",
                    "Does the key belong to the certificate? Not saved.") }
                { certs.secret(Field::InspectPassphrase, "Key passphrase", Some("Only for an encrypted key.")) }
            </div>
            { certs.action(Step::Inspect, "inspect-run", "Inspect") }
            { certs.checkbox("inspect-colons", Toggle::Colons, colons, "Show fingerprints with colons (AB:CD:…)") }
            if let Some(items) = &state.results.inspected {
                <div id="inspect-results" class="result">
                    if items.is_empty() {
                        <p>{ "Nothing to show." }</p>
                    }
                    { for items.iter().enumerate().map(|(i, item)| item_view(i, item, colons)) }
                </div>
            }
            { certs.openssl(Step::Inspect) }
        </section>
    }
}

fn yes_no(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "no"
    }
}

fn item_view(i: usize, item: &ItemView, colons: bool) -> Html {
    let id = format!("inspect-item-{i}");
    let (title, body) = match item {
        ItemView::Certificate {
            cert,
            signed_by_ca,
            key_matches,
        } => (
            "Certificate",
            html! {
                <>
                    { cert_summary(&id, cert, colons) }
                    if let Some(check) = signed_by_ca {
                        <p id={format!("{id}-signed-by")} class={if check.ok { "ok" } else { "field-error" }}>
                            { format!("Signed by the given CA: {}", yes_no(check.ok)) }
                            if !check.ok { { format!(" ({})", check.detail) } }
                        </p>
                    }
                    if let Some(matches) = key_matches {
                        <p id={format!("{id}-key-match")} class={if *matches { "ok" } else { "field-error" }}>
                            { format!("The given key matches: {}", yes_no(*matches)) }
                        </p>
                    }
                </>
            },
        ),
        ItemView::Csr {
            subject,
            key,
            signature_valid,
        } => (
            "Certificate signing request",
            html! {
                <dl>
                    <dt>{ "Subject" }</dt><dd id={format!("{id}-subject")}>{ subject.clone() }</dd>
                    <dt>{ "Key" }</dt><dd>{ key.clone() }</dd>
                    <dt>{ "Signature" }</dt>
                    <dd>{ if *signature_valid { "valid" } else { "INVALID: the CSR was altered" } }</dd>
                </dl>
            },
        ),
        ItemView::PrivateKey { key, format } => (
            "Private key",
            html! { <p>{ format!("{key}, {format}") }</p> },
        ),
        ItemView::EncryptedPrivateKey => (
            "Encrypted private key",
            html! { <p>{ "Encrypted PKCS#8: give its passphrase above to check it against a certificate." }</p> },
        ),
        ItemView::PublicKey { key } => ("Public key", html! { <p>{ key.clone() }</p> }),
        ItemView::Unreadable { label, error } => (
            "Unreadable block",
            html! { <p class="field-error">{ format!("{label}: {error}") }</p> },
        ),
    };
    html! {
        <article class="item" id={id.clone()}>
            <h3>{ format!("{}. {title}", i + 1) }</h3>
            { body }
        </article>
    }
}
