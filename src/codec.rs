//! Primitive encodings: character classes, EBCDIC, BCD, hex and length prefixes.
//!
//! Everything here works on slices and caller-given buffers and allocates nothing.

mod bcd;
mod ebcdic_table;
mod hex;
mod prefix;

pub(crate) use bcd::{bcd_check, bcd_check_digits, bcd_text_into, bcd_write, first_digit};
pub(crate) use ebcdic_table::{ASCII_TO_EBCDIC, EBCDIC_TO_ASCII};
pub(crate) use hex::{hex_check, hex_decode_into, hex_upper_into, hex_value, HEX_UPPER};
pub(crate) use prefix::{prefix_read, prefix_write};

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

/// Looks a byte up in a 256-entry table (the bounds check folds away).
#[inline(always)]
pub(crate) fn lut<T: Copy + Default>(table: &[T; 256], b: u8) -> T {
    table.get(usize::from(b)).copied().unwrap_or_default()
}

/// Checks ASCII text against a class; the error is the position of the first bad byte.
#[inline]
pub(crate) fn ascii_check(bytes: &[u8], class: ContentClass) -> Result<(), usize> {
    let (sign, digits) = split_sign(bytes, class)?;
    let table = class_table(class);
    match digits.iter().position(|&b| !lut(table, b)) {
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
