//! Message specs: how every data element of a dialect is encoded.
//!
//! A [`Spec`] is loaded from a TOML file (see `specs/` in the repository for the format) or
//! built in code, validated, and compiled into a table indexed by field number, so that the
//! decoder finds a field's format with one array look-up.
//!
//! # Message rules
//!
//! A spec file may also say which data elements each message type carries, one
//! `[messages."MTI"]` table per type with three lists of field numbers:
//!
//! - `mandatory`: the element must be present;
//! - `conditional`: present when a condition of the spec's source holds (not evaluated here:
//!   the element may be present or absent);
//! - `optional`: the element may be present.
//!
//! An element in none of the lists is *unexpected* in a message of that type; a mandatory one
//! absent is *missing*. [`Message::validate`](crate::Message::validate) reports every missing
//! and unexpected element at once, and [`Message::encode_strict`](crate::Message::encode_strict)
//! encodes only a message that has none; [`Message::encode`](crate::Message::encode) never
//! looks at the rules. A message type without a table, and every message of a spec without
//! rules, passes. Responses have their own tables (`"0110"` apart from `"0100"`), and so do
//! repeats (`"0401"`). The bitmap fields (1, and 65 when it announces a tertiary bitmap) are
//! not data elements and are never listed. Loading checks that each key is an MTI of four
//! digits and that each number lies in 2–192, appears once and is a field of the spec; the
//! [`SpecError`] names the message type and the field. In code, [`MessageRules::new`] and
//! [`Spec::with_rules`] do the same.
//!
//! ```
//! use iso8583_wire::{Message, Mti, Spec};
//!
//! let spec = Spec::from_toml_str(
//!     r#"
//!     name = "example"
//!     [message]
//!     mti_encoding = "ascii"
//!     bitmap_encoding = "ascii-hex"
//!     [defaults]
//!     encoding = "ascii"
//!     [fields.3]
//!     name = "Processing code"
//!     class = "n"
//!     length = 6
//!     [fields.11]
//!     name = "STAN"
//!     class = "n"
//!     length = 6
//!     [fields.39]
//!     name = "Response code"
//!     class = "an"
//!     length = 2
//!
//!     ## The source of the rules goes in a comment: document, section, URL.
//!     [messages."0200"]
//!     mandatory = [3, 11]
//!     [messages."0210"]
//!     mandatory = [3, 11, 39]
//!     "#,
//! )?;
//! let mut m = Message::new(Mti::FINANCIAL_REQUEST);
//! m.set(&spec, 11, "000001")?.set(&spec, 39, "00")?;
//! let err = m.validate(&spec).err().ok_or("expected a rules error")?;
//! assert_eq!(err.to_string(), "0200 breaks its message rules: DE3 missing, DE39 unexpected");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builtin;
mod composite;
pub(crate) mod field;
#[cfg(feature = "jpos")]
mod jpos;
mod rules;
mod toml_file;

pub use composite::{BitmappedLayout, Composite, TaggedLayout};
pub use field::{
    BcdPad, ContentClass, Encoding, FieldSpec, LengthPrefix, Mask, Padding, PrefixCounts,
    PrefixEncoding,
};
pub use rules::{MessageRules, Presence};

use crate::error::SpecError;
use crate::format::FieldTable;
use crate::mti::Mti;
use crate::response::code::Dialect;
use core::sync::atomic::{AtomicU64, Ordering};
use serde::{Deserialize, Serialize};

/// The highest field number a message can carry (three bitmaps).
pub const MAX_FIELD: u16 = 192;

/// How the MTI is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MtiEncoding {
    /// Four ASCII digits.
    #[default]
    Ascii,
    /// Four EBCDIC digits.
    Ebcdic,
    /// Two BCD bytes.
    Bcd,
}

impl MtiEncoding {
    /// Bytes the MTI takes on the wire.
    #[must_use]
    pub const fn wire_len(self) -> usize {
        match self {
            Self::Ascii | Self::Ebcdic => 4,
            Self::Bcd => 2,
        }
    }
}

