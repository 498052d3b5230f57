//! Step 4: inspect certificates, CSRs and keys people already have.

use yew::prelude::*;

use super::{cert_summary, Certs};
use crate::i18n::Texts;
use crate::messages::Say;
use crate::store::certs::{Step, Toggle};
use crate::worker::protocol::{Field, ItemView};

/// Step 4: what a PEM or DER file holds, checked against a CA and a key.
pub(super) fn inspect_card(certs: &Certs) -> Html {
    let state = &certs.state;
    let colons = state.form.colons;
    let t = certs.t;
    html! {
        <section class="card wide" id="inspect-card" aria-labelledby="inspect-heading">
            <h2 id="inspect-heading">{ t.inspect_title() }</h2>
            { certs.pem(Field::InspectInput, t.inspect_input(), t.inspect_hint()) }
            <div class="checks">
                { certs.pem(Field::InspectCa, t.inspect_ca(), t.inspect_ca_hint()) }
                { certs.pem(Field::InspectKey, t.inspect_key(), t.inspect_key_hint()) }
                { certs.secret(Field::InspectPassphrase, t.key_passphrase(), Some(t.inspect_passphrase_hint())) }
            </div>
            { certs.action(Step::Inspect, "inspect-run", t.inspect()) }
            { certs.checkbox("inspect-colons", Toggle::Colons, colons, t.colons()) }
            if let Some(items) = &state.results.inspected {
                <div id="inspect-results" class="result">
                    if items.is_empty() {
                        <p>{ t.nothing_to_show() }</p>
                    }
                    { for items.iter().enumerate().map(|(i, item)| item_view((t, certs.say), i, item, colons)) }
                </div>
            }
            { certs.openssl(Step::Inspect) }
        </section>
    }
}

fn yes_no(t: &Texts, ok: bool) -> &'static str {
    if ok {
        t.yes()
    } else {
        t.no()
    }
}

fn item_view((t, say): (&Texts, Say), i: usize, item: &ItemView, colons: bool) -> Html {
    let id = format!("inspect-item-{i}");
    let (title, body) = match item {
        ItemView::Certificate {
            cert,
            signed_by_ca,
            key_matches,
        } => (
            t.item_certificate(),
            html! {
                <>
                    { cert_summary(t, &id, cert, colons) }
                    if let Some(check) = signed_by_ca {
                        <p id={format!("{id}-signed-by")} class={if check.ok { "ok" } else { "field-error" }}>
                            { format!("{} {}", t.signed_by_ca(), yes_no(t, check.ok)) }
                            if let Some(detail) = &check.detail { { format!(" ({})", say.message(detail)) } }
                        </p>
                    }
                    if let Some(matches) = key_matches {
                        <p id={format!("{id}-key-match")} class={if *matches { "ok" } else { "field-error" }}>
                            { format!("{} {}", t.key_matches(), yes_no(t, *matches)) }
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
            t.item_csr(),
            html! {
                <dl>
                    <dt>{ t.subject() }</dt><dd id={format!("{id}-subject")}>{ subject.clone() }</dd>
                    <dt>{ t.key() }</dt><dd>{ key.clone() }</dd>
                    <dt>{ t.signature() }</dt>
                    <dd>{ if *signature_valid { t.signature_valid() } else { t.signature_invalid() } }</dd>
                </dl>
            },
        ),
        ItemView::PrivateKey { key, format } => (
            t.item_private_key(),
            html! { <p>{ format!("{key}, {format}") }</p> },
        ),
        ItemView::EncryptedPrivateKey => (
            t.item_encrypted_key(),
            html! { <p>{ t.item_encrypted_key_hint() }</p> },
        ),
        ItemView::PublicKey { key } => (t.item_public_key(), html! { <p>{ key.clone() }</p> }),
        ItemView::Unreadable { label, error } => (
            t.item_unreadable(),
            html! { <p class="field-error">{ format!("{label}: {}", say.message(error)) }</p> },
        ),
    };
    html! {
        <article class="item" id={id.clone()}>
            <h3>{ format!("{}. {title}", i + 1) }</h3>
            { body }
        </article>
    }
}
