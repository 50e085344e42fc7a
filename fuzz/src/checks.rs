//! One check per fuzz target, over raw input bytes. Every check passes on any input that
//! does not reveal a bug: a failed assertion or a panic inside the crate is a finding.
//!
//! Built with the fuzz targets and, through a `#[path]` module, with the crate's replay test
//! `tests/fuzz_regressions.rs`, so a saved input is checked exactly as the fuzzer checked it.

use arbitrary::Unstructured;
use bytes::Bytes;
use iso8583_wire::composite::FieldId;
use iso8583_wire::response::{Dialect, Lang, ResponseTable};
use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, BitmappedLayout, Composite, ContentClass as C, Encoding as E,
    LengthPrefix, MessageLayout, MtiEncoding, PrefixEncoding as P, TaggedLayout,
};
use iso8583_wire::{
    DecodeError, DecodeErrorKind, FieldSpec, FieldView, Message, MessageView, Mti, Spec,
};
use std::sync::OnceLock;

// Each in a file of its own, named after its target; the paths hold both when this file is
// the fuzz crate's module and when the replay test includes it by path.
#[path = "checks/frame.rs"]
mod frame;
#[cfg(feature = "jpos")]
#[path = "checks/jpos_xml.rs"]
mod jpos_xml;

pub use frame::frame;
#[cfg(feature = "jpos")]
pub use jpos_xml::jpos_xml;

/// A check: takes any bytes, returns normally unless the input shows a bug.
pub type Check = fn(&[u8]);

/// Every target by name, as in `fuzz/Cargo.toml`; the replay test runs each saved input of
/// `fuzz/corpus/NAME/` and `tests/fuzz-crashes/NAME-*` through the check named here.
pub const TARGETS: &[(&str, Check)] = &[
    ("decode", decode),
    ("round_trip", round_trip),
    ("encode", encode),
    ("spec_load", spec_load),
    ("subfields", subfields),
    ("response_table", response_table),
    ("frame", frame),
    #[cfg(feature = "jpos")]
    ("jpos_xml", jpos_xml),
];

/// The built-in spec chosen by `selector`: `Spec::builtin_names()[selector % count]`.
fn builtin_by_selector(selector: u8) -> Option<&'static Spec> {
    let names = Spec::builtin_names();
    let i = usize::from(selector).checked_rem(names.len())?;
    Spec::builtin(names.get(i)?)
}

/// Splits `data` into a built-in spec (chosen by the first byte) and the wire bytes after it.
fn select(data: &[u8]) -> Option<(&'static Spec, &[u8])> {
    let (&selector, wire) = data.split_first()?;
    Some((builtin_by_selector(selector)?, wire))
}

/// Reads every field of a decoded message in every way the public API offers.
fn exercise_view(view: &MessageView<'_>) {
    exercise_view_with(view, &[]);
}

/// [`exercise_view`] of a message decoded leniently, whose fields `broken` break their class:
/// their text may fail to convert (and is then empty), as `decode_lenient` documents.
fn exercise_view_with(view: &MessageView<'_>, broken: &[u16]) {
    let _ = view.mti().as_str();
    let _ = view.header();
    let _ = view.bitmap();
    let _ = view.field(39);
    let mut buf = [0u8; 64];
    for field in view.fields() {
        assert!(view.has(field.number()));
        // Found by number, the same field (whatever the number of fields and their stride).
        let by_number = view.field(field.number());
        assert_eq!(by_number.map(|f| f.as_bytes()), Some(field.as_bytes()));
        assert_eq!(by_number.map(|f| f.len()), Some(field.len()));
        let _ = field.as_str();
        let _ = field.to_u64();
        let _ = field.text_into(&mut buf);
        let text = field.to_text();
        if !(broken.contains(&field.number()) && text.is_empty()) {
            assert_eq!(text.len(), field.text_len());
        }
        let _ = field.masked().to_string();
        let _ = field.unmasked().to_string();
        let _ = format!("{field:?}");
    }
    let _ = view.to_string();
    let _ = format!("{view:?}");
}

