//! Classification speed: a field 39 value in several dialects, a reversal reason, and a terminal
//! outcome. Target: 10 ns or less per classification, with no allocation.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use iso8583_wire::response::{classify, Diagnosis, Dialect, Outcome};

fn bench_classify(c: &mut Criterion) {
    // Load the tables once, outside the measurement.
    for d in Dialect::ALL {
        let _ = classify(d, None, b"00");
    }
    let cases: [(&str, Dialect, &[u8], &[u8]); 6] = [
        (
            "iso8583-1987 0210 96",
            Dialect::Iso8583_1987,
            b"0210",
            b"96",
        ),
        (
            "iso8583-1993 1110 911",
            Dialect::Iso8583_1993,
            b"1110",
            b"911",
        ),
        ("cup 0210 A0", Dialect::ChinaUnionPay, b"0210", b"A0"),
        (
            "cup 0400 98 (reversal reason)",
            Dialect::ChinaUnionPay,
            b"0400",
            b"98",
        ),
        ("visa 0110 85", Dialect::Visa, b"0110", b"85"),
        (
            "mastercard 0110 unknown Q9",
            Dialect::Mastercard,
            b"0110",
            b"Q9",
        ),
    ];
    let mut group = c.benchmark_group("classify");
    for (name, dialect, mti, code) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                let d = classify(black_box(dialect), Some(black_box(mti)), black_box(code));
                black_box((d.category(), d.reversal(), d.retry()))
            });
        });
    }
    // The look-up alone, the diagnosis kept whole.
    group.bench_function("classify only, iso8583-1987 0210 96", |b| {
        b.iter(|| {
            black_box(classify(
                black_box(Dialect::Iso8583_1987),
                Some(black_box(b"0210")),
                black_box(b"96"),
            ))
        });
    });
    group.bench_function("outcome no-response", |b| {
        b.iter(|| {
            let d = Diagnosis::for_outcome(black_box(Outcome::NoResponse));
            black_box((d.category(), d.reversal(), d.retry()))
        });
    });
    group.finish();
}

criterion_group!(benches, bench_classify);
criterion_main!(benches);
