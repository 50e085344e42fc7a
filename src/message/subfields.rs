//! Setting a structured field from its subfields: the content is built in wire form and
//! stored as it is, with no text form in between.

use super::{spec_field, Message, Value};
use crate::composite::{self, Built, FieldId};
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::format::read::check_content;
use crate::format::write::odd_digits_unmarked;
use crate::spec::{FieldSpec, Spec};
use bytes::Bytes;

impl Message {
    /// Sets structured field `n` from its subfields, each given in its own text form and in
    /// wire order, as [`composite::build_subfields`] builds them: for example
    /// `[(FieldId::Tag(0x9F02), "000000001000"), (FieldId::Tag(0x5A), "4242424242424242")]`
    /// for BER-TLV field 55.
    ///
    /// The content is checked as [`Message::set`] checks a value (length, class), so that it
    /// decodes back; it is not padded, since padding would move the subfields.
    ///
    /// ```
    /// use iso8583_wire::composite::FieldId;
    /// use iso8583_wire::{Message, MessageView, Mti, Spec};
    ///
    /// let spec = Spec::builtin("iso8583-1987-binary").ok_or("no such spec")?;
    /// let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    /// m.set_subfields(spec, 55, &[(FieldId::Tag(0x9F02), "000000001000")])?;
    /// let wire = m.to_vec(spec)?;
    /// let view = MessageView::decode(spec, &wire)?;
    /// let amount = view.get("55.9F02")?.ok_or("no 9F02")?;
    /// assert_eq!(amount.as_bytes(), [0, 0, 0, 0, 0x10, 0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An [`EncodeError`] for field `n` when the spec does not define it or gives it no
    /// subfield layout, a subfield does not fit the layout or its format (see
    /// [`composite::build_subfields`]), or the content's length is out of the field's range or
    /// a character breaks the field's class.
    pub fn set_subfields(
        &mut self,
        spec: &Spec,
        n: u16,
        items: &[(FieldId, &str)],
    ) -> Result<&mut Self, EncodeError> {
        let Built { wire, len } = subfields_value(spec, n, items)?;
        self.insert_fitted(spec, n, Value::from_wire(Bytes::from(wire), len));
        Ok(self)
    }
}

/// Field `n` of `spec` built from its subfields and checked, as [`Message::set_subfields`]
/// sets it.
pub(crate) fn subfields_value(
    spec: &Spec,
    n: u16,
    items: &[(FieldId, &str)],
) -> Result<Built, EncodeError> {
    let fs = spec_field(spec, n)?;
    checked(fs, n, composite::build(fs, n, items)?)
}

/// The built content of field `n` as a value, checked as `make_value` checks a value's length
/// and class.
fn checked(fs: &FieldSpec, n: u16, built: Built) -> Result<Built, EncodeError> {
    let Built { wire, len } = &built;
    let (wire, len) = (wire.as_slice(), *len);
    let element = Element::Field(n);
    let bad = |position| {
        EncodeError::new(
            EncodeErrorKind::InvalidContent {
                class: fs.class.name(),
                position,
            },
            element,
        )
    };
    let (min, max) = if fs.is_fixed() {
        (fs.length as usize, fs.length as usize)
    } else {
        (fs.min_length as usize, fs.length as usize)
    };
    if len < min || len > max {
        return Err(EncodeError::new(
            EncodeErrorKind::LengthOutOfRange { len, min, max },
            element,
        ));
    }
    // Only an odd count of hex characters takes other than its units' bytes.
    if fs.wire_len(len) != wire.len() {
        return Err(bad(wire.len()));
    }
    if odd_digits_unmarked(fs, len) {
        return Err(bad(len));
    }
    check_content(fs, wire, len).map_err(bad)?;
    Ok(built)
}