/// Target `decode`: the first byte chooses a built-in spec, the rest is decoded with it.
/// Decoding never panics; a decoded message can be read in every way; `Message::decode`
/// agrees with `MessageView::decode` and with `Message::from_view`; lenient decoding agrees
/// with strict decoding (see [`lenient_agrees`]).
pub fn decode(data: &[u8]) {
    let Some((spec, wire)) = select(data) else {
        return;
    };
    let owned = Message::decode(spec, Bytes::copy_from_slice(wire));
    let strict = MessageView::decode(spec, wire);
    lenient_agrees(spec, wire, &strict);
    match strict {
        Ok(view) => {
            exercise_view(&view);
            let from_view = Message::from_view(&view);
            assert_eq!(owned.as_ref().ok(), Some(&from_view));
            assert_eq!(from_view.mti(), view.mti());
            assert!(from_view.numbers().eq(view.fields().map(|f| f.number())));
            for (a, b) in from_view.fields(spec).zip(view.fields()) {
                assert_eq!(a.as_bytes(), b.as_bytes());
                assert_eq!(a.to_text(), b.to_text());
            }
            let _ = format!("{from_view:?}");
        }
        Err(e) => {
            assert_eq!(owned.err(), Some(e));
            let _ = e.to_string();
            assert!(e.offset() <= wire.len());
        }
    }
}

/// Lenient decoding of `wire` against its strict decoding: the same view when strict
/// succeeds, the same error when strict fails on structure; when strict fails on content,
/// lenient records that fault first (and reads every field, each one readable) or fails on
/// structure further on. A violation never lies outside the input.
fn lenient_agrees(spec: &Spec, wire: &[u8], strict: &Result<MessageView<'_>, DecodeError>) {
    let mut violations = Vec::new();
    let lenient = MessageView::decode_lenient(spec, wire, &mut violations);
    let places = |v: &MessageView<'_>| {
        v.fields()
            .map(|f| (f.number(), f.offset(), f.as_bytes().to_vec()))
            .collect::<Vec<_>>()
    };
    match strict {
        Ok(s) => {
            assert!(violations.is_empty());
            assert_eq!(lenient.as_ref().ok().map(places), Some(places(s)));
        }
        Err(e) if !matches!(e.kind(), DecodeErrorKind::InvalidContent { .. }) => {
            assert_eq!(lenient.as_ref().err(), Some(e));
        }
        Err(e) => match &lenient {
            Ok(l) => {
                let first = violations.first().map(|v| (v.element(), v.offset()));
                assert_eq!(first, Some((e.element(), e.offset())));
                assert!(violations.iter().all(|v| v.offset() < wire.len()));
                assert!(violations
                    .iter()
                    .zip(violations.iter().skip(1))
                    .all(|(a, b)| a.offset() < b.offset()));
                let broken: Vec<u16> = violations
                    .iter()
                    .filter_map(|v| match v.element() {
                        iso8583_wire::Element::Field(n) => Some(n),
                        _ => None,
                    })
                    .collect();
                exercise_view_with(l, &broken);
            }
            Err(later) => assert!(later.offset() > e.offset(), "{e} then {later}"),
        },
    }
}

/// How many bitmaps are on the wire when bit 1 (`secondary`) and bit 65 (`tertiary`) are set
/// as given.
fn bitmaps_on_wire(spec: &Spec, secondary: bool, tertiary: bool) -> usize {
    1 + usize::from(secondary) + usize::from(secondary && tertiary && spec.layout().tertiary_bitmap)
}

/// Target `round_trip`: whatever decodes (spec chosen as in [`decode`]) encodes back through
/// `Message::from_view(&view).to_vec(spec)`, with `encoded_len` equal to the bytes written,
/// to bytes that decode again to an equal message and re-encode to themselves.
///
/// The encoded bytes equal the input, except for one thing the encoder rebuilds instead of
/// copying: the bitmaps, written from the fields present in upper-case hex. So an input whose
/// bitmaps are lower-case hex or announce an empty secondary or tertiary bitmap encodes to the
/// same header, MTI and field bytes behind the canonical bitmaps, announcing the same fields.
pub fn round_trip(data: &[u8]) {
    let Some((spec, wire)) = select(data) else {
        return;
    };
    let Ok(view) = MessageView::decode(spec, wire) else {
        return;
    };
    let message = Message::from_view(&view);
    let encoded = message.to_vec(spec);
    assert!(encoded.is_ok());
    let encoded = encoded.unwrap_or_default();
    assert_eq!(message.encoded_len(spec).ok(), Some(encoded.len()));
    let again = Message::decode(spec, Bytes::from(encoded.clone()));
    assert_eq!(again.as_ref().ok(), Some(&message));
    assert_eq!(
        again.ok().and_then(|m| m.to_vec(spec).ok()).as_ref(),
        Some(&encoded)
    );
    if encoded == wire {
        return;
    }
    // Only the bitmaps may differ: same header and MTI before them, same fields after them.
    let layout = spec.layout();
    let head = layout.header_length + layout.mti_encoding.wire_len();
    let read = view.bitmap();
    let fields = message.bitmap();
    let bitmap_len = layout.bitmap_encoding.wire_len();
    let in_len = bitmaps_on_wire(spec, read.contains(1), read.contains(65));
    let out_len = bitmaps_on_wire(
        spec,
        fields.iter().any(|n| n > 64),
        fields.iter().any(|n| n > 128),
    );
    assert!(in_len >= out_len);
    assert_eq!(wire.get(..head), encoded.get(..head));
    assert_eq!(
        wire.get(head + in_len * bitmap_len..),
        encoded.get(head + out_len * bitmap_len..)
    );
    // The bitmaps announce the same data fields.
    let data_fields = |n: &u16| *n != 1 && !(*n == 65 && layout.tertiary_bitmap);
    assert!(read.iter().filter(data_fields).eq(fields.iter()));
}

