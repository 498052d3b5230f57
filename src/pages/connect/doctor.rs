//! The Connection page's Doctor card: what a refused device sent, checked
//! by the core's doctor against the device id and secret on the page, the
//! answer shown as the user types. The check runs in the simulator's worker
//! ([`crate::worker::sim::doctor`]), started when the card is first used.

use crate::messages::Msg;
use std::cell::RefCell;
use std::rc::Rc;

use iotda_core::mqtt::ConnectReasonCode;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::text_field::TextField;
use crate::hooks::use_i18n::{use_say, use_texts};
use crate::web::clock;
use crate::worker::client::SimWorker;
use crate::worker::sim::doctor::{AttemptInput, DoctorAnswer, DoctorRequest, Input, Verdict};
use crate::worker::sim::{SimRequest, SimResponse};

/// The CONNACK codes a device can get, as the options of the card's
/// choice: value, code, and the number as the device shows it (MQTT
/// 3.1.1's return codes first, then MQTT 5's reason codes).
fn code_choices() -> Vec<(String, ConnectReasonCode, String)> {
    let refusals = || {
        ConnectReasonCode::ALL
            .iter()
            .copied()
            .filter(|c| *c != ConnectReasonCode::Success)
    };
    let v3 = refusals().filter_map(|c| {
        c.to_v3()
            .map(|n| (format!("v3:{n}"), c, format!("3.1.1: {n}")))
    });
    let v5 = refusals().map(|c| {
        let n = u8::from(c);
        (format!("v5:{n}"), c, format!("5.0: 0x{n:02X}"))
    });
    v3.chain(v5).collect()
}

/// Props of [`DoctorCard`].
#[derive(Properties, PartialEq)]
pub struct DoctorCardProps {
    /// The device id on the page.
    pub device_id: AttrValue,
    /// The secret on the page.
    pub secret: AttrValue,
}

