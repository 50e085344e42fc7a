//! The general field reader: one field's length prefix, content and checks, with the exact
//! error when something is wrong. The fast pass (`scan`) hands every field it does not cover,
//! and every fault it finds, to [`read_field`].

use super::prefix::prefix_read;
use crate::codec::{self, lut, EBCDIC_TO_ASCII};
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::spec::field::{ContentClass, Encoding, FieldSpec, PrefixCounts};

/// Where a field's content lies in the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    /// Offset of the content (after the prefix).
    pub(crate) start: u32,
    /// Length of the content on the wire, in bytes.
    pub(crate) wire: u32,
    /// Length in the field's unit (digits, characters, bytes).
    pub(crate) len: u32,
}

/// A cursor over the input that never reads past its end.
pub(crate) struct Reader<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    pub(crate) fn take(&mut self, n: usize, element: Element) -> Result<&'a [u8], DecodeError> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        match rest.get(..n) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(DecodeError::new(
                DecodeErrorKind::Truncated {
                    needed: n,
                    available: rest.len(),
                },
                element,
                self.pos,
            )),
        }
    }
}

/// What the reader does with content that breaks its field's class: the strict reader fails
/// ([`Strict`]); the lenient pass records it and reads on (`super::lenient`).
pub(crate) trait OnContent {
    /// Field `n` (of spec `fs`), whose content starts at `start`, has a byte at `offset`
    /// that breaks its class.
    ///
    /// # Errors
    /// The error that ends the read, when content faults are fatal.
    fn broken(
        &mut self,
        fs: &FieldSpec,
        n: u16,
        start: usize,
        offset: usize,
    ) -> Result<(), DecodeError>;
}

/// Content that breaks its class is an error.
pub(crate) struct Strict;

impl OnContent for Strict {
    #[inline]
    fn broken(
        &mut self,
        fs: &FieldSpec,
        n: u16,
        _: usize,
        offset: usize,
    ) -> Result<(), DecodeError> {
        Err(DecodeError::new(
            invalid(fs.class),
            Element::Field(n),
            offset,
        ))
    }
}

/// Reads one field at the cursor: its prefix, its content, and the checks of both.
#[inline]
pub(crate) fn read_field(r: &mut Reader<'_>, fs: &FieldSpec, n: u16) -> Result<Span, DecodeError> {
    read_field_in(r, fs, n, &mut Strict)
}

/// [`read_field`], handing content that breaks its class to `on`; the prefix, the length and
/// a truncated field are always errors.
#[inline]
pub(crate) fn read_field_in<C: OnContent>(
    r: &mut Reader<'_>,
    fs: &FieldSpec,
    n: u16,
    on: &mut C,
) -> Result<Span, DecodeError> {
    let element = Element::Field(n);
    let prefix_at = r.pos;
    let (len, wire) = match &fs.prefix {
        None => (fs.length as usize, fs.wire_len(fs.length as usize)),
        Some(prefix) => {
            let raw = r.take(prefix.wire_len(), element)?;
            let value = prefix_read(prefix, raw).ok_or(DecodeError::new(
                DecodeErrorKind::InvalidLengthPrefix,
                element,
                prefix_at,
            ))?;
            let value = usize::try_from(value).unwrap_or(usize::MAX);
            // Nibbles on the wire, a filler included, come in pairs: an odd count is no length.
            if prefix.counts == PrefixCounts::WireNibbles && value % 2 == 1 {
                return Err(DecodeError::new(
                    DecodeErrorKind::InvalidLengthPrefix,
                    element,
                    prefix_at,
                ));
            }
            let (len, wire) = units_from_prefix(fs, prefix.counts, value);
            // An F filler may yet take one digit off (see `refine_bcd_len`); the exact
            // range is checked again below.
            let slack = usize::from(may_shrink(fs));
            check_range(fs, len, slack)
                .map_err(|kind| DecodeError::new(kind, element, prefix_at))?;
            (len, wire)
        }
    };
    let start = r.pos;
    let raw = r.take(wire, element)?;
    let (len, wire) = refine_bcd_len(fs, raw, len, wire);
    if may_shrink(fs) {
        check_range(fs, len, 0).map_err(|kind| DecodeError::new(kind, element, prefix_at))?;
    }
    if let Err(p) = check_content(fs, raw, len) {
        on.broken(fs, n, start, start + p)?;
    }
    Ok(Span {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        wire: u32::try_from(wire).unwrap_or(u32::MAX),
        len: u32::try_from(len).unwrap_or(u32::MAX),
    })
}

/// Checks a variable field's length against its range, allowing `slack` more at the top.
#[inline]
fn check_range(fs: &FieldSpec, len: usize, slack: usize) -> Result<(), DecodeErrorKind> {
    let (min, max) = (fs.min_length as usize, fs.length as usize);
    if len > max + slack || len < min {
        return Err(DecodeErrorKind::LengthOutOfRange { len, min, max });
    }
    Ok(())
}

