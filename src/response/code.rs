//! Response codes, dialects and display languages.

use core::fmt;
use core::str::FromStr;

/// The error returned when a name given on the command line or in a table is not recognised.
///
/// It names what was being parsed and lists the accepted names; it holds no copy of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: expected one of {expected}")]
pub struct ParseNameError {
    what: &'static str,
    expected: &'static str,
}

impl ParseNameError {
    pub(crate) const fn new(what: &'static str, expected: &'static str) -> Self {
        Self { what, expected }
    }

    /// What was being parsed, e.g. `"dialect"`.
    #[must_use]
    pub const fn what(&self) -> &'static str {
        self.what
    }

    /// The accepted names, separated by `|`.
    #[must_use]
    pub const fn expected(&self) -> &'static str {
        self.expected
    }
}

/// Number of direct-index slots: every two-character code made of `0-9` and `A-Z`, then every
/// three-digit code.
pub(crate) const SLOTS: usize = 36 * 36 + 1000;

/// A field 39 value, kept exactly as received.
///
/// Field 39 is two characters in ISO 8583:1987 and the networks derived from it, and three digits
/// in ISO 8583:1993 and 2003. A `ResponseCode` holds up to four bytes inline, so it is `Copy` and
/// never allocates. Values that no table knows survive unchanged: they classify as
/// [`Category::Unknown`](crate::response::Category::Unknown) and print as received (bytes that are
/// not printable ASCII print as `\xNN`). A value longer than four bytes, which no dialect defines,
/// keeps its first four bytes and reports [`is_truncated`](Self::is_truncated).
///
/// The named constants carry the ISO 8583:1987 meaning; other dialects may read the same value
/// differently (see [`Dialect`]).
///
/// ```
/// use iso8583_wire::response::ResponseCode;
///
/// let code = ResponseCode::from_bytes(b"96");
/// assert_eq!(code, ResponseCode::SYSTEM_MALFUNCTION);
/// assert_eq!(code.to_string(), "96");
/// assert_eq!(ResponseCode::from_bytes(b"\x01Z").to_string(), "\\x01Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseCode {
    bytes: [u8; 4],
    len: u8,
}

impl ResponseCode {
    /// The longest value kept in full.
    pub const MAX_LEN: usize = 4;
    /// `00`: approved or completed successfully.
    pub const APPROVED: Self = Self::two(b'0', b'0');
    /// `01`: refer to card issuer.
    pub const REFER_TO_ISSUER: Self = Self::two(b'0', b'1');
    /// `05`: do not honour (China UnionPay: cardholder identity verification failed).
    pub const DO_NOT_HONOUR: Self = Self::two(b'0', b'5');
    /// `30`: format error.
    pub const FORMAT_ERROR: Self = Self::two(b'3', b'0');
    /// `51`: not sufficient funds.
    pub const INSUFFICIENT_FUNDS: Self = Self::two(b'5', b'1');
    /// `55`: incorrect PIN.
    pub const INCORRECT_PIN: Self = Self::two(b'5', b'5');
    /// `68`: response received too late.
    pub const RESPONSE_TOO_LATE: Self = Self::two(b'6', b'8');
    /// `91`: issuer or switch inoperative.
    pub const ISSUER_UNAVAILABLE: Self = Self::two(b'9', b'1');
    /// `94`: duplicate transmission.
    pub const DUPLICATE_TRANSMISSION: Self = Self::two(b'9', b'4');
    /// `96`: system malfunction.
    pub const SYSTEM_MALFUNCTION: Self = Self::two(b'9', b'6');

    const fn two(a: u8, b: u8) -> Self {
        Self {
            bytes: [a, b, 0, 0],
            len: 2,
        }
    }

    /// Wraps a raw field 39 value (the content as ASCII, without a length prefix).
    ///
    /// Never fails: an empty value or one that no table defines is kept as it is and classifies
    /// as unknown; beyond [`MAX_LEN`](Self::MAX_LEN) bytes only the first four are kept.
    #[must_use]
    #[inline]
    pub fn from_bytes(raw: &[u8]) -> Self {
        let bytes = match *raw {
            [] => [0; 4],
            [a] => [a, 0, 0, 0],
            [a, b] => [a, b, 0, 0],
            [a, b, c] => [a, b, c, 0],
            [a, b, c, d, ..] => [a, b, c, d],
        };
        let len = u8::try_from(raw.len()).unwrap_or(u8::MAX);
        Self { bytes, len }
    }

    /// The kept bytes (at most four).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        let kept = usize::from(self.len).min(Self::MAX_LEN);
        self.bytes.get(..kept).unwrap_or(&[])
    }

    /// Whether the value received was longer than [`MAX_LEN`](Self::MAX_LEN) bytes.
    #[must_use]
    pub fn is_truncated(&self) -> bool {
        usize::from(self.len) > Self::MAX_LEN
    }

    /// Whether the code has the shape a table entry may have: two characters from `0-9`/`A-Z`, or
    /// three digits.
    #[must_use]
    pub fn is_well_formed(&self) -> bool {
        self.slot().is_some()
    }

    /// The direct-index slot of a well-formed code.
    #[inline]
    pub(crate) fn slot(&self) -> Option<usize> {
        match (self.len, self.bytes) {
            (2, [a, b, _, _]) => {
                let (a, b) = (alnum(a), alnum(b));
                ((a | b) & INVALID == 0).then(|| usize::from(a) * 36 + usize::from(b))
            }
            (3, [a, b, c, _]) => {
                let (a, b, c) = (alnum(a), alnum(b), alnum(c));
                ((a | b | c) & INVALID == 0 && a < 10 && b < 10 && c < 10)
                    .then(|| 36 * 36 + usize::from(a) * 100 + usize::from(b) * 10 + usize::from(c))
            }
            _ => None,
        }
    }
}

