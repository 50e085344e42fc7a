//! The general writer of one field: a value's text form turned into its wire form, checked
//! against the field as the reader will check it.

use super::prefix::{prefix_write, put_ascii_decimal};
use super::read::check_content;
use crate::codec::{self, lut, ASCII_TO_EBCDIC};
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::spec::field::{
    ContentClass, Encoding, FieldSpec, LengthPrefix, Padding, PrefixCounts, PrefixEncoding,
};
use bytes::Bytes;

/// A field's content in its wire form, and its length in the field's unit.
pub(crate) struct Encoded {
    pub(crate) wire: Bytes,
    pub(crate) len: usize,
}

/// Turns a value's text form into its wire form, checking it against the field.
pub(crate) fn encode_text(fs: &FieldSpec, n: u16, text: &[u8]) -> Result<Encoded, EncodeError> {
    // The exact size of a valid value, so that `Bytes::from` takes the vector as it is: with
    // spare capacity it would allocate again.
    let hex_bytes = fs.class == ContentClass::B && fs.encoding != Encoding::Bcd;
    let units = if hex_bytes {
        text.len() / 2
    } else {
        text.len()
    };
    let filled = if fs.is_fixed() {
        units.max(fs.length as usize)
    } else {
        units
    };
    let mut wire = Vec::with_capacity(fs.wire_len(filled));
    let len = write_text(fs, n, text, false, &mut wire)?;
    Ok(Encoded {
        wire: Bytes::from(wire),
        len,
    })
}

/// Appends a value's wire form, made from its text form and checked against the field, to
/// `out`; with `prefixed`, the field's length prefix (if it has one) goes first. Returns the
/// value's length in the field's unit. After an error `out` may hold part of the field.
#[inline]
pub(crate) fn write_text(
    fs: &FieldSpec,
    n: u16,
    text: &[u8],
    prefixed: bool,
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    if let Some(len) = write_ascii(fs, text, prefixed, out) {
        return Ok(len);
    }
    write_general(fs, n, text, prefixed, out)
}

/// [`write_text`] for the common case, a text field that is ASCII on the wire and a value
/// of a length the field takes as it is: checked, prefixed and copied, with none of the
/// general writer's filling and conversions. `None`, with `out` as it was, for any other
/// field or value, and for a value that fails the check (the general writer then reports it).
///
/// What it buys, in `benches/icount.rs`: the reference 0200 written from a struct
/// (`typed_encode_wire`) took 6,123 instructions through the general writer, 5,465 with this
/// (and 4,473 with the short check of `codec::ascii_check`, the MTI read in place, and
/// [`write_text`] inlined into its callers).
#[inline]
fn write_ascii(fs: &FieldSpec, text: &[u8], prefixed: bool, out: &mut Vec<u8>) -> Option<usize> {
    if fs.encoding != Encoding::Ascii || fs.class == ContentClass::B {
        return None;
    }
    let len = text.len();
    let min = if fs.is_fixed() {
        fs.length
    } else {
        fs.min_length
    };
    if len < min as usize || len > fs.length as usize {
        return None;
    }
    codec::ascii_check(text, fs.class).ok()?;
    if prefixed {
        // ASCII content: one byte a unit.
        put_prefix(fs, len, len, out);
    }
    out.extend_from_slice(text);
    Some(len)
}

