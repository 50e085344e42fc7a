//! The settings of a channel and of its reversals.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::sync::Semaphore;

use super::endpoint::Backoff;
use super::events::{ReversalEvent, Unsolicited};
use crate::frame::Framer;
use crate::message::ReversalReason;
use crate::net::clock::transmission_time;
use crate::net::journal::Journal;
use crate::net::matching::{KeyFields, Matcher};
use crate::response::Dialect;
use crate::{EncodeError, Message, Mti, Spec};

/// How the channel reverses requests that may have reached the host.
#[derive(Clone)]
pub struct ReversalConfig {
    pub(super) journal: Arc<dyn Journal>,
    pub(super) reason: ReversalReason,
    pub(super) dialect: Dialect,
    pub(super) max_attempts: u32,
    pub(super) retry_interval: Duration,
    pub(super) expire_after: Duration,
    pub(super) answer_timeout: Duration,
    pub(super) concurrency: usize,
}

impl core::fmt::Debug for ReversalConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReversalConfig")
            .field("reason", &self.reason)
            .field("dialect", &self.dialect)
            .field("max_attempts", &self.max_attempts)
            .field("retry_interval", &self.retry_interval)
            .field("expire_after", &self.expire_after)
            .field("answer_timeout", &self.answer_timeout)
            .finish_non_exhaustive()
    }
}

impl ReversalConfig {
    /// Reversals on `journal`: 0400 with the ISO 8583:1987 "no response" reason, up to 10
    /// transmissions 30 s apart, given up after 24 hours, each waiting 30 s for its answer.
    #[must_use]
    pub fn new(journal: Arc<dyn Journal>) -> Self {
        Self {
            journal,
            reason: ReversalReason::no_response(Dialect::Iso8583_1987),
            dialect: Dialect::Iso8583_1987,
            max_attempts: 10,
            retry_interval: Duration::from_secs(30),
            expire_after: Duration::from_secs(24 * 3600),
            answer_timeout: Duration::from_secs(30),
            concurrency: 8,
        }
    }

    /// The dialect whose reason code goes in DE39 and whose taxonomy reads the answers.
    #[must_use]
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self.reason = ReversalReason::no_response(dialect).advice(self.reason.is_advice());
        self
    }

    /// Send 0420 advices instead of 0400 requests.
    #[must_use]
    pub fn advice(mut self, advice: bool) -> Self {
        self.reason = self.reason.advice(advice);
        self
    }

    /// The reason (DE39 code and advice or not) used for every reversal.
    #[must_use]
    pub fn reason(mut self, reason: ReversalReason) -> Self {
        self.reason = reason;
        self
    }

    /// The most transmissions before a reversal is parked for a person.
    #[must_use]
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The wait between transmissions of one reversal.
    #[must_use]
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// How long after its creation a reversal is still sent.
    #[must_use]
    pub fn expire_after(mut self, expire_after: Duration) -> Self {
        self.expire_after = expire_after;
        self
    }

    /// How long each transmission waits for its answer.
    #[must_use]
    pub fn answer_timeout(mut self, timeout: Duration) -> Self {
        self.answer_timeout = timeout;
        self
    }

    /// The journal.
    #[must_use]
    pub fn journal(&self) -> &Arc<dyn Journal> {
        &self.journal
    }
}

type UnsolicitedFn = Arc<dyn Fn(Unsolicited) + Send + Sync>;
type ReversalFn = Arc<dyn Fn(ReversalEvent) + Send + Sync>;
type NetworkFn = Arc<dyn Fn(&Spec, &str, &str) -> Result<Message, EncodeError> + Send + Sync>;

/// Everything a [`Channel`] needs; built with [`ChannelConfig::new`] and the setters.
///
/// [`Channel`]: super::Channel
#[derive(Clone)]
pub struct ChannelConfig {
    pub(super) spec: Arc<Spec>,
    pub(super) framer: Framer,
    pub(super) frame_header: Bytes,
    pub(super) matcher: Arc<dyn Matcher>,
    pub(super) max_in_flight: usize,
    pub(super) connect_timeout: Duration,
    pub(super) idle: Option<Duration>,
    pub(super) sign_on: bool,
    pub(super) answer_echo: bool,
    pub(super) backoff: Backoff,
    pub(super) reversal: Option<ReversalConfig>,
    pub(super) on_unsolicited: Option<UnsolicitedFn>,
    pub(super) on_reversal: Option<ReversalFn>,
    pub(super) network_message: NetworkFn,
    pub(super) late_memory: usize,
}

