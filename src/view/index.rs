//! Where the data elements of a [`MessageView`] lie: the table of their bounds (their start
//! and their ends by rank), its stride for long messages, and finding a field from it.

use super::{FieldView, MessageView, BOUNDS, INDEXED, LONG, STRIDE_SHIFT, WIDE_INDEXED};
use crate::bitmap::Bitmap;
use crate::format::locate;

impl<'a> MessageView<'a> {
    /// Rewrites `bounds`, which holds the ends of the first [`INDEXED`] data elements (or, in
    /// a wide view, nothing of use), with the stride the message needs: the end of every 2nd,
    /// 4th or 8th data element of a message of more than [`INDEXED`], or in a wide view the
    /// start (`start`) and [`WIDE_INDEXED`] ends of every 1st to 16th, as 32 bits. The fields
    /// after the kept ones are found by their (already checked) length prefixes.
    #[cold]
    #[inline(never)]
    pub(super) fn restride(&mut self, start: usize) {
        self.flags &= !LONG;
        let wide = self.wide();
        let (slots, mut shift) = if wide {
            (WIDE_INDEXED, 0)
        } else {
            (INDEXED, 1)
        };
        let count: u32 = self.data.iter().map(|w| w.count_ones()).sum();
        while (slots << shift) < count as usize && shift < 4 {
            shift += 1;
        }
        let mask = (1usize << shift) - 1;
        let mut bounds = [0u16; BOUNDS];
        keep(&mut bounds, wide, 0, start);
        let mut pos = start;
        for (rank, n) in Bitmap::from_words(self.wire_words()).iter().enumerate() {
            pos = match (wide, self.bounds.get(rank + 1)) {
                (false, Some(&end)) if rank < INDEXED => usize::from(end),
                _ => match self.end_after(n, pos) {
                    Some(end) => end,
                    // Cannot happen: every prefix was checked when the message was read.
                    None => return,
                },
            };
            // The last group, when it is short, is not kept: its fields are found from the
            // group before.
            if rank & mask == mask {
                keep(&mut bounds, wide, (rank >> shift) + 1, pos);
            }
        }
        self.bounds = bounds;
        // `shift` is 0 to 4, so it fits in the three flag bits.
        #[allow(clippy::cast_possible_truncation)]
        let bits = (shift as u8) << STRIDE_SHIFT;
        self.flags |= bits;
    }

    /// Kept bound `k` of the data elements: 0 is where they start, `k` where group `k - 1`
    /// of them ends (with no stride, the data element of rank `k - 1`).
    #[inline]
    pub(super) fn bound(&self, k: usize) -> Option<usize> {
        if self.wide() {
            let [low, high] = *self.bounds.get(2 * k..)?.first_chunk::<2>()?;
            let [a, b] = low.to_le_bytes();
            let [c, d] = high.to_le_bytes();
            return usize::try_from(u32::from_le_bytes([a, b, c, d])).ok();
        }
        self.bounds.get(k).map(|&end| usize::from(end))
    }

    /// Where the first data element starts, with its prefix.
    #[inline]
    pub(super) fn data_start(&self) -> usize {
        // Bound 0 is always kept.
        self.bound(0).unwrap_or_default()
    }

    /// The rank of data element `n` among those present, if it is present.
    pub(super) fn rank(&self, n: u16) -> Option<usize> {
        // Field 0 wraps to a word that does not exist.
        let i = usize::from(n).wrapping_sub(1);
        let (w, bit) = (i / 64, i % 64);
        let word = *self.data.get(w)?;
        if word >> bit & 1 == 0 {
            return None;
        }
        let before: u32 = self.data.iter().take(w).map(|x| x.count_ones()).sum();
        let below = (word & ((1u64 << bit) - 1)).count_ones();
        usize::try_from(before + below).ok()
    }

