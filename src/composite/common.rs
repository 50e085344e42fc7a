//! What the subfield layouts share: the formats of subfields without a spec, the errors that
//! name a subfield, slicing a parent's text, and writing a parent's content piece by piece.
//!
//! A leaf among the composite modules: each layout takes from it, and it takes from none of
//! them.

use crate::codec::{self, hex_value, lut, ASCII_TO_EBCDIC};
use crate::error::{DecodeError, DecodeErrorKind, Element, EncodeError, EncodeErrorKind};
use crate::field_id::FieldId;
use crate::format::read::check_content;
use crate::format::write::{encode_text, Encoded};
use crate::spec::{BcdPad, ContentClass, Encoding, FieldSpec, Mask, Padding};
use crate::view::FieldView;

/// A format for subfields that have no spec of their own.
pub(super) const fn implicit(class: ContentClass, encoding: Encoding, mask: Mask) -> FieldSpec {
    FieldSpec {
        name: String::new(),
        class,
        encoding,
        length: u32::MAX,
        min_length: 0,
        prefix: None,
        bcd_pad: BcdPad::Right0,
        padding: Padding::None,
        mask,
        composite: None,
    }
}

pub(super) const fn truncated(needed: usize, available: usize) -> DecodeErrorKind {
    DecodeErrorKind::Truncated { needed, available }
}

impl<'a> FieldView<'a> {
    /// A part of this field's content: `len` units from unit `start` of its text, in the
    /// field's own encoding.
    pub(super) fn slice_units(&self, start: usize, len: usize) -> Option<(&'a [u8], u8, usize)> {
        let raw = self.as_bytes();
        if self.spec().encoding == Encoding::Bcd {
            let first = usize::from(self.first_nibble()) + start;
            let bytes = raw.get(first / 2..(first + len).div_ceil(2))?;
            Some((bytes, u8::from(first % 2 == 1), first / 2))
        } else {
            let from = self.spec().wire_len(start);
            let to = self.spec().wire_len(start + len);
            Some((raw.get(from..to)?, 0, from))
        }
    }

    /// Makes a subfield error at byte `offset` of this field's content.
    pub(super) fn sub_error(
        &self,
        kind: DecodeErrorKind,
        sub: FieldId,
        offset: usize,
    ) -> DecodeError {
        DecodeError::new(
            kind,
            Element::Subfield {
                field: self.number(),
                sub,
            },
            offset,
        )
    }

    /// Makes an error about this field as a whole (no subfield can be named yet) at byte
    /// `offset` of its content.
    pub(super) fn field_error(&self, kind: DecodeErrorKind, offset: usize) -> DecodeError {
        DecodeError::new(kind, Element::Field(self.number()), offset)
    }

    /// Checks a text-level subfield's content; the error offset is within the parent.
    pub(super) fn check_sub(&self, sub: &FieldView<'a>) -> Result<(), DecodeError> {
        let spec = sub.spec();
        let result = if spec.encoding == Encoding::Bcd {
            codec::bcd_check_digits(
                sub.as_bytes(),
                usize::from(sub.first_nibble()),
                sub.len(),
                spec.class,
            )
            .map_err(|d| (usize::from(sub.first_nibble()) + d) / 2)
        } else {
            check_content(spec, sub.as_bytes(), sub.len())
        };
        let base = sub.offset() - self.offset();
        result.map_err(|p| {
            self.sub_error(
                DecodeErrorKind::InvalidContent {
                    class: spec.class.name(),
                },
                sub.sub_id().unwrap_or(FieldId::Number(0)),
                base + p,
            )
        })
    }
}

/// The error for a subfield id that field `n`'s layout has no place for.
pub(super) const fn not_in_layout(n: u16, sub: FieldId) -> EncodeError {
    EncodeError::new(
        EncodeErrorKind::FieldNotInSpec,
        Element::Subfield { field: n, sub },
    )
}

/// The error for a subfield value of field `n` that its layout cannot write, at `position`
/// of the value.
pub(super) const fn bad_subfield(n: u16, sub: FieldId, position: usize) -> EncodeError {
    EncodeError::new(
        EncodeErrorKind::InvalidContent {
            class: "subfield",
            position,
        },
        Element::Subfield { field: n, sub },
    )
}

/// Subfield `sub` of field `n` made from its text by its own format `spec` (filled as its
/// padding says and checked), in that format's wire form.
pub(super) fn sub_value(
    spec: &FieldSpec,
    n: u16,
    sub: FieldId,
    text: &str,
) -> Result<Encoded, EncodeError> {
    encode_text(spec, n, text.as_bytes())
        .map_err(|e| EncodeError::new(e.kind(), Element::Subfield { field: n, sub }))
}

/// Writes the content of a field piece by piece in the field's encoding: text characters
/// (translated to EBCDIC, or packed as BCD digits, as the field is), the wire form of
/// subfields that share the field's encoding, and bytes as they are.
///
/// BCD pieces may start mid-byte: digits are placed a nibble at a time, and the filler of an
/// odd count is put where the field's padding says when the content is complete.
pub(super) struct ContentWriter<'o> {
    parent: &'o FieldSpec,
    out: &'o mut Vec<u8>,
    /// Where the content starts in `out`.
    start: usize,
    /// BCD digits written.
    nibbles: usize,
}