const fn invalid(class: ContentClass) -> DecodeErrorKind {
    DecodeErrorKind::InvalidContent {
        class: class.name(),
    }
}

/// The content length (field units) and the wire length from a prefix value.
#[inline]
pub(crate) fn units_from_prefix(
    fs: &FieldSpec,
    counts: PrefixCounts,
    value: usize,
) -> (usize, usize) {
    match counts {
        PrefixCounts::Units => (value, fs.wire_len(value)),
        PrefixCounts::Bytes => (units_from_wire(fs, value), value),
        PrefixCounts::Nibbles if fs.encoding == Encoding::Bcd => (value, fs.wire_len(value)),
        PrefixCounts::Nibbles | PrefixCounts::WireNibbles => {
            let wire = value.div_ceil(2);
            (units_from_wire(fs, wire), wire)
        }
    }
}

/// The content length of `wire` bytes (for BCD, assuming an even digit count; see
/// [`refine_bcd_len`]).
#[inline]
fn units_from_wire(fs: &FieldSpec, wire: usize) -> usize {
    match (fs.encoding, fs.class) {
        (Encoding::Bcd, ContentClass::Xn) if wire > 0 => 1 + (wire - 1) * 2,
        (Encoding::Bcd, _) => wire * 2,
        (Encoding::AsciiHex | Encoding::EbcdicHex, _) => wire / 2,
        _ => wire,
    }
}

/// Whether a BCD field's prefix counts whole bytes (or wire nibbles), so that an `F` filler
/// nibble on the wire makes the digit count one less than the prefix implies.
#[inline]
fn may_shrink(fs: &FieldSpec) -> bool {
    let by_bytes = matches!(
        fs.prefix.map(|p| p.counts),
        Some(PrefixCounts::Bytes | PrefixCounts::WireNibbles)
    );
    by_bytes
        && fs.encoding == Encoding::Bcd
        && fs.bcd_pad.nibble() == 0xF
        && fs.class != ContentClass::B
}

/// A BCD field whose prefix counts bytes (or wire nibbles) has an odd digit count when its
/// filler nibble is `F`; the length shrinks by one then (jPOS `IFEB_LLNUM` style).
#[inline]
pub(crate) fn refine_bcd_len(
    fs: &FieldSpec,
    raw: &[u8],
    len: usize,
    wire: usize,
) -> (usize, usize) {
    if !may_shrink(fs) || len == 0 {
        return (len, wire);
    }
    // For class xn the digits follow the sign byte.
    let digits = if fs.class == ContentClass::Xn {
        raw.get(1..).unwrap_or_default()
    } else {
        raw
    };
    let filler = codec::filler_nibble(digits, fs.bcd_pad.is_left());
    if filler == Some(0xF) && fs.class != ContentClass::B {
        (len - 1, wire)
    } else {
        (len, wire)
    }
}

/// Hex content takes two characters a byte: an odd count leaves its last character alone.
fn whole_bytes(hex: &[u8]) -> Result<(), usize> {
    if hex.len().is_multiple_of(2) {
        Ok(())
    } else {
        Err(hex.len() - 1)
    }
}

/// Checks a field's content against its class; the error is the byte offset within the
/// content.
#[inline]
pub(crate) fn check_content(fs: &FieldSpec, raw: &[u8], len: usize) -> Result<(), usize> {
    match fs.encoding {
        Encoding::Ascii => codec::ascii_check(raw, fs.class),
        Encoding::Ebcdic => codec::ebcdic_check(raw, fs.class),
        Encoding::Binary => Ok(()),
        Encoding::AsciiHex => codec::hex_check(raw).and_then(|()| whole_bytes(raw)),
        Encoding::EbcdicHex => {
            match raw
                .iter()
                .position(|&c| codec::hex_value(lut(&EBCDIC_TO_ASCII, c)).is_none())
            {
                Some(p) => Err(p),
                None => whole_bytes(raw),
            }
        }
        Encoding::Bcd => {
            // The byte of digit `d` of `count`: an odd count padded on the left starts at
            // nibble 1.
            let byte = |count: usize, d: usize| {
                (usize::from(count % 2 == 1 && fs.bcd_pad.is_left()) + d) / 2
            };
            if fs.class == ContentClass::Xn {
                let (sign, digits) = raw.split_first().ok_or(0usize)?;
                if !matches!(sign, b'C' | b'D') {
                    return Err(0);
                }
                let count = len.saturating_sub(1);
                codec::bcd_check(digits, count, ContentClass::N, fs.bcd_pad)
                    .map_err(|d| 1 + byte(count, d))
            } else {
                codec::bcd_check(raw, len, fs.class, fs.bcd_pad).map_err(|d| byte(len, d))
            }
        }
    }
}
