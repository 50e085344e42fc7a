//! The ASCII classes the word-at-a-time checks test bytes against.

/// The ASCII classes a word can be tested against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordClass {
    /// `0`–`9`.
    Digits,
    /// `0x20`–`0x7E`.
    Printable,
    /// Letters and space.
    Alpha,
    /// Letters, digits and space.
    AlphaNum,
    /// Digits, `=` and `D` (track data).
    Track,
}
