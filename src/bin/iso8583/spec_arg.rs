//! `--spec NAME` / `--spec-file PATH`: which spec a command uses.

use crate::CliError;
use clap::builder::PossibleValuesParser;
use clap::Args;
use iso8583_wire::Spec;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The spec used when neither `--spec` nor `--spec-file` is given.
pub const DEFAULT_SPEC: &str = "iso8583-1987-ascii";

/// The spec options shared by the commands that read or write messages.
#[derive(Args, Debug)]
pub struct SpecArgs {
    /// Built-in spec (see `iso8583 specs`) [default: iso8583-1987-ascii]
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "spec_file",
        hide_possible_values = true,
        value_parser = PossibleValuesParser::new(Spec::builtin_names().iter().copied())
    )]
    spec: Option<String>,

    /// Spec file to load instead. Two formats are accepted, chosen by the file's extension: a
    /// name ending in .xml is read as a jPOS GenericPackager XML file, any other as TOML in the
    /// format of the built-in specs (specs/*.toml). Errors give the line and column
    #[arg(long, value_name = "PATH")]
    spec_file: Option<PathBuf>,
}

impl SpecArgs {
    /// The spec asked for.
    ///
    /// # Errors
    /// A usage error when the file cannot be read, is of a format not supported, or holds a
    /// bad spec (the message names the file and, through the `SpecError`, the field).
    pub fn load(&self) -> Result<Cow<'static, Spec>, CliError> {
        if let Some(path) = &self.spec_file {
            return load_spec_file(path).map(Cow::Owned);
        }
        let name = self.spec.as_deref().unwrap_or(DEFAULT_SPEC);
        Spec::builtin(name)
            .map(Cow::Borrowed)
            .ok_or_else(|| CliError::Usage(format!("built-in spec {name} is not available")))
    }
}

/// The formats a spec file can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SpecFormat {
    /// The crate's own TOML format.
    Toml,
    /// A jPOS GenericPackager XML file.
    JposXml,
}

impl SpecFormat {
    /// The format of a file, from its extension: `.xml` is jPOS XML, anything else is TOML.
    /// This is the one place where the extension picks the loader.
    fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("xml") => Self::JposXml,
            _ => Self::Toml,
        }
    }
}

/// Reads and validates a spec file.
fn load_spec_file(path: &Path) -> Result<Spec, CliError> {
    let shown = path.display();
    let read = || {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read spec file {shown}: {e}")))
    };
    let loaded = match SpecFormat::of(path) {
        SpecFormat::Toml => Spec::from_toml_str(&read()?),
        SpecFormat::JposXml => Spec::from_jpos_xml(&read()?),
    };
    loaded.map_err(|e| CliError::Usage(format!("bad spec file {shown}: {e}")))
}
