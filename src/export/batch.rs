//! The builder of record batches: one row per log line, typed columns.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Int64Builder, StringBuilder, TimestampSecondBuilder,
    UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use super::time::transmission_epoch_seconds;
use super::ExportError;
use crate::error::DecodeError;
use crate::mask::pan_ends;
use crate::response::{Dialect, ResponseTable};
use crate::view::{FieldView, MessageView};
use crate::violation::Violation;

/// The rows of a batch a caller should [`finish`](BatchBuilder::finish) at: 65,536 rows keep a
/// batch to a few megabytes while each file write stays large.
pub const BATCH_ROWS: usize = 1 << 16;

/// Bytes reserved per row for the text of the short columns (STAN, RRN, terminal, …).
const TEXT_BYTES_PER_ROW: usize = 16;

/// The time zone of a timestamp `transmission_time`: ISO 8583 sends DE7 in GMT. An offset
/// rather than the name `UTC`, which Arrow resolves only with a time-zone database.
const UTC: &str = "+00:00";

/// Turns decoded messages (and the lines that failed to decode) into Arrow record batches with
/// typed columns; see the [module documentation](super) for the columns.
///
/// Field 39 is explained with a response table: a built-in one by [`BatchBuilder::new`], or
/// the caller's by [`BatchBuilder::with_table`]. Rows accumulate until
/// [`finish`](BatchBuilder::finish), which returns them as one batch and empties the builder
/// for the next.
pub struct BatchBuilder<'t> {
    table: &'t ResponseTable,
    year: Option<u16>,
    schema: SchemaRef,
    columns: Columns,
    /// Reused for the text of each field, so that a row allocates nothing but the columns.
    scratch: Vec<u8>,
}

/// One Arrow builder per column, in schema order.
struct Columns {
    line: UInt64Builder,
    mti: StringBuilder,
    stan: StringBuilder,
    rrn: StringBuilder,
    terminal: StringBuilder,
    merchant: StringBuilder,
    amount_minor: Int64Builder,
    currency: StringBuilder,
    time: TimeColumn,
    pan_first6: StringBuilder,
    pan_last4: StringBuilder,
    response_code: StringBuilder,
    category: StringBuilder,
    responsible: StringBuilder,
    retry: StringBuilder,
    reversal_due: BooleanBuilder,
    error_kind: StringBuilder,
    error_element: StringBuilder,
    error_offset: UInt64Builder,
    violations: StringBuilder,
}

/// `transmission_time`: DE7 as its text, or as a timestamp once the year is known.
enum TimeColumn {
    Text(StringBuilder),
    Timestamp(TimestampSecondBuilder),
}

impl BatchBuilder<'static> {
    /// A builder that explains field 39 with the built-in table of `dialect`.
    #[must_use]
    pub fn new(dialect: Dialect) -> Self {
        BatchBuilder::with_table(ResponseTable::builtin(dialect))
    }
}

impl<'t> BatchBuilder<'t> {
    /// A builder that explains field 39 with `table` (a built-in table, or one of the
    /// caller's, see [`ResponseTable::from_toml_str`]).
    #[must_use]
    pub fn with_table(table: &'t ResponseTable) -> Self {
        Self {
            table,
            year: None,
            schema: schema(false),
            columns: Columns::new(None),
            scratch: Vec::new(),
        }
    }

    /// The same builder writing `transmission_time` as a timestamp (seconds, UTC) in `year`:
    /// DE7 carries no year, so every row takes this one (a log that spans New Year's Eve needs
    /// two runs). A DE7 that is not a valid date and time in that year, or a year outside 1 to
    /// 9999, gives a null. Rows already pushed are dropped.
    #[must_use]
    pub fn with_year(self, year: u16) -> Self {
        Self {
            year: Some(year),
            schema: schema(true),
            columns: Columns::new(Some(year)),
            ..self
        }
    }

    /// The schema of the batches: the same for every batch of this builder.
    #[must_use]
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The rows pushed since the last [`finish`](BatchBuilder::finish).
    #[must_use]
    pub fn len(&self) -> usize {
        self.columns.line.len()
    }

    /// Whether no row was pushed since the last [`finish`](BatchBuilder::finish).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the row of a decoded message read from `line` of the log.
    pub fn push(&mut self, line: u64, view: &MessageView<'_>) {
        self.push_lenient(line, view, &[]);
    }

