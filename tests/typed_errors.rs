//! Typed messages through serde, what goes wrong: a missing member, a wrong type, a number
//! that does not fit, a masked value, text that cannot be borrowed, JSON-like input of the
//! wrong shape. Every error names its element and member and never the value.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::composite::{FieldId, Track2Part};
use iso8583_wire::error::Element;
use iso8583_wire::spec::ContentClass;
use iso8583_wire::typed::{from_view, to_message, TypedError, TypedErrorKind};
use iso8583_wire::{EncodeErrorKind, MessageView, Mti, Spec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

/// The UnionPay sample of the peer vectors (HosseinAssaran/ISO8583-Parser) without its
/// 2-byte length.
const CUP_SAMPLE: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Why `value` is refused by `to_message` (or, once built, by encoding); `typed::encode` is
/// checked to give the same error and to leave its output as it was.
fn refused<T: Serialize + ?Sized>(value: &T, s: &Spec) -> TypedError {
    let err = match to_message(value, s) {
        Ok(m) => TypedError::from(m.to_vec(s).unwrap_err()),
        Err(e) => e,
    };
    let mut out = b"kept".to_vec();
    let direct = iso8583_wire::typed::encode(value, s, &mut out).unwrap_err();
    assert_eq!(direct, err, "typed::encode refuses otherwise");
    assert_eq!(out, b"kept");
    err
}

fn spec(name: &str) -> &'static Spec {
    Spec::builtin(name).unwrap()
}

