//! Writing a type into a message: a serde [`Serializer`] that hands each member to a
//! [`Target`], either a [`Message`] through its setters ([`Message::set`] for text, numbers and
//! bytes, [`Message::set_subfields`] for structured fields) or the wire form directly
//! ([`wire::Wire`]), with every value checked as the setters check it.

use super::error::{TypedError, TypedErrorKind};
use super::keys::key_number;
use crate::composite::FieldId;
use crate::error::{Element, EncodeError};
use crate::mask::is_masked;
use crate::mti::Mti;
use crate::spec::{ContentClass, FieldSpec, Mask, Spec};
use crate::Message;
use serde::ser::{self, Impossible, Serialize, Serializer};
use sub::SubfieldsSer;
pub(crate) use text::ByteSeq;
use text::{HeaderSer, TextSer};

/// The `serialize_*` methods of plain values a serializer does not take, each an
/// [`TypedErrorKind::Unsupported`] error.
macro_rules! unsupported_values {
    ($ok:ty) => {
        fn serialize_bool(self, _v: bool) -> Result<$ok, TypedError> {
            Err(unsupported("a boolean"))
        }
        fn serialize_i8(self, _v: i8) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_i16(self, _v: i16) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_i32(self, _v: i32) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_i64(self, _v: i64) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_u8(self, _v: u8) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_u16(self, _v: u16) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_u32(self, _v: u32) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_u64(self, _v: u64) -> Result<$ok, TypedError> {
            Err(unsupported("an integer"))
        }
        fn serialize_f32(self, _v: f32) -> Result<$ok, TypedError> {
            Err(unsupported("a float"))
        }
        fn serialize_f64(self, _v: f64) -> Result<$ok, TypedError> {
            Err(unsupported("a float"))
        }
        fn serialize_char(self, _v: char) -> Result<$ok, TypedError> {
            Err(unsupported("a character"))
        }
        fn serialize_str(self, _v: &str) -> Result<$ok, TypedError> {
            Err(unsupported("a string"))
        }
        fn serialize_bytes(self, _v: &[u8]) -> Result<$ok, TypedError> {
            Err(unsupported("bytes"))
        }
        fn serialize_none(self) -> Result<$ok, TypedError> {
            Err(unsupported("nothing"))
        }
        fn serialize_unit(self) -> Result<$ok, TypedError> {
            Err(unsupported("a unit value"))
        }
        fn serialize_unit_struct(self, _name: &'static str) -> Result<$ok, TypedError> {
            Err(unsupported("a unit struct"))
        }
        fn serialize_unit_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
        ) -> Result<$ok, TypedError> {
            Err(unsupported("an enum"))
        }
    };
}

/// `serialize_seq` of a serializer that takes no list.
macro_rules! unsupported_seq {
    () => {
        fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, TypedError> {
            Err(unsupported("a list"))
        }
    };
}

/// `serialize_seq` of a serializer that takes bytes, which serde gives `&[u8]` and `Vec<u8>`
/// as: a list of `u8`.
macro_rules! byte_seq {
    () => {
        fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, TypedError> {
            Ok($crate::typed::ser::ByteSeq::new(self, len))
        }
    };
}

/// The `serialize_*` methods of tuples and enums with data, which no serializer here takes.
macro_rules! unsupported_compounds {
    ($ok:ty) => {
        fn serialize_newtype_variant<V: Serialize + ?Sized>(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _value: &V,
        ) -> Result<$ok, TypedError> {
            Err(unsupported("an enum with data"))
        }
        fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, TypedError> {
            Err(unsupported("a tuple"))
        }
        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleStruct, TypedError> {
            Err(unsupported("a tuple struct"))
        }
        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant, TypedError> {
            Err(unsupported("an enum with data"))
        }
        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            _variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant, TypedError> {
            Err(unsupported("an enum with data"))
        }
    };
}

mod sub;
mod text;
pub(super) mod wire;

