//! The broken rule the doctor found, said in one sentence with the fix.

use std::fmt;

use crate::text::{Key, Message, Say};

use super::{Mistake, KEEP_ALIVE_RANGE};
use crate::credentials::{SignType, Timestamp, TimestampError, MAX_CLIENT_ID_LEN};

/// How an id the device sent relates to the device id it should have sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdMistake {
    /// It is the node id: the device id ends with `_` and it.
    NodeId,
    /// It is the product id: the device id starts with it and `_`.
    ProductId,
    /// The other way round: it ends with `_` and the id given as the device
    /// id, so the id given is likely only the node id.
    GivenIsNodeId,
    /// Neither: another device's id, or a typo.
    Other,
}

impl IdMistake {
    /// How `found` relates to `device_id` (`{product_id}_{node_id}`).
    pub fn of(found: &str, device_id: &str) -> Self {
        let ends = device_id
            .strip_suffix(found)
            .is_some_and(|rest| rest.ends_with('_'));
        let starts = device_id
            .strip_prefix(found)
            .is_some_and(|rest| rest.starts_with('_'));
        let given_is_node = found
            .strip_suffix(device_id)
            .is_some_and(|rest| rest.ends_with('_'));
        match (found.is_empty(), ends, starts, given_is_node) {
            (false, true, _, _) => Self::NodeId,
            (false, _, true, _) => Self::ProductId,
            (false, _, _, true) => Self::GivenIsNodeId,
            _ => Self::Other,
        }
    }

    /// What the id sent is, then the fix, for the field `field`.
    fn says(self, found: &str, expected: &str, field: Key) -> Message {
        use crate::text::keys::doctor as k;
        let said = match self {
            Self::NodeId => Message::new(k::ID_IS_NODE_ID),
            Self::ProductId => Message::new(k::ID_IS_PRODUCT_ID),
            Self::GivenIsNodeId => {
                return Message::new(k::ID_GIVEN_IS_NODE_ID)
                    .with("expected", format_args!("{expected:?}"))
                    .with("found", format_args!("{found:?}"))
            }
            Self::Other => Message::new(k::ID_OTHER),
        };
        said.with("expected", format_args!("{expected:?}"))
            .with_message("field", Message::new(field))
    }
}

/// What a registered fingerprint was computed from, when it is not the
/// device certificate's DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintSource {
    /// The CA certificate.
    CaCertificate,
    /// Another certificate in the device's certificate file (a chain).
    OtherCertificateInFile,
    /// The certificate's public key (SubjectPublicKeyInfo), not the
    /// certificate.
    PublicKey,
    /// The bytes of the PEM file rather than the DER certificate.
    PemText,
}

impl Say for FingerprintSource {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        Message::new(match self {
            Self::CaCertificate => k::SOURCE_CA_CERTIFICATE,
            Self::OtherCertificateInFile => k::SOURCE_OTHER_CERTIFICATE,
            Self::PublicKey => k::SOURCE_PUBLIC_KEY,
            Self::PemText => k::SOURCE_PEM_TEXT,
        })
    }
}

impl fmt::Display for FingerprintSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// The first rule an attempt breaks. `Display` is one sentence: what is
/// wrong, then the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The ClientId is longer than IoTDA's 256 characters.
    ClientIdTooLong(usize),
    /// The ClientId does not have four `_`-separated fields.
    ClientIdFields {
        /// The ClientId sent.
        client_id: String,
    },
    /// The ClientId's last field is not a `YYYYMMDDHH` hour.
    ClientIdTimestamp {
        /// The field sent.
        found: String,
        /// Why it is not an hour.
        error: TimestampError,
    },
    /// The ClientId's third field is not the sign type 0 or 1.
    SignTypeDigit {
        /// The field sent.
        found: String,
    },
    /// The ClientId's second field is not `0` (the id type "device id").
    DeviceType {
        /// The field sent.
        found: String,
    },
    /// The ClientId starts with another id than the device id.
    ClientIdDeviceId {
        /// The id in the ClientId.
        found: String,
        /// The device id.
        expected: String,
        /// What the id sent is.
        kind: IdMistake,
    },
    /// No user name was sent.
    MissingUsername,
    /// The user name is not the device id.
    Username {
        /// The user name sent.
        found: String,
        /// The device id.
        expected: String,
        /// What the user name sent is.
        kind: IdMistake,
    },
    /// The ClientId's sign type is not the one the device is set up for.
    SignTypeNotExpected {
        /// The sign type the device is meant to use.
        expected: SignType,
        /// The sign type in the ClientId.
        found: SignType,
    },
    /// The keep alive is outside 30..=1200 s: IoTDA answers CONNACK 2.
    KeepAlive(u16),
    /// Sign type 1 and the ClientId's hour is not the UTC hour of the
    /// attempt: the platform compares them.
    TimestampNotCurrent {
        /// The hour in the ClientId.
        timestamp: Timestamp,
        /// The UTC hour of the attempt.
        now: Timestamp,
    },
    /// A device with a secret sent no password.
    MissingPassword,
    /// The password is not the HMAC of the secret; `mistakes` lists every
    /// known mistake that reproduces it exactly (empty: none does).
    WrongPassword {
        /// The mistakes that reproduce the password.
        mistakes: Vec<Mistake>,
    },
    /// The certificate's validity starts after the attempt.
    CertNotYetValid {
        /// Start of validity, Unix seconds.
        not_before: i64,
        /// The attempt, Unix seconds.
        at: i64,
    },
    /// The certificate's validity ended before the attempt.
    CertExpired {
        /// End of validity, Unix seconds.
        not_after: i64,
        /// The attempt, Unix seconds.
        at: i64,
    },
    /// The certificate names another issuer than the CA given.
    NotIssuedByCa {
        /// The certificate's issuer.
        issuer: String,
        /// The CA's subject.
        ca_subject: String,
    },
    /// The issuer name matches the CA but the CA's key did not sign it: a
    /// different CA with the same name.
    CaSignature {
        /// The CA's subject.
        ca_subject: String,
    },
    /// The private key is not the certificate's.
    KeyNotCertificates,
    /// The registered fingerprint is not 40 or 64 hex digits.
    FingerprintLength(usize),
    /// The registered fingerprint has a character that is not a hex digit.
    FingerprintChar(char),
    /// The registered fingerprint is the certificate's, with colons.
    FingerprintColons,
    /// The registered fingerprint is the hash of something else the user
    /// has at hand.
    FingerprintOf(FingerprintSource),
    /// The registered fingerprint is of no certificate given.
    FingerprintUnknown {
        /// The device certificate's SHA-256 fingerprint.
        sha256: String,
    },
}

