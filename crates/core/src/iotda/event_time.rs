//! IoTDA's `event_time`: the UTC instant a report or event describes.
//!
//! ```text
//! compact   yyyyMMdd'T'HHmmss'Z'          20151212T121212Z           Huawei's pages, every event and report
//! extended  yyyy-MM-dd'T'HH:mm:ss.SSS'Z'  2015-12-12T12:12:12.000Z   Huawei's property-report page
//! seconds   yyyy-MM-dd'T'HH:mm:ss'Z'      2015-12-12T12:12:12Z       Huawei's Python device SDK (get_event_time),
//!                                                                    and an older log_config page's end_time
//! ```
//!
//! All three are recognised ([`EventTimeForm`] says which one a text is in,
//! and whether the pages list it for events). The Python SDK formats its
//! local clock (`datetime.now()`) and appends `Z`, so on a machine that is
//! not on UTC its times are off by the local offset:
//! [`EventTime::local_offset_from`] flags a time that is off from "now" by a
//! whole offset (a multiple of 15 minutes, as time zones are).
//!
//! The platform uses its own receive time when a report's `event_time` is
//! malformed, so the kit checks it before sending. Times are built from Unix
//! milliseconds or seconds the caller read from its own clock; nothing here
//! reads one.

use std::fmt;

use crate::text::{Message, Say};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::excerpt;

/// First instant with a four-digit year: 0000-01-01T00:00:00.000Z.
const MIN_UNIX_MILLIS: i64 = -62_167_219_200_000;
/// Last instant with a four-digit year: 9999-12-31T23:59:59.999Z.
const MAX_UNIX_MILLIS: i64 = 253_402_300_799_999;

/// A UTC instant with millisecond precision between the years 0000 and 9999,
/// the range both `event_time` forms can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventTime {
    unix_millis: i64,
}

/// Why a text or an instant is not a valid `event_time`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventTimeError {
    /// The text is empty.
    Empty,
    /// The text has neither shape. Likely cause: a local time with an offset,
    /// missing `T` or `Z`, or seconds since the epoch sent as text.
    Shape {
        /// The text (cut to 64 characters).
        text: String,
    },
    /// The month is not 01-12.
    Month(u8),
    /// The day does not exist in that month (for example February 30).
    Day {
        /// The year given.
        year: u16,
        /// The month given.
        month: u8,
        /// The day given.
        day: u8,
    },
    /// The hour is not 00-23 (`24` is not accepted for midnight).
    Hour(u8),
    /// The minute is not 00-59.
    Minute(u8),
    /// The second is not 00-59 (leap seconds are not accepted).
    Second(u8),
    /// The instant's year does not have four digits (before 0000 or after
    /// 9999). Likely cause: microseconds or nanoseconds passed as
    /// milliseconds.
    OutOfRange {
        /// The instant, in milliseconds since the Unix epoch (saturated).
        unix_millis: i64,
    },
}

impl Say for EventTimeError {
    fn message(&self) -> Message {
        use crate::text::keys::event_time as k;
        match self {
            Self::Empty => Message::new(k::EMPTY),
            Self::Shape { text } => Message::new(k::SHAPE).with("text", format_args!("{text:?}")),
            Self::Month(m) => Message::new(k::MONTH).with("month", format_args!("{m:02}")),
            Self::Day { year, month, day } => Message::new(k::DAY)
                .with("day", format_args!("{day:02}"))
                .with("year", format_args!("{year:04}"))
                .with("month", format_args!("{month:02}")),
            Self::Hour(h) => Message::new(k::HOUR).with("hour", format_args!("{h:02}")),
            Self::Minute(m) => Message::new(k::MINUTE).with("minute", format_args!("{m:02}")),
            Self::Second(s) => Message::new(k::SECOND).with("second", format_args!("{s:02}")),
            Self::OutOfRange { unix_millis } => {
                Message::new(k::OUT_OF_RANGE).with("unix_millis", unix_millis)
            }
        }
    }
}

