//! Field 39 on the command line: the `--dialect` and `--lang` options, and the diagnosis of a
//! decoded message.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::ValueEnum;
use iso8583_wire::response::{Diagnosis, Dialect, Lang, Outcome};
use iso8583_wire::MessageView;

/// The names `--dialect` takes.
const DIALECT_NAMES: [&str; 5] = ["iso8583-1987", "iso8583-1993", "cup", "visa", "mastercard"];

/// How a report (an explanation, a summary) is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Plain text for people.
    Text,
    /// One JSON object.
    Json,
}

/// Parses `--dialect NAME`.
pub fn dialect_parser() -> impl TypedValueParser<Value = Dialect> {
    PossibleValuesParser::new(DIALECT_NAMES).try_map(|s| s.parse::<Dialect>())
}

/// Parses `--lang en|zh`.
pub fn lang_parser() -> impl TypedValueParser<Value = Lang> {
    PossibleValuesParser::new(["en", "zh"]).try_map(|s| s.parse::<Lang>())
}

/// Parses `--outcome NAME`.
pub fn outcome_parser() -> impl TypedValueParser<Value = Outcome> {
    PossibleValuesParser::new(Outcome::ALL.map(Outcome::as_str)).try_map(|s| s.parse::<Outcome>())
}

/// The diagnosis of field 39 of `view` in `dialect`, read with the message's MTI; `None`
/// when the message has no field 39.
#[inline]
pub fn diagnose(view: &MessageView<'_>, dialect: Dialect) -> Option<Diagnosis<'static>> {
    iso8583_wire::response::diagnose(dialect, view)
}
