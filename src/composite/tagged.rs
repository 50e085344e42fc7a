//! Tagged subelements: a tag and a length in decimal digits (in either order), then the value;
//! optionally a lead before the first (the DE48 styles of Mastercard and Europay). Read and
//! written.

use super::common::{bad_subfield, implicit, not_in_layout, sub_value, truncated, ContentWriter};
use crate::codec::{lut, EBCDIC_TO_ASCII};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::field_id::FieldId;
use crate::spec::{ContentClass, Encoding, FieldSpec, Mask, TaggedLayout};
use crate::view::FieldView;

static TEXT_ASCII: FieldSpec = implicit(ContentClass::Ans, Encoding::Ascii, Mask::None);
static TEXT_EBCDIC: FieldSpec = implicit(ContentClass::Ans, Encoding::Ebcdic, Mask::None);

/// The implicit text format for tagged subelements without a spec of their own.
fn text_spec(parent: &FieldSpec) -> &'static FieldSpec {
    match parent.encoding {
        Encoding::Ebcdic => &TEXT_EBCDIC,
        _ => &TEXT_ASCII,
    }
}

/// The format of subelement `tag`: its own, or text.
fn spec_of<'a>(layout: &'a TaggedLayout, parent: &FieldSpec, tag: u16) -> &'a FieldSpec {
    layout
        .subfields
        .iter()
        .find(|(k, _)| *k == tag)
        .map_or_else(|| text_spec(parent), |(_, fs)| fs)
}

/// Where reading tagged subelements stands.
pub(super) struct Read<'a> {
    layout: &'a TaggedLayout,
    /// Bytes of the parent's content used so far.
    pos: usize,
    lead_done: bool,
}

impl<'a> Read<'a> {
    pub(super) const fn new(layout: &'a TaggedLayout) -> Self {
        Self {
            layout,
            pos: 0,
            lead_done: layout.lead == 0,
        }
    }

    /// The next subelement of `p` (first the lead, as subfield 0, if the layout has one);
    /// `None` at the end.
    pub(super) fn step(&mut self, p: &FieldView<'a>) -> Option<Result<FieldView<'a>, DecodeError>> {
        let raw = p.as_bytes();
        if !self.lead_done {
            self.lead_done = true;
            let id = FieldId::Number(0);
            let n = usize::from(self.layout.lead);
            let Some(bytes) = raw.get(..n) else {
                return Some(Err(p.sub_error(truncated(n, raw.len()), id, 0)));
            };
            self.pos = n;
            let spec = spec_of(self.layout, p.spec(), 0);
            let sub = FieldView::new_sub(p.number(), id, spec, bytes, n, 0).at(p.offset());
            return Some(p.check_sub(&sub).map(|()| sub));
        }
        if self.pos >= raw.len() {
            return None;
        }
        Some(read_one(p, self.layout, &mut self.pos))
    }
}

/// Reads decimal digits in the parent's text encoding.
fn read_digits(parent: &FieldSpec, digits: &[u8]) -> Option<usize> {
    digits.iter().try_fold(0usize, |v, &c| {
        let c = if parent.encoding == Encoding::Ebcdic {
            lut(&EBCDIC_TO_ASCII, c)
        } else {
            c
        };
        let d = c.checked_sub(b'0').filter(|d| *d <= 9)?;
        Some(v * 10 + usize::from(d))
    })
}

/// Reads one tagged subelement at `pos` of the parent's content.
fn read_one<'a>(
    p: &FieldView<'a>,
    layout: &'a TaggedLayout,
    pos: &mut usize,
) -> Result<FieldView<'a>, DecodeError> {
    let raw = p.as_bytes();
    let at = *pos;
    let (t, l) = (
        usize::from(layout.tag_digits),
        usize::from(layout.len_digits),
    );
    let head = raw
        .get(at..at + t + l)
        .ok_or_else(|| p.field_error(truncated(t + l, raw.len() - at), at))?;
    let (tag_digits, len_digits) = if layout.length_first {
        let (len, tag) = head.split_at(l);
        (tag, len)
    } else {
        head.split_at(t)
    };
    let tag = read_digits(p.spec(), tag_digits)
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(|| p.field_error(DecodeErrorKind::InvalidLengthPrefix, at))?;
    let id = FieldId::Number(tag);
    let len = read_digits(p.spec(), len_digits)
        .ok_or_else(|| p.sub_error(DecodeErrorKind::InvalidLengthPrefix, id, at))?;
    let start = at + t + l;
    let value = raw
        .get(start..start + len)
        .ok_or_else(|| p.sub_error(truncated(len, raw.len() - start), id, start))?;
    *pos = start + len;
    let spec = spec_of(layout, p.spec(), tag);
    if len > spec.length as usize || len < spec.min_length as usize {
        let kind = DecodeErrorKind::LengthOutOfRange {
            len,
            min: spec.min_length as usize,
            max: spec.length as usize,
        };
        return Err(p.sub_error(kind, id, at));
    }
    let sub = FieldView::new_sub(p.number(), id, spec, value, len, 0).at(p.offset() + start);
    p.check_sub(&sub).map(|()| sub)
}

/// Writes the content of tagged field `n` (format `parent`) from `items`, in the order given;
/// returns its length in the field's units.
///
/// Subelement 0 is the lead when the layout has one, written alone. Every other one gets its
/// tag and length as decimal digits in the field's encoding. In a binary field a known tag's
/// value is made by its format, any other's bytes are taken as they are; in a text field
/// values are text, checked against the field's class.
pub(super) fn write(
    parent: &FieldSpec,
    layout: &TaggedLayout,
    n: u16,
    items: &[(FieldId, &str)],
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let binary = parent.encoding == Encoding::Binary;
    let mut content = ContentWriter::new(parent, out);
    for (id, value) in items {
        let FieldId::Number(tag) = *id else {
            return Err(not_in_layout(n, *id));
        };
        let known = layout.subfields.iter().find(|(k, _)| *k == tag);
        let made = match known {
            Some((_, spec)) if binary => Some((spec, sub_value(spec, n, *id, value)?)),
            _ => None,
        };
        if !(tag == 0 && layout.lead > 0) {
            let len = made.as_ref().map_or(value.len(), |(_, v)| v.wire.len());
            let (first, first_width, second, second_width) = if layout.length_first {
                (len, layout.len_digits, usize::from(tag), layout.tag_digits)
            } else {
                (usize::from(tag), layout.tag_digits, len, layout.len_digits)
            };
            if !content.put_decimal(first, first_width)
                || !content.put_decimal(second, second_width)
            {
                return Err(bad_subfield(n, *id, 0));
            }
        }
        match &made {
            Some((spec, v)) => content.put_value(spec, v),
            None if binary => content.put_text(value.as_bytes()),
            None => content.put_checked_text(n, value.as_bytes())?,
        }
    }
    Ok(content.finish())
}
