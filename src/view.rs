//! Zero-copy decoding: [`MessageView`] borrows the input and records where each field is.
//!
//! The fields are read by the crate's field codec; this module keeps where each one ends, walks
//! them in order ([`Fields`]) and shows them.

mod fields;
mod fmt;
mod head;
mod index;

pub use crate::field_view::{FieldView, ValueError};
pub use fields::Fields;

use crate::bitmap::Bitmap;
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::format::lenient::Lenient;
use crate::format::read::Reader;
use crate::format::scan::{self, Exact, Fast, Faults, Scanned};
use crate::mti::Mti;
use crate::spec::Spec;
use crate::violation::Violation;

/// How many field ends the view keeps: the end of every data element present in most
/// messages (up to 32 of them). A longer message (a message can carry up to 191) keeps the end
/// of every 2nd, 4th or 8th one instead, its *stride*, so any field is at most 1, 3 or 7 length
/// prefixes away from a kept end. An input over 65,535 bytes keeps 15 ends of 32 bits in the
/// same space instead, with a stride of up to 16. The view then fits in 128 bytes, which makes
/// it quick to create, to return and to move.
const INDEXED: usize = scan::INDEXED;

/// The entries of `MessageView::bounds` (see [`scan::BOUNDS`]).
const BOUNDS: usize = scan::BOUNDS;

/// How many ends of 32 bits the view of an input over 65,535 bytes keeps (see [`WIDE`]): with
/// its start, as pairs of entries, they fill all but the last entry of `bounds`. With a stride
/// of 16 they cover 240 data elements, more than a message has.
const WIDE_INDEXED: usize = (BOUNDS - 1) / 2 - 1;

/// [`MessageView`]'s flags: the primary bitmap's bit 1 was set (a secondary bitmap follows).
const SECONDARY: u8 = 1;
/// [`MessageView`]'s flags: bit 65 announced a tertiary bitmap.
const TERTIARY: u8 = 2;
/// [`MessageView`]'s flags: the input is longer than 65,535 bytes, so `bounds` holds the start and
/// [`WIDE_INDEXED`] ends of 32 bits (each in two entries, low half first), always with a
/// stride (1 to 16).
const WIDE: u8 = 4;
/// [`MessageView`]'s flags: more than [`INDEXED`] data elements, so `bounds` is kept with a stride
/// (set once the fields are read, before the stride is known).
const LONG: u8 = 8;
/// [`MessageView`]'s flags: where the stride's base-2 logarithm (0 to 4) is kept.
const STRIDE_SHIFT: u32 = 4;
/// [`MessageView`]'s flags: the bits of the stride's logarithm.
const STRIDE_BITS: u8 = 7 << STRIDE_SHIFT;

/// A decoded message that borrows its input: the MTI, the bitmap and the place of every field.
///
/// Decoding validates everything (lengths, content classes, the bitmap against the spec, no
/// trailing bytes) and allocates nothing. The view keeps where the data elements present end,
/// by their rank, so [`MessageView::field`] takes constant time:
///
/// - in a message with up to 32 data elements (nearly all), the field's rank from two byte
///   look-ups (a population count for fields above 64) and its ends from an array;
/// - in a longer one, the view keeps the end of every 2nd (up to 64 data elements), 4th (up
///   to 128) or 8th one, and `field` reads at most 1, 3 or 7 other length prefixes (already
///   checked) from the nearest kept end.
///
/// A message longer than 65,535 bytes (only possible with LLLLL/LLLLLL fields) keeps the end
/// of every 1st to 16th data element (15 ends), so `field` reads at most 15 other length
/// prefixes.
#[derive(Clone)]
pub struct MessageView<'a> {
    spec: &'a Spec,
    input: &'a [u8],
    /// The data elements present: the bitmap without its secondary and tertiary flags,
    /// each word bit-reversed (field `64 w + i + 1` is bit `i` of word `w`), so that they are
    /// walked lowest first with `trailing_zeros` and `bits & (bits - 1)`.
    data: [u64; 3],
    mti: Mti,
    /// Where the data elements start (entry 0), then where those present end, in ascending
    /// field order: each one's (entry `rank + 1`), or with a stride (see [`INDEXED`]) where
    /// group `g` of the data elements ends (entry `g + 1`). A wide view (see [`WIDE`]) keeps
    /// each of these as 32 bits in two entries. Keeping the start beside the ends means the
    /// field of rank `r` lies between entries `r` and `r + 1`, with no special case for the
    /// first: `decode_get_by_number_0200` went from 1,891 to 1,849 instructions
    /// (`benches/icount.rs`).
    bounds: [u16; BOUNDS],
    /// [`SECONDARY`], [`TERTIARY`], [`WIDE`], [`LONG`] and the stride ([`STRIDE_BITS`]).
    flags: u8,
    /// Byte `k`: how many of fields 2 to 64 are present below byte `k` of the first bitmap
    /// word, so that [`MessageView::field`] finds a field's rank with two byte look-ups
    /// instead of a population count (see [`index::ranks_below`]). In a view that does not
    /// keep every field's end by rank, [`index::FAR`] in every byte, so that the quick path
    /// of [`MessageView::field`] finds no field there and needs no test of the flags.
    ///
    /// What keeping them apart from the flags buys, in `benches/icount.rs`: a byte load
    /// each for the count and the bitmap byte in place of two shifts, and no test of the
    /// flags, took `decode_get_by_number_0200` from 1,777 to 1,679 instructions.
    ranks: [u8; 8],
}

