//! Wall-clock benchmarks of the network framer on the China UnionPay POS frame (2-byte binary
//! length 0x00A8, TPDU 6000080000, 163-byte BCD 0200; HosseinAssaran/ISO8583-Parser's vector):
//! decoding one frame from a buffer, writing one into a reused buffer, and splitting a capture of
//! 100 frames. None of them allocates.
//!
//! `cargo bench --bench frame -- --warm-up-time 1 --measurement-time 2 --noplot`
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iso8583_wire::frame::{Frame, FrameHeader, Framer, LengthHeader};
use std::hint::black_box;

const UNIONPAY_HEX: &str = "00a8600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn benches(c: &mut Criterion) {
    let wire = unhex(UNIONPAY_HEX);
    let framer = Framer::new(LengthHeader::Binary2).header(FrameHeader::Tpdu);
    let mut group = c.benchmark_group("frame");
    group.throughput(Throughput::Bytes(wire.len() as u64));

    group.bench_function("decode_unionpay", |b| {
        b.iter(|| match framer.decode(black_box(&wire)) {
            Ok(Frame::Complete { payload, .. }) => payload.len(),
            _ => 0,
        });
    });

    let ascii = Framer::new(LengthHeader::Ascii4);
    let mut ascii_wire = Vec::new();
    ascii.encode(&wire[2..], &mut ascii_wire).unwrap();
    group.bench_function("decode_ascii4", |b| {
        b.iter(|| match ascii.decode(black_box(&ascii_wire)) {
            Ok(Frame::Complete { payload, .. }) => payload.len(),
            _ => 0,
        });
    });

    let (tpdu, payload) = (&wire[2..7], &wire[7..]);
    let mut out = BytesMut::with_capacity(1024);
    group.bench_function("encode_unionpay", |b| {
        b.iter(|| {
            out.clear();
            framer
                .encode_with_header(black_box(tpdu), black_box(payload), &mut out)
                .unwrap();
            out.len()
        });
    });

    let capture: Vec<u8> = wire
        .iter()
        .copied()
        .cycle()
        .take(wire.len() * 100)
        .collect();
    group.throughput(Throughput::Bytes(capture.len() as u64));
    group.bench_function("split_all_100", |b| {
        b.iter(|| {
            framer
                .split_all(black_box(&capture))
                .map(|f| f.map_or(0, |f| f.payload().len()))
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(frame, benches);
criterion_main!(frame);
