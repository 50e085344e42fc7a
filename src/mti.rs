//! The message type indicator.

use core::fmt;

/// A message type indicator: four ASCII decimal digits (version, class, function, origin).
///
/// Open like a wire enum: any four digits are kept as they are, and the common values have
/// names.
///
/// # The rules
///
/// The predicates of this type ([`is_request`](Self::is_request),
/// [`is_response`](Self::is_response), [`is_advice`](Self::is_advice),
/// [`is_reversal`](Self::is_reversal), [`is_chargeback`](Self::is_chargeback),
/// [`is_repeat`](Self::is_repeat)) and its mappings ([`repeat`](Self::repeat),
/// [`response`](Self::response)) are the crate's one statement of what an MTI means; the
/// response taxonomy, the channel's matching and the reversal builder all ask them. Each digit
/// means the same in ISO 8583:1987, 1993 and 2003, so the rules read the last three digits
/// alone, whatever the version digit:
///
/// | digit | values |
/// | --- | --- |
/// | 1 version | 0 = 1987, 1 = 1993, 2 = 2003; 3–7 reserved for ISO, 8 national, 9 private use |
/// | 2 class | 1 authorization, 2 financial, 3 file action, 4 reversal and chargeback, 5 reconciliation, 6 administrative, 7 fee collection, 8 network management; 0 and 9 reserved |
/// | 3 function | 0 request, 1 request response, 2 advice, 3 advice response, 4 notification, 5 notification acknowledgement, 6 instruction and 7 instruction acknowledgement (2003), 8 and 9 reserved |
/// | 4 origin | 0 acquirer, 1 acquirer repeat, 2 issuer, 3 issuer repeat, 4 other, 5 other repeat; 6–9 reserved |
///
/// What follows from the table:
///
/// - A request opens an exchange (function 0, 2, 4, 6) and a response answers one (1, 3, 5,
///   7): an acknowledgement is a response, as moov-io's channel has it ("a message is a
///   response when the MTI's third digit is 1/3/5/7", the project's channel notes). jPOS's
///   `isRequest` takes every even function (the project's jPOS notes); here the reserved
///   functions 8 and 9 are neither requests nor responses, since some networks use 8 for a
///   positive acknowledgement and 9 for a negative one (Wikipedia), and no rule can say which
///   side of an exchange they are on.
/// - Class 4 holds reversals (origin 0 or 1, x4x0 and x4x1) and chargebacks (origin 2 or 3,
///   x4x2 and x4x3), as jPOS's `isReversal` and `isChargeback` tell them apart (the project's
///   jPOS notes, "MTI helpers"); class 4 from another party (origin 4 or 5) is neither.
/// - A repeat has origin 1, 3 or 5; its answer has the original's origin (jPOS
///   `setResponseMTI` maps {0,1}→0, {2,3}→2, {4,5}→4).
///
/// Sources: the project's reference notes (`jpos-formats.md`, "MTI helpers"; `channels.md`,
/// moov-io; `dialects.md` §3, the version digit) and the public MTI tables of Wikipedia's
/// "ISO 8583" article (<https://en.wikipedia.org/wiki/ISO_8583>, message type indicator) and
/// <http://kuriositaet.de/iso8583/mti.html>, which agree on the values above.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mti([u8; 4]);

impl Mti {
    /// 0100 authorization request.
    pub const AUTHORIZATION_REQUEST: Self = Self(*b"0100");
    /// 0110 authorization response.
    pub const AUTHORIZATION_RESPONSE: Self = Self(*b"0110");
    /// 0200 financial transaction request.
    pub const FINANCIAL_REQUEST: Self = Self(*b"0200");
    /// 0210 financial transaction response.
    pub const FINANCIAL_RESPONSE: Self = Self(*b"0210");
    /// 0220 financial transaction advice.
    pub const FINANCIAL_ADVICE: Self = Self(*b"0220");
    /// 0400 reversal request.
    pub const REVERSAL_REQUEST: Self = Self(*b"0400");
    /// 0410 reversal response.
    pub const REVERSAL_RESPONSE: Self = Self(*b"0410");
    /// 0420 reversal advice.
    pub const REVERSAL_ADVICE: Self = Self(*b"0420");
    /// 0430 reversal advice response.
    pub const REVERSAL_ADVICE_RESPONSE: Self = Self(*b"0430");
    /// 0800 network management request (sign-on, echo, key exchange).
    pub const NETWORK_REQUEST: Self = Self(*b"0800");
    /// 0810 network management response.
    pub const NETWORK_RESPONSE: Self = Self(*b"0810");

