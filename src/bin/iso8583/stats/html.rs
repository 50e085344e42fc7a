//! `stats --html FILE`: one self-contained page with bar charts in inline SVG (failures per
//! hour, failures by category, the terminals with the most failures). No script, no style
//! sheet, font or image from elsewhere: the page shows the same offline as online.

use super::group::{Groups, Value};
use super::report::value_text;
use crate::CliError;
use core::fmt::Write as _;
use iso8583_wire::response::{Category, Lang, Tally};
use std::path::Path;

/// What the page shows.
pub struct Page<'p> {
    /// The name of the input, for the title.
    pub source: &'p str,
    /// The summary by category and code.
    pub tally: &'p Tally<'static>,
    /// The groups, with a grouping by hour and one by terminal.
    pub groups: &'p Groups,
    /// The grouping by hour in `groups`.
    pub by_hour: usize,
    /// The grouping by terminal in `groups`.
    pub by_terminal: usize,
    /// Terminals shown (0: every terminal with a failure).
    pub top: usize,
    /// The language of the labels.
    pub lang: Lang,
}

/// One bar of a chart.
struct Bar {
    label: String,
    value: u64,
}

/// Labels of the page in one language.
struct Words {
    title: &'static str,
    messages: &'static str,
    failures_decode: &'static str,
    approved: &'static str,
    not_approved: &'static str,
    per_hour: &'static str,
    per_hour_note: &'static str,
    by_category: &'static str,
    top_terminals: &'static str,
    none_yet: &'static str,
}

const EN: Words = Words {
    title: "Summary of",
    messages: "messages",
    failures_decode: "decode failures",
    approved: "approved",
    not_approved: "not approved",
    per_hour: "Failures per hour",
    per_hour_note: "Responses whose field 39 is not in the category approved, by the hour of DE7 (transmission date and time).",
    by_category: "Failures by category",
    top_terminals: "Terminals with the most failures",
    none_yet: "No failures.",
};

const ZH: Words = Words {
    title: "统计：",
    messages: "报文总数",
    failures_decode: "解码失败",
    approved: "批准",
    not_approved: "未批准",
    per_hour: "每小时失败数",
    per_hour_note: "39域不属于“批准”类别的应答，按7域（传输日期时间）的小时统计。",
    by_category: "失败按类别",
    top_terminals: "失败最多的终端",
    none_yet: "没有失败。",
};

impl Page<'_> {
    /// The whole page.
    pub fn render(&self) -> String {
        let w = match self.lang {
            Lang::Zh => &ZH,
            _ => &EN,
        };
        let lang = match self.lang {
            Lang::Zh => "zh",
            _ => "en",
        };
        let approved = self.tally.category(Category::Approved);
        let not_approved = self.tally.diagnosed() - approved;
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{} {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
             <h1>{} {}</h1>\n<table>\n",
            w.title,
            escape(self.source),
            w.title,
            escape(self.source),
        );
        for (label, n) in [
            (w.messages, self.tally.messages()),
            (w.failures_decode, self.tally.decode_failures()),
            (w.approved, approved),
            (w.not_approved, not_approved),
        ] {
            let _ = writeln!(out, "<tr><th>{label}</th><td>{n}</td></tr>");
        }
        out.push_str("</table>\n");

        let _ = writeln!(out, "<h2>{}</h2>\n<p>{}</p>", w.per_hour, w.per_hour_note);
        column_chart(&mut out, &self.hours(), w.none_yet);
        let _ = writeln!(out, "<h2>{}</h2>", w.by_category);
        row_chart(&mut out, &self.categories(), w.none_yet);
        let _ = writeln!(out, "<h2>{}</h2>", w.top_terminals);
        row_chart(&mut out, &self.terminals(), w.none_yet);
        out.push_str("</body>\n</html>\n");
        out
    }

    /// One bar for each hour, 00 to 23, and one for messages without an hour when some of
    /// them failed.
    fn hours(&self) -> Vec<Bar> {
        let rows = self.groups.rows(self.by_hour, 0, |c| c.not_approved);
        let failed = |hour: &Value| {
            rows.iter()
                .find(|r| r.key.first() == Some(hour))
                .map_or(0, |r| r.counts.not_approved)
        };
        let mut bars: Vec<Bar> = (0..24u8)
            .map(|h| Bar {
                label: format!("{h:02}"),
                value: failed(&Value::Hour(h)),
            })
            .collect();
        let none = failed(&Value::None);
        if none > 0 {
            bars.push(Bar {
                label: value_text(&Value::None, self.lang),
                value: none,
            });
        }
        bars
    }

    /// One bar for each category other than approved that was seen.
    fn categories(&self) -> Vec<Bar> {
        Category::ALL
            .iter()
            .filter(|&&c| c != Category::Approved)
            .map(|&c| Bar {
                label: c.title(self.lang).to_owned(),
                value: self.tally.category(c),
            })
            .filter(|b| b.value > 0)
            .collect()
    }

    /// The terminals with the most failures.
    fn terminals(&self) -> Vec<Bar> {
        let mut rows = self.groups.rows(self.by_terminal, 0, |c| c.not_approved);
        rows.retain(|r| r.counts.not_approved > 0);
        if self.top > 0 {
            rows.truncate(self.top);
        }
        rows.iter()
            .map(|r| Bar {
                label: r
                    .key
                    .first()
                    .map(|v| value_text(v, self.lang))
                    .unwrap_or_default(),
                value: r.counts.not_approved,
            })
            .collect()
    }
}

