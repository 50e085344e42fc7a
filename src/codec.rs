//! Primitive encodings: character classes, EBCDIC, BCD, hex and length prefixes.
//!
//! Everything here works on slices and caller-given buffers and allocates nothing.

mod bcd;
mod ebcdic_table;
mod hex;
mod prefix;
mod swar;

pub(crate) use bcd::{bcd_check, bcd_check_digits, bcd_text_into, bcd_write, first_digit};
pub(crate) use ebcdic_table::{ASCII_TO_EBCDIC, EBCDIC_TO_ASCII};
pub(crate) use hex::{hex_check, hex_decode_into, hex_upper_into, hex_value, HEX_UPPER};
pub(crate) use prefix::{prefix_read, prefix_write};
pub(crate) use swar::{
    bcd_outside_digits, bcd_outside_track, hex8, span_bits, span_outside, WordClass,
};

use crate::spec::ContentClass;

// `i` stays below 256, the table's length.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn build_class_table(class: ContentClass) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match class {
            ContentClass::N | ContentClass::Xn => c.is_ascii_digit(),
            ContentClass::A => c.is_ascii_alphabetic() || c == b' ',
            ContentClass::An => c.is_ascii_alphanumeric() || c == b' ',
            ContentClass::Ans => c >= 0x20 && c <= 0x7E,
            ContentClass::Z => c.is_ascii_digit() || c == b'=' || c == b'D',
            ContentClass::B => true,
        };
        i += 1;
    }
    t
}

const CLASS_N: [bool; 256] = build_class_table(ContentClass::N);
const CLASS_A: [bool; 256] = build_class_table(ContentClass::A);
const CLASS_AN: [bool; 256] = build_class_table(ContentClass::An);
const CLASS_ANS: [bool; 256] = build_class_table(ContentClass::Ans);
const CLASS_Z: [bool; 256] = build_class_table(ContentClass::Z);
const CLASS_B: [bool; 256] = build_class_table(ContentClass::B);

/// Which ASCII bytes a class allows (for `xn`, the digits after the sign).
#[inline]
pub(crate) const fn class_table(class: ContentClass) -> &'static [bool; 256] {
    match class {
        ContentClass::N | ContentClass::Xn => &CLASS_N,
        ContentClass::A => &CLASS_A,
        ContentClass::An => &CLASS_AN,
        ContentClass::Ans => &CLASS_ANS,
        ContentClass::Z => &CLASS_Z,
        ContentClass::B => &CLASS_B,
    }
}

/// Looks a byte up in a 256-entry table.
#[inline(always)]
// A `u8` index is always below 256, the table's length.
#[allow(clippy::indexing_slicing)]
pub(crate) fn lut<T: Copy>(table: &[T; 256], b: u8) -> T {
    table[usize::from(b)]
}

/// Each ASCII byte's classes, one bit a class (see [`class_bit`]).
// The loops stay below each array's length.
#[allow(clippy::indexing_slicing)]
const CLASS_BITS: [u8; 256] = {
    let classes = [
        ContentClass::N,
        ContentClass::A,
        ContentClass::An,
        ContentClass::Ans,
        ContentClass::Z,
    ];
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < classes.len() {
        let table = build_class_table(classes[c]);
        let mut i = 0;
        while i < 256 {
            if table[i] {
                t[i] |= 1 << c;
            }
            i += 1;
        }
        c += 1;
    }
    t
};

/// The bit of a class in [`CLASS_BITS`]; `b` accepts everything.
#[inline]
const fn class_bit(class: ContentClass) -> u8 {
    match class {
        ContentClass::N | ContentClass::Xn => 1,
        ContentClass::A => 2,
        ContentClass::An => 4,
        ContentClass::Ans => 8,
        ContentClass::Z => 16,
        ContentClass::B => 0,
    }
}

/// Checks ASCII text against a class; the error is the position of the first bad byte.
#[inline]
pub(crate) fn ascii_check(bytes: &[u8], class: ContentClass) -> Result<(), usize> {
    let (sign, digits) = split_sign(bytes, class)?;
    let bit = class_bit(class);
    // Digits and printable text are ranges, checked with arithmetic the compiler can
    // vectorise; other classes take one table look-up and one AND a byte. Neither branches
    // per byte in the common case of valid text.
    let valid = match class {
        ContentClass::B => true,
        ContentClass::N | ContentClass::Xn => in_range(digits, b'0', 10),
        ContentClass::Ans => in_range(digits, 0x20, 0x5F),
        _ => {
            digits
                .iter()
                .fold(0xFF, |acc, &b| acc & lut(&CLASS_BITS, b))
                & bit
                == bit
        }
    };
    if valid {
        return Ok(());
    }
    match digits.iter().position(|&b| lut(&CLASS_BITS, b) & bit == 0) {
        Some(p) => Err(p + sign),
        None => Ok(()),
    }
}

/// Eight copies of a byte.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Reads 8 bytes at `at` as a word (0 past the end, which callers never ask for).
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_ne_bytes)
}

