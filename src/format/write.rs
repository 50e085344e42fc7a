//! The general writer of one field: a value's text form turned into its wire form, checked
//! against the field as the reader will check it.

use super::read::check_content;
use crate::codec::{self, lut, ASCII_TO_EBCDIC};
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::spec::field::{ContentClass, Encoding, FieldSpec, Padding, PrefixCounts};
use bytes::{BufMut, Bytes, BytesMut};

/// A field's content in its wire form, and its length in the field's unit.
pub(crate) struct Encoded {
    pub(crate) wire: Bytes,
    pub(crate) len: usize,
}

/// Turns a value's text form into its wire form, checking it against the field.
pub(crate) fn encode_text(fs: &FieldSpec, n: u16, text: &[u8]) -> Result<Encoded, EncodeError> {
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
        let digits_ok = |t: &[u8]| -> Result<(), usize> {
            match fs.class {
                // BCD track data writes `=` as the D nibble.
                ContentClass::Z => codec::ascii_check(t, ContentClass::Z),
                c => codec::ascii_check(t, c),
            }
        };
        let given = |p: usize| {
            if p >= zeros.0 + zeros.1 {
                p - zeros.1
            } else {
                p
            }
        };
        digits_ok(text).map_err(|p| bad(given(p)))?;
    }
    if odd_digits_unmarked(fs, len) {
        return Err(bad(text.len()));
    }
    let mut wire = BytesMut::with_capacity(fs.wire_len(len));
    match fs.encoding {
        Encoding::Ascii => wire.put_slice(text),
        Encoding::AsciiHex => {
            wire.put_slice(text);
            wire.make_ascii_uppercase();
        }
        Encoding::Ebcdic => {
            wire.resize(text.len(), 0);
            codec::ascii_to_ebcdic(text, &mut wire);
        }
        Encoding::EbcdicHex => {
            for &c in text {
                wire.put_u8(lut(&ASCII_TO_EBCDIC, c.to_ascii_uppercase()));
            }
        }
        Encoding::Binary => {
            wire.resize(len, 0);
            codec::hex_decode_into(text, &mut wire).map_err(bad)?;
        }
        Encoding::Bcd => match (fs.class, text.split_first()) {
            (ContentClass::Xn, Some((sign, digits))) => {
                wire.put_u8(*sign);
                codec::bcd_write(digits, fs.bcd_pad, &mut wire);
            }
            _ => codec::bcd_write(text, fs.bcd_pad, &mut wire),
        },
    }
    // The stored form must decode as it will on the wire.
    check_content(fs, &wire, len).map_err(bad)?;
    Ok(Encoded {
        wire: wire.freeze(),
        len,
    })
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
