//! The plain values a message hands out besides its fields: keys, the MTI and the header,
//! and the adapters that give a key's text a stack buffer and a list of bytes its bytes.

use crate::typed::error::TypedError;
use serde::de::{self, Deserializer, Visitor};

/// A key: a static string when it is one (numbers up to 192, track 2 part names), otherwise
/// text on the stack (BER-TLV tags, larger subfield numbers).
pub(super) struct KeyDe<'k> {
    pub(super) fixed: Option<&'static str>,
    pub(super) text: &'k str,
    pub(super) number: Option<u16>,
}

impl KeyDe<'static> {
    pub(super) const fn borrowed(text: &'static str) -> Self {
        Self {
            fixed: Some(text),
            text,
            number: None,
        }
    }
}

impl<'de> Deserializer<'de> for KeyDe<'_> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.fixed {
            Some(text) => visitor.visit_borrowed_str(text),
            None => visitor.visit_str(self.text),
        }
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self
            .number
            .or_else(|| crate::typed::keys::key_number(self.text))
        {
            Some(n) => visitor.visit_u16(n),
            None => self.deserialize_any(visitor),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_u16(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_u16(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Text handed to a type: borrowed from the input, or for the type to copy.
pub(super) enum TextDe<'t, 'de> {
    Borrowed(&'de str),
    Transient(&'t str),
}

impl<'de> Deserializer<'de> for TextDe<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self {
            Self::Borrowed(s) => visitor.visit_borrowed_str(s),
            Self::Transient(s) => visitor.visit_str(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The header: raw bytes as they are, or upper-case hex text.
pub(super) struct HeaderDe<'de>(pub(super) &'de [u8]);

impl<'de> Deserializer<'de> for HeaderDe<'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        let mut hex = vec![0u8; self.0.len() * 2];
        crate::codec::hex_upper_into(self.0, &mut hex);
        let hex = String::from_utf8(hex).unwrap_or_default();
        visitor.visit_string(hex)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_borrowed_bytes(self.0)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Room for a key as text: a BER-TLV tag of up to 4 bytes in hex, or a number.
const KEY_TEXT: usize = 8;

/// A key's text on the stack.
#[derive(Default)]
pub(super) struct KeyBuf {
    bytes: [u8; KEY_TEXT],
    len: usize,
}

impl KeyBuf {
    pub(super) fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl core::fmt::Write for KeyBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let to = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        to.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A visitor of a list of bytes, given bytes: they are handed to it one by one.
pub(super) struct ByteList<V>(pub(super) V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ByteList<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.expecting(f)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0
            .visit_seq(de::value::SeqDeserializer::new(v.iter().copied()))
    }
}
