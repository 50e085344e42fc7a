//! The decoder reads common field forms on a fast path that checks neighbouring fields of one
//! class together and leaves anything doubtful to the exact reader. These cases sit on the
//! edges between the two: results and errors must be those of the exact reader.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, ContentClass as C, Encoding as E, LengthPrefix, MessageLayout,
    MtiEncoding, PrefixEncoding as P,
};
use iso8583_wire::{DecodeErrorKind, Element, FieldSpec, MessageView, Spec};

/// BCD MTI and binary bitmap; fields 3 (n 6) and 22 (n 3, padded as given) in BCD, 41 ans 8.
fn bcd_spec(pad: BcdPad) -> Spec {
    Spec::new(
        "bcd",
        MessageLayout::new(MtiEncoding::Bcd, BitmapEncoding::Binary),
        [
            (3, FieldSpec::fixed("Processing code", C::N, E::Bcd, 6)),
            (
                22,
                FieldSpec::fixed("Entry mode", C::N, E::Bcd, 3).with_bcd_pad(pad),
            ),
            (41, FieldSpec::fixed("Terminal", C::Ans, E::Ascii, 8)),
        ],
    )
    .unwrap()
}

/// MTI 0200, bitmap with 3, 22 and 41, then the given field 22 bytes.
fn bcd_message(de22: [u8; 2]) -> Vec<u8> {
    let mut m = vec![0x02, 0x00];
    m.extend_from_slice(&[0x20, 0x00, 0x04, 0x00, 0x00, 0x80, 0x00, 0x00]);
    m.extend_from_slice(&[0x00, 0x00, 0x00]);
    m.extend_from_slice(&de22);
    m.extend_from_slice(b"TERM0001");
    m
}

#[test]
fn an_odd_bcd_field_takes_a_0_or_f_filler_and_nothing_else() {
    // Left filler, whichever the spec writes: 0 and F are both fillers; 5 is not.
    for pad in [BcdPad::Left0, BcdPad::LeftF] {
        let spec = bcd_spec(pad);
        for de22 in [[0x00, 0x51], [0xF0, 0x51]] {
            let wire = bcd_message(de22);
            let v = MessageView::decode(&spec, &wire).unwrap();
            assert_eq!(v.field(22).unwrap().to_text(), "051");
            assert_eq!(v.field(41).unwrap().as_str().unwrap(), "TERM0001");
        }
        let err = MessageView::decode(&spec, &bcd_message([0x50, 0x51])).unwrap_err();
        assert_eq!(err.element(), Element::Field(22));
        assert_eq!(err.offset(), 13);
        assert!(matches!(err.kind(), DecodeErrorKind::InvalidContent { .. }));
    }

    // Right filler: the low nibble of the last byte.
    for pad in [BcdPad::Right0, BcdPad::RightF] {
        let spec = bcd_spec(pad);
        for de22 in [[0x05, 0x10], [0x05, 0x1F]] {
            let wire = bcd_message(de22);
            let v = MessageView::decode(&spec, &wire).unwrap();
            assert_eq!(v.field(22).unwrap().to_text(), "051");
        }
        let err = MessageView::decode(&spec, &bcd_message([0x05, 0x19])).unwrap_err();
        assert_eq!(err.element(), Element::Field(22));
        assert_eq!(err.offset(), 14);
        assert!(matches!(err.kind(), DecodeErrorKind::InvalidContent { .. }));
    }
}

/// ASCII: fields 2 (a..10, LL), 3 (a 4), 4 (a..10, LL), 5 (n 4), 6 (n..6, LL), 7 (n 2).
fn ascii_spec() -> Spec {
    let ll = LengthPrefix::new(2, P::Ascii);
    Spec::new(
        "ascii",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        [
            (2, FieldSpec::variable("two", C::A, E::Ascii, 10, ll)),
            (3, FieldSpec::fixed("three", C::A, E::Ascii, 4)),
            (4, FieldSpec::variable("four", C::A, E::Ascii, 10, ll)),
            (5, FieldSpec::fixed("five", C::N, E::Ascii, 4)),
            (6, FieldSpec::variable("six", C::N, E::Ascii, 6, ll)),
            (7, FieldSpec::fixed("seven", C::N, E::Ascii, 2)),
        ],
    )
    .unwrap()
}

const ASCII_OK: &[u8] = b"02007E0000000000000003ABCWXYZ02DE12340345612";

#[test]
fn prefix_digits_are_not_letters_of_a_neighbouring_alpha_field() {
    let spec = ascii_spec();
    let v = MessageView::decode(&spec, ASCII_OK).unwrap();
    let got: Vec<(u16, &str)> = v
        .fields()
        .map(|f| (f.number(), f.as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "ABC"),
            (3, "WXYZ"),
            (4, "DE"),
            (5, "1234"),
            (6, "456"),
            (7, "12")
        ]
    );
}

#[test]
fn a_bad_byte_in_a_run_of_fields_is_blamed_on_its_own_field() {
    let spec = ascii_spec();
    // (field, offset of a byte within it) for a byte in each field of the two runs.
    for (field, at) in [(2, 22), (3, 26), (4, 31), (5, 34), (6, 40), (7, 43)] {
        let mut wire = ASCII_OK.to_vec();
        wire[at] = if field <= 4 { b'7' } else { b'X' };
        let err = MessageView::decode(&spec, &wire).unwrap_err();
        assert_eq!(err.element(), Element::Field(field), "byte {at}");
        assert_eq!(err.offset(), at, "field {field}");
        assert!(matches!(err.kind(), DecodeErrorKind::InvalidContent { .. }));
    }
    // The first bad byte of the message counts, not the last field's.
    let mut wire = ASCII_OK.to_vec();
    wire[26] = b'1';
    wire[43] = b'Y';
    let err = MessageView::decode(&spec, &wire).unwrap_err();
    assert_eq!((err.element(), err.offset()), (Element::Field(3), 26));
}

#[test]
fn a_run_that_runs_past_the_input_is_truncation_of_the_field_that_does() {
    let spec = ascii_spec();
    let wire = &ASCII_OK[..ASCII_OK.len() - 1];
    let err = MessageView::decode(&spec, wire).unwrap_err();
    assert_eq!(err.element(), Element::Field(7));
    assert!(matches!(err.kind(), DecodeErrorKind::Truncated { .. }));
}

#[test]
fn an_ascii_mti_is_four_digits_whatever_the_other_bytes() {
    let spec = ascii_spec();
    for at in 0..4 {
        for value in 0..=255u8 {
            let mut wire = ASCII_OK.to_vec();
            wire[at] = value;
            let result = MessageView::decode(&spec, &wire);
            if value.is_ascii_digit() {
                let mti = result.unwrap().mti();
                assert_eq!(mti.as_bytes()[at], value);
            } else {
                let err = result.unwrap_err();
                assert_eq!(
                    (err.kind(), err.element(), err.offset()),
                    (DecodeErrorKind::InvalidMti, Element::Mti, 0),
                    "{value:#x} at {at}"
                );
            }
        }
    }
}
