//! Every decode, encode and spec error: the exact kind, the element (field) and, for decoding,
//! the absolute byte offset. Errors never carry field content.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use iso8583_wire::spec::{
    BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding, Padding,
    PrefixEncoding,
};
use iso8583_wire::{
    Bitmap, DecodeError, DecodeErrorKind, Element, EncodeError, EncodeErrorKind, FieldSpec,
    Message, MessageView, Mti, Spec,
};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn ascii() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

fn decode_err(spec: &Spec, wire: &[u8]) -> DecodeError {
    match MessageView::decode(spec, wire) {
        Ok(v) => panic!("decoded: {v:?}"),
        Err(e) => e,
    }
}

fn assert_decode_err(spec: &Spec, wire: &[u8], kind: DecodeErrorKind, el: Element, at: usize) {
    let e = decode_err(spec, wire);
    assert_eq!((e.kind(), e.element(), e.offset()), (kind, el, at), "{e}");
    assert_eq!(e.response_code(), "30");
}

/// The reference 0200 with `bytes` written at `at`.
fn req_with(at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut w = REQ.to_vec();
    w[at..at + bytes.len()].copy_from_slice(bytes);
    w
}

/// A spec of ASCII MTI, ASCII-hex bitmap and the given fields.
fn spec_of(fields: Vec<(u16, FieldSpec)>) -> Spec {
    Spec::new(
        "test",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex),
        fields,
    )
    .unwrap()
}

/// `0200`, the ASCII-hex bitmap of `numbers`, then `content` (which starts at byte 20 when no
/// secondary bitmap is needed).
fn wire(numbers: &[u16], content: &[u8]) -> Vec<u8> {
    let mut b = Bitmap::new();
    for n in numbers {
        b.insert(*n);
    }
    let mut w = b"0200".to_vec();
    w.extend_from_slice(b.to_string().as_bytes());
    w.extend_from_slice(content);
    w
}

fn truncated(needed: usize, available: usize) -> DecodeErrorKind {
    DecodeErrorKind::Truncated { needed, available }
}

fn invalid(class: &'static str) -> DecodeErrorKind {
    DecodeErrorKind::InvalidContent { class }
}

// ---- decoding ----

#[test]
fn rejects_truncated_header() {
    let spec = Spec::new(
        "h",
        MessageLayout::new(MtiEncoding::Bcd, BitmapEncoding::Binary).with_header(5),
        [],
    )
    .unwrap();
    assert_decode_err(&spec, b"\x60\x00", truncated(5, 2), Element::Header, 0);
}

#[test]
fn rejects_truncated_mti() {
    assert_decode_err(ascii(), &REQ[..3], truncated(4, 3), Element::Mti, 0);
    assert_decode_err(ascii(), b"", truncated(4, 0), Element::Mti, 0);
}

#[test]
fn rejects_truncated_bitmaps() {
    assert_decode_err(ascii(), &REQ[..10], truncated(16, 6), Element::Bitmap(1), 4);
    let secondary = b"02008000000000000000000000";
    assert_decode_err(ascii(), secondary, truncated(16, 6), Element::Bitmap(2), 20);
    let tertiary = b"020080000000000000008000000000000000AB";
    assert_decode_err(ascii(), tertiary, truncated(16, 2), Element::Bitmap(3), 36);
}

#[test]
fn rejects_truncated_length_prefix() {
    assert_decode_err(ascii(), &REQ[..21], truncated(2, 1), Element::Field(2), 20);
}

#[test]
fn rejects_truncated_content() {
    // DE2 says 16 digits from byte 22; 8 are there.
    assert_decode_err(ascii(), &REQ[..30], truncated(16, 8), Element::Field(2), 22);
    // DE49 (n 3) starts at byte 161.
    assert_decode_err(
        ascii(),
        &REQ[..163],
        truncated(3, 2),
        Element::Field(49),
        161,
    );
}

#[test]
fn rejects_invalid_length_prefix() {
    let w = req_with(20, b"1A");
    assert_decode_err(
        ascii(),
        &w,
        DecodeErrorKind::InvalidLengthPrefix,
        Element::Field(2),
        20,
    );
    // A BCD prefix with a nibble above 9.
    let bcd = spec_of(vec![(
        2,
        FieldSpec::variable(
            "pan",
            ContentClass::N,
            Encoding::Bcd,
            19,
            LengthPrefix::new(2, PrefixEncoding::Bcd),
        ),
    )]);
    let w = wire(&[2], &[0x1A, 0x12, 0x34]);
    assert_decode_err(
        &bcd,
        &w,
        DecodeErrorKind::InvalidLengthPrefix,
        Element::Field(2),
        20,
    );
}

