//! Structured fields: reading the subfields of a field, zero-copy, by the layout its spec
//! gives ([`crate::spec::Composite`]), and looking them up by path (`"55.9F02"`, `"48.84"`,
//! `"127.2"`, `"35.pan"`).
//!
//! A subfield is a [`FieldView`] like any field, borrowing the message's input. Subfields are
//! read when asked for, so decoding a message costs nothing extra for them; a subfield decoder
//! never reads outside its parent field. Errors name the subfield and give the byte offset
//! from the start of the parent field's content ([`MessageView::get`] makes it absolute).

mod build;
pub mod tlv;

pub use crate::field_id::{FieldId, Track2Part};
pub use build::build_subfields;

use crate::codec::{self, lut, EBCDIC_TO_ASCII};
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::format::read::{check_content, read_field, Reader};
use crate::spec::{
    BcdPad, BitmappedLayout, Composite, ContentClass, Encoding, FieldSpec, Mask, Padding,
    TaggedLayout,
};
use crate::view::{FieldView, MessageView};

/// A format for subfields that have no spec of their own.
const fn implicit(class: ContentClass, encoding: Encoding, mask: Mask) -> FieldSpec {
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

static TLV_PLAIN: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::None);
static TLV_PAN: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Pan);
static TLV_TRACK: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Track);
static TLV_SECRET: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Secret);
static TEXT_ASCII: FieldSpec = implicit(ContentClass::Ans, Encoding::Ascii, Mask::None);
static TEXT_EBCDIC: FieldSpec = implicit(ContentClass::Ans, Encoding::Ebcdic, Mask::None);

/// Track 2 parts by encoding (ASCII, EBCDIC, BCD) and part.
static TRACK2_PARTS: [[FieldSpec; 4]; 3] = {
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

fn tlv_spec(tag: u32) -> &'static FieldSpec {
    match tlv::tag_mask(tag) {
        Mask::Pan => &TLV_PAN,
        Mask::Track => &TLV_TRACK,
        Mask::Secret => &TLV_SECRET,
        Mask::None => &TLV_PLAIN,
    }
}

/// The subfields of a field, in the order they are on the wire. After an error the
/// iteration ends.
pub struct Subfields<'a> {
    parent: FieldView<'a>,
    state: State<'a>,
}

enum State<'a> {
    Done,
    Positional {
        list: &'a [(u16, FieldSpec)],
        index: usize,
        /// Units of the parent's text used so far.
        pos: usize,
    },
    Tagged {
        layout: &'a TaggedLayout,
        /// Bytes of the parent's content used so far.
        pos: usize,
        lead_done: bool,
    },
    Bitmapped {
        layout: &'a BitmappedLayout,
        bitmap: u128,
        bit: u16,
        pos: usize,
    },
    Tlv {
        pos: usize,
    },
    Track2 {
        /// Where each part starts and how long it is, in units of the parent's text.
        parts: [(usize, usize); 4],
        index: usize,
    },
}

