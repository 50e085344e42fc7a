//! The diagnosis of a response code or a terminal outcome.

use serde::ser::SerializeStruct;

use super::category::{Category, ChecklistItem, Flags, Responsible, Retry};
use super::code::{Dialect, Lang, ResponseCode};
use super::outcome::Outcome;
use super::table::{Entry, ResponseTable};
use crate::mti::Mti;

/// Whether field 39 of a message with this MTI is the reason of a reversal rather than a
/// result: the message is a reversal ([`Mti::is_reversal`]: class 4, origin 0 or 1) sent by the
/// side that reverses ([`Mti::is_request`]: a request, advice, notification or instruction), as
/// `0400`, `0401`, `0420`, `0421` and their 1993 and 2003 forms. Chargebacks (`x4x2`, `x4x3`)
/// and answers (`0410`, `0430`) are not.
///
/// `mti` is four ASCII digits or the two BCD bytes of a binary MTI; anything else (another
/// length, a byte that is not a digit) says no.
#[inline]
fn carries_reversal_reason(mti: &[u8]) -> bool {
    Mti::from_wire(mti).is_some_and(|m| m.is_reversal() && m.is_request())
}

#[derive(Debug, Clone, Copy)]
enum Subject<'t> {
    Code {
        table: &'t ResponseTable,
        code: ResponseCode,
        reversal_reason: bool,
        entry: Option<&'t Entry>,
    },
    Outcome(Outcome),
}

/// Why a transaction ended as it did, whose side it is on, and what to do next.
///
/// A diagnosis is a small `Copy` value that borrows its texts from the table it came from (the
/// built-in tables live for the whole program, so [`classify`] returns `Diagnosis<'static>`).
/// Building one allocates nothing.
///
/// ```
/// use iso8583_wire::response::{classify, Category, Dialect, Lang, Responsible, Retry};
///
/// let d = classify(Dialect::ChinaUnionPay, Some(b"0210"), b"96");
/// assert_eq!(d.category(), Category::SwitchFault);
/// assert_eq!(d.responsible(), Responsible::Switch);
/// // Class C: failed, do not retry (automatically).
/// assert_eq!(d.retry(), Retry::NoAutomatic);
/// assert!(!d.reversal());
/// assert_eq!(d.class(), Some("C"));
/// assert_eq!(d.cashier_prompt(Lang::Zh), "拒绝，交换中心异常，请稍后重试");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Diagnosis<'t> {
    subject: Subject<'t>,
}

/// Classifies field 39 with a built-in table.
///
/// `mti` is the message type as four ASCII digits (or two BCD bytes); pass `None` when it is not
/// known, or is not four digits. Field 39 of a reversal that the reversing side sends (a request
/// or advice: `0400`, `0401`, `0420`, `0421`; see [`Mti::is_reversal`] and [`Mti::is_request`])
/// is read as the reason for the reversal, in the dialects that define reasons (ISO 8583:1987,
/// China UnionPay, Visa and Mastercard); a chargeback (`0422`) is not a reversal. In ISO
/// 8583:1993 the reason is in field 25, so field 39 keeps its action-code meaning. A code the
/// table does not define keeps its raw value and classifies as [`Category::Unknown`].
///
/// ```
/// use iso8583_wire::response::{classify, Category, Dialect};
///
/// // In a response, China UnionPay 98 means the switch got no answer from the issuer...
/// assert_eq!(classify(Dialect::ChinaUnionPay, Some(b"0210"), b"98").category(), Category::Timeout);
/// // ...and in a reversal it says why the terminal reverses: A0, the approval's MAC failed.
/// let reason = classify(Dialect::ChinaUnionPay, Some(b"0400"), b"A0");
/// assert!(reason.is_reversal_reason());
/// assert_eq!(reason.category(), Category::NetworkFault);
/// // ISO 8583:1987 leaves 98 to national use.
/// assert_eq!(classify(Dialect::Iso8583_1987, None, b"98").category(), Category::Unknown);
/// ```
#[must_use]
#[inline]
pub fn classify(dialect: Dialect, mti: Option<&[u8]>, code: &[u8]) -> Diagnosis<'static> {
    ResponseTable::builtin(dialect).classify(mti, code)
}

impl ResponseTable {
    /// Classifies field 39 with this table; see [`classify`].
    #[must_use]
    #[inline]
    pub fn classify(&self, mti: Option<&[u8]>, code: &[u8]) -> Diagnosis<'_> {
        let code = ResponseCode::from_bytes(code);
        let reversal_reason =
            self.has_reversal_reasons() && mti.is_some_and(carries_reversal_reason);
        let entry = if reversal_reason {
            self.reversal_reason(code)
        } else {
            self.get(code)
        };
        Diagnosis {
            subject: Subject::Code {
                table: self,
                code,
                reversal_reason,
                entry,
            },
        }
    }

    #[inline]
    fn has_reversal_reasons(&self) -> bool {
        !self.reversal_reasons().is_empty()
    }
}

