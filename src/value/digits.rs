//! Reading the fixed- and variable-width decimal numbers the value types are written with.

use super::error::{ParseError, ParseErrorKind};

/// `text` as a number of `min` to `max` decimal digits.
///
/// # Errors
/// [`ParseErrorKind::Length`] when `text` has too few or too many characters,
/// [`ParseErrorKind::NotDigit`] at the first character that is not `0`–`9`, and
/// [`ParseErrorKind::OutOfRange`] when the number does not fit in a `u64`.
pub(crate) fn number(
    text: &str,
    what: &'static str,
    min: usize,
    max: usize,
) -> Result<u64, ParseError> {
    let found = text.len();
    if found < min || found > max {
        return Err(ParseErrorKind::Length {
            what,
            found: text.chars().count(),
            min,
            max,
        }
        .into());
    }
    let mut v = Some(0u64);
    for (position, c) in text.bytes().enumerate() {
        if !c.is_ascii_digit() {
            return Err(ParseErrorKind::NotDigit { what, position }.into());
        }
        v = v
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(c - b'0')));
    }
    v.ok_or_else(|| {
        ParseErrorKind::OutOfRange {
            what,
            min: 0,
            max: u64::MAX,
        }
        .into()
    })
}

/// `text` as a number of exactly `len` decimal digits (see [`number`]).
///
/// # Errors
/// As [`number`].
pub(crate) fn fixed(text: &str, what: &'static str, len: usize) -> Result<u64, ParseError> {
    number(text, what, len, len)
}

/// `v` when it is within `min..=max`, as a `u8` (every part checked this way is below 256).
///
/// # Errors
/// [`ParseErrorKind::OutOfRange`] naming `what` otherwise.
pub(crate) fn part(v: u64, what: &'static str, min: u8, max: u8) -> Result<u8, ParseError> {
    match u8::try_from(v) {
        Ok(p) if (min..=max).contains(&p) => Ok(p),
        _ => Err(ParseErrorKind::OutOfRange {
            what,
            min: u64::from(min),
            max: u64::from(max),
        }
        .into()),
    }
}

/// Two digits of `v`: its decimal digits `at` and `at + 1` counted from the right, from 0.
pub(crate) const fn pair(v: u64, at: u32) -> u64 {
    (v / 10u64.pow(at)) % 100
}

/// `v` in decimal, zero-filled to `width` digits (more digits when `v` needs them, and at
/// most 20, which any `u64` fits in).
pub(crate) fn zero_padded(mut v: u64, width: usize, buf: &mut [u8; 20]) -> &str {
    let mut written = 0;
    for slot in buf.iter_mut().rev() {
        // `v % 10` is a single digit.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (v % 10) as u8;
        *slot = b'0' + digit;
        v /= 10;
        written += 1;
        if v == 0 && written >= width {
            break;
        }
    }
    let digits = buf.get(buf.len() - written..).unwrap_or_default();
    // Only ASCII digits were written.
    core::str::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_integers_to_their_width() {
        let mut buf = [0; 20];
        assert_eq!(zero_padded(123, 6, &mut buf), "000123");
        assert_eq!(zero_padded(0, 3, &mut buf), "000");
        assert_eq!(zero_padded(0, 0, &mut buf), "0");
        assert_eq!(zero_padded(1_234_567, 6, &mut buf), "1234567");
        assert_eq!(zero_padded(u64::MAX, 32, &mut buf), "18446744073709551615");
    }

    #[test]
    fn refuses_numbers_past_u64() {
        assert_eq!(number("18446744073709551615", "n", 1, 30), Ok(u64::MAX));
        assert_eq!(
            number("18446744073709551616", "n", 1, 30).map_err(|e| e.kind()),
            Err(ParseErrorKind::OutOfRange {
                what: "n",
                min: 0,
                max: u64::MAX
            })
        );
        assert_eq!(
            number("12a", "n", 1, 3).map_err(|e| e.kind()),
            Err(ParseErrorKind::NotDigit {
                what: "n",
                position: 2
            })
        );
    }
}
