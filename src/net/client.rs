//! The client channel: send a request, get its matched response or one typed outcome, and have
//! what may have reached the host reversed.
//!
//! A [`Channel`] is a cheap, cloneable handle shared by many tasks. Behind it one supervisor task
//! keeps a connection up (connect, optional sign-on, keep-alive, reconnect with exponential
//! backoff and jitter), and each connection has one reader and one writer task. Requests wait in
//! a pending table keyed by their [`MatchKey`]; every [`Channel::send`] resolves exactly once:
//!
//! | result | when | reversal |
//! | --- | --- | --- |
//! | `Ok(response)` | the matched response came in time | none |
//! | [`Failure::ConnectionFailed`] | nothing was sent (no connection, or still queued when time ran out) | none |
//! | [`Failure::SendFailed`] | writing stopped part-way | due |
//! | [`Failure::NoResponse`] | sent in full, no answer in time | due |
//! | [`Failure::ConnectionLost`] | sent in full, then the connection closed | due |
//!
//! When a reversal is due for an authorisation or financial request and the channel has a
//! [`ReversalConfig`], the reversal is built ([`Message::reversal_of`]) and written to the
//! [`Journal`] **before** `send` returns; a background task sends it, retransmits it as a repeat
//! (0401/0421), and removes it only when an answer accepts it ([`reversal_verdict`]). A channel
//! started on a journal that holds due reversals (after a crash) resumes them.
//!
//! [`MatchKey`]: super::matching::MatchKey
//! [`Journal`]: super::journal::Journal
//! [`reversal_verdict`]: crate::response::reversal_verdict
//!
//! ```no_run
//! use std::time::Duration;
//! use iso8583_wire::frame::{Framer, LengthHeader};
//! use iso8583_wire::net::client::{Channel, ChannelConfig, Endpoint, ReversalConfig};
//! use iso8583_wire::net::journal::SqliteJournal;
//! use iso8583_wire::{Message, Mti, Spec};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no spec")?;
//! let journal = SqliteJournal::open("saf.db")?;
//! let config = ChannelConfig::new(spec.clone(), Framer::new(LengthHeader::Binary2))
//!     .reversal(ReversalConfig::new(std::sync::Arc::new(journal)));
//! let channel = Channel::start(Endpoint::tcp("127.0.0.1:9000"), config);
//! let mut sale = Message::new(Mti::FINANCIAL_REQUEST);
//! sale.set(spec, 3, "000000")?.set(spec, 4, "1000")?.set(spec, 11, "000001")?;
//! match channel.send(&sale, Duration::from_secs(30)).await {
//!     Ok(answer) => println!("DE39 {:?}", answer.field(spec, 39).map(|f| f.to_text())),
//!     Err(e) => println!("{e}; reversal: {:?}", e.reversal()),
//! }
//! channel.close(Duration::from_secs(5)).await;
//! # Ok(()) }
//! # fn main() { let _ = run(); }
//! ```

mod config;
mod endpoint;
mod error;
mod events;
mod exchange;
mod forward;
mod pending;
mod reader;
mod reversal;
mod shared;
mod spare;
mod stats;
mod sweeper;
mod upkeep;
mod writer;

pub use config::{ChannelConfig, ReversalConfig};
pub use endpoint::{Backoff, Endpoint};
pub use error::{Failure, ReversalFailure, ReversalStatus, SendError, SendErrorKind};
pub use events::{ReversalEvent, Unsolicited};
pub use shared::Channel;
pub use stats::ChannelStats;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use forward::forward_reversals;
use shared::Shared;
use sweeper::sweep;
use upkeep::supervise;

use super::journal::JournalError;
use crate::Message;

