//! Properties of structured fields: for every layout, subfields set with
//! `Message::set_subfields` (whose content is what `composite::build_subfields` builds),
//! encoded and decoded again read back as exactly the ids and texts given; arbitrary bytes as BER-TLV never make `subfields()` panic and every
//! subfield read lies inside its field.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use iso8583_wire::composite::{build_subfields, FieldId, Track2Part};
use iso8583_wire::spec::{
    BcdPad, BitmapEncoding, BitmappedLayout, Composite, ContentClass as C, Encoding as E,
    LengthPrefix, MessageLayout, MtiEncoding, PrefixEncoding as P, TaggedLayout,
};
use iso8583_wire::{FieldSpec, FieldView, Message, MessageView, Mti, Spec};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::sync::OnceLock;

/// Positional subfields of the BCD (60, 61) and ASCII (63) parents.
fn positional_bcd() -> Vec<(u16, FieldSpec)> {
    vec![
        (1, FieldSpec::fixed("Type", C::N, E::Bcd, 2)),
        (2, FieldSpec::fixed("Batch", C::N, E::Bcd, 7)),
        (3, FieldSpec::fixed("Flag", C::N, E::Bcd, 1)),
        (4, FieldSpec::fixed("Rest", C::N, E::Bcd, 12)),
    ]
}

fn positional_ascii() -> Vec<(u16, FieldSpec)> {
    vec![
        (1, FieldSpec::fixed("Code", C::N, E::Ascii, 3)),
        (2, FieldSpec::fixed("Name", C::Ans, E::Ascii, 8)),
        (3, FieldSpec::fixed("Id", C::An, E::Ascii, 4)),
        (4, FieldSpec::fixed("Text", C::Ans, E::Ascii, 30)),
    ]
}

/// Subfields of the bitmapped field 62: fixed and prefixed, ASCII, EBCDIC, BCD and binary.
fn bitmapped_subfields() -> Vec<(u16, FieldSpec)> {
    let ll = LengthPrefix::new(2, P::Ascii);
    vec![
        (1, FieldSpec::fixed("Indicator", C::An, E::Ascii, 1)),
        (2, FieldSpec::fixed("Id", C::N, E::Bcd, 15)),
        (3, FieldSpec::variable("Data", C::Ans, E::Ascii, 20, ll)),
        (
            4,
            FieldSpec::variable("Digits", C::N, E::Bcd, 19, LengthPrefix::new(2, P::Bcd))
                .with_bcd_pad(BcdPad::LeftF),
        ),
        (5, FieldSpec::fixed("Key", C::B, E::Binary, 4)),
        (6, FieldSpec::fixed("Code", C::Ans, E::Ebcdic, 3)),
        (
            7,
            FieldSpec::variable(
                "Blob",
                C::B,
                E::Binary,
                300,
                LengthPrefix::new(2, P::Binary),
            ),
        ),
        (
            12,
            FieldSpec::variable(
                "Text",
                C::Ans,
                E::Ebcdic,
                30,
                LengthPrefix::new(2, P::Ebcdic),
            ),
        ),
        (
            33,
            FieldSpec::variable("Odd", C::N, E::Bcd, 11, LengthPrefix::new(1, P::Binary))
                .with_bcd_pad(BcdPad::Right0),
        ),
        (64, FieldSpec::fixed("Last", C::N, E::Ascii, 2)),
    ]
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let lll = LengthPrefix::new(3, P::Ascii);
        let llll = LengthPrefix::new(4, P::Ascii);
        let var = |class, enc, max, prefix| FieldSpec::variable("", class, enc, max, prefix);
        Spec::new(
            "composite-props",
            MessageLayout::new(MtiEncoding::Ascii, BitmapEncoding::Binary),
            [
                (
                    35,
                    var(C::Z, E::Bcd, 37, LengthPrefix::new(2, P::Bcd))
                        .with_bcd_pad(BcdPad::RightF)
                        .with_composite(Composite::Track2),
                ),
                (
                    36,
                    var(C::Z, E::Bcd, 37, lll)
                        .with_bcd_pad(BcdPad::LeftF)
                        .with_composite(Composite::Track2),
                ),
                (
                    45,
                    var(C::Z, E::Ascii, 76, LengthPrefix::new(2, P::Ascii))
                        .with_composite(Composite::Track2),
                ),
                (
                    46,
                    var(C::Ans, E::Ebcdic, 999, lll)
                        .with_composite(Composite::Tagged(TaggedLayout::new(2, 3).with_lead(2))),
                ),
                (
                    47,
                    var(C::Ans, E::Ascii, 999, lll)
                        .with_composite(Composite::Tagged(TaggedLayout::new(3, 2).length_first())),
                ),
                (
                    48,
                    var(C::Ans, E::Ascii, 999, lll)
                        .with_composite(Composite::Tagged(TaggedLayout::new(2, 2).with_lead(1))),
                ),
                (
                    55,
                    var(C::B, E::Binary, 9999, llll).with_composite(Composite::BerTlv),
                ),
                (
                    60,
                    var(C::N, E::Bcd, 99, lll)
                        .with_bcd_pad(BcdPad::Right0)
                        .with_composite(Composite::Positional(positional_bcd())),
                ),
                (
                    61,
                    var(C::N, E::Bcd, 99, lll)
                        .with_bcd_pad(BcdPad::LeftF)
                        .with_composite(Composite::Positional(positional_bcd())),
                ),
                (
                    62,
                    var(C::B, E::Binary, 999, lll).with_composite(Composite::Bitmapped(
                        BitmappedLayout::new(8, bitmapped_subfields()),
                    )),
                ),
                (
                    63,
                    var(C::Ans, E::Ascii, 99, lll)
                        .with_composite(Composite::Positional(positional_ascii())),
                ),
            ],
        )
        .unwrap()
    })
}

