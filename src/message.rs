//! [`Message`], the owned and editable form of a message, and its encoder.

mod encode;
mod head;
mod reversal;
mod subfields;
mod validate;
mod write;

pub use reversal::ReversalReason;

#[cfg(feature = "serde")]
pub(crate) use encode::{plan_bitmap, put_head};
#[cfg(feature = "serde")]
pub(crate) use subfields::subfields_value;

use encode::Form;

use crate::bitmap::Bitmap;
use crate::codec;
use crate::error::{DecodeError, Element, EncodeError, EncodeErrorKind};
use crate::field_view::FieldView;
use crate::format::write::{encode_text, Encoded};
use crate::mti::Mti;
use crate::spec::{ContentClass, Encoding, FieldSpec, Spec};
#[cfg(feature = "net")]
use crate::view::Detached;
use crate::view::MessageView;
use bytes::Bytes;
use core::fmt;

/// Where a value's wire bytes are: bytes of its own (a value set, or built from subfields), or
/// `source[start..start + len]` of the message holding it (decoded, and not changed since).
///
/// A span instead of a [`Bytes`] of its own, so that decoding a message and dropping it touch
/// the shared buffer's reference count once, not once a field: those counts were about a
/// tenth of a channel's round trip (`benches/NET.md`). The length is kept for both, and a span
/// holds an empty (static, never counted) `own`, so that reading the length, and the bytes
/// of a message built field by field, takes no branch.
#[derive(Clone)]
struct Held {
    own: Bytes,
    /// Where the span starts, or [`OWN`].
    start: usize,
    len: usize,
}

/// `Held::start` of bytes of their own: no offset in a buffer is `usize::MAX`.
const OWN: usize = usize::MAX;

impl Held {
    /// Bytes of its own.
    fn own(bytes: Bytes) -> Self {
        Self {
            start: OWN,
            len: bytes.len(),
            own: bytes,
        }
    }

    /// `part`, which lies at `start` in `source`, as a span of it.
    fn span(source: &[u8], start: usize, part: &[u8]) -> Self {
        match start.checked_add(part.len()) {
            Some(end) if end <= source.len() => Self {
                own: Bytes::new(),
                start,
                len: part.len(),
            },
            // Not the case for the parts of a view of `source`.
            _ => Self::own(Bytes::copy_from_slice(part)),
        }
    }

    /// The bytes, of a value held by the message whose buffer is `source`.
    #[inline(always)]
    fn bytes<'v>(&'v self, source: &'v [u8]) -> &'v [u8] {
        if self.start == OWN {
            return &self.own;
        }
        // Always within `source`: spans are made from it, and it never changes.
        source
            .get(self.start..self.start.saturating_add(self.len))
            .unwrap_or_default()
    }
}

/// One field's content as it goes on the wire, and its length in the field's unit.
#[derive(Clone)]
pub(crate) struct Value {
    held: Held,
    pub(crate) len: usize,
    /// How the spec the value was set with writes it (see [`Form`]); [`Form::General`] for a
    /// decoded value. Not part of the value: it is only read when [`Message::fitted_to`] the
    /// spec encoding the message.
    form: Form,
}

impl Value {
    /// A value already in wire form, `len` units of its field long; not checked here.
    pub(crate) fn from_wire(wire: Bytes, len: usize) -> Self {
        Self {
            held: Held::own(wire),
            len,
            form: Form::General,
        }
    }

    /// The wire bytes, of a value held by the message whose buffer is `source`.
    #[inline(always)]
    pub(crate) fn wire<'v>(&'v self, source: &'v [u8]) -> &'v [u8] {
        self.held.bytes(source)
    }

    /// How many bytes the value takes on the wire.
    #[inline(always)]
    pub(crate) fn wire_len(&self) -> usize {
        self.held.len
    }

    /// The wire bytes of a value of a message with no `source` (built field by field), whose
    /// values are all bytes of their own (a span holds no bytes of its own, but a span of an
    /// empty buffer could only be empty).
    #[inline(always)]
    pub(crate) fn own_wire(&self) -> &[u8] {
        &self.held.own
    }

    /// Where the value starts in the buffer its message was decoded from, when it was
    /// decoded and not changed since; `usize::MAX` (past any buffer) for bytes of its own.
    #[inline(always)]
    pub(crate) const fn offset(&self) -> usize {
        self.held.start
    }
}

