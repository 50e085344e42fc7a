//! Messages longer than 65,535 bytes (possible with LLLLL and LLLLLL fields), and messages
//! with more data elements than the view keeps every end of (32), decode and their fields are
//! found, like those of small messages.
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
use iso8583_wire::{FieldSpec, Message, MessageView, Mti, Spec};

fn spec() -> Spec {
    let l6 = LengthPrefix::new(6, P::Ascii);
    Spec::new(
        "large",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        [
            (
                2,
                FieldSpec::variable("PAN", C::N, E::Ascii, 19, LengthPrefix::new(2, P::Ascii)),
            ),
            (3, FieldSpec::fixed("Processing code", C::N, E::Ascii, 6)),
            (
                60,
                FieldSpec::variable("Bulk data", C::B, E::Binary, 999_999, l6),
            ),
            (
                61,
                FieldSpec::variable("More text", C::Ans, E::Ascii, 999_999, l6),
            ),
            (70, FieldSpec::fixed("Network code", C::N, E::Ascii, 3)),
        ],
    )
    .unwrap()
}

#[test]
fn decodes_fields_of_a_message_over_64_kib() {
    let spec = spec();
    let bulk: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let text = "x".repeat(5_000);
    let mut m = Message::new(Mti::NETWORK_REQUEST);
    m.set(&spec, 2, "4242424242424242").unwrap();
    m.set(&spec, 3, "990000").unwrap();
    m.set_binary(&spec, 60, &bulk).unwrap();
    m.set(&spec, 61, &text).unwrap();
    m.set(&spec, 70, "301").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    assert!(wire.len() > 75_000);

    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(v.field(2).unwrap().as_str().unwrap(), "4242424242424242");
    assert_eq!(v.field(3).unwrap().as_str().unwrap(), "990000");
    assert_eq!(v.field(60).unwrap().as_bytes(), bulk.as_slice());
    assert_eq!(v.field(61).unwrap().as_str().unwrap(), text);
    assert_eq!(v.field(70).unwrap().as_str().unwrap(), "301");
    assert!(v.field(4).is_none());
    let numbers: Vec<u16> = v.fields().map(|f| f.number()).collect();
    assert_eq!(numbers, [2, 3, 60, 61, 70]);
    // The owned copy shares the buffer and encodes back to the same bytes.
    assert_eq!(Message::from_view(&v).to_vec(&spec).unwrap(), wire);
}

#[test]
fn decodes_a_message_of_exactly_65535_and_65536_bytes() {
    let spec = spec();
    for total in [65_535usize, 65_536] {
        // MTI 4 + primary bitmap 16 + DE61's prefix 6: the rest is its text.
        let text = "y".repeat(total - 4 - 16 - 6);
        let mut m = Message::new(Mti::NETWORK_REQUEST);
        m.set(&spec, 61, &text).unwrap();
        let wire = m.to_vec(&spec).unwrap();
        assert_eq!(wire.len(), total);
        let v = MessageView::decode(&spec, &wire).unwrap();
        assert_eq!(v.field(61).unwrap().len(), text.len());
        assert_eq!(v.fields().count(), 1);
    }
}

/// A spec defining every field from 2 to 192 (65 announces the tertiary bitmap), in turns
/// fixed and variable, in ASCII or in BCD with BCD prefixes.
fn every_field_spec(bcd: bool) -> Spec {
    every_field_spec_padded(bcd, BcdPad::Left0)
}

/// [`every_field_spec`] with odd-length BCD fields padded with `pad`.
fn every_field_spec_padded(bcd: bool, pad: BcdPad) -> Spec {
    let (enc, penc, mti, bitmap) = if bcd {
        (E::Bcd, P::Bcd, MtiEncoding::Bcd, BitmapEncoding::Binary)
    } else {
        (
            E::Ascii,
            P::Ascii,
            MtiEncoding::Ascii,
            BitmapEncoding::AsciiHex,
        )
    };
    let fields = (2..=192u16).filter(|&n| n != 65).map(|n| {
        let fs = if n.is_multiple_of(2) {
            FieldSpec::fixed("fixed", C::N, enc, 3 + u32::from(n % 5))
        } else {
            FieldSpec::variable("variable", C::N, enc, 11, LengthPrefix::new(2, penc))
        };
        (n, fs.with_bcd_pad(pad))
    });
    Spec::new(
        "every",
        MessageLayout::new(mti, bitmap).with_tertiary_bitmap(),
        fields,
    )
    .unwrap()
}

