//! The JSON forms: a decoded message, an error line, and a message read back from JSON.
//!
//! A message is `{"mti":"0200","fields":{"2":"424242******4242",...}}` with the field numbers
//! as strings in ascending order and the values in text form (binary values as upper-case
//! hex), plus `"header"` (hex) first when the spec has a header. A field with subfields is an
//! object of its subfields by id in wire order (`{"55":{"9F02":"000000000100",...}}`,
//! `{"35":{"pan":...,"expiry":...}}`; a constructed tag nests), or, when they cannot be read,
//! its plain value with the reason in `"subfield_errors"`. `"diagnosis"` explains field 39
//! when there is one. An error is
//! `{"error":{"kind":...,"field":...,"offset":...,"element":...,"message":...}}`.

use crate::input::{hex_to_bytes, to_hex, HexError};
use crate::subfields::{FieldTree, Node, SubfieldError};
use iso8583_wire::composite::{build_subfields, FieldId, Track2Part};
use iso8583_wire::response::Localized;
use iso8583_wire::spec::Composite;
use iso8583_wire::{
    DecodeError, EncodeError, FieldSpec, FieldView, Message, MessageView, Mti, Spec,
};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A decoded message in its JSON form, masked unless `clear`.
pub struct MessageJson<'v, 'a> {
    /// The message.
    pub view: &'v MessageView<'a>,
    /// Its fields, with the subfields of the structured ones.
    pub fields: &'v [FieldTree<'a>],
    /// Whether values are shown in clear text.
    pub clear: bool,
    /// The diagnosis of field 39, when the message has one.
    pub diagnosis: Option<Localized<'static>>,
}

impl Serialize for MessageJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let has_header = self.view.spec().layout().header_length > 0;
        let mut map = serializer.serialize_map(None)?;
        if has_header {
            map.serialize_entry("header", &to_hex(self.view.header()))?;
        }
        map.serialize_entry("mti", self.view.mti().as_str())?;
        map.serialize_entry("fields", &FieldsJson(self))?;
        let errors: Vec<&SubfieldError> = self
            .fields
            .iter()
            .filter_map(|t| t.subfields.as_ref()?.as_ref().err())
            .collect();
        if !errors.is_empty() {
            map.serialize_entry("subfield_errors", &errors)?;
        }
        if let Some(diagnosis) = &self.diagnosis {
            map.serialize_entry("diagnosis", diagnosis)?;
        }
        map.end()
    }
}

/// The text of a value, masked unless `clear`.
fn text(fv: &FieldView<'_>, clear: bool) -> String {
    if clear {
        fv.to_text()
    } else {
        fv.masked().to_string()
    }
}

/// The `"fields"` object, in field-number order.
struct FieldsJson<'m, 'v, 'a>(&'m MessageJson<'v, 'a>);

impl Serialize for FieldsJson<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let clear = self.0.clear;
        let mut map = serializer.serialize_map(Some(self.0.fields.len()))?;
        for tree in self.0.fields {
            let key = tree.field.number().to_string();
            match &tree.subfields {
                Some(Ok(nodes)) => map.serialize_entry(&key, &NodesJson { nodes, clear })?,
                _ => map.serialize_entry(&key, &text(&tree.field, clear))?,
            }
        }
        map.end()
    }
}

/// Subfields as an object by id, in wire order.
struct NodesJson<'n, 'a> {
    nodes: &'n [Node<'a>],
    clear: bool,
}

impl Serialize for NodesJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.nodes.len()))?;
        for node in self.nodes {
            if node.children.is_empty() {
                map.serialize_entry(&node.id(), &text(&node.view, self.clear))?;
            } else {
                let nested = NodesJson {
                    nodes: &node.children,
                    clear: self.clear,
                };
                map.serialize_entry(&node.id(), &nested)?;
            }
        }
        map.end()
    }
}

