//! Zero-copy decoding: [`MessageView`] borrows the input and records where each field is.

use crate::bitmap::Bitmap;
use crate::codec::{self, lut, EBCDIC_TO_ASCII};
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::field_id::FieldId;
use crate::mask;
use crate::mti::Mti;
use crate::spec::{
    BcdCheck, BitmapEncoding, Check, ContentClass, Encoding, FieldSpec, MtiEncoding, Plan,
    PrefixCounts, PrefixDigits, Spec,
};
use core::fmt;

/// Where a field's content lies in the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    /// Offset of the content (after the prefix).
    pub(crate) start: u32,
    /// Length of the content on the wire, in bytes.
    pub(crate) wire: u32,
    /// Length in the field's unit (digits, characters, bytes).
    pub(crate) len: u32,
}

/// How many field ends the view keeps: the end of every data element present in most
/// messages (up to 32 of them). A longer message (a message can carry up to 191) keeps the end
/// of every 2nd, 4th or 8th one instead, its *stride*, so any field is at most 1, 3 or 7 length
/// prefixes away from a kept end. An input over 65,535 bytes keeps 16 ends of 32 bits in the
/// same space instead, with a stride of up to 16. The view then fits in 128 bytes, which makes
/// it quick to create, to return and to move.
const INDEXED: usize = 32;

/// How many ends of 32 bits the view of an input over 65,535 bytes keeps (see [`WIDE`]).
const WIDE_INDEXED: usize = INDEXED / 2;

/// `MessageView::flags`: the primary bitmap's bit 1 was set (a secondary bitmap follows).
const SECONDARY: u8 = 1;
/// `MessageView::flags`: bit 65 announced a tertiary bitmap.
const TERTIARY: u8 = 2;
/// `MessageView::flags`: the input is longer than 65,535 bytes, so `ends` holds
/// [`WIDE_INDEXED`] ends of 32 bits (each in two entries, low half first), always with a
/// stride (1 to 16).
const WIDE: u8 = 4;
/// `MessageView::flags`: more than [`INDEXED`] data elements, so `ends` is kept with a stride
/// (set while the fields are read, before the stride is known).
const LONG: u8 = 8;
/// `MessageView::flags`: where the stride's base-2 logarithm (0 to 4) is kept.
const STRIDE_SHIFT: u32 = 4;
/// `MessageView::flags`: the bits of the stride's logarithm.
const STRIDE_BITS: u8 = 7 << STRIDE_SHIFT;

/// A decoded message that borrows its input: the MTI, the bitmap and the place of every field.
///
/// Decoding validates everything (lengths, content classes, the bitmap against the spec, no
/// trailing bytes) and allocates nothing. The view keeps where the data elements present end,
/// by their rank, so [`MessageView::field`] takes constant time:
///
/// - in a message with up to 32 data elements (nearly all), a population count and an array
///   look-up;
/// - in a longer one, the view keeps the end of every 2nd (up to 64 data elements), 4th (up
///   to 128) or 8th one, and `field` reads at most 1, 3 or 7 other length prefixes (already
///   checked) from the nearest kept end.
///
/// A message longer than 65,535 bytes (only possible with LLLLL/LLLLLL fields) keeps the end
/// of every 1st to 16th data element, so `field` reads at most 15 other length prefixes.
#[derive(Clone)]
pub struct MessageView<'a> {
    spec: &'a Spec,
    input: &'a [u8],
    /// The data elements present: the bitmap without its secondary and tertiary flags,
    /// each word bit-reversed (field `64 w + i + 1` is bit `i` of word `w`), so that they are
    /// walked lowest first with `trailing_zeros` and `bits & (bits - 1)`.
    data: [u64; 3],
    mti: Mti,
    /// Where the first data element starts.
    first: u32,
    /// Where the data elements present end, in ascending field order: each one's, or with a
    /// stride (see [`INDEXED`]) where group `g` of the data elements ends; 32 bits an end in a
    /// wide view (see [`WIDE`]).
    ends: [u16; INDEXED],
    /// Byte 0: [`SECONDARY`], [`TERTIARY`], [`WIDE`], [`LONG`] and the stride
    /// ([`STRIDE_BITS`]). Bytes 1 to 7: how many of fields 2 to 64 are present below byte `k`
    /// of the first bitmap word, so that [`MessageView::field`] finds a field's rank with two
    /// byte look-ups instead of a population count (see [`ranks_below`]).
    meta: u64,
}

/// A cursor over the input that never reads past its end.
pub(crate) struct Reader<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    pub(crate) fn take(&mut self, n: usize, element: Element) -> Result<&'a [u8], DecodeError> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        match rest.get(..n) {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(DecodeError::new(
                DecodeErrorKind::Truncated {
                    needed: n,
                    available: rest.len(),
                },
                element,
                self.pos,
            )),
        }
    }
}

impl<'a> MessageView<'a> {
    /// Decodes one complete message.
    ///
    /// # Errors
    /// A [`DecodeError`] with the element and absolute offset when the input is truncated
    /// anywhere, a length prefix is not a number or is out of range, content breaks its
    /// field's class, the bitmap announces a field the spec does not define, or bytes are left
    /// over after the last field.
    #[inline]
    pub fn decode(spec: &'a Spec, input: &'a [u8]) -> Result<Self, DecodeError> {
        let layout = spec.layout();
        let mut r = Reader { input, pos: 0 };
        r.take(layout.header_length, Element::Header)?;
        let mti = read_mti(&mut r, layout.mti_encoding)?;
        let primary = read_bitmap(&mut r, layout.bitmap_encoding_of(1), 1)?;
        let mut secondary = 0;
        let mut tertiary = 0;
        let mut bitmaps = 1;
        // The words are bit-reversed: field 1 (the secondary bitmap's flag) is bit 0.
        if primary & 1 == 1 {
            secondary = read_bitmap(&mut r, layout.bitmap_encoding_of(2), 2)?;
            bitmaps = 2;
            if layout.tertiary_bitmap && secondary & 1 == 1 {
                tertiary = read_bitmap(&mut r, layout.bitmap_encoding_of(3), 3)?;
                bitmaps = 3;
            }
        }
        let tertiary_flag = u64::from(layout.tertiary_bitmap);
        let data = [primary & !1, secondary & !tertiary_flag, tertiary];
        // The flags without a branch: bit 0 of each word moved to its flag's place.
        #[allow(clippy::cast_possible_truncation)]
        let flags = ((primary & 1) as u8 * SECONDARY)
            | ((secondary & tertiary_flag) as u8 * TERTIARY)
            | (u8::from(input.len() > usize::from(u16::MAX)) * WIDE);
        let meta = u64::from(flags);
        let start = r.pos;
        let mut view = Self {
            spec,
            input,
            data,
            mti,
            first: u32::try_from(start).unwrap_or(u32::MAX),
            ends: [0; INDEXED],
            meta,
        };
        if !view.fill_fast(start) {
            view.fill_exact(start, bitmaps)?;
        }
        if view.flags() & (LONG | WIDE) != 0 {
            view.restride();
        }
        view.meta |= ranks_below(view.data[0]);
        Ok(view)
    }

