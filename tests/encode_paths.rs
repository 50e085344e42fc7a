//! `Message::encode` has three ways to write a field: a compiled fast path for fixed and
//! ASCII-prefixed fields of one wire byte a unit, runs copied from the buffer a message was
//! decoded from, and the general writer. These tests hold all three to the same bytes and the
//! same errors: against bytes written out by hand, and a decoded message against the same
//! fields set one by one into a new message.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    // Widths, field numbers and letters are small numbers that fit every target type.
    clippy::cast_possible_truncation
)]

use bytes::Bytes;
use iso8583_wire::spec::{
    BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding, PrefixCounts,
    PrefixEncoding,
};
use iso8583_wire::Spec;
use iso8583_wire::{Element, EncodeError, EncodeErrorKind, FieldSpec, Message, MessageView, Mti};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// The reference 0200 of `vectors/README.md` (ISO 8583:1987, ASCII).
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn ascii() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

/// The built-in ASCII spec with some fields changed.
fn ascii_with(changes: &[(u16, Option<FieldSpec>)]) -> Spec {
    let base = ascii();
    let mut fields: Vec<(u16, FieldSpec)> = base
        .fields()
        .filter(|(n, _)| changes.iter().all(|(c, _)| c != n))
        .map(|(n, fs)| (n, fs.clone()))
        .collect();
    fields.extend(changes.iter().filter_map(|(n, fs)| Some((*n, fs.clone()?))));
    Spec::new("changed", *base.layout(), fields).unwrap()
}

/// The same fields as `m`, set one by one from their text into a new message (so none of
/// them shares a decoded buffer).
fn rebuilt(spec: &Spec, m: &Message) -> Message {
    let mut b = Message::new(m.mti());
    b.set_header(Bytes::copy_from_slice(m.header()));
    for fv in m.fields(spec) {
        b.set(spec, fv.number(), fv.to_text()).unwrap();
    }
    b
}

fn hash_of(m: &Message) -> u64 {
    let mut h = DefaultHasher::new();
    m.hash(&mut h);
    h.finish()
}

/// Encodes `m` with `spec`, checks that `encoded_len` and `to_vec` agree, and that a reused
/// buffer holding other bytes gets the same output.
fn encode(spec: &Spec, m: &Message) -> Result<Vec<u8>, EncodeError> {
    let len = m.encoded_len(spec);
    let mut out = Vec::new();
    let r = m.encode(spec, &mut out);
    match r {
        Ok(()) => {
            assert_eq!(len.unwrap(), out.len());
            assert_eq!(m.to_vec(spec).unwrap(), out);
            let mut reused = b"old bytes".to_vec();
            reused.clear();
            m.encode(spec, &mut reused).unwrap();
            assert_eq!(reused, out);
            let mut bytes_mut = bytes::BytesMut::new();
            m.encode(spec, &mut bytes_mut).unwrap();
            assert_eq!(&bytes_mut[..], &out[..]);
            Ok(out)
        }
        Err(e) => {
            assert_eq!(len.unwrap_err(), e);
            assert_eq!(m.to_vec(spec).unwrap_err(), e);
            Err(e)
        }
    }
}

/// A spec whose fields 2 to 7 are `ans` behind ASCII length prefixes of 1 to 6 digits.
fn prefixes_spec(counts: PrefixCounts) -> Spec {
    let fields = (1..=6u8).map(|w| {
        let max = 10u32.pow(u32::from(w)).saturating_sub(1).min(300);
        (
            u16::from(w) + 1,
            FieldSpec::variable(
                "x",
                ContentClass::Ans,
                Encoding::Ascii,
                max,
                LengthPrefix::new(w, PrefixEncoding::Ascii).counting(counts),
            ),
        )
    });
    let layout = MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex);
    Spec::new("prefixes", layout, fields).unwrap()
}