/// One message that could not be decoded or encoded: what went wrong and where, never the
/// data itself. Shown as a JSON error line or as a line of the table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// A stable snake-case name, e.g. `length_out_of_range` or `invalid_hex`.
    pub kind: &'static str,
    /// The data element, when the failure is about one.
    pub field: Option<u16>,
    /// The absolute byte offset in the message (for `invalid_hex`, the character position
    /// in the line), when known.
    pub offset: Option<usize>,
    /// The element in words: `DE35`, `MTI`, `primary bitmap`, `header`, `input`.
    pub element: String,
    /// What went wrong, in words.
    pub message: String,
    /// The input line (1-based) the message was read from, when read from lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Failure {
    /// A failure of the input itself, not of a message element.
    pub fn input(kind: &'static str, field: Option<u16>, message: impl Into<String>) -> Self {
        Self {
            kind,
            field,
            offset: None,
            element: field.map_or_else(|| "input".to_owned(), |n| format!("DE{n}")),
            message: message.into(),
            line: None,
        }
    }

    /// The same failure, read from input line `line`.
    pub fn at_line(self, line: Option<usize>) -> Self {
        Self { line, ..self }
    }

    /// Where the failure is, in words: `DE35 at byte 87`.
    pub fn place(&self) -> String {
        match self.offset {
            Some(offset) if self.kind == "invalid_hex" => {
                format!("{} at character {offset}", self.element)
            }
            Some(offset) => format!("{} at byte {offset}", self.element),
            None => self.element.clone(),
        }
    }
}

impl From<DecodeError> for Failure {
    fn from(e: DecodeError) -> Self {
        Self {
            kind: e.kind().name(),
            field: e.field(),
            offset: Some(e.offset()),
            element: e.element().to_string(),
            message: e.kind().to_string(),
            line: None,
        }
    }
}

impl From<EncodeError> for Failure {
    fn from(e: EncodeError) -> Self {
        Self {
            kind: e.kind().name(),
            field: e.field(),
            offset: None,
            element: e.element().to_string(),
            message: e.kind().to_string(),
            line: None,
        }
    }
}

impl From<HexError> for Failure {
    fn from(e: HexError) -> Self {
        Self {
            kind: "invalid_hex",
            field: None,
            offset: e.position(),
            element: "input".to_owned(),
            message: e.to_string(),
            line: None,
        }
    }
}

/// The JSON error line `{"error":{...}}`.
#[derive(serde::Serialize)]
pub struct ErrorLine<'f> {
    /// The failure.
    pub error: &'f Failure,
}

/// A JSON value as far as a message needs it: strings and objects, the keys of objects kept
/// in their order (subfields are built in the order given).
enum Json {
    Str(String),
    Obj(Vec<(String, Json)>),
    Other,
}

