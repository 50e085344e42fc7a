//! Reading a decoded message into a type: a serde [`Deserializer`] over a [`MessageView`],
//! a map of its fields by number, and of a structured field's subfields by id.
//!
//! Values are handed out borrowed from the input wherever the wire holds them as they are
//! (ASCII text, raw binary); other encodings are turned into text on the stack and handed out
//! for the type to copy. Keys are static strings, so that reading a message into a struct of
//! borrowed members allocates nothing.

use super::error::{TypedError, TypedErrorKind};
use super::keys::number_key;
use crate::composite::{FieldId, Subfields};
use crate::error::Element;
use crate::spec::{ContentClass, Encoding, Mask};
use crate::view::{FieldView, Fields, MessageView};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

mod plain;

use plain::{ByteList, HeaderDe, KeyBuf, KeyDe, TextDe};

/// Text longer than this is turned into a heap buffer; shorter text uses the stack.
const STACK_TEXT: usize = 128;

/// A whole message, read as a map of its fields (and, when a struct names them, `mti` and
/// `header`).
pub(super) struct MessageDe<'v, 'de> {
    pub(super) view: &'v MessageView<'de>,
}

/// Which of `mti` and `header` are still to be handed out, as bits.
const MTI: u8 = 1;
const HEADER: u8 = 2;

impl<'de> MessageDe<'_, 'de> {
    fn visit<V: Visitor<'de>>(self, extras: u8, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_map(FieldsAccess {
            view: self.view,
            fields: self.view.fields(),
            extras,
            pending: Pending::Nothing,
            field: None,
            text: Text::Unchecked,
        })
    }
}

