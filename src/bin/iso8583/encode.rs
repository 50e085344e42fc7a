//! `iso8583 encode`: JSON objects in the form `decode --format json` prints, one per line, to
//! upper-case hex, one message per line. With `--strict`, a message that breaks its spec's
//! message rules is not encoded: every missing and unexpected element is reported on standard
//! error.

use crate::input::{self, push_hex};
use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::Args;
use iso8583_wire::json::{ErrorLine, Failure};
use iso8583_wire::{Message, Spec, ValidationError};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

/// Options of `iso8583 encode`.
#[derive(Args, Debug)]
pub struct EncodeArgs {
    #[command(flatten)]
    spec: SpecArgs,

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

/// Runs `encode`.
///
/// # Errors
/// A usage error for a bad spec or unreadable input; an output error when writing fails.
pub fn run(args: &EncodeArgs) -> Result<Outcome, CliError> {
    let spec = args.spec.load()?;
    let flush_each = io::stdout().is_terminal();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut outcome = Outcome::Ok;
    let mut wire = Vec::new();
    let mut hex = String::new();
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    input::for_each_line(path, |line, text| {
        match encode_line(&spec, text, args.strict, &mut wire) {
            Ok(()) => {
                hex.clear();
                push_hex(&wire, &mut hex);
                out.write_all(hex.as_bytes())?;
                out.write_all(b"\n")?;
            }
            Err(Refused::Rules(e)) => {
                outcome = outcome.and(false);
                eprintln!("iso8583: line {line}: {e}");
            }
            Err(Refused::Failure(failure)) => {
                outcome = outcome.and(false);
                let failure = failure.at_line(Some(line));
                serde_json::to_writer(&mut out, &ErrorLine { error: &failure })
                    .map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
        if flush_each {
            out.flush()?;
        }
        Ok(())
    })?;
    out.flush()?;
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
    let message = Message::from_json(spec, text)?;
    if strict {
        message.validate(spec).map_err(Refused::Rules)?;
    }
    wire.clear();
    message.encode(spec, wire)?;
    Ok(())
}
