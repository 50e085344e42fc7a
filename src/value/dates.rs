//! The date and time data elements: DE7 `MMDDhhmmss`, DE12 `hhmmss`, DE13 and DE17 `MMDD`,
//! DE14 `YYMM`.

use super::calendar::{civil_from_days, Date, MonthDay, TimeOfDay};
use super::digits::{self, pair};
use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// DE7, transmission date and time, `MMDDhhmmss` (in UTC, as ISO 8583 asks).
///
/// The year is not sent: [`TransmissionDateTime::date_near`] infers it from today's date. The
/// month and day are checked to exist in some year (`0229` is accepted, `0230` is not), the
/// time to be `00:00:00` to `23:59:59` (no leap second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransmissionDateTime {
    date: MonthDay,
    time: TimeOfDay,
}

impl TransmissionDateTime {
    /// The date and time from its parts.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] or [`ParseErrorKind::DayOutOfRange`] for a part that is
    /// not a month (1–12), a day of that month, an hour (0–23), a minute or a second (0–59).
    pub fn new(month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Result<Self, ParseError> {
        Ok(Self {
            date: MonthDay::new(month, day)?,
            time: TimeOfDay::new(hour, minute, second)?,
        })
    }

    /// The moment `secs` seconds after the Unix epoch, in UTC (a caller's clock reading).
    #[must_use]
    pub fn from_unix_seconds(secs: u64) -> Self {
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        let (_, month, day) = civil_from_days(days);
        let rem = secs % 86_400;
        // Every part is in range by construction: a month, a day, and the remainder split.
        let narrow = |v: u64| u8::try_from(v).unwrap_or(0);
        Self {
            date: MonthDay {
                month: narrow(u64::from(month)),
                day: narrow(u64::from(day)),
            },
            time: TimeOfDay {
                hour: narrow(rem / 3600),
                minute: narrow((rem / 60) % 60),
                second: narrow(rem % 60),
            },
        }
    }

    /// The month, 1 to 12.
    #[must_use]
    pub const fn month(&self) -> u8 {
        self.date.month
    }

    /// The day of the month.
    #[must_use]
    pub const fn day(&self) -> u8 {
        self.date.day
    }

    /// The hour, 0 to 23.
    #[must_use]
    pub const fn hour(&self) -> u8 {
        self.time.hour
    }

    /// The minute, 0 to 59.
    #[must_use]
    pub const fn minute(&self) -> u8 {
        self.time.minute
    }

    /// The second, 0 to 59.
    #[must_use]
    pub const fn second(&self) -> u8 {
        self.time.second
    }

    /// The full date, its year inferred from `today` (in UTC, as DE7 is) by the rule of
    /// [`crate::value`]: the year among last year, this year and next year that puts the date
    /// nearest to today.
    ///
    /// # Errors
    /// [`ParseErrorKind::NoLeapYearNear`] for 29 February when none of those years is a leap
    /// year.
    pub fn date_near(&self, today: Date) -> Result<Date, ParseError> {
        self.date.date_near(today)
    }
}

impl fmt::Display for TransmissionDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.date, self.time)
    }
}

impl FromStr for TransmissionDateTime {
    type Err = ParseError;

    /// Ten digits, `MMDDhhmmss`.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let v = digits::fixed(s, "transmission date and time", 10)?;
        Ok(Self {
            date: MonthDay::of_digits(v, 6)?,
            time: TimeOfDay::of_digits(v, 0)?,
        })
    }
}

impl TextValue for TransmissionDateTime {
    const EXPECTING: &'static str = "a transmission date and time MMDDhhmmss";
    const DIGITS: Option<usize> = Some(10);
}

text_serde!(TransmissionDateTime);

/// DE12 (ISO 8583:1987), local transaction time, `hhmmss`, `00:00:00` to `23:59:59` (no leap
/// second).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(TimeOfDay);

impl LocalTime {
    /// The time from its parts.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] for an hour over 23, or a minute or second over 59.
    pub fn new(hour: u8, minute: u8, second: u8) -> Result<Self, ParseError> {
        TimeOfDay::new(hour, minute, second).map(Self)
    }

    /// The hour, 0 to 23.
    #[must_use]
    pub const fn hour(&self) -> u8 {
        self.0.hour
    }

    /// The minute, 0 to 59.
    #[must_use]
    pub const fn minute(&self) -> u8 {
        self.0.minute
    }

