//! Structured fields: subfields by layout, paths, errors that name the subfield, masking that
//! reaches into subfields, and building values from subfields.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use iso8583_wire::composite::{build_subfields, FieldId, Track2Part};
use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, BitmappedLayout, Composite, ContentClass as C, Encoding as E,
    LengthPrefix, Mask, MessageLayout, MtiEncoding, PrefixEncoding as P, TaggedLayout,
};
use iso8583_wire::{DecodeErrorKind, Element, FieldSpec, Message, MessageView, Mti, Spec};

/// DE55 of the UnionPay-style sample (ISO8583-Parser's test message).
const DE55: &str = "5F2A02036482020800950580000000009A032311259C01009F0206000000000001";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn spec() -> Spec {
    let lll_bcd = LengthPrefix::new(3, P::Bcd);
    let ll = LengthPrefix::new(2, P::Ascii);
    let tagged = TaggedLayout::new(2, 2).with_lead(1).with_subfield(
        84,
        FieldSpec::fixed("Merchant advice code", C::An, E::Ascii, 2),
    );
    let bitmapped = BitmappedLayout::new(
        8,
        vec![
            (1, FieldSpec::fixed("Indicator", C::An, E::Ascii, 1)),
            (2, FieldSpec::fixed("Transaction id", C::N, E::Bcd, 15)),
            (10, FieldSpec::variable("Data", C::Ans, E::Ascii, 20, ll)),
        ],
    );
    Spec::new(
        "composite-test",
        MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::Binary),
        [
            (
                35,
                FieldSpec::variable("Track 2", C::Z, E::Bcd, 37, LengthPrefix::new(2, P::Bcd))
                    .with_bcd_pad(BcdPad::RightF)
                    .with_composite(Composite::Track2),
            ),
            (
                45,
                FieldSpec::variable("Track 2 text", C::Z, E::Ascii, 37, ll)
                    .with_composite(Composite::Track2),
            ),
            (
                48,
                FieldSpec::variable(
                    "Additional data",
                    C::Ans,
                    E::Ascii,
                    999,
                    LengthPrefix::new(3, P::Ascii),
                )
                .with_composite(Composite::Tagged(tagged)),
            ),
            (
                55,
                FieldSpec::variable("ICC data", C::B, E::Binary, 255, lll_bcd)
                    .with_composite(Composite::BerTlv),
            ),
            (
                60,
                FieldSpec::variable("Reserved private", C::N, E::Bcd, 17, lll_bcd)
                    .with_bcd_pad(BcdPad::Right0)
                    .with_composite(Composite::Positional(vec![
                        (1, FieldSpec::fixed("Transaction type", C::N, E::Bcd, 2)),
                        (2, FieldSpec::fixed("Batch number", C::N, E::Bcd, 6)),
                        (
                            3,
                            FieldSpec::fixed("Network management code", C::N, E::Bcd, 3),
                        ),
                        (4, FieldSpec::fixed("Read capability", C::N, E::Bcd, 1)),
                        (5, FieldSpec::fixed("IC condition", C::N, E::Bcd, 1)),
                    ])),
            ),
            (
                62,
                FieldSpec::variable(
                    "Payment service data",
                    C::B,
                    E::Binary,
                    255,
                    LengthPrefix::new(1, P::Binary),
                )
                .with_composite(Composite::Bitmapped(bitmapped)),
            ),
        ],
    )
    .unwrap()
}

fn message(spec: &Spec) -> Vec<u8> {
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(spec, 35, "4242424242424242=29122011000000000000")
        .unwrap();
    m.set(spec, 48, "R8402Y1").unwrap();
    m.set(spec, 55, DE55).unwrap();
    m.set(spec, 60, "22000001003").unwrap();
    m.to_vec(spec).unwrap()
}