/// [`write_text`] for any field and value.
fn write_general(
    fs: &FieldSpec,
    n: u16,
    text: &[u8],
    prefixed: bool,
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let element = Element::Field(n);
    let bad = |position| {
        EncodeError::new(
            EncodeErrorKind::InvalidContent {
                class: fs.class.name(),
                position,
            },
            element,
        )
    };
    let hex_bytes = fs.class == ContentClass::B && fs.encoding != Encoding::Bcd;
    if hex_bytes && text.len() % 2 == 1 {
        return Err(bad(text.len()));
    }
    let units = if hex_bytes {
        text.len() / 2
    } else {
        text.len()
    };
    let (min, max) = if fs.is_fixed() {
        (fs.length as usize, fs.length as usize)
    } else {
        (fs.min_length as usize, fs.length as usize)
    };
    let out_of_range = EncodeError::new(
        EncodeErrorKind::LengthOutOfRange {
            len: units,
            min,
            max,
        },
        element,
    );
    if units > max {
        return Err(out_of_range);
    }
    // Fill a short fixed value as the spec says.
    let mut padded;
    // Where zeros went into `padded` (first index, count), so that a bad character is reported
    // at its position in the value given.
    let mut zeros = (0, 0);
    let text = if units < min {
        let fill = min - units;
        padded = Vec::with_capacity(min);
        match (fs.padding, fs.is_fixed()) {
            (Padding::LeftZeros, true) if fs.class != ContentClass::Xn => {
                zeros = (0, fill);
                padded.resize(fill, b'0');
                padded.extend_from_slice(text);
            }
            (Padding::LeftZeros, true) => {
                // Keep the sign first: C00001234.
                let (sign, digits) = text.split_first().ok_or(out_of_range)?;
                zeros = (1, fill);
                padded.push(*sign);
                padded.resize(1 + fill, b'0');
                padded.extend_from_slice(digits);
            }
            (Padding::RightSpaces, true) => {
                padded.extend_from_slice(text);
                padded.resize(min, b' ');
            }
            _ => return Err(out_of_range),
        }
        padded.as_slice()
    } else {
        text
    };
    let len = if hex_bytes {
        text.len() / 2
    } else {
        text.len()
    };
    // Check the text form against the class.
    if hex_bytes || fs.class == ContentClass::B {
        codec::hex_check(text).map_err(bad)?;
    } else {
        let given = |p: usize| {
            if p >= zeros.0 + zeros.1 {
                p - zeros.1
            } else {
                p
            }
        };
        codec::ascii_check(text, fs.class).map_err(|p| bad(given(p)))?;
    }
    if odd_digits_unmarked(fs, len) {
        return Err(bad(text.len()));
    }
    let wire_len = fs.wire_len(len);
    if prefixed {
        put_prefix(fs, len, wire_len, out);
    }
    let start = out.len();
    out.reserve(wire_len);
    match fs.encoding {
        // The text form is the wire form, checked above as the reader checks it.
        Encoding::Ascii => {
            out.extend_from_slice(text);
            return Ok(len);
        }
        Encoding::AsciiHex => out.extend(text.iter().map(u8::to_ascii_uppercase)),
        Encoding::Ebcdic => {
            out.resize(start + text.len(), 0);
            if let Some(wire) = out.get_mut(start..) {
                codec::ascii_to_ebcdic(text, wire);
            }
        }
        Encoding::EbcdicHex => {
            out.extend(
                text.iter()
                    .map(|&c| lut(&ASCII_TO_EBCDIC, c.to_ascii_uppercase())),
            );
        }
        Encoding::Binary => {
            out.resize(start + len, 0);
            if let Some(wire) = out.get_mut(start..) {
                codec::hex_decode_into(text, wire).map_err(bad)?;
            }
        }
        Encoding::Bcd => match (fs.class, text.split_first()) {
            (ContentClass::Xn, Some((sign, digits))) => {
                out.push(*sign);
                codec::bcd_write(digits, fs.bcd_pad, out);
            }
            _ => codec::bcd_write(text, fs.bcd_pad, out),
        },
    }
    // The stored form must decode as it will on the wire.
    check_content(fs, out.get(start..).unwrap_or_default(), len).map_err(bad)?;
    Ok(len)
}

/// Appends the length prefix of field `fs` (nothing for a fixed field) for a value of `len`
/// units that takes `wire_len` bytes; the value's length was checked against the field.
///
/// The test for a fixed field is made where this is called: most fields are fixed, and
/// `typed_encode_wire` went from 3,210 to 2,908 instructions (`benches/icount.rs`).
#[inline]
pub(crate) fn put_prefix(fs: &FieldSpec, len: usize, wire_len: usize, out: &mut Vec<u8>) {
    if let Some(prefix) = fs.prefix {
        put_prefix_of(fs, prefix, len, wire_len, out);
    }
}

