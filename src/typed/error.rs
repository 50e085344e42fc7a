//! [`TypedError`]: why a message could not be read into a type, or a value written into a
//! message, naming the element, the subfield path and the struct member, never the value.

use super::keys::key_number;
use crate::composite::FieldId;
use crate::error::{DecodeError, Element, EncodeErrorKind};
use crate::spec::ContentClass;
use core::fmt;

/// How deep a subfield path is kept (DE55, a constructed tag, a tag inside it, …); deeper
/// parts are left out of the error.
const DEPTH: usize = 4;

/// What went wrong between a message and a typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypedErrorKind {
    /// The type needs a member the message does not have (make it an `Option` to accept its
    /// absence).
    Missing,
    /// The type asks for a value the field's class cannot give: an integer of a field that is
    /// not `n`, for example.
    WrongType {
        /// What the type asked for (`"an integer"`).
        wanted: &'static str,
        /// The field's class.
        class: ContentClass,
    },
    /// The field's digits do not make a number of the type asked for.
    NumberOutOfRange {
        /// The type asked for (`"u8"`, `"i64"`, …).
        wanted: &'static str,
    },
    /// A borrowed `&str` or `&[u8]` was asked of a field whose value is not in the input as it
    /// is (BCD, EBCDIC or hex on the wire): read it as `String` or `Vec<u8>`.
    NotBorrowable,
    /// A struct or map was asked of a field without subfields.
    NoSubfields,
    /// The value given for the field is its masked form (`424242******4242`), not the clear
    /// value: masked output cannot be sent back as a message.
    Masked,
    /// A key names neither a data element of the spec, a subfield of the field's layout, nor
    /// `mti` or `header`.
    UnknownKey,
    /// The value names no message type: a message is built from a member renamed `mti`
    /// holding four digits.
    NoMti,
    /// The header given is not hex text or bytes.
    InvalidHeader,
    /// The value does not fit the field (the encoder's reason).
    Encode(EncodeErrorKind),
    /// The field's subfields are malformed (the decoder's error, offset absolute in the input).
    Decode(DecodeError),
    /// The type asked for, or gave, a kind of value no field holds (a float, a bool, a list).
    Unsupported {
        /// What was asked for or given.
        what: &'static str,
    },
    /// A value's type refused it (serde's "invalid type/value/length"): what it got, in
    /// words, and what it expected. The value itself is never shown.
    Unexpected {
        /// The kind of value it got (`"a string"`, `"an integer"`).
        got: &'static str,
        /// What the type expected, as it says.
        expected: String,
    },
    /// A value's own check refused it, with the type's message (withheld when it might hold
    /// the value, or the field is card data).
    Rejected {
        /// The type's message.
        message: String,
    },
}

impl fmt::Display for TypedErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("missing from the message"),
            Self::WrongType { wanted, class } => {
                write!(f, "{wanted} was asked of a field of class {}", class.name())
            }
            Self::NumberOutOfRange { wanted } => write!(f, "the digits do not fit a {wanted}"),
            Self::NotBorrowable => f.write_str(
                "the value is not in the input as it is (BCD, EBCDIC or hex), so it cannot be \
                 borrowed: read it as String or Vec<u8>",
            ),
            Self::NoSubfields => f.write_str("a struct was asked of a field without subfields"),
            Self::Masked => {
                f.write_str("the value is masked (as output shows card data), not the clear value")
            }
            Self::UnknownKey => f.write_str(
                "the key names no data element of the spec, no subfield of the layout, \
                 nor mti or header",
            ),
            Self::NoMti => f.write_str("no message type: name a member `mti` with four digits"),
            Self::InvalidHeader => f.write_str("the header is not hex text or bytes"),
            Self::Encode(kind) => write!(f, "{kind}"),
            Self::Decode(e) => write!(f, "{e}"),
            Self::Unsupported { what } => write!(f, "{what} is not supported"),
            Self::Unexpected { got, expected } => write!(f, "got {got}, expected {expected}"),
            Self::Rejected { message } => write!(f, "rejected: {message}"),
        }
    }
}

/// Why a message could not be read into a type ([`super::from_view`]) or a value written into
/// a message ([`super::to_message`]): the kind, the element and subfield path (`DE55.9F02`),
/// the struct and member when known. Never a copy of the value, which may be card data.
///
/// The member is known by its serde name, which for a field is its element number or
/// subfield id (`#[serde(rename = "2")]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedError {
    /// Boxed, so that the `Result` of every step of reading a message stays small: the
    /// success path moves a pointer's width of error, and only a failure allocates.
    inner: Box<Details>,
}