#[test]
fn decodes_ber_tlv_by_path() {
    let spec = spec();
    let wire = message(&spec);
    let v = MessageView::decode(&spec, &wire).unwrap();
    let amount = v.get("55.9F02").unwrap().unwrap();
    assert_eq!(amount.to_text(), "000000000001");
    assert_eq!(amount.sub_id(), Some(FieldId::Tag(0x9F02)));
    let tags: Vec<String> = v
        .field(55)
        .unwrap()
        .subfields()
        .map(|s| s.unwrap().sub_id().unwrap().to_string())
        .collect();
    assert_eq!(tags, ["5F2A", "82", "95", "9A", "9C", "9F02"]);
    assert_eq!(v.get("55.9A").unwrap().unwrap().to_text(), "231125");
    assert!(v.get("55.9F03").unwrap().is_none());
}

#[test]
fn decodes_positional_bcd_at_odd_nibbles() {
    let spec = spec();
    let wire = message(&spec);
    let v = MessageView::decode(&spec, &wire).unwrap();
    let subs: Vec<String> = v
        .field(60)
        .unwrap()
        .subfields()
        .map(|s| s.unwrap().to_text())
        .collect();
    // 11 digits: the sender stopped after 60.3.
    assert_eq!(subs, ["22", "000001", "003"]);
    // Digits are left-aligned (UnionPay style): 60.3 starts on a byte, 60.2 in mid-byte.
    assert_eq!(v.get("60.3").unwrap().unwrap().first_nibble(), 0);
    assert_eq!(v.get("60.2").unwrap().unwrap().first_nibble(), 0);
    assert_eq!(
        v.field(60).unwrap().as_bytes(),
        [0x22, 0x00, 0x00, 0x01, 0x00, 0x30]
    );
    assert_eq!(v.get("60.2").unwrap().unwrap().to_u64().unwrap(), 1);
    assert!(v.get("60.4").unwrap().is_none());
}

#[test]
fn decodes_tagged_with_lead() {
    let spec = spec();
    let wire = message(&spec);
    let v = MessageView::decode(&spec, &wire).unwrap();
    let subs: Vec<(String, String)> = v
        .field(48)
        .unwrap()
        .subfields()
        .map(|s| {
            let s = s.unwrap();
            (s.sub_id().unwrap().to_string(), s.to_text())
        })
        .collect();
    assert_eq!(subs, [("0".into(), "R".into()), ("84".into(), "Y1".into())]);
    assert_eq!(
        v.get("48.84").unwrap().unwrap().spec().name,
        "Merchant advice code"
    );
}

#[test]
fn decodes_track2_parts_from_bcd() {
    let spec = spec();
    let wire = message(&spec);
    let v = MessageView::decode(&spec, &wire).unwrap();
    let t2 = v.field(35).unwrap();
    assert_eq!(t2.to_text(), "4242424242424242D29122011000000000000");
    let parts: Vec<(FieldId, String)> = t2
        .subfields()
        .map(|s| s.unwrap())
        .map(|s| (s.sub_id().unwrap(), s.to_text()))
        .collect();
    assert_eq!(
        parts,
        [
            (
                FieldId::Part(Track2Part::Pan),
                "4242424242424242".to_owned()
            ),
            (FieldId::Part(Track2Part::Expiry), "2912".to_owned()),
            (FieldId::Part(Track2Part::ServiceCode), "201".to_owned()),
            (
                FieldId::Part(Track2Part::Discretionary),
                "1000000000000".to_owned()
            ),
        ]
    );
    assert_eq!(
        v.get("35.pan").unwrap().unwrap().masked().to_string(),
        "424242******4242"
    );
    assert_eq!(
        v.get("35.discretionary")
            .unwrap()
            .unwrap()
            .masked()
            .to_string(),
        "[HIDDEN]"
    );
}

#[test]
fn decodes_track2_parts_from_ascii() {
    let spec = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 45, "4761739001010119=25122011758928889")
        .unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(
        v.get("45.pan").unwrap().unwrap().as_str().unwrap(),
        "4761739001010119"
    );
    assert_eq!(
        v.get("45.expiry").unwrap().unwrap().as_str().unwrap(),
        "2512"
    );
    assert_eq!(
        v.get("45.service_code").unwrap().unwrap().as_str().unwrap(),
        "201"
    );
}

