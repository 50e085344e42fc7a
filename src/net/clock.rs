//! Wall-clock helpers for the fields a channel fills itself: DE7 and the journal's times.

use crate::value::{Stan, StanGenerator, TransmissionDateTime};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (0 for a clock set before 1970).
#[must_use]
pub fn unix_ms(now: SystemTime) -> i64 {
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// DE7, the transmission date and time `MMDDhhmmss` in UTC, as ISO 8583 asks.
#[must_use]
pub fn transmission_time(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    TransmissionDateTime::from_unix_seconds(secs).to_string()
}

/// A moment in UTC, split into its calendar parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    /// The year.
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u64,
    /// The minute, 0 to 59.
    pub minute: u64,
    /// The second, 0 to 59.
    pub second: u64,
}

impl UtcTime {
    /// The moment `secs` seconds after the Unix epoch.
    #[must_use]
    pub fn of_secs(secs: u64) -> Self {
        let (year, month, day) = civil_date(i64::try_from(secs / 86_400).unwrap_or(0));
        let rem = secs % 86_400;
        Self {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: (rem / 60) % 60,
            second: rem % 60,
        }
    }

    /// The moment `ms` milliseconds after the Unix epoch (the epoch itself for a negative one).
    #[must_use]
    pub fn of_unix_ms(ms: i64) -> Self {
        Self::of_secs(u64::try_from(ms).unwrap_or(0) / 1000)
    }
}

impl core::fmt::Display for UtcTime {
    /// `YYYY-MM-DD hh:mm:ss`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The proleptic Gregorian date (year, month, day) of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days` algorithm).
#[must_use]
pub const fn civil_date(z: i64) -> (i64, u32, u32) {
    crate::value::civil_from_days(z)
}

/// A system trace audit number (DE11) source that is safe to share between tasks: 000001 to
/// 999999, then 000001 again (a [`StanGenerator`] that hands out text).
#[derive(Debug)]
pub struct StanCounter(StanGenerator);

impl StanCounter {
    /// A counter whose first number is the one after `first` (taken modulo 999999), so 0
    /// gives 000001.
    #[must_use]
    pub const fn starting_at(first: u32) -> Self {
        // `first % 999_999 + 1` is 1 to 999999, so `Stan::new` cannot refuse it.
        match Stan::new(first % 999_999 + 1) {
            Ok(stan) => Self(StanGenerator::new(stan)),
            Err(_) => Self(StanGenerator::new(Stan::MIN)),
        }
    }

    /// The next number, as six digits.
    pub fn next_stan(&self) -> String {
        self.0.next().to_string()
    }
}

impl Default for StanCounter {
    /// Starts from a number taken from the clock, so that a restarted process does not reuse
    /// the trace numbers of the minutes before.
    fn default() -> Self {
        let ms = unix_ms(SystemTime::now());
        Self::starting_at(u32::try_from(ms.rem_euclid(999_999)).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_transmission_time_in_utc() {
        // 2026-12-06T18:50:03Z
        let t = UNIX_EPOCH + Duration::from_secs(1_796_583_003);
        assert_eq!(transmission_time(t), "1206185003");
        assert_eq!(transmission_time(UNIX_EPOCH), "0101000000");
        // 2024-02-29T23:59:59Z, a leap day.
        let leap = UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(transmission_time(leap), "0229235959");
        assert_eq!(
            UtcTime::of_unix_ms(1_709_251_199_999).to_string(),
            "2024-02-29 23:59:59"
        );
        assert_eq!(UtcTime::of_unix_ms(-5).to_string(), "1970-01-01 00:00:00");
    }

    #[test]
    fn stan_wraps_from_999999_to_000001() {
        let c = StanCounter::starting_at(999_998);
        assert_eq!(c.next_stan(), "999999");
        assert_eq!(c.next_stan(), "000001");
        assert_eq!(c.next_stan(), "000002");
        assert_eq!(StanCounter::starting_at(0).next_stan(), "000001");
    }
}