    /// The second, 0 to 59.
    #[must_use]
    pub const fn second(&self) -> u8 {
        self.0.second
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:02}{:02}", self.hour, self.minute, self.second)
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:02}", self.month, self.day)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for LocalTime {
    type Err = ParseError;

    /// Six digits, `hhmmss`.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let v = digits::fixed(s, "local time", 6)?;
        TimeOfDay::of_digits(v, 0).map(Self)
    }
}

impl TextValue for LocalTime {
    const EXPECTING: &'static str = "a local time hhmmss";
    const DIGITS: Option<usize> = Some(6);
}

text_serde!(LocalTime);

/// A data element that is a month and a day, `MMDD`, with its year inferred from a clock.
macro_rules! month_day_element {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// The month and day are checked to exist in some year: `0229` is accepted, `0230`
        /// and `1301` are not. [`date_near`](Self::date_near) infers the year.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(MonthDay);

        impl $name {
            /// The date from its month (1–12) and day.
            ///
            /// # Errors
            /// [`ParseErrorKind::OutOfRange`] for a month outside 1 to 12 or day 0,
            /// [`ParseErrorKind::DayOutOfRange`] for a day the month never has.
            pub fn new(month: u8, day: u8) -> Result<Self, ParseError> {
                MonthDay::new(month, day).map(Self)
            }

            /// The month, 1 to 12.
            #[must_use]
            pub const fn month(&self) -> u8 {
                self.0.month
            }

            /// The day of the month.
            #[must_use]
            pub const fn day(&self) -> u8 {
                self.0.day
            }

            /// The full date, its year inferred from `today` by the rule of
            /// [`crate::value`]: the year among last year, this year and next year that puts
            /// the date nearest to today.
            ///
            /// # Errors
            /// [`ParseErrorKind::NoLeapYearNear`] for 29 February when none of those years is
            /// a leap year.
            pub fn date_near(&self, today: Date) -> Result<Date, ParseError> {
                self.0.date_near(today)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;

            /// Four digits, `MMDD`.
            fn from_str(s: &str) -> Result<Self, ParseError> {
                MonthDay::of_digits(digits::fixed(s, $what, 4)?, 0).map(Self)
            }
        }

        impl TextValue for $name {
            const EXPECTING: &'static str = concat!("a ", $what, " MMDD");
            const DIGITS: Option<usize> = Some(4);
        }

        text_serde!($name);
    };
}

month_day_element!(
    /// DE13 (ISO 8583:1987), local transaction date, `MMDD`.
    LocalDate,
    "local date"
);

month_day_element!(
    /// DE17, capture date, `MMDD`: the business day the acquirer captured the transaction on.
    CaptureDate,
    "capture date"
);

/// DE14, card expiration date, `YYMM`.
///
/// The two-digit year is read in the fixed window 2000 to 2099 (`YY` is `20YY`): cards carry
/// expiry dates a few years ahead, and no card in use expires before 2000. The card is valid
/// through the last day of its month ([`Expiry::is_expired_on`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expiry {
    /// The two-digit year, 0 to 99.
    yy: u8,
    month: u8,
}

impl Expiry {
    /// The expiry month `month` (1–12) of the year `year` (2000–2099).
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] for a year outside 2000 to 2099 or a month outside 1 to
    /// 12.
    pub fn new(year: u16, month: u8) -> Result<Self, ParseError> {
        let yy = year.checked_sub(2000).map_or(u64::MAX, u64::from);
        let yy = digits::part(yy, "year", 0, 99).map_err(|_| ParseErrorKind::OutOfRange {
            what: "expiry year",
            min: 2000,
            max: 2099,
        })?;
        Ok(Self {
            yy,
            month: digits::part(u64::from(month), "month", 1, 12)?,
        })
    }

    /// The year, 2000 to 2099.
    #[must_use]
    pub const fn year(&self) -> u16 {
        2000 + self.yy as u16
    }

    /// The month, 1 to 12.
    #[must_use]
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// Whether a card with this expiry date has expired on `today`: it is valid through the
    /// last day of its month.
    #[must_use]
    pub fn is_expired_on(&self, today: Date) -> bool {
        (today.year(), today.month()) > (self.year(), self.month)
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:02}", self.yy, self.month)
    }
}

impl FromStr for Expiry {
    type Err = ParseError;

    /// Four digits, `YYMM`.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let v = digits::fixed(s, "expiry date", 4)?;
        Ok(Self {
            yy: digits::part(pair(v, 2), "year", 0, 99)?,
            month: digits::part(pair(v, 0), "month", 1, 12)?,
        })
    }
}

impl TextValue for Expiry {
    const EXPECTING: &'static str = "an expiry date YYMM";
    const DIGITS: Option<usize> = Some(4);
}

text_serde!(Expiry);
