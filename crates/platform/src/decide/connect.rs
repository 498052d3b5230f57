//! CONNECT admission the IoTDA way.
//!
//! ```text
//! ClientId = {device_id}_0_{sign_type}_{YYYYMMDDHH}    Username = {device_id}
//! secret devices:      Password = hex HMAC-SHA256(key = YYYYMMDDHH, msg = secret)
//! certificate devices: no password; a client certificate issued by a
//!                      verified device CA, valid now, whose fingerprint is
//!                      the registered one (or is bound on first connection)
//! ```
//!
//! A refusal carries the CONNACK code the device is told (IoTDA's meanings
//! of the 3.1.1 return codes, and the MQTT 5 reason code each maps to) and
//! the exact reason, which only the log shows:
//!
//! | 3.1.1 | 5.0  | IoTDA's meaning                | here                                         |
//! |-------|------|--------------------------------|----------------------------------------------|
//! | 1     | 0x84 | unsupported protocol version   | protocol level not 3, 4 or 5                 |
//! | 2     | 0x85 | ClientId or keep alive invalid | malformed ClientId, keep alive not 30-1200 s |
//! | 3     | 0x88 | platform unavailable           | the registry failed                          |
//! | 4     | 0x86 | bad user name or password      | unknown device, wrong secret, stale hour     |
//! | 5     | 0x87 | not authorised                 | certificate refusals, will, secure access    |
//!
//! Pure: the registry's answers and the time (Unix seconds) are passed in.

use std::fmt;
use std::ops::RangeInclusive;

use iotda_core::credentials::{self, Credentials, SignType, Timestamp};
use iotda_core::mqtt::{self, ConnAck, Connect, ConnectReasonCode, ProtocolVersion, QoS};
use iotda_core::pki::{self, Certificate, FingerprintAlg};

use crate::directory::{CaRecord, DeviceAuth, DeviceRecord, Directory};

/// Keep alive IoTDA accepts, seconds (120 advised).
pub const KEEP_ALIVE_RANGE: RangeInclusive<u16> = 30..=1200;

/// How far, in whole UTC hours, a sign-type-1 ClientId's hour may be from
/// the platform's current hour. Huawei documents that the hour is checked
/// against the platform's clock but not how strictly; one hour either way
/// admits a device that computed its password at 10:59:59 and connects at
/// 11:00:01, and a device clock a few minutes off around the hour, while a
/// password captured two hours ago no longer works.
pub const TIMESTAMP_TOLERANCE_HOURS: i64 = 1;

/// Longest certificate chain walked from the device certificate to a
/// verified CA (intermediates the device sends included).
const MAX_CHAIN_DEPTH: usize = 4;

/// What the listener knows about a connection besides its CONNECT.
#[derive(Debug, Clone, Copy)]
pub struct ConnectRequest<'a> {
    /// The decoded CONNECT.
    pub connect: &'a Connect,
    /// Whether the connection is TLS (MQTTS or WSS).
    pub transport: Transport,
    /// The client certificate chain the TLS handshake received, DER, the
    /// device certificate first; empty without TLS or certificate.
    pub client_chain: &'a [Vec<u8>],
}

/// The kind of listener a connection came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// MQTT over TCP or over plain WebSocket.
    Plain,
    /// MQTT over TLS or over secure WebSocket.
    Tls,
}

/// The parts of a well-formed IoTDA ClientId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdParts {
    /// The device id before `_0_`.
    pub device_id: String,
    /// The sign type digit.
    pub sign_type: SignType,
    /// The `YYYYMMDDHH` hour the password was computed for.
    pub timestamp: Timestamp,
}

/// An admitted device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The device's id.
    pub device_id: String,
    /// The MQTT version it speaks.
    pub protocol: ProtocolVersion,
    /// For a certificate device registered without a fingerprint: the
    /// SHA-256 fingerprint (lowercase hex) to bind it to now.
    pub bind_fingerprint: Option<String>,
}

