//! Typed messages through serde: the reference vectors of every built-in spec read into structs
//! with borrowed members and written back byte for byte; structured fields as nested structs;
//! a flattened map of the fields a struct does not name. The error cases are in
//! `typed_errors.rs`.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::typed::{self, from_view, to_message, TypedErrorKind};
use iso8583_wire::{Message, MessageView, Mti, Spec};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
const RESP: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

/// The UnionPay sample of the peer vectors (HosseinAssaran/ISO8583-Parser) without its
/// 2-byte length: TPDU, BCD, binary DE48/DE52/DE55/DE64.
const CUP_SAMPLE: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// `value` built into a message and encoded; `typed::encode` is checked to append the same
/// bytes after what its output held.
fn encode_both<T: Serialize + ?Sized>(value: &T, s: &Spec) -> Vec<u8> {
    let via_message = to_message(value, s).unwrap().to_vec(s).unwrap();
    let mut out = b"kept".to_vec();
    typed::encode(value, s, &mut out).unwrap();
    assert_eq!(&out[..4], b"kept");
    assert_eq!(
        &out[4..],
        via_message,
        "typed::encode differs from to_message"
    );
    via_message
}

fn spec(name: &str) -> &'static Spec {
    Spec::builtin(name).unwrap()
}

/// The reference 0200 / 0210, every member borrowed from the input.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Financial<'a> {
    mti: &'a str,
    #[serde(rename = "2")]
    pan: &'a str,
    #[serde(rename = "3")]
    processing_code: &'a str,
    #[serde(rename = "4")]
    amount: &'a str,
    #[serde(rename = "7")]
    transmitted: &'a str,
    #[serde(rename = "11")]
    stan: &'a str,
    #[serde(rename = "12")]
    local_time: &'a str,
    #[serde(rename = "13")]
    local_date: &'a str,
    #[serde(rename = "22")]
    entry_mode: &'a str,
    #[serde(rename = "25")]
    condition: &'a str,
    #[serde(rename = "35")]
    track2: &'a str,
    #[serde(rename = "37")]
    rrn: &'a str,
    #[serde(rename = "38", skip_serializing_if = "Option::is_none")]
    auth_code: Option<&'a str>,
    #[serde(rename = "39", skip_serializing_if = "Option::is_none")]
    response: Option<&'a str>,
    #[serde(rename = "41")]
    terminal: &'a str,
    #[serde(rename = "42")]
    merchant: &'a str,
    #[serde(rename = "49")]
    currency: &'a str,
}

#[test]
fn round_trips_reference_messages_through_a_borrowing_struct() {
    let s = spec("iso8583-1987-ascii");
    for wire in [REQ, RESP] {
        let view = MessageView::decode(s, wire).unwrap();
        let typed: Financial<'_> = from_view(&view).unwrap();
        // Every member points into the input.
        let range = wire.as_ptr_range();
        for text in [typed.mti, typed.pan, typed.track2, typed.merchant] {
            assert!(range.contains(&text.as_ptr()), "{text:?} is not borrowed");
        }
        assert_eq!(typed.pan, "4242424242424242");
        assert_eq!(typed.track2, "4242424242424242=29122011000000000000");
        assert_eq!(typed.amount, "000000010000");
        let m = to_message(&typed, s).unwrap();
        assert_eq!(m.to_vec(s).unwrap(), wire);
        assert_eq!(m, Message::from_view(&view));
        assert_eq!(encode_both(&typed, s), wire);
    }
    let view = MessageView::decode(s, RESP).unwrap();
    let typed: Financial<'_> = from_view(&view).unwrap();
    assert_eq!(
        (typed.mti, typed.auth_code, typed.response),
        ("0210", Some("ABC123"), Some("96"))
    );
}

