//! Importing jPOS GenericPackager XML files (the `isopackager` schema) into a [`Spec`].
//!
//! The file is read into a small element tree (no entity expansion, no external resources, a
//! bounded depth), then each `<isofield>` class name is read by [`class::parse`] into the
//! settings of the spec model, and each `<isofieldpackager>` becomes a [`Composite`].

mod class;

use super::{
    BitmapEncoding, BitmappedLayout, Composite, ContentClass, Encoding, FieldSpec, Mask,
    MessageLayout, MtiEncoding, PrefixCounts, Spec, MAX_FIELD,
};
use crate::error::SpecError;
use class::{Format, Packager};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// How deep elements may nest (the root, nested packagers and their fields).
const MAX_DEPTH: usize = 12;
/// The most bytes of header a file may declare (as for TOML specs).
const MAX_HEADER: usize = 1024;
/// The name given to imported specs.
const SPEC_NAME: &str = "jpos-generic-packager";

/// One XML element: its name, attributes and child elements.
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    /// Byte offset of the element in the text, for error messages.
    pos: u64,
}

impl Node {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn from_jpos_xml(text: &str) -> Result<Spec, SpecError> {
    let root = parse_tree(text)?;
    // An error is placed at the element it is about: a field's, else the root.
    from_tree(&root, text).map_err(|e| e.at_offset(text, offset_of(&root)))
}

/// The byte offset of an element in the text.
fn offset_of(node: &Node) -> usize {
    usize::try_from(node.pos).unwrap_or(usize::MAX)
}

/// Imports a parsed file; `text` places the errors of fields at their elements.
fn from_tree(root: &Node, text: &str) -> Result<Spec, SpecError> {
    let at = |node: &Node| {
        let offset = offset_of(node);
        move |e: SpecError| e.at_offset(text, offset)
    };
    if root.name != "isopackager" {
        return Err(SpecError::new(
            None,
            format!("the root element is <{}>, not <isopackager>", root.name),
        ));
    }
    check_attrs(root, None, ROOT_ATTRS)?;
    let header_length = match root.attr("headerLength") {
        None => 0,
        Some(v) => parse_number(v)
            .filter(|&n| n <= MAX_HEADER as u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                SpecError::new(
                    None,
                    format!("headerLength `{v}` is not a number from 0 to {MAX_HEADER}"),
                )
            })?,
    };
    if root.attr("emitBitmap").is_some_and(|v| v != "true") {
        return Err(SpecError::new(
            None,
            "emitBitmap is not true: messages without a bitmap are not supported",
        ));
    }
    if let Some(v) = root.attr("bitmapField").filter(|v| *v != "1") {
        return Err(SpecError::new(
            None,
            format!("bitmapField is {v}: the bitmap can only be field 1"),
        ));
    }
    if let Some(v) = root.attr("firstField").filter(|v| *v != "0") {
        return Err(SpecError::new(
            None,
            format!("firstField is {v}: a message always starts with the MTI (field 0)"),
        ));
    }
    let mut tertiary = match root.attr("thirdBitmapField") {
        None => false,
        Some("65") => true,
        Some(v) => {
            return Err(SpecError::new(
                None,
                format!(
                    "thirdBitmapField is {v}: a tertiary bitmap can only be announced by bit 65"
                ),
            ))
        }
    };
    let max_valid = match root.attr("maxValidField") {
        None => None,
        Some(v) => Some(
            parse_number(v)
                .filter(|&n| n <= u64::from(MAX_FIELD))
                .ok_or_else(|| {
                    SpecError::new(
                        None,
                        format!("maxValidField `{v}` is not a number up to {MAX_FIELD}"),
                    )
                })?,
        ),
    };