/// The page's look: system fonts, one colour for bars.
const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.4em}
h2{font-size:1.1em;margin-top:2em}
th{text-align:left;font-weight:normal;padding-right:1em}
td{text-align:right}
svg{display:block}
svg text{font-size:11px;fill:#333}
.bar{fill:#b03a2e}
.axis{stroke:#888;stroke-width:1}
";

/// The largest value, at least 1 (so that an all-zero chart has no division by zero).
fn max_value(bars: &[Bar]) -> u64 {
    bars.iter().map(|b| b.value).max().unwrap_or(0).max(1)
}

/// `value` of `max` as a length of up to `full` pixels.
fn scale(value: u64, max: u64, full: u64) -> u64 {
    value.saturating_mul(full) / max.max(1)
}

/// A chart of vertical bars, labelled under each bar.
fn column_chart(out: &mut String, bars: &[Bar], empty: &str) {
    const BAR: u64 = 24;
    const GAP: u64 = 6;
    const HEIGHT: u64 = 180;
    const TOP: u64 = 16;
    let max = max_value(bars);
    let n = bars.len() as u64;
    let width = n * (BAR + GAP) + GAP;
    let base = TOP + HEIGHT;
    let _ = writeln!(
        out,
        "<svg width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\" role=\"img\">",
        base + 20,
        base + 20
    );
    if bars.iter().all(|b| b.value == 0) {
        let _ = writeln!(
            out,
            "<text x=\"{GAP}\" y=\"{TOP}\">{}</text>",
            escape(empty)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let x = GAP + i as u64 * (BAR + GAP);
        let h = scale(b.value, max, HEIGHT);
        let label = escape(&b.label);
        let _ = writeln!(
            out,
            "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\">\
             <title>{label}: {}</title></rect>",
            base - h,
            b.value
        );
        if b.value > 0 {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + BAR / 2,
                base - h - 3,
                b.value
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            x + BAR / 2,
            base + 14
        );
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"0\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\"/>\n</svg>"
    );
}

/// A chart of horizontal bars, labelled on their left.
fn row_chart(out: &mut String, bars: &[Bar], empty: &str) {
    const LABEL: u64 = 220;
    const FULL: u64 = 420;
    const BAR: u64 = 18;
    const GAP: u64 = 6;
    let max = max_value(bars);
    let n = (bars.len() as u64).max(1);
    let height = n * (BAR + GAP) + GAP;
    let width = LABEL + FULL + 60;
    let _ = writeln!(
        out,
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    if bars.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text>",
            GAP + BAR - 5,
            escape(empty)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = GAP + i as u64 * (BAR + GAP);
        let w = scale(b.value, max, FULL);
        let label = escape(&b.label);
        let text_y = y + BAR - 5;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\">{label}</text>\n\
             <rect class=\"bar\" x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{BAR}\">\
             <title>{label}: {}</title></rect>\n\
             <text x=\"{}\" y=\"{text_y}\">{}</text>",
            LABEL - 8,
            b.value,
            LABEL + w + 4,
            b.value
        );
    }
    out.push_str("</svg>\n");
}

/// `s` with the characters that mean something in HTML escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes `page` to `path` whole or not at all: into a temporary file beside it, then renamed
/// over it, so that a reader never finds half a page.
///
/// # Errors
/// A usage error naming `path` when the file cannot be written.
pub fn write_atomically(path: &Path, page: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| CliError::Usage(format!("cannot write {}: {e}", path.display()));
    let name = path.file_name().ok_or_else(|| {
        CliError::Usage(format!("cannot write {}: not a file name", path.display()))
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(page.as_bytes())?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            // The temporary file is removed on the way out; it may never have been made.
            let _ = std::fs::remove_file(&temp);
            Err(fail(e))
        }
    }
}