/// Packs up to 8 bytes into a word whose every byte is one of them (short inputs are read as
/// overlapping pieces), so that one word test covers them all.
#[inline(always)]
fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|p| p.try_into().ok())
            .map_or(0, |w| u64::from(u32::from_ne_bytes(w)))
    };
    let two = |at: usize| {
        bytes
            .get(at..at + 2)
            .and_then(|p| p.try_into().ok())
            .map_or(0, |w| u64::from(u16::from_ne_bytes(w)))
    };
    match n {
        4..=7 => four(0) | four(n - 4) << 32,
        2..=3 => {
            let (a, b) = (two(0), two(n - 2));
            a | b << 16 | a << 32 | b << 48
        }
        1 => splat(bytes.first().copied().unwrap_or(0)),
        _ => 0,
    }
}

/// Whether every byte lies in `low..low + count` (`count` below 0x80), eight at a time: a
/// byte is in range when both `b - low` and `b + (0x80 - count)` keep the top bit clear; a
/// borrow or carry between bytes only happens next to a byte that is itself out of range, so
/// a word holding one is always caught.
#[inline(always)]
fn in_range(bytes: &[u8], low: u8, count: u8) -> bool {
    let lo = splat(low);
    let hi = splat(0x80u8.wrapping_sub(count).wrapping_sub(low));
    let bad = |x: u64| (x.wrapping_sub(lo) | x.wrapping_add(hi)) & splat(0x80);
    let n = bytes.len();
    if n < 8 {
        return n == 0 || bad(short_word(bytes)) == 0;
    }
    let mut acc = 0;
    let mut at = 0;
    while at + 8 <= n {
        acc |= bad(word_at(bytes, at));
        at += 8;
    }
    if at < n {
        acc |= bad(word_at(bytes, n - 8));
    }
    acc == 0
}

/// Checks EBCDIC text against a class; the error is the position of the first bad byte.
pub(crate) fn ebcdic_check(bytes: &[u8], class: ContentClass) -> Result<(), usize> {
    let table = class_table(class);
    let start = usize::from(class == ContentClass::Xn);
    if start == 1 {
        match bytes.first().map(|&b| lut(&EBCDIC_TO_ASCII, b)) {
            Some(b'C' | b'D') => {}
            _ => return Err(0),
        }
    }
    match bytes
        .iter()
        .skip(start)
        .position(|&b| !lut(table, lut(&EBCDIC_TO_ASCII, b)) || b == 0)
    {
        Some(p) => Err(p + start),
        None => Ok(()),
    }
}

/// For class `xn`, checks the `C`/`D` sign and splits it off; other classes pass through.
#[inline]
fn split_sign(bytes: &[u8], class: ContentClass) -> Result<(usize, &[u8]), usize> {
    if class != ContentClass::Xn {
        return Ok((0, bytes));
    }
    match bytes.split_first() {
        Some((b'C' | b'D', rest)) => Ok((1, rest)),
        _ => Err(0),
    }
}

/// Converts ASCII text to EBCDIC into `out`.
pub(crate) fn ascii_to_ebcdic(text: &[u8], out: &mut [u8]) {
    for (o, &b) in out.iter_mut().zip(text) {
        *o = lut(&ASCII_TO_EBCDIC, b);
    }
}

/// Converts EBCDIC text to ASCII into `out`.
pub(crate) fn ebcdic_to_ascii(text: &[u8], out: &mut [u8]) {
    for (o, &b) in out.iter_mut().zip(text) {
        *o = lut(&EBCDIC_TO_ASCII, b);
    }
}

#[cfg(test)]
mod tests {
    use super::{ascii_check, in_range};
    use crate::spec::ContentClass;

    /// The word-at-a-time range check agrees with a plain byte loop on every length up to 40,
    /// with one bad byte at every position and with every byte value.
    #[test]
    fn in_range_agrees_with_a_byte_loop() {
        for (low, count) in [(b'0', 10u8), (0x20, 0x5F)] {
            for len in 0..40usize {
                for bad_at in 0..len {
                    for value in 0..=255u8 {
                        let mut bytes = vec![low; len];
                        bytes[bad_at] = value;
                        let plain = bytes.iter().all(|b| b.wrapping_sub(low) < count);
                        assert_eq!(
                            in_range(&bytes, low, count),
                            plain,
                            "{len} {bad_at} {value}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn reports_the_first_bad_byte() {
        assert_eq!(ascii_check(b"12345678901A3", ContentClass::N), Err(11));
        assert_eq!(ascii_check(b"C0001", ContentClass::Xn), Ok(()));
        assert_eq!(ascii_check(b"X0001", ContentClass::Xn), Err(0));
        assert_eq!(ascii_check(b"C00\x001", ContentClass::Xn), Err(3));
        assert_eq!(ascii_check(b"TERM 01\x7f", ContentClass::Ans), Err(7));
        assert_eq!(ascii_check(b"4242=2912D1", ContentClass::Z), Ok(()));
        assert_eq!(ascii_check(b"ab c9", ContentClass::An), Ok(()));
        assert_eq!(ascii_check(b"ab-c9", ContentClass::An), Err(2));
    }
}
