//! The two reference messages (`vectors/README.md`: the 0200 request and the 0210 response)
//! decode with the built-in `iso8583-1987-ascii` spec to exactly the listed fields and encode
//! back to the same bytes.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use bytes::Bytes;
use iso8583_wire::{Message, MessageView, Mti, Spec};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
const RESP: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

const REQ_FIELDS: &[(u16, &str)] = &[
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

fn resp_fields() -> Vec<(u16, &'static str)> {
    let mut f = REQ_FIELDS.to_vec();
    f.extend([(38, "ABC123"), (39, "96")]);
    f.sort_unstable();
    f
}

fn spec() -> &'static Spec {
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

fn decodes_exactly(wire: &[u8], mti: &str, bitmap: &str, expected: &[(u16, &str)]) {
    assert_eq!(wire.len(), if mti == "0200" { 164 } else { 172 });
    let v = MessageView::decode(spec(), wire).unwrap();
    assert_eq!(v.mti().as_str(), mti);
    assert_eq!(v.bitmap().to_string(), bitmap);
    assert!(v.header().is_empty());
    let got: Vec<(u16, String)> = v.fields().map(|f| (f.number(), f.to_text())).collect();
    let want: Vec<(u16, String)> = expected
        .iter()
        .map(|(n, s)| (*n, (*s).to_owned()))
        .collect();
    assert_eq!(got, want);
    for (n, text) in expected {
        let f = v.field(*n).unwrap();
        assert_eq!(f.as_str().unwrap(), *text, "DE{n}");
        assert_eq!(f.as_bytes(), text.as_bytes(), "DE{n}");
        assert_eq!(f.len(), text.len(), "DE{n}");
        let mut buf = [0u8; 64];
        assert_eq!(f.text_into(&mut buf).unwrap(), *text, "DE{n}");
        if text.bytes().all(|c| c.is_ascii_digit()) {
            assert_eq!(f.to_u64().unwrap(), text.parse::<u64>().unwrap(), "DE{n}");
        }
    }
    // Nothing else is present.
    for n in 2..=192 {
        assert_eq!(v.has(n), expected.iter().any(|(k, _)| *k == n), "DE{n}");
    }
}

#[test]
fn decodes_reference_0200_to_listed_fields() {
    decodes_exactly(REQ, "0200", "7238048028C08000", REQ_FIELDS);
}

#[test]
fn decodes_reference_0210_to_listed_fields() {
    decodes_exactly(RESP, "0210", "723804802EC08000", &resp_fields());
}

#[test]
fn round_trips_reference_messages_byte_identically() {
    for wire in [REQ, RESP] {
        let v = MessageView::decode(spec(), wire).unwrap();
        let m = Message::from_view(&v);
        assert_eq!(m.encoded_len(spec()).unwrap(), wire.len());
        assert_eq!(m.to_vec(spec()).unwrap(), wire);
        let mut reused = Vec::with_capacity(256);
        m.encode(spec(), &mut reused).unwrap();
        assert_eq!(reused, wire);
        let shared = Message::decode(spec(), Bytes::from_static(wire)).unwrap();
        assert_eq!(shared, m);
    }
}

/// The request built field by field from its text values encodes to the reference bytes, and
/// the response built from it (echoing every field, adding 38 and 39) to the reference 0210.
#[test]
fn round_trips_reference_messages_built_from_text() {
    let mut req = Message::new(Mti::FINANCIAL_REQUEST);
    for (n, text) in REQ_FIELDS {
        req.set(spec(), *n, text).unwrap();
    }
    assert_eq!(req.to_vec(spec()).unwrap(), REQ);
    let numbers: Vec<u16> = req.numbers().collect();
    let mut resp = req.response(&numbers).unwrap();
    resp.set(spec(), 38, "ABC123").unwrap();
    resp.set(spec(), 39, "96").unwrap();
    assert_eq!(resp.mti(), Mti::FINANCIAL_RESPONSE);
    assert_eq!(resp.to_vec(spec()).unwrap(), RESP);
}
