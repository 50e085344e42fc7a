//! EMV BER-TLV (DE55): reading data objects, writing them, and the names of common tags.

use super::common::{bad_subfield, implicit, not_in_layout};
use crate::codec;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::field_id::{tag_bytes, FieldId};
use crate::spec::{ContentClass, Encoding, FieldSpec, Mask};
use crate::view::FieldView;
use nom::number::complete::{be_u16, be_u24, be_u8};
use nom::IResult;

static TLV_PLAIN: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::None);
static TLV_PAN: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Pan);
static TLV_TRACK: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Track);
static TLV_SECRET: FieldSpec = implicit(ContentClass::B, Encoding::Binary, Mask::Secret);

/// The implicit format of a data object's value: bytes, masked as card data for the tags
/// that hold it.
fn tlv_spec(tag: u32) -> &'static FieldSpec {
    match tag_mask(tag) {
        Mask::Pan => &TLV_PAN,
        Mask::Track => &TLV_TRACK,
        Mask::Secret => &TLV_SECRET,
        Mask::None => &TLV_PLAIN,
    }
}

/// Where reading data objects stands.
pub(super) struct Read {
    /// Bytes of the parent's content used so far.
    pos: usize,
}

impl Read {
    pub(super) const fn new() -> Self {
        Self { pos: 0 }
    }

    /// The next data object of `p`, skipping `0x00` filler before it; `None` at the end.
    // Inlined into `Subfields::next`, another module: without it the `get_subfield` row of
    // benches/icount.rs (`view.get("55.9F02")`) takes 1,557 instead of 1,429 instructions.
    #[inline]
    pub(super) fn step<'a>(
        &mut self,
        p: &FieldView<'a>,
    ) -> Option<Result<FieldView<'a>, DecodeError>> {
        let raw = p.as_bytes();
        // 0x00 bytes between data objects are filler.
        while raw.get(self.pos) == Some(&0) {
            self.pos += 1;
        }
        let rest = raw.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let at = self.pos;
        let header = match read_header(rest) {
            Ok(h) => h,
            Err(kind) => return Some(Err(p.field_error(kind, at))),
        };
        let start = at + header.header_len;
        let value = raw.get(start..start + header.value_len)?;
        self.pos = start + header.value_len;
        Some(Ok(FieldView::new_sub(
            p.number(),
            FieldId::Tag(header.tag),
            tlv_spec(header.tag),
            value,
            header.value_len,
            0,
        )
        .at(p.offset() + start)))
    }
}

/// One data object's header: its tag, where its value starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TlvHeader {
    pub(crate) tag: u32,
    /// Bytes of tag and length together.
    pub(crate) header_len: usize,
    pub(crate) value_len: usize,
}

/// Reads a tag: one byte, or more while the number continues (`0x1F` in the first byte, the
/// top bit in the next ones); at most 4 bytes.
#[inline]
fn tag(input: &[u8]) -> IResult<&[u8], u32> {
    let (mut rest, first) = be_u8(input)?;
    let mut tag = u32::from(first);
    if first & 0x1F != 0x1F {
        return Ok((rest, tag));
    }
    for _ in 0..3 {
        let (r, b) = be_u8(rest)?;
        rest = r;
        tag = tag << 8 | u32::from(b);
        if b & 0x80 == 0 {
            return Ok((rest, tag));
        }
    }
    Err(nom::Err::Failure(nom::error::Error::new(
        input,
        nom::error::ErrorKind::TooLarge,
    )))
}

/// Reads a length: short form below 0x80, or 0x81–0x83 followed by 1–3 bytes. The indefinite
/// form (0x80) is not allowed in EMV.
#[inline]
fn length(input: &[u8]) -> IResult<&[u8], usize> {
    let (rest, first) = be_u8(input)?;
    match first {
        0x00..=0x7F => Ok((rest, usize::from(first))),
        0x81 => be_u8(rest).map(|(r, v)| (r, usize::from(v))),
        0x82 => be_u16(rest).map(|(r, v)| (r, usize::from(v))),
        0x83 => be_u24(rest).map(|(r, v)| (r, v as usize)),
        _ => Err(nom::Err::Failure(nom::error::Error::new(
            input,
            nom::error::ErrorKind::LengthValue,
        ))),
    }
}

