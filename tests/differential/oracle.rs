//! The reference decoder: a deliberately plain reading of the spec semantics, slow and
//! allocating, written without looking at how `MessageView::decode` does it.
//!
//! It walks bit positions 1 to 192 one by one, copies every element into a `Vec<u8>`, turns
//! it into text first (characters, BCD nibbles as `0`–`F`, EBCDIC through the code page 037
//! table below) and checks the text. Errors are `(kind name, element, offset)`.

use iso8583_wire::spec::{
    BitmapEncoding, ContentClass, Encoding, LengthPrefix, MessageLayout, MtiEncoding, PrefixCounts,
    PrefixEncoding,
};
use iso8583_wire::{FieldSpec, Spec};

/// IBM code page 037: the Unicode code point of every EBCDIC byte. Generated with Python:
/// `[ord(bytes([b]).decode("cp037")) for b in range(256)]`, eight to a row. Do not edit by
/// hand.
const CP037: [u32; 256] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x009C, 0x0009, 0x0086, 0x007F, 0x0097, 0x008D, 0x008E, 0x000B,
    0x000C, 0x000D, 0x000E, 0x000F, 0x0010, 0x0011, 0x0012, 0x0013, 0x009D, 0x0085, 0x0008, 0x0087,
    0x0018, 0x0019, 0x0092, 0x008F, 0x001C, 0x001D, 0x001E, 0x001F, 0x0080, 0x0081, 0x0082, 0x0083,
    0x0084, 0x000A, 0x0017, 0x001B, 0x0088, 0x0089, 0x008A, 0x008B, 0x008C, 0x0005, 0x0006, 0x0007,
    0x0090, 0x0091, 0x0016, 0x0093, 0x0094, 0x0095, 0x0096, 0x0004, 0x0098, 0x0099, 0x009A, 0x009B,
    0x0014, 0x0015, 0x009E, 0x001A, 0x0020, 0x00A0, 0x00E2, 0x00E4, 0x00E0, 0x00E1, 0x00E3, 0x00E5,
    0x00E7, 0x00F1, 0x00A2, 0x002E, 0x003C, 0x0028, 0x002B, 0x007C, 0x0026, 0x00E9, 0x00EA, 0x00EB,
    0x00E8, 0x00ED, 0x00EE, 0x00EF, 0x00EC, 0x00DF, 0x0021, 0x0024, 0x002A, 0x0029, 0x003B, 0x00AC,
    0x002D, 0x002F, 0x00C2, 0x00C4, 0x00C0, 0x00C1, 0x00C3, 0x00C5, 0x00C7, 0x00D1, 0x00A6, 0x002C,
    0x0025, 0x005F, 0x003E, 0x003F, 0x00F8, 0x00C9, 0x00CA, 0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF,
    0x00CC, 0x0060, 0x003A, 0x0023, 0x0040, 0x0027, 0x003D, 0x0022, 0x00D8, 0x0061, 0x0062, 0x0063,
    0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x00AB, 0x00BB, 0x00F0, 0x00FD, 0x00FE, 0x00B1,
    0x00B0, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071, 0x0072, 0x00AA, 0x00BA,
    0x00E6, 0x00B8, 0x00C6, 0x00A4, 0x00B5, 0x007E, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078,
    0x0079, 0x007A, 0x00A1, 0x00BF, 0x00D0, 0x00DD, 0x00DE, 0x00AE, 0x005E, 0x00A3, 0x00A5, 0x00B7,
    0x00A9, 0x00A7, 0x00B6, 0x00BC, 0x00BD, 0x00BE, 0x005B, 0x005D, 0x00AF, 0x00A8, 0x00B4, 0x00D7,
    0x007B, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048, 0x0049, 0x00AD, 0x00F4,
    0x00F6, 0x00F2, 0x00F3, 0x00F5, 0x007D, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050,
    0x0051, 0x0052, 0x00B9, 0x00FB, 0x00FC, 0x00F9, 0x00FA, 0x00FF, 0x005C, 0x00F7, 0x0053, 0x0054,
    0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00B2, 0x00D4, 0x00D6, 0x00D2, 0x00D3, 0x00D5,
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x00B3, 0x00DB,
    0x00DC, 0x00D9, 0x00DA, 0x009F,
];

/// A decoding failure: the kind's name (as `DecodeErrorKind::name`), the element (`header`,
/// `mti`, `bitmap 2`, `field 35`) and the absolute offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: &'static str,
    pub element: String,
    pub offset: usize,
}

fn fail(kind: &'static str, element: &str, offset: usize) -> Failure {
    Failure {
        kind,
        element: element.to_owned(),
        offset,
    }
}