/// How an arbitrary value is shaped before it is given to `Message::set`: arbitrary bytes
/// rarely fit a numeric or track field, so most forms map them into the field's alphabet.
fn shape_value(u: &mut Unstructured<'_>) -> arbitrary::Result<(u8, Vec<u8>)> {
    let form = u.int_in_range(0..=5u8)?;
    let len = u.int_in_range(0..=1100usize)?.min(u.len());
    let raw = u.bytes(len)?;
    let map = |alphabet: &[u8]| -> Vec<u8> {
        raw.iter()
            .filter_map(|b| alphabet.get(usize::from(*b) % alphabet.len()).copied())
            .collect()
    };
    let value = match form {
        1 => map(b"0123456789"),
        2 => map(b"0123456789=D"),
        3 => map(b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"),
        4 => map(b"0123456789ABCDEFabcdef"),
        _ => raw.to_vec(),
    };
    Ok((form, value))
}

/// Builds a message from `u`: a built-in spec, an MTI, a header of the spec's length, then
/// (field number, value) pairs set through `Message::set` (or `set_binary` for form 5);
/// values the spec rejects are skipped.
pub fn arbitrary_message(u: &mut Unstructured<'_>) -> arbitrary::Result<(&'static Spec, Message)> {
    let spec = builtin_by_selector(u.arbitrary()?).ok_or(arbitrary::Error::IncorrectFormat)?;
    let mut digits = [0u8; 4];
    for d in &mut digits {
        *d = b'0' + u.int_in_range(0..=9u8)?;
    }
    let mti = Mti::new(digits).ok_or(arbitrary::Error::IncorrectFormat)?;
    let mut message = Message::new(mti);
    let header = u.bytes(spec.layout().header_length)?;
    message.set_header(header.to_vec());
    let mut count = 0;
    while !u.is_empty() && count < 200 {
        count += 1;
        let n = u.int_in_range(0..=193u16)?;
        let (form, value) = shape_value(u)?;
        let _ = if form == 5 {
            message.set_binary(spec, n, &value)
        } else {
            message.set(spec, n, &value)
        };
    }
    Ok((spec, message))
}

/// Target `encode`: a message built through the public API (see [`arbitrary_message`])
/// either fails `encoded_len`, `encode` and `to_vec` alike, or encodes to exactly
/// `encoded_len` bytes that decode back to an equal message.
pub fn encode(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok((spec, message)) = arbitrary_message(&mut u) else {
        return;
    };
    let mut out = Vec::new();
    let written = message.encode(spec, &mut out);
    match message.encoded_len(spec) {
        Ok(len) => {
            assert!(written.is_ok());
            assert_eq!(out.len(), len);
            assert_eq!(message.to_vec(spec).ok().as_ref(), Some(&out));
            let view = MessageView::decode(spec, &out);
            assert!(view.is_ok());
            let decoded = Message::decode(spec, Bytes::from(out));
            assert_eq!(decoded.ok().as_ref(), Some(&message));
        }
        Err(e) => {
            assert_eq!(written.err(), Some(e));
            assert_eq!(message.to_vec(spec).err(), Some(e));
        }
    }
}

/// Inputs `spec_load` decodes with every spec it loads: the reference 0200 (ASCII), an ASCII
/// MTI with a binary bitmap, BCD MTI with EBCDIC fields, a CUP-style frame with a 7-byte
/// prefix, and short odd inputs.
const SPEC_LOAD_INPUTS: &[&str] = &[
    "3032303037323338303438303238433038303030313634323432343234323432343234323432303030303030303030303030303130303030313132333133323530303132333435363133323530303131323330353130303337343234323432343234323432343234323d32393132323031313030303030303030303030303132333435363738393031325445524d303030314d45524348414e5430303030303031383430",
    "30323030373032303030303030303831303030303136343131313131313131313131313131313030303030303030303030303031303030303132333435365445524d3030303130313168656c6c6f20776f726c64",
    "01007224048008c0800016f4f1f1f1f1f1f1f1f1f1f1f1f1f1f1f10000000000000050000101120000000001251230353100f0f0f0f0f0f0f0f0f0f0f0f1e3c5d9d4f0f0f0f1d4c5d9c3c8c1d5e3f0f0f0f0f0f1400840",
    "00a8600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111",
    "",
    "30323030",
    "0200ffffffffffffffffffffffffffffffffffffffffffffffff",
];

/// Decodes an even-length hex string; odd or non-hex input gives what was read so far.
fn unhex(text: &str) -> Vec<u8> {
    let nibble = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    text.as_bytes()
        .chunks_exact(2)
        .map_while(|pair| match pair {
            [hi, lo] => Some(nibble(*hi)? << 4 | nibble(*lo)?),
            _ => None,
        })
        .collect()
}

/// Target `spec_load`: any text given to `Spec::from_toml_str` loads or fails without
/// panicking; a spec that loads decodes [`SPEC_LOAD_INPUTS`] (and re-encodes what decodes)
/// without panicking.
pub fn spec_load(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let spec = match Spec::from_toml_str(text) {
        Ok(spec) => spec,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = (spec.name(), spec.description(), spec.layout());
    for (n, fs) in spec.fields() {
        assert_eq!(spec.field(n), Some(fs));
    }
    for hex in SPEC_LOAD_INPUTS {
        let wire = unhex(hex);
        if let Ok(view) = MessageView::decode(&spec, &wire) {
            exercise_view(&view);
            let message = Message::from_view(&view);
            let _ = message.encoded_len(&spec);
            let _ = message.to_vec(&spec);
        }
    }
}

/// A spec with one structured field per layout, each behind an ASCII `LLL` prefix counting
/// the field's units: positional over BCD (right and left filler, so content may start at
/// an odd nibble), ASCII and binary parents (the binary one with BCD, EBCDIC and hex
/// subfields); tagged over ASCII (plain; lead + length first), EBCDIC (lead; length first)
/// and binary parents; bitmapped with 8- and 2-byte bitmaps and fixed and prefixed
/// subfields in every encoding; BER-TLV; track 2 in ASCII, EBCDIC and BCD (two fillers).
pub fn subfields_spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| build_subfields_spec().ok()).as_ref()
}

