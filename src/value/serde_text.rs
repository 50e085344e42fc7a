//! Serde for the value types: each is serialised as its wire text (its `Display`) and
//! deserialised from that text (its `FromStr`), and the digit-only ones also from an integer.

use super::digits::zero_padded;
use super::error::ParseError;
use core::fmt;
use core::marker::PhantomData;
use core::str::FromStr;
use serde::de::{self, Unexpected, Visitor};

/// A value type written as text.
pub(crate) trait TextValue: FromStr<Err = ParseError> {
    /// What the deserialiser expects, for its error messages.
    const EXPECTING: &'static str;
    /// For a type written as a fixed number of digits, how many: an integer is then taken as
    /// those digits with leading zeros (STAN `123` is `000123`). `None` when the type is not
    /// deserialised from integers.
    const DIGITS: Option<usize>;
}

/// Deserialises a [`TextValue`]: from a string, and from an integer when the type allows it
/// (through `deserialize_any`, so that self-describing formats hand over either).
pub(crate) fn deserialize<'de, T: TextValue, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    if T::DIGITS.is_some() {
        d.deserialize_any(TextVisitor(PhantomData))
    } else {
        d.deserialize_str(TextVisitor(PhantomData))
    }
}

/// The visitor of [`deserialize`].
struct TextVisitor<T>(PhantomData<T>);

impl<T: TextValue> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        // The error says what was wrong, never the text itself (it may be a card number).
        v.parse().map_err(E::custom)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<T, E> {
        match core::str::from_utf8(v) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_type(Unexpected::Other("non-UTF-8 bytes"), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        let Some(width) = T::DIGITS else {
            return Err(E::invalid_type(Unexpected::Unsigned(v), &self));
        };
        let mut buf = [b'0'; 20];
        self.visit_str(zero_padded(v, width, &mut buf))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }
}

/// `Serialize` through `Display` and `Deserialize` through [`deserialize`] for a
/// [`TextValue`].
macro_rules! text_serde {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::value::serde_text::deserialize(d)
            }
        }
    };
}

pub(crate) use text_serde;