impl Json {
    /// The value of `key` in an object (the last one given).
    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Obj(items) => items.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Json, E> {
        Ok(Json::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Json, E> {
        Ok(Json::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Json, E> {
        Ok(Json::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
        Ok(Json::Other)
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Other)
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        while seq.next_element::<Json>()?.is_some() {}
        Ok(Json::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            items.push((k, v));
        }
        Ok(Json::Obj(items))
    }
}

/// Builds a message from its JSON form (see the module docs). Keys other than `header`,
/// `mti` and `fields` are ignored, so annotated output can be fed back.
///
/// # Errors
/// A [`Failure`] when the line is not a JSON object of that shape, or a value does not fit
/// its field (masked values do not: they are not digits).
pub fn message_from_json(spec: &Spec, line: &[u8]) -> Result<Message, Failure> {
    // Read into a value that keeps no error text of its own, so that no error message
    // repeats a value, which may be card data.
    let value: Json = serde_json::from_slice(line).map_err(|e| {
        Failure::input(
            "invalid_json",
            None,
            format!("not JSON: {e}", e = JsonSyntax(&e)),
        )
    })?;
    if !matches!(value, Json::Obj(_)) {
        return Err(Failure::input("invalid_message", None, "not a JSON object"));
    }
    let mti = match value.get("mti") {
        Some(Json::Str(s)) => Mti::from_text(s).ok_or_else(|| mti_failure(&value)),
        _ => Err(mti_failure(&value)),
    }?;
    let mut message = Message::new(mti);
    if let Some(header) = value.get("header") {
        let Json::Str(text) = header else {
            return Err(Failure::input(
                "invalid_message",
                None,
                "\"header\" is not a string",
            ));
        };
        let mut bytes = Vec::new();
        hex_to_bytes(text.as_bytes(), &mut bytes).map_err(|e| Failure {
            element: "header".to_owned(),
            offset: None,
            message: format!("header: {e}"),
            ..Failure::from(e)
        })?;
        message.set_header(bytes);
    }
    let Some(Json::Obj(fields)) = value.get("fields") else {
        return Err(Failure::input(
            "invalid_message",
            None,
            "no \"fields\" object",
        ));
    };
    let mut numbered = Vec::with_capacity(fields.len());
    for (key, value) in fields {
        let n = key.parse::<u16>().map_err(|_| {
            Failure::input(
                "invalid_field_number",
                None,
                "a key of \"fields\" is not a field number",
            )
        })?;
        numbered.push((n, value));
    }
    numbered.sort_by_key(|(n, _)| *n);
    for (n, value) in numbered {
        match value {
            Json::Str(s) => message.set(spec, n, s)?,
            Json::Obj(items) => {
                let fs = spec.field(n).ok_or_else(|| {
                    Failure::from(EncodeError::new(
                        iso8583_wire::EncodeErrorKind::FieldNotInSpec,
                        iso8583_wire::Element::Field(n),
                    ))
                })?;
                let items = subfield_items(fs, n, items, 0)?;
                message.set_subfields(spec, n, &refs(&items))?
            }
            Json::Other => {
                return Err(Failure::input(
                    "invalid_value",
                    Some(n),
                    "the value is not a JSON string or object",
                ))
            }
        };
    }
    Ok(message)
}

/// How deep nested subfield objects may go.
const MAX_NESTING: usize = 8;

/// The subfields of field `n` given as an object, by id, each in its text form: a
/// constructed tag's value, itself an object, is built and given in hex.
fn subfield_items(
    fs: &FieldSpec,
    n: u16,
    items: &[(String, Json)],
    depth: usize,
) -> Result<Vec<(FieldId, String)>, Failure> {
    let bad_id = || {
        Failure::input(
            "invalid_subfield",
            Some(n),
            "a subfield key is not an id of the field's layout",
        )
    };
    let mut built: Vec<(FieldId, String)> = Vec::with_capacity(items.len());
    for (key, value) in items {
        let id = subfield_id(fs, key).ok_or_else(bad_id)?;
        let text = match value {
            Json::Str(s) => s.clone(),
            Json::Obj(inner)
                if depth < MAX_NESTING
                    && matches!(fs.composite.as_deref(), Some(Composite::BerTlv)) =>
            {
                let inner = subfield_items(fs, n, inner, depth + 1)?;
                to_hex(&build_subfields(fs, n, &refs(&inner))?)
            }
            _ => {
                return Err(Failure::input(
                    "invalid_value",
                    Some(n),
                    "a subfield value is not a JSON string",
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

/// The id a key names in a field's subfield layout: a hex tag for BER-TLV, a part name for
/// track 2, a number otherwise.
fn subfield_id(fs: &FieldSpec, key: &str) -> Option<FieldId> {
    match fs.composite.as_deref()? {
        Composite::BerTlv => {
            if key.is_empty() || key.len() > 8 || key.len() % 2 == 1 {
                return None;
            }
            u32::from_str_radix(key, 16).ok().map(FieldId::Tag)
        }
        Composite::Track2 => [
            Track2Part::Pan,
            Track2Part::Expiry,
            Track2Part::ServiceCode,
            Track2Part::Discretionary,
        ]
        .into_iter()
        .find(|p| p.name() == key)
        .map(FieldId::Part),
        _ => key.parse().ok().map(FieldId::Number),
    }
}

fn mti_failure(object: &Json) -> Failure {
    let message = if object.get("error").is_some() {
        "an error line, not a message"
    } else {
        "\"mti\" is missing or not four digits"
    };
    Failure {
        element: "MTI".to_owned(),
        ..Failure::input("invalid_mti", None, message)
    }
}

/// A `serde_json` syntax error shown by category and position only.
struct JsonSyntax<'e>(&'e serde_json::Error);

impl std::fmt::Display for JsonSyntax<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.0.classify() {
            serde_json::error::Category::Eof => "unexpected end",
            _ => "syntax error",
        };
        write!(f, "{what} at column {}", self.0.column())
    }
}
