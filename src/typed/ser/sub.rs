//! The subfields of a structured field, written through its layout's builder: a struct or
//! map of subfields by id, each in its text form, and the data objects of constructed
//! BER-TLV tags nested inside.

use super::{check_masked, digits, unsupported, FieldSer, Target, TextSer, NUMBER_TEXT};
use crate::composite::{self, FieldId, Track2Part};
use crate::spec::{Composite, ContentClass, FieldSpec, Mask};
use crate::typed::error::{TypedError, TypedErrorKind};
use serde::ser::{self, Impossible, Serialize, Serializer};

/// The subfields of a structured data element, gathered in the order given and set in one
/// step by [`Message::set_subfields`].
pub(crate) struct SubfieldsSer<'m, 's, T> {
    field: FieldSer<'m, 's, T>,
    items: Items<'s>,
}

impl<'m, 's, T: Target> SubfieldsSer<'m, 's, T> {
    pub(super) fn new(
        field: FieldSer<'m, 's, T>,
        name: Option<&'static str>,
        len: usize,
    ) -> Result<Self, TypedError> {
        if field.fs.composite.is_none() {
            let e = TypedError::new(TypedErrorKind::NoSubfields);
            return Err(match name {
                Some(name) => e.in_struct_named(name),
                None => e,
            });
        }
        Ok(Self {
            items: Items::new(field.fs, field.n, false, name, len),
            field,
        })
    }

    fn end(self) -> Result<(), TypedError> {
        let Self { field, items } = self;
        let name = items.name;
        let list = items.refs();
        field
            .message
            .set_subfields(field.spec, field.n, &list)
            .map_err(|e| {
                let e = TypedError::from(e);
                match name {
                    Some(name) => e.in_struct_named(name),
                    None => e,
                }
            })?;
        Ok(())
    }
}

/// Subfields given so far, each in its text form, and the key of a map entry whose value
/// comes next.
struct Items<'s> {
    /// The structured field's format (for a constructed tag, the field it is in).
    fs: &'s FieldSpec,
    n: u16,
    /// Whether the items are the data objects inside a constructed BER-TLV tag.
    in_tag: bool,
    name: Option<&'static str>,
    list: Vec<(FieldId, String)>,
    key: Option<FieldId>,
}

impl<'s> Items<'s> {
    fn new(
        fs: &'s FieldSpec,
        n: u16,
        in_tag: bool,
        name: Option<&'static str>,
        len: usize,
    ) -> Self {
        Self {
            fs,
            n,
            in_tag,
            name,
            list: Vec::with_capacity(len),
            key: None,
        }
    }

    fn named(&self, e: TypedError) -> TypedError {
        match self.name {
            Some(name) => e.in_struct_named(name),
            None => e,
        }
    }

    fn id(&self, key: &str) -> Result<FieldId, TypedError> {
        composite::subfield_id(self.fs, self.in_tag, key)
            .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey))
    }

    /// Adds subfield `id` with `value`, unless the value is absent.
    fn add<T: Serialize + ?Sized>(&mut self, id: FieldId, value: &T) -> Result<(), TypedError> {
        let text = value
            .serialize(SubValueSer {
                fs: self.fs,
                n: self.n,
                id,
                in_tag: self.in_tag,
            })
            .map_err(|e| e.in_sub(id))?;
        if let Some(text) = text {
            self.list.push((id, text));
        }
        Ok(())
    }

    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TypedError> {
        self.id(key)
            .and_then(|id| self.add(id, value))
            .map_err(|e| self.named(e.of_member(key)))
    }

    fn map_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TypedError> {
        let id = key
            .serialize(TextSer(|text: &str| self.id(text)))?
            .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey))?;
        self.key = Some(id);
        Ok(())
    }

    fn map_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        let id = self
            .key
            .take()
            .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey))?;
        self.add(id, value)
    }

    fn refs(&self) -> Vec<(FieldId, &str)> {
        self.list.iter().map(|(id, t)| (*id, t.as_str())).collect()
    }
}

impl<T: Target> ser::SerializeStruct for SubfieldsSer<'_, '_, T> {
    type Ok = ();
    type Error = TypedError;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), TypedError> {
        self.items.member(key, value)
    }

    fn end(self) -> Result<(), TypedError> {
        SubfieldsSer::end(self)
    }
}

impl<T: Target> ser::SerializeMap for SubfieldsSer<'_, '_, T> {
    type Ok = ();
    type Error = TypedError;

    fn serialize_key<V: Serialize + ?Sized>(&mut self, key: &V) -> Result<(), TypedError> {
        self.items.map_key(key)
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), TypedError> {
        self.items.map_value(value)
    }

    fn end(self) -> Result<(), TypedError> {
        SubfieldsSer::end(self)
    }
}

/// How subfield `id` of a field of format `fs` is masked in output, and its class when the
/// layout gives it.
fn sub_format(fs: &FieldSpec, id: FieldId) -> (Mask, Option<&FieldSpec>) {
    match id {
        FieldId::Tag(t) => (composite::tlv::tag_mask(t), None),
        FieldId::Part(Track2Part::Pan) => (Mask::Pan, None),
        // The parts after the separator are hidden wholly in output, as `*`s.
        FieldId::Part(_) => (Mask::Track, None),
        FieldId::Number(k) => match fs.composite.as_deref().and_then(|c| c.subfield(k)) {
            Some(sub) => (sub.mask, Some(sub)),
            None => (Mask::None, None),
        },
    }
}

/// One subfield's value, in its text form (`None` when absent).
struct SubValueSer<'s> {
    fs: &'s FieldSpec,
    n: u16,
    id: FieldId,
    in_tag: bool,
}

