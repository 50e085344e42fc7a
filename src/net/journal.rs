//! The store-and-forward journal: where a reversal waits, durably, until the host accepts it.
//!
//! A [`Channel`](super::client::Channel) writes a reversal here *before* `send` returns, and a
//! background task sends it, retransmits it, and removes it only when a matching answer accepts
//! it. [`SqliteJournal`] is the implementation to use: one SQLite file, in WAL mode with
//! `synchronous = FULL`, so a committed reversal survives a crash of the process or the machine.
//! An operator can read it with the `sqlite3` shell
//! (`sqlite3 PATH 'SELECT id, original_mti, stan, terminal, amount, attempts, state FROM reversals'`;
//! leave out the `message` column, which holds card data).
//!
//! **Card data.** A journal holds card data only inside the encoded reversal message
//! ([`StoredReversal::message`]), which must carry the fields of the original (DE2, DE35, …) for
//! the host to find it. The other columns hold no card data: the original MTI, STAN (DE11),
//! terminal (DE41) and amount (DE4). Listings show only those. Protect the file as you would the
//! host's own transaction log.
//!
//! The methods are blocking; the channel calls them off its async tasks.

mod memory;
mod sqlite;

pub use memory::MemoryJournal;
pub use sqlite::SqliteJournal;

use crate::Mti;

/// A reversal to be written to the journal.
#[derive(Clone, PartialEq, Eq)]
pub struct NewReversal {
    /// The MTI of the request that is being reversed (e.g. `0200`).
    pub original_mti: Mti,
    /// DE11 of the original, as text (empty when absent).
    pub stan: String,
    /// DE41 of the original, as text (empty when absent).
    pub terminal: String,
    /// DE4 of the original, as text (empty when absent).
    pub amount: String,
    /// The encoded reversal message (the first transmission, e.g. a 0400), without framing.
    pub message: Vec<u8>,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it is first due, in milliseconds since the Unix epoch.
    pub next_try_ms: i64,
    /// After this time (milliseconds since the Unix epoch) it is no longer sent.
    pub expires_ms: i64,
}

/// Where a journalled reversal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReversalState {
    /// Waiting to be sent, or sent and waiting for an accepting answer.
    Pending,
    /// Given up on: the answer needs a person, the maximum count of tries was reached, or it
    /// expired. It stays in the journal for an operator.
    Parked(ParkReason),
}

/// Why a reversal was given up on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParkReason {
    /// The host's answer needs a person (the taxonomy says so), e.g. a format error.
    NeedsPerson,
    /// Tried the maximum number of times without an accepting answer.
    MaxAttempts,
    /// Its expiry time passed before an accepting answer.
    Expired,
}

impl ParkReason {
    /// The name stored in the journal and shown by `saf list`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NeedsPerson => "needs-person",
            Self::MaxAttempts => "max-attempts",
            Self::Expired => "expired",
        }
    }
}

/// A reversal read back from the journal.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredReversal {
    /// The journal's identifier of this reversal.
    pub id: i64,
    /// The MTI of the request that is being reversed.
    pub original_mti: Mti,
    /// DE11 of the original.
    pub stan: String,
    /// DE41 of the original.
    pub terminal: String,
    /// DE4 of the original.
    pub amount: String,
    /// The encoded reversal message, first transmission (the repeat MTI is set when sending).
    pub message: Vec<u8>,
    /// Transmissions so far.
    pub attempts: u32,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it is next due, in milliseconds since the Unix epoch.
    pub next_try_ms: i64,
    /// After this time it is no longer sent.
    pub expires_ms: i64,
    /// Pending or parked.
    pub state: ReversalState,
}

impl core::fmt::Debug for StoredReversal {
    /// Never prints the message: it holds card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoredReversal")
            .field("id", &self.id)
            .field("original_mti", &self.original_mti)
            .field("stan", &self.stan)
            .field("terminal", &self.terminal)
            .field("amount", &self.amount)
            .field("message_len", &self.message.len())
            .field("attempts", &self.attempts)
            .field("next_try_ms", &self.next_try_ms)
            .field("expires_ms", &self.expires_ms)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for NewReversal {
    /// Never prints the message: it holds card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NewReversal")
            .field("original_mti", &self.original_mti)
            .field("stan", &self.stan)
            .field("terminal", &self.terminal)
            .field("amount", &self.amount)
            .field("message_len", &self.message.len())
            .finish_non_exhaustive()
    }
}

/// A journal could not be read or written. Never holds message bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The database could not be opened, read or written (corrupt, locked, not a database,
    /// full disk, permissions). The text is the database's own message.
    #[error("journal {path}: {message}")]
    Storage {
        /// The journal's path (or `memory`).
        path: String,
        /// What the database said.
        message: String,
    },
    /// A row of the journal holds a value this version cannot read.
    #[error("journal {path}: row {id}: {what}")]
    BadRow {
        /// The journal's path.
        path: String,
        /// The row's identifier.
        id: i64,
        /// What was wrong.
        what: &'static str,
    },
    /// No reversal has this identifier.
    #[error("journal: no reversal {0}")]
    NotFound(i64),
}

/// Durable storage of reversals. Implement it to keep them somewhere else than SQLite; every
/// method must have made its change durable when it returns `Ok`.
pub trait Journal: Send + Sync + 'static {
    /// Stores a new pending reversal with no attempts, and returns its identifier.
    ///
    /// # Errors
    /// A [`JournalError`] when it could not be stored durably.
    fn insert(&self, reversal: &NewReversal) -> Result<i64, JournalError>;

    /// The pending reversals due at `now_ms` (`next_try_ms <= now_ms`), soonest due first (then
    /// by identifier), at most `limit` of them.
    ///
    /// # Errors
    /// A [`JournalError`] when the journal could not be read.
    fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<StoredReversal>, JournalError>;

    /// Every reversal in the journal, pending and parked, oldest first.
    ///
    /// # Errors
    /// A [`JournalError`] when the journal could not be read.
    fn list(&self) -> Result<Vec<StoredReversal>, JournalError>;

    /// Records a transmission: the count of attempts becomes `attempts` and the reversal is next
    /// due at `next_try_ms`.
    ///
    /// # Errors
    /// [`JournalError::NotFound`] for an unknown `id`, or a storage error.
    fn record_attempt(&self, id: i64, attempts: u32, next_try_ms: i64) -> Result<(), JournalError>;

    /// Removes a reversal the host accepted.
    ///
    /// # Errors
    /// [`JournalError::NotFound`] for an unknown `id`, or a storage error.
    fn accept(&self, id: i64) -> Result<(), JournalError>;

    /// Gives up on a reversal; it stays in the journal, parked, for an operator. An operator may
    /// still [`accept`](Self::accept) (remove) a parked reversal once it is settled by hand.
    ///
    /// # Errors
    /// [`JournalError::NotFound`] for an unknown `id`, or a storage error.
    fn park(&self, id: i64, reason: ParkReason) -> Result<(), JournalError>;
}
