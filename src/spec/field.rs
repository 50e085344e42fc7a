//! The format of one data element: independent settings for content, encoding, length, prefix,
//! padding and masking.

use super::composite::Composite;
use serde::{Deserialize, Serialize};

/// What characters a field may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentClass {
    /// Decimal digits.
    N,
    /// Letters (and space).
    A,
    /// Letters, digits (and space).
    An,
    /// Letters, digits, space and printable special characters.
    Ans,
    /// Binary data.
    B,
    /// Track data: digits and the `=`/`D` separator.
    Z,
    /// An amount: a `C` (credit) or `D` (debit) sign followed by digits; the length counts the sign.
    Xn,
}

impl ContentClass {
    /// The class's name as written in specs: `n`, `a`, `an`, `ans`, `b`, `z`, `xn`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::N => "n",
            Self::A => "a",
            Self::An => "an",
            Self::Ans => "ans",
            Self::B => "b",
            Self::Z => "z",
            Self::Xn => "xn",
        }
    }
}

/// How a field's content is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// One ASCII byte per character.
    Ascii,
    /// One EBCDIC (code page 037) byte per character.
    Ebcdic,
    /// Two digits (nibbles) per byte; an odd count gets a filler nibble (see [`BcdPad`]).
    /// For class `xn` the sign is one ASCII byte before the digits; for class `b` the nibbles
    /// are hex digits.
    Bcd,
    /// Raw bytes (class `b` only).
    Binary,
    /// Each byte as two ASCII hex characters (class `b` only).
    AsciiHex,
    /// Each byte as two EBCDIC hex characters (class `b` only).
    EbcdicHex,
}

impl Encoding {
    /// The encoding's name as written in specs.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ascii => "ascii",
            Self::Ebcdic => "ebcdic",
            Self::Bcd => "bcd",
            Self::Binary => "binary",
            Self::AsciiHex => "ascii-hex",
            Self::EbcdicHex => "ebcdic-hex",
        }
    }
}

/// Where the filler nibble of an odd number of BCD digits goes, and what it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BcdPad {
    /// A `0` nibble before the first digit.
    #[default]
    #[serde(rename = "left-0")]
    Left0,
    /// An `F` nibble before the first digit.
    #[serde(rename = "left-f")]
    LeftF,
    /// A `0` nibble after the last digit.
    #[serde(rename = "right-0")]
    Right0,
    /// An `F` nibble after the last digit.
    #[serde(rename = "right-f")]
    RightF,
}

impl BcdPad {
    /// Whether the filler goes before the digits.
    #[must_use]
    pub const fn is_left(self) -> bool {
        matches!(self, Self::Left0 | Self::LeftF)
    }

    /// The filler nibble's value.
    #[must_use]
    pub const fn nibble(self) -> u8 {
        match self {
            Self::Left0 | Self::Right0 => 0,
            Self::LeftF | Self::RightF => 0xF,
        }
    }
}

/// How a length prefix is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrefixEncoding {
    /// Decimal digits as ASCII.
    Ascii,
    /// Decimal digits as EBCDIC.
    Ebcdic,
    /// Decimal digits as BCD, two per byte.
    Bcd,
    /// An unsigned big-endian binary number.
    Binary,
    /// Hex digits as ASCII.
    AsciiHex,
}

/// What a length prefix counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrefixCounts {
    /// The field's own length unit: digits (`n`, `z`, `xn`), characters (`a`, `an`, `ans`) or
    /// bytes of the value (`b`; hex digits for `b` in BCD).
    #[default]
    Units,
    /// Bytes on the wire.
    Bytes,
    /// Nibbles (half-bytes) on the wire; for BCD content, the significant nibbles.
    Nibbles,
    /// Nibbles on the wire, a filler nibble included: twice the bytes of the content (jPOS
    /// `HexNibblesPrefixer`). For BCD digits whose filler is `F`, an `F` filler on the wire
    /// marks an odd digit count, one less than the prefix says.
    WireNibbles,
}

/// The length prefix of a variable-length field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LengthPrefix {
    /// Number of digits (decimal and hex prefixes, 1–6) or bytes (binary prefixes: 1, 2 or 4).
    pub width: u8,
    /// How the prefix is written.
    pub encoding: PrefixEncoding,
    /// What the prefix counts.
    pub counts: PrefixCounts,
}

impl LengthPrefix {
    /// Makes a prefix of `width` digits (or bytes, for binary) counting the field's units.
    #[must_use]
    pub const fn new(width: u8, encoding: PrefixEncoding) -> Self {
        Self {
            width,
            encoding,
            counts: PrefixCounts::Units,
        }
    }

    /// The same prefix counting `counts`.
    #[must_use]
    pub const fn counting(self, counts: PrefixCounts) -> Self {
        Self { counts, ..self }
    }

    /// Bytes the prefix takes on the wire.
    #[must_use]
    pub const fn wire_len(&self) -> usize {
        match self.encoding {
            PrefixEncoding::Bcd => (self.width as usize).div_ceil(2),
            _ => self.width as usize,
        }
    }

    /// The largest number the prefix can hold.
    #[must_use]
    pub const fn max_value(&self) -> u64 {
        let w = self.width as u32;
        match self.encoding {
            PrefixEncoding::Ascii | PrefixEncoding::Ebcdic | PrefixEncoding::Bcd => {
                10u64.saturating_pow(w) - 1
            }
            PrefixEncoding::AsciiHex => 16u64.saturating_pow(w) - 1,
            PrefixEncoding::Binary if w >= 8 => u64::MAX,
            PrefixEncoding::Binary => (1u64 << (8 * w)) - 1,
        }
    }
}

