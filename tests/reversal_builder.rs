//! Building the reversal of a request: MTI, copied fields, reason and original data elements,
//! checked on the encoded and decoded reversal.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use iso8583_wire::response::Dialect;
use iso8583_wire::{Element, EncodeErrorKind, Message, MessageView, Mti, ReversalReason, Spec};

const PAN: &str = "4242424242424242";
const TRACK2: &str = "4242424242424242=29122011000000000000";

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

/// A sale with identifying fields, track data, a PIN block and chip data.
fn sale(spec: &Spec, mti: Mti) -> Message {
    let mut m = Message::new(mti);
    m.set(spec, 2, PAN)
        .unwrap()
        .set(spec, 3, "000000")
        .unwrap()
        .set(spec, 4, "000000010000")
        .unwrap()
        .set(spec, 7, "1123132500")
        .unwrap()
        .set(spec, 11, "123456")
        .unwrap()
        .set(spec, 12, "132500")
        .unwrap()
        .set(spec, 13, "1123")
        .unwrap()
        .set(spec, 14, "2912")
        .unwrap()
        .set(spec, 22, "051")
        .unwrap()
        .set(spec, 32, "12345")
        .unwrap()
        .set(spec, 33, "6789")
        .unwrap()
        .set(spec, 35, TRACK2)
        .unwrap()
        .set(spec, 37, "123456789012")
        .unwrap()
        .set(spec, 41, "TERM0001")
        .unwrap()
        .set(spec, 42, "MERCHANT0000001")
        .unwrap()
        .set(spec, 49, "840")
        .unwrap()
        .set(spec, 52, "0123456789ABCDEF")
        .unwrap()
        .set(spec, 55, "9F02060000000100009F2701")
        .unwrap();
    m
}

/// Encodes `m` with `spec` and returns the bytes, to be decoded by the caller.
fn wire(m: &Message, spec: &Spec) -> Vec<u8> {
    m.to_vec(spec).unwrap()
}

fn text(view: &MessageView<'_>, n: u16) -> Option<String> {
    view.field(n).map(|f| f.to_text())
}

#[test]
fn builds_an_0400_with_the_identifying_fields_reason_and_original_data() {
    let spec = spec();
    let request = sale(spec, Mti::FINANCIAL_REQUEST);
    let reason = ReversalReason::no_response(Dialect::Iso8583_1987);
    let reversal = Message::reversal_of(&request, spec, reason).unwrap();
    let bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();

    assert_eq!(view.mti(), Mti::REVERSAL_REQUEST);
    assert_eq!(text(&view, 39).as_deref(), Some("68"));
    assert_eq!(
        text(&view, 90).as_deref(),
        Some(concat!(
            "0200",
            "123456",
            "1123132500",
            "00000012345",
            "00000006789"
        ))
    );
    assert_eq!(text(&view, 90).map(|s| s.len()), Some(42));
    assert_eq!(text(&view, 2).as_deref(), Some(PAN));
    assert_eq!(text(&view, 4).as_deref(), Some("000000010000"));
    assert_eq!(text(&view, 11).as_deref(), Some("123456"));
    assert_eq!(text(&view, 32).as_deref(), Some("12345"));
    assert_eq!(text(&view, 37).as_deref(), Some("123456789012"));
    assert_eq!(text(&view, 41).as_deref(), Some("TERM0001"));
    assert_eq!(text(&view, 49).as_deref(), Some("840"));
    // Track data, the PIN block and chip data stay behind.
    for n in [35, 52, 55] {
        assert!(!view.has(n), "DE{n} copied");
    }
    let present: Vec<u16> = view.fields().map(|f| f.number()).collect();
    assert_eq!(
        present,
        [2, 3, 4, 7, 11, 12, 13, 14, 22, 32, 33, 37, 39, 41, 42, 49, 90]
    );
    // The request itself is untouched.
    assert_eq!(request.mti(), Mti::FINANCIAL_REQUEST);
    assert!(request.has(35) && !request.has(39));
}

#[test]
fn builds_an_0420_advice_and_its_repeat() {
    let spec = spec();
    let request = sale(spec, Mti::FINANCIAL_REQUEST);
    let reason = ReversalReason::no_response(Dialect::Mastercard).advice(true);
    assert!(reason.is_advice());
    let mut reversal = Message::reversal_of(&request, spec, reason).unwrap();
    assert_eq!(reversal.mti(), Mti::REVERSAL_ADVICE);
    let repeat = reversal.mti().repeat();
    reversal.set_mti(repeat);
    let bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();
    assert_eq!(view.mti().as_str(), "0421");
    assert_eq!(text(&view, 39).as_deref(), Some("68"));
    // DE90 names the original, not the advice.
    assert!(text(&view, 90).unwrap().starts_with("0200123456"));
}