/// What a [`TypedError`] knows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Details {
    kind: TypedErrorKind,
    element: Option<Element>,
    /// The subfield path inside `element`, outermost first.
    subs: [Option<FieldId>; DEPTH],
    in_struct: Option<&'static str>,
    member: Option<&'static str>,
    /// Whether `member` names `element` itself (a member of the outermost struct).
    member_is_element: bool,
}

impl TypedError {
    /// An error of `kind`, about no element yet.
    #[must_use]
    #[cold]
    pub(crate) fn new(kind: TypedErrorKind) -> Self {
        Self {
            inner: Box::new(Details {
                kind,
                element: None,
                subs: [None; DEPTH],
                in_struct: None,
                member: None,
                member_is_element: false,
            }),
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &TypedErrorKind {
        &self.inner.kind
    }

    /// The message element the error is about: a data element, its innermost known subfield,
    /// the MTI or the header; `None` when it is about the value as a whole.
    #[must_use]
    pub fn element(&self) -> Option<Element> {
        match (
            self.inner.element,
            self.inner.subs.iter().rev().flatten().next(),
        ) {
            (Some(Element::Field(field)), Some(&sub)) => Some(Element::Subfield { field, sub }),
            (element, _) => element,
        }
    }

    /// The data element's number, when the error is about one or its subfields.
    #[must_use]
    pub fn field(&self) -> Option<u16> {
        match self.inner.element {
            Some(Element::Field(n)) => Some(n),
            _ => None,
        }
    }

    /// The subfield path inside the data element, outermost first (empty for the element
    /// itself).
    pub fn subfield_path(&self) -> impl Iterator<Item = FieldId> + '_ {
        self.inner.subs.iter().flatten().copied()
    }

    /// The name of the innermost struct being read or written, when known.
    #[must_use]
    pub fn in_struct(&self) -> Option<&'static str> {
        self.inner.in_struct
    }

    /// The struct member by its serde name (`"2"`, `"9F02"`), when known: for
    /// [`TypedErrorKind::Missing`], the member the message lacks.
    #[must_use]
    pub fn member(&self) -> Option<&'static str> {
        self.inner.member
    }

    /// The same error, about data element `n` unless it is already about an element.
    #[must_use]
    pub(crate) fn at_field(self, n: u16) -> Self {
        self.at(Element::Field(n))
    }

    /// The same error, about `element` unless it is already about one.
    #[must_use]
    pub(crate) fn at(mut self, element: Element) -> Self {
        if self.inner.element.is_none() {
            self.inner.element = Some(element);
        }
        self
    }

    /// The same error, inside subfield `id` (the path grows outwards, as the error leaves
    /// nested readers), unless it is already about an element.
    #[must_use]
    pub(crate) fn in_sub(mut self, id: FieldId) -> Self {
        if self.inner.element.is_none() && self.inner.subs.iter().all(Option::is_some) {
            return self;
        }
        if self.inner.element.is_none() {
            self.inner.subs.rotate_right(1);
            if let Some(first) = self.inner.subs.first_mut() {
                *first = Some(id);
            }
        }
        self
    }

    /// The same error, in struct `name` unless an inner struct is already named.
    #[must_use]
    pub(crate) fn in_struct_named(mut self, name: &'static str) -> Self {
        if self.inner.in_struct.is_none() {
            self.inner.in_struct = Some(name);
        }
        self
    }

    /// The same error, about member `name` unless one is already named.
    #[must_use]
    pub(crate) fn of_member(mut self, name: &'static str) -> Self {
        if self.inner.member.is_none() {
            self.inner.member = Some(name);
        }
        self
    }

    /// At the top: a missing member of the outermost struct is the data element it names.
    #[must_use]
    pub(crate) fn finish(mut self) -> Self {
        if self.inner.element.is_none() && self.inner.subs.iter().all(Option::is_none) {
            let element = match self.inner.member {
                Some("mti") => Some(Element::Mti),
                Some("header") => Some(Element::Header),
                Some(m) => key_number(m).map(Element::Field),
                None => None,
            };
            if element.is_some() {
                self.inner.element = element;
                self.inner.member_is_element = true;
            }
        }
        self
    }

    /// Withholds a value type's own message when it may hold the value: when the field is
    /// card data, or the message contains the value's text.
    #[must_use]
    pub(crate) fn scrubbed(mut self, card_data: bool, text: impl FnOnce() -> String) -> Self {
        if let TypedErrorKind::Rejected { message } = &mut self.inner.kind {
            let text = if card_data { String::new() } else { text() };
            if card_data || (!text.is_empty() && message.contains(text.as_str())) {
                *message = WITHHELD.to_owned();
            }
        }
        self
    }
}

