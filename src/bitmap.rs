//! Bitmaps: which fields a message carries, fields 1–192 in up to three 64-bit words.

use core::fmt;

/// The set of fields present in a message. Bit 1 is the secondary-bitmap flag and, in specs
/// with a tertiary bitmap, bit 65 is the tertiary-bitmap flag.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Bitmap {
    words: [u64; 3],
}

impl Bitmap {
    /// An empty bitmap.
    #[must_use]
    pub const fn new() -> Self {
        Self { words: [0; 3] }
    }

    /// A bitmap from its three 64-bit words (field 1 is the top bit of the first).
    #[must_use]
    pub const fn from_words(words: [u64; 3]) -> Self {
        Self { words }
    }

    /// The three 64-bit words.
    #[must_use]
    pub const fn words(&self) -> [u64; 3] {
        self.words
    }

    /// Whether field `n` (1–192) is present.
    #[inline]
    #[must_use]
    pub fn contains(&self, n: u16) -> bool {
        let Some(i) = usize::from(n).checked_sub(1) else {
            return false;
        };
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (63 - i % 64)) != 0)
    }

    /// Marks field `n` (1–192) present; numbers outside that range are ignored.
    #[inline]
    pub fn insert(&mut self, n: u16) {
        let Some(i) = usize::from(n).checked_sub(1) else {
            return;
        };
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1u64 << (63 - i % 64);
        }
    }

    /// Marks field `n` absent.
    #[inline]
    pub fn remove(&mut self, n: u16) {
        let Some(i) = usize::from(n).checked_sub(1) else {
            return;
        };
        if let Some(w) = self.words.get_mut(i / 64) {
            *w &= !(1u64 << (63 - i % 64));
        }
    }

    /// Whether no field is present.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        let [a, b, c] = self.words;
        a == 0 && b == 0 && c == 0
    }

    /// The present fields in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let base = u16::try_from(wi * 64).unwrap_or(0);
            Ones(w).map(move |bit| base + bit + 1)
        })
    }
}

/// The positions (0 = top bit) of the set bits of a word, top first.
struct Ones(u64);

impl Iterator for Ones {
    type Item = u16;

    #[inline]
    fn next(&mut self) -> Option<u16> {
        if self.0 == 0 {
            return None;
        }
        let lz = self.0.leading_zeros();
        self.0 &= !(1u64 << (63 - lz));
        u16::try_from(lz).ok()
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
        let [_, second, third] = self.words;
        let used = if third != 0 {
            3
        } else if second != 0 || self.contains(1) {
            2
        } else {
            1
        };
        for w in self.words.iter().take(used) {
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
    }
}
