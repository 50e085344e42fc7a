//! [`Message`], the owned and editable form of a message, and its encoder.

mod head;
mod reversal;
mod subfields;
mod write;

pub use reversal::ReversalReason;

use crate::bitmap::Bitmap;
use crate::codec::{self, lut, ASCII_TO_EBCDIC};
use crate::error::{DecodeError, Element, EncodeError, EncodeErrorKind};
use crate::mti::Mti;
use crate::spec::{
    BitmapEncoding, ContentClass, Encoding, FieldSpec, MessageLayout, MtiEncoding, OtherPlan,
    Padding, PrefixCounts, Spec,
};
use crate::view::{check_content, FieldView, MessageView};
use bytes::{BufMut, Bytes, BytesMut};
use core::fmt;

/// One field's content as it goes on the wire, and its length in the field's unit.
#[derive(Clone)]
pub(crate) struct Value {
    pub(crate) wire: Bytes,
    pub(crate) len: usize,
    /// How the spec the value was set with writes it (see [`Form`]); [`Form::OTHER`] for a
    /// decoded value. Not part of the value: it is only read when [`Message::fitted`] names
    /// the spec encoding the message.
    form: Form,
}

impl Value {
    /// A value already in wire form, `len` units of its field long; not checked here.
    pub(crate) const fn from_wire(wire: Bytes, len: usize) -> Self {
        Self {
            wire,
            len,
            form: Form::OTHER,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.wire == other.wire && self.len == other.len
    }
}

impl Eq for Value {}

impl core::hash::Hash for Value {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.wire.hash(state);
        self.len.hash(state);
    }
}

/// How a field is written by the spec its value was checked against, kept with the value so
/// that encoding with that spec needs neither the field's plan nor its length checks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Form(u8);

impl Form {
    /// The value alone (a field of [`crate::spec::EncodePlan::fixed_len`]).
    const FIXED: Self = Self(0);
    /// Anything but a fixed field or one of [`OtherPlan::AsciiPrefixed`]: the general writer.
    const OTHER: Self = Self(7);

    /// The form of field `n` of `spec`.
    fn of(spec: &Spec, n: u16) -> Self {
        let plan = spec.encode_plan(n);
        if plan.fixed_len != 0 {
            return Self::FIXED;
        }
        match plan.other {
            // Widths are 1–6 (see `EncodePlan::of`).
            OtherPlan::AsciiPrefixed { width, .. } if (1..=6).contains(&width) => Self(width),
            _ => Self::OTHER,
        }
    }
}

/// An owned message: built field by field (each value checked against the spec when it is
/// set) or from a decoded [`MessageView`], edited, and encoded.
///
/// Values are kept in their wire form in [`Bytes`], so a message made from a decoded buffer
/// shares that buffer instead of copying each field, and encoding copies each field once:
/// fields that still lie side by side in the decoded buffer, each after the length prefix the
/// spec writes for it, are copied from it together.
///
/// A decoded message keeps the buffer it was decoded from (shared, not copied) for as long as
/// it lives, even after its fields are replaced. Two messages are equal when their header, MTI
/// and fields are, whatever buffers hold them.
#[derive(Clone)]
pub struct Message {
    header: Bytes,
    mti: Mti,
    /// Sorted by field number, at most one entry per number.
    fields: Vec<(u16, Value)>,
    /// The bitmap words of `fields` (without the secondary/tertiary flags), kept up to date
    /// with every change to `fields`.
    words: [u64; 3],
    /// The buffer the message was decoded from (empty for a message built field by field).
    source: Bytes,
    /// What the start of `source` holds, when it is what the encoder writes.
    head: Option<head::Head>,
    /// The [`Spec::id`] of a spec whose [`Message::set`] made every value of `fields` (each
    /// one's [`Form`] is then the field's in that spec, and its length fits the field), or 0.
    fitted: u64,
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.mti == other.mti && self.fields == other.fields
    }
}

impl Eq for Message {}

impl core::hash::Hash for Message {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.header.hash(state);
        self.mti.hash(state);
        self.fields.hash(state);
    }
}

impl Message {
    /// An empty message of type `mti`.
    #[must_use]
    pub const fn new(mti: Mti) -> Self {
        Self {
            header: Bytes::new(),
            mti,
            fields: Vec::new(),
            words: [0; 3],
            source: Bytes::new(),
            head: None,
            fitted: 0,
        }
    }