    /// An MTI from four bytes the caller has checked are ASCII digits.
    pub(crate) const fn from_checked_digits(digits: [u8; 4]) -> Self {
        Self(digits)
    }

    /// An MTI from four ASCII digits; `None` if any byte is not a digit.
    #[must_use]
    pub const fn new(digits: [u8; 4]) -> Option<Self> {
        let [a, b, c, d] = digits;
        if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() && d.is_ascii_digit() {
            Some(Self(digits))
        } else {
            None
        }
    }

    /// An MTI from text such as `"0200"`; `None` unless it is exactly four digits.
    #[must_use]
    pub fn from_text(text: &str) -> Option<Self> {
        let digits: [u8; 4] = text.as_bytes().try_into().ok()?;
        Self::new(digits)
    }

    /// The four ASCII digits.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 4] {
        &self.0
    }

    /// The MTI as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Always four ASCII digits.
        core::str::from_utf8(&self.0).unwrap_or("0000")
    }

    /// An MTI from its wire bytes as the response taxonomy receives them: four ASCII digits, or
    /// two bytes of packed BCD (one digit per nibble, version first). `None` for any other
    /// length, a byte that is not an ASCII digit, or a nibble above 9.
    #[inline]
    pub(crate) fn from_wire(bytes: &[u8]) -> Option<Self> {
        // The four bytes are taken as one array, a single load, and tested as one word below;
        // matched and tested byte by byte they took `classify_response` (`benches/icount.rs`,
        // four classifications) from 452 to 538 instructions. Taken this way, the predicates
        // the caller asks run before the digit test, which only their positive answer needs.
        let digits = match <[u8; 4]>::try_from(bytes) {
            Ok(ascii) => ascii,
            Err(_) => bcd_as_ascii(bytes)?,
        };
        all_ascii_digits(digits).then_some(Self(digits))
    }

    /// The digit at position `i` (0 = version) as a number.
    const fn digit(&self, i: usize) -> u8 {
        let [a, b, c, d] = self.0;
        let x = match i {
            0 => a,
            1 => b,
            2 => c,
            _ => d,
        };
        x.wrapping_sub(b'0')
    }

    /// The version digit (first): 0 for ISO 8583:1987, 1 for 1993, 2 for 2003; 3–7 are reserved
    /// for ISO, 8 is national and 9 private use.
    #[must_use]
    pub const fn version(&self) -> u8 {
        self.digit(0)
    }

    /// The message class digit (second), the same in all three versions: 1 authorization, 2
    /// financial, 3 file action, 4 reversal and chargeback, 5 reconciliation, 6 administrative,
    /// 7 fee collection, 8 network management; 0 and 9 are reserved for ISO.
    #[must_use]
    pub const fn class(&self) -> u8 {
        self.digit(1)
    }

    /// The message function digit (third): 0 request, 1 request response, 2 advice, 3 advice
    /// response, 4 notification, 5 notification acknowledgement, 6 instruction and 7
    /// instruction acknowledgement (ISO 8583:2003), 8 and 9 reserved for ISO. The predicates
    /// below read it; see the [type's documentation](Mti) for the rules and their sources.
    #[must_use]
    pub const fn function(&self) -> u8 {
        self.digit(2)
    }

    /// The message origin digit (fourth): 0 acquirer, 1 acquirer repeat, 2 issuer, 3 issuer
    /// repeat, 4 other, 5 other repeat; 6–9 are reserved for ISO.
    #[must_use]
    pub const fn origin(&self) -> u8 {
        self.digit(3)
    }

    /// Whether this message opens an exchange and expects the answer [`response`](Self::response)
    /// names: function 0 (request), 2 (advice), 4 (notification) or 6 (instruction), in all
    /// three versions (functions 6 and 7 are defined by ISO 8583:2003 only; an older message
    /// with them is read the same way). The reserved functions 8 and 9 are neither requests nor
    /// responses.
    ///
    /// ```
    /// use iso8583_wire::Mti;
    ///
    /// assert!(Mti::FINANCIAL_REQUEST.is_request());
    /// assert!(Mti::REVERSAL_ADVICE.is_request());
    /// assert!(!Mti::FINANCIAL_RESPONSE.is_request());
    /// ```
    #[must_use]
    pub const fn is_request(&self) -> bool {
        // 0, 2, 4 and 6 are the values with no bits set but those of 2 and 4. Written as a
        // mask, the test merges with `is_reversal`'s into one compare in `classify`: the
        // `classify_response` row of `benches/icount.rs` takes 456 instructions this way and
        // 463 with `matches!(f, 0 | 2 | 4 | 6)`.
        self.function() & !0b110 == 0
    }

    /// Whether this message answers one: function 1 (request response), 3 (advice response),
    /// 5 (notification acknowledgement) or 7 (instruction acknowledgement, ISO 8583:2003), in
    /// all three versions. Acknowledgements count as responses: each answers the message one
    /// function digit below it, so a channel pairs it with that message as it pairs a 0210 with
    /// its 0200. The reserved functions 8 and 9 are not responses.
    ///
    /// ```
    /// use iso8583_wire::Mti;
    ///
    /// assert!(Mti::REVERSAL_ADVICE_RESPONSE.is_response());
    /// assert!(Mti::from_text("1814").is_some_and(|m| m.is_response()));
    /// assert!(!Mti::NETWORK_REQUEST.is_response());
    /// ```
    #[must_use]
    pub const fn is_response(&self) -> bool {
        matches!(self.function(), 1 | 3 | 5 | 7)
    }

    /// Whether this is an advice or the response to one: function 2 or 3 (0120, 0130, 0220,
    /// 0420, 0421, 0430, 1420, 0820), in all three versions. An advice tells of an action
    /// already taken; it asks for no approval.
    #[must_use]
    pub const fn is_advice(&self) -> bool {
        matches!(self.function(), 2 | 3)
    }

    /// Whether this is a reversal, or an answer to one: class 4 from the acquirer side, origin
    /// 0 or 1 (0400, 0401, 0410, 0420, 0421, 0430, 1420, 2420), in all three versions. Class 4
    /// from the issuer side (origin 2 or 3: x4x2, x4x3) is a chargeback, and from another
    /// party (origin 4 or 5) neither.
    #[must_use]
    pub const fn is_reversal(&self) -> bool {
        self.class() == 4 && matches!(self.origin(), 0 | 1)
    }

    /// Whether this is a chargeback, or an answer to one: class 4 from the issuer side, origin
    /// 2 or 3 (0402, 0422, 0423, 0432), in all three versions.
    #[must_use]
    pub const fn is_chargeback(&self) -> bool {
        self.class() == 4 && matches!(self.origin(), 2 | 3)
    }

    /// Whether this is a repeat, a retransmission of a message the sender got no answer to:
    /// origin 1, 3 or 5 (0101, 0201, 0421, 0423), in all three versions. The reserved origins
    /// 7 and 9 are not repeats.
    #[must_use]
    pub const fn is_repeat(&self) -> bool {
        matches!(self.origin(), 1 | 3 | 5)
    }

    /// The MTI of a repeat of this message: the origin digit goes up by one when it is 0, 2 or
    /// 4 (0400→0401, 0420→0421, 0200→0201, x4x2→x4x3), so that the receiver can tell a
    /// retransmission from a new message; a repeat stays as it is (0421→0421), and so does a
    /// reserved origin (6–9), which has no repeat.
    ///
    /// ```
    /// use iso8583_wire::Mti;
    ///
    /// assert_eq!(Mti::REVERSAL_ADVICE.repeat().as_str(), "0421");
    /// assert_eq!(Mti::REVERSAL_ADVICE.repeat().repeat().as_str(), "0421");
    /// ```
    #[must_use]
    pub const fn repeat(&self) -> Self {
        let [a, b, c, d] = self.0;
        if matches!(self.origin(), 0 | 2 | 4) {
            // An even ASCII digit has its low bit clear, and setting it gives the next digit.
            Self([a, b, c, d | 1])
        } else {
            *self
        }
    }

    /// The MTI of the answer to this message: the function digit goes up by one and a
    /// [repeat](Self::is_repeat)'s origin digit drops to the original's (0200→0210, 0201→0210,
    /// 0420→0430, 0421→0430, 0422→0432, 0800→0810, 1804→1814); other origins stay. `None`
    /// unless this [is a request](Self::is_request).
    #[must_use]
    pub const fn response(&self) -> Option<Self> {
        if !self.is_request() {
            return None;
        }
        let [a, b, c, d] = self.0;
        // A request's function is 0, 2, 4 or 6, so the next digit is a digit too; a repeat's
        // origin is 1, 3 or 5, and clearing the low bit of an odd ASCII digit gives the digit
        // below it.
        let origin = if self.is_repeat() { d & !1 } else { d };
        Some(Self([a, b, c + 1, origin]))
    }
}

