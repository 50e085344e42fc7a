//! [`ParseError`]: why text, a serde value or a message field is not a valid value type.

use super::iso4217::Currency;
use core::fmt;

/// Why text, a serde value or a data element is not a valid value of one of the types in
/// [`value`](crate::value): what was wrong, and which data element when one was read.
///
/// It never holds the value itself (which may be a card number), only what was wrong with it:
/// a position, a length, a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParseError {
    kind: ParseErrorKind,
    field: Option<u16>,
}

impl ParseError {
    /// An error of `kind`, about no data element in particular.
    #[must_use]
    pub const fn new(kind: ParseErrorKind) -> Self {
        Self { kind, field: None }
    }

    /// The same error, about data element `field`.
    #[must_use]
    pub const fn in_field(self, field: u16) -> Self {
        Self {
            field: Some(field),
            ..self
        }
    }

    /// What was wrong.
    #[must_use]
    pub const fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The data element the value was read from, when it was read from a message.
    #[must_use]
    pub const fn field(&self) -> Option<u16> {
        self.field
    }
}

impl From<ParseErrorKind> for ParseError {
    fn from(kind: ParseErrorKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(n) => write!(f, "DE{n}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl core::error::Error for ParseError {}

/// What was wrong with a value (see [`ParseError`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text has the wrong number of characters.
    #[error("{what} has {found} characters, expected {}", Span(*min, *max))]
    Length {
        /// What was being read, e.g. `"STAN"`.
        what: &'static str,
        /// How many characters the text has.
        found: usize,
        /// The fewest characters allowed.
        min: usize,
        /// The most characters allowed.
        max: usize,
    },
    /// A character that must be a decimal digit is not.
    #[error("{what}: character {position} is not a digit")]
    NotDigit {
        /// What was being read.
        what: &'static str,
        /// The offending character's position, from 0.
        position: usize,
    },
    /// A character of an `an` value is not an ASCII letter, digit or space.
    #[error("{what}: character {position} is not a letter, digit or space")]
    NotAlphanumeric {
        /// What was being read.
        what: &'static str,
        /// The offending character's position, from 0.
        position: usize,
    },
    /// A number is outside the range its part allows (a month of 13, an hour of 24, STAN 0).
    #[error("{what} is not in {min} to {max}")]
    OutOfRange {
        /// Which part, e.g. `"month"` or `"STAN"`.
        what: &'static str,
        /// The smallest value allowed.
        min: u64,
        /// The largest value allowed.
        max: u64,
    },
    /// The day does not exist in its month (30 February, 31 April).
    #[error("day is not in 1 to {max} for month {month}")]
    DayOutOfRange {
        /// The month, 1 to 12.
        month: u8,
        /// The last day of that month (29 for February when the year is not known).
        max: u8,
    },
    /// 29 February in a year that is not a leap year.
    #[error("29 February does not exist in {year}")]
    NotLeapYear {
        /// The year.
        year: u16,
    },
    /// 29 February, and neither last year, this year nor next year (from the clock given) is
    /// a leap year, so no year can be inferred.
    #[error("29 February, and no year next to today is a leap year")]
    NoLeapYearNear,
    /// An amount has the wrong number of decimal places for its currency.
    #[error(
        "{currency} has {expected} decimal places (ISO 4217 minor-unit exponent), found {found}"
    )]
    DecimalPlaces {
        /// The amount's currency.
        currency: Currency,
        /// The number of decimal places the currency has.
        expected: u8,
        /// The number of decimal places given.
        found: usize,
    },
    /// The code is not an active ISO 4217 currency, by alpha or numeric code.
    #[error("not an active ISO 4217 currency code")]
    UnknownCurrency,
    /// An amount is not written `units.minor CUR` (one space before the currency code).
    #[error("amount is not written as `<units>.<minor units> <currency code>`")]
    AmountSyntax,
    /// A card number whose check digit is wrong.
    #[error("PAN fails the Luhn check")]
    Luhn,
    /// A card number given in its masked form (`424242******4242`), which holds no card number.
    #[error("PAN is masked (`*` in place of digits), not clear text")]
    MaskedPan,
    /// A data element needed to read the value is absent.
    #[error("absent")]
    Missing,
    /// A data element could not be read as text (e.g. a binary field where digits belong).
    #[error("not readable as {what}")]
    Unreadable {
        /// What was being read.
        what: &'static str,
    },
}

/// `min to max` characters, or `n` when both are the same.
struct Span(usize, usize);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == self.1 {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{} to {}", self.0, self.1)
        }
    }
}