const UNKNOWN: (&str, &str) = ("Unknown or reserved code", "未知或保留的应答码");
const UNKNOWN_REASON: (&str, &str) = ("Unknown reversal reason", "未知的冲正原因");
const UNKNOWN_PROMPT: (&str, &str) = ("Declined: unknown response code", "交易失败");
const UNKNOWN_REASON_PROMPT: (&str, &str) = ("Reversal sent", "已冲正");

impl<'t> Diagnosis<'t> {
    /// The diagnosis of a terminal-side outcome (no field 39).
    #[must_use]
    #[inline]
    pub const fn for_outcome(outcome: Outcome) -> Diagnosis<'static> {
        Diagnosis {
            subject: Subject::Outcome(outcome),
        }
    }

    #[inline]
    fn entry_or<T>(&self, f: impl FnOnce(&'t Entry) -> T, unknown: T) -> T {
        match self.subject {
            Subject::Code { entry: Some(e), .. } => f(e),
            _ => unknown,
        }
    }

    /// The field 39 value, as received (`None` for an outcome).
    #[must_use]
    #[inline]
    pub fn code(&self) -> Option<ResponseCode> {
        match self.subject {
            Subject::Code { code, .. } => Some(code),
            Subject::Outcome(_) => None,
        }
    }

    /// The terminal-side outcome (`None` for a code).
    #[must_use]
    #[inline]
    pub fn outcome(&self) -> Option<Outcome> {
        match self.subject {
            Subject::Code { .. } => None,
            Subject::Outcome(o) => Some(o),
        }
    }

    /// The name of the table the code was read in (e.g. `"cup"`; `None` for an outcome).
    #[must_use]
    #[inline]
    pub fn dialect(&self) -> Option<&'t str> {
        match self.subject {
            Subject::Code { table, .. } => Some(table.dialect()),
            Subject::Outcome(_) => None,
        }
    }

    /// The table the code was read in (`None` for an outcome).
    #[must_use]
    #[inline]
    pub fn table(&self) -> Option<&'t ResponseTable> {
        match self.subject {
            Subject::Code { table, .. } => Some(table),
            Subject::Outcome(_) => None,
        }
    }

    /// Whether the code is the reason of a reversal request rather than a result.
    #[must_use]
    #[inline]
    pub fn is_reversal_reason(&self) -> bool {
        matches!(
            self.subject,
            Subject::Code {
                reversal_reason: true,
                ..
            }
        )
    }

    /// The table entry of the code (`None` for an unknown code or an outcome).
    #[must_use]
    #[inline]
    pub fn entry(&self) -> Option<&'t Entry> {
        self.entry_or(Some, None)
    }

    /// Whether the code or outcome is known (an unknown code has no entry).
    #[must_use]
    #[inline]
    pub fn is_known(&self) -> bool {
        self.entry().is_some() || self.outcome().is_some()
    }

    /// The meaning in `lang`.
    #[must_use]
    #[inline]
    pub fn meaning_in(&self, lang: Lang) -> &'t str {
        match self.subject {
            Subject::Code { entry: Some(e), .. } => match lang {
                Lang::En => e.meaning(),
                Lang::Zh => e.meaning_zh(),
            },
            Subject::Code {
                reversal_reason, ..
            } => {
                let (en, zh) = if reversal_reason {
                    UNKNOWN_REASON
                } else {
                    UNKNOWN
                };
                lang.pick(en, zh)
            }
            Subject::Outcome(o) => o.meaning(lang),
        }
    }

    /// The meaning in English.
    #[must_use]
    #[inline]
    pub fn meaning(&self) -> &'t str {
        self.meaning_in(Lang::En)
    }

    /// The meaning in Chinese (the network's own wording where it has one).
    #[must_use]
    #[inline]
    pub fn meaning_zh(&self) -> &'t str {
        self.meaning_in(Lang::Zh)
    }

    /// The cause category.
    #[must_use]
    #[inline]
    pub fn category(&self) -> Category {
        match self.subject {
            Subject::Outcome(o) => o.info().category,
            _ => self.entry_or(Entry::category, Category::Unknown),
        }
    }

    /// Who is responsible.
    #[must_use]
    #[inline]
    pub fn responsible(&self) -> Responsible {
        match self.subject {
            Subject::Outcome(o) => o.info().responsible,
            _ => self.entry_or(Entry::responsible, Responsible::Unknown),
        }
    }

    /// The retry advice.
    #[must_use]
    #[inline]
    pub fn retry(&self) -> Retry {
        match self.subject {
            Subject::Outcome(o) => o.info().retry,
            Subject::Code {
                reversal_reason: true,
                entry: None,
                ..
            } => Retry::NotApplicable,
            _ => self.entry_or(Entry::retry, Retry::NoAutomatic),
        }
    }

    /// Whether the terminal must now send a reversal.
    ///
    /// A definitive field 39 answer means nothing was left pending, so no reversal is due; a
    /// reversal reason is itself part of a reversal. Outcomes after which the request may have
    /// reached the host (sent in full or in part, answer lost, late, untrusted, or approved but
    /// not completed) call for one.
    #[must_use]
    #[inline]
    pub fn reversal(&self) -> bool {
        match self.subject {
            Subject::Outcome(o) => o.info().reversal,
            _ => self.entry_or(Entry::reversal, false),
        }
    }

    /// The dialect's own class, e.g. China UnionPay `"C"`.
    #[must_use]
    #[inline]
    pub fn class(&self) -> Option<&'t str> {
        self.entry_or(Entry::class, None)
    }

    /// What the dialect's class means, e.g. "Failed, do not retry".
    #[must_use]
    #[inline]
    pub fn class_meaning(&self, lang: Lang) -> Option<&'t str> {
        let class = self.table()?.class(self.class()?)?;
        Some(class.meaning(lang))
    }

    /// Pick-up, sign-on and strong-authentication flags.
    #[must_use]
    #[inline]
    pub fn flags(&self) -> Flags {
        match self.subject {
            Subject::Outcome(o) => o.info().flags,
            _ => self.entry_or(Entry::flags, Flags::EMPTY),
        }
    }

    /// The text to show the cashier.
    #[must_use]
    #[inline]
    pub fn cashier_prompt(&self, lang: Lang) -> &'t str {
        match self.subject {
            Subject::Code { entry: Some(e), .. } => e.prompt(lang),
            Subject::Code {
                reversal_reason, ..
            } => {
                let (en, zh) = if reversal_reason {
                    UNKNOWN_REASON_PROMPT
                } else {
                    UNKNOWN_PROMPT
                };
                lang.pick(en, zh)
            }
            Subject::Outcome(o) => {
                let i = o.info();
                lang.pick(i.prompt, i.prompt_zh)
            }
        }
    }

    /// The operator checklist of the category: likely causes and the steps to take.
    #[must_use]
    #[inline]
    pub fn checklist(&self) -> &'static [ChecklistItem] {
        self.category().checklist()
    }

    /// A view of this diagnosis in `lang`: its `Display` is the short text for the counter and
    /// its `Serialize` gives the JSON object with the prompt and checklist in that language.
    #[must_use]
    #[inline]
    pub fn in_lang(self, lang: Lang) -> Localized<'t> {
        Localized {
            diagnosis: self,
            lang,
        }
    }
}

