//! Finding a field again in a message already decoded: where it ends, from its (checked)
//! prefix, and where its content lies between its start and its end.

use super::plan::Plan;
use super::prefix::{bcd_decimal_value, prefix_read};
use super::read::{refine_bcd_len, units_from_prefix};
use super::table::FieldTable;

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
