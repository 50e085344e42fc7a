//! What the subfield layouts share: the formats of subfields without a spec, the errors that
//! name a subfield, and slicing a parent's text.
//!
//! A leaf among the composite modules: each layout takes from it, and it takes from none of
//! them.

use crate::codec;
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::field_id::FieldId;
use crate::spec::{BcdPad, ContentClass, Encoding, FieldSpec, Mask, Padding};
use crate::view::{check_content, FieldView};

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

/// Where `part` starts within `whole` (both slices of the same input).
pub(super) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

impl<'a> FieldView<'a> {
    /// A part of this field's content: `len` units from unit `start` of its text, in the
    /// field's own encoding.
    pub(super) fn slice_units(&self, start: usize, len: usize) -> Option<(&'a [u8], u8)> {
        let raw = self.as_bytes();
        if self.spec().encoding == Encoding::Bcd {
            let first = usize::from(self.first_nibble()) + start;
            let bytes = raw.get(first / 2..(first + len).div_ceil(2))?;
            Some((bytes, u8::from(first % 2 == 1)))
        } else {
            let from = self.spec().wire_len(start);
            let to = self.spec().wire_len(start + len);
            Some((raw.get(from..to)?, 0))
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
        let base = offset_in(self.as_bytes(), sub.as_bytes());
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