/// Any message of any spec: members every vector has, borrowed where the wire allows
/// (`Cow` borrows ASCII text and copies the rest; serde never borrows an `Option<Cow>`), an
/// optional one, and the MTI, header and every other field in a flattened map.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Any<'a> {
    #[serde(borrow)]
    mti: Cow<'a, str>,
    #[serde(rename = "11", borrow)]
    stan: Cow<'a, str>,
    #[serde(rename = "41", borrow)]
    terminal: Cow<'a, str>,
    #[serde(rename = "4", skip_serializing_if = "Option::is_none")]
    amount: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// The reference 0200's values set into a message of `s` (those the spec's formats take)
/// and encoded.
fn reference_in(s: &Spec) -> Vec<u8> {
    let ascii = spec("iso8583-1987-ascii");
    let view = MessageView::decode(ascii, REQ).unwrap();
    let mut m = Message::new(Mti::FINANCIAL_REQUEST);
    m.set_header(vec![0x60; s.layout().header_length]);
    let mut set = 0;
    for f in view.fields() {
        if m.set(s, f.number(), f.as_bytes()).is_ok() {
            set += 1;
        }
    }
    assert!(
        set >= 10,
        "{}: only {set} of the reference fields fit",
        s.name()
    );
    m.to_vec(s).unwrap()
}

/// The vectors of each built-in spec: the reference messages, the UnionPay sample, and the
/// reference 0200's values in every other spec.
fn vectors() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = vec![
        ("iso8583-1987-ascii", REQ.to_vec()),
        ("iso8583-1987-ascii", RESP.to_vec()),
        ("cup-pos-tpdu", unhex(CUP_SAMPLE)),
    ];
    for name in Spec::builtin_names() {
        if *name != "iso8583-1987-ascii" {
            out.push((name, reference_in(spec(name))));
        }
    }
    out
}

#[test]
fn round_trips_the_vectors_of_every_builtin_spec() {
    let vectors = vectors();
    for name in Spec::builtin_names() {
        assert!(
            vectors.iter().any(|(n, _)| n == name),
            "{name} has no vector"
        );
    }
    for (name, wire) in vectors {
        let s = spec(name);
        let view = MessageView::decode(s, &wire).unwrap();
        let typed: Any<'_> = from_view(&view).unwrap();
        assert_eq!(typed.mti, view.mti().as_str(), "{name}");
        for (n, member) in [(11, &typed.stan), (41, &typed.terminal)] {
            let ascii_text = view.field(n).unwrap().as_str().is_ok();
            if let Cow::Borrowed(text) = member {
                assert!(ascii_text, "{name}: DE{n}");
                assert!(wire.as_ptr_range().contains(&text.as_ptr()), "{name}");
            } else {
                assert!(!ascii_text, "{name}: DE{n} is ASCII but was copied");
            }
            assert_eq!(*member, view.field(n).unwrap().to_text(), "{name}: DE{n}");
        }
        assert_eq!(
            typed.rest.contains_key("header"),
            s.layout().header_length > 0,
            "{name}"
        );
        assert_eq!(encode_both(&typed, s), wire, "{name}");
    }
}

/// A map reads every field, the MTI and the header, and builds the same message back.
#[test]
fn round_trips_a_plain_map() {
    let s = spec("cup-pos-tpdu");
    let wire = unhex(CUP_SAMPLE);
    let view = MessageView::decode(s, &wire).unwrap();
    let map: BTreeMap<String, String> = from_view(&view).unwrap();
    assert_eq!(map["mti"], "0200");
    assert_eq!(map["header"], "6000080000");
    assert_eq!(map["4"], "000000000001");
    assert_eq!(map["35"], "8362143741176336D28112011861000000000");
    assert_eq!(map.len(), 2 + view.fields().count());
    assert_eq!(encode_both(&map, s), wire);
}

