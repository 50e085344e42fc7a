//! `iso8583 stats`: a summary of many messages (a day of logs) by response category and by
//! code, with the responses that had no field 39 and the lines that did not decode.
//!
//! The per-line path allocates nothing: the line and hex buffers are reused, the message is
//! read as a borrowed view, and field 39 is classified in place.

use crate::diagnosis::{diagnose, dialect_parser, lang_parser, ReportFormat};
use crate::input::{self, hex_to_bytes};
use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::{Args, ValueEnum};
use iso8583_wire::response::{Dialect, Lang, Tally};
use iso8583_wire::{MessageView, Spec};
use std::io::{self, Write};
use std::path::PathBuf;

/// Options of `iso8583 stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    spec: SpecArgs,

    /// The response-code dictionary for field 39 [default: from the spec's name, as for decode]
    #[arg(long, value_name = "DIALECT", value_parser = dialect_parser())]
    dialect: Option<Dialect>,

    /// Output format: a text report, or one JSON object
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,

    /// Language of the text report
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = lang_parser())]
    lang: Lang,

    /// Input form, one message per line: hex, the message's own characters, or either
    #[arg(long, value_enum, default_value_t = LineForm::Auto)]
    input: LineForm,

    /// File of messages, one per line (default or `-`: standard input; blank lines and lines
    /// starting with `#` are skipped)
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// How each line gives its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LineForm {
    /// Hex when the line is hex and decodes so, else the message's own characters.
    Auto,
    /// Hex text; white space is ignored.
    Hex,
    /// The message's own characters.
    Text,
}

/// Runs `stats`.
///
/// # Errors
/// A usage error for a bad spec or unreadable input; an output error when writing fails.
/// Messages that do not decode are counted, not errors.
pub fn run(args: &StatsArgs) -> Result<Outcome, CliError> {
    let spec = args.spec.load()?;
    let dialect = args.dialect.unwrap_or_else(|| spec.dialect());
    let mut tally = Tally::new();
    let mut buf = Vec::new();
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    input::for_each_line(path, |_, text| {
        count_line(&spec, dialect, args.input, text, &mut buf, &mut tally);
        Ok(())
    })?;
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Text => out.write_all(tally.render(args.lang).as_bytes())?,
        ReportFormat::Json => {
            serde_json::to_writer(&mut out, &tally).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Ok)
}

/// Decodes one line and counts it.
#[inline]
fn count_line(
    spec: &Spec,
    dialect: Dialect,
    form: LineForm,
    text: &[u8],
    buf: &mut Vec<u8>,
    tally: &mut Tally<'static>,
) {
    let decoded = match form {
        LineForm::Text => MessageView::decode(spec, text).ok(),
        LineForm::Hex => match hex_to_bytes(text, buf) {
            Ok(()) => MessageView::decode(spec, buf).ok(),
            Err(_) => None,
        },
        LineForm::Auto => match hex_to_bytes(text, buf) {
            Ok(()) => MessageView::decode(spec, buf)
                .or_else(|_| MessageView::decode(spec, text))
                .ok(),
            Err(_) => MessageView::decode(spec, text).ok(),
        },
    };
    match decoded {
        Some(view) => match diagnose(&view, dialect) {
            Some(d) => tally.record(d),
            None => tally.record_no_field_39(Some(view.mti().as_bytes())),
        },
        None => tally.record_decode_failure(),
    }
}
