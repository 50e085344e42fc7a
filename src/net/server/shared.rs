//! What the tasks of a server share.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::config::ServerConfig;
use super::stats::Counters;

/// What the tasks of a server share.
pub(super) struct Shared<H> {
    pub(super) config: ServerConfig,
    pub(super) handler: H,
    pub(super) counters: Arc<Counters>,
    /// Cancelled to stop accepting and reading: sessions finish what is in flight.
    pub(super) graceful: CancellationToken,
    /// Cancelled to close everything now.
    pub(super) hard: CancellationToken,
    /// One permit per session that may be open.
    pub(super) slots: Arc<Semaphore>,
    pub(super) next_id: AtomicU64,
}
