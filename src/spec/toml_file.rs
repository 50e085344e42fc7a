//! Reading specs from the TOML files of `specs/`.

use super::field::default_padding;
use super::rules::MessageRules;
use super::{
    BcdPad, BitmapEncoding, BitmappedLayout, Composite, ContentClass, Encoding, FieldSpec,
    LengthPrefix, Mask, MessageLayout, MtiEncoding, Padding, PrefixCounts, PrefixEncoding, Spec,
    TaggedLayout,
};
use crate::error::SpecError;
use crate::mti::Mti;
use crate::response::code::Dialect;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    #[serde(default)]
    description: String,
    /// The response-code dictionary of field 39 (`iso8583-1987`, `iso8583-1993`, `cup`, …),
    /// with its place in the text for error messages.
    dialect: Option<Spanned<String>>,
    message: Option<LayoutFile>,
    #[serde(default)]
    defaults: toml::Table,
    /// The fields by key, each key with its place in the text for error messages.
    #[serde(default)]
    fields: BTreeMap<Spanned<String>, toml::Table>,
    #[serde(default)]
    /// The message rules by MTI, each key with its place in the text.
    messages: BTreeMap<Spanned<String>, toml::Table>,
}

/// One `[messages."MTI"]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    mandatory: Vec<u16>,
    #[serde(default)]
    conditional: Vec<u16>,
    #[serde(default)]
    optional: Vec<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    #[serde(default)]
    header_length: usize,
    mti_encoding: MtiEncoding,
    bitmap_encoding: BitmapEncoding,
    extra_bitmap_encoding: Option<BitmapEncoding>,
    #[serde(default)]
    tertiary_bitmap: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    name: String,
    class: ContentClass,
    encoding: Encoding,
    length: u32,
    #[serde(default)]
    min_length: u32,
    prefix: Option<u8>,
    prefix_encoding: Option<PrefixEncoding>,
    #[serde(default)]
    prefix_counts: PrefixCounts,
    #[serde(default)]
    bcd_pad: BcdPad,
    padding: Option<Padding>,
    #[serde(default)]
    mask: Mask,
    #[serde(default)]
    sensitive: bool,
    composite: Option<CompositeKind>,
    #[serde(default)]
    subfields: BTreeMap<String, toml::Table>,
    tag_digits: Option<u8>,
    len_digits: Option<u8>,
    #[serde(default)]
    length_first: bool,
    #[serde(default)]
    lead: u8,
    bitmap_bytes: Option<u8>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum CompositeKind {
    Positional,
    Tagged,
    Bitmapped,
    BerTlv,
    Track2,
}

/// The most bytes of header a spec may declare.
const MAX_HEADER: usize = 1024;

pub(super) fn from_toml_str(text: &str) -> Result<Spec, SpecError> {
    let file: SpecFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    // A spec must say how the MTI and the bitmap are written, and define fields: a file that
    // leaves them out would load and then fail on every message.
    let message = file.message.ok_or_else(|| {
        SpecError::new(
            None,
            "no [message] table: a spec must give mti_encoding and bitmap_encoding",
        )
    })?;
    if file.fields.is_empty() {
        return Err(SpecError::new(
            None,
            "no fields are defined: a spec needs at least one [fields.N] table",
        ));
    }
    if message.header_length > MAX_HEADER {
        return Err(SpecError::new(
            None,
            format!("header_length is above {MAX_HEADER}"),
        ));
    }
    let layout = MessageLayout {
        header_length: message.header_length,
        mti_encoding: message.mti_encoding,
        bitmap_encoding: message.bitmap_encoding,
        extra_bitmap_encoding: message.extra_bitmap_encoding,
        tertiary_bitmap: message.tertiary_bitmap,
    };
    let mut fields = Vec::with_capacity(file.fields.len());
    let mut places = Vec::with_capacity(file.fields.len());
    for (key, table) in file.fields {
        let at = key.span().start;
        let key = key.into_inner();
        let n: u16 = key.parse().map_err(|_| {
            SpecError::new(None, format!("field key `{key}` is not a number")).at_offset(text, at)
        })?;
        places.push((n, at));
        let fs =
            field_from_table(n, &file.defaults, table, 0).map_err(|e| e.at_offset(text, at))?;
        fields.push((n, fs));
    }
    let spec = Spec::new(&file.name, layout, fields).map_err(|e| {
        // Place a field's error at the field's key.
        match places.iter().find(|(n, _)| Some(*n) == e.field()) {
            Some(&(_, at)) => e.at_offset(text, at),
            None => e,
        }
    })?;
    let mut spec = spec.with_description(&file.description);
    if let Some(name) = file.dialect {
        let at = name.span().start;
        let name = name.into_inner();
        match name.parse::<Dialect>() {
            Ok(dialect) => spec = spec.with_dialect(dialect),
            Err(e) => {
                return Err(SpecError::new(
                    None,
                    format!("unknown dialect `{name}`: expected one of {}", e.expected()),
                )
                .at_offset(text, at))
            }
        }
    }
    for (key, table) in file.messages {
        let at = key.span().start;
        let key = key.into_inner();
        let in_place = |e: SpecError| e.at_offset(text, at);
        let mti = Mti::from_text(&key).ok_or_else(|| {
            in_place(SpecError::new(
                None,
                format!("messages key `{key}` is not a message type of four digits"),
            ))
        })?;
        let in_rules = |e: SpecError| in_place(e.in_rules_of(mti));
        let raw: RulesFile = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| in_rules(SpecError::new(None, e.message())))?;
        let rules =
            MessageRules::new(&raw.mandatory, &raw.conditional, &raw.optional).map_err(in_rules)?;
        spec = spec.with_rules(mti, rules).map_err(in_place)?;
    }
    Ok(spec)
}

