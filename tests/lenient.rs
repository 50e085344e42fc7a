//! Lenient decoding: content that breaks its field's rules is recorded, with element, offset
//! and rule, while the structure (prefixes, lengths, truncation, trailing bytes) stays fatal.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use iso8583_wire::violation::ContentRule;
use iso8583_wire::{DecodeErrorKind, Element, Message, MessageView, Mti, Spec, Violation};
use proptest::prelude::*;

/// The reference 0200 (tests/rejects.rs and the README decode it).
const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn spec(name: &str) -> &'static Spec {
    Spec::builtin(name).unwrap()
}

/// An 0200 of `spec` with DE3, DE4, DE11, DE28 (`C00000100`), DE41 and DE49, encoded.
fn with_fee(spec: &Spec) -> Vec<u8> {
    let mut m = Message::new(Mti::from_text("0200").unwrap());
    m.set(spec, 3, "000000")
        .unwrap()
        .set(spec, 4, "000000010000")
        .unwrap()
        .set(spec, 11, "000123")
        .unwrap()
        .set(spec, 28, "C00000100")
        .unwrap()
        .set(spec, 41, "TERM0001")
        .unwrap()
        .set(spec, 49, "840")
        .unwrap();
    m.to_vec(spec).unwrap()
}

/// Every field of `view` as (number, offset, bytes).
fn fields<'a>(view: &MessageView<'a>) -> Vec<(u16, usize, &'a [u8])> {
    view.fields()
        .map(|f| (f.number(), f.offset(), f.as_bytes()))
        .collect()
}

#[test]
fn an_amount_without_its_sign_is_refused_strictly_and_named_leniently() {
    let spec = spec("iso8583-1987-ascii");
    let good = with_fee(spec);
    let at = MessageView::decode(spec, &good)
        .unwrap()
        .field(28)
        .unwrap()
        .offset();
    // As in jPOS's own ISO 8583:1987 images: `000000100`, no C/D sign.
    let mut bad = good.clone();
    bad[at] = b'0';

    let err = MessageView::decode(spec, &bad).unwrap_err();
    assert_eq!(err.element(), Element::Field(28));
    assert_eq!(err.offset(), at);
    assert_eq!(err.kind(), DecodeErrorKind::InvalidContent { class: "xn" });

    let mut violations = Vec::new();
    let view = MessageView::decode_lenient(spec, &bad, &mut violations).unwrap();
    assert_eq!(
        violations,
        [Violation::new(Element::Field(28), at, ContentRule::Sign)]
    );
    assert_eq!(
        violations[0].to_string(),
        format!("DE28 at byte {at}: holds no C or D sign, which class xn requires (a C or D sign, then digits)")
    );
    // Every field is there, where the strict decoding of the signed message has it.
    let strict = MessageView::decode(spec, &good).unwrap();
    let expected: Vec<_> = fields(&strict)
        .into_iter()
        .map(|(n, o, _)| (n, o))
        .collect();
    let got: Vec<_> = fields(&view).into_iter().map(|(n, o, _)| (n, o)).collect();
    assert_eq!(got, expected);
    assert_eq!(view.field(28).unwrap().as_bytes(), b"000000100");
    assert_eq!(view.field(41).unwrap().as_str().unwrap(), "TERM0001");
    assert_eq!(view.field(49).unwrap().as_str().unwrap(), "840");
}

#[test]
fn a_binary_amount_without_its_sign_is_named_too() {
    let spec = spec("iso8583-1987-binary");
    let good = with_fee(spec);
    let at = MessageView::decode(spec, &good)
        .unwrap()
        .field(28)
        .unwrap()
        .offset();
    let mut bad = good;
    bad[at] = b'X';
    assert!(MessageView::decode(spec, &bad).is_err());
    let mut violations = Vec::new();
    let view = MessageView::decode_lenient(spec, &bad, &mut violations).unwrap();
    assert_eq!(
        violations,
        [Violation::new(Element::Field(28), at, ContentRule::Sign)]
    );
    assert_eq!(view.field(41).unwrap().as_str().unwrap(), "TERM0001");
}

#[test]
fn every_content_fault_is_recorded_in_field_order() {
    let spec = spec("iso8583-1987-ascii");
    let strict = MessageView::decode(spec, REQ).unwrap();
    let de4 = strict.field(4).unwrap().offset();
    let de41 = strict.field(41).unwrap().offset();
    let de11 = strict.field(11).unwrap().offset();
    let mut bad = REQ.to_vec();
    bad[de4 + 3] = b'A'; // a letter in an `n` field
    bad[de41 + 2] = 0x07; // a control character in an `ans` field
    bad[de11 + 5] = b'X';
    let mut violations = vec![Violation::new(Element::Mti, 0, ContentRule::Sign)];
    let view = MessageView::decode_lenient(spec, &bad, &mut violations).unwrap();
    assert_eq!(
        violations,
        [
            Violation::new(
                Element::Field(4),
                de4 + 3,
                ContentRule::Class { class: "n" }
            ),
            Violation::new(
                Element::Field(11),
                de11 + 5,
                ContentRule::Class { class: "n" }
            ),
            Violation::new(
                Element::Field(41),
                de41 + 2,
                ContentRule::Class { class: "ans" }
            ),
        ]
    );
    assert_eq!(view.fields().count(), strict.fields().count());
    assert_eq!(view.field(2).unwrap().as_bytes(), b"4242424242424242");
    // The message says nothing of the value.
    for v in &violations {
        let text = format!("{v} {v:?}");
        assert!(!text.contains("4242") && !text.contains("TE"), "{text}");
    }
}