#[test]
fn decodes_bitmapped_subfields() {
    let spec = spec();
    let fs = spec.field(62).unwrap();
    let items = [
        (FieldId::Number(1), "Y"),
        (FieldId::Number(2), "123456789012345"),
        (FieldId::Number(10), "CVV2 OK"),
    ];
    let content = build_subfields(fs, 62, &items).unwrap();
    // Bitmap: bits 1, 2 and 10; then 'Y', 15 BCD digits in 8 bytes, "07" + text.
    assert_eq!(content[..8], hex("C040000000000000"));
    assert_eq!(content[8], b'Y');
    assert_eq!(content[9..17], hex("0123456789012345"));
    assert_eq!(&content[17..], b"07CVV2 OK");
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set_subfields(&spec, 62, &items).unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(v.field(62).unwrap().as_bytes(), content);
    let got: Vec<(FieldId, String)> = v
        .field(62)
        .unwrap()
        .subfields()
        .map(|s| s.unwrap())
        .map(|s| (s.sub_id().unwrap(), s.to_text()))
        .collect();
    let want: Vec<(FieldId, String)> = items.iter().map(|(i, t)| (*i, (*t).to_owned())).collect();
    assert_eq!(got, want);
}

#[test]
fn round_trips_built_subfields() {
    let spec = spec();
    let tlv = build_subfields(
        spec.field(55).unwrap(),
        55,
        &[
            (FieldId::Tag(0x9F02), "000000001000"),
            (FieldId::Tag(0x5A), "4242424242424242"),
        ],
    )
    .unwrap();
    assert_eq!(tlv, hex("9F02060000000010005A084242424242424242"));
    let tagged = build_subfields(
        spec.field(48).unwrap(),
        48,
        &[(FieldId::Number(0), "R"), (FieldId::Number(84), "Y1")],
    )
    .unwrap();
    assert_eq!(tagged, b"R8402Y1");
    let positional = [
        (FieldId::Number(1), "22"),
        (FieldId::Number(2), "1"),
        (FieldId::Number(3), "3"),
    ];
    // 60.2 is filled with zeros; the last one given stays as it is: 9 digits, packed with
    // the filler on the right.
    assert_eq!(
        build_subfields(spec.field(60).unwrap(), 60, &positional).unwrap(),
        [0x22, 0x00, 0x00, 0x01, 0x30]
    );
    let track = [
        (FieldId::Part(Track2Part::Pan), "4242424242424242"),
        (FieldId::Part(Track2Part::Expiry), "2912"),
        (FieldId::Part(Track2Part::ServiceCode), "201"),
    ];
    assert_eq!(
        build_subfields(spec.field(45).unwrap(), 45, &track).unwrap(),
        b"4242424242424242=2912201"
    );
    // Set and read back: the BCD track has its separator as the D nibble.
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set_subfields(&spec, 60, &positional).unwrap();
    m.set_subfields(&spec, 35, &track).unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(v.field(60).unwrap().to_text(), "220000013");
    assert_eq!(v.field(35).unwrap().to_text(), "4242424242424242D2912201");
    assert_eq!(v.get("35.service_code").unwrap().unwrap().to_text(), "201");
}