#[test]
fn rejects_length_above_max() {
    let w = req_with(20, b"20");
    let kind = DecodeErrorKind::LengthOutOfRange {
        len: 20,
        min: 0,
        max: 19,
    };
    assert_decode_err(ascii(), &w, kind, Element::Field(2), 20);
}

#[test]
fn rejects_length_below_min() {
    let spec = spec_of(vec![(
        2,
        FieldSpec::variable(
            "pan",
            ContentClass::N,
            Encoding::Ascii,
            19,
            LengthPrefix::new(2, PrefixEncoding::Ascii),
        )
        .with_min_length(12),
    )]);
    let w = wire(&[2], b"0512345");
    let kind = DecodeErrorKind::LengthOutOfRange {
        len: 5,
        min: 12,
        max: 19,
    };
    assert_decode_err(&spec, &w, kind, Element::Field(2), 20);
}

#[test]
fn rejects_letter_in_n_field() {
    // DE3 is bytes 38..44; its third digit becomes `A`.
    let w = req_with(40, b"A");
    assert_decode_err(ascii(), &w, invalid("n"), Element::Field(3), 40);
}

#[test]
fn rejects_control_byte_in_ans_field() {
    // DE41 is bytes 138..146.
    let w = req_with(142, b"\x01");
    assert_decode_err(ascii(), &w, invalid("ans"), Element::Field(41), 142);
    let w = req_with(143, b"\x7F");
    assert_decode_err(ascii(), &w, invalid("ans"), Element::Field(41), 143);
}

#[test]
fn rejects_bad_bcd_nibble() {
    let spec = spec_of(vec![
        (
            3,
            FieldSpec::fixed("even", ContentClass::N, Encoding::Bcd, 4),
        ),
        (
            4,
            FieldSpec::fixed("odd", ContentClass::N, Encoding::Bcd, 3),
        ),
    ]);
    // Fourth digit is A: byte 21.
    let w = wire(&[3], &[0x12, 0x3A]);
    assert_decode_err(&spec, &w, invalid("n"), Element::Field(3), 21);
    // An odd count's filler nibble must be 0 or F; here it is 5.
    let w = wire(&[4], &[0x51, 0x23]);
    assert_decode_err(&spec, &w, invalid("n"), Element::Field(4), 20);
    // A digit nibble of B in the second byte of DE4, after a good DE3.
    let w = wire(&[3, 4], &[0x12, 0x34, 0x01, 0xB3]);
    assert_decode_err(&spec, &w, invalid("n"), Element::Field(4), 23);
}

#[test]
fn rejects_bad_xn_sign() {
    let spec = spec_of(vec![
        (
            28,
            FieldSpec::fixed("fee", ContentClass::Xn, Encoding::Ascii, 9),
        ),
        (
            29,
            FieldSpec::fixed("fee bcd", ContentClass::Xn, Encoding::Bcd, 9),
        ),
    ]);
    let w = wire(&[28], b"X00000100");
    assert_decode_err(&spec, &w, invalid("xn"), Element::Field(28), 20);
    let w = wire(&[28], b"C0000A100");
    assert_decode_err(&spec, &w, invalid("xn"), Element::Field(28), 25);
    // BCD xn: one ASCII sign byte, then 8 digits in 4 bytes.
    let w = wire(&[29], b"+\x00\x00\x01\x00");
    assert_decode_err(&spec, &w, invalid("xn"), Element::Field(29), 20);
}

#[test]
fn rejects_bad_ascii_hex() {
    let spec = spec_of(vec![(
        52,
        FieldSpec::fixed("pin", ContentClass::B, Encoding::AsciiHex, 4),
    )]);
    let w = wire(&[52], b"12G45678");
    assert_decode_err(&spec, &w, invalid("b"), Element::Field(52), 22);
}

