//! The crate's value types as members of typed messages: each reads itself from its field's
//! text and writes that text back, and a `Pan` writes only through `Pan::clear`.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iso8583_wire::typed::{from_view, to_message, TypedErrorKind};
use iso8583_wire::value::{ClearPan, LocalTime, Pan, PosEntryMode, ProcessingCode, Rrn, Stan};
use iso8583_wire::{MessageView, Spec};
use serde::{Deserialize, Serialize};

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

#[derive(Deserialize)]
struct Read {
    #[serde(rename = "2")]
    pan: Pan,
    #[serde(rename = "3")]
    processing_code: ProcessingCode,
    #[serde(rename = "11")]
    stan: Stan,
    #[serde(rename = "12")]
    time: LocalTime,
    #[serde(rename = "22")]
    entry_mode: PosEntryMode,
    #[serde(rename = "37")]
    rrn: Rrn,
}

#[derive(Serialize)]
struct Write<'a> {
    mti: &'a str,
    #[serde(rename = "2")]
    pan: ClearPan<'a>,
    #[serde(rename = "3")]
    processing_code: ProcessingCode,
    #[serde(rename = "11")]
    stan: Stan,
    #[serde(rename = "12")]
    time: LocalTime,
    #[serde(rename = "22")]
    entry_mode: PosEntryMode,
    #[serde(rename = "37")]
    rrn: Rrn,
}

#[test]
fn round_trips_value_types_as_members() {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let view = MessageView::decode(spec, REQ).unwrap();
    let read: Read = from_view(&view).unwrap();
    assert_eq!(read.pan.clear_text(), "4242424242424242");
    assert_eq!(read.pan.to_string(), "424242******4242");
    assert_eq!(read.stan.get(), 123_456);
    assert_eq!(read.rrn.to_string(), "123456789012");
    let write = Write {
        mti: "0200",
        pan: read.pan.clear(),
        processing_code: read.processing_code,
        stan: read.stan,
        time: read.time,
        entry_mode: read.entry_mode,
        rrn: read.rrn,
    };
    let m = to_message(&write, spec).unwrap();
    for n in [2, 3, 11, 12, 22, 37] {
        assert_eq!(
            m.field(spec, n).unwrap().as_bytes(),
            view.field(n).unwrap().as_bytes(),
            "DE{n}"
        );
    }
}

/// A `Pan` serialises masked, so a struct that writes one as it is gets a masked error, not
/// a message with a masked card number.
#[test]
fn refuses_a_pan_written_masked() {
    #[derive(Serialize)]
    struct Careless {
        mti: &'static str,
        #[serde(rename = "2")]
        pan: Pan,
    }
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let pan: Pan = "4242424242424242".parse().unwrap();
    let err = to_message(&Careless { mti: "0100", pan }, spec).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (&TypedErrorKind::Masked, Some(2))
    );
    assert!(!err.to_string().contains("4242424242424242"), "{err}");
}

/// A value type's own check (a bad Luhn digit) names the element, not the value.
#[test]
fn reports_a_value_types_refusal_without_the_value() {
    #[derive(Debug, Deserialize)]
    struct Card {
        #[serde(rename = "2")]
        _pan: Pan,
    }
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let mut wire = REQ.to_vec();
    // The PAN's last digit, 2 → 3: the Luhn check fails.
    wire[4 + 16 + 2 + 15] = b'3';
    let view = MessageView::decode(spec, &wire).unwrap();
    let err = from_view::<Card>(&view).unwrap_err();
    assert_eq!(err.field(), Some(2));
    assert!(
        matches!(err.kind(), TypedErrorKind::Rejected { .. }),
        "{err}"
    );
    assert!(
        !format!("{err} {err:?}").contains("424242424242424"),
        "{err}"
    );
}