/// Why a CONNECT was refused: what the log says. The device only sees the
/// CONNACK code of the [`Refusal`] that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    /// The protocol name or level is not MQTT 3.1, 3.1.1 or 5.0.
    UnsupportedProtocol {
        /// What the codec said about it.
        detail: String,
    },
    /// The ClientId is not `{device_id}_0_{sign_type}_{YYYYMMDDHH}`.
    MalformedClientId {
        /// The ClientId received.
        client_id: String,
        /// Which part is wrong.
        why: String,
    },
    /// Keep alive outside [`KEEP_ALIVE_RANGE`].
    KeepAlive {
        /// The device's keep alive, seconds.
        keep_alive: u16,
    },
    /// A will message: IoTDA supports none.
    Will {
        /// The will's QoS.
        qos: QoS,
        /// Its retain flag.
        retain: bool,
    },
    /// The user name is not the ClientId's device id.
    UsernameNotDeviceId {
        /// The user name received, if any.
        username: Option<String>,
        /// The device id in the ClientId.
        device_id: String,
    },
    /// No device with this id is registered.
    UnknownDevice {
        /// The device id.
        device_id: String,
    },
    /// The registry could not be read.
    RegistryUnavailable {
        /// The registry's error.
        error: String,
    },
    /// A secret device sent no password.
    NoPassword {
        /// The device id.
        device_id: String,
    },
    /// The password matches neither the primary nor the secondary secret.
    WrongSecret {
        /// The device id.
        device_id: String,
    },
    /// Sign type 1 with an hour too far from the platform's clock.
    StaleTimestamp {
        /// The device id.
        device_id: String,
        /// The ClientId's hour.
        timestamp: Timestamp,
        /// The platform's current hour.
        now: Timestamp,
    },
    /// A `secure_access` device on a plain listener.
    SecureAccessRequired {
        /// The device id.
        device_id: String,
    },
    /// A certificate device sent a password.
    PasswordWithCertificate {
        /// The device id.
        device_id: String,
    },
    /// A certificate device presented no client certificate.
    NoClientCertificate {
        /// The device id.
        device_id: String,
        /// Whether the connection was TLS at all.
        transport: Transport,
    },
    /// The client certificate could not be parsed.
    BadClientCertificate {
        /// The device id.
        device_id: String,
        /// The parser's error.
        error: String,
    },
    /// The certificate chains to no verified device CA.
    UntrustedCertificate {
        /// The device id.
        device_id: String,
        /// The device certificate's issuer.
        issuer: String,
    },
    /// A certificate of the chain is not valid yet.
    CertificateNotYetValid {
        /// The device id.
        device_id: String,
        /// The certificate's subject.
        subject: String,
        /// Its notBefore, Unix seconds.
        not_before: i64,
    },
    /// A certificate of the chain has expired.
    CertificateExpired {
        /// The device id.
        device_id: String,
        /// The certificate's subject.
        subject: String,
        /// Its notAfter, Unix seconds.
        not_after: i64,
    },
    /// The certificate's fingerprint is neither registered one.
    FingerprintMismatch {
        /// The device id.
        device_id: String,
        /// The certificate's SHA-256 fingerprint.
        sha256: String,
    },
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedProtocol { detail } => write!(f, "unsupported protocol: {detail}"),
            Self::MalformedClientId { client_id, why } => write!(
                f,
                "malformed ClientId {client_id:?}: {why}; expected {{device_id}}_0_{{sign_type}}_{{YYYYMMDDHH}}"
            ),
            Self::KeepAlive { keep_alive } => write!(
                f,
                "keep alive {keep_alive} s is outside IoTDA's {}..={} s",
                KEEP_ALIVE_RANGE.start(),
                KEEP_ALIVE_RANGE.end()
            ),
            Self::Will { qos, retain } => write!(
                f,
                "will message (QoS {}, retain {retain}): IoTDA supports no will messages",
                *qos as u8
            ),
            Self::UsernameNotDeviceId {
                username,
                device_id,
            } => match username {
                Some(u) => write!(
                    f,
                    "user name {u:?} is not the ClientId's device id {device_id:?}"
                ),
                None => write!(
                    f,
                    "no user name; it must be the device id {device_id:?}"
                ),
            },
            Self::UnknownDevice { device_id } => {
                write!(f, "unknown device {device_id:?}: no device with this id is registered")
            }
            Self::RegistryUnavailable { error } => write!(f, "{error}"),
            Self::NoPassword { device_id } => write!(
                f,
                "device {device_id:?} authenticates with a secret but sent no password"
            ),
            Self::WrongSecret { device_id } => write!(
                f,
                "wrong secret for device {device_id:?}: the password matches neither the primary nor the secondary secret"
            ),
            Self::StaleTimestamp {
                device_id,
                timestamp,
                now,
            } => write!(
                f,
                "device {device_id:?} signed with hour {timestamp} (sign type 1) but the platform's hour is {now}; at most {TIMESTAMP_TOLERANCE_HOURS} hour apart is accepted"
            ),
            Self::SecureAccessRequired { device_id } => write!(
                f,
                "device {device_id:?} is registered with secure_access: connect over MQTTS or WSS"
            ),
            Self::PasswordWithCertificate { device_id } => write!(
                f,
                "device {device_id:?} authenticates with a certificate and must send no password"
            ),
            Self::NoClientCertificate {
                device_id,
                transport,
            } => match transport {
                Transport::Plain => write!(
                    f,
                    "device {device_id:?} authenticates with a certificate: connect over MQTTS with it"
                ),
                Transport::Tls => write!(
                    f,
                    "device {device_id:?} authenticates with a certificate but presented none"
                ),
            },
            Self::BadClientCertificate { device_id, error } => write!(
                f,
                "device {device_id:?} presented a certificate that cannot be read: {error}"
            ),
            Self::UntrustedCertificate { device_id, issuer } => write!(
                f,
                "certificate of device {device_id:?} (issuer {issuer}) is not issued by a verified device CA"
            ),
            Self::CertificateNotYetValid {
                device_id,
                subject,
                not_before,
            } => write!(
                f,
                "certificate {subject} of device {device_id:?} is not valid before {not_before} (Unix seconds)"
            ),
            Self::CertificateExpired {
                device_id,
                subject,
                not_after,
            } => write!(
                f,
                "certificate {subject} of device {device_id:?} expired at {not_after} (Unix seconds)"
            ),
            Self::FingerprintMismatch { device_id, sha256 } => write!(
                f,
                "certificate fingerprint {sha256} (SHA-256) of device {device_id:?} matches neither registered fingerprint"
            ),
        }
    }
}

