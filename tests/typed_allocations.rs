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
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // During thread teardown the counter may be gone; those allocations are not measured.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

struct Counting;

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

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
