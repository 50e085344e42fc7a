//! The SQLite journal: one database file that survives a crash of the process or the machine.
//!
//! An operator inspects it with the `sqlite3` shell, also while a channel is running (in WAL
//! mode readers do not block the writer):
//!
//! ```text
//! sqlite3 PATH 'SELECT id, original_mti, stan, terminal, amount, attempts, state FROM reversals'
//! ```
//!
//! [`SqliteJournal`]'s own docs describe the schema, the files beside the database and how to
//! back it up; they are repeated there because this module is private.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OpenFlags, Row, Transaction, TransactionBehavior};

use super::{Journal, JournalError, NewReversal, ParkReason, ReversalState, StoredReversal};
use crate::Mti;

/// The schema version this code writes and reads, kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

/// The schema of version 1, created in one transaction on an empty database.
const SCHEMA: &str = "
CREATE TABLE reversals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    original_mti TEXT    NOT NULL,
    stan         TEXT    NOT NULL,
    terminal     TEXT    NOT NULL,
    amount       TEXT    NOT NULL,
    message      BLOB    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_ms   INTEGER NOT NULL,
    next_try_ms  INTEGER NOT NULL,
    expires_ms   INTEGER NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending'
);
CREATE INDEX reversals_due ON reversals (state, next_try_ms);
";

/// The stored name of [`ReversalState::Pending`].
const PENDING: &str = "pending";

/// Every park reason, to read the stored names back through [`ParkReason::as_str`].
const PARK_REASONS: [ParkReason; 3] = [
    ParkReason::NeedsPerson,
    ParkReason::MaxAttempts,
    ParkReason::Expired,
];

/// The columns every read selects, in the order [`decode_row`] reads them.
const COLUMNS: &str = "id, original_mti, stan, terminal, amount, message, attempts, \
                       created_ms, next_try_ms, expires_ms, state";

/// A [`Journal`] in one SQLite database file, the journal to use in production.
///
/// The file is in WAL mode with `synchronous = FULL`, so every change is on disk when the method
/// that made it returns. SQLite keeps two files beside it while it is open, `PATH-wal` and
/// `PATH-shm`: they are part of the journal. Back it up with `sqlite3 PATH '.backup COPY'`, or
/// copy all three files while nothing has it open; copying the main file alone can lose the
/// latest reversals.
///
/// It holds one connection behind a lock, so calls from several threads take turns. Other
/// processes (an operator's `sqlite3` shell, a `saf list`) may open the same file: a writer that
/// finds it locked waits up to the busy timeout, then fails with [`JournalError::Storage`].
///
/// # Inspecting it
///
/// An operator reads it with the `sqlite3` shell, also while a channel is running:
///
/// ```text
/// sqlite3 PATH 'SELECT id, original_mti, stan, terminal, amount, attempts, state FROM reversals'
/// ```
///
/// That query shows no card data. The `message` column holds the encoded reversal, which does
/// (DE2, DE35, …), so leave it out of listings and protect the file as the host's own log.
///
/// # Schema
///
/// One table, `reversals`, with one row per reversal still in the journal:
///
/// | column | type | holds |
/// | --- | --- | --- |
/// | `id` | `INTEGER PRIMARY KEY AUTOINCREMENT` | the identifier; never reused |
/// | `original_mti` | `TEXT` | the MTI of the request reversed, four digits |
/// | `stan`, `terminal`, `amount` | `TEXT` | DE11, DE41 and DE4 of the original, or empty |
/// | `message` | `BLOB` | the encoded reversal message, without framing |
/// | `attempts` | `INTEGER` | transmissions so far |
/// | `created_ms`, `next_try_ms`, `expires_ms` | `INTEGER` | milliseconds since the Unix epoch |
/// | `state` | `TEXT` | `pending`, `needs-person`, `max-attempts` or `expired` |
///
/// An index on `(state, next_try_ms)` serves the query for due reversals. `PRAGMA user_version`
/// holds the schema version (1); a file with a newer version is refused rather than misread.
pub struct SqliteJournal {
    /// The path as errors name it.
    path: String,
    conn: Mutex<Connection>,
}

impl SqliteJournal {
    /// How long [`open`](Self::open) lets a call wait for another connection's lock.
    pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

