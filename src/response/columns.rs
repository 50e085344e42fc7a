//! Padding text to a column width for the plain-text reports, measured in terminal columns.
//!
//! With the `unicode-width` feature an East Asian wide character (Chinese, Japanese, Korean
//! ideographs, full-width forms) counts two columns, as a terminal draws it, so that a Chinese
//! report stays aligned; without it every character counts one.

use core::fmt;

/// The number of terminal columns `text` takes.
#[must_use]
pub(super) fn width(text: &str) -> usize {
    #[cfg(feature = "unicode-width")]
    {
        unicode_width::UnicodeWidthStr::width(text)
    }
    #[cfg(not(feature = "unicode-width"))]
    {
        text.chars().count()
    }
}

/// `text` left-aligned in `columns` terminal columns: padded with spaces on the right. Text
/// already as wide or wider is written unchanged.
pub(super) struct Left<'a> {
    text: &'a str,
    columns: usize,
}

impl fmt::Display for Left<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)?;
        for _ in width(self.text)..self.columns {
            f.write_str(" ")?;
        }
        Ok(())
    }
}

/// `text` left-aligned in `columns` terminal columns.
pub(super) fn left(text: &str, columns: usize) -> Left<'_> {
    Left { text, columns }
}
