//! [`Pan`], a primary account number (DE2) checked by its Luhn digit and masked in every
//! output unless clear text is asked for.

use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use crate::mask::write_masked;
use crate::spec::Mask;
use core::fmt;
use core::str::FromStr;

/// A primary account number: 12 to 19 digits whose last digit is the Luhn check digit of the
/// others (ISO/IEC 7812).
///
/// Card data never leaves it by accident: `Display`, `Debug` and `Serialize` all show the
/// masked form (first 6 and last 4 digits, `424242******4242`, the crate's PAN mask). The
/// digits come out only through [`Pan::clear_text`], or [`Pan::clear`] for a value that
/// displays and serialises in clear text, e.g. to write a PAN into a message:
///
/// ```
/// use iso8583_wire::value::Pan;
///
/// let pan: Pan = "4242424242424242".parse()?;
/// assert_eq!(pan.to_string(), "424242******4242");
/// assert_eq!(serde_json::to_string(&pan)?, r#""424242******4242""#);
/// assert_eq!(serde_json::to_string(&pan.clear())?, r#""4242424242424242""#);
/// assert_eq!(pan.clear_text(), "4242424242424242");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Text (and serde input) is read in clear only: a masked number is refused with
/// [`ParseErrorKind::MaskedPan`], so that the masked output of one program fed to another is
/// caught instead of taken for a card number. No error ever holds a digit of the number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pan {
    digits: [u8; 19],
    len: u8,
}

impl Pan {
    /// The PAN `body` followed by its Luhn check digit: `body` is 11 to 18 digits (a test
    /// card number, or one made from an issuer's range).
    ///
    /// # Errors
    /// As `FromStr`, for the number with its check digit.
    pub fn with_check_digit(body: &str) -> Result<Self, ParseError> {
        let mut digits = [0u8; 19];
        let len = check_text(body, 11, 18)?;
        let (head, tail) = digits.split_at_mut_checked(len).unwrap_or_default();
        head.copy_from_slice(body.as_bytes());
        let check = luhn_check_digit(body.as_bytes());
        if let Some(slot) = tail.first_mut() {
            *slot = b'0' + check;
        }
        Ok(Self {
            digits,
            // At most 19.
            len: u8::try_from(len + 1).unwrap_or(19),
        })
    }

    /// The digits, in clear text. Use it only where card data may be handled (building a
    /// message, a vault); everything else should show [`Pan`] itself, which is masked.
    #[must_use]
    pub fn clear_text(&self) -> &str {
        let digits = self.digits.get(..usize::from(self.len)).unwrap_or_default();
        // Only ASCII digits are stored.
        core::str::from_utf8(digits).unwrap_or_default()
    }

    /// A view of the number that displays and serialises in clear text.
    #[must_use]
    pub const fn clear(&self) -> ClearPan<'_> {
        ClearPan(self)
    }

    /// The number of digits, 12 to 19.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always `false`: a PAN has at least 12 digits.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The Luhn (mod 10) check digit of `body`, a run of ASCII digits.
fn luhn_check_digit(body: &[u8]) -> u8 {
    // From the right, every second digit starting with the last one of `body` is doubled,
    // since the check digit will take the rightmost place.
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c.wrapping_sub(b'0'));
            if i % 2 == 0 {
                let twice = d * 2;
                twice / 10 + twice % 10
            } else {
                d
            }
        })
        .sum();
    // `(10 - sum % 10) % 10` is one digit.
    #[allow(clippy::cast_possible_truncation)]
    let check = ((10 - sum % 10) % 10) as u8;
    check
}

/// Checks that `text` is `min` to `max` digits and returns its length, refusing masked text
/// first (a `*` anywhere) so that the error says it is masked.
fn check_text(text: &str, min: usize, max: usize) -> Result<usize, ParseError> {
    let what = "PAN";
    if text.contains('*') {
        return Err(ParseErrorKind::MaskedPan.into());
    }
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
    match text.bytes().position(|c| !c.is_ascii_digit()) {
        Some(position) => Err(ParseErrorKind::NotDigit { what, position }.into()),
        None => Ok(found),
    }
}

impl FromStr for Pan {
    type Err = ParseError;

    /// 12 to 19 digits in clear text, the last the Luhn check digit.
    ///
    /// Errors: [`ParseErrorKind::MaskedPan`] for text holding `*`, [`ParseErrorKind::Length`],
    /// [`ParseErrorKind::NotDigit`], and [`ParseErrorKind::Luhn`] for a wrong check digit.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let len = check_text(s, 12, 19)?;
        let (body, check) = s
            .as_bytes()
            .split_at_checked(len.saturating_sub(1))
            .unwrap_or_default();
        if check.first().map(|c| c.wrapping_sub(b'0')) != Some(luhn_check_digit(body)) {
            return Err(ParseErrorKind::Luhn.into());
        }
        let mut digits = [0u8; 19];
        if let Some(slot) = digits.get_mut(..len) {
            slot.copy_from_slice(s.as_bytes());
        }
        Ok(Self {
            digits,
            // At most 19.
            len: u8::try_from(len).unwrap_or(19),
        })
    }
}

impl fmt::Display for Pan {
    /// The masked form, first 6 and last 4 digits (`424242******4242`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_masked(f, Mask::Pan, self.clear_text())
    }
}

impl fmt::Debug for Pan {
    /// `Pan("424242******4242")`, masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pan(\"")?;
        fmt::Display::fmt(self, f)?;
        f.write_str("\")")
    }
}

impl TextValue for Pan {
    const EXPECTING: &'static str = "a PAN of 12 to 19 digits in clear text";
    const DIGITS: Option<usize> = None;
}

text_serde!(Pan);

/// A [`Pan`] that displays and serialises in clear text (from [`Pan::clear`]). `Debug` stays
/// masked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ClearPan<'a>(&'a Pan);

impl fmt::Display for ClearPan<'_> {
    /// All the digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.clear_text())
    }
}

impl fmt::Debug for ClearPan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl serde::Serialize for ClearPan<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.clear_text())
    }
}
