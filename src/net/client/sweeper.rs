//! The sweeper: the one timer of the pending table, which resolves every request whose time has
//! run out.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::error::Failure;
use super::pending::{Reply, Stage};
use super::shared::Shared;
use super::stats::bump;

/// Resolves every request whose deadline has passed, then sleeps until the earliest deadline
/// left (or until a request with an earlier one arrives). Ends once the channel is shut down
/// and nothing is pending.
pub(super) async fn sweep(shared: Arc<Shared>) {
    loop {
        let now = tokio::time::Instant::now();
        let mut next: Option<tokio::time::Instant> = None;
        let mut expired = Vec::new();
        {
            let mut pending = shared.pending();
            for (key, entry) in &pending.map {
                if entry.deadline <= now {
                    expired.push(*key);
                } else {
                    next = Some(next.map_or(entry.deadline, |n| n.min(entry.deadline)));
                }
            }
            for key in expired.drain(..) {
                if let Some(entry) = pending.map.remove(&key) {
                    pending.remember_gave_up(key);
                    let failure = if entry.stage == Stage::Queued {
                        Failure::ConnectionFailed
                    } else {
                        bump(&shared.counters.timeouts);
                        Failure::NoResponse
                    };
                    tracing::debug!(?key, failure = failure.as_str(), "request gave up");
                    let _ = entry.reply.send(Reply::Failed(failure));
                }
            }
            // Set under the lock, so that a request inserted after the scan sees it and wakes
            // the sweeper when its deadline is earlier.
            let at = next.map_or(u64::MAX, |n| shared.ms_since_epoch(n.into_std()));
            shared.sweep_at.store(at, Ordering::Release);
            if next.is_none() && shared.shutdown.is_cancelled() {
                return;
            }
        }
        // A wake-up sent since the scan is kept as a permit by `notify_one`: not lost.
        let wake = shared.sweep_wake.notified();
        match next {
            // A millisecond late at most, with the deadline rounded up to the next one.
            Some(at) => {
                tokio::select! {
                    () = tokio::time::sleep_until(at + Duration::from_millis(1)) => {}
                    () = wake => {}
                }
            }
            None => {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    () = wake => {}
                }
            }
        }
    }
}