/// How each bitmap is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BitmapEncoding {
    /// Eight raw bytes.
    #[default]
    Binary,
    /// Sixteen ASCII hex characters.
    AsciiHex,
    /// Sixteen EBCDIC hex characters.
    EbcdicHex,
}

impl BitmapEncoding {
    /// Bytes one bitmap takes on the wire.
    #[must_use]
    pub const fn wire_len(self) -> usize {
        match self {
            Self::Binary => 8,
            Self::AsciiHex | Self::EbcdicHex => 16,
        }
    }
}

/// The message-level layout: header, MTI and bitmaps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MessageLayout {
    /// Bytes of fixed-length header before the MTI (0 for none).
    pub header_length: usize,
    /// How the MTI is written.
    pub mti_encoding: MtiEncoding,
    /// How each bitmap is written.
    pub bitmap_encoding: BitmapEncoding,
    /// How the secondary and tertiary bitmaps are written when that differs from the primary
    /// (some hosts send an ASCII-hex primary bitmap followed by a binary secondary one).
    pub extra_bitmap_encoding: Option<BitmapEncoding>,
    /// Whether bit 65 announces a tertiary bitmap (fields 129–192) instead of field 65.
    pub tertiary_bitmap: bool,
}

impl MessageLayout {
    /// A layout with no header.
    #[must_use]
    pub const fn new(mti_encoding: MtiEncoding, bitmap_encoding: BitmapEncoding) -> Self {
        Self {
            header_length: 0,
            mti_encoding,
            bitmap_encoding,
            extra_bitmap_encoding: None,
            tertiary_bitmap: false,
        }
    }

    /// The same layout with secondary and tertiary bitmaps written as `encoding`.
    #[must_use]
    pub const fn with_extra_bitmap_encoding(self, encoding: BitmapEncoding) -> Self {
        Self {
            extra_bitmap_encoding: Some(encoding),
            ..self
        }
    }

    /// How bitmap `which` (1 primary, 2 secondary, 3 tertiary) is written.
    #[must_use]
    pub const fn bitmap_encoding_of(&self, which: u8) -> BitmapEncoding {
        match (which, self.extra_bitmap_encoding) {
            (2 | 3, Some(e)) => e,
            _ => self.bitmap_encoding,
        }
    }

    /// The same layout with a fixed header of `len` bytes.
    #[must_use]
    pub const fn with_header(self, len: usize) -> Self {
        Self {
            header_length: len,
            ..self
        }
    }

    /// The same layout with bit 65 announcing a tertiary bitmap.
    #[must_use]
    pub const fn with_tertiary_bitmap(self) -> Self {
        Self {
            tertiary_bitmap: true,
            ..self
        }
    }
}

/// A compiled message spec: the layout and the format of every field, indexed by number.
#[derive(Clone, Debug)]
pub struct Spec {
    name: String,
    description: String,
    layout: MessageLayout,
    /// Every field and its compiled forms, by number.
    table: FieldTable,
    /// The response-code dictionary its file declares, if it declares one.
    dialect: Option<Dialect>,
    /// The message rules by message type, sorted by MTI (see [`Spec::with_rules`]).
    rules: Vec<(Mti, MessageRules)>,
    /// A number no spec built apart from this one has (its clones share it, as they share
    /// its fields), never 0: what a value checked against this spec remembers of it.
    id: u64,
}

/// The identity of the next spec built (see [`Spec::id`]).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl PartialEq for Spec {
    /// Specs are equal when they define the same message, whether or not one is a clone of
    /// the other.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.description == other.description
            && self.layout == other.layout
            && self.table == other.table
            && self.rules == other.rules
    }
}

impl Eq for Spec {}