    /// Adds the row of a message decoded leniently (see [`MessageView::decode_lenient`]):
    /// the `violations` column lists what its content breaks, each as element, offset and
    /// rule (`DE28 at byte 45: holds no C or D sign, which class xn requires (a C or D sign, then digits)`), separated by `; `; null when
    /// there is nothing.
    pub fn push_lenient(&mut self, line: u64, view: &MessageView<'_>, violations: &[Violation]) {
        let c = &mut self.columns;
        let s = &mut self.scratch;
        c.line.append_value(line);
        c.mti.append_value(view.mti().as_str());
        append_field(&mut c.stan, view, 11, s);
        append_field(&mut c.rrn, view, 37, s);
        append_id(&mut c.terminal, view, 41, s);
        append_id(&mut c.merchant, view, 42, s);
        c.amount_minor.append_option(
            view.field(4)
                .and_then(|f| f.to_u64().ok())
                .and_then(|v| i64::try_from(v).ok()),
        );
        append_field(&mut c.currency, view, 49, s);
        match &mut c.time {
            TimeColumn::Text(b) => append_field(b, view, 7, s),
            TimeColumn::Timestamp(b) => {
                let seconds = self.year.and_then(|year| {
                    field_text(view, 7, s).and_then(|t| transmission_epoch_seconds(year, t))
                });
                b.append_option(seconds);
            }
        }
        append_pan(c, view, s);
        append_field(&mut c.response_code, view, 39, s);
        match self.table.classify_view(view) {
            Some(d) => {
                c.category.append_value(d.category().as_str());
                c.responsible.append_value(d.responsible().as_str());
                c.retry.append_value(d.retry().as_str());
                c.reversal_due.append_value(d.reversal());
            }
            None => {
                c.category.append_null();
                c.responsible.append_null();
                c.retry.append_null();
                c.reversal_due.append_null();
            }
        }
        c.error_kind.append_null();
        c.error_element.append_null();
        c.error_offset.append_null();
        if violations.is_empty() {
            c.violations.append_null();
        } else {
            let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
            c.violations.append_value(text.join("; "));
        }
    }

    /// Adds the row of `line` of the log, which did not decode: every message column is null,
    /// and the error columns say what went wrong, on which element and at which byte.
    pub fn push_error(&mut self, line: u64, error: &DecodeError) {
        let element = error.element().to_string();
        self.push_error_row(
            line,
            error.kind().name(),
            Some(&element),
            u64::try_from(error.offset()).ok(),
        );
    }

    /// Adds the row of `line` of the log, which never reached the decoder: `kind` names why
    /// (for example `invalid_hex`), `offset` is where in the line, when it is at one place.
    pub fn push_failure(&mut self, line: u64, kind: &str, offset: Option<u64>) {
        self.push_error_row(line, kind, None, offset);
    }

    fn push_error_row(
        &mut self,
        line: u64,
        kind: &str,
        element: Option<&str>,
        offset: Option<u64>,
    ) {
        let c = &mut self.columns;
        c.line.append_value(line);
        for b in [
            &mut c.mti,
            &mut c.stan,
            &mut c.rrn,
            &mut c.terminal,
            &mut c.merchant,
            &mut c.currency,
            &mut c.pan_first6,
            &mut c.pan_last4,
            &mut c.response_code,
            &mut c.category,
            &mut c.responsible,
            &mut c.retry,
            &mut c.violations,
        ] {
            b.append_null();
        }
        c.amount_minor.append_null();
        match &mut c.time {
            TimeColumn::Text(b) => b.append_null(),
            TimeColumn::Timestamp(b) => b.append_null(),
        }
        c.reversal_due.append_null();
        c.error_kind.append_value(kind);
        c.error_element.append_option(element);
        c.error_offset.append_option(offset);
    }

    /// The rows pushed since the last call, as one batch; the builder is empty afterwards.
    ///
    /// # Errors
    /// [`ExportError::Arrow`] if Arrow refuses the columns, which would be a bug in this
    /// builder: every column gets exactly one value per row.
    pub fn finish(&mut self) -> Result<RecordBatch, ExportError> {
        let columns = self.columns.finish();
        Ok(RecordBatch::try_new(self.schema(), columns)?)
    }
}