/// One field as read: number, text, raw content bytes.
pub type Field = (u16, String, Vec<u8>);

/// Where the parts of a message are, for mutating it.
#[derive(Clone, Debug, Default)]
pub struct Places {
    /// (offset, encoding) of each bitmap read.
    pub bitmaps: Vec<(usize, BitmapEncoding)>,
    /// (field, offset of the prefix, the prefix, offset of the content, content bytes).
    pub fields: Vec<(u16, usize, Option<LengthPrefix>, usize, usize)>,
}

/// A decoded message: the MTI as text, the fields in ascending order, and where things are.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub mti: String,
    pub fields: Vec<Field>,
    pub places: Places,
}

/// The text of EBCDIC bytes.
pub fn ebcdic_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| char::from_u32(CP037[usize::from(b)]).unwrap())
        .collect()
}

/// The EBCDIC byte of an ASCII character (searching the table).
pub fn ebcdic_byte(c: char) -> u8 {
    (0..=255u8)
        .find(|&b| CP037[usize::from(b)] == c as u32)
        .unwrap()
}

/// The text of bytes taken one character each (Latin-1, so that every byte is a character).
fn byte_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Every nibble of the bytes as a hex character, high nibble first.
fn nibble_text(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Input<'_> {
    fn take(&mut self, n: usize, element: &str) -> Result<Vec<u8>, Failure> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return Err(fail("truncated", element, self.pos));
        }
        let out = self.bytes[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Ok(out)
    }
}

/// Decodes `input` with `spec`.
pub fn decode(spec: &Spec, input: &[u8]) -> Result<Decoded, Failure> {
    let layout = spec.layout();
    let mut inp = Input {
        bytes: input,
        pos: 0,
    };
    let mut places = Places::default();
    inp.take(layout.header_length, "header")?;

    let mti_at = inp.pos;
    let mti = match layout.mti_encoding {
        MtiEncoding::Ascii => byte_text(&inp.take(4, "mti")?),
        MtiEncoding::Ebcdic => ebcdic_text(&inp.take(4, "mti")?),
        MtiEncoding::Bcd => nibble_text(&inp.take(2, "mti")?),
    };
    if !mti.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail("invalid_mti", "mti", mti_at));
    }

    // bits[n] says whether bit n (1..=192) is set.
    let mut bits = vec![false; 193];
    let mut bitmaps = 1;
    read_bitmap(&mut inp, layout, 1, &mut bits, &mut places)?;
    if bits[1] {
        bitmaps = 2;
        read_bitmap(&mut inp, layout, 2, &mut bits, &mut places)?;
        if layout.tertiary_bitmap && bits[65] {
            bitmaps = 3;
            read_bitmap(&mut inp, layout, 3, &mut bits, &mut places)?;
        }
    }

    let mut fields = Vec::new();
    for n in 2..=192u16 {
        if !bits[usize::from(n)] || (n == 65 && layout.tertiary_bitmap) {
            continue;
        }
        let element = format!("field {n}");
        let Some(fs) = spec.field(n) else {
            return Err(fail("field_not_in_spec", &element, inp.pos));
        };
        let prefix_at = inp.pos;
        let (text, raw) = read_field(&mut inp, fs, &element)?;
        places
            .fields
            .push((n, prefix_at, fs.prefix, inp.pos - raw.len(), raw.len()));
        fields.push((n, text, raw));
    }

    if inp.pos < input.len() {
        // Trailing bytes are reported against the last data element read (bitmap flags are
        // not data elements), and against the last bitmap when the message has none.
        let element = match fields.last() {
            Some(f) => format!("field {}", f.0),
            None => format!("bitmap {bitmaps}"),
        };
        return Err(fail("trailing_bytes", &element, inp.pos));
    }
    Ok(Decoded {
        mti,
        fields,
        places,
    })
}

/// Reads bitmap `which` (1 primary, 2 secondary, 3 tertiary) into `bits`.
fn read_bitmap(
    inp: &mut Input<'_>,
    layout: &MessageLayout,
    which: usize,
    bits: &mut [bool],
    places: &mut Places,
) -> Result<(), Failure> {
    let encoding = layout.bitmap_encoding_of(which as u8);
    let element = format!("bitmap {which}");
    let at = inp.pos;
    places.bitmaps.push((at, encoding));
    let hex = match encoding {
        BitmapEncoding::Binary => nibble_text(&inp.take(8, &element)?),
        BitmapEncoding::AsciiHex => byte_text(&inp.take(16, &element)?),
        BitmapEncoding::EbcdicHex => ebcdic_text(&inp.take(16, &element)?),
    };
    // Hex digits of either case are read (the decoder documents no case rule).
    if !hex.chars().all(is_hex) {
        return Err(fail("invalid_bitmap", &element, at));
    }
    for (i, c) in hex.chars().enumerate() {
        let v = c.to_digit(16).unwrap();
        for j in 0..4 {
            bits[(which - 1) * 64 + i * 4 + j + 1] = v & (8 >> j) != 0;
        }
    }
    Ok(())
}