impl<'de> Deserializer<'de> for MessageDe<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        // A map gets the MTI, and the header when the spec has one, as entries too, so that
        // it builds the same message back.
        let header = if self.view.spec().layout().header_length > 0 {
            HEADER
        } else {
            0
        };
        self.visit(MTI | header, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        let mut extras = 0;
        for f in fields {
            match *f {
                "mti" => extras |= MTI,
                "header" => extras |= HEADER,
                _ => {}
            }
        }
        self.visit(extras, visitor)
            .map_err(|e| e.in_struct_named(name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

/// What the value after the last key handed out is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// The field kept in [`FieldsAccess::field`].
    Field,
    Mti,
    Header,
}

/// The fields of a message as a map, in wire order.
struct FieldsAccess<'v, 'de> {
    view: &'v MessageView<'de>,
    fields: Fields<'v, 'de>,
    extras: u8,
    pending: Pending,
    /// The field whose key was handed out last. It is kept apart from `pending`, and its
    /// value is read through a reference, so that a field is not copied again on its way to
    /// the value's type.
    field: Option<FieldView<'de>>,
    text: Text<'de>,
}

/// The input from the first ASCII text field on, as far as it is UTF-8, checked once for the
/// message so that each text field is a slice of it rather than a check of its own: on the
/// reference 0200 checking each of the 14 fields took 1,391 of the 5,794 instructions of a
/// typed decode (`benches/icount.rs`, `typed_decode`).
#[derive(Clone, Copy)]
enum Text<'de> {
    /// No text field seen yet.
    Unchecked,
    /// The input from this offset on, up to its first byte that is not UTF-8.
    From(usize, &'de str),
}

impl<'de> Text<'de> {
    /// `field`'s value as `&str`, when it is ASCII on the wire: what [`FieldView::as_str`]
    /// gives, sliced from the checked `input` when it lies in it.
    // Inlined into the member's read, with the check done once kept out of line: a typed
    // decode of the reference 0200 went from 4,680 to 4,501 instructions (`benches/icount.rs`).
    #[inline(always)]
    fn of(&mut self, input: &'de [u8], field: &FieldView<'de>) -> Option<&'de str> {
        if !matches!(field.spec().encoding, Encoding::Ascii | Encoding::AsciiHex) {
            return None;
        }
        let at = field.offset();
        let (base, rest) = match *self {
            Text::From(base, rest) => (base, rest),
            Text::Unchecked => self.check(input, at),
        };
        let start = at.checked_sub(base)?;
        let end = start.checked_add(field.as_bytes().len())?;
        match rest.get(start..end) {
            Some(text) => Some(text),
            None => field.as_str().ok(),
        }
    }

    /// Checks `input` from `at` (the first text field) on, once for the message.
    #[inline(never)]
    fn check(&mut self, input: &'de [u8], at: usize) -> (usize, &'de str) {
        let rest = input.get(at..).unwrap_or_default();
        let rest = match core::str::from_utf8(rest) {
            Ok(all) => all,
            // The part before the first byte that is not UTF-8 still serves the fields that
            // lie in it.
            Err(e) => rest
                .get(..e.valid_up_to())
                .and_then(|valid| core::str::from_utf8(valid).ok())
                .unwrap_or_default(),
        };
        *self = Text::From(at, rest);
        (at, rest)
    }
}

impl<'de> MapAccess<'de> for FieldsAccess<'_, 'de> {
    type Error = TypedError;

    // What a derived type calls for each member's value: serde's own `next_value` is not
    // inlined into the type's loop, and with it and `next_value_seed` inlined a typed decode
    // of the reference 0200 took 3,831 instructions instead of 4,084 (`benches/icount.rs`).
    #[inline(always)]
    fn next_value<V: de::Deserialize<'de>>(&mut self) -> Result<V, TypedError> {
        self.next_value_seed(core::marker::PhantomData)
    }

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TypedError> {
        let key = if self.extras != 0 {
            if self.extras & MTI != 0 {
                self.extras &= !MTI;
                self.pending = Pending::Mti;
                "mti"
            } else {
                self.extras = 0;
                self.pending = Pending::Header;
                "header"
            }
        } else {
            let Some(field) = self.fields.next() else {
                return Ok(None);
            };
            self.pending = Pending::Field;
            self.field = Some(field);
            // Data elements are numbered 1 to 192.
            number_key(field.number()).unwrap_or_default()
        };
        seed.deserialize(KeyDe::borrowed(key)).map(Some)
    }

    #[inline(always)]
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TypedError> {
        let pending = core::mem::replace(&mut self.pending, Pending::Nothing);
        match (pending, &self.field) {
            (Pending::Field, Some(field)) => {
                let text = self.text.of(self.view.as_bytes(), field);
                seed.deserialize(FieldDe { field, text }).map_err(|e| {
                    field_context(e, field)
                        .at_field(field.number())
                        .of_member(number_key(field.number()).unwrap_or_default())
                })
            }
            (Pending::Mti, _) => mti_value(self.view, seed),
            (Pending::Header, _) => header_value(self.view, seed),
            _ => Err(TypedError::new(TypedErrorKind::Unsupported {
                what: "a value before its key",
            })),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        None
    }
}

/// The message's MTI as the value of a member named `mti`: borrowed when it is ASCII on the
/// wire.
fn mti_value<'de, V: DeserializeSeed<'de>>(
    view: &MessageView<'de>,
    seed: V,
) -> Result<V::Value, TypedError> {
    let mti = view.mti();
    let h = view.header().len();
    let wire = view.as_bytes().get(h..h + 4).unwrap_or_default();
    let result = if wire == mti.as_bytes() {
        // The MTI is ASCII on the wire: borrow it.
        match core::str::from_utf8(wire) {
            Ok(s) => seed.deserialize(TextDe::Borrowed(s)),
            Err(_) => seed.deserialize(TextDe::Transient(mti.as_str())),
        }
    } else {
        seed.deserialize(TextDe::Transient(mti.as_str()))
    };
    result.map_err(|e| e.at(Element::Mti).of_member("mti"))
}

/// The message's header as the value of a member named `header`.
fn header_value<'de, V: DeserializeSeed<'de>>(
    view: &MessageView<'de>,
    seed: V,
) -> Result<V::Value, TypedError> {
    seed.deserialize(HeaderDe(view.header()))
        .map_err(|e| e.at(Element::Header).of_member("header"))
}

/// `e`, raised reading `field`, with a value type's own message withheld when it may hold the
/// value.
fn field_context(e: TypedError, field: &FieldView<'_>) -> TypedError {
    e.scrubbed(
        field.spec().mask != Mask::None || field.is_composite(),
        || field.to_text(),
    )
}

/// Calls `f` with the field's text, from a stack buffer when it is short.
fn with_text<R>(field: &FieldView<'_>, f: impl FnOnce(&str) -> R) -> R {
    let needed = field.text_len();
    let mut stack = [0u8; STACK_TEXT];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if needed <= STACK_TEXT {
        &mut stack
    } else {
        heap.resize(needed, 0);
        &mut heap
    };
    // The buffer is as long as the text.
    f(field.text_into(buf).unwrap_or_default())
}

/// One field or subfield's value.
struct FieldDe<'f, 'de> {
    field: &'f FieldView<'de>,
    /// The value as text borrowed from the input, when the caller has it at hand.
    text: Option<&'de str>,
}

impl<'de> FieldDe<'_, 'de> {
    /// The field's text: borrowed when it is ASCII on the wire.
    #[inline]
    fn text<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        if let Some(text) = self.text {
            return visitor.visit_borrowed_str(text);
        }
        match self.field.as_str() {
            Ok(s) => visitor.visit_borrowed_str(s),
            Err(_) => with_text(self.field, |s| visitor.visit_str(s)),
        }
    }

    /// The field's value as a number, for an `n` field.
    fn number(&self, wanted: &'static str) -> Result<u64, TypedError> {
        let class = self.field.spec().class;
        if class != ContentClass::N {
            return Err(TypedError::new(TypedErrorKind::WrongType {
                wanted: "an integer",
                class,
            }));
        }
        self.field
            .to_u64()
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted }))
    }

    /// The number, converted to the type asked for.
    fn narrow<T: TryFrom<u64>>(&self, wanted: &'static str) -> Result<T, TypedError> {
        T::try_from(self.number(wanted)?)
            .map_err(|_| TypedError::new(TypedErrorKind::NumberOutOfRange { wanted }))
    }

    fn unsupported(what: &'static str) -> TypedError {
        TypedError::new(TypedErrorKind::Unsupported { what })
    }

    /// The subfields as a map, for a structured field.
    fn subfields<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        if !self.field.is_composite() {
            return Err(TypedError::new(TypedErrorKind::NoSubfields));
        }
        visitor.visit_map(SubfieldsAccess {
            parent: *self.field,
            subfields: self.field.subfields(),
            pending: None,
        })
    }
}

