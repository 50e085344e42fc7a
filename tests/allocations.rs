//! The hot path allocates nothing: decoding the reference 0200 and 0210 and reading every
//! field, and encoding a prebuilt message into a reused buffer.
//!
//! Allocations are counted per thread by a global allocator that wraps the system one. The
//! library itself forbids `unsafe`; this test needs it for `GlobalAlloc` only.
#![allow(unsafe_code)]
// A test stops at its first failure: unwrapping and panicking are how it says so.
#![allow(clippy::unwrap_used, clippy::panic)]

use bytes::Bytes;
use iso8583_wire::spec::{ContentClass, Encoding};
use iso8583_wire::{Message, MessageView, Spec};
use std::hint::black_box;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
const RESP: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

fn spec() -> &'static Spec {
    // Parsed once; the first call allocates.
    Spec::builtin("iso8583-1987-ascii").unwrap()
}

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations(|| drop(black_box(Vec::<u8>::with_capacity(10)))),
        1
    );
    assert_eq!(allocations(|| drop(black_box(format!("{}", 42)))), 1);
}

/// Decodes and reads every field every way; returns the bytes read, so nothing is optimised
/// away.
fn decode_and_read(wire: &[u8]) -> usize {
    let v = MessageView::decode(spec(), black_box(wire)).unwrap();
    let mut total = v.mti().as_str().len();
    for f in v.fields() {
        total += f.as_bytes().len() + f.len();
        total += f.as_str().unwrap().len();
        let mut buf = [0u8; 64];
        total += f.text_into(&mut buf).unwrap().len();
        let numeric = f.spec().class == ContentClass::N && f.spec().encoding == Encoding::Ascii;
        if numeric {
            total += usize::from(f.to_u64().unwrap() % 7 == 0);
        }
    }
    for n in [2, 35, 39, 49] {
        total += v.field(n).map_or(0, |f| f.as_bytes().len());
    }
    total
}

#[test]
fn decoding_and_reading_allocates_nothing() {
    let _ = spec();
    // Read once outside the measure to be sure every field was read.
    assert!(decode_and_read(REQ) > 164);
    for wire in [REQ, RESP] {
        let mut read = 0;
        let n = allocations(|| read = black_box(decode_and_read(wire)));
        assert_eq!(n, 0, "{} bytes read", read);
        assert!(read > wire.len());
    }
}

#[test]
fn encoding_into_a_reused_buffer_allocates_nothing() {
    let _ = spec();
    for wire in [REQ, RESP] {
        let built = Message::from_view(&MessageView::decode(spec(), wire).unwrap());
        let shared = Message::decode(spec(), Bytes::from_static(wire)).unwrap();
        let mut out: Vec<u8> = Vec::with_capacity(512);
        for m in [&built, &shared] {
            let n = allocations(|| {
                for _ in 0..3 {
                    out.clear();
                    m.encode(spec(), black_box(&mut out)).unwrap();
                }
                assert_eq!(m.encoded_len(spec()).unwrap(), wire.len());
            });
            assert_eq!(n, 0);
            assert_eq!(out, wire);
        }
    }
}

/// The UnionPay-style sample of the peer vectors (HosseinAssaran/ISO8583-Parser) without its
/// 2-byte length: TPDU, BCD MTI, binary bitmap, BCD and binary fields, EMV data in DE55.
const CUP_SAMPLE: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

#[test]
fn decoding_the_cup_sample_and_reading_every_field_allocates_nothing() {
    let spec = Spec::builtin("cup-pos-tpdu").unwrap();
    let wire: Vec<u8> = (0..CUP_SAMPLE.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&CUP_SAMPLE[i..i + 2], 16).unwrap())
        .collect();
    let mut texts = 0;
    let mut numbers = [0u16; 16];
    let mut fields = 0;
    let mut amount = [0u8; 12];
    let n = allocations(|| {
        let v = MessageView::decode(spec, black_box(&wire)).unwrap();
        let mut buf = [0u8; 512];
        for f in v.fields() {
            numbers[fields] = f.number();
            fields += 1;
            texts += black_box(f.text_into(&mut buf).unwrap()).len();
        }
        let f = v.get("55.9F02").unwrap().unwrap();
        amount.copy_from_slice(f.text_into(&mut buf).unwrap().as_bytes());
    });
    assert_eq!(n, 0);
    assert_eq!(&amount, b"000000000001");
    // Every field of the bitmap 3038058020C19201 was read.
    assert_eq!(fields, 16);
    assert_eq!(
        numbers,
        [3, 4, 11, 12, 13, 22, 24, 25, 35, 41, 42, 48, 49, 52, 55, 64]
    );
    assert!(texts > wire.len());
}
