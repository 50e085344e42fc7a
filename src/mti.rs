//! The message type indicator.

use core::fmt;

/// A message type indicator: four ASCII decimal digits (version, class, function, origin).
///
/// Open like a wire enum: any four digits are kept as they are, and the common values have
/// names.
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

    /// The version digit: 0 for ISO 8583:1987, 1 for 1993, 2 for 2003.
    #[must_use]
    pub const fn version(&self) -> u8 {
        self.digit(0)
    }

    /// The message class digit: 1 authorization, 2 financial, 4 reversal/chargeback, 8 network
    /// management, …
    #[must_use]
    pub const fn class(&self) -> u8 {
        self.digit(1)
    }

    /// Whether this is a request or an advice (third digit even: 0, 2, 4, …).
    #[must_use]
    pub const fn is_request(&self) -> bool {
        self.digit(2).is_multiple_of(2)
    }

    /// Whether this is a response (third digit odd).
    #[must_use]
    pub const fn is_response(&self) -> bool {
        !self.is_request()
    }

    /// Whether this is a reversal: class 4 from the acquirer side (origin digit 0 or 1:
    /// 0400, 0401, 0410, 0420, 0421, 0430); class 4 from the issuer side (x4x2, x4x3) is a
    /// chargeback.
    #[must_use]
    pub const fn is_reversal(&self) -> bool {
        self.class() == 4 && self.digit(3) <= 1
    }

    /// Whether this is a chargeback (class 4 from the issuer side: x4x2, x4x3).
    #[must_use]
    pub const fn is_chargeback(&self) -> bool {
        self.class() == 4 && matches!(self.digit(3), 2 | 3)
    }

    /// Whether this is a repeat (last digit odd: 0201, 0421).
    #[must_use]
    pub const fn is_repeat(&self) -> bool {
        self.digit(3) % 2 == 1
    }

    /// The MTI of a repeat of this message: the origin digit goes up by one when it is even
    /// (0400→0401, 0420→0421, 0200→0201, x4x2→x4x3), so that the receiver can tell a
    /// retransmission from a new message; a repeat stays as it is (0421→0421).
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
        // Always a digit: an even ASCII digit has its low bit clear, and setting it gives the
        // next digit; an odd one has it set already.
        Self([a, b, c, d | 1])
    }

    /// The MTI of the response to this request: the function digit goes up by one and a
    /// repeat's origin digit drops to the original's (0200→0210, 0201→0210, 0420→0430,
    /// 0421→0430, 0800→0810). `None` when this is already a response.
    #[must_use]
    pub const fn response(&self) -> Option<Self> {
        if !self.is_request() {
            return None;
        }
        let [a, b, c, d] = self.0;
        let origin = b'0' + (d.wrapping_sub(b'0') & !1);
        Some(Self([a, b, c + 1, origin]))
    }
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
