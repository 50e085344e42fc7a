//! [`Currency`], an ISO 4217 currency: alpha code, numeric code and minor-unit exponent.

use super::digits;
use super::error::{ParseError, ParseErrorKind};
use super::iso4217::TABLE;
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// An active ISO 4217 currency, from the table of every one (see the source in
/// `src/value/iso4217.rs`: ISO 4217 List One, maintained by SIX).
///
/// Made only from the table ([`Currency::from_alpha`], [`Currency::from_numeric`], `FromStr`),
/// so every value is a real currency. Shown by its alpha code (`USD`); read from the alpha
/// code or the three-digit numeric code (`840`) as DE49–DE51 carry it; serde writes the alpha
/// code and reads either, or the numeric code as an integer.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    alpha: &'static str,
    numeric: u16,
    exponent: Option<u8>,
}

impl Currency {
    /// US dollar, 840, 2 decimal places.
    pub const USD: Self = Self::entry("USD", 840, Some(2));
    /// Euro, 978, 2 decimal places.
    pub const EUR: Self = Self::entry("EUR", 978, Some(2));
    /// Pound sterling, 826, 2 decimal places.
    pub const GBP: Self = Self::entry("GBP", 826, Some(2));
    /// Yen, 392, no decimal places.
    pub const JPY: Self = Self::entry("JPY", 392, Some(0));
    /// Yuan renminbi, 156, 2 decimal places.
    pub const CNY: Self = Self::entry("CNY", 156, Some(2));

    /// A table entry.
    pub(crate) const fn entry(alpha: &'static str, numeric: u16, exponent: Option<u8>) -> Self {
        Self {
            alpha,
            numeric,
            exponent,
        }
    }

    /// Every active currency, sorted by alpha code.
    #[must_use]
    pub const fn all() -> &'static [Self] {
        &TABLE
    }

    /// The currency with alpha code `code` (upper case, `"USD"`).
    #[must_use]
    pub fn from_alpha(code: &str) -> Option<Self> {
        TABLE
            .binary_search_by(|c| c.alpha.cmp(code))
            .ok()
            .and_then(|i| TABLE.get(i))
            .copied()
    }

    /// The currency with numeric code `code` (`840`).
    #[must_use]
    pub fn from_numeric(code: u16) -> Option<Self> {
        TABLE.iter().find(|c| c.numeric == code).copied()
    }

    /// The alpha code, `"USD"`.
    #[must_use]
    pub const fn alpha(&self) -> &'static str {
        self.alpha
    }

    /// The numeric code, `840`.
    #[must_use]
    pub const fn numeric(&self) -> u16 {
        self.numeric
    }

    /// The minor-unit exponent: the number of decimal places of the currency's minor unit
    /// (2 for USD, 0 for JPY, 3 for KWD, 4 for CLF), or `None` where ISO 4217 says "N.A."
    /// (gold, silver, SDR and other units with no minor unit).
    #[must_use]
    pub const fn exponent(&self) -> Option<u8> {
        self.exponent
    }

    /// The number of decimal places amounts are written with: the exponent, or 0 for a
    /// currency without one.
    #[must_use]
    pub const fn decimal_places(&self) -> u8 {
        match self.exponent {
            Some(e) => e,
            None => 0,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:03})", self.alpha(), self.numeric)
    }
}

impl FromStr for Currency {
    type Err = ParseError;

    /// An alpha code (`USD`) or a three-digit numeric code (`840`).
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let found = if s.bytes().all(|c| c.is_ascii_digit()) {
            let n = digits::fixed(s, "currency code", 3)?;
            u16::try_from(n).ok().and_then(Self::from_numeric)
        } else {
            Self::from_alpha(s)
        };
        found.ok_or_else(|| ParseErrorKind::UnknownCurrency.into())
    }
}

impl TextValue for Currency {
    const EXPECTING: &'static str = "an ISO 4217 alpha or numeric currency code";
    const DIGITS: Option<usize> = Some(3);
}

text_serde!(Currency);
