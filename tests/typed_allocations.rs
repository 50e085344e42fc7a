//! Reading the reference 0200 into a struct that borrows its 14 fields allocates nothing.
//!
//! Allocations are counted per thread by a global allocator that wraps the system one (as in
//! `tests/allocations.rs`). The library itself forbids `unsafe`; this test needs it for
//! `GlobalAlloc` only. One test in this binary, so that nothing else runs beside it.
#![allow(unsafe_code)]
// A test stops at its first failure: unwrapping and panicking are how it says so.
#![allow(clippy::unwrap_used, clippy::panic)]

use iso8583_wire::typed::from_view;
use iso8583_wire::{MessageView, Spec};
use serde::Deserialize;
use std::hint::black_box;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

/// The reference 0200, every member borrowed from the input.
#[derive(Deserialize)]
struct Financial<'a> {
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
    #[serde(rename = "41")]
    terminal: &'a str,
    #[serde(rename = "42")]
    merchant: &'a str,
    #[serde(rename = "49")]
    currency: &'a str,
}

impl Financial<'_> {
    fn total_len(&self) -> usize {
        [
            self.pan,
            self.processing_code,
            self.amount,
            self.transmitted,
            self.stan,
            self.local_time,
            self.local_date,
            self.entry_mode,
            self.condition,
            self.track2,
            self.rrn,
            self.terminal,
            self.merchant,
            self.currency,
        ]
        .iter()
        .map(|s| s.len())
        .sum()
    }
}

#[test]
fn typed_decode_of_the_reference_0200_allocates_nothing() {
    assert_eq!(
        allocations(|| drop(black_box(Vec::<u8>::with_capacity(10)))),
        1
    );
    // Parsed once; the first call allocates.
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let mut total = 0;
    let count = allocations(|| {
        for _ in 0..100 {
            let view = MessageView::decode(spec, black_box(REQ)).unwrap();
            let typed: Financial<'_> = from_view(&view).unwrap();
            total += black_box(&typed).total_len();
        }
    });
    assert_eq!(count, 0);
    // The fields' text: the message less its MTI, bitmap and two LL prefixes.
    assert_eq!(total, 100 * (REQ.len() - 4 - 16 - 4));
}