    /// Opens the journal at `path`, creating the file and its schema if needed, with the
    /// [default busy timeout](Self::DEFAULT_BUSY_TIMEOUT).
    ///
    /// # Errors
    /// [`JournalError::Storage`] when the file cannot be opened or created, is not a SQLite
    /// database (or not a journal), has a schema version newer than this code reads, or cannot
    /// be put in WAL mode.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        Self::open_with_timeout(path, Self::DEFAULT_BUSY_TIMEOUT)
    }

    /// Opens the journal at `path` like [`open`](Self::open), with `busy_timeout` as the longest
    /// a call waits for a lock held by another connection before it fails.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_with_timeout(
        path: impl AsRef<Path>,
        busy_timeout: Duration,
    ) -> Result<Self, JournalError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        // Without SQLITE_OPEN_URI, a path that starts with `file:` is a file name, not a URI
        // whose query could change how the database is opened.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| storage(&name, &e))?;
        Self::configure(name, conn, busy_timeout, true)
    }

    /// A journal in memory, with the same SQL as the file journal. **It is not durable**: its
    /// reversals are lost when it is dropped or the process stops. For tests; see also
    /// [`MemoryJournal`](super::MemoryJournal).
    ///
    /// # Errors
    /// [`JournalError::Storage`] when SQLite cannot create it.
    pub fn open_in_memory() -> Result<Self, JournalError> {
        let name = ":memory:".to_owned();
        let conn = Connection::open_in_memory().map_err(|e| storage(&name, &e))?;
        Self::configure(name, conn, Self::DEFAULT_BUSY_TIMEOUT, false)
    }

    /// The path the journal was opened with, as its errors name it.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Sets the pragmas that make the journal durable and checks or creates the schema.
    fn configure(
        path: String,
        mut conn: Connection,
        busy_timeout: Duration,
        wal: bool,
    ) -> Result<Self, JournalError> {
        let err = |e: rusqlite::Error| storage(&path, &e);
        conn.busy_timeout(busy_timeout).map_err(err)?;
        if wal {
            // SQLite answers with the mode it is in, which stays the old one when WAL is not
            // possible (some network file systems): refuse rather than run less safely than
            // documented.
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .map_err(err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(storage_message(
                    &path,
                    format!("cannot use WAL mode (journal_mode is {mode})"),
                ));
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        let synchronous: i64 = conn
            .pragma_query_value(None, "synchronous", |row| row.get(0))
            .map_err(err)?;
        // 2 is FULL; EXTRA (3) is stricter still and also fine.
        if synchronous < 2 {
            return Err(storage_message(
                &path,
                format!("cannot set synchronous = FULL (it is {synchronous})"),
            ));
        }
        ensure_schema(&path, &mut conn)?;
        Ok(Self {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// Takes the connection. A lock poisoned by a panic in another thread is reported as a
    /// storage error rather than trusted.
    fn lock(&self) -> Result<MutexGuard<'_, Connection>, JournalError> {
        self.conn
            .lock()
            .map_err(|_| storage_message(&self.path, "lock poisoned by a panic in another thread"))
    }

    /// Runs `change` in one write transaction and commits it before returning. The transaction
    /// is IMMEDIATE, so it takes the write lock (waiting up to the busy timeout) before it reads
    /// anything, and cannot fail later for having to upgrade a read lock.
    fn write<T>(
        &self,
        change: impl FnOnce(&Transaction<'_>) -> Result<T, JournalError>,
    ) -> Result<T, JournalError> {
        let mut conn = self.lock()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage(&self.path, &e))?;
        // On an error the transaction is dropped, which rolls it back.
        let value = change(&tx)?;
        tx.commit().map_err(|e| storage(&self.path, &e))?;
        Ok(value)
    }

    /// Runs an `UPDATE` or `DELETE` of the row `id` in one transaction; `NotFound` when no row
    /// has that identifier.
    fn change_row(
        &self,
        id: i64,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), JournalError> {
        self.write(|tx| {
            let changed = tx
                .prepare_cached(sql)
                .and_then(|mut stmt| stmt.execute(params))
                .map_err(|e| storage(&self.path, &e))?;
            if changed == 0 {
                Err(JournalError::NotFound(id))
            } else {
                Ok(())
            }
        })
    }

    /// Reads the reversals a `SELECT {COLUMNS} …` query returns.
    fn select(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredReversal>, JournalError> {
        let err = |e: rusqlite::Error| storage(&self.path, &e);
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(sql).map_err(err)?;
        let mut rows = stmt.query(params).map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            out.push(decode_row(&self.path, row)?);
        }
        Ok(out)
    }
}

impl core::fmt::Debug for SqliteJournal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SqliteJournal")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Journal for SqliteJournal {
    fn insert(&self, reversal: &NewReversal) -> Result<i64, JournalError> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO reversals (original_mti, stan, terminal, amount, message, attempts, \
                 created_ms, next_try_ms, expires_ms, state) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    reversal.original_mti.as_str(),
                    reversal.stan,
                    reversal.terminal,
                    reversal.amount,
                    reversal.message,
                    reversal.created_ms,
                    reversal.next_try_ms,
                    reversal.expires_ms,
                    PENDING,
                ])
            })
            .map_err(|e| storage(&self.path, &e))?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<StoredReversal>, JournalError> {
        // More than i64::MAX rows cannot exist, so saturating loses nothing.
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.select(
            &format!(
                "SELECT {COLUMNS} FROM reversals WHERE state = ?1 AND next_try_ms <= ?2 \
                 ORDER BY next_try_ms, id LIMIT ?3"
            ),
            params![PENDING, now_ms, limit],
        )
    }

    fn list(&self) -> Result<Vec<StoredReversal>, JournalError> {
        self.select(&format!("SELECT {COLUMNS} FROM reversals ORDER BY id"), [])
    }

    fn record_attempt(&self, id: i64, attempts: u32, next_try_ms: i64) -> Result<(), JournalError> {
        self.change_row(
            id,
            "UPDATE reversals SET attempts = ?1, next_try_ms = ?2 WHERE id = ?3",
            params![i64::from(attempts), next_try_ms, id],
        )
    }

    fn accept(&self, id: i64) -> Result<(), JournalError> {
        self.change_row(id, "DELETE FROM reversals WHERE id = ?1", params![id])
    }

    fn park(&self, id: i64, reason: ParkReason) -> Result<(), JournalError> {
        self.change_row(
            id,
            "UPDATE reversals SET state = ?1 WHERE id = ?2",
            params![reason.as_str(), id],
        )
    }
}