impl fmt::Display for EventTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for EventTimeError {}

/// The form an `event_time` text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventTimeForm {
    /// `yyyyMMdd'T'HHmmss'Z'`: the form every Huawei page gives.
    Compact,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`: listed on the property-report page.
    Extended,
    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`: written by Huawei's Python device SDK;
    /// no current page lists it for `event_time`.
    ExtendedSeconds,
}

impl EventTimeForm {
    /// Whether Huawei's pages list this form for `event_time`.
    pub fn documented(self) -> bool {
        !matches!(self, Self::ExtendedSeconds)
    }

    /// The pattern, as Huawei writes patterns.
    pub fn pattern(self) -> &'static str {
        match self {
            Self::Compact => "yyyyMMdd'T'HHmmss'Z'",
            Self::Extended => "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
            Self::ExtendedSeconds => "yyyy-MM-dd'T'HH:mm:ss'Z'",
        }
    }
}

/// Time-zone offsets run from UTC-12:00 to UTC+14:00.
const MAX_OFFSET_MINUTES: i64 = 14 * 60;
const MIN_OFFSET_MINUTES: i64 = -12 * 60;
/// How far from a whole offset a time may be and still count as one: a
/// report is sent a moment after its time was read.
const OFFSET_TOLERANCE_MILLIS: i64 = 2 * 60 * 1000;

