//! Reading response-code tables: the TOML file format and its validation, the errors it
//! reports, and the built-in tables embedded from `specs/response-codes/`.

use core::fmt;
use std::sync::OnceLock;

use super::{CodeClass, Entry, ResponseTable, Section};
use crate::response::category::{Category, Flag, Flags, Responsible, Retry};
use crate::response::code::{Dialect, ResponseCode};

impl ResponseTable {
    /// The built-in table of a dialect.
    ///
    /// The built-in files are checked by the crate's tests; should one ever fail to load, this
    /// returns an empty table (every code classifies as unknown) and
    /// [`try_builtin`](Self::try_builtin) reports why.
    #[must_use]
    #[inline]
    pub fn builtin(dialect: Dialect) -> &'static Self {
        let b = builtin();
        b.tables.get(dialect.index()).unwrap_or(&b.empty)
    }

    /// The built-in table of a dialect, or the error that kept it from loading.
    ///
    /// # Errors
    ///
    /// Returns the [`TableError`] found in the built-in file (none is expected: the tests load
    /// every built-in table).
    pub fn try_builtin(dialect: Dialect) -> Result<&'static Self, &'static TableError> {
        let b = builtin();
        match b.errors.get(dialect.index()) {
            Some(Some(e)) => Err(e),
            _ => Ok(Self::builtin(dialect)),
        }
    }

    /// Loads a table from TOML.
    ///
    /// The file has the keys `dialect` (a name for the table, shown in diagnoses), `title`,
    /// optional `sources` (a list of strings) and `base` (a built-in dialect to layer over), a
    /// list of `[[class]]` (`name`, `meaning`, `meaning_zh`), and lists of `[[code]]` and
    /// `[[reversal_reason]]` entries. Each entry has `code`, `meaning`, `meaning_zh`, `category`,
    /// `responsible`, `retry`, `prompt`, `prompt_zh`, and optionally `reversal` (default `false`),
    /// `class` and `flags` (`pick_up`, `sign_on`, `sca_required`). See the built-in files in
    /// `specs/response-codes/` for examples.
    ///
    /// # Errors
    ///
    /// Returns a [`TableError`] naming the entry and the problem when the TOML does not parse, a
    /// key is unknown or missing, a code is malformed (not two characters from `0-9`/`A-Z` nor
    /// three digits) or listed twice, a category, responsible party, retry advice, flag or class
    /// is unknown, a text is empty, an entry is inconsistent (an approval with retry advice or a
    /// pick-up flag, a pick-up outside `fraud_security`), or `base` is not a built-in dialect.
    pub fn from_toml_str(src: &str) -> Result<Self, TableError> {
        let (table, base) = parse(src)?;
        let table = match base {
            Some(d) => table.layered_over(Self::builtin(d)),
            None => table,
        };
        table.check_classes()?;
        Ok(table)
    }

    /// Fails on the first entry whose class no `[[class]]` item of the table (or of its base,
    /// once layered) defines.
    fn check_classes(&self) -> Result<(), TableError> {
        let sections = [
            (SectionName::Code, &self.codes.entries),
            (SectionName::ReversalReason, &self.reasons.entries),
        ];
        for (section, entries) in sections {
            for e in entries.iter() {
                if let Some(class) = e.class() {
                    if self.class(class).is_none() {
                        return Err(TableError::at(
                            section,
                            &e.code.to_string(),
                            TableErrorKind::UnknownClass(class.into()),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Which list of a table file an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SectionName {
    /// The top-level keys.
    Header,
    /// A `[[class]]` item.
    Class,
    /// A `[[code]]` item.
    Code,
    /// A `[[reversal_reason]]` item.
    ReversalReason,
}

impl fmt::Display for SectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Header => "header",
            Self::Class => "[[class]]",
            Self::Code => "[[code]]",
            Self::ReversalReason => "[[reversal_reason]]",
        })
    }
}

/// What is wrong in a table file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableErrorKind {
    /// The text is not valid TOML, or a key is unknown, missing or of the wrong type.
    Syntax(Box<str>),
    /// The code is not two characters from `0-9`/`A-Z` nor three digits.
    MalformedCode,
    /// The code (or class name) appears twice in the same list.
    Duplicate,
    /// The category is not one of the twelve names.
    UnknownCategory(Box<str>),
    /// The responsible party is unknown.
    UnknownResponsible(Box<str>),
    /// The retry advice is unknown.
    UnknownRetry(Box<str>),
    /// The flag is unknown.
    UnknownFlag(Box<str>),
    /// The class is not defined by a `[[class]]` item (of this table or of its base).
    UnknownClass(Box<str>),
    /// `base` is not a built-in dialect.
    UnknownBase(Box<str>),
    /// A required text is empty.
    EmptyText(&'static str),
    /// The entry contradicts itself.
    Inconsistent(&'static str),
}

impl fmt::Display for TableErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(msg) => write!(f, "invalid table: {msg}"),
            Self::MalformedCode => {
                f.write_str("malformed code: expected two characters from 0-9/A-Z or three digits")
            }
            Self::Duplicate => f.write_str("listed twice"),
            Self::UnknownCategory(v) => write!(f, "unknown category {v:?}"),
            Self::UnknownResponsible(v) => write!(f, "unknown responsible party {v:?}"),
            Self::UnknownRetry(v) => write!(f, "unknown retry advice {v:?}"),
            Self::UnknownFlag(v) => write!(f, "unknown flag {v:?}"),
            Self::UnknownClass(v) => write!(f, "unknown class {v:?}"),
            Self::UnknownBase(v) => write!(f, "unknown base dialect {v:?}"),
            Self::EmptyText(field) => write!(f, "empty {field}"),
            Self::Inconsistent(why) => write!(f, "inconsistent entry: {why}"),
        }
    }
}

/// A problem in a response-code table file: where (list and entry) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TableError {
    section: SectionName,
    entry: Option<Box<str>>,
    kind: TableErrorKind,
}

