//! Finding a field again in a message already decoded: where it ends, from its (checked)
//! prefix, and where its content lies between its start and its end.

use super::plan::{Check, Plan};
use super::prefix::{bcd_decimal_value, prefix_read};
use super::read::{refine_bcd_len, units_from_prefix};
use super::table::FieldTable;

/// How to find the content of a field already decoded without a second look at its length
/// prefix, kept as one byte a field in the [`FieldTable`]: a fixed field (not BCD, or BCD of
/// an even length) or one whose prefix counts its wire bytes. Its content is every byte after
/// the prefix, its length in units is their count (twice it for packed BCD), and its BCD
/// digits, if any, start at nibble 0. The other forms read their prefix again (see
/// [`content`]).
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

/// Where field `n`, starting at `start` with its (already checked) prefix, ends.
pub(crate) fn end_after(table: &FieldTable, input: &[u8], n: u16, start: usize) -> Option<usize> {
    let fs = table.field(n)?;
    let Some(prefix) = &fs.prefix else {
        return Some(start + fs.wire_len(fs.length as usize));
    };
    let content = start + prefix.wire_len();
    let value = prefix_read(prefix, input.get(start..content)?)?;
    let (_, wire) = units_from_prefix(fs, prefix.counts, usize::try_from(value).ok()?);
    Some(content + wire)
}

/// The content of field `n`, which lies between `start` and `end` with its length prefix,
/// and its length in units: the prefix is read again where it must be (it was checked when
/// the message was decoded).
pub(crate) fn content<'a>(
    table: &FieldTable,
    input: &'a [u8],
    n: u16,
    start: usize,
    end: usize,
) -> Option<(&'a [u8], usize)> {
    let fs = table.field(n)?;
    // The forms the decoder's plans cover need no second look at the spec.
    match table.plan(n) {
        Plan::Fixed { units, .. } => return Some((input.get(start..end)?, units as usize)),
        Plan::Prefixed { bytes, .. } => {
            let raw = input.get(start + usize::from(bytes)..end)?;
            return Some((raw, raw.len()));
        }
        Plan::BcdFixed { digits, .. } | Plan::BcdOdd { digits, .. } => {
            return Some((input.get(start..end)?, digits as usize));
        }
        Plan::BcdPrefixed { bytes, .. } => {
            let content = start + usize::from(bytes);
            let len = bcd_decimal_value(input.get(start..content)?)?;
            return Some((input.get(content..end)?, len));
        }
        Plan::BcdWireNibbles { .. } | Plan::General | Plan::Undefined => {}
    }
    let Some(prefix) = &fs.prefix else {
        return Some((input.get(start..end)?, fs.length as usize));
    };
    let content = start + prefix.wire_len();
    let value = prefix_read(prefix, input.get(start..content)?)?;
    let (len, wire) = units_from_prefix(fs, prefix.counts, usize::try_from(value).ok()?);
    let raw = input.get(content..end)?;
    let (len, _) = refine_bcd_len(fs, raw, len, wire);
    Some((raw, len))
}
