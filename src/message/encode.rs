//! Encoding a [`Message`]: one loop over the fields present, each written with the length
//! prefix its spec gives, into a sink that either gathers short pieces in a stack buffer (a
//! message built field by field) or copies runs of unchanged fields from the buffer a message
//! was decoded from.

use super::write::{self, Stage, StageBuf, STAGE_BUF};
use super::{spec_field, Message, Value};
use crate::codec::{lut, ASCII_TO_EBCDIC};
use crate::error::{Element, EncodeError, EncodeErrorKind};
use crate::format::prefix::{prefix_write, prefixed_in, put_ascii_decimal};
use crate::format::write_plan::EncodePlan;
use crate::mti::Mti;
use crate::spec::{BitmapEncoding, FieldSpec, LengthPrefix, MessageLayout, MtiEncoding, Spec};
use bytes::BufMut;

/// How the spec a value was set with writes it, kept with the value so that encoding with that
/// spec needs neither the field's plan nor its length checks (see [`Message::fitted_to`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Form {
    /// The value alone ([`EncodePlan::Fixed`]).
    Fixed,
    /// An ASCII decimal prefix of `digits` digits, then the value
    /// ([`EncodePlan::AsciiPrefixed`]).
    AsciiPrefixed { digits: u8 },
    /// Whatever the field's spec says (and every decoded value).
    General,
}

impl Form {
    /// The form of field `n` of `spec`.
    pub(crate) fn of(spec: &Spec, n: u16) -> Self {
        match spec.table().encode_plan(n) {
            EncodePlan::Fixed { .. } => Self::Fixed,
            EncodePlan::AsciiPrefixed { digits, .. } => Self::AsciiPrefixed { digits },
            EncodePlan::General | EncodePlan::Undefined => Self::General,
        }
    }
}

/// The length prefix a field is written with.
#[derive(Clone, Copy)]
enum Prefix {
    /// None: a fixed field.
    None,
    /// ASCII decimal digits of the value's length.
    Ascii { digits: u8 },
    /// The field spec's own prefix, holding `count` (at most 999,999).
    Spec { prefix: LengthPrefix, count: u32 },
}

impl Prefix {
    /// The bytes the prefix takes on the wire.
    const fn wire_len(self) -> usize {
        match self {
            Self::None => 0,
            Self::Ascii { digits } => digits as usize,
            Self::Spec { prefix, .. } => prefix.wire_len(),
        }
    }
}

/// The prefix field `n`'s value `v` is written with in `spec`, after checking that its length
/// fits the field; `fitted` when `spec`'s [`Message::set`] made every value (then `v.form`
/// says, and no check is needed). `None` when it does not fit ([`field_error`] says why): the
/// error is made apart, so that what this returns stays in a register.
#[inline(always)]
fn prefix_of(spec: &Spec, n: u16, v: &Value, fitted: bool) -> Option<Prefix> {
    let mut prefix = None;
    with_prefix(spec, n, v, fitted, &mut prefix);
    prefix
}

/// What [`with_prefix`] hands a field's prefix to.
trait Emit {
    /// Takes the prefix of the field whose value is `v`.
    fn emit(&mut self, prefix: Prefix, v: &Value);
}

impl Emit for Option<Prefix> {
    #[inline(always)]
    fn emit(&mut self, prefix: Prefix, _: &Value) {
        *self = Some(prefix);
    }
}

/// Fields on their way into a sink.
struct IntoSink<'a, S, B> {
    sink: &'a mut S,
    out: &'a mut B,
}

impl<S: Sink, B: BufMut> Emit for IntoSink<'_, S, B> {
    #[inline(always)]
    fn emit(&mut self, prefix: Prefix, v: &Value) {
        self.sink.field(prefix, v, self.out);
    }
}