/// Marks a byte that is not `0-9`/`A-Z` in [`ALNUM`].
const INVALID: u8 = 0x80;

/// Each byte's value as a base-36 digit (`0-9` then `A-Z`), or [`INVALID`].
// The loop stays below the table's length.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const ALNUM: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            _ => INVALID,
        };
        b += 1;
    }
    t
};

/// The value of a byte as a base-36 digit (`0-9` then `A-Z`), or [`INVALID`].
#[inline(always)]
fn alnum(b: u8) -> u8 {
    // A `u8` index is always below 256, the table's length.
    #[allow(clippy::indexing_slicing)]
    ALNUM[usize::from(b)]
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.as_bytes() {
            if b.is_ascii_graphic() || b == b' ' {
                fmt::Write::write_char(f, char::from(b))?;
            } else {
                write!(f, "\\x{b:02X}")?;
            }
        }
        if self.is_truncated() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseCode(\"{self}\")")
    }
}

impl FromStr for ResponseCode {
    type Err = ParseNameError;

    /// Parses a code typed by a person: one to four characters, kept as typed.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(ParseNameError::new(
                "response code",
                "one to four characters, e.g. 96, A0 or 911",
            ));
        }
        Ok(Self::from_bytes(s.as_bytes()))
    }
}

impl serde::Serialize for ResponseCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The dictionary a field 39 value is read in.
///
/// The same value can mean different things: `98` is an issuer timeout for China UnionPay but a
/// national-use code in ISO 8583:1987; Visa `85` is an approval; `70` differs between Visa and
/// Mastercard. The Visa and Mastercard tables hold only their differences and fall back to ISO
/// 8583:1987 for every other code.
///
/// ```
/// use iso8583_wire::response::Dialect;
///
/// let d: Dialect = "cup".parse()?;
/// assert_eq!(d, Dialect::ChinaUnionPay);
/// assert_eq!(d.as_str(), "cup");
/// # Ok::<(), iso8583_wire::response::ParseNameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub enum Dialect {
    /// ISO 8583:1987, two-character codes (`iso8583-1987`, the default).
    #[default]
    #[serde(rename = "iso8583-1987")]
    Iso8583_1987,
    /// ISO 8583:1993 and 2003, three-digit action codes (`iso8583-1993`).
    #[serde(rename = "iso8583-1993")]
    Iso8583_1993,
    /// China UnionPay POS codes, with UnionPay's handling classes A–E (`cup`).
    #[serde(rename = "cup")]
    ChinaUnionPay,
    /// Visa: its differences layered over ISO 8583:1987 (`visa`).
    #[serde(rename = "visa")]
    Visa,
    /// Mastercard: its differences layered over ISO 8583:1987 (`mastercard`).
    #[serde(rename = "mastercard")]
    Mastercard,
}

impl Dialect {
    /// Every dialect, in a fixed order.
    pub const ALL: [Self; 5] = [
        Self::Iso8583_1987,
        Self::Iso8583_1993,
        Self::ChinaUnionPay,
        Self::Visa,
        Self::Mastercard,
    ];

    /// The name used on the command line and in JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Iso8583_1987 => "iso8583-1987",
            Self::Iso8583_1993 => "iso8583-1993",
            Self::ChinaUnionPay => "cup",
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = ParseNameError;

    /// Accepts the command-line names; `iso8583-2003` is read as `iso8583-1993`, whose action
    /// codes it shares.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "iso8583-1987" => Ok(Self::Iso8583_1987),
            "iso8583-1993" | "iso8583-2003" => Ok(Self::Iso8583_1993),
            "cup" => Ok(Self::ChinaUnionPay),
            "visa" => Ok(Self::Visa),
            "mastercard" => Ok(Self::Mastercard),
            _ => Err(ParseNameError::new(
                "dialect",
                "iso8583-1987|iso8583-1993|cup|visa|mastercard",
            )),
        }
    }
}

/// The language of text meant for people: English or Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (`en`).
    #[default]
    En,
    /// Simplified Chinese (`zh`).
    Zh,
}

impl Lang {
    /// The name used on the command line.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
        }
    }

    /// Picks one of two texts.
    #[inline]
    pub(crate) fn pick<'s>(self, en: &'s str, zh: &'s str) -> &'s str {
        match self {
            Self::En => en,
            Self::Zh => zh,
        }
    }
}

impl FromStr for Lang {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Self::En),
            "zh" => Ok(Self::Zh),
            _ => Err(ParseNameError::new("language", "en|zh")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