    /// Finds and checks every data element by its plan, recording where each ends. `false`
    /// means something was wrong or outside the plans' reach; the exact reader then starts
    /// over and finds the first error, so this pass needs no error reporting of its own.
    ///
    /// Neighbouring fields of one ASCII class are checked together, as one run of bytes,
    /// when the field closing the run ends or a field of another class starts.
    #[inline]
    fn fill_fast(&mut self, start: usize) -> bool {
        let mut at = Cursor {
            pos: start,
            run: Run {
                check: Check::Any,
                start,
            },
            bad: 0,
        };
        let mut rank = 0;
        let [first, second, third] = self.data;
        // One copy of the loop a bitmap word, each with its base as a constant.
        if !self.fill_word(0, first, &mut at, &mut rank)
            || (second != 0 && !self.fill_word(64, second, &mut at, &mut rank))
            || (third != 0 && !self.fill_word(128, third, &mut at, &mut rank))
        {
            return false;
        }
        let Cursor { pos, run, mut bad } = at;
        bad |= run.flush(self.input, pos);
        bad == 0 && pos == self.input.len()
    }

    /// [`MessageView::fill_fast`] of the fields of one bitmap word (bit-reversed: field
    /// `base + 1` is its bit 0), from the cursor `at`; `rank` is the rank of the first among
    /// all data elements.
    #[inline(always)]
    fn fill_word(&mut self, base: u8, word: u64, at: &mut Cursor, rank: &mut usize) -> bool {
        let input = self.input;
        let spec = self.spec;
        // The cursor as plain locals, which stay in registers; the out-of-line paths get a
        // copy.
        let Cursor {
            mut pos,
            mut run,
            mut bad,
        } = *at;
        // Field 1 + base + i is bit i of the word (kept bit-reversed): the fields come out
        // lowest first, and taking one off (`bits & (bits - 1)`) does not wait for the number
        // of the one before.
        let mut bits = word;
        while bits != 0 {
            // Below 64, so a byte; with the base, at most 192.
            #[allow(clippy::cast_possible_truncation)]
            let n = base + bits.trailing_zeros() as u8 + 1;
            bits &= bits - 1;
            let plan = spec.plan_of_byte(n);
            let n = u16::from(n);
            match plan {
                // The common cases, inline: fixed fields and ASCII-prefixed ones. Their
                // bytes are checked with their run, which also finds a field running
                // past the input.
                Plan::Fixed { wire, check, .. } => {
                    if check != run.check {
                        bad |= run.flush(input, pos);
                        run = Run { check, start: pos };
                    }
                    pos += wire as usize;
                }
                Plan::BcdOdd { wire, left, .. } => {
                    if run.check != Check::Bcd {
                        bad |= run.flush(input, pos);
                        run = Run {
                            check: Check::Bcd,
                            start: pos,
                        };
                    }
                    let end = pos + wire as usize;
                    // The filler must be 0 here; an F (also valid) or a missing byte
                    // goes to the general reader.
                    let filler = if left {
                        input.get(pos).map_or(1, |b| b >> 4)
                    } else {
                        input.get(end.wrapping_sub(1)).map_or(1, |b| b & 0xF)
                    };
                    bad |= u64::from(filler);
                    pos = end;
                }
                Plan::Prefixed {
                    digits: PrefixDigits::Ascii,
                    bytes,
                    min,
                    max,
                    check,
                } => {
                    let content = pos + usize::from(bytes);
                    let Some(len) = ascii_prefix_at(input, pos, bytes) else {
                        return false;
                    };
                    if len > max as usize || len < min as usize {
                        return false;
                    }
                    // The prefix's digits may join the run unless the class is `a`.
                    if check != run.check || check == Check::Alpha {
                        bad |= run.flush(input, pos);
                        run = Run {
                            check,
                            start: content,
                        };
                    }
                    pos = content + len;
                }
                _ => {
                    let mut at = Cursor { pos, run, bad };
                    if !at.field(spec, input, n) {
                        return false;
                    }
                    Cursor { pos, run, bad } = at;
                }
            }
            if let Some(slot) = self.ends.get_mut(*rank) {
                // Exact unless the view is wide (then rewritten by `restride`) or the input
                // too short (which fails below).
                #[allow(clippy::cast_possible_truncation)]
                let end = pos as u16;
                *slot = end;
            } else {
                self.meta |= u64::from(LONG);
            }
            *rank += 1;
        }
        *at = Cursor { pos, run, bad };
        true
    }

    /// Reads every data element with the general reader, recording where each ends, and
    /// returns the first error.
    #[cold]
    #[inline(never)]
    fn fill_exact(&mut self, start: usize, bitmaps: u8) -> Result<(), DecodeError> {
        let mut r = Reader {
            input: self.input,
            pos: start,
        };
        let mut rank = 0;
        let mut last = 0;
        for (base, word) in [0u16, 64, 128].into_iter().zip(self.data) {
            let mut bits = word;
            while bits != 0 {
                // Below 64, so the field number fits.
                #[allow(clippy::cast_possible_truncation)]
                let n = base + bits.trailing_zeros() as u16 + 1;
                bits &= bits - 1;
                let Some(fs) = self.spec.field(n) else {
                    return Err(DecodeError::new(
                        DecodeErrorKind::FieldNotInSpec,
                        Element::Field(n),
                        r.pos,
                    ));
                };
                read_field(&mut r, fs, n)?;
                if let Some(slot) = self.ends.get_mut(rank) {
                    *slot = u16::try_from(r.pos).unwrap_or(u16::MAX);
                } else {
                    self.meta |= u64::from(LONG);
                }
                rank += 1;
                last = n;
            }
        }
        if r.pos != self.input.len() {
            // Blame the last data element, or the last bitmap when there is none.
            let element = match last {
                0 => Element::Bitmap(bitmaps),
                n => Element::Field(n),
            };
            return Err(DecodeError::new(
                DecodeErrorKind::TrailingBytes {
                    count: self.input.len() - r.pos,
                },
                element,
                r.pos,
            ));
        }
        Ok(())
    }