/// A refused CONNECT: the CONNACK to send and the reason to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What went wrong.
    pub reason: RefusalReason,
    /// The 3.1.1 return code, 1-5.
    pub return_code: u8,
    /// The MQTT 5 reason code.
    pub reason_code: ConnectReasonCode,
}

impl Refusal {
    fn new(reason: RefusalReason) -> Self {
        use RefusalReason as R;
        let (return_code, reason_code) = match &reason {
            R::UnsupportedProtocol { .. } => (1, ConnectReasonCode::UnsupportedProtocolVersion),
            R::MalformedClientId { .. } | R::KeepAlive { .. } => {
                (2, ConnectReasonCode::ClientIdentifierNotValid)
            }
            R::RegistryUnavailable { .. } => (3, ConnectReasonCode::ServerUnavailable),
            R::UsernameNotDeviceId { .. }
            | R::UnknownDevice { .. }
            | R::NoPassword { .. }
            | R::WrongSecret { .. }
            | R::StaleTimestamp { .. }
            | R::PasswordWithCertificate { .. } => (4, ConnectReasonCode::BadUserNameOrPassword),
            // MQTT 5 has precise codes for these two; 3.1.1 only "not authorised".
            R::Will { retain: true, .. } => (5, ConnectReasonCode::RetainNotSupported),
            R::Will {
                qos: QoS::ExactlyOnce,
                ..
            } => (5, ConnectReasonCode::QosNotSupported),
            R::Will { .. }
            | R::SecureAccessRequired { .. }
            | R::NoClientCertificate { .. }
            | R::BadClientCertificate { .. }
            | R::UntrustedCertificate { .. }
            | R::CertificateNotYetValid { .. }
            | R::CertificateExpired { .. }
            | R::FingerprintMismatch { .. } => (5, ConnectReasonCode::NotAuthorized),
        };
        Self {
            reason,
            return_code,
            reason_code,
        }
    }

