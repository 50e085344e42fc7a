//! Wall-clock benchmarks of the codec on the reference messages (`vectors/README.md` in the
//! shared test vectors): the ISO 8583:1987 ASCII 0200 and 0210, the same field values in the
//! 1987 binary/BCD form, and the same values in the 1993 ASCII layout (padded to its lengths).
//!
//! Run: `cargo bench --bench codec -- --warm-up-time 1 --measurement-time 2 --noplot`.
//!
//! Cases per message:
//! - `decode`: `MessageView::decode` with full validation (lengths, classes, no trailing bytes);
//! - `decode_read_all`: the same, then every field's text copied into a stack buffer;
//! - `encode`: a prebuilt `Message` into a reused `Vec<u8>`, cleared each iteration;
//! - `message_decode`: `Message::decode` from `Bytes` (owned fields sharing the buffer).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iso8583_wire::{Message, MessageView, Mti, Spec};
use reference::REQ_0200;
use std::hint::black_box;

#[path = "shared/reference.rs"]
mod reference;

/// The reference 0210 (172 bytes): the 0200's fields plus 38 and 39.
const RESP_0210: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

/// Decodes every field's text into a stack buffer and returns the total length, so that no
/// read can be optimised away.
#[inline]
fn read_all(view: &MessageView<'_>) -> usize {
    let mut buf = [0u8; 256];
    let mut total = 0;
    for fv in view.fields() {
        let text = fv.text_into(&mut buf).unwrap();
        total += black_box(text).len();
    }
    total
}

/// The same field values as `ascii` (read from its ASCII decode), set into a message of
/// `spec` and encoded once: the reference message in another layout. A field whose format
/// there cannot hold the same text (the 2003 binary DE22, say) is left out; the 1987 binary
/// and 1993 ASCII forms keep them all.
fn convert(ascii: &[u8], spec: &Spec) -> Vec<u8> {
    let from = Spec::builtin("iso8583-1987-ascii").unwrap();
    let view = MessageView::decode(from, ascii).unwrap();
    let mut m = Message::new(Mti::from_text(view.mti().as_str()).unwrap());
    m.set_header(vec![0u8; spec.layout().header_length]);
    let mut kept = 0;
    for fv in view.fields() {
        kept += usize::from(m.set(spec, fv.number(), fv.as_bytes()).is_ok());
    }
    if spec.name() == "iso8583-1987-binary" || spec.name() == "iso8583-1993-ascii" {
        assert_eq!(kept, view.fields().count(), "{}", spec.name());
    }
    let wire = m.to_vec(spec).unwrap();
    // The converted form carries the fields that were set.
    let back = MessageView::decode(spec, &wire).unwrap();
    assert_eq!(back.fields().count(), kept);
    wire
}

fn bench_message(c: &mut Criterion, group_name: &str, spec: &'static Spec, wire: &[u8]) {
    let message = Message::decode(spec, Bytes::copy_from_slice(wire)).unwrap();
    let mut out = Vec::with_capacity(512);
    message.encode(spec, &mut out).unwrap();
    assert_eq!(out, wire, "{group_name}: encode(decode(x)) == x");
    let shared = Bytes::copy_from_slice(wire);

    let mut g = c.benchmark_group(group_name);
    g.throughput(Throughput::Bytes(wire.len() as u64));
    g.bench_function(BenchmarkId::from_parameter("decode"), |b| {
        b.iter(|| MessageView::decode(spec, black_box(wire)).map(|v| black_box(v).mti()))
    });
    g.bench_function(BenchmarkId::from_parameter("decode_read_all"), |b| {
        b.iter(|| {
            let view = MessageView::decode(spec, black_box(wire)).unwrap();
            read_all(&view)
        })
    });
    g.bench_function(BenchmarkId::from_parameter("encode"), |b| {
        b.iter(|| {
            out.clear();
            black_box(&message).encode(spec, &mut out).unwrap();
            black_box(out.len())
        })
    });
    g.bench_function(BenchmarkId::from_parameter("message_decode"), |b| {
        b.iter(|| Message::decode(spec, black_box(shared.clone())).unwrap())
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let ascii = Spec::builtin("iso8583-1987-ascii").unwrap();
    let binary = Spec::builtin("iso8583-1987-binary").unwrap();
    let ascii93 = Spec::builtin("iso8583-1993-ascii").unwrap();

    bench_message(c, "0200/ascii", ascii, REQ_0200);
    bench_message(c, "0210/ascii", ascii, RESP_0210);

    let bin_0200 = convert(REQ_0200, binary);
    let bin_0210 = convert(RESP_0210, binary);
    bench_message(c, "0200/binary", binary, &bin_0200);
    bench_message(c, "0210/binary", binary, &bin_0210);

    let a93_0200 = convert(REQ_0200, ascii93);
    bench_message(c, "0200/ascii-1993", ascii93, &a93_0200);

    // The other built-in dialects, each with the reference field values in its own layout.
    for name in [
        "iso8583-1993-binary",
        "iso8583-2003-binary",
        "cup-pos",
        "visa-base1",
        "mastercard-cis",
    ] {
        let spec = Spec::builtin(name).unwrap();
        bench_message(c, &format!("0200/{name}"), spec, &convert(REQ_0200, spec));
    }

    // The UnionPay-style sample as terminals send it (without its 2-byte frame length).
    let cup = Spec::builtin("cup-pos-tpdu").unwrap();
    bench_message(c, "0200/cup-pos-tpdu-sample", cup, &unhex(CUP_SAMPLE));
}

/// The UnionPay-style POS sample of `specs/samples/cup-pos-tpdu-0200.hex`, without its
/// 2-byte frame length: TPDU, BCD MTI, binary bitmap, BCD fields, track 2, DE48, DE52, DE55
/// EMV data and DE64.
const CUP_SAMPLE: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

criterion_group!(codec, benches);
criterion_main!(codec);