impl SubValueSer<'_> {
    fn text(&self, text: &str) -> Result<Option<String>, TypedError> {
        let (mask, sub) = sub_format(self.fs, self.id);
        let class = sub.map_or(ContentClass::Ans, |s| s.class);
        check_masked(mask, class, text)?;
        Ok(Some(text.to_owned()))
    }

    fn number(&self, v: u64) -> Result<Option<String>, TypedError> {
        let (_, sub) = sub_format(self.fs, self.id);
        let width = match sub {
            Some(s) if s.class != ContentClass::N => {
                return Err(TypedError::new(TypedErrorKind::WrongType {
                    wanted: "an integer",
                    class: s.class,
                }))
            }
            Some(s) if s.is_fixed() => s.length as usize,
            _ => 0,
        };
        let mut buf = [0u8; NUMBER_TEXT];
        let text = digits(v, width, &mut buf);
        Ok(Some(String::from_utf8_lossy(text).into_owned()))
    }

    /// Whether the subfield is a constructed BER-TLV tag, whose value is data objects.
    fn constructed(&self) -> bool {
        matches!(self.id, FieldId::Tag(t) if composite::tlv::is_constructed(t))
            && (self.in_tag || matches!(self.fs.composite.as_deref(), Some(Composite::BerTlv)))
    }
}

impl<'s> Serializer for SubValueSer<'s> {
    type Ok = Option<String>;
    type Error = TypedError;
    type SerializeSeq = super::ByteSeq<Self>;
    type SerializeTuple = Impossible<Option<String>, TypedError>;
    type SerializeTupleStruct = Impossible<Option<String>, TypedError>;
    type SerializeTupleVariant = Impossible<Option<String>, TypedError>;
    type SerializeMap = NestedSer<'s>;
    type SerializeStruct = NestedSer<'s>;
    type SerializeStructVariant = Impossible<Option<String>, TypedError>;

    fn serialize_str(self, v: &str) -> Result<Option<String>, TypedError> {
        self.text(v)
    }

    fn serialize_char(self, v: char) -> Result<Option<String>, TypedError> {
        let mut buf = [0u8; 4];
        self.text(v.encode_utf8(&mut buf))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Option<String>, TypedError> {
        // Subfield values are given in text form: bytes as upper-case hex.
        let mut hex = vec![0u8; v.len() * 2];
        crate::codec::hex_upper_into(v, &mut hex);
        Ok(Some(String::from_utf8_lossy(&hex).into_owned()))
    }

    fn serialize_u64(self, v: u64) -> Result<Option<String>, TypedError> {
        self.number(v)
    }

    fn serialize_u8(self, v: u8) -> Result<Option<String>, TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Option<String>, TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Option<String>, TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Option<String>, TypedError> {
        let v = u64::try_from(v)
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted: "u64" }))?;
        self.number(v)
    }

    fn serialize_i8(self, v: i8) -> Result<Option<String>, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Option<String>, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Option<String>, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_bool(self, _v: bool) -> Result<Option<String>, TypedError> {
        Err(unsupported("a boolean"))
    }

    fn serialize_f32(self, _v: f32) -> Result<Option<String>, TypedError> {
        Err(unsupported("a float"))
    }

    fn serialize_f64(self, _v: f64) -> Result<Option<String>, TypedError> {
        Err(unsupported("a float"))
    }

    fn serialize_none(self) -> Result<Option<String>, TypedError> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<Option<String>, TypedError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Option<String>, TypedError> {
        Err(unsupported("a unit value"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Option<String>, TypedError> {
        Err(unsupported("a unit struct"))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Option<String>, TypedError> {
        self.text(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Option<String>, TypedError> {
        value.serialize(self)
    }

    byte_seq! {}
    unsupported_compounds! { Option<String> }

    fn serialize_map(self, len: Option<usize>) -> Result<NestedSer<'s>, TypedError> {
        self.nested(None, len.unwrap_or(0))
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<NestedSer<'s>, TypedError> {
        self.nested(Some(name), len)
    }
}

impl<'s> SubValueSer<'s> {
    fn nested(self, name: Option<&'static str>, len: usize) -> Result<NestedSer<'s>, TypedError> {
        if !self.constructed() {
            return Err(TypedError::new(TypedErrorKind::NoSubfields));
        }
        Ok(NestedSer {
            items: Items::new(self.fs, self.n, true, name, len),
        })
    }
}

/// The data objects inside a constructed BER-TLV tag, built into its value (in hex).
struct NestedSer<'s> {
    items: Items<'s>,
}

impl NestedSer<'_> {
    fn end(self) -> Result<Option<String>, TypedError> {
        let items = self.items;
        let wire = composite::build_subfields(items.fs, items.n, &items.refs())
            .map_err(|e| items.named(TypedError::from(e)))?;
        let mut hex = vec![0u8; wire.len() * 2];
        crate::codec::hex_upper_into(&wire, &mut hex);
        Ok(Some(String::from_utf8_lossy(&hex).into_owned()))
    }
}

impl ser::SerializeStruct for NestedSer<'_> {
    type Ok = Option<String>;
    type Error = TypedError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TypedError> {
        self.items.member(key, value)
    }

    fn end(self) -> Result<Option<String>, TypedError> {
        NestedSer::end(self)
    }
}

impl ser::SerializeMap for NestedSer<'_> {
    type Ok = Option<String>;
    type Error = TypedError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TypedError> {
        self.items.map_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        self.items.map_value(value)
    }

    fn end(self) -> Result<Option<String>, TypedError> {
        NestedSer::end(self)
    }
}
