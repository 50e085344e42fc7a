//! Hex digits: bitmaps and binary fields written as text.

/// Upper-case hex digits by value.
pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The value of an ASCII hex digit (either case).
#[inline]
pub(crate) const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Checks that every byte is an ASCII hex digit; the error is the position of the first that
/// is not.
#[inline]
pub(crate) fn hex_check(text: &[u8]) -> Result<(), usize> {
    match text.iter().position(|&c| hex_value(c).is_none()) {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

/// Decodes pairs of ASCII hex digits into `out`; returns the number of bytes written, or the
/// position of the first bad character.
pub(crate) fn hex_decode_into(text: &[u8], out: &mut [u8]) -> Result<usize, usize> {
    let mut n = 0;
    for (i, (pair, o)) in text.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let (Some(&h), Some(&l)) = (pair.first(), pair.get(1)) else {
            break;
        };
        let hi = hex_value(h).ok_or(2 * i)?;
        let lo = hex_value(l).ok_or(2 * i + 1)?;
        *o = hi << 4 | lo;
        n += 1;
    }
    Ok(n)
}

/// Writes bytes as upper-case hex into `out` (two characters a byte, as far as `out` goes).
pub(crate) fn hex_upper_into(bytes: &[u8], out: &mut [u8]) {
    for (&b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        if let [h, l] = pair {
            *h = HEX_UPPER.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *l = HEX_UPPER.get(usize::from(b & 0xF)).copied().unwrap_or(b'0');
        }
    }
}