fn build_subfields_spec() -> Result<Spec, iso8583_wire::SpecError> {
    let lll = LengthPrefix::new(3, P::Ascii);
    let ll = LengthPrefix::new(2, P::Ascii);
    let fixed = FieldSpec::fixed;
    let var = |class, enc, max, prefix| FieldSpec::variable("", class, enc, max, prefix);
    let positional_bcd = Composite::Positional(vec![
        (1, fixed("", C::N, E::Bcd, 2)),
        (2, fixed("", C::N, E::Bcd, 3)),
        (3, fixed("", C::N, E::Bcd, 6)),
        (4, fixed("", C::N, E::Bcd, 1)),
        (5, fixed("", C::N, E::Bcd, 20)),
    ]);
    let positional_ascii = Composite::Positional(vec![
        (1, fixed("", C::N, E::Ascii, 2)),
        (2, fixed("", C::Ans, E::Ascii, 5)),
        (3, fixed("", C::An, E::Ascii, 3)),
        (4, fixed("", C::Ans, E::Ascii, 40)),
    ]);
    let positional_binary = Composite::Positional(vec![
        (1, fixed("", C::B, E::Binary, 2)),
        (2, fixed("", C::N, E::Ascii, 3)),
        (3, fixed("", C::Ans, E::Ebcdic, 3)),
        (4, fixed("", C::B, E::Binary, 4)),
        (5, fixed("", C::N, E::Ascii, 3)),
        (6, fixed("", C::B, E::Binary, 50)),
    ]);
    let tagged_ascii = TaggedLayout::new(2, 2)
        .with_subfield(84, fixed("", C::An, E::Ascii, 2))
        .with_subfield(10, var(C::N, E::Ascii, 12, ll).with_min_length(2));
    let tagged_ascii_lead = TaggedLayout::new(3, 1)
        .with_lead(2)
        .length_first()
        .with_subfield(0, fixed("", C::N, E::Ascii, 2));
    let tagged_ebcdic_lead = TaggedLayout::new(2, 3)
        .with_lead(1)
        .with_subfield(7, fixed("", C::N, E::Ebcdic, 4));
    let tagged_ebcdic_first = TaggedLayout::new(4, 2).length_first();
    let tagged_binary = TaggedLayout::new(2, 2)
        .with_subfield(1, var(C::N, E::Ascii, 20, ll))
        .with_subfield(2, var(C::B, E::Binary, 20, ll))
        .with_subfield(3, var(C::Ans, E::Ebcdic, 20, ll))
        .with_subfield(4, var(C::B, E::Binary, 20, ll));
    let bitmapped8 = BitmappedLayout::new(
        8,
        vec![
            (1, fixed("", C::An, E::Ascii, 1)),
            (2, fixed("", C::N, E::Bcd, 15)),
            (3, var(C::Ans, E::Ascii, 20, ll)),
            (
                4,
                var(C::N, E::Bcd, 19, LengthPrefix::new(2, P::Bcd)).with_bcd_pad(BcdPad::LeftF),
            ),
            (5, fixed("", C::B, E::Binary, 4)),
            (6, fixed("", C::Ans, E::Ebcdic, 3)),
            (
                7,
                var(C::B, E::Binary, 300, LengthPrefix::new(2, P::Binary)),
            ),
            (8, fixed("", C::Xn, E::Ascii, 9)),
            (9, fixed("", C::B, E::AsciiHex, 3)),
            (
                33,
                var(C::Z, E::Bcd, 37, LengthPrefix::new(1, P::Binary)).with_bcd_pad(BcdPad::RightF),
            ),
            (64, fixed("", C::N, E::Ascii, 1)),
        ],
    );
    let bitmapped2 = BitmappedLayout::new(
        2,
        vec![
            (1, fixed("", C::N, E::Bcd, 3).with_bcd_pad(BcdPad::Right0)),
            (
                2,
                var(C::Ans, E::Ebcdic, 30, LengthPrefix::new(2, P::Ebcdic)),
            ),
            (16, fixed("", C::B, E::Binary, 1)),
        ],
    );
    let b = |enc| var(C::B, enc, 999, lll);
    let z_bcd = |pad| var(C::Z, E::Bcd, 104, lll).with_bcd_pad(pad);
    Spec::new(
        "subfields",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::Binary),
        [
            (35, z_bcd(BcdPad::RightF).with_composite(Composite::Track2)),
            (36, z_bcd(BcdPad::Left0).with_composite(Composite::Track2)),
            (
                37,
                var(C::Z, E::Ebcdic, 104, lll).with_composite(Composite::Track2),
            ),
            (
                43,
                b(E::Binary).with_composite(Composite::Tagged(tagged_binary)),
            ),
            (
                44,
                var(C::Ans, E::Ebcdic, 999, lll)
                    .with_composite(Composite::Tagged(tagged_ebcdic_first)),
            ),
            (
                45,
                var(C::Z, E::Ascii, 104, lll).with_composite(Composite::Track2),
            ),
            (
                46,
                var(C::Ans, E::Ebcdic, 999, lll)
                    .with_composite(Composite::Tagged(tagged_ebcdic_lead)),
            ),
            (
                47,
                var(C::Ans, E::Ascii, 999, lll)
                    .with_composite(Composite::Tagged(tagged_ascii_lead)),
            ),
            (
                48,
                var(C::Ans, E::Ascii, 999, lll).with_composite(Composite::Tagged(tagged_ascii)),
            ),
            (55, b(E::Binary).with_composite(Composite::BerTlv)),
            (
                60,
                var(C::N, E::Bcd, 999, lll)
                    .with_bcd_pad(BcdPad::Right0)
                    .with_composite(positional_bcd.clone()),
            ),
            (
                61,
                var(C::N, E::Bcd, 999, lll)
                    .with_bcd_pad(BcdPad::LeftF)
                    .with_composite(positional_bcd),
            ),
            (
                62,
                b(E::Binary).with_composite(Composite::Bitmapped(bitmapped8)),
            ),
            (
                63,
                b(E::Binary).with_composite(Composite::Bitmapped(bitmapped2)),
            ),
            (
                38,
                var(C::Ans, E::Ascii, 999, lll).with_composite(positional_ascii),
            ),
            (39, b(E::Binary).with_composite(positional_binary)),
        ],
    )
}

