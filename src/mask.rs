//! Masking of card data in output: PAN first 6 and last 4, track data after the separator,
//! secrets hidden wholly.

use crate::field_view::FieldView;
use crate::spec::Mask;
use core::fmt;

/// Text longer than this is shown through a heap buffer; shorter text uses the stack.
const STACK_TEXT: usize = 128;

/// A field value ready to be shown, masked or in clear text (see [`FieldView::masked`]).
#[derive(Clone, Copy)]
pub struct Masked<'a> {
    field: FieldView<'a>,
    clear: bool,
}

impl<'a> Masked<'a> {
    pub(crate) const fn new(field: FieldView<'a>, clear: bool) -> Self {
        Self { field, clear }
    }
}

impl fmt::Display for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mask = if self.clear {
            Mask::None
        } else {
            self.field.spec().mask
        };
        if !self.clear && mask == Mask::None && holds_card_data(&self.field) {
            return write_subfields(f, &self.field);
        }
        let needed = self.field.text_len();
        let mut stack = [0u8; STACK_TEXT];
        let mut heap = Vec::new();
        let buf: &mut [u8] = if needed <= STACK_TEXT {
            &mut stack
        } else {
            heap.resize(needed, 0);
            &mut heap
        };
        if self.field.text_into(buf).is_err() {
            // Content read leniently (`MessageView::decode_lenient`) may hold bytes outside
            // ASCII, which the text form then keeps: they are shown as `?`.
            for b in buf.iter_mut() {
                if !b.is_ascii() {
                    *b = b'?';
                }
            }
        }
        let text = buf
            .get(..needed)
            .and_then(|t| core::str::from_utf8(t).ok())
            .unwrap_or_default();
        write_masked(f, mask, text)
    }
}