impl<'a> FieldView<'a> {
    /// The field's subfields, per its spec's layout (or, for a constructed BER-TLV tag, the
    /// data objects inside it). Empty for a field without subfields.
    #[must_use]
    pub fn subfields(&self) -> Subfields<'a> {
        let parent = *self;
        let state = match (self.sub_id(), self.spec().composite.as_deref()) {
            (Some(FieldId::Tag(t)), _) if tlv::is_constructed(t) => State::Tlv { pos: 0 },
            (Some(FieldId::Tag(_)), _) | (_, None) => State::Done,
            (_, Some(Composite::Positional(list))) => State::Positional {
                list,
                index: 0,
                pos: 0,
            },
            (_, Some(Composite::Tagged(layout))) => State::Tagged {
                layout,
                pos: 0,
                lead_done: layout.lead == 0,
            },
            (_, Some(Composite::Bitmapped(layout))) => State::Bitmapped {
                layout,
                bitmap: 0,
                bit: 0,
                pos: 0,
            },
            (_, Some(Composite::BerTlv)) => State::Tlv { pos: 0 },
            (_, Some(Composite::Track2)) => State::Track2 {
                parts: [(0, 0); 4],
                index: usize::MAX,
            },
        };
        Subfields { parent, state }
    }

    /// Whether the field has subfields to read.
    #[must_use]
    pub fn is_composite(&self) -> bool {
        !matches!(self.subfields().state, State::Done)
    }

    /// The subfield named `id` (a number, a hex BER-TLV tag, or a track 2 part name), if
    /// present.
    ///
    /// # Errors
    /// A [`DecodeError`] when the field's subfields are malformed before the one asked for is
    /// found, or [`DecodeErrorKind::InvalidPath`] when `id` cannot name a subfield here.
    pub fn subfield(&self, id: &str) -> Result<Option<FieldView<'a>>, DecodeError> {
        let wanted = self.parse_id(id).ok_or(DecodeError::new(
            DecodeErrorKind::InvalidPath,
            Element::Path,
            0,
        ))?;
        for sub in self.subfields() {
            let sub = sub?;
            if sub.sub_id() == Some(wanted) {
                return Ok(Some(sub));
            }
        }
        Ok(None)
    }

    /// How `id` names a subfield of this field, by its layout.
    fn parse_id(&self, id: &str) -> Option<FieldId> {
        let tlv = matches!(self.sub_id(), Some(FieldId::Tag(t)) if tlv::is_constructed(t))
            || matches!(self.spec().composite.as_deref(), Some(Composite::BerTlv));
        if tlv {
            if id.is_empty() || id.len() > 8 || id.len() % 2 == 1 {
                return None;
            }
            return u32::from_str_radix(id, 16).ok().map(FieldId::Tag);
        }
        match self.spec().composite.as_deref() {
            Some(Composite::Track2) => Track2Part::ALL
                .into_iter()
                .find(|p| p.name() == id)
                .map(FieldId::Part),
            Some(_) => id.parse().ok().map(FieldId::Number),
            None => None,
        }
    }

    /// A part of this field's content: `len` units from unit `start` of its text, in the
    /// field's own encoding.
    fn slice_units(&self, start: usize, len: usize) -> Option<(&'a [u8], u8)> {
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
    fn sub_error(&self, kind: DecodeErrorKind, sub: FieldId, offset: usize) -> DecodeError {
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
    fn field_error(&self, kind: DecodeErrorKind, offset: usize) -> DecodeError {
        DecodeError::new(kind, Element::Field(self.number()), offset)
    }

    /// Checks a text-level subfield's content; the error offset is within the parent.
    fn check_sub(&self, sub: &FieldView<'a>) -> Result<(), DecodeError> {
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

/// Where `part` starts within `whole` (both slices of the same input).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

impl<'a> Iterator for Subfields<'a> {
    type Item = Result<FieldView<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.step();
        if matches!(item, Some(Err(_))) {
            self.state = State::Done;
        }
        item
    }
}

impl<'a> Subfields<'a> {
    fn step(&mut self) -> Option<Result<FieldView<'a>, DecodeError>> {
        let p = self.parent;
        match &mut self.state {
            State::Done => None,
            State::Positional { list, index, pos } => {
                let total = p.len();
                let (n, spec) = list.get(*index)?;
                let id = FieldId::Number(*n);
                if *pos >= total {
                    self.state = State::Done;
                    return None;
                }
                let take = (spec.length as usize).min(total - *pos);
                let Some((raw, lead)) = p.slice_units(*pos, take) else {
                    let at = p.spec().wire_len(*pos);
                    return Some(Err(p.sub_error(truncated(take, 0), id, at)));
                };
                *pos += take;
                *index += 1;
                if *index >= list.len() && *pos < total {
                    let at = p.spec().wire_len(*pos);
                    let count = total - *pos;
                    return Some(Err(p.sub_error(
                        DecodeErrorKind::TrailingBytes { count },
                        id,
                        at,
                    )));
                }
                let sub = FieldView::new_sub(p.number(), id, spec, raw, take, lead);
                Some(p.check_sub(&sub).map(|()| sub))
            }
            State::Tagged {
                layout,
                pos,
                lead_done,
            } => {
                let layout: &'a TaggedLayout = layout;
                let raw = p.as_bytes();
                if !*lead_done {
                    *lead_done = true;
                    let id = FieldId::Number(0);
                    let n = usize::from(layout.lead);
                    let Some(bytes) = raw.get(..n) else {
                        return Some(Err(p.sub_error(truncated(n, raw.len()), id, 0)));
                    };
                    *pos = n;
                    let spec = layout
                        .subfields
                        .iter()
                        .find(|(k, _)| *k == 0)
                        .map_or_else(|| text_spec(p.spec()), |(_, fs)| fs);
                    let sub = FieldView::new_sub(p.number(), id, spec, bytes, n, 0);
                    return Some(p.check_sub(&sub).map(|()| sub));
                }
                if *pos >= raw.len() {
                    self.state = State::Done;
                    return None;
                }
                Some(read_tagged(&p, layout, pos))
            }
            State::Bitmapped {
                layout,
                bitmap,
                bit,
                pos,
            } => {
                let layout: &'a BitmappedLayout = layout;
                let raw = p.as_bytes();
                let bytes = usize::from(layout.bitmap_bytes);
                if *bit == 0 {
                    let Some(map) = raw.get(..bytes) else {
                        return Some(Err(p.field_error(truncated(bytes, raw.len()), 0)));
                    };
                    *bitmap = map.iter().fold(0u128, |acc, b| acc << 8 | u128::from(*b))
                        << (128 - 8 * bytes);
                    *pos = bytes;
                }
                if *bitmap != 0 {
                    let lz = bitmap.leading_zeros();
                    *bitmap &= !(1u128 << (127 - lz));
                    let n = u16::try_from(lz + 1).unwrap_or(0);
                    *bit = n;
                    return Some(read_bitmapped(&p, layout, n, pos));
                }
                let end = *pos;
                self.state = State::Done;
                if end != raw.len() {
                    let count = raw.len().saturating_sub(end);
                    return Some(Err(
                        p.field_error(DecodeErrorKind::TrailingBytes { count }, end)
                    ));
                }
                None
            }
            State::Tlv { pos } => {
                let raw = p.as_bytes();
                // 0x00 bytes between data objects are filler.
                while raw.get(*pos) == Some(&0) {
                    *pos += 1;
                }
                let rest = raw.get(*pos..)?;
                if rest.is_empty() {
                    self.state = State::Done;
                    return None;
                }
                let at = *pos;
                let header = match tlv::read_header(rest) {
                    Ok(h) => h,
                    Err(kind) => {
                        return Some(Err(p.field_error(kind, at)));
                    }
                };
                let start = at + header.header_len;
                let value = raw.get(start..start + header.value_len)?;
                *pos = start + header.value_len;
                let spec = tlv_spec(header.tag);
                Some(Ok(FieldView::new_sub(
                    p.number(),
                    FieldId::Tag(header.tag),
                    spec,
                    value,
                    header.value_len,
                    0,
                )))
            }
            State::Track2 { parts, index } => {
                if *index == usize::MAX {
                    match track2_parts(&p) {
                        Ok(found) => *parts = found,
                        Err(e) => return Some(Err(e)),
                    }
                    *index = 0;
                }
                let part = *Track2Part::ALL.get(*index)?;
                let (start, len) = *parts.get(*index)?;
                *index += 1;
                let encoding_row = match p.spec().encoding {
                    Encoding::Ebcdic => 1,
                    Encoding::Bcd => 2,
                    _ => 0,
                };
                let spec = TRACK2_PARTS
                    .get(encoding_row)
                    .and_then(|row| row.get(*index - 1))?;
                let (raw, lead) = p.slice_units(start, len)?;
                let sub = FieldView::new_sub(p.number(), FieldId::Part(part), spec, raw, len, lead);
                Some(p.check_sub(&sub).map(|()| sub))
            }
        }
    }
}

const fn truncated(needed: usize, available: usize) -> DecodeErrorKind {
    DecodeErrorKind::Truncated { needed, available }
}

/// The implicit text format for tagged subelements without a spec of their own.
fn text_spec(parent: &FieldSpec) -> &'static FieldSpec {
    match parent.encoding {
        Encoding::Ebcdic => &TEXT_EBCDIC,
        _ => &TEXT_ASCII,
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
fn read_tagged<'a>(
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
    let spec = layout
        .subfields
        .iter()
        .find(|(k, _)| *k == tag)
        .map_or_else(|| text_spec(p.spec()), |(_, fs)| fs);
    if len > spec.length as usize || len < spec.min_length as usize {
        let kind = DecodeErrorKind::LengthOutOfRange {
            len,
            min: spec.min_length as usize,
            max: spec.length as usize,
        };
        return Err(p.sub_error(kind, id, at));
    }
    let sub = FieldView::new_sub(p.number(), id, spec, value, len, 0);
    p.check_sub(&sub).map(|()| sub)
}

/// Reads subfield `n` of a bitmapped field at `pos` of the parent's content.
fn read_bitmapped<'a>(
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
    Ok(FieldView::new_sub(p.number(), id, spec, bytes, len, lead))
}

