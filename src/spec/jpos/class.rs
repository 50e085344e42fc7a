//! Reading a jPOS field packager class name (`IFA_LLNUM`, `IFB_LLHBINARY`, …) as independent
//! settings: content class, encoding, length prefix and BCD filler.
//!
//! The names follow a convention: `IF` + family + `_` + `[F]` + `L`… + `[H]` + kind. The family
//! says how the prefix and the content are written (`A` ASCII, `B` BCD/binary, `E` EBCDIC, and the
//! mixed `EA`, `AE`, `EB`; none for the literal `IF_CHAR`), the `L`s count the prefix digits, `H`
//! makes the prefix a binary byte count, and `F` marks an `F` filler nibble. The kind rules which
//! combinations exist; every other name is refused.

use crate::spec::{
    BcdPad, BitmapEncoding, ContentClass, Encoding, LengthPrefix, PrefixCounts, PrefixEncoding,
};

/// What a field packager class encodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packager {
    /// A data element.
    Field(Format),
    /// A bitmap (`IFA_BITMAP`, `IFB_BITMAP`, `IFE_BITMAP`).
    Bitmap(BitmapEncoding),
}

/// The settings of a data element that a class name determines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Format {
    /// The content class.
    pub class: ContentClass,
    /// The content encoding.
    pub encoding: Encoding,
    /// The length prefix, `None` for a fixed field.
    pub prefix: Option<LengthPrefix>,
    /// The filler nibble of odd-length BCD content.
    pub bcd_pad: BcdPad,
}

/// The family: the part of the name between `IF` and `_`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `IF_CHAR`, `IF_ECHAR`: fixed text.
    Literal,
    /// ASCII prefix, ASCII content.
    A,
    /// BCD (or binary, with `H`) prefix, BCD digits, ASCII text.
    B,
    /// EBCDIC prefix and content.
    E,
    /// EBCDIC prefix, ASCII content.
    Ea,
    /// ASCII prefix, EBCDIC content.
    Ae,
    /// EBCDIC prefix counting bytes, BCD digits with an `F` filler.
    Eb,
}

/// The kind: the end of the name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Numeric,
    Num,
    BNum,
    Char,
    EChar,
    Binary,
    ABinary,
    Hex,
    Amount,
    Amount2003,
    Bitmap,
}

impl Kind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "NUMERIC" => Self::Numeric,
            "NUM" => Self::Num,
            "BNUM" => Self::BNum,
            "CHAR" => Self::Char,
            "ECHAR" => Self::EChar,
            "BINARY" => Self::Binary,
            "ABINARY" => Self::ABinary,
            "HEX" => Self::Hex,
            "AMOUNT" => Self::Amount,
            "AMOUNT2003" => Self::Amount2003,
            "BITMAP" => Self::Bitmap,
            _ => return None,
        })
    }
}

/// The class name without the `org.jpos.iso.` package.
pub(super) fn short_name(class: &str) -> &str {
    class.strip_prefix("org.jpos.iso.").unwrap_or(class)
}