/// Bytes that `units` of content take on the wire.
fn wire_of(fs: &FieldSpec, units: usize) -> usize {
    match (fs.encoding, fs.class) {
        (Encoding::AsciiHex | Encoding::EbcdicHex, _) => 2 * units,
        // A sign byte, then the digits two to a byte.
        (Encoding::Bcd, ContentClass::Xn) => {
            if units == 0 {
                0
            } else {
                1 + (units - 1).div_ceil(2)
            }
        }
        (Encoding::Bcd, _) => units.div_ceil(2),
        _ => units,
    }
}

/// Units of content in `wire` bytes (for BCD, every nibble a digit).
fn units_of(fs: &FieldSpec, wire: usize) -> usize {
    match (fs.encoding, fs.class) {
        (Encoding::AsciiHex | Encoding::EbcdicHex, _) => wire / 2,
        (Encoding::Bcd, ContentClass::Xn) => {
            if wire == 0 {
                0
            } else {
                1 + 2 * (wire - 1)
            }
        }
        (Encoding::Bcd, _) => 2 * wire,
        _ => wire,
    }
}

/// The number a length prefix holds, or `None` when it is not one.
fn prefix_value(prefix: &LengthPrefix, raw: &[u8]) -> Option<usize> {
    let digits = match prefix.encoding {
        PrefixEncoding::Binary => return Some(raw.iter().fold(0, |v, &b| v * 256 + b as usize)),
        PrefixEncoding::Ascii => byte_text(raw),
        PrefixEncoding::Ebcdic => ebcdic_text(raw),
        PrefixEncoding::AsciiHex => {
            let t = byte_text(raw);
            if !t.chars().all(is_hex) {
                return None;
            }
            return Some(usize::from_str_radix(&t, 16).unwrap());
        }
        PrefixEncoding::Bcd => {
            let t = nibble_text(raw);
            // An odd digit count has a 0 filler nibble in front.
            if prefix.width % 2 == 1 && !t.starts_with('0') {
                return None;
            }
            t
        }
    };
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap())
}

/// Reads one field: its prefix, its content; returns its text and raw content.
fn read_field(
    inp: &mut Input<'_>,
    fs: &FieldSpec,
    element: &str,
) -> Result<(String, Vec<u8>), Failure> {
    let prefix_at = inp.pos;
    let max = fs.length as usize;
    let min = fs.min_length as usize;
    let mut shrinkable = false;
    let (units, wire) = match fs.prefix {
        None => (max, wire_of(fs, max)),
        Some(prefix) => {
            let raw = inp.take(prefix.wire_len(), element)?;
            let value = prefix_value(&prefix, &raw)
                .ok_or_else(|| fail("invalid_length_prefix", element, prefix_at))?;
            // Wire nibbles count whole bytes twice over: an odd count is no length.
            if prefix.counts == PrefixCounts::WireNibbles && value % 2 == 1 {
                return Err(fail("invalid_length_prefix", element, prefix_at));
            }
            let (units, wire) = match prefix.counts {
                PrefixCounts::Units => (value, wire_of(fs, value)),
                PrefixCounts::Bytes => (units_of(fs, value), value),
                PrefixCounts::Nibbles if fs.encoding == Encoding::Bcd => {
                    (value, wire_of(fs, value))
                }
                // Nibbles on the wire, rounded up to whole bytes.
                PrefixCounts::Nibbles | PrefixCounts::WireNibbles => {
                    (units_of(fs, value.div_ceil(2)), value.div_ceil(2))
                }
            };
            // A byte-counted BCD digit field with an F filler holds one digit less than its
            // bytes when the filler nibble is F. Whether it is can only be seen in the content,
            // so the length is checked with one unit of room before the content is read (so
            // that no claimed length is trusted first) and exactly afterwards.
            shrinkable = matches!(
                prefix.counts,
                PrefixCounts::Bytes | PrefixCounts::WireNibbles
            ) && fs.encoding == Encoding::Bcd
                && fs.bcd_pad.nibble() == 0xF
                && fs.class != ContentClass::B;
            if units > max + usize::from(shrinkable) || units < min {
                return Err(fail("length_out_of_range", element, prefix_at));
            }
            (units, wire)
        }
    };
    let start = inp.pos;
    let raw = inp.take(wire, element)?;
    let mut units = units;
    if shrinkable && units > 0 {
        let digits = nibble_text(if fs.class == ContentClass::Xn {
            &raw[1.min(raw.len())..]
        } else {
            &raw
        });
        let filler = if fs.bcd_pad.is_left() {
            digits.chars().next()
        } else {
            digits.chars().last()
        };
        if filler == Some('F') {
            units -= 1;
        }
        if units > max || units < min {
            return Err(fail("length_out_of_range", element, prefix_at));
        }
    }
    let text =
        content_text(fs, &raw, units).map_err(|p| fail("invalid_content", element, start + p))?;
    Ok((text, raw))
}

