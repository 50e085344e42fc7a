//! The table form of a decoded message, for people: the MTI, the bitmap, and every field with
//! its name, format, length and (masked) value in aligned columns.

use crate::json::Failure;
use crate::subfields::{FieldTree, Node};
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
        "Message  {} bytes, spec {}",
        view.as_bytes().len(),
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
                "error in {} at byte {}: {} ({})",
                e.path, e.offset, e.message, e.kind
            ))),
            None => {}
        }
    }
    let width = |header: &str, cell: fn(&Row) -> &str| {
        rows.iter()
            .map(|r| cell(r).chars().count())
            .chain([header.len()])
            .max()
            .unwrap_or(0)
    };
    let w_number = width("DE", |r| r.cells()[0]);
    let w_name = width("Name", |r| r.cells()[1]);
    let w_format = width("Format", |r| r.cells()[2]);
    let w_len = width("Len", |r| r.cells()[3]);
    writeln!(out)?;
    writeln!(
        out,
        "{:>w_number$}  {:<w_name$}  {:<w_format$}  {:>w_len$}  Value",
        "DE", "Name", "Format", "Len"
    )?;
    for r in &rows {
        match r {
            Row::Error(text) => writeln!(out, "{:>w_number$}  {text}", "")?,
            _ => {
                let [number, name, format, len, value] = r.cells();
                writeln!(
                    out,
                    "{number:>w_number$}  {name:<w_name$}  {format:<w_format$}  {len:>w_len$}  {value}"
                )?;
            }
        }
    }
    if let Some(d) = diagnosis {
        writeln!(out)?;
        write_diagnosis(out, d)?;
    }
    Ok(())
}

/// The short diagnosis block: `Response 96: System malfunction — category switch_fault,
/// retry: …, reversal: …`, then what to tell the cashier.
fn write_diagnosis(out: &mut impl Write, localized: Localized<'_>) -> io::Result<()> {
    let d = localized.diagnosis();
    let lang = localized.lang();
    let code = d.code().map(|c| c.to_string()).unwrap_or_default();
    let reason = d.is_reversal_reason();
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
                "{what} {code}: {} — category {}, retry: {}, reversal: {reversal}",
                d.meaning(),
                d.category(),
                d.retry()
            )?;
            writeln!(out, "Cashier  {}", d.cashier_prompt(lang))
        }
        Lang::Zh => {
            let reversal = if d.reversal() { "需要" } else { "不需要" };
            let what = if reason { "冲正原因" } else { "应答码" };
            writeln!(
                out,
                "{what} {code}：{} — 类别 {}，重试：{}，冲正：{reversal}",
                d.meaning_zh(),
                d.category(),
                d.retry().label(lang)
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
        let label = if name.is_empty() || name == id {
            format!("{indent}{id}")
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

/// Writes a failed message as one line: `Error    DE35 at byte 87: length 38 outside 0..=37
/// (length_out_of_range)`, with the input line when known.
///
/// # Errors
/// Whatever writing to `out` returns.
pub fn write_failure(out: &mut impl Write, failure: &Failure) -> io::Result<()> {
    write!(out, "Error    ")?;
    if let Some(line) = failure.line {
        write!(out, "line {line}: ")?;
    }
    writeln!(
        out,
        "{}: {} ({})",
        failure.place(),
        failure.message,
        failure.kind
    )
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

impl Row {
    fn cells(&self) -> [&str; 5] {
        match self {
            Self::Field {
                number,
                name,
                format,
                len,
                value,
            } => [number, name, format, len, value],
            Self::Error(_) => ["", "", "", "", ""],
        }
    }
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
