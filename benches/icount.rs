//! Instruction-count benchmark: the operations of the criterion benches, each run a fixed
//! number of times inside its own `#[inline(never)]` function (`icount_<op>`), so that
//! `valgrind --tool=callgrind --toggle-collect='icount::icount_<op>'` counts exactly that
//! operation and nothing of the set-up. `.ci/bench-gate.sh` runs it and compares the counts with
//! `benches/icount-baseline.toml`; see `benches/ICOUNT.md`.
//!
//! - `icount OP` runs operation `OP` [`ITERATIONS`] times (what the gate measures);
//! - `icount --list` prints the operation names and the iteration count;
//! - with no operation (as `cargo bench` runs it) every operation runs once, as a smoke test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use bytes::Bytes;
use financial::Financial;
use iso8583_wire::response::{classify, Dialect};
use iso8583_wire::typed;
use iso8583_wire::{Message, MessageView, Mti, Spec};
use iso_8583_rs::{Builder, CompiledSpec};
use shared::their_spec;
use std::hint::black_box;

#[path = "shared/financial.rs"]
mod financial;
mod shared;

/// How many times `icount OP` runs the operation; the gate divides the count by it.
const ITERATIONS: usize = 1000;

/// The reference 0200 (ISO 8583:1987 ASCII, 14 fields, 164 bytes).
const REQ_0200: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";

/// The reference 0210 (172 bytes): the 0200's fields plus 38 and 39.
const RESP_0210: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";

/// The UnionPay-style sample of the peer vectors (HosseinAssaran/ISO8583-Parser), without its
/// 2-byte length: TPDU, BCD MTI, binary bitmap, BCD and binary fields, EMV data in DE55.
const CUP_SAMPLE_HEX: &str = "600008000002003038058020c1920100000000000000000100275516040011250021000800388362143741176336d28112011861000000000f303131343430323130313132393633302020202020202000321101313131313131313131311002312e312e312e312e31020330022231021532333634000000000000000000335f2a02036482020800950580000000009a032311259c01009f02060000000000011111111111111111";

/// Operation names, in the order the gate reports them.
const OPS: [&str; 18] = [
    "decode_0200",
    "decode_read_all_0200",
    "decode_read_bytes_0200",
    "decode_get_by_number_0200",
    "decode_0210",
    "encode_0200",
    "encode_decoded_0200",
    "decode_binary_0200",
    "decode_cup_sample",
    "classify_response",
    "get_subfield",
    "iso_8583_rs_decode_0200",
    "iso_8583_rs_decode_read_bytes_0200",
    "iso_8583_rs_decode_get_by_number_0200",
    "iso_8583_rs_encode_0200",
    "typed_decode",
    "typed_encode",
    "typed_encode_wire",
];

/// The data elements of the reference 0200, in the order a host reads them by number (the
/// card, the amount and the keys first), not in wire order.
const NUMBERS_0200: [u16; 14] = [2, 4, 11, 41, 3, 7, 12, 13, 22, 25, 35, 37, 42, 49];

/// A message at an address aligned to 64 bytes. Copy loops (`memcpy`, and the text of a field
/// copied out) take more or fewer instructions by the alignment of their source; where a
/// constant lands in the binary depends on the build, so the inputs are copied here to keep
/// the counts the same from one build and checkout to the next.
#[repr(C, align(64))]
struct Aligned {
    bytes: [u8; 256],
    len: usize,
}

