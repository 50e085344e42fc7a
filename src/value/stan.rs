//! [`Stan`], the system trace audit number (DE11), and [`StanGenerator`], a source of them
//! that threads share.

use super::digits;
use super::error::{ParseError, ParseErrorKind};
use super::serde_text::{text_serde, TextValue};
use core::fmt;
use core::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

/// DE11, the system trace audit number: 1 to 999999, written as six digits (`000123`).
///
/// `000000` is not a trace number: generators skip it, and it is refused here.
/// Text of one to six digits is accepted (`123` is `000123`); serde also takes an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stan(u32);

impl Stan {
    /// The smallest trace number, `000001`.
    pub const MIN: Self = Self(1);
    /// The largest trace number, `999999`.
    pub const MAX: Self = Self(999_999);

    /// The trace number `n`.
    ///
    /// # Errors
    /// [`ParseErrorKind::OutOfRange`] when `n` is 0 or over 999999.
    pub const fn new(n: u32) -> Result<Self, ParseError> {
        if n >= 1 && n <= 999_999 {
            Ok(Self(n))
        } else {
            Err(ParseError::new(ParseErrorKind::OutOfRange {
                what: "STAN",
                min: 1,
                max: 999_999,
            }))
        }
    }

    /// The number, 1 to 999999.
    #[must_use]
    pub const fn get(&self) -> u32 {
        self.0
    }

    /// The trace number after this one: 999999 is followed by 000001, never 000000.
    #[must_use]
    pub const fn successor(&self) -> Self {
        if self.0 >= 999_999 {
            Self(1)
        } else {
            Self(self.0 + 1)
        }
    }
}

impl fmt::Display for Stan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl FromStr for Stan {
    type Err = ParseError;

    /// One to six digits.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let n = digits::number(s, "STAN", 1, 6)?;
        Self::new(u32::try_from(n).unwrap_or(0))
    }
}

impl TextValue for Stan {
    const EXPECTING: &'static str = "a STAN of up to six digits";
    const DIGITS: Option<usize> = Some(6);
}

text_serde!(Stan);

/// A source of trace numbers that any number of threads share (`&self`, `Sync`): each call
/// of [`StanGenerator::next`] hands out the number after the previous one, `000001` after
/// `999999`, and no two calls get the same number until the counter has gone all the way
/// round (999999 numbers later).
///
/// One atomic update per number, without a lock: the counter holds the number to hand out
/// next and is moved on with a compare-and-exchange loop (`fetch_update`), so the wrap from
/// 999999 to 1 happens in the same step and the counter never holds 0 or 1000000.
#[derive(Debug)]
pub struct StanGenerator {
    next: AtomicU32,
}

impl StanGenerator {
    /// A generator whose first number is `first`.
    #[must_use]
    pub const fn new(first: Stan) -> Self {
        Self {
            next: AtomicU32::new(first.0),
        }
    }

    /// The next trace number.
    pub fn next(&self) -> Stan {
        let taken = self
            .next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(Stan(n).successor().0)
            });
        // The closure never refuses, so this is always `Ok`; both carry the number taken.
        let n = match taken {
            Ok(n) | Err(n) => n,
        };
        Stan(n)
    }

    /// The number the next call of [`StanGenerator::next`] would hand out (another thread
    /// may take it first).
    #[must_use]
    pub fn peek(&self) -> Stan {
        Stan(self.next.load(Ordering::Relaxed))
    }
}

impl Default for StanGenerator {
    /// A generator starting at `000001`.
    fn default() -> Self {
        Self::new(Stan::MIN)
    }
}