#[test]
fn rejects_invalid_mti() {
    let w = req_with(2, b"A");
    assert_decode_err(ascii(), &w, DecodeErrorKind::InvalidMti, Element::Mti, 0);
    let bcd = Spec::new(
        "bcd",
        MessageLayout::new(MtiEncoding::Bcd, BitmapEncoding::Binary),
        [],
    )
    .unwrap();
    let w = [0x02, 0xA0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_decode_err(&bcd, &w, DecodeErrorKind::InvalidMti, Element::Mti, 0);
}

#[test]
fn rejects_invalid_bitmap() {
    let w = req_with(19, b"G");
    assert_decode_err(
        ascii(),
        &w,
        DecodeErrorKind::InvalidBitmap,
        Element::Bitmap(1),
        4,
    );
    let w = b"0200800000000000000000000000000000Z0";
    assert_decode_err(
        ascii(),
        w,
        DecodeErrorKind::InvalidBitmap,
        Element::Bitmap(2),
        20,
    );
}

#[test]
fn rejects_field_not_in_spec() {
    let spec = spec_of(vec![(
        2,
        FieldSpec::variable(
            "pan",
            ContentClass::N,
            Encoding::Ascii,
            19,
            LengthPrefix::new(2, PrefixEncoding::Ascii),
        ),
    )]);
    let w = wire(&[2, 3], b"0412340000");
    assert_decode_err(
        &spec,
        &w,
        DecodeErrorKind::FieldNotInSpec,
        Element::Field(3),
        26,
    );
}

#[test]
fn rejects_trailing_bytes() {
    let mut w = REQ.to_vec();
    w.extend_from_slice(b"00");
    let kind = DecodeErrorKind::TrailingBytes { count: 2 };
    assert_decode_err(ascii(), &w, kind, Element::Field(49), 164);
    assert_eq!(kind.to_string(), "2 trailing bytes after the last field");
}

#[test]
fn words_one_byte_in_the_singular() {
    let one = DecodeErrorKind::TrailingBytes { count: 1 };
    assert_eq!(one.to_string(), "1 trailing byte after the last field");
    let short = DecodeErrorKind::Truncated {
        needed: 1,
        available: 0,
    };
    assert_eq!(short.to_string(), "needs 1 byte but the input ends here");
}

/// An error about a later field of a message that carries a PAN shows no field content.
#[test]
fn rejects_without_showing_card_data() {
    // DE41 gets a control byte; DE2 and DE35 carry the card number.
    let w = req_with(142, b"\x01");
    let e = decode_err(ascii(), &w);
    for shown in [e.to_string(), format!("{e:?}"), format!("{:?}", e.kind())] {
        assert!(!shown.contains("424242"), "{shown}");
        assert!(!shown.contains("4242424242424242"), "{shown}");
        assert!(!shown.contains("TERM"), "{shown}");
        assert!(!shown.contains("2912"), "{shown}");
    }
    assert_eq!(
        e.to_string(),
        "DE41 at byte 142: holds a character that class ans does not allow (printable characters)"
    );
}

// ---- building and encoding ----

fn set_err(spec: &Spec, n: u16, value: &[u8]) -> EncodeError {
    match Message::new(Mti::FINANCIAL_REQUEST).set(spec, n, value) {
        Ok(m) => panic!("set DE{n}: {m:?}"),
        Err(e) => e,
    }
}

fn range(len: usize, min: usize, max: usize) -> EncodeErrorKind {
    EncodeErrorKind::LengthOutOfRange { len, min, max }
}

fn content(class: &'static str, position: usize) -> EncodeErrorKind {
    EncodeErrorKind::InvalidContent { class, position }
}

#[test]
fn rejects_setting_field_not_in_spec() {
    let spec = spec_of(vec![(
        3,
        FieldSpec::fixed("pc", ContentClass::N, Encoding::Ascii, 6),
    )]);
    let e = set_err(&spec, 4, b"1");
    assert_eq!(
        (e.kind(), e.element()),
        (EncodeErrorKind::FieldNotInSpec, Element::Field(4))
    );
    assert_eq!(e.field(), Some(4));
}

#[test]
fn rejects_setting_value_out_of_range() {
    let e = set_err(ascii(), 2, b"42424242424242424242");
    assert_eq!((e.kind(), e.field()), (range(20, 0, 19), Some(2)));
    let e = set_err(ascii(), 3, b"1234567");
    assert_eq!((e.kind(), e.field()), (range(7, 6, 6), Some(3)));
    // A short value of a fixed field without padding.
    let spec = spec_of(vec![(
        53,
        FieldSpec::fixed("sec", ContentClass::N, Encoding::Ascii, 16).with_padding(Padding::None),
    )]);
    let e = set_err(&spec, 53, b"12");
    assert_eq!((e.kind(), e.field()), (range(2, 16, 16), Some(53)));
    // Below a variable field's minimum.
    let spec = spec_of(vec![(
        2,
        FieldSpec::variable(
            "pan",
            ContentClass::N,
            Encoding::Ascii,
            19,
            LengthPrefix::new(2, PrefixEncoding::Ascii),
        )
        .with_min_length(12),
    )]);
    let e = set_err(&spec, 2, b"12345");
    assert_eq!((e.kind(), e.field()), (range(5, 12, 19), Some(2)));
    // PIN block (b 8 as ASCII hex): 4 bytes given, no padding for binary.
    let e = set_err(ascii(), 52, b"01020304");
    assert_eq!((e.kind(), e.field()), (range(4, 8, 8), Some(52)));
}

#[test]
fn rejects_setting_invalid_content() {
    let e = set_err(ascii(), 3, b"12345A");
    assert_eq!((e.kind(), e.field()), (content("n", 5), Some(3)));
    let e = set_err(ascii(), 41, b"TERM\x01001");
    assert_eq!((e.kind(), e.field()), (content("ans", 4), Some(41)));
    // Odd hex length for a binary field: the position is the end of the value.
    let e = set_err(ascii(), 52, b"0123456789ABCDE");
    assert_eq!((e.kind(), e.field()), (content("b", 15), Some(52)));
    let e = set_err(ascii(), 52, b"0123456789ABCDEG");
    assert_eq!((e.kind(), e.field()), (content("b", 15), Some(52)));
    // set_binary is for class b only.
    let e = Message::new(Mti::FINANCIAL_REQUEST)
        .set_binary(ascii(), 3, &[1, 2, 3])
        .unwrap_err();
    assert_eq!((e.kind(), e.field()), (content("n", 0), Some(3)));
}

/// The position of a bad character is its position in the value given, also when the value
/// is short and gets padded.
#[test]
fn rejects_short_padded_value_at_its_own_position() {
    let e = set_err(ascii(), 3, b"12A");
    assert_eq!((e.kind(), e.field()), (content("n", 2), Some(3)));
}

#[test]
fn rejects_invalid_mti_text() {
    let e = "02A0".parse::<Mti>().unwrap_err();
    assert_eq!(
        (e.kind(), e.element()),
        (EncodeErrorKind::InvalidMti, Element::Mti)
    );
    assert!("020".parse::<Mti>().is_err());
}

#[test]
fn rejects_encoding_with_wrong_header_length() {
    let spec = Spec::new(
        "h",
        MessageLayout::new(MtiEncoding::Bcd, BitmapEncoding::Binary).with_header(5),
        [],
    )
    .unwrap();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    let kind = EncodeErrorKind::HeaderLength {
        expected: 5,
        actual: 0,
    };
    let e = m.encode(&spec, &mut Vec::new()).unwrap_err();
    assert_eq!((e.kind(), e.element()), (kind, Element::Header));
    assert_eq!(m.encoded_len(&spec).unwrap(), 5 + 2 + 8);
    m.set_header(&b"\x60\x00\x01\x00\x00"[..]);
    assert_eq!(m.to_vec(&spec).unwrap().len(), 15);
}

#[test]
fn rejects_field_above_128_without_tertiary_bitmap() {
    let spec = spec_of(vec![(
        130,
        FieldSpec::fixed("x", ContentClass::N, Encoding::Ascii, 2),
    )]);
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 130, "12").unwrap();
    let e = m.to_vec(&spec).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (EncodeErrorKind::NoTertiaryBitmap, Some(130))
    );
    assert_eq!(m.encoded_len(&spec).unwrap_err(), e);
}