/// Checks the schema version, and creates the schema in an empty database.
fn ensure_schema(path: &str, conn: &mut Connection) -> Result<(), JournalError> {
    let err = |e: rusqlite::Error| storage(path, &e);
    let version = user_version(conn).map_err(err)?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    check_version(path, version)?;
    // Version 0: a new database, or one that another program made. Decide under the write lock,
    // so that two processes opening a new file at once create the schema once.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    let version = user_version(&tx).map_err(err)?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    check_version(path, version)?;
    let tables: i64 = tx
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |row| row.get(0),
        )
        .map_err(err)?;
    if tables != 0 {
        return Err(storage_message(
            path,
            "not a journal: the database has tables but no journal schema version",
        ));
    }
    tx.execute_batch(SCHEMA).map_err(err)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(err)?;
    tx.commit().map_err(err)
}

/// `PRAGMA user_version`.
fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Refuses a schema version other than 0 (none yet) and [`SCHEMA_VERSION`].
fn check_version(path: &str, version: i64) -> Result<(), JournalError> {
    if version == 0 || version == SCHEMA_VERSION {
        Ok(())
    } else if version > SCHEMA_VERSION {
        Err(storage_message(
            path,
            format!(
                "schema version {version} is newer than this version of iso8583-wire reads \
                 ({SCHEMA_VERSION}); upgrade it"
            ),
        ))
    } else {
        Err(storage_message(
            path,
            format!("unknown schema version {version}"),
        ))
    }
}

