//! `iso8583 explain`: what a field 39 value (or a terminal-side outcome) means, whose side it
//! is on, whether to retry and whether a reversal is due.

use crate::diagnosis::{dialect_parser, lang_parser, outcome_parser, ReportFormat};
use crate::{CliError, Outcome as RunOutcome};
use clap::Args;
use iso8583_wire::response::{classify, Diagnosis, Dialect, Lang, Outcome};
use iso8583_wire::Mti;
use std::io::{self, Write};

/// Options of `iso8583 explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The field 39 value, e.g. 96, 05, A0 or 911 (a value no table knows is still explained)
    #[arg(
        value_name = "CODE",
        required_unless_present = "outcome",
        conflicts_with = "outcome"
    )]
    code: Option<String>,

    /// Explain a terminal-side outcome that has no field 39 instead
    #[arg(long, value_name = "NAME", value_parser = outcome_parser())]
    outcome: Option<Outcome>,

    /// The response-code dictionary the code is read in
    #[arg(
        long,
        value_name = "DIALECT",
        default_value = "iso8583-1987",
        value_parser = dialect_parser()
    )]
    dialect: Dialect,

    /// The message type the code came in (field 39 of a reversal, 0400/0420, is its reason)
    #[arg(long, value_name = "MTI", value_parser = parse_mti)]
    mti: Option<String>,

    /// Language of the text
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = lang_parser())]
    lang: Lang,

    /// Output format: plain text for the counter, or one JSON object
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

/// Accepts four MTI digits.
fn parse_mti(s: &str) -> Result<String, String> {
    Mti::from_text(s)
        .map(|_| s.to_owned())
        .ok_or_else(|| "an MTI is four digits, e.g. 0210".to_owned())
}

/// Runs `explain`.
///
/// # Errors
/// An output error when writing fails.
pub fn run(args: &ExplainArgs) -> Result<RunOutcome, CliError> {
    let diagnosis: Diagnosis<'static> = match (args.outcome, &args.code) {
        (Some(outcome), _) => Diagnosis::for_outcome(outcome),
        (None, Some(code)) => classify(
            args.dialect,
            args.mti.as_deref().map(str::as_bytes),
            code.as_bytes(),
        ),
        (None, None) => {
            return Err(CliError::Usage(
                "give a response code or --outcome NAME".to_owned(),
            ))
        }
    };
    let localized = diagnosis.in_lang(args.lang);
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Text => write!(out, "{localized}")?,
        ReportFormat::Json => {
            serde_json::to_writer(&mut out, &localized).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(RunOutcome::Ok)
}