/// What a decode found of a message (every [`MessageView`] field but the spec and the input),
/// kept apart from the bytes, so that a task handed the same bytes later builds their view
/// again without decoding them again. A channel's reader decodes each answer to find its
/// request, and the request's task builds the message from this.
#[cfg(feature = "net")]
#[derive(Clone, Copy)]
pub(crate) struct Detached {
    data: [u64; 3],
    mti: Mti,
    bounds: [u16; BOUNDS],
    flags: u8,
    ranks: [u8; 8],
}

impl<'a> MessageView<'a> {
    /// What this decode found, without the bytes (see [`Detached`]).
    #[cfg(feature = "net")]
    pub(crate) const fn detach(&self) -> Detached {
        Detached {
            data: self.data,
            mti: self.mti,
            bounds: self.bounds,
            flags: self.flags,
            ranks: self.ranks,
        }
    }

    /// The view `found` was detached from, on `input`, which must be the bytes it was decoded
    /// from with `spec`. Given other bytes, fields are read at the old places: wrong, but still
    /// within `input` (every read of a view is checked).
    #[cfg(feature = "net")]
    pub(crate) const fn attach(spec: &'a Spec, input: &'a [u8], found: Detached) -> Self {
        Self {
            spec,
            input,
            data: found.data,
            mti: found.mti,
            bounds: found.bounds,
            flags: found.flags,
            ranks: found.ranks,
        }
    }

    /// Decodes one complete message.
    ///
    /// # Errors
    /// A [`DecodeError`] with the element and absolute offset when the input is truncated
    /// anywhere, a length prefix is not a number or is out of range, content breaks its
    /// field's class, the bitmap announces a field the spec does not define, or bytes are left
    /// over after the last field.
    #[inline]
    pub fn decode(spec: &'a Spec, input: &'a [u8]) -> Result<Self, DecodeError> {
        Self::decode_in(spec, input, &mut Exact)
    }

    /// Decodes one complete message as [`MessageView::decode`] does, except that content
    /// breaking a field's rules is recorded in `violations` (cleared first) instead of failing:
    /// a byte outside the field's class (letters in an `n` field, a bad BCD digit) or an
    /// `x+n` amount without its `C`/`D` sign. Each [`Violation`] names the element, the
    /// offset and the rule, never the value. The structure stays strict: the MTI, the bitmap,
    /// a length prefix, a length out of range, a truncated field and trailing bytes are
    /// errors still. The view borrows the input as always; `violations` allocates only when
    /// there is one, so one vector can serve a whole log.
    ///
    /// A field with a violation reads as its bytes; its text or number may fail to convert.
    ///
    /// # Errors
    /// A [`DecodeError`] for a fault of structure, as [`MessageView::decode`] gives it.
    pub fn decode_lenient(
        spec: &'a Spec,
        input: &'a [u8],
        violations: &mut Vec<Violation>,
    ) -> Result<Self, DecodeError> {
        violations.clear();
        Self::decode_in(spec, input, &mut Lenient { violations })
    }