/// Reads one row of [`COLUMNS`]. Every value is taken as SQLite stored it and checked here, so
/// that a bad value becomes a [`JournalError::BadRow`] that names the row but never shows the
/// value.
fn decode_row(path: &str, row: &Row<'_>) -> Result<StoredReversal, JournalError> {
    // An INTEGER PRIMARY KEY is always an integer; the check is only for a foreign table.
    let ValueRef::Integer(id) = value(path, row, 0)? else {
        return Err(bad_row(path, 0, "id is not an integer"));
    };
    let cells = Cells { path, row, id };
    let mti = cells.text(1, "original_mti is not text")?;
    let original_mti =
        Mti::from_text(&mti).ok_or_else(|| bad_row(path, id, "original_mti is not 4 digits"))?;
    let attempts = u32::try_from(cells.integer(6, "attempts is not an integer")?)
        .map_err(|_| bad_row(path, id, "attempts is out of range"))?;
    let state = cells.text(10, "state is not text")?;
    let state = if state == PENDING {
        ReversalState::Pending
    } else {
        PARK_REASONS
            .into_iter()
            .find(|reason| reason.as_str() == state)
            .map(ReversalState::Parked)
            .ok_or_else(|| bad_row(path, id, "state is unknown"))?
    };
    Ok(StoredReversal {
        id,
        original_mti,
        stan: cells.text(2, "stan is not text")?,
        terminal: cells.text(3, "terminal is not text")?,
        amount: cells.text(4, "amount is not text")?,
        message: cells.blob(5, "message is not a blob")?,
        attempts,
        created_ms: cells.integer(7, "created_ms is not an integer")?,
        next_try_ms: cells.integer(8, "next_try_ms is not an integer")?,
        expires_ms: cells.integer(9, "expires_ms is not an integer")?,
        state,
    })
}

/// The cells of one row, read with the row's identifier at hand for errors.
struct Cells<'r, 's> {
    path: &'r str,
    row: &'r Row<'s>,
    id: i64,
}

impl Cells<'_, '_> {
    /// An INTEGER cell; `what` says what is wrong otherwise.
    fn integer(&self, idx: usize, what: &'static str) -> Result<i64, JournalError> {
        match value(self.path, self.row, idx)? {
            ValueRef::Integer(n) => Ok(n),
            _ => Err(bad_row(self.path, self.id, what)),
        }
    }

    /// A TEXT cell in UTF-8; `what` says what is wrong otherwise.
    fn text(&self, idx: usize, what: &'static str) -> Result<String, JournalError> {
        match value(self.path, self.row, idx)? {
            ValueRef::Text(bytes) => core::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| bad_row(self.path, self.id, what)),
            _ => Err(bad_row(self.path, self.id, what)),
        }
    }

    /// A BLOB cell; `what` says what is wrong otherwise.
    fn blob(&self, idx: usize, what: &'static str) -> Result<Vec<u8>, JournalError> {
        match value(self.path, self.row, idx)? {
            ValueRef::Blob(bytes) => Ok(bytes.to_vec()),
            _ => Err(bad_row(self.path, self.id, what)),
        }
    }
}

/// The raw value of column `idx`.
fn value<'r>(path: &str, row: &'r Row<'_>, idx: usize) -> Result<ValueRef<'r>, JournalError> {
    row.get_ref(idx).map_err(|e| storage(path, &e))
}

/// A [`JournalError::BadRow`].
fn bad_row(path: &str, id: i64, what: &'static str) -> JournalError {
    JournalError::BadRow {
        path: path.to_owned(),
        id,
        what,
    }
}

/// A [`JournalError::Storage`] with a message of our own.
fn storage_message(path: &str, message: impl Into<String>) -> JournalError {
    JournalError::Storage {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// A [`JournalError::Storage`] for a rusqlite error.
///
/// SQLite's own messages name tables, columns and constraints but never bound values. The few
/// rusqlite errors that carry a value read from or written to a cell are described without it,
/// so that no message can show a STAN, an amount or message bytes.
fn storage(path: &str, err: &rusqlite::Error) -> JournalError {
    use rusqlite::Error as E;
    let message = match err {
        E::IntegralValueOutOfRange(col, _) => format!("integer out of range in column {col}"),
        E::FromSqlConversionFailure(col, ty, _) => {
            format!("cannot convert a {ty} value in column {col}")
        }
        E::ToSqlConversionFailure(_) => "cannot convert a value for the database".to_owned(),
        other => other.to_string(),
    };
    storage_message(path, message)
}