#[test]
fn rejects_encoding_with_a_spec_the_value_does_not_fit() {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(ascii(), 2, "4242424242424242").unwrap();
    let short = spec_of(vec![(
        2,
        FieldSpec::variable(
            "pan",
            ContentClass::N,
            Encoding::Ascii,
            12,
            LengthPrefix::new(2, PrefixEncoding::Ascii),
        ),
    )]);
    let e = m.to_vec(&short).unwrap_err();
    assert_eq!((e.kind(), e.field()), (range(16, 0, 12), Some(2)));
    let none = spec_of(vec![]);
    let e = m.to_vec(&none).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (EncodeErrorKind::FieldNotInSpec, Some(2))
    );
    // Encode errors show no content either.
    assert!(!format!("{e} {e:?}").contains("4242"));
}

// ---- spec files ----

const GOOD: &str = r#"
name = "t"
[message]
mti_encoding = "ascii"
bitmap_encoding = "ascii-hex"
[fields.3]
name = "Processing code"
class = "n"
encoding = "ascii"
length = 6
"#;

fn spec_err(text: &str) -> iso8583_wire::SpecError {
    match Spec::from_toml_str(text) {
        Ok(s) => panic!("loaded {}", s.name()),
        Err(e) => e,
    }
}

/// The good spec with `extra` lines added to field 3's table.
fn with_field3(extra: &str) -> String {
    format!("{GOOD}{extra}\n")
}