/// Sets field `n` from `items` and encodes the message; returns the wire, in which the
/// field's content is what `build_subfields` builds.
fn round_trip(n: u16, items: &[(FieldId, String)]) -> Vec<u8> {
    let spec = spec();
    let refs: Vec<(FieldId, &str)> = items.iter().map(|(id, v)| (*id, v.as_str())).collect();
    let mut message = Message::new(Mti::new(*b"0100").unwrap());
    message.set_subfields(spec, n, &refs).unwrap();
    let wire = message.to_vec(spec).unwrap();
    let built = build_subfields(spec.field(n).unwrap(), n, &refs).unwrap();
    let view = MessageView::decode(spec, &wire).unwrap();
    assert_eq!(view.field(n).unwrap().as_bytes(), built.as_slice());
    wire
}

/// The subfields of `field` as (id, text), failing on any error.
fn read_back(field: &FieldView<'_>) -> Vec<(FieldId, String)> {
    field
        .subfields()
        .map(|s| {
            let s = s.unwrap();
            assert!(inside(field.as_bytes(), s.as_bytes()));
            (s.sub_id().unwrap(), s.to_text())
        })
        .collect()
}

/// Whether `inner` lies within `outer` (by address).
fn inside(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

/// Decodes `wire` and reads back the subfields of field `n`.
fn decoded_subfields(wire: &[u8], n: u16) -> Vec<(FieldId, String)> {
    let view = MessageView::decode(spec(), wire).unwrap();
    read_back(&view.field(n).unwrap())
}

fn digits(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::char::range('0', '9'), len)
        .prop_map(|v| v.into_iter().collect())
}

/// Printable text without leading or trailing spaces (a right-space padding stays visible).
fn text(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::char::range('!', '~'), len)
        .prop_map(|v| v.into_iter().collect())
}

/// Upper-case letters, digits and spaces (text both ASCII and EBCDIC carry).
fn ebcdic_text(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('A', 'Z'),
            proptest::char::range('0', '9'),
            Just(' ')
        ],
        len,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Subfields by id, with their texts.
type Items = Vec<(FieldId, String)>;

/// Positional values: `count` subfields of `list`, each 1..=its length; the expected text is
/// the value filled to its length by its padding, except the last one.
fn positional(list: Vec<(u16, FieldSpec)>, numeric: bool) -> impl Strategy<Value = (Items, Items)> {
    let lens: Vec<usize> = list.iter().map(|(_, fs)| fs.length as usize).collect();
    let values: Vec<BoxedStrategy<String>> = list
        .iter()
        .map(|(_, fs)| {
            let len = fs.length as usize;
            match fs.class {
                C::N => digits(1..=len).boxed(),
                C::An => proptest::collection::vec(
                    prop_oneof![
                        proptest::char::range('A', 'Z'),
                        proptest::char::range('0', '9')
                    ],
                    1..=len,
                )
                .prop_map(|v| v.into_iter().collect())
                .boxed(),
                _ if numeric => digits(1..=len).boxed(),
                _ => text(1..=len).boxed(),
            }
        })
        .collect();
    let ids: Vec<u16> = list.iter().map(|(k, _)| *k).collect();
    let classes: Vec<C> = list.iter().map(|(_, fs)| fs.class).collect();
    (1..=list.len(), values).prop_map(move |(count, values)| {
        let given: Vec<(FieldId, String)> = ids
            .iter()
            .zip(values)
            .take(count)
            .map(|(k, v)| (FieldId::Number(*k), v))
            .collect();
        let expected = given
            .iter()
            .enumerate()
            .map(|(i, (id, v))| {
                if i + 1 == count {
                    return (*id, v.clone());
                }
                let width = lens[i];
                let filled = if classes[i] == C::N {
                    format!("{v:0>width$}")
                } else {
                    format!("{v:<width$}")
                };
                (*id, filled)
            })
            .collect();
        (given, expected)
    })
}