    let mut mti = None;
    let mut bitmap = None;
    let mut fields = Vec::new();
    for child in &root.children {
        let (id, _) = element_id(child, None).map_err(at(child))?;
        match id {
            0 => {
                if mti.is_some() {
                    return Err(at(child)(SpecError::new(Some(0), "defined twice")));
                }
                mti = Some(mti_encoding(child).map_err(at(child))?);
            }
            1 => {
                if bitmap.is_some() {
                    return Err(at(child)(SpecError::new(Some(1), "defined twice")));
                }
                let (encoding, len) = bitmap_format(child, 1, None).map_err(at(child))?;
                if len > 16 {
                    tertiary = true;
                }
                bitmap = Some(encoding);
            }
            n => fields.push((n, child)),
        }
    }
    let mti_encoding = mti.ok_or_else(|| SpecError::new(Some(0), "field 0 (MTI) is missing"))?;
    let bitmap_encoding =
        bitmap.ok_or_else(|| SpecError::new(Some(1), "field 1 (bitmap) is missing"))?;
    if fields.is_empty() {
        return Err(SpecError::new(
            None,
            "no data fields are defined: only the MTI and the bitmap",
        ));
    }
    let mut specs = Vec::with_capacity(fields.len());
    for (n, node) in fields {
        if n == 65 && tertiary {
            // A vestige in jPOS files: with three bitmaps, bit 65 announces the third.
            continue;
        }
        if n > 128 && !tertiary {
            return Err(at(node)(SpecError::new(
                Some(n),
                "fields above 128 need a tertiary bitmap (a bitmap length above 16, or thirdBitmapField=\"65\")",
            )));
        }
        if max_valid.is_some_and(|m| u64::from(n) > m) {
            return Err(at(node)(SpecError::new(Some(n), "above maxValidField")));
        }
        specs.push((n, field_spec(node, n, None, 1).map_err(at(node))?));
    }
    let layout = MessageLayout::new(mti_encoding, bitmap_encoding).with_header(header_length);
    let layout = if tertiary {
        layout.with_tertiary_bitmap()
    } else {
        layout
    };
    Ok(Spec::new(SPEC_NAME, layout, specs)?
        .with_description("Imported from a jPOS GenericPackager XML file"))
}

/// Attributes of `<isopackager>`.
const ROOT_ATTRS: &[&str] = &[
    "maxValidField",
    "bitmapField",
    "thirdBitmapField",
    "firstField",
    "emitBitmap",
    "headerLength",
];
/// Attributes of `<isofield>`.
const FIELD_ATTRS: &[&str] = &[
    "id",
    "length",
    "name",
    "class",
    "pad",
    "trim",
    "token",
    "params",
    "encoding",
    "inclusive",
];
/// Attributes of `<isofieldpackager>`.
const PACKAGER_ATTRS: &[&str] = &[
    "id",
    "length",
    "name",
    "class",
    "pad",
    "trim",
    "token",
    "params",
    "encoding",
    "inclusive",
    "packager",
    "emitBitmap",
    "maxValidField",
    "bitmapField",
    "firstField",
    "headerLength",
    "tagMapper",
    "tagSize",
    "lenSize",
    "swapTagAndLen",
];
/// Elements of the validating variant, which do not change the wire format.
const VALIDATOR_ELEMENTS: &[&str] = &["isofieldvalidator", "isovalidator", "property"];

/// An error about `field` (the data element), prefixed with the subfield when `sub` is given.
fn field_err(field: u16, sub: Option<u16>, msg: impl std::fmt::Display) -> SpecError {
    match sub {
        Some(s) => SpecError::new(Some(field), format!("subfield {s}: {msg}")),
        None => SpecError::new(Some(field), msg.to_string()),
    }
}

/// Refuses attributes the schema does not have, so that none is silently ignored.
fn check_attrs(node: &Node, field: Option<u16>, known: &[&str]) -> Result<(), SpecError> {
    match node
        .attrs
        .iter()
        .find(|(k, _)| !known.contains(&k.as_str()))
    {
        Some((k, _)) => Err(SpecError::new(
            field,
            format!("<{}> has an unknown attribute `{k}`", node.name),
        )),
        None => Ok(()),
    }
}

fn parse_number(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// The `id` of a field element, checked against the element names; `within` is the data
/// element when `node` is a subfield.
fn element_id(node: &Node, within: Option<u16>) -> Result<(u16, bool), SpecError> {
    let nested = match node.name.as_str() {
        "isofield" => false,
        "isofieldpackager" => true,
        other => {
            return Err(SpecError::new(
                within,
                format!("unexpected element <{other}> at byte {}", node.pos),
            ))
        }
    };
    let raw = node.attr("id").ok_or_else(|| {
        SpecError::new(
            within,
            format!("<{}> at byte {} has no id", node.name, node.pos),
        )
    })?;
    let id = parse_number(raw)
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&n| within.is_some() || n <= MAX_FIELD)
        .ok_or_else(|| {
            SpecError::new(
                within,
                format!(
                    "<{}> at byte {}: id `{raw}` is not a field number",
                    node.name, node.pos
                ),
            )
        })?;
    Ok((id, nested))
}

