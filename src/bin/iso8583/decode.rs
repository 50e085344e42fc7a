//! `iso8583 decode`: messages from hex (arguments, or one per line) or a raw binary file,
//! shown as a table or as JSON lines, masked unless `--unmasked`, with the diagnosis of field
//! 39. With `--frame`, the input is network captures: each length-framed payload is decoded.
//! A message that fails is reported on standard error, in the form of the output.

use crate::diagnosis::{diagnose, dialect_parser, lang_parser};
use crate::input::{self, hex_to_bytes};
use crate::log_lines::{self, more_advanced};
use crate::report::{self, ErrorForm};
use crate::spec_arg::SpecArgs;
use crate::{table, CliError, Outcome};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use iso8583_wire::frame::{FrameError, Framer, LengthHeader};
use iso8583_wire::json::{read_fields, Failure};
use iso8583_wire::response::{Dialect, Lang};
use iso8583_wire::{DecodeError, MessageView, Spec, Violation};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

/// Options of `iso8583 decode`.
#[derive(Args, Debug)]
pub struct DecodeArgs {
    #[command(flatten)]
    spec: SpecArgs,

    /// Output format: an aligned table for people, or one JSON object per line. Errors go to
    /// standard error in the same form: a line of text, or a JSON line {"error":{...}}
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Show card data (PAN, track data, PIN blocks, MACs) in clear text
    #[arg(long)]
    unmasked: bool,

    /// Input form: hex (spaces allowed) or the message's own characters, one message per line
    /// or argument; or the raw bytes of one message
    #[arg(long, value_enum, default_value_t = InputForm::Auto)]
    input: InputForm,

    /// The response-code dictionary for field 39 [default: from the spec's name: iso8583-1993*
    /// and iso8583-2003* read iso8583-1993, cup-* cup, visa-* visa, mastercard-* mastercard,
    /// others iso8583-1987]
    #[arg(long, value_name = "DIALECT", value_parser = dialect_parser())]
    dialect: Option<Dialect>,

    /// Language of the field 39 diagnosis
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = lang_parser())]
    lang: Lang,

    /// The input is network captures: frames with this length header (binary2, binary4, bcd2,
    /// ascii4, hex4), several back to back allowed; each frame's payload is decoded, keep-alives
    /// are skipped. A header the spec declares (a TPDU) is shown as the message's header
    #[arg(long, value_name = "KIND", value_parser = frame_parser())]
    frame: Option<LengthHeader>,

    /// Decode leniently: content that breaks the spec (a class broken, an amount without its
    /// C/D sign) is shown with the message, each violation with its element, offset and rule
    /// (under "violations" in JSON), instead of failing it; faults of structure still fail
    #[arg(long)]
    lenient: bool,

    /// Read from this file instead of standard input
    #[arg(long, value_name = "PATH", conflicts_with = "hex")]
    file: Option<PathBuf>,

    /// Messages (hex, or text for all-ASCII specs); when none are given they are read from standard input, one per line
    /// (blank lines and lines starting with `#` are skipped)
    #[arg(value_name = "HEX")]
    hex: Vec<String>,
}

/// Parses `--frame KIND`.
pub(crate) fn frame_parser() -> impl TypedValueParser<Value = LengthHeader> {
    PossibleValuesParser::new(LengthHeader::NAMES).try_map(|s| s.parse::<LengthHeader>())
}

/// How decoded messages are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned columns: number, name, format, length, value of every field.
    Table,
    /// One JSON object per line.
    Json,
}

/// How messages are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum InputForm {
    /// Each line or argument is hex when it is hex and decodes so, else the message's own
    /// characters (messages of all-ASCII specs, as logged by many hosts).
    Auto,
    /// Hex text, one message per line or argument; white space is ignored.
    Hex,
    /// The message's own characters, one message per line or argument.
    Text,
    /// The raw bytes of one message (with --frame: of a capture holding any number of frames):
    /// the whole of standard input or of --file.
    Raw,
}

