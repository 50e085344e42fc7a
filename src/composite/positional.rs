//! Positional subfields: one after another at fixed positions of the field's text (digits of
//! a BCD field, characters of a text field, bytes of a binary one), read here.

use super::common::truncated;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::field_id::FieldId;
use crate::spec::FieldSpec;
use crate::view::FieldView;

/// Where reading positional subfields stands.
pub(super) struct Read<'a> {
    list: &'a [(u16, FieldSpec)],
    index: usize,
    /// Units of the parent's text used so far.
    pos: usize,
}

impl<'a> Read<'a> {
    pub(super) const fn new(list: &'a [(u16, FieldSpec)]) -> Self {
        Self {
            list,
            index: 0,
            pos: 0,
        }
    }

    /// The next subfield of `p`; `None` at the end. A sender may stop after any subfield, and
    /// the last one present may be shorter than its length.
    pub(super) fn step(&mut self, p: &FieldView<'a>) -> Option<Result<FieldView<'a>, DecodeError>> {
        let total = p.len();
        let (n, spec) = self.list.get(self.index)?;
        let id = FieldId::Number(*n);
        if self.pos >= total {
            return None;
        }
        let take = (spec.length as usize).min(total - self.pos);
        let Some((raw, lead)) = p.slice_units(self.pos, take) else {
            let at = p.spec().wire_len(self.pos);
            return Some(Err(p.sub_error(truncated(take, 0), id, at)));
        };
        self.pos += take;
        self.index += 1;
        if self.index >= self.list.len() && self.pos < total {
            let at = p.spec().wire_len(self.pos);
            let count = total - self.pos;
            return Some(Err(p.sub_error(
                DecodeErrorKind::TrailingBytes { count },
                id,
                at,
            )));
        }
        let sub = FieldView::new_sub(p.number(), id, spec, raw, take, lead);
        Some(p.check_sub(&sub).map(|()| sub))
    }
}
