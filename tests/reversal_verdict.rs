//! The verdict on an answer to a reversal, for each dialect: accepted (done, or nothing left to
//! undo), retry later, or a person must look.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use iso8583_wire::response::{reversal_verdict, Dialect, ReversalVerdict};
use iso8583_wire::Mti;

use Dialect::{
    ChinaUnionPay as Cup, Iso8583_1987 as Iso87, Iso8583_1993 as Iso93, Mastercard as Mc, Visa,
};
use ReversalVerdict::{Accepted, NeedsPerson, RetryLater};

/// (dialect, answer MTI, DE39, verdict, why).
const CASES: &[(Dialect, &str, &str, ReversalVerdict, &str)] = &[
    // ISO 8583:1987.
    (Iso87, "0410", "00", Accepted, "approved"),
    (Iso87, "0430", "00", Accepted, "advice acknowledged"),
    (
        Iso87,
        "0410",
        "25",
        Accepted,
        "original not on file: nothing to undo",
    ),
    (Iso87, "0410", "94", Accepted, "duplicate: already reversed"),
    (
        Iso87,
        "0410",
        "91",
        RetryLater,
        "issuer or switch inoperative",
    ),
    (Iso87, "0410", "96", RetryLater, "system malfunction"),
    (Iso87, "0410", "68", RetryLater, "response too late"),
    (Iso87, "0410", "06", RetryLater, "error, retry later"),
    (
        Iso87,
        "0410",
        "22",
        RetryLater,
        "suspected malfunction, after sign-on",
    ),
    (Iso87, "0410", "30", NeedsPerson, "format error to fix"),
    (Iso87, "0410", "12", NeedsPerson, "invalid transaction"),
    (Iso87, "0410", "05", NeedsPerson, "do not honour"),
    (
        Iso87,
        "0410",
        "98",
        NeedsPerson,
        "national use: unknown here",
    ),
    (Iso87, "0410", "Q9", NeedsPerson, "not in the table"),
    // ISO 8583:1993 action codes.
    (Iso93, "1410", "400", Accepted, "reversal accepted"),
    (Iso93, "1410", "000", Accepted, "approved"),
    (Iso93, "1430", "900", Accepted, "advice acknowledged"),
    (Iso93, "1410", "914", Accepted, "original not found"),
    (Iso93, "1410", "913", Accepted, "duplicate transmission"),
    (Iso93, "1410", "601", Accepted, "cannot trace the original"),
    (Iso93, "1410", "911", RetryLater, "issuer timed out"),
    (Iso93, "1410", "909", RetryLater, "system malfunction"),
    (
        Iso93,
        "1410",
        "907",
        RetryLater,
        "issuer or switch inoperative",
    ),
    (
        Iso93,
        "1410",
        "916",
        RetryLater,
        "MAC incorrect, after sign-on",
    ),
    (Iso93, "1410", "904", NeedsPerson, "format error"),
    (Iso93, "1410", "100", NeedsPerson, "do not honour"),
    (Iso93, "1410", "999", NeedsPerson, "not in the table"),
    // China UnionPay.
    (Cup, "0410", "00", Accepted, "approved"),
    (
        Cup,
        "0410",
        "25",
        Accepted,
        "original transaction not found",
    ),
    (Cup, "0410", "94", Accepted, "duplicate transaction"),
    (Cup, "0410", "98", RetryLater, "no answer from the issuer"),
    (Cup, "0410", "96", RetryLater, "centre malfunction"),
    (Cup, "0410", "91", RetryLater, "issuer inoperative"),
    (Cup, "0410", "A0", RetryLater, "MAC failed, after sign-on"),
    (Cup, "0410", "90", RetryLater, "day cut-over"),
    (
        Cup,
        "0410",
        "12",
        NeedsPerson,
        "invalid related transaction",
    ),
    (Cup, "0410", "30", NeedsPerson, "format error"),
    (Cup, "0410", "97", NeedsPerson, "terminal not registered"),
    (Cup, "0410", "04", NeedsPerson, "pick up card"),
    // Visa: its own codes, then ISO 8583:1987 for the rest.
    (Visa, "0410", "00", Accepted, "approved"),
    (Visa, "0410", "76", Accepted, "reversal: original not found"),
    (Visa, "0410", "79", Accepted, "already reversed"),
    (Visa, "0410", "84", Accepted, "duplicate transaction"),
    (Visa, "0410", "25", Accepted, "ISO: record not on file"),
    (Visa, "0410", "91", RetryLater, "stand-in not available"),
    (Visa, "0410", "96", RetryLater, "ISO: system malfunction"),
    (
        Visa,
        "0410",
        "77",
        NeedsPerson,
        "data inconsistent with the original",
    ),
    (Visa, "0410", "82", NeedsPerson, "negative CVV result"),
    // Mastercard.
    (Mc, "0430", "00", Accepted, "approved"),
    (
        Mc,
        "0410",
        "94",
        Accepted,
        "duplicate transmission detected",
    ),
    (Mc, "0410", "96", RetryLater, "system error"),
    (Mc, "0410", "92", RetryLater, "unable to route"),
    (
        Mc,
        "0410",
        "91",
        RetryLater,
        "platform or issuer inoperative",
    ),
    (
        Mc,
        "0410",
        "84",
        NeedsPerson,
        "invalid authorisation life cycle",
    ),
    (Mc, "0410", "30", NeedsPerson, "format error"),
];

#[test]
fn decides_each_answer_from_the_taxonomy() {
    for &(dialect, mti, code, expected, why) in CASES {
        let mti = Mti::from_text(mti).unwrap();
        assert_eq!(
            reversal_verdict(dialect, mti, code.as_bytes()),
            expected,
            "{dialect} {mti} {code} ({why})"
        );
    }
}

#[test]
fn covers_every_dialect_with_each_verdict() {
    for dialect in Dialect::ALL {
        for verdict in [Accepted, RetryLater, NeedsPerson] {
            assert!(
                CASES.iter().any(|c| c.0 == dialect && c.3 == verdict),
                "{dialect}: no case for {verdict:?}"
            );
        }
    }
}

#[test]
fn needs_a_person_for_an_answer_that_is_not_a_reversal_response() {
    // A request (whose DE39 would be a reason), another class, a chargeback response.
    for mti in ["0400", "0420", "0210", "0810", "0432"] {
        let mti = Mti::from_text(mti).unwrap();
        for code in ["00", "96", "98"] {
            assert_eq!(
                reversal_verdict(Dialect::ChinaUnionPay, mti, code.as_bytes()),
                NeedsPerson,
                "{mti} {code}"
            );
        }
    }
}

#[test]
fn reads_a_repeat_answer_like_the_first() {
    let repeat = Mti::from_text("0431").unwrap();
    assert_eq!(
        reversal_verdict(Dialect::Iso8583_1987, repeat, b"00"),
        Accepted
    );
    assert_eq!(
        reversal_verdict(Dialect::Iso8583_1987, repeat, b"96"),
        RetryLater
    );
}
