//! The built-in dialect specs (China UnionPay POS, Visa BASE I style, Mastercard CIS style):
//! they load, decode a public sample message field for field, and encode hand-derived bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use iso8583_wire::spec::{
    BcdPad, ContentClass, Encoding, FieldSpec, LengthPrefix, PrefixCounts, PrefixEncoding,
};
use iso8583_wire::{DecodeErrorKind, Message, MessageView, Mti, Spec};

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(s.len() % 2, 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn spec(name: &str) -> &'static Spec {
    Spec::builtin(name).unwrap_or_else(|| panic!("built-in spec {name} is missing"))
}

fn mti(s: &str) -> Mti {
    Mti::from_text(s).unwrap()
}

#[test]
fn loads_every_dialect_spec() {
    for (name, header, fields) in [
        ("cup-pos", 11, 35),
        ("cup-pos-tpdu", 5, 35),
        ("visa-base1", 0, 126),
        ("mastercard-cis", 0, 126),
    ] {
        assert!(
            Spec::builtin_names().contains(&name),
            "{name} is not listed"
        );
        let s = spec(name);
        assert_eq!(s.name(), name);
        assert_eq!(s.layout().header_length, header, "{name}");
        assert!(!s.layout().tertiary_bitmap, "{name}");
        assert_eq!(s.fields().count(), fields, "{name}");
        // The file on disk is the embedded one.
        let text = std::fs::read_to_string(format!("specs/{name}.toml")).unwrap();
        assert_eq!(Spec::from_toml_str(&text).unwrap().name(), name);
    }
    // UnionPay POS uses fields 2-64 only.
    assert!(spec("cup-pos").fields().all(|(n, _)| (2..=64).contains(&n)));
    assert!(spec("cup-pos").field(24).is_some());
    assert!(spec("cup-pos").field(5).is_none());
}

/// The public sample of HosseinAssaran/ISO8583-Parser (tests/integration_test.rs), as in
/// `peers.json`, without its 2-byte length prefix 0x00A8 (168).
const HOSSEIN_FRAME: &str = "00a8600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

#[test]
fn decodes_cup_pos_tpdu_vector() {
    let frame = unhex(HOSSEIN_FRAME);
    assert_eq!(&frame[..2], &[0x00, 0xA8]);
    let msg = &frame[2..];
    assert_eq!(msg.len(), 168);
    let s = spec("cup-pos-tpdu");
    let v = MessageView::decode(s, msg).unwrap();
    assert_eq!(hex(v.header()), "6000080000");
    assert_eq!(v.mti().as_str(), "0200");
    let expected: &[(u16, &str)] = &[
        (3, "000000"),
        (4, "000000000001"),
        (11, "002755"),
        (12, "160400"),
        (13, "1125"),
        (22, "021"),
        (24, "008"),
        (25, "00"),
        (35, "8362143741176336D28112011861000000000"),
        (41, "01144021"),
        (42, "01129630       "),
        (
            48,
            "1101313131313131313131311002312E312E312E312E31020330022231021532",
        ),
        (49, "364"),
        (52, "0000000000000000"),
        (
            55,
            "5F2A02036482020800950580000000009A032311259C01009F0206000000000001",
        ),
        (64, "1111111111111111"),
    ];
    let numbers: Vec<u16> = v.fields().map(|f| f.number()).collect();
    let want: Vec<u16> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, want);
    for (n, text) in expected {
        assert_eq!(v.field(*n).unwrap().to_text(), *text, "DE{n}");
    }
    // DE22 is right-aligned here (00 21), DE24 likewise (00 08).
    assert_eq!(v.field(22).unwrap().as_bytes(), &[0x00, 0x21]);
    assert_eq!(v.field(24).unwrap().as_bytes(), &[0x00, 0x08]);
    // DE35: 19 bytes on the wire, F filler, prefix 0x38 (wire nibbles); 37 characters.
    let t2 = v.field(35).unwrap();
    assert_eq!(hex(t2.as_bytes()), "8362143741176336D28112011861000000000F");
    assert_eq!(t2.len(), 37);
    assert_eq!(
        t2.masked().to_string(),
        "836214******6336D********************"
    );
    // DE48 is binary here: 32 bytes.
    assert_eq!(v.field(48).unwrap().as_bytes().len(), 32);
    assert_eq!(v.field(52).unwrap().masked().to_string(), "[HIDDEN]");

    let m = Message::from_view(&v);
    assert_eq!(m.to_vec(s).unwrap(), msg);

    // cup-pos (UnionPay's documents) reads the same bytes differently: 11 header bytes, so
    // the MTI would be 00 02 … and the bitmap misplaced. It must not decode silently.
    assert!(MessageView::decode(spec("cup-pos"), msg).is_err());
}

