//! [`FieldView`]: one data element or subfield of a decoded message, and its value as bytes,
//! text or a number.

use crate::codec;
use crate::field_id::FieldId;
use crate::spec::field::{ContentClass, Encoding, FieldSpec};
use core::fmt;

/// One data element (or subfield) of a decoded message: borrowed wire bytes plus its format.
#[derive(Clone, Copy)]
pub struct FieldView<'a> {
    number: u16,
    sub: Option<FieldId>,
    /// For BCD content, the nibble of `raw` where the first digit is.
    lead: u8,
    /// Where `raw` starts in the input the field was read from (0 for a value of an owned
    /// message).
    offset: u32,
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
            offset: 0,
            spec,
            raw,
            len,
        }
    }

    /// A data element whose content, if BCD, starts at nibble 0, at `offset` in its input.
    #[inline]
    pub(crate) const fn first_nibble_0(
        number: u16,
        spec: &'a FieldSpec,
        raw: &'a [u8],
        len: usize,
        offset: usize,
    ) -> Self {
        Self {
            number,
            sub: None,
            lead: 0,
            offset: narrow(offset),
            spec,
            raw,
            len,
        }
    }

    /// The same field, at `offset` in its input.
    #[inline]
    #[must_use]
    pub(crate) const fn at(self, offset: usize) -> Self {
        Self {
            offset: narrow(offset),
            ..self
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
            offset: 0,
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

    /// Where the content starts (after any length prefix) in the input the field was read
    /// from: an absolute offset in a [`MessageView`](crate::MessageView)'s input, for data
    /// elements and subfields alike; 0 for a field of an owned [`Message`](crate::Message).
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset as usize
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
}

/// An offset as kept in a [`FieldView`]: a message is far shorter than 4 GiB (192 fields of
/// at most 999,999 bytes).
const fn narrow(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        // Checked just above.
        #[allow(clippy::cast_possible_truncation)]
        let narrow = offset as u32;
        narrow
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
