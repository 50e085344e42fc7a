//! Exact per-byte tests of ASCII character classes, eight bytes at a time in a `u64`.
//!
//! Each test works on the low seven bits of every byte, where adding at most `0x80` never
//! carries into the next byte, so a byte's result depends on that byte alone. That lets a
//! field be read as whole words that overlap its neighbours, with the neighbours' bytes
//! masked off afterwards.

pub(crate) use super::word_class::WordClass;

/// Eight copies of a byte.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The top bit of every byte.
const HIGH: u64 = splat(0x80);

/// The top bit of each byte of `x7` (bytes below `0x80`) is set where the byte is at least
/// `k` (`k` at most `0x80`).
#[inline(always)]
const fn at_least(x7: u64, k: u8) -> u64 {
    x7.wrapping_add(splat(0x80 - k))
}

/// The top bit of each byte of `x7` is set where the byte lies in `lo..hi`.
#[inline(always)]
const fn within(x7: u64, lo: u8, hi: u8) -> u64 {
    at_least(x7, lo) & !at_least(x7, hi)
}

/// The top bit of each byte of `word` is set where the byte is *not* in `class`.
#[inline(always)]
pub(crate) const fn outside(word: u64, class: WordClass) -> u64 {
    let x7 = word & !HIGH;
    let digits = within(x7, b'0', b'9' + 1);
    let letters = within(x7 | splat(0x20), b'a', b'z' + 1);
    let space = within(x7, b' ', b' ' + 1);
    let inside = match class {
        WordClass::Digits => digits,
        WordClass::Printable => within(x7, 0x20, 0x7F),
        WordClass::Alpha => letters | space,
        WordClass::AlphaNum => return outside_alphanum_word(word),
        WordClass::Track => return outside_track_word(word),
    };
    (!inside | word) & HIGH
}

/// [`outside`] for letters, digits and space, with fewer constants: after `^ '0'` the
/// digits are the bytes below 10 and the space is `0x10`.
#[inline(always)]
const fn outside_alphanum_word(word: u64) -> u64 {
    let x7 = word & !HIGH;
    let z = x7 ^ splat(b'0');
    let not_digit = at_least(z, 10);
    let not_space = at_least(z ^ splat(b' ' ^ b'0'), 1);
    let letter = within(x7 | splat(0x20), b'a', b'z' + 1);
    (not_digit & not_space & !letter | word) & HIGH
}

/// [`outside`] for track data (digits, `=` and `D`), with fewer constants: after `^ '0'`
/// the digits are the bytes below 10, `=` is 13 and `D` is `0x74`.
#[inline(always)]
const fn outside_track_word(word: u64) -> u64 {
    let z = (word & !HIGH) ^ splat(b'0');
    let not_digit = at_least(z, 10);
    let not_equals = at_least(z ^ splat(b'=' ^ b'0'), 1);
    let not_d = at_least(z ^ splat(b'D' ^ b'0'), 1);
    (not_digit & not_equals & not_d | word) & HIGH
}

/// `test` of every word of `input[start..end]`, ORed together, with the bits of bytes outside
/// the span cleared: zero when `test` finds nothing in the span (`test` must judge each byte
/// by that byte alone). A span of up to eight bytes is read as the one word that ends where
/// it ends, its bytes before `start` masked off. The caller gives
/// `start <= end <= input.len()`; anything else reads as a failure.
#[inline(always)]
pub(crate) fn span_bits(input: &[u8], start: usize, end: usize, test: impl Fn(u64) -> u64) -> u64 {
    span_bits_with::<false>(input, start, end, &test, &test)
}