impl EventTime {
    /// The instant `unix_millis` milliseconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_millis(unix_millis: i64) -> Result<Self, EventTimeError> {
        if !(MIN_UNIX_MILLIS..=MAX_UNIX_MILLIS).contains(&unix_millis) {
            return Err(EventTimeError::OutOfRange { unix_millis });
        }
        Ok(Self { unix_millis })
    }

    /// The instant `unix_seconds` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(unix_seconds: i64) -> Result<Self, EventTimeError> {
        Self::from_unix_millis(unix_seconds.saturating_mul(1000))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (rounded down).
    pub fn unix_seconds(self) -> i64 {
        self.unix_millis.div_euclid(1000)
    }

    /// Parses any of the three forms: `20151212T121212Z`,
    /// `2015-12-12T12:12:12.000Z` or `2015-12-12T12:12:12Z`. Nothing is
    /// trimmed; letters are upper case as IoTDA writes them.
    pub fn parse(text: &str) -> Result<Self, EventTimeError> {
        Self::parse_form(text).map(|(t, _)| t)
    }

    /// Parses any of the three forms and says which one it was.
    pub fn parse_form(text: &str) -> Result<(Self, EventTimeForm), EventTimeError> {
        match text.len() {
            0 => Err(EventTimeError::Empty),
            24 => Self::parse_extended(text).map(|t| (t, EventTimeForm::Extended)),
            20 => Self::parse_extended_seconds(text).map(|t| (t, EventTimeForm::ExtendedSeconds)),
            _ => Self::parse_compact(text).map(|t| (t, EventTimeForm::Compact)),
        }
    }

    /// Parses only `yyyy-MM-dd'T'HH:mm:ss'Z'`, the Python device SDK's form.
    pub fn parse_extended_seconds(text: &str) -> Result<Self, EventTimeError> {
        let f = Fields::new(text, "dddd_dd_dd_dd_dd_dd_", b"--T::Z")?;
        from_parts(
            f.num(0..4),
            f.num(5..7),
            f.num(8..10),
            f.num(11..13),
            f.num(14..16),
            f.num(17..19),
            0,
        )
    }

    /// The local offset, in minutes, that `self` seems to carry compared
    /// with `now_unix_millis` (the caller's clock, UTC): `Some(480)` when it
    /// is 8 hours ahead of now, within two minutes, as a device on UTC+08:00
    /// that writes its local clock with a `Z` produces. `None` when it is
    /// within 15 minutes of now, or not near a multiple of 15 minutes from
    /// UTC-12:00 to UTC+14:00.
    pub fn local_offset_from(self, now_unix_millis: i64) -> Option<i64> {
        let diff = self.unix_millis.saturating_sub(now_unix_millis);
        let quarter = 15 * 60 * 1000;
        let minutes = diff.saturating_add(quarter / 2).div_euclid(quarter) * 15;
        let off_by = diff.saturating_sub(minutes.saturating_mul(60 * 1000)).abs();
        let plausible =
            minutes != 0 && (MIN_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&minutes);
        (plausible && off_by <= OFFSET_TOLERANCE_MILLIS).then_some(minutes)
    }

    /// Parses only the compact form `yyyyMMdd'T'HHmmss'Z'`, the one IoTDA
    /// requires for `DateTime` properties.
    pub fn parse_compact(text: &str) -> Result<Self, EventTimeError> {
        let f = Fields::new(text, "dddddddd_dddddd_", b"TZ")?;
        from_parts(
            f.num(0..4),
            f.num(4..6),
            f.num(6..8),
            f.num(9..11),
            f.num(11..13),
            f.num(13..15),
            0,
        )
    }

    /// Parses only the extended form `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
    pub fn parse_extended(text: &str) -> Result<Self, EventTimeError> {
        let f = Fields::new(text, "dddd_dd_dd_dd_dd_dd_ddd_", b"--T::.Z")?;
        from_parts(
            f.num(0..4),
            f.num(5..7),
            f.num(8..10),
            f.num(11..13),
            f.num(14..16),
            f.num(17..19),
            f.num(20..23),
        )
    }

    /// The extended form, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
    pub fn to_extended(self) -> String {
        let t = self.to_datetime();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    fn to_datetime(self) -> OffsetDateTime {
        // In range by construction; the epoch is never used.
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.unix_millis) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// The compact form IoTDA documents, `yyyyMMdd'T'HHmmss'Z'` (milliseconds
/// are dropped).
impl fmt::Display for EventTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.to_datetime();
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl std::str::FromStr for EventTime {
    type Err = EventTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A text checked against a shape: `d` is a digit, `_` the next of the
/// given separators.
struct Fields<'a> {
    bytes: &'a [u8],
}

impl<'a> Fields<'a> {
    fn new(text: &'a str, shape: &str, separators: &[u8]) -> Result<Self, EventTimeError> {
        let bytes = text.as_bytes();
        let shape_error = || EventTimeError::Shape {
            text: excerpt(text),
        };
        if bytes.len() != shape.len() {
            return Err(shape_error());
        }
        let mut separators = separators.iter();
        for (&b, s) in bytes.iter().zip(shape.bytes()) {
            let ok = match s {
                b'd' => b.is_ascii_digit(),
                _ => separators.next() == Some(&b),
            };
            if !ok {
                return Err(shape_error());
            }
        }
        Ok(Self { bytes })
    }

    /// The decimal number in `range`, all of whose bytes are digits.
    fn num(&self, range: std::ops::Range<usize>) -> u16 {
        self.bytes
            .get(range)
            .unwrap_or_default()
            .iter()
            .fold(0u16, |n, b| {
                n.saturating_mul(10)
                    .saturating_add(u16::from(b.wrapping_sub(b'0')))
            })
    }
}

fn from_parts(
    year: u16,
    month: u16,
    day: u16,
    hour: u16,
    minute: u16,
    second: u16,
    millis: u16,
) -> Result<EventTime, EventTimeError> {
    // Every field has at most four digits and was checked to be digits, so
    // the narrowing below only saturates values that are errors anyway.
    let narrow = |v: u16| u8::try_from(v).unwrap_or(u8::MAX);
    let (month, day) = (narrow(month), narrow(day));
    let m = Month::try_from(month).map_err(|_| EventTimeError::Month(month))?;
    let date = Date::from_calendar_date(i32::from(year), m, day)
        .map_err(|_| EventTimeError::Day { year, month, day })?;
    let (hour, minute, second) = (narrow(hour), narrow(minute), narrow(second));
    if hour > 23 {
        return Err(EventTimeError::Hour(hour));
    }
    if minute > 59 {
        return Err(EventTimeError::Minute(minute));
    }
    if second > 59 {
        return Err(EventTimeError::Second(second));
    }
    let time = Time::from_hms_milli(hour, minute, second, millis)
        .map_err(|_| EventTimeError::Second(second))?;
    let at = PrimitiveDateTime::new(date, time).assume_utc();
    let unix_millis = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    EventTime::from_unix_millis(unix_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_huawei_example() {
        // 2015-12-12T12:12:12Z
        let t = EventTime::from_unix_seconds(1_449_922_332).unwrap();
        assert_eq!(t.to_string(), "20151212T121212Z");
        assert_eq!(t.to_extended(), "2015-12-12T12:12:12.000Z");
        let t = EventTime::from_unix_millis(1_449_922_332_789).unwrap();
        assert_eq!(t.to_string(), "20151212T121212Z", "milliseconds dropped");
        assert_eq!(t.to_extended(), "2015-12-12T12:12:12.789Z");
        assert_eq!(t.unix_seconds(), 1_449_922_332);
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(
            EventTime::parse("20151212T121212Z").unwrap().unix_millis(),
            1_449_922_332_000
        );
        assert_eq!(
            EventTime::parse("2015-12-12T12:12:12.789Z")
                .unwrap()
                .unix_millis(),
            1_449_922_332_789
        );
        assert_eq!(
            EventTime::parse("19700101T000000Z").unwrap().unix_millis(),
            0
        );
        assert_eq!(
            EventTime::parse("19691231T235959Z").unwrap().unix_millis(),
            -1000
        );
        assert!(EventTime::parse_compact("2015-12-12T12:12:12.789Z").is_err());
        assert!(EventTime::parse_extended("20151212T121212Z").is_err());
    }

    #[test]
    fn round_trips_across_leap_years() {
        let mut ms = MIN_UNIX_MILLIS;
        while ms < MAX_UNIX_MILLIS {
            let t = EventTime::from_unix_millis(ms).unwrap();
            assert_eq!(EventTime::parse(&t.to_extended()).unwrap(), t);
            assert_eq!(
                EventTime::parse(&t.to_string()).unwrap().unix_seconds(),
                t.unix_seconds()
            );
            ms += 7_654_321_987; // about 89 days, so every month and hour comes by
        }
        for text in [
            "20240229T235959Z",
            "20000229T000000Z",
            "99991231T235959Z",
            "00000101T000000Z",
        ] {
            assert_eq!(EventTime::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_dates_and_times_that_do_not_exist() {
        use EventTimeError::*;
        let cases: &[(&str, EventTimeError)] = &[
            ("", Empty),
            (
                "20250230T000000Z",
                Day {
                    year: 2025,
                    month: 2,
                    day: 30,
                },
            ),
            (
                "20230229T000000Z",
                Day {
                    year: 2023,
                    month: 2,
                    day: 29,
                },
            ),
            (
                "19000229T000000Z",
                Day {
                    year: 1900,
                    month: 2,
                    day: 29,
                },
            ),
            (
                "20250431T000000Z",
                Day {
                    year: 2025,
                    month: 4,
                    day: 31,
                },
            ),
            (
                "20250400T000000Z",
                Day {
                    year: 2025,
                    month: 4,
                    day: 0,
                },
            ),
            ("20251301T000000Z", Month(13)),
            ("20250001T000000Z", Month(0)),
            ("20250101T240000Z", Hour(24)),
            ("20250101T236000Z", Minute(60)),
            ("20250101T235960Z", Second(60)),
            ("2025-01-01T24:00:00.000Z", Hour(24)),
            (
                "2025-02-30T00:00:00.000Z",
                Day {
                    year: 2025,
                    month: 2,
                    day: 30,
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(EventTime::parse(text).as_ref(), Err(want), "{text:?}");
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for text in [
            "20151212T121212",
            "20151212t121212z",
            "20151212 121212Z",
            "2015121T121212Z",
            "20151212T121212Z ",
            " 20151212T121212Z",
            "2015-12-12T12:12:12z",
            "2015-12-12 12:12:12Z",
            "2015-12-12T12:12:12.000+08:00",
            "2015-12-12 12:12:12.000Z",
            "1449922332",
            "２０１５1212T121212Z",
            "2015121２T121212Z",
        ] {
            assert_eq!(
                EventTime::parse(text),
                Err(EventTimeError::Shape { text: text.into() }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn instants_outside_four_digit_years_are_errors() {
        for ms in [MIN_UNIX_MILLIS - 1, MAX_UNIX_MILLIS + 1, i64::MIN, i64::MAX] {
            assert_eq!(
                EventTime::from_unix_millis(ms),
                Err(EventTimeError::OutOfRange { unix_millis: ms })
            );
        }
        assert!(EventTime::from_unix_seconds(i64::MAX).is_err());
        assert!(EventTime::from_unix_millis(MIN_UNIX_MILLIS).is_ok());
        assert!(EventTime::from_unix_millis(MAX_UNIX_MILLIS).is_ok());
    }

    #[test]
    fn recognises_the_python_sdk_form_and_names_each_form() {
        // Huawei's Python device SDK, utils/iot_util.py get_event_time():
        // datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ").
        assert_eq!(
            EventTime::parse_form("2015-12-12T12:12:12Z"),
            Ok((
                EventTime::from_unix_seconds(1_449_922_332).unwrap(),
                EventTimeForm::ExtendedSeconds
            ))
        );
        assert_eq!(
            EventTime::parse_form("20151212T121212Z").unwrap().1,
            EventTimeForm::Compact
        );
        assert_eq!(
            EventTime::parse_form("2015-12-12T12:12:12.000Z").unwrap().1,
            EventTimeForm::Extended
        );
        assert!(EventTimeForm::Compact.documented());
        assert!(EventTimeForm::Extended.documented());
        assert!(!EventTimeForm::ExtendedSeconds.documented());
        assert_eq!(
            EventTime::parse("2025-02-30T00:00:00Z"),
            Err(EventTimeError::Day {
                year: 2025,
                month: 2,
                day: 30
            })
        );
    }

    #[test]
    fn flags_a_z_time_off_by_a_whole_local_offset() {
        let now = 1_449_922_332_000; // 2015-12-12T12:12:12Z
        let at = |text: &str| EventTime::parse(text).unwrap();
        // The Python SDK on a UTC+08:00 machine at that instant.
        assert_eq!(at("2015-12-12T20:12:12Z").local_offset_from(now), Some(480));
        // Read a second before it was sent: still the offset.
        assert_eq!(at("2015-12-12T20:12:11Z").local_offset_from(now), Some(480));
        // UTC-05:00, and India's +05:30.
        assert_eq!(at("20151212T071212Z").local_offset_from(now), Some(-300));
        assert_eq!(at("20151212T174212Z").local_offset_from(now), Some(330));
        // Right, or a few seconds or minutes old: nothing to say.
        assert_eq!(at("20151212T121212Z").local_offset_from(now), None);
        assert_eq!(at("20151212T121000Z").local_offset_from(now), None);
        // Seven minutes off a whole offset, or beyond any time zone.
        assert_eq!(at("20151212T201912Z").local_offset_from(now), None);
        assert_eq!(at("20151213T121212Z").local_offset_from(now), None);
        assert_eq!(
            EventTime::from_unix_millis(MAX_UNIX_MILLIS)
                .unwrap()
                .local_offset_from(i64::MIN),
            None
        );
    }

    #[test]
    fn messages_say_what_is_wrong() {
        assert_eq!(
            EventTime::parse("20250230T000000Z")
                .unwrap_err()
                .to_string(),
            "day 30 does not exist in 2025-02"
        );
        assert_eq!(
            EventTime::parse("20250101T240000Z")
                .unwrap_err()
                .to_string(),
            "hour 24 is not 00-23"
        );
    }
}
