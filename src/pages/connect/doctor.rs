//! The Connection page's Doctor card: what a refused device sent, checked
//! by the core's doctor against the device id and secret on the page, the
//! answer shown as the user types.

use iotda_core::doctor::{self, Attempt};
use iotda_core::mqtt::ConnectReasonCode;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::app::{use_say, use_texts};
use crate::components::text_field::TextField;
use crate::web::clock;

/// What the card knows of the attempt: what the user pasted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttemptInput {
    /// The ClientId the device sent.
    pub client_id: String,
    /// The user name it sent.
    pub username: String,
    /// The password it sent (what the device sent, not the secret).
    pub password: String,
    /// Its CONNECT in hex; when given, it replaces the three above.
    pub connect_hex: String,
    /// When it tried (`YYYY-MM-DDTHH:MM:SSZ`); empty: now.
    pub at: String,
}

/// The doctor's answer, before it is put in words of the language shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The device id or secret on the page is missing.
    NeedTruth,
    /// Nothing of the attempt is given yet.
    NeedAttempt,
    /// What was typed cannot be read (the capture, the time, the truth);
    /// the field it is about and why.
    Unreadable {
        /// The id of the field.
        field: &'static str,
        /// Why, in English (shown through the message catalog).
        why: String,
    },
    /// The first broken rule, in English.
    Found(String),
    /// Every rule holds.
    FollowsTheRules,
}

/// The doctor's verdict on `input` for the device `device_id` with
/// `secret`, the attempt made at `now` (Unix seconds) unless the input
/// says when.
pub fn verdict(device_id: &str, secret: &str, input: &AttemptInput, now: i64) -> Verdict {
    if device_id.trim().is_empty() || secret.is_empty() {
        return Verdict::NeedTruth;
    }
    let attempt = if input.connect_hex.trim().is_empty() {
        if input.client_id.is_empty() && input.username.is_empty() && input.password.is_empty() {
            return Verdict::NeedAttempt;
        }
        let given = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        Attempt::new(
            input.client_id.as_str(),
            given(&input.username).as_deref(),
            given(&input.password).as_deref(),
        )
    } else {
        match doctor::connect_from_hex(&input.connect_hex) {
            Ok(connect) => Attempt::from_connect(&connect),
            Err(e) => return unreadable("doctor-hex", e),
        }
    };
    let at = if input.at.trim().is_empty() {
        now
    } else {
        match doctor::attempt_time(&input.at) {
            Ok(at) => at,
            Err(e) => return unreadable("doctor-at", e),
        }
    };
    match doctor::diagnose_secret(device_id.trim(), secret, None, &attempt, at) {
        Ok(Some(finding)) => Verdict::Found(finding.to_string()),
        Ok(None) => Verdict::FollowsTheRules,
        Err(e) => unreadable("device-id", e),
    }
}

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

/// The code an option of [`code_choices`] stands for.
fn code_of(value: &str) -> Option<ConnectReasonCode> {
    match value.split_once(':')? {
        ("v3", n) => ConnectReasonCode::from_v3(n.parse().ok()?),
        ("v5", n) => ConnectReasonCode::from_u8(n.parse().ok()?),
        _ => None,
    }
}