impl Spec {
    /// Builds and validates a spec from a layout and `(number, format)` pairs.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field when a number is outside 2–192, is given twice, is 65
    /// while bit 65 announces a tertiary bitmap, or its format is inconsistent (for example BCD
    /// text, a binary prefix of 3 bytes, or a maximum the prefix cannot express).
    pub fn new(
        name: &str,
        layout: MessageLayout,
        fields: impl IntoIterator<Item = (u16, FieldSpec)>,
    ) -> Result<Self, SpecError> {
        let mut table: Vec<Option<FieldSpec>> = vec![None; 256];
        for (n, fs) in fields {
            if !(2..=MAX_FIELD).contains(&n) {
                return Err(SpecError::new(Some(n), "field numbers run from 2 to 192"));
            }
            if n == 65 && layout.tertiary_bitmap {
                return Err(SpecError::new(
                    Some(n),
                    "bit 65 announces the tertiary bitmap in this spec, so field 65 cannot be defined",
                ));
            }
            validate_field(n, &fs)?;
            match table.get_mut(usize::from(n)) {
                Some(slot @ None) => *slot = Some(fs),
                _ => return Err(SpecError::new(Some(n), "defined twice")),
            }
        }
        Ok(Self {
            name: name.to_owned(),
            description: String::new(),
            layout,
            table: FieldTable::compile(table)
                .ok_or_else(|| SpecError::new(None, "field table of the wrong size"))?,
            dialect: None,
            rules: Vec::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The same spec with a description.
    #[must_use]
    pub fn with_description(mut self, description: &str) -> Self {
        description.clone_into(&mut self.description);
        self
    }

    /// The same spec, declaring the dictionary its field 39 is read in (see
    /// [`Spec::dialect`]).
    #[must_use]
    pub const fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = Some(dialect);
        self
    }

    /// The dictionary field 39 of this spec's messages is read in: the one the spec declares
    /// (`dialect = "iso8583-1993"` in a TOML file, or [`Spec::with_dialect`]); otherwise the
    /// one its name implies (`iso8583-1993*` and `iso8583-2003*` read action codes, `cup-*`,
    /// `visa-*` and `mastercard-*` their network's codes); otherwise ISO 8583:1993 when field
    /// 39 has three characters, as its action codes do (a jPOS ISO 1993 packager), and ISO
    /// 8583:1987 else.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        if let Some(d) = self.dialect {
            return d;
        }
        let name = self.name.as_str();
        if name.starts_with("iso8583-1993") || name.starts_with("iso8583-2003") {
            Dialect::Iso8583_1993
        } else if name.starts_with("cup-") {
            Dialect::ChinaUnionPay
        } else if name.starts_with("visa-") {
            Dialect::Visa
        } else if name.starts_with("mastercard-") {
            Dialect::Mastercard
        } else if self.field(39).is_some_and(|f| f.length == 3) {
            Dialect::Iso8583_1993
        } else {
            Dialect::Iso8583_1987
        }
    }

    /// Loads a spec from the TOML format of the files in `specs/`.
    ///
    /// A `[messages."MTI"]` table declares the rules of one message type (see
    /// [`Spec::with_rules`]): `mandatory`, `conditional` and `optional` lists of field numbers.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field and the problem when the text is not valid TOML, uses an
    /// unknown key or value, has no `[message]` table or leaves its `mti_encoding` or
    /// `bitmap_encoding` out, defines no field, or describes an inconsistent field (see
    /// [`Spec::new`]); naming the message type too when a `messages` key is not four digits or
    /// its rules list a number outside 2–192, a number twice, or a field the spec does not
    /// define. The error's [`location`](SpecError::location) gives the line and column: where
    /// the parser stopped, or the key of the field or message type at fault.
    pub fn from_toml_str(text: &str) -> Result<Self, SpecError> {
        toml_file::from_toml_str(text)
    }