/// Owned text of BCD fields, integers from `n` fields, bytes from `b` fields.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct CupTyped {
    mti: String,
    #[serde(with = "serde_bytes_compat")]
    header: Vec<u8>,
    #[serde(rename = "3")]
    processing_code: String,
    #[serde(rename = "4")]
    amount: u64,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "12")]
    time: String,
    #[serde(rename = "13")]
    date: u16,
    #[serde(rename = "22")]
    entry_mode: u16,
    #[serde(rename = "24")]
    nii: u16,
    #[serde(rename = "25")]
    condition: u8,
    #[serde(rename = "35")]
    track2: Track2,
    #[serde(rename = "41")]
    terminal: String,
    #[serde(rename = "42")]
    merchant: String,
    #[serde(rename = "48")]
    additional: Vec<u8>,
    /// `an 3` in this spec: a string.
    #[serde(rename = "49")]
    currency: String,
    #[serde(rename = "52")]
    pin_block: Vec<u8>,
    #[serde(rename = "55")]
    icc: Icc,
    #[serde(rename = "64")]
    mac: String,
}

/// Bytes kept as bytes (not a list of numbers) on the way out, as `serde_bytes` does.
mod serde_bytes_compat {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
        }
        d.deserialize_bytes(V)
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Track2 {
    pan: String,
    expiry: String,
    service_code: String,
    discretionary: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Icc {
    #[serde(rename = "5F2A")]
    currency: String,
    #[serde(rename = "82")]
    aip: Vec<u8>,
    #[serde(rename = "95")]
    tvr: String,
    #[serde(rename = "9A")]
    date: String,
    #[serde(rename = "9C")]
    kind: String,
    #[serde(rename = "9F02")]
    amount: String,
}

#[test]
fn reads_owned_text_numbers_bytes_and_composites() {
    let s = spec("cup-pos-tpdu");
    let wire = unhex(CUP_SAMPLE);
    let view = MessageView::decode(s, &wire).unwrap();
    let typed: CupTyped = from_view(&view).unwrap();
    assert_eq!(typed.header, unhex("6000080000"));
    assert_eq!(typed.amount, 1);
    assert_eq!(typed.stan, 2755);
    assert_eq!((typed.date, typed.entry_mode, typed.nii), (1125, 21, 8));
    assert_eq!(typed.time, "160400");
    assert_eq!(typed.track2.pan, "8362143741176336");
    assert_eq!(typed.track2.expiry, "2811");
    assert_eq!(typed.track2.service_code, "201");
    assert_eq!(typed.additional.len(), 32);
    assert_eq!(typed.pin_block, [0; 8]);
    assert_eq!(typed.icc.amount, "000000000001");
    assert_eq!(typed.icc.aip, [0x08, 0x00]);
    assert_eq!(typed.icc.currency, "0364");
    assert_eq!(typed.mac, "1111111111111111");
    // Built back through the composites' builders: the same bytes.
    assert_eq!(encode_both(&typed, s), wire);
}

/// Positional subfields by number (UnionPay DE60), values as numbers.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct SignOn {
    mti: String,
    header: String,
    #[serde(rename = "11")]
    stan: u32,
    #[serde(rename = "60")]
    reserved: De60,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct De60 {
    #[serde(rename = "1")]
    kind: u8,
    #[serde(rename = "2")]
    batch: u32,
    #[serde(rename = "3")]
    network_code: String,
}

#[test]
fn round_trips_positional_subfields_by_number() {
    let s = spec("cup-pos");
    let value = SignOn {
        mti: "0800".into(),
        header: "6000030000603100000000".into(),
        stan: 1,
        reserved: De60 {
            kind: 0,
            batch: 1,
            network_code: "003".into(),
        },
    };
    let m = to_message(&value, s).unwrap();
    assert_eq!(m.field(s, 11).unwrap().to_text(), "000001");
    assert_eq!(m.field(s, 60).unwrap().to_text(), "00000001003");
    let wire = m.to_vec(s).unwrap();
    assert_eq!(encode_both(&value, s), wire);
    let view = MessageView::decode(s, &wire).unwrap();
    assert_eq!(view.get("60.2").unwrap().unwrap().to_text(), "000001");
    let back: SignOn = from_view(&view).unwrap();
    assert_eq!(back, value);
}

/// Tagged subelements by number (Mastercard DE48), read into a map.
#[test]
fn round_trips_tagged_subfields_as_a_map() {
    let s = spec("mastercard-cis");
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Auth {
        mti: String,
        #[serde(rename = "48")]
        additional: BTreeMap<u16, String>,
    }
    let value = Auth {
        mti: "0100".into(),
        additional: BTreeMap::from([(0, "R".into()), (42, "210".into()), (84, "01".into())]),
    };
    let wire = encode_both(&value, s);
    let view = MessageView::decode(s, &wire).unwrap();
    assert_eq!(view.get("48.84").unwrap().unwrap().to_text(), "01");
    let back: Auth = from_view(&view).unwrap();
    assert_eq!(back, value);
}

/// Bitmapped subfields by number (Visa DE62), in their own encodings (EBCDIC, BCD).
#[test]
fn round_trips_bitmapped_subfields() {
    let s = spec("visa-base1");
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Auth {
        mti: String,
        #[serde(rename = "62")]
        cps: Cps,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Cps {
        #[serde(rename = "1")]
        aci: String,
        #[serde(rename = "2")]
        transaction_id: u64,
    }
    let value = Auth {
        mti: "0100".into(),
        cps: Cps {
            aci: "Y".into(),
            transaction_id: 123_456_789_012_345,
        },
    };
    let wire = encode_both(&value, s);
    let view = MessageView::decode(s, &wire).unwrap();
    assert_eq!(
        view.get("62.2").unwrap().unwrap().to_text(),
        "123456789012345"
    );
    let back: Auth = from_view(&view).unwrap();
    assert_eq!(back, value);
}

/// A constructed EMV tag nests its own data objects.
#[test]
fn round_trips_constructed_tags() {
    let s = spec("iso8583-1987-binary");
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Msg {
        mti: String,
        #[serde(rename = "55")]
        icc: BTreeMap<String, Tlv>,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    enum Tlv {
        Nested(BTreeMap<String, String>),
        Plain(String),
    }
    let mut inner = BTreeMap::new();
    inner.insert("9F02".to_owned(), "000000001000".to_owned());
    let mut icc = BTreeMap::new();
    icc.insert("5F2A".to_owned(), Tlv::Plain("0840".into()));
    icc.insert("70".to_owned(), Tlv::Nested(inner));
    let value = Msg {
        mti: "0200".into(),
        icc,
    };
    let wire = encode_both(&value, s);
    let view = MessageView::decode(s, &wire).unwrap();
    assert_eq!(
        view.get("55.70.9F02").unwrap().unwrap().as_bytes(),
        [0, 0, 0, 0, 0x10, 0]
    );
    // Read back as text by tag: the constructed tag as its hex, the nested amount by path.
    #[derive(Deserialize)]
    struct Read {
        #[serde(rename = "55")]
        icc: ReadIcc,
    }
    #[derive(Deserialize)]
    struct ReadIcc {
        #[serde(rename = "5F2A")]
        currency: String,
        #[serde(rename = "70")]
        template: ReadTemplate,
    }
    #[derive(Deserialize)]
    struct ReadTemplate {
        #[serde(rename = "9F02")]
        amount: String,
    }
    let read: Read = from_view(&view).unwrap();
    assert_eq!(read.icc.currency, "0840");
    assert_eq!(read.icc.template.amount, "000000001000");
}

/// A struct names some fields; a flattened map collects the rest, as text.
#[test]
fn collects_unnamed_fields_in_a_flattened_map() {
    #[derive(Deserialize)]
    struct Some2<'a> {
        #[serde(rename = "2")]
        pan: &'a str,
        #[serde(flatten)]
        others: BTreeMap<String, String>,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    let typed: Some2<'_> = from_view(&view).unwrap();
    assert_eq!(typed.pan, "4242424242424242");
    let keys: Vec<&str> = typed.others.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["11", "12", "13", "22", "25", "3", "35", "37", "4", "41", "42", "49", "7", "mti"]
    );
    assert_eq!(typed.others["42"], "MERCHANT0000001");
}

/// Types that read themselves from the field's text work as members.
#[test]
fn reads_types_that_parse_their_text() {
    #[derive(Debug, PartialEq, Deserialize)]
    enum Outcome {
        #[serde(rename = "00")]
        Approved,
        #[serde(rename = "96")]
        SystemMalfunction,
    }
    #[derive(Deserialize)]
    struct Response {
        #[serde(rename = "39")]
        _outcome: Outcome,
        #[serde(rename = "4")]
        _amount: u64,
        #[serde(rename = "11")]
        _stan: std::net::Ipv4Addr,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, RESP).unwrap();
    // An Ipv4Addr parses its text, and refuses "123456" with its own message.
    let err = from_view::<Response>(&view).err().unwrap();
    assert_eq!(err.field(), Some(11));
    assert!(
        matches!(err.kind(), TypedErrorKind::Rejected { .. }),
        "{err}"
    );
    #[derive(Deserialize)]
    struct Ok2 {
        #[serde(rename = "39")]
        outcome: Outcome,
        #[serde(rename = "4")]
        amount: u64,
    }
    let ok: Ok2 = from_view(&view).unwrap();
    assert_eq!((ok.outcome, ok.amount), (Outcome::SystemMalfunction, 10000));
}

/// Members out of field order, and a field given twice (a member and the flattened map):
/// `typed::encode` writes what the message would, which sorts the fields and keeps the last.
#[test]
fn encodes_members_out_of_field_order_as_the_message_does() {
    #[derive(Serialize)]
    struct Shuffled<'a> {
        #[serde(rename = "41")]
        terminal: &'a str,
        mti: &'a str,
        #[serde(rename = "11")]
        stan: &'a str,
        #[serde(rename = "2")]
        pan: &'a str,
        #[serde(flatten)]
        rest: BTreeMap<&'a str, &'a str>,
    }
    let s = spec("iso8583-1987-ascii");
    let value = Shuffled {
        terminal: "TERM0001",
        mti: "0200",
        stan: "000001",
        pan: "4242424242424242",
        rest: BTreeMap::from([("11", "000002"), ("70", "301")]),
    };
    let wire = encode_both(&value, s);
    let view = MessageView::decode(s, &wire).unwrap();
    let numbers: Vec<u16> = view.fields().map(|f| f.number()).collect();
    assert_eq!(numbers, [2, 11, 41, 70]);
    assert_eq!(view.field(11).unwrap().as_str().unwrap(), "000002");
    // In order, with the secondary bitmap, straight to the wire.
    let ordered: BTreeMap<u16, &str> = BTreeMap::from([
        (2, "4242424242424242"),
        (11, "000002"),
        (41, "TERM0001"),
        (70, "301"),
    ]);
    #[derive(Serialize)]
    struct Ordered<'a> {
        mti: &'a str,
        #[serde(flatten)]
        fields: &'a BTreeMap<u16, &'a str>,
    }
    assert_eq!(
        encode_both(
            &Ordered {
                mti: "0200",
                fields: &ordered
            },
            s
        ),
        wire
    );
}