    /// [`MessageView::decode`], with `slow` doing what the exact pass does at a fault once
    /// the fast pass has given up.
    #[inline(always)]
    fn decode_in<F: Faults<Error = DecodeError>>(
        spec: &'a Spec,
        input: &'a [u8],
        slow: &mut F,
    ) -> Result<Self, DecodeError> {
        let layout = spec.layout();
        let mut r = Reader { input, pos: 0 };
        r.take(layout.header_length, Element::Header)?;
        let mti = head::read_mti(&mut r, layout.mti_encoding)?;
        let primary = head::read_bitmap(&mut r, layout.bitmap_encoding_of(1), 1)?;
        let mut secondary = 0;
        let mut tertiary = 0;
        let mut bitmaps = 1;
        // The words are bit-reversed: field 1 (the secondary bitmap's flag) is bit 0.
        if primary & 1 == 1 {
            secondary = head::read_bitmap(&mut r, layout.bitmap_encoding_of(2), 2)?;
            bitmaps = 2;
            if layout.tertiary_bitmap && secondary & 1 == 1 {
                tertiary = head::read_bitmap(&mut r, layout.bitmap_encoding_of(3), 3)?;
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
        let start = r.pos;
        // The view is built once its fields are read, from the bounds read into a local,
        // rather than first with the bounds read into it: its other members are then not
        // stored before the fields are read and loaded back after, and `decode_0200` went
        // from 1,073 to 1,029 instructions, `decode_read_bytes_0200` from 1,634 to 1,608 and
        // `decode_get_by_number_0200` from 1,679 to 1,658 (`benches/icount.rs`). It is built
        // in one of two places, by kind of view: one place, with the rank counts or the
        // stride set after, measured 1,052 for `decode_0200`.
        let mut bounds = [0; BOUNDS];
        let table = spec.table();
        let count = match scan::scan(&mut Fast, table, input, data, start, &mut bounds) {
            Ok(Scanned { end, count }) if end == input.len() => count,
            _ => exact(slow, spec, input, data, start, bitmaps, &mut bounds)?,
        };
        let long = if count > INDEXED { LONG } else { 0 };
        let flags = flags | long;
        if flags & (LONG | WIDE) != 0 {
            let mut view = Self {
                spec,
                input,
                data,
                mti,
                bounds,
                flags,
                ranks: [index::FAR; 8],
            };
            view.restride(start);
            return Ok(view);
        }
        let [first, ..] = data;
        Ok(Self {
            spec,
            input,
            data,
            mti,
            bounds,
            flags,
            ranks: index::ranks_below(first).to_le_bytes(),
        })
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

    /// The data elements present as the bitmap writes them, without the bitmap flags: field
    /// 1 the top bit of the first word (`data` keeps them bit-reversed).
    pub(crate) const fn wire_words(&self) -> [u64; 3] {
        let [a, b, c] = self.data;
        [a.reverse_bits(), b.reverse_bits(), c.reverse_bits()]
    }

    /// [`SECONDARY`], [`TERTIARY`], [`WIDE`], [`LONG`] and the stride.
    #[inline(always)]
    const fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the input is over 65,535 bytes, so that `bounds` holds ends of 32 bits.
    const fn wide(&self) -> bool {
        self.flags() & WIDE != 0
    }

    /// Whether `bounds` holds the end of every data element present, by rank (not wide, no
    /// stride).
    const fn direct(&self) -> bool {
        self.flags() & (WIDE | STRIDE_BITS) == 0
    }

    /// The base-2 logarithm of the stride of `bounds` (0 when it keeps every field's end).
    const fn stride_shift(&self) -> u32 {
        ((self.flags() & STRIDE_BITS) >> STRIDE_SHIFT) as u32
    }
    /// Whether data element `n` is present.
    #[must_use]
    pub fn has(&self, n: u16) -> bool {
        // Field 0 wraps to a word that does not exist.
        let i = usize::from(n).wrapping_sub(1);
        self.data
            .get(i / 64)
            .is_some_and(|word| word >> (i % 64) & 1 == 1)
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
        // Between the end of the field before (or the start of the data elements) and its own;
        // past the end of `bounds` when `n` is not present, and in a view that does not keep
        // the end of every field by rank.
        let (start, end) = match self
            .bounds
            .get(self.slot(n)..)
            .and_then(<[u16]>::first_chunk)
        {
            Some(&[start, end]) => (usize::from(start), usize::from(end)),
            None if self.direct() => return None,
            None => self.far_bounds(n)?,
        };
        // `rank` found the field in one of three words, so it is at most 192.
        #[allow(clippy::cast_possible_truncation)]
        let n8 = n as u8;
        // The same quick read as `Fields::next`, written out in both: one helper for the two,
        // with the fallback after it, took `decode_get_by_number_0200` from 1,981 to 2,077 or
        // 2,162 instructions and `decode_read_bytes_0200` from 1,649 to 1,717 or 1,661 (two
        // shapes tried; `benches/icount.rs`).
        let table = self.spec.table();
        let Some((skip, shift, fs)) = table.quick_of_byte(n8) else {
            return self.locate(n, start, end);
        };
        let from = start + skip;
        let raw = self.input.get(from..end)?;
        let len = raw.len() << shift;
        Some(FieldView::first_nibble_0(n, fs, raw, len, from))
    }

    /// The data elements present, in ascending order.
    #[inline]
    #[must_use]
    pub fn fields(&self) -> Fields<'_, 'a> {
        let [first, second, third] = self.data;
        Fields {
            view: self,
            bits: first,
            later: [second, third],
            base: 0,
            bound: 1,
            start: self.data_start(),
        }
    }
}

/// The exact pass (or the lenient one), after the fast one failed: the first error,
/// positioned, or the number of data elements when only the fast pass's limits were passed.
#[cold]
#[inline(never)]
fn exact<F: Faults<Error = DecodeError>>(
    faults: &mut F,
    spec: &Spec,
    input: &[u8],
    data: [u64; 3],
    start: usize,
    bitmaps: u8,
    bounds: &mut [u16; BOUNDS],
) -> Result<usize, DecodeError> {
    let Scanned { end, count } = scan::scan(faults, spec.table(), input, data, start, bounds)?;
    if end == input.len() {
        return Ok(count);
    }
    // Blame the last data element, or the last bitmap when there is none.
    let words = data.map(u64::reverse_bits);
    let element = match Bitmap::from_words(words).iter().last() {
        Some(n) => Element::Field(n),
        None => Element::Bitmap(bitmaps),
    };
    Err(DecodeError::new(
        DecodeErrorKind::TrailingBytes {
            count: input.len().saturating_sub(end),
        },
        element,
        end,
    ))
}