impl core::fmt::Debug for Channel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("endpoint", &self.shared.endpoint)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Channel {
    /// Starts the channel's tasks on the current tokio runtime and returns at once; the first
    /// connection is being made in the background ([`wait_connected`](Self::wait_connected)
    /// waits for it). Reversals already due in the journal are sent once connected.
    ///
    /// # Panics
    /// Never by itself; like `tokio::spawn` it must be called from within a tokio runtime.
    #[must_use]
    pub fn start(endpoint: Endpoint, config: ChannelConfig) -> Self {
        let shared = Arc::new(Shared::new(endpoint, config));
        tokio::spawn(supervise(Arc::clone(&shared)));
        tokio::spawn(sweep(Arc::clone(&shared)));
        if shared.config.reversal.is_some() {
            tokio::spawn(forward_reversals(Arc::clone(&shared)));
        }
        Self { shared }
    }

    /// Waits until a connection is up, at most `timeout`; `true` when it is.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.shared.current().is_some() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Whether a connection is up now.
    #[must_use]
    pub fn is_connected(&self) -> bool {
        self.shared.current().is_some()
    }

    /// Sends `request` and waits at most `timeout` for its matched response (waiting for a
    /// slot under the in-flight cap counts against it).
    ///
    /// # Errors
    /// A [`SendError`]: [`SendErrorKind::Failed`] with the [`Failure`] when there was no usable
    /// response (then [`SendError::reversal`] says whether a reversal was journalled), or a
    /// refusal before anything was sent ([`DuplicateKey`](SendErrorKind::DuplicateKey),
    /// [`NoKey`](SendErrorKind::NoKey), [`Encode`](SendErrorKind::Encode),
    /// [`Closed`](SendErrorKind::Closed)).
    pub async fn send(&self, request: &Message, timeout: Duration) -> Result<Message, SendError> {
        let result = self.exchange(request, timeout, true).await;
        match result {
            Err(SendError {
                kind: SendErrorKind::Failed(failure),
                ..
            }) if failure.may_have_reached_host() => {
                let reversal = self.queue_reversal(request).await;
                Err(SendError {
                    kind: SendErrorKind::Failed(failure),
                    reversal,
                })
            }
            other => other,
        }
    }

    /// The counters.
    #[must_use]
    pub fn stats(&self) -> ChannelStats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ChannelStats {
            connected: self.is_connected(),
            sent: get(&c.sent),
            received: get(&c.received),
            timeouts: get(&c.timeouts),
            late: get(&c.late),
            unmatched: get(&c.unmatched),
            malformed: get(&c.malformed),
            reconnects: get(&c.connects).saturating_sub(1),
            connect_failures: get(&c.connect_failures),
            in_flight: self.shared.pending().map.len() as u64,
            reversals_queued: get(&c.reversals_queued),
            reversals_accepted: get(&c.reversals_accepted),
        }
    }

    /// Wakes the reversal task to look at the journal now (it also looks on its own every
    /// second and after every reversal queued).
    pub fn run_reversals_now(&self) {
        self.shared.saf_wake.notify_one();
    }

    /// Stops taking requests, waits up to `deadline` for those in flight to be answered, then
    /// closes the connection and stops the tasks. Requests still waiting then end as
    /// [`Failure::ConnectionLost`] (and are reversed); reversals not yet accepted stay in the
    /// journal.
    pub async fn close(&self, deadline: Duration) {
        let shared = &self.shared;
        shared.closing.store(true, Ordering::Release);
        let until = Instant::now() + deadline;
        while Instant::now() < until && !shared.pending().map.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        shared.shutdown.cancel();
        shared.set_current(None);
    }
}

impl Channel {
    /// Sends every reversal of the journal that is due now, and waits for their answers (each at
    /// most the [`ReversalConfig::answer_timeout`]); repeats while more come due. Returns the
    /// number of transmissions. The background task does the same on its own; this is for a
    /// caller that wants the journal drained now (`iso8583 saf run`).
    ///
    /// # Errors
    /// A [`JournalError`] when the journal cannot be read.
    pub async fn forward_due(&self) -> Result<usize, JournalError> {
        forward::forward_due(self).await
    }
}