impl<'de> Deserializer<'de> for FieldDe<'_, 'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.text(visitor)
    }

    // The read of every `&str` member: inlined, 4,501 → 4,084 instructions a typed decode of
    // the reference 0200 (`benches/icount.rs`).
    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.text(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.text(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.text(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        let fs = self.field.spec();
        match (fs.class, fs.encoding) {
            // Raw bytes, or ASCII text, are the value as they are.
            (ContentClass::B, Encoding::Binary) => {
                visitor.visit_borrowed_bytes(self.field.as_bytes())
            }
            (ContentClass::B, _) => with_text(self.field, |hex| {
                let mut bytes = vec![0u8; hex.len() / 2];
                match crate::codec::hex_decode_into(hex.as_bytes(), &mut bytes) {
                    Ok(_) if hex.len() % 2 == 0 => visitor.visit_byte_buf(bytes),
                    _ => Err(TypedError::new(TypedErrorKind::WrongType {
                        wanted: "bytes",
                        class: fs.class,
                    })),
                }
            }),
            (_, Encoding::Ascii) => visitor.visit_borrowed_bytes(self.field.as_bytes()),
            _ => with_text(self.field, |s| visitor.visit_bytes(s.as_bytes())),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_u8(self.narrow("u8")?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_u16(self.narrow("u16")?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_u32(self.narrow("u32")?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_u64(self.number("u64")?)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_u128(u128::from(self.number("u128")?))
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_i8(self.narrow("i8")?)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_i16(self.narrow("i16")?)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_i32(self.narrow("i32")?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_i64(self.narrow("i64")?)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_i128(i128::from(self.number("i128")?))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a boolean"))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a float"))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a float"))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.text(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a unit value"))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a unit struct"))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        // `Vec<u8>` reads itself as a list of bytes.
        self.deserialize_bytes(ByteList(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a tuple"))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, TypedError> {
        Err(Self::unsupported("a tuple struct"))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.subfields(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        self.subfields(visitor).map_err(|e| e.in_struct_named(name))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        use de::IntoDeserializer;
        // A unit variant named by the field's text (a response code, a processing code).
        match self.field.as_str() {
            Ok(s) => visitor.visit_enum(de::value::BorrowedStrDeserializer::new(s)),
            Err(_) => with_text(self.field, |s| visitor.visit_enum(s.into_deserializer())),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_unit()
    }
}

/// The subfields of a structured field as a map by id, in wire order.
struct SubfieldsAccess<'de> {
    parent: FieldView<'de>,
    subfields: Subfields<'de>,
    pending: Option<FieldView<'de>>,
}

impl<'de> MapAccess<'de> for SubfieldsAccess<'de> {
    type Error = TypedError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TypedError> {
        let Some(sub) = self.subfields.next() else {
            return Ok(None);
        };
        let sub = sub.map_err(|e| TypedError::from(e.shifted(self.parent.offset())))?;
        self.pending = Some(sub);
        let id = sub.sub_id();
        let fixed = match id {
            Some(FieldId::Number(n)) => number_key(n),
            Some(FieldId::Part(p)) => Some(p.name()),
            _ => None,
        };
        if let Some(key) = fixed {
            return seed.deserialize(KeyDe::borrowed(key)).map(Some);
        }
        let mut buf = KeyBuf::default();
        if let Some(id) = id {
            use core::fmt::Write;
            // Every id fits: at most 8 hex digits or 5 decimal ones.
            let _ = write!(buf, "{id}");
        }
        let number = match id {
            Some(FieldId::Number(n)) => Some(n),
            _ => None,
        };
        seed.deserialize(KeyDe {
            fixed: None,
            text: buf.as_str(),
            number,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TypedError> {
        let Some(field) = self.pending.take() else {
            return Err(TypedError::new(TypedErrorKind::Unsupported {
                what: "a value before its key",
            }));
        };
        seed.deserialize(FieldDe {
            field: &field,
            text: None,
        })
        .map_err(|e| {
            let e = field_context(e, &field);
            match field.sub_id() {
                Some(id) => {
                    let member = match id {
                        FieldId::Number(n) => number_key(n),
                        FieldId::Part(p) => Some(p.name()),
                        _ => None,
                    };
                    let e = e.in_sub(id);
                    match member {
                        Some(m) => e.of_member(m),
                        None => e,
                    }
                }
                None => e,
            }
        })
    }
}