#[test]
fn rejects_built_content_that_does_not_fit_the_field() {
    let spec = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    // Field 60 holds at most 17 digits.
    let long = [
        (FieldId::Number(1), "22"),
        (FieldId::Number(2), "000001"),
        (FieldId::Number(3), "003"),
        (FieldId::Number(4), "1"),
        (FieldId::Number(5), "1"),
    ];
    assert!(m.set_subfields(&spec, 60, &long).is_ok());
    // Field 48 holds at most 999 characters: 11 subelements of 4 + 90 are too many.
    let text = "Y".repeat(90);
    let many: Vec<(FieldId, &str)> = (10..21)
        .map(|t| (FieldId::Number(t), text.as_str()))
        .collect();
    let e = m.set_subfields(&spec, 48, &many).unwrap_err();
    assert_eq!(
        e.kind(),
        iso8583_wire::EncodeErrorKind::LengthOutOfRange {
            len: 1034,
            min: 0,
            max: 999
        }
    );
    assert_eq!(e.element(), Element::Field(48));
    // A length that does not fit the layout's digits.
    let e = m
        .set_subfields(&spec, 48, &[(FieldId::Number(10), &"Y".repeat(100))])
        .unwrap_err();
    assert_eq!(
        e.element(),
        Element::Subfield {
            field: 48,
            sub: FieldId::Number(10)
        }
    );
    // A subfield is checked by its format...
    let e = m
        .set_subfields(
            &spec,
            60,
            &[(FieldId::Number(1), "2X"), (FieldId::Number(2), "0")],
        )
        .unwrap_err();
    assert_eq!(
        e.element(),
        Element::Subfield {
            field: 60,
            sub: FieldId::Number(1)
        }
    );
    // ...and a short last one against the field's class: 60 holds digits.
    let e = m
        .set_subfields(
            &spec,
            60,
            &[(FieldId::Number(1), "22"), (FieldId::Number(2), "0X")],
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        iso8583_wire::EncodeErrorKind::InvalidContent {
            class: "n",
            position: 3
        }
    );
    assert_eq!(e.element(), Element::Field(60));
    // No layout, or an id the layout has no place for.
    assert!(m
        .set_subfields(&spec, 62, &[(FieldId::Tag(0x9F02), "00")])
        .is_err());
    assert!(m
        .set_subfields(&spec, 55, &[(FieldId::Tag(0x9F02), "0")])
        .is_err());
    // The message keeps what was set before.
    assert_eq!(m.field(&spec, 60).unwrap().to_text(), "2200000100311");
}

#[test]
fn masks_card_data_inside_ber_tlv() {
    let spec = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(
        &spec,
        55,
        "9F02060000000010005A08424242424242424257114242424242424242D29122011000000000",
    )
    .unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    let shown = v.field(55).unwrap().masked().to_string();
    assert_eq!(
        shown,
        "9F02=000000001000 5A=424242******4242 57=424242******4242D*****************"
    );
    assert!(!format!("{v:?}").contains("4242424242424242"));
    assert!(v
        .field(55)
        .unwrap()
        .unmasked()
        .to_string()
        .contains("4242424242424242"));
}

#[test]
fn rejects_malformed_subfields_with_absolute_offsets() {
    let spec = spec();
    // DE55 whose second object claims 6 bytes but has 2.
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 55, "9A032311259F02060000").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    // MTI 4 + bitmap 8 + LLL 2 = content at 14; the 9F02 object starts 5 bytes in.
    let err = v.get("55.9F02").unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::Truncated {
            needed: 9,
            available: 5
        }
    );
    assert_eq!(err.element(), Element::Field(55));
    assert_eq!(err.offset(), 19);
    assert_eq!(
        v.field(55).unwrap().masked().to_string(),
        "9A=231125 [UNREADABLE]"
    );
    // Tagged value longer than what is left.
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 48, "R8409Y1").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    let err = v.get("48.84").unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::Truncated {
            needed: 9,
            available: 2
        }
    );
    assert_eq!(err.offset(), 4 + 8 + 3 + 5);
    // Bad paths.
    let wire = message(&spec);
    let v = MessageView::decode(&spec, &wire).unwrap();
    assert_eq!(
        v.get("55.XYZ").unwrap_err().kind(),
        DecodeErrorKind::InvalidPath
    );
    assert_eq!(
        v.get("35.cvv").unwrap_err().kind(),
        DecodeErrorKind::InvalidPath
    );
    assert_eq!(v.get("x").unwrap_err().kind(), DecodeErrorKind::InvalidPath);
    assert!(v.get("2").unwrap().is_none());
}

#[test]
fn rejects_bitmapped_subfield_not_in_layout() {
    let spec = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    // Bit 3 set; the layout has no subfield 3.
    m.set(&spec, 62, "2000000000000000").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    let err = v
        .field(62)
        .unwrap()
        .subfields()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::FieldNotInSpec);
    assert_eq!(
        err.element(),
        Element::Subfield {
            field: 62,
            sub: FieldId::Number(3)
        }
    );
    assert_eq!(err.offset(), 8);
}

