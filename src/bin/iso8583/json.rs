//! The JSON forms: a decoded message, an error line, and a message read back from JSON.
//!
//! A message is `{"mti":"0200","fields":{"2":"424242******4242",...}}` with the field numbers
//! as strings in ascending order and the values in text form (binary values as upper-case
//! hex), plus `"header"` (hex) first when the spec has a header. An error is
//! `{"error":{"kind":...,"field":...,"offset":...,"element":...,"message":...}}`.

use crate::input::{hex_to_bytes, to_hex, HexError};
use iso8583_wire::{DecodeError, EncodeError, Message, MessageView, Mti, Spec};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// A decoded message in its JSON form, masked unless `clear`.
pub struct MessageJson<'v, 'a> {
    /// The message.
    pub view: &'v MessageView<'a>,
    /// Whether values are shown in clear text.
    pub clear: bool,
}

impl Serialize for MessageJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let has_header = self.view.spec().layout().header_length > 0;
        let mut map = serializer.serialize_map(Some(if has_header { 3 } else { 2 }))?;
        if has_header {
            map.serialize_entry("header", &to_hex(self.view.header()))?;
        }
        map.serialize_entry("mti", self.view.mti().as_str())?;
        map.serialize_entry("fields", &FieldsJson(self))?;
        map.end()
    }
}

/// The `"fields"` object, in field-number order.
struct FieldsJson<'m, 'v, 'a>(&'m MessageJson<'v, 'a>);

impl Serialize for FieldsJson<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let MessageJson { view, clear } = self.0;
        let mut map = serializer.serialize_map(None)?;
        for fv in view.fields() {
            let value = if *clear {
                fv.to_text()
            } else {
                fv.masked().to_string()
            };
            map.serialize_entry(&fv.number().to_string(), &value)?;
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

/// Builds a message from its JSON form (see the module docs). Keys other than `header`,
/// `mti` and `fields` are ignored, so annotated output can be fed back.
///
/// # Errors
/// A [`Failure`] when the line is not a JSON object of that shape, or a value does not fit
/// its field (masked values do not: they are not digits).
pub fn message_from_json(spec: &Spec, line: &[u8]) -> Result<Message, Failure> {
    // Parsed as a generic value first so that no error message repeats a value, which may
    // be card data.
    let value: Value = serde_json::from_slice(line).map_err(|e| {
        Failure::input(
            "invalid_json",
            None,
            format!("not JSON: {e}", e = JsonSyntax(&e)),
        )
    })?;
    let object = value
        .as_object()
        .ok_or_else(|| Failure::input("invalid_message", None, "not a JSON object"))?;
    let mti = match object.get("mti") {
        Some(Value::String(s)) => Mti::from_text(s).ok_or_else(|| mti_failure(object)),
        _ => Err(mti_failure(object)),
    }?;
    let mut message = Message::new(mti);
    if let Some(header) = object.get("header") {
        let text = header
            .as_str()
            .ok_or_else(|| Failure::input("invalid_message", None, "\"header\" is not a string"))?;
        let mut bytes = Vec::new();
        hex_to_bytes(text.as_bytes(), &mut bytes).map_err(|e| Failure {
            element: "header".to_owned(),
            offset: None,
            message: format!("header: {e}"),
            ..Failure::from(e)
        })?;
        message.set_header(bytes);
    }
    let fields = object
        .get("fields")
        .and_then(Value::as_object)
        .ok_or_else(|| Failure::input("invalid_message", None, "no \"fields\" object"))?;
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
    numbered.sort_unstable_by_key(|(n, _)| *n);
    for (n, value) in numbered {
        let text = value.as_str().ok_or_else(|| {
            Failure::input("invalid_value", Some(n), "the value is not a JSON string")
        })?;
        message.set(spec, n, text)?;
    }
    Ok(message)
}

fn mti_failure(object: &Map<String, Value>) -> Failure {
    let message = if object.contains_key("error") {
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
