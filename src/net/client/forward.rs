//! Store and forward: the task that sends the journal's due reversals, repeats them, and reads
//! each answer with the taxonomy's verdict.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::config::ReversalConfig;
use super::error::Failure;
use super::events::ReversalEvent;
use super::shared::{Channel, Shared};
use super::stats::bump;
use crate::net::clock::unix_ms;
use crate::net::journal::{Journal, JournalError, ParkReason, StoredReversal};
use crate::response::{reversal_verdict, ReversalVerdict};
use crate::Message;

/// The store-and-forward task: looks at the journal after every reversal queued, on every
/// connect and every second, and forwards what is due.
pub(super) async fn forward_reversals(shared: Arc<Shared>) {
    let channel = Channel {
        shared: Arc::clone(&shared),
    };
    loop {
        tokio::select! {
            () = shared.saf_wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            () = shared.shutdown.cancelled() => return,
        }
        if shared.current().is_none() {
            continue;
        }
        tokio::select! {
            r = forward_due(&channel) => {
                if let Err(e) = r {
                    tracing::error!(error = %e, "reading the journal");
                }
            }
            () = shared.shutdown.cancelled() => return,
        }
    }
}

/// Sends every reversal of the journal that is due now and waits for their answers, repeating
/// while more come due; returns the number of transmissions. Both the task above and
/// [`Channel::forward_due`] run it.
pub(super) async fn forward_due(channel: &Channel) -> Result<usize, JournalError> {
    let shared = &channel.shared;
    let Some(config) = shared.config.reversal.clone() else {
        return Ok(0);
    };
    // One pass at a time, so that no reversal is in flight twice.
    let _turn = shared.saf_turn.lock().await;
    let mut sent = 0;
    loop {
        let now = unix_ms(SystemTime::now());
        let limit = config.concurrency;
        let due = journal_call(&config.journal, move |j| j.due(now, limit)).await?;
        if due.is_empty() || shared.current().is_none() {
            return Ok(sent);
        }
        sent += due.len();
        let mut tasks = tokio::task::JoinSet::new();
        for reversal in due {
            let channel = channel.clone();
            let config = config.clone();
            tasks.spawn(async move { forward_one(&channel, &config, reversal).await });
        }
        while tasks.join_next().await.is_some() {}
    }
}

/// Runs a blocking journal call off the async threads.
async fn journal_call<T: Send + 'static>(
    journal: &Arc<dyn Journal>,
    f: impl FnOnce(&dyn Journal) -> Result<T, JournalError> + Send + 'static,
) -> Result<T, JournalError> {
    let journal = Arc::clone(journal);
    tokio::task::spawn_blocking(move || f(journal.as_ref()))
        .await
        .map_err(|e| JournalError::Storage {
            path: String::from("journal task"),
            message: e.to_string(),
        })?
}

/// One transmission of one due reversal.
async fn forward_one(channel: &Channel, config: &ReversalConfig, reversal: StoredReversal) {
    let shared = &channel.shared;
    let id = reversal.id;
    let now = unix_ms(SystemTime::now());
    let park = |reason| async move {
        if journal_call(&config.journal, move |j| j.park(id, reason))
            .await
            .is_ok()
        {
            shared.reversal_event(ReversalEvent::Parked { id, reason });
        }
    };
    if now > reversal.expires_ms {
        park(ParkReason::Expired).await;
        return;
    }
    if reversal.attempts >= config.max_attempts {
        park(ParkReason::MaxAttempts).await;
        return;
    }
    let spec = &shared.config.spec;
    let mut message = match Message::decode(spec, Bytes::from(reversal.message)) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(id, error = %e, "a journalled reversal does not decode under the spec");
            park(ParkReason::NeedsPerson).await;
            return;
        }
    };
    if reversal.attempts > 0 {
        let repeat = message.mti().repeat();
        message.set_mti(repeat);
    }
    let attempt = reversal.attempts.saturating_add(1);
    let retry_ms = i64::try_from(config.retry_interval.as_millis()).unwrap_or(i64::MAX);
    // Counted before it is sent: a crash after the write must not lose the count.
    if journal_call(&config.journal, move |j| {
        j.record_attempt(id, attempt, now.saturating_add(retry_ms))
    })
    .await
    .is_err()
    {
        return;
    }
    let answer = channel
        .exchange(&message, config.answer_timeout, false)
        .await;
    match answer {
        Ok(answer) => {
            shared.reversal_event(ReversalEvent::Sent { id, attempt });
            let code = answer
                .field(spec, 39)
                .map(|f| f.to_text())
                .unwrap_or_default();
            match reversal_verdict(config.dialect, answer.mti(), code.as_bytes()) {
                ReversalVerdict::Accepted => {
                    if journal_call(&config.journal, move |j| j.accept(id))
                        .await
                        .is_ok()
                    {
                        bump(&shared.counters.reversals_accepted);
                        shared.reversal_event(ReversalEvent::Accepted { id });
                    }
                }
                ReversalVerdict::RetryLater => {}
                ReversalVerdict::NeedsPerson => park(ParkReason::NeedsPerson).await,
            }
        }
        Err(e) if e.failure().is_some_and(Failure::may_have_reached_host) => {
            shared.reversal_event(ReversalEvent::Sent { id, attempt });
            // The connection died under it: due again as soon as the channel has reconnected,
            // not a whole retry interval later (the count of attempts still bounds this).
            if matches!(
                e.failure(),
                Some(Failure::ConnectionLost | Failure::SendFailed)
            ) {
                let _ = journal_call(&config.journal, move |j| j.record_attempt(id, attempt, now))
                    .await;
            }
            tracing::debug!(id, error = %e, "reversal not answered; it stays due");
        }
        Err(e) => {
            // Nothing went out: this was no transmission, so the next one is still the first
            // (an 0400, not a repeat).
            let previous = reversal.attempts;
            let _ = journal_call(&config.journal, move |j| {
                j.record_attempt(id, previous, now.saturating_add(retry_ms))
            })
            .await;
            tracing::debug!(id, error = %e, "reversal not sent; it stays due");
        }
    }
}
