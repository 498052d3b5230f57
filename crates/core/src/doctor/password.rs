//! The known ways devices compute IoTDA's password wrong, each recomputed
//! with the real secret so a wrong password can be matched exactly.
//!
//! The right password is lowercase hex HMAC-SHA256 with the ClientId's
//! `YYYYMMDDHH` as the key and the secret as the message
//! ([`crate::credentials`]). Every [`Mistake`] changes one thing about
//! that; the doctor names each mistake whose password equals the device's,
//! and all of them when several do (UTC+1 and "the next hour" are the same
//! bytes, for instance).

use std::fmt;

use crate::text::{Key, Message, Say};

use base64ct::{Base64, Encoding};

use super::Finding;
use crate::credentials::{self, Timestamp};

/// Local time zones as offsets from UTC in whole hours (-12..=+14, every
/// zone in use; half-hour zones land on one of these hours).
const UTC_OFFSETS: std::ops::RangeInclusive<i8> = -12..=14;

/// Whitespace a secret picks up when copied or read from a file.
const SECRET_WHITESPACE: [Whitespace; 5] = [
    Whitespace::TrailingNewline,
    Whitespace::TrailingCrLf,
    Whitespace::TrailingSpace,
    Whitespace::TrailingTab,
    Whitespace::LeadingSpace,
];

/// One known way of computing the password wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mistake {
    /// Keyed with the device's local hour in a zone `offset_hours` from UTC
    /// while the ClientId has another hour (usually two clock calls, one
    /// local, one UTC).
    LocalTime {
        /// Hours from UTC, -12..=14, never 0.
        offset_hours: i8,
    },
    /// Keyed with the hour before the ClientId's (computed before the hour
    /// turned, sent after).
    PreviousHour,
    /// Keyed with the hour after the ClientId's.
    NextHour,
    /// The secret used as the HMAC key and the hour as the message.
    KeyMessageSwapped,
    /// Upper-case hex digits.
    UpperCaseHex,
    /// The digest in Base64 instead of hex.
    Base64,
    /// HMAC-SHA1 instead of HMAC-SHA256.
    HmacSha1,
    /// HMAC-MD5 instead of HMAC-SHA256.
    HmacMd5,
    /// The digest cut at its first zero byte (C string functions on binary
    /// data) before hex encoding.
    CutAtZeroByte {
        /// How many bytes were kept.
        kept_bytes: usize,
    },
    /// The device's secret has whitespace around it.
    SecretWhitespace(Whitespace),
    /// The secret given to the doctor has whitespace around it that the
    /// device's does not.
    GivenSecretWhitespace,
}

/// Whitespace around a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Whitespace {
    /// `\n` after it (a line read from a file, `echo`).
    TrailingNewline,
    /// `\r\n` after it (a Windows text file).
    TrailingCrLf,
    /// A space after it.
    TrailingSpace,
    /// A tab after it.
    TrailingTab,
    /// A space before it.
    LeadingSpace,
}

impl Whitespace {
    fn apply(self, secret: &str) -> String {
        match self {
            Self::TrailingNewline => format!("{secret}\n"),
            Self::TrailingCrLf => format!("{secret}\r\n"),
            Self::TrailingSpace => format!("{secret} "),
            Self::TrailingTab => format!("{secret}\t"),
            Self::LeadingSpace => format!(" {secret}"),
        }
    }
}

impl Say for Whitespace {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        Message::new(match self {
            Self::TrailingNewline => k::WHITESPACE_NEWLINE,
            Self::TrailingCrLf => k::WHITESPACE_CR_LF,
            Self::TrailingSpace => k::WHITESPACE_SPACE,
            Self::TrailingTab => k::WHITESPACE_TAB,
            Self::LeadingSpace => k::WHITESPACE_LEADING_SPACE,
        })
    }
}