/// Where the members of a message go: a [`Message`] ([`super::to_message`]) or its wire form
/// ([`super::encode`]). Both check a value as [`Message::set`] does.
pub(super) trait Target {
    /// Sets field `n` of `spec`, whose format is `fs`, from its text form.
    ///
    /// # Errors
    /// As [`Message::set`].
    fn set_text(
        &mut self,
        spec: &Spec,
        fs: &FieldSpec,
        n: u16,
        text: &[u8],
    ) -> Result<(), EncodeError>;
    /// Sets structured field `n` of `spec` from its subfields.
    ///
    /// # Errors
    /// As [`Message::set_subfields`].
    fn set_subfields(
        &mut self,
        spec: &Spec,
        n: u16,
        items: &[(FieldId, &str)],
    ) -> Result<(), EncodeError>;
    /// Sets the MTI.
    fn set_mti(&mut self, mti: Mti);
    /// Sets the header.
    fn set_header(&mut self, header: Vec<u8>);
}

impl Target for Message {
    fn set_text(
        &mut self,
        spec: &Spec,
        _fs: &FieldSpec,
        n: u16,
        text: &[u8],
    ) -> Result<(), EncodeError> {
        self.set(spec, n, text).map(|_| ())
    }

    fn set_subfields(
        &mut self,
        spec: &Spec,
        n: u16,
        items: &[(FieldId, &str)],
    ) -> Result<(), EncodeError> {
        Message::set_subfields(self, spec, n, items).map(|_| ())
    }

    fn set_mti(&mut self, mti: Mti) {
        Message::set_mti(self, mti);
    }

    fn set_header(&mut self, header: Vec<u8>) {
        Message::set_header(self, header);
    }
}

/// Digits a `u64` or `i64` takes at most, and the longest fixed `n` field a number is
/// zero-padded into on the stack.
pub(super) const NUMBER_TEXT: usize = 64;

pub(super) fn unsupported(what: &'static str) -> TypedError {
    TypedError::new(TypedErrorKind::Unsupported { what })
}

/// A whole message, from a struct or a map of members by field number (and `mti`, `header`),
/// into `target`.
pub(super) struct MessageSer<'s, T> {
    pub(super) spec: &'s Spec,
    pub(super) target: T,
}

/// The message being built.
pub(super) struct MessageBuilder<'s, T> {
    spec: &'s Spec,
    message: T,
    has_mti: bool,
    name: Option<&'static str>,
    /// The key of a map entry whose value comes next.
    key: Option<Key>,
}

impl<T: Target> MessageBuilder<'_, T> {
    #[inline]
    fn member<V: Serialize + ?Sized>(&mut self, key: Key, value: &V) -> Result<(), TypedError> {
        match key {
            Key::Field(n) => {
                let fs = self
                    .spec
                    .field(n)
                    .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey).at_field(n))?;
                value
                    .serialize(FieldSer {
                        spec: self.spec,
                        fs,
                        n,
                        message: &mut self.message,
                    })
                    .map_err(|e| e.at_field(n))
            }
            Key::Mti => {
                let read = |text: &str| {
                    Mti::from_text(text)
                        .ok_or_else(|| TypedError::new(TypedErrorKind::NoMti).at(Element::Mti))
                };
                let Some(mti) = value.serialize(TextSer(read))? else {
                    return Ok(());
                };
                self.message.set_mti(mti);
                self.has_mti = true;
                Ok(())
            }
            Key::Header => {
                let Some(header) = value.serialize(HeaderSer)? else {
                    return Ok(());
                };
                self.message.set_header(header);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<T, TypedError> {
        if !self.has_mti {
            let e = TypedError::new(TypedErrorKind::NoMti).at(Element::Mti);
            return Err(match self.name {
                Some(name) => e.in_struct_named(name),
                None => e,
            });
        }
        Ok(self.message)
    }

    fn named(&self, e: TypedError) -> TypedError {
        match self.name {
            Some(name) => e.in_struct_named(name),
            None => e,
        }
    }
}

/// A member's key: a data element, the MTI or the header.
#[derive(Clone, Copy)]
enum Key {
    Field(u16),
    Mti,
    Header,
}

impl Key {
    #[inline(always)]
    fn of(key: &str) -> Result<Self, TypedError> {
        if let Some(n) = key_number(key) {
            return Ok(Self::Field(n));
        }
        match key {
            "mti" => Ok(Self::Mti),
            "header" => Ok(Self::Header),
            _ => Err(TypedError::new(TypedErrorKind::UnknownKey)),
        }
    }
}

