//! Decoded messages as Arrow record batches, for analysis in the tools analysts already use
//! (DuckDB, DataFusion, Spark, pandas), written as Parquet, Arrow IPC or CSV (feature
//! `export`).
//!
//! A [`BatchBuilder`] takes one row per log line: a decoded [`MessageView`](crate::MessageView)
//! with [`BatchBuilder::push`], or a line that did not decode with [`BatchBuilder::push_error`]
//! (or [`BatchBuilder::push_failure`] for input that never reached the decoder). Its
//! [`finish`](BatchBuilder::finish) hands out an Arrow [`RecordBatch`] and starts the next one,
//! so that a log of any size is exported in batches of [`BATCH_ROWS`] rows with bounded memory.
//! A [`BatchWriter`] writes the batches as one file.
//!
//! ```
//! use iso8583_wire::export::{BatchBuilder, BatchWriter, Format};
//! use iso8583_wire::response::Dialect;
//! use iso8583_wire::{MessageView, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let wire = include_bytes!("../specs/samples/0210-declined-96.txt").trim_ascii_end();
//! let mut rows = BatchBuilder::new(Dialect::Iso8583_1987);
//! rows.push(1, &MessageView::decode(spec, wire)?);
//! if let Err(e) = MessageView::decode(spec, b"0210 garbage") {
//!     rows.push_error(2, &e);
//! }
//! let batch = rows.finish()?;
//! assert_eq!(batch.num_rows(), 2);
//!
//! let mut out = BatchWriter::new(Format::Parquet, Vec::new(), &rows.schema())?;
//! out.write(&batch)?;
//! let parquet: Vec<u8> = out.finish()?;
//! assert_eq!(parquet.get(..4), Some(&b"PAR1"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Columns
//! | column | type | from |
//! | --- | --- | --- |
//! | `line` | u64, never null | the caller: the line number in the log |
//! | `mti` | utf8 | the MTI, four digits |
//! | `stan` | utf8 | DE11, as text (leading zeros kept) |
//! | `rrn` | utf8 | DE37 |
//! | `terminal` | utf8 | DE41, without the spaces that pad it on the right |
//! | `merchant` | utf8 | DE42, likewise |
//! | `amount_minor` | i64 | DE4, in minor units (`000000010000` is 10000) |
//! | `currency` | utf8 | DE49, as on the wire (ISO 4217, usually numeric: `840`) |
//! | `transmission_time` | utf8 `MMDDhhmmss`, or timestamp (seconds, UTC) | DE7; a timestamp when a year is given ([`BatchBuilder::with_year`]) |
//! | `pan_first6`, `pan_last4` | utf8 | DE2, or the card number in DE35 when DE2 is absent: only the characters [`mask::pan_ends`](crate::mask::pan_ends) allows |
//! | `response_code` | utf8 | DE39 |
//! | `category` | utf8 | the taxonomy's [`Category`](crate::response::Category) name (`switch_fault`) |
//! | `responsible` | utf8 | [`Responsible`](crate::response::Responsible) name (`issuer`) |
//! | `retry` | utf8 | [`Retry`](crate::response::Retry) name (`later`) |
//! | `reversal_due` | bool | whether the code calls for a reversal |
//! | `error_kind` | utf8 | null for a decoded message; else the [`DecodeErrorKind`](crate::DecodeErrorKind) name, or the caller's kind |
//! | `error_element` | utf8 | the element the decode error is about (`DE28`, `MTI`, `primary bitmap`) |
//! | `error_offset` | u64 | the byte offset of the decode error |
//! | `violations` | utf8 | for a message decoded leniently ([`BatchBuilder::push_lenient`]): what its content breaks (`DE28 at byte 45: holds no C or D sign, which class xn requires (a C or D sign, then digits)`), `; ` between two; null when nothing |
//!
//! A column is null where the message has no such field (or, for `amount_minor` and a
//! timestamp `transmission_time`, where the field does not hold a valid value); the taxonomy's
//! columns are null for a message without DE39. The card number is never written in clear
//! text: no option of this module can make it so.

mod batch;
mod time;
mod write;

pub use batch::{BatchBuilder, BATCH_ROWS};
pub use write::{BatchWriter, Format};

/// The Arrow array crate the batches are made of, re-exported so that callers use the same
/// version (its `RecordBatch` is `arrow::record_batch::RecordBatch`).
pub use arrow_array;
/// The Arrow schema crate ([`arrow_schema::SchemaRef`], [`arrow_schema::DataType`]),
/// re-exported so that callers use the same version.
pub use arrow_schema;
/// The parquet crate the files are written with, re-exported so that callers can read them
/// back with the same version.
pub use parquet;

pub use arrow_array::RecordBatch;

/// Why building or writing a batch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Arrow refused the batch, or writing Arrow IPC or CSV failed (an I/O error comes through
    /// here).
    #[error("{0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// Writing Parquet failed (an I/O error comes through here).
    #[error("{0}")]
    Parquet(#[from] parquet::errors::ParquetError),
}
