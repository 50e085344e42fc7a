//! The 5-byte transport protocol data unit (TPDU) in front of China UnionPay and other
//! NAC-style POS messages.

use core::fmt;

/// A TPDU: an ID byte (`0x60` for a transaction), a 2-byte destination address and a 2-byte
/// source address (the NII pair).
///
/// A host answers with the same TPDU, destination and source swapped:
///
/// ```
/// use iso8583_wire::frame::Tpdu;
///
/// let request = Tpdu::from_bytes(&[0x60, 0x00, 0x08, 0x00, 0x00]).ok_or("short")?;
/// assert_eq!(request.to_string(), "6000080000");
/// assert_eq!(request.reply().to_bytes(), [0x60, 0x00, 0x00, 0x00, 0x08]);
/// # Ok::<(), &str>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tpdu {
    /// The TPDU ID, `0x60` for transactions.
    pub id: u8,
    /// The destination address.
    pub destination: [u8; 2],
    /// The source address.
    pub source: [u8; 2],
}

impl Tpdu {
    /// The number of bytes a TPDU takes on the wire.
    pub const LEN: usize = 5;

    /// Reads a TPDU from the first five bytes of `bytes` (a frame's header, or a message header
    /// that starts with a TPDU); `None` when there are fewer than five.
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        match *bytes {
            [id, d0, d1, s0, s1, ..] => Some(Self {
                id,
                destination: [d0, d1],
                source: [s0, s1],
            }),
            _ => None,
        }
    }

    /// The five bytes of the TPDU: ID, destination, source.
    #[must_use]
    pub const fn to_bytes(self) -> [u8; Self::LEN] {
        let [d0, d1] = self.destination;
        let [s0, s1] = self.source;
        [self.id, d0, d1, s0, s1]
    }

    /// The TPDU of the answer: the same ID, source and destination swapped.
    #[must_use]
    pub const fn reply(self) -> Self {
        Self {
            id: self.id,
            destination: self.source,
            source: self.destination,
        }
    }

    /// Swaps source and destination of the TPDU at the start of `header` in place, for
    /// answering with a copy of the request's header; `false` (and `header` untouched) when it is
    /// shorter than a TPDU.
    pub fn swap_in_place(header: &mut [u8]) -> bool {
        match header {
            [_, d0, d1, s0, s1, ..] => {
                core::mem::swap(d0, s0);
                core::mem::swap(d1, s1);
                true
            }
            _ => false,
        }
    }
}

impl fmt::Display for Tpdu {
    /// The five bytes as ten upper-case hex digits, e.g. `6000080000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.to_bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}
