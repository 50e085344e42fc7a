//! [`Rrn`], the retrieval reference number (DE37).

use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// DE37, the retrieval reference number: exactly 12 characters of class `an`, as every
/// built-in spec defines DE37.
///
/// The rule enforced: 12 ASCII letters, digits or spaces (spaces anywhere, so that a reference
/// shorter than 12 and padded with spaces on either side is kept as it was sent), and not all
/// spaces. Nothing else about its content is assumed: networks build it differently (often
/// `YDDDhh` and the STAN; Mastercard 7 characters of date and initiator data and 5 of the
/// terminal's transaction number).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rrn([u8; 12]);

impl Rrn {
    /// The reference as text, 12 characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Rrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Rrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rrn({:?})", self.as_str())
    }
}

impl FromStr for Rrn {
    type Err = ParseError;

    /// Exactly 12 letters, digits or spaces, not all spaces.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let what = "RRN";
        let Ok(bytes) = <[u8; 12]>::try_from(s.as_bytes()) else {
            return Err(ParseErrorKind::Length {
                what,
                found: s.chars().count(),
                min: 12,
                max: 12,
            }
            .into());
        };
        if let Some(position) = bytes
            .iter()
            .position(|c| !c.is_ascii_alphanumeric() && *c != b' ')
        {
            return Err(ParseErrorKind::NotAlphanumeric { what, position }.into());
        }
        if bytes.iter().all(|c| *c == b' ') {
            return Err(ParseErrorKind::Length {
                what,
                found: 0,
                min: 1,
                max: 12,
            }
            .into());
        }
        Ok(Self(bytes))
    }
}

impl TextValue for Rrn {
    const EXPECTING: &'static str = "a retrieval reference number of 12 letters or digits";
    const DIGITS: Option<usize> = None;
}

text_serde!(Rrn);
