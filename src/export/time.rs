//! DE7, the transmission date and time (`MMDDhhmmss`, GMT), as seconds since the Unix epoch
//! once the year is known.

use crate::value::{Date, TransmissionDateTime};

/// Seconds since 1970-01-01T00:00:00Z of `mmddhhmmss` in `year`; `None` when the text is not
/// ten digits or not a valid date and time in that year (month 13, 29 February of a common
/// year, hour 24).
pub(super) fn transmission_epoch_seconds(year: u16, mmddhhmmss: &str) -> Option<i64> {
    let t: TransmissionDateTime = mmddhhmmss.parse().ok()?;
    let date = Date::new(year, t.month(), t.day()).ok()?;
    let time = u32::from(t.hour()) * 3_600 + u32::from(t.minute()) * 60 + u32::from(t.second());
    Some(date.unix_days() * 86_400 + i64::from(time))
}

#[cfg(test)]
mod tests {
    use super::transmission_epoch_seconds;

    #[test]
    fn converts_de7_with_a_year() {
        // 2026-11-23T13:25:00Z, as `date -u -d 2026-11-23T13:25:00Z +%s` gives.
        assert_eq!(
            transmission_epoch_seconds(2026, "1123132500"),
            Some(1_795_440_300)
        );
        assert_eq!(transmission_epoch_seconds(1970, "0101000000"), Some(0));
        assert_eq!(
            transmission_epoch_seconds(2024, "0229235959"),
            Some(1_709_251_199)
        );
        assert_eq!(transmission_epoch_seconds(1969, "1231235959"), Some(-1));
    }

    #[test]
    fn rejects_invalid_de7() {
        for bad in [
            "0229000000", // 2026 is not a leap year
            "1301000000",
            "0001000000",
            "0100000000",
            "0101240000",
            "0101006000",
            "0101000060",
            "010100000",
            "01010000000",
            "01010000a0",
        ] {
            assert_eq!(transmission_epoch_seconds(2026, bad), None, "{bad}");
        }
    }
}
