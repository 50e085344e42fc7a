//! Wall-clock benchmarks of the JSON form on the reference 0200 (`vectors/README.md` in the
//! shared test vectors), decoded with `iso8583-1987-ascii`.
//!
//! Run: `cargo bench --bench json -- --warm-up-time 1 --measurement-time 3 --noplot`.
//!
//! Cases:
//! - `serialise_masked`: the decoded view to a JSON string, masked (`view.json().to_string()`
//!   writes the same through `serde_json::to_string`);
//! - `serialise_clear`: the same in clear text;
//! - `from_json`: `Message::from_json` of the clear JSON text, every value checked against
//!   the spec.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iso8583_wire::{Message, MessageView, Spec};
use std::hint::black_box;

/// The reference 0200 (164 bytes).
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

fn json(c: &mut Criterion) {
    let spec = Spec::builtin("iso8583-1987-ascii").unwrap();
    let view = MessageView::decode(spec, REQ_0200).unwrap();
    let clear = serde_json::to_string(&view.json().clear()).unwrap();
    // What is read back is the message itself.
    let back = Message::from_json(spec, &clear).unwrap();
    assert_eq!(back.to_vec(spec).unwrap(), REQ_0200);

    let mut g = c.benchmark_group("json_0200");
    g.throughput(Throughput::Elements(1));
    g.bench_function("serialise_masked", |b| {
        b.iter(|| serde_json::to_string(black_box(&view)).unwrap());
    });
    g.bench_function("serialise_clear", |b| {
        b.iter(|| serde_json::to_string(&black_box(&view).json().clear()).unwrap());
    });
    g.bench_function("from_json", |b| {
        b.iter(|| Message::from_json(spec, black_box(clear.as_str())).unwrap());
    });
    g.finish();
}

criterion_group!(benches, json);
criterion_main!(benches);