/// The `length` attribute.
fn length_of(node: &Node, field: u16, sub: Option<u16>) -> Result<u32, SpecError> {
    let raw = node
        .attr("length")
        .ok_or_else(|| field_err(field, sub, "no length attribute"))?;
    parse_number(raw)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| field_err(field, sub, format!("length `{raw}` is not a number")))
}

/// The `class` attribute and the `pad` flag.
fn class_of(node: &Node, field: u16, sub: Option<u16>) -> Result<(&str, bool), SpecError> {
    let class = node
        .attr("class")
        .ok_or_else(|| field_err(field, sub, "no class attribute"))?;
    let pad = match node.attr("pad") {
        None | Some("false") => false,
        Some("true") => true,
        Some(v) => {
            return Err(field_err(
                field,
                sub,
                format!("pad `{v}` is neither true nor false"),
            ))
        }
    };
    Ok((class, pad))
}

fn unsupported_class(field: u16, sub: Option<u16>, class: &str) -> SpecError {
    field_err(
        field,
        sub,
        format!(
            "class {} is unknown or has no equivalent in this crate's spec model",
            class::short_name(class)
        ),
    )
}

/// The MTI encoding from field 0.
fn mti_encoding(node: &Node) -> Result<MtiEncoding, SpecError> {
    check_attrs(node, Some(0), FIELD_ATTRS)?;
    if node.name != "isofield" {
        return Err(SpecError::new(Some(0), "the MTI cannot have subfields"));
    }
    let (class, pad) = class_of(node, 0, None)?;
    let length = length_of(node, 0, None)?;
    let encoding = match class::parse(class, pad) {
        Some(Packager::Field(Format {
            prefix: None,
            class: ContentClass::N | ContentClass::Ans,
            encoding,
            ..
        })) => match encoding {
            Encoding::Ascii => Some(MtiEncoding::Ascii),
            Encoding::Ebcdic => Some(MtiEncoding::Ebcdic),
            Encoding::Bcd => Some(MtiEncoding::Bcd),
            _ => None,
        },
        _ => None,
    };
    let encoding = encoding.ok_or_else(|| {
        SpecError::new(
            Some(0),
            format!(
                "class {} cannot hold an MTI (use IFA_NUMERIC, IFB_NUMERIC or IFE_NUMERIC)",
                class::short_name(class)
            ),
        )
    })?;
    if length != 4 {
        return Err(SpecError::new(
            Some(0),
            format!("the MTI has 4 digits, not {length}"),
        ));
    }
    Ok(encoding)
}

/// The encoding and length (bytes of bits) of a bitmap field.
fn bitmap_format(
    node: &Node,
    field: u16,
    sub: Option<u16>,
) -> Result<(BitmapEncoding, u32), SpecError> {
    check_attrs(node, Some(field), FIELD_ATTRS)?;
    let (class, pad) = class_of(node, field, sub)?;
    let length = length_of(node, field, sub)?;
    match class::parse(class, pad) {
        Some(Packager::Bitmap(encoding)) if (1..=24).contains(&length) => Ok((encoding, length)),
        Some(Packager::Bitmap(_)) => Err(field_err(
            field,
            sub,
            format!("a bitmap length of {length} bytes is outside 1-24"),
        )),
        _ => Err(field_err(
            field,
            sub,
            format!(
                "class {} is not a bitmap class (IFA_BITMAP, IFB_BITMAP, IFE_BITMAP)",
                class::short_name(class)
            ),
        )),
    }
}

/// The mask of a data element by its number: jPOS files do not mark sensitive fields.
const fn mask_of(n: u16) -> Mask {
    match n {
        2 => Mask::Pan,
        35 | 36 | 45 => Mask::Track,
        52 | 64 | 128 => Mask::Secret,
        _ => Mask::None,
    }
}