    /// The spec the message was decoded with.
    #[must_use]
    pub const fn spec(&self) -> &'a Spec {
        self.spec
    }

    /// The whole input.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.input
    }

    /// The fixed-length header before the MTI (empty when the spec has none).
    #[must_use]
    pub fn header(&self) -> &'a [u8] {
        self.input
            .get(..self.spec.layout().header_length)
            .unwrap_or_default()
    }

    /// The message type indicator.
    #[must_use]
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// The bitmap as read, including the secondary (1) and tertiary (65) flags.
    #[must_use]
    pub const fn bitmap(&self) -> Bitmap {
        let [primary, secondary, tertiary] = self.wire_words();
        // Each flag's bit, moved to bit 63 of its word.
        let secondary_flag = ((self.flags() & SECONDARY) as u64) << 63;
        let tertiary_flag = ((self.flags() & TERTIARY) as u64 >> 1) << 63;
        Bitmap::from_words([
            primary | secondary_flag,
            secondary | tertiary_flag,
            tertiary,
        ])
    }

    /// The data elements present as the bitmap writes them: field 1 the top bit of the first
    /// word (`data` keeps them bit-reversed).
    const fn wire_words(&self) -> [u64; 3] {
        let [a, b, c] = self.data;
        [a.reverse_bits(), b.reverse_bits(), c.reverse_bits()]
    }

    /// [`SECONDARY`], [`TERTIARY`], [`WIDE`], [`LONG`] and the stride.
    #[inline(always)]
    const fn flags(&self) -> u8 {
        // The low byte of `meta`.
        #[allow(clippy::cast_possible_truncation)]
        let flags = self.meta as u8;
        flags
    }

    /// Whether the input is over 65,535 bytes, so that `ends` holds ends of 32 bits.
    const fn wide(&self) -> bool {
        self.flags() & WIDE != 0
    }

    /// Whether `ends` holds the end of every data element present, by rank (not wide, no
    /// stride).
    const fn direct(&self) -> bool {
        self.flags() & (WIDE | STRIDE_BITS) == 0
    }

    /// The base-2 logarithm of the stride of `ends` (0 when it keeps every field's end).
    const fn stride_shift(&self) -> u32 {
        ((self.flags() & STRIDE_BITS) >> STRIDE_SHIFT) as u32
    }

    /// Rewrites `ends`, which holds the ends of the first [`INDEXED`] data elements (or, in a
    /// wide view, nothing of use), with the stride the message needs: the end of every 2nd,
    /// 4th or 8th data element of a message of more than [`INDEXED`], or in a wide view of
    /// every 1st to 16th as 32 bits. The fields after the kept ones are found by their
    /// (already checked) length prefixes.
    #[cold]
    #[inline(never)]
    fn restride(&mut self) {
        self.meta &= !u64::from(LONG);
        let wide = self.wide();
        let (slots, mut shift) = if wide {
            (WIDE_INDEXED, 0)
        } else {
            (INDEXED, 1)
        };
        let count: u32 = self.data.iter().map(|w| w.count_ones()).sum();
        while (slots << shift) < count as usize && shift < 4 {
            shift += 1;
        }
        let mask = (1usize << shift) - 1;
        let mut ends = [0u16; INDEXED];
        let mut pos = self.first as usize;
        for (rank, n) in Bitmap::from_words(self.wire_words()).iter().enumerate() {
            pos = match (wide, self.ends.get(rank)) {
                (false, Some(&end)) => usize::from(end),
                _ => match self.end_after(n, pos) {
                    Some(end) => end,
                    // Cannot happen: every prefix was checked when the message was read.
                    None => return,
                },
            };
            // The last group, when it is short, is not kept: its fields are found from the
            // group before.
            if rank & mask != mask {
                continue;
            }
            let slot = rank >> shift;
            if wide {
                // A valid message is far shorter than 4 GiB (192 fields of at most 999,999
                // bytes).
                let [a, b, c, d] = u32::try_from(pos).unwrap_or(u32::MAX).to_le_bytes();
                if let Some([low, high]) =
                    ends.get_mut(2 * slot..).and_then(<[u16]>::first_chunk_mut)
                {
                    *low = u16::from_le_bytes([a, b]);
                    *high = u16::from_le_bytes([c, d]);
                }
            } else if let Some(end) = ends.get_mut(slot) {
                // Not wide, so below 65,536.
                *end = u16::try_from(pos).unwrap_or(u16::MAX);
            }
        }
        self.ends = ends;
        // `shift` is 0 to 4, so it fits in the three flag bits.
        #[allow(clippy::cast_possible_truncation)]
        let bits = (shift as u8) << STRIDE_SHIFT;
        self.meta |= u64::from(bits);
    }

    /// The end of group `group` of data elements kept in `ends` (see [`INDEXED`]).
    fn kept_end(&self, group: usize) -> Option<usize> {
        if self.wide() {
            let [low, high] = *self.ends.get(2 * group..)?.first_chunk::<2>()?;
            let [a, b] = low.to_le_bytes();
            let [c, d] = high.to_le_bytes();
            return usize::try_from(u32::from_le_bytes([a, b, c, d])).ok();
        }
        self.ends.get(group).map(|&end| usize::from(end))
    }

    /// Whether data element `n` is present.
    #[must_use]
    pub fn has(&self, n: u16) -> bool {
        self.rank(n).is_some()
    }

    /// The rank of data element `n` among those present, if it is present.
    #[inline(always)]
    fn rank(&self, n: u16) -> Option<usize> {
        // Field 0 wraps to a word that does not exist.
        let i = usize::from(n).wrapping_sub(1);
        let w = i / 64;
        let word = *self.data.get(w)?;
        let bit = i % 64;
        if word >> bit & 1 == 0 {
            return None;
        }
        if w == 0 {
            // Fields 2 to 64: those below the field's byte, counted when the message was
            // decoded, and those below it in its byte.
            let shift = bit & !7;
            // Byte 0 of `meta` holds the flags, not a count.
            #[allow(clippy::cast_possible_truncation)]
            let (before, byte) = (((self.meta & !0xFF) >> shift) as u8, (word >> shift) as u8);
            let below = codec::lut(&BITS_BELOW, byte).get(bit % 8).copied()?;
            return Some(usize::from(before + below));
        }
        let before = match self.data {
            [first, second, _] if w == 2 => first.count_ones() + second.count_ones(),
            [first, ..] => first.count_ones(),
        };
        let below = (word & ((1u64 << bit) - 1)).count_ones();
        Some((before + below) as usize)
    }

    /// Data element `n`, if present. Bitmap flags (1, and 65 when it announces a tertiary
    /// bitmap) are not data elements.
    ///
    /// In a message of up to 32 data elements this costs about one step of
    /// [`MessageView::fields`]: the rank from the bitmap, both ends from the table, and for
    /// fixed and byte-counted fields no second look at the length prefix.
    #[inline]
    #[must_use]
    pub fn field(&self, n: u16) -> Option<FieldView<'a>> {
        let rank = self.rank(n)?;
        if !self.direct() {
            return self.field_far(n, rank);
        }
        let end = usize::from(*self.ends.get(rank)?);
        let start = match rank.checked_sub(1) {
            None => self.first as usize,
            Some(prev) => usize::from(*self.ends.get(prev)?),
        };
        // `rank` found the field in one of three words, so it is at most 192.
        #[allow(clippy::cast_possible_truncation)]
        let (from, units) = match self.spec.plan_of_byte(n as u8) {
            Plan::Fixed { units, .. } => (start, Some(units as usize)),
            Plan::Prefixed { bytes, .. } => (start + usize::from(bytes), None),
            _ => return self.locate(n, start, end),
        };
        #[allow(clippy::cast_possible_truncation)]
        let fs = self.spec.field_of_byte(n as u8)?;
        let raw = self.input.get(from..end)?;
        Some(FieldView::first_nibble_0(
            n,
            fs,
            raw,
            units.unwrap_or(raw.len()),
        ))
    }

    /// [`MessageView::field`] in a wide view or one whose `ends` has a stride.
    #[inline(never)]
    fn field_far(&self, n: u16, rank: usize) -> Option<FieldView<'a>> {
        let shift = self.stride_shift();
        let mask = (1usize << shift) - 1;
        let group = rank >> shift;
        let mut start = match group.checked_sub(1) {
            None => self.first as usize,
            Some(prev) => self.kept_end(prev)?,
        };
        // The data elements of the group before `n` (at most 15), in ascending order.
        let mut before = [0u16; 16];
        let skip = rank & mask;
        let mut found = 0;
        let mut m = n;
        while found < skip {
            m = self.present_below(m)?;
            found += 1;
            *before.get_mut(skip - found)? = m;
        }
        for &m in before.get(..skip)? {
            start = self.end_after(m, start)?;
        }
        let end = if rank & mask == mask {
            self.kept_end(group)?
        } else {
            self.end_after(n, start)?
        };
        self.locate(n, start, end)
    }

    /// The highest-numbered data element present below `n`.
    fn present_below(&self, n: u16) -> Option<u16> {
        let mut i = n.checked_sub(1)?;
        loop {
            // Field `i` (1-based) and those below it in the same word.
            let bit = i.checked_sub(1)?;
            let (w, b) = (usize::from(bit / 64), u32::from(bit % 64));
            let word = self.data.get(w)? & (u64::MAX >> (63 - b));
            if word != 0 {
                // The highest set bit is the highest field number; below 64, so it fits.
                #[allow(clippy::cast_possible_truncation)]
                return Some(w as u16 * 64 + (63 - word.leading_zeros()) as u16 + 1);
            }
            i = u16::try_from(w * 64).ok()?;
        }
    }

    /// Where field `n`, starting at `start` with its prefix, ends: read from the table when
    /// it holds every field's end, or from the prefix.
    #[inline]
    fn end_of(&self, n: u16, rank: usize, start: usize) -> Option<usize> {
        if self.direct() {
            if let Some(end) = self.ends.get(rank) {
                return Some(usize::from(*end));
            }
        }
        self.end_after(n, start)
    }

    /// Where field `n`, starting at `start` with its (already checked) prefix, ends.
    fn end_after(&self, n: u16, start: usize) -> Option<usize> {
        let fs = self.spec.field(n)?;
        let Some(prefix) = &fs.prefix else {
            return Some(start + fs.wire_len(fs.length as usize));
        };
        let content = start + prefix.wire_len();
        let value = codec::prefix_read(prefix, self.input.get(start..content)?)?;
        let (_, wire) = units_from_prefix(fs, prefix.counts, usize::try_from(value).ok()?);
        Some(content + wire)
    }

    /// The field `n` that lies between `start` and `end`, its length prefix included: the
    /// prefix is read again (it was checked when the message was decoded).
    #[inline]
    fn locate(&self, n: u16, start: usize, end: usize) -> Option<FieldView<'a>> {
        let fs = self.spec.field(n)?;
        // The forms the decoder's plans cover need no second look at the spec.
        match self.spec.plan(n) {
            Plan::Fixed { units, .. } => {
                let raw = self.input.get(start..end)?;
                return Some(FieldView::new(n, fs, raw, units as usize));
            }
            Plan::Prefixed { bytes, .. } => {
                let raw = self.input.get(start + usize::from(bytes)..end)?;
                return Some(FieldView::new(n, fs, raw, raw.len()));
            }
            Plan::BcdFixed { digits, .. } | Plan::BcdOdd { digits, .. } => {
                let raw = self.input.get(start..end)?;
                return Some(FieldView::new(n, fs, raw, digits as usize));
            }
            Plan::BcdPrefixed { bytes, .. } => {
                let content = start + usize::from(bytes);
                let len = bcd_prefix(self.input.get(start..content)?)?;
                let raw = self.input.get(content..end)?;
                return Some(FieldView::new(n, fs, raw, len));
            }
            Plan::BcdWireNibbles { .. } | Plan::General | Plan::Undefined => {}
        }
        let Some(prefix) = &fs.prefix else {
            let raw = self.input.get(start..end)?;
            return Some(FieldView::new(n, fs, raw, fs.length as usize));
        };
        let content = start + prefix.wire_len();
        let value = codec::prefix_read(prefix, self.input.get(start..content)?)?;
        let (len, wire) = units_from_prefix(fs, prefix.counts, usize::try_from(value).ok()?);
        let raw = self.input.get(content..end)?;
        let (len, _) = refine_bcd_len(fs, raw, len, wire);
        Some(FieldView::new(n, fs, raw, len))
    }

    /// The data elements present, in ascending order.
    #[must_use]
    pub fn fields(&self) -> Fields<'_, 'a> {
        let [first, second, third] = self.data;
        Fields {
            view: self,
            bits: first,
            later: [second, third],
            base: 0,
            rank: 0,
            start: self.first as usize,
        }
    }
}

