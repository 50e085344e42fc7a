//! Plain values as text or bytes: the MTI, map keys and the header.

use super::{digits, unsupported, NUMBER_TEXT};
use crate::error::Element;
use crate::typed::error::{TypedError, TypedErrorKind};
use serde::ser::{Impossible, Serialize, SerializeSeq, Serializer};

/// A plain value as text (`None` when absent), handed to `F` (the MTI and map keys): text
/// is read where it lies, and only a number or a character is formatted first.
pub(super) struct TextSer<F>(pub(super) F);

impl<R, F: FnOnce(&str) -> Result<R, TypedError>> TextSer<F> {
    /// `v` as decimal text, formatted on the stack: a map keyed by field number then costs no
    /// allocation a key.
    fn unsigned(self, v: u64) -> Result<Option<R>, TypedError> {
        let mut buf = [0u8; NUMBER_TEXT];
        let text =
            core::str::from_utf8(digits(v, 0, &mut buf)).map_err(|_| unsupported("a number"))?;
        (self.0)(text).map(Some)
    }
}

impl<R, F: FnOnce(&str) -> Result<R, TypedError>> Serializer for TextSer<F> {
    type Ok = Option<R>;
    type Error = TypedError;
    type SerializeSeq = Impossible<Option<R>, TypedError>;
    type SerializeTuple = Impossible<Option<R>, TypedError>;
    type SerializeTupleStruct = Impossible<Option<R>, TypedError>;
    type SerializeTupleVariant = Impossible<Option<R>, TypedError>;
    type SerializeMap = Impossible<Option<R>, TypedError>;
    type SerializeStruct = Impossible<Option<R>, TypedError>;
    type SerializeStructVariant = Impossible<Option<R>, TypedError>;

    fn serialize_str(self, v: &str) -> Result<Option<R>, TypedError> {
        (self.0)(v).map(Some)
    }

    fn serialize_u64(self, v: u64) -> Result<Option<R>, TypedError> {
        self.unsigned(v)
    }

