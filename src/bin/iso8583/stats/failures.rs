//! Lines that gave no message, by the kind of failure, with the first line numbers of each.

use crate::log_lines::LineError;
use iso8583_wire::response::Lang;
use iso8583_wire::Violation;

/// Line numbers kept for each kind of failure.
pub const FIRST_LINES: usize = 5;

/// One kind of failure.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct KindCount {
    /// The kind's stable name (`truncated`, `invalid_mti`, `invalid_hex`, …).
    pub kind: &'static str,
    /// Lines that failed so.
    pub count: u64,
    /// The first lines that failed so, in order (at most [`FIRST_LINES`]).
    pub first_lines: Vec<usize>,
    /// The error of the first of them, as `decode` words it (element, offset, what was wrong;
    /// never the line's content).
    pub first_error: String,
}

/// Failures by kind, in the order their kinds were first seen.
#[derive(Default)]
pub struct Failures {
    kinds: Vec<KindCount>,
}

impl Failures {
    /// Counts the failure of line `line`.
    pub fn record(&mut self, line: usize, error: &LineError) {
        self.record_kind(line, error.kind_name(), || {
            let failure = error.failure();
            format!("{}: {}", failure.place(), failure.message)
        });
    }

    /// Counts a content violation of the message of line `line`, by its rule (`sign`,
    /// `class`).
    pub fn record_violation(&mut self, line: usize, violation: &Violation) {
        self.record_kind(line, violation.rule().as_str(), || violation.to_string());
    }

    /// Counts one of `kind` at `line`; `first` words the first one.
    fn record_kind(&mut self, line: usize, kind: &'static str, first: impl FnOnce() -> String) {
        // A handful of kinds at most: a scan is cheaper than hashing.
        if let Some(k) = self.kinds.iter_mut().find(|k| k.kind == kind) {
            k.count += 1;
            if k.first_lines.len() < FIRST_LINES {
                k.first_lines.push(line);
            }
            return;
        }
        self.kinds.push(KindCount {
            kind,
            count: 1,
            first_lines: vec![line],
            first_error: first(),
        });
    }

    /// How many were counted, of every kind.
    pub fn total(&self) -> u64 {
        self.kinds.iter().map(|k| k.count).sum()
    }

    /// Every kind, the most frequent first (ties by name).
    pub fn kinds(&self) -> Vec<&KindCount> {
        let mut v: Vec<&KindCount> = self.kinds.iter().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(b.kind)));
        v
    }
}

/// A kind's name for people.
pub fn label(kind: &str, lang: Lang) -> &str {
    let (en, zh) = match kind {
        "truncated" => ("message cut short", "报文不完整"),
        "invalid_length_prefix" => ("length prefix is not a number", "长度前缀不是数字"),
        "length_out_of_range" => ("length out of range", "长度超出范围"),
        "invalid_content" => ("content breaks the field's class", "内容不符合域的类型"),
        "invalid_mti" => ("MTI is not four digits", "MTI 不是四位数字"),
        "invalid_bitmap" => ("bitmap is not hex", "位图不是十六进制"),
        "field_not_in_spec" => ("field not defined by the spec", "规范未定义该域"),
        "trailing_bytes" => ("bytes after the last field", "最后一个域之后有多余字节"),
        "invalid_tlv" => ("malformed BER-TLV", "BER-TLV 格式错误"),
        "invalid_path" => ("not a subfield path", "不是子域路径"),
        "invalid_hex" => ("not hex text", "不是十六进制文本"),
        "sign" => ("amount without its C or D sign", "金额缺少 C/D 符号"),
        "class" => ("a byte breaks the field's class", "有字节不符合域的类型"),
        other => (other, other),
    };
    match lang {
        Lang::Zh => zh,
        _ => en,
    }
}
