//! Building the reversal of a request: [`Message::reversal_of`] and [`ReversalReason`].

use super::Message;
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::mti::Mti;
use crate::response::Dialect;
use crate::spec::{ContentClass, Spec};

/// The fields of the original request a reversal carries, when the request has them: the ones
/// a host identifies the original by (card number, processing code, amount, transmission date
/// and time, STAN, local date and time, expiry, merchant type, entry mode, card sequence number,
/// condition code, institutions, retrieval reference, terminal, merchant, currency).
///
/// Track data (DE35, DE45), the PIN block (DE52) and chip data (DE55) are left out: a reversal
/// needs none of them to find the original, and each copy of them is one more place card data
/// can leak from.
const COPIED: [u16; 18] = [
    2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 23, 25, 32, 33, 37, 41, 42, 49,
];

/// The parts of DE90 after the original MTI: the field each one comes from and its width,
/// zero-filled on the left.
const ORIGINAL_DATA: [(u16, usize); 4] = [(11, 6), (7, 10), (32, 11), (33, 11)];

/// The length of DE90, original data elements, in ISO 8583:1987 (n 42).
const ORIGINAL_DATA_LEN: u32 = 42;

/// How a reversal is built: its reason code for DE39 and whether it is an advice (0420) or a
/// request (0400).
///
/// ```
/// use iso8583_wire::response::Dialect;
/// use iso8583_wire::ReversalReason;
///
/// let reason = ReversalReason::no_response(Dialect::ChinaUnionPay);
/// assert_eq!((reason.code(), reason.is_advice()), (*b"98", false));
/// assert!(reason.advice(true).is_advice());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReversalReason {
    code: [u8; 2],
    advice: bool,
}

impl ReversalReason {
    /// A reason with the DE39 value `code` (two characters, e.g. `*b"68"`), sent as an advice
    /// (`x420`) when `advice` is true and as a request (`x400`) otherwise.
    #[must_use]
    pub const fn new(code: [u8; 2], advice: bool) -> Self {
        Self { code, advice }
    }

    /// The "no response in time" reason of `dialect`, as a request (`x400`): the reason a
    /// terminal or acquirer gives when it sent a request in full and no answer came.
    ///
    /// - China UnionPay: `98`, "the POS got no answer from the POS centre within the time
    ///   limit" (the UnionPay reversal reasons 98 / 96 / A0 / 06, source S13 of the project's
    ///   response-code reference, §3.3).
    /// - ISO 8583:1987, Visa and Mastercard: `68`, "response received too late" (the ISO
    ///   reversal reason, and Mastercard's DE39 in 0400/0420, source S18, §4; Visa's table
    ///   falls back to ISO 8583:1987). Mastercard's `82` is the network's own timeout towards
    ///   the issuer, not the terminal's.
    /// - ISO 8583:1993 and 2003: `68` too, for want of a two-character code; these versions
    ///   carry the reason in DE25 (a four-digit message reason code, e.g. jPOS CMF 4021,
    ///   "timeout waiting for response"), and [`Message::reversal_of`] leaves DE39 out of a
    ///   spec whose DE39 is not two characters long.
    ///
    /// The project's channel notes ("Reversal message") say the same: DE39 is the reversal
    /// reason in the dialect's table, UnionPay 98, ISO 8583:1987 and many hosts 68.
    #[must_use]
    pub const fn no_response(dialect: Dialect) -> Self {
        let code = match dialect {
            Dialect::ChinaUnionPay => *b"98",
            Dialect::Iso8583_1987 | Dialect::Iso8583_1993 | Dialect::Visa | Dialect::Mastercard => {
                *b"68"
            }
        };
        Self::new(code, false)
    }

    /// The same reason, sent as an advice (`x420`) when `advice` is true, as a request
    /// (`x400`) otherwise.
    #[must_use]
    pub const fn advice(self, advice: bool) -> Self {
        Self { advice, ..self }
    }

    /// The DE39 value.
    #[must_use]
    pub const fn code(&self) -> [u8; 2] {
        self.code
    }

    /// Whether the reversal is an advice (`x420`) rather than a request (`x400`).
    #[must_use]
    pub const fn is_advice(&self) -> bool {
        self.advice
    }
}

