//! The key that pairs a response with its request.
//!
//! A [`MatchKey`] is the request's MTI class, mapped so that a request and its response give the
//! same value, followed by the values of some fields. The default ([`KeyFields::default`]) uses
//! DE11 (STAN) and DE41 (terminal): 0100 and 0110 pair, so do 0101 (a repeat) and 0110, while a
//! 0400 that reuses the STAN of a 0200 gets a different key and never takes the sale's answer.
//!
//! ```
//! use iso8583_wire::net::matching::{KeyFields, Matcher};
//! use iso8583_wire::{Message, MessageView, Mti, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no spec")?;
//! // Keys are read from the wire form, as the channel sees it.
//! let key = |m: &Message| -> Result<_, Box<dyn std::error::Error>> {
//!     let wire = m.to_vec(spec)?;
//!     Ok(KeyFields::default().key(&MessageView::decode(spec, &wire)?))
//! };
//! let mut sale = Message::new(Mti::FINANCIAL_REQUEST);
//! sale.set(spec, 11, "000123")?.set(spec, 41, "TERM0001")?;
//! let mut answer = sale.response(&[11, 41]).ok_or("not a request")?;
//! answer.set(spec, 39, "00")?;
//! let mut reversal = sale.clone();
//! reversal.set_mti(Mti::REVERSAL_REQUEST);
//!
//! assert_eq!(key(&sale)?, key(&answer)?);
//! assert_ne!(key(&sale)?, key(&reversal)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{MessageView, Mti};

/// The most bytes a key holds: MTI class and field values.
pub const MAX_KEY_LEN: usize = 64;

/// A matching key, kept inline (no allocation per request).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MatchKey {
    len: u8,
    bytes: [u8; MAX_KEY_LEN],
}

impl MatchKey {
    /// An empty key.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            len: 0,
            bytes: [0; MAX_KEY_LEN],
        }
    }

    /// Appends `part`; `false` (and the key unchanged) when it would not fit.
    pub fn push(&mut self, part: &[u8]) -> bool {
        let start = usize::from(self.len);
        let end = start.saturating_add(part.len());
        match (self.bytes.get_mut(start..end), u8::try_from(end)) {
            (Some(slot), Ok(len)) => {
                slot.copy_from_slice(part);
                self.len = len;
                true
            }
            _ => false,
        }
    }

    /// The key's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

impl core::hash::Hash for MatchKey {
    /// Hashes the bytes in use only, not the unused rest of the array.
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
    }
}

/// The hasher of the channel's pending table: a multiply-rotate hash of the key's bytes, eight
/// at a time (the scheme of rustc's `FxHasher`), in place of the default SipHash, which a
/// profile of `benches/net.rs` put at about 0.16 µs of each round trip. It is not keyed: the table holds
/// only the channel's own requests, at most the in-flight cap, so a host that sends answers with
/// colliding keys can slow its own look-ups, not grow anything.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyHasher(u64);

impl core::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`KeyHasher`]s.
pub(crate) type KeyHashState = core::hash::BuildHasherDefault<KeyHasher>;

impl Default for MatchKey {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for MatchKey {
    /// Shows the MTI class and the length only: a key built from DE2 would hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let class = self.as_bytes().get(..4).unwrap_or(&[]);
        write!(
            f,
            "MatchKey({}, {} bytes)",
            String::from_utf8_lossy(class),
            self.len
        )
    }
}

/// Computes the matching key of a message, request or response alike, from its decoded view
/// (the channel reads answers' keys before it builds an owned message, and hands the bytes to
/// the waiting task, which decodes them on its own core).
pub trait Matcher: Send + Sync + 'static {
    /// The key of `message`, or `None` when it lacks what the key needs.
    fn key(&self, message: &MessageView<'_>) -> Option<MatchKey>;
}

/// The MTI as a matching class: the third digit (function) is mapped so that a request and its
/// response agree (0→0, 1→0, 2→2, 3→2, …), and the fourth (origin) so that a repeat agrees
/// with its first transmission (1→0, 3→2, 5→4). Reversals (class 4) stay apart from the
/// financial and authorisation classes they reverse.
#[must_use]
pub const fn mti_class(mti: Mti) -> [u8; 4] {
    let [v, c, f, o] = *mti.as_bytes();
    [v, c, even_digit(f), even_digit(o)]
}

/// An ASCII digit rounded down to even (`1` → `0`, `3` → `2`); other bytes unchanged.
const fn even_digit(d: u8) -> u8 {
    if d.is_ascii_digit() {
        b'0' + ((d - b'0') & !1)
    } else {
        d
    }
}

/// A key made of the mapped MTI and the text of some fields (by default DE11 and DE41), like
/// jPOS's QMUX key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFields {
    fields: Vec<u16>,
    require_all: bool,
}

impl KeyFields {
    /// A key of the mapped MTI and the fields `fields`, in that order. DE11, when listed, is
    /// required; another field that is absent counts as empty, so a request and its answer must
    /// agree on whether it is there: for a host that drops DE41 from its answers, match on
    /// `KeyFields::new(&[11])`. See also [`require_all`](Self::require_all).
    #[must_use]
    pub fn new(fields: &[u16]) -> Self {
        Self {
            fields: fields.to_vec(),
            require_all: false,
        }
    }

    /// When `true`, a message that lacks one of the fields has no key (its send is refused, an
    /// answer without them is unmatched).
    #[must_use]
    pub fn require_all(mut self, require_all: bool) -> Self {
        self.require_all = require_all;
        self
    }

    /// The field numbers of the key.
    #[must_use]
    pub fn fields(&self) -> &[u16] {
        &self.fields
    }
}

impl Default for KeyFields {
    /// DE11 and DE41, with DE11 required.
    fn default() -> Self {
        Self::new(&[11, 41])
    }
}

impl Matcher for KeyFields {
    fn key(&self, message: &MessageView<'_>) -> Option<MatchKey> {
        let mut key = MatchKey::new();
        key.push(&mti_class(message.mti()));
        for &n in &self.fields {
            let field = message.field(n);
            if field.is_none() && (self.require_all || n == 11) {
                return None;
            }
            // A separator keeps `1`+`23` apart from `12`+`3`.
            let ok = key.push(&n.to_be_bytes())
                && match field {
                    Some(f) => {
                        let mut text = [0u8; MAX_KEY_LEN];
                        let value = f.text_into(&mut text).ok()?;
                        let len = u8::try_from(value.len()).ok()?;
                        key.push(&[len]) && key.push(value.as_bytes())
                    }
                    None => key.push(&[0]),
                };
            if !ok {
                return None;
            }
        }
        Some(key)
    }
}