/// How a short value of a fixed-length field is filled when it is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Padding {
    /// No filling: a short value is an error.
    None,
    /// `0` characters before the value (numbers).
    LeftZeros,
    /// Spaces after the value (text).
    RightSpaces,
}

/// How a field is shown in `Debug`, `Display`, logs and JSON unless clear text is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mask {
    /// Shown as it is.
    #[default]
    None,
    /// A card number: the first 6 and last 4 digits are shown.
    Pan,
    /// Track data: the PAN is masked as [`Mask::Pan`] and everything after the separator hidden.
    Track,
    /// Hidden wholly (PIN blocks, MACs, keys).
    Secret,
}

/// The format of one data element.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldSpec {
    /// A human name, e.g. "Primary account number (PAN)".
    pub name: String,
    /// What characters the content may hold.
    pub class: ContentClass,
    /// How the content is written.
    pub encoding: Encoding,
    /// The fixed length, or the maximum when the field has a prefix, in the field's unit.
    pub length: u32,
    /// The minimum length of a variable field, in the field's unit.
    pub min_length: u32,
    /// The length prefix of a variable field; `None` for a fixed field.
    pub prefix: Option<LengthPrefix>,
    /// The filler nibble of odd-length BCD content.
    pub bcd_pad: BcdPad,
    /// How a short value of a fixed field is filled when it is set.
    pub padding: Padding,
    /// How the field is masked in output.
    pub mask: Mask,
    /// How the content divides into subfields, for structured fields.
    pub composite: Option<Box<Composite>>,
}

impl FieldSpec {
    /// A fixed-length field with the class's usual padding (left zeros for `n`, right spaces for
    /// text) and no mask.
    #[must_use]
    pub fn fixed(name: &str, class: ContentClass, encoding: Encoding, length: u32) -> Self {
        Self {
            name: name.to_owned(),
            class,
            encoding,
            length,
            min_length: 0,
            prefix: None,
            bcd_pad: BcdPad::Left0,
            padding: default_padding(class),
            mask: Mask::None,
            composite: None,
        }
    }

    /// A variable-length field of at most `max` units, with a length prefix.
    #[must_use]
    pub fn variable(
        name: &str,
        class: ContentClass,
        encoding: Encoding,
        max: u32,
        prefix: LengthPrefix,
    ) -> Self {
        Self {
            prefix: Some(prefix),
            padding: Padding::None,
            ..Self::fixed(name, class, encoding, max)
        }
    }

    /// The same field with a BCD filler setting.
    #[must_use]
    pub fn with_bcd_pad(mut self, pad: BcdPad) -> Self {
        self.bcd_pad = pad;
        self
    }

    /// The same field with a mask.
    #[must_use]
    pub fn with_mask(mut self, mask: Mask) -> Self {
        self.mask = mask;
        self
    }

    /// The same field with a padding setting.
    #[must_use]
    pub fn with_padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    /// The same field with subfields.
    #[must_use]
    pub fn with_composite(mut self, composite: Composite) -> Self {
        self.composite = Some(Box::new(composite));
        self
    }

    /// The same field with a minimum length.
    #[must_use]
    pub fn with_min_length(mut self, min: u32) -> Self {
        self.min_length = min;
        self
    }

    /// Whether the field is fixed-length.
    #[must_use]
    pub const fn is_fixed(&self) -> bool {
        self.prefix.is_none()
    }

    /// The bytes that `len` units of content take on the wire.
    #[must_use]
    pub const fn wire_len(&self, len: usize) -> usize {
        match (self.encoding, self.class) {
            // An empty value has no sign byte either.
            (Encoding::Bcd, ContentClass::Xn) if len > 0 => 1 + (len - 1).div_ceil(2),
            (Encoding::Bcd, _) => len.div_ceil(2),
            (Encoding::AsciiHex | Encoding::EbcdicHex, _) => len.saturating_mul(2),
            _ => len,
        }
    }

    /// The number a length prefix holds for a value of `len` units taking `wire` bytes.
    #[must_use]
    pub const fn prefix_count(&self, len: usize, wire: usize) -> usize {
        match self.prefix {
            Some(LengthPrefix {
                counts: PrefixCounts::Bytes,
                ..
            }) => wire,
            Some(LengthPrefix {
                counts: PrefixCounts::Nibbles,
                ..
            }) if !matches!(self.encoding, Encoding::Bcd) => wire * 2,
            Some(LengthPrefix {
                counts: PrefixCounts::WireNibbles,
                ..
            }) => wire * 2,
            _ => len,
        }
    }

    /// The length of the value as text: digits and characters for text classes, two hex
    /// digits a byte for `b` (one a nibble for `b` in BCD).
    #[must_use]
    pub const fn text_len(&self, len: usize) -> usize {
        match (self.class, self.encoding) {
            (ContentClass::B, Encoding::Bcd) => len,
            (ContentClass::B, _) => len.saturating_mul(2),
            _ => len,
        }
    }
}

/// The padding a class gets unless a spec says otherwise.
pub(crate) const fn default_padding(class: ContentClass) -> Padding {
    match class {
        ContentClass::N | ContentClass::Xn => Padding::LeftZeros,
        ContentClass::A | ContentClass::An | ContentClass::Ans => Padding::RightSpaces,
        ContentClass::B | ContentClass::Z => Padding::None,
    }
}
