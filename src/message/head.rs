//! The start of the buffer a message was decoded from: header, MTI and bitmaps, kept when
//! they are exactly what the encoder writes, so that an encoding that would write them again
//! copies them instead.

use super::encode::{bitmap_wire, mti_wire, BitmapWire, Wire};
use crate::mti::Mti;
use crate::spec::MessageLayout;
use crate::view::MessageView;

/// The first `len` bytes of the decoded buffer are the header, MTI and bitmap words (flags
/// included) below, written in `layout` exactly as the encoder writes them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Head {
    pub(super) layout: MessageLayout,
    pub(super) mti: Mti,
    pub(super) words: [u64; 3],
    pub(super) len: usize,
}

impl Head {
    /// The head of a decoded message, when its bytes are the encoder's (for example not when
    /// an ASCII-hex bitmap came in lower case).
    pub(super) fn of(view: &MessageView<'_>) -> Option<Self> {
        let layout = *view.spec().layout();
        let words = view.bitmap().words();
        let [first, second, _] = words;
        let mut count = 1;
        if first & 1 << 63 != 0 {
            count = 2;
            if layout.tertiary_bitmap && second & 1 << 63 != 0 {
                count = 3;
            }
        }
        let mut rest = view.as_bytes().get(layout.header_length..)?;
        let mut take = |piece: &[u8]| match rest.strip_prefix(piece) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        };
        let mti_ok = match mti_wire(view.mti(), layout.mti_encoding) {
            Wire::Two(b) => take(&b),
            Wire::Four(b) => take(&b),
        };
        let bitmaps_ok = (1..=3u8).zip(words).take(count).all(|(which, word)| {
            match bitmap_wire(word, layout.bitmap_encoding_of(which)) {
                BitmapWire::Eight(b) => take(&b),
                BitmapWire::Sixteen(b) => take(&b),
            }
        });
        (mti_ok && bitmaps_ok).then(|| Self {
            layout,
            mti: view.mti(),
            words,
            len: view.as_bytes().len() - rest.len(),
        })
    }
}
