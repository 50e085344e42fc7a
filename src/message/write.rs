//! Small writers of the encoder's fast path: a stack buffer that gathers the short pieces of
//! a message so that they reach the output in one copy, ASCII decimal length prefixes, and
//! ASCII-hex bitmap words.

use crate::format::prefix::{ascii_decimal, decimal2};
use bytes::BufMut;

/// Bytes the stage gathers before it is flushed to the output: a piece starts at or below
/// this offset.
const STAGE_LEN: usize = 192;

/// The longest piece the stage takes (longer ones go to the output directly), and the spare
/// bytes after [`STAGE_LEN`] that let every piece be copied into a window of this fixed size.
const STAGE_MAX: usize = 64;

/// A stack buffer in front of the output: pieces of up to [`STAGE_MAX`] bytes are copied into
/// it with a few word moves each (instead of one `memcpy` call and one capacity check each),
/// and it reaches the output in one `put_slice` when it fills up or is flushed. Whatever is
/// staged is lost unless [`Stage::flush`] is called.
pub(crate) struct Stage<'b> {
    buf: &'b mut StageBuf,
    /// Bytes staged: at most [`STAGE_LEN`] before a piece is added, so that the piece's
    /// window of [`STAGE_MAX`] bytes lies within `buf`.
    len: usize,
}

/// The bytes behind a [`Stage`] (kept apart from its length, which then stays in a register).
pub(crate) type StageBuf = [u8; STAGE_LEN + STAGE_MAX];

/// A zeroed [`StageBuf`].
pub(crate) const STAGE_BUF: StageBuf = [0; STAGE_LEN + STAGE_MAX];

impl<'b> Stage<'b> {
    /// An empty stage in `buf`.
    #[inline(always)]
    pub(crate) fn new(buf: &'b mut StageBuf) -> Self {
        Self { buf, len: 0 }
    }

    /// Puts what is staged into `out`.
    #[inline(always)]
    pub(crate) fn flush<B: BufMut>(&mut self, out: &mut B) {
        if let Some(staged) = self.buf.get(..self.len) {
            if !staged.is_empty() {
                out.put_slice(staged);
            }
        }
        self.len = 0;
    }

    /// The window of [`STAGE_MAX`] bytes where the next piece goes, flushing first when the
    /// stage holds more than [`STAGE_LEN`] bytes.
    #[inline(always)]
    fn window<B: BufMut>(&mut self, out: &mut B) -> Option<&mut [u8; STAGE_MAX]> {
        if self.len > STAGE_LEN {
            self.flush(out);
        }
        self.buf
            .get_mut(self.len..self.len + STAGE_MAX)
            .and_then(|w| w.try_into().ok())
    }

    /// Appends `bytes`, after what is staged.
    #[inline(always)]
    pub(crate) fn put<B: BufMut>(&mut self, bytes: &[u8], out: &mut B) {
        if let Some(window) = self.window(out) {
            if copy_window(window, bytes) {
                self.len += bytes.len();
                return;
            }
        }
        self.flush(out);
        out.put_slice(bytes);
    }

    /// Appends an array of known size.
    #[inline(always)]
    pub(crate) fn put_array<const K: usize, B: BufMut>(&mut self, bytes: &[u8; K], out: &mut B) {
        if let Some(window) = self.window(out) {
            if let Some(to) = window.first_chunk_mut::<K>() {
                *to = *bytes;
                self.len += K;
                return;
            }
        }
        self.flush(out);
        out.put_slice(bytes);
    }

    /// Appends the low `width` decimal digits of `value` in ASCII (the digits
    /// `codec::prefix_write` writes for an ASCII prefix of that width); a `width` of 0 or
    /// above 6 writes 6.
    #[inline(always)]
    pub(crate) fn put_ascii_decimal<B: BufMut>(&mut self, value: usize, width: u8, out: &mut B) {
        match width {
            1 => self.put_array(&ascii_decimal::<1>(value), out),
            2 => self.put_array(&decimal2(value), out),
            3 => self.put_array(&ascii_decimal::<3>(value), out),
            4 => self.put_array(&ascii_decimal::<4>(value), out),
            5 => self.put_array(&ascii_decimal::<5>(value), out),
            _ => self.put_array(&ascii_decimal::<6>(value), out),
        }
    }
}

/// Copies `src` to the start of `window` when it is at most [`STAGE_MAX`] bytes long, with
/// two moves of 1, 2, 4, 8 or 16 bytes up to 32 bytes (the second overlapping the first) and
/// four 16-byte moves above (overlapping in the middle); `false`, copying nothing, for a longer
/// one (the length is compared with the limit only above 16 bytes).
#[inline(always)]
fn copy_window(window: &mut [u8; STAGE_MAX], src: &[u8]) -> bool {
    let n = src.len();
    if n >= 8 {
        if n > 16 {
            if n > STAGE_MAX {
                return false;
            }
            if n > 32 {
                copy_at::<16>(window, src, 16);
                copy_at::<16>(window, src, n - 32);
            }
            copy_at::<16>(window, src, 0);
            copy_at::<16>(window, src, n - 16);
        } else {
            copy_at::<8>(window, src, 0);
            copy_at::<8>(window, src, n - 8);
        }
    } else if n >= 4 {
        copy_at::<4>(window, src, 0);
        copy_at::<4>(window, src, n - 4);
    } else if n >= 2 {
        copy_at::<2>(window, src, 0);
        copy_at::<2>(window, src, n - 2);
    } else if n == 1 {
        copy_at::<1>(window, src, 0);
    }
    true
}