/// Runs `decode`.
///
/// # Errors
/// A usage error for a bad spec or unreadable input; an output error when writing fails.
pub fn run(args: &DecodeArgs) -> Result<Outcome, CliError> {
    if args.input == InputForm::Raw && !args.hex.is_empty() {
        return Err(CliError::Usage(
            "--input raw reads one message from standard input or --file, not from arguments"
                .to_owned(),
        ));
    }
    let spec = args.spec.load()?;
    let mut printer = Printer {
        spec: &spec,
        format: args.format,
        clear: args.unmasked,
        dialect: args.dialect.unwrap_or_else(|| spec.dialect()),
        lang: args.lang,
        framer: args.frame.map(Framer::new),
        keep_alives: 0,
        out: BufWriter::new(io::stdout().lock()),
        flush_each: io::stdout().is_terminal(),
        shown: 0,
        inputs: 0,
        outcome: Outcome::Ok,
        lenient: args.lenient,
        violations: Vec::new(),
    };
    let mut bytes = Vec::new();
    if args.input == InputForm::Raw {
        let raw = input::read_all(args.file.as_deref())?;
        if !raw.is_empty() {
            printer.inputs += 1;
            printer.bytes(&raw, None)?;
        }
    } else if args.hex.is_empty() {
        input::for_each_line(args.file.as_deref(), |line, text| {
            printer.line(args.input, text, Some(line), &mut bytes)
        })?;
    } else {
        for arg in &args.hex {
            printer.line(args.input, arg.as_bytes(), None, &mut bytes)?;
        }
    }
    if printer.keep_alives > 0 && printer.format == Format::Table {
        printer.separate()?;
        let s = if printer.keep_alives == 1 { "" } else { "s" };
        writeln!(
            printer.out,
            "Skipped  {} keep-alive{s}",
            printer.keep_alives
        )?;
    }
    printer.out.flush()?;
    if printer.inputs == 0 {
        report::empty_input(printer.error_form())?;
        return Ok(Outcome::SomeFailed);
    }
    Ok(printer.outcome)
}

/// Decodes and shows messages one after the other.
struct Printer<'s, W: Write> {
    spec: &'s Spec,
    format: Format,
    clear: bool,
    /// The dictionary field 39 is read in.
    dialect: Dialect,
    lang: Lang,
    /// Set when the input is framed captures.
    framer: Option<Framer>,
    /// Keep-alive frames skipped so far.
    keep_alives: usize,
    out: W,
    /// Whether each message is flushed at once (when someone watches the output).
    flush_each: bool,
    /// Messages shown so far (the table puts a blank line between them).
    shown: usize,
    /// Messages (lines, arguments or raw inputs) read so far, good or bad.
    inputs: usize,
    outcome: Outcome,
    /// Whether messages are decoded leniently.
    lenient: bool,
    /// The content violations of the message just decoded (lenient decoding).
    violations: Vec<Violation>,
}

