//! The connection doctor: why IoTDA refuses a device, in one sentence with
//! the fix.
//!
//! The caller gives what it knows (the device id, and the secret or the
//! certificate, key and CA) and what the device actually did (the ClientId,
//! user name, password and keep alive it sent, typed in or decoded from a
//! captured CONNECT, and when). The doctor checks IoTDA's rules in this
//! order and returns the first broken one as a [`Finding`]:
//!
//! ```text
//! 1. ClientId  {device_id}_0_{sign_type}_{YYYYMMDDHH}, at most 256 characters
//! 2. the ClientId's device id is the device's            (not its node or product id)
//! 3. the user name is the device id
//! 4. the sign type digit is the one expected             (when the caller says)
//! 5. keep alive 30..=1200 s                              (when known: a CONNECT)
//! 6. sign type 1: the ClientId's hour is the UTC hour of the attempt
//! 7. password = hex HMAC-SHA256(key = the ClientId's hour, message = secret)
//!    or, for a certificate device:
//! 7. the certificate is valid at the time, issued by the CA, the key is its
//!    key, the registered fingerprint is its fingerprint
//! ```
//!
//! For a wrong password the doctor recomputes the password under every
//! known [`Mistake`] with the real secret and names each one that
//! reproduces the device's password exactly; when none does, it says so
//! rather than guess.
//!
//! Sans-IO: the time of the attempt is passed in as Unix seconds; nothing
//! here reads a clock, a file or a socket.

mod attempt;
mod capture;
mod cert;
mod connack;
mod disconnect;
mod finding;
mod password;

use std::fmt;

use crate::text::{Message, Say};

pub use attempt::{attempt_time, Attempt, ClientId};
pub use capture::{bytes_from_hex, connect_from_hex, CaptureError, MAX_CONNECT};
pub use cert::{check_certificate, CertCheck, CertFile};
pub use connack::{explain_refusal, refusal_key};
pub use disconnect::{disconnect_key, explain_disconnect};
pub use finding::{Finding, FingerprintSource, IdMistake};
pub use password::{utc_offset_zone, Mistake, Whitespace};

use crate::credentials::{self, SignType, TimestampError};
use crate::pki;
use zeroize::Zeroize;

/// Keep alive IoTDA accepts, in seconds (outside it: CONNACK 2).
pub const KEEP_ALIVE_RANGE: std::ops::RangeInclusive<u16> = 30..=1200;

/// Why the doctor could not examine an attempt: the caller's own input is
/// unusable (as opposed to a [`Finding`] about what the device did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The device id given as the truth is not a valid IoTDA device id.
    DeviceId(credentials::Error),
    /// The secret given as the truth is empty.
    EmptySecret,
    /// The time of the attempt is outside 1970-9999.
    Time(TimestampError),
    /// A certificate, key or CA file could not be read.
    File {
        /// Which file.
        file: CertFile,
        /// Why.
        error: pki::Error,
    },
}

impl Say for Error {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        match self {
            Self::DeviceId(e) => e.message(),
            Self::EmptySecret => Message::new(k::EMPTY_SECRET),
            Self::Time(e) => Message::new(k::TIME).with_message("error", e.message()),
            Self::File { file, error } => Message::new(k::FILE)
                .with_message("file", file.message())
                .with_message("error", error.message()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for Error {}

/// A secret or a password: `Debug` prints `[elided]`; the text is
/// overwritten with zeros when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl Drop for SecretText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for SecretText {}

impl SecretText {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[elided]")
    }
}

/// Checks rules 1 to 6 (everything but the password or certificate) of an
/// attempt by the device `device_id` at `at` (Unix seconds).
/// `expected_sign_type` is the sign type the device is meant to use, if the
/// caller knows it.
pub fn check_identity(
    device_id: &str,
    expected_sign_type: Option<SignType>,
    attempt: &Attempt,
    at: i64,
) -> Result<Option<Finding>, Error> {
    Ok(identity(device_id, expected_sign_type, attempt, at)?.err())
}

/// Rules 1 to 6; the parsed ClientId when they hold.
fn identity(
    device_id: &str,
    expected_sign_type: Option<SignType>,
    attempt: &Attempt,
    at: i64,
) -> Result<Result<ClientId, Finding>, Error> {
    credentials::check_device_id(device_id).map_err(Error::DeviceId)?;
    let now = credentials::Timestamp::from_unix_seconds(at).map_err(Error::Time)?;
    let client_id = match ClientId::parse_for(&attempt.client_id, device_id) {
        Ok(c) => c,
        Err(finding) => return Ok(Err(finding)),
    };
    if client_id.device_id != device_id {
        return Ok(Err(Finding::ClientIdDeviceId {
            kind: IdMistake::of(&client_id.device_id, device_id),
            found: client_id.device_id,
            expected: device_id.to_owned(),
        }));
    }
    match &attempt.username {
        None => return Ok(Err(Finding::MissingUsername)),
        Some(u) if u != device_id => {
            return Ok(Err(Finding::Username {
                kind: IdMistake::of(u, device_id),
                found: u.clone(),
                expected: device_id.to_owned(),
            }))
        }
        Some(_) => {}
    }
    if let Some(expected) = expected_sign_type.filter(|s| *s != client_id.sign_type) {
        return Ok(Err(Finding::SignTypeNotExpected {
            expected,
            found: client_id.sign_type,
        }));
    }
    if let Some(k) = attempt.keep_alive.filter(|k| !KEEP_ALIVE_RANGE.contains(k)) {
        return Ok(Err(Finding::KeepAlive(k)));
    }
    if credentials::clock_warning(client_id.sign_type, client_id.timestamp, now).is_some() {
        return Ok(Err(Finding::TimestampNotCurrent {
            timestamp: client_id.timestamp,
            now,
        }));
    }
    Ok(Ok(client_id))
}

/// Diagnoses an attempt by a device that authenticates with `secret`:
/// [`check_identity`], then the password (rule 7). `Ok(None)`: the attempt
/// follows every rule, so the platform accepts it unless the secret or the
/// device's registration differs from what was given.
pub fn diagnose_secret(
    device_id: &str,
    secret: &str,
    expected_sign_type: Option<SignType>,
    attempt: &Attempt,
    at: i64,
) -> Result<Option<Finding>, Error> {
    if secret.is_empty() {
        return Err(Error::EmptySecret);
    }
    let client_id = match identity(device_id, expected_sign_type, attempt, at)? {
        Ok(c) => c,
        Err(finding) => return Ok(Some(finding)),
    };
    let Some(sent) = &attempt.password else {
        return Ok(Some(Finding::MissingPassword));
    };
    Ok(password::check(secret, client_id.timestamp, sent.expose()))
}
