//! The small amount of calendar arithmetic the date types need: leap years, month lengths,
//! day counts from the Unix epoch, and inferring the year of a date sent without one.
//!
//! All dates are in the proleptic Gregorian calendar.

use super::digits::{self, pair};
use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// A calendar date with its year (1 to 9999): "today", as a caller's clock gives it, and the
/// result of inferring the year of a date sent without one.
///
/// The crate never reads the system clock itself: a caller makes today's date from its own
/// clock, for example with [`Date::from_unix_seconds`], so that tests can pin it.
///
/// Written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date `year`-`month`-`day`.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] for a year outside 1 to 9999 or a month outside 1 to 12,
    /// [`ParseErrorKind::DayOutOfRange`] for a day the month does not have, and
    /// [`ParseErrorKind::NotLeapYear`] for 29 February of a common year.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ParseError> {
        if !(1..=9999).contains(&year) {
            return Err(ParseErrorKind::OutOfRange {
                what: "year",
                min: 1,
                max: 9999,
            }
            .into());
        }
        MonthDay::new(month, day)?;
        if month == 2 && day == 29 && !is_leap_year(year) {
            return Err(ParseErrorKind::NotLeapYear { year }.into());
        }
        Ok(Self { year, month, day })
    }

    /// The year.
    #[must_use]
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    #[must_use]
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    #[must_use]
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// The date (in UTC) `secs` seconds after the Unix epoch, `None` past the year 9999.
    #[must_use]
    pub fn from_unix_seconds(secs: u64) -> Option<Self> {
        Self::from_unix_days(i64::try_from(secs / 86_400).ok()?)
    }

    /// The date `days` days after 1970-01-01 (before it, for a negative count), `None`
    /// outside the years 1 to 9999.
    #[must_use]
    pub fn from_unix_days(days: i64) -> Option<Self> {
        // Beyond this the day count could overflow; far beyond the year 9999 anyway.
        if days.unsigned_abs() > 10_000 * 366 {
            return None;
        }
        let (year, month, day) = civil_from_days(days);
        Self::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
        .ok()
    }

    /// Days from 1970-01-01 to this date (negative before it).
    #[must_use]
    pub const fn unix_days(&self) -> i64 {
        days_from_civil(self.year as i64, self.month as u32, self.day as u32)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = ParseError;

    /// `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let what = "date";
        let dashes = s.len() == 10 && s.get(4..5) == Some("-") && s.get(7..8) == Some("-");
        let (Some(y), Some(m), Some(d), true) = (s.get(..4), s.get(5..7), s.get(8..), dashes)
        else {
            return Err(ParseErrorKind::Length {
                what,
                found: s.chars().count(),
                min: 10,
                max: 10,
            }
            .into());
        };
        let year = digits::fixed(y, what, 4)?;
        let month = digits::fixed(m, what, 2)?;
        let day = digits::fixed(d, what, 2)?;
        Self::new(
            u16::try_from(year).unwrap_or(0),
            digits::part(month, "month", 1, 12)?,
            digits::part(day, "day", 1, 31)?,
        )
    }
}

impl TextValue for Date {
    const EXPECTING: &'static str = "a date written YYYY-MM-DD";
    const DIGITS: Option<usize> = None;
}

text_serde!(Date);

/// Whether `year` is a leap year of the Gregorian calendar.
#[must_use]
pub const fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// The number of days of `month` (1 to 12): 29 for February when `leap`, and 0 for a month
/// outside 1 to 12.
const fn days_in_month(month: u8, leap: bool) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// A month and a day without a year (DE13, DE17, the date part of DE7): 29 February is
/// allowed, since it exists in some year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct MonthDay {
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl MonthDay {
    /// The month and day, checked to exist in some year.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] for a month outside 1 to 12 or day 0, and
    /// [`ParseErrorKind::DayOutOfRange`] for a day past the month's end.
    pub(crate) fn new(month: u8, day: u8) -> Result<Self, ParseError> {
        let month = digits::part(u64::from(month), "month", 1, 12)?;
        let max = days_in_month(month, true);
        if day == 0 {
            return Err(ParseErrorKind::OutOfRange {
                what: "day",
                min: 1,
                max: 31,
            }
            .into());
        }
        if day > max {
            return Err(ParseErrorKind::DayOutOfRange { month, max }.into());
        }
        Ok(Self { month, day })
    }

    /// From the four digits `MMDD` of `v`, starting at digit `at` from the right.
    pub(crate) fn of_digits(v: u64, at: u32) -> Result<Self, ParseError> {
        let month = digits::part(pair(v, at + 2), "month", 1, 12)?;
        let day = digits::part(pair(v, at), "day", 0, 99)?;
        Self::new(month, day)
    }

    /// The date of this month and day nearest to `today`, in last year, this year or next
    /// year (see [`crate::value`] for the rule).
    ///
    /// # Errors
    /// [`ParseErrorKind::NoLeapYearNear`] for 29 February when none of the three years is a
    /// leap year, and [`ParseErrorKind::OutOfRange`] when the only candidates are outside the
    /// years 1 to 9999.
    pub(crate) fn date_near(self, today: Date) -> Result<Date, ParseError> {
        let now = today.unix_days();
        let mut best: Option<(i64, Date)> = None;
        for year in [
            today.year.checked_sub(1),
            Some(today.year),
            today.year.checked_add(1),
        ]
        .into_iter()
        .flatten()
        {
            let Ok(candidate) = Date::new(year, self.month, self.day) else {
                continue;
            };
            let distance = (candidate.unix_days() - now).abs();
            // Candidates come in ascending order: a tie keeps the earlier, past one.
            if best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, candidate));
            }
        }
        match best {
            Some((_, date)) => Ok(date),
            None if self.month == 2 && self.day == 29 => Err(ParseErrorKind::NoLeapYearNear.into()),
            None => Err(ParseErrorKind::OutOfRange {
                what: "year",
                min: 1,
                max: 9999,
            }
            .into()),
        }
    }
}

/// A time of day to the second (DE12, the time part of DE7). Leap seconds (`60`) are not
/// accepted: ISO 8583 times are `00` to `59`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TimeOfDay {
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
}

impl TimeOfDay {
    /// The time, checked.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] for an hour over 23, or a minute or second over 59.
    pub(crate) fn new(hour: u8, minute: u8, second: u8) -> Result<Self, ParseError> {
        Ok(Self {
            hour: digits::part(u64::from(hour), "hour", 0, 23)?,
            minute: digits::part(u64::from(minute), "minute", 0, 59)?,
            second: digits::part(u64::from(second), "second", 0, 59)?,
        })
    }

    /// From the six digits `hhmmss` of `v`, starting at digit `at` from the right.
    pub(crate) fn of_digits(v: u64, at: u32) -> Result<Self, ParseError> {
        let part = |shift: u32| u8::try_from(pair(v, at + shift)).unwrap_or(u8::MAX);
        Self::new(part(4), part(2), part(0))
    }
}

/// Days from 1970-01-01 to `year`-`month`-`day` (Howard Hinnant's `days_from_civil`).
const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month, day) of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days` algorithm).
#[must_use]
pub(crate) const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // `m` is 1 to 12 and `d` 1 to 31.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (y, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_round_trip() {
        for days in [-719_162, -1, 0, 1, 10_957, 19_782, 20_819, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2026));
    }
}