#[test]
fn records_a_repeat_request_as_its_original_in_de90() {
    let spec = spec();
    let request = sale(spec, Mti::from_text("0201").unwrap());
    let reversal =
        Message::reversal_of(&request, spec, ReversalReason::new(*b"06", false)).unwrap();
    let bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();
    assert_eq!(view.mti(), Mti::REVERSAL_REQUEST);
    assert_eq!(text(&view, 39).as_deref(), Some("06"));
    assert_eq!(&text(&view, 90).unwrap()[..4], "0200");
}

#[test]
fn fills_de90_with_zeros_for_fields_the_request_lacks() {
    let spec = spec();
    let mut request = Message::new(Mti::AUTHORIZATION_REQUEST);
    request
        .set(spec, 4, "500")
        .unwrap()
        .set(spec, 11, "42")
        .unwrap();
    let reversal =
        Message::reversal_of(&request, spec, ReversalReason::no_response(Dialect::Visa)).unwrap();
    let bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();
    assert_eq!(
        text(&view, 90).as_deref(),
        Some("010000004200000000000000000000000000000000")
    );
    let present: Vec<u16> = view.fields().map(|f| f.number()).collect();
    assert_eq!(present, [4, 11, 39, 90]);
}

#[test]
fn keeps_the_version_digit_of_a_1993_request() {
    // ISO 8583:1993 gives the reason in DE25 and its DE39 is a three-digit action code; its
    // DE90 is not the 1987 layout. Neither is set: the caller sets DE25 (and DE56).
    let spec = Spec::builtin("iso8583-1993-ascii").unwrap();
    let mut request = Message::new(Mti::from_text("1200").unwrap());
    request
        .set(spec, 2, PAN)
        .unwrap()
        .set(spec, 4, "000000010000")
        .unwrap()
        .set(spec, 11, "000777")
        .unwrap()
        .set(spec, 35, TRACK2)
        .unwrap()
        .set(spec, 41, "TERM0001")
        .unwrap();
    let reason = ReversalReason::no_response(Dialect::Iso8583_1993);
    let reversal = Message::reversal_of(&request, spec, reason).unwrap();
    let view_bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &view_bytes).unwrap();
    assert_eq!(view.mti().as_str(), "1400");
    assert!(!view.has(39) && !view.has(90) && !view.has(35));
    assert_eq!(text(&view, 2).as_deref(), Some(PAN));
    assert_eq!(text(&view, 11).as_deref(), Some("000777"));

    let advice = Message::reversal_of(&request, spec, reason.advice(true)).unwrap();
    assert_eq!(advice.mti().as_str(), "1420");
    // The version digit alone decides, whatever the spec.
    let in_1987 = Message::reversal_of(
        &sale(self::spec(), Mti::from_text("1200").unwrap()),
        self::spec(),
        reason,
    )
    .unwrap();
    assert_eq!(in_1987.mti().as_str(), "1400");
    assert!(in_1987
        .field(self::spec(), 90)
        .unwrap()
        .to_text()
        .starts_with("1200"));
}

#[test]
fn builds_a_china_unionpay_reversal_with_reason_98_and_the_header() {
    assert!(Spec::builtin_names().contains(&"cup-pos"));
    let spec = Spec::builtin("cup-pos").unwrap();
    let header = b"\x60\x00\x03\x00\x00\x60\x31\x00\x31\x10\x00";
    assert_eq!(header.len(), spec.layout().header_length);
    let mut request = Message::new(Mti::FINANCIAL_REQUEST);
    request
        .set_header(&header[..])
        .set(spec, 2, "6222021234567890123")
        .unwrap()
        .set(spec, 3, "000000")
        .unwrap()
        .set(spec, 4, "000000000100")
        .unwrap()
        .set(spec, 11, "000123")
        .unwrap()
        .set(spec, 22, "051")
        .unwrap()
        .set(spec, 25, "00")
        .unwrap()
        .set(spec, 35, "6222021234567890123=30121010000000000")
        .unwrap()
        .set(spec, 41, "12345678")
        .unwrap()
        .set(spec, 42, "123456789012345")
        .unwrap()
        .set(spec, 49, "156")
        .unwrap()
        .set_binary(spec, 52, &[0x11; 8])
        .unwrap();
    let reason = ReversalReason::no_response(Dialect::ChinaUnionPay);
    assert_eq!(reason.code(), *b"98");
    let reversal = Message::reversal_of(&request, spec, reason).unwrap();
    let bytes = wire(&reversal, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();
    assert_eq!(view.mti(), Mti::REVERSAL_REQUEST);
    assert_eq!(view.header(), &header[..]);
    assert_eq!(text(&view, 39).as_deref(), Some("98"));
    assert_eq!(text(&view, 2).as_deref(), Some("6222021234567890123"));
    assert_eq!(text(&view, 4).as_deref(), Some("000000000100"));
    assert_eq!(text(&view, 11).as_deref(), Some("000123"));
    assert_eq!(text(&view, 25).as_deref(), Some("00"));
    // The spec defines no DE90, and the track data and PIN block stay behind.
    assert!(spec.field(90).is_none());
    let present: Vec<u16> = view.fields().map(|f| f.number()).collect();
    assert_eq!(present, [2, 3, 4, 11, 22, 25, 39, 41, 42, 49]);
}

#[test]
fn rejects_a_response() {
    let spec = spec();
    let response = sale(spec, Mti::FINANCIAL_REQUEST)
        .response(&[2, 3, 4, 11])
        .unwrap();
    let err = Message::reversal_of(
        &response,
        spec,
        ReversalReason::no_response(Dialect::Iso8583_1987),
    )
    .unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::NotReversible {
            mti: Mti::FINANCIAL_RESPONSE
        }
    );
    assert_eq!(err.element(), Element::Mti);
    assert_eq!(err.kind().name(), "not_reversible");
    assert_eq!(
        err.to_string(),
        "MTI: a 0210 is not a request that can be reversed"
    );
}