#[test]
fn encodes_ascii_prefixes_of_every_width() {
    for counts in [PrefixCounts::Units, PrefixCounts::Bytes] {
        let spec = prefixes_spec(counts);
        for len_of in [
            |_: usize| 0,
            |_: usize| 1,
            |w: usize| 10usize.pow(w as u32).saturating_sub(1).min(300),
            |w: usize| (7 * w + 3).min(10usize.pow(w as u32) - 1),
        ] {
            let mut m = Message::new(Mti::FINANCIAL_REQUEST);
            let mut expected = b"0200".to_vec();
            // Fields 2 to 7: bits 2 to 7 of the first bitmap.
            expected.extend_from_slice(b"7E00000000000000");
            for w in 1..=6usize {
                let len = len_of(w);
                let value: Vec<u8> = (0..len).map(|i| b'A' + (i % 26) as u8).collect();
                m.set(&spec, w as u16 + 1, &value).unwrap();
                expected.extend_from_slice(format!("{len:0w$}").as_bytes());
                expected.extend_from_slice(&value);
            }
            assert_eq!(encode(&spec, &m).unwrap(), expected);
            // Decoded again, the message re-encodes from its buffer to the same bytes.
            let decoded = Message::decode(&spec, Bytes::from(expected.clone())).unwrap();
            assert_eq!(encode(&spec, &decoded).unwrap(), expected);
            let view = MessageView::decode(&spec, &expected).unwrap();
            assert_eq!(encode(&spec, &Message::from_view(&view)).unwrap(), expected);
            assert_eq!(decoded, m);
            assert_eq!(hash_of(&decoded), hash_of(&m));
        }
    }
}

#[test]
fn re_encodes_the_reference_0200_from_its_buffer_and_from_its_fields() {
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    assert_eq!(encode(ascii(), &decoded).unwrap(), REQ_0200);
    let built = rebuilt(ascii(), &decoded);
    assert_eq!(encode(ascii(), &built).unwrap(), REQ_0200);
    assert_eq!(built, decoded);
    assert_eq!(hash_of(&built), hash_of(&decoded));
    // A decoded buffer with bytes around the message: only the message's bytes come out.
    let mut padded = b"xx".to_vec();
    padded.extend_from_slice(REQ_0200);
    padded.extend_from_slice(b"yy");
    let inner = Bytes::from(padded).slice(2..2 + REQ_0200.len());
    let decoded = Message::decode(ascii(), inner).unwrap();
    assert_eq!(encode(ascii(), &decoded).unwrap(), REQ_0200);
}

#[test]
fn re_encodes_decoded_messages_after_edits() {
    let base = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    type Edit = fn(&mut Message);
    let edits: [(&str, Edit); 9] = [
        ("amount", |m| {
            m.set(ascii(), 4, "000000009999").unwrap();
        }),
        ("shorter PAN", |m| {
            m.set(ascii(), 2, "4111111111111").unwrap();
        }),
        ("no field 11", |m| {
            m.remove(11);
        }),
        ("no PAN", |m| {
            m.remove(2);
        }),
        ("new field 39 between", |m| {
            m.set(ascii(), 39, "00").unwrap();
        }),
        ("new last field", |m| {
            m.set(ascii(), 102, "ACCOUNT-1").unwrap();
        }),
        ("new first field", |m| {
            m.remove(2);
            m.set(ascii(), 2, "4242424242424242").unwrap();
        }),
        ("track 2 replaced by the same text", |m| {
            m.set(ascii(), 35, "4242424242424242=29122011000000000000")
                .unwrap();
        }),
        ("MTI", |m| {
            m.set_mti(Mti::from_text("0220").unwrap());
        }),
    ];
    for (what, edit) in edits {
        let mut m = base.clone();
        edit(&mut m);
        let built = rebuilt(ascii(), &m);
        let out = encode(ascii(), &m).unwrap();
        assert_eq!(out, encode(ascii(), &built).unwrap(), "{what}");
        let back = Message::decode(ascii(), Bytes::from(out.clone())).unwrap();
        assert_eq!(back, m, "{what}");
        assert_eq!(encode(ascii(), &back).unwrap(), out, "{what}");
    }
    // Responses and copies keep the decoded buffer for the fields they echo.
    let mut resp = base
        .response(&[2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49])
        .unwrap();
    resp.set(ascii(), 39, "05").unwrap();
    let out = encode(ascii(), &resp).unwrap();
    assert_eq!(out, encode(ascii(), &rebuilt(ascii(), &resp)).unwrap());
    assert!(out.starts_with(b"0210"));
    let only = base.with_only(&[3, 35, 49]);
    assert_eq!(
        encode(ascii(), &only).unwrap(),
        encode(ascii(), &rebuilt(ascii(), &only)).unwrap()
    );
}