/// The digits a field of `every_field_spec` carries in the test message.
fn digits_of(n: u16) -> String {
    let len = if n.is_multiple_of(2) {
        3 + usize::from(n % 5)
    } else {
        usize::from(n % 12)
    };
    (0..u32::try_from(len).unwrap())
        .map(|i| char::from_digit((u32::from(n) + i) % 10, 10).unwrap())
        .collect()
}

#[test]
fn finds_every_field_of_a_message_with_all_189_data_elements() {
    for bcd in [false, true] {
        let spec = every_field_spec(bcd);
        let mut m = Message::new(Mti::NETWORK_REQUEST);
        for n in (2..=192u16).filter(|&n| n != 65) {
            m.set(&spec, n, digits_of(n)).unwrap();
        }
        let wire = m.to_vec(&spec).unwrap();
        let v = MessageView::decode(&spec, &wire).unwrap();
        // Fields past the 64th present are found by walking; each one, in any order.
        for n in (2..=192u16).filter(|&n| n != 65).rev() {
            let f = v
                .field(n)
                .unwrap_or_else(|| panic!("field {n} (bcd {bcd})"));
            assert_eq!(f.to_text(), digits_of(n), "field {n} (bcd {bcd})");
        }
        assert!(v.field(65).is_none());
        let all: Vec<(u16, String)> = v.fields().map(|f| (f.number(), f.to_text())).collect();
        let expected: Vec<(u16, String)> = (2..=192u16)
            .filter(|&n| n != 65)
            .map(|n| (n, digits_of(n)))
            .collect();
        assert_eq!(all, expected);
        assert_eq!(Message::from_view(&v).to_vec(&spec).unwrap(), wire);
    }
}

/// The fields of `every_field_spec` a test message of `count` data elements carries: spread
/// over all three bitmaps, `count` of the 190.
fn spread(count: usize) -> Vec<u16> {
    let all: Vec<u16> = (2..=192u16).filter(|&n| n != 65).collect();
    (0..count).map(|i| all[i * all.len() / count]).collect()
}

#[test]
fn finds_every_field_whatever_the_number_of_data_elements() {
    // Around each change of stride (every end kept up to 32 data elements, then every 2nd,
    // 4th and 8th), in ASCII and in BCD. The BCD message is also sent with F fillers to a
    // spec that pads with 0: valid, but left to the exact reader by the fast one.
    let counts = [
        1, 31, 32, 33, 34, 40, 63, 64, 65, 66, 97, 127, 128, 129, 130, 160, 189, 190,
    ];
    for (bcd, sent_pad) in [
        (false, BcdPad::Left0),
        (true, BcdPad::Left0),
        (true, BcdPad::LeftF),
    ] {
        let spec = every_field_spec(bcd);
        let sender = every_field_spec_padded(bcd, sent_pad);
        for count in counts {
            let present = spread(count);
            assert_eq!(present.len(), count);
            let mut m = Message::new(Mti::NETWORK_REQUEST);
            let mut sent = Message::new(Mti::NETWORK_REQUEST);
            for &n in &present {
                m.set(&spec, n, digits_of(n)).unwrap();
                sent.set(&sender, n, digits_of(n)).unwrap();
            }
            let wire = sent.to_vec(&sender).unwrap();
            let v = MessageView::decode(&spec, &wire).unwrap();
            let what = format!("{count} data elements, bcd {bcd}, sent with {sent_pad:?}");
            // Every field, last first and then first first, and the ones absent.
            for &n in present.iter().rev().chain(&present) {
                let f = v.field(n).unwrap_or_else(|| panic!("field {n}, {what}"));
                assert!(v.has(n), "field {n}, {what}");
                assert_eq!(f.number(), n, "{what}");
                assert_eq!(f.to_text(), digits_of(n), "field {n}, {what}");
            }
            for n in (0..=200u16)
                .chain([255, 256, 1000, u16::MAX])
                .filter(|n| !present.contains(n))
            {
                assert!(v.field(n).is_none(), "field {n} absent, {what}");
                assert!(!v.has(n), "field {n} absent, {what}");
            }
            let all: Vec<(u16, String)> = v.fields().map(|f| (f.number(), f.to_text())).collect();
            let expected: Vec<(u16, String)> = present.iter().map(|&n| (n, digits_of(n))).collect();
            assert_eq!(all, expected, "{what}");
            // Values still as decoded are encoded as they came, fillers included.
            assert_eq!(
                Message::from_view(&v).to_vec(&spec).unwrap(),
                wire,
                "{what}"
            );
            let filled = m.to_vec(&spec).unwrap();
            assert_eq!(filled.len(), wire.len(), "{what}");
            assert_eq!(
                MessageView::decode(&spec, &filled)
                    .unwrap()
                    .fields()
                    .count(),
                count
            );
        }
    }
}

