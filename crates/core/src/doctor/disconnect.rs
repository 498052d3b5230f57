//! A DISCONNECT from the platform in IoTDA's terms: what a reason code
//! means for an IoTDA device, and what to do.
//!
//! Huawei documents no DISCONNECT reason codes. The meanings below apply
//! the MQTT 5 reason to the limits Huawei's "MQTT Usage Guide" documents
//! (one connection per directly connected device, at most 50 upstream
//! messages a second and 1 MB a message, no QoS 2, no retained messages)
//! and the keep-alive rule of "Device Connection Authentication"
//! (30-1200 s); `docs/doctor.md` lists them as our reading.

use crate::mqtt::DisconnectReasonCode;
use crate::text::Key;

/// What a DISCONNECT reason means for an IoTDA device, and what to do;
/// `None` for a reason with nothing to add to its MQTT meaning.
pub fn disconnect_key(reason: DisconnectReasonCode) -> Option<Key> {
    use crate::text::keys::disconnect as k;
    use DisconnectReasonCode as D;
    Some(match reason {
        D::SessionTakenOver => k::TAKEN_OVER,
        D::KeepAliveTimeout => k::KEEP_ALIVE,
        D::NotAuthorized | D::AdministrativeAction => k::NOT_AUTHORIZED,
        D::TopicNameInvalid | D::TopicFilterInvalid => k::TOPIC,
        D::PacketTooLarge => k::TOO_LARGE,
        D::MessageRateTooHigh | D::QuotaExceeded | D::ConnectionRateExceeded => k::RATE,
        D::QosNotSupported => k::QOS,
        D::RetainNotSupported => k::RETAIN,
        D::ServerBusy | D::ServerShuttingDown | D::UnspecifiedError => k::UNAVAILABLE,
        D::MalformedPacket | D::ProtocolError => k::MALFORMED,
        D::NormalDisconnection
        | D::DisconnectWithWillMessage
        | D::ImplementationSpecificError
        | D::UseAnotherServer
        | D::ServerMoved
        | D::ReceiveMaximumExceeded
        | D::TopicAliasInvalid
        | D::PayloadFormatInvalid
        | D::SharedSubscriptionsNotSupported
        | D::MaximumConnectTime
        | D::SubscriptionIdentifiersNotSupported
        | D::WildcardSubscriptionsNotSupported => return None,
    })
}

/// [`disconnect_key`]'s clause in English.
pub fn explain_disconnect(reason: DisconnectReasonCode) -> Option<&'static str> {
    disconnect_key(reason).map(|k| k.english())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_huawei_documents_are_named() {
        use DisconnectReasonCode as D;
        let says = |r| explain_disconnect(r).unwrap_or_default();
        assert!(says(D::SessionTakenOver).contains("one connection"));
        assert!(says(D::KeepAliveTimeout).contains("30-1200 s"));
        assert!(says(D::PacketTooLarge).contains("1 MB"));
        assert!(says(D::MessageRateTooHigh).contains("50"));
        assert!(says(D::QosNotSupported).contains("QoS 2"));
        assert!(says(D::RetainNotSupported).contains("retained"));
        assert_eq!(explain_disconnect(D::NormalDisconnection), None);
    }
}