fn assert_no_card_data(e: &TypedError) {
    let shown = format!("{e} {e:?}");
    for secret in ["4242424242424242", "424242", "29122011"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn rejects_a_missing_mandatory_field() {
    #[derive(Debug, Deserialize)]
    struct NeedsResponse<'a> {
        #[serde(rename = "2")]
        _pan: &'a str,
        #[serde(rename = "39")]
        _response: &'a str,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    let err = from_view::<NeedsResponse<'_>>(&view).unwrap_err();
    assert_eq!(err.kind(), &TypedErrorKind::Missing);
    assert_eq!(err.element(), Some(Element::Field(39)));
    assert_eq!(err.member(), Some("39"));
    assert_eq!(err.in_struct(), Some("NeedsResponse"));
    assert_eq!(
        err.to_string(),
        "DE39: missing from the message (struct NeedsResponse, member \"39\")"
    );
    assert_no_card_data(&err);
}

#[test]
fn rejects_a_missing_subfield_naming_its_path() {
    #[derive(Debug, Deserialize)]
    struct Msg {
        #[serde(rename = "55")]
        _icc: Icc2,
    }
    #[derive(Debug, Deserialize)]
    struct Icc2 {
        #[serde(rename = "9F26")]
        _cryptogram: String,
    }
    let s = spec("cup-pos-tpdu");
    let wire = unhex(CUP_SAMPLE);
    let view = MessageView::decode(s, &wire).unwrap();
    let err = from_view::<Msg>(&view).unwrap_err();
    assert_eq!(err.kind(), &TypedErrorKind::Missing);
    assert_eq!(err.field(), Some(55));
    assert_eq!(
        (err.in_struct(), err.member()),
        (Some("Icc2"), Some("9F26"))
    );
    assert_eq!(
        err.to_string(),
        "DE55.9F26: missing from the message (struct Icc2, member \"9F26\")"
    );
}

#[test]
fn rejects_an_integer_of_a_text_field() {
    #[derive(Debug, Deserialize)]
    struct Wrong {
        #[serde(rename = "41")]
        _terminal: u64,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    let err = from_view::<Wrong>(&view).unwrap_err();
    assert_eq!(
        err.kind(),
        &TypedErrorKind::WrongType {
            wanted: "an integer",
            class: ContentClass::Ans
        }
    );
    assert_eq!((err.field(), err.member()), (Some(41), Some("41")));
    assert_eq!(err.in_struct(), Some("Wrong"));
    assert!(!err.to_string().contains("TERM0001"), "{err}");
    // DE37 is `an`, the class the brief of the type names.
    #[derive(Debug, Deserialize)]
    struct Rrn {
        #[serde(rename = "37")]
        _rrn: u64,
    }
    let err = from_view::<Rrn>(&view).unwrap_err();
    assert_eq!(
        err.kind(),
        &TypedErrorKind::WrongType {
            wanted: "an integer",
            class: ContentClass::An
        }
    );
    assert_eq!(err.field(), Some(37));
    // And the other way: an integer given for an `an` field.
    #[derive(Serialize)]
    struct Out {
        mti: &'static str,
        #[serde(rename = "37")]
        rrn: u64,
    }
    let err = refused(
        &Out {
            mti: "0200",
            rrn: 1,
        },
        s,
    );
    assert_eq!(
        err.kind(),
        &TypedErrorKind::WrongType {
            wanted: "an integer",
            class: ContentClass::An
        }
    );
    assert_eq!((err.field(), err.member()), (Some(37), Some("37")));
}

#[test]
fn rejects_numbers_that_do_not_fit() {
    #[derive(Debug, Deserialize)]
    struct Small {
        #[serde(rename = "4")]
        _amount: u8,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    let err = from_view::<Small>(&view).unwrap_err();
    assert_eq!(
        err.kind(),
        &TypedErrorKind::NumberOutOfRange { wanted: "u8" }
    );
    assert_eq!(err.field(), Some(4));
    #[derive(Serialize)]
    struct Negative {
        mti: &'static str,
        #[serde(rename = "4")]
        amount: i64,
    }
    let err = refused(
        &Negative {
            mti: "0200",
            amount: -1,
        },
        s,
    );
    assert_eq!(
        err.kind(),
        &TypedErrorKind::NumberOutOfRange { wanted: "u64" }
    );
    // Too many digits for the field: the encoder's reason.
    #[derive(Serialize)]
    struct Long {
        mti: &'static str,
        #[serde(rename = "3")]
        code: u64,
    }
    let err = refused(
        &Long {
            mti: "0200",
            code: 1_234_567,
        },
        s,
    );
    assert_eq!(
        err.kind(),
        &TypedErrorKind::Encode(EncodeErrorKind::LengthOutOfRange {
            len: 7,
            min: 6,
            max: 6
        })
    );
    assert_eq!(err.field(), Some(3));
}

#[test]
fn pads_numbers_to_fixed_lengths() {
    #[derive(Serialize)]
    struct Out {
        mti: &'static str,
        #[serde(rename = "4")]
        amount: u64,
        #[serde(rename = "2")]
        pan: u64,
    }
    let s = spec("iso8583-1987-ascii");
    let m = to_message(
        &Out {
            mti: "0100",
            amount: 10_000,
            pan: 4_242_424_242_424_242,
        },
        s,
    )
    .unwrap();
    assert_eq!(m.field(s, 4).unwrap().to_text(), "000000010000");
    // A variable field takes the digits as they are.
    assert_eq!(m.field(s, 2).unwrap().to_text(), "4242424242424242");
    assert_eq!(m.mti(), Mti::AUTHORIZATION_REQUEST);
}

#[test]
fn rejects_masked_values() {
    #[derive(Serialize)]
    struct Out<'a> {
        mti: &'a str,
        #[serde(rename = "2")]
        pan: &'a str,
    }
    let s = spec("iso8583-1987-ascii");
    let err = refused(
        &Out {
            mti: "0100",
            pan: "424242******4242",
        },
        s,
    );
    assert_eq!(err.kind(), &TypedErrorKind::Masked);
    assert_eq!((err.field(), err.member()), (Some(2), Some("2")));
    assert_eq!(err.in_struct(), Some("Out"));
    assert!(err.to_string().contains("masked"), "{err}");
    assert_no_card_data(&err);
    // Track 2 masked as output shows it, given whole or by parts.
    #[derive(Serialize)]
    struct Track<'a> {
        mti: &'a str,
        #[serde(rename = "35")]
        track: &'a str,
    }
    let err = refused(
        &Track {
            mti: "0100",
            track: "424242******4242=********************",
        },
        s,
    );
    assert_eq!(
        (err.kind(), err.field()),
        (&TypedErrorKind::Masked, Some(35))
    );
    let mut parts = BTreeMap::new();
    parts.insert("pan", "424242******4242");
    parts.insert("expiry", "2912");
    #[derive(Serialize)]
    struct Parts<'a> {
        mti: &'a str,
        #[serde(rename = "35")]
        track: BTreeMap<&'a str, &'a str>,
    }
    let err = refused(
        &Parts {
            mti: "0100",
            track: parts,
        },
        s,
    );
    assert_eq!(err.kind(), &TypedErrorKind::Masked);
    assert_eq!(
        err.element(),
        Some(Element::Subfield {
            field: 35,
            sub: FieldId::Part(Track2Part::Pan)
        })
    );
    assert_no_card_data(&err);
    // A PIN block shown hidden.
    let b = spec("iso8583-1987-binary");
    let mut map = BTreeMap::new();
    map.insert("mti", "0200");
    map.insert("52", "[HIDDEN]");
    let err = refused(&map, b);
    assert_eq!(
        (err.kind(), err.field()),
        (&TypedErrorKind::Masked, Some(52))
    );
}

#[test]
fn rejects_borrowing_text_that_is_not_in_the_input() {
    #[derive(Debug, Deserialize)]
    struct Borrowing<'a> {
        #[serde(rename = "11")]
        _stan: &'a str,
    }
    let s = spec("cup-pos-tpdu");
    let wire = unhex(CUP_SAMPLE);
    let view = MessageView::decode(s, &wire).unwrap();
    let err = from_view::<Borrowing<'_>>(&view).unwrap_err();
    assert_eq!(err.kind(), &TypedErrorKind::NotBorrowable);
    assert_eq!(err.field(), Some(11));
}