impl Columns {
    fn new(year: Option<u16>) -> Self {
        let text = || StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * TEXT_BYTES_PER_ROW);
        Self {
            line: UInt64Builder::with_capacity(BATCH_ROWS),
            mti: text(),
            stan: text(),
            rrn: text(),
            terminal: text(),
            merchant: text(),
            amount_minor: Int64Builder::with_capacity(BATCH_ROWS),
            currency: text(),
            time: match year {
                None => TimeColumn::Text(text()),
                Some(_) => TimeColumn::Timestamp(
                    TimestampSecondBuilder::with_capacity(BATCH_ROWS).with_timezone(UTC),
                ),
            },
            pan_first6: text(),
            pan_last4: text(),
            response_code: text(),
            category: text(),
            responsible: text(),
            retry: text(),
            reversal_due: BooleanBuilder::with_capacity(BATCH_ROWS),
            error_kind: StringBuilder::new(),
            error_element: StringBuilder::new(),
            error_offset: UInt64Builder::new(),
            violations: StringBuilder::new(),
        }
    }

    /// Every column's array, in schema order; the builders are empty afterwards.
    fn finish(&mut self) -> Vec<ArrayRef> {
        let time: ArrayRef = match &mut self.time {
            TimeColumn::Text(b) => Arc::new(b.finish()),
            TimeColumn::Timestamp(b) => Arc::new(b.finish()),
        };
        vec![
            Arc::new(self.line.finish()),
            Arc::new(self.mti.finish()),
            Arc::new(self.stan.finish()),
            Arc::new(self.rrn.finish()),
            Arc::new(self.terminal.finish()),
            Arc::new(self.merchant.finish()),
            Arc::new(self.amount_minor.finish()),
            Arc::new(self.currency.finish()),
            time,
            Arc::new(self.pan_first6.finish()),
            Arc::new(self.pan_last4.finish()),
            Arc::new(self.response_code.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.responsible.finish()),
            Arc::new(self.retry.finish()),
            Arc::new(self.reversal_due.finish()),
            Arc::new(self.error_kind.finish()),
            Arc::new(self.error_element.finish()),
            Arc::new(self.error_offset.finish()),
            Arc::new(self.violations.finish()),
        ]
    }
}

/// The schema, in the order of [`Columns::finish`].
fn schema(timestamp: bool) -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let time = if timestamp {
        DataType::Timestamp(TimeUnit::Second, Some(UTC.into()))
    } else {
        DataType::Utf8
    };
    Arc::new(Schema::new(vec![
        Field::new("line", DataType::UInt64, false),
        text("mti"),
        text("stan"),
        text("rrn"),
        text("terminal"),
        text("merchant"),
        Field::new("amount_minor", DataType::Int64, true),
        text("currency"),
        Field::new("transmission_time", time, true),
        text("pan_first6"),
        text("pan_last4"),
        text("response_code"),
        text("category"),
        text("responsible"),
        text("retry"),
        Field::new("reversal_due", DataType::Boolean, true),
        text("error_kind"),
        text("error_element"),
        Field::new("error_offset", DataType::UInt64, true),
        text("violations"),
    ]))
}

/// The text of field `n` of `view` (see [`FieldView::text_into`](crate::FieldView::text_into)),
/// written into `scratch`; `None` when the field is absent.
fn field_text<'s>(view: &MessageView<'_>, n: u16, scratch: &'s mut Vec<u8>) -> Option<&'s str> {
    text_of(&view.field(n)?, scratch)
}

/// The text of `field`, written into `scratch`.
fn text_of<'s>(field: &FieldView<'_>, scratch: &'s mut Vec<u8>) -> Option<&'s str> {
    scratch.resize(field.text_len(), 0);
    field.text_into(scratch).ok()
}

/// Appends the text of field `n`, or a null when the message has no such field.
fn append_field(b: &mut StringBuilder, view: &MessageView<'_>, n: u16, scratch: &mut Vec<u8>) {
    b.append_option(field_text(view, n, scratch));
}

/// Appends the text of an identifier padded with spaces on the right (DE41, DE42) without
/// its padding, as `stats` groups it; a null when the message has no such field.
fn append_id(b: &mut StringBuilder, view: &MessageView<'_>, n: u16, scratch: &mut Vec<u8>) {
    b.append_option(field_text(view, n, scratch).map(|t| t.trim_end_matches(' ')));
}

/// Appends the visible ends of the card number: DE2, or the card number part of track 2
/// (`35.pan`) when DE2 is absent. Only what the mask shows is written; an empty end is a null.
fn append_pan(c: &mut Columns, view: &MessageView<'_>, scratch: &mut Vec<u8>) {
    let field = view.field(2).or_else(|| view.get("35.pan").ok().flatten());
    let pan = field.and_then(|f| text_of(&f, scratch));
    let (first, last) = pan.map_or(("", ""), pan_ends);
    c.pan_first6
        .append_option(Some(first).filter(|s| !s.is_empty()));
    c.pan_last4
        .append_option(Some(last).filter(|s| !s.is_empty()));
}
