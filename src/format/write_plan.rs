//! The encoder's compact form of a field's format, worked out once when a spec is built.

use crate::spec::field::{Encoding, FieldSpec, PrefixCounts, PrefixEncoding};

/// How the encoder writes a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum EncodePlan {
    /// The spec does not define the field.
    #[default]
    Undefined,
    /// A fixed field of ASCII, EBCDIC or binary content: the value alone, `len` wire bytes,
    /// one a unit.
    Fixed { len: u32 },
    /// ASCII, EBCDIC or binary content of `min..=max` units, one wire byte a unit, after an
    /// ASCII decimal prefix of `digits` digits (1–6) counting units or bytes, which are the
    /// same number here.
    AsciiPrefixed { digits: u8, min: u32, max: u32 },
    /// Anything else: the general writer, by the field's spec.
    General,
}

impl EncodePlan {
    /// The plan of a field.
    pub(crate) fn of(fs: &FieldSpec) -> Self {
        // The encodings whose `FieldSpec::wire_len` is the identity for every class.
        if !matches!(
            fs.encoding,
            Encoding::Ascii | Encoding::Ebcdic | Encoding::Binary
        ) {
            return Self::General;
        }
        match fs.prefix {
            None => Self::Fixed { len: fs.length },
            Some(p)
                if p.encoding == PrefixEncoding::Ascii
                    && matches!(p.counts, PrefixCounts::Units | PrefixCounts::Bytes)
                    && (1..=6).contains(&p.width) =>
            {
                Self::AsciiPrefixed {
                    digits: p.width,
                    min: fs.min_length,
                    max: fs.length,
                }
            }
            Some(_) => Self::General,
        }
    }
}
