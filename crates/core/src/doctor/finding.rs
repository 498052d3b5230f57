//! The broken rule the doctor found, said in one sentence with the fix.

use std::fmt;

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
    fn says(self, found: &str, expected: &str, field: &str) -> String {
        match self {
            Self::NodeId => {
                format!("the node id, not the device id: send {expected:?} as the {field}")
            }
            Self::ProductId => {
                format!("the product id, not the device id: send {expected:?} as the {field}")
            }
            Self::GivenIsNodeId => format!(
                "a device id whose node id is {expected:?}: if it is this device, give the doctor its full device id {found:?}"
            ),
            Self::Other => format!("not this device's id: send {expected:?} as the {field}"),
        }
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

impl fmt::Display for FingerprintSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CaCertificate => "the CA certificate",
            Self::OtherCertificateInFile => "another certificate in the certificate file",
            Self::PublicKey => "the certificate's public key",
            Self::PemText => "the PEM file's text",
        })
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

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClientIdTooLong(n) => write!(
                f,
                "The ClientId is {n} characters long and IoTDA allows {MAX_CLIENT_ID_LEN}: send {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}}."
            ),
            Self::ClientIdFields { client_id } => write!(
                f,
                "The ClientId {client_id:?} does not have IoTDA's four fields: send {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}}, for example mydevice_0_0_2025041401."
            ),
            Self::ClientIdTimestamp { found, error } => write!(
                f,
                "The ClientId's last field {found:?} is not the hour ({error}): end the ClientId with the current UTC hour as YYYYMMDDHH."
            ),
            Self::SignTypeDigit { found } => write!(
                f,
                "The ClientId's third field {found:?} is not a sign type: put 0 (password only) or 1 (the platform also checks the hour) there."
            ),
            Self::DeviceType { found } => write!(
                f,
                "The ClientId's second field is {found:?} but IoTDA only takes 0 (the id is a device id): put 0 there."
            ),
            Self::ClientIdDeviceId {
                found,
                expected,
                kind,
            } => write!(
                f,
                "The ClientId starts with {found:?}, which is {}.",
                kind.says(found, expected, "ClientId's first field")
            ),
            Self::MissingUsername => f.write_str(
                "The device sent no user name: IoTDA needs the device id as the MQTT user name.",
            ),
            Self::Username {
                found,
                expected,
                kind,
            } => write!(
                f,
                "The user name {found:?} is {}.",
                kind.says(found, expected, "user name")
            ),
            Self::SignTypeNotExpected { expected, found } => write!(
                f,
                "The ClientId carries sign type {found} but the device is set up for {expected}: put {expected} in the ClientId's third field."
            ),
            Self::KeepAlive(k) => write!(
                f,
                "The keep alive is {k} s and IoTDA accepts {}-{} s (it answers CONNACK 2): set it within that range, 120 s is advised.",
                KEEP_ALIVE_RANGE.start(),
                KEEP_ALIVE_RANGE.end()
            ),
            Self::TimestampNotCurrent { timestamp, now } => {
                let ahead = now.hours_until(*timestamp);
                let zone = match i8::try_from(ahead) {
                    Ok(h @ 1..=14) => format!(
                        " (the device's clock may be on local time UTC{h:+}, {})",
                        super::utc_offset_zone(h)
                    ),
                    Ok(h @ -12..=-1) => format!(
                        " (the hour may be an old one reused, or the device's clock on local time UTC{h:+}, {})",
                        super::utc_offset_zone(h)
                    ),
                    _ => String::new(),
                };
                write!(
                    f,
                    "With sign type 1 the platform checks the ClientId's hour {timestamp} against its clock, and the UTC hour of the attempt was {now}{zone}: sign with the current UTC hour, or use sign type 0."
                )
            }
            Self::MissingPassword => f.write_str(
                "The device sent no password: send the hex HMAC-SHA256 of the secret keyed by the ClientId's hour (or use a certificate).",
            ),
            Self::WrongPassword { mistakes } => match mistakes.as_slice() {
                [] => f.write_str(
                    "The password is not the HMAC-SHA256 of this secret for the ClientId's hour, and no known mistake reproduces it: the device most likely holds another secret; give it the device's secret from the console, or reset the secret there.",
                ),
                [one] => write!(f, "The password is {one}: {}.", one.fix()),
                several => {
                    write!(
                        f,
                        "The password is reproduced exactly by {} known mistakes, any of which the device may make: ",
                        several.len()
                    )?;
                    for (i, m) in several.iter().enumerate() {
                        let sep = if i == 0 { "" } else { "; or " };
                        write!(f, "{sep}{m} ({})", m.fix())?;
                    }
                    f.write_str(".")
                }
            },
            Self::CertNotYetValid { not_before, at } => write!(
                f,
                "The certificate is not valid until {} and the attempt was at {}: set the device's clock right, or issue a certificate whose validity starts earlier.",
                crate::pki::iso(*not_before),
                crate::pki::iso(*at)
            ),
            Self::CertExpired { not_after, at } => write!(
                f,
                "The certificate expired at {} and the attempt was at {}: issue the device a new certificate (or set its clock right if that time is wrong).",
                crate::pki::iso(*not_after),
                crate::pki::iso(*at)
            ),
            Self::NotIssuedByCa { issuer, ca_subject } => write!(
                f,
                "The certificate was issued by {issuer:?}, not by the CA given ({ca_subject:?}): issue it with the CA registered in the console, or register its issuer."
            ),
            Self::CaSignature { ca_subject } => write!(
                f,
                "The certificate names {ca_subject:?} as issuer but that CA's key did not sign it (another CA with the same name): issue it with the CA registered in the console."
            ),
            Self::KeyNotCertificates => f.write_str(
                "The private key is not the certificate's key, so the TLS handshake fails: give the device the key the certificate was issued for.",
            ),
            Self::FingerprintLength(n) => write!(
                f,
                "The registered fingerprint has {n} hex digits and IoTDA takes 64 (SHA-256) or 40 (SHA-1): register the device certificate's SHA-256 fingerprint."
            ),
            Self::FingerprintChar(c) => write!(
                f,
                "The registered fingerprint contains {c:?}: register 64 (SHA-256) or 40 (SHA-1) hex digits and nothing else."
            ),
            Self::FingerprintColons => f.write_str(
                "The registered fingerprint is the certificate's but written with colons: register it as hex digits only.",
            ),
            Self::FingerprintOf(source) => write!(
                f,
                "The registered fingerprint is the hash of {source}: register the device certificate's fingerprint (openssl x509 -noout -fingerprint -sha256, colons removed)."
            ),
            Self::FingerprintUnknown { sha256 } => write!(
                f,
                "The registered fingerprint is of none of the certificates given: register this certificate's SHA-256 fingerprint {sha256}, or give the device the certificate that was registered."
            ),
        }
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