#[test]
fn re_encodes_a_decoded_message_with_another_spec() {
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    let llvar = |max, width, encoding| {
        FieldSpec::variable(
            "x",
            ContentClass::Ans,
            encoding,
            max,
            LengthPrefix::new(width, PrefixEncoding::Ascii),
        )
    };
    let specs = [
        // Wider prefixes than the buffer holds.
        ascii_with(&[
            (2, Some(llvar(19, 3, Encoding::Ascii))),
            (35, Some(llvar(37, 3, Encoding::Ascii))),
        ]),
        // A prefix counting bytes, and one in EBCDIC digits (the general writer).
        ascii_with(&[
            (
                2,
                Some(FieldSpec::variable(
                    "x",
                    ContentClass::N,
                    Encoding::Ascii,
                    19,
                    LengthPrefix::new(2, PrefixEncoding::Ascii).counting(PrefixCounts::Bytes),
                )),
            ),
            (
                35,
                Some(FieldSpec::variable(
                    "x",
                    ContentClass::Z,
                    Encoding::Ascii,
                    37,
                    LengthPrefix::new(2, PrefixEncoding::Ebcdic),
                )),
            ),
        ]),
        // Field 4 without a prefix turned into an LLLVAR field, field 2 into a fixed one.
        ascii_with(&[
            (4, Some(llvar(12, 3, Encoding::Ascii))),
            (
                2,
                Some(FieldSpec::fixed("x", ContentClass::N, Encoding::Ascii, 16)),
            ),
        ]),
        // Another class with the same prefix: the same bytes, still taken from the buffer.
        ascii_with(&[(35, Some(llvar(37, 2, Encoding::Ascii)))]),
    ];
    for (i, spec) in specs.iter().enumerate() {
        let expected = encode(spec, &rebuilt(ascii(), &decoded)).unwrap();
        assert_eq!(encode(spec, &decoded).unwrap(), expected, "spec {i}");
        assert_eq!(expected == REQ_0200, i == 3, "spec {i}");
    }
}