/// Copies the `K` bytes at `at` of `src` to the same place in `dst`, if both hold them.
#[inline(always)]
fn copy_at<const K: usize>(dst: &mut [u8], src: &[u8], at: usize) {
    if let (Some(d), Some(s)) = (dst.get_mut(at..at + K), src.get(at..at + K)) {
        d.copy_from_slice(s);
    }
}

/// The 16 upper-case ASCII hex digits of `word`, most significant first (the bytes
/// `codec::hex_upper_into` writes for `word.to_be_bytes()`).
#[inline(always)]
// Each cast takes one half of the word.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn hex_upper_word(word: u64) -> [u8; 16] {
    // Each half's digits are worked out side by side, one a byte of a word.
    let high = hex_upper_half((word >> 32) as u32).to_be_bytes();
    let low = hex_upper_half(word as u32).to_be_bytes();
    let mut hex = [0u8; 16];
    let (h, l) = hex.split_at_mut(8);
    h.copy_from_slice(&high);
    l.copy_from_slice(&low);
    hex
}

/// The 8 upper-case ASCII hex digits of `half`, most significant in the word's top byte.
#[inline(always)]
fn hex_upper_half(half: u32) -> u64 {
    const LOW_NIBBLES: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Spread the nibbles, one a byte, keeping their order: 16-bit halves, then bytes,
    // then nibbles.
    let mut x = u64::from(half);
    x = (x | x << 16) & 0x0000_FFFF_0000_FFFF;
    x = (x | x << 8) & 0x00FF_00FF_00FF_00FF;
    x = (x | x << 4) & LOW_NIBBLES;
    // 1 in each byte holding 10 or more (no byte carries into the next: each stays below 22).
    let letters = ((x + 6 * ONES) >> 4) & ONES;
    // '0' + digit, and 7 more for 'A'–'F'.
    x + 0x30 * ONES + 7 * letters
}

#[cfg(test)]
mod tests {
    use super::{copy_window, hex_upper_word, Stage, STAGE_BUF, STAGE_MAX};
    use crate::codec::hex_upper_into;
    use crate::format::prefix::prefix_write;
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
                let mut buf = STAGE_BUF;
                let mut stage = Stage::new(&mut buf);
                stage.put_ascii_decimal(v, width, &mut got);
                stage.flush(&mut got);
                assert_eq!(got, want, "width {width} value {v}");
                assert_eq!(got.len(), usize::from(width));
            }
        }
        let mut got = Vec::new();
        let mut buf = STAGE_BUF;
        let mut stage = Stage::new(&mut buf);
        stage.put_ascii_decimal(37, 2, &mut got);
        stage.put_ascii_decimal(104, 6, &mut got);
        stage.put_ascii_decimal(5, 1, &mut got);
        stage.flush(&mut got);
        assert_eq!(got, b"370001045");
    }

    /// The window copy moves exactly the bytes given, for every length it takes, and nothing
    /// for a longer piece.
    #[test]
    fn copies_every_short_length() {
        let src: Vec<u8> = (0..200u8)
            .map(|i| i.wrapping_mul(31).wrapping_add(7))
            .collect();
        for n in 0..=130 {
            let mut window = [0xEEu8; STAGE_MAX];
            let copied = copy_window(&mut window, &src[..n]);
            assert_eq!(copied, n <= STAGE_MAX, "length {n}");
            let n = if copied { n } else { 0 };
            assert_eq!(&window[..n], &src[..n], "length {n}");
            assert!(
                window[n..].iter().all(|&b| b == 0xEE),
                "length {n} wrote past the end"
            );
        }
    }

    /// Staged pieces of every size reach the output in order and whole, across flushes when
    /// the stage fills up and around values too long to stage.
    #[test]
    fn stage_output_equals_direct_puts() {
        let src: Vec<u8> = (0..=255u8).collect();
        // Lengths around every copy size, the staging limit and the stage's size.
        let mut lengths: Vec<usize> = (0..=70).collect();
        lengths.extend([100, 128, 200, 255, 256, 300, 999]);
        for start in 0..lengths.len() {
            let mut direct = Vec::new();
            let mut staged = Vec::new();
            let mut buf = STAGE_BUF;
            let mut stage = Stage::new(&mut buf);
            for (i, &n) in lengths.iter().cycle().skip(start).take(60).enumerate() {
                let piece: Vec<u8> = src.iter().cycle().skip(i).take(n).copied().collect();
                direct.extend_from_slice(&piece);
                stage.put(&piece, &mut staged);
                if i % 7 == 3 {
                    direct.extend_from_slice(b"0042");
                    stage.put_ascii_decimal(42, 4, &mut staged);
                }
            }
            stage.flush(&mut staged);
            assert_eq!(staged, direct, "start {start}");
        }
    }
}
