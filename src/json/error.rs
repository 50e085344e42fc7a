//! Why a message could not be read from its JSON form: what was wrong, the element and the
//! JSON path, never the value.

use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::hex::HexError;
use core::fmt;

/// What was wrong with a message's JSON form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The text is not JSON.
    Syntax {
        /// The line (1-based) where reading stopped.
        line: usize,
        /// The column (1-based) where reading stopped.
        column: usize,
        /// Whether the text ends too early (rather than holding a wrong character).
        eof: bool,
    },
    /// The JSON is not an object.
    NotAnObject,
    /// The object is an error line (`{"error":{...}}`), not a message.
    ErrorLine,
    /// `"mti"` is missing, not a string, or not four digits.
    InvalidMti,
    /// `"header"` is not a string.
    HeaderNotAString,
    /// `"header"` is not hex.
    InvalidHeaderHex(HexError),
    /// There is no `"fields"` object.
    NoFields,
    /// A key of `"fields"` is not a field number.
    InvalidFieldNumber,
    /// A key of a field's object is not a subfield id of the field's layout.
    InvalidSubfield,
    /// A field's value is neither a string nor an object.
    NotAStringOrObject,
    /// A subfield's value is not a string (or, in BER-TLV data, an object of tags).
    SubfieldNotAString,
    /// The value is card data in its masked form (`424242******4242`, `[HIDDEN]`): the
    /// message was decoded masked, and only a message decoded in clear text can be read
    /// back. `encode` is the error the masked text also gives as a value of its field, if
    /// any.
    Masked {
        /// What the field's encoder says of the masked text, when it refuses it too.
        encode: Option<EncodeErrorKind>,
    },
    /// The value does not fit its field (see [`EncodeErrorKind`]).
    Encode(EncodeErrorKind),
}

impl JsonErrorKind {
    /// A stable snake-case name for the kind, as in the JSON error line.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "invalid_json",
            Self::NotAnObject | Self::HeaderNotAString | Self::NoFields => "invalid_message",
            Self::ErrorLine | Self::InvalidMti => "invalid_mti",
            Self::InvalidHeaderHex(_) => "invalid_hex",
            Self::InvalidFieldNumber => "invalid_field_number",
            Self::InvalidSubfield => "invalid_subfield",
            Self::NotAStringOrObject | Self::SubfieldNotAString => "invalid_value",
            Self::Masked { .. } => "masked_value",
            Self::Encode(kind) => kind.name(),
        }
    }
}

impl fmt::Display for JsonErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { column, eof, .. } => {
                let what = if *eof {
                    "unexpected end"
                } else {
                    "syntax error"
                };
                write!(f, "not JSON: {what} at column {column}")
            }
            Self::NotAnObject => f.write_str("not a JSON object"),
            Self::ErrorLine => f.write_str("an error line, not a message"),
            Self::InvalidMti => f.write_str("\"mti\" is missing or not four digits"),
            Self::HeaderNotAString => f.write_str("\"header\" is not a string"),
            Self::InvalidHeaderHex(e) => e.fmt(f),
            Self::NoFields => f.write_str("no \"fields\" object"),
            Self::InvalidFieldNumber => f.write_str("a key of \"fields\" is not a field number"),
            Self::InvalidSubfield => {
                f.write_str("a subfield key is not an id of the field's layout")
            }
            Self::NotAStringOrObject => f.write_str("the value is not a JSON string or object"),
            Self::SubfieldNotAString => f.write_str("a subfield value is not a JSON string"),
            Self::Masked { .. } => f.write_str(
                "the value is masked card data: decode the message in clear text to read it back",
            ),
            Self::Encode(kind) => kind.fmt(f),
        }
    }
}

/// A message's JSON form could not be read: the kind, the element it is about (none for the
/// input as a whole), and where in the JSON, as a JSON Pointer (`/fields/35/pan`). It never
/// holds a value of the input, which may be card data; the path is made only of keys that
/// were recognised (a field number, a subfield id), so an unknown key is not repeated either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    kind: JsonErrorKind,
    element: Option<Element>,
    path: String,
}

impl JsonError {
    /// An error of `kind` about `element` at JSON Pointer `path`.
    pub(crate) fn new(kind: JsonErrorKind, element: Option<Element>, path: &str) -> Self {
        Self {
            kind,
            element,
            path: path.to_owned(),
        }
    }

    /// The error an encoder gave for the value at `path`.
    pub(crate) fn encode(e: EncodeError, path: &str) -> Self {
        Self::new(JsonErrorKind::Encode(e.kind()), Some(e.element()), path)
    }

    /// What was wrong.
    #[must_use]
    pub const fn kind(&self) -> JsonErrorKind {
        self.kind
    }

    /// The element the error is about: a data element (`DE2`), a subfield (`DE35.pan`), the
    /// MTI or the header; `None` for the input as a whole.
    #[must_use]
    pub const fn element(&self) -> Option<Element> {
        self.element
    }

    /// The field number when the error is about a data element or one of its subfields.
    #[must_use]
    pub const fn field(&self) -> Option<u16> {
        match self.element {
            Some(Element::Field(n) | Element::Subfield { field: n, .. }) => Some(n),
            _ => None,
        }
    }

    /// Where in the JSON, as a JSON Pointer (RFC 6901): `""` for the whole text, `/mti`,
    /// `/fields`, `/fields/2`, `/fields/55/9F02`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.element, self.path.as_str()) {
            (Some(element), "") => write!(f, "{element}: {}", self.kind),
            (Some(element), path) => write!(f, "{element} at {path}: {}", self.kind),
            (None, "") => self.kind.fmt(f),
            (None, path) => write!(f, "at {path}: {}", self.kind),
        }
    }
}

impl core::error::Error for JsonError {}