/// An owned message: built field by field (each value checked against the spec when it is
/// set) or from a decoded [`MessageView`], edited, and encoded.
///
/// Values are kept in their wire form: a message made from a decoded buffer keeps that one
/// [`Bytes`] and each decoded value as a span of it, instead of copying each field (a value
/// set later has bytes of its own), and encoding copies each field once:
/// fields that still lie side by side in the decoded buffer, each after the length prefix the
/// spec writes for it, are copied from it together.
///
/// A decoded message keeps the buffer it was decoded from (shared, not copied) for as long as
/// it lives, even after its fields are replaced. Two messages are equal when their header, MTI
/// and fields are, whatever buffers hold them.
#[derive(Clone)]
pub struct Message {
    header: Held,
    mti: Mti,
    /// Sorted by field number, at most one entry per number.
    fields: Vec<(u16, Value)>,
    /// The bitmap words of `fields` (without the secondary/tertiary flags), kept up to date
    /// with every change to `fields`.
    words: [u64; 3],
    /// The buffer the message was decoded from (empty for a message built field by field),
    /// which the header and the values decoded are spans of.
    source: Bytes,
    /// What the start of `source` holds, when it is what the encoder writes.
    head: Option<head::Head>,
    /// The [`Spec::id`] of a spec whose [`Message::set`] made every value of `fields` (each
    /// one's [`Form`] is then the field's in that spec, and its length fits the field), or 0.
    fitted: u64,
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.header() == other.header()
            && self.mti == other.mti
            && self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(&other.fields)
                .all(|((n, a), (k, b))| {
                    n == k && a.len == b.len && a.wire(&self.source) == b.wire(&other.source)
                })
    }
}

impl Eq for Message {}

impl core::hash::Hash for Message {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.header().hash(state);
        self.mti.hash(state);
        state.write_usize(self.fields.len());
        for (n, v) in &self.fields {
            n.hash(state);
            v.wire(&self.source).hash(state);
            v.len.hash(state);
        }
    }
}

impl Message {
    /// Whether `spec`'s [`Message::set`] made every value, so that each one's [`Form`] is the
    /// field's in `spec` and its length fits the field.
    ///
    /// A spec is known by its [`Spec::id`], not its address: a spec dropped and another built
    /// at the same place must not pass for it.
    #[inline(always)]
    fn fitted_to(&self, spec: &Spec) -> bool {
        self.fitted == spec.id()
    }