/// The data elements of a [`MessageView`], in ascending order.
pub struct Fields<'v, 'a> {
    view: &'v MessageView<'a>,
    /// The data elements of the current bitmap word not yet visited, bit-reversed: the
    /// lowest-numbered is the lowest bit, and taking it off does not wait for its number.
    bits: u64,
    /// The data elements of the bitmap words after the current one.
    later: [u64; 2],
    /// The number of the field before the current word's first (0, 64 or 128).
    base: u16,
    /// The rank of the next data element among those present.
    rank: usize,
    /// Where the next data element starts, with its prefix.
    start: usize,
}

impl<'a> Fields<'_, 'a> {
    /// The field after the current one, the general way: its end from the table or its
    /// prefix, its content by its spec. Takes no `&mut self`, so that the iterator's state
    /// can stay in registers.
    #[inline(never)]
    fn general(
        view: &MessageView<'a>,
        n: u16,
        rank: usize,
        start: usize,
    ) -> Option<(FieldView<'a>, usize)> {
        let end = view.end_of(n, rank, start)?;
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
        let (rank, start) = (self.rank, self.start);
        self.rank += 1;
        let view = self.view;
        // The common cases inline: a field whose end the view keeps, fixed (not BCD, or BCD
        // of an even length, so its first digit is at nibble 0) or with an ASCII or BCD
        // prefix counting its bytes (content that is not BCD).
        if let (true, Some(&end)) = (view.direct(), view.ends.get(rank)) {
            let end = usize::from(end);
            // At most 192.
            #[allow(clippy::cast_possible_truncation)]
            let (from, units) = match view.spec.plan_of_byte(n as u8) {
                Plan::Fixed { units, .. } => (start, Some(units as usize)),
                Plan::Prefixed { bytes, .. } => (start + usize::from(bytes), None),
                _ => {
                    let (field, end) = Self::general(view, n, rank, start)?;
                    self.start = end;
                    return Some(field);
                }
            };
            self.start = end;
            let fs = view.spec.field(n)?;
            let raw = view.input.get(from..end)?;
            return Some(FieldView::first_nibble_0(
                n,
                fs,
                raw,
                units.unwrap_or(raw.len()),
            ));
        }
        let (field, end) = Self::general(view, n, rank, start)?;
        self.start = end;
        Some(field)
    }
}

/// `BITS_BELOW[b][k]`: how many of the bits 0 to `k - 1` of byte `b` are set.
// The loops stay below each array's length; counts are at most 8.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const BITS_BELOW: [[u8; 8]; 256] = {
    let mut t = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            t[b][k] = (b & ((1 << k) - 1)).count_ones() as u8;
            k += 1;
        }
        b += 1;
    }
    t
};