fn unreadable(field: &'static str, why: impl ToString) -> Verdict {
    Verdict::Unreadable {
        field,
        why: why.to_string(),
    }
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
    let verdict = verdict(
        &props.device_id,
        &props.secret,
        &input,
        clock::now_seconds(),
    );
    let error_at = |id: &str| match &verdict {
        Verdict::Unreadable { field, why } if *field == id => Some(say.text(why)),
        _ => None,
    };
    let answer = match &verdict {
        Verdict::NeedTruth => html! { <p class="hint">{ t.doctor_need_truth() }</p> },
        Verdict::NeedAttempt => html! { <p class="hint">{ t.doctor_need_attempt() }</p> },
        Verdict::Unreadable { .. } => html! {},
        Verdict::Found(finding) => html! {
            <p class="finding error">{ t.doctor_found() }{ say.text(finding) }</p>
        },
        Verdict::FollowsTheRules => html! { <p class="finding ok">{ t.doctor_ok() }</p> },
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
                oninput={set(|i, v| i.password = v)} />
            <TextField id="doctor-hex" label={t.doctor_connect_hex()} value={input.connect_hex.clone()}
                hint={t.doctor_connect_hex_hint()} error={error_at("doctor-hex")}
                oninput={set(|i, v| i.connect_hex = v)} />
            <TextField id="doctor-at" label={t.doctor_at()} value={input.at.clone()}
                hint={t.doctor_at_hint()} error={error_at("doctor-at").or(error_at("device-id"))}
                oninput={set(|i, v| i.at = v)} />
            <div class="field">
                <label for="doctor-code">{ t.doctor_code() }</label>
                <select id="doctor-code" onchange={on_code}>
                    <option value="" selected={chosen.is_empty()}>{ t.doctor_code_unknown() }</option>
                    { for code_choices().into_iter().map(|(value, c, label)| html! {
                        <option selected={*chosen == value} value={value.clone()}>
                            { format!("{label} {}", say.text(&c.to_string())) }
                        </option>
                    }) }
                </select>
            </div>
            <div id="doctor-answer" role="status" aria-live="polite">
                { answer }
                if let Some(c) = code_of(&chosen) {
                    <p class="hint" id="doctor-code-means">{ t.doctor_code_means() }{ say.text(doctor::explain_refusal(c)) }</p>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iotda_core::credentials::{Credentials, SignType, Timestamp};

    const DEVICE: &str = "5f2b9c_sensor01";
    const SECRET: &str = "s3cretS3cret";
    /// 2026-12-07T13:05:09Z.
    const NOW: i64 = 1_796_648_709;

    fn sent(hour: &str) -> AttemptInput {
        let ts: Timestamp = hour.parse().unwrap();
        let c = Credentials::compute(DEVICE, SECRET, SignType::CheckTimestamp, ts).unwrap();
        AttemptInput {
            client_id: c.client_id,
            username: c.username,
            password: c.password.expose().to_owned(),
            ..AttemptInput::default()
        }
    }

    #[test]
    fn nothing_is_judged_without_the_truth_and_an_attempt() {
        let input = sent("2026120713");
        assert_eq!(verdict("", SECRET, &input, NOW), Verdict::NeedTruth);
        assert_eq!(verdict(DEVICE, "", &input, NOW), Verdict::NeedTruth);
        let none = AttemptInput::default();
        assert_eq!(verdict(DEVICE, SECRET, &none, NOW), Verdict::NeedAttempt);
    }

    #[test]
    fn a_right_attempt_follows_the_rules_and_a_wrong_one_names_its_mistake() {
        assert_eq!(
            verdict(DEVICE, SECRET, &sent("2026120713"), NOW),
            Verdict::FollowsTheRules
        );
        // Signed with the local time of UTC+8: the ClientId's hour is 21.
        let Verdict::Found(finding) = verdict(DEVICE, SECRET, &sent("2026120721"), NOW) else {
            panic!("a local hour is a finding");
        };
        assert!(finding.contains("UTC"), "{finding}");
        let mut swapped = sent("2026120713");
        swapped.username = "sensor01".into();
        let Verdict::Found(finding) = verdict(DEVICE, SECRET, &swapped, NOW) else {
            panic!("a node id as user name is a finding");
        };
        assert!(finding.contains("node id"), "{finding}");
    }

    #[test]
    fn every_refusal_code_is_offered_in_both_forms_and_read_back() {
        let choices = code_choices();
        assert_eq!(choices.len(), 5 + 21);
        for (value, code, _) in &choices {
            assert_eq!(code_of(value), Some(*code), "{value}");
        }
        assert_eq!(code_of("v3:5"), Some(ConnectReasonCode::NotAuthorized));
        assert_eq!(code_of(""), None);
    }

    #[test]
    fn the_time_given_replaces_now() {
        let mut input = sent("2026120613");
        assert!(matches!(
            verdict(DEVICE, SECRET, &input, NOW),
            Verdict::Found(_)
        ));
        input.at = "2026-12-06T13:30:00Z".into();
        assert_eq!(
            verdict(DEVICE, SECRET, &input, NOW),
            Verdict::FollowsTheRules
        );
        input.at = "yesterday".into();
        assert!(matches!(
            verdict(DEVICE, SECRET, &input, NOW),
            Verdict::Unreadable {
                field: "doctor-at",
                ..
            }
        ));
    }

    #[test]
    fn a_capture_replaces_the_fields_and_a_bad_one_is_said_at_its_field() {
        let mut input = AttemptInput {
            connect_hex: "20 02 00 00".into(),
            ..sent("2026120713")
        };
        let Verdict::Unreadable { field, why } = verdict(DEVICE, SECRET, &input, NOW) else {
            panic!("a CONNACK is not a CONNECT");
        };
        assert_eq!(field, "doctor-hex");
        assert!(why.contains("CONNACK"), "{why}");
        // CONNECT 3.1.1 with ClientId "d", no user name: the ClientId is not
        // IoTDA's form.
        input.connect_hex = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 64".into();
        assert!(matches!(
            verdict(DEVICE, SECRET, &input, NOW),
            Verdict::Found(_)
        ));
    }
}