    /// The refusal when the registry cannot be asked at all.
    pub fn registry_unavailable(error: String) -> Self {
        Self::new(RefusalReason::RegistryUnavailable { error })
    }

    /// The CONNACK to send for a device speaking `version`, and the
    /// version to encode it in. An unsupported protocol is answered in
    /// 3.1.1 form, as [MQTT-3.1.2-2] asks.
    pub fn connack(&self, version: Option<ProtocolVersion>) -> (ConnAck, ProtocolVersion) {
        match version {
            Some(ProtocolVersion::V5) => (ConnAck::new(self.reason_code), ProtocolVersion::V5),
            Some(v) => (self.v3_connack(), v),
            None => (self.v3_connack(), ProtocolVersion::V3_1_1),
        }
    }

    fn v3_connack(&self) -> ConnAck {
        ConnAck::new(
            ConnectReasonCode::from_v3(self.return_code)
                .unwrap_or(ConnectReasonCode::NotAuthorized),
        )
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CONNACK {} (5.0: 0x{:02X}): {}",
            self.return_code,
            self.reason_code.code(),
            self.reason
        )
    }
}

/// The refusal for a CONNECT the codec could not decode because of its
/// protocol name or level; `None` for other decoding errors (those are
/// malformed packets: the connection is closed without a CONNACK).
pub fn refusal_for_decode_error(error: &mqtt::Error) -> Option<Refusal> {
    match error {
        mqtt::Error::UnsupportedProtocolLevel(_) | mqtt::Error::InvalidProtocolName(_) => {
            Some(Refusal::new(RefusalReason::UnsupportedProtocol {
                detail: error.to_string(),
            }))
        }
        _ => None,
    }
}

/// Splits an IoTDA ClientId `{device_id}_0_{sign_type}_{YYYYMMDDHH}`.
/// Device ids may contain `_`, so the fields are taken from the right.
pub fn parse_client_id(client_id: &str) -> Result<ClientIdParts, String> {
    credentials::check_client_id(client_id).map_err(|e| e.to_string())?;
    let mut fields = client_id.rsplitn(4, '_');
    let (Some(hour), Some(sign), Some(id_type), Some(device_id)) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err("it has fewer than four '_'-separated fields".to_string());
    };
    if id_type != "0" {
        return Err(format!(
            "the id type is {id_type:?}; IoTDA's is \"0\" (device id)"
        ));
    }
    let sign_type: SignType = sign
        .parse()
        .map_err(|e: credentials::Error| e.to_string())?;
    let timestamp = Timestamp::parse(hour).map_err(|e| format!("the hour {hour:?}: {e}"))?;
    credentials::check_device_id(device_id).map_err(|e| e.to_string())?;
    Ok(ClientIdParts {
        device_id: device_id.to_string(),
        sign_type,
        timestamp,
    })
}

