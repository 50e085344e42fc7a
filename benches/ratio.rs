//! Side by side, interleaved: how many times faster than iso_8583_rs this crate decodes the
//! reference 0200, on a machine whose speed drifts.
//!
//! Criterion times one function for seconds, then the other, so that a drift of the clock or
//! of the load between the two moves their ratio: from one run of `benches/compare.rs` to the
//! next, `decode_get_by_number` moved between 1.6× and 2.3×. Here each round times a batch of
//! one, then a batch of the other (in turn first), back to back, and keeps the ratio of the
//! two; the report gives the median ratio over the rounds, its quartiles and the share of
//! rounds at or above 2×. The operations are those of `benches/compare.rs`
//! (`benches/shared/side_by_side.rs`), on the same input, checked to give the same fields.
//!
//! `cargo bench --bench ratio [-- ROUNDS]`: 400 rounds by default, each a batch of about 1 ms
//! of either side.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use iso8583_wire::{MessageView, Spec};
use reference::REQ_0200;
use shared::their_spec;
use side_by_side::NUMBERS;
use std::hint::black_box;
use std::time::Instant;

#[path = "shared/reference.rs"]
mod reference;
mod shared;
#[path = "shared/side_by_side.rs"]
mod side_by_side;

/// Nanoseconds a call of `f`, over a batch of `n` calls.
fn batch(f: &mut impl FnMut() -> usize, n: u32) -> f64 {
    let start = Instant::now();
    let mut sink = 0usize;
    for _ in 0..n {
        sink = sink.wrapping_add(f());
    }
    black_box(sink);
    start.elapsed().as_secs_f64() * 1e9 / f64::from(n)
}

/// How many calls of `per_call` nanoseconds take about 1 ms (at least 100).
fn calls_per_ms(per_call: f64) -> u32 {
    // A positive float of at most a million.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (1e6 / per_call.max(1.0)) as u32;
    n.max(100)
}

/// The value at quantile `q` (0 to 1) of `sorted`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    // Rounds are few enough to be exact as f64, and the index is within the slice.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = (sorted.len().saturating_sub(1) as f64 * q).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

/// Times `ours` against `theirs` over `rounds` rounds and prints one line of the report.
fn pair(
    name: &str,
    rounds: u32,
    mut ours: impl FnMut() -> usize,
    mut theirs: impl FnMut() -> usize,
) {
    // After a warm-up of both, a batch of each side takes about 1 ms, so that a batch of
    // either is as likely to be interrupted.
    for _ in 0..2 {
        batch(&mut ours, 10_000);
        batch(&mut theirs, 10_000);
    }
    let a_calls = calls_per_ms(batch(&mut ours, 10_000));
    let b_calls = calls_per_ms(batch(&mut theirs, 10_000));
    let mut ratios = Vec::new();
    let mut ours_ns = Vec::new();
    let mut theirs_ns = Vec::new();
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = batch(&mut ours, a_calls);
            (a, batch(&mut theirs, b_calls))
        } else {
            let b = batch(&mut theirs, b_calls);
            (batch(&mut ours, a_calls), b)
        };
        ratios.push(b / a);
        ours_ns.push(a);
        theirs_ns.push(b);
    }
    for v in [&mut ratios, &mut ours_ns, &mut theirs_ns] {
        v.sort_by(f64::total_cmp);
    }
    let at_2 = ratios.iter().filter(|&&r| r >= 2.0).count();
    println!(
        "{name:<22} ours {:>7.1} ns  theirs {:>7.1} ns  ratio median {:.2}x  quartiles {:.2}x-{:.2}x  \
         rounds at 2x or more: {at_2}/{rounds}",
        quantile(&ours_ns, 0.5),
        quantile(&theirs_ns, 0.5),
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
    );
}

fn main() {
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<u32>().ok())
        .unwrap_or(400);
    let ours = Spec::builtin("iso8583-1987-ascii").unwrap();
    let theirs = their_spec();

    // Both read the same fields with the same values, by number as in wire order.
    let view = MessageView::decode(ours, REQ_0200).unwrap();
    let parsed = iso_8583_rs::Message::parse(&theirs, REQ_0200).unwrap();
    for n in NUMBERS {
        assert_eq!(
            view.field(n).unwrap().as_bytes(),
            parsed.get(usize::from(n)).unwrap()
        );
    }
    assert_eq!(view.fields().count(), parsed.fields().count());

    println!("reference 0200, {rounds} rounds, interleaved");
    pair(
        "decode",
        rounds,
        || side_by_side::ours_decode(ours, REQ_0200),
        || side_by_side::theirs_decode(&theirs, REQ_0200),
    );
    pair(
        "decode_read_all",
        rounds,
        || side_by_side::ours_read_all(ours, REQ_0200),
        || side_by_side::theirs_read_all(&theirs, REQ_0200),
    );
    pair(
        "decode_get_by_number",
        rounds,
        || side_by_side::ours_by_number(ours, REQ_0200),
        || side_by_side::theirs_by_number(&theirs, REQ_0200),
    );
}