/// [`span_bits`] with a second test, `whole`, for words that lie wholly inside the span: it
/// only has to be nonzero when some byte of the word is outside the class (a carry from one
/// bad byte into a good one does not matter there). With `SHORT16`, a span of up to 24 bytes
/// is read as two or three words before the loop and its constants are set up.
#[inline(always)]
fn span_bits_with<const SHORT16: bool>(
    input: &[u8],
    start: usize,
    end: usize,
    test: &impl Fn(u64) -> u64,
    whole: &impl Fn(u64) -> u64,
) -> u64 {
    let len = end.wrapping_sub(start);
    if len <= 8 {
        let word = match end.checked_sub(8).and_then(|s| input.get(s..end)) {
            Some(&[a, b, c, d, e, f, g, h]) => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
            Some(_) => 0,
            None => short_word(input, start, end),
        };
        // The span's bytes are the top `len` bytes of the word.
        let keep = u32::try_from(8 * (8 - len))
            .ok()
            .and_then(|s| u64::MAX.checked_shl(s))
            .unwrap_or(0);
        return test(word) & keep;
    }
    let Some(raw) = input.get(start..end) else {
        return u64::MAX;
    };
    // A missing chunk cannot happen (the lengths are checked), and would read as no fault.
    let word = |w: Option<&[u8; 8]>| match w {
        Some(w) => whole(u64::from_le_bytes(*w)),
        None => 0,
    };
    // Up to 24 bytes: two or three words, the last overlapping, before the loop's set-up
    // (`SHORT16`; measured a loss for packed BCD, whose constants are set up first anyway;
    // straight-line code for up to 40 bytes measured a loss too).
    if SHORT16 && len <= 16 {
        return word(raw.first_chunk()) | word(raw.last_chunk());
    }
    if SHORT16 && len <= 24 {
        let middle = raw.get(8..).and_then(<[u8]>::first_chunk);
        return word(raw.first_chunk()) | word(middle) | word(raw.last_chunk());
    }
    // Two words a step, then the last sixteen bytes, overlapping what went before when the
    // length is not a multiple of sixteen (testing some bytes twice costs less than a
    // branch). Stopping at the first fault keeps the loop scalar: spans are short, and a
    // vector loop's set-up costs more than it saves.
    let (pairs, _) = raw.as_chunks::<16>();
    for pair in pairs {
        let (a, b) = pair.split_at(8);
        let bits = word(a.first_chunk()) | word(b.first_chunk());
        if bits != 0 {
            return bits;
        }
    }
    // What the pairs left: none, the last eight bytes (overlapping the last pair), or the
    // last sixteen (or, under sixteen in all, the first eight and the last eight).
    let left = len % 16;
    if len >= 16 && left == 0 {
        return 0;
    }
    if len >= 16 && left <= 8 {
        return word(raw.last_chunk());
    }
    let rest = raw.get(len.saturating_sub(16)..).unwrap_or_default();
    word(rest.first_chunk()) | word(rest.last_chunk())
}

/// Nonzero when a byte of `input[start..end]` is not in `class` (up to 16 bytes, or where
/// vector compares are not available: the top bit of each such byte, ORed together).
#[inline(always)]
pub(crate) fn span_outside(input: &[u8], start: usize, end: usize, class: WordClass) -> u64 {
    // Longer spans sixteen bytes a step, in vector registers.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if end.wrapping_sub(start) > 16 {
        return input.get(start..end).map_or(u64::MAX, |raw| {
            u64::from(super::lanes::span_outside(raw, class))
        });
    }
    span_outside_words(input, start, end, class)
}

/// [`span_outside`] a word at a time, for any length: the top bit of each byte of
/// `input[start..end]` that is not in `class`, ORed together.
#[inline(always)]
fn span_outside_words(input: &[u8], start: usize, end: usize, class: WordClass) -> u64 {
    match class {
        WordClass::Digits => span_bits_with::<true>(input, start, end, &outside_digits, &|w| {
            // No byte of a digit word borrows or carries: the first bad byte shows.
            (w | w.wrapping_sub(splat(b'0')) | w.wrapping_add(splat(0x7F - b'9'))) & HIGH
        }),
        WordClass::Printable => {
            span_bits_with::<true>(input, start, end, &outside_printable, &|w| {
                (w | w.wrapping_sub(splat(0x20)) | w.wrapping_add(splat(0x01))) & HIGH
            })
        }
        WordClass::Alpha => {
            span_bits_with::<true>(input, start, end, &outside_alpha, &outside_alpha)
        }
        WordClass::AlphaNum => {
            span_bits_with::<true>(input, start, end, &outside_alphanum, &outside_alphanum)
        }
        WordClass::Track => {
            span_bits_with::<true>(input, start, end, &outside_track, &outside_track)
        }
    }
}