/// Reserved functions (x8x, x9x) and acknowledgements are not requests either.
#[test]
fn rejects_what_is_not_a_request() {
    let spec = spec();
    let reason = ReversalReason::no_response(Dialect::Iso8583_1987);
    for mti in ["0280", "0290", "0285", "0215", "0217", "0110"] {
        let sale = sale(spec, Mti::from_text(mti).unwrap());
        let err = Message::reversal_of(&sale, spec, reason).unwrap_err();
        assert!(
            matches!(err.kind(), EncodeErrorKind::NotReversible { mti: got } if got.as_str() == mti),
            "{mti}: {err}"
        );
    }
    // A notification and an instruction are requests: they can be reversed.
    for mti in ["0240", "0260"] {
        let sale = sale(spec, Mti::from_text(mti).unwrap());
        let reversal = Message::reversal_of(&sale, spec, reason).unwrap();
        assert_eq!(reversal.mti().as_str(), "0400", "{mti}");
    }
}

#[test]
fn rejects_a_reversal_and_a_chargeback() {
    let spec = spec();
    let reason = ReversalReason::no_response(Dialect::Iso8583_1987);
    let reversal = Message::reversal_of(&sale(spec, Mti::FINANCIAL_REQUEST), spec, reason).unwrap();
    for mti in ["0400", "0401", "0420", "0421", "0422"] {
        let mut m = reversal.clone();
        m.set_mti(Mti::from_text(mti).unwrap());
        let err = Message::reversal_of(&m, spec, reason).unwrap_err();
        assert!(
            matches!(err.kind(), EncodeErrorKind::NotReversible { mti: got } if got.as_str() == mti),
            "{mti}: {err}"
        );
    }
}

#[test]
fn rejects_original_data_that_does_not_fit_de90() {
    // A spec whose DE11 holds more digits than DE90 has room for.
    let spec = Spec::from_toml_str(
        r#"
name = "wide-stan"
description = "ISO 8583:1987 ASCII with a twelve-digit DE11"

[message]
header_length = 0
mti_encoding = "ascii"
bitmap_encoding = "ascii-hex"

[defaults]
encoding = "ascii"
prefix_encoding = "ascii"

[fields.11]
name = "STAN"
class = "n"
length = 12

[fields.39]
name = "Response code"
class = "an"
length = 2

[fields.90]
name = "Original data elements"
class = "n"
length = 42
"#,
    )
    .unwrap();
    let mut request = Message::new(Mti::FINANCIAL_REQUEST);
    request.set(&spec, 11, "123456789012").unwrap();
    let err = Message::reversal_of(
        &request,
        &spec,
        ReversalReason::no_response(Dialect::Iso8583_1987),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some(11));
    assert_eq!(
        err.kind(),
        EncodeErrorKind::LengthOutOfRange {
            len: 12,
            min: 0,
            max: 6
        }
    );
}

#[test]
fn reverses_a_decoded_request_as_one_built_field_by_field() {
    let spec = spec();
    let built = sale(spec, Mti::FINANCIAL_REQUEST);
    let decoded = Message::decode(spec, bytes::Bytes::from(wire(&built, spec))).unwrap();
    let reason = ReversalReason::new(*b"17", true);
    let from_built = Message::reversal_of(&built, spec, reason).unwrap();
    let from_decoded = Message::reversal_of(&decoded, spec, reason).unwrap();
    assert_eq!(from_decoded, from_built);
    assert_eq!(wire(&from_decoded, spec), wire(&from_built, spec));
    let bytes = wire(&from_decoded, spec);
    let view = MessageView::decode(spec, &bytes).unwrap();
    assert_eq!(view.mti(), Mti::REVERSAL_ADVICE);
    assert_eq!(text(&view, 39).as_deref(), Some("17"));
}
