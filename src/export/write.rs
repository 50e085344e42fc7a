//! Writing record batches as one Parquet, Arrow IPC or CSV file.

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::batch::BATCH_ROWS;
use super::ExportError;

/// Rows of a Parquet row group: four batches. The writer holds a row group's encoded pages in
/// memory until it is complete, so this bounds the memory of an export of any size, while
/// leaving readers (DuckDB, DataFusion, Spark) several row groups to read in parallel.
const ROW_GROUP_ROWS: usize = 4 * BATCH_ROWS;

/// The file formats [`BatchWriter`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Apache Parquet, Snappy-compressed, in row groups of 262,144 rows.
    Parquet,
    /// The Arrow IPC file format (Feather version 2), uncompressed.
    ArrowIpc,
    /// Comma-separated values with a header line; nulls are empty, timestamps RFC 3339.
    Csv,
}

/// Writes record batches of one schema into `W` in a [`Format`]; [`finish`](Self::finish)
/// completes the file (a Parquet or Arrow IPC file is readable only once it is finished).
pub struct BatchWriter<W: Write + Send> {
    inner: Inner<W>,
    schema: SchemaRef,
    rows: u64,
    /// Whether a batch was written (for CSV, whether the header is out).
    started: bool,
}

enum Inner<W: Write + Send> {
    Parquet(ArrowWriter<W>),
    ArrowIpc(arrow_ipc::writer::FileWriter<W>),
    Csv(arrow_csv::Writer<W>),
}

impl<W: Write + Send> BatchWriter<W> {
    /// A writer of batches of `schema` into `out` (typically a buffered file); the format's
    /// header is written now.
    ///
    /// # Errors
    /// An [`ExportError`] when the header cannot be written (an I/O error of `out`).
    pub fn new(format: Format, out: W, schema: &SchemaRef) -> Result<Self, ExportError> {
        let inner = match format {
            Format::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                    .build();
                Inner::Parquet(ArrowWriter::try_new(
                    out,
                    std::sync::Arc::clone(schema),
                    Some(props),
                )?)
            }
            Format::ArrowIpc => {
                Inner::ArrowIpc(arrow_ipc::writer::FileWriter::try_new(out, schema)?)
            }
            Format::Csv => Inner::Csv(arrow_csv::WriterBuilder::new().with_header(true).build(out)),
        };
        Ok(Self {
            inner,
            schema: std::sync::Arc::clone(schema),
            rows: 0,
            started: false,
        })
    }

    /// Writes one batch.
    ///
    /// # Errors
    /// An [`ExportError`] when `batch` has another schema or writing fails (an I/O error of
    /// the output, such as a full disk).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        match &mut self.inner {
            Inner::Parquet(w) => w.write(batch)?,
            Inner::ArrowIpc(w) => w.write(batch)?,
            Inner::Csv(w) => w.write(batch)?,
        }
        self.rows += batch.num_rows() as u64;
        self.started = true;
        Ok(())
    }

    /// The rows written so far.
    #[must_use]
    pub const fn rows(&self) -> u64 {
        self.rows
    }

    /// Completes the file (Parquet footer, Arrow IPC footer, or a CSV header when no batch was
    /// written) and returns the output, flushed as far as the format's writer goes; flush a
    /// buffered output yourself.
    ///
    /// # Errors
    /// An [`ExportError`] when writing the end of the file fails.
    pub fn finish(self) -> Result<W, ExportError> {
        match self.inner {
            Inner::Parquet(w) => Ok(w.into_inner()?),
            Inner::ArrowIpc(w) => Ok(w.into_inner()?),
            Inner::Csv(mut w) => {
                if !self.started {
                    // The header is written with the first batch: an empty one gives it.
                    w.write(&RecordBatch::new_empty(self.schema))?;
                }
                Ok(w.into_inner())
            }
        }
    }
}
