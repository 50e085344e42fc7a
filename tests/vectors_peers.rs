//! Every vector of `tests/vectors/peers.json` (messages from other ISO 8583 libraries' test
//! suites) decodes with a spec built from the source library's own field formats to exactly the
//! listed fields, and encodes back to the same bytes.
//!
//! The formats come in five vocabularies, translated here to our settings:
//! - pyiso8583 (`data_enc`, `len_enc`, `len_type`, `max_len`, `len_count`, `left_pad`,
//!   `right_pad`; keys `h` header, `t` MTI, `p` primary bitmap, `1` secondary bitmap),
//! - i8583 (`type` NUM/AN/ANS/XN/Z, `size` FIXED(n)/LL(n)/LLL(n)),
//! - iso_8583_rs (`ContentType`, `LenType`, `MaxLen`, `MinLen`),
//! - iso8583-codec (`kind` numeric/text, `length` fixed(n)/llvar(n)),
//! - iso8583-codec-rs (`defaults` plus `type`, `length`, `prefix`, `encoding` per field).
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use bytes::Bytes;
use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding,
    PrefixCounts, PrefixEncoding,
};
use iso8583_wire::{DecodeErrorKind, Element, FieldSpec, Message, MessageView, Spec};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const PEERS: &str = include_str!("vectors/peers.json");

fn entries() -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(PEERS).unwrap()
}

fn entry(i: usize) -> Value {
    entries().swap_remove(i)
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string `{key}` in {v}"))
}

fn u(v: &Value, key: &str) -> u32 {
    u32::try_from(
        v.get(key)
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("missing number `{key}` in {v}")),
    )
    .unwrap()
}

/// The number inside `NAME(n)`, e.g. `LL(19)` or `llvar(19)`.
fn paren_len(size: &str) -> (String, u32) {
    let (kind, rest) = size.split_once('(').unwrap();
    (
        kind.to_ascii_lowercase(),
        rest.trim_end_matches(')').parse().unwrap(),
    )
}

/// An ASCII decimal prefix of `ll` (2 digits), `lll` (3) or none for `fixed`.
fn ascii_prefix(kind: &str) -> Option<LengthPrefix> {
    match kind {
        "fixed" => None,
        "ll" | "llvar" => Some(LengthPrefix::new(2, PrefixEncoding::Ascii)),
        "lll" | "lllvar" => Some(LengthPrefix::new(3, PrefixEncoding::Ascii)),
        other => panic!("unknown length kind {other}"),
    }
}

fn field(
    n: u16,
    class: ContentClass,
    encoding: Encoding,
    len: u32,
    prefix: Option<LengthPrefix>,
) -> FieldSpec {
    let name = format!("DE{n}");
    match prefix {
        None => FieldSpec::fixed(&name, class, encoding, len),
        Some(p) => FieldSpec::variable(&name, class, encoding, len, p),
    }
}

/// The spec of one entry, and whether its header is shown as hex (binary header) or text.
#[derive(Debug)]
struct Built {
    layout: MessageLayout,
    fields: Vec<(u16, FieldSpec)>,
    header_is_binary: bool,
}

impl Built {
    fn spec(&self, name: &str) -> Spec {
        Spec::new(name, self.layout, self.fields.clone()).unwrap()
    }

    fn field_mut(&mut self, n: u16) -> &mut FieldSpec {
        &mut self.fields.iter_mut().find(|(k, _)| *k == n).unwrap().1
    }
}

/// Translates an entry's `field_formats` into our settings; `Err` names what cannot be expressed.
fn translate(e: &Value) -> Result<Built, String> {
    let formats = e["field_formats"].as_object().unwrap();
    let any = formats.values().next().unwrap();
    if formats.contains_key("defaults") {
        Ok(codec_rs(formats))
    } else if any.get("data_enc").is_some() {
        pyiso(formats)
    } else if any.get("ContentType").is_some() {
        Ok(iso_8583_rs(formats))
    } else if any.get("kind").is_some() {
        Ok(iso8583_codec(formats))
    } else if any.get("size").is_some() {
        Ok(i8583(formats))
    } else {
        Err(format!("unknown vocabulary: {any}"))
    }
}

fn numbered(formats: &Map<String, Value>) -> impl Iterator<Item = (u16, &Value)> {
    formats
        .iter()
        .filter_map(|(k, v)| Some((k.parse::<u16>().ok()?, v)))
}