/// The four nibbles of a two-byte BCD MTI as ASCII bytes, `None` for another length. A nibble
/// above 9 gives a byte above `b'9'`, which [`all_ascii_digits`] refuses.
///
/// Kept out of line so that [`Mti::from_wire`] tests for four bytes with one compare and the
/// ASCII form, the one `classify_view` passes, goes straight on: inlined, this path cost the
/// `classify_response` row of `benches/icount.rs` 465 instructions where it takes 456.
#[inline(never)]
fn bcd_as_ascii(bytes: &[u8]) -> Option<[u8; 4]> {
    let [x, y] = <[u8; 2]>::try_from(bytes).ok()?;
    Some([x >> 4, x & 0x0F, y >> 4, y & 0x0F].map(|n| b'0' + n))
}

/// Whether all four bytes are ASCII digits, tested on the four as one word. After `^ b'0'` a
/// digit is a byte from 0 to 9; adding `0x76` sets bit 7 of a byte from 10 to `0x7F`, and a
/// byte from `0x80` up has it already. A carry out of a byte comes only from one of those, so
/// the word has a bit 7 set exactly when some byte is not a digit. One test for the four bytes
/// keeps [`Mti::from_wire`] to one branch (see there for the measurement).
#[inline]
const fn all_ascii_digits(bytes: [u8; 4]) -> bool {
    let x = u32::from_le_bytes(bytes) ^ 0x3030_3030;
    (x | x.wrapping_add(0x7676_7676)) & 0x8080_8080 == 0
}