#[test]
fn a_clean_message_gives_no_violation_and_the_same_view() {
    let spec = spec("iso8583-1987-ascii");
    let mut violations = vec![Violation::new(Element::Mti, 0, ContentRule::Sign)];
    let view = MessageView::decode_lenient(spec, REQ, &mut violations).unwrap();
    assert!(violations.is_empty());
    let strict = MessageView::decode(spec, REQ).unwrap();
    assert_eq!(fields(&view), fields(&strict));
    assert_eq!(view.mti(), strict.mti());
}

#[test]
fn faults_of_structure_stay_fatal() {
    let spec = spec("iso8583-1987-ascii");
    let strict = MessageView::decode(spec, REQ).unwrap();
    let de2 = strict.field(2).unwrap().offset() - 2;
    let mut cases: Vec<Vec<u8>> = Vec::new();
    cases.push(REQ[..REQ.len() - 1].to_vec()); // truncated
    cases.push([REQ, b"0"].concat()); // a trailing byte
    let mut prefix = REQ.to_vec();
    prefix[de2] = b'A'; // a length prefix that is no number
    cases.push(prefix);
    let mut range = REQ.to_vec();
    range[de2] = b'9'; // 96 digits: out of range
    cases.push(range);
    let mut mti = REQ.to_vec();
    mti[1] = b'X';
    cases.push(mti);
    let mut bitmap = REQ.to_vec();
    bitmap[5] = b'G';
    cases.push(bitmap);
    for wire in &cases {
        let strict = MessageView::decode(spec, wire).unwrap_err();
        let mut violations = Vec::new();
        let lenient = MessageView::decode_lenient(spec, wire, &mut violations).unwrap_err();
        assert_eq!(lenient, strict);
        assert_ne!(
            strict.kind(),
            DecodeErrorKind::InvalidContent { class: "n" },
            "{strict}"
        );
    }
}

/// The built-in specs with the reference 0200 re-encoded in each.
fn references() -> Vec<(&'static Spec, Vec<u8>)> {
    let ascii = spec("iso8583-1987-ascii");
    let view = MessageView::decode(ascii, REQ).unwrap();
    let msg = Message::from_view(&view);
    [
        "iso8583-1987-ascii",
        "iso8583-1987-binary",
        "iso8583-1993-ascii",
    ]
    .iter()
    .filter_map(|&name| {
        let s = spec(name);
        msg.to_vec(s).ok().map(|wire| (s, wire))
    })
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Against the strict decoder, on the references with one byte changed: the same answer
    /// when strict succeeds or fails on structure; when strict fails on content, lenient
    /// records that same fault first, or fails later on structure.
    #[test]
    fn lenient_agrees_with_strict(which in 0usize..3, at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let refs = references();
        let (spec, wire) = &refs[which % refs.len()];
        let mut wire = wire.clone();
        let i = at.index(wire.len());
        wire[i] = byte;
        let mut violations = Vec::new();
        let lenient = MessageView::decode_lenient(spec, &wire, &mut violations);
        match MessageView::decode(spec, &wire) {
            Ok(strict) => {
                let lenient = lenient.unwrap();
                prop_assert!(violations.is_empty());
                prop_assert_eq!(fields(&lenient), fields(&strict));
            }
            Err(e) if matches!(e.kind(), DecodeErrorKind::InvalidContent { .. }) => match lenient {
                Ok(view) => {
                    prop_assert_eq!(violations[0].element(), e.element());
                    prop_assert_eq!(violations[0].offset(), e.offset());
                    // A class fault reads as the strict error reads, word for word.
                    if matches!(violations[0].rule(), ContentRule::Class { .. }) {
                        prop_assert_eq!(violations[0].to_string(), e.to_string());
                    }
                    prop_assert!(view.fields().count() > 0);
                }
                Err(later) => prop_assert!(later.offset() > e.offset(), "{} then {}", e, later),
            },
            Err(e) => prop_assert_eq!(lenient.unwrap_err(), e),
        }
    }
}

#[test]
fn a_field_read_leniently_with_bytes_outside_ascii_still_shows() {
    let spec = spec("iso8583-1987-ascii");
    let de41 = MessageView::decode(spec, REQ)
        .unwrap()
        .field(41)
        .unwrap()
        .offset();
    let mut bad = REQ.to_vec();
    bad[de41 + 2] = 0xC3;
    let mut violations = Vec::new();
    let view = MessageView::decode_lenient(spec, &bad, &mut violations).unwrap();
    let field = view.field(41).unwrap();
    assert_eq!(field.masked().to_string(), "TE?M0001");
    assert_eq!(field.to_text(), "");
    assert!(format!("{view:?}").contains("TE?M0001"));
    assert!(view.to_string().contains("TE?M0001"));
}
