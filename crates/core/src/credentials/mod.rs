//! IoTDA MQTT credentials for a device that authenticates with a secret.
//!
//! ```text
//! ClientId = {device_id}_0_{sign_type}_{YYYYMMDDHH}     ("0": the id is a device id)
//! Username = {device_id}
//! Password = lowercase hex of HMAC-SHA256(key = "YYYYMMDDHH", message = secret)
//! ```
//!
//! The hour is UTC and comes from the caller ([`Timestamp::from_unix_seconds`]
//! or [`Timestamp::parse`]); this module never reads a clock. With sign type 1
//! the platform also compares the hour with its own clock; with 0 it checks
//! only the password.

mod timestamp;

use std::fmt;

use crate::text::{Message, Say};

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

pub use timestamp::{Timestamp, TimestampError};

/// Longest device id IoTDA accepts.
pub const MAX_DEVICE_ID_LEN: usize = 128;
/// Longest MQTT ClientId IoTDA accepts.
pub const MAX_CLIENT_ID_LEN: usize = 256;
/// Shortest device secret IoTDA issues or accepts at registration.
pub const MIN_SECRET_LEN: usize = 8;
/// Longest device secret IoTDA issues or accepts at registration.
pub const MAX_SECRET_LEN: usize = 32;

/// How the platform checks the password's timestamp (the third ClientId field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum SignType {
    /// `0`: the platform checks the password only, not the hour in it.
    #[default]
    NoTimestampCheck,
    /// `1`: the platform also checks that the hour matches its own clock.
    CheckTimestamp,
}

impl SignType {
    /// The digit used in the ClientId.
    pub fn digit(self) -> u8 {
        match self {
            Self::NoTimestampCheck => 0,
            Self::CheckTimestamp => 1,
        }
    }

    /// Both sign types, in digit order.
    pub const ALL: [SignType; 2] = [Self::NoTimestampCheck, Self::CheckTimestamp];
}

impl From<SignType> for u8 {
    fn from(s: SignType) -> u8 {
        s.digit()
    }
}

impl TryFrom<u8> for SignType {
    type Error = Error;
    fn try_from(v: u8) -> Result<Self, Error> {
        match v {
            0 => Ok(Self::NoTimestampCheck),
            1 => Ok(Self::CheckTimestamp),
            other => Err(Error::SignType(other.to_string())),
        }
    }
}

impl std::str::FromStr for SignType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "0" => Ok(Self::NoTimestampCheck),
            "1" => Ok(Self::CheckTimestamp),
            other => Err(Error::SignType(other.to_string())),
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.digit())
    }
}

/// The input field an [`Error`] or [`Warning`] is about, so a form can show
/// the message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The device id.
    DeviceId,
    /// The device secret.
    Secret,
    /// The sign type.
    SignType,
    /// The `YYYYMMDDHH` timestamp.
    Timestamp,
    /// A ClientId given verbatim.
    ClientId,
}

/// Why credentials could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The device id is empty: copy it from the console's device details.
    EmptyDeviceId,
    /// The device id has a character IoTDA never puts in one (often a space
    /// or a quote picked up while copying).
    DeviceIdChar {
        /// The offending character.
        ch: char,
        /// Its 1-based position in the device id.
        position: usize,
    },
    /// The device id is longer than IoTDA allows (128 characters).
    DeviceIdTooLong(usize),
    /// The secret is empty.
    EmptySecret,
    /// The sign type is not `0` or `1`.
    SignType(String),
    /// The timestamp is not a valid `YYYYMMDDHH` UTC hour.
    Timestamp(TimestampError),
    /// A ClientId given verbatim is empty.
    EmptyClientId,
    /// A ClientId is longer than IoTDA allows (256 characters).
    ClientIdTooLong(usize),
}

impl Error {
    /// The input this error is about.
    pub fn field(&self) -> Field {
        match self {
            Self::EmptyDeviceId | Self::DeviceIdChar { .. } | Self::DeviceIdTooLong(_) => {
                Field::DeviceId
            }
            Self::EmptySecret => Field::Secret,
            Self::SignType(_) => Field::SignType,
            Self::Timestamp(_) => Field::Timestamp,
            Self::EmptyClientId | Self::ClientIdTooLong(_) => Field::ClientId,
        }
    }
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::credentials as k;
        match self {
            Self::EmptyDeviceId => Message::new(k::EMPTY_DEVICE_ID),
            Self::DeviceIdChar { ch, position } => Message::new(k::DEVICE_ID_CHAR)
                .with("ch", format_args!("{ch:?}"))
                .with("position", position),
            Self::DeviceIdTooLong(n) => Message::new(k::DEVICE_ID_TOO_LONG)
                .with("n", n)
                .with("max", MAX_DEVICE_ID_LEN),
            Self::EmptySecret => Message::new(k::EMPTY_SECRET),
            Self::SignType(s) => Message::new(k::SIGN_TYPE).with("got", format_args!("{s:?}")),
            Self::Timestamp(e) => e.message(),
            Self::EmptyClientId => Message::new(k::EMPTY_CLIENT_ID),
            Self::ClientIdTooLong(n) => Message::new(k::CLIENT_ID_TOO_LONG)
                .with("n", n)
                .with("max", MAX_CLIENT_ID_LEN),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Timestamp(e) => Some(e),
            _ => None,
        }
    }
}

