//! Response-code tables: a code's entry, a dialect's classes of codes, and the table with its
//! direct-index look-ups and its layering over another. Reading a table from TOML, and the
//! built-in tables, are in [`load`].

use super::category::{Category, Flags, Responsible, Retry};
use super::code::{Lang, ResponseCode, SLOTS};

pub(super) mod load;

/// One code of a table: what it means and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    code: ResponseCode,
    meaning: Box<str>,
    meaning_zh: Box<str>,
    category: Category,
    responsible: Responsible,
    retry: Retry,
    reversal: bool,
    class: Option<Box<str>>,
    flags: Flags,
    prompt: Box<str>,
    prompt_zh: Box<str>,
}

impl Entry {
    /// The code.
    #[must_use]
    #[inline]
    pub fn code(&self) -> ResponseCode {
        self.code
    }

    /// The meaning in English.
    #[must_use]
    #[inline]
    pub fn meaning(&self) -> &str {
        &self.meaning
    }

    /// The meaning in Chinese (the network's own wording where it has one).
    #[must_use]
    #[inline]
    pub fn meaning_zh(&self) -> &str {
        &self.meaning_zh
    }

    /// The cause category.
    #[must_use]
    #[inline]
    pub fn category(&self) -> Category {
        self.category
    }

    /// Who is responsible.
    #[must_use]
    #[inline]
    pub fn responsible(&self) -> Responsible {
        self.responsible
    }

    /// The retry advice.
    #[must_use]
    #[inline]
    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// Whether the terminal must send a reversal for the request this code answers.
    #[must_use]
    #[inline]
    pub fn reversal(&self) -> bool {
        self.reversal
    }

    /// The dialect's own class, e.g. China UnionPay's `A`–`E`.
    #[must_use]
    #[inline]
    pub fn class(&self) -> Option<&str> {
        self.class.as_deref()
    }

    /// Pick-up, sign-on and strong-authentication flags.
    #[must_use]
    #[inline]
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// The text to show the cashier.
    #[must_use]
    #[inline]
    pub fn prompt(&self, lang: Lang) -> &str {
        lang.pick(&self.prompt, &self.prompt_zh)
    }
}

/// A dialect's class of response codes, which groups codes by what the terminal does about
/// them (e.g. China UnionPay's `C`: failed, do not retry); [`Entry::class`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeClass {
    name: Box<str>,
    meaning: Box<str>,
    meaning_zh: Box<str>,
}

impl CodeClass {
    /// The class name, e.g. `"C"`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the class means.
    #[must_use]
    pub fn meaning(&self, lang: Lang) -> &str {
        lang.pick(&self.meaning, &self.meaning_zh)
    }
}

/// Entries with a direct index by code.
#[derive(Debug, Clone, Default)]
struct Section {
    entries: Vec<Entry>,
    /// `SLOTS` positions into `entries`, `u16::MAX` where there is none; empty when there are no
    /// entries.
    index: Box<[u16]>,
}

const NONE: u16 = u16::MAX;

impl Section {
    fn new(mut entries: Vec<Entry>) -> Self {
        entries.sort_by_key(|e| e.code.slot());
        let mut index = if entries.is_empty() {
            Vec::new()
        } else {
            vec![NONE; SLOTS]
        };
        for (i, e) in entries.iter().enumerate() {
            if let (Some(slot), Ok(pos)) = (e.code.slot(), u16::try_from(i)) {
                if let Some(cell) = index.get_mut(slot) {
                    *cell = pos;
                }
            }
        }
        Self {
            entries,
            index: index.into_boxed_slice(),
        }
    }

    #[inline]
    fn get(&self, code: ResponseCode) -> Option<&Entry> {
        let pos = *self.index.get(code.slot()?)?;
        self.entries.get(usize::from(pos))
    }

    fn layered_over(&self, base: &Self) -> Self {
        let mut entries: Vec<Entry> = base
            .entries
            .iter()
            .filter(|e| self.get(e.code).is_none())
            .cloned()
            .collect();
        entries.extend(self.entries.iter().cloned());
        Self::new(entries)
    }
}