impl TableError {
    fn at(section: SectionName, entry: &str, kind: TableErrorKind) -> Self {
        Self {
            section,
            entry: Some(entry.into()),
            kind,
        }
    }

    fn header(kind: TableErrorKind) -> Self {
        Self {
            section: SectionName::Header,
            entry: None,
            kind,
        }
    }

    /// The list the problem is in.
    #[must_use]
    pub fn section(&self) -> SectionName {
        self.section
    }

    /// The code (or class name) of the faulty entry, as written in the file.
    #[must_use]
    pub fn entry(&self) -> Option<&str> {
        self.entry.as_deref()
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> &TableErrorKind {
        &self.kind
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "{} {entry:?}: {}", self.section, self.kind),
            None => write!(f, "{}: {}", self.section, self.kind),
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    dialect: String,
    title: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    class: Vec<RawClass>,
    #[serde(default)]
    code: Vec<RawEntry>,
    #[serde(default)]
    reversal_reason: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    name: String,
    meaning: String,
    meaning_zh: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: String,
    meaning: String,
    meaning_zh: String,
    category: String,
    responsible: String,
    retry: String,
    #[serde(default)]
    reversal: bool,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    flags: Vec<String>,
    prompt: String,
    prompt_zh: String,
}

fn non_empty(
    value: String,
    field: &'static str,
    at: impl Fn(TableErrorKind) -> TableError,
) -> Result<Box<str>, TableError> {
    if value.trim().is_empty() {
        Err(at(TableErrorKind::EmptyText(field)))
    } else {
        Ok(value.into_boxed_str())
    }
}

fn entry(section: SectionName, raw: RawEntry) -> Result<Entry, TableError> {
    let name = raw.code.clone();
    let at = |kind| TableError::at(section, &name, kind);
    let code = ResponseCode::from_bytes(raw.code.as_bytes());
    if !code.is_well_formed() || raw.code.len() > ResponseCode::MAX_LEN {
        return Err(at(TableErrorKind::MalformedCode));
    }
    let category: Category = raw.category.parse().map_err(|_| {
        at(TableErrorKind::UnknownCategory(
            raw.category.as_str().into(),
        ))
    })?;
    let responsible: Responsible = raw.responsible.parse().map_err(|_| {
        at(TableErrorKind::UnknownResponsible(
            raw.responsible.as_str().into(),
        ))
    })?;
    let retry: Retry = raw
        .retry
        .parse()
        .map_err(|_| at(TableErrorKind::UnknownRetry(raw.retry.as_str().into())))?;
    let mut flags = Flags::EMPTY;
    for f in &raw.flags {
        let flag: Flag = f
            .parse()
            .map_err(|_| at(TableErrorKind::UnknownFlag(f.as_str().into())))?;
        flags = flags.with(flag);
    }
    if category == Category::Approved && retry != Retry::NotApplicable {
        return Err(at(TableErrorKind::Inconsistent(
            "an approval takes retry = \"not_applicable\"",
        )));
    }
    if flags.contains(Flag::PickUp) && category != Category::FraudSecurity {
        return Err(at(TableErrorKind::Inconsistent(
            "pick_up belongs to category \"fraud_security\"",
        )));
    }
    if section == SectionName::ReversalReason && raw.reversal {
        return Err(at(TableErrorKind::Inconsistent(
            "a reversal reason does not call for another reversal",
        )));
    }
    let class = match raw.class {
        Some(c) => Some(non_empty(c, "class", at)?),
        None => None,
    };
    Ok(Entry {
        code,
        meaning: non_empty(raw.meaning, "meaning", at)?,
        meaning_zh: non_empty(raw.meaning_zh, "meaning_zh", at)?,
        category,
        responsible,
        retry,
        reversal: raw.reversal,
        class,
        flags,
        prompt: non_empty(raw.prompt, "prompt", at)?,
        prompt_zh: non_empty(raw.prompt_zh, "prompt_zh", at)?,
    })
}

fn section(name: SectionName, raws: Vec<RawEntry>) -> Result<Section, TableError> {
    let mut entries: Vec<Entry> = Vec::with_capacity(raws.len());
    for raw in raws {
        let e = entry(name, raw)?;
        if entries.iter().any(|other| other.code == e.code) {
            return Err(TableError::at(
                name,
                &e.code.to_string(),
                TableErrorKind::Duplicate,
            ));
        }
        entries.push(e);
    }
    Ok(Section::new(entries))
}

/// Parses and validates one file, without layering.
fn parse(src: &str) -> Result<(ResponseTable, Option<Dialect>), TableError> {
    let raw: RawTable = toml::from_str(src)
        .map_err(|e| TableError::header(TableErrorKind::Syntax(e.message().into())))?;
    let header = TableError::header;
    let base = match raw.base {
        Some(b) => Some(
            b.parse::<Dialect>()
                .map_err(|_| header(TableErrorKind::UnknownBase(b.as_str().into())))?,
        ),
        None => None,
    };
    let mut classes: Vec<CodeClass> = Vec::with_capacity(raw.class.len());
    for c in raw.class {
        let name = c.name.clone();
        let at = |kind| TableError::at(SectionName::Class, &name, kind);
        let class = CodeClass {
            name: non_empty(c.name, "name", at)?,
            meaning: non_empty(c.meaning, "meaning", at)?,
            meaning_zh: non_empty(c.meaning_zh, "meaning_zh", at)?,
        };
        if classes.iter().any(|other| other.name == class.name) {
            return Err(at(TableErrorKind::Duplicate));
        }
        classes.push(class);
    }
    let table = ResponseTable {
        dialect: non_empty(raw.dialect, "dialect", header)?,
        title: non_empty(raw.title, "title", header)?,
        sources: raw
            .sources
            .into_iter()
            .map(String::into_boxed_str)
            .collect(),
        classes,
        codes: section(SectionName::Code, raw.code)?,
        reasons: section(SectionName::ReversalReason, raw.reversal_reason)?,
    };
    Ok((table, base))
}

/// The text of the built-in table files, in [`Dialect::ALL`] order.
const BUILTIN_SOURCES: [&str; 5] = [
    include_str!("../../../specs/response-codes/iso8583-1987.toml"),
    include_str!("../../../specs/response-codes/iso8583-1993.toml"),
    include_str!("../../../specs/response-codes/cup.toml"),
    include_str!("../../../specs/response-codes/visa.toml"),
    include_str!("../../../specs/response-codes/mastercard.toml"),
];

struct Builtin {
    /// One table per dialect, in [`Dialect::ALL`] order; an empty one where loading failed.
    tables: [ResponseTable; 5],
    errors: [Option<TableError>; 5],
    empty: ResponseTable,
}

fn empty_table(name: &str) -> ResponseTable {
    ResponseTable {
        dialect: name.into(),
        title: name.into(),
        sources: Vec::new(),
        classes: Vec::new(),
        codes: Section::default(),
        reasons: Section::default(),
    }
}

fn load_builtin() -> Builtin {
    let parsed: Vec<Result<(ResponseTable, Option<Dialect>), TableError>> =
        BUILTIN_SOURCES.iter().map(|src| parse(src)).collect();
    let loaded: Vec<Result<ResponseTable, TableError>> = parsed
        .iter()
        .map(|p| {
            let (table, base) = p.as_ref().map_err(Clone::clone)?;
            let table = match base {
                // Built-in bases are themselves base-less files, so one level is enough.
                Some(d) => match parsed.get(d.index()) {
                    Some(Ok((base_table, None))) => table.layered_over(base_table),
                    Some(Err(e)) => return Err(e.clone()),
                    _ => {
                        return Err(TableError::header(TableErrorKind::UnknownBase(
                            d.as_str().into(),
                        )))
                    }
                },
                None => table.clone(),
            };
            table.check_classes()?;
            Ok(table)
        })
        .collect();
    let mut errors: [Option<TableError>; 5] = Default::default();
    let tables = Dialect::ALL.map(|d| match loaded.get(d.index()) {
        Some(Ok(table)) => table.clone(),
        Some(Err(e)) => {
            if let Some(slot) = errors.get_mut(d.index()) {
                *slot = Some(e.clone());
            }
            empty_table(d.as_str())
        }
        None => empty_table(d.as_str()),
    });
    Builtin {
        tables,
        errors,
        empty: empty_table("empty"),
    }
}

#[inline]
fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    BUILTIN.get_or_init(load_builtin)
}
