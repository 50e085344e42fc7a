//! Reading a message back from its JSON form.

use super::error::{JsonError, JsonErrorKind};
use crate::composite::{build_subfields, sub_mask, subfield_id, FieldId};
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::hex::{hex_to_bytes, to_hex};
use crate::mask::is_masked;
use crate::spec::Composite;
use crate::{FieldSpec, Message, Mti, Spec};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value as far as a message needs it: strings and objects, the keys of objects kept
/// in their order (subfields are built in the order given).
enum Value {
    Str(String),
    Obj(Vec<(String, Value)>),
    Other,
}

impl Value {
    /// The value of `key` in an object (the last one given).
    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Obj(items) => items.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Other)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Other)
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<Value>()?.is_some() {}
        Ok(Value::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            items.push((k, v));
        }
        Ok(Value::Obj(items))
    }
}

impl Message {
    /// Reads a message from its JSON form (see [`crate::json`]), checking every value
    /// against `spec` as [`Message::set`] and [`Message::set_subfields`] do. Keys other than
    /// `header`, `mti` and `fields` are ignored, so annotated output (`"diagnosis"`) reads back.
    ///
    /// ```
    /// use iso8583_wire::{Message, MessageView, Spec};
    ///
    /// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    /// let json = r#"{"mti":"0800","fields":{"7":"1123132500","11":"000001","70":"301"}}"#;
    /// let message = Message::from_json(spec, json)?;
    /// let view = MessageView::decode(spec, &message.to_vec(spec)?)?.json().to_string();
    /// assert_eq!(view, json);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`JsonError`] naming the element and the JSON path when the text is not JSON, not an
    /// object of that shape, or a value does not fit its field; a value in masked form
    /// (`424242******4242`, `[HIDDEN]`) where the field holds card data is
    /// [`JsonErrorKind::Masked`].
    pub fn from_json(spec: &Spec, json: impl AsRef<[u8]>) -> Result<Self, JsonError> {
        // Read into a value that keeps no error text of its own, so that no error message
        // repeats a value, which may be card data.
        let value: Value = serde_json::from_slice(json.as_ref()).map_err(|e| {
            let kind = JsonErrorKind::Syntax {
                line: e.line(),
                column: e.column(),
                eof: e.classify() == serde_json::error::Category::Eof,
            };
            JsonError::new(kind, None, "")
        })?;
        if !matches!(value, Value::Obj(_)) {
            return Err(JsonError::new(JsonErrorKind::NotAnObject, None, ""));
        }
        let mti = match value.get("mti") {
            Some(Value::Str(s)) => Mti::from_text(s),
            _ => None,
        };
        let Some(mti) = mti else {
            let kind = if value.get("error").is_some() {
                JsonErrorKind::ErrorLine
            } else {
                JsonErrorKind::InvalidMti
            };
            return Err(JsonError::new(kind, Some(Element::Mti), "/mti"));
        };
        let mut message = Self::new(mti);
        if let Some(header) = value.get("header") {
            let Value::Str(text) = header else {
                return Err(JsonError::new(
                    JsonErrorKind::HeaderNotAString,
                    None,
                    "/header",
                ));
            };
            let mut bytes = Vec::new();
            hex_to_bytes(text.as_bytes(), &mut bytes).map_err(|e| {
                JsonError::new(
                    JsonErrorKind::InvalidHeaderHex(e),
                    Some(Element::Header),
                    "/header",
                )
            })?;
            message.set_header(bytes);
        }
        let Some(Value::Obj(fields)) = value.get("fields") else {
            return Err(JsonError::new(JsonErrorKind::NoFields, None, "/fields"));
        };
        let mut numbered = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            let n = key
                .parse::<u16>()
                .map_err(|_| JsonError::new(JsonErrorKind::InvalidFieldNumber, None, "/fields"))?;
            numbered.push((n, value));
        }
        numbered.sort_by_key(|(n, _)| *n);
        for (n, value) in numbered {
            set_field(&mut message, spec, n, value)?;
        }
        Ok(message)
    }
}