/// Checks what needs no registry: the ClientId, keep alive, will and user
/// name. Returns the ClientId's parts.
pub fn identify(connect: &Connect) -> Result<ClientIdParts, Refusal> {
    let parts = parse_client_id(&connect.client_id).map_err(|why| {
        Refusal::new(RefusalReason::MalformedClientId {
            client_id: connect.client_id.clone(),
            why,
        })
    })?;
    if !KEEP_ALIVE_RANGE.contains(&connect.keep_alive) {
        return Err(Refusal::new(RefusalReason::KeepAlive {
            keep_alive: connect.keep_alive,
        }));
    }
    if let Some(will) = &connect.will {
        return Err(Refusal::new(RefusalReason::Will {
            qos: will.qos,
            retain: will.retain,
        }));
    }
    if connect.username.as_deref() != Some(parts.device_id.as_str()) {
        return Err(Refusal::new(RefusalReason::UsernameNotDeviceId {
            username: connect.username.clone(),
            device_id: parts.device_id.clone(),
        }));
    }
    Ok(parts)
}

/// Decides a CONNECT: [`identify`], then the device and (for certificate
/// devices) the verified CAs from `directory`, then [`authenticate`]. Only
/// reads the directory; binding a fingerprint is the caller's job
/// ([`Admitted::bind_fingerprint`]).
pub fn admit(
    request: &ConnectRequest<'_>,
    directory: &dyn Directory,
    now: i64,
) -> Result<Admitted, Refusal> {
    let unavailable = |e: crate::directory::DirectoryError| {
        Refusal::new(RefusalReason::RegistryUnavailable {
            error: e.to_string(),
        })
    };
    let parts = identify(request.connect)?;
    let device = directory
        .device(&parts.device_id)
        .map_err(unavailable)?
        .ok_or_else(|| {
            Refusal::new(RefusalReason::UnknownDevice {
                device_id: parts.device_id.clone(),
            })
        })?;
    let cas = match device.auth {
        DeviceAuth::Certificate { .. } => directory.verified_cas().map_err(unavailable)?,
        DeviceAuth::Secret { .. } => Vec::new(),
    };
    authenticate(request, &parts, &device, &cas, now)
}

/// Authenticates an identified device against its record: the secret or
/// the certificate, the sign-type-1 hour against `now` (Unix seconds), and
/// `secure_access`.
pub fn authenticate(
    request: &ConnectRequest<'_>,
    parts: &ClientIdParts,
    device: &DeviceRecord,
    verified_cas: &[CaRecord],
    now: i64,
) -> Result<Admitted, Refusal> {
    let device_id = &parts.device_id;
    if device.secure_access && request.transport == Transport::Plain {
        return Err(Refusal::new(RefusalReason::SecureAccessRequired {
            device_id: device_id.clone(),
        }));
    }
    let bind_fingerprint = match &device.auth {
        DeviceAuth::Secret { secret, secondary } => {
            let password = request.connect.password.as_deref().ok_or_else(|| {
                Refusal::new(RefusalReason::NoPassword {
                    device_id: device_id.clone(),
                })
            })?;
            let matches = |s: &crate::directory::DeviceSecret| {
                Credentials::compute(device_id, s.expose(), parts.sign_type, parts.timestamp)
                    .is_ok_and(|c| {
                        crate::signer::constant_time_eq(c.password.expose().as_bytes(), password)
                    })
            };
            if !(matches(secret) || secondary.as_ref().is_some_and(matches)) {
                return Err(Refusal::new(RefusalReason::WrongSecret {
                    device_id: device_id.clone(),
                }));
            }
            check_hour(parts, now)?;
            None
        }
        DeviceAuth::Certificate {
            fingerprint,
            secondary,
        } => {
            if request.connect.password.is_some() {
                return Err(Refusal::new(RefusalReason::PasswordWithCertificate {
                    device_id: device_id.clone(),
                }));
            }
            check_hour(parts, now)?;
            let leaf = check_chain(device_id, request, verified_cas, now)?;
            let sha256 =
                pki::fingerprint(leaf.der(), FingerprintAlg::Sha256, false).to_ascii_lowercase();
            let sha1 =
                pki::fingerprint(leaf.der(), FingerprintAlg::Sha1, false).to_ascii_lowercase();
            let registered: Vec<String> = [fingerprint, secondary]
                .into_iter()
                .flatten()
                .map(|f| normalise_fingerprint(f))
                .collect();
            if registered.is_empty() {
                Some(sha256)
            } else if registered.iter().any(|f| *f == sha256 || *f == sha1) {
                None
            } else {
                return Err(Refusal::new(RefusalReason::FingerprintMismatch {
                    device_id: device_id.clone(),
                    sha256,
                }));
            }
        }
    };
    Ok(Admitted {
        device_id: device_id.clone(),
        protocol: request.connect.protocol,
        bind_fingerprint,
    })
}