/// Text fields on both sides of binary bytes that are not UTF-8: the ones before are slices of
/// the input checked once, the ones after are checked on their own; all are borrowed.
#[derive(Debug, Deserialize)]
struct AroundBinary<'a> {
    #[serde(rename = "41")]
    terminal: &'a str,
    #[serde(rename = "49")]
    currency: &'a str,
    #[serde(rename = "52", with = "serde_bytes_compat")]
    pin_block: Vec<u8>,
    #[serde(rename = "60")]
    national: &'a str,
    #[serde(rename = "62")]
    private: &'a str,
}

#[test]
fn borrows_text_after_bytes_that_are_not_utf8() {
    let s = spec("iso8583-1987-binary");
    let mut m = Message::new(Mti::from_text("0200").unwrap());
    m.set(s, 41, "TERM0001").unwrap();
    m.set(s, 49, "840").unwrap();
    m.set_binary(s, 52, &[0xFF, 0xC0, 0x80, 0, 1, 2, 3, 0xFE])
        .unwrap();
    m.set(s, 60, "national").unwrap();
    m.set(s, 62, "private use").unwrap();
    let wire = m.to_vec(s).unwrap();
    let view = MessageView::decode(s, &wire).unwrap();
    let typed: AroundBinary<'_> = from_view(&view).unwrap();
    assert_eq!((typed.terminal, typed.currency), ("TERM0001", "840"));
    assert_eq!(typed.pin_block, [0xFF, 0xC0, 0x80, 0, 1, 2, 3, 0xFE]);
    assert_eq!((typed.national, typed.private), ("national", "private use"));
}