/// For the first bitmap word (bit-reversed: field `i + 1` is bit `i`), byte `k` (1 to 7) of
/// the result is how many bits are set below bit `8 k`; byte 0 is 0. A population count of
/// each byte, then one multiplication sums each byte with all those below it.
///
/// What it buys, in `benches/icount.rs` (`decode_get_by_number_0200`: the reference 0200
/// decoded, then its 14 fields read by number): a population count per look-up (the target
/// has no `popcnt` instruction by default, so it is some 20 instructions of arithmetic) made
/// it 2,285 instructions; with these counts it is 2,119, for about 25 more a decoding.
#[inline(always)]
const fn ranks_below(word: u64) -> u64 {
    let x = word - ((word >> 1) & 0x5555_5555_5555_5555);
    let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
    let per_byte = (x + (x >> 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Each byte's count with the ones below it (at most 64, so no byte carries), moved up a
    // byte so that byte `k` counts the bytes below `k` only.
    per_byte.wrapping_mul(0x0101_0101_0101_0101) << 8
}

#[inline]
fn read_mti(r: &mut Reader<'_>, encoding: MtiEncoding) -> Result<Mti, DecodeError> {
    let at = r.pos;
    let bad = DecodeError::new(DecodeErrorKind::InvalidMti, Element::Mti, at);
    let raw = r.take(encoding.wire_len(), Element::Mti)?;
    if let (MtiEncoding::Ascii, Some(four)) = (encoding, raw.first_chunk::<4>()) {
        // Four digits, tested at once (no byte borrows or carries unless it is bad).
        let w = u32::from_le_bytes(*four);
        let out = (w | w.wrapping_sub(0x3030_3030) | w.wrapping_add(0x4646_4646)) & 0x8080_8080;
        if out != 0 {
            return Err(bad);
        }
        return Ok(Mti::from_checked_digits(*four));
    }
    let digits: [u8; 4] = match (encoding, raw) {
        (MtiEncoding::Ebcdic, &[a, b, c, d]) => [a, b, c, d].map(|x| lut(&EBCDIC_TO_ASCII, x)),
        (MtiEncoding::Bcd, &[x, y]) => {
            [x >> 4, x & 0xF, y >> 4, y & 0xF].map(|d| if d <= 9 { b'0' + d } else { b'X' })
        }
        _ => return Err(bad),
    };
    Mti::new(digits).ok_or(bad)
}

/// A bitmap, bit-reversed: field `64 (which - 1) + i + 1` is bit `i`.
#[inline(always)]
fn read_bitmap(
    r: &mut Reader<'_>,
    encoding: BitmapEncoding,
    which: u8,
) -> Result<u64, DecodeError> {
    let at = r.pos;
    let raw = r.take(encoding.wire_len(), Element::Bitmap(which))?;
    let bad = DecodeError::new(DecodeErrorKind::InvalidBitmap, Element::Bitmap(which), at);
    match encoding {
        BitmapEncoding::Binary => {
            let bytes: [u8; 8] = raw.try_into().map_err(|_| bad)?;
            Ok(u64::from_be_bytes(bytes).reverse_bits())
        }
        BitmapEncoding::AsciiHex => {
            let (hi, lo) = raw
                .split_first_chunk::<8>()
                .and_then(|(hi, rest)| Some((*hi, *rest.first_chunk::<8>()?)))
                .ok_or(bad)?;
            codec::hex16_reversed(hi, lo).ok_or(bad)
        }
        BitmapEncoding::EbcdicHex => {
            let mut v = 0u64;
            for &c in raw {
                let c = lut(&EBCDIC_TO_ASCII, c);
                v = v << 4 | u64::from(codec::hex_value(c).ok_or(bad)?);
            }
            Ok(v.reverse_bits())
        }
    }
}

/// The bytes of neighbouring fields of one ASCII class, not yet checked: from `start` to the
/// end of the last field read.
#[derive(Clone, Copy)]
struct Run {
    check: Check,
    start: usize,
}

impl Run {
    /// `len` packed BCD digits at `content`, after a prefix at `pos`: checks the length
    /// against `min..=max` and the digits (faults into `bad`), closes the run, and gives where
    /// the field ends.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn bcd_after_prefix(
        &mut self,
        input: &[u8],
        pos: usize,
        content: usize,
        len: usize,
        (min, max): (u32, u32),
        bcd: BcdCheck,
        bad: &mut u64,
    ) -> Option<usize> {
        if len > max as usize || len < min as usize {
            return None;
        }
        let end = bcd_digits(input, content, len, bcd, bad)?;
        self.extend(input, pos, end, Check::Any, false, bad);
        Some(end)
    }

    /// Checks the run, ending at `end`: nonzero when a byte breaks its class. A run of any
    /// bytes needs no look.
    #[inline(always)]
    fn flush(self, input: &[u8], end: usize) -> u64 {
        if self.check == Check::Any {
            return 0;
        }
        check_run(input, self.start, end, self.check)
    }

    /// Makes the content at `content` (after a prefix at `pos`, if `content > pos`) part of
    /// a run of `check`: the current run goes on when it is of the same class and any prefix
    /// between is ASCII digits that the class allows; otherwise it is checked into `bad`
    /// and a new one starts.
    #[inline(always)]
    fn extend(
        &mut self,
        input: &[u8],
        pos: usize,
        content: usize,
        check: Check,
        ascii_prefix: bool,
        bad: &mut u64,
    ) {
        let digits_allowed = check != Check::Alpha;
        if check == self.check && (content == pos || (ascii_prefix && digits_allowed)) {
            return;
        }
        *bad |= self.flush(input, pos);
        self.check = check;
        self.start = content;
    }
}

/// Checks the bytes of a run: nonzero when one breaks its class. One small function per
/// class, out of line, so that the loop calling them stays small and each needs only its
/// own constants.
#[inline(always)]
fn check_run(input: &[u8], start: usize, end: usize, check: Check) -> u64 {
    /// One class's run check.
    macro_rules! check_fn {
        ($name:ident, $check:expr) => {
            #[inline(never)]
            fn $name(input: &[u8], start: usize, end: usize) -> u64 {
                span_bad(input, start, end, $check)
            }
        };
    }
    check_fn!(digits, Check::Digits);
    check_fn!(printable, Check::Printable);
    check_fn!(alpha, Check::Alpha);
    check_fn!(alphanum, Check::AlphaNum);
    check_fn!(track, Check::Track);
    check_fn!(bcd, Check::Bcd);
    match check {
        Check::Any => 0,
        Check::Digits => digits(input, start, end),
        Check::Printable => printable(input, start, end),
        Check::Alpha => alpha(input, start, end),
        Check::AlphaNum => alphanum(input, start, end),
        Check::Track => track(input, start, end),
        Check::Bcd => bcd(input, start, end),
    }
}

/// Where the fast pass is: the end of the last field read, the run not yet checked, and the
/// faults found so far.
#[derive(Clone, Copy)]
struct Cursor {
    pos: usize,
    run: Run,
    bad: u64,
}

impl Cursor {
    /// Reads field `n` at the cursor by its plan. ASCII content joins the run; other faults
    /// are ORed into `bad`. `false` when the field cannot be read here (truncated, a bad
    /// prefix, a length out of range, a field the spec lacks, or one the general reader
    /// refuses).
    #[inline(never)]
    fn field(&mut self, spec: &Spec, input: &[u8], n: u16) -> bool {
        // Looked up again here rather than passed, so that the caller keeps its copy of the
        // plan in registers.
        let plan = spec.plan(n);
        let pos = self.pos;
        match self.end_of(plan, spec, input, n, pos) {
            Some(end) => {
                self.pos = end;
                true
            }
            None => false,
        }
    }

    #[inline(always)]
    fn end_of(
        &mut self,
        plan: Plan,
        spec: &Spec,
        input: &[u8],
        n: u16,
        pos: usize,
    ) -> Option<usize> {
        let (run, bad) = (&mut self.run, &mut self.bad);
        match plan {
            Plan::Fixed { wire, check, .. } => {
                // Checked with its run, which also finds it running past the input.
                run.extend(input, pos, pos, check, false, bad);
                Some(pos + wire as usize)
            }
            Plan::Prefixed {
                digits,
                bytes,
                min,
                max,
                check,
            } => {
                let content = pos + usize::from(bytes);
                let prefix = input.get(pos..content)?;
                let len = match digits {
                    PrefixDigits::Ascii => ascii_prefix(prefix)?,
                    PrefixDigits::Bcd => bcd_prefix(prefix)?,
                };
                if len > max as usize || len < min as usize {
                    return None;
                }
                let ascii = digits == PrefixDigits::Ascii;
                // Checked with its run, which also finds it running past the input.
                run.extend(input, pos, content, check, ascii, bad);
                Some(content + len)
            }
            Plan::BcdOdd { wire, .. } => {
                // Read inline by the caller; here only for completeness.
                run.extend(input, pos, pos, Check::Bcd, false, bad);
                *bad |= 1;
                Some(pos + wire as usize)
            }
            Plan::BcdFixed { digits, bcd } => {
                let end = bcd_digits(input, pos, digits as usize, bcd, bad)?;
                run.extend(input, pos, end, Check::Any, false, bad);
                Some(end)
            }
            Plan::BcdPrefixed {
                bytes,
                min,
                max,
                bcd,
            } => {
                let content = pos + usize::from(bytes);
                let len = bcd_prefix(input.get(pos..content)?)?;
                run.bcd_after_prefix(input, pos, content, len, (min, max), bcd, bad)
            }
            Plan::BcdWireNibbles {
                bytes,
                min,
                max,
                bcd,
            } => {
                let content = pos + usize::from(bytes);
                let nibbles = bcd_prefix(input.get(pos..content)?)?;
                // Nibbles on the wire come in pairs.
                if !nibbles.is_multiple_of(2) {
                    return None;
                }
                let raw = input.get(content..content + nibbles / 2)?;
                // An F filler, first or last as the spec pads, is not a digit.
                let filler = if bcd.pad_left {
                    raw.first().map(|b| b >> 4)
                } else {
                    raw.last().map(|b| b & 0xF)
                };
                let len = nibbles - usize::from(filler == Some(0xF));
                run.bcd_after_prefix(input, pos, content, len, (min, max), bcd, bad)
            }
            Plan::General => {
                let end = general_field(spec, input, n, pos)?;
                run.extend(input, pos, end, Check::Any, false, bad);
                Some(end)
            }
            Plan::Undefined => None,
        }
    }
}

/// The ASCII decimal length prefix of `width` digits at `pos`: LL and LLL without a loop.
#[inline(always)]
fn ascii_prefix_at(input: &[u8], pos: usize, width: u8) -> Option<usize> {
    let digit = |b: u8| {
        let d = b.wrapping_sub(b'0');
        (d < 10).then_some(usize::from(d))
    };
    match width {
        2 => match input.get(pos..pos + 2)? {
            &[a, b] => Some(digit(a)? * 10 + digit(b)?),
            _ => None,
        },
        3 => match input.get(pos..pos + 3)? {
            &[a, b, c] => Some(digit(a)? * 100 + digit(b)? * 10 + digit(c)?),
            _ => None,
        },
        _ => ascii_prefix(input.get(pos..pos + usize::from(width))?),
    }
}

/// An ASCII decimal length prefix.
#[inline(always)]
fn ascii_prefix(digits: &[u8]) -> Option<usize> {
    let mut len = 0usize;
    let mut ok = true;
    for &d in digits {
        let v = d.wrapping_sub(b'0');
        ok &= v < 10;
        len = len * 10 + usize::from(v);
    }
    ok.then_some(len)
}

/// A packed BCD length prefix (an odd digit count's leading filler nibble is read as a digit:
/// if it is not 0 the value exceeds any maximum the prefix allows, and the caller's range
/// check fails).
#[inline(always)]
fn bcd_prefix(bytes: &[u8]) -> Option<usize> {
    let mut len = 0usize;
    let mut ok = true;
    for &b in bytes {
        let (h, l) = (b >> 4, b & 0xF);
        ok &= h < 10 && l < 10;
        len = len * 100 + usize::from(h) * 10 + usize::from(l);
    }
    ok.then_some(len)
}

/// `len` packed BCD digits at `start`: where they end, with any fault ORed into `bad`. The
/// filler nibble of an odd count (0 or F) is checked on its own.
#[inline(always)]
fn bcd_digits(
    input: &[u8],
    start: usize,
    len: usize,
    bcd: BcdCheck,
    bad: &mut u64,
) -> Option<usize> {
    let end = start + len.div_ceil(2);
    if end > input.len() {
        return None;
    }
    let (from, to) = if len.is_multiple_of(2) {
        (start, end)
    } else {
        let digit_ok = |d: u8| d <= 9 || (bcd.track && d == 0xD);
        let filler_ok = |d: u8| d == 0 || d == 0xF;
        if bcd.pad_left {
            let b = *input.get(start)?;
            *bad |= u64::from(!(filler_ok(b >> 4) && digit_ok(b & 0xF)));
            (start + 1, end)
        } else {
            let b = *input.get(end - 1)?;
            *bad |= u64::from(!(digit_ok(b >> 4) && filler_ok(b & 0xF)));
            (start, end - 1)
        }
    };
    *bad |= if bcd.track {
        codec::span_bits(input, from, to, codec::bcd_outside_track)
    } else {
        codec::span_bits(input, from, to, codec::bcd_outside_digits)
    };
    Some(end)
}

/// A field outside the plans: the general reader, out of line.
#[inline(never)]
fn general_field(spec: &Spec, input: &[u8], n: u16, pos: usize) -> Option<usize> {
    let fs = spec.field(n)?;
    let mut r = Reader { input, pos };
    read_field(&mut r, fs, n).ok()?;
    Some(r.pos)
}

/// Nonzero when a byte of `input[start..end]` breaks `check`; one monomorphic word loop per
/// class.
#[inline(always)]
fn span_bad(input: &[u8], start: usize, end: usize, check: Check) -> u64 {
    use codec::WordClass as W;
    match check {
        Check::Any => 0,
        Check::Digits => codec::span_outside(input, start, end, W::Digits),
        Check::Printable => codec::span_outside(input, start, end, W::Printable),
        Check::Alpha => codec::span_outside(input, start, end, W::Alpha),
        Check::AlphaNum => codec::span_outside(input, start, end, W::AlphaNum),
        Check::Track => codec::span_outside(input, start, end, W::Track),
        Check::Bcd => codec::bcd_span_outside(input, start, end),
    }
}

/// Reads one field at the cursor: its prefix, its content, and the checks of both.
#[inline]
pub(crate) fn read_field(r: &mut Reader<'_>, fs: &FieldSpec, n: u16) -> Result<Span, DecodeError> {
    let element = Element::Field(n);
    let prefix_at = r.pos;
    let (len, wire) = match &fs.prefix {
        None => (fs.length as usize, fs.wire_len(fs.length as usize)),
        Some(prefix) => {
            let raw = r.take(prefix.wire_len(), element)?;
            let value = codec::prefix_read(prefix, raw).ok_or(DecodeError::new(
                DecodeErrorKind::InvalidLengthPrefix,
                element,
                prefix_at,
            ))?;
            let value = usize::try_from(value).unwrap_or(usize::MAX);
            // Nibbles on the wire, a filler included, come in pairs: an odd count is no length.
            if prefix.counts == PrefixCounts::WireNibbles && value % 2 == 1 {
                return Err(DecodeError::new(
                    DecodeErrorKind::InvalidLengthPrefix,
                    element,
                    prefix_at,
                ));
            }
            let (len, wire) = units_from_prefix(fs, prefix.counts, value);
            // An F filler may yet take one digit off (see `refine_bcd_len`); the exact
            // range is checked again below.
            let slack = usize::from(may_shrink(fs));
            check_range(fs, len, slack)
                .map_err(|kind| DecodeError::new(kind, element, prefix_at))?;
            (len, wire)
        }
    };
    let start = r.pos;
    let raw = r.take(wire, element)?;
    let (len, wire) = refine_bcd_len(fs, raw, len, wire);
    if may_shrink(fs) {
        check_range(fs, len, 0).map_err(|kind| DecodeError::new(kind, element, prefix_at))?;
    }
    check_content(fs, raw, len)
        .map_err(|p| DecodeError::new(invalid(fs.class), element, start + p))?;
    Ok(Span {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        wire: u32::try_from(wire).unwrap_or(u32::MAX),
        len: u32::try_from(len).unwrap_or(u32::MAX),
    })
}

/// Checks a variable field's length against its range, allowing `slack` more at the top.
#[inline]
fn check_range(fs: &FieldSpec, len: usize, slack: usize) -> Result<(), DecodeErrorKind> {
    let (min, max) = (fs.min_length as usize, fs.length as usize);
    if len > max + slack || len < min {
        return Err(DecodeErrorKind::LengthOutOfRange { len, min, max });
    }
    Ok(())
}

const fn invalid(class: ContentClass) -> DecodeErrorKind {
    DecodeErrorKind::InvalidContent {
        class: class.name(),
    }
}

/// The content length (field units) and the wire length from a prefix value.
#[inline]
fn units_from_prefix(fs: &FieldSpec, counts: PrefixCounts, value: usize) -> (usize, usize) {
    match counts {
        PrefixCounts::Units => (value, fs.wire_len(value)),
        PrefixCounts::Bytes => (units_from_wire(fs, value), value),
        PrefixCounts::Nibbles if fs.encoding == Encoding::Bcd => (value, fs.wire_len(value)),
        PrefixCounts::Nibbles | PrefixCounts::WireNibbles => {
            let wire = value.div_ceil(2);
            (units_from_wire(fs, wire), wire)
        }
    }
}

/// The content length of `wire` bytes (for BCD, assuming an even digit count; see
/// [`refine_bcd_len`]).
#[inline]
fn units_from_wire(fs: &FieldSpec, wire: usize) -> usize {
    match (fs.encoding, fs.class) {
        (Encoding::Bcd, ContentClass::Xn) if wire > 0 => 1 + (wire - 1) * 2,
        (Encoding::Bcd, _) => wire * 2,
        (Encoding::AsciiHex | Encoding::EbcdicHex, _) => wire / 2,
        _ => wire,
    }
}

/// Whether a BCD field's prefix counts whole bytes (or wire nibbles), so that an `F` filler
/// nibble on the wire makes the digit count one less than the prefix implies.
#[inline]
fn may_shrink(fs: &FieldSpec) -> bool {
    let by_bytes = matches!(
        fs.prefix.map(|p| p.counts),
        Some(PrefixCounts::Bytes | PrefixCounts::WireNibbles)
    );
    by_bytes
        && fs.encoding == Encoding::Bcd
        && fs.bcd_pad.nibble() == 0xF
        && fs.class != ContentClass::B
}

/// A BCD field whose prefix counts bytes (or wire nibbles) has an odd digit count when its
/// filler nibble is `F`; the length shrinks by one then (jPOS `IFEB_LLNUM` style).
#[inline]
fn refine_bcd_len(fs: &FieldSpec, raw: &[u8], len: usize, wire: usize) -> (usize, usize) {
    if !may_shrink(fs) || len == 0 {
        return (len, wire);
    }
    // For class xn the digits follow the sign byte.
    let digits = if fs.class == ContentClass::Xn {
        raw.get(1..).unwrap_or_default()
    } else {
        raw
    };
    let filler = if fs.bcd_pad.is_left() {
        digits.first().map(|b| b >> 4)
    } else {
        digits.last().map(|b| b & 0xF)
    };
    if filler == Some(0xF) && fs.class != ContentClass::B {
        (len - 1, wire)
    } else {
        (len, wire)
    }
}

/// Hex content takes two characters a byte: an odd count leaves its last character alone.
fn whole_bytes(hex: &[u8]) -> Result<(), usize> {
    if hex.len().is_multiple_of(2) {
        Ok(())
    } else {
        Err(hex.len() - 1)
    }
}

/// Checks a field's content against its class; the error is the byte offset within the
/// content.
#[inline]
pub(crate) fn check_content(fs: &FieldSpec, raw: &[u8], len: usize) -> Result<(), usize> {
    match fs.encoding {
        Encoding::Ascii => codec::ascii_check(raw, fs.class),
        Encoding::Ebcdic => codec::ebcdic_check(raw, fs.class),
        Encoding::Binary => Ok(()),
        Encoding::AsciiHex => codec::hex_check(raw).and_then(|()| whole_bytes(raw)),
        Encoding::EbcdicHex => {
            match raw
                .iter()
                .position(|&c| codec::hex_value(lut(&EBCDIC_TO_ASCII, c)).is_none())
            {
                Some(p) => Err(p),
                None => whole_bytes(raw),
            }
        }
        Encoding::Bcd => {
            // The byte of digit `d` of `count`: an odd count padded on the left starts at
            // nibble 1.
            let byte = |count: usize, d: usize| {
                (usize::from(count % 2 == 1 && fs.bcd_pad.is_left()) + d) / 2
            };
            if fs.class == ContentClass::Xn {
                let (sign, digits) = raw.split_first().ok_or(0usize)?;
                if !matches!(sign, b'C' | b'D') {
                    return Err(0);
                }
                let count = len.saturating_sub(1);
                codec::bcd_check(digits, count, ContentClass::N, fs.bcd_pad)
                    .map_err(|d| 1 + byte(count, d))
            } else {
                codec::bcd_check(raw, len, fs.class, fs.bcd_pad).map_err(|d| byte(len, d))
            }
        }
    }
}

/// One data element (or subfield) of a decoded message: borrowed wire bytes plus its format.
#[derive(Clone, Copy)]
pub struct FieldView<'a> {
    number: u16,
    sub: Option<FieldId>,
    /// For BCD content, the nibble of `raw` where the first digit is.
    lead: u8,
    spec: &'a FieldSpec,
    raw: &'a [u8],
    len: usize,
}