    /// An empty message of type `mti`.
    #[must_use]
    pub const fn new(mti: Mti) -> Self {
        Self {
            header: Held {
                own: Bytes::new(),
                start: OWN,
                len: 0,
            },
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
        let mut m = Self::from_view_in(&view, Bytes::new());
        // The spans were made from `input`; moved, not cloned, so that its reference count is
        // not touched.
        m.source = input;
        Ok(m)
    }

    /// The message `input` holds, decoded once already with `spec` into `found` (see
    /// [`Detached`]): built without decoding it again.
    #[cfg(feature = "net")]
    pub(crate) fn decoded(spec: &Spec, input: Bytes, found: Detached) -> Self {
        let view = MessageView::attach(spec, &input, found);
        let mut m = Self::from_view_in(&view, Bytes::new());
        m.source = input;
        m
    }

    /// An owned copy of a decoded message. The input is copied once into one shared buffer,
    /// not field by field.
    #[must_use]
    pub fn from_view(view: &MessageView<'_>) -> Self {
        Self::from_view_in(view, Bytes::copy_from_slice(view.as_bytes()))
    }

    /// Builds from `view`, whose input is the same bytes as `source` (or will be, once
    /// `source` is replaced by them): the header and every value are spans of it.
    fn from_view_in(view: &MessageView<'_>, source: Bytes) -> Self {
        let input = view.as_bytes();
        // Sized exactly from the bitmap: growing the vector by doubling cost about 0.4 µs per
        // message received on a channel (benches/net.rs, perf), in reallocations.
        let count: u32 = view.bitmap().words().iter().map(|w| w.count_ones()).sum();
        let mut fields: Vec<(u16, Value)> = Vec::with_capacity(count as usize);
        // A loop rather than `extend`, whose loop did not inline the iterator's step: 30
        // instructions less a field (`benches/icount.rs`, `typed_encode`, 9,251 → 8,833).
        for fv in view.fields() {
            fields.push((
                fv.number(),
                Value {
                    held: Held::span(input, fv.offset(), fv.as_bytes()),
                    len: fv.len(),
                    form: Form::General,
                },
            ));
        }
        Self {
            header: Held::span(input, 0, view.header()),
            mti: view.mti(),
            words: words_of(&fields),
            fields,
            source,
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
        self.header.bytes(&self.source)
    }

    /// Sets the header; its length is checked against the spec when encoding.
    pub fn set_header(&mut self, header: impl Into<Bytes>) -> &mut Self {
        self.header = Held::own(header.into());
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
        self.fitted = if self.fields.is_empty() || self.fitted_to(spec) {
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
        Some(FieldView::new(
            n,
            spec.field(n)?,
            v.wire(&self.source),
            v.len,
        ))
    }

    /// The fields present, read through `spec`.
    pub fn fields<'m>(&'m self, spec: &'m Spec) -> impl Iterator<Item = FieldView<'m>> + 'm {
        self.fields.iter().filter_map(|(n, v)| {
            Some(FieldView::new(
                *n,
                spec.field(*n)?,
                v.wire(&self.source),
                v.len,
            ))
        })
    }

    /// A copy with only the fields `numbers` (and the header and MTI), the usual start of a
    /// response or a reversal.
    #[must_use]
    pub fn with_only(&self, numbers: &[u16]) -> Self {
        self.only(numbers, 0)
    }

    /// [`with_only`](Self::with_only), with room for `spare` more fields.
    fn only(&self, numbers: &[u16], spare: usize) -> Self {
        // The fields kept, as bitmap words: the vector is then sized once, and each field is
        // tested with one bit rather than a scan of `numbers`. Collected from a filter, the
        // vector of a response to the reference 0200 grew three times (`benches/net.rs`, perf:
        // `Vec::from_iter` and `realloc` were 3.6 % of a channel's round trip on both sides).
        let mut wanted = [0u64; 3];
        for &n in numbers {
            mark_field(&mut wanted, n);
        }
        let mut kept = self.words;
        for (k, w) in kept.iter_mut().zip(wanted) {
            *k &= w;
        }
        let count: u32 = kept.iter().map(|w| w.count_ones()).sum();
        let mut fields: Vec<(u16, Value)> = Vec::with_capacity(count as usize + spare);
        fields.extend(
            self.fields
                .iter()
                .filter(|(n, _)| has_field(&kept, *n))
                .cloned(),
        );
        Self {
            header: self.header.clone(),
            mti: self.mti,
            words: kept,
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
        // Room for the response code, which nearly every response adds.
        let mut m = self.only(echo, 1);
        m.mti = self.mti.response()?;
        Some(m)
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

/// The bitmap words of sorted `fields`, one OR a field (numbers outside 1–192, which a
/// message never holds, are left out as [`Bitmap::insert`] leaves them out).
fn words_of(fields: &[(u16, Value)]) -> [u64; 3] {
    let mut words = [0u64; 3];
    for (n, _) in fields {
        mark_field(&mut words, *n);
    }
    words
}

/// Whether field `n`'s bit is set in bitmap words `words` (see [`mark_field`]).
fn has_field(words: &[u64; 3], n: u16) -> bool {
    let i = usize::from(n).wrapping_sub(1);
    words
        .get(i / 64)
        .is_some_and(|w| w & (1u64 << (63 - i % 64)) != 0)
}

/// Sets field `n`'s bit in bitmap words `words` (bit 1 is the top bit of the first word).
pub(crate) fn mark_field(words: &mut [u64; 3], n: u16) {
    let i = usize::from(n).wrapping_sub(1);
    if let Some(w) = words.get_mut(i / 64) {
        *w |= 1u64 << (63 - i % 64);
    }
}

/// Turns a value's text form into its wire form, checking it against the field (see
/// [`encode_text`]).
pub(crate) fn make_value(fs: &FieldSpec, n: u16, text: &[u8]) -> Result<Value, EncodeError> {
    let Encoded { wire, len } = encode_text(fs, n, text)?;
    Ok(Value::from_wire(wire, len))
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
                    .map(|(n, v)| (*n, v.wire_len()))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(all(test, feature = "net"))]
mod tests {
    use super::Message;
    use crate::{MessageView, Spec};
    use bytes::Bytes;

    /// A message built from what a decode found is the message decoding gives, for a view with
    /// every field's end kept and for one of over 32 fields (kept with a stride).
    #[test]
    fn built_from_a_detached_decode_is_the_decoded_message() {
        let Some(spec) = Spec::builtin("iso8583-1987-ascii") else {
            panic!("the built-in spec");
        };
        let mut wide = Message::new(crate::Mti::FINANCIAL_REQUEST);
        // Every field of the primary bitmap that takes digits (the rest are left out).
        for n in 2..=64u16 {
            if let Some(fs) = spec.field(n) {
                let len = if fs.prefix.is_some() { 2 } else { fs.length };
                let _ = wide.set(spec, n, vec![b'1'; len as usize]);
            }
        }
        let reference: &[u8] = b"02007238048028C080001642424242424242420000000000000100001123132500123456132500112305100374242424242424242=29122011000000000000123456789012TERM0001MERCHANT0000001840";
        let Ok(wide) = wide.to_vec(spec) else {
            panic!("the wide message encodes");
        };
        assert!(Message::decode(spec, Bytes::from(wide.clone()))
            .is_ok_and(|m| m.bitmap().words()[0].count_ones() > 32));
        for wire in [reference.to_vec(), wide] {
            let bytes = Bytes::from(wire);
            let Ok(view) = MessageView::decode(spec, &bytes) else {
                panic!("decodes");
            };
            let found = view.detach();
            let built = Message::decoded(spec, bytes.clone(), found);
            let Ok(decoded) = Message::decode(spec, bytes.clone()) else {
                panic!("decodes");
            };
            assert!(built == decoded);
            assert_eq!(built.to_vec(spec).ok(), Some(bytes.to_vec()));
        }
    }
}