/// Reads a class name; `pad` is the XML `pad` attribute (BCD filler left when true, right when
/// false). `None` when the class is unknown or has no equivalent in the spec model.
pub(super) fn parse(class: &str, pad: bool) -> Option<Packager> {
    let rest = short_name(class).strip_prefix("IF")?;
    let (family, body) = rest.split_once('_')?;
    let family = match family {
        "" => Family::Literal,
        "A" => Family::A,
        "B" => Family::B,
        "E" => Family::E,
        "EA" => Family::Ea,
        "AE" => Family::Ae,
        "EB" => Family::Eb,
        _ => return None,
    };
    let (filled, body) = match body.strip_prefix('F') {
        Some(b) if b.starts_with('L') || b == "NUMERIC" => (true, b),
        _ => (false, body),
    };
    let l_count = body.bytes().take_while(|&c| c == b'L').count();
    let after = body.get(l_count..)?;
    let (binary_len, kind) = match Kind::parse(after) {
        Some(kind) => (false, kind),
        None => (true, Kind::parse(after.strip_prefix('H')?)?),
    };
    let width = u8::try_from(l_count).ok()?;
    let fixed = width == 0;
    if binary_len && (family != Family::B || !(2..=3).contains(&width)) {
        return None;
    }
    if filled && !(family == Family::B && matches!(kind, Kind::Numeric | Kind::Num)) {
        return None;
    }
    let pad = if filled {
        BcdPad::RightF
    } else if pad {
        BcdPad::Left0
    } else {
        BcdPad::Right0
    };
    let fixed_only = matches!(
        kind,
        Kind::Numeric | Kind::Amount | Kind::Amount2003 | Kind::Bitmap
    );
    let variable_only = matches!(kind, Kind::Num | Kind::BNum | Kind::ABinary);
    if (fixed && variable_only) || (!fixed && fixed_only) {
        return None;
    }
    if kind == Kind::Bitmap {
        return Some(Packager::Bitmap(match family {
            Family::A => BitmapEncoding::AsciiHex,
            Family::B => BitmapEncoding::Binary,
            Family::E => BitmapEncoding::EbcdicHex,
            _ => return None,
        }));
    }
    use ContentClass as C;
    use Encoding as E;
    use Family as F;
    let (class, encoding, bcd_pad) = match (family, kind) {
        (F::A, Kind::Numeric | Kind::Num | Kind::Amount2003) => (C::N, E::Ascii, BcdPad::Left0),
        (F::B, Kind::Numeric | Kind::Num | Kind::Amount2003) | (F::A, Kind::BNum) => {
            (C::N, E::Bcd, pad)
        }
        (F::E, Kind::Numeric | Kind::Num) => (C::N, E::Ebcdic, BcdPad::Left0),
        (F::Eb, Kind::Num) => (C::N, E::Bcd, BcdPad::RightF),
        (F::Literal | F::A | F::B | F::Ea, Kind::Char) => (C::Ans, E::Ascii, BcdPad::Left0),
        (F::Literal, Kind::EChar) | (F::E | F::Ae, Kind::Char) => {
            (C::Ans, E::Ebcdic, BcdPad::Left0)
        }
        (F::B, Kind::EChar) if binary_len => (C::Ans, E::Ebcdic, BcdPad::Left0),
        (F::A, Kind::Binary) if fixed => (C::B, E::AsciiHex, BcdPad::Left0),
        (F::E, Kind::Binary) if fixed => (C::B, E::EbcdicHex, BcdPad::Left0),
        (F::A | F::B | F::E, Kind::Binary) => (C::B, E::Binary, BcdPad::Left0),
        (F::A, Kind::ABinary) => (C::B, E::AsciiHex, BcdPad::Left0),
        // Fixed: hex digits packed two a byte; variable: raw bytes, the prefix counting nibbles.
        (F::B, Kind::Hex) if fixed => (C::B, E::Bcd, BcdPad::Left0),
        (F::B, Kind::Hex) if !binary_len => (C::B, E::Binary, BcdPad::Left0),
        (F::A, Kind::Amount) => (C::Xn, E::Ascii, BcdPad::Left0),
        (F::E, Kind::Amount) => (C::Xn, E::Ebcdic, BcdPad::Left0),
        (F::B, Kind::Amount) => (C::Xn, E::Bcd, pad),
        _ => return None,
    };
    let prefix = if fixed {
        None
    } else {
        let (encoding, width) = match family {
            F::B if binary_len => (PrefixEncoding::Binary, width - 1),
            F::B => (PrefixEncoding::Bcd, width),
            F::A | F::Ae => (PrefixEncoding::Ascii, width),
            F::E | F::Ea | F::Eb => (PrefixEncoding::Ebcdic, width),
            F::Literal => return None,
        };
        let counts = match (family, kind) {
            (F::Eb, _) => PrefixCounts::Bytes,
            (F::B, Kind::Hex) => PrefixCounts::Nibbles,
            _ => PrefixCounts::Units,
        };
        Some(LengthPrefix::new(width, encoding).counting(counts))
    };
    Some(Packager::Field(Format {
        class,
        encoding,
        prefix,
        bcd_pad,
    }))
}