/// [`put_prefix`] of a field with a prefix.
fn put_prefix_of(
    fs: &FieldSpec,
    prefix: LengthPrefix,
    len: usize,
    wire_len: usize,
    out: &mut Vec<u8>,
) {
    // A spec is refused at load unless its prefix holds the field's largest length.
    let count = fs.prefix_count(len, wire_len);
    // The look-up writer covers the ASCII widths it has tables for (1 to 6 digits).
    if prefix.encoding == PrefixEncoding::Ascii && (1..=6).contains(&prefix.width) {
        put_ascii_decimal(count, prefix.width, out);
    } else {
        put_other_prefix(&prefix, count, out);
    }
}

/// [`put_prefix_of`] for the prefixes the ASCII look-up writer does not cover (binary, BCD,
/// EBCDIC, hex, wider ASCII). Out of line, so that the ASCII path does not save the
/// registers of its loops: `typed_encode_wire` went from 2,908 to 2,884 instructions, 12 a
/// prefixed member (`benches/icount.rs`).
#[inline(never)]
fn put_other_prefix(prefix: &LengthPrefix, count: usize, out: &mut Vec<u8>) {
    prefix_write(prefix, u64::try_from(count).unwrap_or(u64::MAX), out);
}

/// Whether `len` units of field `fs` would be an odd count of BCD digits that the wire cannot
/// tell: a prefix counting whole bytes gives BCD an even digit count, or an odd one marked by
/// an F filler, so any other odd count would decode with its filler as one more digit.
pub(crate) fn odd_digits_unmarked(fs: &FieldSpec, len: usize) -> bool {
    let byte_counted = matches!(
        fs.prefix.map(|p| p.counts),
        Some(PrefixCounts::Bytes | PrefixCounts::WireNibbles)
    );
    let digits = len.saturating_sub(usize::from(fs.class == ContentClass::Xn));
    fs.encoding == Encoding::Bcd
        && byte_counted
        && fs.class != ContentClass::B
        && fs.bcd_pad.nibble() != 0xF
        && digits % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::{write_general, write_text};
    use crate::spec::Spec;

    /// Values of every kind a field may be given: of each length up to past the longest
    /// field, in each class, and with a byte that fails each class at each place.
    fn values() -> Vec<Vec<u8>> {
        let mut all = Vec::new();
        for fill in [b'7', b'A', b'z', b' ', b'=', b'*', b'~', 0x80, b'C'] {
            for len in 0..40 {
                let mut v = vec![fill; len];
                all.push(v.clone());
                for bad in [b'x', b'5', b' ', b'D', 0x7F, 0xC3] {
                    for at in [0, len / 2, len.saturating_sub(1)] {
                        if let Some(b) = v.get_mut(at) {
                            let keep = *b;
                            *b = bad;
                            all.push(v.clone());
                            if let Some(b) = v.get_mut(at) {
                                *b = keep;
                            }
                        }
                    }
                }
            }
        }
        all
    }

    #[test]
    fn the_ascii_shortcut_writes_what_the_general_writer_writes() {
        let values = values();
        let mut checked = 0;
        for name in Spec::builtin_names() {
            let Some(spec) = Spec::builtin(name) else {
                panic!("built-in spec {name} is missing");
            };
            for (n, fs) in spec.fields() {
                for text in &values {
                    for prefixed in [false, true] {
                        let (mut fast, mut general) = (b"head".to_vec(), b"head".to_vec());
                        let a = write_text(fs, n, text, prefixed, &mut fast);
                        let b = write_general(fs, n, text, prefixed, &mut general);
                        assert_eq!(a, b, "{name} field {n} value {text:?}");
                        if a.is_ok() {
                            assert_eq!(fast, general, "{name} field {n} value {text:?}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        // Every built-in spec, every field, every value.
        assert!(checked > 100_000, "{checked}");
    }
}
