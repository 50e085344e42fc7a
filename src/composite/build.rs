//! Building a structured field's value from its subfields.

use super::{tlv, FieldId, Track2Part};
use crate::codec;
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::message::make_value;
use crate::spec::{Composite, FieldSpec};

/// Builds the text form of structured field `n` (as [`crate::Message::set`] takes it: the
/// text for text fields, upper-case hex for binary ones) from its subfields, each given in
/// its own text form and in wire order.
///
/// Positional subfields are filled to their length by their padding (the last one given may
/// stay short); tagged subelements get their tag and length; bitmapped subfields get the
/// bitmap and their own prefixes; BER-TLV items get their tags and lengths (values in hex);
/// track 2 parts are joined with `=`.
///
/// # Errors
/// An [`EncodeError`] for field `n` when the field has no subfield layout, an id does not fit
/// the layout, or a value does not fit its subfield's format.
pub fn build_subfields(
    spec: &FieldSpec,
    n: u16,
    items: &[(FieldId, &str)],
) -> Result<String, EncodeError> {
    let mismatch = |sub: FieldId| {
        EncodeError::new(
            EncodeErrorKind::FieldNotInSpec,
            Element::Subfield { field: n, sub },
        )
    };
    let bad = |sub: FieldId, position: usize| {
        EncodeError::new(
            EncodeErrorKind::InvalidContent {
                class: "subfield",
                position,
            },
            Element::Subfield { field: n, sub },
        )
    };
    let Some(composite) = spec.composite.as_deref() else {
        return Err(EncodeError::new(
            EncodeErrorKind::FieldNotInSpec,
            Element::Field(n),
        ));
    };
    let mut out = String::new();
    // A binary field's subfields are bytes: their wire forms are joined and given as hex.
    let binary_parent = spec.encoding == crate::spec::Encoding::Binary;
    let wire_of = |sfs: &FieldSpec, id: FieldId, value: &str| {
        make_value(sfs, n, value.as_bytes())
            .map(|v| v.wire)
            .map_err(|e| EncodeError::new(e.kind(), Element::Subfield { field: n, sub: id }))
    };
    match composite {
        Composite::Positional(list) if binary_parent => {
            let mut bytes = Vec::new();
            for (i, (id, value)) in items.iter().enumerate() {
                let (k, sfs) = list.get(i).ok_or(mismatch(*id))?;
                if *id != FieldId::Number(*k) {
                    return Err(mismatch(*id));
                }
                bytes.extend_from_slice(&wire_of(sfs, *id, value)?);
            }
            out = hex_upper(&bytes);
        }
        Composite::Tagged(layout) if binary_parent => {
            let mut bytes = Vec::new();
            for (id, value) in items {
                let FieldId::Number(tag) = *id else {
                    return Err(mismatch(*id));
                };
                let known = layout.subfields.iter().find(|(k, _)| *k == tag);
                let wire = match known {
                    Some((_, sfs)) => wire_of(sfs, *id, value)?.to_vec(),
                    None => value.as_bytes().to_vec(),
                };
                if tag == 0 && layout.lead > 0 {
                    bytes.extend_from_slice(&wire);
                    continue;
                }
                let tag_text = format!("{tag:0width$}", width = usize::from(layout.tag_digits));
                let len_text = format!(
                    "{:0width$}",
                    wire.len(),
                    width = usize::from(layout.len_digits)
                );
                if tag_text.len() != usize::from(layout.tag_digits)
                    || len_text.len() != usize::from(layout.len_digits)
                {
                    return Err(bad(*id, 0));
                }
                let (first, second) = if layout.length_first {
                    (len_text, tag_text)
                } else {
                    (tag_text, len_text)
                };
                bytes.extend_from_slice(first.as_bytes());
                bytes.extend_from_slice(second.as_bytes());
                bytes.extend_from_slice(&wire);
            }
            out = hex_upper(&bytes);
        }
        Composite::Positional(list) => {
            for (i, (id, value)) in items.iter().enumerate() {
                let (k, sfs) = list.get(i).ok_or(mismatch(*id))?;
                if *id != FieldId::Number(*k) {
                    return Err(mismatch(*id));
                }
                let last = i + 1 == items.len();
                let text = if last && value.len() < sfs.length as usize {
                    (*value).to_owned()
                } else {
                    // Fill to the subfield's length, and check it, through the field rules.
                    let v = make_value(sfs, n, value.as_bytes()).map_err(|e| {
                        EncodeError::new(e.kind(), Element::Subfield { field: n, sub: *id })
                    })?;
                    text_of(sfs, &v.wire, v.len)
                };
                out.push_str(&text);
            }
        }
        Composite::Tagged(layout) => {
            for (id, value) in items {
                let FieldId::Number(tag) = *id else {
                    return Err(mismatch(*id));
                };
                if tag == 0 && layout.lead > 0 {
                    out.push_str(value);
                    continue;
                }
                let tag_text = format!("{tag:0width$}", width = usize::from(layout.tag_digits));
                let len_text = format!(
                    "{:0width$}",
                    value.len(),
                    width = usize::from(layout.len_digits)
                );
                if tag_text.len() != usize::from(layout.tag_digits)
                    || len_text.len() != usize::from(layout.len_digits)
                {
                    return Err(bad(*id, 0));
                }
                if layout.length_first {
                    out.push_str(&len_text);
                    out.push_str(&tag_text);
                } else {
                    out.push_str(&tag_text);
                    out.push_str(&len_text);
                }
                out.push_str(value);
            }
        }
        Composite::Bitmapped(layout) => {
            let bytes = usize::from(layout.bitmap_bytes);
            let mut bitmap = vec![0u8; bytes];
            let mut body = Vec::new();
            let mut last = 0u16;
            for (id, value) in items {
                let FieldId::Number(k) = *id else {
                    return Err(mismatch(*id));
                };
                let sfs = layout
                    .subfields
                    .iter()
                    .find(|(s, _)| *s == k)
                    .map(|(_, fs)| fs)
                    .ok_or(mismatch(*id))?;
                let bit = usize::from(k).checked_sub(1).ok_or(mismatch(*id))?;
                if k <= last || bit >= bytes * 8 {
                    return Err(mismatch(*id));
                }
                last = k;
                if let Some(b) = bitmap.get_mut(bit / 8) {
                    *b |= 0x80 >> (bit % 8);
                }
                let v = make_value(sfs, n, value.as_bytes()).map_err(|e| {
                    EncodeError::new(e.kind(), Element::Subfield { field: n, sub: *id })
                })?;
                if let Some(prefix) = &sfs.prefix {
                    let count = sfs.prefix_count(v.len, v.wire.len());
                    crate::format::prefix::prefix_write(prefix, count as u64, &mut body);
                }
                body.extend_from_slice(&v.wire);
            }
            bitmap.extend_from_slice(&body);
            out = hex_upper(&bitmap);
        }
        Composite::BerTlv => {
            let mut bytes = Vec::new();
            for (id, value) in items {
                let FieldId::Tag(tag) = *id else {
                    return Err(mismatch(*id));
                };
                let mut raw = vec![0u8; value.len() / 2];
                if value.len() % 2 == 1 {
                    return Err(bad(*id, value.len()));
                }
                codec::hex_decode_into(value.as_bytes(), &mut raw).map_err(|p| bad(*id, p))?;
                tlv::write_tlv(&mut bytes, tag, &raw);
            }
            out = hex_upper(&bytes);
        }
        Composite::Track2 => {
            for (i, (id, value)) in items.iter().enumerate() {
                let expected = Track2Part::ALL.get(i).copied().map(FieldId::Part);
                if expected != Some(*id) {
                    return Err(mismatch(*id));
                }
                out.push_str(value);
                if i == 0 {
                    out.push('=');
                }
            }
        }
    }
    Ok(out)
}

/// The text form of a value already in wire form.
fn text_of(spec: &FieldSpec, wire: &[u8], len: usize) -> String {
    let view = crate::view::FieldView::new(0, spec, wire, len);
    view.to_text()
}

fn hex_upper(bytes: &[u8]) -> String {
    let mut hex = vec![0u8; bytes.len() * 2];
    codec::hex_upper_into(bytes, &mut hex);
    String::from_utf8(hex).unwrap_or_default()
}