/// Nonzero when a byte of `input[start..end]` holds a nibble that is not a decimal digit
/// (packed BCD).
#[inline(always)]
pub(crate) fn bcd_span_outside(input: &[u8], start: usize, end: usize) -> u64 {
    // Longer spans sixteen bytes a step, in vector registers.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    if end.wrapping_sub(start) > 16 {
        return input.get(start..end).map_or(u64::MAX, |raw| {
            u64::from(super::lanes::bcd_span_outside(raw))
        });
    }
    span_bits(input, start, end, bcd_outside_digits)
}

/// [`outside`] of one class, as a function to hand to [`span_bits`].
#[inline(always)]
const fn outside_digits(word: u64) -> u64 {
    outside(word, WordClass::Digits)
}

/// [`outside`] of one class, as a function to hand to [`span_bits`].
#[inline(always)]
const fn outside_printable(word: u64) -> u64 {
    outside(word, WordClass::Printable)
}

/// [`outside`] of one class, as a function to hand to [`span_bits`].
#[inline(always)]
const fn outside_alpha(word: u64) -> u64 {
    outside(word, WordClass::Alpha)
}

/// [`outside`] of one class, as a function to hand to [`span_bits`].
#[inline(always)]
const fn outside_alphanum(word: u64) -> u64 {
    outside(word, WordClass::AlphaNum)
}

/// [`outside`] of one class, as a function to hand to [`span_bits`].
#[inline(always)]
const fn outside_track(word: u64) -> u64 {
    outside(word, WordClass::Track)
}

/// [`bcd_outside`] of digits, as a function to hand to [`span_bits`].
#[inline(always)]
pub(crate) const fn bcd_outside_digits(word: u64) -> u64 {
    bcd_outside(word, false)
}

/// [`bcd_outside`] of track data, as a function to hand to [`span_bits`].
#[inline(always)]
pub(crate) const fn bcd_outside_track(word: u64) -> u64 {
    bcd_outside(word, true)
}

/// Nonzero where a nibble of `x` (one in the low half of each byte) is not a decimal digit,
/// or, for track data, neither a digit nor the `D` separator: bit 4 of that byte.
#[inline(always)]
const fn nibble_outside(x: u64, track: bool) -> u64 {
    let ten_or_more = x.wrapping_add(splat(6)) & splat(0x10);
    if track {
        let not_d = (x ^ splat(0x0D)).wrapping_add(splat(0x0F)) & splat(0x10);
        ten_or_more & not_d
    } else {
        ten_or_more
    }
}

/// Nonzero where a packed BCD byte of `word` holds a nibble that is not a digit (or, for
/// track data, the `D` separator).
#[inline(always)]
pub(crate) const fn bcd_outside(word: u64, track: bool) -> u64 {
    let low = word & splat(0x0F);
    let high = (word >> 4) & splat(0x0F);
    nibble_outside(low, track) | nibble_outside(high, track) << 1
}

/// The bytes `input[start..end]` (at most eight) in the top bytes of a word, for a span
/// that ends within the first eight bytes of the input.
fn short_word(input: &[u8], start: usize, end: usize) -> u64 {
    let mut b = [0u8; 8];
    let raw = input.get(start..end).unwrap_or_default();
    for (d, s) in b.iter_mut().rev().zip(raw.iter().rev()) {
        *d = *s;
    }
    u64::from_le_bytes(b)
}

