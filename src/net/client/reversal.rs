//! Building the reversal of a request that may have reached the host, and journalling it before
//! `send` returns.

use std::sync::Arc;
use std::time::SystemTime;

use super::error::{ReversalFailure, ReversalStatus};
use super::events::ReversalEvent;
use super::shared::Channel;
use super::stats::bump;
use crate::net::clock::unix_ms;
use crate::net::journal::{JournalError, NewReversal};
use crate::{Message, Mti};

/// Whether a request of this MTI is reversed when it may have reached the host: authorisation
/// and financial requests (x100, x200) and their repeats; not advices, not reversals.
fn is_reversible(mti: Mti) -> bool {
    let [_, _, function, _] = *mti.as_bytes();
    matches!(mti.class(), 1 | 2) && function == b'0'
}

impl Channel {
    /// Builds and journals the reversal of `request` when one is due and configured.
    pub(super) async fn queue_reversal(&self, request: &Message) -> ReversalStatus {
        let shared = &self.shared;
        let Some(config) = &shared.config.reversal else {
            return ReversalStatus::None;
        };
        if !is_reversible(request.mti()) {
            return ReversalStatus::None;
        }
        let spec = &shared.config.spec;
        let built = Message::reversal_of(request, spec, config.reason)
            .and_then(|r| r.to_vec(spec).map(|bytes| (r, bytes)));
        let (_, bytes) = match built {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "reversal could not be built");
                return ReversalStatus::Failed(ReversalFailure::Build(e));
            }
        };
        let text = |n| {
            request
                .field(spec, n)
                .map(|f| f.to_text())
                .unwrap_or_default()
        };
        let now = unix_ms(SystemTime::now());
        let record = NewReversal {
            original_mti: request.mti(),
            stan: text(11),
            terminal: text(41),
            amount: text(4),
            message: bytes,
            created_ms: now,
            next_try_ms: now,
            expires_ms: now
                .saturating_add(i64::try_from(config.expire_after.as_millis()).unwrap_or(i64::MAX)),
        };
        let journal = Arc::clone(&config.journal);
        let stored = tokio::task::spawn_blocking(move || journal.insert(&record)).await;
        match stored {
            Ok(Ok(id)) => {
                bump(&shared.counters.reversals_queued);
                shared.reversal_event(ReversalEvent::Queued { id });
                shared.saf_wake.notify_one();
                ReversalStatus::Queued(id)
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "reversal could not be journalled");
                ReversalStatus::Failed(ReversalFailure::Journal(e))
            }
            Err(join) => ReversalStatus::Failed(ReversalFailure::Journal(JournalError::Storage {
                path: String::from("journal task"),
                message: join.to_string(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverses_authorisations_and_financial_requests_only() {
        for (mti, reversible) in [
            ("0100", true),
            ("0101", true),
            ("0200", true),
            ("0201", true),
            ("1200", true),
            ("0220", false),
            ("0400", false),
            ("0420", false),
            ("0800", false),
            ("0110", false),
        ] {
            let m = Mti::from_text(mti).expect("an MTI");
            assert_eq!(is_reversible(m), reversible, "{mti}");
        }
    }
}
