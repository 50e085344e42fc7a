//! Error values of decoding, encoding and spec loading.
//!
//! Every error is a small `Copy` value: what went wrong, where (the message element and the
//! absolute byte offset), and never a copy of the bytes, which may be card data.

use core::fmt;

mod validation;

pub use validation::{RuleViolation, RuleViolationKind, StrictEncodeError, ValidationError};

/// The part of a message an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Element {
    /// The fixed-length header before the MTI.
    Header,
    /// The message type indicator.
    Mti,
    /// A bitmap: 1 primary, 2 secondary, 3 tertiary.
    Bitmap(u8),
    /// A data element, by its number (2–192).
    Field(u16),
    /// A subfield of a data element (the innermost one, for nested subfields).
    Subfield {
        /// The data element's number.
        field: u16,
        /// The subfield within it.
        sub: crate::field_id::FieldId,
    },
    /// A path given to look a subfield up (`"55.9F02"`) that is not well formed.
    Path,
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header => f.write_str("header"),
            Self::Mti => f.write_str("MTI"),
            Self::Bitmap(1) => f.write_str("primary bitmap"),
            Self::Bitmap(2) => f.write_str("secondary bitmap"),
            Self::Bitmap(_) => f.write_str("tertiary bitmap"),
            Self::Field(n) => write!(f, "DE{n}"),
            Self::Subfield { field, sub } => write!(f, "DE{field}.{sub}"),
            Self::Path => f.write_str("path"),
        }
    }
}

/// What went wrong while decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends before the element does.
    Truncated {
        /// Bytes the element needs from its offset.
        needed: usize,
        /// Bytes left in the input at that offset.
        available: usize,
    },
    /// A length prefix holds something that is not a number in its encoding.
    InvalidLengthPrefix,
    /// A length (from a prefix) is outside what the field allows.
    LengthOutOfRange {
        /// The length read, in the field's length unit.
        len: usize,
        /// The smallest length the field allows.
        min: usize,
        /// The largest length the field allows.
        max: usize,
    },
    /// A byte of the content breaks the field's content class or encoding.
    InvalidContent {
        /// The content class that was broken, e.g. `"n"` or `"ans"`.
        class: &'static str,
    },
    /// The MTI is not four decimal digits.
    InvalidMti,
    /// A bitmap is not valid hex (for hex-encoded bitmaps).
    InvalidBitmap,
    /// The bitmap announces a field that the spec does not define.
    FieldNotInSpec,
    /// Bytes are left over after the last field.
    TrailingBytes {
        /// How many bytes are left over.
        count: usize,
    },
    /// A BER-TLV tag or length is malformed (a tag of more than 4 bytes, an indefinite or
    /// over-long length).
    InvalidTlv,
    /// A subfield path does not name a subfield the field's layout can hold.
    InvalidPath,
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed, available } => {
                write!(f, "needs {} but ", Count(*needed, "byte"))?;
                match available {
                    0 => f.write_str("the input ends here"),
                    1 => f.write_str("only 1 is left"),
                    n => write!(f, "only {n} are left"),
                }
            }
            Self::InvalidLengthPrefix => f.write_str("the length prefix is not a number"),
            Self::LengthOutOfRange { len, min, max } => write_length(f, *len, *min, *max),
            Self::InvalidContent { class } => write_content_fault(f, class),
            Self::InvalidMti => f.write_str("the MTI is not four decimal digits"),
            Self::InvalidBitmap => f.write_str("the bitmap is not valid hex"),
            Self::FieldNotInSpec => {
                f.write_str("the bitmap announces this field but the spec does not define it")
            }
            Self::TrailingBytes { count } => {
                write!(f, "{} after the last field", Count(*count, "trailing byte"))
            }
            Self::InvalidTlv => f.write_str("a BER-TLV tag or length is malformed"),
            Self::InvalidPath => f.write_str("the path names no subfield this field can hold"),
        }
    }
}

