//! The layouts of structured fields: subfields at fixed positions, tagged subelements, a
//! sub-bitmap, EMV BER-TLV and track 2.

use super::field::FieldSpec;

/// How the content of a structured field divides into subfields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Composite {
    /// Subfields one after another at fixed positions of the field's text (digits of a BCD
    /// field, characters of a text field, bytes of a binary one). A sender may stop after
    /// any subfield, and the last one present may be shorter than its length.
    Positional(Vec<(u16, FieldSpec)>),
    /// Tagged subelements: tag and length as decimal digits in the field's encoding, in either
    /// order, each followed by the value (the DE48 styles of Mastercard and Europay).
    Tagged(TaggedLayout),
    /// A bitmap of the subfields present, then those subfields, each in its own format (Visa
    /// DE62/DE126, Postilion DE127 style).
    Bitmapped(BitmappedLayout),
    /// EMV BER-TLV data objects (DE55): multi-byte tags, long-form lengths, constructed tags.
    BerTlv,
    /// Track 2 data: PAN, separator, expiry (YYMM), service code and discretionary data.
    Track2,
}

/// The layout of tagged subelements.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaggedLayout {
    /// Characters before the first subelement, shown as subfield 0 (for example the
    /// transaction category code at the start of Mastercard DE48).
    pub lead: u8,
    /// Digits of each tag.
    pub tag_digits: u8,
    /// Digits of each length.
    pub len_digits: u8,
    /// Whether the length comes before the tag (Europay `LLTT`) rather than after (`TTLL`).
    pub length_first: bool,
    /// Names and formats of known tags (by tag number); others are read as text.
    pub subfields: Vec<(u16, FieldSpec)>,
}

impl TaggedLayout {
    /// Tag then length, each of `digits` digits, no lead, no known tags.
    #[must_use]
    pub const fn new(tag_digits: u8, len_digits: u8) -> Self {
        Self {
            lead: 0,
            tag_digits,
            len_digits,
            length_first: false,
            subfields: Vec::new(),
        }
    }

    /// The same layout with `lead` characters before the first subelement.
    #[must_use]
    pub const fn with_lead(mut self, lead: u8) -> Self {
        self.lead = lead;
        self
    }

    /// The same layout with the length before the tag.
    #[must_use]
    pub const fn length_first(mut self) -> Self {
        self.length_first = true;
        self
    }

    /// The same layout with a known tag's format.
    #[must_use]
    pub fn with_subfield(mut self, tag: u16, spec: FieldSpec) -> Self {
        self.subfields.push((tag, spec));
        self
    }
}

/// The layout of a field with its own bitmap.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BitmappedLayout {
    /// Bytes of the binary bitmap at the start of the field (bit 1 = subfield 1).
    pub bitmap_bytes: u8,
    /// The subfields' formats, by number.
    pub subfields: Vec<(u16, FieldSpec)>,
}

impl BitmappedLayout {
    /// A layout with a bitmap of `bitmap_bytes` bytes and these subfields.
    #[must_use]
    pub const fn new(bitmap_bytes: u8, subfields: Vec<(u16, FieldSpec)>) -> Self {
        Self {
            bitmap_bytes,
            subfields,
        }
    }
}

impl Composite {
    /// The layout's name as written in specs.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Positional(_) => "positional",
            Self::Tagged(_) => "tagged",
            Self::Bitmapped(_) => "bitmapped",
            Self::BerTlv => "ber-tlv",
            Self::Track2 => "track2",
        }
    }

    /// The format of subfield `n` where the layout lists it.
    #[must_use]
    pub fn subfield(&self, n: u16) -> Option<&FieldSpec> {
        let list = match self {
            Self::Positional(list) => list,
            Self::Tagged(t) => &t.subfields,
            Self::Bitmapped(b) => &b.subfields,
            Self::BerTlv | Self::Track2 => return None,
        };
        list.iter().find(|(k, _)| *k == n).map(|(_, fs)| fs)
    }
}
