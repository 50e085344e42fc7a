//! The decoder's compact form of a field's format, worked out once when a spec is built.

use super::{ContentClass, Encoding, FieldSpec, PrefixCounts, PrefixEncoding};

/// How the decoder reads a field: a fast path for the common ASCII and binary forms, or the
/// general reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The spec does not define the field.
    #[default]
    Undefined,
    /// Fixed length, one wire byte a unit, checked as `check` says.
    Fixed { wire: u32, check: Check },
    /// ASCII decimal length prefix of `width` digits counting wire bytes (one a unit), then
    /// content checked as `check` says.
    AsciiPrefixed {
        width: u8,
        min: u32,
        max: u32,
        check: Check,
    },
    /// Anything else: the general reader.
    General,
}

/// The content check of a fast-path field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any byte (binary).
    Any,
    /// ASCII digits.
    Digits,
    /// Printable ASCII (`ans`).
    Printable,
    /// ASCII text of another class (not `xn`), by table.
    Table(ContentClass),
}

impl Plan {
    /// The plan of a field.
    pub(crate) fn of(fs: &FieldSpec) -> Self {
        let check = match (fs.encoding, fs.class) {
            (Encoding::Binary, _) => Check::Any,
            (Encoding::Ascii, ContentClass::Xn) => return Self::General,
            (Encoding::Ascii, ContentClass::N) => Check::Digits,
            (Encoding::Ascii, ContentClass::Ans) => Check::Printable,
            (Encoding::Ascii, class) => Check::Table(class),
            _ => return Self::General,
        };
        match fs.prefix {
            None => Self::Fixed {
                wire: fs.length,
                check,
            },
            Some(p)
                if p.encoding == PrefixEncoding::Ascii
                    && matches!(p.counts, PrefixCounts::Units | PrefixCounts::Bytes)
                    && (1..=6).contains(&p.width) =>
            {
                Self::AsciiPrefixed {
                    width: p.width,
                    min: fs.min_length,
                    max: fs.length,
                    check,
                }
            }
            Some(_) => Self::General,
        }
    }
}