    /// Decodes `input` and keeps it: every field of the message shares the buffer.
    ///
    /// # Errors
    /// The [`DecodeError`] of [`MessageView::decode`].
    pub fn decode(spec: &Spec, input: Bytes) -> Result<Self, DecodeError> {
        let view = MessageView::decode(spec, &input)?;
        Ok(Self::from_view_in(&view, &input))
    }

    /// An owned copy of a decoded message. The input is copied once into one shared buffer,
    /// not field by field.
    #[must_use]
    pub fn from_view(view: &MessageView<'_>) -> Self {
        Self::from_view_in(view, &Bytes::copy_from_slice(view.as_bytes()))
    }

    /// Builds from `view`, whose input is the same bytes as `buf`.
    fn from_view_in(view: &MessageView<'_>, buf: &Bytes) -> Self {
        let base = view.as_bytes().as_ptr() as usize;
        let slice = |part: &[u8]| {
            let start = (part.as_ptr() as usize).wrapping_sub(base);
            match start.checked_add(part.len()) {
                // Always the case: the view's parts lie within its input.
                Some(end) if end <= buf.len() => buf.slice(start..end),
                _ => Bytes::copy_from_slice(part),
            }
        };
        // Sized exactly from the bitmap: growing the vector by doubling cost about 0.4 µs per
        // message received on a channel (benches/net.rs, perf), in reallocations.
        let count: u32 = view.bitmap().words().iter().map(|w| w.count_ones()).sum();
        let mut fields: Vec<(u16, Value)> = Vec::with_capacity(count as usize);
        fields.extend(view.fields().map(|fv| {
            (
                fv.number(),
                Value {
                    wire: slice(fv.as_bytes()),
                    len: fv.len(),
                    form: Form::OTHER,
                },
            )
        }));
        Self {
            header: slice(view.header()),
            mti: view.mti(),
            words: words_of(&fields),
            fields,
            source: buf.clone(),
            head: head::Head::of(view),
            fitted: 0,
        }
    }

    /// The message type indicator.
    #[must_use]
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// Changes the message type indicator.
    pub fn set_mti(&mut self, mti: Mti) -> &mut Self {
        self.mti = mti;
        self
    }

    /// The fixed-length header before the MTI (empty when none).
    #[must_use]
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// Sets the header; its length is checked against the spec when encoding.
    pub fn set_header(&mut self, header: impl Into<Bytes>) -> &mut Self {
        self.header = header.into();
        self
    }

    /// Sets field `n` from its text form: characters for text classes, digits for numbers
    /// (BCD is packed here), `C`/`D` and digits for amounts, upper- or lower-case hex for
    /// binary fields. A short value of a fixed field is filled as the spec's padding says.
    ///
    /// # Errors
    /// An [`EncodeError`] for field `n` when the spec does not define it, the value's length is
    /// out of range (or a fixed field's value is short and the field has no padding), or a
    /// character breaks the field's class.
    pub fn set(
        &mut self,
        spec: &Spec,
        n: u16,
        value: impl AsRef<[u8]>,
    ) -> Result<&mut Self, EncodeError> {
        let fs = spec_field(spec, n)?;
        let value = make_value(fs, n, value.as_ref())?;
        self.insert_fitted(spec, n, value);
        Ok(self)
    }

    /// Sets field `n` to `value`, which was made for and checked against field `n` of
    /// `spec` (as [`make_value`] does).
    pub(crate) fn insert_fitted(&mut self, spec: &Spec, n: u16, mut value: Value) {
        value.form = Form::of(spec, n);
        // Every value now fits `spec` if every other one did.
        self.fitted = if self.fields.is_empty() || self.fitted == spec.id() {
            spec.id()
        } else {
            0
        };
        self.insert(n, value);
    }

    /// Sets binary field `n` (class `b`) from raw bytes.
    ///
    /// # Errors
    /// As [`Message::set`]; also when the field is not of class `b`.
    pub fn set_binary(
        &mut self,
        spec: &Spec,
        n: u16,
        bytes: &[u8],
    ) -> Result<&mut Self, EncodeError> {
        let fs = spec_field(spec, n)?;
        if fs.class != ContentClass::B || fs.encoding == Encoding::Bcd {
            return Err(EncodeError::new(
                EncodeErrorKind::InvalidContent {
                    class: fs.class.name(),
                    position: 0,
                },
                Element::Field(n),
            ));
        }
        let mut hex = vec![0u8; bytes.len() * 2];
        codec::hex_upper_into(bytes, &mut hex);
        self.set(spec, n, hex)
    }