/// Sixteen ASCII hex characters (a bitmap: `hi`, then `lo`) as the number they write with its
/// 64 bits reversed (the top bit of the first character is bit 0), or `None` when one of them
/// is not a hex digit.
#[inline(always)]
pub(crate) fn hex16_reversed(hi: [u8; 8], lo: [u8; 8]) -> Option<u64> {
    let (hi, lo) = (hex_nibbles(hi)?, hex_nibbles(lo)?);
    // Character `i` into nibble `i`, lowest first: pairs, then quads, then the two halves.
    let pack = |v: u64| {
        let v = (v | v >> 4) & 0x00FF_00FF_00FF_00FF;
        let v = (v | v >> 8) & 0x0000_FFFF_0000_FFFF;
        (v | v >> 16) & 0x0000_0000_FFFF_FFFF
    };
    let v = pack(hi) | pack(lo) << 32;
    // Then the four bits of every nibble reversed: neighbours swapped, then pairs.
    let v = (v >> 1 & 0x5555_5555_5555_5555) | (v & 0x5555_5555_5555_5555) << 1;
    Some((v >> 2 & 0x3333_3333_3333_3333) | (v & 0x3333_3333_3333_3333) << 2)
}

/// The value (0 to 15) of each of eight ASCII hex characters, one a byte, or `None` when one
/// of them is not a hex digit.
#[inline(always)]
const fn hex_nibbles(chars: [u8; 8]) -> Option<u64> {
    let word = u64::from_le_bytes(chars);
    let x7 = word & !HIGH;
    let digits = within(x7, b'0', b'9' + 1);
    let letters = within(x7 | splat(0x20), b'a', b'f' + 1);
    if (!(digits | letters) | word) & HIGH != 0 {
        return None;
    }
    // '0'..'9' keep their low nibble; 'A'..'F' and 'a'..'f' have bit 6 set and a low
    // nibble of 1..6, to which 9 is added.
    let letter = (word >> 6) & splat(1);
    Some((word & splat(0x0F)) + (letter << 3) + letter)
}

#[cfg(test)]
mod tests {
    use super::{
        bcd_outside, bcd_outside_digits, bcd_span_outside, hex16_reversed, outside, span_bits,
        span_outside, span_outside_words, WordClass,
    };
    use crate::codec::class_table;
    use crate::spec::field::ContentClass;

    const CLASSES: [(WordClass, ContentClass); 5] = [
        (WordClass::Digits, ContentClass::N),
        (WordClass::Printable, ContentClass::Ans),
        (WordClass::Alpha, ContentClass::A),
        (WordClass::AlphaNum, ContentClass::An),
        (WordClass::Track, ContentClass::Z),
    ];

    /// Every byte value in every position, next to neighbours of every kind, agrees with
    /// the class tables.
    #[test]
    fn every_byte_agrees_with_the_class_tables() {
        for (wc, class) in CLASSES {
            let table = class_table(class);
            for value in 0..=255u8 {
                for neighbour in [0u8, b'0', b'A', 0x7F, 0x80, 0xFF, b' '] {
                    for at in 0..8 {
                        let mut bytes = [neighbour; 8];
                        bytes[at] = value;
                        let bits = outside(u64::from_le_bytes(bytes), wc);
                        let flagged = bits >> (8 * at + 7) & 1 == 1;
                        assert_eq!(
                            flagged,
                            !table[usize::from(value)],
                            "{wc:?} {value:#x} at {at}"
                        );
                    }
                }
            }
        }
    }

