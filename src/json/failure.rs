//! The JSON error line, `{"error":{...}}`: one message that could not be decoded, encoded or
//! read from JSON, told by kind and place, never by its data.

use super::error::{JsonError, JsonErrorKind};
use crate::hex::HexError;
use crate::{DecodeError, EncodeError};

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
    #[must_use]
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
    #[must_use]
    pub fn at_line(self, line: Option<usize>) -> Self {
        Self { line, ..self }
    }

    /// Where the failure is, in words: `DE35 at byte 87`.
    #[must_use]
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

/// A masked value that its field refuses too is told as the field's error, so that the error
/// of a masked card number is the same whether or not masking is recognised; a masked value
/// its field would take is `masked_value`.
impl From<JsonError> for Failure {
    fn from(e: JsonError) -> Self {
        let (kind, message) = match e.kind() {
            JsonErrorKind::Masked {
                encode: Some(refused),
            } => (refused.name(), refused.to_string()),
            JsonErrorKind::InvalidHeaderHex(e) => ("invalid_hex", format!("header: {e}")),
            other => (other.name(), other.to_string()),
        };
        Self {
            kind,
            field: e.field(),
            offset: None,
            element: e
                .element()
                .map_or_else(|| "input".to_owned(), |el| el.to_string()),
            message,
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
