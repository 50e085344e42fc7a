//! Counting diagnoses over many messages (a day of logs), by category and by code.

use core::fmt::Write as _;
use std::collections::HashMap;

use serde::ser::{SerializeSeq, SerializeStruct};

use super::category::Category;
use super::code::{Lang, ResponseCode};
use super::columns::{left, width};
use super::diagnosis::Diagnosis;
use super::outcome::Outcome;
use crate::mti::Mti;

/// How often one code (or outcome) was seen, with its diagnosis.
#[derive(Debug, Clone, Copy)]
pub struct CodeCount<'t> {
    diagnosis: Diagnosis<'t>,
    count: u64,
}

impl<'t> CodeCount<'t> {
    /// The diagnosis of the code.
    #[must_use]
    pub fn diagnosis(&self) -> Diagnosis<'t> {
        self.diagnosis
    }

    /// How many times it was seen.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'t> {
    Code {
        dialect: Option<&'t str>,
        code: ResponseCode,
        reversal_reason: bool,
    },
    Outcome(Outcome),
}

/// Counts of diagnoses by category and by code, plus the messages that gave none.
///
/// Feed it one message at a time: [`record`](Self::record) a diagnosis,
/// [`record_no_field_39`](Self::record_no_field_39) a message without field 39, or
/// [`record_decode_failure`](Self::record_decode_failure) a message that did not decode (counted,
/// not fatal). Then print it with [`render`](Self::render) or serialize it to JSON. Shares of
/// categories and codes are fractions of the diagnosed messages; shares of decode failures and
/// missing field 39 are fractions of all messages.
///
/// ```
/// use iso8583_wire::response::{classify, Category, Dialect, Lang, Tally};
///
/// let mut tally = Tally::new();
/// for code in [&b"00"[..], b"00", b"96", b"51"] {
///     tally.record(classify(Dialect::Iso8583_1987, Some(b"0210"), code));
/// }
/// tally.record_decode_failure();
/// tally.record_no_field_39(Some(b"0210"));
/// assert_eq!(tally.messages(), 6);
/// assert_eq!(tally.category(Category::Approved), 2);
/// assert_eq!(tally.codes()[0].diagnosis().code().map(|c| c.to_string()), Some("00".into()));
/// assert!(tally.render(Lang::En).contains("Switch or host fault"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Tally<'t> {
    messages: u64,
    decode_failures: u64,
    responses_without_field_39: u64,
    others_without_field_39: u64,
    categories: [u64; 12],
    codes: HashMap<Key<'t>, CodeCount<'t>>,
}

impl<'t> Tally<'t> {
    /// An empty tally.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one message with a diagnosis (of its field 39, or of a terminal outcome).
    pub fn record(&mut self, diagnosis: Diagnosis<'t>) {
        self.messages += 1;
        if let Some(n) = self.categories.get_mut(diagnosis.category() as usize) {
            *n += 1;
        }
        let key = match (diagnosis.code(), diagnosis.outcome()) {
            (Some(code), _) => Key::Code {
                dialect: diagnosis.dialect(),
                code,
                reversal_reason: diagnosis.is_reversal_reason(),
            },
            (None, Some(o)) => Key::Outcome(o),
            (None, None) => return,
        };
        self.codes
            .entry(key)
            .or_insert(CodeCount {
                diagnosis,
                count: 0,
            })
            .count += 1;
    }

    /// Counts one decoded message without field 39; `mti` (ASCII digits or two BCD bytes) tells
    /// a response, which should have had one, from a request.
    pub fn record_no_field_39(&mut self, mti: Option<&[u8]>) {
        self.messages += 1;
        // `Mti::is_response` counts acknowledgements (x5x, x7x) too: they answer a message as a
        // response does. Bytes that are no MTI cannot be shown to be a response.
        if mti
            .and_then(Mti::from_wire)
            .is_some_and(|m| m.is_response())
        {
            self.responses_without_field_39 += 1;
        } else {
            self.others_without_field_39 += 1;
        }
    }

