//! A journal kept in the process's memory, for tests and for deployments that accept losing
//! reversals on a crash.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use super::{Journal, JournalError, NewReversal, ParkReason, ReversalState, StoredReversal};

/// The path that errors of a [`MemoryJournal`] name.
const PATH: &str = "memory";

/// A [`Journal`] that keeps its reversals in memory only.
///
/// **It is not durable.** Every reversal it holds is lost when the process stops, crashes or is
/// killed, so a transaction that may have reached the host is then never reversed: the
/// cardholder can be charged for a sale that the terminal reported as failed. Use it in tests,
/// or where losing pending reversals on a crash is an accepted risk; otherwise use
/// [`SqliteJournal`](super::SqliteJournal).
///
/// Identifiers start at 1 and are never reused while the journal lives, as with SQLite's
/// `AUTOINCREMENT`. All methods take one lock, so concurrent callers see each change whole.
pub struct MemoryJournal {
    inner: Mutex<Inner>,
}

/// What the lock guards.
struct Inner {
    /// The identifier the next insert gets.
    next_id: i64,
    /// Every reversal, keyed (and so ordered) by identifier.
    rows: BTreeMap<i64, StoredReversal>,
}

impl MemoryJournal {
    /// An empty journal.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                next_id: 1,
                rows: BTreeMap::new(),
            }),
        }
    }

    /// Takes the lock. A lock poisoned by a panic in another thread is reported as a storage
    /// error rather than trusted: the panic may have left a change half made.
    fn lock(&self) -> Result<MutexGuard<'_, Inner>, JournalError> {
        self.inner.lock().map_err(|_| JournalError::Storage {
            path: PATH.to_owned(),
            message: "lock poisoned by a panic in another thread".to_owned(),
        })
    }

    /// The reversal with identifier `id`, for changing it.
    fn row(inner: &mut Inner, id: i64) -> Result<&mut StoredReversal, JournalError> {
        inner.rows.get_mut(&id).ok_or(JournalError::NotFound(id))
    }
}

impl Default for MemoryJournal {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for MemoryJournal {
    /// Shows no reversal: the messages hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryJournal").finish_non_exhaustive()
    }
}

impl Journal for MemoryJournal {
    fn insert(&self, reversal: &NewReversal) -> Result<i64, JournalError> {
        let mut inner = self.lock()?;
        let id = inner.next_id;
        let next_id = id.checked_add(1).ok_or_else(|| JournalError::Storage {
            path: PATH.to_owned(),
            message: "no identifiers left".to_owned(),
        })?;
        inner.rows.insert(
            id,
            StoredReversal {
                id,
                original_mti: reversal.original_mti,
                stan: reversal.stan.clone(),
                terminal: reversal.terminal.clone(),
                amount: reversal.amount.clone(),
                message: reversal.message.clone(),
                attempts: 0,
                created_ms: reversal.created_ms,
                next_try_ms: reversal.next_try_ms,
                expires_ms: reversal.expires_ms,
                state: ReversalState::Pending,
            },
        );
        inner.next_id = next_id;
        Ok(id)
    }

    fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<StoredReversal>, JournalError> {
        let inner = self.lock()?;
        let mut due: Vec<&StoredReversal> = inner
            .rows
            .values()
            .filter(|r| r.state == ReversalState::Pending && r.next_try_ms <= now_ms)
            .collect();
        // The same order as the SQLite journal's query: soonest due first, then oldest.
        due.sort_by_key(|r| (r.next_try_ms, r.id));
        Ok(due.into_iter().take(limit).cloned().collect())
    }

    fn list(&self) -> Result<Vec<StoredReversal>, JournalError> {
        let inner = self.lock()?;
        Ok(inner.rows.values().cloned().collect())
    }

    fn record_attempt(&self, id: i64, attempts: u32, next_try_ms: i64) -> Result<(), JournalError> {
        let mut inner = self.lock()?;
        let row = Self::row(&mut inner, id)?;
        row.attempts = attempts;
        row.next_try_ms = next_try_ms;
        Ok(())
    }

    fn accept(&self, id: i64) -> Result<(), JournalError> {
        let mut inner = self.lock()?;
        inner
            .rows
            .remove(&id)
            .map(|_| ())
            .ok_or(JournalError::NotFound(id))
    }

    fn park(&self, id: i64, reason: ParkReason) -> Result<(), JournalError> {
        let mut inner = self.lock()?;
        Self::row(&mut inner, id)?.state = ReversalState::Parked(reason);
        Ok(())
    }
}