/// A [`Diagnosis`] with a chosen language, for display and serialization.
///
/// `Display` writes the short text for a person at the counter; `{:#}` adds the operator
/// checklist. `Serialize` writes the JSON object (`code`, `dialect`, `meaning`, `meaning_zh`,
/// `category`, `responsible`, `retry`, `reversal`, `class`, `flags`, `cashier_prompt`,
/// `checklist`), with the prompt and the checklist steps in the chosen language.
#[derive(Debug, Clone, Copy)]
pub struct Localized<'t> {
    pub(crate) diagnosis: Diagnosis<'t>,
    pub(crate) lang: Lang,
}

impl<'t> Localized<'t> {
    /// The diagnosis.
    #[must_use]
    #[inline]
    pub fn diagnosis(&self) -> Diagnosis<'t> {
        self.diagnosis
    }

    /// The language.
    #[must_use]
    #[inline]
    pub fn lang(&self) -> Lang {
        self.lang
    }
}

struct Steps {
    items: &'static [ChecklistItem],
    lang: Lang,
}

impl serde::Serialize for Steps {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.iter().map(|c| c.step(self.lang)))
    }
}

impl serde::Serialize for Localized<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = &self.diagnosis;
        let mut s = serializer.serialize_struct("Diagnosis", 12)?;
        match d.subject {
            Subject::Code { code, .. } => s.serialize_field("code", &code)?,
            Subject::Outcome(o) => s.serialize_field("code", o.as_str())?,
        }
        s.serialize_field("dialect", &d.dialect())?;
        s.serialize_field("meaning", d.meaning())?;
        s.serialize_field("meaning_zh", d.meaning_zh())?;
        s.serialize_field("category", &d.category())?;
        s.serialize_field("responsible", &d.responsible())?;
        s.serialize_field("retry", &d.retry())?;
        s.serialize_field("reversal", &d.reversal())?;
        s.serialize_field("class", &d.class())?;
        s.serialize_field("flags", &d.flags())?;
        s.serialize_field("cashier_prompt", d.cashier_prompt(self.lang))?;
        s.serialize_field(
            "checklist",
            &Steps {
                items: d.checklist(),
                lang: self.lang,
            },
        )?;
        s.end()
    }
}

/// Serializes in English; use [`Diagnosis::in_lang`] for Chinese.
///
/// For an outcome, `code` is the outcome's name (e.g. `"no-response"`) and `dialect` is `null`.
impl serde::Serialize for Diagnosis<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.in_lang(Lang::En).serialize(serializer)
    }
}