    fn insert(&mut self, n: u16, value: Value) {
        match self.fields.binary_search_by_key(&n, |(k, _)| *k) {
            Ok(i) => {
                if let Some(slot) = self.fields.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => {
                self.fields.insert(i, (n, value));
                self.words = words_of(&self.fields);
            }
        }
    }

    /// Removes field `n`; returns whether it was present.
    pub fn remove(&mut self, n: u16) -> bool {
        match self.fields.binary_search_by_key(&n, |(k, _)| *k) {
            Ok(i) => {
                self.fields.remove(i);
                self.words = words_of(&self.fields);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether field `n` is present.
    #[must_use]
    pub fn has(&self, n: u16) -> bool {
        self.fields.binary_search_by_key(&n, |(k, _)| *k).is_ok()
    }

    /// The numbers of the fields present, ascending.
    pub fn numbers(&self) -> impl Iterator<Item = u16> + '_ {
        self.fields.iter().map(|(n, _)| *n)
    }

    /// The bitmap of the fields present (without the secondary/tertiary flags).
    #[must_use]
    pub fn bitmap(&self) -> Bitmap {
        Bitmap::from_words(self.words)
    }

    /// Field `n` read through `spec` (the spec the message was built or decoded with).
    #[must_use]
    pub fn field<'m>(&'m self, spec: &'m Spec, n: u16) -> Option<FieldView<'m>> {
        let i = self.fields.binary_search_by_key(&n, |(k, _)| *k).ok()?;
        let (_, v) = self.fields.get(i)?;
        Some(FieldView::new(n, spec.field(n)?, &v.wire, v.len))
    }

    /// The fields present, read through `spec`.
    pub fn fields<'m>(&'m self, spec: &'m Spec) -> impl Iterator<Item = FieldView<'m>> + 'm {
        self.fields
            .iter()
            .filter_map(|(n, v)| Some(FieldView::new(*n, spec.field(*n)?, &v.wire, v.len)))
    }

    /// A copy with only the fields `numbers` (and the header and MTI), the usual start of a
    /// response or a reversal.
    #[must_use]
    pub fn with_only(&self, numbers: &[u16]) -> Self {
        let fields: Vec<(u16, Value)> = self
            .fields
            .iter()
            .filter(|(n, _)| numbers.contains(n))
            .cloned()
            .collect();
        Self {
            header: self.header.clone(),
            mti: self.mti,
            words: words_of(&fields),
            fields,
            source: self.source.clone(),
            head: self.head,
            fitted: self.fitted,
        }
    }

    /// The response to this request: the response MTI (see [`Mti::response`]) and a copy of
    /// the fields `echo`, which the host then completes (e.g. field 39). `None` if this
    /// message is already a response.
    #[must_use]
    pub fn response(&self, echo: &[u16]) -> Option<Self> {
        let mut m = self.with_only(echo);
        m.mti = self.mti.response()?;
        Some(m)
    }

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
            let plan = spec.encode_plan(*n);
            let prefix = if plan.fixed_len != 0 {
                check_fixed_len(*n, v, plan.fixed_len)?;
                0
            } else {
                match plan.other {
                    OtherPlan::AsciiPrefixed { width, min, max } => {
                        check_prefixed_len(*n, v, min, max)?;
                        usize::from(width)
                    }
                    OtherPlan::General => {
                        let fs = spec_field(spec, *n)?;
                        check_len(fs, *n, v)?;
                        fs.prefix.map_or(0, |p| p.wire_len())
                    }
                    OtherPlan::Undefined => return Err(not_in_spec(*n)),
                }
            };
            total += prefix + v.wire.len();
        }
        Ok(total)
    }

