//! Random messages of random specs, and of every built-in spec, read into a struct (named
//! optional members and a flattened map of the rest) and written back from it: the same bytes.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::spec::{
    BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding,
    PrefixEncoding,
};
use iso8583_wire::typed::{self, from_view, to_message};
use iso8583_wire::{FieldSpec, Message, MessageView, Mti, Spec};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A few members by number, optional, and the MTI, header and every other field by key.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Sample {
    mti: String,
    #[serde(rename = "2", skip_serializing_if = "Option::is_none")]
    de2: Option<String>,
    #[serde(rename = "3", skip_serializing_if = "Option::is_none")]
    de3: Option<String>,
    #[serde(rename = "4", skip_serializing_if = "Option::is_none")]
    de4: Option<String>,
    #[serde(rename = "11", skip_serializing_if = "Option::is_none")]
    de11: Option<String>,
    #[serde(rename = "35", skip_serializing_if = "Option::is_none")]
    de35: Option<String>,
    #[serde(rename = "64", skip_serializing_if = "Option::is_none")]
    de64: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// The characters a value of `class` may hold, in its text form.
fn alphabet(class: ContentClass) -> &'static [u8] {
    match class {
        ContentClass::N | ContentClass::Xn => b"0123456789",
        ContentClass::A => b"ABCXYZabcxyz ",
        ContentClass::An => b"0189ABCZabz ",
        ContentClass::Ans => b" !#09:?@AZ[_az{~",
        ContentClass::Z => b"0123456789=",
        ContentClass::B => b"0123456789ABCDEF",
    }
}

/// Text for a field of `fs` from random bytes: characters of its class, as many as `units`
/// (clamped to the field's length), a sign first for `xn`, pairs of hex digits for `b`.
fn text_for(fs: &FieldSpec, units: usize, picks: &[u8]) -> String {
    let units = units.min(fs.length as usize);
    let hex = fs.class == ContentClass::B && fs.encoding != Encoding::Bcd;
    let count = if hex { units * 2 } else { units };
    let chars = alphabet(fs.class);
    let mut text: String = picks
        .iter()
        .cycle()
        .take(count)
        .map(|b| char::from(chars[usize::from(*b) % chars.len()]))
        .collect();
    if fs.class == ContentClass::Xn && !text.is_empty() {
        text.replace_range(0..1, if picks.first() < Some(&128) { "C" } else { "D" });
    }
    text
}

/// A message of `spec` with the values `draws` make for the fields they pick; values a field
/// refuses (a length below its minimum, an odd BCD count it cannot mark) are left out.
fn message_of(spec: &Spec, mti: Mti, header: &[u8], draws: &[(u16, usize, Vec<u8>)]) -> Message {
    let defined: Vec<u16> = spec.fields().map(|(n, _)| n).collect();
    let mut m = Message::new(mti);
    m.set_header(header[..spec.layout().header_length].to_vec());
    for (pick, units, picks) in draws {
        let n = defined[usize::from(*pick) % defined.len()];
        let fs = spec.field(n).unwrap();
        let _ = m.set(spec, n, text_for(fs, *units, picks));
    }
    m
}

/// Encodes `m`, reads it into a [`Sample`] and writes the sample back: the same bytes.
fn round_trip(spec: &Spec, m: &Message) -> Result<(), TestCaseError> {
    let wire = m.to_vec(spec).unwrap();
    let Ok(view) = MessageView::decode(spec, &wire) else {
        // Values the encoder takes and the decoder reads otherwise are the codec's
        // round-trip tests' business, not this one's.
        return Ok(());
    };
    let sample: Sample = from_view(&view).unwrap();
    let mti = view.mti();
    prop_assert_eq!(sample.mti.as_str(), mti.as_str());
    prop_assert_eq!(sample.de2.is_some(), view.has(2));
    prop_assert_eq!(
        sample.rest.len(),
        view.fields()
            .filter(|f| ![2, 3, 4, 11, 35, 64].contains(&f.number()))
            .count()
            + usize::from(spec.layout().header_length > 0)
    );
    let back = to_message(&sample, spec).unwrap();
    prop_assert_eq!(&back.to_vec(spec).unwrap(), &wire);
    // Straight to the wire: the sample (its flattened map, in key order, puts most fields
    // out of field order), then every field in field order.
    let mut direct = b"kept".to_vec();
    typed::encode(&sample, spec, &mut direct).unwrap();
    prop_assert_eq!(&direct[..4], b"kept");
    prop_assert_eq!(&direct[4..], &wire[..]);
    let mut fields: BTreeMap<u16, String> = sample
        .rest
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v.clone())))
        .collect();
    let named = [
        (2, &sample.de2),
        (3, &sample.de3),
        (4, &sample.de4),
        (11, &sample.de11),
        (35, &sample.de35),
        (64, &sample.de64),
    ];
    for (n, v) in named {
        if let Some(v) = v {
            fields.insert(n, v.clone());
        }
    }
    let ordered = Ordered {
        mti: &sample.mti,
        header: sample.rest.get("header").map(String::as_str),
        fields,
    };
    direct.clear();
    typed::encode(&ordered, spec, &mut direct).unwrap();
    prop_assert_eq!(direct, wire);
    Ok(())
}

