//! Reading the input: lines of a file or of standard input, hex text, raw binary files.

use crate::CliError;
pub use iso8583_wire::hex::{hex_to_bytes, push_hex, to_hex, HexError};
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