/// `1 byte`, `2 bytes`: a count and a noun that takes an `s` in the plural.
struct Count(usize, &'static str);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(n, noun) = *self;
        write!(f, "{n} {noun}{}", if n == 1 { "" } else { "s" })
    }
}

/// A length outside what a field allows, said against the bound it breaks.
fn write_length(f: &mut fmt::Formatter<'_>, len: usize, min: usize, max: usize) -> fmt::Result {
    if len > max {
        write!(f, "length {len} is above the maximum of {max}")
    } else if len < min {
        write!(f, "length {len} is below the minimum of {min}")
    } else {
        write!(f, "length {len} is outside {min} to {max}")
    }
}

/// A byte that breaks a content class, in the words that strict errors and lenient
/// violations share: `holds a character that class n does not allow (digits only)`.
pub(crate) fn write_content_fault(f: &mut fmt::Formatter<'_>, class: &str) -> fmt::Result {
    write!(f, "holds a character that class {class} does not allow")?;
    write_class_rule(f, class)
}

/// An `x+n` amount without its sign, worded as [`write_content_fault`] words a class fault:
/// `holds no C or D sign, which class xn requires (a C or D sign, then digits)`.
pub(crate) fn write_missing_sign(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("holds no C or D sign, which class xn requires")?;
    write_class_rule(f, "xn")
}

/// What a content class allows, in words, after the class's name.
fn write_class_rule(f: &mut fmt::Formatter<'_>, class: &str) -> fmt::Result {
    let rule = match class {
        "n" => "digits only",
        "a" => "letters and spaces",
        "an" => "letters, digits and spaces",
        "ans" => "printable characters",
        "b" => "hex digits",
        "z" => "track data: digits and a separator",
        "xn" => "a C or D sign, then digits",
        _ => return Ok(()),
    };
    write!(f, " ({rule})")
}

impl DecodeErrorKind {
    /// A stable snake-case name for the kind, as used in JSON output.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Truncated { .. } => "truncated",
            Self::InvalidLengthPrefix => "invalid_length_prefix",
            Self::LengthOutOfRange { .. } => "length_out_of_range",
            Self::InvalidContent { .. } => "invalid_content",
            Self::InvalidMti => "invalid_mti",
            Self::InvalidBitmap => "invalid_bitmap",
            Self::FieldNotInSpec => "field_not_in_spec",
            Self::TrailingBytes { .. } => "trailing_bytes",
            Self::InvalidTlv => "invalid_tlv",
            Self::InvalidPath => "invalid_path",
        }
    }
}

/// A decoding failure: its kind, the element, and the absolute byte offset in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{element} at byte {offset}: {kind}")]
pub struct DecodeError {
    kind: DecodeErrorKind,
    element: Element,
    offset: usize,
}

impl DecodeError {
    /// Makes an error of `kind` about `element` at the absolute byte `offset`.
    #[must_use]
    pub const fn new(kind: DecodeErrorKind, element: Element, offset: usize) -> Self {
        Self {
            kind,
            element,
            offset,
        }
    }

    /// What went wrong.
    #[must_use]
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The element the error is about.
    #[must_use]
    pub const fn element(&self) -> Element {
        self.element
    }

    /// The field number when the error is about a data element or one of its subfields.
    #[must_use]
    pub const fn field(&self) -> Option<u16> {
        match self.element {
            Element::Field(n) | Element::Subfield { field: n, .. } => Some(n),
            _ => None,
        }
    }

    /// The absolute byte offset in the input where the problem was found.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The same error with its offset moved by `base`: for decoders of nested data whose
    /// offsets are relative to the start of the parent.
    #[must_use]
    pub const fn shifted(self, base: usize) -> Self {
        Self {
            offset: self.offset.saturating_add(base),
            ..self
        }
    }

    /// The ISO 8583:1987 response code a host sends back for a message it cannot decode:
    /// `30`, format error.
    #[must_use]
    pub const fn response_code(&self) -> &'static str {
        "30"
    }
}

