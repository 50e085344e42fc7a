//! Logs of messages, one per line: how a line gives its message (hex or the message's own
//! characters), decoding it, and why a line failed. Shared by the commands that read a whole
//! log (`stats`), so that they count the same lines the same way.

use crate::input::{self, hex_to_bytes, HexError};
use crate::progress::Progress;
use crate::CliError;
use clap::ValueEnum;
use iso8583_wire::json::Failure;
use iso8583_wire::{DecodeError, MessageView, Spec, Violation};
use std::path::Path;

/// How each line gives its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LineForm {
    /// Hex when the line is hex and decodes so, else the message's own characters.
    Auto,
    /// Hex text; white space is ignored.
    Hex,
    /// The message's own characters.
    Text,
}

/// Why a line gave no message. A small `Copy` value that never holds the line's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineError {
    /// The line is not hex text (under `--input hex`).
    Hex(HexError),
    /// The message does not decode.
    Decode(DecodeError),
}

impl LineError {
    /// The stable snake-case name of the failure, as in JSON: a decode error's kind name
    /// (`truncated`, `invalid_mti`, …), or `invalid_hex`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Hex(_) => "invalid_hex",
            Self::Decode(e) => e.kind().name(),
        }
    }

    /// The failure as the `decode` command reports it.
    pub fn failure(&self) -> Failure {
        match *self {
            Self::Hex(e) => Failure::from(e),
            Self::Decode(e) => Failure::from(e),
        }
    }
}

/// Decodes `bytes` strictly, or leniently into `violations` when given.
pub fn decode<'a>(
    spec: &'a Spec,
    bytes: &'a [u8],
    violations: Option<&mut Vec<Violation>>,
) -> Result<MessageView<'a>, DecodeError> {
    match violations {
        Some(v) => MessageView::decode_lenient(spec, bytes, v),
        None => MessageView::decode(spec, bytes),
    }
}

/// Decodes the message of one line in `form`, using `buf` for the bytes of hex text; with
/// `violations`, leniently (see [`MessageView::decode_lenient`]), recording there what the
/// content of the message breaks.
///
/// Under [`LineForm::Auto`] a line of hex digits is read as hex first, then as the message's
/// characters; when both fail, the error is the one found further in (see [`more_advanced`]).
///
/// # Errors
/// The [`LineError`] of the line.
#[inline]
pub fn decode_line<'a>(
    spec: &'a Spec,
    form: LineForm,
    text: &'a [u8],
    buf: &'a mut Vec<u8>,
    mut violations: Option<&mut Vec<Violation>>,
) -> Result<MessageView<'a>, LineError> {
    match form {
        LineForm::Text => decode(spec, text, violations).map_err(LineError::Decode),
        LineForm::Hex => match hex_to_bytes(text, buf) {
            Ok(()) => decode(spec, buf, violations).map_err(LineError::Decode),
            Err(e) => Err(LineError::Hex(e)),
        },
        LineForm::Auto => match hex_to_bytes(text, buf) {
            Ok(()) => match decode(spec, buf, violations.as_deref_mut()) {
                Ok(view) => Ok(view),
                Err(as_hex) => decode(spec, text, violations)
                    .map_err(|as_text| LineError::Decode(more_advanced(as_hex, as_text))),
            },
            Err(_) => decode(spec, text, violations).map_err(LineError::Decode),
        },
    }
}

/// Of two errors for the same line read two ways, the one found further in the line; the hex
/// reading on a tie. A byte of the hex reading is two characters of the line: comparing the
/// offsets as they are would favour the text reading of a hex line cut short.
pub fn more_advanced(as_hex: DecodeError, as_text: DecodeError) -> DecodeError {
    if as_text.offset() > as_hex.offset().saturating_mul(2) {
        as_text
    } else {
        as_hex
    }
}

/// Calls `each` with the line number (1-based, counting every line of the input), the
/// decoded message or the error of every message line of `path` (or of standard input when
/// `path` is `None`), and, when `lenient`, the content violations of the message (see
/// [`MessageView::decode_lenient`]; always empty otherwise). Blank lines and lines starting
/// with `#` are skipped, as by [`input::for_each_line`]. A progress bar is shown on standard
/// error while a file is read (see [`Progress`]).
///
/// # Errors
/// A usage error when the input cannot be read; whatever `each` returns.
pub fn for_each_message(
    path: Option<&Path>,
    spec: &Spec,
    form: LineForm,
    lenient: bool,
    mut each: impl FnMut(
        usize,
        Result<MessageView<'_>, LineError>,
        &[Violation],
    ) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let mut progress = Progress::for_input(path);
    let mut buf = Vec::new();
    let mut violations = Vec::new();
    let read = input::for_each_line(path, |number, text| {
        progress.advance(text.len());
        let decoded = decode_line(
            spec,
            form,
            text,
            &mut buf,
            lenient.then_some(&mut violations),
        );
        each(number, decoded, &violations)
    });
    progress.finish();
    read
}
