//! One check per fuzz target, over raw input bytes. Every check passes on any input that
//! does not reveal a bug: a failed assertion or a panic inside the crate is a finding.
//!
//! Built with the fuzz targets and, through a `#[path]` module, with the crate's replay test
//! `tests/fuzz_regressions.rs`, so a saved input is checked exactly as the fuzzer checked it.

use arbitrary::Unstructured;
use bytes::Bytes;
use iso8583_wire::{Message, MessageView, Mti, Spec};

/// A check: takes any bytes, returns normally unless the input shows a bug.
pub type Check = fn(&[u8]);

/// Every target by name, as in `fuzz/Cargo.toml`; the replay test runs each saved input of
/// `fuzz/corpus/NAME/` and `tests/fuzz-crashes/NAME-*` through the check named here.
pub const TARGETS: &[(&str, Check)] = &[
    ("decode", decode),
    ("round_trip", round_trip),
    ("encode", encode),
    ("spec_load", spec_load),
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
    let _ = view.mti().as_str();
    let _ = view.header();
    let _ = view.bitmap();
    let _ = view.response_code();
    let mut buf = [0u8; 64];
    for field in view.fields() {
        assert!(view.has(field.number()));
        let _ = field.as_str();
        let _ = field.to_u64();
        let _ = field.text_into(&mut buf);
        let text = field.to_text();
        assert_eq!(text.len(), field.text_len());
        let _ = field.masked().to_string();
        let _ = field.unmasked().to_string();
        let _ = format!("{field:?}");
    }
    let _ = view.to_string();
    let _ = format!("{view:?}");
}

/// Target `decode`: the first byte chooses a built-in spec, the rest is decoded with it.
/// Decoding never panics; a decoded message can be read in every way; `Message::decode`
/// agrees with `MessageView::decode` and with `Message::from_view`.
pub fn decode(data: &[u8]) {
    let Some((spec, wire)) = select(data) else {
        return;
    };
    let owned = Message::decode(spec, Bytes::copy_from_slice(wire));
    match MessageView::decode(spec, wire) {
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