impl<'a> FieldView<'a> {
    /// A `Display` of the value with the field's mask applied (PAN first 6 and last 4, track
    /// data after the separator hidden, secrets hidden wholly).
    #[must_use]
    pub fn masked(&self) -> Masked<'a> {
        Masked::new(*self, false)
    }

    /// A `Display` of the value in clear text, whatever the field's mask. Use it only where
    /// card data may be shown.
    #[must_use]
    pub fn unmasked(&self) -> Masked<'a> {
        Masked::new(*self, true)
    }
}

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Whether a structured field may hold masked subfields (BER-TLV data, or a layout with a
/// masked subfield), so that it must be shown subfield by subfield.
fn holds_card_data(field: &FieldView<'_>) -> bool {
    use crate::field_id::FieldId;
    use crate::spec::Composite;
    if matches!(field.sub_id(), Some(FieldId::Tag(_))) {
        return field.is_composite();
    }
    let masked = |list: &[(u16, crate::spec::FieldSpec)]| {
        list.iter()
            .any(|(_, fs)| fs.mask != Mask::None || fs.composite.is_some())
    };
    match field.spec().composite.as_deref() {
        None => false,
        Some(Composite::BerTlv | Composite::Track2) => true,
        Some(Composite::Positional(list)) => masked(list),
        Some(Composite::Tagged(t)) => masked(&t.subfields),
        Some(Composite::Bitmapped(b)) => masked(&b.subfields),
    }
}

/// Writes a structured field as `ID=value` pairs, each masked; a malformed field is not
/// shown at all.
fn write_subfields(f: &mut fmt::Formatter<'_>, field: &FieldView<'_>) -> fmt::Result {
    let mut first = true;
    for sub in field.subfields() {
        if !first {
            f.write_str(" ")?;
        }
        first = false;
        match sub {
            Ok(sub) => match sub.sub_id() {
                Some(id) => write!(f, "{id}={}", sub.masked())?,
                None => write!(f, "{}", sub.masked())?,
            },
            Err(_) => return f.write_str("[UNREADABLE]"),
        }
    }
    Ok(())
}

/// Writes `text` with `mask` applied.
///
/// # Errors
/// Whatever the writer returns.
pub fn write_masked(out: &mut impl fmt::Write, mask: Mask, text: &str) -> fmt::Result {
    match mask {
        Mask::None => out.write_str(text),
        Mask::Pan => write_pan(out, text),
        Mask::Track => {
            let sep = text.find(['=', 'D', '^']).unwrap_or(text.len());
            let (pan, rest) = text.split_at(sep);
            let pan = pan.strip_prefix(';').unwrap_or(pan);
            write_pan(out, pan)?;
            let mut rest = rest.chars();
            if let Some(separator) = rest.next() {
                out.write_char(separator)?;
            }
            for _ in rest {
                out.write_char('*')?;
            }
            Ok(())
        }
        Mask::Secret => out.write_str(HIDDEN),
    }
}

/// How many leading and trailing characters of a card number of `n` characters may be shown:
/// the first 6 and last 4 of a number of 11 or more, the last 4 of one of 5 to 10, none of one
/// of 4 or fewer. This is the one statement of the rule; every masked output goes through it.
const fn visible_ends(n: usize) -> (usize, usize) {
    match n {
        0..=4 => (0, 0),
        5..=10 => (0, 4),
        _ => (6, 4),
    }
}

/// The parts of a card number that may be shown, as masked output shows them: the first 6 and
/// the last 4 characters (either may be empty, for short numbers: see [`write_masked`]). The
/// characters between are never returned.
///
/// ```
/// use iso8583_wire::mask::pan_ends;
///
/// assert_eq!(pan_ends("4242424242424242"), ("424242", "4242"));
/// assert_eq!(pan_ends("1234567890"), ("", "7890"));
/// assert_eq!(pan_ends("1234"), ("", ""));
/// ```
#[must_use]
pub fn pan_ends(pan: &str) -> (&str, &str) {
    let n = pan.chars().count();
    let (head, tail) = visible_ends(n);
    let at = |chars: usize| pan.char_indices().nth(chars).map_or(pan.len(), |(i, _)| i);
    let first = pan.get(..at(head)).unwrap_or("");
    let last = pan.get(at(n - tail)..).unwrap_or("");
    (first, last)
}

/// A card number with all but the first 6 and last 4 digits replaced by `*`; numbers of 10
/// digits or fewer are masked wholly but for the last 4, and those of 4 or fewer wholly.
fn write_pan(out: &mut impl fmt::Write, pan: &str) -> fmt::Result {
    let n = pan.chars().count();
    let (head, tail) = visible_ends(n);
    for (i, c) in pan.chars().enumerate() {
        if i < head || i >= n - tail {
            out.write_char(c)?;
        } else {
            out.write_char('*')?;
        }
    }
    Ok(())
}

/// What [`write_masked`] shows for a secret.
const HIDDEN: &str = "[HIDDEN]";

/// The masked form of `text` as a `String`.
#[must_use]
pub fn masked_string(mask: Mask, text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = write_masked(&mut s, mask, text);
    s
}

/// Whether `text` is already in the masked form `mask` gives (`424242******4242`,
/// `[HIDDEN]`), that is, card data shown masked rather than the data itself. Text without a
/// mask character is never taken for masked, and a field without a mask has no masked form.
///
/// ```
/// use iso8583_wire::mask::is_masked;
/// use iso8583_wire::spec::Mask;
///
/// assert!(is_masked(Mask::Pan, "424242******4242"));
/// assert!(!is_masked(Mask::Pan, "4242424242424242"));
/// assert!(is_masked(Mask::Secret, "[HIDDEN]"));
/// assert!(!is_masked(Mask::None, "****"));
/// ```
#[must_use]
pub fn is_masked(mask: Mask, text: &str) -> bool {
    // Masking is idempotent: masked text masks to itself, and clear card data of the field's
    // form does not (it has digits where the mask puts `*`).
    let marked = match mask {
        Mask::None => return false,
        Mask::Pan | Mask::Track => text.contains('*'),
        Mask::Secret => true,
    };
    marked && masked_string(mask, text) == text
}

#[cfg(test)]
mod tests {
    use super::{is_masked, masked_string, pan_ends};
    use crate::spec::Mask;

    #[test]
    fn masks_pan_first_six_last_four() {
        assert_eq!(
            masked_string(Mask::Pan, "4242424242424242"),
            "424242******4242"
        );
        assert_eq!(masked_string(Mask::Pan, "1234567890"), "******7890");
        assert_eq!(masked_string(Mask::Pan, "1234"), "****");
    }

    #[test]
    fn pan_ends_agree_with_the_mask() {
        for pan in [
            "",
            "1",
            "1234",
            "12345",
            "1234567890",
            "12345678901",
            "4242424242424242",
        ] {
            let (first, last) = pan_ends(pan);
            let masked = masked_string(Mask::Pan, pan);
            assert!(masked.starts_with(first) && masked.ends_with(last), "{pan}");
            let hidden = pan.len() - first.len() - last.len();
            assert_eq!(masked.matches('*').count(), hidden, "{pan}");
        }
        assert_eq!(pan_ends("12345678901"), ("123456", "8901"));
    }

    #[test]
    fn masks_track_after_separator() {
        assert_eq!(
            masked_string(Mask::Track, "4242424242424242=29122011000000000000"),
            "424242******4242=********************"
        );
        assert_eq!(
            masked_string(Mask::Track, "4242424242424242D2912"),
            "424242******4242D****"
        );
        assert_eq!(masked_string(Mask::Secret, "0123456789ABCDEF"), "[HIDDEN]");
    }

    #[test]
    fn recognises_masked_text_only() {
        for (mask, clear) in [
            (Mask::Pan, "4242424242424242"),
            (Mask::Pan, "1234"),
            (Mask::Track, "4242424242424242=29122011000000000000"),
            (Mask::Secret, "0123456789ABCDEF"),
        ] {
            assert!(!is_masked(mask, clear), "{mask:?} {clear}");
            assert!(
                is_masked(mask, &masked_string(mask, clear)),
                "{mask:?} {clear}"
            );
        }
        assert!(!is_masked(Mask::Pan, ""));
        assert!(!is_masked(Mask::Pan, "42**42"));
        assert!(!is_masked(Mask::None, "[HIDDEN]"));
    }
}
