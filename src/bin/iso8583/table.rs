//! The table form of a decoded message, for people: the MTI, the bitmap, and every field with
//! its name, format, length and (masked) value in aligned columns.

use iso8583_wire::composite::FieldId;
use iso8583_wire::json::{Failure, FieldTree, Node};
use iso8583_wire::response::{Lang, Localized};
use iso8583_wire::{FieldSpec, FieldView, MessageView, Mti};
use std::io::{self, Write};

/// Writes `view` as a table; values are masked unless `clear`. Subfields come indented under
/// their field; the diagnosis of field 39, when given, comes under the fields.
///
/// # Errors
/// Whatever writing to `out` returns.
pub fn write_message(
    out: &mut impl Write,
    view: &MessageView<'_>,
    fields: &[FieldTree<'_>],
    clear: bool,
    diagnosis: Option<Localized<'_>>,
) -> io::Result<()> {
    writeln!(
        out,
        "Message  {}, spec {}",
        count(view.as_bytes().len(), "byte", "bytes"),
        view.spec().name()
    )?;
    if view.spec().layout().header_length > 0 {
        writeln!(out, "Header   {}", crate::input::to_hex(view.header()))?;
    }
    let mti = view.mti();
    writeln!(out, "MTI      {mti}  {}", describe_mti(mti))?;
    writeln!(out, "Bitmap   {}", bitmap_hex(view))?;
    let numbers: Vec<String> = view.fields().map(|f| f.number().to_string()).collect();
    writeln!(out, "Fields   {}", numbers.join(" "))?;

    let value = |fv: &FieldView<'_>| {
        if clear {
            fv.unmasked().to_string()
        } else {
            fv.masked().to_string()
        }
    };
    let mut rows: Vec<Row> = Vec::with_capacity(fields.len());
    for tree in fields {
        let fv = &tree.field;
        rows.push(Row::Field {
            number: fv.number().to_string(),
            name: fv.spec().name.clone(),
            format: format_of(fv.spec()),
            len: fv.len().to_string(),
            value: value(fv),
        });
        match &tree.subfields {
            Some(Ok(nodes)) => push_nodes(&mut rows, nodes, 1, &value),
            Some(Err(e)) => rows.push(Row::Error(format!(
                "error in {} at byte {}: {}",
                e.path, e.offset, e.message
            ))),
            None => {}
        }
    }
    let mut table = Table::new(&[
        ("DE", Align::Right),
        ("Name", Align::Left),
        ("Format", Align::Left),
        ("Len", Align::Right),
        ("Value", Align::Left),
    ]);
    for r in rows {
        match r {
            Row::Error(text) => table.note(text),
            Row::Field {
                number,
                name,
                format,
                len,
                value,
            } => table.row(vec![number, name, format, len, value]),
        }
    }
    writeln!(out)?;
    table.write(out)?;
    if let Some(d) = diagnosis {
        writeln!(out)?;
        write_diagnosis(out, d)?;
    }
    Ok(())
}

/// The short diagnosis block, in sentences: `Response 96: System malfunction. Category: Switch
/// or host fault. Retry: later, …. Reversal: not needed.`, then what to tell the cashier.
fn write_diagnosis(out: &mut impl Write, localized: Localized<'_>) -> io::Result<()> {
    let d = localized.diagnosis();
    let lang = localized.lang();
    let code = d.code().map(|c| c.to_string()).unwrap_or_default();
    let reason = d.is_reversal_reason();
    let category = d.category().title(lang);
    let retry = d.retry().label(lang);
    match lang {
        Lang::En => {
            let reversal = if d.reversal() { "due" } else { "not needed" };
            let what = if reason {
                "Reversal reason"
            } else {
                "Response"
            };
            writeln!(
                out,
                "{what} {code}: {}. Category: {category}. Retry: {retry}. Reversal: {reversal}.",
                d.meaning(),
            )?;
            writeln!(out, "Cashier  {}", d.cashier_prompt(lang))
        }
        Lang::Zh => {
            let reversal = if d.reversal() { "需要" } else { "不需要" };
            let what = if reason { "冲正原因" } else { "应答码" };
            writeln!(
                out,
                "{what} {code}：{}。类别：{category}。重试：{retry}。冲正：{reversal}。",
                d.meaning_zh(),
            )?;
            writeln!(out, "收银提示 {}", d.cashier_prompt(lang))
        }
    }
}