impl Finding {
    /// A stable snake_case name of the rule, for scripts (`--json`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::ClientIdTooLong(_) => "client_id_too_long",
            Self::ClientIdFields { .. } => "client_id_fields",
            Self::ClientIdTimestamp { .. } => "client_id_timestamp",
            Self::SignTypeDigit { .. } => "sign_type_digit",
            Self::DeviceType { .. } => "device_type",
            Self::ClientIdDeviceId { .. } => "client_id_device_id",
            Self::MissingUsername => "missing_username",
            Self::Username { .. } => "username",
            Self::SignTypeNotExpected { .. } => "sign_type_not_expected",
            Self::KeepAlive(_) => "keep_alive",
            Self::TimestampNotCurrent { .. } => "timestamp_not_current",
            Self::MissingPassword => "missing_password",
            Self::WrongPassword { .. } => "wrong_password",
            Self::CertNotYetValid { .. } => "cert_not_yet_valid",
            Self::CertExpired { .. } => "cert_expired",
            Self::NotIssuedByCa { .. } => "not_issued_by_ca",
            Self::CaSignature { .. } => "ca_signature",
            Self::KeyNotCertificates => "key_not_certificates",
            Self::FingerprintLength(_) => "fingerprint_length",
            Self::FingerprintChar(_) => "fingerprint_char",
            Self::FingerprintColons => "fingerprint_colons",
            Self::FingerprintOf(_) => "fingerprint_of",
            Self::FingerprintUnknown { .. } => "fingerprint_unknown",
        }
    }
}