/// A struct in field order is written to the wire and read back; one out of order goes
/// through the setters. Both give the same message, which edits and encodes as one built with
/// `Message::set`: text, a number, an odd count of digits (a BCD filler in the binary spec) and
/// binary bytes given as hex.
#[test]
fn builds_the_message_the_setters_build_in_any_member_order() {
    #[derive(Serialize)]
    struct InOrder<'a> {
        mti: &'a str,
        #[serde(rename = "2")]
        pan: &'a str,
        #[serde(rename = "4")]
        amount: u64,
        #[serde(rename = "11")]
        stan: &'a str,
        #[serde(rename = "41")]
        terminal: &'a str,
        #[serde(rename = "52")]
        pin: &'a str,
    }
    #[derive(Serialize)]
    struct Reversed<'a> {
        #[serde(rename = "52")]
        pin: &'a str,
        #[serde(rename = "41")]
        terminal: &'a str,
        #[serde(rename = "11")]
        stan: &'a str,
        #[serde(rename = "4")]
        amount: u64,
        #[serde(rename = "2")]
        pan: &'a str,
        mti: &'a str,
    }
    for name in [
        "iso8583-1987-ascii",
        "iso8583-1987-binary",
        "iso8583-1993-ascii",
    ] {
        let s = spec(name);
        let mut by_hand = Message::new(Mti::FINANCIAL_REQUEST);
        by_hand
            .set(s, 2, "4242424242424242424")
            .and_then(|m| m.set(s, 4, "000000001000"))
            .and_then(|m| m.set(s, 11, "000123"))
            .and_then(|m| m.set(s, 41, "TERM0001"))
            .and_then(|m| m.set(s, 52, "0123456789ABCDEF"))
            .unwrap();
        let in_order = to_message(
            &InOrder {
                mti: "0200",
                pan: "4242424242424242424",
                amount: 1000,
                stan: "000123",
                terminal: "TERM0001",
                pin: "0123456789ABCDEF",
            },
            s,
        )
        .unwrap();
        let reversed = to_message(
            &Reversed {
                pin: "0123456789ABCDEF",
                terminal: "TERM0001",
                stan: "000123",
                amount: 1000,
                pan: "4242424242424242424",
                mti: "0200",
            },
            s,
        )
        .unwrap();
        assert_eq!(in_order, by_hand, "{name}");
        assert_eq!(reversed, by_hand, "{name}");
        let (mut a, mut b) = (in_order, by_hand);
        a.set(s, 11, "000124").unwrap().set(s, 39, "00").unwrap();
        b.set(s, 11, "000124").unwrap().set(s, 39, "00").unwrap();
        assert_eq!(a.to_vec(s).unwrap(), b.to_vec(s).unwrap(), "{name}");
        assert_eq!(
            MessageView::decode(s, &a.to_vec(s).unwrap())
                .unwrap()
                .field(11)
                .unwrap()
                .to_text(),
            "000124"
        );
    }
}
