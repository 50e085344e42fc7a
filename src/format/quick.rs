//! The one byte a field keeps in its table that finds its content in a decoded message
//! without a second look at its length prefix.

use super::plan::{Check, Plan};

/// How to find the content of a field already decoded without a second look at its length
/// prefix, kept as one byte a field in the field table (`FieldTable`): a fixed field (not
/// BCD, or BCD of an even length) or one whose prefix counts its wire bytes. Its content is every byte after
/// the prefix, its length in units is their count (twice it for packed BCD), and its BCD
/// digits, if any, start at nibble 0. The other forms read their prefix again (see
/// [`content`](super::locate::content)).
///
/// What one byte buys over matching the field's [`Plan`], in `benches/icount.rs`
/// (`decode_get_by_number_0200`, the reference 0200 decoded and its 14 fields read by
/// number): 2,016 instructions matching the plan, 1,981 with this byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quick(u8);

impl Quick {
    /// A form that needs the general path.
    pub(crate) const NONE: Self = Self(u8::MAX);
    /// The bit set for packed BCD, whose length in digits is twice its bytes.
    const BCD: u8 = 0x80;

    /// The quick form of a field that `plan` reads, if it has one.
    pub(crate) const fn of(plan: Plan) -> Self {
        match plan {
            Plan::Fixed {
                check: Check::Bcd, ..
            } => Self(Self::BCD),
            Plan::Fixed { .. } => Self(0),
            // A prefix is 1 to 6 bytes.
            Plan::Prefixed { bytes, .. } => Self(bytes),
            _ => Self::NONE,
        }
    }

    /// How many prefix bytes come before the content, and the base-2 logarithm of the units
    /// a content byte holds; `None` for a form that needs the general path.
    #[inline(always)]
    pub(crate) const fn content(self) -> Option<(usize, u32)> {
        if self.0 == Self::NONE.0 {
            return None;
        }
        Some(((self.0 & !Self::BCD) as usize, (self.0 >> 7) as u32))
    }
}
