//! The specs shipped in `specs/`, embedded and parsed once on first use.

use super::Spec;
use std::sync::OnceLock;

/// The names of the built-in specs, in the order they are listed.
pub(super) const NAMES: &[&str] = &[
    "iso8583-1987-ascii",
    "iso8583-1987-binary",
    "iso8583-1993-ascii",
    "iso8583-1993-binary",
    "iso8583-2003-binary",
    "cup-pos",
    "cup-pos-tpdu",
    "visa-base1",
    "mastercard-cis",
];

const SOURCES: [&str; 9] = [
    include_str!("../../specs/iso8583-1987-ascii.toml"),
    include_str!("../../specs/iso8583-1987-binary.toml"),
    include_str!("../../specs/iso8583-1993-ascii.toml"),
    include_str!("../../specs/iso8583-1993-binary.toml"),
    include_str!("../../specs/iso8583-2003-binary.toml"),
    include_str!("../../specs/cup-pos.toml"),
    include_str!("../../specs/cup-pos-tpdu.toml"),
    include_str!("../../specs/visa-base1.toml"),
    include_str!("../../specs/mastercard-cis.toml"),
];

static PARSED: [OnceLock<Option<Spec>>; 9] = [const { OnceLock::new() }; 9];

pub(super) fn get(name: &str) -> Option<&'static Spec> {
    let i = NAMES.iter().position(|n| *n == name)?;
    let source = SOURCES.get(i)?;
    // The shipped files are checked by the test suite; a file that failed to parse would
    // make the spec unavailable rather than abort the caller.
    PARSED
        .get(i)?
        .get_or_init(|| Spec::from_toml_str(source).ok())
        .as_ref()
}