    /// Counts one message that failed to decode.
    pub fn record_decode_failure(&mut self) {
        self.messages += 1;
        self.decode_failures += 1;
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Tally<'t>) {
        self.messages += other.messages;
        self.decode_failures += other.decode_failures;
        self.responses_without_field_39 += other.responses_without_field_39;
        self.others_without_field_39 += other.others_without_field_39;
        for (mine, theirs) in self.categories.iter_mut().zip(other.categories) {
            *mine += theirs;
        }
        for (key, cc) in &other.codes {
            self.codes
                .entry(*key)
                .or_insert(CodeCount {
                    diagnosis: cc.diagnosis,
                    count: 0,
                })
                .count += cc.count;
        }
    }

    /// All messages counted.
    #[must_use]
    pub fn messages(&self) -> u64 {
        self.messages
    }

    /// Messages that failed to decode.
    #[must_use]
    pub fn decode_failures(&self) -> u64 {
        self.decode_failures
    }

    /// Responses that carried no field 39.
    #[must_use]
    pub fn responses_without_field_39(&self) -> u64 {
        self.responses_without_field_39
    }

    /// Other messages (requests, advices) without field 39.
    #[must_use]
    pub fn others_without_field_39(&self) -> u64 {
        self.others_without_field_39
    }

    /// Messages with a diagnosis.
    #[must_use]
    pub fn diagnosed(&self) -> u64 {
        self.categories.iter().sum()
    }

    /// Messages diagnosed in `category`.
    #[must_use]
    pub fn category(&self, category: Category) -> u64 {
        self.categories.get(category as usize).copied().unwrap_or(0)
    }

    /// Every code and outcome seen, most frequent first (ties by code).
    #[must_use]
    pub fn codes(&self) -> Vec<CodeCount<'t>> {
        let mut v: Vec<CodeCount<'t>> = self.codes.values().copied().collect();
        v.sort_by(|a, b| {
            b.count.cmp(&a.count).then_with(|| {
                (a.diagnosis.code(), a.diagnosis.outcome())
                    .cmp(&(b.diagnosis.code(), b.diagnosis.outcome()))
            })
        });
        v
    }

    fn share(part: u64, whole: u64) -> f64 {
        if whole == 0 {
            0.0
        } else {
            // Counts stay far below 2^52, where the conversion is exact.
            #[allow(clippy::cast_precision_loss)]
            let share = part as f64 / whole as f64;
            share
        }
    }

    /// A plain-text report: totals, then each category and each code with its count and share,
    /// in aligned columns (with the `unicode-width` feature, a Chinese character counts two
    /// columns, as a terminal shows it).
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let diagnosed = self.diagnosed();
        let (l_msgs, l_fail, l_resp, l_other, l_diag, l_cat, l_code, l_reason) = match lang {
            Lang::En => (
                "messages",
                "decode failures",
                "responses without field 39",
                "requests without field 39",
                "diagnosed",
                "category",
                "code",
                " (reversal reason)",
            ),
            Lang::Zh => (
                "报文总数",
                "解码失败",
                "无39域的应答",
                "无39域的请求",
                "已诊断",
                "类别",
                "应答码",
                "（冲正原因）",
            ),
        };
        let mut out = String::new();
        let pct = |n: u64, whole: u64| 100.0 * Self::share(n, whole);
        let totals = [
            (l_msgs, self.messages, None),
            (
                l_fail,
                self.decode_failures,
                Some(pct(self.decode_failures, self.messages)),
            ),
            (
                l_resp,
                self.responses_without_field_39,
                Some(pct(self.responses_without_field_39, self.messages)),
            ),
            (
                l_other,
                self.others_without_field_39,
                Some(pct(self.others_without_field_39, self.messages)),
            ),
            (l_diag, diagnosed, None),
        ];
        let w_total = totals.iter().map(|t| width(t.0)).max().unwrap_or(0);
        for (label, n, share) in totals {
            let _ = write!(out, "{} {n:>10}", left(label, w_total));
            match share {
                Some(p) => {
                    let _ = writeln!(out, " {p:>6.1}%");
                }
                None => {
                    let _ = writeln!(out);
                }
            }
        }
        let shown: Vec<(Category, u64)> = Category::ALL
            .iter()
            .map(|&c| (c, self.category(c)))
            .filter(|&(_, n)| n > 0)
            .collect();
        let w_cat = shown
            .iter()
            .map(|(c, _)| width(c.title(lang)))
            .chain([width(l_cat)])
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "\n{l_cat}");
        for (c, n) in shown {
            let _ = writeln!(
                out,
                "{} {n:>10} {:>6.1}%",
                left(c.title(lang), w_cat),
                pct(n, diagnosed)
            );
        }
        let codes = self.codes();
        let names: Vec<String> = codes
            .iter()
            .map(|cc| {
                let d = cc.diagnosis;
                match (d.code(), d.outcome()) {
                    (Some(code), _) => code.to_string(),
                    (None, Some(o)) => o.as_str().to_owned(),
                    (None, None) => String::new(),
                }
            })
            .collect();
        let w_name = names.iter().map(|n| width(n)).chain([6]).max().unwrap_or(6);
        let w_code_cat = codes
            .iter()
            .map(|cc| width(cc.diagnosis.category().title(lang)))
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "\n{l_code}");
        for (cc, name) in codes.iter().zip(&names) {
            let d = cc.diagnosis;
            let reason = if d.is_reversal_reason() { l_reason } else { "" };
            let _ = writeln!(
                out,
                "{} {} {:>10} {:>6.1}%  {}{reason}",
                left(name, w_name),
                left(d.category().title(lang), w_code_cat),
                cc.count,
                pct(cc.count, diagnosed),
                d.meaning_in(lang),
            );
        }
        out
    }
}

