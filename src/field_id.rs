//! The identity of a subfield within its field: a number, a BER-TLV tag or a part of track 2.
//! A leaf of the module graph: errors, views and composites all name subfields with it.

use core::fmt;

/// Which subfield of a field: a number, a BER-TLV tag, or a named part of track 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldId {
    /// A numbered subfield (positional, tagged or bitmapped layouts).
    Number(u16),
    /// A BER-TLV tag, its bytes big-endian (`0x9F02`).
    Tag(u32),
    /// A part of track 2 data.
    Part(Track2Part),
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Tag(t) => {
                let (bytes, skip) = tag_bytes(*t);
                for b in bytes.iter().skip(skip) {
                    write!(f, "{b:02X}")?;
                }
                Ok(())
            }
            Self::Part(p) => f.write_str(p.name()),
        }
    }
}

/// The parts of track 2 data (ISO 7813).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Track2Part {
    /// The primary account number, before the separator.
    Pan,
    /// The expiry date, YYMM, after the separator.
    Expiry,
    /// The three-digit service code.
    ServiceCode,
    /// Discretionary data (PVV, CVV, …) to the end.
    Discretionary,
}

impl Track2Part {
    pub(crate) const ALL: [Self; 4] = [
        Self::Pan,
        Self::Expiry,
        Self::ServiceCode,
        Self::Discretionary,
    ];

    /// The part's name in paths and JSON: `pan`, `expiry`, `service_code`, `discretionary`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pan => "pan",
            Self::Expiry => "expiry",
            Self::ServiceCode => "service_code",
            Self::Discretionary => "discretionary",
        }
    }
}

/// The bytes of a tag as it is written (1–4 bytes, big-endian, no leading zero bytes).
pub(crate) fn tag_bytes(tag: u32) -> ([u8; 4], usize) {
    let bytes = tag.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
    (bytes, skip)
}