#[test]
fn rejects_lengths_out_of_range_as_the_general_writer_does() {
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    let built = rebuilt(ascii(), &decoded);
    let n = |len| FieldSpec::fixed("x", ContentClass::N, Encoding::Ascii, len);
    let lvar = |min, max, width| {
        FieldSpec::variable(
            "x",
            ContentClass::N,
            Encoding::Ascii,
            max,
            LengthPrefix::new(width, PrefixEncoding::Ascii),
        )
        .with_min_length(min)
    };
    let range = |len, min, max| EncodeErrorKind::LengthOutOfRange { len, min, max };
    let cases = [
        // Fixed fields: too short and too long.
        (ascii_with(&[(4, Some(n(13)))]), range(12, 13, 13), 4),
        (ascii_with(&[(4, Some(n(10)))]), range(12, 10, 10), 4),
        // A fixed field that took a prefix, and the other way round.
        (
            ascii_with(&[(4, Some(lvar(0, 11, 2)))]),
            range(12, 0, 11),
            4,
        ),
        (ascii_with(&[(2, Some(n(19)))]), range(16, 19, 19), 2),
        // Variable fields: above the maximum, below the minimum, each prefix width.
        (
            ascii_with(&[(2, Some(lvar(0, 15, 2)))]),
            range(16, 0, 15),
            2,
        ),
        (
            ascii_with(&[(2, Some(lvar(17, 19, 2)))]),
            range(16, 17, 19),
            2,
        ),
        (
            ascii_with(&[(35, Some(lvar(0, 36, 3)))]),
            range(37, 0, 36),
            35,
        ),
        (ascii_with(&[(2, Some(lvar(0, 9, 1)))]), range(16, 0, 9), 2),
        (
            ascii_with(&[(2, Some(lvar(20, 9999, 4)))]),
            range(16, 20, 9999),
            2,
        ),
        (
            ascii_with(&[(2, Some(lvar(18, 99_999, 5)))]),
            range(16, 18, 99_999),
            2,
        ),
        (
            ascii_with(&[(2, Some(lvar(0, 15, 6)))]),
            range(16, 0, 15),
            2,
        ),
        // The first field in order is the one reported.
        (
            ascii_with(&[(49, Some(n(2))), (7, Some(n(9)))]),
            range(10, 9, 9),
            7,
        ),
        // A field the spec lacks, before a field that is too long.
        (
            ascii_with(&[(11, None), (12, Some(n(5)))]),
            EncodeErrorKind::FieldNotInSpec,
            11,
        ),
        // The general writer (BCD) after a fast field that fails.
        (
            ascii_with(&[
                (3, Some(n(5))),
                (
                    4,
                    Some(FieldSpec::fixed("x", ContentClass::N, Encoding::Bcd, 12)),
                ),
            ]),
            range(6, 5, 5),
            3,
        ),
    ];
    for (i, (spec, kind, field)) in cases.iter().enumerate() {
        for m in [&decoded, &built] {
            let e = encode(spec, m).unwrap_err();
            assert_eq!(
                (e.kind(), e.element()),
                (*kind, Element::Field(*field)),
                "case {i}"
            );
        }
    }
}

#[test]
fn encodes_long_fields_and_long_messages() {
    let spec = Spec::new(
        "long",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        (2..=40u16).map(|n| {
            let fs = if n % 3 == 0 {
                FieldSpec::fixed("x", ContentClass::Ans, Encoding::Ascii, u32::from(n) * 5)
            } else {
                FieldSpec::variable(
                    "x",
                    ContentClass::Ans,
                    Encoding::Ascii,
                    999,
                    LengthPrefix::new(3, PrefixEncoding::Ascii),
                )
            };
            (n, fs)
        }),
    )
    .unwrap();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    let mut body = Vec::new();
    let mut bitmap = 0u64;
    for n in 2..=40u16 {
        let len = if n % 3 == 0 {
            usize::from(n) * 5
        } else {
            (usize::from(n) * 37) % 300
        };
        let value: Vec<u8> = (0..len)
            .map(|i| b'!' + ((i + usize::from(n)) % 90) as u8)
            .collect();
        m.set(&spec, n, &value).unwrap();
        if n % 3 != 0 {
            body.extend_from_slice(format!("{len:03}").as_bytes());
        }
        body.extend_from_slice(&value);
        bitmap |= 1 << (64 - n);
    }
    let mut expected = format!("0200{bitmap:016X}").into_bytes();
    expected.extend_from_slice(&body);
    assert!(expected.len() > 4000);
    assert_eq!(encode(&spec, &m).unwrap(), expected);
    let decoded = Message::decode(&spec, Bytes::from(expected.clone())).unwrap();
    assert_eq!(encode(&spec, &decoded).unwrap(), expected);
}