/// [`prefix_of`], handed to `write` (which then runs once) rather than returned: each form's
/// call gets its own copy of `write`, with the prefix a constant, so that the field is not
/// dispatched on twice (returning the prefix cost about 7 instructions a field in
/// `encode_0200`, `benches/icount.rs`). `false` when the value does not fit.
#[inline(always)]
fn with_prefix(spec: &Spec, n: u16, v: &Value, fitted: bool, write: &mut impl Emit) -> bool {
    if fitted {
        match v.form {
            Form::Fixed => {
                write.emit(Prefix::None, v);
                return true;
            }
            Form::AsciiPrefixed { digits } => {
                write.emit(Prefix::Ascii { digits }, v);
                return true;
            }
            Form::General => {}
        }
    }
    match spec.table().encode_plan(n) {
        EncodePlan::Fixed { len } if fits(v, len, len, v.len) => write.emit(Prefix::None, v),
        EncodePlan::AsciiPrefixed { digits, min, max } if fits(v, min, max, v.len) => {
            write.emit(Prefix::Ascii { digits }, v);
        }
        EncodePlan::General => match general_prefix(spec, n, v) {
            Some(p) => write.emit(p, v),
            None => return false,
        },
        _ => return false,
    }
    true
}

/// [`prefix_of`] for a field of [`EncodePlan::General`], by its spec.
#[inline(never)]
fn general_prefix(spec: &Spec, n: u16, v: &Value) -> Option<Prefix> {
    let fs = spec.field(n)?;
    let (min, max) = length_range(fs);
    if !fits(v, min, max, fs.wire_len(v.len)) {
        return None;
    }
    Some(match fs.prefix {
        None => Prefix::None,
        Some(prefix) => Prefix::Spec {
            prefix,
            count: u32::try_from(fs.prefix_count(v.len, v.wire_len())).ok()?,
        },
    })
}

/// The lengths in units a field takes: its length when fixed.
const fn length_range(fs: &FieldSpec) -> (u32, u32) {
    if fs.is_fixed() {
        (fs.length, fs.length)
    } else {
        (fs.min_length, fs.length)
    }
}

/// Whether a value of `v.len` units, `v.wire_len()` bytes on the wire, fits a field of
/// `min..=max` units whose wire form of that length is `wire` bytes.
#[inline(always)]
fn fits(v: &Value, min: u32, max: u32, wire: usize) -> bool {
    let (min, max) = (min as usize, max as usize);
    v.len >= min && v.len <= max && v.wire_len() == wire
}

/// Why [`prefix_of`] refused field `n`'s value `v`: the spec lacks the field, or the value's
/// length does not fit it.
#[cold]
#[inline(never)]
fn field_error(spec: &Spec, n: u16, v: &Value) -> EncodeError {
    match spec_field(spec, n) {
        Ok(fs) => {
            let (min, max) = length_range(fs);
            length_error(n, v.len, min as usize, max as usize)
        }
        Err(e) => e,
    }
}

/// The error for a value whose length does not fit its field.
#[cold]
fn length_error(n: u16, len: usize, min: usize, max: usize) -> EncodeError {
    EncodeError::new(
        EncodeErrorKind::LengthOutOfRange { len, min, max },
        Element::Field(n),
    )
}

/// Where the encoder's bytes go: the head (header, MTI and bitmaps), then each field.
trait Sink {
    /// Writes the header, the MTI and the bitmap words (`count` of them).
    fn head<B: BufMut>(
        &mut self,
        m: &Message,
        layout: &MessageLayout,
        words: [u64; 3],
        count: usize,
        out: &mut B,
    );
    /// Writes one field: its prefix, then its value.
    fn field<B: BufMut>(&mut self, prefix: Prefix, v: &Value, out: &mut B);
    /// Writes whatever is held back.
    fn finish<B: BufMut>(&mut self, out: &mut B);
}

/// The sink of a message built field by field: short pieces gather in a stack buffer and reach
/// the output in one copy. Its `source` is empty, so its values are bytes of their own
/// ([`Value::own_wire`]).
struct Staged<'b> {
    stage: Stage<'b>,
}