#[test]
fn loads_the_good_spec() {
    let s = Spec::from_toml_str(GOOD).unwrap();
    assert_eq!(s.field(3).unwrap().length, 6);
}

#[test]
fn rejects_spec_with_unknown_key() {
    let e = spec_err(&with_field3("colour = \"red\""));
    assert_eq!(e.field(), Some(3));
    assert!(e.message().contains("colour"), "{e}");
    assert!(e.to_string().starts_with("field 3: "), "{e}");
    let e = spec_err(&GOOD.replace("[message]", "colour = 1\n[message]"));
    assert_eq!(e.field(), None);
    assert!(e.message().contains("colour"), "{e}");
}

#[test]
fn rejects_spec_with_bad_enum_value() {
    let e = spec_err(&GOOD.replace("class = \"n\"", "class = \"q\""));
    assert_eq!(e.field(), Some(3));
    assert!(e.message().contains('q'), "{e}");
    let e = spec_err(&with_field3("bcd_pad = \"middle\""));
    assert_eq!(e.field(), Some(3));
    let e = spec_err(&GOOD.replace("\"ascii-hex\"", "\"octal\""));
    assert_eq!(e.field(), None);
}

#[test]
fn rejects_spec_defining_field_1() {
    let e = spec_err(&GOOD.replace("[fields.3]", "[fields.1]"));
    assert_eq!(e.field(), Some(1));
    assert!(e.to_string().starts_with("field 1: "), "{e}");
}

#[test]
fn rejects_spec_defining_field_65_with_tertiary_bitmap() {
    let text = GOOD
        .replace("[fields.3]", "[fields.65]")
        .replace("[message]", "[message]\ntertiary_bitmap = true");
    let e = spec_err(&text);
    assert_eq!(e.field(), Some(65));
    // Without a tertiary bitmap, field 65 is an ordinary field.
    let ok = GOOD.replace("[fields.3]", "[fields.65]");
    assert!(Spec::from_toml_str(&ok).unwrap().field(65).is_some());
}

#[test]
fn rejects_spec_with_three_byte_binary_prefix() {
    let e = spec_err(&with_field3("prefix = 3\nprefix_encoding = \"binary\""));
    assert_eq!(e.field(), Some(3));
    assert!(e.message().contains("prefix"), "{e}");
}

#[test]
fn rejects_spec_with_max_too_big_for_prefix() {
    let text = GOOD.replace(
        "length = 6",
        "length = 100\nprefix = 2\nprefix_encoding = \"ascii\"",
    );
    let e = spec_err(&text);
    assert_eq!(e.field(), Some(3));
    assert!(e.message().contains("does not fit"), "{e}");
    // Counting bytes of ASCII hex: 50 bytes are 100 on the wire, too many for LL.
    let text = GOOD
        .replace("class = \"n\"", "class = \"b\"")
        .replace("\nencoding = \"ascii\"", "\nencoding = \"ascii-hex\"")
        .replace(
            "length = 6",
            "length = 50\nprefix = 2\nprefix_encoding = \"ascii\"\nprefix_counts = \"bytes\"",
        );
    assert_eq!(spec_err(&text).field(), Some(3));
}

#[test]
fn rejects_spec_with_bcd_text_class() {
    for class in ["a", "an", "ans"] {
        let text = GOOD
            .replace("class = \"n\"", &format!("class = \"{class}\""))
            .replace("\nencoding = \"ascii\"", "\nencoding = \"bcd\"");
        let e = spec_err(&text);
        assert_eq!(e.field(), Some(3), "{class}");
        assert!(e.message().contains("bcd"), "{e}");
    }
}

#[test]
fn rejects_spec_built_in_code_naming_the_field() {
    let layout = MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::AsciiHex);
    let pc = FieldSpec::fixed("pc", ContentClass::N, Encoding::Ascii, 6);
    let e = Spec::new("t", layout, [(193, pc.clone())]).unwrap_err();
    assert_eq!(e.field(), Some(193));
    let e = Spec::new("t", layout, [(3, pc.clone()), (3, pc.clone())]).unwrap_err();
    assert_eq!(e.field(), Some(3));
    let text_binary = FieldSpec::fixed("x", ContentClass::Ans, Encoding::Binary, 6);
    assert_eq!(
        Spec::new("t", layout, [(48, text_binary)])
            .unwrap_err()
            .field(),
        Some(48)
    );
}