impl fmt::Display for Whitespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl Mistake {
    /// A stable snake_case name, for scripts (`--json`).
    pub fn code(self) -> String {
        match self {
            Self::LocalTime { offset_hours } => format!("local_time_utc{offset_hours:+}"),
            Self::PreviousHour => "previous_hour".into(),
            Self::NextHour => "next_hour".into(),
            Self::KeyMessageSwapped => "key_message_swapped".into(),
            Self::UpperCaseHex => "upper_case_hex".into(),
            Self::Base64 => "base64".into(),
            Self::HmacSha1 => "hmac_sha1".into(),
            Self::HmacMd5 => "hmac_md5".into(),
            Self::CutAtZeroByte { .. } => "cut_at_zero_byte".into(),
            Self::SecretWhitespace(_) => "secret_whitespace".into(),
            Self::GivenSecretWhitespace => "given_secret_whitespace".into(),
        }
    }

    /// What to change on the device, as a clause.
    pub fn fix(self) -> &'static str {
        self.fix_key().english()
    }

    /// The key of [`Mistake::fix`].
    pub fn fix_key(self) -> Key {
        use crate::text::keys::doctor as k;
        match self {
            Self::LocalTime { .. } | Self::PreviousHour | Self::NextHour => k::FIX_HOUR,
            Self::KeyMessageSwapped => k::FIX_SWAPPED,
            Self::UpperCaseHex => k::FIX_UPPER_CASE,
            Self::Base64 => k::FIX_BASE64,
            Self::HmacSha1 | Self::HmacMd5 => k::FIX_HMAC,
            Self::CutAtZeroByte { .. } => k::FIX_CUT,
            Self::SecretWhitespace(_) => k::FIX_SECRET_WHITESPACE,
            Self::GivenSecretWhitespace => k::FIX_GIVEN_SECRET_WHITESPACE,
        }
    }
}

impl Say for Mistake {
    fn message(&self) -> Message {
        use crate::text::keys::doctor as k;
        match self {
            Self::LocalTime { offset_hours } => Message::new(k::LOCAL_TIME)
                .with("offset", format_args!("{offset_hours:+}"))
                .with("zone", utc_offset_zone(*offset_hours)),
            Self::PreviousHour => Message::new(k::PREVIOUS_HOUR),
            Self::NextHour => Message::new(k::NEXT_HOUR),
            Self::KeyMessageSwapped => Message::new(k::KEY_MESSAGE_SWAPPED),
            Self::UpperCaseHex => Message::new(k::UPPER_CASE_HEX),
            Self::Base64 => Message::new(k::BASE64),
            Self::HmacSha1 => Message::new(k::HMAC_SHA1),
            Self::HmacMd5 => Message::new(k::HMAC_MD5),
            Self::CutAtZeroByte { kept_bytes } => {
                Message::new(k::CUT_AT_ZERO_BYTE).with("kept_bytes", kept_bytes)
            }
            Self::SecretWhitespace(w) => {
                Message::new(k::SECRET_WHITESPACE).with_message("whitespace", w.message())
            }
            Self::GivenSecretWhitespace => Message::new(k::GIVEN_SECRET_WHITESPACE),
        }
    }
}

impl fmt::Display for Mistake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

/// Places that use the UTC offset `hours` (standard or summer time), to
/// name the zone a device's clock is set to.
pub fn utc_offset_zone(hours: i8) -> &'static str {
    match hours {
        -12 => "Baker Island",
        -11 => "American Samoa",
        -10 => "Hawaii",
        -9 => "Alaska",
        -8 => "US Pacific winter time",
        -7 => "US Mountain winter time, US Pacific summer time",
        -6 => "US Central winter time, Mexico City",
        -5 => "US Eastern winter time, Bogota, Lima",
        -4 => "US Eastern summer time, Caracas, Santiago",
        -3 => "Sao Paulo, Buenos Aires",
        -2 => "South Georgia, Fernando de Noronha",
        -1 => "Azores, Cape Verde",
        0 => "UTC",
        1 => "Central European winter time, Lagos",
        2 => "Central European summer time, Eastern European winter time, Cairo, Johannesburg",
        3 => "Moscow, Istanbul, Riyadh, Eastern European summer time",
        4 => "Dubai, Baku",
        5 => "Pakistan, Tashkent; India is +5:30",
        6 => "Bangladesh, Almaty",
        7 => "Bangkok, Jakarta, Hanoi",
        8 => "China Standard Time, Singapore, Perth",
        9 => "Japan, Korea",
        10 => "Sydney winter time, Brisbane, Vladivostok",
        11 => "Sydney summer time, Solomon Islands",
        12 => "New Zealand winter time, Fiji",
        13 => "New Zealand summer time, Tonga, Samoa",
        14 => "Kiribati Line Islands",
        _ => "no zone uses this offset",
    }
}