impl<'s, T: Target> Serializer for MessageSer<'s, T> {
    type Ok = T;
    type Error = TypedError;
    type SerializeSeq = Impossible<T, TypedError>;
    type SerializeTuple = Impossible<T, TypedError>;
    type SerializeTupleStruct = Impossible<T, TypedError>;
    type SerializeTupleVariant = Impossible<T, TypedError>;
    type SerializeMap = MessageBuilder<'s, T>;
    type SerializeStruct = MessageBuilder<'s, T>;
    type SerializeStructVariant = Impossible<T, TypedError>;

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<MessageBuilder<'s, T>, TypedError> {
        Ok(MessageBuilder {
            spec: self.spec,
            message: self.target,
            has_mti: false,
            name: Some(name),
            key: None,
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MessageBuilder<'s, T>, TypedError> {
        Ok(MessageBuilder {
            spec: self.spec,
            message: self.target,
            has_mti: false,
            name: None,
            key: None,
        })
    }

    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<T, TypedError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &V,
    ) -> Result<T, TypedError> {
        value.serialize(self)
    }

    unsupported_values! { T }
    unsupported_seq! {}
    unsupported_compounds! { T }
}

impl<T: Target> ser::SerializeStruct for MessageBuilder<'_, T> {
    type Ok = T;
    type Error = TypedError;

    /// Inlined into each member's call in the caller's `Serialize` impl, where the key is a
    /// constant, so that it is parsed when compiling. What the inlining on this path buys, in
    /// `benches/icount.rs`: `typed_encode_wire` took 4,445 instructions with the member's
    /// writer out of line, 3,541 with it inlined down to the [`Target`] (`#[inline]` on
    /// `member`, `FieldSer::set`, `serialize_str` and `Wire`'s methods) and 3,210 with the key
    /// parsed when compiling.
    #[inline(always)]
    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), TypedError> {
        Key::of(key)
            .and_then(|k| self.member(k, value))
            .map_err(|e| self.named(e.of_member(key)))
    }

    fn end(self) -> Result<T, TypedError> {
        self.finish()
    }
}

impl<T: Target> ser::SerializeMap for MessageBuilder<'_, T> {
    type Ok = T;
    type Error = TypedError;

    fn serialize_key<V: Serialize + ?Sized>(&mut self, key: &V) -> Result<(), TypedError> {
        let key = key
            .serialize(TextSer(Key::of))?
            .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey))?;
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), TypedError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| TypedError::new(TypedErrorKind::UnknownKey))?;
        self.member(key, value)
    }

    fn end(self) -> Result<T, TypedError> {
        self.finish()
    }
}

/// Whether a value of a field masked as `mask` (and of `class`) is a masked form.
pub(super) fn check_masked(mask: Mask, class: ContentClass, text: &str) -> Result<(), TypedError> {
    // A `*` is never a digit or track character, whatever the spec's mask says.
    let digits = matches!(class, ContentClass::N | ContentClass::Z) && text.contains('*');
    if digits || is_masked(mask, text) {
        return Err(TypedError::new(TypedErrorKind::Masked));
    }
    Ok(())
}

