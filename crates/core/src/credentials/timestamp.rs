//! The `YYYYMMDDHH` UTC hour that keys IoTDA's password HMAC.
//!
//! Built from a Unix time the caller read from its own clock, or parsed from
//! the ten digits a user typed; never from a clock of its own.

use std::fmt;

use crate::text::{Message, Say};

/// Earliest year accepted: the platform did not exist before Unix time began.
const MIN_YEAR: u16 = 1970;
/// Latest year accepted: the form has room for four digits only.
const MAX_YEAR: u16 = 9999;

/// A whole UTC hour, written `YYYYMMDDHH` (for example `2025041401`).
///
/// The value is always a real calendar hour between 1970 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
}

/// Why a text or an instant is not a valid `YYYYMMDDHH` UTC hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// Nothing was typed.
    Empty,
    /// Not ten characters; often a missing hour or extra minutes.
    Length(usize),
    /// A character that is not an ASCII digit, with its 1-based position.
    NotDigit {
        /// The offending character.
        ch: char,
        /// Its 1-based position.
        position: usize,
    },
    /// The year is before 1970 or after 9999.
    Year(i64),
    /// The month is not 01-12.
    Month(u8),
    /// The day does not exist in that month (for example 20250230).
    Day {
        /// The year given.
        year: u16,
        /// The month given.
        month: u8,
        /// The day given.
        day: u8,
    },
    /// The hour is not 00-23.
    Hour(u8),
}