/// Reads the header of the data object at the start of `input` (which must not start with
/// a `0x00` filler) and checks that its value fits.
#[inline]
pub(crate) fn read_header(input: &[u8]) -> Result<TlvHeader, DecodeErrorKind> {
    let parsed = tag(input).and_then(|(rest, t)| length(rest).map(|(r, l)| (r, t, l)));
    let (rest, tag, value_len) = match parsed {
        Ok(v) => v,
        Err(nom::Err::Failure(_)) => return Err(DecodeErrorKind::InvalidTlv),
        Err(_) => {
            return Err(DecodeErrorKind::Truncated {
                needed: input.len() + 1,
                available: input.len(),
            })
        }
    };
    let header_len = input.len() - rest.len();
    if value_len > rest.len() {
        return Err(DecodeErrorKind::Truncated {
            needed: header_len + value_len,
            available: input.len(),
        });
    }
    Ok(TlvHeader {
        tag,
        header_len,
        value_len,
    })
}

/// Whether a tag is constructed (its value holds more data objects).
#[must_use]
pub const fn is_constructed(tag: u32) -> bool {
    let (bytes, skip) = (tag.to_be_bytes(), leading_zero_bytes(tag));
    let first = match skip {
        0 => bytes[0],
        1 => bytes[1],
        2 => bytes[2],
        _ => bytes[3],
    };
    first & 0x20 != 0
}

const fn leading_zero_bytes(tag: u32) -> usize {
    let lz = (tag.leading_zeros() / 8) as usize;
    if lz > 3 {
        3
    } else {
        lz
    }
}

/// The longest value a length of at most 3 bytes can give.
const MAX_VALUE: usize = 0xFF_FFFF;

/// Appends one data object's header: `tag`, and `len` in the shortest form (`len` is at most
/// [`MAX_VALUE`]).
fn write_header(out: &mut Vec<u8>, tag: u32, len: usize) {
    let (bytes, skip) = tag_bytes(tag);
    out.extend(bytes.iter().skip(skip));
    let len_bytes = u32::try_from(len).unwrap_or(0xFF_FFFF).to_be_bytes();
    match len {
        0..=0x7F => out.extend(len_bytes.iter().skip(3)),
        0x80..=0xFF => {
            out.push(0x81);
            out.extend(len_bytes.iter().skip(3));
        }
        0x100..=0xFFFF => {
            out.push(0x82);
            out.extend(len_bytes.iter().skip(2));
        }
        _ => {
            out.push(0x83);
            out.extend(len_bytes.iter().skip(1));
        }
    }
}

/// Appends one data object: `tag`, its length in the shortest form, and `value`.
///
/// Values longer than 16,777,215 bytes cannot be written and are cut to that length.
pub fn write_tlv(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    let len = value.len().min(MAX_VALUE);
    write_header(out, tag, len);
    out.extend(value.iter().take(len));
}

/// Writes the content of BER-TLV field `n` from `items`, data objects in the order given,
/// each value given in hex and decoded straight into place. Returns the content's length in
/// bytes.
pub(super) fn write(
    n: u16,
    items: &[(FieldId, &str)],
    out: &mut Vec<u8>,
) -> Result<usize, EncodeError> {
    let start = out.len();
    for (id, value) in items {
        let FieldId::Tag(tag) = *id else {
            return Err(not_in_layout(n, *id));
        };
        let hex = value.as_bytes();
        if hex.len() % 2 == 1 {
            return Err(bad_subfield(n, *id, hex.len()));
        }
        let len = hex.len() / 2;
        if len > MAX_VALUE {
            return Err(bad_subfield(n, *id, 2 * MAX_VALUE));
        }
        write_header(out, tag, len);
        let at = out.len();
        out.resize(at + len, 0);
        let place = out.get_mut(at..).unwrap_or_default();
        codec::hex_decode_into(hex, place).map_err(|p| bad_subfield(n, *id, p))?;
    }
    Ok(out.len() - start)
}

/// The name of a common EMV tag (EMV Book 3 Annex A and the scheme tags most terminals
/// send), or `None` for others.
#[must_use]
pub fn tag_name(tag: u32) -> Option<&'static str> {
    EMV_TAGS
        .binary_search_by_key(&tag, |(t, _)| *t)
        .ok()
        .and_then(|i| EMV_TAGS.get(i))
        .map(|(_, name)| *name)
}

/// Tags whose values are card data: shown masked unless clear text is asked for.
pub(crate) fn tag_mask(tag: u32) -> crate::spec::Mask {
    use crate::spec::Mask;
    match tag {
        0x5A => Mask::Pan,
        0x57 | 0x9F6B => Mask::Track,
        0x56 | 0x5F20 | 0x9F1F | 0x9F20 => Mask::Secret,
        _ => Mask::None,
    }
}

