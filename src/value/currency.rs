//! [`Currency`] looked up by its codes, as text and through serde (the type and its table are
//! in `iso4217`).

use super::digits;
use super::error::{ParseError, ParseErrorKind};
pub use super::iso4217::Currency;
use super::iso4217::TABLE;
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

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

    /// Every active currency, sorted by alpha code.
    #[must_use]
    pub const fn all() -> &'static [Self] {
        &TABLE
    }

    /// The currency with alpha code `code` (upper case, `"USD"`).
    #[must_use]
    pub fn from_alpha(code: &str) -> Option<Self> {
        TABLE
            .binary_search_by(|c| c.alpha().cmp(code))
            .ok()
            .and_then(|i| TABLE.get(i))
            .copied()
    }

    /// The currency with numeric code `code` (`840`).
    #[must_use]
    pub fn from_numeric(code: u16) -> Option<Self> {
        TABLE.iter().find(|c| c.numeric() == code).copied()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:03})", self.alpha(), self.numeric())
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