/// Rows for subfields at `depth`, indented two spaces a level.
fn push_nodes(
    rows: &mut Vec<Row>,
    nodes: &[Node<'_>],
    depth: usize,
    value: &dyn Fn(&FieldView<'_>) -> String,
) {
    for node in nodes {
        let name = node.name();
        let id = node.id();
        let indent = "  ".repeat(depth);
        // A track 2 part is shown by its name alone: its id (`service_code`) is the path for
        // code and JSON, and the name says the same in words.
        let is_part = matches!(node.view.sub_id(), Some(FieldId::Part(_)));
        let label = if name.is_empty() || name == id {
            format!("{indent}{id}")
        } else if is_part {
            format!("{indent}{name}")
        } else {
            format!("{indent}{id}  {name}")
        };
        let spec = node.view.spec();
        rows.push(Row::Field {
            number: String::new(),
            name: label,
            // Subfields without a spec of their own (tags, track 2 parts) have no format.
            format: if spec.length == u32::MAX {
                String::new()
            } else {
                format_of(spec)
            },
            len: node.view.len().to_string(),
            value: if node.children.is_empty() {
                value(&node.view)
            } else {
                String::new()
            },
        });
        push_nodes(rows, &node.children, depth + 1, value);
    }
}

/// Writes a failed message as one line: `Error    DE35 at byte 87: length 38 outside 0..=37`,
/// with the input line when known. (The kind's name, `length_out_of_range`, is for JSON; the
/// message says the same in words.)
///
/// # Errors
/// Whatever writing to `out` returns.
pub fn write_failure(out: &mut impl Write, failure: &Failure) -> io::Result<()> {
    write!(out, "Error    ")?;
    if let Some(line) = failure.line {
        write!(out, "line {line}: ")?;
    }
    writeln!(out, "{}: {}", failure.place(), failure.message)
}

enum Row {
    Field {
        number: String,
        name: String,
        format: String,
        len: String,
        value: String,
    },
    /// Why the subfields of the field above could not be read.
    Error(String),
}

/// The bitmaps as read, one 16-digit hex group each.
fn bitmap_hex(view: &MessageView<'_>) -> String {
    let [primary, secondary, tertiary] = view.bitmap().words();
    let mut s = format!("{primary:016X}");
    if primary >> 63 == 1 {
        s.push_str(&format!(" {secondary:016X}"));
        if view.spec().layout().tertiary_bitmap && secondary >> 63 == 1 {
            s.push_str(&format!(" {tertiary:016X}"));
        }
    }
    s
}

/// A field's format in the usual notation: `n 6` for fixed, `n..19` for variable fields.
fn format_of(fs: &FieldSpec) -> String {
    let class = fs.class.name();
    if fs.is_fixed() {
        format!("{class} {}", fs.length)
    } else {
        format!("{class}..{}", fs.length)
    }
}

/// The MTI in words, from its class, function and origin digits, e.g. `financial, request
/// response, from acquirer` for 0210.
fn describe_mti(mti: Mti) -> String {
    let [_, class, function, origin] = *mti.as_bytes();
    let class = match class {
        b'1' => "authorization",
        b'2' => "financial",
        b'3' => "file action",
        b'4' => "reversal/chargeback",
        b'5' => "reconciliation",
        b'6' => "administrative",
        b'7' => "fee collection",
        b'8' => "network management",
        _ => "reserved class",
    };
    let function = match function {
        b'0' => "request",
        b'1' => "request response",
        b'2' => "advice",
        b'3' => "advice response",
        b'4' => "notification",
        b'5' => "notification acknowledgement",
        b'6' => "instruction",
        b'7' => "instruction acknowledgement",
        _ => "reserved function",
    };
    let origin = match origin {
        b'0' => "from acquirer",
        b'1' => "from acquirer, repeat",
        b'2' => "from issuer",
        b'3' => "from issuer, repeat",
        b'4' => "from other",
        b'5' => "from other, repeat",
        _ => "reserved origin",
    };
    format!("{class}, {function}, {origin}")
}

/// `n` and the noun for it, singular for one: `1 byte`, `2 bytes`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// How the cells of a column line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right.
    Left,
    /// Padded on the left (numbers).
    Right,
}

/// The number of terminal columns `text` takes: East Asian wide characters (Chinese, Japanese
/// and Korean ideographs, full-width forms) take two, as a terminal draws them.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Rows of cells written in aligned columns, two spaces apart, under a header line.
///
/// Widths are display widths ([`display_width`]), so Chinese names and values stay aligned.
/// The last column is not padded. A note is a line of its own,
/// indented to the second column (an error about the row above).
pub struct Table {
    columns: Vec<(String, Align)>,
    lines: Vec<Line>,
}

enum Line {
    Cells(Vec<String>),
    Note(String),
}

impl Table {
    /// A table with these column headers and alignments.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            columns: columns.iter().map(|&(h, a)| (h.to_owned(), a)).collect(),
            lines: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        self.lines.push(Line::Cells(cells));
    }

    /// Adds a note line under the last row.
    pub fn note(&mut self, text: String) {
        self.lines.push(Line::Note(text));
    }

    /// The width of each column: its widest cell or header.
    fn widths(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, (header, _))| {
                self.lines
                    .iter()
                    .filter_map(|l| match l {
                        Line::Cells(cells) => cells.get(i).map(|c| display_width(c)),
                        Line::Note(_) => None,
                    })
                    .chain([display_width(header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Writes the header and every line.
    ///
    /// # Errors
    /// Whatever writing to `out` returns.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let widths = self.widths();
        let header: Vec<&str> = self.columns.iter().map(|(h, _)| h.as_str()).collect();
        self.write_cells(out, &header, &widths)?;
        for line in &self.lines {
            match line {
                Line::Cells(cells) => {
                    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                    self.write_cells(out, &cells, &widths)?;
                }
                Line::Note(text) => {
                    let indent = widths.first().map_or(0, |w| w + 2);
                    writeln!(out, "{:indent$}{text}", "")?;
                }
            }
        }
        Ok(())
    }

    fn write_cells(
        &self,
        out: &mut impl Write,
        cells: &[&str],
        widths: &[usize],
    ) -> io::Result<()> {
        let mut line = String::new();
        let last = self.columns.len().saturating_sub(1);
        for (i, ((_, align), width)) in self.columns.iter().zip(widths).enumerate() {
            let cell = cells.get(i).copied().unwrap_or("");
            let fill = " ".repeat(width.saturating_sub(display_width(cell)));
            if i > 0 {
                line.push_str("  ");
            }
            match align {
                Align::Right => {
                    line.push_str(&fill);
                    line.push_str(cell);
                }
                Align::Left if i == last => line.push_str(cell),
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&fill);
                }
            }
        }
        writeln!(out, "{line}")
    }
}