/// pyiso8583 4.x: content is bytes in `data_enc` (`ascii`, `cp500` or `b` raw), with no
/// content class, so text fields become `ans`. `len_count: nibbles` over `b` data is BCD-packed
/// hex nibbles (class `b`, encoding `bcd`) whose odd filler is `left_pad`/`right_pad`. Bit 65
/// announces a tertiary bitmap (pyiso8583 4.x). Field 1 gives the secondary bitmap's encoding.
fn pyiso(formats: &Map<String, Value>) -> Result<Built, String> {
    let enc = |k: &str, default: &str| -> String {
        formats
            .get(k)
            .map_or(default, |f| s(f, "data_enc"))
            .to_owned()
    };
    let bitmap_enc = |name: &str| match name {
        "ascii" => BitmapEncoding::AsciiHex,
        "cp500" => BitmapEncoding::EbcdicHex,
        "b" => BitmapEncoding::Binary,
        other => panic!("bitmap data_enc {other}"),
    };
    let primary = bitmap_enc(&enc("p", "ascii"));
    let secondary = bitmap_enc(&enc("1", &enc("p", "ascii")));
    let mti = match enc("t", "ascii").as_str() {
        "ascii" => MtiEncoding::Ascii,
        // cp500 and cp037 agree on the digits.
        "cp500" => MtiEncoding::Ebcdic,
        "b" => MtiEncoding::Bcd,
        other => panic!("MTI data_enc {other}"),
    };
    let header = formats.get("h").map_or(0, |h| u(h, "max_len"));
    let header_is_binary = enc("h", "ascii") == "b";
    let mut layout = MessageLayout::new(mti, primary)
        .with_header(header as usize)
        .with_tertiary_bitmap();
    if secondary != primary {
        layout = layout.with_extra_bitmap_encoding(secondary);
    }
    let mut fields = Vec::new();
    for (n, f) in numbered(formats) {
        if n == 1 {
            continue;
        }
        let max = u(f, "max_len");
        let nibbles = f.get("len_count").and_then(Value::as_str) == Some("nibbles");
        let (class, encoding, length) = match (s(f, "data_enc"), nibbles) {
            ("ascii", false) => (ContentClass::Ans, Encoding::Ascii, max),
            ("ascii", true) => (ContentClass::Ans, Encoding::Ascii, max / 2),
            ("cp500", false) => (ContentClass::Ans, Encoding::Ebcdic, max),
            ("b", false) => (ContentClass::B, Encoding::Binary, max),
            ("b", true) => (ContentClass::B, Encoding::Bcd, max),
            (other, _) => return Err(format!("field {n}: data_enc {other} with {nibbles}")),
        };
        let len_type = u8::try_from(u(f, "len_type")).unwrap();
        let prefix = match (len_type, s(f, "len_enc")) {
            (0, _) => None,
            (w, "ascii") => Some(LengthPrefix::new(w, PrefixEncoding::Ascii)),
            (w, "cp500") => Some(LengthPrefix::new(w, PrefixEncoding::Ebcdic)),
            // len_type counts bytes: two BCD digits a byte.
            (w, "bcd") => Some(LengthPrefix::new(2 * w, PrefixEncoding::Bcd)),
            (w, "b") => Some(LengthPrefix::new(w, PrefixEncoding::Binary)),
            (_, other) => return Err(format!("field {n}: len_enc {other}")),
        }
        .map(|p| {
            p.counting(if nibbles {
                PrefixCounts::Nibbles
            } else {
                PrefixCounts::Bytes
            })
        });
        let pad = match (
            f.get("left_pad").and_then(Value::as_str),
            f.get("right_pad").and_then(Value::as_str),
        ) {
            (Some("F"), _) => BcdPad::LeftF,
            (Some("0") | None, None) => BcdPad::Left0,
            (None, Some("F")) => BcdPad::RightF,
            (None, Some("0")) => BcdPad::Right0,
            other => return Err(format!("field {n}: padding {other:?}")),
        };
        fields.push((
            n,
            field(n, class, encoding, length, prefix).with_bcd_pad(pad),
        ));
    }
    Ok(Built {
        layout,
        fields,
        header_is_binary,
    })
}