/// Why a field's value could not be given in the form asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The buffer given is shorter than the value.
    #[error("buffer of {given} bytes is too small for a value of {needed}")]
    BufferTooSmall {
        /// Bytes the value needs.
        needed: usize,
        /// Bytes the buffer has.
        given: usize,
    },
    /// The value is not text on the wire (BCD, EBCDIC or binary): use
    /// [`FieldView::text_into`].
    #[error("the value is not ASCII text on the wire")]
    NotAsciiText,
    /// The value is not a number that fits in a `u64`.
    #[error("the value is not a number that fits in 64 bits")]
    NotANumber,
}

impl<'a> FieldView<'a> {
    pub(crate) const fn new(number: u16, spec: &'a FieldSpec, raw: &'a [u8], len: usize) -> Self {
        let lead = match spec.encoding {
            Encoding::Bcd if codec::first_digit(len, spec.bcd_pad) == 1 => 1,
            _ => 0,
        };
        Self {
            number,
            sub: None,
            lead,
            spec,
            raw,
            len,
        }
    }

    /// A data element whose content, if BCD, starts at nibble 0.
    #[inline]
    const fn first_nibble_0(number: u16, spec: &'a FieldSpec, raw: &'a [u8], len: usize) -> Self {
        Self {
            number,
            sub: None,
            lead: 0,
            spec,
            raw,
            len,
        }
    }