    /// Works out the bitmap words with their flags, and how many bitmaps go on the wire.
    #[inline]
    fn plan_bitmap(&self, spec: &Spec) -> Result<([u64; 3], usize), EncodeError> {
        // The fields lie in 2–192: a field above 64 leaves a bit in the second or third word,
        // one above 128 in the third.
        let [mut first, mut second, third] = self.words;
        let mut count = 1;
        if second | third != 0 {
            // Bit 1: a secondary bitmap follows.
            first |= 1 << 63;
            count = 2;
        }
        if third != 0 {
            if !spec.layout().tertiary_bitmap {
                let highest = self.fields.last().map_or(0, |(n, _)| *n);
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
        if self.header.len() != layout.header_length {
            return Err(EncodeError::new(
                EncodeErrorKind::HeaderLength {
                    expected: layout.header_length,
                    actual: self.header.len(),
                },
                Element::Header,
            ));
        }
        let (words, count) = self.plan_bitmap(spec)?;
        if self.source.is_empty() {
            self.encode_staged(spec, words, count, out)
        } else {
            self.encode_runs(spec, words, count, out)
        }
    }

    /// [`Message::encode`] after the checks of the header and bitmap, for a message built field
    /// by field: short pieces gather in a stack buffer and reach `out` in one copy.
    #[inline(always)]
    fn encode_staged<B: BufMut>(
        &self,
        spec: &Spec,
        [first, second, third]: [u64; 3],
        count: usize,
        out: &mut B,
    ) -> Result<(), EncodeError> {
        let layout = spec.layout();
        let mut buf = write::STAGE_BUF;
        let mut stage = write::Stage::new(&mut buf);
        if !self.header.is_empty() {
            stage.put(&self.header, out);
        }
        match mti_wire(self.mti, layout.mti_encoding) {
            Wire::Two(b) => stage.put_array(&b, out),
            Wire::Four(b) => stage.put_array(&b, out),
        }
        stage_bitmap(first, layout.bitmap_encoding_of(1), &mut stage, out);
        if count >= 2 {
            stage_bitmap(second, layout.bitmap_encoding_of(2), &mut stage, out);
        }
        if count >= 3 {
            stage_bitmap(third, layout.bitmap_encoding_of(3), &mut stage, out);
        }
        if self.fitted == spec.id() {
            // Every value was made by `spec`'s `set`: it fits its field, whose form it keeps.
            for (n, v) in &self.fields {
                match v.form {
                    Form::FIXED => {}
                    Form::OTHER => {
                        stage.flush(out);
                        write_general_prefix(spec, *n, v, out)?;
                        out.put_slice(&v.wire);
                        continue;
                    }
                    Form(width) => stage.put_ascii_decimal(v.len, width, out),
                }
                stage.put(&v.wire, out);
            }
            stage.flush(out);
            return Ok(());
        }
        for (n, v) in &self.fields {
            let plan = spec.encode_plan(*n);
            // The common case first.
            if plan.fixed_len != 0 {
                check_fixed_len(*n, v, plan.fixed_len)?;
            } else {
                match plan.other {
                    OtherPlan::AsciiPrefixed { width, min, max } => {
                        check_prefixed_len(*n, v, min, max)?;
                        stage.put_ascii_decimal(v.len, width, out);
                    }
                    OtherPlan::General => {
                        // Written as it comes, after what is staged: staging does not pay for
                        // itself across fields of other formats.
                        stage.flush(out);
                        write_general_prefix(spec, *n, v, out)?;
                        out.put_slice(&v.wire);
                        continue;
                    }
                    OtherPlan::Undefined => return Err(not_in_spec(*n)),
                }
            }
            stage.put(&v.wire, out);
        }
        stage.flush(out);
        Ok(())
    }

    /// [`Message::encode`] after the checks of the header and bitmap, for a message decoded
    /// from `source`: fields that lie side by side in `source`, each after the prefix the spec
    /// writes for it, are taken as one run `source[run.0..run.1]`, written when a field breaks
    /// it; other fields are written as they come.
    #[inline(always)]
    fn encode_runs<B: BufMut>(
        &self,
        spec: &Spec,
        [first, second, third]: [u64; 3],
        count: usize,
        out: &mut B,
    ) -> Result<(), EncodeError> {
        let layout = spec.layout();
        let source: &[u8] = &self.source;
        let base = source.as_ptr() as usize;
        // Always `run.0 <= run.1 <= source.len()`.
        let mut run = (0, 0);
        // The header, MTI and bitmaps join the run when `source` holds the same bytes there:
        // known from the decoding when they are unchanged, else compared.
        let same_head = match &self.head {
            Some(h)
                if h.mti == self.mti
                    && h.words == [first, second, third]
                    && h.layout == *layout
                    && h.len <= source.len()
                    && (self.header.is_empty() || self.header.as_ptr() as usize == base) =>
            {
                Some(h.len)
            }
            _ => None,
        };
        if let Some(len) = same_head {
            run.1 = len;
        } else {
            self.run_head(layout, [first, second, third], count, source, &mut run, out);
        }
        for (n, v) in &self.fields {
            let plan = spec.encode_plan(*n);
            let wire: &[u8] = &v.wire;
            // Where the value lies in `source`, if it is a slice of it: the same memory holds
            // the same bytes.
            let at = (wire.as_ptr() as usize).wrapping_sub(base);
            // The common case first.
            if plan.fixed_len != 0 {
                check_fixed_len(*n, v, plan.fixed_len)?;
                run_fixed(source, &mut run, at, wire, out);
                continue;
            }
            match plan.other {
                OtherPlan::AsciiPrefixed { width, min, max } => {
                    check_prefixed_len(*n, v, min, max)?;
                    let w = usize::from(width);
                    if at == run.1 + w && write::prefixed_in(source, run.1, width, wire.len()) {
                        run.1 = at + wire.len();
                        continue;
                    }
                    put_run(source, &mut run, out);
                    match at.checked_sub(w) {
                        Some(start) if write::prefixed_in(source, start, width, wire.len()) => {
                            run = (start, at + wire.len());
                        }
                        _ => {
                            write::put_ascii_decimal(v.len, width, out);
                            out.put_slice(wire);
                        }
                    }
                }
                OtherPlan::General => {
                    let fs = spec.field(*n).ok_or_else(|| not_in_spec(*n))?;
                    check_len(fs, *n, v)?;
                    match &fs.prefix {
                        // A fixed field: its value is all it writes, taken as above.
                        None => run_fixed(source, &mut run, at, wire, out),
                        Some(prefix) => {
                            put_run(source, &mut run, out);
                            let count = fs.prefix_count(v.len, v.wire.len());
                            codec::prefix_write(prefix, count as u64, out);
                            out.put_slice(wire);
                        }
                    }
                }
                OtherPlan::Undefined => return Err(not_in_spec(*n)),
            }
        }
        put_run(source, &mut run, out);
        Ok(())
    }

    /// Writes the header, MTI and bitmaps for [`Message::encode_runs`], each taken into the run
    /// when `source` holds the same bytes after it.
    #[inline(always)]
    fn run_head<B: BufMut>(
        &self,
        layout: &MessageLayout,
        [first, second, third]: [u64; 3],
        count: usize,
        source: &[u8],
        run: &mut (usize, usize),
        out: &mut B,
    ) {
        let base = source.as_ptr() as usize;
        if !self.header.is_empty() {
            let at = (self.header.as_ptr() as usize).wrapping_sub(base);
            let end = run.1 + self.header.len();
            if at == run.1 && end <= source.len() {
                run.1 = end;
            } else {
                put_run(source, run, out);
                out.put_slice(&self.header);
            }
        }
        match mti_wire(self.mti, layout.mti_encoding) {
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

fn spec_field(spec: &Spec, n: u16) -> Result<&FieldSpec, EncodeError> {
    spec.field(n).ok_or(not_in_spec(n))
}

/// The error for a field the spec does not define.
#[cold]
fn not_in_spec(n: u16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::FieldNotInSpec, Element::Field(n))
}

/// A fixed field's value `wire`, which lies at `at` in `source` if it is a slice of it: it
/// extends the run `source[run.0..run.1]` when it follows it there, starts a new run after
/// writing the old one when it lies elsewhere in `source`, and is written as it is otherwise.
#[inline(always)]
fn run_fixed<B: BufMut>(
    source: &[u8],
    run: &mut (usize, usize),
    at: usize,
    wire: &[u8],
    out: &mut B,
) {
    // No overflow: `run.1 <= source.len()`, and a slice is at most `isize::MAX` long.
    let end = run.1 + wire.len();
    if at == run.1 && end <= source.len() {
        run.1 = end;
        return;
    }
    put_run(source, run, out);
    if at <= source.len() && source.len() - at >= wire.len() {
        *run = (at, at + wire.len());
    } else {
        out.put_slice(wire);
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

/// Checks a value of a field of [`OtherPlan::General`] and writes its length prefix, if any.
#[inline(always)]
fn write_general_prefix<B: BufMut>(
    spec: &Spec,
    n: u16,
    v: &Value,
    out: &mut B,
) -> Result<(), EncodeError> {
    let fs = spec.field(n).ok_or_else(|| not_in_spec(n))?;
    check_len(fs, n, v)?;
    if let Some(prefix) = &fs.prefix {
        let count = fs.prefix_count(v.len, v.wire.len());
        codec::prefix_write(prefix, count as u64, out);
    }
    Ok(())
}

/// The bitmap words of sorted `fields`, one OR a field (numbers outside 1–192, which a
/// message never holds, are left out as [`Bitmap::insert`] leaves them out).
fn words_of(fields: &[(u16, Value)]) -> [u64; 3] {
    let mut words = [0u64; 3];
    for (n, _) in fields {
        let i = usize::from(*n).wrapping_sub(1);
        if let Some(w) = words.get_mut(i / 64) {
            *w |= 1u64 << (63 - i % 64);
        }
    }
    words
}

/// [`check_len`] for a field with a `fixed_len` plan: one wire byte a unit.
#[inline(always)]
fn check_fixed_len(n: u16, v: &Value, len: u32) -> Result<(), EncodeError> {
    let len = len as usize;
    if v.len != len || v.wire.len() != len {
        return Err(length_error(n, v.len, len, len));
    }
    Ok(())
}

/// [`check_len`] for a field of [`OtherPlan::AsciiPrefixed`]: one wire byte a unit.
#[inline(always)]
fn check_prefixed_len(n: u16, v: &Value, min: u32, max: u32) -> Result<(), EncodeError> {
    let (min, max) = (min as usize, max as usize);
    if v.len < min || v.len > max || v.len != v.wire.len() {
        return Err(length_error(n, v.len, min, max));
    }
    Ok(())
}

/// The error for a value whose length does not fit its field.
#[cold]
fn length_error(n: u16, len: usize, min: usize, max: usize) -> EncodeError {
    EncodeError::new(
        EncodeErrorKind::LengthOutOfRange { len, min, max },
        Element::Field(n),
    )
}

/// Checks a stored value against the field's length rules.
#[inline]
fn check_len(fs: &FieldSpec, n: u16, v: &Value) -> Result<(), EncodeError> {
    let (min, max) = if fs.is_fixed() {
        (fs.length as usize, fs.length as usize)
    } else {
        (fs.min_length as usize, fs.length as usize)
    };
    if v.len < min || v.len > max || fs.wire_len(v.len) != v.wire.len() {
        return Err(EncodeError::new(
            EncodeErrorKind::LengthOutOfRange {
                len: v.len,
                min,
                max,
            },
            Element::Field(n),
        ));
    }
    Ok(())
}

/// Turns a value's text form into its wire form, checking it against the field.
pub(crate) fn make_value(fs: &FieldSpec, n: u16, text: &[u8]) -> Result<Value, EncodeError> {
    let element = Element::Field(n);
    let bad = |position| {
        EncodeError::new(
            EncodeErrorKind::InvalidContent {
                class: fs.class.name(),
                position,
            },
            element,
        )
    };
    let hex_bytes = fs.class == ContentClass::B && fs.encoding != Encoding::Bcd;
    if hex_bytes && text.len() % 2 == 1 {
        return Err(bad(text.len()));
    }
    let units = if hex_bytes {
        text.len() / 2
    } else {
        text.len()
    };
    let (min, max) = if fs.is_fixed() {
        (fs.length as usize, fs.length as usize)
    } else {
        (fs.min_length as usize, fs.length as usize)
    };
    let out_of_range = EncodeError::new(
        EncodeErrorKind::LengthOutOfRange {
            len: units,
            min,
            max,
        },
        element,
    );
    if units > max {
        return Err(out_of_range);
    }
    // Fill a short fixed value as the spec says.
    let mut padded;
    // Where zeros went into `padded` (first index, count), so that a bad character is reported
    // at its position in the value given.
    let mut zeros = (0, 0);
    let text = if units < min {
        let fill = min - units;
        padded = Vec::with_capacity(min);
        match (fs.padding, fs.is_fixed()) {
            (Padding::LeftZeros, true) if fs.class != ContentClass::Xn => {
                zeros = (0, fill);
                padded.resize(fill, b'0');
                padded.extend_from_slice(text);
            }
            (Padding::LeftZeros, true) => {
                // Keep the sign first: C00001234.
                let (sign, digits) = text.split_first().ok_or(out_of_range)?;
                zeros = (1, fill);
                padded.push(*sign);
                padded.resize(1 + fill, b'0');
                padded.extend_from_slice(digits);
            }
            (Padding::RightSpaces, true) => {
                padded.extend_from_slice(text);
                padded.resize(min, b' ');
            }
            _ => return Err(out_of_range),
        }
        padded.as_slice()
    } else {
        text
    };
    let len = if hex_bytes {
        text.len() / 2
    } else {
        text.len()
    };
    // Check the text form against the class.
    if hex_bytes || fs.class == ContentClass::B {
        codec::hex_check(text).map_err(bad)?;
    } else {
        let digits_ok = |t: &[u8]| -> Result<(), usize> {
            match fs.class {
                // BCD track data writes `=` as the D nibble.
                ContentClass::Z => codec::ascii_check(t, ContentClass::Z),
                c => codec::ascii_check(t, c),
            }
        };
        let given = |p: usize| {
            if p >= zeros.0 + zeros.1 {
                p - zeros.1
            } else {
                p
            }
        };
        digits_ok(text).map_err(|p| bad(given(p)))?;
    }
    // A prefix counting whole bytes gives BCD an even digit count, or an odd one marked by an
    // F filler: any other odd count would decode with its filler as one more digit.
    let byte_counted = matches!(
        fs.prefix.map(|p| p.counts),
        Some(PrefixCounts::Bytes | PrefixCounts::WireNibbles)
    );
    let digits = len.saturating_sub(usize::from(fs.class == ContentClass::Xn));
    if fs.encoding == Encoding::Bcd
        && byte_counted
        && fs.class != ContentClass::B
        && fs.bcd_pad.nibble() != 0xF
        && digits % 2 == 1
    {
        return Err(bad(text.len()));
    }
    let mut wire = BytesMut::with_capacity(fs.wire_len(len));
    match fs.encoding {
        Encoding::Ascii => wire.put_slice(text),
        Encoding::AsciiHex => {
            wire.put_slice(text);
            wire.make_ascii_uppercase();
        }
        Encoding::Ebcdic => {
            wire.resize(text.len(), 0);
            codec::ascii_to_ebcdic(text, &mut wire);
        }
        Encoding::EbcdicHex => {
            for &c in text {
                wire.put_u8(lut(&ASCII_TO_EBCDIC, c.to_ascii_uppercase()));
            }
        }
        Encoding::Binary => {
            wire.resize(len, 0);
            codec::hex_decode_into(text, &mut wire).map_err(bad)?;
        }
        Encoding::Bcd => match (fs.class, text.split_first()) {
            (ContentClass::Xn, Some((sign, digits))) => {
                wire.put_u8(*sign);
                codec::bcd_write(digits, fs.bcd_pad, &mut wire);
            }
            _ => codec::bcd_write(text, fs.bcd_pad, &mut wire),
        },
    }
    // The stored form must decode as it will on the wire.
    check_content(fs, &wire, len).map_err(bad)?;
    Ok(Value {
        wire: wire.freeze(),
        len,
        form: Form::OTHER,
    })
}

/// The wire form of an MTI: four characters or two BCD bytes.
enum Wire {
    Two([u8; 2]),
    Four([u8; 4]),
}

#[inline(always)]
fn mti_wire(mti: Mti, encoding: MtiEncoding) -> Wire {
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
    stage: &mut write::Stage<'_>,
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
enum BitmapWire {
    Eight([u8; 8]),
    Sixteen([u8; 16]),
}

#[inline(always)]
fn bitmap_wire(word: u64, encoding: BitmapEncoding) -> BitmapWire {
    match encoding {
        BitmapEncoding::Binary => BitmapWire::Eight(word.to_be_bytes()),
        BitmapEncoding::AsciiHex => BitmapWire::Sixteen(write::hex_upper_word(word)),
        BitmapEncoding::EbcdicHex => {
            BitmapWire::Sixteen(write::hex_upper_word(word).map(|x| lut(&ASCII_TO_EBCDIC, x)))
        }
    }
}

impl fmt::Debug for Message {
    /// Field numbers and wire lengths only: a message does not know its spec, so it cannot
    /// tell card data from other data. Read fields through [`Message::field`] to show them
    /// masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("mti", &self.mti)
            .field(
                "fields",
                &self
                    .fields
                    .iter()
                    .map(|(n, v)| (*n, v.wire.len()))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}