/// i8583 0.1: ASCII MTI, ASCII-hex bitmaps, ASCII fields and LL/LLL prefixes.
fn i8583(formats: &Map<String, Value>) -> Built {
    let fields = numbered(formats)
        .map(|(n, f)| {
            let class = match s(f, "type") {
                "NUM" => ContentClass::N,
                "AN" => ContentClass::An,
                "ANS" => ContentClass::Ans,
                "XN" => ContentClass::Xn,
                "Z" => ContentClass::Z,
                other => panic!("i8583 type {other}"),
            };
            assert_eq!(s(f, "encoding"), "ascii");
            let (kind, len) = paren_len(s(f, "size"));
            (
                n,
                field(n, class, Encoding::Ascii, len, ascii_prefix(&kind)),
            )
        })
        .collect();
    Built {
        layout: MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        fields,
        header_is_binary: false,
    }
}

/// iso_8583_rs 0.2 (spec1987.yml): ASCII MTI, ASCII-hex bitmaps, ASCII fields and prefixes.
fn iso_8583_rs(formats: &Map<String, Value>) -> Built {
    let fields = numbered(formats)
        .map(|(n, f)| {
            let class = match s(f, "ContentType") {
                "n" => ContentClass::N,
                "an" => ContentClass::An,
                "ans" => ContentClass::Ans,
                other => panic!("iso_8583_rs content type {other}"),
            };
            assert_eq!(s(f, "encoding"), "ascii");
            let kind = s(f, "LenType");
            let fs = field(
                n,
                class,
                Encoding::Ascii,
                u(f, "MaxLen"),
                ascii_prefix(kind),
            );
            let fs = if kind == "fixed" {
                fs
            } else {
                fs.with_min_length(u(f, "MinLen"))
            };
            (n, fs)
        })
        .collect();
    Built {
        layout: MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        fields,
        header_is_binary: false,
    }
}

/// iso8583-codec 0.1 (`Spec::iso8583_1987`): ASCII MTI, 8-byte binary bitmaps, ASCII fields
/// and prefixes.
fn iso8583_codec(formats: &Map<String, Value>) -> Built {
    let fields = numbered(formats)
        .map(|(n, f)| {
            let class = match s(f, "kind") {
                "numeric" => ContentClass::N,
                "text" => ContentClass::Ans,
                other => panic!("iso8583-codec kind {other}"),
            };
            assert_eq!(s(f, "encoding"), "ascii");
            let (kind, len) = paren_len(s(f, "length"));
            (
                n,
                field(n, class, Encoding::Ascii, len, ascii_prefix(&kind)),
            )
        })
        .collect();
    Built {
        layout: MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::Binary),
        fields,
        header_is_binary: false,
    }
}

/// iso8583-codec-rs 0.1: layout from `defaults`; strings are `ans`, numerics `n`, composites
/// are joined digits (`n`); LLVAR/LLLVAR prefixes in the default prefix encoding.
fn codec_rs(formats: &Map<String, Value>) -> Built {
    let d = &formats["defaults"];
    let encoding = |name: &str| match name {
        "ascii" => Encoding::Ascii,
        "ebcdic" => Encoding::Ebcdic,
        "bcd" => Encoding::Bcd,
        other => panic!("encoding {other}"),
    };
    let prefix_encoding = match s(d, "prefix_encoding") {
        "bcd" => PrefixEncoding::Bcd,
        "ascii" => PrefixEncoding::Ascii,
        other => panic!("prefix encoding {other}"),
    };
    let mti = match s(d, "mti_encoding") {
        "bcd" => MtiEncoding::Bcd,
        "ascii" => MtiEncoding::Ascii,
        other => panic!("MTI encoding {other}"),
    };
    assert_eq!(s(d, "bitmap_encoding"), "binary");
    let layout = MessageLayout::new(mti, BitmapEncoding::Binary);
    // max_bitmaps 3 says bit 65 announces a third bitmap.
    let layout = if u(d, "max_bitmaps") == 3 {
        layout.with_tertiary_bitmap()
    } else {
        layout
    };
    let fields = numbered(formats)
        .map(|(n, f)| {
            let class = match s(f, "type") {
                "string" => ContentClass::Ans,
                "numeric" | "composite" => ContentClass::N,
                other => panic!("iso8583-codec-rs type {other}"),
            };
            let prefix = match s(f, "prefix") {
                "fixed" => None,
                "LLVAR" => Some(LengthPrefix::new(2, prefix_encoding)),
                "LLLVAR" => Some(LengthPrefix::new(3, prefix_encoding)),
                other => panic!("prefix {other}"),
            };
            (
                n,
                field(n, class, encoding(s(f, "encoding")), u(f, "length"), prefix),
            )
        })
        .collect();
    Built {
        layout,
        fields,
        header_is_binary: false,
    }
}