impl From<TimestampError> for Error {
    fn from(e: TimestampError) -> Self {
        Self::Timestamp(e)
    }
}

/// Something that does not stop the computation but will likely make the
/// platform refuse the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The secret is not 8-32 characters, so IoTDA cannot have issued it.
    SecretLength(usize),
    /// The secret has a character outside `[A-Za-z0-9_-]` (a trailing space
    /// or newline from copying is the usual cause).
    SecretChar {
        /// The offending character.
        ch: char,
        /// Its 1-based position.
        position: usize,
    },
    /// Sign type 1 with an hour that is not the current one: the platform
    /// compares it with its clock and may refuse the connection.
    TimestampNotCurrent {
        /// Hours from the timestamp to now (positive: the timestamp is older).
        hours_behind: i64,
    },
}

impl Warning {
    /// The input this warning is about.
    pub fn field(&self) -> Field {
        match self {
            Self::SecretLength(_) | Self::SecretChar { .. } => Field::Secret,
            Self::TimestampNotCurrent { .. } => Field::Timestamp,
        }
    }
}

impl Say for Warning {
    fn message(&self) -> Message {
        use crate::text::keys::credentials as k;
        match self {
            Self::SecretLength(n) => Message::new(k::SECRET_LENGTH)
                .with("n", n)
                .with("min", MIN_SECRET_LEN)
                .with("max", MAX_SECRET_LEN),
            Self::SecretChar { ch, position } => Message::new(k::SECRET_CHAR)
                .with("ch", format_args!("{ch:?}"))
                .with("position", position),
            Self::TimestampNotCurrent { hours_behind } if *hours_behind >= 0 => {
                Message::new(k::TIMESTAMP_BEHIND).with("n", hours_behind)
            }
            Self::TimestampNotCurrent { hours_behind } => {
                Message::new(k::TIMESTAMP_AHEAD).with("n", hours_behind.unsigned_abs())
            }
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// The derived password. `Debug` never shows it; read it with
/// [`Password::expose`] when it must be displayed or sent. It is
/// overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Drop for Password {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for Password {}

impl Password {
    /// The 64 lowercase hex digits.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

/// ClientId, Username and Password for one device and hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `{device_id}_0_{sign_type}_{YYYYMMDDHH}`.
    pub client_id: String,
    /// The device id.
    pub username: String,
    /// HMAC-SHA256 of the secret keyed by the timestamp, lowercase hex.
    pub password: Password,
    /// The hour the password is computed for.
    pub timestamp: Timestamp,
    /// The sign type in the ClientId.
    pub sign_type: SignType,
    /// Problems that do not stop the computation, in input order.
    pub warnings: Vec<Warning>,
}

impl Credentials {
    /// Computes the credentials, checking every input first.
    ///
    /// Errors name the first bad field in the order device id, secret; a
    /// secret that IoTDA could not have issued still computes (its password
    /// is what the platform would compute too) but carries a [`Warning`].
    pub fn compute(
        device_id: &str,
        secret: &str,
        sign_type: SignType,
        timestamp: Timestamp,
    ) -> Result<Self, Error> {
        check_device_id(device_id)?;
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        let client_id = client_id(device_id, sign_type, timestamp)?;
        Ok(Self {
            client_id,
            username: device_id.to_owned(),
            password: Password(password(secret, timestamp)),
            timestamp,
            sign_type,
            warnings: secret_warnings(secret),
        })
    }

    /// With sign type 1, a warning when `now` (the caller's current UTC hour)
    /// is not the credentials' hour; `None` otherwise.
    pub fn clock_warning(&self, now: Timestamp) -> Option<Warning> {
        clock_warning(self.sign_type, self.timestamp, now)
    }
}

/// With sign type 1, a warning when `now` (the current UTC hour) is not the
/// hour `timestamp` names; `None` otherwise. The platform compares the two
/// only with sign type 1.
pub fn clock_warning(sign_type: SignType, timestamp: Timestamp, now: Timestamp) -> Option<Warning> {
    let hours_behind = timestamp.hours_until(now);
    (sign_type == SignType::CheckTimestamp && hours_behind != 0)
        .then_some(Warning::TimestampNotCurrent { hours_behind })
}

/// The ClientId `{device_id}_0_{sign_type}_{YYYYMMDDHH}`, checked. A device
/// that authenticates with an X.509 certificate uses the same ClientId (and
/// its device id as user name) with no password.
pub fn client_id(
    device_id: &str,
    sign_type: SignType,
    timestamp: Timestamp,
) -> Result<String, Error> {
    check_device_id(device_id)?;
    let client_id = format!("{device_id}_0_{}_{timestamp}", sign_type.digit());
    check_client_id(&client_id)?;
    Ok(client_id)
}

/// Checks a device id against IoTDA's rule: 1-128 of `[A-Za-z0-9_-]`.
pub fn check_device_id(device_id: &str) -> Result<(), Error> {
    if device_id.is_empty() {
        return Err(Error::EmptyDeviceId);
    }
    if let Some((i, ch)) = device_id.chars().enumerate().find(|(_, c)| !is_id_char(*c)) {
        return Err(Error::DeviceIdChar {
            ch,
            position: i + 1,
        });
    }
    // Only ASCII remains, so bytes are characters.
    if device_id.len() > MAX_DEVICE_ID_LEN {
        return Err(Error::DeviceIdTooLong(device_id.len()));
    }
    Ok(())
}

/// Checks a ClientId's length against IoTDA's limit (1-256 characters).
///
/// A ClientId built by [`Credentials::compute`] from a valid device id is at
/// most 143 characters; this matters for ClientIds typed verbatim.
pub fn check_client_id(client_id: &str) -> Result<(), Error> {
    match client_id.chars().count() {
        0 => Err(Error::EmptyClientId),
        n if n > MAX_CLIENT_ID_LEN => Err(Error::ClientIdTooLong(n)),
        _ => Ok(()),
    }
}

/// Lowercase hex HMAC-SHA256 with the timestamp's ten digits as the key and
/// the secret as the message.
pub(crate) fn password(secret: &str, timestamp: Timestamp) -> String {
    let key = timestamp.to_string();
    to_lower_hex(&mac::<hmac::Hmac<sha2::Sha256>>(
        key.as_bytes(),
        secret.as_bytes(),
    ))
}

/// The MAC `M` (an HMAC over some hash) of `message` under `key`. The
/// password uses HMAC-SHA256; the connection doctor recomputes the others
/// that devices use by mistake.
pub(crate) fn mac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <M as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

pub(crate) fn to_lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn secret_warnings(secret: &str) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let len = secret.chars().count();
    if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&len) {
        warnings.push(Warning::SecretLength(len));
    }
    if let Some((i, ch)) = secret.chars().enumerate().find(|(_, c)| !is_id_char(*c)) {
        warnings.push(Warning::SecretChar {
            ch,
            position: i + 1,
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn huawei_published_vector() {
        let c = Credentials::compute(
            "5f8d_node1",
            "12345678",
            SignType::NoTimestampCheck,
            ts("2025041401"),
        )
        .unwrap();
        assert_eq!(
            c.password.expose(),
            "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"
        );
        assert_eq!(c.client_id, "5f8d_node1_0_0_2025041401");
        assert_eq!(c.username, "5f8d_node1");
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn sign_type_one_client_id() {
        let c = Credentials::compute(
            "prod_dev-1",
            "12345678",
            SignType::CheckTimestamp,
            ts("2025041401"),
        )
        .unwrap();
        assert_eq!(c.client_id, "prod_dev-1_0_1_2025041401");
        // The password does not depend on the sign type.
        assert_eq!(
            c.password.expose(),
            "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"
        );
    }

    #[test]
    fn password_depends_on_hour_and_secret() {
        let a = password("12345678", ts("2025041401"));
        assert_ne!(a, password("12345678", ts("2025041402")));
        assert_ne!(a, password("12345679", ts("2025041401")));
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn every_error_case() {
        let t = ts("2025041401");
        let s0 = SignType::NoTimestampCheck;
        let cases: Vec<(&str, &str, Error, Field)> = vec![
            ("", "12345678", Error::EmptyDeviceId, Field::DeviceId),
            (
                "dev 1",
                "12345678",
                Error::DeviceIdChar {
                    ch: ' ',
                    position: 4,
                },
                Field::DeviceId,
            ),
            (
                "dév",
                "12345678",
                Error::DeviceIdChar {
                    ch: 'é',
                    position: 2,
                },
                Field::DeviceId,
            ),
            ("dev1", "", Error::EmptySecret, Field::Secret),
            ("", "", Error::EmptyDeviceId, Field::DeviceId),
        ];
        for (id, secret, want, field) in cases {
            let got = Credentials::compute(id, secret, s0, t).unwrap_err();
            assert_eq!(got, want, "{id:?} {secret:?}");
            assert_eq!(got.field(), field);
        }
        let long = "a".repeat(129);
        assert_eq!(
            Credentials::compute(&long, "12345678", s0, t),
            Err(Error::DeviceIdTooLong(129))
        );
        let max = "a".repeat(128);
        let c = Credentials::compute(&max, "12345678", s0, t).unwrap();
        assert_eq!(c.client_id.len(), 143);
    }

    #[test]
    fn client_id_limits() {
        assert_eq!(check_client_id(""), Err(Error::EmptyClientId));
        assert_eq!(check_client_id(&"c".repeat(256)), Ok(()));
        let err = check_client_id(&"c".repeat(257)).unwrap_err();
        assert_eq!(err, Error::ClientIdTooLong(257));
        assert_eq!(err.field(), Field::ClientId);
        assert_eq!(
            err.to_string(),
            "client id is 257 characters long; IoTDA allows at most 256"
        );
    }

    #[test]
    fn sign_type_parsing() {
        assert_eq!("0".parse(), Ok(SignType::NoTimestampCheck));
        assert_eq!("1".parse(), Ok(SignType::CheckTimestamp));
        let err = "2".parse::<SignType>().unwrap_err();
        assert_eq!(err, Error::SignType("2".into()));
        assert_eq!(err.field(), Field::SignType);
        assert_eq!(SignType::try_from(7u8), Err(Error::SignType("7".into())));
        assert_eq!(serde_json_sign(SignType::CheckTimestamp), "1");
    }

    fn serde_json_sign(s: SignType) -> String {
        serde_json::to_string(&s).unwrap()
    }

    #[test]
    fn timestamp_errors_map_to_their_field() {
        let e: Error = Timestamp::parse("2025130101").unwrap_err().into();
        assert_eq!(e.field(), Field::Timestamp);
        assert_eq!(e.to_string(), "timestamp month 13 is not 01-12");
    }

    #[test]
    fn odd_secrets_compute_with_warnings() {
        let t = ts("2025041401");
        let s0 = SignType::NoTimestampCheck;
        let short = Credentials::compute("dev", "1234567", s0, t).unwrap();
        assert_eq!(short.warnings, vec![Warning::SecretLength(7)]);
        let long = Credentials::compute("dev", &"x".repeat(33), s0, t).unwrap();
        assert_eq!(long.warnings, vec![Warning::SecretLength(33)]);
        let spaced = Credentials::compute("dev", "12345678\n", s0, t).unwrap();
        assert_eq!(
            spaced.warnings,
            vec![Warning::SecretChar {
                ch: '\n',
                position: 9
            }]
        );
        assert_eq!(spaced.warnings[0].field(), Field::Secret);
        // Still the real HMAC of the bytes given.
        assert_ne!(
            spaced.password.expose(),
            "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a"
        );
        let both = Credentials::compute("dev", "a b", s0, t).unwrap();
        assert_eq!(both.warnings.len(), 2);
        assert!(Credentials::compute("dev", &"x".repeat(32), s0, t)
            .unwrap()
            .warnings
            .is_empty());
    }

    #[test]
    fn clock_warning_only_for_sign_type_one() {
        let t = ts("2025041401");
        let c1 = Credentials::compute("dev", "12345678", SignType::CheckTimestamp, t).unwrap();
        assert_eq!(c1.clock_warning(t), None);
        assert_eq!(
            c1.clock_warning(ts("2025041503")),
            Some(Warning::TimestampNotCurrent { hours_behind: 26 })
        );
        assert_eq!(
            c1.clock_warning(ts("2025041400")),
            Some(Warning::TimestampNotCurrent { hours_behind: -1 })
        );
        let c0 = Credentials::compute("dev", "12345678", SignType::NoTimestampCheck, t).unwrap();
        assert_eq!(c0.clock_warning(ts("2030010100")), None);
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = Credentials::compute(
            "dev",
            "12345678",
            SignType::NoTimestampCheck,
            ts("2025041401"),
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(dbg.contains("[elided]"));
        assert!(!dbg.contains("c75150e6"));
    }
}