#[test]
fn loads_composites_from_toml() {
    let text = r#"
name = "toml-composite"
[message]
mti_encoding = "bcd"
bitmap_encoding = "binary"
[defaults]
prefix_encoding = "bcd"
[fields.55]
name = "ICC data"
class = "b"
encoding = "binary"
length = 255
prefix = 3
composite = "ber-tlv"
[fields.60]
name = "Reserved"
class = "n"
encoding = "bcd"
bcd_pad = "right-0"
length = 17
prefix = 3
composite = "positional"
[fields.60.subfields.1]
name = "Transaction type"
class = "n"
length = 2
[fields.60.subfields.2]
name = "Batch"
class = "n"
length = 6
[fields.48]
name = "Additional data"
class = "ans"
encoding = "ascii"
length = 999
prefix = 3
composite = "tagged"
lead = 1
[fields.48.subfields.84]
name = "Merchant advice code"
class = "an"
length = 2
"#;
    let spec = Spec::from_toml_str(text).unwrap();
    let fs = spec.field(60).unwrap();
    match fs.composite.as_deref() {
        Some(Composite::Positional(list)) => {
            assert_eq!(list.len(), 2);
            assert_eq!(
                list[0].1.encoding,
                E::Bcd,
                "subfields inherit the field's encoding"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        spec.field(55).unwrap().composite.as_deref(),
        Some(Composite::BerTlv)
    ));
    let bad = text.replace("composite = \"ber-tlv\"", "composite = \"tlv\"");
    assert_eq!(Spec::from_toml_str(&bad).unwrap_err().field(), Some(55));
    let bad = text.replace(
        "name = \"Batch\"\nclass = \"n\"",
        "name = \"Batch\"\nclass = \"n\"\nencoding = \"ascii\"",
    );
    let err = Spec::from_toml_str(&bad).unwrap_err();
    assert_eq!(err.field(), Some(60));
    assert!(err.message().contains("subfield 2"), "{err}");
    let _ = Mask::None;
}

#[test]
fn decodes_positional_subfield_starting_mid_byte() {
    let spec = spec();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 60, "2200000100351").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    let d4 = v.get("60.4").unwrap().unwrap();
    assert_eq!((d4.first_nibble(), d4.to_text().as_str()), (1, "5"));
    assert_eq!(d4.as_bytes(), [0x35]);
    let d5 = v.get("60.5").unwrap().unwrap();
    assert_eq!((d5.first_nibble(), d5.to_text().as_str()), (0, "1"));
    // A sender that goes past the layout.
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set(&spec, 60, "22000001003511").unwrap();
    let wire = m.to_vec(&spec).unwrap();
    let v = MessageView::decode(&spec, &wire).unwrap();
    let err = v
        .field(60)
        .unwrap()
        .subfields()
        .find_map(Result::err)
        .unwrap();
    assert_eq!(err.kind(), DecodeErrorKind::TrailingBytes { count: 1 });
}

/// The UnionPay-style sample (ISO8583-Parser's test message) without its 2-byte length.
const CUP_SAMPLE: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

#[test]
fn decodes_subfields_of_the_cup_sample_with_the_builtin_spec() {
    let spec = Spec::builtin("cup-pos-tpdu").unwrap();
    let wire = hex(CUP_SAMPLE);
    let v = MessageView::decode(spec, &wire).unwrap();
    assert_eq!(v.get("55.9F02").unwrap().unwrap().to_text(), "000000000001");
    assert_eq!(v.get("55.5F2A").unwrap().unwrap().to_text(), "0364");
    assert_eq!(
        v.get("35.pan").unwrap().unwrap().to_text(),
        "8362143741176336"
    );
    assert_eq!(v.get("35.expiry").unwrap().unwrap().to_text(), "2811");
    assert_eq!(v.get("35.service_code").unwrap().unwrap().to_text(), "201");
    assert_eq!(
        v.get("35.discretionary").unwrap().unwrap().to_text(),
        "1861000000000"
    );
    assert_eq!(
        v.get("35.pan").unwrap().unwrap().masked().to_string(),
        "836214******6336"
    );
}

