//! Exact per-byte tests of ASCII character classes, sixteen bytes at a time, written lane by
//! lane with no branch so that the compiler turns each chunk into a few vector byte compares
//! (SSE2 on x86-64, NEON on AArch64). Used where those are available; [`super::swar`] is the
//! portable form.

use super::word_class::WordClass;

/// Whether byte `b` is outside `class`, without a branch (so that it vectorises).
#[inline(always)]
const fn outside(b: u8, class: WordClass) -> bool {
    let digit = b.wrapping_sub(b'0') <= 9;
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let space = b == b' ';
    let inside = match class {
        WordClass::Digits => digit,
        WordClass::Printable => b.wrapping_sub(0x20) <= 0x7E - 0x20,
        WordClass::Alpha => letter | space,
        WordClass::AlphaNum => digit | letter | space,
        WordClass::Track => digit | (b == b'=') | (b == b'D'),
    };
    !inside
}

/// Whether any byte of a chunk is outside `class`.
#[inline(always)]
fn chunk_outside(chunk: &[u8; 16], class: WordClass) -> bool {
    let mut any = false;
    for &b in chunk {
        any |= outside(b, class);
    }
    any
}

/// Whether any byte of `raw` (at least 16 bytes) is outside `class`: sixteen bytes a step, the
/// last chunk overlapping the one before when the length is not a multiple of sixteen.
#[inline(always)]
pub(crate) fn span_outside(raw: &[u8], class: WordClass) -> bool {
    let (chunks, _) = raw.as_chunks::<16>();
    for chunk in chunks {
        if chunk_outside(chunk, class) {
            return true;
        }
    }
    raw.last_chunk::<16>()
        .is_some_and(|chunk| chunk_outside(chunk, class))
}

/// Whether a byte of `raw` (at least 16 bytes) holds a nibble that is not a decimal digit:
/// packed BCD, sixteen bytes a step like [`span_outside`].
#[inline(always)]
pub(crate) fn bcd_span_outside(raw: &[u8]) -> bool {
    let chunk_outside = |chunk: &[u8; 16]| {
        let mut any = false;
        for &b in chunk {
            any |= ((b & 0x0F) > 9) | ((b >> 4) > 9);
        }
        any
    };
    let (chunks, _) = raw.as_chunks::<16>();
    for chunk in chunks {
        if chunk_outside(chunk) {
            return true;
        }
    }
    raw.last_chunk::<16>().is_some_and(chunk_outside)
}

#[cfg(test)]
mod tests {
    use super::{bcd_span_outside, span_outside, WordClass};
    use crate::codec::class_table;
    use crate::spec::field::ContentClass;

    #[test]
    fn finds_every_byte_outside_its_class_at_every_place() {
        let classes = [
            (WordClass::Digits, ContentClass::N, b'7'),
            (WordClass::Printable, ContentClass::Ans, b'~'),
            (WordClass::Alpha, ContentClass::A, b'q'),
            (WordClass::AlphaNum, ContentClass::An, b'Z'),
            (WordClass::Track, ContentClass::Z, b'='),
        ];
        for (class, content, good) in classes {
            let table = class_table(content);
            for len in 16..50 {
                let clean = vec![good; len];
                assert!(!span_outside(&clean, class), "{class:?} {len}");
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut raw = clean.clone();
                        raw[at] = b;
                        let allowed = table[usize::from(b)];
                        assert_eq!(
                            span_outside(&raw, class),
                            !allowed,
                            "{class:?} byte {b:#04x} at {at} of {len}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn finds_every_byte_that_is_not_two_bcd_digits_at_every_place() {
        for len in 16..50 {
            let clean = vec![0x59u8; len];
            assert!(!bcd_span_outside(&clean), "{len}");
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut raw = clean.clone();
                    raw[at] = b;
                    let digits = b >> 4 <= 9 && b & 0x0F <= 9;
                    assert_eq!(bcd_span_outside(&raw), !digits, "{b:#04x} at {at} of {len}");
                }
            }
        }
    }
}