    /// In a view that keeps the end of every field by rank, the rank of data element `n`
    /// among those present, or [`ABSENT`] or more when it is not present; in any other view,
    /// [`ABSENT`] or more. Either way past the end of `bounds` when `bounds` does not hold the
    /// field's ends, so that a look-up in `bounds` makes the test with the range check it makes
    /// anyway.
    #[inline(always)]
    pub(super) fn slot(&self, n: u16) -> usize {
        // Field 0 wraps to a word that does not exist.
        let i = usize::from(n).wrapping_sub(1);
        // Fields 2 to 64 first: they are the ones most messages carry.
        if i < 64 {
            // Those below the field's byte, counted when the message was decoded ([`FAR`] in
            // a view with a stride), and those below it in its byte, or `NOT_SET` when it is
            // not set. Both are byte loads.
            let k = i / 8;
            let before = self.ranks.get(k).copied().unwrap_or(FAR);
            let [first, ..] = self.data;
            let byte = first.to_le_bytes().get(k).copied().unwrap_or(0);
            let below = SLOTS_BELOW
                .get((usize::from(byte) << 3) | (i % 8))
                .copied()
                .unwrap_or(NOT_SET);
            return usize::from(before) + usize::from(below);
        }
        if !self.direct() {
            return ABSENT;
        }
        self.rank(n).unwrap_or(ABSENT)
    }
    /// Where data element `n` starts (with its prefix) and ends, in a wide view or one whose
    /// `bounds` has a stride: [`MessageView::field`] reads it from there as from `bounds`.
    ///
    /// Giving the bounds rather than the field means that no call out of
    /// [`MessageView::field`] returns a [`FieldView`] through memory: its caller keeps the
    /// field in registers, and `decode_get_by_number_0200` went from 1,850 to 1,777
    /// instructions (`benches/icount.rs`).
    #[inline(never)]
    pub(super) fn far_bounds(&self, n: u16) -> Option<(usize, usize)> {
        let rank = self.rank(n)?;
        let shift = self.stride_shift();
        let mask = (1usize << shift) - 1;
        let group = rank >> shift;
        let mut start = self.bound(group)?;
        // The data elements of the group before `n` (at most 15), in ascending order.
        let mut before = [0u16; 16];
        let skip = rank & mask;
        let mut found = 0;
        let mut m = n;
        while found < skip {
            m = self.present_below(m)?;
            found += 1;
            *before.get_mut(skip - found)? = m;
        }
        for &m in before.get(..skip)? {
            start = self.end_after(m, start)?;
        }
        let end = if rank & mask == mask {
            self.bound(group + 1)?
        } else {
            self.end_after(n, start)?
        };
        Some((start, end))
    }

    /// The highest-numbered data element present below `n`.
    fn present_below(&self, n: u16) -> Option<u16> {
        let mut i = n.checked_sub(1)?;
        loop {
            // Field `i` (1-based) and those below it in the same word.
            let bit = i.checked_sub(1)?;
            let (w, b) = (usize::from(bit / 64), u32::from(bit % 64));
            let word = self.data.get(w)? & (u64::MAX >> (63 - b));
            if word != 0 {
                // The highest set bit is the highest field number; below 64, so it fits.
                #[allow(clippy::cast_possible_truncation)]
                return Some(w as u16 * 64 + (63 - word.leading_zeros()) as u16 + 1);
            }
            i = u16::try_from(w * 64).ok()?;
        }
    }

    /// Where field `n`, starting at `start` with its prefix, ends: read from entry `bound`
    /// of `bounds` (its rank plus 1) when the view keeps every field's end, or from the
    /// prefix.
    #[inline]
    pub(super) fn end_of(&self, n: u16, bound: usize, start: usize) -> Option<usize> {
        if self.direct() {
            if let Some(end) = self.bounds.get(bound) {
                return Some(usize::from(*end));
            }
        }
        self.end_after(n, start)
    }

