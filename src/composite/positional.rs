//! Positional subfields: one after another at fixed positions of the field's text (digits of
//! a BCD field, characters of a text field, bytes of a binary one), read and written.

use super::common::{not_in_layout, sub_value, truncated, ContentWriter};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::field_id::FieldId;
use crate::spec::{Encoding, FieldSpec};
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
        let Some((raw, lead, from)) = p.slice_units(self.pos, take) else {
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
        let sub = FieldView::new_sub(p.number(), id, spec, raw, take, lead).at(p.offset() + from);
        Some(p.check_sub(&sub).map(|()| sub))
    }
}

/// Writes the content of positional field `n` (format `parent`, subfields `list`) from
/// `items`, which follow the list from its start; returns its length in the field's units.
///
/// Each subfield is filled to its length by its padding and checked by its format, except
/// that in a text field the last one given may stay short: its text is then checked against
/// the field's class only.
pub(super) fn write(
    parent: &FieldSpec,
    list: &[(u16, FieldSpec)],
    n: u16,
    items: &[(FieldId, &str)],
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let binary = parent.encoding == Encoding::Binary;
    let mut content = ContentWriter::new(parent, out);
    for (i, (id, value)) in items.iter().enumerate() {
        let (k, spec) = list.get(i).ok_or(not_in_layout(n, *id))?;
        if *id != FieldId::Number(*k) {
            return Err(not_in_layout(n, *id));
        }
        let last = i + 1 == items.len();
        if !binary && last && value.len() < spec.length as usize {
            content.put_checked_text(n, value.as_bytes())?;
        } else {
            content.put_value(spec, &sub_value(spec, n, *id, value)?);
        }
    }
    Ok(content.finish())
}