impl fmt::Debug for Mti {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mti({})", self.as_str())
    }
}

impl fmt::Display for Mti {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Mti;

    #[test]
    fn response_of_requests() {
        let pairs = [
            ("0100", "0110"),
            ("0101", "0110"),
            ("0200", "0210"),
            ("0220", "0230"),
            ("0400", "0410"),
            ("0420", "0430"),
            ("0421", "0430"),
            ("0800", "0810"),
            ("1200", "1210"),
        ];
        for (req, resp) in pairs {
            let req = Mti::from_text(req).map(|m| m.response());
            assert_eq!(req.flatten().map(|m| m.to_string()).as_deref(), Some(resp));
        }
        assert_eq!(Mti::FINANCIAL_RESPONSE.response(), None);
    }

    #[test]
    fn repeat_sets_the_repeat_digit_once() {
        let pairs = [
            ("0400", "0401"),
            ("0401", "0401"),
            ("0420", "0421"),
            ("0421", "0421"),
            ("0422", "0423"),
            ("0423", "0423"),
            ("0200", "0201"),
            ("1420", "1421"),
        ];
        for (mti, repeat) in pairs {
            let got = Mti::from_text(mti).map(|m| m.repeat());
            assert_eq!(got.map(|m| m.to_string()).as_deref(), Some(repeat));
            assert_eq!(got.map(|m| m.is_repeat()), Some(true));
        }
    }

    #[test]
    fn decodes_wire_forms_and_rejects_bad_digits() {
        let ascii = Mti::from_wire(b"0420");
        assert_eq!(ascii, Some(Mti::REVERSAL_ADVICE));
        assert_eq!(Mti::from_wire(&[0x04, 0x20]), ascii);
        assert_eq!(
            Mti::from_wire(&[0x18, 0x14])
                .map(|m| m.to_string())
                .as_deref(),
            Some("1814")
        );
        for bad in [
            &b"04X0"[..],
            b"042",
            b"04200",
            b"",
            &[0x0A, 0x20],
            &[0x04, 0x2F],
            &[0xF4, 0x20],
            &[0x04],
        ] {
            assert_eq!(Mti::from_wire(bad), None, "{bad:02X?}");
        }
    }

    #[test]
    fn tests_four_digits_as_one_word_like_byte_by_byte() {
        let edges = [
            0x00, 0x01, 0x2F, 0x30, 0x31, 0x39, 0x3A, 0x7F, 0x80, 0xB0, 0xB9, 0xFF,
        ];
        for x in 0..=u8::MAX {
            for (a, b, c) in edges
                .iter()
                .flat_map(|&a| edges.iter().flat_map(move |&b| edges.map(|c| (a, b, c))))
            {
                for word in [[x, a, b, c], [a, x, b, c], [a, b, x, c], [a, b, c, x]] {
                    let bytewise = word.iter().all(u8::is_ascii_digit);
                    assert_eq!(super::all_ascii_digits(word), bytewise, "{word:02X?}");
                }
            }
        }
    }

    #[test]
    fn rejects_non_digits() {
        assert_eq!(Mti::from_text("02A0"), None);
        assert_eq!(Mti::from_text("020"), None);
        assert!(Mti::REVERSAL_ADVICE.is_reversal());
        assert!(Mti::REVERSAL_ADVICE_RESPONSE.is_reversal());
        assert!(!Mti::FINANCIAL_REQUEST.is_reversal());
        let chargeback = Mti::from_text("0422").map(|m| (m.is_reversal(), m.is_chargeback()));
        assert_eq!(chargeback, Some((false, true)));
    }
}