    /// Imports a jPOS GenericPackager XML file (the `isopackager` schema).
    ///
    /// Field 0 gives the MTI encoding, field 1 the bitmap encoding (a bitmap longer than 16
    /// bytes, or `thirdBitmapField="65"`, makes bit 65 announce a tertiary bitmap, and field 65
    /// is then not defined), `headerLength` the header. Each field packager class (`IFA_LLNUM`,
    /// `IFB_LLHBINARY`, …) is read into content class, encoding, prefix and BCD filler; an
    /// `<isofieldpackager>` becomes bitmapped subfields (with an `IFB_BITMAP` subfield or
    /// `emitBitmap="true"`), positional subfields, or EMV BER-TLV (`BERTLVBinaryPackager`,
    /// `DefaultICCBERTLVPackager`). Numeric classes check their digits, which jPOS does not
    /// (`IFA_LLNUM` accepts any character there); fields 35 and 36 declared numeric are read
    /// as track data (class `z`). Fields 2, 35, 36, 45, 52, 64 and 128 are masked by number.
    /// No external entity or DTD is fetched or expanded.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field when the XML is malformed, declares entities, nests too
    /// deep, lacks an `id`, `class` or valid `length`, uses a class with no equivalent here
    /// (token-delimited, tagged `IFMC_`/`IFEP_` classes, `IF_NOP`, `IFB_LLHFBINARY`,
    /// `IFA_FLLCHAR`, self-inclusive prefixes…), or describes a message layout this crate
    /// cannot represent (no bitmap, a bitmap outside field 1, a first field other than 0, no
    /// data field). The error's [`location`](SpecError::location) gives the line and column of
    /// the element at fault, or of the place the XML breaks.
    #[cfg(feature = "jpos")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jpos")))]
    pub fn from_jpos_xml(text: &str) -> Result<Self, SpecError> {
        jpos::from_jpos_xml(text)
    }

    /// A built-in spec by name, parsed once on first use: `iso8583-1987-ascii`,
    /// `iso8583-1987-binary`, `iso8583-1993-ascii`, … (see [`Spec::builtin_names`]).
    #[must_use]
    pub fn builtin(name: &str) -> Option<&'static Spec> {
        builtin::get(name)
    }

    /// The names of the built-in specs.
    #[must_use]
    pub fn builtin_names() -> &'static [&'static str] {
        builtin::NAMES
    }

    /// The spec's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the spec is and what it is based on.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The message-level layout.
    #[must_use]
    pub const fn layout(&self) -> &MessageLayout {
        &self.layout
    }

    /// The format of field `n`, if the spec defines it.
    #[inline]
    #[must_use]
    pub fn field(&self, n: u16) -> Option<&FieldSpec> {
        self.table.field(n)
    }

    /// Every field with its compiled forms.
    #[inline(always)]
    pub(crate) const fn table(&self) -> &FieldTable {
        &self.table
    }

    /// This spec's identity: the same for the spec and its clones, different for every other
    /// spec (equal or not), never 0.
    #[inline(always)]
    pub(crate) const fn id(&self) -> u64 {
        self.id
    }

    /// The defined fields in ascending order.
    pub fn fields(&self) -> impl Iterator<Item = (u16, &FieldSpec)> + '_ {
        self.table.iter()
    }
}

/// Checks that one field's settings make sense together.
fn validate_field(n: u16, fs: &FieldSpec) -> Result<(), SpecError> {
    let err = |msg: &str| Err(SpecError::new(Some(n), msg));
    let binary_encoding = matches!(
        fs.encoding,
        Encoding::Binary | Encoding::AsciiHex | Encoding::EbcdicHex
    );
    if binary_encoding && fs.class != ContentClass::B {
        return err("binary, ascii-hex and ebcdic-hex encodings are for class b only");
    }
    if fs.class == ContentClass::B && !binary_encoding && fs.encoding != Encoding::Bcd {
        return err("class b takes encoding binary, ascii-hex, ebcdic-hex or bcd (hex nibbles)");
    }
    if fs.encoding == Encoding::Bcd
        && matches!(
            fs.class,
            ContentClass::A | ContentClass::An | ContentClass::Ans
        )
    {
        return err("bcd encoding holds digits only: use class n, z, xn or b");
    }
    if fs.length == 0 {
        return err("length must be at least 1");
    }
    if fs.min_length > fs.length {
        return err("min_length is above the length");
    }
    if fs.class == ContentClass::Xn && fs.length < 2 {
        return err("class xn needs a length of at least 2 (sign and one digit)");
    }
    if let Some(prefix) = fs.prefix {
        let width_ok = match prefix.encoding {
            PrefixEncoding::Binary => matches!(prefix.width, 1 | 2 | 4),
            _ => (1..=6).contains(&prefix.width),
        };
        if !width_ok {
            return err("a prefix has 1 to 6 digits, or 1, 2 or 4 bytes when binary");
        }
        let needed = match prefix.counts {
            PrefixCounts::Units => u64::from(fs.length),
            PrefixCounts::Bytes => fs.wire_len(fs.length as usize) as u64,
            PrefixCounts::WireNibbles => 2 * fs.wire_len(fs.length as usize) as u64,
            PrefixCounts::Nibbles => {
                if fs.encoding == Encoding::Bcd {
                    u64::from(fs.length)
                } else {
                    2 * fs.wire_len(fs.length as usize) as u64
                }
            }
        };
        if needed > prefix.max_value() {
            return err("the maximum length does not fit in the length prefix");
        }
    } else if fs.min_length != 0 {
        return err("min_length is for variable fields only");
    }
    if let Some(composite) = &fs.composite {
        validate_composite(n, fs, composite)?;
    }
    Ok(())
}