#[test]
fn re_encodes_headers_from_the_decoded_buffer_or_as_set() {
    let base = ascii();
    let spec = Spec::new(
        "with header",
        base.layout().with_header(5),
        base.fields().map(|(n, fs)| (n, fs.clone())),
    )
    .unwrap();
    let mut wire = b"H0001".to_vec();
    wire.extend_from_slice(REQ_0200);
    let decoded = Message::decode(&spec, Bytes::from(wire.clone())).unwrap();
    assert_eq!(decoded.header(), b"H0001");
    assert_eq!(encode(&spec, &decoded).unwrap(), wire);
    let mut changed = decoded.clone();
    changed.set_header(&b"H0002"[..]);
    let mut expected = b"H0002".to_vec();
    expected.extend_from_slice(REQ_0200);
    assert_eq!(encode(&spec, &changed).unwrap(), expected);
    assert_eq!(encode(&spec, &rebuilt(&spec, &changed)).unwrap(), expected);
    // The header of another buffer, and a header that does not fit the spec.
    changed.set_header(Bytes::from(wire.clone()).slice(0..5));
    assert_eq!(encode(&spec, &changed).unwrap(), wire);
    changed.set_header(&b"H01"[..]);
    // (`encoded_len` counts the spec's header length and does not check the header.)
    let e = changed.encode(&spec, &mut Vec::new()).unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (
            EncodeErrorKind::HeaderLength {
                expected: 5,
                actual: 3
            },
            Element::Header
        )
    );
}

#[test]
fn writes_the_head_afresh_when_the_decoded_one_is_not_the_encoders() {
    // A lower-case bitmap, and a secondary bitmap flagged with no field above 64: both decode,
    // and both are written as the encoder writes them.
    let lower = REQ_0200.to_ascii_lowercase();
    let mut lower_expected = REQ_0200[..20].to_vec();
    lower_expected.extend_from_slice(&lower[20..]);
    let mut secondary = b"0200F238048028C080000000000000000000".to_vec();
    secondary.extend_from_slice(&REQ_0200[20..]);
    for (what, wire) in [("lower-case hex", lower), ("empty secondary", secondary)] {
        let view = MessageView::decode(ascii(), &wire).unwrap();
        let decoded = Message::decode(ascii(), Bytes::from(wire.clone())).unwrap();
        let expected = encode(ascii(), &rebuilt(ascii(), &decoded)).unwrap();
        assert_eq!(encode(ascii(), &decoded).unwrap(), expected, "{what}");
        assert_eq!(
            encode(ascii(), &Message::from_view(&view)).unwrap(),
            expected,
            "{what}"
        );
        assert_eq!(&expected[..20], &REQ_0200[..20], "{what}");
    }
    // The same fields in a layout with a binary bitmap and a BCD MTI.
    let base = ascii();
    let layout = MessageLayout::new(MtiEncoding::Bcd, BitmapEncoding::Binary);
    let binary = Spec::new(
        "binary head",
        layout,
        base.fields().map(|(n, f)| (n, f.clone())),
    )
    .unwrap();
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    let out = encode(&binary, &decoded).unwrap();
    assert_eq!(&out[..10], b"\x02\x00\x72\x38\x04\x80\x28\xC0\x80\x00");
    assert_eq!(&out[10..], &REQ_0200[20..]);
    assert_eq!(out, encode(&binary, &rebuilt(ascii(), &decoded)).unwrap());
}

#[test]
fn re_encodes_every_subset_of_the_reference_fields_as_built_messages_do() {
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    let numbers: Vec<u16> = decoded.numbers().collect();
    assert_eq!(numbers.len(), 14);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for mask in 0u32..1 << numbers.len() {
        let keep: Vec<u16> = numbers
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & 1 << i != 0)
            .map(|(_, n)| *n)
            .collect();
        let mut m = decoded.with_only(&keep);
        // Now and then one field set again from its text: the same bytes in a new buffer.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if !keep.is_empty() && state.is_multiple_of(3) {
            let n = keep[(state >> 8) as usize % keep.len()];
            let text = m.field(ascii(), n).unwrap().to_text();
            m.set(ascii(), n, text).unwrap();
        }
        let expected = encode(ascii(), &rebuilt(ascii(), &m)).unwrap();
        assert_eq!(encode(ascii(), &m).unwrap(), expected, "fields {keep:?}");
    }
}

