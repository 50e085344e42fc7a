//! Packed BCD: two digits (nibbles) per byte, an odd count padded with a filler nibble.

use crate::spec::field::{BcdPad, ContentClass};
use bytes::BufMut;

/// The nibble at position `i` (0 = high nibble of the first byte).
#[inline]
fn nibble(bytes: &[u8], i: usize) -> u8 {
    let b = bytes.get(i / 2).copied().unwrap_or(0);
    if i.is_multiple_of(2) {
        b >> 4
    } else {
        b & 0x0F
    }
}

/// The nibble index of the first digit: 1 when an odd count is padded on the left.
#[inline]
pub(crate) const fn first_digit(len: usize, pad: BcdPad) -> usize {
    if len % 2 == 1 && pad.is_left() {
        1
    } else {
        0
    }
}

/// Checks `len` BCD digits in `bytes` against a class (`n`: 0–9, `z`: 0–9 and the `D`
/// separator, `b`: any hex digit). The filler nibble of an odd count may be `0` or `F`.
/// The error is the digit position of the first bad nibble.
pub(crate) fn bcd_check(
    bytes: &[u8],
    len: usize,
    class: ContentClass,
    pad: BcdPad,
) -> Result<(), usize> {
    if quick_ok(bytes, len, class, pad) {
        return Ok(());
    }
    let first = first_digit(len, pad);
    let filler_ok = len.is_multiple_of(2)
        || matches!(nibble(bytes, if pad.is_left() { 0 } else { len }), 0 | 0xF);
    // The error is the first bad nibble on the wire: a filler on the left comes before the
    // digits, one on the right after them.
    if !filler_ok && pad.is_left() {
        return Err(0);
    }
    bcd_check_digits(bytes, first, len, class)?;
    if filler_ok {
        Ok(())
    } else {
        Err(len.saturating_sub(1))
    }
}

/// Whether a nibble is a digit, or the `D` separator when `separator`.
const fn digit_nibble(d: usize, separator: bool) -> bool {
    d <= 9 || (separator && d == 0xD)
}

/// Whether each nibble of a byte is a digit (`n`), or a digit or the `D` separator (`z`).
// The loop stays below the table's length.
#[allow(clippy::indexing_slicing)]
const fn nibble_table(separator: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = digit_nibble(b >> 4, separator) && digit_nibble(b & 0xF, separator);
        b += 1;
    }
    t
}

const BCD_DIGITS: [bool; 256] = nibble_table(false);
const BCD_TRACK: [bool; 256] = nibble_table(true);

/// The common case of valid `n` or `z` BCD content, checked a byte at a time by table with no
/// branch per byte; `false` sends the caller to the exact check, which finds the position.
#[inline]
fn quick_ok(bytes: &[u8], len: usize, class: ContentClass, pad: BcdPad) -> bool {
    let table = match class {
        ContentClass::N => &BCD_DIGITS,
        ContentClass::Z => &BCD_TRACK,
        _ => return false,
    };
    if bytes.len() != len.div_ceil(2) {
        return false;
    }
    let digit = |d: u8| d <= 9 || (class == ContentClass::Z && d == 0xD);
    let filler = |d: u8| d == 0 || d == 0xF;
    let body = if len.is_multiple_of(2) {
        bytes
    } else if pad.is_left() {
        match bytes.split_first() {
            Some((&b, rest)) if filler(b >> 4) && digit(b & 0xF) => rest,
            _ => return false,
        }
    } else {
        match bytes.split_last() {
            Some((&b, rest)) if digit(b >> 4) && filler(b & 0xF) => rest,
            _ => return false,
        }
    };
    body.iter().fold(true, |ok, &b| ok & super::lut(table, b))
}

/// Checks `len` BCD digits of `bytes` starting at nibble `first` against a class, without
/// looking at any filler. The error is the digit position of the first bad nibble.
pub(crate) fn bcd_check_digits(
    bytes: &[u8],
    first: usize,
    len: usize,
    class: ContentClass,
) -> Result<(), usize> {
    for i in 0..len {
        let d = nibble(bytes, first + i);
        let ok = match class {
            ContentClass::B => true,
            ContentClass::Z => d <= 9 || d == 0xD,
            _ => d <= 9,
        };
        if !ok {
            return Err(i);
        }
    }
    Ok(())
}

/// Writes `len` BCD digits of `bytes`, starting at nibble `first`, as upper-case hex
/// characters into `out`, which must hold at least `len` bytes.
pub(crate) fn bcd_text_into(bytes: &[u8], first: usize, len: usize, out: &mut [u8]) {
    for (i, o) in out.iter_mut().take(len).enumerate() {
        if let Some(&c) = super::HEX_UPPER.get(usize::from(nibble(bytes, first + i))) {
            *o = c;
        }
    }
}

/// The nibble a text character stands for: a hex digit, or `=` for the track separator.
#[inline]
pub(crate) fn char_nibble(c: u8) -> Option<u8> {
    match c {
        b'=' => Some(0xD),
        _ => super::hex_value(c),
    }
}

/// Packs text digits (already validated) as BCD with the filler nibble of `pad`.
pub(crate) fn bcd_write<B: BufMut>(text: &[u8], pad: BcdPad, out: &mut B) {
    let odd = text.len() % 2 == 1;
    let digits = text.iter().map(|&c| char_nibble(c).unwrap_or(0));
    let mut high: Option<u8> = if odd && pad.is_left() {
        Some(pad.nibble())
    } else {
        None
    };
    for d in digits {
        match high.take() {
            Some(h) => out.put_u8(h << 4 | d),
            None => high = Some(d),
        }
    }
    if let Some(h) = high {
        out.put_u8(h << 4 | pad.nibble());
    }
}

/// The filler nibble of an odd count of packed BCD digits in `raw`: the first nibble when the
/// spec pads on the left, else the last; `None` for no bytes. The one statement of where the
/// filler is; what it may hold (0 or F) is each reader's rule.
#[inline(always)]
pub(crate) fn filler_nibble(raw: &[u8], pad_left: bool) -> Option<u8> {
    if pad_left {
        raw.first().map(|b| b >> 4)
    } else {
        raw.last().map(|b| b & 0xF)
    }
}
