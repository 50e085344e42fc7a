//! The data elements of a [`MessageView`], in ascending order.

use super::{FieldView, MessageView};

/// The data elements of a [`MessageView`], in ascending order.
pub struct Fields<'v, 'a> {
    pub(super) view: &'v MessageView<'a>,
    /// The data elements of the current bitmap word not yet visited, bit-reversed: the
    /// lowest-numbered is the lowest bit, and taking it off does not wait for its number.
    pub(super) bits: u64,
    /// The data elements of the bitmap words after the current one.
    pub(super) later: [u64; 2],
    /// The number of the field before the current word's first (0, 64 or 128).
    pub(super) base: u16,
    /// The rank of the next data element among those present, plus 1: the entry of
    /// `bounds` that holds its end when the view keeps every end.
    pub(super) bound: usize,
    /// Where the next data element starts, with its prefix.
    pub(super) start: usize,
}

impl<'a> Fields<'_, 'a> {
    /// The field after the current one, the general way: its end from the table or its
    /// prefix, its content by its spec. Takes no `&mut self`, so that the iterator's state
    /// can stay in registers.
    #[inline(never)]
    fn general(
        view: &MessageView<'a>,
        n: u16,
        bound: usize,
        start: usize,
    ) -> Option<(FieldView<'a>, usize)> {
        let end = view.end_of(n, bound, start)?;
        Some((view.locate(n, start, end)?, end))
    }

    /// The next bitmap word with a data element after those in `later`, the words after it
    /// and its base; `None` after the last.
    #[inline(never)]
    fn next_word(mut later: [u64; 2], mut base: u16) -> Option<(u64, [u64; 2], u16)> {
        loop {
            let [next, last] = later;
            later = [last, 0];
            base += 64;
            if next != 0 {
                return Some((next, later, base));
            }
            if last == 0 {
                return None;
            }
        }
    }
}

impl<'a> Iterator for Fields<'_, 'a> {
    type Item = FieldView<'a>;

    #[inline]
    fn next(&mut self) -> Option<FieldView<'a>> {
        if self.bits == 0 {
            (self.bits, self.later, self.base) = Self::next_word(self.later, self.base)?;
        }
        // Below 64, so it fits; with the base, at most 192.
        #[allow(clippy::cast_possible_truncation)]
        let n = self.base + self.bits.trailing_zeros() as u16 + 1;
        self.bits &= self.bits - 1;
        let (bound, start) = (self.bound, self.start);
        self.bound += 1;
        let view = self.view;
        // The common cases inline: a field whose end the view keeps, fixed (not BCD, or BCD
        // of an even length, so its first digit is at nibble 0) or with an ASCII or BCD
        // prefix counting its bytes (content that is not BCD).
        if let (true, Some(&end)) = (view.direct(), view.bounds.get(bound)) {
            let end = usize::from(end);
            // At most 192.
            #[allow(clippy::cast_possible_truncation)]
            let n8 = n as u8;
            let table = view.spec.table();
            let Some((skip, shift, fs)) = table.quick_of_byte(n8) else {
                let (field, end) = Self::general(view, n, bound, start)?;
                self.start = end;
                return Some(field);
            };
            self.start = end;
            let from = start + skip;
            let raw = view.input.get(from..end)?;
            let len = raw.len() << shift;
            return Some(FieldView::first_nibble_0(n, fs, raw, len, from));
        }
        let (field, end) = Self::general(view, n, bound, start)?;
        self.start = end;
        Some(field)
    }
}
