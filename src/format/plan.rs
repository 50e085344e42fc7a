//! The decoder's compact form of a field's format, worked out once when a spec is built.

use crate::spec::field::{ContentClass, Encoding, FieldSpec, PrefixCounts, PrefixEncoding};

/// How the decoder reads a field: a fast path for the common ASCII, binary and packed BCD
/// forms, or the general reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The spec does not define the field.
    #[default]
    Undefined,
    /// Fixed length: `wire` bytes holding `units` units (one a byte, or for
    /// [`Check::Bcd`] two digits a byte), checked as `check` says.
    Fixed { wire: u32, units: u32, check: Check },
    /// A decimal length prefix of `bytes` wire bytes (ASCII digits, or packed BCD) counting
    /// units of one wire byte each, then content checked as `check` says.
    Prefixed {
        digits: PrefixDigits,
        bytes: u8,
        min: u32,
        max: u32,
        check: Check,
    },
    /// Fixed-length packed BCD digits of class `n`, an odd count of them with a filler
    /// nibble first (`left`) or last: the bytes are checked with their run of
    /// [`Check::Bcd`], the filler on its own (a 0 passes; anything else, F included, is left
    /// to the general reader).
    BcdOdd { wire: u32, digits: u32, left: bool },
    /// Fixed-length packed BCD digits the two forms above do not take: track data (class
    /// `z`, with the `D` separator), or an odd count of `n` digits that the spec pads with an
    /// F.
    BcdFixed { digits: u32, bcd: BcdCheck },
    /// A packed BCD length prefix of `bytes` wire bytes counting digits, then packed BCD
    /// digits.
    BcdPrefixed {
        bytes: u8,
        min: u32,
        max: u32,
        bcd: BcdCheck,
    },
    /// A packed BCD length prefix of `bytes` wire bytes counting the nibbles on the wire
    /// (filler included, so always even), then packed BCD digits that the spec pads with an
    /// F: an F filler takes one digit off (the UnionPay track 2 form).
    BcdWireNibbles {
        bytes: u8,
        min: u32,
        max: u32,
        bcd: BcdCheck,
    },
    /// Anything else: the general reader.
    General,
}

/// How the digits of a fast-path length prefix are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PrefixDigits {
    /// One ASCII digit a byte.
    Ascii,
    /// Two packed BCD digits a byte.
    Bcd,
}

/// The content check of a fast-path field: any byte, ASCII text of a class, or packed BCD
/// digits, tested a word at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any byte (binary, or ASCII of class `b`).
    Any,
    /// ASCII digits.
    Digits,
    /// Printable ASCII (`ans`).
    Printable,
    /// Letters and space (`a`).
    Alpha,
    /// Letters, digits and space (`an`).
    AlphaNum,
    /// Digits, `=` and `D` (`z`).
    Track,
    /// Packed BCD digits, every nibble a digit (see [`Plan::BcdOdd`] for a filler).
    Bcd,
}

/// The content check of packed BCD digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BcdCheck {
    /// Class `z`: the `D` separator nibble is allowed too.
    pub(crate) track: bool,
    /// An odd digit count has its filler nibble first.
    pub(crate) pad_left: bool,
}

impl Plan {
    /// The plan of a field.
    pub(crate) fn of(fs: &FieldSpec) -> Self {
        if fs.encoding == Encoding::Bcd {
            return Self::of_bcd(fs);
        }
        let check = match (fs.encoding, fs.class) {
            (Encoding::Binary, _) | (Encoding::Ascii, ContentClass::B) => Check::Any,
            (Encoding::Ascii, ContentClass::N) => Check::Digits,
            (Encoding::Ascii, ContentClass::Ans) => Check::Printable,
            (Encoding::Ascii, ContentClass::A) => Check::Alpha,
            (Encoding::Ascii, ContentClass::An) => Check::AlphaNum,
            (Encoding::Ascii, ContentClass::Z) => Check::Track,
            _ => return Self::General,
        };
        let Some(p) = fs.prefix else {
            return Self::Fixed {
                wire: fs.length,
                units: fs.length,
                check,
            };
        };
        let digits = match p.encoding {
            PrefixEncoding::Ascii if (1..=6).contains(&p.width) => PrefixDigits::Ascii,
            PrefixEncoding::Bcd if (1..=6).contains(&p.width) => PrefixDigits::Bcd,
            _ => return Self::General,
        };
        if !matches!(p.counts, PrefixCounts::Units | PrefixCounts::Bytes) {
            return Self::General;
        }
        Self::Prefixed {
            digits,
            bytes: narrow(p.wire_len()),
            min: fs.min_length,
            max: fs.length,
            check,
        }
    }

    /// The plan of a packed BCD field: digits of class `n` or `z` only.
    fn of_bcd(fs: &FieldSpec) -> Self {
        let track = match fs.class {
            ContentClass::N => false,
            ContentClass::Z => true,
            _ => return Self::General,
        };
        let bcd = BcdCheck {
            track,
            pad_left: fs.bcd_pad.is_left(),
        };
        match fs.prefix {
            // Digits in every nibble, read with their neighbours as one run.
            None if !track && fs.length.is_multiple_of(2) => Self::Fixed {
                wire: fs.length / 2,
                units: fs.length,
                check: Check::Bcd,
            },
            // An odd count whose spec pads with 0 (an F filler goes to `BcdFixed`, which takes
            // both).
            None if !track && fs.bcd_pad.nibble() == 0 => Self::BcdOdd {
                wire: fs.length.div_ceil(2),
                digits: fs.length,
                left: fs.bcd_pad.is_left(),
            },
            None => Self::BcdFixed {
                digits: fs.length,
                bcd,
            },
            // A prefix counting digits (for BCD content, nibbles are digits too).
            Some(p)
                if p.encoding == PrefixEncoding::Bcd
                    && (1..=6).contains(&p.width)
                    && matches!(p.counts, PrefixCounts::Units | PrefixCounts::Nibbles) =>
            {
                Self::BcdPrefixed {
                    bytes: narrow(p.wire_len()),
                    min: fs.min_length,
                    max: fs.length,
                    bcd,
                }
            }
            Some(p)
                if p.encoding == PrefixEncoding::Bcd
                    && (1..=6).contains(&p.width)
                    && p.counts == PrefixCounts::WireNibbles
                    && fs.bcd_pad.nibble() == 0xF =>
            {
                Self::BcdWireNibbles {
                    bytes: narrow(p.wire_len()),
                    min: fs.min_length,
                    max: fs.length,
                    bcd,
                }
            }
            Some(_) => Self::General,
        }
    }
}

/// A prefix's wire length (at most 6) as a byte.
fn narrow(bytes: usize) -> u8 {
    u8::try_from(bytes).unwrap_or(u8::MAX)
}
