//! Every MTI predicate checked on every MTI against rules written out here as tables, apart
//! from the code under test; and the modules that read MTIs (response taxonomy, matching,
//! reversal builder) checked to agree with the predicates.
//!
//! The tables restate the digit values of ISO 8583:1987, 1993 and 2003 (see the documentation
//! of `Mti` for the sources): function 0 request, 1 request response, 2 advice, 3 advice
//! response, 4 notification, 5 notification acknowledgement, 6 instruction, 7 instruction
//! acknowledgement, 8 and 9 reserved; origin 0 acquirer, 1 acquirer repeat, 2 issuer, 3 issuer
//! repeat, 4 other, 5 other repeat, 6–9 reserved; class 4 reversal (acquirer) or chargeback
//! (issuer).
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::response::{classify, Dialect, Tally};
use iso8583_wire::{Message, Mti, ReversalReason, Spec};

/// What a function digit says: (opens an exchange, answers one, advice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Function {
    request: bool,
    response: bool,
    advice: bool,
}

const fn f(request: bool, response: bool, advice: bool) -> Function {
    Function {
        request,
        response,
        advice,
    }
}

/// The function digit, 0 to 9.
const FUNCTIONS: [Function; 10] = [
    f(true, false, false),  // 0 request
    f(false, true, false),  // 1 request response
    f(true, false, true),   // 2 advice
    f(false, true, true),   // 3 advice response
    f(true, false, false),  // 4 notification
    f(false, true, false),  // 5 notification acknowledgement
    f(true, false, false),  // 6 instruction (2003)
    f(false, true, false),  // 7 instruction acknowledgement (2003)
    f(false, false, false), // 8 reserved
    f(false, false, false), // 9 reserved
];

/// Who sent a message, by its origin digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Party {
    Acquirer,
    Issuer,
    Other,
    Reserved,
}

/// What an origin digit says: (party, repeat, origin of its repeat, origin of its answer).
const ORIGINS: [(Party, bool, u8, u8); 10] = [
    (Party::Acquirer, false, 1, 0),
    (Party::Acquirer, true, 1, 0),
    (Party::Issuer, false, 3, 2),
    (Party::Issuer, true, 3, 2),
    (Party::Other, false, 5, 4),
    (Party::Other, true, 5, 4),
    (Party::Reserved, false, 6, 6),
    (Party::Reserved, false, 7, 7),
    (Party::Reserved, false, 8, 8),
    (Party::Reserved, false, 9, 9),
];

/// The class of reversals and chargebacks.
const REVERSAL_CLASS: u8 = 4;

/// What the tables say about one MTI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expected {
    request: bool,
    response: bool,
    advice: bool,
    reversal: bool,
    chargeback: bool,
    repeat: bool,
    repeat_mti: [u8; 4],
    response_mti: Option<[u8; 4]>,
}

fn expected(digits: [u8; 4]) -> Expected {
    let [version, class, function, origin] = digits;
    let func = FUNCTIONS[usize::from(function)];
    let (party, repeat, repeat_origin, answer_origin) = ORIGINS[usize::from(origin)];
    let text = |d: [u8; 4]| d.map(|x| b'0' + x);
    Expected {
        request: func.request,
        response: func.response,
        advice: func.advice,
        reversal: class == REVERSAL_CLASS && party == Party::Acquirer,
        chargeback: class == REVERSAL_CLASS && party == Party::Issuer,
        repeat,
        repeat_mti: text([version, class, function, repeat_origin]),
        response_mti: func
            .request
            .then(|| text([version, class, function + 1, answer_origin])),
    }
}

fn actual(mti: Mti) -> Expected {
    Expected {
        request: mti.is_request(),
        response: mti.is_response(),
        advice: mti.is_advice(),
        reversal: mti.is_reversal(),
        chargeback: mti.is_chargeback(),
        repeat: mti.is_repeat(),
        repeat_mti: *mti.repeat().as_bytes(),
        response_mti: mti.response().map(|m| *m.as_bytes()),
    }
}

