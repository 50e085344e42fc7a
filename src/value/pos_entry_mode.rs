//! [`PosEntryMode`], DE22 of ISO 8583:1987: how the card number was read, and whether the
//! terminal can take a PIN.

use super::code::named_code;
use super::digits;
use super::error::ParseError;
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;

/// DE22 (ISO 8583:1987), the point-of-service entry mode, `n 3`: the PAN entry mode (2
/// digits) and the PIN entry capability (1 digit). `051` is a chip read at a terminal that
/// takes PINs; `072` a contactless chip read at one that does not.
///
/// ISO 8583:1993 and later replace DE22 with the 12-position POS data code, which this type
/// does not read. Visa's 4-digit form adds a filler digit (`0510`): read its first three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PosEntryMode {
    /// Positions 1–2: how the card number was entered.
    pub pan_entry: PanEntryMode,
    /// Position 3: whether the terminal can take a PIN.
    pub pin_capability: PinCapability,
}

impl PosEntryMode {
    /// An entry mode from its parts.
    #[must_use]
    pub const fn new(pan_entry: PanEntryMode, pin_capability: PinCapability) -> Self {
        Self {
            pan_entry,
            pin_capability,
        }
    }
}

impl fmt::Display for PosEntryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{}", self.pan_entry.0, self.pin_capability.0)
    }
}

impl FromStr for PosEntryMode {
    type Err = ParseError;

    /// Three digits.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let v = digits::fixed(s, "POS entry mode", 3)?;
        // Both parts are below 100.
        let pan = u8::try_from(v / 10).unwrap_or(0);
        let pin = u8::try_from(v % 10).unwrap_or(0);
        Ok(Self::new(PanEntryMode(pan), PinCapability(pin)))
    }
}

impl TextValue for PosEntryMode {
    const EXPECTING: &'static str = "a POS entry mode of three digits";
    const DIGITS: Option<usize> = Some(3);
}

text_serde!(PosEntryMode);

named_code!(
    /// Positions 1–2 of DE22, how the PAN was entered, 00 to 99. The constants are the values
    /// of ISO 8583:1987 and the card networks as commonly documented (and those China UnionPay
    /// terminals send: `02`, `05`, `07`, `01`, `91`, `96`, `98`).
    PanEntryMode, max = 99, {
        /// `00` unknown or unspecified.
        UNKNOWN = 0, "unknown";
        /// `01` manual (key) entry.
        MANUAL = 1, "manual";
        /// `02` magnetic stripe read, content not guaranteed to be unaltered.
        MAGNETIC_STRIPE = 2, "magnetic stripe";
        /// `03` bar code.
        BAR_CODE = 3, "bar code";
        /// `04` optical character reader.
        OCR = 4, "optical character reader";
        /// `05` integrated circuit card (contact chip).
        CHIP = 5, "chip";
        /// `07` contactless chip (EMV contactless).
        CONTACTLESS_CHIP = 7, "contactless chip";
        /// `10` credential on file.
        CREDENTIAL_ON_FILE = 10, "credential on file";
        /// `80` chip card read as magnetic stripe after the chip failed (fallback).
        CHIP_FALLBACK = 80, "chip fallback to magnetic stripe";
        /// `81` electronic commerce.
        ECOMMERCE = 81, "electronic commerce";
        /// `90` full magnetic stripe read, track data unaltered.
        FULL_MAGNETIC_STRIPE = 90, "full magnetic stripe";
        /// `91` contactless magnetic stripe.
        CONTACTLESS_MAGNETIC_STRIPE = 91, "contactless magnetic stripe";
        /// `95` chip read, card verification value possibly unreliable.
        CHIP_UNRELIABLE_CVV = 95, "chip, CVV unreliable";
    }
);

named_code!(
    /// Position 3 of DE22, the terminal's PIN entry capability, 0 to 9.
    PinCapability, max = 9, {
        /// `0` unknown.
        UNKNOWN = 0, "unknown";
        /// `1` the terminal can take a PIN (China UnionPay: a PIN was entered).
        CAN_ACCEPT_PIN = 1, "can accept PIN";
        /// `2` the terminal cannot take a PIN (China UnionPay: no PIN).
        CANNOT_ACCEPT_PIN = 2, "cannot accept PIN";
        /// `8` the terminal's PIN pad is out of order.
        PIN_PAD_DOWN = 8, "PIN pad down";
    }
);