impl Sink for Staged<'_> {
    #[inline(always)]
    fn head<B: BufMut>(
        &mut self,
        m: &Message,
        layout: &MessageLayout,
        [first, second, third]: [u64; 3],
        count: usize,
        out: &mut B,
    ) {
        let stage = &mut self.stage;
        let header = m.header();
        if !header.is_empty() {
            stage.put(header, out);
        }
        match mti_wire(m.mti, layout.mti_encoding) {
            Wire::Two(b) => stage.put_array(&b, out),
            Wire::Four(b) => stage.put_array(&b, out),
        }
        stage_bitmap(first, layout.bitmap_encoding_of(1), stage, out);
        if count >= 2 {
            stage_bitmap(second, layout.bitmap_encoding_of(2), stage, out);
        }
        if count >= 3 {
            stage_bitmap(third, layout.bitmap_encoding_of(3), stage, out);
        }
    }

    #[inline(always)]
    fn field<B: BufMut>(&mut self, prefix: Prefix, v: &Value, out: &mut B) {
        match prefix {
            Prefix::None => {}
            Prefix::Ascii { digits } => self.stage.put_ascii_decimal(v.len, digits, out),
            Prefix::Spec { prefix, count } => {
                // Written as it comes, after what is staged: staging does not pay for itself
                // across fields of other formats.
                self.stage.flush(out);
                prefix_write(&prefix, u64::from(count), out);
                out.put_slice(v.own_wire());
                return;
            }
        }
        self.stage.put(v.own_wire(), out);
    }

    #[inline(always)]
    fn finish<B: BufMut>(&mut self, out: &mut B) {
        self.stage.flush(out);
    }
}

/// The sink of a message decoded from `source`: fields decoded from it and not changed since
/// are spans of it (see [`Value::offset`]), and those that lie side by side in `source`, each
/// after the prefix the spec writes for it, are taken as one run `source[run.0..run.1]`, written
/// when a field breaks it; other fields are written as they come. Always
/// `run.0 <= run.1 <= source.len()`.
struct Runs<'s> {
    source: &'s [u8],
    run: (usize, usize),
}

impl Sink for Runs<'_> {
    #[inline(always)]
    fn head<B: BufMut>(
        &mut self,
        m: &Message,
        layout: &MessageLayout,
        words: [u64; 3],
        count: usize,
        out: &mut B,
    ) {
        // The header, MTI and bitmaps join the run when `source` holds the same bytes there:
        // known from the decoding when they are unchanged, else compared.
        let same_head = match &m.head {
            Some(h)
                if h.mti == m.mti
                    && h.words == words
                    && h.layout == *layout
                    && h.len <= self.source.len()
                    && (m.header().is_empty() || m.header.start == 0) =>
            {
                Some(h.len)
            }
            _ => None,
        };
        match same_head {
            Some(len) => self.run.1 = len,
            None => self.run_head(m, layout, words, count, out),
        }
    }

    #[inline(always)]
    fn field<B: BufMut>(&mut self, prefix: Prefix, v: &Value, out: &mut B) {
        let (source, run) = (self.source, &mut self.run);
        // Where the value lies in `source`; a value of its own lies in no run (its offset is
        // `usize::MAX`, see [`Value::offset`]). Its bytes are only read when they are written
        // on their own.
        let (at, len) = (v.offset(), v.wire_len());
        match prefix {
            Prefix::None => run_fixed(source, run, at, v, out),
            Prefix::Ascii { digits } => {
                let w = usize::from(digits);
                if at == run.1 + w && prefixed_in(source, run.1, digits, len) {
                    run.1 = at + len;
                    return;
                }
                put_run(source, run, out);
                match at.checked_sub(w) {
                    Some(start) if prefixed_in(source, start, digits, len) => {
                        *run = (start, at + len);
                    }
                    _ => {
                        put_ascii_decimal(v.len, digits, out);
                        out.put_slice(v.wire(source));
                    }
                }
            }
            Prefix::Spec { prefix, count } => {
                put_run(source, run, out);
                prefix_write(&prefix, u64::from(count), out);
                out.put_slice(v.wire(source));
            }
        }
    }

    #[inline(always)]
    fn finish<B: BufMut>(&mut self, out: &mut B) {
        put_run(self.source, &mut self.run, out);
    }
}

