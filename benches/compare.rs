//! Side-by-side wall-clock comparison with iso_8583_rs 0.2.2 on the reference 0200 (ISO
//! 8583:1987 ASCII, 14 fields, 164 bytes), in one run with the same build settings.
//!
//! Run: `cargo bench --bench compare -- --warm-up-time 1 --measurement-time 3 --noplot`.
//!
//! What each side does:
//! - `decode`: ours is `MessageView::decode` (MTI, bitmap, every length prefix and length
//!   against the spec, every field's class including `z` track data, no trailing bytes);
//!   theirs is `Message::parse`, its strict mode (structure, minimum lengths, classes `n`, `an`,
//!   `ans`; it does not check `z`, so field 35 goes unchecked there).
//! - `decode_read_all`: the same, then every present field's bytes read in order.
//! - `decode_get_by_number`: the same decode, then the 14 fields read by number (our
//!   `MessageView::field(n)`, their `Message::get(n)`), in a host's order rather than wire order.
//! - `decode_lazy` (theirs only): `Message::parse_lazy`, structure without content checks; ours
//!   has no such mode.
//! - `encode`: a message built field by field (our `Message::set`, their `Builder::set`)
//!   into a reused `Vec<u8>`;
//! - `encode_decoded` (ours only): a `Message` decoded from the reference bytes, whose
//!   unchanged fields are copied from the decoded buffer in runs.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iso8583_wire::{Message, MessageView, Spec};
use iso_8583_rs::Builder;
use reference::REQ_0200;
use shared::their_spec;
use std::hint::black_box;

#[path = "shared/reference.rs"]
mod reference;
mod shared;
#[path = "shared/side_by_side.rs"]
mod side_by_side;

fn compare(c: &mut Criterion) {
    let ours = Spec::builtin("iso8583-1987-ascii").unwrap();
    let theirs = their_spec();

    // Both decode the same fields with the same values.
    let view = MessageView::decode(ours, REQ_0200).unwrap();
    let parsed = iso_8583_rs::Message::parse(&theirs, REQ_0200).unwrap();
    let a: Vec<(u16, &[u8])> = view.fields().map(|f| (f.number(), f.as_bytes())).collect();
    let b: Vec<(u16, &[u8])> = parsed
        .fields()
        .map(|(n, v)| (u16::try_from(n).unwrap(), v))
        .collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 14);

    // Prebuilt messages, each encoding to the reference bytes: ours built field by field, as
    // their builder is, and ours decoded from the reference bytes (its unchanged fields are
    // copied from the decoded buffer).
    let mut message = Message::new(view.mti());
    for f in view.fields() {
        message.set(ours, f.number(), f.as_bytes()).unwrap();
    }
    let decoded = Message::decode(ours, Bytes::from_static(REQ_0200)).unwrap();
    assert_eq!(message, decoded);
    let mut builder = Builder::new(&theirs, &parsed.mti).unwrap();
    for (n, v) in parsed.fields() {
        builder.set(n, v).unwrap();
    }
    let mut out = Vec::with_capacity(512);
    message.encode(ours, &mut out).unwrap();
    assert_eq!(out, REQ_0200);
    out.clear();
    decoded.encode(ours, &mut out).unwrap();
    assert_eq!(out, REQ_0200);
    builder.pack_into(&mut out);
    assert_eq!(out, REQ_0200);

    let mut g = c.benchmark_group("compare-0200");
    g.throughput(Throughput::Bytes(REQ_0200.len() as u64));
    g.bench_function("decode/iso8583-wire", |b| {
        b.iter(|| side_by_side::ours_decode(ours, REQ_0200))
    });
    g.bench_function("decode/iso_8583_rs", |b| {
        b.iter(|| side_by_side::theirs_decode(&theirs, REQ_0200))
    });
    g.bench_function("decode_lazy/iso_8583_rs", |b| {
        b.iter(|| {
            iso_8583_rs::Message::parse_lazy(&theirs, black_box(REQ_0200))
                .map(|m| black_box(&m).mti)
        })
    });
    g.bench_function("decode_read_all/iso8583-wire", |b| {
        b.iter(|| side_by_side::ours_read_all(ours, REQ_0200))
    });
    g.bench_function("decode_read_all/iso_8583_rs", |b| {
        b.iter(|| side_by_side::theirs_read_all(&theirs, REQ_0200))
    });
    g.bench_function("decode_get_by_number/iso8583-wire", |b| {
        b.iter(|| side_by_side::ours_by_number(ours, REQ_0200))
    });
    g.bench_function("decode_get_by_number/iso_8583_rs", |b| {
        b.iter(|| side_by_side::theirs_by_number(&theirs, REQ_0200))
    });
    g.bench_function("encode/iso8583-wire", |b| {
        b.iter(|| {
            out.clear();
            black_box(&message).encode(ours, &mut out).unwrap();
            black_box(out.len())
        })
    });
    g.bench_function("encode_decoded/iso8583-wire", |b| {
        b.iter(|| {
            out.clear();
            black_box(&decoded).encode(ours, &mut out).unwrap();
            black_box(out.len())
        })
    });
    g.bench_function("encode/iso_8583_rs", |b| {
        b.iter(|| {
            black_box(&builder).pack_into(&mut out);
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
