//! The reversal journals: one suite of trait-level tests run against `MemoryJournal`, a
//! `SqliteJournal` file and an in-memory `SqliteJournal`, then what only the file journal
//! promises: rows survive a reopen, WAL mode, a readable schema, refusal of corrupt, foreign and
//! newer files, a bounded wait on a locked file, and bad rows reported without their values.
#![cfg(feature = "net")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use iso8583_wire::net::journal::{
    Journal, JournalError, MemoryJournal, NewReversal, ParkReason, ReversalState, SqliteJournal,
    StoredReversal,
};
use iso8583_wire::Mti;

/// A PAN that the reversal messages carry, to look for where it must not appear.
const PAN: &str = "4242424242424242";

/// A database path under the system's temporary directory, unique to this process and test,
/// removed with its `-wal` and `-shm` files when dropped.
struct TempDb {
    path: PathBuf,
}

impl TempDb {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "iso8583-wire-journal-{}-{n}-{tag}.db",
            std::process::id()
        ));
        let db = Self { path };
        db.remove();
        db
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    }

    fn remove(&self) {
        for path in [
            self.path.clone(),
            self.sibling("-wal"),
            self.sibling("-shm"),
            self.sibling("-journal"),
        ] {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// A reversal of a 0200 whose message carries [`PAN`].
fn reversal(stan: &str, next_try_ms: i64) -> NewReversal {
    NewReversal {
        original_mti: Mti::FINANCIAL_REQUEST,
        stan: stan.to_owned(),
        terminal: "TERM0001".to_owned(),
        amount: "000000001500".to_owned(),
        message: format!("0400\u{0}16{PAN}000000{stan}").into_bytes(),
        created_ms: 1_000,
        next_try_ms,
        expires_ms: 1_000_000,
    }
}

fn ids(rows: &[StoredReversal]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

/// The trait-level suite; every function runs against each journal.
mod suite {
    use super::*;

    pub fn round_trips_every_field(j: &impl Journal) {
        let new = NewReversal {
            original_mti: Mti::from_text("1200").unwrap(),
            stan: String::new(),
            terminal: "kassé 7".to_owned(),
            amount: "99".to_owned(),
            message: vec![0, 255, 1, 0, 13, 10],
            created_ms: i64::MIN,
            next_try_ms: -5,
            expires_ms: i64::MAX,
        };
        let id = j.insert(&new).unwrap();
        let rows = j.list().unwrap();
        assert_eq!(
            rows,
            vec![StoredReversal {
                id,
                original_mti: new.original_mti,
                stan: new.stan.clone(),
                terminal: new.terminal.clone(),
                amount: new.amount.clone(),
                message: new.message.clone(),
                attempts: 0,
                created_ms: new.created_ms,
                next_try_ms: new.next_try_ms,
                expires_ms: new.expires_ms,
                state: ReversalState::Pending,
            }]
        );
        j.record_attempt(id, u32::MAX, i64::MAX).unwrap();
        let row = &j.list().unwrap()[0];
        assert_eq!((row.attempts, row.next_try_ms), (u32::MAX, i64::MAX));
    }

    pub fn due_returns_only_due_pending_in_order(j: &impl Journal) {
        let a = j.insert(&reversal("000001", 300)).unwrap();
        let b = j.insert(&reversal("000002", 100)).unwrap();
        let c = j.insert(&reversal("000003", 200)).unwrap();
        let d = j.insert(&reversal("000004", 100)).unwrap();
        let e = j.insert(&reversal("000005", 1_000)).unwrap();
        assert!(a < b && b < c && c < d && d < e, "ids increase");

        assert!(j.due(99, 10).unwrap().is_empty(), "nothing is due yet");
        // Soonest due first; equal due times by id.
        assert_eq!(ids(&j.due(250, 10).unwrap()), vec![b, d, c]);
        assert_eq!(ids(&j.due(300, 10).unwrap()), vec![b, d, c, a]);
        assert_eq!(ids(&j.due(250, 2).unwrap()), vec![b, d], "limit");
        assert!(j.due(i64::MAX, 0).unwrap().is_empty(), "limit 0");
        assert_eq!(
            ids(&j.due(i64::MAX, usize::MAX).unwrap()),
            vec![b, d, c, a, e]
        );

        let first = &j.due(100, 1).unwrap()[0];
        assert_eq!(first.stan, "000002");
        assert_eq!(first.message, reversal("000002", 100).message);
        assert_eq!(first.state, ReversalState::Pending);
        assert_eq!(first.attempts, 0);
    }

    pub fn record_attempt_updates_count_and_due_time(j: &impl Journal) {
        let id = j.insert(&reversal("000010", 100)).unwrap();
        j.record_attempt(id, 1, 500).unwrap();
        assert!(j.due(499, 10).unwrap().is_empty(), "moved later");
        let row = &j.due(500, 10).unwrap()[0];
        assert_eq!((row.id, row.attempts, row.next_try_ms), (id, 1, 500));
        assert_eq!(row.created_ms, 1_000, "created time kept");
        j.record_attempt(id, 2, 50).unwrap();
        assert_eq!(j.due(50, 10).unwrap()[0].attempts, 2);
    }

    pub fn accept_removes_the_reversal(j: &impl Journal) {
        let keep = j.insert(&reversal("000020", 100)).unwrap();
        let gone = j.insert(&reversal("000021", 100)).unwrap();
        j.accept(gone).unwrap();
        assert_eq!(ids(&j.list().unwrap()), vec![keep]);
        assert_eq!(ids(&j.due(i64::MAX, 10).unwrap()), vec![keep]);
        assert!(matches!(j.accept(gone), Err(JournalError::NotFound(id)) if id == gone));
        // An accepted reversal's identifier is not given to the next one.
        let next = j.insert(&reversal("000022", 100)).unwrap();
        assert!(next > gone);
    }

    pub fn park_keeps_the_row_out_of_due(j: &impl Journal) {
        let reasons = [
            ParkReason::NeedsPerson,
            ParkReason::MaxAttempts,
            ParkReason::Expired,
        ];
        let pending = j.insert(&reversal("000030", 100)).unwrap();
        let mut parked = Vec::new();
        for (i, reason) in reasons.into_iter().enumerate() {
            let id = j.insert(&reversal(&format!("00004{i}"), 100)).unwrap();
            j.park(id, reason).unwrap();
            parked.push((id, reason));
        }
        assert_eq!(ids(&j.due(i64::MAX, 100).unwrap()), vec![pending]);
        let rows = j.list().unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].state, ReversalState::Pending);
        for ((id, reason), row) in parked.iter().zip(&rows[1..]) {
            assert_eq!(row.id, *id);
            assert_eq!(row.state, ReversalState::Parked(*reason));
            assert_eq!(row.stan.len(), 6, "the row is kept whole");
        }
        // A parked reversal can still be removed by an operator's decision.
        j.accept(parked[0].0).unwrap();
        assert_eq!(j.list().unwrap().len(), 3);
    }

    pub fn rejects_unknown_ids(j: &impl Journal) {
        let id = j.insert(&reversal("000050", 100)).unwrap();
        let unknown = id + 1_000;
        assert!(
            matches!(j.record_attempt(unknown, 1, 1), Err(JournalError::NotFound(x)) if x == unknown)
        );
        assert!(matches!(j.accept(unknown), Err(JournalError::NotFound(x)) if x == unknown));
        assert!(
            matches!(j.park(unknown, ParkReason::Expired), Err(JournalError::NotFound(x)) if x == unknown)
        );
        assert!(matches!(j.accept(-1), Err(JournalError::NotFound(-1))));
        assert_eq!(j.list().unwrap().len(), 1, "nothing else changed");
        assert_eq!(j.list().unwrap()[0].state, ReversalState::Pending);
    }

    pub fn list_is_every_reversal_by_id(j: &impl Journal) {
        assert!(j.list().unwrap().is_empty());
        let a = j.insert(&reversal("000060", 900)).unwrap();
        let b = j.insert(&reversal("000061", 100)).unwrap();
        j.park(a, ParkReason::MaxAttempts).unwrap();
        assert_eq!(ids(&j.list().unwrap()), vec![a, b]);
    }

    pub fn debug_shows_no_message_bytes(j: &(impl Journal + core::fmt::Debug)) {
        let new = reversal("000070", 100);
        j.insert(&new).unwrap();
        let row = &j.list().unwrap()[0];
        let bytes_debug = format!("{:?}", row.message);
        for text in [format!("{row:?}"), format!("{row:#?}"), format!("{new:?}")] {
            assert!(!text.contains(PAN), "{text}");
            assert!(!text.contains(&bytes_debug), "{text}");
            assert!(text.contains("message_len"), "{text}");
        }
        assert!(!format!("{j:?}").contains(PAN));
    }

    pub fn takes_concurrent_inserts<J: Journal>(j: J) {
        let j = std::sync::Arc::new(j);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let j = std::sync::Arc::clone(&j);
                std::thread::spawn(move || {
                    (0..25)
                        .map(|i| j.insert(&reversal(&format!("{t}{i:05}"), i)).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut inserted: Vec<i64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        inserted.sort_unstable();
        inserted.dedup();
        assert_eq!(inserted.len(), 100, "unique ids");
        assert_eq!(ids(&j.list().unwrap()), inserted);
    }
}

/// Runs every function of [`suite`] against the journal `$make` builds; `$make` returns the
/// journal and whatever must live as long as it (a temporary file).
macro_rules! journal_suite {
    ($name:ident, $make:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn round_trips_every_field() {
                let (j, _keep) = $make;
                suite::round_trips_every_field(&j);
            }

            #[test]
            fn due_returns_only_due_pending_in_order() {
                let (j, _keep) = $make;
                suite::due_returns_only_due_pending_in_order(&j);
            }

            #[test]
            fn record_attempt_updates_count_and_due_time() {
                let (j, _keep) = $make;
                suite::record_attempt_updates_count_and_due_time(&j);
            }

            #[test]
            fn accept_removes_the_reversal() {
                let (j, _keep) = $make;
                suite::accept_removes_the_reversal(&j);
            }

            #[test]
            fn park_keeps_the_row_out_of_due() {
                let (j, _keep) = $make;
                suite::park_keeps_the_row_out_of_due(&j);
            }

            #[test]
            fn rejects_unknown_ids() {
                let (j, _keep) = $make;
                suite::rejects_unknown_ids(&j);
            }

            #[test]
            fn list_is_every_reversal_by_id() {
                let (j, _keep) = $make;
                suite::list_is_every_reversal_by_id(&j);
            }

            #[test]
            fn debug_shows_no_message_bytes() {
                let (j, _keep) = $make;
                suite::debug_shows_no_message_bytes(&j);
            }

            #[test]
            fn takes_concurrent_inserts() {
                let (j, _keep) = $make;
                suite::takes_concurrent_inserts(j);
            }
        }
    };
}

fn sqlite_file() -> (SqliteJournal, TempDb) {
    let db = TempDb::new("suite");
    let j = SqliteJournal::open(db.path()).unwrap();
    (j, db)
}

journal_suite!(memory, (MemoryJournal::new(), ()));
journal_suite!(sqlite, sqlite_file());
journal_suite!(
    sqlite_in_memory,
    (SqliteJournal::open_in_memory().unwrap(), ())
);

#[test]
fn memory_journal_default_is_empty() {
    assert!(MemoryJournal::default().list().unwrap().is_empty());
}

#[test]
fn sqlite_keeps_rows_across_reopen() {
    let db = TempDb::new("reopen");
    let (a, b, before) = {
        let j = SqliteJournal::open(db.path()).unwrap();
        assert_eq!(j.path(), db.path().display().to_string());
        let a = j.insert(&reversal("000101", 100)).unwrap();
        let b = j.insert(&reversal("000102", 200)).unwrap();
        j.record_attempt(a, 3, 700).unwrap();
        j.park(b, ParkReason::NeedsPerson).unwrap();
        (a, b, j.list().unwrap())
    };
    let j = SqliteJournal::open(db.path()).unwrap();
    assert_eq!(j.list().unwrap(), before);
    assert_eq!(ids(&before), vec![a, b]);
    assert_eq!(j.list().unwrap()[0].attempts, 3);
    assert_eq!(
        j.list().unwrap()[1].state,
        ReversalState::Parked(ParkReason::NeedsPerson)
    );
    // Identifiers go on from where the first connection left them.
    assert!(j.insert(&reversal("000103", 300)).unwrap() > b);
}

#[test]
fn sqlite_is_in_wal_mode() {
    let db = TempDb::new("wal");
    let j = SqliteJournal::open(db.path()).unwrap();
    j.insert(&reversal("000201", 100)).unwrap();
    assert!(
        db.sibling("-wal").exists(),
        "a -wal file beside the database"
    );
    let other = rusqlite::Connection::open(db.path()).unwrap();
    let mode: String = other
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn sqlite_schema_reads_in_an_operator_query() {
    let db = TempDb::new("schema");
    let j = SqliteJournal::open(db.path()).unwrap();
    let a = j.insert(&reversal("000301", 100)).unwrap();
    let b = j.insert(&reversal("000302", 100)).unwrap();
    j.park(b, ParkReason::MaxAttempts).unwrap();
    j.record_attempt(a, 2, 150).unwrap();

    let sql = rusqlite::Connection::open(db.path()).unwrap();
    let version: i64 = sql
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let mut stmt = sql
        .prepare("SELECT id, original_mti, stan, terminal, amount, attempts, state FROM reversals")
        .unwrap();
    let rows: Vec<(i64, String, String, String, String, i64, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let row = |id, stan: &str, attempts, state: &str| {
        (
            id,
            "0200".to_owned(),
            stan.to_owned(),
            "TERM0001".to_owned(),
            "000000001500".to_owned(),
            attempts,
            state.to_owned(),
        )
    };
    assert_eq!(
        rows,
        vec![
            row(a, "000301", 2, "pending"),
            row(b, "000302", 0, "max-attempts")
        ]
    );
    let plan: String = sql
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM reversals WHERE state = 'pending' \
             AND next_try_ms <= 5 ORDER BY next_try_ms, id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("reversals_due"), "{plan}");
}

fn storage_message(result: Result<SqliteJournal, JournalError>) -> String {
    match result {
        Err(JournalError::Storage { path, message }) => {
            assert!(!path.is_empty());
            message
        }
        other => panic!("expected a storage error, got {other:?}"),
    }
}

#[test]
fn rejects_a_file_that_is_not_a_database() {
    let db = TempDb::new("garbage");
    let garbage: Vec<u8> = (0..=255u8)
        .cycle()
        .take(4096)
        .map(|b| b.wrapping_mul(7).wrapping_add(3))
        .collect();
    std::fs::write(db.path(), garbage).unwrap();
    let message = storage_message(SqliteJournal::open(db.path()));
    assert!(message.contains("not a database"), "{message}");
}

#[test]
fn rejects_a_database_that_is_not_a_journal() {
    let db = TempDb::new("foreign");
    let other = rusqlite::Connection::open(db.path()).unwrap();
    other
        .execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        .unwrap();
    drop(other);
    let message = storage_message(SqliteJournal::open(db.path()));
    assert!(message.contains("not a journal"), "{message}");
}

#[test]
fn rejects_a_newer_schema_version() {
    let db = TempDb::new("newer");
    drop(SqliteJournal::open(db.path()).unwrap());
    let other = rusqlite::Connection::open(db.path()).unwrap();
    other.pragma_update(None, "user_version", 2).unwrap();
    drop(other);
    let message = storage_message(SqliteJournal::open(db.path()));
    assert!(message.contains("schema version 2 is newer"), "{message}");
}

#[test]
fn rejects_a_path_that_cannot_be_created() {
    let db = TempDb::new("nodir");
    let path = db.path().join("no-such-dir").join("journal.db");
    storage_message(SqliteJournal::open(path));
}

#[test]
fn fails_after_the_busy_timeout_on_a_locked_journal() {
    let db = TempDb::new("locked");
    let timeout = Duration::from_millis(200);
    let j = SqliteJournal::open_with_timeout(db.path(), timeout).unwrap();
    let id = j.insert(&reversal("000401", 100)).unwrap();

    let other = rusqlite::Connection::open(db.path()).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    other
        .execute("UPDATE reversals SET attempts = 9 WHERE id = ?1", [id])
        .unwrap();

    let started = Instant::now();
    let result = j.insert(&reversal("000402", 100));
    let waited = started.elapsed();
    match result {
        Err(JournalError::Storage { message, .. }) => {
            assert!(
                message.contains("locked") || message.contains("busy"),
                "{message}"
            );
            assert!(!message.contains("000402"), "{message}");
        }
        other => panic!("expected a storage error, got {other:?}"),
    }
    assert!(waited >= timeout / 2, "waited {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    for result in [
        j.record_attempt(id, 1, 1),
        j.park(id, ParkReason::Expired),
        j.accept(id),
    ] {
        assert!(
            matches!(result, Err(JournalError::Storage { .. })),
            "{result:?}"
        );
    }
    // Readers are not blocked by a writer in WAL mode, and see the last commit.
    assert_eq!(j.list().unwrap()[0].attempts, 0);

    other.execute_batch("ROLLBACK").unwrap();
    j.insert(&reversal("000403", 100)).unwrap();
    assert_eq!(
        j.list().unwrap().len(),
        2,
        "nothing of the failed calls was kept"
    );
}

#[test]
fn reports_bad_rows_without_their_values() {
    let db = TempDb::new("badrow");
    let j = SqliteJournal::open(db.path()).unwrap();
    let good = j.insert(&reversal("000501", 100)).unwrap();
    let other = rusqlite::Connection::open(db.path()).unwrap();
    let insert = |mti: &str, state: &str| -> i64 {
        other
            .execute(
                "INSERT INTO reversals (original_mti, stan, terminal, amount, message, attempts, \
                 created_ms, next_try_ms, expires_ms, state) \
                 VALUES (?1, '987654', 'T', '1', x'00', 0, 0, 0, 0, ?2)",
                [mti, state],
            )
            .unwrap();
        other.last_insert_rowid()
    };

    let bad_mti = insert("02A0", "pending");
    let err = j.list().unwrap_err();
    assert!(
        matches!(&err, JournalError::BadRow { id, what, .. } if *id == bad_mti && what.contains("original_mti")),
        "{err:?}"
    );
    assert!(matches!(j.due(0, 10), Err(JournalError::BadRow { .. })));
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("02A0") && !text.contains("987654"), "{text}");
    }
    j.accept(bad_mti).unwrap();

    let bad_state = insert("0200", "lost");
    let err = j.list().unwrap_err();
    assert!(
        matches!(&err, JournalError::BadRow { id, what, .. } if *id == bad_state && what.contains("state")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("lost"), "{err}");
    j.accept(bad_state).unwrap();

    other
        .execute("UPDATE reversals SET attempts = -1 WHERE id = ?1", [good])
        .unwrap();
    let err = j.list().unwrap_err();
    assert!(
        matches!(&err, JournalError::BadRow { what, .. } if what.contains("attempts")),
        "{err:?}"
    );

    // A blob keeps its type in a TEXT column (an integer would become text).
    other
        .execute(
            "UPDATE reversals SET attempts = 0, stan = x'3432' WHERE id = ?1",
            [good],
        )
        .unwrap();
    assert!(matches!(j.list(), Err(JournalError::BadRow { what, .. }) if what.contains("stan")));
}
