//! Importing jPOS GenericPackager XML files: the iso87 ASCII and binary layouts match the
//! built-in specs, every mapped class gives the expected settings and wire bytes, nested
//! packagers become subfields, and bad files give errors that name the field.
#![cfg(feature = "jpos")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use iso8583_wire::composite::FieldId;
use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, Composite, ContentClass as C, Encoding as E, LengthPrefix, Mask,
    MtiEncoding, Padding, PrefixCounts as K, PrefixEncoding as P,
};
use iso8583_wire::{FieldSpec, Message, MessageView, Mti, Spec};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn load(file: &str) -> Spec {
    let text = std::fs::read_to_string(format!("tests/jpos/{file}")).unwrap();
    Spec::from_jpos_xml(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The wire-relevant settings of a field (everything but the name and the text classes'
/// a/an/ans distinction, which jPOS files do not make).
fn wire_settings(fs: &FieldSpec) -> (C, E, u32, Option<LengthPrefix>, BcdPad, Padding, Mask) {
    let class = match fs.class {
        C::A | C::An | C::Ans => C::Ans,
        c => c,
    };
    (
        class,
        fs.encoding,
        fs.length,
        fs.prefix,
        fs.bcd_pad,
        fs.padding,
        fs.mask,
    )
}

const SHARED: &[u16] = &[
    2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 35, 37, 38, 39, 41, 42, 43, 48, 49, 52, 60, 64, 70, 90, 95,
    128,
];

#[test]
fn decodes_reference_0200_with_iso87ascii_file() {
    let spec = load("iso87ascii.xml");
    let v = MessageView::decode(&spec, REQ).unwrap();
    assert_eq!(v.mti().as_str(), "0200");
    let want = [
        (2, "4242424242424242"),
        (3, "000000"),
        (4, "000000010000"),
        (7, "1123132500"),
        (11, "123456"),
        (12, "132500"),
        (13, "1123"),
        (22, "051"),
        (25, "00"),
        (35, "4242424242424242=29122011000000000000"),
        (37, "123456789012"),
        (41, "TERM0001"),
        (42, "MERCHANT0000001"),
        (49, "840"),
    ];
    let got: Vec<(u16, String)> = v.fields().map(|f| (f.number(), f.to_text())).collect();
    let want: Vec<(u16, String)> = want.iter().map(|(n, t)| (*n, (*t).to_owned())).collect();
    assert_eq!(got, want);
    assert_eq!(Message::from_view(&v).to_vec(&spec).unwrap(), REQ);
}

#[test]
fn iso87ascii_file_matches_builtin_ascii_spec() {
    let spec = load("iso87ascii.xml");
    let builtin = Spec::builtin("iso8583-1987-ascii").unwrap();
    assert_eq!(spec.layout().mti_encoding, MtiEncoding::Ascii);
    assert_eq!(spec.layout().bitmap_encoding, BitmapEncoding::AsciiHex);
    assert_eq!(spec.layout().header_length, 0);
    // A 16-byte bitmap: two bitmaps, and field 65 is jPOS's 1-byte field.
    assert!(!spec.layout().tertiary_bitmap);
    assert_eq!(spec.field(65).unwrap().length, 1);
    for &n in SHARED {
        assert_eq!(
            wire_settings(spec.field(n).unwrap()),
            wire_settings(builtin.field(n).unwrap()),
            "DE{n}"
        );
    }
    assert_eq!(spec.field(2).unwrap().name, "Primary account number");
    // jPOS keeps DE55 as text in its ASCII file; the built-in spec has hex bytes.
    let de55 = spec.field(55).unwrap();
    assert_eq!(
        (de55.class, de55.encoding, de55.length),
        (C::Ans, E::Ascii, 999)
    );
    assert_eq!(de55.prefix, Some(LengthPrefix::new(3, P::Ascii)));
}

#[test]
fn iso87binary_file_matches_builtin_binary_spec() {
    let spec = load("iso87binary.xml");
    let builtin = Spec::builtin("iso8583-1987-binary").unwrap();
    assert_eq!(spec.layout().mti_encoding, MtiEncoding::Bcd);
    assert_eq!(spec.layout().bitmap_encoding, BitmapEncoding::Binary);
    for &n in SHARED.iter().chain(&[55]) {
        assert_eq!(
            wire_settings(spec.field(n).unwrap()),
            wire_settings(builtin.field(n).unwrap()),
            "DE{n}"
        );
    }
    assert_eq!(spec.field(2).unwrap().bcd_pad, BcdPad::Right0);
    assert_eq!(spec.field(22).unwrap().bcd_pad, BcdPad::Left0);
    // The reference message's fields, encoded with the imported spec, decode with the
    // built-in one to the same values and the same bytes.
    let ascii = load("iso87ascii.xml");
    let v = MessageView::decode(&ascii, REQ).unwrap();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    for f in v.fields() {
        m.set(&spec, f.number(), f.to_text()).unwrap();
    }
    let wire = m.to_vec(&spec).unwrap();
    assert_eq!(
        &wire[..4],
        [0x02, 0x00, 0x72, 0x38],
        "BCD MTI, binary bitmap"
    );
    assert_eq!(m.to_vec(builtin).unwrap(), wire);
}

/// (field, class, encoding, prefix (width, encoding, counts), BCD filler) per class.
#[allow(clippy::type_complexity)]
const CLASSES: &[(u16, &str, C, E, Option<(u8, P, K)>, BcdPad)] = {
    use BcdPad::{Left0 as L0, Right0 as R0, RightF as RF};
    const fn u(w: u8, p: P) -> Option<(u8, P, K)> {
        Some((w, p, K::Units))
    }
    &[
        (2, "IFA_NUMERIC", C::N, E::Ascii, None, L0),
        (3, "IFB_NUMERIC pad=true", C::N, E::Bcd, None, L0),
        (4, "IFB_NUMERIC pad=false", C::N, E::Bcd, None, R0),
        (5, "IFB_FNUMERIC", C::N, E::Bcd, None, RF),
        (6, "IFE_NUMERIC", C::N, E::Ebcdic, None, L0),
        (7, "IF_CHAR", C::Ans, E::Ascii, None, L0),
        (8, "IFE_CHAR", C::Ans, E::Ebcdic, None, L0),
        (9, "IF_ECHAR", C::Ans, E::Ebcdic, None, L0),
        (10, "IFA_BINARY", C::B, E::AsciiHex, None, L0),
        (11, "IFB_BINARY", C::B, E::Binary, None, L0),
        (12, "IFE_BINARY", C::B, E::EbcdicHex, None, L0),
        (13, "IFB_HEX", C::B, E::Bcd, None, L0),
        (14, "IFA_LCHAR", C::Ans, E::Ascii, u(1, P::Ascii), L0),
        (15, "IFA_LLCHAR", C::Ans, E::Ascii, u(2, P::Ascii), L0),
        (16, "IFA_LLLCHAR", C::Ans, E::Ascii, u(3, P::Ascii), L0),
        (17, "IFA_LLLLCHAR", C::Ans, E::Ascii, u(4, P::Ascii), L0),
        (18, "IFA_LLLLLCHAR", C::Ans, E::Ascii, u(5, P::Ascii), L0),
        (19, "IFA_LLLLLLCHAR", C::Ans, E::Ascii, u(6, P::Ascii), L0),
        (20, "IFA_LLNUM", C::N, E::Ascii, u(2, P::Ascii), L0),
        (21, "IFA_LLLNUM", C::N, E::Ascii, u(3, P::Ascii), L0),
        (22, "IFB_LLCHAR", C::Ans, E::Ascii, u(2, P::Bcd), L0),
        (23, "IFB_LLLCHAR", C::Ans, E::Ascii, u(3, P::Bcd), L0),
        (24, "IFB_LLLLCHAR", C::Ans, E::Ascii, u(4, P::Bcd), L0),
        (25, "IFB_LLLLLLCHAR", C::Ans, E::Ascii, u(6, P::Bcd), L0),
        (26, "IFB_LLNUM pad=true", C::N, E::Bcd, u(2, P::Bcd), L0),
        (27, "IFB_LLLNUM pad=false", C::N, E::Bcd, u(3, P::Bcd), R0),
        (28, "IFB_FLLNUM", C::N, E::Bcd, u(2, P::Bcd), RF),
        (29, "IFB_FLLLNUM", C::N, E::Bcd, u(3, P::Bcd), RF),
        (30, "IFB_LLHCHAR", C::Ans, E::Ascii, u(1, P::Binary), L0),
        (31, "IFB_LLLHCHAR", C::Ans, E::Ascii, u(2, P::Binary), L0),
        (32, "IFB_LLHECHAR", C::Ans, E::Ebcdic, u(1, P::Binary), L0),
        (
            33,
            "IFB_LLHNUM pad=false",
            C::N,
            E::Bcd,
            u(1, P::Binary),
            R0,
        ),
        (
            34,
            "IFB_LLLHNUM pad=true",
            C::N,
            E::Bcd,
            u(2, P::Binary),
            L0,
        ),
        (37, "IFE_LCHAR", C::Ans, E::Ebcdic, u(1, P::Ebcdic), L0),
        (38, "IFE_LLCHAR", C::Ans, E::Ebcdic, u(2, P::Ebcdic), L0),
        (39, "IFE_LLLCHAR", C::Ans, E::Ebcdic, u(3, P::Ebcdic), L0),
        (40, "IFE_LLLLCHAR", C::Ans, E::Ebcdic, u(4, P::Ebcdic), L0),
        (41, "IFE_LNUM", C::N, E::Ebcdic, u(1, P::Ebcdic), L0),
        (42, "IFE_LLNUM", C::N, E::Ebcdic, u(2, P::Ebcdic), L0),
        (43, "IFE_LLLNUM", C::N, E::Ebcdic, u(3, P::Ebcdic), L0),
        (44, "IFEA_LLCHAR", C::Ans, E::Ascii, u(2, P::Ebcdic), L0),
        (46, "IFAE_LLCHAR", C::Ans, E::Ebcdic, u(2, P::Ascii), L0),
        (47, "IFA_LLBNUM pad=true", C::N, E::Bcd, u(2, P::Ascii), L0),
        (
            48,
            "IFEB_LLNUM",
            C::N,
            E::Bcd,
            Some((2, P::Ebcdic, K::Bytes)),
            RF,
        ),
        (
            49,
            "IFEB_LLLNUM",
            C::N,
            E::Bcd,
            Some((3, P::Ebcdic, K::Bytes)),
            RF,
        ),
        (50, "IFA_LBINARY", C::B, E::Binary, u(1, P::Ascii), L0),
        (51, "IFA_LLBINARY", C::B, E::Binary, u(2, P::Ascii), L0),
        (53, "IFA_LLLBINARY", C::B, E::Binary, u(3, P::Ascii), L0),
        (54, "IFA_LLLLBINARY", C::B, E::Binary, u(4, P::Ascii), L0),
        (55, "IFA_LLLLLBINARY", C::B, E::Binary, u(5, P::Ascii), L0),
        (56, "IFA_LLLLLLBINARY", C::B, E::Binary, u(6, P::Ascii), L0),
        (57, "IFA_LLABINARY", C::B, E::AsciiHex, u(2, P::Ascii), L0),
        (58, "IFA_LLLABINARY", C::B, E::AsciiHex, u(3, P::Ascii), L0),
        (59, "IFB_LLBINARY", C::B, E::Binary, u(2, P::Bcd), L0),
        (60, "IFB_LLLBINARY", C::B, E::Binary, u(3, P::Bcd), L0),
        (61, "IFB_LLLLBINARY", C::B, E::Binary, u(4, P::Bcd), L0),
        (62, "IFB_LLHBINARY", C::B, E::Binary, u(1, P::Binary), L0),
        (63, "IFB_LLLHBINARY", C::B, E::Binary, u(2, P::Binary), L0),
        (
            66,
            "IFB_LLHEX",
            C::B,
            E::Binary,
            Some((2, P::Bcd, K::Nibbles)),
            L0,
        ),
        (
            67,
            "IFB_LLLHEX",
            C::B,
            E::Binary,
            Some((3, P::Bcd, K::Nibbles)),
            L0,
        ),
        (68, "IFE_LBINARY", C::B, E::Binary, u(1, P::Ebcdic), L0),
        (69, "IFE_LLBINARY", C::B, E::Binary, u(2, P::Ebcdic), L0),
        (70, "IFE_LLLBINARY", C::B, E::Binary, u(3, P::Ebcdic), L0),
        (71, "IFE_LLLLBINARY", C::B, E::Binary, u(4, P::Ebcdic), L0),
        (72, "IFA_AMOUNT", C::Xn, E::Ascii, None, L0),
        (73, "IFE_AMOUNT", C::Xn, E::Ebcdic, None, L0),
        (74, "IFB_AMOUNT pad=true", C::Xn, E::Bcd, None, L0),
        (75, "IFA_AMOUNT2003", C::N, E::Ascii, None, L0),
        (76, "IFB_AMOUNT2003", C::N, E::Bcd, None, R0),
        (77, "IFB_LLLHECHAR", C::Ans, E::Ebcdic, u(2, P::Binary), L0),
    ]
};

#[test]
fn maps_every_class() {
    let text = std::fs::read_to_string("tests/jpos/classes.xml").unwrap();
    let spec = load("classes.xml");
    let layout = spec.layout();
    assert_eq!(layout.mti_encoding, MtiEncoding::Ebcdic);
    assert_eq!(layout.bitmap_encoding, BitmapEncoding::EbcdicHex);
    assert_eq!(layout.header_length, 5);
    assert!(layout.tertiary_bitmap, "a 24-byte bitmap holds three");
    assert!(
        spec.field(65).is_none(),
        "bit 65 announces the tertiary bitmap"
    );
    assert_eq!(spec.field(130).unwrap().length, 3);
    for &(n, label, class, encoding, prefix, bcd_pad) in CLASSES {
        let jpos_class = label.split(' ').next().unwrap();
        assert!(
            text.contains(&format!("id=\"{n}\" length=")) && text.contains(jpos_class),
            "{label} is in the file"
        );
        let fs = spec.field(n).unwrap_or_else(|| panic!("DE{n} {label}"));
        assert_eq!(fs.name, jpos_class, "DE{n}");
        let want_prefix = prefix.map(|(w, p, k)| LengthPrefix::new(w, p).counting(k));
        assert_eq!(
            (fs.class, fs.encoding, fs.prefix, fs.bcd_pad),
            (class, encoding, want_prefix, bcd_pad),
            "DE{n} {label}"
        );
        let padding = match (fs.prefix, class) {
            (Some(_), _) | (None, C::B) => Padding::None,
            (None, C::N | C::Xn) => Padding::LeftZeros,
            (None, _) => Padding::RightSpaces,
        };
        assert_eq!(fs.padding, padding, "DE{n} {label}");
    }
    assert_eq!(spec.fields().count(), CLASSES.len() + 2);
    // IFB_LLHEX counts nibbles in two BCD digits: at most 49 bytes, whatever the file says.
    assert_eq!(spec.field(78).unwrap().length, 49);
    assert_eq!(spec.field(2).unwrap().mask, Mask::Pan);
    assert_eq!(spec.field(3).unwrap().mask, Mask::None);
}

#[test]
fn encodes_jpos_wire_forms() {
    let spec = load("classes.xml");
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 48, "12345").unwrap(); // IFEB_LLNUM
    m.set_binary(&spec, 57, &[0xAB, 0x01]).unwrap(); // IFA_LLABINARY
    m.set_binary(&spec, 66, &[0xAB, 0xCD]).unwrap(); // IFB_LLHEX
    m.set(&spec, 74, "C00001234").unwrap(); // IFB_AMOUNT 9, pad=true
    m.set(&spec, 33, "123").unwrap(); // IFB_LLHNUM, pad=false
    m.set(&spec, 30, "AB").unwrap(); // IFB_LLHCHAR
    m.set(&spec, 44, "AB").unwrap(); // IFEA_LLCHAR
    m.set(&spec, 46, "AB").unwrap(); // IFAE_LLCHAR
    m.set(&spec, 5, "123").unwrap(); // IFB_FNUMERIC 5
    m.set_header(&b"HEADR"[..]);
    let wire = m.to_vec(&spec).unwrap();
    // Header, EBCDIC MTI, primary and secondary bitmaps as EBCDIC hex.
    assert_eq!(&wire[..5], b"HEADR");
    assert_eq!(&wire[5..9], [0xF0, 0xF2, 0xF0, 0xF0]);
    let body = &wire[5 + 4 + 32..];
    let want: Vec<u8> = [
        &[0x00, 0x12, 0x3F][..],         // DE5: 00123, F filler on the right
        &[0x02, b'A', b'B'],             // DE30: binary length, ASCII
        &[0x03, 0x12, 0x30],             // DE33: binary digit count, 0 filler on the right
        &[0xF0, 0xF2, b'A', b'B'],       // DE44: EBCDIC length, ASCII text
        &[b'0', b'2', 0xC1, 0xC2],       // DE46: ASCII length, EBCDIC text
        &[0xF0, 0xF3, 0x12, 0x34, 0x5F], // DE48: EBCDIC byte count, F filler
        b"02AB01",                       // DE57: value bytes, hex characters
        &[0x04, 0xAB, 0xCD],             // DE66: BCD nibble count
        &[b'C', 0x00, 0x00, 0x12, 0x34], // DE74: sign byte, 8 BCD digits
    ]
    .concat();
    assert_eq!(body, want);
    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(v.field(48).unwrap().to_text(), "12345");
    assert_eq!(v.field(57).unwrap().to_text(), "AB01");
    assert_eq!(v.field(74).unwrap().to_text(), "C00001234");
    assert_eq!(Message::from_view(&v).to_vec(&spec).unwrap(), wire);
}

#[test]
fn decodes_nested_packagers() {
    let spec = load("nested.xml");
    let de60 = spec.field(60).unwrap();
    match de60.composite.as_deref() {
        Some(Composite::Positional(subs)) => {
            let ids: Vec<u16> = subs.iter().map(|(k, _)| *k).collect();
            assert_eq!(ids, [1, 2, 3]);
        }
        other => panic!("DE60: {other:?}"),
    }
    let de127 = spec.field(127).unwrap();
    assert_eq!(
        (de127.class, de127.encoding, de127.prefix),
        (C::B, E::Binary, Some(LengthPrefix::new(6, P::Ascii)))
    );
    match de127.composite.as_deref() {
        Some(Composite::Bitmapped(b)) => {
            assert_eq!(b.bitmap_bytes, 8);
            let ids: Vec<u16> = b.subfields.iter().map(|(k, _)| *k).collect();
            assert_eq!(ids, [2, 3, 12, 22], "placeholder 0 and bitmap 1 dropped");
        }
        other => panic!("DE127: {other:?}"),
    }
    assert_eq!(
        spec.field(55).unwrap().composite.as_deref(),
        Some(&Composite::BerTlv)
    );

    // DE127: bitmap with bits 2 and 12, "05" + "KEY01", "07" + "OWNER01".
    let mut de127_value = vec![0x40, 0x10, 0, 0, 0, 0, 0, 0];
    de127_value.extend_from_slice(b"05KEY0107OWNER01");
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 11, "000042").unwrap();
    m.set(&spec, 55, "9F02060000000001009A03240131").unwrap();
    m.set(&spec, 60, "0100021A2B3").unwrap();
    m.set_binary(&spec, 127, &de127_value).unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let mut want = b"0200".to_vec();
    want.extend_from_slice(&[
        0x80, 0x20, 0, 0, 0, 0, 0x02, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x02,
    ]);
    want.extend_from_slice(b"000042");
    want.extend_from_slice(&[0x00, 0x14]);
    want.extend_from_slice(&[
        0x9F, 0x02, 0x06, 0, 0, 0, 0, 0x01, 0x00, 0x9A, 0x03, 0x24, 0x01, 0x31,
    ]);
    want.extend_from_slice(b"0110100021A2B3");
    want.extend_from_slice(b"000024");
    want.extend_from_slice(&de127_value);
    assert_eq!(wire, want);

    let v = MessageView::decode(&spec, &wire).unwrap();
    let sub = |path: &str| v.get(path).unwrap().unwrap().to_text();
    assert_eq!(sub("60.1"), "01");
    assert_eq!(sub("60.2"), "0002");
    assert_eq!(sub("60.3"), "1A2B3");
    assert_eq!(sub("127.2"), "KEY01");
    assert_eq!(sub("127.12"), "OWNER01");
    assert!(v.get("127.3").unwrap().is_none());
    assert_eq!(sub("55.9F02"), "000000000100");
    let ids: Vec<FieldId> = v
        .field(127)
        .unwrap()
        .subfields()
        .map(|s| s.unwrap().sub_id().unwrap())
        .collect();
    assert_eq!(ids, [FieldId::Number(2), FieldId::Number(12)]);
}

const HEAD: &str = r#"<?xml version="1.0"?>
<!DOCTYPE isopackager PUBLIC "-//jPOS/jPOS Generic Packager DTD 1.0//EN" "http://jpos.org/dtd/generic-packager-1.0.dtd">
<isopackager>
  <isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>
  <isofield id="1" length="16" name="Bitmap" class="org.jpos.iso.IFA_BITMAP"/>
"#;

fn import_err(fields: &str) -> iso8583_wire::SpecError {
    Spec::from_jpos_xml(&format!("{HEAD}{fields}</isopackager>")).unwrap_err()
}

#[test]
fn rejects_unknown_and_unsupported_classes() {
    for class in [
        "IF_TCHAR",
        "IF_FSTCHAR",
        "IFMC_LLCHAR",
        "IFEP_LLCHAR",
        "IF_NOP",
        "IFB_LLHFBINARY",
        "IFA_FLLCHAR",
        "IFE_SIGNED_NUMERIC",
        "IFE_LLLEBINARY",
        "IFX_LLCHAR",
        "com.example.MyPackager",
    ] {
        let e = import_err(&format!(
            r#"<isofield id="48" length="99" name="x" class="org.jpos.iso.{class}"/>"#
        ));
        assert_eq!(e.field(), Some(48), "{class}");
        let short = class.trim_start_matches("org.jpos.iso.");
        assert!(e.to_string().starts_with("field 48: "), "{e}");
        assert!(e.message().contains(short), "{class}: {e}");
    }
    // Inside a nested packager the error names the data element and the subfield.
    let e = import_err(
        r#"<isofieldpackager id="60" length="999" name="x" class="org.jpos.iso.IFA_LLLCHAR"
             packager="org.jpos.iso.packager.GenericSubFieldPackager">
           <isofield id="3" length="4" name="y" class="org.jpos.iso.IFMC_LLCHAR"/>
           </isofieldpackager>"#,
    );
    assert_eq!(e.field(), Some(60));
    assert!(
        e.message().starts_with("subfield 3: class IFMC_LLCHAR"),
        "{e}"
    );
}

#[test]
fn rejects_bad_length_attribute() {
    for length in ["abc", "-1", "", "99999999999999"] {
        let e = import_err(&format!(
            r#"<isofield id="4" length="{length}" name="x" class="IFA_NUMERIC"/>"#
        ));
        assert_eq!(e.field(), Some(4), "{length}");
        assert!(e.message().contains("length"), "{e}");
    }
    let e = import_err(r#"<isofield id="4" length="0" name="x" class="IFA_NUMERIC"/>"#);
    assert_eq!(e.field(), Some(4));
    let e = import_err(r#"<isofield id="4" name="x" class="IFA_NUMERIC"/>"#);
    assert_eq!((e.field(), e.message()), (Some(4), "no length attribute"));
}

#[test]
fn rejects_malformed_xml() {
    let e = Spec::from_jpos_xml(&format!("{HEAD}<isofield id=\"2\" ")).unwrap_err();
    assert_eq!(e.field(), None);
    assert!(e.message().starts_with("malformed XML"), "{e}");
    let e = Spec::from_jpos_xml(&format!("{HEAD}</isofield></isopackager>")).unwrap_err();
    assert!(e.message().starts_with("malformed XML"), "{e}");
    let e = Spec::from_jpos_xml(HEAD).unwrap_err();
    assert!(e.message().contains("not closed"), "{e}");
    let e = Spec::from_jpos_xml("").unwrap_err();
    assert_eq!(e.message(), "no <isopackager> element");
}

#[test]
fn rejects_missing_id() {
    let e = import_err(r#"<isofield length="4" name="x" class="IFA_NUMERIC"/>"#);
    assert_eq!(e.field(), None);
    assert!(e.message().contains("has no id"), "{e}");
    let e = import_err(r#"<isofield id="x2" length="4" name="x" class="IFA_NUMERIC"/>"#);
    assert!(e.message().contains("not a field number"), "{e}");
    let e = import_err(r#"<isofield id="193" length="4" name="x" class="IFA_NUMERIC"/>"#);
    assert!(e.message().contains("not a field number"), "{e}");
}

#[test]
fn rejects_entities_and_deep_nesting() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE isopackager [ <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>
<isopackager><isofield id="0" length="4" name="&ext;" class="IFA_NUMERIC"/></isopackager>"#;
    let e = Spec::from_jpos_xml(xml).unwrap_err();
    assert!(e.message().contains("entity declarations"), "{e}");
    let e = import_err(r#"<isofield id="2" length="4" name="&ext;" class="IFA_NUMERIC"/>"#);
    assert!(e.message().starts_with("malformed XML"), "{e}");
    let deep = format!(
        "{HEAD}{}{}</isopackager>",
        "<isofieldpackager id=\"60\">".repeat(40),
        "</isofieldpackager>".repeat(40)
    );
    let e = Spec::from_jpos_xml(&deep).unwrap_err();
    assert!(e.message().contains("nest deeper"), "{e}");
    // Predefined entities in attribute values are fine.
    let spec = Spec::from_jpos_xml(&format!(
        "{HEAD}<isofield id=\"2\" length=\"19\" name=\"PAN &amp; co\" class=\"IFA_LLNUM\"/></isopackager>"
    ))
    .unwrap();
    assert_eq!(spec.field(2).unwrap().name, "PAN & co");
}

#[test]
fn rejects_layouts_this_crate_cannot_represent() {
    let cases = [
        (r#"<isopackager emitBitmap="false">"#, "without a bitmap"),
        (r#"<isopackager firstField="2">"#, "firstField is 2"),
        (r#"<isopackager bitmapField="3">"#, "bitmapField is 3"),
        (
            r#"<isopackager thirdBitmapField="129">"#,
            "thirdBitmapField is 129",
        ),
        (r#"<isopackager headerLength="x">"#, "headerLength"),
        (r#"<isopackager maxValidField="500">"#, "maxValidField"),
        (
            r#"<isopackager colour="red">"#,
            "unknown attribute `colour`",
        ),
    ];
    for (root, msg) in cases {
        let xml = HEAD.replace("<isopackager>", root) + "</isopackager>";
        let e = Spec::from_jpos_xml(&xml).unwrap_err();
        assert_eq!(e.field(), None, "{root}");
        assert!(e.message().contains(msg), "{root}: {e}");
    }
    let e = import_err(r#"<isofield id="130" length="4" name="x" class="IFA_NUMERIC"/>"#);
    assert_eq!(e.field(), Some(130));
    let no_mti = HEAD.replace(
        r#"<isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>"#,
        "",
    ) + "</isopackager>";
    let e = Spec::from_jpos_xml(&no_mti).unwrap_err();
    assert_eq!(e.field(), Some(0));
    let e = import_err(
        r#"<isofieldpackager id="127" length="999" name="x" class="IFB_LLLBINARY"
             packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="true">
           <isofield id="2" length="4" name="y" class="IF_CHAR"/>
           </isofieldpackager>"#,
    );
    assert_eq!(e.field(), Some(127));
    assert!(e.message().contains("no subfield bitmap"), "{e}");
}
