//! Pins the typed, positioned error of every message in a corpus of broken messages, so that
//! a change to the decoder cannot move an error's kind, element or offset unnoticed.
//!
//! The corpus: the reference 0200 and 0210 (`iso8583-1987-ascii`), the UnionPay sample
//! (`cup-pos-tpdu`, without its 2-byte length header) and every fuzz seed of the `decode` and `round_trip` targets (first byte the
//! built-in spec, as the fuzz targets read it). Each seed is cut short at every length, has each
//! byte replaced in turn by `00`, `FF` and `A`, and gets one byte too many. Every outcome is a
//! line: `ok` with the first subfield error of each composite field, or the error's kind,
//! element and offset. `Message::decode` must give the same error as `MessageView::decode`.
//!
//! `tests/golden/decode_errors.txt` holds every line of the three reference seeds and, for each
//! fuzz seed, the count and a 64-bit FNV-1a hash of its lines. Rewrite it only on purpose:
//! `UPDATE_GOLDEN=1 cargo test --test error_offsets`.
// A test stops at its first failure: unwrapping, panicking and indexing are how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use bytes::Bytes;
use iso8583_wire::{Message, MessageView, Spec};
use std::fmt::Write as _;
use std::path::Path;

const REQ: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
const RESP: &[u8] = b"0210723804802EC080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001MERCHANT0000001840";
const GOLDEN: &str = "tests/golden/decode_errors.txt";

/// One decode's outcome as a line (without the seed's label).
fn outcome(spec: &Spec, wire: &[u8]) -> String {
    let owned = Message::decode(spec, Bytes::copy_from_slice(wire));
    match MessageView::decode(spec, wire) {
        Err(e) => {
            let o = owned.expect_err("Message::decode accepted what MessageView::decode refused");
            assert_eq!(
                (o.kind(), o.element(), o.offset()),
                (e.kind(), e.element(), e.offset())
            );
            format!("{:?} {:?} @{}", e.kind(), e.element(), e.offset())
        }
        Ok(view) => {
            assert!(owned.is_ok(), "Message::decode refused what the view took");
            let mut line = String::from("ok");
            for field in view.fields() {
                if let Some(Err(e)) = field.subfields().find(Result::is_err) {
                    write!(
                        line,
                        " DE{}:{:?} {:?} @{}",
                        field.number(),
                        e.kind(),
                        e.element(),
                        e.offset()
                    )
                    .unwrap();
                }
            }
            line
        }
    }
}

/// Every mutation of `seed` and its outcome, one line each.
fn mutations(spec: &Spec, seed: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    for len in 0..seed.len() {
        lines.push(format!("cut {len}: {}", outcome(spec, &seed[..len])));
    }
    for at in 0..seed.len() {
        for b in [0x00u8, 0xFF, b'A'] {
            if seed[at] == b {
                continue;
            }
            let mut w = seed.to_vec();
            w[at] = b;
            lines.push(format!("set {at}={b:02X}: {}", outcome(spec, &w)));
        }
    }
    let mut w = seed.to_vec();
    w.push(b'0');
    lines.push(format!("extra: {}", outcome(spec, &w)));
    lines
}

fn fnv1a(lines: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for line in lines {
        for &b in line.as_bytes().iter().chain(b"\n") {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn hex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    s.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The built-in spec a fuzz seed's first byte selects.
fn by_selector(selector: u8) -> &'static Spec {
    let names = Spec::builtin_names();
    Spec::builtin(names[usize::from(selector) % names.len()]).unwrap()
}

/// The golden text of the whole corpus.
fn corpus_report() -> String {
    let mut out = String::new();
    let ascii = Spec::builtin("iso8583-1987-ascii").unwrap();
    let cup = Spec::builtin("cup-pos-tpdu").unwrap();
    let sample = std::fs::read_to_string("specs/samples/cup-pos-tpdu-0200.hex").unwrap();
    let refs: [(&str, &Spec, Vec<u8>); 3] = [
        ("ref-0200", ascii, REQ.to_vec()),
        ("ref-0210", ascii, RESP.to_vec()),
        ("cup-sample", cup, hex(&sample)[2..].to_vec()),
    ];
    for (label, spec, seed) in &refs {
        assert!(MessageView::decode(spec, seed).is_ok(), "{label}");
        for line in mutations(spec, seed) {
            writeln!(out, "{label} {line}").unwrap();
        }
    }
    for target in ["decode", "round_trip"] {
        let dir = Path::new("fuzz/corpus").join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(
            files.len() > 10,
            "{} seeds in {}",
            files.len(),
            dir.display()
        );
        for path in files {
            let data = std::fs::read(&path).unwrap();
            let Some((&selector, wire)) = data.split_first() else {
                continue;
            };
            let spec = by_selector(selector);
            let lines = mutations(spec, wire);
            let name = path.file_name().unwrap().to_string_lossy();
            writeln!(
                out,
                "{target}/{name} {} {}: {} lines {:016x}",
                spec.name(),
                outcome(spec, wire),
                lines.len(),
                fnv1a(&lines)
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn every_broken_message_keeps_its_error() {
    let now = corpus_report();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all("tests/golden").unwrap();
        std::fs::write(GOLDEN, &now).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    let (g, n): (Vec<&str>, Vec<&str>) = (golden.lines().collect(), now.lines().collect());
    for (i, (a, b)) in g.iter().zip(&n).enumerate() {
        assert_eq!(a, b, "line {} of {GOLDEN} changed", i + 1);
    }
    assert_eq!(g.len(), n.len(), "the corpus gave another number of lines");
    // Guards against a corpus that silently lost its broken messages.
    let errors = n.iter().filter(|l| l.contains(" @")).count();
    assert!(errors > 1000, "only {errors} lines carry an error");
}