impl Say for Finding {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        match self {
            Self::ClientIdTooLong(n) => Message::new(k::CLIENT_ID_TOO_LONG)
                .with("n", n)
                .with("max", MAX_CLIENT_ID_LEN),
            Self::ClientIdFields { client_id } => {
                Message::new(k::CLIENT_ID_FIELDS).with("client_id", format_args!("{client_id:?}"))
            }
            Self::ClientIdTimestamp { found, error } => Message::new(k::CLIENT_ID_TIMESTAMP)
                .with("found", format_args!("{found:?}"))
                .with_message("error", error.message()),
            Self::SignTypeDigit { found } => {
                Message::new(k::SIGN_TYPE_DIGIT).with("found", format_args!("{found:?}"))
            }
            Self::DeviceType { found } => {
                Message::new(k::DEVICE_TYPE).with("found", format_args!("{found:?}"))
            }
            Self::ClientIdDeviceId {
                found,
                expected,
                kind,
            } => Message::new(k::CLIENT_ID_DEVICE_ID)
                .with("found", format_args!("{found:?}"))
                .with_message("what", kind.says(found, expected, k::FIELD_CLIENT_ID_FIRST)),
            Self::MissingUsername => Message::new(k::MISSING_USERNAME),
            Self::Username {
                found,
                expected,
                kind,
            } => Message::new(k::USERNAME)
                .with("found", format_args!("{found:?}"))
                .with_message("what", kind.says(found, expected, k::FIELD_USER_NAME)),
            Self::SignTypeNotExpected { expected, found } => {
                Message::new(k::SIGN_TYPE_NOT_EXPECTED)
                    .with("found", found)
                    .with("expected", expected)
            }
            Self::KeepAlive(keep_alive) => Message::new(k::KEEP_ALIVE)
                .with("keep_alive", keep_alive)
                .with("start", KEEP_ALIVE_RANGE.start())
                .with("end", KEEP_ALIVE_RANGE.end()),
            Self::TimestampNotCurrent { timestamp, now } => {
                let (key, offset) = match i8::try_from(now.hours_until(*timestamp)) {
                    Ok(h @ 1..=14) => (k::TIMESTAMP_AHEAD, Some(h)),
                    Ok(h @ -12..=-1) => (k::TIMESTAMP_BEHIND, Some(h)),
                    _ => (k::TIMESTAMP_NOT_CURRENT, None),
                };
                let said = Message::new(key)
                    .with("timestamp", timestamp)
                    .with("now", now);
                match offset {
                    Some(h) => said
                        .with("offset", format_args!("{h:+}"))
                        .with("zone", super::utc_offset_zone(h)),
                    None => said,
                }
            }
            Self::MissingPassword => Message::new(k::MISSING_PASSWORD),
            Self::WrongPassword { mistakes } => match mistakes.as_slice() {
                [] => Message::new(k::WRONG_PASSWORD),
                [one] => Message::new(k::PASSWORD_IS)
                    .with_message("mistake", one.message())
                    .with_message("fix", Message::new(one.fix_key())),
                [first, rest @ ..] => {
                    let item = |m: &Mistake| {
                        Message::new(k::MISTAKE_WITH_FIX)
                            .with_message("mistake", m.message())
                            .with_message("fix", Message::new(m.fix_key()))
                    };
                    let list = rest.iter().fold(item(first), |list, m| {
                        Message::new(k::MISTAKE_OR)
                            .with_message("list", list)
                            .with_message("item", item(m))
                    });
                    Message::new(k::PASSWORD_IS_ONE_OF)
                        .with("n", mistakes.len())
                        .with_message("list", list)
                }
            },
            Self::CertNotYetValid { not_before, at } => Message::new(k::CERT_NOT_YET_VALID)
                .with("not_before", crate::pki::iso(*not_before))
                .with("at", crate::pki::iso(*at)),
            Self::CertExpired { not_after, at } => Message::new(k::CERT_EXPIRED)
                .with("not_after", crate::pki::iso(*not_after))
                .with("at", crate::pki::iso(*at)),
            Self::NotIssuedByCa { issuer, ca_subject } => Message::new(k::NOT_ISSUED_BY_CA)
                .with("issuer", format_args!("{issuer:?}"))
                .with("ca_subject", format_args!("{ca_subject:?}")),
            Self::CaSignature { ca_subject } => {
                Message::new(k::CA_SIGNATURE).with("ca_subject", format_args!("{ca_subject:?}"))
            }
            Self::KeyNotCertificates => Message::new(k::KEY_NOT_CERTIFICATES),
            Self::FingerprintLength(n) => Message::new(k::FINGERPRINT_LENGTH).with("n", n),
            Self::FingerprintChar(c) => {
                Message::new(k::FINGERPRINT_CHAR).with("ch", format_args!("{c:?}"))
            }
            Self::FingerprintColons => Message::new(k::FINGERPRINT_COLONS),
            Self::FingerprintOf(source) => {
                Message::new(k::FINGERPRINT_OF).with_message("source", source.message())
            }
            Self::FingerprintUnknown { sha256 } => {
                Message::new(k::FINGERPRINT_UNKNOWN).with("sha256", sha256)
            }
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_mistakes() {
        assert_eq!(IdMistake::of("node1", "5f8d_node1"), IdMistake::NodeId);
        assert_eq!(IdMistake::of("5f8d", "5f8d_node1"), IdMistake::ProductId);
        assert_eq!(IdMistake::of("node_1", "5f8d_node_1"), IdMistake::NodeId);
        assert_eq!(IdMistake::of("ode1", "5f8d_node1"), IdMistake::Other);
        assert_eq!(IdMistake::of("", "5f8d_node1"), IdMistake::Other);
        assert_eq!(IdMistake::of("other", "5f8d_node1"), IdMistake::Other);
        assert_eq!(
            IdMistake::of("5f8d_node1", "node1"),
            IdMistake::GivenIsNodeId
        );
        let f = Finding::Username {
            found: "5f8d_node1".into(),
            expected: "node1".into(),
            kind: IdMistake::GivenIsNodeId,
        };
        assert_eq!(
            f.to_string(),
            "The user name \"5f8d_node1\" is a device id whose node id is \"node1\": if it is this device, give the doctor its full device id \"5f8d_node1\"."
        );
        let f = Finding::ClientIdDeviceId {
            found: "node1".into(),
            expected: "5f8d_node1".into(),
            kind: IdMistake::NodeId,
        };
        assert_eq!(
            f.to_string(),
            "The ClientId starts with \"node1\", which is the node id, not the device id: send \"5f8d_node1\" as the ClientId's first field."
        );
    }
}
