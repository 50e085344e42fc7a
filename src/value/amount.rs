//! [`Amount`], an amount of money in minor units of an ISO 4217 currency, and its pairing with
//! the amount and currency data elements of a message.

use super::currency::Currency;
use super::digits;
use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use crate::error::EncodeError;
use crate::field_view::FieldView;
use crate::message::Message;
use crate::spec::Spec;
use crate::view::MessageView;
use core::fmt;
use core::str::FromStr;

/// An amount of money: a count of the currency's minor units (cents for USD, yen for JPY,
/// fils for KWD) and the currency.
///
/// The count is unsigned (`u64`): the amounts of DE4, DE5 and DE6 are `n 12` and carry no
/// sign; whether money moves to or from the cardholder is said by the processing code (DE3)
/// and the message type, not by the amount.
///
/// Written as a decimal with the currency's number of decimal places and the alpha code:
/// `12.34 USD`, `1234 JPY`, `1.234 KWD`. A currency without a minor unit (gold `XAU`) is
/// written with none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    minor: u64,
    currency: Currency,
}

impl Amount {
    /// `minor` minor units of `currency` (`Amount::new(1234, Currency::USD)` is `12.34 USD`).
    #[must_use]
    pub const fn new(minor: u64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// The count of minor units, as DE4–DE6 carry it.
    #[must_use]
    pub const fn minor_units(&self) -> u64 {
        self.minor
    }

    /// The currency.
    #[must_use]
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount of `kind` in a decoded message, with its currency from the matching
    /// currency element (DE4 with DE49, DE5 with DE50, DE6 with DE51); `None` when the amount
    /// element is absent.
    ///
    /// The currency element may hold the numeric code (`840`, as ISO 8583 defines it) or the
    /// alpha code (`USD`, which some hosts send in an `an 3` field).
    ///
    /// # Errors
    /// A [`ParseError`] naming the element: [`ParseErrorKind::Missing`] when the amount is
    /// present but its currency element is not, [`ParseErrorKind::UnknownCurrency`] when the
    /// currency element is not an active ISO 4217 code, and [`ParseErrorKind::Unreadable`]
    /// when the amount is not a number.
    pub fn from_view(view: &MessageView<'_>, kind: AmountKind) -> Result<Option<Self>, ParseError> {
        read(kind, |n| view.field(n))
    }

    /// The amount of `kind` in an owned message read through `spec` (see
    /// [`Amount::from_view`]).
    ///
    /// # Errors
    /// As [`Amount::from_view`].
    pub fn from_message(
        message: &Message,
        spec: &Spec,
        kind: AmountKind,
    ) -> Result<Option<Self>, ParseError> {
        read(kind, |n| message.field(spec, n))
    }

    /// Sets the amount element of `kind` to the minor units (zero-filled to a fixed field's
    /// length) and its currency element to the three-digit numeric code.
    ///
    /// # Errors
    /// The [`EncodeError`] of [`Message::set`] for either element: the spec does not define
    /// it, or the amount has more digits than the field holds.
    pub fn set_into(
        &self,
        message: &mut Message,
        spec: &Spec,
        kind: AmountKind,
    ) -> Result<(), EncodeError> {
        let mut buf = [b'0'; 20];
        let n = kind.amount_field();
        let width = spec
            .field(n)
            .filter(|fs| fs.prefix.is_none())
            .map_or(0, |fs| fs.length as usize);
        message.set(spec, n, digits::zero_padded(self.minor, width, &mut buf))?;
        let mut code = [b'0'; 20];
        let code = digits::zero_padded(u64::from(self.currency.numeric()), 3, &mut code);
        message.set(spec, kind.currency_field(), code)?;
        Ok(())
    }
}

/// Which amount of a message: each is an amount element paired with a currency element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AmountKind {
    /// DE4, transaction amount, in the currency of DE49.
    Transaction,
    /// DE5, settlement amount (reconciliation amount in ISO 8583:1993), in the currency of
    /// DE50.
    Settlement,
    /// DE6, cardholder billing amount, in the currency of DE51.
    CardholderBilling,
}

impl AmountKind {
    /// The amount element: 4, 5 or 6.
    #[must_use]
    pub const fn amount_field(self) -> u16 {
        match self {
            Self::Transaction => 4,
            Self::Settlement => 5,
            Self::CardholderBilling => 6,
        }
    }

    /// The currency element: 49, 50 or 51.
    #[must_use]
    pub const fn currency_field(self) -> u16 {
        self.amount_field() + 45
    }
}

/// Reads the amount of `kind` through `field`, which looks a data element up.
fn read<'a>(
    kind: AmountKind,
    field: impl Fn(u16) -> Option<FieldView<'a>>,
) -> Result<Option<Amount>, ParseError> {
    let n = kind.amount_field();
    let Some(amount) = field(n) else {
        return Ok(None);
    };
    let c = kind.currency_field();
    let currency = field(c).ok_or(ParseError::new(ParseErrorKind::Missing).in_field(c))?;
    let minor = amount.to_u64().map_err(|_| {
        ParseError::new(ParseErrorKind::Unreadable { what: "an amount" }).in_field(n)
    })?;
    let mut buf = [0u8; 3];
    let text = currency
        .text_into(&mut buf)
        .map_err(|_| ParseError::new(ParseErrorKind::UnknownCurrency).in_field(c))?;
    let currency = text.parse::<Currency>().map_err(|e| e.in_field(c))?;
    Ok(Some(Amount::new(minor, currency)))
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = u32::from(self.currency.decimal_places());
        let scale = 10u64.pow(places);
        let (units, fraction) = (self.minor / scale, self.minor % scale);
        if places == 0 {
            write!(f, "{units} {}", self.currency)
        } else {
            let width = places as usize;
            write!(f, "{units}.{fraction:0width$} {}", self.currency)
        }
    }
}

impl FromStr for Amount {
    type Err = ParseError;

    /// `<units>.<minor units> <currency>`: digits, a point and exactly the currency's number
    /// of decimal places (none, and no point, for JPY), one space and an ISO 4217 code
    /// (`12.34 USD`, `1234 JPY`, `1.234 KWD`).
    ///
    /// `12.345 USD` and `12 USD` are refused: the error names the currency and its exponent.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let syntax = || ParseError::new(ParseErrorKind::AmountSyntax);
        let (number, code) = s.split_once(' ').ok_or_else(syntax)?;
        let currency: Currency = code.parse()?;
        let (units, fraction) = number.split_once('.').unwrap_or((number, ""));
        if units.is_empty() || (fraction.is_empty() && number.ends_with('.')) {
            return Err(syntax());
        }
        let expected = currency.decimal_places();
        if fraction.len() != usize::from(expected) {
            return Err(ParseErrorKind::DecimalPlaces {
                currency,
                expected,
                found: fraction.chars().count(),
            }
            .into());
        }
        let overflow = ParseErrorKind::OutOfRange {
            what: "amount",
            min: 0,
            max: u64::MAX,
        };
        let whole = digits::number(units, "amount", 1, usize::MAX)?;
        let minor_part = digits::number(fraction, "amount", 0, 4)?;
        let minor = whole
            .checked_mul(10u64.pow(u32::from(expected)))
            .and_then(|v| v.checked_add(minor_part))
            .ok_or(overflow)?;
        Ok(Self::new(minor, currency))
    }
}

impl TextValue for Amount {
    const EXPECTING: &'static str = "an amount written `12.34 USD`";
    const DIGITS: Option<usize> = None;
}

text_serde!(Amount);