    /// A subfield of field `number`: `raw` holds its content, whose BCD digits (if any)
    /// start at nibble `lead`.
    pub(crate) const fn new_sub(
        number: u16,
        sub: FieldId,
        spec: &'a FieldSpec,
        raw: &'a [u8],
        len: usize,
        lead: u8,
    ) -> Self {
        Self {
            number,
            sub: Some(sub),
            lead,
            spec,
            raw,
            len,
        }
    }

    /// The number of the data element (for a subfield, of the data element it is in).
    #[must_use]
    pub const fn number(&self) -> u16 {
        self.number
    }

    /// For a subfield, its identity within its parent (number, tag or part); `None` for a
    /// data element.
    #[must_use]
    pub const fn sub_id(&self) -> Option<FieldId> {
        self.sub
    }

    /// For BCD content, the nibble of [`FieldView::as_bytes`] where the first digit is (0 or 1).
    #[must_use]
    pub const fn first_nibble(&self) -> u8 {
        self.lead
    }

    /// The field's format.
    #[must_use]
    pub const fn spec(&self) -> &'a FieldSpec {
        self.spec
    }

    /// The content's bytes as they are on the wire, without the length prefix.
    #[must_use]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The length in the field's unit (digits, characters or bytes).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the value is empty (a variable field of length 0).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value as `&str`, borrowed from the input, when it is ASCII text on the wire.
    ///
    /// # Errors
    /// [`ValueError::NotAsciiText`] when the field is BCD, EBCDIC or binary: use
    /// [`FieldView::text_into`] with a buffer instead.
    pub fn as_str(&self) -> Result<&'a str, ValueError> {
        if self.spec.encoding != Encoding::Ascii && self.spec.encoding != Encoding::AsciiHex {
            return Err(ValueError::NotAsciiText);
        }
        core::str::from_utf8(self.raw).map_err(|_| ValueError::NotAsciiText)
    }

    /// The length of the value as text (see [`FieldView::text_into`]).
    #[must_use]
    pub const fn text_len(&self) -> usize {
        self.spec.text_len(self.len)
    }

    /// Writes the value as text into `buf` and returns it: characters for text classes
    /// (EBCDIC translated, BCD digits as `0`–`9`, the track separator as `D`), upper-case hex
    /// for binary fields. Allocates nothing.
    ///
    /// # Errors
    /// [`ValueError::BufferTooSmall`] when `buf` is shorter than [`FieldView::text_len`].
    pub fn text_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, ValueError> {
        let needed = self.text_len();
        let given = buf.len();
        let out = buf
            .get_mut(..needed)
            .ok_or(ValueError::BufferTooSmall { needed, given })?;
        match self.spec.encoding {
            Encoding::Ascii => out.copy_from_slice(self.raw),
            Encoding::AsciiHex => {
                for (o, &c) in out.iter_mut().zip(self.raw) {
                    *o = c.to_ascii_uppercase();
                }
            }
            Encoding::Ebcdic | Encoding::EbcdicHex => codec::ebcdic_to_ascii(self.raw, out),
            Encoding::Binary => codec::hex_upper_into(self.raw, out),
            Encoding::Bcd => {
                if self.spec.class == ContentClass::Xn {
                    if let (Some((sign, digits)), Some((o_sign, o_digits))) =
                        (self.raw.split_first(), out.split_first_mut())
                    {
                        *o_sign = *sign;
                        let first = codec::first_digit(needed - 1, self.spec.bcd_pad);
                        codec::bcd_text_into(digits, first, needed - 1, o_digits);
                    }
                } else {
                    codec::bcd_text_into(self.raw, usize::from(self.lead), needed, out);
                }
            }
        }
        if self.spec.encoding == Encoding::EbcdicHex {
            out.make_ascii_uppercase();
        }
        // Every path above writes ASCII only.
        core::str::from_utf8(out).map_err(|_| ValueError::NotAsciiText)
    }

    /// The value as an owned `String` (see [`FieldView::text_into`]); allocates.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut buf = vec![0u8; self.text_len()];
        match self.text_into(&mut buf) {
            Ok(s) => s.to_owned(),
            Err(_) => String::new(),
        }
    }

    /// The value as a number, for digit-only values of up to 19 digits (`n` fields, in any
    /// encoding).
    ///
    /// # Errors
    /// [`ValueError::NotANumber`] when the value has a non-digit or more than 19 digits.
    pub fn to_u64(&self) -> Result<u64, ValueError> {
        let mut buf = [0u8; 19];
        let text = self
            .text_into(&mut buf)
            .map_err(|_| ValueError::NotANumber)?;
        if text.is_empty() {
            return Err(ValueError::NotANumber);
        }
        text.bytes().try_fold(0u64, |v, c| {
            let d = c
                .checked_sub(b'0')
                .filter(|d| *d <= 9)
                .ok_or(ValueError::NotANumber)?;
            Ok(v * 10 + u64::from(d))
        })
    }

    /// A `Display` of the value with the field's mask applied (PAN first 6 and last 4, track
    /// data after the separator hidden, secrets hidden wholly).
    #[must_use]
    pub fn masked(&self) -> mask::Masked<'a> {
        mask::Masked::new(*self, false)
    }

    /// A `Display` of the value in clear text, whatever the field's mask. Use it only where
    /// card data may be shown.
    #[must_use]
    pub fn unmasked(&self) -> mask::Masked<'a> {
        mask::Masked::new(*self, true)
    }
}

impl fmt::Debug for FieldView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub {
            None => write!(f, "DE{}({})", self.number, self.masked()),
            Some(sub) => write!(f, "DE{}.{}({})", self.number, sub, self.masked()),
        }
    }
}

impl fmt::Debug for MessageView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_struct("MessageView");
        m.field("spec", &self.spec.name());
        m.field("mti", &self.mti);
        m.field("fields", &FieldList(self));
        m.finish()
    }
}

struct FieldList<'v, 'a>(&'v MessageView<'a>);

impl fmt::Debug for FieldList<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.fields().map(|fv| (fv.number(), fv.masked())))
            .finish()
    }
}

impl fmt::Display for MessageView<'_> {
    /// One line per field, masked: `MTI 0200`, then `DE2 PAN 424242******4242`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "MTI {}", self.mti)?;
        for fv in self.fields() {
            writeln!(f, "DE{:<3} {}", fv.number(), fv.masked())?;
        }
        Ok(())
    }
}
