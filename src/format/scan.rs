//! The decoding pass over a message's data elements, by their plans. One pass, generic over
//! what it does with a fault ([`Faults`]): the fast one ([`Fast`]) checks neighbouring fields
//! of one ASCII class together, ORs every fault into a bit and gives up at the end if one is
//! set; the exact one ([`Exact`]) checks each field as it ends and, at the first fault, has the
//! general reader ([`read_field`]) read that field again for its positioned error.

use super::plan::{BcdCheck, Check, Plan, PrefixDigits};
use super::prefix::{ascii_decimal_at, ascii_decimal_value, bcd_decimal_value};
use super::read::{read_field, read_field_in, OnContent, Reader, Strict};
use super::table::FieldTable;
use crate::codec;
use crate::error::{DecodeError, DecodeErrorKind, Element};

/// How many field ends a message view keeps by rank.
pub(crate) const INDEXED: usize = 32;

/// How many entries a message view's table of field bounds has: where the data elements start
/// and the end of each of the first [`INDEXED`] by rank. A wide view keeps its start and 15
/// ends as pairs of 16 bits in the first 32 of them.
pub(crate) const BOUNDS: usize = INDEXED + 1;

/// What a pass does with a field it finds at fault, or cannot read by its plan.
pub(crate) trait Faults {
    /// Why the pass stopped.
    type Error;
    /// Whether each field's content is checked as soon as the field ends, rather than with a
    /// run of neighbours of the same class (which cannot tell which field broke it).
    const PER_FIELD: bool;

    /// Field `n`, starting at `pos` with its prefix, is at fault or outside the plans: where
    /// it ends after all, or why the pass stops.
    ///
    /// # Errors
    /// The pass's error for the field.
    fn fault(
        &mut self,
        table: &FieldTable,
        input: &[u8],
        n: u16,
        pos: usize,
    ) -> Result<usize, Self::Error>;
}

/// The fast pass: a fault stops it with no more said (the exact pass then starts over).
pub(crate) struct Fast;

impl Faults for Fast {
    type Error = ();
    const PER_FIELD: bool = false;

    #[inline(always)]
    fn fault(&mut self, _: &FieldTable, _: &[u8], _: u16, _: usize) -> Result<usize, ()> {
        Err(())
    }
}

/// The exact pass: the general reader reads a field at fault again and gives its error (or,
/// for a form the plans leave to it, where the field ends).
pub(crate) struct Exact;

impl Faults for Exact {
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
        reread(table, input, n, pos, &mut Strict)
    }
}

/// Field `n` at `pos`, read again by the general reader, which hands content faults to `on`:
/// where it ends, or its positioned error (also for a field the spec lacks).
///
/// # Errors
/// The reader's error for the field.
pub(crate) fn reread<C: OnContent>(
    table: &FieldTable,
    input: &[u8],
    n: u16,
    pos: usize,
    on: &mut C,
) -> Result<usize, DecodeError> {
    let Some(fs) = table.field(n) else {
        return Err(DecodeError::new(
            DecodeErrorKind::FieldNotInSpec,
            Element::Field(n),
            pos,
        ));
    };
    let mut r = Reader { input, pos };
    read_field_in(&mut r, fs, n, on)?;
    Ok(r.pos)
}

/// Where a pass ended: after the last data element, and how many it read.
#[derive(Clone, Copy)]
pub(crate) struct Scanned {
    pub(crate) end: usize,
    pub(crate) count: usize,
}

/// Reads the data elements of `data` (the bitmap words, bit-reversed: field `64 w + i + 1` is
/// bit `i` of word `w`) from `start`, keeping in `bounds` where they start (entry 0) and
/// where the first [`INDEXED`] end (entry `rank + 1`). The caller checks that the last one
/// ends the input.
///
/// # Errors
/// The pass's error at the first fault (see [`Faults`]).
#[inline(always)]
pub(crate) fn scan<F: Faults>(
    faults: &mut F,
    table: &FieldTable,
    input: &[u8],
    data: [u64; 3],
    start: usize,
    bounds: &mut [u16; BOUNDS],
) -> Result<Scanned, F::Error> {
    let mut at = Cursor {
        pos: start,
        run: Run {
            check: Check::Any,
            start,
        },
        bad: 0,
    };
    // Exact unless the view is wide (then rewritten).
    #[allow(clippy::cast_possible_truncation)]
    let first_start = start as u16;
    bounds[0] = first_start;
    let mut rank = 0;
    let [first, second, third] = data;
    // One copy of the loop a bitmap word, each with its base as a constant.
    scan_word::<F>(faults, table, input, 0, first, &mut at, bounds, &mut rank)?;
    if second != 0 {
        scan_word::<F>(faults, table, input, 64, second, &mut at, bounds, &mut rank)?;
    }
    if third != 0 {
        scan_word::<F>(faults, table, input, 128, third, &mut at, bounds, &mut rank)?;
    }
    let Cursor { pos, run, bad } = at;
    // The exact pass leaves no fault behind: it checks each field as it ends.
    if !F::PER_FIELD && bad | run.flush(input, pos) != 0 {
        faults.fault(table, input, 0, pos)?;
    }
    Ok(Scanned {
        end: pos,
        count: rank,
    })
}

