//! The parts of the `stats` report after the summary by category and code: the decode
//! failures by kind and the groups, as text and as JSON.

use super::failures::{self, Failures, KindCount};
use super::group::{Counts, Dimension, Groups, Row, Value};
use crate::table::{Align, Table};
use core::fmt::Write as _;
use iso8583_wire::response::{Lang, Tally};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

/// Everything counted in one run.
pub struct Report<'r> {
    /// The summary by category and code.
    pub tally: &'r Tally<'static>,
    /// The lines that gave no message.
    pub failures: &'r Failures,
    /// With `--lenient`: the content violations of the messages, by rule.
    pub violations: Option<&'r Failures>,
    /// The groups, when `--by` was given: the grouping's number in `groups`.
    pub grouping: Option<(&'r Groups, usize)>,
    /// Groups shown (0: all).
    pub top: usize,
}

/// The ordering of the groups of a report: most messages first.
fn by_messages(c: &Counts) -> u64 {
    c.messages
}

/// A share of `whole`, between 0 and 1.
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

/// A value as text: `(none)` when the message has no such field.
pub fn value_text(value: &Value, lang: Lang) -> String {
    match value {
        Value::Text(s) => s.clone(),
        Value::Hour(h) => format!("{h:02}"),
        Value::Category(c) => c.title(lang).to_owned(),
        Value::None => match lang {
            Lang::Zh => "（无）".to_owned(),
            _ => "(none)".to_owned(),
        },
    }
}

impl Report<'_> {
    /// Decoded messages: those the groups cover.
    fn decoded(&self) -> u64 {
        self.tally.messages() - self.tally.decode_failures()
    }

    /// The text report: the summary, then the failures by kind, then the groups.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = self.tally.render(lang);
        if let Some(violations) = self.violations {
            let title = match lang {
                Lang::Zh => "内容违规（宽松解码）",
                _ => "content violations (lenient decoding)",
            };
            render_kinds(&mut out, violations, violations.total(), title, lang);
        }
        let title = match lang {
            Lang::Zh => "解码失败类型",
            _ => "decode failures by kind",
        };
        render_kinds(
            &mut out,
            self.failures,
            self.tally.decode_failures(),
            title,
            lang,
        );
        self.render_groups(&mut out, lang);
        out
    }

    fn render_groups(&self, out: &mut String, lang: Lang) {
        let Some((groups, n)) = self.grouping else {
            return;
        };
        let by = groups.by(n);
        let rows = groups.rows(n, self.top, by_messages);
        let names: Vec<&str> = by.iter().map(|d| d.heading(lang)).collect();
        let total = groups.len(n);
        out.push('\n');
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "按{}分组：共 {total} 组，显示前 {} 组",
                names.join("、"),
                rows.len()
            ),
            _ => writeln!(
                out,
                "by {}: the first {} of {total} groups, most messages first",
                names.join(", "),
                rows.len()
            ),
        };
        let (l_msgs, l_share, l_ok, l_not, l_none) = match lang {
            Lang::Zh => ("报文数", "占比", "批准", "未批准", "无39域"),
            _ => (
                "messages",
                "share",
                "approved",
                "not approved",
                "no field 39",
            ),
        };
        let mut columns: Vec<(&str, Align)> = names.iter().map(|&h| (h, Align::Left)).collect();
        columns.extend([
            (l_msgs, Align::Right),
            (l_share, Align::Right),
            (l_ok, Align::Right),
            (l_not, Align::Right),
            (l_none, Align::Right),
        ]);
        let mut table = Table::new(&columns);
        let decoded = self.decoded();
        for row in &rows {
            let mut cells: Vec<String> = row.key.iter().map(|v| value_text(v, lang)).collect();
            let c = row.counts;
            cells.extend([
                c.messages.to_string(),
                percent(c.messages, decoded),
                c.approved.to_string(),
                c.not_approved.to_string(),
                c.without_field_39.to_string(),
            ]);
            table.row(cells);
        }
        write_table(out, &table);
    }
}

