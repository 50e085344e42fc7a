//! The reads that `compare` and `ratio` time side by side: this crate's and iso_8583_rs's, of
//! the same bytes, each giving a number so that nothing is optimised away.

use iso8583_wire::{MessageView, Spec};
use iso_8583_rs::CompiledSpec;
use std::hint::black_box;

/// The fields of the reference 0200 read by number, in a host's order rather than wire order.
pub const NUMBERS: [u16; 14] = [2, 4, 11, 41, 3, 7, 12, 13, 22, 25, 35, 37, 42, 49];

/// Ours: decode (the view's MTI read).
#[inline]
pub fn ours_decode(spec: &Spec, wire: &[u8]) -> usize {
    MessageView::decode(spec, black_box(wire))
        .map(|v| usize::from(black_box(&v).mti().class()))
        .unwrap()
}

/// Theirs: `Message::parse` (its MTI read).
#[inline]
pub fn theirs_decode(spec: &CompiledSpec, wire: &[u8]) -> usize {
    iso_8583_rs::Message::parse(spec, black_box(wire))
        .map(|m| black_box(&m).mti.len())
        .unwrap()
}

/// Ours: decode, then every field's bytes in order.
#[inline]
pub fn ours_read_all(spec: &Spec, wire: &[u8]) -> usize {
    let v = MessageView::decode(spec, black_box(wire)).unwrap();
    v.fields()
        .map(|f| black_box(f.as_bytes()).len())
        .sum::<usize>()
}

/// Theirs: the same.
#[inline]
pub fn theirs_read_all(spec: &CompiledSpec, wire: &[u8]) -> usize {
    let m = iso_8583_rs::Message::parse(spec, black_box(wire)).unwrap();
    m.fields().map(|(_, v)| black_box(v).len()).sum::<usize>()
}

/// Ours: decode, then [`NUMBERS`] by number (`MessageView::field`).
#[inline]
pub fn ours_by_number(spec: &Spec, wire: &[u8]) -> usize {
    let v = MessageView::decode(spec, black_box(wire)).unwrap();
    NUMBERS
        .iter()
        .map(|&n| black_box(v.field(black_box(n)).unwrap().as_bytes()).len())
        .sum::<usize>()
}

/// Theirs: the same (`Message::get`).
#[inline]
pub fn theirs_by_number(spec: &CompiledSpec, wire: &[u8]) -> usize {
    let m = iso_8583_rs::Message::parse(spec, black_box(wire)).unwrap();
    NUMBERS
        .iter()
        .map(|&n| black_box(m.get(black_box(usize::from(n))).unwrap()).len())
        .sum::<usize>()
}
