//! Length prefixes, read and written: the one place where decimal digits in ASCII, EBCDIC or
//! packed BCD, binary and ASCII-hex prefixes are turned into lengths and back.

use crate::codec::{hex_value, HEX_UPPER};
use crate::spec::field::{LengthPrefix, PrefixEncoding};
use bytes::BufMut;

/// The value of ASCII decimal digits; `None` when one is not a digit.
#[inline(always)]
pub(crate) fn ascii_decimal_value(digits: &[u8]) -> Option<usize> {
    let mut len = 0usize;
    let mut ok = true;
    for &d in digits {
        let v = d.wrapping_sub(b'0');
        ok &= v < 10;
        len = len * 10 + usize::from(v);
    }
    ok.then_some(len)
}

/// The ASCII decimal length prefix of `width` digits at `pos`: LL and LLL without a loop.
#[inline(always)]
pub(crate) fn ascii_decimal_at(input: &[u8], pos: usize, width: u8) -> Option<usize> {
    let digit = |b: u8| {
        let d = b.wrapping_sub(b'0');
        (d < 10).then_some(usize::from(d))
    };
    match width {
        2 => match input.get(pos..pos + 2)? {
            &[a, b] => Some(digit(a)? * 10 + digit(b)?),
            _ => None,
        },
        3 => match input.get(pos..pos + 3)? {
            &[a, b, c] => Some(digit(a)? * 100 + digit(b)? * 10 + digit(c)?),
            _ => None,
        },
        _ => ascii_decimal_value(input.get(pos..pos + usize::from(width))?),
    }
}

/// The value of packed BCD digits, two a byte; `None` when a nibble is not a digit. An odd
/// digit count's leading filler nibble is read as a digit: if it is not 0 the value exceeds
/// any maximum the prefix allows, and the caller's range check fails.
#[inline(always)]
pub(crate) fn bcd_decimal_value(bytes: &[u8]) -> Option<usize> {
    let mut len = 0usize;
    let mut ok = true;
    for &b in bytes {
        let (h, l) = (b >> 4, b & 0xF);
        ok &= h < 10 && l < 10;
        len = len * 100 + usize::from(h) * 10 + usize::from(l);
    }
    ok.then_some(len)
}

/// Reads a prefix from exactly `prefix.wire_len()` bytes; `None` when it is not a number in
/// its encoding.
#[inline]
pub(crate) fn prefix_read(prefix: &LengthPrefix, bytes: &[u8]) -> Option<u64> {
    let value = match prefix.encoding {
        PrefixEncoding::Ascii => ascii_decimal_value(bytes)?,
        PrefixEncoding::Ebcdic => {
            let mut v = 0usize;
            for &b in bytes {
                v = v * 10 + usize::from(b.checked_sub(0xF0).filter(|d| *d <= 9)?);
            }
            v
        }
        PrefixEncoding::AsciiHex => {
            let mut v = 0usize;
            for &b in bytes {
                v = v << 4 | usize::from(hex_value(b)?);
            }
            v
        }
        PrefixEncoding::Binary => {
            let mut v = 0usize;
            for &b in bytes {
                v = v << 8 | usize::from(b);
            }
            v
        }
        PrefixEncoding::Bcd => {
            // An odd digit count keeps a 0 filler nibble on the left.
            if prefix.width % 2 == 1 && bytes.first().is_some_and(|b| b >> 4 != 0) {
                return None;
            }
            bcd_decimal_value(bytes)?
        }
    };
    u64::try_from(value).ok()
}

/// Writes `value` (already known to fit) as a prefix.
#[inline]
// Each cast takes one digit or one byte of `value`.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn prefix_write<B: BufMut>(prefix: &LengthPrefix, value: u64, out: &mut B) {
    let width = u32::from(prefix.width);
    match prefix.encoding {
        PrefixEncoding::Ascii | PrefixEncoding::Ebcdic => {
            let zero = if prefix.encoding == PrefixEncoding::Ascii {
                b'0'
            } else {
                0xF0
            };
            for i in (0..width).rev() {
                let d = (value / 10u64.pow(i)) % 10;
                out.put_u8(zero + d as u8);
            }
        }
        PrefixEncoding::AsciiHex => {
            for i in (0..width).rev() {
                let d = (value >> (4 * i)) & 0xF;
                out.put_u8(HEX_UPPER.get(d as usize).copied().unwrap_or(b'0'));
            }
        }
        PrefixEncoding::Binary => {
            for i in (0..width).rev() {
                out.put_u8((value >> (8 * i)) as u8);
            }
        }
        PrefixEncoding::Bcd => {
            let bytes = width.div_ceil(2);
            for i in (0..bytes).rev() {
                let pair = (value / 100u64.pow(i)) % 100;
                out.put_u8((((pair / 10) << 4) | (pair % 10)) as u8);
            }
        }
    }
}

/// Whether `source[at..]` holds the low `width` ASCII decimal digits of `len` (nothing when
/// `width` is 0), then at least `len` more bytes; `false` for a `width` above 6.
#[inline(always)]
pub(crate) fn prefixed_in(source: &[u8], at: usize, width: u8, len: usize) -> bool {
    let Some(rest) = source.get(at..) else {
        return false;
    };
    if rest.len() < usize::from(width) + len {
        return false;
    }
    // The usual LL prefix first.
    if width == 2 {
        return rest.first_chunk() == Some(&decimal2(len));
    }
    match width {
        0 => true,
        1 => rest.first_chunk() == Some(&ascii_decimal::<1>(len)),
        2 => rest.first_chunk() == Some(&decimal2(len)),
        3 => rest.first_chunk() == Some(&ascii_decimal::<3>(len)),
        4 => rest.first_chunk() == Some(&ascii_decimal::<4>(len)),
        5 => rest.first_chunk() == Some(&ascii_decimal::<5>(len)),
        6 => rest.first_chunk() == Some(&ascii_decimal::<6>(len)),
        _ => false,
    }
}

/// Puts the low `width` decimal digits of `value` in ASCII (6 for a `width` of 0 or above 6).
#[inline(always)]
pub(crate) fn put_ascii_decimal<B: BufMut>(value: usize, width: u8, out: &mut B) {
    match width {
        1 => out.put_slice(&ascii_decimal::<1>(value)),
        2 => out.put_slice(&decimal2(value)),
        3 => out.put_slice(&ascii_decimal::<3>(value)),
        4 => out.put_slice(&ascii_decimal::<4>(value)),
        5 => out.put_slice(&ascii_decimal::<5>(value)),
        _ => out.put_slice(&ascii_decimal::<6>(value)),
    }
}

/// ASCII `00` to `99`.
// `i` stays below 100 and each digit below 10.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// The low 2 decimal digits of `value` in ASCII (a look-up below 100).
#[inline(always)]
pub(crate) fn decimal2(value: usize) -> [u8; 2] {
    match DIGIT_PAIRS.get(value) {
        Some(pair) => *pair,
        None => ascii_decimal::<2>(value),
    }
}

/// The low `K` decimal digits of `value` in ASCII, most significant first.
#[inline(always)]
// Each cast takes one decimal digit (`% 10`).
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn ascii_decimal<const K: usize>(mut value: usize) -> [u8; K] {
    let mut digits = [b'0'; K];
    for d in digits.iter_mut().rev() {
        *d = b'0' + (value % 10) as u8;
        value /= 10;
    }
    digits
}
