//! Reading specs from the TOML files of `specs/`.

use super::field::default_padding;
use super::{
    BcdPad, BitmapEncoding, ContentClass, Encoding, FieldSpec, LengthPrefix, Mask, MessageLayout,
    MtiEncoding, Padding, PrefixCounts, PrefixEncoding, Spec,
};
use crate::error::SpecError;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    message: LayoutFile,
    #[serde(default)]
    defaults: toml::Table,
    #[serde(default)]
    fields: BTreeMap<String, toml::Table>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    #[serde(default)]
    header_length: usize,
    #[serde(default)]
    mti_encoding: MtiEncoding,
    #[serde(default)]
    bitmap_encoding: BitmapEncoding,
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
}

/// The most bytes of header a spec may declare.
const MAX_HEADER: usize = 1024;

pub(super) fn from_toml_str(text: &str) -> Result<Spec, SpecError> {
    let file: SpecFile = toml::from_str(text).map_err(|e| SpecError::new(None, e.message()))?;
    if file.message.header_length > MAX_HEADER {
        return Err(SpecError::new(
            None,
            format!("header_length is above {MAX_HEADER}"),
        ));
    }
    let layout = MessageLayout {
        header_length: file.message.header_length,
        mti_encoding: file.message.mti_encoding,
        bitmap_encoding: file.message.bitmap_encoding,
        tertiary_bitmap: file.message.tertiary_bitmap,
    };
    let mut fields = Vec::with_capacity(file.fields.len());
    for (key, table) in file.fields {
        let n: u16 = key
            .parse()
            .map_err(|_| SpecError::new(None, format!("field key `{key}` is not a number")))?;
        let mut merged = file.defaults.clone();
        merged.extend(table);
        let raw: FieldFile = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| SpecError::new(Some(n), e.message()))?;
        fields.push((n, field_from_file(n, raw)?));
    }
    Ok(Spec::new(&file.name, layout, fields)?.with_description(&file.description))
}

fn field_from_file(n: u16, raw: FieldFile) -> Result<FieldSpec, SpecError> {
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
    Ok(FieldSpec {
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