#[test]
fn re_encodes_decoded_messages_of_every_builtin_spec_as_built_ones() {
    let reference = MessageView::decode(ascii(), REQ_0200).unwrap();
    for name in Spec::builtin_names() {
        let spec = Spec::builtin(name).unwrap();
        // The reference fields this spec takes, set from their text.
        let mut built = Message::new(reference.mti());
        built.set_header(Bytes::from(vec![b'0'; spec.layout().header_length]));
        for fv in reference.fields() {
            let _ = built.set(spec, fv.number(), fv.as_bytes());
        }
        let wire = encode(spec, &built).unwrap();
        let decoded = Message::decode(spec, Bytes::from(wire.clone())).unwrap();
        assert_eq!(encode(spec, &decoded).unwrap(), wire, "{name}");
        let numbers: Vec<u16> = decoded.numbers().collect();
        assert!(numbers.len() >= 8, "{name}: {numbers:?}");
        // Without each field in turn, and with each set again from its text.
        for &n in &numbers {
            let mut without = decoded.clone();
            without.remove(n);
            let mut again = decoded.clone();
            let text = again.field(spec, n).unwrap().to_text();
            again.set(spec, n, text).unwrap();
            for (what, m) in [("without", without), ("set again", again)] {
                let expected = encode(spec, &rebuilt(spec, &m)).unwrap();
                assert_eq!(encode(spec, &m).unwrap(), expected, "{name}: {what} {n}");
            }
        }
    }
}

/// A spec equal to `spec` but built apart from it (not a clone).
fn twin(spec: &Spec) -> Spec {
    let mut twin = Spec::new(
        spec.name(),
        *spec.layout(),
        spec.fields().map(|(n, fs)| (n, fs.clone())),
    )
    .unwrap()
    .with_description(spec.description());
    // The message rules are part of what a spec is.
    for (mti, rules) in spec.message_rules() {
        twin = twin.with_rules(mti, rules.clone()).unwrap();
    }
    twin
}

/// A message built with a spec is encoded through what its values keep of that spec's fields
/// when it is encoded with that spec or a clone; with an equal spec built apart, with a mix of
/// both, or with part of its fields, it gives the same bytes through the spec's plans.
#[test]
fn encodes_built_messages_with_their_spec_as_with_an_equal_one() {
    let reference = MessageView::decode(ascii(), REQ_0200).unwrap();
    for name in Spec::builtin_names() {
        let spec = Spec::builtin(name).unwrap();
        let twin = twin(spec);
        assert!(twin == *spec, "{name}");
        let header = Bytes::from(vec![b'0'; spec.layout().header_length]);
        // `by_twin(n)`: whether field `n` is set through the twin.
        let build = |by_twin: &dyn Fn(u16) -> bool| {
            let mut m = Message::new(reference.mti());
            m.set_header(header.clone());
            for fv in reference.fields() {
                let through = if by_twin(fv.number()) { &twin } else { spec };
                let _ = m.set(through, fv.number(), fv.as_bytes());
            }
            m
        };
        let built = build(&|_| false);
        let wire = encode(spec, &built).unwrap();
        assert!(wire.len() > 60, "{name}");
        assert_eq!(encode(&twin, &built).unwrap(), wire, "{name}");
        assert_eq!(encode(&spec.clone(), &built).unwrap(), wire, "{name}");
        let mixed = build(&|n| n % 2 == 1);
        assert_eq!(mixed, built, "{name}");
        assert_eq!(encode(spec, &mixed).unwrap(), wire, "{name}");
        assert_eq!(encode(&twin, &mixed).unwrap(), wire, "{name}");
        let by_twin = build(&|_| true);
        assert_eq!(encode(spec, &by_twin).unwrap(), wire, "{name}");
        // Part of the fields, each way.
        let numbers: Vec<u16> = built.numbers().collect();
        for keep in [&numbers[..1], &numbers[1..], &numbers[..numbers.len() / 2]] {
            let part = built.with_only(keep);
            let expected = encode(&twin, &part).unwrap();
            assert_eq!(encode(spec, &part).unwrap(), expected, "{name}: {keep:?}");
            assert_eq!(
                encode(&twin, &by_twin.with_only(keep)).unwrap(),
                expected,
                "{name}: {keep:?}"
            );
        }
    }
}

