//! The start of a message: its MTI and bitmaps.

use crate::codec::{self, lut, EBCDIC_TO_ASCII};
use crate::error::{DecodeError, DecodeErrorKind, Element};
use crate::format::read::Reader;
use crate::mti::Mti;
use crate::spec::{BitmapEncoding, MtiEncoding};

/// The MTI, checked.
// Always inlined: with fat LTO (`CARGO_PROFILE_BENCH_LTO=fat`, one codegen unit) it was left
// out of line, and `decode_0200` took 1,058 instructions against 1,031 inlined
// (`decode_get_by_number_0200` 1,677 against 1,657; `benches/icount.rs`). The default build
// inlines it anyway (1,029 either way).
#[inline(always)]
pub(super) fn read_mti(r: &mut Reader<'_>, encoding: MtiEncoding) -> Result<Mti, DecodeError> {
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
pub(super) fn read_bitmap(
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
