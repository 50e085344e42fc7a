//! The encoder's compact form of a field's format, worked out once when a spec is built.

use crate::spec::field::{Encoding, FieldSpec, PrefixCounts, PrefixEncoding};

/// How the encoder writes a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct EncodePlan {
    /// The length of a fixed field of ASCII, EBCDIC or binary content (one wire byte a unit,
    /// so the value takes this many bytes): the fast path, tested first. 0 for any other
    /// field (a fixed field is at least 1 long).
    pub(crate) fixed_len: u32,
    /// How a field with no `fixed_len` is written.
    pub(crate) other: OtherPlan,
}

/// How the encoder writes a field that is not a fixed one-byte-a-unit field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum OtherPlan {
    /// The spec does not define the field.
    #[default]
    Undefined,
    /// ASCII, EBCDIC or binary content of `min..=max` units, one wire byte a unit, after an
    /// ASCII decimal prefix of `width` digits (1–6) counting units or bytes, which are the
    /// same number here.
    AsciiPrefixed { width: u8, min: u32, max: u32 },
    /// Anything else (and the fixed fields of `fixed_len`): the general writer.
    General,
}

impl EncodePlan {
    /// The plan of a field.
    pub(crate) fn of(fs: &FieldSpec) -> Self {
        let general = Self {
            fixed_len: 0,
            other: OtherPlan::General,
        };
        // The encodings whose `FieldSpec::wire_len` is the identity for every class.
        if !matches!(
            fs.encoding,
            Encoding::Ascii | Encoding::Ebcdic | Encoding::Binary
        ) {
            return general;
        }
        match fs.prefix {
            None => Self {
                fixed_len: fs.length,
                ..general
            },
            Some(p)
                if p.encoding == PrefixEncoding::Ascii
                    && matches!(p.counts, PrefixCounts::Units | PrefixCounts::Bytes)
                    && (1..=6).contains(&p.width) =>
            {
                Self {
                    fixed_len: 0,
                    other: OtherPlan::AsciiPrefixed {
                        width: p.width,
                        min: fs.min_length,
                        max: fs.length,
                    },
                }
            }
            Some(_) => general,
        }
    }
}
