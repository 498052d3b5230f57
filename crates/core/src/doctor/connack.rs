//! A CONNACK refusal in IoTDA's terms: what the platform means by each
//! code, and what to check (Huawei's "Device Connection Authentication"
//! return codes for MQTT 3.1.1, with the 5.0 codes that carry the same
//! meaning).

use crate::mqtt::ConnectReasonCode;

/// What a CONNACK code means from IoTDA, and what to check; one clause.
pub fn explain_refusal(code: ConnectReasonCode) -> &'static str {
    use ConnectReasonCode as C;
    match code {
        C::Success => "accepted",
        C::UnsupportedProtocolVersion => {
            "the MQTT version is not accepted: IoTDA takes 3.1, 3.1.1 and (on some editions) 5.0"
        }
        C::ClientIdentifierNotValid => {
            "the ClientId is malformed or the keep alive is outside 30-1200 s: check both"
        }
        C::ServerUnavailable | C::ServerBusy => {
            "the platform is unavailable or busy: try again later"
        }
        C::BadUserNameOrPassword => {
            "the user name or password is wrong: the ClientId, user name and password must come from this device's id and secret"
        }
        C::NotAuthorized => {
            "not authorized: the device is unknown, frozen, or its credentials do not match what is registered"
        }
        C::Banned | C::ConnectionRateExceeded | C::QuotaExceeded => {
            "the platform limits this device or account: slow down reconnects"
        }
        C::UseAnotherServer | C::ServerMoved => "the device must connect to another server",
        _ => "the broker refused the CONNECT itself (a malformed packet or an option it does not take)",
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
