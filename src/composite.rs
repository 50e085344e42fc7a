//! Structured fields: reading the subfields of a field, zero-copy, by the layout its spec
//! gives ([`crate::spec::Composite`]), looking them up by path (`"55.9F02"`, `"48.84"`,
//! `"127.2"`, `"35.pan"`), and building a field from its subfields.
//!
//! A subfield is a [`FieldView`] like any field, borrowing the message's input. Subfields are
//! read when asked for, so decoding a message costs nothing extra for them; a subfield decoder
//! never reads outside its parent field. Errors name the subfield and give the byte offset
//! from the start of the parent field's content ([`MessageView::get`] makes it absolute).
//!
//! Each layout reads and writes in its own module; this one dispatches to them.

mod bitmapped;
mod common;
mod positional;
mod tagged;
pub mod tlv;
mod track2;

pub use crate::field_id::{FieldId, Track2Part};

use crate::error::{DecodeError, DecodeErrorKind, Element, EncodeError, EncodeErrorKind};
use crate::spec::{Composite, FieldSpec};
use crate::view::{FieldView, MessageView};

/// The subfields of a field, in the order they are on the wire. After an error the
/// iteration ends.
pub struct Subfields<'a> {
    parent: FieldView<'a>,
    state: State<'a>,
}

/// Where the iteration stands, by layout.
enum State<'a> {
    Done,
    Positional(positional::Read<'a>),
    Tagged(tagged::Read<'a>),
    Bitmapped(bitmapped::Read<'a>),
    Tlv(tlv::Read),
    Track2(track2::Read),
}

impl<'a> FieldView<'a> {
    /// The field's subfields, per its spec's layout (or, for a constructed BER-TLV tag, the
    /// data objects inside it). Empty for a field without subfields.
    #[must_use]
    pub fn subfields(&self) -> Subfields<'a> {
        let parent = *self;
        let state = match (self.sub_id(), self.spec().composite.as_deref()) {
            (Some(FieldId::Tag(t)), _) if tlv::is_constructed(t) => State::Tlv(tlv::Read::new()),
            (Some(FieldId::Tag(_)), _) | (_, None) => State::Done,
            (_, Some(Composite::Positional(list))) => {
                State::Positional(positional::Read::new(list))
            }
            (_, Some(Composite::Tagged(layout))) => State::Tagged(tagged::Read::new(layout)),
            (_, Some(Composite::Bitmapped(layout))) => {
                State::Bitmapped(bitmapped::Read::new(layout))
            }
            (_, Some(Composite::BerTlv)) => State::Tlv(tlv::Read::new()),
            (_, Some(Composite::Track2)) => State::Track2(track2::Read::new()),
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

    /// How `id` names a subfield of this field, by its layout: a hex tag (1–4 bytes) for
    /// BER-TLV and constructed tags, a part name for track 2, a number otherwise; `None` when
    /// it names none.
    fn parse_id(&self, id: &str) -> Option<FieldId> {
        let in_tag = matches!(self.sub_id(), Some(FieldId::Tag(t)) if tlv::is_constructed(t));
        subfield_id(self.spec(), in_tag, id)
    }
}

/// How `id` names a subfield of a field of format `spec` (or, when `in_tag`, a data object
/// inside a constructed BER-TLV tag): a hex tag (1–4 bytes) for BER-TLV and constructed tags,
/// a part name for track 2, a number otherwise; `None` when it names none.
pub(crate) fn subfield_id(spec: &FieldSpec, in_tag: bool, id: &str) -> Option<FieldId> {
    if in_tag || matches!(spec.composite.as_deref(), Some(Composite::BerTlv)) {
        if id.is_empty() || id.len() > 8 || id.len() % 2 == 1 {
            return None;
        }
        return u32::from_str_radix(id, 16).ok().map(FieldId::Tag);
    }
    match spec.composite.as_deref() {
        Some(Composite::Track2) => Track2Part::ALL
            .into_iter()
            .find(|p| p.name() == id)
            .map(FieldId::Part),
        Some(_) => id.parse().ok().map(FieldId::Number),
        None => None,
    }
}

/// The mask of subfield `id` of a field of format `spec`: the layout's for a listed
/// subfield, the implicit one for a BER-TLV tag or a track 2 part, none otherwise.
#[cfg(feature = "serde")]
pub(crate) fn sub_mask(spec: &FieldSpec, id: FieldId) -> crate::spec::Mask {
    use crate::spec::Mask;
    let listed = |list: &[(u16, FieldSpec)], n: u16| {
        list.iter()
            .find(|(k, _)| *k == n)
            .map_or(Mask::None, |(_, fs)| fs.mask)
    };
    match (spec.composite.as_deref(), id) {
        (_, FieldId::Tag(t)) => tlv::tag_mask(t),
        (Some(Composite::Track2), FieldId::Part(part)) => track2::part_spec(spec, part).mask,
        (Some(Composite::Positional(list)), FieldId::Number(n)) => listed(list, n),
        (Some(Composite::Tagged(layout)), FieldId::Number(n)) => listed(&layout.subfields, n),
        (Some(Composite::Bitmapped(layout)), FieldId::Number(n)) => listed(&layout.subfields, n),
        _ => Mask::None,
    }
}

impl<'a> Iterator for Subfields<'a> {
    type Item = Result<FieldView<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let p = &self.parent;
        let item = match &mut self.state {
            State::Done => return None,
            State::Positional(read) => read.step(p),
            State::Tagged(read) => read.step(p),
            State::Bitmapped(read) => read.step(p),
            State::Tlv(read) => read.step(p),
            State::Track2(read) => read.step(p),
        };
        if !matches!(item, Some(Ok(_))) {
            self.state = State::Done;
        }
        item
    }
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
            let base = current.offset();
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

/// A structured field's content built from its subfields: the bytes that follow its length
/// prefix on the wire, and its length in the field's units.
pub(crate) struct Built {
    pub(crate) wire: Vec<u8>,
    pub(crate) len: usize,
}

/// Builds the content of structured field `n` (format `spec`) from its subfields, each given
/// in its own text form and in wire order, as it goes on the wire after the field's length
/// prefix: text bytes in the field's encoding (ASCII, EBCDIC or packed BCD) for a text field,
/// raw bytes for a binary one. [`crate::Message::set_subfields`] builds and sets a field in
/// one step.
///
/// Positional subfields are filled to their length by their padding (in a text field the last
/// one given may stay short); tagged subelements get their tag and length; bitmapped
/// subfields get the bitmap and their own prefixes; BER-TLV items get their tags and lengths
/// (values given in hex, a constructed tag's value too: [`build_subfields`] of its items
/// as hex); track 2 parts are joined with `=`. The field's own length is not checked here.
///
/// # Errors
/// An [`EncodeError`] for field `n` when the field has no subfield layout, an id does not fit
/// the layout, or a value does not fit its subfield's format or the field's class.
pub fn build_subfields(
    spec: &FieldSpec,
    n: u16,
    items: &[(FieldId, &str)],
) -> Result<Vec<u8>, EncodeError> {
    build(spec, n, items).map(|built| built.wire)
}

/// [`build_subfields`], with the content's length in the field's units.
pub(crate) fn build(
    spec: &FieldSpec,
    n: u16,
    items: &[(FieldId, &str)],
) -> Result<Built, EncodeError> {
    let Some(composite) = spec.composite.as_deref() else {
        return Err(EncodeError::new(
            EncodeErrorKind::FieldNotInSpec,
            Element::Field(n),
        ));
    };
    let mut wire = Vec::new();
    let len = match composite {
        Composite::Positional(list) => positional::write(spec, list, n, items, &mut wire)?,
        Composite::Tagged(layout) => tagged::write(spec, layout, n, items, &mut wire)?,
        Composite::Bitmapped(layout) => bitmapped::write(layout, n, items, &mut wire)?,
        Composite::BerTlv => tlv::write(n, items, &mut wire)?,
        Composite::Track2 => track2::write(spec, n, items, &mut wire)?,
    };
    Ok(Built { wire, len })
}
