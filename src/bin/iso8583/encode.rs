//! `iso8583 encode`: JSON objects in the form `decode --format json` prints, one per line, to
//! upper-case hex, one message per line, or to raw bytes; each message bare or in a network
//! frame (`--frame`), ready to send. Errors go to standard error as JSON lines. With
//! `--strict`, a message that breaks its spec's message rules is not encoded: every missing and
//! unexpected element is reported on standard error.

use crate::decode::{frame_failure, frame_parser};
use crate::input::{self, push_hex};
use crate::report::{self, ErrorForm};
use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::{Args, ValueEnum};
use iso8583_wire::frame::{Framer, LengthHeader};
use iso8583_wire::json::{Failure, JsonErrorKind};
use iso8583_wire::{Message, Spec, ValidationError};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

/// Options of `iso8583 encode`.
#[derive(Args, Debug)]
pub struct EncodeArgs {
    #[command(flatten)]
    spec: SpecArgs,

    /// Output form: upper-case hex, one message (or frame) per line; or the raw bytes, back to
    /// back, as they go on the wire (written even to a terminal: redirect them to a file or a
    /// pipe)
    #[arg(long, value_enum, default_value_t = Output::Hex)]
    output: Output,

    /// Put each message in a network frame with this length header (binary2, binary4, bcd2,
    /// ascii4, hex4), as `send` and `decode --frame` use it. A header the spec declares (a TPDU)
    /// is part of the message, inside the frame
    #[arg(long, value_name = "KIND", value_parser = frame_parser())]
    frame: Option<LengthHeader>,

    /// File of JSON objects, one per line (default: standard input; blank lines and lines
    /// starting with `#` are skipped). Masked values cannot be encoded: decode with
    /// `--unmasked` to re-encode
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Check each message against the data elements its spec declares mandatory, conditional
    /// or optional for its message type, and encode only those that follow them; each one
    /// that does not is reported on standard error with every missing and unexpected element
    #[arg(long)]
    strict: bool,
}

/// How encoded messages are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Upper-case hex, one message per line.
    Hex,
    /// The bytes themselves, back to back (use --frame to keep messages apart).
    Raw,
}

/// Runs `encode`.
///
/// # Errors
/// A usage error for a bad spec or unreadable input; an output error when writing fails.
pub fn run(args: &EncodeArgs) -> Result<Outcome, CliError> {
    let spec = args.spec.load()?;
    let framer = args.frame.map(Framer::new);
    let flush_each = io::stdout().is_terminal();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::Ok;
    let mut inputs = 0usize;
    let mut wire = Vec::new();
    let mut framed = Vec::new();
    let mut hex = String::new();
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    input::for_each_line(path, |line, text| {
        inputs += 1;
        let encoded =
            encode_line(&spec, text, args.strict, &mut wire).and_then(|()| match framer {
                None => Ok(wire.as_slice()),
                Some(framer) => {
                    framed.clear();
                    framer
                        .encode(&wire, &mut framed)
                        .map_err(|e| Refused::Failure(frame_failure(e)))
                        .map(|()| framed.as_slice())
                }
            });
        match encoded {
            Ok(bytes) => match args.output {
                Output::Raw => out.write_all(bytes)?,
                Output::Hex => {
                    hex.clear();
                    push_hex(bytes, &mut hex);
                    out.write_all(hex.as_bytes())?;
                    out.write_all(b"\n")?;
                }
            },
            Err(Refused::Rules(e)) => {
                outcome = outcome.and(false);
                eprintln!("iso8583: line {line}: {e}");
            }
            Err(Refused::Failure(failure)) => {
                outcome = outcome.and(false);
                report::failure(ErrorForm::Json, &failure.at_line(Some(line)))?;
            }
        }
        if flush_each {
            out.flush()?;
        }
        Ok(())
    })?;
    out.flush()?;
    if inputs == 0 {
        report::empty_input(ErrorForm::Json)?;
        return Ok(Outcome::SomeFailed);
    }
    Ok(outcome)
}

/// Why a line was not encoded.
enum Refused {
    /// The line is not a message, or the message cannot be encoded.
    Failure(Failure),
    /// `--strict`: the message breaks its spec's message rules.
    Rules(ValidationError),
}

impl<E: Into<Failure>> From<E> for Refused {
    fn from(e: E) -> Self {
        Self::Failure(e.into())
    }
}

/// Encodes the message of one JSON line into `wire` (cleared first), after checking it
/// against the spec's message rules when `strict`.
fn encode_line(spec: &Spec, text: &[u8], strict: bool, wire: &mut Vec<u8>) -> Result<(), Refused> {
    let message = Message::from_json(spec, text).map_err(|e| match e.kind() {
        // Said plainly, whatever the field would say of the masked text as a value.
        JsonErrorKind::Masked { .. } => Failure::input(
            "masked_value",
            e.field(),
            "this value is masked; decode with --unmasked to get clear text",
        ),
        _ => Failure::from(e),
    })?;
    if strict {
        message.validate(spec).map_err(Refused::Rules)?;
    }
    wire.clear();
    message.encode(spec, wire)?;
    Ok(())
}