/// What a withheld message reads.
const WITHHELD: &str =
    "the value's type refused it (its message is withheld: it may hold the value)";

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.element {
            Some(element) => write!(f, "{element}")?,
            None => f.write_str("message")?,
        }
        for sub in self.subfield_path() {
            write!(f, ".{sub}")?;
        }
        // A missing member of a nested struct is a subfield of the element.
        if self.inner.kind == TypedErrorKind::Missing && !self.inner.member_is_element {
            if let Some(member) = self.inner.member {
                write!(f, ".{member}")?;
            }
        }
        write!(f, ": {}", self.inner.kind)?;
        match (self.inner.in_struct, self.inner.member) {
            (Some(s), Some(m)) => write!(f, " (struct {s}, member \"{m}\")"),
            (Some(s), None) => write!(f, " (struct {s})"),
            (None, Some(m)) => write!(f, " (member \"{m}\")"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for TypedError {}

impl From<DecodeError> for TypedError {
    fn from(e: DecodeError) -> Self {
        Self::new(TypedErrorKind::Decode(e))
    }
}

impl From<crate::error::EncodeError> for TypedError {
    fn from(e: crate::error::EncodeError) -> Self {
        let error = Self::new(TypedErrorKind::Encode(e.kind()));
        match e.element() {
            Element::Subfield { field, sub } => error.in_sub(sub).at_field(field),
            element => error.at(element),
        }
    }
}

/// The kind of value serde says a type got, in words, without the value.
fn unexpected_kind(unexp: &serde::de::Unexpected<'_>) -> &'static str {
    use serde::de::Unexpected as U;
    match unexp {
        U::Bool(_) => "a boolean",
        U::Unsigned(_) | U::Signed(_) => "an integer",
        U::Float(_) => "a float",
        U::Char(_) => "a character",
        U::Str(_) => "a string",
        U::Bytes(_) => "bytes",
        U::Unit | U::UnitVariant => "nothing",
        U::Option => "an option",
        U::NewtypeStruct | U::NewtypeVariant => "a wrapped value",
        U::Seq => "a list",
        U::Map => "a map",
        U::TupleVariant | U::StructVariant | U::Enum => "an enum",
        U::Other(_) => "another value",
    }
}

impl serde::de::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(TypedErrorKind::Rejected {
            message: msg.to_string(),
        })
    }

    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        let expected = exp.to_string();
        // serde's `&str` and `&[u8]` say "a borrowed string" / "a borrowed byte array" when
        // given text that is not in the input.
        if matches!(
            unexp,
            serde::de::Unexpected::Str(_) | serde::de::Unexpected::Bytes(_)
        ) && expected.contains("borrowed")
        {
            return Self::new(TypedErrorKind::NotBorrowable);
        }
        Self::new(TypedErrorKind::Unexpected {
            got: unexpected_kind(&unexp),
            expected,
        })
    }

    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Self::new(TypedErrorKind::Unexpected {
            got: unexpected_kind(&unexp),
            expected: exp.to_string(),
        })
    }

    fn invalid_length(_len: usize, exp: &dyn serde::de::Expected) -> Self {
        Self::new(TypedErrorKind::Unexpected {
            got: "a value of another length",
            expected: exp.to_string(),
        })
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        Self::new(TypedErrorKind::Unexpected {
            got: "an unknown variant",
            expected: format!("one of {}", expected.join(", ")),
        })
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Self::new(TypedErrorKind::UnknownKey)
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(TypedErrorKind::Missing).of_member(field)
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::new(TypedErrorKind::Unexpected {
            got: "a member twice",
            expected: "each member once".to_owned(),
        })
        .of_member(field)
    }
}

impl serde::ser::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(TypedErrorKind::Rejected {
            message: msg.to_string(),
        })
    }
}