/// The entry's wire bytes without any network framing (a 2-byte big-endian length header,
/// checked against the rest here; framing is not part of message decoding).
fn message_bytes(e: &Value) -> Vec<u8> {
    let wire = unhex(s(e, "wire_hex"));
    match e.get("framing").and_then(|f| f.get("length_header")) {
        None => wire,
        Some(how) => {
            assert!(how
                .as_str()
                .unwrap()
                .starts_with("2-byte binary big-endian"));
            let (len, rest) = wire.split_at(2);
            assert_eq!(
                usize::from(u16::from_be_bytes([len[0], len[1]])),
                rest.len()
            );
            rest.to_vec()
        }
    }
}

/// Decodes the entry with `spec`, compares every field with the listed ones, and checks that
/// the message encodes back to `reencoded`.
fn check(i: usize, built: &Built, reencoded: &[u8]) {
    let e = entry(i);
    let spec = built.spec(&format!("peer-{i}"));
    let wire = message_bytes(&e);
    let view = MessageView::decode(&spec, &wire)
        .unwrap_or_else(|err| panic!("entry {i} ({}): {err}", s(&e, "source")));

    let mut got = BTreeMap::new();
    got.insert("t".to_owned(), view.mti().as_str().to_owned());
    if !view.header().is_empty() {
        let h = if built.header_is_binary {
            hex(view.header())
        } else {
            String::from_utf8(view.header().to_vec()).unwrap()
        };
        got.insert("h".to_owned(), h);
    }
    for fv in view.fields() {
        let mut buf = [0u8; 1024];
        let text = fv.text_into(&mut buf).unwrap();
        assert_eq!(text, fv.to_text());
        got.insert(fv.number().to_string(), text.to_owned());
    }
    let expected: BTreeMap<String, String> = e["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(got, expected, "entry {i} ({})", s(&e, "source"));

    let owned = Message::from_view(&view);
    let bytes = owned.to_vec(&spec).unwrap();
    assert_eq!(hex(&bytes), hex(reencoded), "entry {i} re-encoded");
    assert_eq!(owned.encoded_len(&spec).unwrap(), bytes.len());
    let shared = Message::decode(&spec, Bytes::from(wire.clone())).unwrap();
    assert_eq!(shared, owned);
}

/// Translates, decodes, compares and re-encodes byte-identically.
fn round_trip(i: usize) {
    let e = entry(i);
    let built = translate(&e).unwrap_or_else(|why| panic!("entry {i}: {why}"));
    check(i, &built, &message_bytes(&e));
}

#[test]
fn peers_file_holds_twenty_sourced_entries() {
    let all = entries();
    assert_eq!(all.len(), 20);
    for e in &all {
        assert!(!s(e, "source").is_empty());
        assert!(!s(e, "wire_hex").is_empty());
    }
}

#[test]
fn decodes_peer_00_ebcdic_mti_no_fields() {
    round_trip(0);
}

/// pyiso8583 accepts a mixed-case hex bitmap (`0Aa0…`); we accept it too, and write
/// hex in upper case, so the re-encoded bitmap reads `0AA0…`.
#[test]
fn decodes_peer_01_mixed_case_ascii_bitmap() {
    let e = entry(1);
    let built = translate(&e).unwrap();
    let mut expected = message_bytes(&e);
    assert_eq!(&expected[4..20], b"0Aa0000000000000");
    expected[6] = b'A';
    check(1, &built, &expected);
}

#[test]
fn decodes_peer_02_ascii_header_binary_bitmap() {
    round_trip(2);
}

/// The source spec writes the primary bitmap as ASCII hex and the secondary bitmap (field 1)
/// as 8 raw bytes.
#[test]
fn decodes_peer_03_binary_secondary_after_ascii_primary() {
    let e = entry(3);
    assert_eq!(
        translate(&e).unwrap().layout.extra_bitmap_encoding,
        Some(BitmapEncoding::Binary)
    );
    round_trip(3);
}

/// With one encoding for every bitmap, the secondary bitmap's raw bytes are not hex
/// characters.
#[test]
fn rejects_peer_03_with_one_bitmap_encoding() {
    let e = entry(3);
    let spec = Spec::new(
        "peer-3-ascii-hex",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        [],
    )
    .unwrap();
    let err = MessageView::decode(&spec, &message_bytes(&e)).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidBitmap);
    assert_eq!(err.element(), Element::Bitmap(2));
    assert_eq!(err.offset(), 20);
}

