//! Wall-clock cost of typed messages on the reference 0200 (ISO 8583:1987 ASCII, 14 fields,
//! 164 bytes), beside the untyped operations they are measured against.
//!
//! Run: `cargo bench --bench typed -- --warm-up-time 1 --measurement-time 3 --noplot`.
//!
//! - `decode_read_bytes`: `MessageView::decode`, then every field's bytes read in order (the
//!   `compare` bench's `decode_read_all`);
//! - `typed_decode`: the same decode, then the 14 fields read into a struct borrowing them
//!   (`typed::from_view`);
//! - `encode`: a message built field by field, encoded into a reused `Vec<u8>`;
//! - `typed_encode`: the struct written into a message (`typed::to_message`) and encoded into
//!   a reused `Vec<u8>`.
//!
//! The instruction counts of the same operations are gated by `benches/icount.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use financial::Financial;
use iso8583_wire::{typed, Message, MessageView, Spec};
use std::hint::black_box;

#[path = "shared/financial.rs"]
mod financial;

/// The reference 0200 (164 bytes).
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn typed_benches(c: &mut Criterion) {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let view = MessageView::decode(spec, REQ_0200).unwrap();
    let mut value: Financial<'_> = typed::from_view(&view).unwrap();
    value.mti = "0200";
    let built = typed::to_message(&value, spec).unwrap();
    assert_eq!(built.to_vec(spec).unwrap(), REQ_0200);
    let mut message = Message::new(view.mti());
    for f in view.fields() {
        message.set(spec, f.number(), f.as_bytes()).unwrap();
    }
    let mut out = Vec::with_capacity(512);

    let mut g = c.benchmark_group("typed_0200");
    g.throughput(Throughput::Bytes(REQ_0200.len() as u64));
    g.bench_function("decode_read_bytes", |b| {
        b.iter(|| {
            let v = MessageView::decode(spec, black_box(REQ_0200)).unwrap();
            v.fields()
                .map(|f| black_box(f.as_bytes()).len())
                .sum::<usize>()
        });
    });
    g.bench_function("typed_decode", |b| {
        b.iter(|| {
            let v = MessageView::decode(spec, black_box(REQ_0200)).unwrap();
            let t: Financial<'_> = typed::from_view(&v).unwrap();
            black_box(&t).total_len()
        });
    });
    g.bench_function("encode", |b| {
        b.iter(|| {
            out.clear();
            black_box(&message).encode(spec, &mut out).unwrap();
            out.len()
        });
    });
    g.bench_function("typed_encode", |b| {
        b.iter(|| {
            out.clear();
            let m = typed::to_message(black_box(&value), spec).unwrap();
            m.encode(spec, &mut out).unwrap();
            out.len()
        });
    });
    g.bench_function("typed_encode_wire", |b| {
        b.iter(|| {
            out.clear();
            typed::encode(black_box(&value), spec, &mut out).unwrap();
            out.len()
        });
    });
    g.finish();
}

criterion_group!(benches, typed_benches);
criterion_main!(benches);