#[test]
fn round_trips_cup_pos_sign_on() {
    let s = spec("cup-pos");
    let mut m = Message::new(mti("0800"));
    m.set_header(unhex("6000030000 603100000000"));
    m.set(s, 11, "000001").unwrap();
    m.set(s, 41, "TERM0001").unwrap();
    m.set(s, 42, "MERCHANT0000001").unwrap();
    m.set(s, 60, "00000001003").unwrap();
    m.set(s, 63, "001").unwrap();
    let expected = unhex(
        "6000030000 603100000000 \
         0800 \
         0020000000C00012 \
         000001 \
         5445524D30303031 \
         4D45524348414E54303030303030 31 \
         0011 000000010030 \
         0003 303031",
    );
    let wire = m.to_vec(s).unwrap();
    assert_eq!(hex(&wire), hex(&expected));
    let v = MessageView::decode(s, &wire).unwrap();
    assert_eq!(hex(v.header()), "6000030000603100000000");
    assert_eq!(v.mti().as_str(), "0800");
    assert_eq!(v.field(11).unwrap().to_text(), "000001");
    assert_eq!(v.field(60).unwrap().to_text(), "00000001003");
    assert_eq!(v.field(60).unwrap().len(), 11);
    assert_eq!(v.field(63).unwrap().to_text(), "001");
    assert_eq!(Message::from_view(&v), m);
}

/// EMV data used in every authorization request: 9F02 amount, 9F26 cryptogram, 5F2A currency.
const ICC: &str = "9F0206000000010000 9F26080102030405060708 5F2A020840";
const PAN: &str = "4242424242424242";
const TRACK2: &str = "4242424242424242=29122011000000000000";
/// Fields 2, 3, 4, 11, 14, 22, 25, 35, 41, 42, 49, 55.
const AUTH_BITMAP: &str = "70240480 20C08200";

fn auth_request(s: &Spec, header: &[u8], de3: &str, de22: &str, de25: &str, de49: &str) -> Message {
    let mut m = Message::new(mti("0100"));
    m.set_header(header.to_vec());
    m.set(s, 2, PAN).unwrap();
    m.set(s, 3, de3).unwrap();
    m.set(s, 4, "000000010000").unwrap();
    m.set(s, 11, "123456").unwrap();
    m.set(s, 14, "2912").unwrap();
    m.set(s, 22, de22).unwrap();
    m.set(s, 25, de25).unwrap();
    m.set(s, 35, TRACK2).unwrap();
    m.set(s, 41, "TERM0001").unwrap();
    m.set(s, 42, "MERCHANT0000001").unwrap();
    m.set(s, 49, de49).unwrap();
    m.set_binary(s, 55, &unhex(ICC)).unwrap();
    m
}