#[test]
fn loads_the_composite_layouts_of_the_builtin_specs() {
    let layout = |spec: &str, n: u16| {
        Spec::builtin(spec)
            .unwrap()
            .field(n)
            .unwrap()
            .composite
            .as_deref()
            .map(Composite::name)
    };
    assert_eq!(layout("cup-pos", 55), Some("ber-tlv"));
    assert_eq!(layout("cup-pos", 60), Some("positional"));
    assert_eq!(layout("cup-pos", 35), Some("track2"));
    assert_eq!(layout("mastercard-cis", 48), Some("tagged"));
    assert_eq!(layout("mastercard-cis", 61), Some("positional"));
    assert_eq!(layout("visa-base1", 62), Some("bitmapped"));
    assert_eq!(layout("iso8583-1987-ascii", 35), Some("track2"));
    assert_eq!(layout("iso8583-1987-binary", 55), Some("ber-tlv"));
}

#[test]
fn decodes_mastercard_de48_tags_in_ebcdic() {
    let spec = Spec::builtin("mastercard-cis").unwrap();
    let mut m = Message::new(Mti::AUTHORIZATION_REQUEST);
    m.set(spec, 48, "R8402Y18701M").unwrap();
    m.set(spec, 61, "0000000000003840").unwrap();
    let wire = m.to_vec(spec).unwrap();
    let v = MessageView::decode(spec, &wire).unwrap();
    // EBCDIC on the wire: 'R' is 0xD9, "84" is F8 F4.
    assert_eq!(&v.field(48).unwrap().as_bytes()[..3], [0xD9, 0xF8, 0xF4]);
    assert_eq!(v.get("48.0").unwrap().unwrap().to_text(), "R");
    assert_eq!(v.get("48.84").unwrap().unwrap().to_text(), "Y1");
    assert_eq!(v.get("48.87").unwrap().unwrap().to_text(), "M");
    assert_eq!(v.get("61.13").unwrap().unwrap().to_text(), "840");
    assert_eq!(v.get("61.12").unwrap().unwrap().to_text(), "03");
    assert!(v.get("61.14").unwrap().is_none());
}

/// Every field and subfield knows where its content starts in the input: for a data element
/// after its prefix, for a subfield inside its parent; the same place its bytes are borrowed
/// from.
#[test]
fn fields_and_subfields_carry_their_offsets() {
    let spec = Spec::builtin("cup-pos-tpdu").unwrap();
    let sample = include_str!("../specs/samples/cup-pos-tpdu-0200.hex");
    let wire: Vec<u8> = (0..sample.trim().len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&sample.trim()[i..i + 2], 16).unwrap())
        .collect();
    let input = &wire[2..];
    let view = MessageView::decode(spec, input).unwrap();
    let at = |part: &[u8]| part.as_ptr() as usize - input.as_ptr() as usize;
    let mut subfields = 0;
    for f in view.fields() {
        assert_eq!(f.offset(), at(f.as_bytes()), "DE{}", f.number());
        assert_eq!(view.field(f.number()).unwrap().offset(), f.offset());
        for sub in f.subfields() {
            let sub = sub.unwrap();
            assert_eq!(
                sub.offset(),
                at(sub.as_bytes()),
                "DE{}.{:?}",
                f.number(),
                sub.sub_id()
            );
            subfields += 1;
        }
    }
    assert!(subfields >= 8, "{subfields} subfields");
    // DE55's first data object, 5F2A, has its value after a 1-byte length: 3 bytes in.
    let de55 = view.field(55).unwrap();
    let tag = view.get("55.5F2A").unwrap().unwrap();
    assert_eq!(tag.offset(), de55.offset() + 3);
    // A field of an owned message has no input of its own.
    let owned = Message::from_view(&view);
    assert_eq!(owned.field(spec, 55).unwrap().offset(), 0);
}