/// What went wrong while building or encoding a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// The spec does not define the field.
    FieldNotInSpec,
    /// The value's length is outside what the field allows.
    LengthOutOfRange {
        /// The value's length, in the field's length unit.
        len: usize,
        /// The smallest length the field allows.
        min: usize,
        /// The largest length the field allows.
        max: usize,
    },
    /// A character of the value breaks the field's content class or encoding.
    InvalidContent {
        /// The content class that was broken.
        class: &'static str,
        /// The position of the first offending character in the value.
        position: usize,
    },
    /// The MTI is not four decimal digits.
    InvalidMti,
    /// The header does not have the length the spec declares.
    HeaderLength {
        /// The length the spec declares.
        expected: usize,
        /// The length of the header given.
        actual: usize,
    },
    /// The message holds a field above 128 but the spec has no tertiary bitmap.
    NoTertiaryBitmap,
    /// A reversal was asked for a message that cannot be reversed: one that is not a request
    /// (a response, an acknowledgement, a reserved function), or a message of class 4 (itself
    /// a reversal, or a chargeback).
    NotReversible {
        /// The MTI of the message given.
        mti: crate::mti::Mti,
    },
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldNotInSpec => f.write_str("the spec does not define this field"),
            Self::LengthOutOfRange { len, min, max } => write_length(f, *len, *min, *max),
            Self::InvalidContent {
                class: "subfield",
                position,
            } => write!(
                f,
                "the subfield's layout cannot write the character at position {position}"
            ),
            Self::InvalidContent { class, position } => {
                write!(
                    f,
                    "the character at position {position} is not allowed in class {class}"
                )?;
                write_class_rule(f, class)
            }
            Self::InvalidMti => f.write_str("the MTI is not four decimal digits"),
            Self::HeaderLength { expected, actual } => {
                write!(
                    f,
                    "the header is {} but the spec declares {}",
                    Count(*actual, "byte"),
                    Count(*expected, "byte")
                )
            }
            Self::NoTertiaryBitmap => {
                f.write_str("fields above 128 need a spec with a tertiary bitmap")
            }
            Self::NotReversible { mti } => {
                write!(f, "a {mti} is not a request that can be reversed")
            }
        }
    }
}

impl EncodeErrorKind {
    /// A stable snake-case name for the kind, as used in JSON output.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::FieldNotInSpec => "field_not_in_spec",
            Self::LengthOutOfRange { .. } => "length_out_of_range",
            Self::InvalidContent { .. } => "invalid_content",
            Self::InvalidMti => "invalid_mti",
            Self::HeaderLength { .. } => "header_length",
            Self::NoTertiaryBitmap => "no_tertiary_bitmap",
            Self::NotReversible { .. } => "not_reversible",
        }
    }
}

/// A failure to set a field or to encode a message: its kind and the element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{element}: {kind}")]
pub struct EncodeError {
    kind: EncodeErrorKind,
    element: Element,
}

impl EncodeError {
    /// Makes an error of `kind` about `element`.
    #[must_use]
    pub const fn new(kind: EncodeErrorKind, element: Element) -> Self {
        Self { kind, element }
    }

    /// What went wrong.
    #[must_use]
    pub const fn kind(&self) -> EncodeErrorKind {
        self.kind
    }

    /// The element the error is about.
    #[must_use]
    pub const fn element(&self) -> Element {
        self.element
    }

    /// The field number when the error is about a data element.
    #[must_use]
    pub const fn field(&self) -> Option<u16> {
        match self.element {
            Element::Field(n) => Some(n),
            _ => None,
        }
    }
}