/// Every four-digit MTI, as digits 0–9.
fn every_mti() -> impl Iterator<Item = [u8; 4]> {
    (0..10_000u16).map(|n| {
        let d = |k: u16| u8::try_from(n / k % 10).unwrap();
        [d(1000), d(100), d(10), d(1)]
    })
}

fn mti(digits: [u8; 4]) -> Mti {
    Mti::new(digits.map(|x| b'0' + x)).unwrap()
}

#[test]
fn every_predicate_follows_the_digit_tables_on_every_mti() {
    // Versions 0, 1 and 2 are ISO 8583:1987, 1993 and 2003; the others are reserved, national
    // or private, and the predicates read their last three digits the same way.
    for digits in every_mti() {
        let m = mti(digits);
        assert_eq!(actual(m), expected(digits), "{m}");
        assert_eq!(
            [m.version(), m.class(), m.function(), m.origin()],
            digits,
            "{m}"
        );
        // What the digit tables imply, said once more as relations.
        assert!(!(m.is_request() && m.is_response()), "{m}");
        assert!(!(m.is_reversal() && m.is_chargeback()), "{m}");
        if let Some(answer) = m.response() {
            assert!(
                answer.is_response() && !answer.is_repeat(),
                "{m} → {answer}"
            );
            assert_eq!(answer.is_advice(), m.is_advice(), "{m} → {answer}");
            assert_eq!(answer.is_reversal(), m.is_reversal(), "{m} → {answer}");
            assert_eq!(answer.is_chargeback(), m.is_chargeback(), "{m} → {answer}");
        }
        if m.origin() <= 5 {
            assert!(m.repeat().is_repeat(), "{m}");
        }
        assert_eq!(m.repeat().repeat(), m.repeat(), "{m}");
    }
}

/// (MTI, request, response, advice, reversal, chargeback, repeat, answer's MTI).
type Spot = (
    &'static str,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    Option<&'static str>,
);

#[rustfmt::skip]
const SPOTS: [Spot; 23] = [
    // MTI     req    resp   advice rev    cb     repeat answer
    ("0100", true,  false, false, false, false, false, Some("0110")), // authorization request
    ("0110", false, true,  false, false, false, false, None),         // its response
    ("0120", true,  false, true,  false, false, false, Some("0130")), // authorization advice
    ("0130", false, true,  true,  false, false, false, None),         // advice response
    ("0200", true,  false, false, false, false, false, Some("0210")), // financial request
    ("0210", false, true,  false, false, false, false, None),
    ("0400", true,  false, false, true,  false, false, Some("0410")), // reversal request
    ("0401", true,  false, false, true,  false, true,  Some("0410")), // its repeat
    ("0410", false, true,  false, true,  false, false, None),
    ("0420", true,  false, true,  true,  false, false, Some("0430")), // reversal advice
    ("0421", true,  false, true,  true,  false, true,  Some("0430")),
    ("0430", false, true,  true,  true,  false, false, None),
    ("0422", true,  false, true,  false, true,  false, Some("0432")), // chargeback advice
    ("0423", true,  false, true,  false, true,  true,  Some("0432")),
    ("0432", false, true,  true,  false, true,  false, None),
    ("1420", true,  false, true,  true,  false, false, Some("1430")), // 1993 reversal advice
    ("1430", false, true,  true,  true,  false, false, None),
    ("2420", true,  false, true,  true,  false, false, Some("2430")), // 2003 reversal advice
    ("0800", true,  false, false, false, false, false, Some("0810")), // network management
    ("0810", false, true,  false, false, false, false, None),
    ("0820", true,  false, true,  false, false, false, Some("0830")), // network advice
    ("1804", true,  false, false, false, false, false, Some("1814")), // 1993 notification
    ("1814", false, true,  false, false, false, false, None),         // its acknowledgement
];

