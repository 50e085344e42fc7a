//! Bitmaps: which fields a message carries, fields 1–192 in up to three 64-bit words.

use bitvec::array::BitArray;
use bitvec::order::Msb0;
use bitvec::slice::BitSlice;
use core::fmt;
use core::marker::PhantomData;

/// The bits of a bitmap as [bitvec] sees them: index `i` is field `i + 1`, so field 1 is the
/// top bit of the first word, as on the wire.
pub type BitmapBits = BitArray<[u64; 3], Msb0>;

/// The set of fields present in a message. Bit 1 is the secondary-bitmap flag and, in specs
/// with a tertiary bitmap, bit 65 is the tertiary-bitmap flag.
///
/// It is a [bitvec] bit array of 192 bits ([`Bitmap::as_bits`]), index `i` for field `i + 1`,
/// and also three 64-bit words ([`Bitmap::words`]), field 1 the top bit of the first.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Bitmap {
    bits: BitmapBits,
}

impl Bitmap {
    /// An empty bitmap.
    #[must_use]
    pub const fn new() -> Self {
        Self::from_words([0; 3])
    }

    /// A bitmap from its three 64-bit words (field 1 is the top bit of the first).
    #[must_use]
    pub const fn from_words(words: [u64; 3]) -> Self {
        Self {
            bits: BitArray {
                _ord: PhantomData,
                data: words,
            },
        }
    }

    /// The three 64-bit words.
    #[must_use]
    pub const fn words(&self) -> [u64; 3] {
        self.bits.data
    }

    /// The bits, index `i` for field `i + 1` (192 of them).
    #[must_use]
    pub fn as_bits(&self) -> &BitSlice<u64, Msb0> {
        self.bits.as_bitslice()
    }

    /// The bits, to change: index `i` for field `i + 1` (192 of them).
    pub fn as_mut_bits(&mut self) -> &mut BitSlice<u64, Msb0> {
        self.bits.as_mut_bitslice()
    }

    /// Field `n`'s index among the bits, when `n` is 1–192.
    const fn index(n: u16) -> Option<usize> {
        match n {
            1..=192 => Some(n as usize - 1),
            _ => None,
        }
    }

    /// Whether field `n` (1–192) is present.
    #[inline]
    #[must_use]
    pub fn contains(&self, n: u16) -> bool {
        Self::index(n)
            .and_then(|i| self.bits.get(i))
            .is_some_and(|b| *b)
    }

    /// Marks field `n` (1–192) present; numbers outside that range are ignored.
    #[inline]
    pub fn insert(&mut self, n: u16) {
        if let Some(i) = Self::index(n) {
            self.bits.set(i, true);
        }
    }

    /// Marks field `n` absent.
    #[inline]
    pub fn remove(&mut self, n: u16) {
        if let Some(i) = Self::index(n) {
            self.bits.set(i, false);
        }
    }

    /// Whether no field is present.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        let [a, b, c] = self.bits.data;
        a == 0 && b == 0 && c == 0
    }

    /// The present fields in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        // Indexes are below 192.
        #[allow(clippy::cast_possible_truncation)]
        self.bits.iter_ones().map(|i| i as u16 + 1)
    }
}

impl From<BitmapBits> for Bitmap {
    fn from(bits: BitmapBits) -> Self {
        Self { bits }
    }
}

impl From<Bitmap> for BitmapBits {
    fn from(bitmap: Bitmap) -> Self {
        bitmap.bits
    }
}

impl fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for Bitmap {
    /// The bitmap as upper-case hex, 16 digits per word in use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [_, second, third] = self.words();
        let used = if third != 0 {
            3
        } else if second != 0 || self.contains(1) {
            2
        } else {
            1
        };
        for w in self.words().iter().take(used) {
            write!(f, "{w:016X}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Bitmap;

    #[test]
    fn iterates_in_order() {
        let mut b = Bitmap::new();
        for n in [192, 2, 64, 65, 1, 128, 129] {
            b.insert(n);
        }
        assert_eq!(
            b.iter().collect::<Vec<_>>(),
            vec![1, 2, 64, 65, 128, 129, 192]
        );
        assert!(b.contains(129));
        b.remove(129);
        assert!(!b.contains(129));
        assert!(!b.contains(0));
        assert!(!b.contains(193));
        b.insert(0);
        b.insert(193);
        assert_eq!(b.iter().count(), 6);
    }

    #[test]
    fn bits_follow_the_wire_order() {
        let mut b = Bitmap::new();
        for n in [1, 2, 64, 65, 192] {
            b.insert(n);
        }
        // Field n is bit n - 1; field 1 is the top bit of the first word.
        assert_eq!(b.words(), [0xC000_0000_0000_0001, 0x8000_0000_0000_0000, 1]);
        assert_eq!(b.as_bits().len(), 192);
        assert_eq!(
            b.as_bits().iter_ones().collect::<Vec<_>>(),
            vec![0, 1, 63, 64, 191]
        );
        b.as_mut_bits().set(2, true);
        assert!(b.contains(3));
        let bits: super::BitmapBits = b.into();
        assert_eq!(Bitmap::from(bits), b);
        assert_eq!(
            b.to_string(),
            concat!("E000000000000001", "8000000000000000", "0000000000000001")
        );
    }
}