/// The Doctor card.
#[component]
pub fn DoctorCard(props: &DoctorCardProps) -> Html {
    let t = use_texts();
    let say = use_say();
    let input = use_state(AttemptInput::default);
    let chosen = use_state(String::new);
    let answer = use_state(|| None::<DoctorAnswer>);
    let failed = use_state(|| None::<Msg>);
    let worker = use_mut_ref(|| None::<SimWorker>);
    let last = use_mut_ref(|| 0u32);
    {
        let (answer, failed, last) = (answer.clone(), failed.clone(), last.clone());
        let asked = (
            props.device_id.clone(),
            props.secret.clone(),
            (*input).clone(),
            (*chosen).clone(),
        );
        use_effect_with(asked, move |(device_id, secret, input, code)| {
            if *input == AttemptInput::default() && code.is_empty() {
                return;
            }
            let id = last.borrow().wrapping_add(1);
            *last.borrow_mut() = id;
            let request = DoctorRequest {
                id,
                device_id: device_id.to_string(),
                secret: secret.to_string(),
                input: input.clone(),
                code: code.clone(),
                now: clock::now_seconds(),
            };
            if let Err(e) = ask(&worker, &answer, &failed, &last, request) {
                failed.set(Some(e));
            }
        });
    }
    let set = |write: fn(&mut AttemptInput, String)| {
        let input = input.clone();
        Callback::from(move |v: String| {
            let mut next = (*input).clone();
            write(&mut next, v);
            input.set(next);
        })
    };
    let on_code = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    // Until the worker answers the latest request, the earlier answer stays.
    let verdict = answer.as_ref().map(|a| &a.verdict);
    let error_at = |at: Input| match verdict {
        Some(Verdict::Unreadable { field, why }) if *field == at => Some(say.say(why)),
        _ => None,
    };
    let typed = *input != AttemptInput::default();
    let shown = match verdict {
        _ if props.device_id.trim().is_empty() || props.secret.is_empty() => {
            html! { <p class="hint">{ t.doctor_need_truth() }</p> }
        }
        Some(Verdict::NeedAttempt) | None if !typed => {
            html! { <p class="hint">{ t.doctor_need_attempt() }</p> }
        }
        Some(Verdict::Found(finding)) => html! {
            <p class="finding error">{ t.doctor_found() }{ say.say(finding) }</p>
        },
        Some(Verdict::FollowsTheRules) => html! { <p class="finding ok">{ t.doctor_ok() }</p> },
        Some(Verdict::Unreadable {
            field: Input::Truth,
            why,
        }) => html! { <p class="error">{ say.say(why) }</p> },
        _ => html! {},
    };
    html! {
        <section class="card wide" aria-labelledby="doctor-heading">
            <h2 id="doctor-heading">{ t.doctor_heading() }</h2>
            <p class="hint">{ t.doctor_intro() }</p>
            <TextField id="doctor-client-id" label={t.doctor_client_id()} value={input.client_id.clone()}
                oninput={set(|i, v| i.client_id = v)} />
            <TextField id="doctor-username" label={t.doctor_username()} value={input.username.clone()}
                oninput={set(|i, v| i.username = v)} />
            <TextField id="doctor-password" label={t.doctor_password()} value={input.password.clone()}
                input_type="password" oninput={set(|i, v| i.password = v)} />
            <TextField id="doctor-hex" label={t.doctor_connect_hex()} value={input.connect_hex.clone()}
                hint={t.doctor_connect_hex_hint()} error={error_at(Input::Capture)}
                oninput={set(|i, v| i.connect_hex = v)} />
            <TextField id="doctor-at" label={t.doctor_at()} value={input.at.clone()}
                hint={t.doctor_at_hint()} error={error_at(Input::Time)}
                oninput={set(|i, v| i.at = v)} />
            <div class="field">
                <label for="doctor-code">{ t.doctor_code() }</label>
                <select id="doctor-code" onchange={on_code}>
                    <option value="" selected={chosen.is_empty()}>{ t.doctor_code_unknown() }</option>
                    { for code_choices().into_iter().map(|(value, c, label)| html! {
                        <option selected={*chosen == value} value={value.clone()}>
                            { format!("{label} {}", say.say(&c)) }
                        </option>
                    }) }
                </select>
            </div>
            <div id="doctor-answer" role="status" aria-live="polite">
                { shown }
                if let Some(means) = answer.as_ref().and_then(|a| a.means.as_ref()).filter(|_| !chosen.is_empty()) {
                    <p class="hint" id="doctor-code-means">{ t.doctor_code_means() }{ say.say(means) }</p>
                }
                if let Some(why) = &*failed {
                    <p class="error">{ say.say(why) }</p>
                }
            </div>
        </section>
    }
}

/// Sends `request` to the simulator's worker, started on the first
/// request; its answer to the latest request goes to `answer`.
pub(crate) fn ask(
    worker: &Rc<RefCell<Option<SimWorker>>>,
    answer: &UseStateHandle<Option<DoctorAnswer>>,
    failed: &UseStateHandle<Option<Msg>>,
    last: &Rc<RefCell<u32>>,
    request: DoctorRequest,
) -> Result<(), Msg> {
    if worker.borrow().is_none() {
        let (answer, failed, last) = (answer.clone(), failed.clone(), last.clone());
        let spawned = SimWorker::spawn(Callback::from(move |response| match response {
            SimResponse::Doctor(a) if a.id == *last.borrow() => {
                failed.set(None);
                answer.set(Some(*a));
            }
            SimResponse::Failed(why) => failed.set(Some(why)),
            _ => {}
        }))
        .map_err(Msg)?;
        *worker.borrow_mut() = Some(spawned);
    }
    match &*worker.borrow() {
        Some(w) => w.send(&SimRequest::Doctor(Box::new(request))).map_err(Msg),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::sim::doctor::code_of;

    #[test]
    fn every_refusal_code_is_offered_in_both_forms_and_read_back() {
        let choices = code_choices();
        assert_eq!(choices.len(), 5 + 21);
        for (value, code, _) in &choices {
            assert_eq!(code_of(value), Some(*code), "{value}");
        }
    }
}
