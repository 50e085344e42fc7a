//! Length prefixes: decimal digits in ASCII, EBCDIC or BCD; binary; ASCII hex.

use crate::spec::{LengthPrefix, PrefixEncoding};
use bytes::BufMut;

/// Reads a prefix from exactly `prefix.wire_len()` bytes; `None` when it is not a number in
/// its encoding.
#[inline]
pub(crate) fn prefix_read(prefix: &LengthPrefix, bytes: &[u8]) -> Option<u64> {
    let mut v: u64 = 0;
    match prefix.encoding {
        PrefixEncoding::Ascii => {
            for &b in bytes {
                v = v * 10 + u64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
            }
        }
        PrefixEncoding::Ebcdic => {
            for &b in bytes {
                v = v * 10 + u64::from(b.checked_sub(0xF0).filter(|d| *d <= 9)?);
            }
        }
        PrefixEncoding::AsciiHex => {
            for &b in bytes {
                v = v * 16 + u64::from(super::hex_value(b)?);
            }
        }
        PrefixEncoding::Binary => {
            for &b in bytes {
                v = v << 8 | u64::from(b);
            }
        }
        PrefixEncoding::Bcd => {
            // An odd digit count keeps a 0 filler nibble on the left.
            for &b in bytes {
                let (h, l) = (b >> 4, b & 0xF);
                if h > 9 || l > 9 {
                    return None;
                }
                v = v * 100 + u64::from(h) * 10 + u64::from(l);
            }
            if prefix.width % 2 == 1 && bytes.first().is_some_and(|b| b >> 4 != 0) {
                return None;
            }
        }
    }
    Some(v)
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
                out.put_u8(super::HEX_UPPER.get(d as usize).copied().unwrap_or(b'0'));
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