/// The structured fields of [`subfields_spec`]; the first byte of a `subfields` input chooses
/// one (and how the rest is shaped, see [`shape_content`]).
const SUBFIELD_CHOICES: &[u16] = &[
    35, 36, 37, 38, 39, 43, 44, 45, 46, 47, 48, 55, 60, 61, 62, 63,
];

/// The EBCDIC code of an ASCII character among digits, upper-case letters, space and `=`.
fn ebcdic_of(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => 0xF0 + (c - b'0'),
        b'A'..=b'I' => 0xC1 + (c - b'A'),
        b'J'..=b'R' => 0xD1 + (c - b'J'),
        b'S'..=b'Z' => 0xE2 + (c - b'S'),
        b'=' => 0x7E,
        _ => 0x40,
    }
}

/// Shapes `raw` for a parent of encoding `enc`: `mode` 0 keeps the bytes, 1 maps them to
/// digits, 2 to digits, letters, space and the track separators, in the parent's encoding
/// (nibbles 0-9 and D for BCD).
fn shape_content(enc: E, mode: u8, raw: &[u8]) -> Vec<u8> {
    const TEXT: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ =D";
    let alphabet: &[u8] = if mode == 1 { b"0123456789" } else { TEXT };
    let pick = |b: u8| {
        alphabet
            .get(usize::from(b) % alphabet.len())
            .copied()
            .unwrap_or(b'0')
    };
    match (mode, enc) {
        (0, _) | (_, E::Binary) => raw.to_vec(),
        (_, E::Bcd) => {
            let nibble = |b: u8| {
                if mode == 1 {
                    b % 10
                } else {
                    [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xD]
                        .get(usize::from(b) % 11)
                        .copied()
                        .unwrap_or(0)
                }
            };
            raw.iter()
                .map(|b| nibble(*b >> 4) << 4 | nibble(*b & 0xF))
                .collect()
        }
        (_, E::Ebcdic) => raw.iter().map(|b| ebcdic_of(pick(*b))).collect(),
        _ => raw.iter().map(|b| pick(*b)).collect(),
    }
}

