//! The length header in front of each message on a stream connection.

use core::fmt;
use core::str::FromStr;

/// How the length of a message is written in front of it on the wire.
///
/// The value counts the bytes that follow the length header (or, for an inclusive framer,
/// those bytes plus the length header itself). Every kind is big-endian / most significant
/// digit first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LengthHeader {
    /// 2 bytes binary, big-endian (jPOS `NACChannel`, `PostChannel`, China UnionPay POS):
    /// 168 is `00 A8`. At most 65535.
    Binary2,
    /// 4 bytes binary, big-endian (jPOS `RawChannel`): 168 is `00 00 00 A8`.
    /// At most 4294967295.
    Binary4,
    /// 2 bytes of packed BCD (jPOS `NCCChannel`, `BCDChannel`): 168 is `01 68`. At most 9999.
    Bcd2,
    /// 4 ASCII decimal digits (jPOS `ASCIIChannel`): 168 is `"0168"`. At most 9999.
    Ascii4,
    /// 4 ASCII hex digits, either case on input, upper case on output (jPOS `HEXChannel`):
    /// 168 is `"00A8"`. At most 65535.
    Hex4,
}

impl LengthHeader {
    /// Every kind, in the order of their names in [`LengthHeader::NAMES`].
    pub const ALL: [Self; 5] = [
        Self::Binary2,
        Self::Binary4,
        Self::Bcd2,
        Self::Ascii4,
        Self::Hex4,
    ];

    /// The names [`FromStr`] accepts and [`Display`](fmt::Display) writes.
    pub const NAMES: [&'static str; 5] = ["binary2", "binary4", "bcd2", "ascii4", "hex4"];

    /// The number of bytes the length header takes on the wire.
    #[must_use]
    pub const fn width(self) -> usize {
        match self {
            Self::Binary2 | Self::Bcd2 => 2,
            Self::Binary4 | Self::Ascii4 | Self::Hex4 => 4,
        }
    }

    /// The largest value the length header can hold.
    #[must_use]
    pub const fn max_value(self) -> usize {
        match self {
            Self::Binary2 | Self::Hex4 => 0xFFFF,
            // u32::MAX on 32- and 64-bit targets; the largest usize on 16-bit ones.
            Self::Binary4 => {
                if usize::BITS >= 32 {
                    0xFFFF_FFFF
                } else {
                    usize::MAX
                }
            }
            Self::Bcd2 | Self::Ascii4 => 9999,
        }
    }

    /// The kind's name, as accepted by [`FromStr`]: `binary2`, `binary4`, `bcd2`, `ascii4`,
    /// `hex4`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Binary2 => "binary2",
            Self::Binary4 => "binary4",
            Self::Bcd2 => "bcd2",
            Self::Ascii4 => "ascii4",
            Self::Hex4 => "hex4",
        }
    }

    /// Reads the value of a length header of exactly [`width`](Self::width) bytes; `None` when a
    /// digit is not valid for the kind.
    #[inline]
    pub(crate) fn read(self, raw: &[u8]) -> Option<usize> {
        let value = match self {
            Self::Binary2 | Self::Binary4 => {
                raw.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
            }
            Self::Bcd2 => {
                let mut acc = 0u64;
                for &b in raw {
                    let (hi, lo) = (b >> 4, b & 0x0F);
                    if hi > 9 || lo > 9 {
                        return None;
                    }
                    acc = acc * 100 + u64::from(hi * 10 + lo);
                }
                acc
            }
            Self::Ascii4 => {
                let mut acc = 0u64;
                for &b in raw {
                    if !b.is_ascii_digit() {
                        return None;
                    }
                    acc = acc * 10 + u64::from(b - b'0');
                }
                acc
            }
            Self::Hex4 => {
                let mut acc = 0u64;
                for &b in raw {
                    acc = (acc << 4) | u64::from(hex_value(b)?);
                }
                acc
            }
        };
        usize::try_from(value).ok()
    }

    /// Writes `value` as this kind into the first [`width`](Self::width) bytes of the returned
    /// array; `None` when `value` is above [`max_value`](Self::max_value).
    #[inline]
    pub(crate) fn write(self, value: usize) -> Option<[u8; 4]> {
        if value > self.max_value() {
            return None;
        }
        let v = u32::try_from(value).ok()?;
        Some(match self {
            Self::Binary4 => v.to_be_bytes(),
            Self::Binary2 => {
                let [_, _, hi, lo] = v.to_be_bytes();
                [hi, lo, 0, 0]
            }
            Self::Bcd2 => {
                let [d0, d1, d2, d3] = decimal_digits(v);
                [(d0 << 4) | d1, (d2 << 4) | d3, 0, 0]
            }
            Self::Ascii4 => decimal_digits(v).map(|d| b'0' + d),
            Self::Hex4 => {
                let [_, _, hi, lo] = v.to_be_bytes();
                [
                    hex_upper(hi >> 4),
                    hex_upper(hi),
                    hex_upper(lo >> 4),
                    hex_upper(lo),
                ]
            }
        })
    }
}

/// The four low decimal digits of `v`, most significant first.
fn decimal_digits(v: u32) -> [u8; 4] {
    let digit = |d: u32| u8::try_from(d % 10).unwrap_or(0);
    [digit(v / 1000), digit(v / 100), digit(v / 10), digit(v)]
}

/// The upper-case hex digit of the low nibble of `n`.
const fn hex_upper(n: u8) -> u8 {
    match n & 0x0F {
        d @ 0..=9 => b'0' + d,
        d => b'A' + d - 10,
    }
}

/// The value of an ASCII hex digit (either case).
const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for LengthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`LengthHeader::from_str`] is not one of [`LengthHeader::NAMES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("unknown length header kind; expected one of binary2, binary4, bcd2, ascii4, hex4")]
pub struct UnknownLengthHeader;

impl FromStr for LengthHeader {
    type Err = UnknownLengthHeader;

    /// Parses one of `binary2`, `binary4`, `bcd2`, `ascii4`, `hex4` (ASCII case ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(s))
            .ok_or(UnknownLengthHeader)
    }
}
