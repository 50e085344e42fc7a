//! Reading the input: lines of a file or of standard input, hex text, raw binary files.

use crate::CliError;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Bytes read at a time: large reads keep a log of a million lines fast.
const READ_BUFFER: usize = 1 << 20;

/// Calls `each` with the number (1-based) and the text of every line of `path`, or of standard
/// input when `path` is `None`, skipping blank lines and lines that start with `#`. The text
/// loses its line ending only: a message's own characters may end in spaces.
///
/// # Errors
/// A usage error when the input cannot be read; whatever `each` returns.
pub fn for_each_line(
    path: Option<&Path>,
    mut each: impl FnMut(usize, &[u8]) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let (name, mut reader): (String, Box<dyn BufRead>) = match path {
        Some(p) => (
            p.display().to_string(),
            Box::new(BufReader::with_capacity(
                READ_BUFFER,
                File::open(p)
                    .map_err(|e| CliError::Usage(format!("cannot open {}: {e}", p.display())))?,
            )),
        ),
        None => (
            "standard input".to_owned(),
            Box::new(BufReader::with_capacity(READ_BUFFER, io::stdin().lock())),
        ),
    };
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| CliError::Usage(format!("cannot read {name}: {e}")))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") {
            continue;
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        each(number, text)?;
    }
}

/// The whole of `path`, or of standard input when `path` is `None`, as bytes.
///
/// # Errors
/// A usage error when the input cannot be read.
pub fn read_all(path: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match path {
        Some(p) => std::fs::read(p)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display()))),
        None => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| CliError::Usage(format!("cannot read standard input: {e}")))?;
            Ok(buf)
        }
    }
}

/// Why hex text could not be turned into bytes. Never holds the text itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexError {
    /// The character at this position (0-based, counting white space) is not a hex digit.
    NotHex {
        /// Position of the character in the text.
        position: usize,
    },
    /// The text holds an odd number of hex digits.
    OddDigits,
}

impl HexError {
    /// Where the problem is in the text, when it is at one place.
    pub const fn position(self) -> Option<usize> {
        match self {
            Self::NotHex { position } => Some(position),
            Self::OddDigits => None,
        }
    }
}

impl std::fmt::Display for HexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotHex { position } => write!(f, "character {position} is not a hex digit"),
            Self::OddDigits => f.write_str("odd number of hex digits"),
        }
    }
}

/// Decodes hex text (either case, white space ignored) into `out`, which is cleared first.
///
/// # Errors
/// A [`HexError`] for a character that is not a hex digit or an odd digit count.
#[inline]
pub fn hex_to_bytes(text: &[u8], out: &mut Vec<u8>) -> Result<(), HexError> {
    out.clear();
    // The usual case, hex digits only: two table look-ups a byte, one check at the end.
    if text.len().is_multiple_of(2) {
        let mut bad = 0u8;
        out.extend(text.chunks_exact(2).map(|pair| {
            let (h, l) = match *pair {
                [h, l] => (hex_lookup(h), hex_lookup(l)),
                _ => (INVALID, INVALID),
            };
            bad |= h | l;
            h << 4 | l & 0x0F
        }));
        if bad & INVALID == 0 {
            return Ok(());
        }
        out.clear();
    }
    hex_to_bytes_slow(text, out)
}

/// [`hex_to_bytes`] for text with white space or bad characters.
fn hex_to_bytes_slow(text: &[u8], out: &mut Vec<u8>) -> Result<(), HexError> {
    out.reserve(text.len() / 2);
    let mut high = None;
    for (position, &c) in text.iter().enumerate() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = hex_value(c).ok_or(HexError::NotHex { position })?;
        match high.take() {
            None => high = Some(v),
            Some(h) => out.push(h << 4 | v),
        }
    }
    match high {
        Some(_) => Err(HexError::OddDigits),
        None => Ok(()),
    }
}

/// The value of a hex digit, or [`INVALID`].
#[inline]
fn hex_lookup(c: u8) -> u8 {
    HEX_VALUES.get(usize::from(c)).copied().unwrap_or(INVALID)
}

/// Marks a byte that is not a hex digit in [`HEX_VALUES`].
const INVALID: u8 = 0x80;

/// The value of every byte as a hex digit, or [`INVALID`].
// Built at compile time: an index out of bounds would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
static HEX_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut c: u8 = 0;
    loop {
        if let Some(v) = hex_value(c) {
            table[c as usize] = v;
        }
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    table
};

const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Appends `bytes` to `out` as upper-case hex.
pub fn push_hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        for nibble in [b >> 4, b & 0xF] {
            if let Some(&d) = DIGITS.get(usize::from(nibble)) {
                out.push(char::from(d));
            }
        }
    }
}

/// `bytes` as upper-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::new();
    push_hex(bytes, &mut s);
    s
}
