//! `iso8583 export`: a log (one message per line, as `stats` reads it) as a Parquet, Arrow IPC
//! or CSV file, one row per line, for DuckDB, DataFusion, Spark and the like.
//!
//! The file is written under a temporary name beside the target and renamed into place only
//! once it is complete and synced, so that a failure (a full disk, an unreadable input) never
//! leaves a file under the target's name that looks whole.

use crate::diagnosis::dialect_parser;
use crate::log_lines::{self, LineError, LineForm};
use crate::spec_arg::SpecArgs;
use crate::{CliError, Outcome};
use clap::{Args, ValueEnum};
use iso8583_wire::export::{BatchBuilder, BatchWriter, ExportError, Format, BATCH_ROWS};
use iso8583_wire::response::Dialect;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Bytes buffered before each write to the output file.
const WRITE_BUFFER: usize = 1 << 20;

/// Options of `iso8583 export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    spec: SpecArgs,

    /// The response-code dictionary for field 39 [default: from the spec's name, as for decode]
    #[arg(long, value_name = "DIALECT", value_parser = dialect_parser())]
    dialect: Option<Dialect>,

    /// File format to write
    #[arg(long, value_enum)]
    format: FileFormat,

    /// File to write; it appears only once complete (written under a temporary name in the
    /// same directory, then renamed)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,

    /// Year of the transmission times: with it, `transmission_time` (DE7, MMDDhhmmss) is a UTC
    /// timestamp in that year; without it, the ten digits as text
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(u16).range(1..=9999))]
    year: Option<u16>,

    /// Input form, one message per line: hex, the message's own characters, or either
    #[arg(long, value_enum, default_value_t = LineForm::Auto)]
    input: LineForm,

    /// Decode leniently: a message whose content breaks its spec (a class broken, an amount
    /// without its C/D sign) is exported with what it breaks in the `violations` column;
    /// faults of structure still make an error row
    #[arg(long)]
    lenient: bool,

    /// File of messages, one per line (default or `-`: standard input; blank lines and lines
    /// starting with `#` are skipped). A progress bar is shown on standard error while a file
    /// is read, when standard error is a terminal
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// `--format`: the file formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FileFormat {
    /// Apache Parquet, Snappy-compressed
    Parquet,
    /// The Arrow IPC file format (Feather 2)
    Arrow,
    /// Comma-separated values with a header line
    Csv,
}

impl FileFormat {
    const fn format(self) -> Format {
        match self {
            Self::Parquet => Format::Parquet,
            Self::Arrow => Format::ArrowIpc,
            Self::Csv => Format::Csv,
        }
    }
}

/// Runs `export`.
///
/// # Errors
/// A usage error for a bad spec, unreadable input, or an output that cannot be created or
/// written; the temporary file is removed first. Lines that do not decode are rows with their
/// error, not errors.
pub fn run(args: &ExportArgs) -> Result<Outcome, CliError> {
    let spec = args.spec.load()?;
    let dialect = args.dialect.unwrap_or_else(|| spec.dialect());
    let mut rows = BatchBuilder::new(dialect);
    if let Some(year) = args.year {
        rows = rows.with_year(year);
    }
    let (out, file) = TempFile::create(&args.out)?;
    let shown = args.out.display().to_string();
    let written = |e: ExportError| CliError::Usage(format!("cannot write {shown}: {e}"));
    let file = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut writer =
        BatchWriter::new(args.format.format(), file, &rows.schema()).map_err(written)?;
    let mut failed: u64 = 0;
    let path = args.file.as_deref().filter(|p| p.as_os_str() != "-");
    log_lines::for_each_message(
        path,
        &spec,
        args.input,
        args.lenient,
        |number, decoded, found| {
            let line = number as u64;
            match decoded {
                Ok(view) => rows.push_lenient(line, &view, found),
                Err(LineError::Decode(e)) => {
                    failed += 1;
                    rows.push_error(line, &e);
                }
                Err(e @ LineError::Hex(hex)) => {
                    failed += 1;
                    let offset = hex.position().map(|p| p as u64);
                    rows.push_failure(line, e.kind_name(), offset);
                }
            }
            if rows.len() >= BATCH_ROWS {
                let batch = rows.finish().map_err(written)?;
                writer.write(&batch).map_err(written)?;
            }
            Ok(())
        },
    )?;
    if !rows.is_empty() {
        let batch = rows.finish().map_err(written)?;
        writer.write(&batch).map_err(written)?;
    }
    let total = writer.rows();
    let file = writer.finish().map_err(written)?;
    out.commit(file)?;
    if total == 0 {
        eprintln!("iso8583: the input holds no message; {shown} has no rows");
        return Ok(Outcome::SomeFailed);
    }
    let rows = if total == 1 { "row" } else { "rows" };
    let lines = if failed == 1 {
        "a line that did not decode"
    } else {
        "lines that did not decode"
    };
    eprintln!("iso8583: {total} {rows} written to {shown}, {failed} of them {lines}");
    Ok(Outcome::Ok.and(failed == 0))
}

/// The output under its temporary name, removed on drop unless [`TempFile::commit`] renamed
/// it into place.
struct TempFile {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl TempFile {
    /// Creates `.NAME.PID.tmp` in the directory of `target` (it must not exist yet) and opens
    /// it for writing.
    fn create(target: &Path) -> Result<(Self, File), CliError> {
        let name = target
            .file_name()
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "cannot write {}: not a file name",
                    target.display()
                ))
            })?
            .to_string_lossy();
        let temp_name = format!(".{name}.{}.tmp", std::process::id());
        let temp = target.with_file_name(temp_name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", target.display())))?;
        let temp = Self {
            temp,
            target: target.to_path_buf(),
            committed: false,
        };
        Ok((temp, file))
    }

    /// Flushes and syncs the file written through `out`, then renames it to the target.
    fn commit(mut self, out: BufWriter<File>) -> Result<(), CliError> {
        let file = out.into_inner().map_err(|e| self.failed(e.error()))?;
        file.sync_all().map_err(|e| self.failed(&e))?;
        drop(file);
        fs::rename(&self.temp, &self.target).map_err(|e| self.failed(&e))?;
        self.committed = true;
        Ok(())
    }

    fn failed(&self, e: &io::Error) -> CliError {
        CliError::Usage(format!("cannot write {}: {e}", self.target.display()))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            // Nothing more can be done about a temporary file that cannot be removed; the
            // error that got here is the one to report.
            let _ = fs::remove_file(&self.temp);
        }
    }
}