/// A response-code table: a dialect's codes, and the reversal reasons it defines.
///
/// The built-in tables ([`ResponseTable::builtin`]) are the files in `specs/response-codes/`,
/// embedded in the crate and parsed once. A user table (an acquirer's private codes) is loaded
/// with [`from_toml_str`](Self::from_toml_str) and layered over a built-in one, either by naming
/// it in the file (`base = "cup"`) or with [`layered_over`](Self::layered_over).
///
/// ```
/// use iso8583_wire::response::{Category, ResponseTable};
///
/// let acquirer = ResponseTable::from_toml_str(r#"
///     dialect = "acme-acquirer"
///     title = "ACME acquirer private codes"
///     base = "iso8583-1987"
///
///     [[code]]
///     code = "N1"
///     meaning = "Merchant account suspended"
///     meaning_zh = "商户账户已暂停"
///     category = "terminal_config"
///     responsible = "acquirer"
///     retry = "after_fix"
///     prompt = "Declined: call the acquirer"
///     prompt_zh = "交易失败，请联系收单行"
/// "#)?;
/// let d = acquirer.classify(Some(b"0210"), b"N1");
/// assert_eq!(d.category(), Category::TerminalConfig);
/// assert_eq!(d.dialect(), Some("acme-acquirer"));
/// // Codes the file does not define come from the base table.
/// assert_eq!(acquirer.classify(Some(b"0210"), b"51").meaning(), "Not sufficient funds");
/// # Ok::<(), iso8583_wire::response::TableError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponseTable {
    dialect: Box<str>,
    title: Box<str>,
    sources: Vec<Box<str>>,
    classes: Vec<CodeClass>,
    codes: Section,
    reasons: Section,
}

impl ResponseTable {
    /// This table layered over `base`: this table's entries, then every entry of `base` whose
    /// code this table does not define. The name, title and classes of this table win; sources
    /// are joined.
    #[must_use]
    pub fn layered_over(&self, base: &ResponseTable) -> ResponseTable {
        let mut sources = self.sources.clone();
        sources.extend(base.sources.iter().cloned());
        let mut classes = self.classes.clone();
        classes.extend(
            base.classes
                .iter()
                .filter(|c| !self.classes.iter().any(|own| own.name == c.name))
                .cloned(),
        );
        ResponseTable {
            dialect: self.dialect.clone(),
            title: self.title.clone(),
            sources,
            classes,
            codes: self.codes.layered_over(&base.codes),
            reasons: self.reasons.layered_over(&base.reasons),
        }
    }

    /// The table's name, e.g. `"cup"` for a built-in table.
    #[must_use]
    pub fn dialect(&self) -> &str {
        &self.dialect
    }

    /// A human title, e.g. `"China UnionPay POS"`.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The sources the table was built from.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| &**s)
    }

    /// The dialect's classes (empty for dialects without classes).
    #[must_use]
    pub fn classes(&self) -> &[CodeClass] {
        &self.classes
    }

    /// The class named `name`.
    #[must_use]
    pub fn class(&self, name: &str) -> Option<&CodeClass> {
        self.classes.iter().find(|c| &*c.name == name)
    }

    /// Every code of the table, ordered by code.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.codes.entries
    }

    /// Every reversal reason of the table (field 39 of a reversal request), ordered by code.
    #[must_use]
    pub fn reversal_reasons(&self) -> &[Entry] {
        &self.reasons.entries
    }

    /// The entry of a code in a response or other non-reversal message.
    #[must_use]
    #[inline]
    pub fn get(&self, code: ResponseCode) -> Option<&Entry> {
        self.codes.get(code)
    }

    /// The entry of a reversal reason.
    #[must_use]
    #[inline]
    pub fn reversal_reason(&self, code: ResponseCode) -> Option<&Entry> {
        self.reasons.get(code)
    }
}
