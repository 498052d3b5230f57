//! Device CA certificates: upload the Certificates page's CA in one click,
//! show the verification code, and make the verification certificate with
//! the CA's key (the Certificates page's job, in the certificate worker)
//! and verify with it in one more.

use iotda_core::pki::DEFAULT_VERIFICATION_DAYS;
use iotda_core::text::Message;
use yew::prelude::*;

use super::products::ListProps;
use super::{use_get, Api, Said};
use crate::hooks::use_i18n::use_texts;
use crate::hooks::use_pki_worker::use_pki_worker;
use crate::hooks::use_workspace::use_workspace;
use crate::messages::joined;
use crate::messages::keys::platform as key;
use crate::store::certs::CertsMemory;
use crate::store::platform::Certificate;
use crate::worker::protocol::{Job, Outcome, Request, Response};

/// Posts the verification certificate `pem` for the CA `id`.
async fn verify(api: Api, id: String, pem: String) -> Result<(), Message> {
    let body = serde_json::json!({ "verify_content": pem }).to_string();
    let path = format!("certificates/{id}/action?action_id=verify");
    api.call("POST", &path, Some(body)).await.map(drop)
}

/// The device CAs card.
#[component]
pub fn Cas(props: &ListProps) -> Html {
    let t = use_texts();
    let workspace = use_workspace();
    let memory = use_context::<CertsMemory>().unwrap_or_default();
    let cas = use_get::<Vec<Certificate>>(
        &props.api,
        "certificates?limit=50".into(),
        Some("certificates"),
        props.tick,
    );
    let error = use_state(|| None::<Message>);
    // The CA the worker's verification certificate is for.
    let pending = use_mut_ref(|| None::<String>);
    let worker = {
        let (api, error, done, pending) = (
            props.api.clone(),
            error.clone(),
            props.on_changed.clone(),
            pending.clone(),
        );
        use_pki_worker(Callback::from(move |response: Response| {
            let id = pending.borrow_mut().take();
            match (response, id) {
                (Response::Done { result, .. }, Some(id)) => {
                    if let Outcome::Issued(issued) = *result {
                        let (api, error, done) = (api.clone(), error.clone(), done.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            let verified = verify(api, id, issued.cert_pem).await;
                            error.set(verified.err());
                            done.emit(());
                        });
                    }
                }
                (Response::Failed { errors, .. }, _) => {
                    let why = joined(errors.into_iter().map(|e| e.message));
                    error.set(why.map(|why| Message::new(key::WORKER).with_message("why", why)));
                }
                (_, id) => *pending.borrow_mut() = id,
            }
        }))
    };
    let upload = {
        let (api, error, done) = (props.api.clone(), error.clone(), props.on_changed.clone());
        let ca = workspace.certs.issued.ca.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(ca) = ca.clone() else {
                return error.set(Some(Message::new(key::NO_CA)));
            };
            let (api, error, done) = (api.clone(), error.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let body = serde_json::json!({ "content": ca.cert_pem }).to_string();
                let sent = api.call("POST", "certificates", Some(body)).await;
                error.set(sent.err());
                done.emit(());
            });
        })
    };
    let make_and_verify = |cert: &Certificate| {
        let (memory, worker, error, pending) = (
            memory.clone(),
            worker.clone(),
            error.clone(),
            pending.clone(),
        );
        let (id, code) = (cert.certificate_id.clone(), cert.verify_code.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(state) = memory.get().filter(|s| s.results.ca.is_some()) else {
                return error.set(Some(Message::new(key::NO_CA)));
            };
            let Ok(ca) = state.ca_pems() else {
                return error.set(Some(Message::new(key::NO_CA_KEY)));
            };
            *pending.borrow_mut() = Some(id.clone());
            let job = Job::Verification {
                ca,
                code: code.clone(),
                days: DEFAULT_VERIFICATION_DAYS,
            };
            if let Err(why) = worker.send(&Request { id: 1, job }) {
                error.set(Some(Message::new(key::WORKER).with("why", why)));
            }
        })
    };
    html! {
        <section class="card wide" id="platform-cas" aria-labelledby="platform-cas-heading">
            <h2 id="platform-cas-heading">{ t.platform_cas() }</h2>
            <p class="hint">{ t.platform_cas_hint() }</p>
            {
                match &*cas {
                    None => html! {},
                    Some(Err(e)) => html! { <Said id="platform-cas-error" message={e.clone()} /> },
                    Some(Ok(list)) if list.is_empty() => html! { <p class="hint">{ t.platform_none_yet() }</p> },
                    Some(Ok(list)) => html! {
                        <table class="platform-table" id="platform-ca-list">
                            <thead><tr><th>{ t.common_name() }</th><th>{ t.platform_status() }</th><th>{ t.verification_code() }</th><th></th></tr></thead>
                            <tbody>{ for list.iter().map(|c| ca_row(t, c, make_and_verify(c))) }</tbody>
                        </table>
                    },
                }
            }
            <button type="button" id="platform-ca-upload" onclick={upload}>{ t.platform_ca_upload() }</button>
            if let Some(e) = &*error {
                <Said id="platform-ca-error" message={e.clone()} />
            }
        </section>
    }
}

fn ca_row(t: &crate::i18n::Texts, c: &Certificate, on_verify: Callback<MouseEvent>) -> Html {
    let status = if c.status {
        t.platform_verified()
    } else {
        t.platform_not_verified()
    };
    html! {
        <tr key={c.certificate_id.clone()}>
            <td>{ c.cn_name.clone() }</td>
            <td class="platform-ca-status">{ status }</td>
            <td><code class="platform-ca-code">{ c.verify_code.clone() }</code></td>
            <td>
                if !c.status {
                    <button type="button" class="platform-ca-verify" onclick={on_verify}>{ t.platform_ca_verify() }</button>
                }
            </td>
        </tr>
    }
}
