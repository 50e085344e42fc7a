//! Errors of single messages on standard error, in the form the user chose: a line of text, or
//! a JSON line `{"error":{...}}`. Standard output holds only data, so `> out` never captures an
//! error.

use crate::table;
use iso8583_wire::json::{ErrorLine, Failure};
use std::io::{self, Write};

/// How errors are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorForm {
    /// A line of text, for people.
    Text,
    /// A JSON line `{"error":{...}}`, for programs.
    Json,
}

/// Writes `failure` as one line on standard error.
///
/// # Errors
/// Whatever writing to standard error returns.
pub fn failure(form: ErrorForm, failure: &Failure) -> io::Result<()> {
    let mut err = io::stderr().lock();
    match form {
        ErrorForm::Text => table::write_failure(&mut err, failure)?,
        ErrorForm::Json => {
            serde_json::to_writer(&mut err, &ErrorLine { error: failure })
                .map_err(io::Error::from)?;
            err.write_all(b"\n")?;
        }
    }
    err.flush()
}

/// Says on standard error that the input held no message at all (it was empty, or blank
/// lines and comments only): a run with nothing to do is a failed run, not a quiet success.
///
/// # Errors
/// Whatever writing to standard error returns.
pub fn empty_input(form: ErrorForm) -> io::Result<()> {
    match form {
        ErrorForm::Text => {
            let mut err = io::stderr().lock();
            writeln!(err, "iso8583: the input holds no message")?;
            err.flush()
        }
        ErrorForm::Json => failure(
            form,
            &Failure::input("empty_input", None, "the input holds no message"),
        ),
    }
}