#[test]
fn iterates_past_empty_bitmap_words() {
    // A secondary bitmap with nothing but the tertiary flag, and a tertiary bitmap with one
    // field; and the same without the primary's field.
    let spec = every_field_spec(false);
    for present in [&[2u16, 150][..], &[150], &[130, 192], &[64, 66], &[3, 192]] {
        let mut m = Message::new(Mti::NETWORK_REQUEST);
        for &n in present {
            m.set(&spec, n, digits_of(n)).unwrap();
        }
        let wire = m.to_vec(&spec).unwrap();
        let v = MessageView::decode(&spec, &wire).unwrap();
        let all: Vec<(u16, String)> = v.fields().map(|f| (f.number(), f.to_text())).collect();
        let expected: Vec<(u16, String)> = present.iter().map(|&n| (n, digits_of(n))).collect();
        assert_eq!(all, expected);
        let mut fields = v.fields();
        assert_eq!(fields.by_ref().count(), present.len());
        assert!(
            fields.next().is_none(),
            "{present:?}: nothing after the last"
        );
    }
}

/// [`every_field_spec`] in ASCII with field 127 an `ans` field of up to 999,999 characters
/// after an LLLLLL prefix.
fn every_field_spec_with_a_huge_one() -> Spec {
    let fields = (2..=192u16).filter(|&n| n != 65).map(|n| {
        let fs = if n == 127 {
            FieldSpec::variable(
                "huge",
                C::Ans,
                E::Ascii,
                999_999,
                LengthPrefix::new(6, P::Ascii),
            )
        } else if n.is_multiple_of(2) {
            FieldSpec::fixed("fixed", C::N, E::Ascii, 3 + u32::from(n % 5))
        } else {
            FieldSpec::variable(
                "variable",
                C::N,
                E::Ascii,
                11,
                LengthPrefix::new(2, P::Ascii),
            )
        };
        (n, fs)
    });
    Spec::new(
        "every-huge",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex).with_tertiary_bitmap(),
        fields,
    )
    .unwrap()
}

#[test]
fn finds_every_field_of_a_message_over_64_kib_whatever_the_number_of_data_elements() {
    let spec = every_field_spec_with_a_huge_one();
    let huge = "h".repeat(70_000);
    let value = |n: u16| if n == 127 { huge.clone() } else { digits_of(n) };
    // Field 127 is present in each: the message is over 64 KiB. Around each stride of the
    // 15 kept 32-bit ends (every end up to 15 data elements, every 2nd up to 30, every 4th up
    // to 60, every 8th up to 120, then every 16th), and the powers of two.
    for count in [
        1, 2, 14, 15, 16, 17, 29, 30, 31, 32, 33, 59, 60, 61, 64, 65, 100, 119, 120, 121, 128, 129,
        189, 190,
    ] {
        let mut present = spread(count);
        if !present.contains(&127) {
            // Swap the nearest field for 127, keeping the count.
            let nearest = *present.iter().min_by_key(|&&n| n.abs_diff(127)).unwrap();
            present.retain(|&n| n != nearest);
            present.push(127);
            present.sort_unstable();
        }
        let mut m = Message::new(Mti::NETWORK_REQUEST);
        for &n in &present {
            m.set(&spec, n, value(n)).unwrap();
        }
        let wire = m.to_vec(&spec).unwrap();
        assert!(wire.len() > 70_000);
        let v = MessageView::decode(&spec, &wire).unwrap();
        for &n in present.iter().rev().chain(&present) {
            let f = v.field(n).unwrap_or_else(|| panic!("field {n} of {count}"));
            assert_eq!(f.to_text(), value(n), "field {n} of {count}");
        }
        for n in (0..=200u16).filter(|n| !present.contains(n)) {
            assert!(v.field(n).is_none(), "field {n} absent, {count}");
            assert!(!v.has(n), "field {n} absent, {count}");
        }
        assert!(present.iter().all(|&n| v.has(n)), "{count}");
        let numbers: Vec<u16> = v.fields().map(|f| f.number()).collect();
        assert_eq!(numbers, present, "{count}");
        assert_eq!(
            Message::from_view(&v).to_vec(&spec).unwrap(),
            wire,
            "{count}"
        );
    }
}