/// [`scan`] of the fields of one bitmap word (bit-reversed: field `base + 1` is its bit 0),
/// from the cursor `at`; `rank` is the rank of the first among all data elements.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn scan_word<F: Faults>(
    faults: &mut F,
    table: &FieldTable,
    input: &[u8],
    base: u8,
    word: u64,
    at: &mut Cursor,
    bounds: &mut [u16; BOUNDS],
    rank: &mut usize,
) -> Result<(), F::Error> {
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
        let plan = table.plan_of_byte(n);
        let n = u16::from(n);
        let field_start = pos;
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
                match ascii_decimal_at(input, pos, bytes) {
                    Some(len) if len <= max as usize && len >= min as usize => {
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
                        pos = faults.fault(table, input, n, pos)?;
                        run = Run {
                            check: Check::Any,
                            start: pos,
                        };
                    }
                }
            }
            _ => {
                let mut at = Cursor { pos, run, bad };
                if at.field(table, input, n) {
                    Cursor { pos, run, bad } = at;
                } else {
                    pos = faults.fault(table, input, n, pos)?;
                    run = Run {
                        check: Check::Any,
                        start: pos,
                    };
                }
            }
        }
        if F::PER_FIELD {
            // The field's content alone, checked now: a fault is this field's.
            bad |= run.flush(input, pos);
            run = Run {
                check: Check::Any,
                start: pos,
            };
            // A field running past the input is at fault too (a run of any bytes does not
            // look at them).
            if bad != 0 || pos > input.len() {
                bad = 0;
                pos = faults.fault(table, input, n, field_start)?;
                run.start = pos;
            }
        }
        if let Some(slot) = bounds.get_mut(*rank + 1) {
            // Exact unless the view is wide (then rewritten from the prefixes) or the input
            // too short (which fails the pass).
            #[allow(clippy::cast_possible_truncation)]
            let end = pos as u16;
            *slot = end;
        }
        *rank += 1;
    }
    *at = Cursor { pos, run, bad };
    Ok(())
}

/// The bytes of neighbouring fields of one ASCII class, not yet checked: from `start` to the
/// end of the last field read.
#[derive(Clone, Copy)]
pub(crate) struct Run {
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
pub(crate) struct Cursor {
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
    fn field(&mut self, table: &FieldTable, input: &[u8], n: u16) -> bool {
        // Looked up again here rather than passed, so that the caller keeps its copy of the
        // plan in registers.
        let plan = table.plan(n);
        let pos = self.pos;
        match self.end_of(plan, table, input, n, pos) {
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
        table: &FieldTable,
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
                    PrefixDigits::Ascii => ascii_decimal_value(prefix)?,
                    PrefixDigits::Bcd => bcd_decimal_value(prefix)?,
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
                let len = bcd_decimal_value(input.get(pos..content)?)?;
                run.bcd_after_prefix(input, pos, content, len, (min, max), bcd, bad)
            }
            Plan::BcdWireNibbles {
                bytes,
                min,
                max,
                bcd,
            } => {
                let content = pos + usize::from(bytes);
                let nibbles = bcd_decimal_value(input.get(pos..content)?)?;
                // Nibbles on the wire come in pairs.
                if !nibbles.is_multiple_of(2) {
                    return None;
                }
                let raw = input.get(content..content + nibbles / 2)?;
                // An F filler, first or last as the spec pads, is not a digit.
                let filler = codec::filler_nibble(raw, bcd.pad_left);
                let len = nibbles - usize::from(filler == Some(0xF));
                run.bcd_after_prefix(input, pos, content, len, (min, max), bcd, bad)
            }
            Plan::General => {
                let end = general_field(table, input, n, pos)?;
                run.extend(input, pos, end, Check::Any, false, bad);
                Some(end)
            }
            Plan::Undefined => None,
        }
    }
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
fn general_field(table: &FieldTable, input: &[u8], n: u16, pos: usize) -> Option<usize> {
    let fs = table.field(n)?;
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