impl Say for TimestampError {
    fn message(&self) -> Message {
        use crate::text::keys::credentials as k;
        match self {
            Self::Empty => Message::new(k::TIMESTAMP_EMPTY),
            Self::Length(n) => Message::new(k::TIMESTAMP_LENGTH).with("n", n),
            Self::NotDigit { ch, position } => Message::new(k::TIMESTAMP_NOT_DIGIT)
                .with("ch", format_args!("{ch:?}"))
                .with("position", position),
            Self::Year(y) => Message::new(k::TIMESTAMP_YEAR).with("year", y),
            Self::Month(m) => {
                Message::new(k::TIMESTAMP_MONTH).with("month", format_args!("{m:02}"))
            }
            Self::Day { year, month, day } => Message::new(k::TIMESTAMP_DAY)
                .with("day", format_args!("{day:02}"))
                .with("year", format_args!("{year:04}"))
                .with("month", format_args!("{month:02}")),
            Self::Hour(h) => Message::new(k::TIMESTAMP_HOUR).with("hour", format_args!("{h:02}")),
        }
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// A timestamp from its calendar parts, checked.
    pub fn new(year: u16, month: u8, day: u8, hour: u8) -> Result<Self, TimestampError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(TimestampError::Year(i64::from(year)));
        }
        if !(1..=12).contains(&month) {
            return Err(TimestampError::Month(month));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(TimestampError::Day { year, month, day });
        }
        if hour > 23 {
            return Err(TimestampError::Hour(hour));
        }
        Ok(Self {
            year,
            month,
            day,
            hour,
        })
    }

    /// Parses exactly ten ASCII digits `YYYYMMDDHH`; nothing is trimmed.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        if text.is_empty() {
            return Err(TimestampError::Empty);
        }
        if let Some((i, ch)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(TimestampError::NotDigit {
                ch,
                position: i + 1,
            });
        }
        if text.len() != 10 {
            return Err(TimestampError::Length(text.len()));
        }
        // All ten bytes are ASCII digits, so slicing and parsing cannot fail;
        // `number` still returns 0 rather than panicking if that ever changed.
        let number = |range: std::ops::Range<usize>| {
            text.get(range)
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(0)
        };
        let narrow = |v: u16| u8::try_from(v).unwrap_or(u8::MAX);
        Self::new(
            number(0..4),
            narrow(number(4..6)),
            narrow(number(6..8)),
            narrow(number(8..10)),
        )
    }

    /// The UTC hour containing the instant `unix_seconds` (seconds since
    /// 1970-01-01T00:00:00Z, as read by the caller from its clock).
    pub fn from_unix_seconds(unix_seconds: i64) -> Result<Self, TimestampError> {
        let days = unix_seconds.div_euclid(86_400);
        let hour = unix_seconds.rem_euclid(86_400) / 3_600;
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
            .ok_or(TimestampError::Year(year))?;
        // month 1..=12, day 1..=31 and hour 0..=23 by construction.
        Self::new(year, month as u8, day as u8, hour as u8)
    }

    /// Seconds since the Unix epoch at the start of this hour.
    pub fn to_unix_seconds(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        ) * 86_400
            + i64::from(self.hour) * 3_600
    }

    /// Whole hours from `self` to `other` (positive when `other` is later).
    pub fn hours_until(self, other: Timestamp) -> i64 {
        (other.to_unix_seconds() - self.to_unix_seconds()) / 3_600
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour
        )
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Proleptic Gregorian date of a day count since 1970-01-01
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_huawei_example() {
        let ts = Timestamp::parse("2025041401").unwrap();
        assert_eq!(ts.to_string(), "2025041401");
    }

    #[test]
    fn from_unix_seconds_takes_the_utc_hour() {
        // 2025-04-14T01:59:59Z
        let ts = Timestamp::from_unix_seconds(1_744_595_999).unwrap();
        assert_eq!(ts.to_string(), "2025041401");
        assert_eq!(ts.to_unix_seconds(), 1_744_592_400);
        assert_eq!(
            Timestamp::from_unix_seconds(0).unwrap().to_string(),
            "1970010100"
        );
        // Leap day.
        assert_eq!(
            Timestamp::from_unix_seconds(951_782_400)
                .unwrap()
                .to_string(),
            "2000022900"
        );
    }

    #[test]
    fn round_trips_every_day_for_sixty_years() {
        for day in 0..(60 * 366) {
            let secs = day * 86_400 + 23 * 3_600;
            let ts = Timestamp::from_unix_seconds(secs).unwrap();
            assert_eq!(ts.to_unix_seconds(), secs);
            assert_eq!(Timestamp::parse(&ts.to_string()).unwrap(), ts);
        }
    }

    #[test]
    fn rejects_each_kind_of_bad_text() {
        use TimestampError::*;
        let cases: &[(&str, TimestampError)] = &[
            ("", Empty),
            ("202504140", Length(9)),
            ("20250414011", Length(11)),
            (
                "2025-04-14",
                NotDigit {
                    ch: '-',
                    position: 5,
                },
            ),
            (
                "２０２５041401",
                NotDigit {
                    ch: '２',
                    position: 1,
                },
            ),
            (
                " 2025041401",
                NotDigit {
                    ch: ' ',
                    position: 1,
                },
            ),
            ("1969123123", Year(1969)),
            ("2025001401", Month(0)),
            ("2025131401", Month(13)),
            (
                "2025023001",
                Day {
                    year: 2025,
                    month: 2,
                    day: 30,
                },
            ),
            (
                "2023022901",
                Day {
                    year: 2023,
                    month: 2,
                    day: 29,
                },
            ),
            (
                "2025040001",
                Day {
                    year: 2025,
                    month: 4,
                    day: 0,
                },
            ),
            ("2025041424", Hour(24)),
        ];
        for (text, want) in cases {
            assert_eq!(Timestamp::parse(text).as_ref(), Err(want), "{text:?}");
        }
        assert!(Timestamp::parse("2024022923").is_ok(), "leap day");
        assert!(Timestamp::parse("2000022900").is_ok(), "400-year leap day");
        assert!(Timestamp::parse("1900022900").is_err(), "100-year non-leap");
    }

    #[test]
    fn instants_outside_the_four_digit_years_are_errors() {
        assert_eq!(
            Timestamp::from_unix_seconds(-1),
            Err(TimestampError::Year(1969))
        );
        assert!(matches!(
            Timestamp::from_unix_seconds(i64::MAX / 2),
            Err(TimestampError::Year(_))
        ));
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            TimestampError::Day {
                year: 2025,
                month: 2,
                day: 30
            }
            .to_string(),
            "timestamp day 30 does not exist in 2025-02"
        );
        assert_eq!(
            TimestampError::Length(9).to_string(),
            "timestamp must be 10 digits YYYYMMDDHH (UTC hour); got 9 characters"
        );
    }
}