/// A BER-TLV tag of 1–3 bytes (first byte never the 0x00 filler), constructed or not.
fn tag(constructed: bool) -> impl Strategy<Value = u32> {
    let c = if constructed { 0x20u32 } else { 0 };
    prop_oneof![
        // One byte: low five bits not all set.
        (0u32..=0xFF)
            .prop_map(move |b| (b & !0x20) | c)
            .prop_filter("one-byte tag", |b| *b & 0x1F != 0x1F && *b != 0),
        // Two bytes: xx1F then a last byte below 0x80.
        (0u32..=7, 0u32..=0x7F).prop_map(move |(hi, b)| ((hi << 5 | 0x1F) & !0x20 | c) << 8 | b),
        // Three bytes: a middle byte with the top bit set.
        (0u32..=7, 0x80u32..=0xFF, 0u32..=0x7F).prop_map(move |(hi, m, b)| (((hi << 5 | 0x1F)
            & !0x20
            | c)
            << 16)
            | m << 8
            | b),
    ]
}

/// A primitive value's length: small, or around the 127/128 and 255/256 length forms.
fn value_len() -> impl Strategy<Value = usize> {
    prop_oneof![0usize..=4, 126usize..=129, 254usize..=257]
}

/// A primitive data object: (tag, value bytes).
fn primitive() -> impl Strategy<Value = (u32, Vec<u8>)> {
    (tag(false), value_len()).prop_flat_map(|(t, len)| {
        proptest::collection::vec(any::<u8>(), len).prop_map(move |v| (t, v))
    })
}

/// A data object: primitive, or constructed holding 1–3 primitive ones.
#[derive(Clone, Debug)]
enum Tlv {
    Primitive(u32, Vec<u8>),
    Constructed(u32, Vec<(u32, Vec<u8>)>),
}

fn tlv() -> impl Strategy<Value = Tlv> {
    prop_oneof![
        3 => primitive().prop_map(|(t, v)| Tlv::Primitive(t, v)),
        1 => (tag(true), proptest::collection::vec(primitive(), 1..=3))
            .prop_map(|(t, inner)| Tlv::Constructed(t, inner)),
    ]
}

fn write_tlv(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    iso8583_wire::composite::tlv::write_tlv(out, tag, value);
}

/// A track 2 PAN of 12–19 digits, expiry, service code and discretionary data.
fn track2() -> impl Strategy<Value = [String; 4]> {
    (
        digits(12..=19),
        digits(4..=4),
        digits(3..=3),
        digits(0..=10),
    )
        .prop_map(|(pan, exp, sc, disc)| [pan, exp, sc, disc])
}

