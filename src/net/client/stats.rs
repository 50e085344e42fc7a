//! The counters of a channel: the live ones its tasks bump, and the copy a caller reads.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of a channel since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelStats {
    /// Whether a connection is up (and signed on, when sign-on is configured).
    pub connected: bool,
    /// Requests written in full.
    pub sent: u64,
    /// Messages received (responses and the host's requests).
    pub received: u64,
    /// Requests that got no answer in time.
    pub timeouts: u64,
    /// Responses that came after their request gave up.
    pub late: u64,
    /// Responses that matched no request.
    pub unmatched: u64,
    /// Frames whose message did not decode (the connection stays up).
    pub malformed: u64,
    /// Connections made after the first.
    pub reconnects: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// Requests waiting for an answer now.
    pub in_flight: u64,
    /// Reversals journalled.
    pub reversals_queued: u64,
    /// Reversals accepted by the host.
    pub reversals_accepted: u64,
}

#[derive(Default)]
pub(super) struct Counters {
    pub(super) sent: AtomicU64,
    pub(super) received: AtomicU64,
    pub(super) timeouts: AtomicU64,
    pub(super) late: AtomicU64,
    pub(super) unmatched: AtomicU64,
    pub(super) malformed: AtomicU64,
    pub(super) connects: AtomicU64,
    pub(super) connect_failures: AtomicU64,
    pub(super) reversals_queued: AtomicU64,
    pub(super) reversals_accepted: AtomicU64,
}

pub(super) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}