#[test]
fn decodes_peer_04_tertiary_bitmap() {
    let e = entry(4);
    assert!(translate(&e).unwrap().layout.tertiary_bitmap);
    round_trip(4);
}

#[test]
fn decodes_peer_05_bcd_prefix_counting_nibbles_over_ascii() {
    round_trip(5);
}

#[test]
fn decodes_peer_06_odd_bcd_left_f_counting_nibbles() {
    let e = entry(6);
    let built = translate(&e).unwrap();
    let spec = built.spec("peer-6");
    let wire = message_bytes(&e);
    let view = MessageView::decode(&spec, &wire).unwrap();
    // Three nibbles after an F filler, prefix 0003 in BCD.
    assert_eq!(view.field(2).unwrap().as_bytes(), [0xF1, 0x23]);
    assert_eq!(view.field(2).unwrap().len(), 3);
    round_trip(6);
}

#[test]
fn decodes_peer_07_binary_length_prefix() {
    round_trip(7);
}

#[test]
fn decodes_peer_08_header_binary_secondary_bitmap() {
    round_trip(8);
}

#[test]
fn decodes_peer_09_default_ascii_doc_example() {
    round_trip(9);
}

#[test]
fn decodes_peer_10_ascii_secondary_bitmap() {
    round_trip(10);
}

/// China UnionPay-style POS frame: the 2-byte length is stripped (and checked) here, the
/// 5-byte TPDU is the header; BCD MTI and numerics, BCD track 2 counted in nibbles, EMV DE55.
#[test]
fn decodes_peer_11_cup_frame_tpdu_bcd_emv() {
    let e = entry(11);
    let built = translate(&e).unwrap();
    assert_eq!(built.layout.header_length, 5);
    assert_eq!(built.layout.mti_encoding, MtiEncoding::Bcd);
    round_trip(11);
}

/// i8583's NUM type does not check its content: DE3 of this vector is `9A0000`. Read as `n`
/// the message is rejected at DE3's first letter; with DE3 as `an`, every field matches.
#[test]
fn decodes_peer_12_i8583_num_field_holding_a_letter() {
    let e = entry(12);
    let mut built = translate(&e).unwrap();
    let strict = built.spec("peer-12-strict");
    let err = MessageView::decode(&strict, &message_bytes(&e)).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidContent { class: "n" });
    assert_eq!(err.field(), Some(3));
    // 4 MTI + 16 bitmap, then "9A0000": the `A` is byte 21.
    assert_eq!(err.offset(), 21);
    built.field_mut(3).class = ContentClass::An;
    check(12, &built, &message_bytes(&e));
}

#[test]
fn decodes_peer_13_nibss_secondary_bitmap_xn_track_emv_text() {
    round_trip(13);
}

#[test]
fn decodes_peer_14_iso_8583_rs_readme() {
    round_trip(14);
}

#[test]
fn decodes_peer_15_iso8583_codec_binary_bitmap() {
    round_trip(15);
}

/// Entries 16 and 17 (the 17th and 18th of the file) were written by iso8583-codec-rs, whose
/// spec declares DE22 as BCD but whose encoder writes it as three ASCII digits (`303531`).
/// They are decoded with DE22 as the wire has it: `n 3` in ASCII.
fn codec_rs_with_ascii_de22(i: usize, de22_at: usize) {
    let e = entry(i);
    let mut built = translate(&e).unwrap();
    // As declared (BCD), the ASCII digit `0` (0x30) puts a 3 in the filler nibble.
    let declared = built.spec("declared");
    let err = MessageView::decode(&declared, &message_bytes(&e)).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidContent { class: "n" });
    assert_eq!(err.field(), Some(22));
    assert_eq!(err.offset(), de22_at);
    built.field_mut(22).encoding = Encoding::Ascii;
    check(i, &built, &message_bytes(&e));
}

#[test]
fn decodes_peer_16_codec_rs_visa_bcd_ebcdic() {
    // BCD MTI 2 + bitmap 8 + DE2 1+16 + DE3 3 + DE4 6 + DE7 5 + DE11 3 + DE14 2.
    codec_rs_with_ascii_de22(16, 46);
}

#[test]
fn decodes_peer_17_codec_rs_mastercard_bcd_ebcdic() {
    // As entry 16 with a 4-byte ASCII MTI.
    codec_rs_with_ascii_de22(17, 48);
}

#[test]
fn decodes_peer_18_reference_0200() {
    round_trip(18);
}

#[test]
fn decodes_peer_19_reference_0210() {
    round_trip(19);
}
