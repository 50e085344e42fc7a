//! The table form of a decoded message, for people: the MTI, the bitmap, and every field with
//! its name, format, length and (masked) value in aligned columns.

use crate::json::Failure;
use iso8583_wire::{FieldSpec, MessageView, Mti};
use std::io::{self, Write};

/// Writes `view` as a table; values are masked unless `clear`.
///
/// # Errors
/// Whatever writing to `out` returns.
pub fn write_message(out: &mut impl Write, view: &MessageView<'_>, clear: bool) -> io::Result<()> {
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

    let rows: Vec<Row> = view
        .fields()
        .map(|fv| Row {
            number: fv.number().to_string(),
            name: fv.spec().name.clone(),
            format: format_of(fv.spec()),
            len: fv.len().to_string(),
            value: if clear {
                fv.unmasked().to_string()
            } else {
                fv.masked().to_string()
            },
        })
        .collect();
    let width = |header: &str, cell: fn(&Row) -> &str| {
        rows.iter()
            .map(|r| cell(r).len())
            .chain([header.len()])
            .max()
            .unwrap_or(0)
    };
    let w_number = width("DE", |r| &r.number);
    let w_name = width("Name", |r| &r.name);
    let w_format = width("Format", |r| &r.format);
    let w_len = width("Len", |r| &r.len);
    writeln!(out)?;
    writeln!(
        out,
        "{:>w_number$}  {:<w_name$}  {:<w_format$}  {:>w_len$}  Value",
        "DE", "Name", "Format", "Len"
    )?;
    for r in &rows {
        writeln!(
            out,
            "{:>w_number$}  {:<w_name$}  {:<w_format$}  {:>w_len$}  {}",
            r.number, r.name, r.format, r.len, r.value
        )?;
    }
    Ok(())
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

struct Row {
    number: String,
    name: String,
    format: String,
    len: String,
    value: String,
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