/// Every field of a message in field order, after its MTI and header.
#[derive(Serialize)]
struct Ordered<'a> {
    mti: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<&'a str>,
    #[serde(flatten)]
    fields: BTreeMap<u16, String>,
}

fn field_format() -> impl Strategy<Value = FieldSpec> {
    let kinds = prop_oneof![
        Just((ContentClass::N, Encoding::Ascii)),
        Just((ContentClass::N, Encoding::Bcd)),
        Just((ContentClass::N, Encoding::Ebcdic)),
        Just((ContentClass::An, Encoding::Ascii)),
        Just((ContentClass::Ans, Encoding::Ebcdic)),
        Just((ContentClass::Z, Encoding::Ascii)),
        Just((ContentClass::Xn, Encoding::Ascii)),
        Just((ContentClass::B, Encoding::Binary)),
        Just((ContentClass::B, Encoding::AsciiHex)),
    ];
    let prefixes = prop_oneof![
        Just(None),
        Just(Some(LengthPrefix::new(2, PrefixEncoding::Ascii))),
        Just(Some(LengthPrefix::new(3, PrefixEncoding::Ebcdic))),
        Just(Some(LengthPrefix::new(2, PrefixEncoding::Bcd))),
        Just(Some(LengthPrefix::new(1, PrefixEncoding::Binary))),
    ];
    (kinds, 1u32..=20, prefixes).prop_map(|((class, encoding), length, prefix)| match prefix {
        None => FieldSpec::fixed("f", class, encoding, length),
        Some(p) => FieldSpec::variable("v", class, encoding, length, p),
    })
}

fn random_spec() -> impl Strategy<Value = Spec> {
    let mti = prop_oneof![
        Just(MtiEncoding::Ascii),
        Just(MtiEncoding::Bcd),
        Just(MtiEncoding::Ebcdic)
    ];
    let bitmap = prop_oneof![Just(BitmapEncoding::Binary), Just(BitmapEncoding::AsciiHex)];
    let fields = proptest::collection::btree_map(2u16..=128, field_format(), 1..8);
    (mti, bitmap, prop_oneof![Just(0usize), Just(5)], fields).prop_filter_map(
        "a spec the validation accepts",
        |(mti, bitmap, header, fields)| {
            let layout = MessageLayout::new(mti, bitmap).with_header(header);
            Spec::new("random", layout, fields).ok()
        },
    )
}

fn draws() -> impl Strategy<Value = Vec<(u16, usize, Vec<u8>)>> {
    proptest::collection::vec(
        (
            any::<u16>(),
            0usize..=24,
            proptest::collection::vec(any::<u8>(), 1..=8),
        ),
        0..12,
    )
}

fn mti() -> impl Strategy<Value = Mti> {
    proptest::array::uniform4(b'0'..=b'9').prop_map(|d| Mti::new(d).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn round_trips_random_structs_over_random_specs(
        spec in random_spec(),
        mti in mti(),
        header in proptest::collection::vec(any::<u8>(), 5),
        draws in draws(),
    ) {
        round_trip(&spec, &message_of(&spec, mti, &header, &draws))?;
    }

    #[test]
    fn round_trips_random_structs_over_builtin_specs(
        which in 0usize..9,
        mti in mti(),
        header in proptest::collection::vec(any::<u8>(), 11),
        draws in draws(),
    ) {
        let name = Spec::builtin_names()[which % Spec::builtin_names().len()];
        let spec = Spec::builtin(name).unwrap();
        round_trip(spec, &message_of(spec, mti, &header, &draws))?;
    }
}