impl core::fmt::Debug for ChannelConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChannelConfig")
            .field("spec", &self.spec.name())
            .field("framer", &self.framer)
            .field("max_in_flight", &self.max_in_flight)
            .field("connect_timeout", &self.connect_timeout)
            .field("idle", &self.idle)
            .field("sign_on", &self.sign_on)
            .field("answer_echo", &self.answer_echo)
            .field("backoff", &self.backoff)
            .field("reversal", &self.reversal)
            .finish_non_exhaustive()
    }
}

/// The default network management message: an 0800 with DE7, DE11 and DE70 (`001` sign-on,
/// `301` echo test).
fn default_network_message(spec: &Spec, stan: &str, code: &str) -> Result<Message, EncodeError> {
    let mut m = Message::new(Mti::NETWORK_REQUEST);
    m.set(spec, 7, transmission_time(SystemTime::now()))?
        .set(spec, 11, stan)?
        .set(spec, 70, code)?;
    Ok(m)
}

impl ChannelConfig {
    /// A channel for messages of `spec` in frames of `framer`, with the defaults: the
    /// [`KeyFields::default`] matching key (MTI class, DE11, DE41), 1024 requests in flight,
    /// a 10 s connect timeout, an 0800 echo test after 30 s without traffic, no sign-on, the
    /// host's 0800 answered, no reversals.
    #[must_use]
    pub fn new(spec: Spec, framer: Framer) -> Self {
        Self {
            spec: Arc::new(spec),
            framer,
            frame_header: Bytes::new(),
            matcher: Arc::new(KeyFields::default()),
            max_in_flight: 1024,
            connect_timeout: Duration::from_secs(10),
            idle: Some(Duration::from_secs(30)),
            sign_on: false,
            answer_echo: true,
            backoff: Backoff::default(),
            reversal: None,
            on_unsolicited: None,
            on_reversal: None,
            network_message: Arc::new(default_network_message),
            late_memory: 4096,
        }
    }

    /// The fixed frame header (e.g. a TPDU) written before every message; it must be as long as
    /// the framer's.
    #[must_use]
    pub fn frame_header(mut self, header: impl Into<Bytes>) -> Self {
        self.frame_header = header.into();
        self
    }

    /// The matching key.
    #[must_use]
    pub fn matcher(mut self, matcher: impl Matcher) -> Self {
        self.matcher = Arc::new(matcher);
        self
    }

    /// The most requests waiting for an answer at once; further `send`s wait for a slot.
    #[must_use]
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// The time allowed for a TCP (and TLS) connect.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Send an echo test (0800, DE70 `301`) after this long without traffic; `None` never.
    #[must_use]
    pub fn keep_alive(mut self, idle: Option<Duration>) -> Self {
        self.idle = idle;
        self
    }

    /// Sign on (0800, DE70 `001`) on every connect; a sign-on that is not answered `00` drops the
    /// connection and the channel tries again after the backoff.
    #[must_use]
    pub fn sign_on(mut self, sign_on: bool) -> Self {
        self.sign_on = sign_on;
        self
    }

    /// Answer the host's 0800 with an 0810 (`00`) automatically (the default); when `false`
    /// they go to the unsolicited handler.
    #[must_use]
    pub fn answer_echo(mut self, answer: bool) -> Self {
        self.answer_echo = answer;
        self
    }

    /// Reconnect delays.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Reverse what may have reached the host, through this journal and these settings.
    #[must_use]
    pub fn reversal(mut self, reversal: ReversalConfig) -> Self {
        self.reversal = Some(reversal);
        self
    }

    /// Where late and unmatched responses and the host's own requests go. Without a handler they
    /// are counted and logged (masked). The handler runs on the reader task: keep it short, or
    /// hand the message to a queue.
    #[must_use]
    pub fn on_unsolicited(mut self, handler: impl Fn(Unsolicited) + Send + Sync + 'static) -> Self {
        self.on_unsolicited = Some(Arc::new(handler));
        self
    }

    /// Told of every step of every reversal.
    #[must_use]
    pub fn on_reversal(mut self, handler: impl Fn(ReversalEvent) + Send + Sync + 'static) -> Self {
        self.on_reversal = Some(Arc::new(handler));
        self
    }

    /// Builds the channel's own network management requests (sign-on and echo test) from the
    /// spec, a fresh STAN and the DE70 code (`001`, `301`), for hosts whose 0800 differs from
    /// the default (DE7, DE11, DE70).
    #[must_use]
    pub fn network_message(
        mut self,
        build: impl Fn(&Spec, &str, &str) -> Result<Message, EncodeError> + Send + Sync + 'static,
    ) -> Self {
        self.network_message = Arc::new(build);
        self
    }

    /// The spec.
    #[must_use]
    pub fn spec(&self) -> &Spec {
        &self.spec
    }
}