struct Categories<'a, 't>(&'a Tally<'t>);

impl serde::Serialize for Categories<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let diagnosed = self.0.diagnosed();
        let mut seq = serializer.serialize_seq(None)?;
        for &c in Category::ALL {
            let count = self.0.category(c);
            if count > 0 {
                seq.serialize_element(&CategoryRow {
                    category: c,
                    count,
                    share: Tally::share(count, diagnosed),
                })?;
            }
        }
        seq.end()
    }
}

#[derive(serde::Serialize)]
struct CategoryRow {
    category: Category,
    count: u64,
    share: f64,
}

#[derive(serde::Serialize)]
struct CodeRow<'t> {
    code: String,
    dialect: Option<&'t str>,
    reversal_reason: bool,
    category: Category,
    meaning: &'t str,
    count: u64,
    share: f64,
}

/// JSON shape: `messages`, `decode_failures`, `responses_without_field_39`,
/// `requests_without_field_39`, `diagnosed`, `categories` (a list of `category`, `count`,
/// `share`) and `codes` (a list of `code`, `dialect`, `reversal_reason`, `category`, `meaning`,
/// `count`, `share`), most frequent first. Shares are fractions between 0 and 1.
impl serde::Serialize for Tally<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let diagnosed = self.diagnosed();
        let codes: Vec<CodeRow<'_>> = self
            .codes()
            .into_iter()
            .map(|cc| {
                let d = cc.diagnosis;
                CodeRow {
                    code: match (d.code(), d.outcome()) {
                        (Some(code), _) => code.to_string(),
                        (None, Some(o)) => o.as_str().to_owned(),
                        (None, None) => String::new(),
                    },
                    dialect: d.dialect(),
                    reversal_reason: d.is_reversal_reason(),
                    category: d.category(),
                    meaning: d.meaning(),
                    count: cc.count,
                    share: Self::share(cc.count, diagnosed),
                }
            })
            .collect();
        let mut s = serializer.serialize_struct("Tally", 7)?;
        s.serialize_field("messages", &self.messages)?;
        s.serialize_field("decode_failures", &self.decode_failures)?;
        s.serialize_field(
            "responses_without_field_39",
            &self.responses_without_field_39,
        )?;
        s.serialize_field("requests_without_field_39", &self.others_without_field_39)?;
        s.serialize_field("diagnosed", &diagnosed)?;
        s.serialize_field("categories", &Categories(self))?;
        s.serialize_field("codes", &codes)?;
        s.end()
    }
}
