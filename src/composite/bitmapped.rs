//! Bitmapped subfields: a binary bitmap of the subfields present, then those subfields, each
//! in its own format with its own length prefix (Visa DE62/DE126, Postilion DE127 style).
//! Read and written.

use super::common::{not_in_layout, sub_value, truncated};
use crate::codec;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::field_id::FieldId;
use crate::format::prefix::prefix_write;
use crate::format::read::{read_field, Reader};
use crate::spec::{BitmappedLayout, Encoding};
use crate::view::FieldView;

/// Where reading bitmapped subfields stands.
pub(super) struct Read<'a> {
    layout: &'a BitmappedLayout,
    /// The bits not read yet, bit 1 first (the top bit).
    bitmap: u128,
    /// The last subfield read; 0 before the bitmap is.
    bit: u16,
    /// Bytes of the parent's content used so far.
    pos: usize,
}

impl<'a> Read<'a> {
    pub(super) const fn new(layout: &'a BitmappedLayout) -> Self {
        Self {
            layout,
            bitmap: 0,
            bit: 0,
            pos: 0,
        }
    }

    /// The next subfield of `p`, after its bitmap; `None` at the end, which must be the end
    /// of the field.
    pub(super) fn step(&mut self, p: &FieldView<'a>) -> Option<Result<FieldView<'a>, DecodeError>> {
        let raw = p.as_bytes();
        let bytes = usize::from(self.layout.bitmap_bytes);
        if self.bit == 0 {
            let Some(map) = raw.get(..bytes) else {
                return Some(Err(p.field_error(truncated(bytes, raw.len()), 0)));
            };
            self.bitmap =
                map.iter().fold(0u128, |acc, b| acc << 8 | u128::from(*b)) << (128 - 8 * bytes);
            self.pos = bytes;
        }
        if self.bitmap != 0 {
            let lz = self.bitmap.leading_zeros();
            self.bitmap &= !(1u128 << (127 - lz));
            let n = u16::try_from(lz + 1).unwrap_or(0);
            self.bit = n;
            return Some(read_one(p, self.layout, n, &mut self.pos));
        }
        let end = self.pos;
        if end != raw.len() {
            let count = raw.len().saturating_sub(end);
            return Some(Err(
                p.field_error(DecodeErrorKind::TrailingBytes { count }, end)
            ));
        }
        None
    }
}

/// Reads subfield `n` of a bitmapped field at `pos` of the parent's content.
fn read_one<'a>(
    p: &FieldView<'a>,
    layout: &'a BitmappedLayout,
    n: u16,
    pos: &mut usize,
) -> Result<FieldView<'a>, DecodeError> {
    let id = FieldId::Number(n);
    let raw = p.as_bytes();
    let spec = layout
        .subfields
        .iter()
        .find(|(k, _)| *k == n)
        .map(|(_, fs)| fs)
        .ok_or_else(|| p.sub_error(DecodeErrorKind::FieldNotInSpec, id, *pos))?;
    let mut reader = Reader {
        input: raw,
        pos: *pos,
    };
    let span =
        read_field(&mut reader, spec, n).map_err(|e| p.sub_error(e.kind(), id, e.offset()))?;
    *pos = reader.pos;
    let start = span.start as usize;
    let bytes = raw
        .get(start..start + span.wire as usize)
        .ok_or_else(|| p.sub_error(truncated(span.wire as usize, 0), id, start))?;
    let len = span.len as usize;
    let lead = if spec.encoding == Encoding::Bcd {
        u8::from(codec::first_digit(len, spec.bcd_pad) == 1)
    } else {
        0
    };
    Ok(FieldView::new_sub(p.number(), id, spec, bytes, len, lead).at(p.offset() + start))
}

/// Writes the content of bitmapped field `n` from `items`, in ascending order of number:
/// the bitmap, then each subfield made by its format after its own length prefix. Returns
/// the content's length in bytes.
pub(super) fn write(
    layout: &BitmappedLayout,
    n: u16,
    items: &[(FieldId, &str)],
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let start = out.len();
    let bytes = usize::from(layout.bitmap_bytes);
    out.resize(start + bytes, 0);
    let mut last = 0u16;
    for (id, value) in items {
        let FieldId::Number(k) = *id else {
            return Err(not_in_layout(n, *id));
        };
        let spec = layout
            .subfields
            .iter()
            .find(|(s, _)| *s == k)
            .map(|(_, fs)| fs)
            .ok_or(not_in_layout(n, *id))?;
        let bit = usize::from(k).checked_sub(1).ok_or(not_in_layout(n, *id))?;
        if k <= last || bit >= bytes * 8 {
            return Err(not_in_layout(n, *id));
        }
        last = k;
        if let Some(b) = out.get_mut(start + bit / 8) {
            *b |= 0x80 >> (bit % 8);
        }
        let v = sub_value(spec, n, *id, value)?;
        if let Some(prefix) = &spec.prefix {
            let count = spec.prefix_count(v.len, v.wire.len());
            prefix_write(prefix, count as u64, out);
        }
        out.extend_from_slice(&v.wire);
    }
    Ok(out.len() - start)
}