impl Runs<'_> {
    /// Writes the header, MTI and bitmaps of a message whose head changed since it was
    /// decoded, each taken into the run when `source` holds the same bytes after it.
    #[inline(always)]
    fn run_head<B: BufMut>(
        &mut self,
        m: &Message,
        layout: &MessageLayout,
        [first, second, third]: [u64; 3],
        count: usize,
        out: &mut B,
    ) {
        let (source, run) = (self.source, &mut self.run);
        let header = m.header();
        if !header.is_empty() {
            let end = run.1 + header.len();
            if m.header.start == run.1 && end <= source.len() {
                run.1 = end;
            } else {
                put_run(source, run, out);
                out.put_slice(header);
            }
        }
        match mti_wire(m.mti, layout.mti_encoding) {
            Wire::Two(b) => run_or_put(source, run, &b, out),
            Wire::Four(b) => run_or_put(source, run, &b, out),
        }
        run_bitmap(source, run, first, layout.bitmap_encoding_of(1), out);
        if count >= 2 {
            run_bitmap(source, run, second, layout.bitmap_encoding_of(2), out);
        }
        if count >= 3 {
            run_bitmap(source, run, third, layout.bitmap_encoding_of(3), out);
        }
    }
}

impl Message {
    /// The exact number of bytes [`Message::encode`] writes.
    ///
    /// # Errors
    /// As [`Message::encode`].
    pub fn encoded_len(&self, spec: &Spec) -> Result<usize, EncodeError> {
        let layout = spec.layout();
        let (_, bitmaps) = self.plan_bitmap(spec)?;
        let mut total = layout.header_length
            + layout.mti_encoding.wire_len()
            + (1..=3u8)
                .take(bitmaps)
                .map(|b| layout.bitmap_encoding_of(b).wire_len())
                .sum::<usize>();
        for (n, v) in &self.fields {
            let prefix = prefix_of(spec, *n, v, false).ok_or_else(|| field_error(spec, *n, v))?;
            total += prefix.wire_len() + v.wire_len();
        }
        Ok(total)
    }

    /// Works out the bitmap words with their flags, and how many bitmaps go on the wire.
    #[inline]
    fn plan_bitmap(&self, spec: &Spec) -> Result<([u64; 3], usize), EncodeError> {
        plan_bitmap(spec, self.words, self.fields.last().map_or(0, |(n, _)| *n))
    }

    /// Encodes the message with `spec` into `out` (a `Vec<u8>` or `BytesMut`, which can be
    /// reused across messages). Nothing is allocated per field.
    ///
    /// # Errors
    /// An [`EncodeError`] when the header's length differs from the spec's, a field is not
    /// defined by the spec or its length does not fit the spec (for example a message built
    /// with another spec), or a field above 128 needs a tertiary bitmap the spec lacks.
    /// Nothing is guaranteed about `out` after an error.
    pub fn encode<B: BufMut>(&self, spec: &Spec, out: &mut B) -> Result<(), EncodeError> {
        let layout = spec.layout();
        if self.header.len != layout.header_length {
            return Err(EncodeError::new(
                EncodeErrorKind::HeaderLength {
                    expected: layout.header_length,
                    actual: self.header.len,
                },
                Element::Header,
            ));
        }
        let (words, count) = self.plan_bitmap(spec)?;
        if self.source.is_empty() {
            let mut buf: StageBuf = STAGE_BUF;
            let mut sink = Staged {
                stage: Stage::new(&mut buf),
            };
            self.encode_into(spec, &mut sink, words, count, out)
        } else {
            let mut sink = Runs {
                source: &self.source,
                run: (0, 0),
            };
            self.encode_into(spec, &mut sink, words, count, out)
        }
    }