impl<W: Write> Printer<'_, W> {
    /// Decodes one message given as a line of text in `form`, using `buf` for hex bytes.
    fn line(
        &mut self,
        form: InputForm,
        text: &[u8],
        line: Option<usize>,
        buf: &mut Vec<u8>,
    ) -> Result<(), CliError> {
        self.inputs += 1;
        if self.framer.is_some() {
            return match form {
                InputForm::Text | InputForm::Raw => self.bytes(text, line),
                InputForm::Hex | InputForm::Auto => match hex_to_bytes(text, buf) {
                    Ok(()) => self.bytes(buf, line),
                    Err(e) => self.failure(&Failure::from(e).at_line(line)),
                },
            };
        }
        let spec = self.spec;
        let lenient = self.lenient;
        let v = &mut self.violations;
        let decoded = match form {
            InputForm::Text | InputForm::Raw => log_lines::decode(spec, text, lenient.then_some(v)),
            InputForm::Hex => match hex_to_bytes(text, buf) {
                Ok(()) => log_lines::decode(spec, buf, lenient.then_some(v)),
                Err(e) => return self.failure(&Failure::from(e).at_line(line)),
            },
            InputForm::Auto => match hex_to_bytes(text, buf) {
                Err(_) => log_lines::decode(spec, text, lenient.then_some(v)),
                Ok(()) => match log_lines::decode(spec, buf, lenient.then_some(&mut *v)) {
                    Ok(view) => Ok(view),
                    // Both readings failed: report the one that got further.
                    Err(as_hex) => log_lines::decode(spec, text, lenient.then_some(v))
                        .map_err(|as_text| more_advanced(as_hex, as_text)),
                },
            },
        };
        self.decoded(decoded, line)
    }

    /// Decodes one message from its bytes, or, with a framer, every frame of a capture.
    fn bytes(&mut self, bytes: &[u8], line: Option<usize>) -> Result<(), CliError> {
        let Some(framer) = self.framer else {
            let v = self.lenient.then_some(&mut self.violations);
            let decoded = log_lines::decode(self.spec, bytes, v);
            return self.decoded(decoded, line);
        };
        for frame in framer.split_all(bytes) {
            match frame {
                Err(e) => return self.failure(&frame_failure(e).at_line(line)),
                Ok(f) if f.is_keep_alive() => self.keep_alives += 1,
                Ok(f) => {
                    // Offsets count from the start of the capture.
                    let v = self.lenient.then_some(&mut self.violations);
                    let decoded = log_lines::decode(self.spec, f.payload(), v)
                        .map_err(|e| e.shifted(f.payload_offset()));
                    self.decoded(decoded, line)?;
                }
            }
        }
        Ok(())
    }

    /// Shows a decoded message, or its error.
    fn decoded(
        &mut self,
        decoded: Result<MessageView<'_>, DecodeError>,
        line: Option<usize>,
    ) -> Result<(), CliError> {
        let view = match decoded {
            Ok(view) => view,
            Err(e) => return self.failure(&Failure::from(e).at_line(line)),
        };
        self.separate()?;
        match self.format {
            Format::Table => {
                let fields = read_fields(&view);
                let diagnosis = diagnose(&view, self.dialect).map(|d| d.in_lang(self.lang));
                table::write_message(&mut self.out, &view, &fields, self.clear, diagnosis)?;
                for v in &self.violations {
                    writeln!(self.out, "Violation  {v}")?;
                }
            }
            Format::Json => {
                let json = view.json().with_diagnosis(self.dialect, self.lang);
                let json = if self.clear { json.clear() } else { json };
                if self.lenient {
                    let mut value = serde_json::to_value(json).map_err(io::Error::from)?;
                    if let Some(map) = value.as_object_mut() {
                        map.insert("violations".to_owned(), violations_json(&self.violations));
                    }
                    serde_json::to_writer(&mut self.out, &value).map_err(io::Error::from)?;
                } else {
                    serde_json::to_writer(&mut self.out, &json).map_err(io::Error::from)?;
                }
                self.out.write_all(b"\n")?;
            }
        }
        self.done()
    }

    /// Reports a message that failed, on standard error. A terminal shows the two streams in
    /// order: output to a terminal is flushed after each message.
    fn failure(&mut self, failure: &Failure) -> Result<(), CliError> {
        self.outcome = self.outcome.and(false);
        report::failure(self.error_form(), failure)?;
        Ok(())
    }

    /// The form of errors: that of the output.
    const fn error_form(&self) -> ErrorForm {
        match self.format {
            Format::Table => ErrorForm::Text,
            Format::Json => ErrorForm::Json,
        }
    }

    /// Ends a message: flushes it at once when someone watches the output.
    fn done(&mut self) -> Result<(), CliError> {
        if self.flush_each {
            self.out.flush()?;
        }
        Ok(())
    }

    /// A blank line between two messages of the table.
    fn separate(&mut self) -> io::Result<()> {
        if self.format == Format::Table && self.shown > 0 {
            writeln!(self.out)?;
        }
        self.shown += 1;
        Ok(())
    }
}

/// A framing error as a failure of the input.
pub(crate) fn frame_failure(e: FrameError) -> Failure {
    Failure {
        kind: e.kind().name(),
        field: None,
        offset: Some(e.offset()),
        element: "frame".to_owned(),
        message: e.kind().to_string(),
        line: None,
    }
}

/// The content violations of a message as JSON: a list of `{element, offset, rule, message}`
/// (`rule` is `class` or `sign`; the message never holds the value).
fn violations_json(violations: &[Violation]) -> serde_json::Value {
    violations
        .iter()
        .map(|v| {
            serde_json::json!({
                "element": v.element().to_string(),
                "offset": v.offset(),
                "rule": v.rule().as_str(),
                "message": v.to_string(),
            })
        })
        .collect()
}