/// The longest track 2 text read on the stack.
const TRACK2_MAX: usize = 128;

/// Finds the parts of track 2 data in units of the parent's text: PAN up to the `=`/`D`
/// separator, 4 expiry digits, 3 service-code digits, and the rest.
fn track2_parts(p: &FieldView<'_>) -> Result<[(usize, usize); 4], DecodeError> {
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

impl<'a> MessageView<'a> {
    /// A field or subfield by path: `"2"`, `"55.9F02"`, `"48.84"`, `"127.2.3"`, `"35.pan"`.
    /// `Ok(None)` when it is not present.
    ///
    /// # Errors
    /// A [`DecodeError`] when a structured field on the way is malformed (its offset is
    /// absolute in the input), or [`DecodeErrorKind::InvalidPath`] when the path is not well
    /// formed for the fields' layouts.
    pub fn get(&self, path: &str) -> Result<Option<FieldView<'a>>, DecodeError> {
        let bad_path = DecodeError::new(DecodeErrorKind::InvalidPath, Element::Path, 0);
        let mut parts = path.split('.');
        let first = parts.next().ok_or(bad_path)?;
        let n: u16 = first.parse().map_err(|_| bad_path)?;
        let Some(mut current) = self.field(n) else {
            return Ok(None);
        };
        for part in parts {
            let base = offset_in(self.as_bytes(), current.as_bytes());
            match current.subfield(part) {
                Ok(Some(sub)) => current = sub,
                Ok(None) => return Ok(None),
                Err(e) if e.kind() == DecodeErrorKind::InvalidPath => return Err(e),
                Err(e) => return Err(e.shifted(base)),
            }
        }
        Ok(Some(current))
    }
}
