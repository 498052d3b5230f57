//! A CONNACK refusal in IoTDA's terms: what the platform means by each
//! code, and what to check (Huawei's "Device Connection Authentication"
//! return codes for MQTT 3.1.1, with the 5.0 codes that carry the same
//! meaning).

use crate::mqtt::ConnectReasonCode;
use crate::text::Key;

/// What a CONNACK code means from IoTDA, and what to check; one clause.
pub fn explain_refusal(code: ConnectReasonCode) -> &'static str {
    refusal_key(code).english()
}

/// The key of [`explain_refusal`]'s clause, for a page that shows it in
/// another language.
pub fn refusal_key(code: ConnectReasonCode) -> Key {
    use crate::text::keys::refusal as k;
    use ConnectReasonCode as C;
    match code {
        C::Success => k::ACCEPTED,
        C::UnsupportedProtocolVersion => k::VERSION,
        C::ClientIdentifierNotValid => k::CLIENT_ID,
        C::ServerUnavailable | C::ServerBusy => k::UNAVAILABLE,
        C::BadUserNameOrPassword => k::BAD_LOGIN,
        C::NotAuthorized => k::NOT_AUTHORIZED,
        C::Banned | C::ConnectionRateExceeded | C::QuotaExceeded => k::LIMITED,
        C::UseAnotherServer | C::ServerMoved => k::OTHER_SERVER,
        _ => k::MALFORMED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_v3_code_has_its_own_meaning() {
        let meanings: Vec<&str> = (1..=5)
            .filter_map(ConnectReasonCode::from_v3)
            .map(explain_refusal)
            .collect();
        assert_eq!(meanings.len(), 5);
        for (i, m) in meanings.iter().enumerate() {
            assert!(!meanings[i + 1..].contains(m), "{m}");
        }
        assert!(meanings[1].contains("30-1200 s"));
    }
}