/// Encodes, compares with the expected bytes, decodes back and checks values and masking.
fn check_auth(s: &Spec, m: &Message, expected: &str, track2_text: &str) {
    let wire = m.to_vec(s).unwrap();
    assert_eq!(hex(&wire), hex(&unhex(expected)), "{}", s.name());
    let v = MessageView::decode(s, &wire).unwrap();
    assert_eq!(v.mti().as_str(), "0100");
    assert_eq!(v.field(2).unwrap().to_text(), PAN);
    assert_eq!(v.field(2).unwrap().masked().to_string(), "424242******4242");
    assert_eq!(v.field(35).unwrap().to_text(), track2_text);
    assert_eq!(v.field(35).unwrap().len(), 37);
    let sep = &track2_text[16..17];
    assert_eq!(
        v.field(35).unwrap().masked().to_string(),
        format!("424242******4242{sep}{}", "*".repeat(20))
    );
    assert_eq!(v.field(41).unwrap().to_text(), "TERM0001");
    assert_eq!(v.field(42).unwrap().to_text(), "MERCHANT0000001");
    assert_eq!(v.field(55).unwrap().as_bytes(), unhex(ICC).as_slice());
    assert_eq!(v.field(55).unwrap().to_text(), hex(&unhex(ICC)));
    assert_eq!(v.fields().count(), 12);
    let debug = format!("{v:?}");
    assert!(!debug.contains(PAN), "{debug}");
    assert_eq!(Message::from_view(&v), *m);
}

#[test]
fn round_trips_cup_pos_authorization() {
    let s = spec("cup-pos");
    let header = unhex("6000030000 603100000000");
    let m = auth_request(s, &header, "030000", "051", "06", "156");
    let expected = format!(
        "6000030000 603100000000 0100 {AUTH_BITMAP} \
         16 4242424242424242 \
         030000 \
         000000010000 \
         123456 \
         2912 \
         0510 \
         06 \
         37 4242424242424242 D2912201100000000000 0F \
         5445524D30303031 \
         4D45524348414E54303030303030 31 \
         313536 \
         0025 {ICC}"
    );
    // DE22 left-aligned (05 10); DE35 counted in characters (0x37), F filler at the end.
    check_auth(s, &m, &expected, "4242424242424242D29122011000000000000");
}

#[test]
fn round_trips_cup_pos_tpdu_authorization() {
    let s = spec("cup-pos-tpdu");
    let m = auth_request(s, &unhex("6000030000"), "030000", "051", "06", "156");
    let expected = format!(
        "6000030000 0100 {AUTH_BITMAP} \
         16 4242424242424242 \
         030000 \
         000000010000 \
         123456 \
         2912 \
         0051 \
         06 \
         38 4242424242424242 D2912201100000000000 0F \
         5445524D30303031 \
         4D45524348414E54303030303030 31 \
         313536 \
         0025 {ICC}"
    );
    // DE22 right-aligned (00 51); DE35 counted in wire nibbles (0x38).
    check_auth(s, &m, &expected, "4242424242424242D29122011000000000000");
}

#[test]
fn round_trips_visa_base1_authorization() {
    let s = spec("visa-base1");
    let m = auth_request(s, &[], "000000", "0510", "00", "840");
    let expected = format!(
        "0100 {AUTH_BITMAP} \
         10 4242424242424242 \
         000000 \
         000000010000 \
         123456 \
         2912 \
         0510 \
         00 \
         25 04242424242424242D29122011000000000000 \
         E3C5D9D4F0F0F0F1 \
         D4C5D9C3C8C1D5E3F0F0F0F0F0F0F1 \
         0840 \
         19 {ICC}"
    );
    // 1-byte binary prefixes: 0x10 = 16 digits, 0x25 = 37 characters, 0x19 = 25 bytes;
    // the odd track 2 is padded in front.
    check_auth(s, &m, &expected, "4242424242424242D29122011000000000000");
}

#[test]
fn round_trips_mastercard_cis_authorization() {
    let s = spec("mastercard-cis");
    let m = auth_request(s, &[], "000000", "051", "00", "840");
    let expected = format!(
        "F0F1F0F0 {AUTH_BITMAP} \
         F1F6 F4F2F4F2F4F2F4F2F4F2F4F2F4F2F4F2 \
         F0F0F0F0F0F0 \
         F0F0F0F0F0F0F0F1F0F0F0F0 \
         F1F2F3F4F5F6 \
         F2F9F1F2 \
         F0F5F1 \
         F0F0 \
         F3F7 F4F2F4F2F4F2F4F2F4F2F4F2F4F2F4F2 7E F2F9F1F2F2F0F1F1F0F0F0F0F0F0F0F0F0F0F0F0 \
         E3C5D9D4F0F0F0F1 \
         D4C5D9C3C8C1D5E3F0F0F0F0F0F0F1 \
         F8F4F0 \
         F0F2F5 {ICC}"
    );
    // EBCDIC MTI and LL/LLL prefixes; DE55 raw bytes behind 3 EBCDIC digits (025).
    check_auth(s, &m, &expected, TRACK2);
}