impl<'o> ContentWriter<'o> {
    /// A writer of `parent`'s content at the end of `out`.
    pub(super) fn new(parent: &'o FieldSpec, out: &'o mut Vec<u8>) -> Self {
        let start = out.len();
        Self {
            parent,
            out,
            start,
            nibbles: 0,
        }
    }

    /// Where the next piece starts in the content as text (characters, or BCD digits).
    pub(super) fn text_pos(&self) -> usize {
        match self.parent.encoding {
            Encoding::Bcd => self.nibbles,
            _ => self.out.len() - self.start,
        }
    }

    /// Appends text, checked first against the field's class (as [`crate::Message::set`]
    /// checks a value's text); the error names field `n` and the position in its text.
    pub(super) fn put_checked_text(&mut self, n: u16, text: &[u8]) -> Result<(), EncodeError> {
        let class = self.parent.class;
        let checked = if class == ContentClass::B {
            codec::hex_check(text)
        } else {
            codec::ascii_check(text, class)
        };
        checked.map_err(|p| {
            EncodeError::new(
                EncodeErrorKind::InvalidContent {
                    class: class.name(),
                    position: self.text_pos() + p,
                },
                Element::Field(n),
            )
        })?;
        self.put_text(text);
        Ok(())
    }

    /// Appends text in the field's encoding: as it is for ASCII and binary fields (a binary
    /// field's tags and lengths are ASCII), translated for EBCDIC, packed for BCD.
    pub(super) fn put_text(&mut self, text: &[u8]) {
        match self.parent.encoding {
            Encoding::Ascii | Encoding::Binary => self.out.extend_from_slice(text),
            Encoding::AsciiHex => self.out.extend(text.iter().map(|c| c.to_ascii_uppercase())),
            Encoding::Ebcdic => self
                .out
                .extend(text.iter().map(|&c| lut(&ASCII_TO_EBCDIC, c))),
            Encoding::EbcdicHex => self.out.extend(
                text.iter()
                    .map(|c| lut(&ASCII_TO_EBCDIC, c.to_ascii_uppercase())),
            ),
            Encoding::Bcd => {
                // Text reaches a BCD field checked against its class (or as digits), so each
                // character has a nibble.
                for &c in text {
                    // The track separator `=` is the D nibble, as `Message::set` writes it.
                    let d = if c == b'=' {
                        0xD
                    } else {
                        hex_value(c).unwrap_or(0)
                    };
                    self.put_nibble(d);
                }
            }
        }
    }

    /// Writes `value` as exactly `width` decimal digits (at most 4) in the field's encoding;
    /// `false`, writing nothing, when it needs more.
    pub(super) fn put_decimal(&mut self, value: usize, width: u8) -> bool {
        let mut digits = [b'0'; 4];
        let Some(slot) = digits.get_mut(..usize::from(width)) else {
            return false;
        };
        let mut rest = value;
        for d in slot.iter_mut().rev() {
            *d = b'0' + u8::try_from(rest % 10).unwrap_or(0);
            rest /= 10;
        }
        if rest != 0 {
            return false;
        }
        self.put_text(slot);
        true
    }

    /// Appends a subfield's value made by `encode_text` with a format in the field's encoding
    /// (for a binary field, any bytewise one): its wire bytes, or for BCD its digits.
    pub(super) fn put_value(&mut self, spec: &FieldSpec, value: &Encoded) {
        let wire: &[u8] = &value.wire;
        if self.parent.encoding != Encoding::Bcd {
            self.out.extend_from_slice(wire);
            return;
        }
        // A signed amount's sign character is packed as the field's text would be (`C` and
        // `D` are nibbles too); its digits follow.
        let (digits, count) = match (spec.class, wire.split_first()) {
            (ContentClass::Xn, Some((&sign, rest))) => {
                self.put_text(&[sign]);
                (rest, value.len - 1)
            }
            _ => (wire, value.len),
        };
        let first = codec::first_digit(count, spec.bcd_pad);
        for i in first..first + count {
            let byte = digits.get(i / 2).copied().unwrap_or(0);
            self.put_nibble(if i % 2 == 0 { byte >> 4 } else { byte & 0xF });
        }
    }

    fn put_nibble(&mut self, d: u8) {
        if self.nibbles % 2 == 1 {
            if let Some(last) = self.out.last_mut() {
                *last |= d & 0xF;
            }
        } else {
            self.out.push(d << 4);
        }
        self.nibbles += 1;
    }

    /// Completes the content and returns its length in the field's units. An odd count of
    /// BCD digits gets its filler: after the last digit, or before the first, which moves
    /// every digit one nibble on.
    pub(super) fn finish(self) -> usize {
        let bytes = self.out.len() - self.start;
        match self.parent.encoding {
            Encoding::Bcd => {
                let pad = self.parent.bcd_pad;
                if self.nibbles % 2 == 1 {
                    let content = self.out.get_mut(self.start..).unwrap_or_default();
                    if pad.is_left() {
                        let mut carry = pad.nibble();
                        for b in content {
                            let low = *b & 0xF;
                            *b = carry << 4 | *b >> 4;
                            carry = low;
                        }
                    } else if let Some(last) = content.last_mut() {
                        *last |= pad.nibble();
                    }
                }
                self.nibbles
            }
            Encoding::AsciiHex | Encoding::EbcdicHex => bytes / 2,
            Encoding::Ascii | Encoding::Ebcdic | Encoding::Binary => bytes,
        }
    }
}