/// Sets field `n` of `message` from its JSON value.
fn set_field(message: &mut Message, spec: &Spec, n: u16, value: &Value) -> Result<(), JsonError> {
    let path = format!("/fields/{n}");
    let mut masked = None;
    let result = match value {
        Value::Str(s) => {
            if spec.field(n).is_some_and(|fs| is_masked(fs.mask, s)) {
                masked = Some((Element::Field(n), path.clone()));
            }
            message.set(spec, n, s).map(|_| ())
        }
        Value::Obj(items) => {
            let fs = spec.field(n).ok_or_else(|| {
                JsonError::encode(
                    EncodeError::new(EncodeErrorKind::FieldNotInSpec, Element::Field(n)),
                    &path,
                )
            })?;
            let items = subfield_items(fs, n, items, &path, 0, &mut masked)?;
            message.set_subfields(spec, n, &refs(&items)).map(|_| ())
        }
        Value::Other => {
            return Err(JsonError::new(
                JsonErrorKind::NotAStringOrObject,
                Some(Element::Field(n)),
                &path,
            ))
        }
    };
    match (result, masked) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some((element, at))) => Err(JsonError::new(
            JsonErrorKind::Masked { encode: None },
            Some(element),
            &at,
        )),
        (Err(e), masked) => Err(refused(e, &path, &masked)),
    }
}

/// The error for a value at `path` that its field refused: told as masked when a value in
/// masked form was given.
fn refused(e: EncodeError, path: &str, masked: &MaskedAt) -> JsonError {
    match masked {
        None => JsonError::encode(e, path),
        Some((_, at)) => JsonError::new(
            JsonErrorKind::Masked {
                encode: Some(e.kind()),
            },
            Some(e.element()),
            at,
        ),
    }
}

/// How deep nested subfield objects may go.
const MAX_NESTING: usize = 8;

/// The first value found in masked form: its element and JSON path.
type MaskedAt = Option<(Element, String)>;

/// The subfields of field `n` given as an object, by id, each in its text form: a
/// constructed tag's value, itself an object, is built and given in hex. The first value in
/// masked form is noted in `masked`.
fn subfield_items(
    fs: &FieldSpec,
    n: u16,
    items: &[(String, Value)],
    path: &str,
    depth: usize,
    masked: &mut MaskedAt,
) -> Result<Vec<(FieldId, String)>, JsonError> {
    let field = Some(Element::Field(n));
    let mut built: Vec<(FieldId, String)> = Vec::with_capacity(items.len());
    for (key, value) in items {
        let id = subfield_id(fs, depth > 0, key)
            .ok_or_else(|| JsonError::new(JsonErrorKind::InvalidSubfield, field, path))?;
        let at = format!("{path}/{id}");
        let text = match value {
            Value::Str(s) => {
                if masked.is_none() && is_masked(sub_mask(fs, id), s) {
                    *masked = Some((Element::Subfield { field: n, sub: id }, at));
                }
                s.clone()
            }
            Value::Obj(inner)
                if depth < MAX_NESTING
                    && matches!(fs.composite.as_deref(), Some(Composite::BerTlv)) =>
            {
                let inner = subfield_items(fs, n, inner, &at, depth + 1, masked)?;
                let bytes =
                    build_subfields(fs, n, &refs(&inner)).map_err(|e| refused(e, &at, masked))?;
                to_hex(&bytes)
            }
            _ => {
                return Err(JsonError::new(
                    JsonErrorKind::SubfieldNotAString,
                    field,
                    &at,
                ))
            }
        };
        built.push((id, text));
    }
    Ok(built)
}

/// Subfield items as [`Message::set_subfields`] takes them.
fn refs(items: &[(FieldId, String)]) -> Vec<(FieldId, &str)> {
    items.iter().map(|(id, t)| (*id, t.as_str())).collect()
}