/// What a built message's values keep of the spec that set them never stands in for another
/// spec: not for a spec later built at the same address, nor once a value of another spec
/// has joined them.
#[test]
fn checks_a_built_message_against_any_other_spec() {
    let decoded = Message::decode(ascii(), Bytes::from_static(REQ_0200)).unwrap();
    let n = |len| FieldSpec::fixed("x", ContentClass::N, Encoding::Ascii, len);
    let range = |len, min, max| EncodeErrorKind::LengthOutOfRange { len, min, max };

    // The same variable, so the same address, holding another spec.
    let mut spec = ascii_with(&[]);
    let m = rebuilt(&spec, &decoded);
    assert_eq!(encode(&spec, &m).unwrap(), REQ_0200);
    spec = ascii_with(&[(4, Some(n(13)))]);
    let e = encode(&spec, &m).unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (range(12, 13, 13), Element::Field(4))
    );
    spec = ascii_with(&[(11, None)]);
    let e = encode(&spec, &m).unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (EncodeErrorKind::FieldNotInSpec, Element::Field(11))
    );
    spec = ascii_with(&[(4, Some(n(12)))]);
    assert_eq!(encode(&spec, &m).unwrap(), REQ_0200);

    // Field 4 (bytes 44..56 of the reference) replaced through a spec where it is an LLVAR.
    let llvar = ascii_with(&[(
        4,
        Some(FieldSpec::variable(
            "x",
            ContentClass::N,
            Encoding::Ascii,
            12,
            LengthPrefix::new(2, PrefixEncoding::Ascii),
        )),
    )]);
    assert_eq!(&REQ_0200[44..56], b"000000010000");
    let mut expected = REQ_0200[..44].to_vec();
    expected.extend_from_slice(b"0512345");
    expected.extend_from_slice(&REQ_0200[56..]);
    let mut m = rebuilt(ascii(), &decoded);
    m.set(&llvar, 4, "12345").unwrap();
    assert_eq!(encode(&llvar, &m).unwrap(), expected);
    let e = encode(ascii(), &m).unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (range(5, 12, 12), Element::Field(4))
    );
    // Set back through the first spec: the reference again, with either spec.
    m.set(ascii(), 4, "000000010000").unwrap();
    assert_eq!(encode(ascii(), &m).unwrap(), REQ_0200);
    let mut as_llvar = REQ_0200[..44].to_vec();
    as_llvar.extend_from_slice(b"12");
    as_llvar.extend_from_slice(&REQ_0200[44..]);
    assert_eq!(encode(&llvar, &m).unwrap(), as_llvar);

    // A message built with the LLVAR spec only, encoded with the reference spec.
    let mut m = rebuilt(&llvar, &decoded);
    assert_eq!(encode(&llvar, &m).unwrap(), as_llvar);
    assert_eq!(encode(ascii(), &m).unwrap(), REQ_0200);
    m.set(&llvar, 4, "12345").unwrap();
    let e = encode(ascii(), &m).unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (range(5, 12, 12), Element::Field(4))
    );
    m.remove(4);
    assert_eq!(encode(ascii(), &m).unwrap(), encode(&llvar, &m).unwrap());
}