/// The decimal digits of `v`, zero-padded on the left to `width` (when it fits the buffer).
pub(super) fn digits(v: u64, width: usize, buf: &mut [u8; NUMBER_TEXT]) -> &[u8] {
    let mut pos = NUMBER_TEXT;
    let mut v = v;
    loop {
        pos -= 1;
        if let Some(slot) = buf.get_mut(pos) {
            // A digit: the remainder is below 10.
            #[allow(clippy::cast_possible_truncation)]
            let d = (v % 10) as u8;
            *slot = b'0' + d;
        }
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = NUMBER_TEXT.saturating_sub(width).min(pos);
    if let Some(zeros) = buf.get_mut(start..pos) {
        zeros.fill(b'0');
    }
    buf.get(start..).unwrap_or_default()
}

/// One data element's value.
pub(super) struct FieldSer<'m, 's, T> {
    pub(super) spec: &'s Spec,
    pub(super) fs: &'s FieldSpec,
    pub(super) n: u16,
    pub(super) message: &'m mut T,
}

impl<T: Target> FieldSer<'_, '_, T> {
    #[inline]
    fn set(self, text: &[u8]) -> Result<(), TypedError> {
        self.message.set_text(self.spec, self.fs, self.n, text)?;
        Ok(())
    }

    fn number(self, v: u64) -> Result<(), TypedError> {
        if self.fs.class != ContentClass::N {
            return Err(TypedError::new(TypedErrorKind::WrongType {
                wanted: "an integer",
                class: self.fs.class,
            }));
        }
        let width = if self.fs.is_fixed() {
            self.fs.length as usize
        } else {
            0
        };
        let mut buf = [0u8; NUMBER_TEXT];
        let text = digits(v, width, &mut buf);
        self.set(text)
    }
}

impl<'m, 's, T: Target> Serializer for FieldSer<'m, 's, T> {
    type Ok = ();
    type Error = TypedError;
    type SerializeSeq = ByteSeq<Self>;
    type SerializeTuple = Impossible<(), TypedError>;
    type SerializeTupleStruct = Impossible<(), TypedError>;
    type SerializeTupleVariant = Impossible<(), TypedError>;
    type SerializeMap = SubfieldsSer<'m, 's, T>;
    type SerializeStruct = SubfieldsSer<'m, 's, T>;
    type SerializeStructVariant = Impossible<(), TypedError>;

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), TypedError> {
        let (mask, class) = (self.fs.mask, self.fs.class);
        // A `*` or `[HIDDEN]` never passes the class check of a digit, track or binary field,
        // so such a field's value is looked at only when it fails; a text field masked in
        // output is looked at first.
        let checked_after = matches!(
            class,
            ContentClass::N | ContentClass::Z | ContentClass::B | ContentClass::Xn
        );
        if !checked_after && mask != Mask::None {
            check_masked(mask, class, v)?;
        }
        self.set(v.as_bytes())
            .map_err(|e| match check_masked(mask, class, v) {
                Err(masked) => masked,
                Ok(()) => e,
            })
    }

    fn serialize_char(self, v: char) -> Result<(), TypedError> {
        let mut buf = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), TypedError> {
        if self.fs.class == ContentClass::B {
            let mut hex = vec![0u8; v.len() * 2];
            crate::codec::hex_upper_into(v, &mut hex);
            return self.set(&hex);
        }
        if let Ok(text) = core::str::from_utf8(v) {
            check_masked(self.fs.mask, self.fs.class, text)?;
        }
        self.set(v)
    }

    fn serialize_u64(self, v: u64) -> Result<(), TypedError> {
        self.number(v)
    }

    fn serialize_i64(self, v: i64) -> Result<(), TypedError> {
        let v = u64::try_from(v)
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted: "u64" }))?;
        self.number(v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), TypedError> {
        let v = u64::try_from(v)
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted: "u64" }))?;
        self.number(v)
    }

    fn serialize_i128(self, v: i128) -> Result<(), TypedError> {
        let v = u64::try_from(v)
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted: "u64" }))?;
        self.number(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), TypedError> {
        self.number(u64::from(v))
    }

    fn serialize_i8(self, v: i8) -> Result<(), TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_bool(self, _v: bool) -> Result<(), TypedError> {
        Err(unsupported("a boolean"))
    }

    fn serialize_f32(self, _v: f32) -> Result<(), TypedError> {
        Err(unsupported("a float"))
    }

    fn serialize_f64(self, _v: f64) -> Result<(), TypedError> {
        Err(unsupported("a float"))
    }

    fn serialize_none(self) -> Result<(), TypedError> {
        // An absent member leaves the field out.
        Ok(())
    }

    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<(), TypedError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), TypedError> {
        Err(unsupported("a unit value"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), TypedError> {
        Err(unsupported("a unit struct"))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), TypedError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &V,
    ) -> Result<(), TypedError> {
        value.serialize(self)
    }

    byte_seq! {}
    unsupported_compounds! { () }

    fn serialize_map(self, len: Option<usize>) -> Result<SubfieldsSer<'m, 's, T>, TypedError> {
        SubfieldsSer::new(self, None, len.unwrap_or(0))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<SubfieldsSer<'m, 's, T>, TypedError> {
        SubfieldsSer::new(self, Some(name), len)
    }
}