#[test]
fn named_mtis_have_their_documented_meaning() {
    for (text, request, response, advice, reversal, chargeback, repeat, answer) in SPOTS {
        let m = Mti::from_text(text).unwrap();
        let got = (
            m.is_request(),
            m.is_response(),
            m.is_advice(),
            m.is_reversal(),
            m.is_chargeback(),
            m.is_repeat(),
            m.response().map(|a| a.to_string()),
        );
        let want = (
            request,
            response,
            advice,
            reversal,
            chargeback,
            repeat,
            answer.map(str::to_owned),
        );
        assert_eq!(got, want, "{text}");
    }
    assert!(Mti::from_text("0190").is_some_and(|m| !m.is_request() && !m.is_response()));
    assert!(Mti::from_text("0180").is_some_and(|m| m.response().is_none()));
    assert!(Mti::from_text("0424").is_some_and(|m| !m.is_reversal() && !m.is_chargeback()));
}

#[test]
fn response_taxonomy_reads_the_predicates_in_ascii_and_bcd() {
    // China UnionPay defines reversal reasons, so field 39 of a reversal it sends is a reason.
    for digits in every_mti() {
        let m = mti(digits);
        let want = m.is_reversal() && m.is_request();
        let bcd = [digits[0] << 4 | digits[1], digits[2] << 4 | digits[3]];
        for wire in [&m.as_bytes()[..], &bcd[..]] {
            let d = classify(Dialect::ChinaUnionPay, Some(wire), b"98");
            assert_eq!(d.is_reversal_reason(), want, "{m} as {wire:02X?}");
            let mut tally = Tally::new();
            tally.record_no_field_39(Some(wire));
            assert_eq!(
                tally.responses_without_field_39() == 1,
                m.is_response(),
                "{m} as {wire:02X?}"
            );
        }
    }
}

#[test]
fn response_taxonomy_takes_bytes_that_are_no_mti_as_neither() {
    let mut tally = Tally::new();
    let mut count = 0u64;
    let mut check = |wire: &[u8]| {
        let d = classify(Dialect::ChinaUnionPay, Some(wire), b"98");
        assert!(!d.is_reversal_reason(), "{wire:02X?}");
        tally.record_no_field_39(Some(wire));
        count += 1;
    };
    // Every two-byte value with a nibble above 9: none is a BCD MTI.
    for x in 0..=u16::MAX {
        let [a, b] = x.to_be_bytes();
        if [a >> 4, a & 0xF, b >> 4, b & 0xF].iter().any(|&n| n > 9) {
            check(&[a, b]);
        }
    }
    // Four bytes with one that is not an ASCII digit, and other lengths.
    for bad in 0..=u8::MAX {
        if !bad.is_ascii_digit() {
            for at in 0..4 {
                let mut wire = *b"0400";
                wire[at] = bad;
                check(&wire);
            }
        }
    }
    for wire in [&b""[..], b"0", b"040", b"04000", &[0x04, 0x00, 0x00]] {
        check(wire);
    }
    assert_eq!(tally.responses_without_field_39(), 0);
    assert_eq!(tally.messages(), count);
}

#[test]
fn reversal_builder_agrees_with_the_predicates() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let reason = ReversalReason::no_response(Dialect::Iso8583_1987);
    for digits in every_mti().filter(|d| d[0] <= 2) {
        let m = mti(digits);
        let mut request = Message::new(m);
        request.set(spec, 11, "000001").unwrap();
        match Message::reversal_of(&request, spec, reason) {
            Ok(reversal) => {
                let r = reversal.mti();
                assert!(m.is_request() && m.class() != 4, "{m} was reversed");
                assert!(
                    r.is_reversal() && r.is_request() && !r.is_repeat(),
                    "{m} → {r}"
                );
                assert_eq!(r.version(), m.version(), "{m} → {r}");
            }
            Err(_) => assert!(!m.is_request() || m.class() == 4, "{m} was refused"),
        }
    }
}

#[cfg(feature = "net")]
#[test]
fn matching_pairs_every_request_with_its_answer_and_keeps_reversals_apart() {
    use iso8583_wire::net::matching::mti_class;
    for digits in every_mti() {
        let m = mti(digits);
        if let Some(answer) = m.response() {
            assert_eq!(mti_class(answer), mti_class(m), "{m} → {answer}");
            assert_eq!(mti_class(m.repeat()), mti_class(m), "{m}");
        }
        if m.is_reversal() {
            let other = mti([digits[0], 2, digits[2], digits[3]]);
            assert_ne!(mti_class(m), mti_class(other), "{m}");
        }
    }
}