impl Aligned {
    fn new(wire: &[u8]) -> Box<Self> {
        let mut a = Box::new(Self {
            bytes: [0; 256],
            len: wire.len(),
        });
        a.bytes[..wire.len()].copy_from_slice(wire);
        a
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A stack buffer for field text, aligned like the inputs.
#[repr(C, align(64))]
struct TextBuf([u8; 512]);

/// Everything the operations read, prepared before any of them is measured.
struct Inputs {
    ascii: &'static Spec,
    binary: &'static Spec,
    cup: &'static Spec,
    req_0200: Box<Aligned>,
    resp_0210: Box<Aligned>,
    binary_0200: Box<Aligned>,
    cup_sample: Box<Aligned>,
    /// The reference 0200 built field by field.
    message_0200: Message,
    /// The reference 0200 decoded (its fields share the decoded buffer).
    decoded_0200: Message,
    out: Vec<u8>,
    /// iso_8583_rs 0.2.2: its spec for the reference fields, and the 0200 in its builder.
    theirs: &'static CompiledSpec,
    their_builder: Builder<'static>,
    /// The reference 0200 read into a struct borrowing its fields (from a leaked copy).
    typed_0200: Financial<'static>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The 0200's field values set into a message of `spec` and encoded once.
fn convert(ascii: &Spec, wire: &[u8], spec: &Spec) -> Vec<u8> {
    let view = MessageView::decode(ascii, wire).unwrap();
    let mut m = Message::new(Mti::from_text(view.mti().as_str()).unwrap());
    for fv in view.fields() {
        m.set(spec, fv.number(), fv.as_bytes()).unwrap();
    }
    let out = m.to_vec(spec).unwrap();
    assert_eq!(
        MessageView::decode(spec, &out).unwrap().fields().count(),
        view.fields().count()
    );
    out
}

impl Inputs {
    fn new() -> Self {
        let ascii = Spec::builtin("iso8583-1987-ascii").unwrap();
        let binary = Spec::builtin("iso8583-1987-binary").unwrap();
        let cup = Spec::builtin("cup-pos-tpdu").unwrap();
        let view = MessageView::decode(ascii, REQ_0200).unwrap();
        let mut message_0200 = Message::new(view.mti());
        for f in view.fields() {
            message_0200.set(ascii, f.number(), f.as_bytes()).unwrap();
        }
        let decoded_0200 = Message::decode(ascii, Bytes::from_static(REQ_0200)).unwrap();
        let mut out = Vec::with_capacity(512);
        for m in [&message_0200, &decoded_0200] {
            out.clear();
            m.encode(ascii, &mut out).unwrap();
            assert_eq!(out, REQ_0200);
        }
        let theirs: &'static CompiledSpec = Box::leak(Box::new(their_spec()));
        let parsed = iso_8583_rs::Message::parse(theirs, REQ_0200).unwrap();
        let mut their_builder = Builder::new(theirs, &parsed.mti).unwrap();
        for (n, v) in parsed.fields() {
            their_builder.set(n, v).unwrap();
        }
        their_builder.pack_into(&mut out);
        assert_eq!(out, REQ_0200);
        let leaked: &'static [u8] = Box::leak(REQ_0200.to_vec().into_boxed_slice());
        let leaked_view = MessageView::decode(ascii, leaked).unwrap();
        let mut typed_0200: Financial<'static> = typed::from_view(&leaked_view).unwrap();
        typed_0200.mti = "0200";
        assert_eq!(
            typed::to_message(&typed_0200, ascii)
                .unwrap()
                .to_vec(ascii)
                .unwrap(),
            REQ_0200
        );
        let mut direct = Vec::new();
        typed::encode(&typed_0200, ascii, &mut direct).unwrap();
        assert_eq!(direct, REQ_0200);
        // Load the response tables before anything is counted.
        for d in Dialect::ALL {
            let _ = classify(d, None, b"00");
        }
        Self {
            ascii,
            binary,
            cup,
            req_0200: Aligned::new(REQ_0200),
            resp_0210: Aligned::new(RESP_0210),
            binary_0200: Aligned::new(&convert(ascii, REQ_0200, binary)),
            cup_sample: Aligned::new(&unhex(CUP_SAMPLE_HEX)),
            message_0200,
            decoded_0200,
            out,
            theirs,
            their_builder,
            typed_0200,
        }
    }
}

/// Every field's text copied into a stack buffer; returns the total length.
#[inline]
fn read_all(view: &MessageView<'_>) -> usize {
    let mut buf = TextBuf([0u8; 512]);
    let mut total = 0;
    for fv in view.fields() {
        total += black_box(fv.text_into(&mut buf.0).unwrap()).len();
    }
    total
}

#[inline(never)]
fn icount_decode_0200(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += black_box(&v).mti().as_bytes().len();
    }
    total
}

#[inline(never)]
fn icount_decode_read_all_0200(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += read_all(&v);
    }
    total
}

/// Decode, then every present field's bytes read in order (the `compare` bench's
/// `decode_read_all`).
#[inline(never)]
fn icount_decode_read_bytes_0200(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += v
            .fields()
            .map(|f| black_box(f.as_bytes()).len())
            .sum::<usize>();
    }
    total
}