impl Message {
    /// Builds the reversal of `request`, which was built or decoded with `spec`, to be encoded
    /// with `spec`.
    ///
    /// - The MTI is `x400`, or `x420` for an advice (see [`ReversalReason::advice`]), with the
    ///   request's version digit: `0200` gives `0400`, `1200` gives `1400`. Send a repeat with
    ///   [`Mti::repeat`].
    /// - The header and the identifying fields of the request that it has and `spec` defines
    ///   are copied: DE2, 3, 4, 7, 11, 12, 13, 14, 18, 22, 23, 25, 32, 33, 37, 41, 42 and 49.
    ///   Track data (DE35, DE45), the PIN block (DE52) and chip data (DE55) are not.
    /// - DE39 is the reason's code, when `spec` defines DE39 as two characters long (ISO
    ///   8583:1993 and 2003 give the reason in DE25 instead, which the caller sets).
    /// - DE90, original data elements, when `spec` defines it as ISO 8583:1987 does (n 42):
    ///   the request's MTI (a repeat's as its original's, `0201` as `0200`), DE11 in 6 digits,
    ///   DE7 in 10, DE32 in 11 and DE33 in 11, each zero-filled on the left, and all zeros for a
    ///   field the request lacks. Specs whose DE90 has another layout get no DE90.
    ///
    /// ```
    /// use iso8583_wire::response::Dialect;
    /// use iso8583_wire::{Message, Mti, ReversalReason, Spec};
    ///
    /// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    /// let mut sale = Message::new(Mti::FINANCIAL_REQUEST);
    /// sale.set(spec, 4, "000000001000")?.set(spec, 11, "123456")?;
    /// let reason = ReversalReason::no_response(Dialect::Iso8583_1987);
    /// let reversal = Message::reversal_of(&sale, spec, reason)?;
    /// assert_eq!(reversal.mti(), Mti::REVERSAL_REQUEST);
    /// let de90 = reversal.field(spec, 90).ok_or("no DE90")?.to_text();
    /// assert_eq!(de90, "020012345600000000000000000000000000000000");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`EncodeErrorKind::NotReversible`] when `request` is not a request (a response, an
    /// acknowledgement or a reserved function 8 or 9: see [`Mti::is_request`]), or a message
    /// of class 4 (a reversal or a chargeback); an [`EncodeError`] for DE90 or for the field it comes
    /// from when a part of it does not fit (a request field longer than its part, or not
    /// digits); the error of [`Message::set`] for DE39 when the reason's code breaks the
    /// field's class.
    pub fn reversal_of(
        request: &Message,
        spec: &Spec,
        reason: ReversalReason,
    ) -> Result<Message, EncodeError> {
        let original = request.mti();
        if !original.is_request() || original.class() == 4 {
            return Err(EncodeError::new(
                EncodeErrorKind::NotReversible { mti: original },
                Element::Mti,
            ));
        }
        let [version, class, function, origin] = *original.as_bytes();
        let numbers: Vec<u16> = COPIED
            .iter()
            .copied()
            .filter(|n| spec.field(*n).is_some())
            .collect();
        let mut reversal = request.with_only(&numbers);
        let function_digit = if reason.is_advice() { b'2' } else { b'0' };
        // The version digit is the request's, and the others are digits.
        reversal.set_mti(Mti::from_checked_digits([
            version,
            b'4',
            function_digit,
            b'0',
        ]));
        if spec
            .field(39)
            .is_some_and(|fs| fs.is_fixed() && fs.length == 2)
        {
            reversal.set(spec, 39, reason.code())?;
        }
        if spec.field(90).is_some_and(|fs| {
            fs.is_fixed() && fs.class == ContentClass::N && fs.length == ORIGINAL_DATA_LEN
        }) {
            // A repeat's original is the first transmission: clearing the low bit of an odd
            // ASCII digit gives the even digit below it.
            let first = Mti::from_checked_digits([version, class, function, origin & !1]);
            let de90 = original_data(request, spec, first)?;
            reversal.set(spec, 90, de90)?;
        }
        Ok(reversal)
    }
}

/// DE90 of the reversal of `request`: `mti`, then the parts of [`ORIGINAL_DATA`].
fn original_data(request: &Message, spec: &Spec, mti: Mti) -> Result<String, EncodeError> {
    let mut out = String::with_capacity(ORIGINAL_DATA_LEN as usize);
    out.push_str(mti.as_str());
    for (n, width) in ORIGINAL_DATA {
        let text = request
            .field(spec, n)
            .map(|f| f.to_text())
            .unwrap_or_default();
        let fill = width.checked_sub(text.len()).ok_or(EncodeError::new(
            EncodeErrorKind::LengthOutOfRange {
                len: text.len(),
                min: 0,
                max: width,
            },
            Element::Field(n),
        ))?;
        out.extend(core::iter::repeat_n('0', fill));
        out.push_str(&text);
    }
    Ok(out)
}
