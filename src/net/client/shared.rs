//! What the channel's tasks share: the configuration, the pending table, the connection and the
//! counters; and the [`Channel`] handle over it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use super::config::ChannelConfig;
use super::endpoint::Endpoint;
use super::events::ReversalEvent;
use super::pending::Pending;
use super::stats::Counters;
use crate::net::clock::StanCounter;
use crate::net::framing::{FrameCodec, FramingError};
use crate::net::matching::{KeyHashState, MatchKey};
use crate::{Message, MessageView};

/// A frame for the writer. `key` is `None` for frames nobody waits on (answers to the host's
/// echo tests).
pub(super) struct Outgoing {
    pub(super) key: Option<MatchKey>,
    pub(super) frame: BytesMut,
}

/// What requests waiting for a connection watch.
#[derive(Clone, Default)]
pub(super) struct Link {
    pub(super) conn: Option<Connection>,
    pub(super) failures: u64,
}

#[derive(Clone)]
pub(super) struct Connection {
    pub(super) id: u64,
    pub(super) tx: mpsc::UnboundedSender<Outgoing>,
}

pub(super) struct Shared {
    pub(super) config: ChannelConfig,
    pub(super) endpoint: Endpoint,
    pending: Mutex<Pending>,
    pub(super) slots: Arc<Semaphore>,
    /// The connection requests go to, once it is up (and signed on), and the count of failed
    /// connects, watched by requests that wait for a connection.
    pub(super) link: tokio::sync::watch::Sender<Link>,
    pub(super) counters: Counters,
    pub(super) closing: AtomicBool,
    pub(super) shutdown: CancellationToken,
    pub(super) saf_wake: Notify,
    /// Wakes the sweeper when a request's deadline is earlier than the one it sleeps until.
    pub(super) sweep_wake: Notify,
    /// The deadline the sweeper sleeps until, in ms since `epoch` (`u64::MAX`: none).
    pub(super) sweep_at: AtomicU64,
    /// Held by whoever forwards reversals.
    pub(super) saf_turn: tokio::sync::Mutex<()>,
    pub(super) stan: StanCounter,
    /// The last time anything was written or read, in ms since `epoch`.
    last_traffic: AtomicU64,
    pub(super) epoch: Instant,
}

impl Shared {
    /// The state of a new channel to `endpoint`: nothing pending, no connection yet.
    pub(super) fn new(endpoint: Endpoint, config: ChannelConfig) -> Self {
        let slots = Arc::new(Semaphore::new(config.max_in_flight));
        let late_memory = config.late_memory;
        Self {
            endpoint,
            pending: Mutex::new(Pending {
                map: HashMap::with_capacity_and_hasher(
                    config.max_in_flight.min(4096),
                    KeyHashState::default(),
                ),
                gave_up: HashSet::default(),
                gave_up_order: VecDeque::new(),
                late_memory,
                writer_busy: false,
            }),
            slots,
            link: tokio::sync::watch::Sender::new(Link::default()),
            counters: Counters::default(),
            closing: AtomicBool::new(false),
            shutdown: CancellationToken::new(),
            saf_wake: Notify::new(),
            sweep_wake: Notify::new(),
            sweep_at: AtomicU64::new(u64::MAX),
            saf_turn: tokio::sync::Mutex::new(()),
            stan: StanCounter::default(),
            last_traffic: AtomicU64::new(0),
            epoch: Instant::now(),
            config,
        }
    }

    pub(super) fn pending(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding the lock cannot leave the table half-changed (every change is
        // one map operation), so a poisoned lock is still sound to use.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn current(&self) -> Option<Connection> {
        self.link.borrow().conn.clone()
    }

    pub(super) fn set_current(&self, conn: Option<Connection>) {
        self.link.send_modify(|link| link.conn = conn);
    }

    /// The connection, or, while there is none, the one the supervisor's next connect makes,
    /// waiting at most until `deadline`; `None` when that connect fails or time runs out. A
    /// request that arrives while the channel reconnects after a drop goes out on the new
    /// connection instead of failing at once; one that arrives while the host is down fails as
    /// soon as the next connect does.
    pub(super) async fn connection(&self, deadline: tokio::time::Instant) -> Option<Connection> {
        let mut rx = self.link.subscribe();
        let failures = rx.borrow().failures;
        loop {
            {
                let link = rx.borrow_and_update();
                if let Some(conn) = &link.conn {
                    return Some(conn.clone());
                }
                if link.failures != failures || self.shutdown.is_cancelled() {
                    return None;
                }
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => return None,
            }
        }
    }

    /// Makes sure the sweeper wakes by `deadline`.
    pub(super) fn sweep_by(&self, deadline: tokio::time::Instant) {
        let at = self.ms_since_epoch(deadline.into_std());
        if at < self.sweep_at.load(Ordering::Acquire) {
            self.sweep_at.store(at, Ordering::Release);
            self.sweep_wake.notify_one();
        }
    }

    pub(super) fn ms_since_epoch(&self, t: Instant) -> u64 {
        u64::try_from(t.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    pub(super) fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_traffic.store(ms, Ordering::Relaxed);
    }

    pub(super) fn idle_for(&self) -> Duration {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(now.saturating_sub(self.last_traffic.load(Ordering::Relaxed)))
    }

    /// `message` framed, in a spare buffer of this thread when there is one (see
    /// [`spare`](super::spare)).
    pub(super) fn frame(&self, message: &Message) -> Result<BytesMut, FramingError> {
        let codec = FrameCodec::new(self.config.framer);
        let mut buf = super::spare::take();
        codec.encode_message(
            &self.config.frame_header,
            message,
            &self.config.spec,
            &mut buf,
        )?;
        Ok(buf)
    }

    /// The matching key of a framed message the channel built.
    pub(super) fn key_of_frame(&self, frame: &[u8]) -> Option<MatchKey> {
        let skip = self.config.framer.length_header().width() + self.config.frame_header.len();
        let view = MessageView::decode(&self.config.spec, frame.get(skip..)?).ok()?;
        self.config.matcher.key(&view)
    }

    pub(super) fn reversal_event(&self, event: ReversalEvent) {
        tracing::info!(?event, "reversal");
        if let Some(f) = &self.config.on_reversal {
            f(event);
        }
    }
}

/// A handle on a connection to a host; see the [module docs](super). Clones share it.
#[derive(Clone)]
pub struct Channel {
    pub(super) shared: Arc<Shared>,
}