    /// [`Message::encode`] after the checks of the header and bitmap: the head, then every
    /// field, into `sink`.
    #[inline(always)]
    fn encode_into<S: Sink, B: BufMut>(
        &self,
        spec: &Spec,
        sink: &mut S,
        words: [u64; 3],
        count: usize,
        out: &mut B,
    ) -> Result<(), EncodeError> {
        sink.head(self, spec.layout(), words, count, out);
        // One loop, compiled twice: for a message whose values `spec` made (no plan or length
        // check a field), and for any other.
        if self.fitted_to(spec) {
            self.put_fields::<S, B, true>(spec, sink, out)?;
        } else {
            self.put_fields::<S, B, false>(spec, sink, out)?;
        }
        sink.finish(out);
        Ok(())
    }

    /// Writes every field into `sink`; `FITTED` as [`prefix_of`] takes it.
    #[inline(always)]
    fn put_fields<S: Sink, B: BufMut, const FITTED: bool>(
        &self,
        spec: &Spec,
        sink: &mut S,
        out: &mut B,
    ) -> Result<(), EncodeError> {
        let mut into = IntoSink { sink, out };
        for (n, v) in &self.fields {
            if !with_prefix(spec, *n, v, FITTED, &mut into) {
                return Err(field_error(spec, *n, v));
            }
        }
        Ok(())
    }

    /// Encodes into a new `Vec<u8>` of exactly the right size.
    ///
    /// # Errors
    /// As [`Message::encode`].
    pub fn to_vec(&self, spec: &Spec) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(self.encoded_len(spec)?);
        self.encode(spec, &mut out)?;
        Ok(out)
    }
}

/// The bitmap words of the fields in `words` (without flags) with their flags set, and how
/// many bitmaps go on the wire; an error naming field `highest` when a field above 128 needs
/// a tertiary bitmap `spec` lacks.
#[inline]
pub(crate) fn plan_bitmap(
    spec: &Spec,
    [mut first, mut second, third]: [u64; 3],
    highest: u16,
) -> Result<([u64; 3], usize), EncodeError> {
    // The fields lie in 2–192: a field above 64 leaves a bit in the second or third word,
    // one above 128 in the third.
    let mut count = 1;
    if second | third != 0 {
        // Bit 1: a secondary bitmap follows.
        first |= 1 << 63;
        count = 2;
    }
    if third != 0 {
        if !spec.layout().tertiary_bitmap {
            return Err(EncodeError::new(
                EncodeErrorKind::NoTertiaryBitmap,
                Element::Field(highest),
            ));
        }
        // Bit 65: a tertiary bitmap follows.
        second |= 1 << 63;
        count = 3;
    }
    Ok(([first, second, third], count))
}

/// Appends the header, the MTI and `count` bitmap words, as `layout` writes them, for a
/// writer that has no [`Sink`] (the typed encoder's).
#[cfg(feature = "serde")]
pub(crate) fn put_head(
    header: &[u8],
    mti: Mti,
    layout: &MessageLayout,
    words: [u64; 3],
    count: usize,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(header);
    match mti_wire(mti, layout.mti_encoding) {
        Wire::Two(b) => out.extend_from_slice(&b),
        Wire::Four(b) => out.extend_from_slice(&b),
    }
    for (b, word) in (1..=3u8).zip(words).take(count) {
        match bitmap_wire(word, layout.bitmap_encoding_of(b)) {
            BitmapWire::Eight(w) => out.extend_from_slice(&w),
            BitmapWire::Sixteen(w) => out.extend_from_slice(&w),
        }
    }
}

