//! Track 2 data (ISO 7813): the PAN, the `=` (or `D`) separator, the expiry (YYMM), the
//! service code and discretionary data. Read and written.

use super::common::{implicit, not_in_layout, ContentWriter};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::field_id::{FieldId, Track2Part};
use crate::spec::{ContentClass, Encoding, FieldSpec, Mask};
use crate::view::FieldView;

/// Track 2 parts by encoding (ASCII, EBCDIC, BCD) and part.
static PARTS: [[FieldSpec; 4]; 3] = {
    const fn parts(encoding: Encoding) -> [FieldSpec; 4] {
        [
            implicit(ContentClass::N, encoding, Mask::Pan),
            implicit(ContentClass::N, encoding, Mask::None),
            implicit(ContentClass::N, encoding, Mask::None),
            implicit(ContentClass::N, encoding, Mask::Secret),
        ]
    }
    [
        parts(Encoding::Ascii),
        parts(Encoding::Ebcdic),
        parts(Encoding::Bcd),
    ]
};

/// The format of `part` of a track 2 field of format `parent`.
pub(super) fn part_spec(parent: &FieldSpec, part: Track2Part) -> &'static FieldSpec {
    let row = match parent.encoding {
        Encoding::Ebcdic => &PARTS[1],
        Encoding::Bcd => &PARTS[2],
        _ => &PARTS[0],
    };
    match part {
        Track2Part::Pan => &row[0],
        Track2Part::Expiry => &row[1],
        Track2Part::ServiceCode => &row[2],
        Track2Part::Discretionary => &row[3],
    }
}

/// The longest track 2 text read on the stack.
const TRACK2_MAX: usize = 128;

/// Where reading the parts of track 2 stands.
pub(super) struct Read {
    /// Where each part starts and how long it is, in units of the parent's text.
    parts: [(usize, usize); 4],
    /// The next part; `usize::MAX` before the parts are found.
    index: usize,
}

impl Read {
    pub(super) const fn new() -> Self {
        Self {
            parts: [(0, 0); 4],
            index: usize::MAX,
        }
    }

    /// The next part of `p`; `None` after the discretionary data.
    pub(super) fn step<'a>(
        &mut self,
        p: &FieldView<'a>,
    ) -> Option<Result<FieldView<'a>, DecodeError>> {
        if self.index == usize::MAX {
            match find_parts(p) {
                Ok(found) => self.parts = found,
                Err(e) => return Some(Err(e)),
            }
            self.index = 0;
        }
        let part = *Track2Part::ALL.get(self.index)?;
        let (start, len) = *self.parts.get(self.index)?;
        let spec = part_spec(p.spec(), part);
        self.index += 1;
        let (raw, lead, from) = p.slice_units(start, len)?;
        let sub = FieldView::new_sub(p.number(), FieldId::Part(part), spec, raw, len, lead)
            .at(p.offset() + from);
        Some(p.check_sub(&sub).map(|()| sub))
    }
}

/// Finds the parts of track 2 data in units of the parent's text: PAN up to the `=`/`D`
/// separator, 4 expiry digits, 3 service-code digits, and the rest.
fn find_parts(p: &FieldView<'_>) -> Result<[(usize, usize); 4], DecodeError> {
    let mut buf = [0u8; TRACK2_MAX];
    let pan_id = FieldId::Part(Track2Part::Pan);
    let text = p.text_into(&mut buf).map_err(|_| {
        p.sub_error(
            DecodeErrorKind::LengthOutOfRange {
                len: p.len(),
                min: 0,
                max: TRACK2_MAX,
            },
            pan_id,
            0,
        )
    })?;
    let text = text.as_bytes();
    let text = text.strip_suffix(b"?").unwrap_or(text);
    let skip = usize::from(text.first() == Some(&b';'));
    let sep = text
        .iter()
        .position(|&c| c == b'=' || c == b'D')
        .ok_or_else(|| {
            p.sub_error(
                DecodeErrorKind::InvalidContent { class: "z" },
                pan_id,
                p.spec().wire_len(text.len()),
            )
        })?;
    let after = sep + 1;
    let end = text.len();
    let expiry = (after, 4.min(end - after));
    let service = (after + expiry.1, 3.min(end - after - expiry.1));
    let disc_start = service.0 + service.1;
    Ok([
        (skip, sep - skip),
        expiry,
        service,
        (disc_start, end - disc_start),
    ])
}

/// Writes the content of track 2 field `n` (format `parent`) from `items`, parts in order
/// from the PAN, with `=` after the PAN; each part's text is checked against the field's
/// class. Returns the content's length in the field's units.
pub(super) fn write(
    parent: &FieldSpec,
    n: u16,
    items: &[(FieldId, &str)],
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let mut content = ContentWriter::new(parent, out);
    for (i, (id, value)) in items.iter().enumerate() {
        let expected = Track2Part::ALL.get(i).copied().map(FieldId::Part);
        if expected != Some(*id) {
            return Err(not_in_layout(n, *id));
        }
        content.put_checked_text(n, value.as_bytes())?;
        if i == 0 {
            content.put_checked_text(n, b"=")?;
        }
    }
    Ok(content.finish())
}