/// Appends `table` to `out`.
fn write_table(out: &mut String, table: &Table) {
    let mut bytes = Vec::new();
    // Writing to a vector cannot fail, and the table holds only text.
    if table.write(&mut bytes).is_ok() {
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
}

/// Kinds of `kinds` as a table titled `title`, with each one's share of `total`; nothing when
/// there is none.
fn render_kinds(out: &mut String, kinds: &Failures, total: u64, title: &str, lang: Lang) {
    let kinds = kinds.kinds();
    if kinds.is_empty() {
        return;
    }
    let (count, pct, lines) = match lang {
        Lang::Zh => ("数量", "占比", "最先出现的行"),
        _ => ("count", "share", "first lines"),
    };
    let mut table = Table::new(&[
        (title, Align::Left),
        (count, Align::Right),
        (pct, Align::Right),
        (lines, Align::Left),
    ]);
    for k in kinds {
        let first: Vec<String> = k.first_lines.iter().map(ToString::to_string).collect();
        table.row(vec![
            failures::label(k.kind, lang).to_owned(),
            k.count.to_string(),
            percent(k.count, total),
            first.join(", "),
        ]);
    }
    out.push('\n');
    write_table(out, &table);
}

/// `part` of `whole` as a percentage with one decimal.
fn percent(part: u64, whole: u64) -> String {
    format!("{:.1}%", 100.0 * share(part, whole))
}

/// One kind of failure in JSON: `kind`, `count`, `share` (of the decode failures),
/// `first_lines`, `first_error`.
struct KindJson<'k> {
    kind: &'k KindCount,
    total: u64,
}

impl Serialize for KindJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let k = self.kind;
        let mut s = serializer.serialize_struct("Kind", 5)?;
        s.serialize_field("kind", k.kind)?;
        s.serialize_field("count", &k.count)?;
        s.serialize_field("share", &share(k.count, self.total))?;
        s.serialize_field("first_lines", &k.first_lines)?;
        s.serialize_field("first_error", &k.first_error)?;
        s.end()
    }
}

/// One group in JSON: the value of each dimension under its name, then the counts.
struct RowJson<'r> {
    by: &'r [Dimension],
    row: &'r Row,
    decoded: u64,
}

impl Serialize for RowJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        for (d, v) in self.by.iter().zip(&self.row.key) {
            match v {
                Value::Text(s) => m.serialize_entry(d.name(), s)?,
                Value::Hour(h) => m.serialize_entry(d.name(), h)?,
                Value::Category(c) => m.serialize_entry(d.name(), c)?,
                Value::None => m.serialize_entry(d.name(), &())?,
            }
        }
        let c = self.row.counts;
        m.serialize_entry("messages", &c.messages)?;
        m.serialize_entry("share", &share(c.messages, self.decoded))?;
        m.serialize_entry("approved", &c.approved)?;
        m.serialize_entry("not_approved", &c.not_approved)?;
        m.serialize_entry("without_field_39", &c.without_field_39)?;
        m.end()
    }
}

/// The JSON report: the keys of the summary (`messages`, …, `codes`), then
/// `decode_failure_kinds`, and with `--by` also `group_by`, `groups_total` and `groups`.
#[derive(Serialize)]
struct ReportJson<'r> {
    #[serde(flatten)]
    tally: &'r Tally<'static>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_violations: Option<Vec<KindJson<'r>>>,
    decode_failure_kinds: Vec<KindJson<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups_total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<RowJson<'r>>>,
}

impl Report<'_> {
    /// Writes the JSON report to `out`.
    pub fn write_json(&self, out: impl std::io::Write) -> serde_json::Result<()> {
        let total = self.tally.decode_failures();
        let decode_failure_kinds = self
            .failures
            .kinds()
            .into_iter()
            .map(|kind| KindJson { kind, total })
            .collect();
        let rows: Option<(&[Dimension], Vec<Row>, usize)> = self.grouping.map(|(groups, n)| {
            (
                groups.by(n),
                groups.rows(n, self.top, by_messages),
                groups.len(n),
            )
        });
        let decoded = self.decoded();
        let content_violations = self.violations.map(|v| {
            let total = v.total();
            v.kinds()
                .into_iter()
                .map(|kind| KindJson { kind, total })
                .collect()
        });
        let json = ReportJson {
            tally: self.tally,
            content_violations,
            decode_failure_kinds,
            group_by: rows
                .as_ref()
                .map(|(by, _, _)| by.iter().map(|d| d.name()).collect()),
            groups_total: rows.as_ref().map(|&(_, _, total)| total),
            groups: rows.as_ref().map(|(by, rows, _)| {
                rows.iter()
                    .map(|row| RowJson { by, row, decoded })
                    .collect()
            }),
        };
        serde_json::to_writer(out, &json)
    }
}