/// Builds the format of data element `field` (`sub` = the subfield number inside it).
fn field_spec(
    node: &Node,
    field: u16,
    sub: Option<u16>,
    depth: u8,
) -> Result<FieldSpec, SpecError> {
    let nested = node.name == "isofieldpackager";
    check_attrs(
        node,
        Some(field),
        if nested { PACKAGER_ATTRS } else { FIELD_ATTRS },
    )?;
    let (class, pad) = class_of(node, field, sub)?;
    let length = length_of(node, field, sub)?;
    if node.attr("inclusive").is_some_and(|v| v != "false") {
        return Err(field_err(
            field,
            sub,
            "length prefixes that count themselves (inclusive) are not supported",
        ));
    }
    if node.attr("token").is_some() {
        return Err(field_err(
            field,
            sub,
            "token-delimited fields are not supported",
        ));
    }
    if let Some(params) = node.attr("params") {
        return Err(field_err(
            field,
            sub,
            format!("constructor params `{params}` are not supported"),
        ));
    }
    if let Some(charset) = node.attr("encoding") {
        let plain = ["US-ASCII", "ASCII", "ISO-8859-1", "ISO8859_1", "UTF-8"];
        if !plain.iter().any(|c| c.eq_ignore_ascii_case(charset)) {
            return Err(field_err(
                field,
                sub,
                format!("charset `{charset}` is not supported"),
            ));
        }
    }
    let format = match class::parse(class, pad) {
        Some(Packager::Field(f)) => f,
        _ => return Err(unsupported_class(field, sub, class)),
    };
    let name = node
        .attr("name")
        .map_or_else(|| format!("DE{field}"), str::to_owned);
    let top = sub.is_none();
    // Track 2 and 3 declared as numbers carry the `=` separator: read them as track data.
    let content = if top && matches!(field, 35 | 36) && format.class == ContentClass::N {
        ContentClass::Z
    } else {
        format.class
    };
    let mut length = length;
    if let Some(prefix) = format.prefix {
        if prefix.counts == PrefixCounts::Nibbles && format.encoding == Encoding::Binary {
            // jPOS accepts a maximum that the nibble count cannot express; keep what it can.
            let most = u32::try_from(prefix.max_value() / 2).unwrap_or(u32::MAX);
            length = length.min(most);
        }
    }
    let mut fs = match format.prefix {
        None => FieldSpec::fixed(&name, content, format.encoding, length),
        Some(prefix) => FieldSpec::variable(&name, content, format.encoding, length, prefix),
    }
    .with_bcd_pad(format.bcd_pad);
    if top {
        fs = fs.with_mask(mask_of(field));
    }
    if nested {
        if depth >= 4 {
            return Err(field_err(field, sub, "subfields nest too deep"));
        }
        let composite = composite_of(node, field, depth)?;
        fs = fs.with_composite(composite);
    }
    Ok(fs)
}