/// Decode, then each of the 14 fields read by number (`field(n)`), not in wire order.
#[inline(never)]
fn icount_decode_get_by_number_0200(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        for k in NUMBERS_0200 {
            total += black_box(v.field(black_box(k)).unwrap().as_bytes()).len();
        }
    }
    total
}

#[inline(never)]
fn icount_decode_0210(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += black_box(&v).mti().as_bytes().len();
    }
    total
}

#[inline(never)]
fn icount_encode_0200(spec: &Spec, m: &Message, out: &mut Vec<u8>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        out.clear();
        black_box(m).encode(spec, &mut *out).unwrap();
        total += black_box(out.len());
    }
    total
}

/// As `icount_encode_0200`, for the message decoded from the reference bytes.
#[inline(never)]
fn icount_encode_decoded_0200(spec: &Spec, m: &Message, out: &mut Vec<u8>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        out.clear();
        black_box(m).encode(spec, &mut *out).unwrap();
        total += black_box(out.len());
    }
    total
}

#[inline(never)]
fn icount_decode_binary_0200(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += black_box(&v).mti().as_bytes().len();
    }
    total
}

#[inline(never)]
fn icount_decode_cup_sample(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        total += black_box(&v).mti().as_bytes().len();
    }
    total
}

#[inline(never)]
fn icount_iso_8583_rs_decode_0200(spec: &CompiledSpec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let m = iso_8583_rs::Message::parse(spec, black_box(wire)).unwrap();
        total += black_box(&m).mti.len();
    }
    total
}

/// iso_8583_rs's parse, then every field's bytes read in order.
#[inline(never)]
fn icount_iso_8583_rs_decode_read_bytes_0200(spec: &CompiledSpec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let m = iso_8583_rs::Message::parse(spec, black_box(wire)).unwrap();
        total += m.fields().map(|(_, v)| black_box(v).len()).sum::<usize>();
    }
    total
}

/// iso_8583_rs's parse, then each of the 14 fields read by number (`get(n)`).
#[inline(never)]
fn icount_iso_8583_rs_decode_get_by_number_0200(
    spec: &CompiledSpec,
    wire: &[u8],
    n: usize,
) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let m = iso_8583_rs::Message::parse(spec, black_box(wire)).unwrap();
        for k in NUMBERS_0200 {
            total += black_box(m.get(black_box(usize::from(k))).unwrap()).len();
        }
    }
    total
}

#[inline(never)]
fn icount_iso_8583_rs_encode_0200(b: &Builder, out: &mut Vec<u8>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        black_box(b).pack_into(&mut *out);
        total += black_box(out.len());
    }
    total
}

/// Four classifications per iteration: a result code in three dialects and a reversal reason.
#[inline(never)]
fn icount_classify_response(n: usize) -> usize {
    let cases: [(Dialect, &[u8], &[u8]); 4] = [
        (Dialect::Iso8583_1987, b"0210", b"96"),
        (Dialect::Iso8583_1993, b"1110", b"911"),
        (Dialect::ChinaUnionPay, b"0210", b"A0"),
        (Dialect::ChinaUnionPay, b"0400", b"98"),
    ];
    let mut total = 0;
    for _ in 0..n {
        for (dialect, mti, code) in cases {
            let d = classify(black_box(dialect), Some(black_box(mti)), black_box(code));
            let (_, reversal, _) = black_box((d.category(), d.reversal(), d.retry()));
            total += 1 + usize::from(reversal);
        }
    }
    total
}

/// `view.get("55.9F02")` on an already decoded view: the BER-TLV walk to the amount.
#[inline(never)]
fn icount_get_subfield(view: &MessageView<'_>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let f = black_box(view).get(black_box("55.9F02")).unwrap().unwrap();
        total += black_box(f).len();
    }
    total
}

/// Decode, then the 14 fields read into a struct borrowing them (`typed::from_view`).
#[inline(never)]
fn icount_typed_decode(spec: &Spec, wire: &[u8], n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let v = MessageView::decode(spec, black_box(wire)).unwrap();
        let typed: Financial<'_> = typed::from_view(&v).unwrap();
        total += black_box(&typed).total_len();
    }
    total
}

