//! Small writers of the encoder's fast path: ASCII decimal length prefixes and ASCII-hex
//! bitmap words, each put into the output in one piece of known size.

use bytes::BufMut;

/// Writes the low `width` decimal digits of `value` in ASCII (the digits
/// `codec::prefix_write` writes for an ASCII prefix of that width); a `width` above 6 writes 6.
#[inline(always)]
// Each cast takes one decimal digit (`% 10`).
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn put_ascii_decimal<B: BufMut>(value: usize, width: u8, out: &mut B) {
    let d = |x: usize| b'0' + (x % 10) as u8;
    match width {
        1 => out.put_u8(d(value)),
        2 => out.put_slice(&[d(value / 10), d(value)]),
        3 => out.put_slice(&[d(value / 100), d(value / 10), d(value)]),
        4 => out.put_slice(&[d(value / 1000), d(value / 100), d(value / 10), d(value)]),
        5 => out.put_slice(&[
            d(value / 10_000),
            d(value / 1000),
            d(value / 100),
            d(value / 10),
            d(value),
        ]),
        _ => out.put_slice(&[
            d(value / 100_000),
            d(value / 10_000),
            d(value / 1000),
            d(value / 100),
            d(value / 10),
            d(value),
        ]),
    }
}

/// Spreads the 8 nibbles of `half` over the 8 bytes of a word, the most significant nibble in
/// the top byte, and turns each into its upper-case ASCII hex digit.
#[inline(always)]
const fn hex_upper_half(half: u32) -> u64 {
    const fn splat(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    let mut x = half as u64;
    x = (x | x << 16) & 0x0000_FFFF_0000_FFFF;
    x = (x | x << 8) & 0x00FF_00FF_00FF_00FF;
    x = (x | x << 4) & splat(0x0F);
    // A byte holding 10..=15 reaches 0x10 when 6 is added: its bit 4 picks the letters. No
    // byte exceeds 0x15 or, below, 0x46, so nothing carries into the next byte.
    let letters = ((x + splat(0x06)) >> 4) & splat(0x01);
    x + splat(b'0') + letters * (b'A' - b'0' - 10) as u64
}

/// The 16 upper-case ASCII hex digits of `word`, most significant first (the bytes
/// `codec::hex_upper_into` writes for `word.to_be_bytes()`).
#[inline(always)]
// Each cast keeps one half of the word.
#[allow(clippy::cast_possible_truncation)]
pub(crate) const fn hex_upper_word(word: u64) -> [u8; 16] {
    let hi = hex_upper_half((word >> 32) as u32) as u128;
    let lo = hex_upper_half(word as u32) as u128;
    (hi << 64 | lo).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::{hex_upper_word, put_ascii_decimal};
    use crate::codec::{hex_upper_into, prefix_write};
    use crate::spec::{LengthPrefix, PrefixEncoding};

    /// Agrees with the general hex writer on edge cases and a few thousand pseudo-random words.
    #[test]
    fn hex_word_agrees_with_the_byte_writer() {
        let mut words = vec![
            0,
            u64::MAX,
            1,
            1 << 63,
            0x0123_4567_89AB_CDEF,
            0xFEDC_BA98_7654_3210,
            0x7238_0480_28C0_8000,
            0xA5A5_A5A5_5A5A_5A5A,
            0x9999_9999_AAAA_AAAA,
        ];
        words.extend((0..64).map(|i| 1u64 << i));
        words.extend((0..64).map(|i| !(1u64 << i)));
        words.extend((0..16).map(|i| 0x1111_1111_1111_1111u64 * i));
        // xorshift64*
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5000 {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            words.push(s.wrapping_mul(0x2545_F491_4F6C_DD1D));
        }
        for w in words {
            let mut want = [0u8; 16];
            hex_upper_into(&w.to_be_bytes(), &mut want);
            assert_eq!(hex_upper_word(w), want, "{w:016X}");
            assert_eq!(hex_upper_word(w), *format!("{w:016X}").as_bytes());
        }
    }

    /// Writes the same digits as the general prefix writer for every width 1–6, at the edges
    /// of each width and beyond them (the low digits).
    #[test]
    fn ascii_decimal_agrees_with_the_prefix_writer() {
        for width in 1..=6u8 {
            let top = 10usize.pow(u32::from(width));
            let mut values = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12_345, 999_999];
            values.extend([top - 1, top, top + 1, 3 * top + 7, 1_234_567]);
            values.extend((0..2000).map(|i| i * 37 % (top + 5)));
            for v in values {
                let mut want = Vec::new();
                prefix_write(
                    &LengthPrefix::new(width, PrefixEncoding::Ascii),
                    v as u64,
                    &mut want,
                );
                let mut got = Vec::new();
                put_ascii_decimal(v, width, &mut got);
                assert_eq!(got, want, "width {width} value {v}");
                assert_eq!(got.len(), usize::from(width));
            }
        }
        let mut got = Vec::new();
        put_ascii_decimal(37, 2, &mut got);
        assert_eq!(got, b"37");
        got.clear();
        put_ascii_decimal(104, 6, &mut got);
        assert_eq!(got, b"000104");
    }
}