/// The subfield layout of an `<isofieldpackager>`.
fn composite_of(node: &Node, field: u16, depth: u8) -> Result<Composite, SpecError> {
    for unsupported in ["tagMapper", "tagSize", "lenSize", "swapTagAndLen"] {
        if node.attr(unsupported).is_some() {
            return Err(SpecError::new(
                Some(field),
                format!("{unsupported}: tagged subfield packagers are not supported"),
            ));
        }
    }
    if node.attr("headerLength").is_some_and(|v| v != "0") {
        return Err(SpecError::new(
            Some(field),
            "a header inside a field is not supported",
        ));
    }
    let packager = node
        .attr("packager")
        .ok_or_else(|| SpecError::new(Some(field), "no packager attribute"))?;
    let short = packager.rsplit('.').next().unwrap_or(packager);
    match short {
        "BERTLVBinaryPackager" | "DefaultICCBERTLVPackager" => return Ok(Composite::BerTlv),
        "GenericSubFieldPackager" | "GenericPackager" => {}
        _ => {
            return Err(SpecError::new(
                Some(field),
                format!(
                    "packager {short} is unknown or has no equivalent in this crate's spec model"
                ),
            ))
        }
    }
    let mut bitmap_bytes = None;
    let mut subs: Vec<(u16, FieldSpec)> = Vec::new();
    for child in &node.children {
        let (id, _) = element_id(child, Some(field))?;
        if subs.iter().any(|(k, _)| *k == id) {
            return Err(field_err(field, Some(id), "defined twice"));
        }
        let child_class = child.attr("class").unwrap_or_default();
        if matches!(class::parse(child_class, false), Some(Packager::Bitmap(_))) {
            let (encoding, len) = bitmap_format(child, field, Some(id))?;
            if encoding != BitmapEncoding::Binary {
                return Err(field_err(
                    field,
                    Some(id),
                    "subfield bitmaps must be binary (IFB_BITMAP)",
                ));
            }
            if bitmap_bytes.is_some() {
                return Err(field_err(field, Some(id), "a second bitmap"));
            }
            bitmap_bytes = Some(u8::try_from(len).unwrap_or(u8::MAX));
            continue;
        }
        let placeholder = id == 0
            && (child.attr("length") == Some("0")
                || matches!(class::short_name(child_class), "IF_NOP" | "IF_UNUSED"));
        if placeholder {
            continue;
        }
        subs.push((id, field_spec(child, field, Some(id), depth + 1)?));
    }
    subs.sort_by_key(|(k, _)| *k);
    let emit = match node.attr("emitBitmap") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(v) => {
            return Err(SpecError::new(
                Some(field),
                format!("emitBitmap `{v}` is neither true nor false"),
            ))
        }
    };
    match (emit, bitmap_bytes) {
        (Some(false), Some(_)) => Err(SpecError::new(
            Some(field),
            "emitBitmap is false but a subfield bitmap is declared",
        )),
        (Some(true), None) => Err(SpecError::new(
            Some(field),
            "emitBitmap is true but no subfield bitmap (IFB_BITMAP at id 1) is declared",
        )),
        (_, Some(bytes)) => Ok(Composite::Bitmapped(BitmappedLayout::new(bytes, subs))),
        (_, None) => Ok(Composite::Positional(subs)),
    }
}

/// Reads the text into an element tree.
fn parse_tree(text: &str) -> Result<Node, SpecError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
            SpecError::new(None, format!("malformed XML: {e}")).at_offset(text, at)
        })?;
        // The reader stands where the previous event ended; white space may come before this
        // one, so an element starts at the next `<`.
        let here = text
            .get(before..)
            .and_then(|rest| rest.find(|c: char| !c.is_whitespace()))
            .map_or(before, |skip| before + skip);
        let pos = u64::try_from(here).unwrap_or(u64::MAX);
        let located = |e: SpecError| e.at_offset(text, here);
        let done = match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(located(SpecError::new(
                        None,
                        format!("elements nest deeper than {MAX_DEPTH}"),
                    )));
                }
                stack.push(node_of(&e, pos).map_err(located)?);
                None
            }
            Event::Empty(e) => Some(node_of(&e, pos).map_err(located)?),
            Event::End(_) => stack.pop(),
            Event::DocType(d) => {
                if d.contains("<!ENTITY") {
                    return Err(located(SpecError::new(
                        None,
                        "entity declarations in the DOCTYPE are not supported",
                    )));
                }
                None
            }
            Event::GeneralRef(_) => {
                return Err(located(SpecError::new(
                    None,
                    "an entity reference: entities are not supported",
                )))
            }
            Event::Text(t) if !t.trim().is_empty() => {
                return Err(located(SpecError::new(None, "unexpected text")))
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(node) = done {
            if VALIDATOR_ELEMENTS.contains(&node.name.as_str()) {
                continue;
            }
            if let Some(parent) = stack.last_mut() {
                parent.children.push(node);
            } else if root.is_none() {
                root = Some(node);
            } else {
                return Err(located(SpecError::new(None, "a second root element")));
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(
            SpecError::new(None, "malformed XML: an element is not closed")
                .at_offset(text, offset_of(open)),
        );
    }
    root.ok_or_else(|| SpecError::new(None, "no <isopackager> element"))
}

/// An element's name and attributes (predefined entities and character references resolved).
fn node_of(e: &BytesStart<'_>, pos: u64) -> Result<Node, SpecError> {
    let bad = |what: String| SpecError::new(None, format!("malformed XML: {what}"));
    let name = e.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| bad(err.to_string()))?;
        let key = attr.key.as_ref().to_owned();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| bad(format!("attribute `{key}`: {err}")))?
            .trim()
            .to_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        name,
        attrs,
        children: Vec::new(),
        pos,
    })
}