/// The struct of borrowed fields written into a message (`typed::to_message`), encoded into a
/// reused `Vec<u8>`.
#[inline(never)]
fn icount_typed_encode(spec: &Spec, value: &Financial<'_>, out: &mut Vec<u8>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        out.clear();
        let m = typed::to_message(black_box(value), spec).unwrap();
        m.encode(spec, &mut *out).unwrap();
        total += black_box(out.len());
    }
    total
}

/// The struct of borrowed fields encoded straight into a reused `Vec<u8>` (`typed::encode`).
#[inline(never)]
fn icount_typed_encode_wire(
    spec: &Spec,
    value: &Financial<'_>,
    out: &mut Vec<u8>,
    n: usize,
) -> usize {
    let mut total = 0;
    for _ in 0..n {
        out.clear();
        typed::encode(black_box(value), spec, &mut *out).unwrap();
        total += black_box(out.len());
    }
    total
}

/// Runs operation `op` `n` times; `None` for an unknown name.
fn run(op: &str, inp: &mut Inputs, n: usize) -> Option<usize> {
    let total = match op {
        "decode_0200" => icount_decode_0200(inp.ascii, inp.req_0200.get(), n),
        "decode_read_all_0200" => icount_decode_read_all_0200(inp.ascii, inp.req_0200.get(), n),
        "decode_read_bytes_0200" => icount_decode_read_bytes_0200(inp.ascii, inp.req_0200.get(), n),
        "decode_get_by_number_0200" => {
            icount_decode_get_by_number_0200(inp.ascii, inp.req_0200.get(), n)
        }
        "decode_0210" => icount_decode_0210(inp.ascii, inp.resp_0210.get(), n),
        "encode_0200" => icount_encode_0200(inp.ascii, &inp.message_0200, &mut inp.out, n),
        "encode_decoded_0200" => {
            icount_encode_decoded_0200(inp.ascii, &inp.decoded_0200, &mut inp.out, n)
        }
        "decode_binary_0200" => icount_decode_binary_0200(inp.binary, inp.binary_0200.get(), n),
        "decode_cup_sample" => icount_decode_cup_sample(inp.cup, inp.cup_sample.get(), n),
        "classify_response" => icount_classify_response(n),
        "get_subfield" => {
            let view = MessageView::decode(inp.cup, inp.cup_sample.get()).unwrap();
            icount_get_subfield(&view, n)
        }
        "iso_8583_rs_decode_0200" => {
            icount_iso_8583_rs_decode_0200(inp.theirs, inp.req_0200.get(), n)
        }
        "iso_8583_rs_decode_read_bytes_0200" => {
            icount_iso_8583_rs_decode_read_bytes_0200(inp.theirs, inp.req_0200.get(), n)
        }
        "iso_8583_rs_decode_get_by_number_0200" => {
            icount_iso_8583_rs_decode_get_by_number_0200(inp.theirs, inp.req_0200.get(), n)
        }
        "iso_8583_rs_encode_0200" => {
            icount_iso_8583_rs_encode_0200(&inp.their_builder, &mut inp.out, n)
        }
        "typed_decode" => icount_typed_decode(inp.ascii, inp.req_0200.get(), n),
        "typed_encode" => icount_typed_encode(inp.ascii, &inp.typed_0200, &mut inp.out, n),
        "typed_encode_wire" => {
            icount_typed_encode_wire(inp.ascii, &inp.typed_0200, &mut inp.out, n)
        }
        _ => return None,
    };
    Some(total)
}

fn main() {
    // `cargo bench` passes `--bench`; only a bare word names an operation.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("iterations = {ITERATIONS}");
        for op in OPS {
            println!("{op}");
        }
        return;
    }
    let mut inputs = Inputs::new();
    match args.iter().find(|a| !a.starts_with('-')) {
        Some(op) => {
            let Some(total) = run(op, &mut inputs, ITERATIONS) else {
                eprintln!(
                    "icount: unknown operation {op:?}; known: {}",
                    OPS.join(", ")
                );
                std::process::exit(2);
            };
            black_box(total);
        }
        None => {
            for op in OPS {
                let total = run(op, &mut inputs, 1).unwrap();
                assert!(total > 0, "{op} did nothing");
                println!("icount {op}: ok");
            }
        }
    }
}