/// Failing seeds go to `proptest-regressions/composite_props.txt`.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/composite_props.txt",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn positional_bcd_round_trips(
        (given, expected) in positional(positional_bcd(), true),
        left in any::<bool>(),
    ) {
        let n = if left { 61 } else { 60 };
        let wire = round_trip(n, &given);
        prop_assert_eq!(decoded_subfields(&wire, n), expected);
    }

    #[test]
    fn positional_ascii_round_trips((given, expected) in positional(positional_ascii(), false)) {
        let wire = round_trip(63, &given);
        prop_assert_eq!(decoded_subfields(&wire, 63), expected);
    }

    #[test]
    fn tagged_round_trips(
        lead in "[A-Z0-9]{2}",
        items in proptest::collection::vec((1u16..=99, ebcdic_text(0..=40)), 0..=6),
        which in 0usize..3,
    ) {
        // 46: EBCDIC, lead 2, TTLLL; 47: ASCII, no lead, LLTTT; 48: ASCII, lead 1, TTLL.
        let (n, lead) = match which {
            0 => (46, Some(lead)),
            1 => (47, None),
            _ => (48, Some(lead[..1].to_owned())),
        };
        let mut given: Vec<(FieldId, String)> = lead.into_iter().map(|l| (FieldId::Number(0), l)).collect();
        given.extend(items.into_iter().map(|(t, v)| (FieldId::Number(if n == 47 { t * 7 } else { t }), v)));
        let wire = round_trip(n, &given);
        prop_assert_eq!(decoded_subfields(&wire, n), given);
    }

    #[test]
    fn bitmapped_round_trips(
        picks in proptest::collection::vec(any::<bool>(), 10),
        an in "[A-Z0-9]",
        id in "[0-9]{15}",
        data in text(0..=20),
        bcd in "[0-9]{0,19}",
        key in proptest::collection::vec(any::<u8>(), 4),
        code in ebcdic_text(3..=3),
        blob in proptest::collection::vec(any::<u8>(), 0..=300),
        etext in ebcdic_text(0..=30),
        odd in "[0-9]{0,11}",
        last in "[0-9]{2}",
    ) {
        let values = [an, id, data, bcd, hex_of(&key), code, hex_of(&blob), etext, odd, last];
        let given: Vec<(FieldId, String)> = bitmapped_subfields()
            .iter()
            .zip(values)
            .zip(picks)
            .filter(|(_, pick)| *pick)
            .map(|(((k, _), v), _)| (FieldId::Number(*k), v))
            .collect();
        let wire = round_trip(62, &given);
        prop_assert_eq!(decoded_subfields(&wire, 62), given);
    }

    #[test]
    fn ber_tlv_round_trips(objects in proptest::collection::vec(tlv(), 0..=4)) {
        let given: Vec<(FieldId, String)> = objects
            .iter()
            .map(|o| match o {
                Tlv::Primitive(t, v) => (FieldId::Tag(*t), hex_of(v)),
                Tlv::Constructed(t, inner) => {
                    let mut bytes = Vec::new();
                    for (it, iv) in inner {
                        write_tlv(&mut bytes, *it, iv);
                    }
                    (FieldId::Tag(*t), hex_of(&bytes))
                }
            })
            .collect();
        let wire = round_trip(55, &given);
        let view = MessageView::decode(spec(), &wire).unwrap();
        let field = view.field(55).unwrap();
        prop_assert_eq!(read_back(&field), given);
        // Constructed objects hold exactly the data objects put inside them.
        for (o, sub) in objects.iter().zip(field.subfields()) {
            let sub = sub.unwrap();
            let inner = read_back(&sub);
            match o {
                Tlv::Primitive(..) => prop_assert!(inner.is_empty()),
                Tlv::Constructed(_, items) => {
                    let expected: Vec<(FieldId, String)> =
                        items.iter().map(|(t, v)| (FieldId::Tag(*t), hex_of(v))).collect();
                    prop_assert_eq!(inner, expected);
                }
            }
        }
    }

    #[test]
    fn track2_round_trips(parts in track2(), which in 0usize..3) {
        let n = [35, 36, 45][which];
        let given: Vec<(FieldId, String)> = [
            Track2Part::Pan,
            Track2Part::Expiry,
            Track2Part::ServiceCode,
            Track2Part::Discretionary,
        ]
        .into_iter()
        .zip(parts)
        .map(|(p, v)| (FieldId::Part(p), v))
        .collect();
        let wire = round_trip(n, &given);
        prop_assert_eq!(decoded_subfields(&wire, n), given);
    }

    #[test]
    fn arbitrary_de55_never_panics_and_stays_inside(bytes in proptest::collection::vec(any::<u8>(), 0..=600)) {
        let spec = spec();
        let mut message = Message::new(Mti::new(*b"0100").unwrap());
        message.set_binary(spec, 55, &bytes).unwrap();
        let wire = message.to_vec(spec).unwrap();
        let view = MessageView::decode(spec, &wire).unwrap();
        let field = view.field(55).unwrap();
        prop_assert_eq!(field.as_bytes(), &bytes[..]);
        walk(&field, 3);
    }
}

/// Reads every subfield of `parent` (and inside constructed ones, `depth` levels): each lies
/// inside its parent and errors point inside it.
fn walk(parent: &FieldView<'_>, depth: u8) {
    for sub in parent.subfields() {
        match sub {
            Ok(sub) => {
                assert!(inside(parent.as_bytes(), sub.as_bytes()));
                let _ = (sub.to_text(), sub.masked().to_string());
                if depth > 0 {
                    walk(&sub, depth - 1);
                }
            }
            Err(e) => assert!(e.offset() <= parent.as_bytes().len()),
        }
    }
}

/// The tag strategy makes the tags its comment promises (checked against the decoder).
#[test]
fn tags_of_each_size_read_back() {
    for (t, len) in [
        (0x5Au32, 1usize),
        (0x9F02, 2),
        (0xDF8101, 3),
        (0xBF0C, 2),
        (0x70, 1),
    ] {
        let mut bytes = Vec::new();
        write_tlv(&mut bytes, t, &[1, 2]);
        assert_eq!(bytes.len(), len + 1 + 2);
    }
    let given = vec![(FieldId::Tag(0xDF8101), "0102".to_owned())];
    let wire = round_trip(55, &given);
    assert_eq!(decoded_subfields(&wire, 55), given);
}
