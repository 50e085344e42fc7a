//! `iso8583 stats`: a summary of many messages (a day of logs) by response category and by
//! code, with the responses that had no field 39, the lines that did not decode (by kind of
//! failure, with their first line numbers) and, with `--by`, the messages by group.
//!
//! The per-line path allocates nothing for a message already seen in kind: the line and hex
//! buffers are reused, the message is read as a borrowed view, field 39 is classified in
//! place, and a group is found by a small fixed key.

#[path = "stats/failures.rs"]
mod failures;
#[path = "stats/group.rs"]
mod group;
#[path = "stats/html.rs"]
mod html;
#[path = "stats/report.rs"]
mod report;

use crate::diagnosis::{diagnose, dialect_parser, lang_parser, ReportFormat};
use crate::log_lines::{self, LineForm};
use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::Args;
use failures::Failures;
use group::{Dimension, Groups};
use iso8583_wire::response::{Dialect, Lang, Tally};
use report::Report;
use std::io::{self, Write};
use std::path::PathBuf;

/// Options of `iso8583 stats`.
#[derive(Args, Debug)]
#[command(after_long_help = STATS_HELP)]
pub struct StatsArgs {
    #[command(flatten)]
    spec: SpecArgs,

    /// The response-code dictionary for field 39 [default: from the spec's name, as for decode]
    #[arg(long, value_name = "DIALECT", value_parser = dialect_parser())]
    dialect: Option<Dialect>,

    /// Output format: a text report, or one JSON object
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,

    /// Language of the text report and of the HTML page
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = lang_parser())]
    lang: Lang,

    /// Input form, one message per line: hex, the message's own characters, or either
    #[arg(long, value_enum, default_value_t = LineForm::Auto)]
    input: LineForm,

    /// Decode leniently: a message whose content breaks its spec (a class broken, an amount
    /// without its C/D sign) is counted with the others, and each violation is reported by
    /// rule with its first lines; faults of structure still fail the line
    #[arg(long)]
    lenient: bool,

    /// Count the decoded messages by group: terminal (DE41), merchant (DE42), mti, hour (of
    /// DE7), code (DE39) or category. Repeat it to group by the combination, e.g. `--by
    /// terminal --by hour`. A message without the field falls in the group "(none)"
    #[arg(long = "by", value_enum, value_name = "DIMENSION")]
    by: Vec<Dimension>,

    /// Groups shown, most messages first (0: all); also the terminals charted by --html
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,

    /// Also write a self-contained HTML page with SVG charts (failures per hour, failures by
    /// category, the terminals with the most failures) to FILE; no script, no network
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    /// File of messages, one per line (default or `-`: standard input; blank lines and lines
    /// starting with `#` are skipped). A progress bar is shown on standard error while a file
    /// is read, when standard error is a terminal
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// The contract of the report, shown by `iso8583 stats --help`.
const STATS_HELP: &str = "\
Report:
  The text report lists the messages, decode failures, responses and requests without field
  39, then each category and each code with its count and share. Then, when lines failed,
  the decode failures by kind with the first 5 line numbers of each (lines count from 1,
  comments and blank lines included), and with --by the groups: the value of each dimension,
  messages, share (of the decoded messages), approved, not approved and no field 39.

  --format json prints one object with the keys messages, decode_failures,
  responses_without_field_39, requests_without_field_39, diagnosed, categories and codes,
  then:
    decode_failure_kinds  a list of {kind, count, share (of the decode failures),
                          first_lines (at most 5), first_error}, most frequent first; kind is
                          a decode error's name (truncated, invalid_mti, ...) or invalid_hex
    group_by              (with --by) the dimensions, in the order given
    groups_total          (with --by) how many groups there are
    groups                (with --by) the first --top groups, most messages first, each with
                          its value of each dimension under the dimension's name (terminal,
                          merchant, mti, code: text; hour: a number 0-23; category: its
                          name; null when the message has no such field), then messages,
                          share, approved, not_approved and without_field_39

  terminal and merchant lose their trailing spaces. hour is null, (none) in text, when DE7 is
  absent or its hour is not 00-23; code and category are null for messages without field 39.";

/// Runs `stats`.
///
/// # Errors
/// A usage error for a bad spec, a dimension given twice, unreadable input or an HTML file
/// that cannot be written; an output error when writing the report fails. Messages that do
/// not decode are counted, not errors.
pub fn run(args: &StatsArgs) -> Result<Outcome, CliError> {
    let spec = args.spec.load()?;
    let dialect = args.dialect.unwrap_or_else(|| spec.dialect());
    for (i, d) in args.by.iter().enumerate() {
        if args.by.get(..i).is_some_and(|before| before.contains(d)) {
            return Err(CliError::Usage(format!("--by {} is given twice", d.name())));
        }
    }
    let mut tally = Tally::new();
    let mut failures = Failures::default();
    let mut groups = Groups::default();
    let grouping = (!args.by.is_empty()).then(|| groups.add(&args.by));
    let charts = args.html.as_ref().map(|_| {
        (
            groups.add(&[Dimension::Hour]),
            groups.add(&[Dimension::Terminal]),
        )
    });
    let grouped = grouping.is_some() || charts.is_some();
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    let mut violations = Failures::default();
    log_lines::for_each_message(
        path,
        &spec,
        args.input,
        args.lenient,
        |line, decoded, found| {
            for v in found {
                violations.record_violation(line, v);
            }
            match decoded {
                Ok(view) => {
                    let diagnosis = diagnose(&view, dialect);
                    if grouped {
                        groups.record(&view, diagnosis.as_ref());
                    }
                    match diagnosis {
                        Some(d) => tally.record(d),
                        None => tally.record_no_field_39(Some(view.mti().as_bytes())),
                    }
                }
                Err(e) => {
                    tally.record_decode_failure();
                    failures.record(line, &e);
                }
            }
            Ok(())
        },
    )?;
    if let (Some(file), Some((by_hour, by_terminal))) = (&args.html, charts) {
        let source = path.map_or_else(|| "standard input".to_owned(), |p| p.display().to_string());
        let page = html::Page {
            source: &source,
            tally: &tally,
            groups: &groups,
            by_hour,
            by_terminal,
            top: args.top,
            lang: args.lang,
        };
        html::write_atomically(file, &page.render())?;
    }
    let report = Report {
        tally: &tally,
        failures: &failures,
        violations: args.lenient.then_some(&violations),
        grouping: grouping.map(|n| (&groups, n)),
        top: args.top,
    };
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Text => out.write_all(report.render(args.lang).as_bytes())?,
        ReportFormat::Json => {
            report.write_json(&mut out).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    // The report is written either way; the status says whether every line decoded.
    if tally.messages() == 0 {
        crate::report::empty_input(match args.format {
            ReportFormat::Text => crate::report::ErrorForm::Text,
            ReportFormat::Json => crate::report::ErrorForm::Json,
        })?;
        return Ok(Outcome::SomeFailed);
    }
    Ok(Outcome::Ok.and(tally.decode_failures() == 0))
}