    /// Where field `n`, starting at `start` with its (already checked) prefix, ends.
    pub(super) fn end_after(&self, n: u16, start: usize) -> Option<usize> {
        locate::end_after(self.spec.table(), self.input, n, start)
    }

    /// The field `n` that lies between `start` and `end`, its length prefix included.
    #[inline]
    pub(super) fn locate(&self, n: u16, start: usize, end: usize) -> Option<FieldView<'a>> {
        let (raw, len) = locate::content(self.spec.table(), self.input, n, start, end)?;
        let offset = end - raw.len();
        Some(FieldView::new(n, self.spec.field(n)?, raw, len).at(offset))
    }
}

/// Sets kept bound `k` of `bounds` (see [`MessageView::bound`]) to `pos`: 32 bits in
/// entries `2 k` and `2 k + 1` in a wide view.
fn keep(bounds: &mut [u16; BOUNDS], wide: bool, k: usize, pos: usize) {
    if wide {
        // A valid message is far shorter than 4 GiB (192 fields of at most 999,999 bytes).
        let [a, b, c, d] = u32::try_from(pos).unwrap_or(u32::MAX).to_le_bytes();
        if let Some([low, high]) = bounds.get_mut(2 * k..).and_then(<[u16]>::first_chunk_mut) {
            *low = u16::from_le_bytes([a, b]);
            *high = u16::from_le_bytes([c, d]);
        }
    } else if let Some(bound) = bounds.get_mut(k) {
        // Not wide, so below 65,536.
        *bound = u16::try_from(pos).unwrap_or(u16::MAX);
    }
}

/// What [`MessageView::slot`] gives for a data element not present: above any rank (a
/// message has at most 191 data elements), so past the end of `bounds`.
pub(super) const ABSENT: usize = NOT_SET as usize;

/// [`SLOTS_BELOW`] of a bit that is not set.
const NOT_SET: u8 = 192;

/// Every byte of `MessageView::ranks` in a view that does not keep the end of every field by
/// rank: a rank past the end of `bounds`, whatever the field.
pub(super) const FAR: u8 = 192;

/// `SLOTS_BELOW[8 b + k]`: how many of the bits 0 to `k - 1` of byte `b` are set when bit `k`
/// is, and [`NOT_SET`] when it is not. One flat array, so that the index is one shift and one
/// OR that the compiler sees stay in range.
///
/// What testing presence through the table buys, in `benches/icount.rs`: the look-up of
/// `bounds` that follows makes the test with its range check, and
/// `decode_get_by_number_0200` went from 1,907 to 1,891 instructions.
// The loops stay below the array's length; counts are at most 8.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const SLOTS_BELOW: [u8; 2048] = {
    let mut t = [0u8; 2048];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            t[b * 8 + k] = if b >> k & 1 == 1 {
                (b & ((1 << k) - 1)).count_ones() as u8
            } else {
                NOT_SET
            };
            k += 1;
        }
        b += 1;
    }
    t
};

/// For the first bitmap word (bit-reversed: field `i + 1` is bit `i`), byte `k` (1 to 7) of
/// the result is how many bits are set below bit `8 k`; byte 0 is 0. A population count of
/// each byte, then one multiplication sums each byte with all those below it.
///
/// What it buys, in `benches/icount.rs` (`decode_get_by_number_0200`: the reference 0200
/// decoded, then its 14 fields read by number): a population count per look-up (the target
/// has no `popcnt` instruction by default, so it is some 20 instructions of arithmetic) made
/// it 2,285 instructions; with these counts it is 2,119, for about 25 more a decoding.
#[inline(always)]
pub(super) const fn ranks_below(word: u64) -> u64 {
    let x = word - ((word >> 1) & 0x5555_5555_5555_5555);
    let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
    let per_byte = (x + (x >> 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Each byte's count with the ones below it (at most 64, so no byte carries), moved up a
    // byte so that byte `k` counts the bytes below `k` only.
    per_byte.wrapping_mul(0x0101_0101_0101_0101) << 8
}