/// A TOML error of the whole file, placed where the parser says when it says.
fn toml_error(text: &str, e: &toml::de::Error) -> SpecError {
    let error = SpecError::new(None, e.message().trim_end());
    match e.span() {
        Some(span) => error.at_offset(text, span.start),
        None => error,
    }
}

/// How deep subfields may nest in a spec file.
const MAX_NESTING: u8 = 4;

/// Reads one field (or subfield, at `depth` > 0) over `defaults`.
fn field_from_table(
    n: u16,
    defaults: &toml::Table,
    table: toml::Table,
    depth: u8,
) -> Result<FieldSpec, SpecError> {
    let mut merged = defaults.clone();
    merged.extend(table);
    let raw: FieldFile = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| SpecError::new(Some(n), e.message()))?;
    field_from_file(n, defaults, raw, depth)
}

fn field_from_file(
    n: u16,
    defaults: &toml::Table,
    raw: FieldFile,
    depth: u8,
) -> Result<FieldSpec, SpecError> {
    let prefix = match (raw.prefix, raw.prefix_encoding) {
        (Some(width), Some(encoding)) => Some(LengthPrefix {
            width,
            encoding,
            counts: raw.prefix_counts,
        }),
        (Some(_), None) => {
            return Err(SpecError::new(
                Some(n),
                "a field with a prefix needs prefix_encoding",
            ))
        }
        (None, _) => None,
    };
    let padding = match (raw.padding, prefix) {
        (Some(p), _) => p,
        (None, None) => default_padding(raw.class),
        (None, Some(_)) => Padding::None,
    };
    let mask = if raw.sensitive && raw.mask == Mask::None {
        Mask::Secret
    } else {
        raw.mask
    };
    let composite = match raw.composite {
        None if raw.subfields.is_empty() => None,
        None => {
            return Err(SpecError::new(
                Some(n),
                "subfields are given but no composite layout",
            ))
        }
        Some(kind) => {
            if depth >= MAX_NESTING {
                return Err(SpecError::new(Some(n), "subfields nest too deep"));
            }
            // Text-level subfields inherit the field's encoding and BCD filler.
            let mut sub_defaults = defaults.clone();
            if kind != CompositeKind::Bitmapped {
                sub_defaults.insert(
                    "encoding".into(),
                    toml::Value::String(raw.encoding.name().into()),
                );
                sub_defaults.remove("prefix");
            }
            let mut subs = Vec::with_capacity(raw.subfields.len());
            for (key, table) in raw.subfields {
                let sub: u16 = key.parse().map_err(|_| {
                    SpecError::new(Some(n), format!("subfield key `{key}` is not a number"))
                })?;
                let fs = field_from_table(n, &sub_defaults, table, depth + 1).map_err(|e| {
                    SpecError::new(Some(n), format!("subfield {sub}: {}", e.message()))
                })?;
                subs.push((sub, fs));
            }
            subs.sort_by_key(|(k, _)| *k);
            Some(Box::new(match kind {
                CompositeKind::Positional => Composite::Positional(subs),
                CompositeKind::Tagged => Composite::Tagged(TaggedLayout {
                    lead: raw.lead,
                    tag_digits: raw.tag_digits.unwrap_or(2),
                    len_digits: raw.len_digits.unwrap_or(2),
                    length_first: raw.length_first,
                    subfields: subs,
                }),
                CompositeKind::Bitmapped => Composite::Bitmapped(BitmappedLayout {
                    bitmap_bytes: raw.bitmap_bytes.unwrap_or(8),
                    subfields: subs,
                }),
                CompositeKind::BerTlv => Composite::BerTlv,
                CompositeKind::Track2 => Composite::Track2,
            }))
        }
    };
    Ok(FieldSpec {
        composite,
        name: raw.name,
        class: raw.class,
        encoding: raw.encoding,
        length: raw.length,
        min_length: raw.min_length,
        prefix,
        bcd_pad: raw.bcd_pad,
        padding,
        mask,
    })
}