/// Values of kinds no field holds, keys that name nothing, and JSON-like input of the wrong
/// shape.
#[test]
fn rejects_values_of_the_wrong_kind() {
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    #[derive(Debug, Deserialize)]
    struct Flag {
        #[serde(rename = "25")]
        _flag: bool,
    }
    let err = from_view::<Flag>(&view).unwrap_err();
    assert_eq!(
        err.kind(),
        &TypedErrorKind::Unsupported { what: "a boolean" }
    );
    assert_eq!(err.field(), Some(25));
    #[derive(Debug, Deserialize)]
    struct Nested {
        #[serde(rename = "4")]
        _amount: BTreeMap<String, String>,
    }
    let err = from_view::<Nested>(&view).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (&TypedErrorKind::NoSubfields, Some(4))
    );

    // JSON values of every kind, fed through serde_json::Value.
    let cases: [(serde_json::Value, TypedErrorKind, Option<u16>); 6] = [
        (
            serde_json::json!({"mti": "0200", "4": 1.5}),
            TypedErrorKind::Unsupported { what: "a float" },
            Some(4),
        ),
        (
            serde_json::json!({"mti": "0200", "4": true}),
            TypedErrorKind::Unsupported { what: "a boolean" },
            Some(4),
        ),
        (
            serde_json::json!({"mti": "0200", "4": ["1"]}),
            TypedErrorKind::Unsupported {
                what: "a list of other than bytes",
            },
            Some(4),
        ),
        (
            serde_json::json!({"mti": "0200", "4": {"1": "2"}}),
            TypedErrorKind::NoSubfields,
            Some(4),
        ),
        (
            serde_json::json!({"mti": "0200", "999": "1"}),
            TypedErrorKind::UnknownKey,
            Some(999),
        ),
        (
            serde_json::json!({"4": "000000000100"}),
            TypedErrorKind::NoMti,
            None,
        ),
    ];
    for (value, kind, field) in cases {
        let err = refused(&value, s);
        assert_eq!((err.kind(), err.field()), (&kind, field), "{value}");
    }
    let err = refused(&serde_json::json!({"mti": "0200", "nine": "1"}), s);
    assert_eq!(err.kind(), &TypedErrorKind::UnknownKey);
    let err = refused(&serde_json::json!({"mti": "02x0"}), s);
    assert_eq!(
        (err.kind(), err.element()),
        (&TypedErrorKind::NoMti, Some(Element::Mti))
    );
    let err = refused(&serde_json::json!(["0200"]), s);
    assert!(matches!(err.kind(), TypedErrorKind::Unsupported { .. }));
    // A value too long for its field: the encoder's reason, never the value.
    let err = refused(
        &serde_json::json!({"mti": "0200", "2": "42424242424242424242"}),
        s,
    );
    assert_eq!(
        err.kind(),
        &TypedErrorKind::Encode(EncodeErrorKind::LengthOutOfRange {
            len: 20,
            min: 0,
            max: 19
        })
    );
    assert_no_card_data(&err);
}

/// A type's own message is kept unless it repeats the value or the field is card data.
#[test]
fn withholds_messages_that_may_hold_the_value() {
    #[derive(Debug)]
    struct Picky;
    impl<'de> Deserialize<'de> for Picky {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            Err(serde::de::Error::custom(format!("bad value {text}")))
        }
    }
    #[derive(Debug, Deserialize)]
    struct Pan {
        #[serde(rename = "2")]
        _pan: Picky,
    }
    #[derive(Debug, Deserialize)]
    struct Terminal {
        #[serde(rename = "41")]
        _terminal: Picky,
    }
    let s = spec("iso8583-1987-ascii");
    let view = MessageView::decode(s, REQ).unwrap();
    let err = from_view::<Pan>(&view).unwrap_err();
    assert_no_card_data(&err);
    assert_eq!(err.field(), Some(2));
    let err = from_view::<Terminal>(&view).unwrap_err();
    assert!(!err.to_string().contains("TERM0001"), "{err}");
    #[derive(Debug)]
    struct Plain;
    impl<'de> Deserialize<'de> for Plain {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let _ = String::deserialize(d)?;
            Err(serde::de::Error::custom("not a terminal of ours"))
        }
    }
    #[derive(Debug, Deserialize)]
    struct Ours {
        #[serde(rename = "41")]
        _terminal: Plain,
    }
    let err = from_view::<Ours>(&view).unwrap_err();
    assert_eq!(
        err.kind(),
        &TypedErrorKind::Rejected {
            message: "not a terminal of ours".into()
        }
    );
}
