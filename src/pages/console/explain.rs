//! Under the Console's status line: the doctor's sentence when the broker
//! refuses the connection, and the takeover loop when it keeps dropping it
//! right after accepting it ([`crate::store::dropped`]).
//!
//! A refusal is put to the core's doctor (in the simulator's worker, as
//! for the Connection page's Doctor card): what the Console sent (ClientId,
//! user name, password) against the Connection page's device id and
//! secret, and what the code means in IoTDA's terms. The takeover loop
//! stops the reconnecting: each reconnection would throw the other client
//! out again.

use yew::prelude::*;

use crate::hooks::use_i18n::{use_say, use_texts};
use crate::hooks::use_mqtt_client::use_mqtt_client;
use crate::hooks::use_workspace::use_workspace;
use crate::messages::Msg;
use crate::pages::connect::doctor::ask;
use crate::store::connect::AuthMode;
use crate::web::clock;
use crate::worker::client::SimWorker;
use crate::worker::sim::doctor::{AttemptInput, DoctorAnswer, DoctorRequest, Verdict};

/// The explanation of the last refusal or of the takeover loop.
#[component]
pub fn Explain() -> Html {
    let t = use_texts();
    let say = use_say();
    let workspace = use_workspace();
    let session = use_mqtt_client();
    let state = &session.state;
    let answer = use_state(|| None::<DoctorAnswer>);
    let failed = use_state(|| None::<Msg>);
    let worker = use_mut_ref(|| None::<SimWorker>);
    let last = use_mut_ref(|| 0u32);
    {
        let (answer, failed, last) = (answer.clone(), failed.clone(), last.clone());
        let refused = state.refused.clone();
        let form = state.form.clone();
        let connect = workspace.connect.clone();
        use_effect_with(refused.as_ref().map(|r| r.seq), move |_| {
            let Some(refused) = refused else {
                answer.set(None);
                return;
            };
            *last.borrow_mut() = refused.seq;
            let request = DoctorRequest {
                id: refused.seq,
                device_id: connect.form.device_id.clone(),
                secret: connect.secret().to_owned(),
                input: AttemptInput {
                    client_id: form.client_id.trim().to_owned(),
                    username: form.username.trim().to_owned(),
                    password: form.password.clone(),
                    ..AttemptInput::default()
                },
                code: refused.code_choice(),
                now: clock::now_seconds(),
            };
            if let Err(e) = ask(&worker, &answer, &failed, &last, request) {
                failed.set(Some(e));
            }
        });
    }
    {
        let session = session.clone();
        use_effect_with(state.takeover.is_some(), move |seen| {
            if *seen {
                session.disconnect();
            }
        });
    }
    let secret_mode = workspace.connect.form.auth == AuthMode::Secret;
    let answer = answer.as_ref().filter(|_| state.refused.is_some());
    let finding = answer.map(|a| match &a.verdict {
        Verdict::Found(f) => html! {
            <p class="finding error" id="console-doctor">{ t.doctor_found() }{ say.say(f) }</p>
        },
        Verdict::FollowsTheRules => html! {
            <p class="finding ok" id="console-doctor">{ t.doctor_ok() }</p>
        },
        Verdict::NeedTruth if secret_mode => html! {
            <p class="hint" id="console-doctor">{ t.console_doctor_need_truth() }</p>
        },
        Verdict::Unreadable { why, .. } => html! {
            <p class="hint" id="console-doctor">{ say.say(why) }</p>
        },
        Verdict::NeedTruth | Verdict::NeedAttempt => Html::default(),
    });
    let means = answer.and_then(|a| a.means.as_ref()).map(|m| {
        html! { <p class="hint" id="console-doctor-means">{ t.doctor_code_means() }{ say.say(m) }</p> }
    });
    html! {
        <div id="console-explain" aria-live="polite">
            if let Some(takeover) = &state.takeover {
                <p class="finding error" id="console-takeover">{ say.message(takeover) }</p>
            }
            { finding.unwrap_or_default() }
            { means.unwrap_or_default() }
            if let Some(why) = &*failed {
                <p class="error">{ say.say(why) }</p>
            }
        </div>
    }
}
