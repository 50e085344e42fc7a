//! `iso8583`: decode, encode and inspect ISO 8583 messages from the command line.
//!
//! Data goes to standard output, errors to standard error (JSON lines with `--format json`).
//! Exit status: 0 when every message went through, 1 when some message failed (its error is
//! reported and the run goes on) or the input held none, 2 for a usage, spec or I/O error.

// The binary's root is `src/bin/iso8583.rs`, so its modules are named by path: they live in
// `src/bin/iso8583/`.
#[path = "iso8583/decode.rs"]
mod decode;
#[path = "iso8583/diagnosis.rs"]
mod diagnosis;
#[path = "iso8583/encode.rs"]
mod encode;
#[path = "iso8583/explain.rs"]
mod explain;
#[path = "iso8583/export.rs"]
mod export;
#[path = "iso8583/input.rs"]
mod input;
#[path = "iso8583/log_lines.rs"]
mod log_lines;
#[path = "iso8583/net_args.rs"]
mod net_args;
#[path = "iso8583/progress.rs"]
mod progress;
#[path = "iso8583/report.rs"]
mod report;
#[path = "iso8583/saf.rs"]
mod saf;
#[path = "iso8583/send.rs"]
mod send;
#[path = "iso8583/serve.rs"]
mod serve;
#[path = "iso8583/spec_arg.rs"]
mod spec_arg;
#[path = "iso8583/stats.rs"]
mod stats;
#[path = "iso8583/table.rs"]
mod table;

use clap::{Parser, Subcommand};
use iso8583_wire::Spec;
use std::io::{self, Write};
use std::process::ExitCode;

/// The end of every `--help`: where output and errors go, and the exit status.
const AFTER_HELP: &str = "\
Output: data on standard output; errors on standard error, as lines of text, or as JSON lines
{\"error\":{...}} with --format json (encode's errors are always JSON lines).

Exit status:
  0  every message went through
  1  some message failed (each failure is reported and the run goes on), or the input held none
  2  usage error, bad spec or rules file, unreadable input, or output that cannot be written";

/// Decode, encode and inspect ISO 8583 messages. Card data is masked unless asked otherwise.
#[derive(Parser)]
#[command(name = "iso8583", version, about, long_about = None, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands; each one is a variant here and a module beside this file.
#[derive(Subcommand)]
enum Command {
    /// Decode messages (hex, one per line or argument) and show every field, masked, with the
    /// diagnosis of field 39.
    #[command(after_help = AFTER_HELP)]
    Decode(decode::DecodeArgs),
    /// Encode messages from JSON objects (one per line), as printed by `decode --format json`.
    #[command(after_help = AFTER_HELP)]
    Encode(encode::EncodeArgs),
    /// Explain a response code (field 39) or a terminal-side outcome: meaning, whose side,
    /// retry or not, reversal or not.
    #[command(after_help = AFTER_HELP)]
    Explain(explain::ExplainArgs),
    /// Summarise messages (one per line) by response category and code.
    #[command(after_help = AFTER_HELP)]
    Stats(stats::StatsArgs),
    /// Write messages (one per line, as for stats) as a Parquet, Arrow IPC or CSV file, one row
    /// per line, card numbers as first 6 and last 4 digits only.
    Export(export::ExportArgs),
    /// Run a scriptable test host on TCP: answer requests by a rules file, print one masked
    /// JSON line per exchange, stop on SIGINT or SIGTERM.
    #[command(after_help = AFTER_HELP)]
    Serve(serve::ServeArgs),
    /// Send requests (JSON lines on standard input) to a host and print one JSON line per
    /// request: its outcome, its reversal, the response and its diagnosis.
    #[command(after_help = AFTER_HELP)]
    Send(send::SendArgs),
    /// The store-and-forward journal of reversals: list them, or send those that are due.
    #[command(after_help = AFTER_HELP)]
    Saf(saf::SafArgs),
    /// List the built-in specs.
    #[command(after_help = AFTER_HELP)]
    Specs,
}

impl Command {
    fn run(self) -> Result<Outcome, CliError> {
        match self {
            Self::Decode(args) => decode::run(&args),
            Self::Encode(args) => encode::run(&args),
            Self::Explain(args) => explain::run(&args),
            Self::Stats(args) => stats::run(&args),
            Self::Export(args) => export::run(&args),
            Self::Serve(args) => serve::run(&args),
            Self::Send(args) => send::run(&args),
            Self::Saf(args) => saf::run(&args),
            Self::Specs => list_specs(),
        }
    }
}

/// How a run that did not stop on an error went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Every message went through.
    Ok,
    /// At least one message failed; the others were handled.
    SomeFailed,
}

impl Outcome {
    /// `SomeFailed` once any message failed.
    fn and(self, ok: bool) -> Self {
        if ok {
            self
        } else {
            Self::SomeFailed
        }
    }
}

/// An error that stops the run (exit status 2).
#[derive(Debug)]
enum CliError {
    /// Bad arguments, a bad spec, or input that cannot be read; the text says which.
    Usage(String),
    /// Writing the output failed.
    Output(io::Error),
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        Self::Output(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.run() {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        // The reader of the output went away (`| head`): nothing more to do.
        Err(CliError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(CliError::Output(e)) => {
            eprintln!("iso8583: writing the output: {e}");
            ExitCode::from(2)
        }
        Err(CliError::Usage(message)) => {
            eprintln!("iso8583: {message}");
            ExitCode::from(2)
        }
    }
}

/// `iso8583 specs`: the built-in spec names, each with its description.
fn list_specs() -> Result<Outcome, CliError> {
    let names = Spec::builtin_names();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = io::stdout().lock();
    for name in names {
        let description = Spec::builtin(name).map_or("(fails to load)", Spec::description);
        writeln!(out, "{name:<width$}  {description}")?;
    }
    out.flush()?;
    Ok(Outcome::Ok)
}