/// iso8583-codec-rs (GoPlasmatic) wrote DE22 as three ASCII digits and DE2 as EBCDIC text
/// with a BCD LL; neither matches the BASE I / CIS layouts, so the dialect specs reject
/// these messages. The first field that differs is reported with its offset.
#[test]
fn rejects_codec_rs_visa_and_mastercard_samples() {
    let visa = unhex("01007224048008c0800016f4f1f1f1f1f1f1f1f1f1f1f1f1f1f1f10000000000000050000101120000000001251230353100f0f0f0f0f0f0f0f0f0f0f0f1e3c5d9d4f0f0f0f1d4c5d9c3c8c1d5e3f0f0f0f0f0f1400840");
    let err = MessageView::decode(spec("visa-base1"), &visa).unwrap_err();
    // DE2: the binary prefix 0x16 says 22 digits, above the 19 allowed.
    assert_eq!(err.field(), Some(2));
    assert_eq!(
        err.kind(),
        DecodeErrorKind::LengthOutOfRange {
            len: 22,
            min: 0,
            max: 19
        }
    );
    assert_eq!(err.offset(), 10);

    let mc = unhex("303130307224048008c0800016f5f5f0f0f0f0f0f0f0f0f0f0f0f0f0f40000000000000025000315093000000042261230353100f0f0f0f0f0f0f0f0f0f0f4f2e3c5d9d4f0f0f0f2d4c36dd4c5d9c3c8c1d5e3f0f0f1400840");
    let err = MessageView::decode(spec("mastercard-cis"), &mc).unwrap_err();
    // The MTI is ASCII (30 31 30 30), not EBCDIC.
    assert_eq!(err.kind(), DecodeErrorKind::InvalidMti);
    assert_eq!(err.offset(), 0);
}

/// A BCD field whose prefix counts bytes (or wire nibbles) and whose filler is `F` may hold
/// its maximum odd digit count: the prefix implies one digit more until the filler is seen.
#[test]
fn decodes_odd_bcd_at_max_length_counted_in_bytes_or_wire_nibbles() {
    for (counts, prefix) in [
        (PrefixCounts::Bytes, 0x19u8),
        (PrefixCounts::WireNibbles, 0x38),
    ] {
        let fs = FieldSpec::variable(
            "Track 2 data",
            ContentClass::Z,
            Encoding::Bcd,
            37,
            LengthPrefix::new(2, PrefixEncoding::Bcd).counting(counts),
        )
        .with_bcd_pad(BcdPad::RightF);
        let layout = *spec("iso8583-1987-binary").layout();
        let s = Spec::new("t", layout, vec![(35, fs)]).unwrap();
        let mut wire = unhex("0200 0000 0000 2000 0000");
        wire.push(prefix);
        wire.extend(unhex("4242424242424242D29122011000000000000F"));
        let v = MessageView::decode(&s, &wire).unwrap();
        assert_eq!(
            v.field(35).unwrap().to_text(),
            "4242424242424242D29122011000000000000"
        );
        assert_eq!(Message::from_view(&v).to_vec(&s).unwrap(), wire);
        // 38 digits (no filler) are one too many.
        let last = wire.len() - 1;
        wire[last] = 0x00;
        let err = MessageView::decode(&s, &wire).unwrap_err();
        assert_eq!(
            err.kind(),
            DecodeErrorKind::LengthOutOfRange {
                len: 38,
                min: 0,
                max: 37
            }
        );
        assert_eq!(err.field(), Some(35));
        assert_eq!(err.offset(), 10);
    }
}