    /// Spans of every length and position, with one byte of many kinds anywhere or none,
    /// agree with a plain loop; bytes outside the span never count.
    #[test]
    fn spans_agree_with_a_byte_loop() {
        let odd_bytes = [
            0x00, 0x01, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7F, 0x80, 0xB9, 0xBA, 0xFF,
        ];
        for (wc, class) in CLASSES {
            let table = class_table(class);
            for len in 0..50usize {
                for start in 0..12usize {
                    for (bad_at, odd) in (0..=len).flat_map(|at| odd_bytes.map(|b| (at, b))) {
                        // Neighbours are all outside the class.
                        let mut input = vec![0xFFu8; start + len + 10];
                        let good = if wc == WordClass::Alpha { b'Q' } else { b'7' };
                        input[start..start + len].fill(good);
                        if bad_at < len {
                            input[start + bad_at] = odd;
                        }
                        let plain = input[start..start + len]
                            .iter()
                            .all(|&b| table[usize::from(b)]);
                        for end_pad in [0, 3, 10] {
                            let cut = &input[..start + len + end_pad];
                            let got = span_outside(cut, start, start + len, wc) == 0;
                            assert_eq!(got, plain, "{wc:?} len {len} start {start} bad {bad_at}");
                            // The word-at-a-time form on its own too (the one used for every
                            // length where vector compares are not available).
                            let words = span_outside_words(cut, start, start + len, wc) == 0;
                            assert_eq!(words, plain, "{wc:?} len {len} start {start} bad {bad_at}");
                        }
                    }
                }
            }
        }
    }

    /// Packed BCD spans of every length and position, with one byte of many kinds anywhere or
    /// none, agree with a nibble loop, by both the dispatching and the word-at-a-time form.
    #[test]
    fn bcd_spans_agree_with_a_nibble_loop() {
        let odd_bytes = [0x0A, 0xA0, 0x9F, 0xF9, 0xFF, 0x0D, 0xD0, 0x99, 0x00];
        for len in 0..50usize {
            for start in 0..12usize {
                for (bad_at, odd) in (0..=len).flat_map(|at| odd_bytes.map(|b| (at, b))) {
                    let mut input = vec![0xFFu8; start + len + 10];
                    input[start..start + len].fill(0x42);
                    if bad_at < len {
                        input[start + bad_at] = odd;
                    }
                    let plain = input[start..start + len]
                        .iter()
                        .all(|&b| b >> 4 <= 9 && b & 0x0F <= 9);
                    let end = start + len;
                    let what = format!("len {len} start {start} bad {bad_at} {odd:#04x}");
                    assert_eq!(bcd_span_outside(&input, start, end) == 0, plain, "{what}");
                    let words = span_bits(&input, start, end, bcd_outside_digits) == 0;
                    assert_eq!(words, plain, "{what}");
                }
            }
        }
    }

    /// Every byte value, in every position of a word, agrees with a nibble-by-nibble test.
    #[test]
    fn bcd_bytes_agree_with_a_nibble_test() {
        for track in [false, true] {
            let ok = |d: u8| d <= 9 || (track && d == 0xD);
            for value in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [0x99u8; 8];
                    bytes[at] = value;
                    let bits = bcd_outside(u64::from_le_bytes(bytes), track);
                    let flagged = bits >> (8 * at) & 0xFF != 0;
                    assert_eq!(flagged, !(ok(value >> 4) && ok(value & 0xF)), "{value:#x}");
                    assert_eq!(bits & !(0x30 << (8 * at)), 0, "{value:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn hex16_reversed_reads_every_case_and_rejects_the_rest() {
        let reversed = |chars: &[u8; 16]| {
            let (hi, lo) = chars.split_at(8);
            hex16_reversed(hi.try_into().unwrap(), lo.try_into().unwrap())
        };
        assert_eq!(
            reversed(b"7238048028C08000"),
            Some(0x7238_0480_28C0_8000u64.reverse_bits())
        );
        assert_eq!(
            reversed(b"ffffFFFF0123abcd"),
            Some(0xFFFF_FFFF_0123_ABCDu64.reverse_bits())
        );
        for value in 0..=255u8 {
            for at in 0..16 {
                let mut chars = *b"0000000000000000";
                chars[at] = value;
                let expected = (value as char)
                    .to_digit(16)
                    .map(|d| (u64::from(d) << (4 * (15 - at))).reverse_bits());
                assert_eq!(reversed(&chars), expected, "{value:#x} at {at}");
            }
        }
    }
}