/// Common EMV tags and their names, sorted by tag.
const EMV_TAGS: &[(u32, &str)] = &[
    (0x4F, "Application identifier (AID), card"),
    (0x50, "Application label"),
    (0x56, "Track 1 data"),
    (0x57, "Track 2 equivalent data"),
    (0x5A, "Application PAN"),
    (0x6F, "File control information template"),
    (0x70, "Record template"),
    (0x71, "Issuer script template 1"),
    (0x72, "Issuer script template 2"),
    (0x77, "Response message template format 2"),
    (0x80, "Response message template format 1"),
    (0x82, "Application interchange profile"),
    (0x84, "Dedicated file name"),
    (0x8A, "Authorisation response code"),
    (0x8C, "CDOL1"),
    (0x8D, "CDOL2"),
    (0x8E, "CVM list"),
    (0x8F, "CA public key index"),
    (0x91, "Issuer authentication data"),
    (0x95, "Terminal verification results"),
    (0x9A, "Transaction date"),
    (0x9B, "Transaction status information"),
    (0x9C, "Transaction type"),
    (0x5F20, "Cardholder name"),
    (0x5F24, "Application expiration date"),
    (0x5F25, "Application effective date"),
    (0x5F28, "Issuer country code"),
    (0x5F2A, "Transaction currency code"),
    (0x5F2D, "Language preference"),
    (0x5F30, "Service code"),
    (0x5F34, "PAN sequence number"),
    (0x9F02, "Amount, authorised"),
    (0x9F03, "Amount, other"),
    (0x9F06, "Application identifier (AID), terminal"),
    (0x9F07, "Application usage control"),
    (0x9F08, "Application version number, card"),
    (0x9F09, "Application version number, terminal"),
    (0x9F0D, "Issuer action code, default"),
    (0x9F0E, "Issuer action code, denial"),
    (0x9F0F, "Issuer action code, online"),
    (0x9F10, "Issuer application data"),
    (0x9F11, "Issuer code table index"),
    (0x9F12, "Application preferred name"),
    (0x9F1A, "Terminal country code"),
    (0x9F1E, "Interface device serial number"),
    (0x9F1F, "Track 1 discretionary data"),
    (0x9F20, "Track 2 discretionary data"),
    (0x9F21, "Transaction time"),
    (0x9F26, "Application cryptogram"),
    (0x9F27, "Cryptogram information data"),
    (0x9F33, "Terminal capabilities"),
    (0x9F34, "CVM results"),
    (0x9F35, "Terminal type"),
    (0x9F36, "Application transaction counter"),
    (0x9F37, "Unpredictable number"),
    (0x9F39, "POS entry mode"),
    (0x9F40, "Additional terminal capabilities"),
    (0x9F41, "Transaction sequence counter"),
    (0x9F53, "Transaction category code"),
    (0x9F66, "Terminal transaction qualifiers"),
    (0x9F6B, "Track 2 data (contactless)"),
    (0x9F6C, "Card transaction qualifiers"),
    (0x9F6E, "Form factor indicator / third-party data"),
];

#[cfg(test)]
mod tests {
    use super::{is_constructed, read_header, tag_name, write_tlv, EMV_TAGS};
    use crate::error::DecodeErrorKind;

    #[test]
    fn tag_table_is_sorted() {
        assert!(EMV_TAGS
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.0 < b.0)));
        assert_eq!(tag_name(0x9F02), Some("Amount, authorised"));
        assert_eq!(tag_name(0xDF01), None);
    }

    #[test]
    fn decodes_headers() {
        let h = read_header(&[0x9F, 0x02, 0x06, 0, 0, 0, 0, 0, 1]).unwrap();
        assert_eq!((h.tag, h.header_len, h.value_len), (0x9F02, 3, 6));
        let mut long = vec![0x71, 0x81, 0x80];
        long.resize(3 + 0x80, 0xAA);
        let h = read_header(&long).unwrap();
        assert_eq!((h.tag, h.header_len, h.value_len), (0x71, 3, 128));
        assert_eq!(
            read_header(&[0x9F, 0x02, 0x80]),
            Err(DecodeErrorKind::InvalidTlv)
        );
        assert_eq!(
            read_header(&[0x9F, 0x82, 0x83, 0x84, 0x05, 0]),
            Err(DecodeErrorKind::InvalidTlv)
        );
        assert_eq!(
            read_header(&[0x9F, 0x02, 0x06, 0]),
            Err(DecodeErrorKind::Truncated {
                needed: 9,
                available: 4
            })
        );
        assert!(is_constructed(0x70) && is_constructed(0xBF0C) && !is_constructed(0x9F02));
    }

    #[test]
    fn round_trips_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 70_000] {
            let value = vec![0x5A; len];
            let mut out = Vec::new();
            write_tlv(&mut out, 0xDF8101, &value);
            let h = read_header(&out).unwrap();
            assert_eq!((h.tag, h.value_len), (0xDF8101, len));
            assert_eq!(out.len(), h.header_len + len);
        }
    }
}