/// Whether a character belongs to a class (for `xn`, a character after the sign).
fn in_class(class: ContentClass, c: char) -> bool {
    match class {
        ContentClass::N | ContentClass::Xn => c.is_ascii_digit(),
        ContentClass::A => c.is_ascii_alphabetic() || c == ' ',
        ContentClass::An => c.is_ascii_alphanumeric() || c == ' ',
        ContentClass::Ans => (' '..='~').contains(&c),
        ContentClass::Z => c.is_ascii_digit() || c == '=' || c == 'D',
        ContentClass::B => true,
    }
}

/// Checks text characters against a class; the error is the first bad character's index.
fn check_text(class: ContentClass, text: &str) -> Result<(), usize> {
    for (i, c) in text.chars().enumerate() {
        let ok = if class == ContentClass::Xn && i == 0 {
            c == 'C' || c == 'D'
        } else {
            in_class(class, c)
        };
        if !ok {
            return Err(i);
        }
    }
    if class == ContentClass::Xn && text.is_empty() {
        return Err(0);
    }
    Ok(())
}

/// The content's text, or the offset (within the content) of the first bad byte.
fn content_text(fs: &FieldSpec, raw: &[u8], units: usize) -> Result<String, usize> {
    match fs.encoding {
        Encoding::Ascii => {
            let t = byte_text(raw);
            check_text(fs.class, &t)?;
            Ok(t)
        }
        Encoding::Ebcdic => {
            let t = ebcdic_text(raw);
            check_text(fs.class, &t)?;
            Ok(t)
        }
        Encoding::Binary => Ok(nibble_text(raw)),
        Encoding::AsciiHex | Encoding::EbcdicHex => {
            let t = if fs.encoding == Encoding::AsciiHex {
                byte_text(raw)
            } else {
                ebcdic_text(raw)
            };
            if let Some(p) = t.chars().position(|c| !is_hex(c)) {
                return Err(p);
            }
            // Two characters a byte: a lone last character is out of place.
            if t.len() % 2 == 1 {
                return Err(t.len() - 1);
            }
            Ok(t.to_ascii_uppercase())
        }
        Encoding::Bcd if fs.class == ContentClass::Xn => {
            // The sign is one ASCII byte, then the digits.
            match raw.first() {
                Some(b'C' | b'D') => {}
                _ => return Err(0),
            }
            let digits =
                bcd_digits(fs, &raw[1..], units - 1, ContentClass::N).map_err(|p| p + 1)?;
            Ok(format!("{}{digits}", char::from(raw[0])))
        }
        Encoding::Bcd => bcd_digits(fs, raw, units, fs.class),
    }
}

/// `count` BCD digits of `raw` as text; the error is the byte of the first bad nibble, read
/// left to right. An odd count has one filler nibble (before or after the digits, as the
/// spec's filler says), which may be 0 or F whatever the spec's filler is.
fn bcd_digits(
    fs: &FieldSpec,
    raw: &[u8],
    count: usize,
    class: ContentClass,
) -> Result<String, usize> {
    let nibbles: Vec<char> = nibble_text(raw).chars().collect();
    let odd = count % 2 == 1;
    let filler = match (odd, fs.bcd_pad.is_left()) {
        (false, _) => None,
        (true, true) => Some(0),
        (true, false) => Some(count),
    };
    let mut text = String::new();
    for (i, &c) in nibbles.iter().enumerate().take(count + usize::from(odd)) {
        if Some(i) == filler {
            if c != '0' && c != 'F' {
                return Err(i / 2);
            }
            continue;
        }
        let ok = match class {
            ContentClass::B => true,
            ContentClass::Z => c.is_ascii_digit() || c == 'D',
            _ => c.is_ascii_digit(),
        };
        if !ok {
            return Err(i / 2);
        }
        text.push(c);
    }
    Ok(text)
}
