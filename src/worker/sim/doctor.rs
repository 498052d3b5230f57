//! The doctor's verdict on what a refused device sent, for the Connection
//! page's Doctor card. It runs in the simulator's worker
//! ([`crate::worker::sim::host`]): the core's doctor (its password
//! mistakes, hashes and time zones) then costs the page's first load
//! nothing. The device's secret and password cross to the worker in the
//! request and are kept nowhere; `Debug` elides them.

use crate::messages::Msg;
use iotda_core::text::{Message, Say};
use std::fmt;

use iotda_core::doctor::{self, Attempt};
use iotda_core::mqtt::ConnectReasonCode;
use serde::{Deserialize, Serialize};

/// What the Doctor card asks: the truth, the attempt, the code it got.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DoctorRequest {
    /// Echoed in the answer: the card shows only its latest request's.
    pub id: u32,
    /// The device id on the page.
    pub device_id: String,
    /// The secret on the page.
    pub secret: String,
    /// What the device sent.
    pub input: AttemptInput,
    /// The code it got back, as an option of the card's choice (`v3:5`,
    /// `v5:135`), or empty.
    pub code: String,
    /// Now, in Unix seconds.
    pub now: i64,
}

impl fmt::Debug for DoctorRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoctorRequest")
            .field("id", &self.id)
            .field("device_id", &self.device_id)
            .field("secret", &"[elided]")
            .field("input", &self.input)
            .field("code", &self.code)
            .finish()
    }
}

/// The doctor's answer to a [`DoctorRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoctorAnswer {
    /// The request's id.
    pub id: u32,
    /// The verdict on the attempt.
    pub verdict: Verdict,
    /// What the platform means by the code it got.
    pub means: Option<Msg>,
}

/// Answers `request`.
pub fn answer(request: &DoctorRequest) -> DoctorAnswer {
    DoctorAnswer {
        id: request.id,
        verdict: verdict(
            &request.device_id,
            &request.secret,
            &request.input,
            request.now,
        ),
        means: code_of(&request.code).map(|c| Msg(Message::new(doctor::refusal_key(c)))),
    }
}

/// The code an option of the card's choice stands for: `v3:N`, a 3.1.1
/// return code, or `v5:N`, an MQTT 5 reason code.
pub fn code_of(value: &str) -> Option<ConnectReasonCode> {
    match value.split_once(':')? {
        ("v3", n) => ConnectReasonCode::from_v3(n.parse().ok()?),
        ("v5", n) => ConnectReasonCode::from_u8(n.parse().ok()?),
        _ => None,
    }
}

/// What the card knows of the attempt: what the user pasted.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    /// The device id or secret on the page is missing.
    NeedTruth,
    /// Nothing of the attempt is given yet.
    NeedAttempt,
    /// What was typed cannot be read (the capture, the time, the truth);
    /// the field it is about and why.
    Unreadable {
        /// Which input.
        field: Input,
        /// Why.
        why: Msg,
    },
    /// The first broken rule.
    Found(Msg),
    /// Every rule holds.
    FollowsTheRules,
}

impl fmt::Debug for AttemptInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptInput")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &"[elided]")
            .field("connect_hex", &self.connect_hex)
            .field("at", &self.at)
            .finish()
    }
}

/// An input of the card that can be unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// The CONNECT capture in hex.
    Capture,
    /// The time of the attempt.
    Time,
    /// The device id or secret on the page.
    Truth,
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
            Err(e) => return unreadable(Input::Capture, e),
        }
    };
    let at = if input.at.trim().is_empty() {
        now
    } else {
        match doctor::attempt_time(&input.at) {
            Ok(at) => at,
            Err(e) => return unreadable(Input::Time, e),
        }
    };
    match doctor::diagnose_secret(device_id.trim(), secret, None, &attempt, at) {
        Ok(Some(finding)) => Verdict::Found(Msg(finding.message())),
        Ok(None) => Verdict::FollowsTheRules,
        Err(e) => unreadable(Input::Truth, e),
    }
}

fn unreadable(field: Input, why: impl Say) -> Verdict {
    Verdict::Unreadable {
        field,
        why: Msg(why.message()),
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
        assert!(finding.to_string().contains("UTC"), "{finding}");
        let mut swapped = sent("2026120713");
        swapped.username = "sensor01".into();
        let Verdict::Found(finding) = verdict(DEVICE, SECRET, &swapped, NOW) else {
            panic!("a node id as user name is a finding");
        };
        assert!(finding.to_string().contains("node id"), "{finding}");
    }

    #[test]
    fn the_answer_carries_the_codes_meaning_and_debug_elides_the_secrets() {
        let request = DoctorRequest {
            id: 7,
            device_id: DEVICE.into(),
            secret: SECRET.into(),
            input: sent("2026120713"),
            code: "v3:5".into(),
            now: NOW,
        };
        let answer = answer(&request);
        assert_eq!(answer.id, 7);
        assert_eq!(answer.verdict, Verdict::FollowsTheRules);
        assert!(answer.means.unwrap().to_string().contains("not authorized"));
        let password = request.input.password.clone();
        let debug = format!("{request:?}");
        assert!(
            !debug.contains(SECRET) && !debug.contains(&password),
            "{debug}"
        );
        assert!(debug.contains("[elided]"));
        assert_eq!(code_of("v5:135"), Some(ConnectReasonCode::NotAuthorized));
        assert_eq!(code_of("v3:9"), None);
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
                field: Input::Time,
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
        assert_eq!(field, Input::Capture);
        assert!(why.to_string().contains("CONNACK"), "{why}");
        // CONNECT 3.1.1 with ClientId "d", no user name: the ClientId is not
        // IoTDA's form.
        input.connect_hex = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 64".into();
        assert!(matches!(
            verdict(DEVICE, SECRET, &input, NOW),
            Verdict::Found(_)
        ));
    }
}