fn check_hour(parts: &ClientIdParts, now: i64) -> Result<(), Refusal> {
    if parts.sign_type != SignType::CheckTimestamp {
        return Ok(());
    }
    let current = Timestamp::from_unix_seconds(now).map_err(|e| {
        Refusal::new(RefusalReason::RegistryUnavailable {
            error: format!("the platform's clock is outside the supported years: {e}"),
        })
    })?;
    if parts.timestamp.hours_until(current).abs() > TIMESTAMP_TOLERANCE_HOURS {
        return Err(Refusal::new(RefusalReason::StaleTimestamp {
            device_id: parts.device_id.clone(),
            timestamp: parts.timestamp,
            now: current,
        }));
    }
    Ok(())
}

/// Parses the presented chain and walks it to a verified CA, checking each
/// signature and validity at `now`. Returns the device certificate.
fn check_chain(
    device_id: &str,
    request: &ConnectRequest<'_>,
    verified_cas: &[CaRecord],
    now: i64,
) -> Result<Certificate, Refusal> {
    let refuse = |reason| Err(Refusal::new(reason));
    let Some((leaf_der, intermediates_der)) = request.client_chain.split_first() else {
        return refuse(RefusalReason::NoClientCertificate {
            device_id: device_id.to_string(),
            transport: request.transport,
        });
    };
    let parse = |der: &[u8]| {
        Certificate::from_der(der).map_err(|e| {
            Refusal::new(RefusalReason::BadClientCertificate {
                device_id: device_id.to_string(),
                error: e.to_string(),
            })
        })
    };
    let leaf = parse(leaf_der)?;
    let intermediates = intermediates_der
        .iter()
        .map(|d| parse(d))
        .collect::<Result<Vec<_>, _>>()?;
    // Unverified or unreadable CAs never admit anyone.
    let anchors: Vec<Certificate> = verified_cas
        .iter()
        .filter(|ca| ca.verified)
        .filter_map(|ca| Certificate::from_der(&ca.der).ok())
        .collect();

    let mut path = vec![leaf.clone()];
    let mut current = leaf.clone();
    let anchor = loop {
        if let Some(anchor) = anchors
            .iter()
            .find(|ca| pki::verify_signed_by(&current, ca).is_ok())
        {
            break anchor.clone();
        }
        let next = intermediates
            .iter()
            .find(|i| i.is_ca() && pki::verify_signed_by(&current, i).is_ok());
        match next {
            Some(next) if path.len() < MAX_CHAIN_DEPTH => {
                path.push(next.clone());
                current = next.clone();
            }
            _ => {
                return refuse(RefusalReason::UntrustedCertificate {
                    device_id: device_id.to_string(),
                    issuer: leaf.issuer(),
                })
            }
        }
    };
    path.push(anchor);
    for cert in &path {
        if now < cert.not_before() {
            return refuse(RefusalReason::CertificateNotYetValid {
                device_id: device_id.to_string(),
                subject: cert.subject(),
                not_before: cert.not_before(),
            });
        }
        if now > cert.not_after() {
            return refuse(RefusalReason::CertificateExpired {
                device_id: device_id.to_string(),
                subject: cert.subject(),
                not_after: cert.not_after(),
            });
        }
    }
    Ok(leaf)
}

/// Lowercase hex without colons, as the directory keeps fingerprints.
fn normalise_fingerprint(f: &str) -> String {
    f.chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests;