/// `None` when `sent` is the right password for `secret` keyed by
/// `timestamp`; otherwise a [`Finding::WrongPassword`] with every mistake
/// that reproduces `sent` exactly.
pub(super) fn check(secret: &str, timestamp: Timestamp, sent: &str) -> Option<Finding> {
    if sent == credentials::password(secret, timestamp) {
        return None;
    }
    let mistakes = candidates(secret, timestamp)
        .into_iter()
        .filter(|(_, password)| password == sent)
        .map(|(mistake, _)| mistake)
        .collect();
    Some(Finding::WrongPassword { mistakes })
}

/// Every mistake with the password it produces, in the order they are
/// named.
fn candidates(secret: &str, timestamp: Timestamp) -> Vec<(Mistake, String)> {
    type Sha256 = hmac::Hmac<sha2::Sha256>;
    let hour = timestamp.to_string();
    let right = credentials::password(secret, timestamp);
    let digest = credentials::mac::<Sha256>(hour.as_bytes(), secret.as_bytes());
    let shifted = |hours: i64| {
        Timestamp::from_unix_seconds(timestamp.to_unix_seconds() + hours * 3_600)
            .ok()
            .map(|t| credentials::password(secret, t))
    };
    let mut out = Vec::new();
    for offset_hours in UTC_OFFSETS.filter(|h| *h != 0) {
        if let Some(p) = shifted(i64::from(offset_hours)) {
            out.push((Mistake::LocalTime { offset_hours }, p));
        }
    }
    out.extend(shifted(-1).map(|p| (Mistake::PreviousHour, p)));
    out.extend(shifted(1).map(|p| (Mistake::NextHour, p)));
    let swapped = credentials::mac::<Sha256>(secret.as_bytes(), hour.as_bytes());
    out.push((
        Mistake::KeyMessageSwapped,
        credentials::to_lower_hex(&swapped),
    ));
    out.push((Mistake::UpperCaseHex, right.to_ascii_uppercase()));
    let b64 = Base64::encode_string(&digest);
    out.push((Mistake::Base64, b64.trim_end_matches('=').to_owned()));
    out.push((Mistake::Base64, b64));
    let sha1 = credentials::mac::<hmac::Hmac<sha1::Sha1>>(hour.as_bytes(), secret.as_bytes());
    out.push((Mistake::HmacSha1, credentials::to_lower_hex(&sha1)));
    let md5 = credentials::mac::<hmac::Hmac<md5::Md5>>(hour.as_bytes(), secret.as_bytes());
    out.push((Mistake::HmacMd5, credentials::to_lower_hex(&md5)));
    if let Some(kept_bytes) = digest.iter().position(|b| *b == 0) {
        let cut = digest.get(..kept_bytes).unwrap_or_default();
        out.push((
            Mistake::CutAtZeroByte { kept_bytes },
            credentials::to_lower_hex(cut),
        ));
    }
    for w in SECRET_WHITESPACE {
        out.push((
            Mistake::SecretWhitespace(w),
            credentials::password(&w.apply(secret), timestamp),
        ));
    }
    let trimmed = secret.trim();
    if trimmed != secret && !trimmed.is_empty() {
        out.push((
            Mistake::GivenSecretWhitespace,
            credentials::password(trimmed, timestamp),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zone_offset_is_named() {
        for h in UTC_OFFSETS {
            assert_ne!(utc_offset_zone(h), "no zone uses this offset", "{h}");
        }
        assert_eq!(utc_offset_zone(15), "no zone uses this offset");
    }

    #[test]
    fn candidates_differ_from_the_right_password() {
        let t = Timestamp::parse("2025041401").unwrap();
        let right = credentials::password("12345678", t);
        for (m, p) in candidates("12345678", t) {
            assert_ne!(p, right, "{m}");
        }
    }
}