/// Checks that a structured field's layout fits the field.
fn validate_composite(n: u16, fs: &FieldSpec, composite: &Composite) -> Result<(), SpecError> {
    let err = |msg: String| Err(SpecError::new(Some(n), msg));
    let binary = fs.class == ContentClass::B && fs.encoding == Encoding::Binary;
    match composite {
        Composite::BerTlv | Composite::Bitmapped(_) if !binary => {
            return err(format!(
                "{} subfields need class b with binary encoding",
                composite.name()
            ))
        }
        Composite::Track2
            if !matches!(
                fs.class,
                ContentClass::Z | ContentClass::N | ContentClass::Ans
            ) =>
        {
            return err("track2 subfields need class z, n or ans".to_owned())
        }
        Composite::Tagged(_)
            if !matches!(
                fs.encoding,
                Encoding::Ascii | Encoding::Ebcdic | Encoding::Binary
            ) =>
        {
            return err("tagged subfields need ascii, ebcdic or binary encoding".to_owned())
        }
        _ => {}
    }
    let subfields: &[(u16, FieldSpec)] = match composite {
        Composite::Positional(list) => list,
        Composite::Tagged(t) => {
            if !(1..=4).contains(&t.tag_digits) || !(1..=4).contains(&t.len_digits) {
                return err("tag_digits and len_digits run from 1 to 4".to_owned());
            }
            &t.subfields
        }
        Composite::Bitmapped(b) => {
            if !(1..=16).contains(&b.bitmap_bytes) {
                return err("bitmap_bytes runs from 1 to 16".to_owned());
            }
            &b.subfields
        }
        Composite::BerTlv | Composite::Track2 => &[],
    };
    for (i, (sub, sfs)) in subfields.iter().enumerate() {
        validate_field(n, sfs)
            .map_err(|e| SpecError::new(Some(n), format!("subfield {sub}: {}", e.message())))?;
        if subfields.iter().skip(i + 1).any(|(k, _)| k == sub) {
            return err(format!("subfield {sub} defined twice"));
        }
        let text_level =
            !matches!(composite, Composite::Bitmapped(_)) && fs.encoding != Encoding::Binary;
        if text_level && sfs.encoding != fs.encoding {
            return err(format!(
                "subfield {sub}: the encoding must be the field's ({})",
                fs.encoding.name()
            ));
        }
        let bytewise = matches!(
            sfs.encoding,
            Encoding::Binary | Encoding::Ascii | Encoding::Ebcdic
        );
        if !text_level
            && matches!(composite, Composite::Positional(_) | Composite::Tagged(_))
            && !bytewise
        {
            return err(format!(
                "subfield {sub}: the positions of a binary field are bytes, so its positional and \
                 tagged subfields take one byte a unit (binary, ascii or ebcdic), not {}",
                sfs.encoding.name()
            ));
        }
        if matches!(composite, Composite::Positional(_)) && sfs.prefix.is_some() {
            return err(format!(
                "subfield {sub}: positional subfields have fixed lengths"
            ));
        }
    }
    Ok(())
}