    fn serialize_u16(self, v: u16) -> Result<Option<R>, TypedError> {
        self.unsigned(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Option<R>, TypedError> {
        self.unsigned(u64::from(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Option<R>, TypedError> {
        self.unsigned(u64::from(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Option<R>, TypedError> {
        core::str::from_utf8(v)
            .map_err(|_| unsupported("bytes that are not text"))
            .and_then(self.0)
            .map(Some)
    }

    fn serialize_none(self) -> Result<Option<R>, TypedError> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Option<R>, TypedError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Option<R>, TypedError> {
        value.serialize(self)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Option<R>, TypedError> {
        (self.0)(variant).map(Some)
    }

    fn serialize_bool(self, _v: bool) -> Result<Option<R>, TypedError> {
        Err(unsupported("a boolean"))
    }
    fn serialize_i8(self, v: i8) -> Result<Option<R>, TypedError> {
        (self.0)(&v.to_string()).map(Some)
    }
    fn serialize_i16(self, v: i16) -> Result<Option<R>, TypedError> {
        (self.0)(&v.to_string()).map(Some)
    }
    fn serialize_i32(self, v: i32) -> Result<Option<R>, TypedError> {
        (self.0)(&v.to_string()).map(Some)
    }
    fn serialize_i64(self, v: i64) -> Result<Option<R>, TypedError> {
        (self.0)(&v.to_string()).map(Some)
    }
    fn serialize_f32(self, _v: f32) -> Result<Option<R>, TypedError> {
        Err(unsupported("a float"))
    }
    fn serialize_f64(self, _v: f64) -> Result<Option<R>, TypedError> {
        Err(unsupported("a float"))
    }
    fn serialize_char(self, v: char) -> Result<Option<R>, TypedError> {
        (self.0)(v.encode_utf8(&mut [0u8; 4])).map(Some)
    }
    fn serialize_unit(self) -> Result<Option<R>, TypedError> {
        Err(unsupported("a unit value"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Option<R>, TypedError> {
        Err(unsupported("a unit struct"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, TypedError> {
        Err(unsupported("a map"))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, TypedError> {
        Err(unsupported("a struct"))
    }

    unsupported_seq! {}
    unsupported_compounds! { Option<R> }
}

/// The header: raw bytes, or hex text (`None` when absent).
pub(super) struct HeaderSer;

impl Serializer for HeaderSer {
    type Ok = Option<Vec<u8>>;
    type Error = TypedError;
    type SerializeSeq = ByteSeq<Self>;
    type SerializeTuple = Impossible<Option<Vec<u8>>, TypedError>;
    type SerializeTupleStruct = Impossible<Option<Vec<u8>>, TypedError>;
    type SerializeTupleVariant = Impossible<Option<Vec<u8>>, TypedError>;
    type SerializeMap = Impossible<Option<Vec<u8>>, TypedError>;
    type SerializeStruct = Impossible<Option<Vec<u8>>, TypedError>;
    type SerializeStructVariant = Impossible<Option<Vec<u8>>, TypedError>;

    fn serialize_bytes(self, v: &[u8]) -> Result<Option<Vec<u8>>, TypedError> {
        Ok(Some(v.to_vec()))
    }

    fn serialize_str(self, v: &str) -> Result<Option<Vec<u8>>, TypedError> {
        let invalid = || TypedError::new(TypedErrorKind::InvalidHeader).at(Element::Header);
        if v.len() % 2 == 1 {
            return Err(invalid());
        }
        let mut bytes = vec![0u8; v.len() / 2];
        crate::codec::hex_decode_into(v.as_bytes(), &mut bytes).map_err(|_| invalid())?;
        Ok(Some(bytes))
    }

    fn serialize_none(self) -> Result<Option<Vec<u8>>, TypedError> {
        Ok(None)
    }

    fn serialize_some<T: Serialize + ?Sized>(
        self,
        value: &T,
    ) -> Result<Option<Vec<u8>>, TypedError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Option<Vec<u8>>, TypedError> {
        value.serialize(self)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, TypedError> {
        Err(unsupported("a map"))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, TypedError> {
        Err(unsupported("a struct"))
    }

    byte_seq! {}
    unsupported_compounds! { Option<Vec<u8>> }

    fn serialize_bool(self, _v: bool) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a boolean"))
    }
    fn serialize_i8(self, _v: i8) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_i16(self, _v: i16) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_i32(self, _v: i32) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_i64(self, _v: i64) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_u8(self, _v: u8) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_u16(self, _v: u16) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_u32(self, _v: u32) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_u64(self, _v: u64) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an integer"))
    }
    fn serialize_f32(self, _v: f32) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a float"))
    }
    fn serialize_f64(self, _v: f64) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a float"))
    }
    fn serialize_char(self, _v: char) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a character"))
    }
    fn serialize_unit(self) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a unit value"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("a unit struct"))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<Option<Vec<u8>>, TypedError> {
        Err(unsupported("an enum"))
    }
}

/// Bytes given as a list of `u8` (how serde writes `&[u8]` and `Vec<u8>`), gathered and then
/// given to `target` as bytes.
pub(crate) struct ByteSeq<S> {
    target: S,
    bytes: Vec<u8>,
}

impl<S> ByteSeq<S> {
    pub(crate) fn new(target: S, len: Option<usize>) -> Self {
        Self {
            target,
            bytes: Vec::with_capacity(len.unwrap_or(0)),
        }
    }
}

impl<S: Serializer<Error = TypedError>> SerializeSeq for ByteSeq<S> {
    type Ok = S::Ok;
    type Error = TypedError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        self.bytes.push(value.serialize(ByteSer)?);
        Ok(())
    }

    fn end(self) -> Result<S::Ok, TypedError> {
        self.target.serialize_bytes(&self.bytes)
    }
}

/// One byte of a list of bytes.
struct ByteSer;

impl Serializer for ByteSer {
    type Ok = u8;
    type Error = TypedError;
    type SerializeSeq = Impossible<u8, TypedError>;
    type SerializeTuple = Impossible<u8, TypedError>;
    type SerializeTupleStruct = Impossible<u8, TypedError>;
    type SerializeTupleVariant = Impossible<u8, TypedError>;
    type SerializeMap = Impossible<u8, TypedError>;
    type SerializeStruct = Impossible<u8, TypedError>;
    type SerializeStructVariant = Impossible<u8, TypedError>;

    fn serialize_u8(self, v: u8) -> Result<u8, TypedError> {
        Ok(v)
    }

    fn serialize_bool(self, _v: bool) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_i8(self, _v: i8) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_i16(self, _v: i16) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_i32(self, _v: i32) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_i64(self, _v: i64) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_u16(self, _v: u16) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_u32(self, _v: u32) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_u64(self, _v: u64) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_f32(self, _v: f32) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_f64(self, _v: f64) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_char(self, _v: char) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_str(self, _v: &str) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_none(self) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_unit(self) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<u8, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, TypedError> {
        Err(not_a_byte())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, TypedError> {
        Err(not_a_byte())
    }

    unsupported_seq! {}
    unsupported_compounds! { u8 }
}

/// A list that is not a list of bytes.
fn not_a_byte() -> TypedError {
    unsupported("a list of other than bytes")
}