/// A problem in a spec file or a spec built in code.
///
/// It names the field (or the message type's rule table) the problem is in, when it is in one,
/// says what is wrong, and, for a spec read from text (TOML or jPOS XML), where: the line and
/// column and the text of that line ([`SpecError::location`]). Its `Display` is one line, or,
/// with a location, that line followed by the offending line of the file and a caret under the
/// column:
///
/// ```text
/// line 3, column 6: invalid string
///     3 | name = "t
///       |        ^
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SpecError {
    mti: Option<crate::mti::Mti>,
    field: Option<u16>,
    message: String,
    location: Option<SourceLocation>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = self.mti {
            write!(f, "messages.\"{m}\": ")?;
        }
        if let Some(n) = self.field {
            write!(f, "field {n}: ")?;
        }
        match &self.location {
            None => f.write_str(&self.message),
            Some(at) => {
                write!(f, "{at}: {}", self.message)?;
                at.write_excerpt(f)
            }
        }
    }
}

impl SpecError {
    /// Makes an error about `field` (or the spec as a whole when `None`).
    #[must_use]
    pub fn new(field: Option<u16>, message: impl Into<String>) -> Self {
        Self {
            mti: None,
            field,
            message: message.into(),
            location: None,
        }
    }

    /// The same error placed at byte `offset` of `source`, the text the spec was read from,
    /// unless it already has a place (the innermost place found is the most precise one).
    #[must_use]
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        if self.location.is_some() {
            return self;
        }
        Self {
            location: Some(SourceLocation::of_offset(source, offset)),
            ..self
        }
    }

    /// The same error, about the message rules of message type `mti` (the spec file's
    /// `[messages."MTI"]` table).
    #[must_use]
    pub fn in_rules_of(mut self, mti: crate::mti::Mti) -> Self {
        self.mti = Some(mti);
        self
    }

    /// The message type whose rules the problem is in, if it is in a rule table.
    #[must_use]
    pub const fn mti(&self) -> Option<crate::mti::Mti> {
        self.mti
    }

    /// The field the problem is in, if it is in one.
    #[must_use]
    pub const fn field(&self) -> Option<u16> {
        self.field
    }

    /// What is wrong, in words.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where in the spec file's text the problem is, when the spec was read from text and the
    /// place is known.
    #[must_use]
    pub const fn location(&self) -> Option<&SourceLocation> {
        self.location.as_ref()
    }
}

/// A place in a spec file's text: the line and column (both from 1; the column counts
/// characters) and the text of that line, shown under the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLocation {
    line: usize,
    column: usize,
    text: String,
}

impl SourceLocation {
    /// The most characters of the offending line kept for display.
    const MAX_TEXT: usize = 200;

    /// The place of byte `offset` in `source` (clamped to its end; an offset inside a
    /// character counts as that character).
    #[must_use]
    pub fn of_offset(source: &str, offset: usize) -> Self {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let (before, after) = source.split_at(offset);
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let (_, head) = before.split_at(start);
        let tail = after.split('\n').next().unwrap_or("");
        let column = head.chars().count() + 1;
        let text: String = head
            .chars()
            .chain(tail.chars())
            .take(Self::MAX_TEXT)
            .collect();
        Self {
            line,
            column,
            text: text.trim_end_matches('\r').to_owned(),
        }
    }

    /// The line number, from 1.
    #[must_use]
    pub const fn line(&self) -> usize {
        self.line
    }

    /// The column, from 1, in characters.
    #[must_use]
    pub const fn column(&self) -> usize {
        self.column
    }

    /// The text of the line (without its line ending; at most 200 characters).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Writes the line under the error, numbered, and a caret under the column.
    fn write_excerpt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        write!(f, "\n    {number} | {}\n    {gutter} | ", self.text)?;
        // Tabs are kept so that the caret lines up under the character in any terminal.
        for c in self.text.chars().take(self.column.saturating_sub(1)) {
            f.write_str(if c == '\t' { "\t" } else { " " })?;
        }
        f.write_str("^")
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Parsing an MTI from its four digits; kept here so that [`Mti`](crate::mti::Mti) needs
/// nothing from this module.
impl core::str::FromStr for crate::mti::Mti {
    type Err = EncodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_text(s).ok_or(EncodeError::new(EncodeErrorKind::InvalidMti, Element::Mti))
    }
}
