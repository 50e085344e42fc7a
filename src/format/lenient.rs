//! The lenient pass: a field whose content breaks its class is recorded as a [`Violation`]
//! and read on; the structure (a length prefix, a length out of range, a field running past
//! the input) stays fatal.

use super::read::OnContent;
use super::scan::{reread, Faults};
use super::table::FieldTable;
use crate::error::{DecodeError, Element};
use crate::spec::field::{ContentClass, FieldSpec};
use crate::violation::{ContentRule, Violation};

/// The lenient pass's fault handler: where it records the violations it finds.
pub(crate) struct Lenient<'v> {
    pub(crate) violations: &'v mut Vec<Violation>,
}

impl OnContent for Lenient<'_> {
    fn broken(
        &mut self,
        fs: &FieldSpec,
        n: u16,
        start: usize,
        offset: usize,
    ) -> Result<(), DecodeError> {
        // Every reader reports a bad sign at the first byte of the content.
        let rule = if fs.class == ContentClass::Xn && offset == start {
            ContentRule::Sign
        } else {
            ContentRule::Class {
                class: fs.class.name(),
            }
        };
        self.violations
            .push(Violation::new(Element::Field(n), offset, rule));
        Ok(())
    }
}

impl Faults for Lenient<'_> {
    type Error = DecodeError;
    const PER_FIELD: bool = true;

    #[cold]
    #[inline(never)]
    fn fault(
        &mut self,
        table: &FieldTable,
        input: &[u8],
        n: u16,
        pos: usize,
    ) -> Result<usize, DecodeError> {
        reread(table, input, n, pos, self)
    }
}
