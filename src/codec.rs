//! Primitive encodings: character classes, EBCDIC, BCD, hex and length prefixes.
//!
//! Everything here works on slices and caller-given buffers and allocates nothing.

mod bcd;
mod ebcdic_table;
mod hex;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod lanes;
mod swar;
mod word_class;

pub(crate) use bcd::{
    bcd_check, bcd_check_digits, bcd_text_into, bcd_write, filler_nibble, first_digit,
};
pub(crate) use ebcdic_table::{ASCII_TO_EBCDIC, EBCDIC_TO_ASCII};
pub(crate) use hex::{hex_check, hex_decode_into, hex_upper_into, hex_value, HEX_UPPER};
pub(crate) use swar::{
    bcd_outside_digits, bcd_outside_track, bcd_span_outside, hex16_reversed, span_bits,
    span_outside, WordClass,
};

use crate::spec::field::ContentClass;

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

/// Text up to this long is checked a byte at a time by [`ascii_check`].
const SHORT_TEXT: usize = 8;

/// Checks ASCII text against a class; the error is the position of the first bad byte.
#[inline]
pub(crate) fn ascii_check(bytes: &[u8], class: ContentClass) -> Result<(), usize> {
    let (sign, digits) = split_sign(bytes, class)?;
    let bit = class_bit(class);
    // Short text a byte at a time: for the few bytes of most fields, setting up the words
    // cost more than it saved.
    if digits.len() <= SHORT_TEXT && class != ContentClass::B {
        return match digits.iter().position(|&b| lut(&CLASS_BITS, b) & bit == 0) {
            Some(p) => Err(p + sign),
            None => Ok(()),
        };
    }
    // Word at a time for the common case of valid text; the byte that breaks it is looked
    // for only then.
    let word_class = match class {
        ContentClass::B => return Ok(()),
        ContentClass::N | ContentClass::Xn => WordClass::Digits,
        ContentClass::Ans => WordClass::Printable,
        ContentClass::A => WordClass::Alpha,
        ContentClass::An => WordClass::AlphaNum,
        ContentClass::Z => WordClass::Track,
    };
    let valid = span_outside(digits, 0, digits.len(), word_class) == 0;
    if valid {
        return Ok(());
    }
    match digits.iter().position(|&b| lut(&CLASS_BITS, b) & bit == 0) {
        Some(p) => Err(p + sign),
        None => Ok(()),
    }
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
    use super::ascii_check;
    use crate::spec::field::ContentClass;

    /// Every length up to 20, one byte of every value at every position: the error is the
    /// position of that byte exactly when the class table refuses it.
    #[test]
    fn agrees_with_the_class_tables() {
        use super::class_table;
        for class in [
            ContentClass::N,
            ContentClass::A,
            ContentClass::An,
            ContentClass::Ans,
            ContentClass::Z,
        ] {
            let table = class_table(class);
            let good = if class == ContentClass::A { b'Q' } else { b'7' };
            for len in 1..20usize {
                for at in 0..len {
                    for value in 0..=255u8 {
                        let mut bytes = vec![good; len];
                        bytes[at] = value;
                        let expected = if table[usize::from(value)] {
                            Ok(())
                        } else {
                            Err(at)
                        };
                        assert_eq!(
                            ascii_check(&bytes, class),
                            expected,
                            "{class:?} {len} {at} {value}"
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
