//! Value types for the data elements payments code handles most: amounts with their currency,
//! trace and reference numbers, dates and times, the processing code, the POS entry mode and
//! the card number.
//!
//! Each type checks its value when it is made, shows it as its wire text (`Display`), reads it
//! back from that text (`FromStr`), and goes through serde as that text (the digit-only types
//! also deserialise from an integer: STAN `123` is `000123`). Errors are [`ParseError`]s that
//! say what was wrong and, for a value read from a message, which data element, but never hold
//! the value itself.
//!
//! ```
//! use iso8583_wire::value::{Amount, AmountKind, Currency, Date, LocalDate, Pan, Stan};
//! use iso8583_wire::{Message, Mti, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let amount: Amount = "12.34 USD".parse()?;
//! assert_eq!(amount.minor_units(), 1234);
//! assert!("12.345 USD".parse::<Amount>().is_err()); // USD has 2 decimal places
//! assert_eq!(Amount::new(1234, Currency::JPY).to_string(), "1234 JPY");
//!
//! // DE4 and DE49 are written and read as a pair.
//! let mut msg = Message::new(Mti::AUTHORIZATION_REQUEST);
//! amount.set_into(&mut msg, spec, AmountKind::Transaction)?;
//! assert_eq!(msg.field(spec, 4).ok_or("no DE4")?.to_text(), "000000001234");
//! assert_eq!(msg.field(spec, 49).ok_or("no DE49")?.to_text(), "840");
//! assert_eq!(Amount::from_message(&msg, spec, AmountKind::Transaction)?, Some(amount));
//!
//! // Card numbers are checked and masked.
//! let pan: Pan = "4242424242424242".parse()?;
//! assert_eq!(pan.to_string(), "424242******4242");
//! assert!("4242424242424241".parse::<Pan>().is_err()); // bad Luhn digit
//!
//! // A date sent without its year takes the year that puts it nearest to today.
//! let today = Date::new(2026, 12, 31)?;
//! let date: LocalDate = "0101".parse()?;
//! assert_eq!(date.date_near(today)?, Date::new(2027, 1, 1)?);
//! assert_eq!(Stan::new(123)?.to_string(), "000123");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The types
//! - [`Amount`] (DE4, DE5, DE6): minor units and a [`Currency`] from the ISO 4217 table of
//!   every active currency, paired with the currency elements DE49, DE50, DE51
//!   ([`AmountKind`]).
//! - [`Stan`] (DE11) and [`StanGenerator`], a thread-safe source that wraps 999999 → 000001.
//! - [`Rrn`] (DE37): 12 letters, digits or spaces.
//! - [`TransmissionDateTime`] (DE7, `MMDDhhmmss`), [`LocalTime`] (DE12, `hhmmss`),
//!   [`LocalDate`] (DE13, `MMDD`), [`Expiry`] (DE14, `YYMM`) and [`CaptureDate`] (DE17,
//!   `MMDD`), with [`Date`] for today's date and the inferred one.
//! - [`ProcessingCode`] (DE3): [`TransactionType`] and two [`AccountType`]s.
//! - [`PosEntryMode`] (DE22 of ISO 8583:1987): [`PanEntryMode`] and [`PinCapability`].
//! - [`Pan`] (DE2): Luhn-checked, masked in `Display`, `Debug` and serde; clear text only
//!   through [`Pan::clear_text`] or [`Pan::clear`].
//!
//! # Dates without a year
//! DE7, DE13 and DE17 carry a month and a day but no year. Their `date_near(today)` infers it
//! from today's date, which the caller supplies from its own clock ([`Date::new`],
//! [`Date::from_unix_seconds`]); nothing here reads the system clock. The rule: of last year,
//! this year and next year, the year that puts the date nearest to today, counted in days. So
//! a date up to about six months ahead or behind is in the year it looks to be in: `0101` on
//! 2026-12-31 is 2027-01-01, `1231` on 2027-01-01 is 2026-12-31. When two years are equally
//! near, the earlier wins. A `0229` only takes a leap year among the three (so it can be up to
//! a year away), and is an error ([`ParseErrorKind::NoLeapYearNear`]) when there is none.
//!
//! A month and day without a year are checked to exist in some year: `0229` is accepted
//! until its year is known, `0230` and `1301` never are. Times run from `000000` to `235959`;
//! leap seconds (`60`) are refused.
//!
//! DE14's two-digit year is read in the fixed window 2000–2099 (see [`Expiry`]).

mod amount;
mod calendar;
mod code;
mod currency;
mod dates;
mod digits;
mod error;
mod iso4217;
mod pan;
mod pos_entry_mode;
mod processing_code;
mod rrn;
mod serde_text;
mod stan;

pub use amount::{Amount, AmountKind};
#[cfg(feature = "net")]
pub(crate) use calendar::civil_from_days;
pub use calendar::{is_leap_year, Date};
pub use currency::Currency;
pub use dates::{CaptureDate, Expiry, LocalDate, LocalTime, TransmissionDateTime};
pub use error::{ParseError, ParseErrorKind};
pub use pan::{ClearPan, Pan};
pub use pos_entry_mode::{PanEntryMode, PinCapability, PosEntryMode};
pub use processing_code::{AccountType, ProcessingCode, TransactionType};
pub use rrn::Rrn;
pub use stan::{Stan, StanGenerator};