/// The wire bytes of MTI 0100 with only field `n` (at most 64), whose content is `content`
/// and whose ASCII `LLL` prefix says `units`.
fn single_field_message(n: u16, units: usize, content: &[u8]) -> Vec<u8> {
    let mut wire = b"0100".to_vec();
    let bit = u64::from(n).saturating_sub(1);
    let bitmap = 1u64
        .checked_shl(63u32.saturating_sub(u32::try_from(bit).unwrap_or(0)))
        .unwrap_or(0);
    wire.extend_from_slice(&bitmap.to_be_bytes());
    wire.extend_from_slice(format!("{:03}", units.min(999)).as_bytes());
    wire.extend_from_slice(content);
    wire
}

/// Whether `inner` lies within `outer` (by address).
fn within(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

/// Reads a field or subfield in every way the public API offers.
fn exercise_field(f: &FieldView<'_>) {
    let mut buf = [0u8; 64];
    let _ = f.as_str();
    let _ = f.to_u64();
    let _ = f.text_into(&mut buf);
    let _ = f.to_text();
    let _ = f.masked().to_string();
    let _ = f.unmasked().to_string();
    let _ = format!("{f:?}");
    let _ = f.is_composite();
}

/// Iterates the subfields of `parent` to the end, `depth` levels deep at most: each lies
/// within its parent, is read every way, and is found again by [`FieldView::subfield`] under
/// its id (the first one of that id); an error ends the iteration and points inside the
/// parent. Returns the ids and addresses of the subfields read.
fn walk_subfields(parent: &FieldView<'_>, depth: u8) -> Vec<(FieldId, usize, usize)> {
    let outer = parent.as_bytes();
    let mut seen: Vec<(FieldId, usize, usize)> = Vec::new();
    let mut subs = parent.subfields();
    let mut count = 0usize;
    for item in &mut subs {
        count += 1;
        assert!(count <= outer.len() + 4, "more subfields than bytes");
        match item {
            Ok(sub) => {
                assert!(within(outer, sub.as_bytes()), "subfield outside its parent");
                assert_eq!(sub.number(), parent.number());
                exercise_field(&sub);
                let id = sub.sub_id();
                assert!(id.is_some());
                if let Some(id) = id {
                    let _ = id.to_string();
                    if !seen.iter().any(|(k, _, _)| *k == id) {
                        seen.push((id, sub.as_bytes().as_ptr() as usize, sub.as_bytes().len()));
                    }
                }
                if depth > 0 && sub.is_composite() {
                    walk_subfields(&sub, depth - 1);
                }
            }
            Err(e) => {
                assert!(e.offset() <= outer.len(), "error offset outside the parent");
                let _ = e.to_string();
            }
        }
    }
    assert!(subs.next().is_none());
    for (id, addr, len) in &seen {
        let found = parent.subfield(&id.to_string());
        let found = found
            .ok()
            .flatten()
            .map(|f| (f.as_bytes().as_ptr() as usize, f.as_bytes().len()));
        assert_eq!(
            found,
            Some((*addr, *len)),
            "subfield {id} not found by its id"
        );
    }
    seen
}

/// The message a `subfields` input stands for: the structured field chosen by its first byte
/// and the wire bytes of MTI 0100 carrying the rest, shaped, as that field's content.
pub fn subfields_message(data: &[u8]) -> Option<(u16, Vec<u8>)> {
    let spec = subfields_spec()?;
    let (&selector, rest) = data.split_first()?;
    let count = SUBFIELD_CHOICES.len();
    let n = *SUBFIELD_CHOICES.get(usize::from(selector) % count)?;
    let fs = spec.field(n)?;
    let mode = u8::try_from(usize::from(selector) / count % 3).unwrap_or(0);
    let odd = usize::from(selector) / count / 3 % 2 == 1;
    let max_bytes = fs.wire_len(fs.length as usize);
    let content = shape_content(
        fs.encoding,
        mode,
        rest.get(..rest.len().min(max_bytes)).unwrap_or(rest),
    );
    let units = match fs.encoding {
        E::Bcd => (content.len() * 2).saturating_sub(usize::from(odd && !content.is_empty())),
        E::AsciiHex | E::EbcdicHex => content.len() / 2,
        _ => content.len(),
    };
    Some((n, single_field_message(n, units, &content)))
}

/// Target `subfields`: the first byte chooses a structured field of [`subfields_spec`] (and
/// how the content is shaped, see [`shape_content`]; for BCD parents, whether the digit count
/// is odd); the rest is that field's content in a message. When the message decodes, the
/// field's subfields (and those of constructed BER-TLV objects, 4 levels deep) never panic,
/// lie within the field, are found again by id and by path, and errors point inside the field
/// (absolute offsets within the field's bytes through [`MessageView::get`]); the field set
/// again from the subfields read, when `Message::set_subfields` takes them, encodes and
/// decodes back (see [`rebuild`]).
pub fn subfields(data: &[u8]) {
    let Some(spec) = subfields_spec() else {
        assert!(build_subfields_spec().is_ok());
        return;
    };
    let Some((n, wire)) = subfields_message(data) else {
        return;
    };
    let Ok(view) = MessageView::decode(spec, &wire) else {
        return;
    };
    let Some(field) = view.field(n) else {
        return;
    };
    exercise_field(&field);
    let seen = walk_subfields(&field, 4);
    // Paths: every id read, and a few that name nothing or go deeper.
    let field_bytes = field.as_bytes();
    let base = field_bytes.as_ptr() as usize - wire.as_ptr() as usize;
    let mut paths: Vec<String> = seen.iter().map(|(id, _, _)| format!("{n}.{id}")).collect();
    for extra in [
        "", ".1", ".0", ".84", ".9F02", ".70.9F02", ".pan", ".expiry", ".1.1", ".x", ".",
    ] {
        paths.push(format!("{n}{extra}"));
    }
    for path in &paths {
        match view.get(path) {
            Ok(Some(found)) => {
                assert!(
                    within(field_bytes, found.as_bytes()),
                    "{path} outside the field"
                );
                exercise_field(&found);
            }
            Ok(None) => {}
            Err(e) => {
                let _ = e.to_string();
                if e.kind() != iso8583_wire::DecodeErrorKind::InvalidPath {
                    assert!(
                        e.offset() >= base && e.offset() <= base + field_bytes.len(),
                        "{path}: error offset outside the field"
                    );
                }
            }
        }
    }
    for (id, addr, len) in &seen {
        let found = view.get(&format!("{n}.{id}"));
        let found = found
            .ok()
            .flatten()
            .map(|f| (f.as_bytes().as_ptr() as usize, f.as_bytes().len()));
        assert_eq!(found, Some((*addr, *len)));
    }
    let _ = view.to_string();
    let _ = format!("{view:?}");
    let message = Message::from_view(&view);
    let _ = format!("{message:?}");
    rebuild(spec, &field);
}

/// Sets field `n` again from the texts of the subfields read from `field` (when they all
/// read): whatever `Message::set_subfields` accepts encodes and decodes back, with the
/// content `build_subfields` builds.
fn rebuild(spec: &Spec, field: &FieldView<'_>) {
    let n = field.number();
    let Ok(read) = field
        .subfields()
        .map(|s| s.map(|s| (s.sub_id(), s.to_text())))
        .collect::<Result<Vec<_>, _>>()
    else {
        return;
    };
    let items: Vec<(FieldId, &str)> = read
        .iter()
        .filter_map(|(id, text)| Some(((*id)?, text.as_str())))
        .collect();
    let mut message = Message::new(Mti::AUTHORIZATION_REQUEST);
    if message.set_subfields(spec, n, &items).is_err() {
        return;
    }
    let wire = message.to_vec(spec);
    assert!(wire.is_ok(), "a field set from subfields does not encode");
    let Ok(wire) = wire else { return };
    let view = MessageView::decode(spec, &wire);
    assert!(view.is_ok(), "a field set from subfields does not decode");
    let built = iso8583_wire::composite::build_subfields(field.spec(), n, &items);
    assert!(built.is_ok(), "content that was set does not build");
    if let (Ok(view), Ok(built)) = (view, built) {
        assert_eq!(view.field(n).map(|f| f.as_bytes()), Some(built.as_slice()));
    }
}

/// Response codes [`response_table`] classifies with every table it loads.
const RESPONSE_CODES: &[&[u8]] = &[
    b"00",
    b"05",
    b"51",
    b"91",
    b"Z3",
    b"A1",
    b"000",
    b"9",
    b"",
    b"0000",
    b"\xFF\xFE",
    b"N7",
    b"400",
];

/// Target `response_table`: any text given to `ResponseTable::from_toml_str` loads or fails
/// without panicking; a table that loads classifies [`RESPONSE_CODES`] (for a request, a
/// reversal and without MTI) and layers over a built-in table without panicking.
pub fn response_table(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let table = match ResponseTable::from_toml_str(text) {
        Ok(table) => table,
        Err(e) => {
            let _ = e.to_string();
            let _ = (e.section(), e.entry(), format!("{:?}", e.kind()));
            return;
        }
    };
    let _ = (
        table.dialect(),
        table.title(),
        table.sources().count(),
        table.classes().len(),
    );
    for entry in table.entries() {
        assert!(table.get(entry.code()).is_some());
    }
    for mti in [
        None,
        Some(&b"0200"[..]),
        Some(&b"0400"[..]),
        Some(&b"\xF0"[..]),
    ] {
        for code in RESPONSE_CODES {
            let d = table.classify(mti, code);
            let _ = (
                d.code(),
                d.outcome(),
                d.dialect(),
                d.is_known(),
                d.reversal(),
            );
            let _ = (
                d.meaning(),
                d.meaning_zh(),
                d.meaning_in(Lang::En),
                d.meaning_in(Lang::Zh),
            );
            let _ = (
                d.category(),
                d.responsible(),
                d.retry(),
                d.class(),
                d.flags(),
            );
            let _ = (
                d.class_meaning(Lang::En),
                d.class_meaning(Lang::Zh),
                d.is_reversal_reason(),
            );
            let _ = format!("{d:?}");
        }
    }
    let layered = table.layered_over(ResponseTable::builtin(Dialect::Iso8583_1987));
    let _ = layered.classify(None, b"05").meaning();
}