/// A fixed field's value `v`, which lies at `at` in `source` if it is a span of it: it
/// extends the run `source[run.0..run.1]` when it follows it there, starts a new run after
/// writing the old one when it lies elsewhere in `source`, and is written as it is otherwise.
#[inline(always)]
fn run_fixed<B: BufMut>(
    source: &[u8],
    run: &mut (usize, usize),
    at: usize,
    v: &Value,
    out: &mut B,
) {
    let len = v.wire_len();
    // No overflow: `run.1 <= source.len()`, and a value is at most `isize::MAX` long.
    let end = run.1 + len;
    if at == run.1 && end <= source.len() {
        run.1 = end;
        return;
    }
    put_run(source, run, out);
    if at <= source.len() && source.len() - at >= len {
        *run = (at, at + len);
    } else {
        out.put_slice(v.wire(source));
    }
}

/// Writes `source[run.0..run.1]`, fields taken from the buffer a message was decoded from,
/// and empties the run where it ended.
#[inline(always)]
fn put_run<B: BufMut>(source: &[u8], run: &mut (usize, usize), out: &mut B) {
    if run.1 > run.0 {
        if let Some(bytes) = source.get(run.0..run.1) {
            out.put_slice(bytes);
        }
    }
    run.0 = run.1;
}

/// Adds `piece` to the run when `source` holds it right after the run; otherwise writes the
/// run, then `piece`.
#[inline(always)]
fn run_or_put<const K: usize, B: BufMut>(
    source: &[u8],
    run: &mut (usize, usize),
    piece: &[u8; K],
    out: &mut B,
) {
    if source.get(run.1..).and_then(<[u8]>::first_chunk::<K>) == Some(piece) {
        run.1 += K;
    } else {
        put_run(source, run, out);
        out.put_slice(piece);
    }
}

/// The wire form of an MTI: four characters or two BCD bytes.
pub(super) enum Wire {
    Two([u8; 2]),
    Four([u8; 4]),
}

#[inline(always)]
pub(super) fn mti_wire(mti: Mti, encoding: MtiEncoding) -> Wire {
    let [a, b, c, d] = *mti.as_bytes();
    match encoding {
        MtiEncoding::Ascii => Wire::Four([a, b, c, d]),
        MtiEncoding::Ebcdic => Wire::Four([a, b, c, d].map(|x| lut(&ASCII_TO_EBCDIC, x))),
        MtiEncoding::Bcd => {
            let z = b'0';
            Wire::Two([(a - z) << 4 | (b - z), (c - z) << 4 | (d - z)])
        }
    }
}

/// Stages a bitmap word as `encoding` says.
#[inline(always)]
fn stage_bitmap<B: BufMut>(
    word: u64,
    encoding: BitmapEncoding,
    stage: &mut Stage<'_>,
    out: &mut B,
) {
    match bitmap_wire(word, encoding) {
        BitmapWire::Eight(b) => stage.put_array(&b, out),
        BitmapWire::Sixteen(b) => stage.put_array(&b, out),
    }
}

/// Adds a bitmap word, as `encoding` says, to the run or writes it (see [`run_or_put`]).
#[inline(always)]
fn run_bitmap<B: BufMut>(
    source: &[u8],
    run: &mut (usize, usize),
    word: u64,
    encoding: BitmapEncoding,
    out: &mut B,
) {
    match bitmap_wire(word, encoding) {
        BitmapWire::Eight(b) => run_or_put(source, run, &b, out),
        BitmapWire::Sixteen(b) => run_or_put(source, run, &b, out),
    }
}

/// The wire form of a bitmap word: eight raw bytes or sixteen hex characters.
pub(super) enum BitmapWire {
    Eight([u8; 8]),
    Sixteen([u8; 16]),
}

#[inline(always)]
pub(super) fn bitmap_wire(word: u64, encoding: BitmapEncoding) -> BitmapWire {
    match encoding {
        BitmapEncoding::Binary => BitmapWire::Eight(word.to_be_bytes()),
        BitmapEncoding::AsciiHex => BitmapWire::Sixteen(write::hex_upper_word(word)),
        BitmapEncoding::EbcdicHex => {
            BitmapWire::Sixteen(write::hex_upper_word(word).map(|x| lut(&ASCII_TO_EBCDIC, x)))
        }
    }
}
