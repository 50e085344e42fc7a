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

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, Notify, Semaphore};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use super::clock::{transmission_time, unix_ms, StanCounter};
use super::framing::{FrameCodec, FramingError, Inbound};
use super::journal::{Journal, JournalError, NewReversal, ParkReason};
use super::matching::{KeyFields, KeyHashState, MatchKey, Matcher};
use crate::frame::Framer;
use crate::message::ReversalReason;
use crate::response::{reversal_verdict, Dialect, Outcome, ReversalVerdict};
use crate::{EncodeError, Message, MessageView, Mti, Spec};

/// Where the channel connects.
#[derive(Clone)]
#[non_exhaustive]
pub enum Endpoint {
    /// Plain TCP to `host:port`.
    Tcp(String),
    /// TLS over TCP (feature `tls`).
    #[cfg(feature = "tls")]
    Tls {
        /// `host:port` to connect to.
        addr: String,
        /// The name the server's certificate must carry.
        server_name: tokio_rustls::rustls::pki_types::ServerName<'static>,
        /// The TLS client configuration (roots, client certificate).
        connector: tokio_rustls::TlsConnector,
    },
}

impl Endpoint {
    /// Plain TCP to `addr` (`host:port`).
    #[must_use]
    pub fn tcp(addr: impl Into<String>) -> Self {
        Self::Tcp(addr.into())
    }

    /// TLS over TCP to `addr` (feature `tls`), checking that the server's certificate is valid
    /// for `server_name` under `config` (its roots, and a client certificate if the host asks).
    ///
    /// # Errors
    /// When `server_name` is not a valid DNS name or IP address.
    #[cfg(feature = "tls")]
    pub fn tls(
        addr: impl Into<String>,
        server_name: &str,
        config: Arc<tokio_rustls::rustls::ClientConfig>,
    ) -> Result<Self, tokio_rustls::rustls::pki_types::InvalidDnsNameError> {
        let server_name =
            tokio_rustls::rustls::pki_types::ServerName::try_from(server_name.to_owned())?;
        Ok(Self::Tls {
            addr: addr.into(),
            server_name,
            connector: tokio_rustls::TlsConnector::from(config),
        })
    }

    /// The address connected to.
    #[must_use]
    pub fn addr(&self) -> &str {
        match self {
            Self::Tcp(a) => a,
            #[cfg(feature = "tls")]
            Self::Tls { addr, .. } => addr,
        }
    }
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tcp(a) => write!(f, "tcp://{a}"),
            #[cfg(feature = "tls")]
            Self::Tls { addr, .. } => write!(f, "tls://{addr}"),
        }
    }
}

/// Reconnect delays: exponential from `initial` up to `max`, each with up to 50 % random
/// jitter so that many terminals do not reconnect in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay.
    pub initial: Duration,
    /// The largest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 100 ms doubling up to 30 s.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before reconnect attempt `attempt` (0-based), with jitter from `seed`.
    fn delay(&self, attempt: u32, seed: u64) -> Duration {
        let base = self
            .initial
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max);
        // Up to half of the delay again, from a cheap mix of the seed.
        let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
        let half = u64::try_from(base.as_micros() / 2)
            .unwrap_or(u64::MAX)
            .max(1);
        base + Duration::from_micros(mixed % half)
    }
}

/// How the channel reverses requests that may have reached the host.
#[derive(Clone)]
pub struct ReversalConfig {
    journal: Arc<dyn Journal>,
    reason: ReversalReason,
    dialect: Dialect,
    max_attempts: u32,
    retry_interval: Duration,
    expire_after: Duration,
    answer_timeout: Duration,
    concurrency: usize,
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

/// A message that no pending request took.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Unsolicited {
    /// A response whose request had already given up waiting.
    Late(Message),
    /// A response that matches no request.
    Unmatched(Message),
    /// A request from the host (other than an 0800 the channel answered itself).
    Request(Message),
}

impl Unsolicited {
    /// The message.
    #[must_use]
    pub fn message(&self) -> &Message {
        match self {
            Self::Late(m) | Self::Unmatched(m) | Self::Request(m) => m,
        }
    }
}

/// What happened to a journalled reversal, reported to [`ChannelConfig::on_reversal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReversalEvent {
    /// Journalled, before `send` returned.
    Queued {
        /// The journal's identifier.
        id: i64,
    },
    /// Written to the host (`attempt` counts from 1).
    Sent {
        /// The journal's identifier.
        id: i64,
        /// The transmission's number.
        attempt: u32,
    },
    /// Accepted by the host and removed from the journal.
    Accepted {
        /// The journal's identifier.
        id: i64,
    },
    /// Given up on; it stays in the journal.
    Parked {
        /// The journal's identifier.
        id: i64,
        /// Why.
        reason: ParkReason,
    },
}

type UnsolicitedFn = Arc<dyn Fn(Unsolicited) + Send + Sync>;
type ReversalFn = Arc<dyn Fn(ReversalEvent) + Send + Sync>;
type NetworkFn = Arc<dyn Fn(&Spec, &str, &str) -> Result<Message, EncodeError> + Send + Sync>;

/// Everything a [`Channel`] needs; built with [`ChannelConfig::new`] and the setters.
#[derive(Clone)]
pub struct ChannelConfig {
    spec: Arc<Spec>,
    framer: Framer,
    frame_header: Bytes,
    matcher: Arc<dyn Matcher>,
    max_in_flight: usize,
    connect_timeout: Duration,
    idle: Option<Duration>,
    sign_on: bool,
    answer_echo: bool,
    backoff: Backoff,
    reversal: Option<ReversalConfig>,
    on_unsolicited: Option<UnsolicitedFn>,
    on_reversal: Option<ReversalFn>,
    network_message: NetworkFn,
    late_memory: usize,
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

/// How a request that got no usable response ended. Maps onto [`Outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// Nothing was sent: no connection, or the request was still queued when its time ran out.
    ConnectionFailed,
    /// Writing the request stopped part-way; the host may have received it.
    SendFailed,
    /// Sent in full; no answer in time.
    NoResponse,
    /// Sent in full; the connection closed before the answer.
    ConnectionLost,
}

impl Failure {
    /// The taxonomy's outcome.
    #[must_use]
    pub const fn outcome(self) -> Outcome {
        match self {
            Self::ConnectionFailed => Outcome::ConnectionFailed,
            Self::SendFailed => Outcome::SendFailed,
            Self::NoResponse => Outcome::NoResponse,
            Self::ConnectionLost => Outcome::ConnectionLost,
        }
    }

    /// The name used in JSON output (`connection_failed`, `send_failed`, `no_response`,
    /// `connection_lost`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConnectionFailed => "connection_failed",
            Self::SendFailed => "send_failed",
            Self::NoResponse => "no_response",
            Self::ConnectionLost => "connection_lost",
        }
    }

    /// Whether the request may have reached the host, so that a reversal is due.
    #[must_use]
    pub const fn may_have_reached_host(self) -> bool {
        !matches!(self, Self::ConnectionFailed)
    }
}

/// What became of the reversal of a failed request.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReversalStatus {
    /// No reversal: none was due, the request is not one that is reversed, or the channel has
    /// no [`ReversalConfig`].
    None,
    /// Journalled durably, with this identifier; the channel sends it.
    Queued(i64),
    /// Due, but it could not be built or journalled: a person must reverse by hand.
    Failed(ReversalFailure),
}

/// Why a due reversal could not be queued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReversalFailure {
    /// The reversal message could not be built or encoded under the spec.
    #[error("building the reversal: {0}")]
    Build(#[from] EncodeError),
    /// The journal refused it.
    #[error("journalling the reversal: {0}")]
    Journal(#[from] JournalError),
}

/// Why [`Channel::send`] returned no response.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendErrorKind {
    /// The request may or may not have been sent; see [`Failure`].
    #[error("{}", .0.as_str())]
    Failed(Failure),
    /// A request with the same matching key is already waiting; this one was not sent.
    #[error("a request with the same matching key is already pending")]
    DuplicateKey,
    /// The request lacks the fields of the matching key (DE11); it was not sent.
    #[error("the request has no matching key (DE11 and the key's fields)")]
    NoKey,
    /// The request could not be encoded under the channel's spec; it was not sent.
    #[error("encoding the request: {0}")]
    Encode(#[from] FramingError),
    /// The channel is closing; the request was not sent.
    #[error("the channel is closed")]
    Closed,
}

/// A request that got no response: why, and what became of its reversal.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct SendError {
    kind: SendErrorKind,
    reversal: ReversalStatus,
}

impl SendError {
    fn refused(kind: SendErrorKind) -> Self {
        Self {
            kind,
            reversal: ReversalStatus::None,
        }
    }

    /// A refusal because the channel (or pool) is closed.
    pub(crate) fn closed() -> Self {
        Self::refused(SendErrorKind::Closed)
    }

    /// Why.
    #[must_use]
    pub fn kind(&self) -> &SendErrorKind {
        &self.kind
    }

    /// The failure, when the request went (or tried to go) to the host.
    #[must_use]
    pub fn failure(&self) -> Option<Failure> {
        match self.kind {
            SendErrorKind::Failed(f) => Some(f),
            _ => None,
        }
    }

    /// What became of the reversal.
    #[must_use]
    pub fn reversal(&self) -> &ReversalStatus {
        &self.reversal
    }
}

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
struct Counters {
    sent: AtomicU64,
    received: AtomicU64,
    timeouts: AtomicU64,
    late: AtomicU64,
    unmatched: AtomicU64,
    malformed: AtomicU64,
    connects: AtomicU64,
    connect_failures: AtomicU64,
    reversals_queued: AtomicU64,
    reversals_accepted: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// How far a pending request got on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// In the writer's queue; not a byte written.
    Queued,
    /// Taken by the writer; bytes may be on the wire.
    Writing,
    /// Written in full.
    Written,
}

enum Reply {
    /// The answer's message bytes, checked already; the waiting task builds the `Message`.
    Response(Bytes),
    Failed(Failure),
}

struct Entry {
    reply: oneshot::Sender<Reply>,
    stage: Stage,
    conn: u64,
    /// When the request gives up; the sweeper resolves it then.
    deadline: tokio::time::Instant,
}

/// The pending table and the memory of keys that gave up, under one lock.
struct Pending {
    map: HashMap<MatchKey, Entry, KeyHashState>,
    gave_up: HashSet<MatchKey, KeyHashState>,
    gave_up_order: VecDeque<MatchKey>,
    late_memory: usize,
}

impl Pending {
    fn remember_gave_up(&mut self, key: MatchKey) {
        if self.late_memory == 0 {
            return;
        }
        if self.gave_up.insert(key) {
            self.gave_up_order.push_back(key);
        }
        while self.gave_up_order.len() > self.late_memory {
            if let Some(old) = self.gave_up_order.pop_front() {
                self.gave_up.remove(&old);
            }
        }
    }

    /// Resolves every request of connection `conn` after it closed, by how far it got.
    fn fail_connection(&mut self, conn: u64) {
        let keys: Vec<MatchKey> = self
            .map
            .iter()
            .filter(|(_, e)| e.conn == conn)
            .map(|(k, _)| *k)
            .collect();
        for key in keys {
            if let Some(entry) = self.map.remove(&key) {
                let failure = match entry.stage {
                    Stage::Queued => Failure::ConnectionFailed,
                    Stage::Writing => Failure::SendFailed,
                    Stage::Written => Failure::ConnectionLost,
                };
                let _ = entry.reply.send(Reply::Failed(failure));
            }
        }
    }
}

/// A frame for the writer. `key` is `None` for frames nobody waits on (answers to the host's
/// echo tests).
struct Outgoing {
    key: Option<MatchKey>,
    frame: Bytes,
}

/// What requests waiting for a connection watch.
#[derive(Clone, Default)]
struct Link {
    conn: Option<Connection>,
    failures: u64,
}

#[derive(Clone)]
struct Connection {
    id: u64,
    tx: mpsc::UnboundedSender<Outgoing>,
}

struct Shared {
    config: ChannelConfig,
    endpoint: Endpoint,
    pending: Mutex<Pending>,
    slots: Arc<Semaphore>,
    /// The connection requests go to, once it is up (and signed on), and the count of failed
    /// connects, watched by requests that wait for a connection.
    link: tokio::sync::watch::Sender<Link>,
    counters: Counters,
    closing: AtomicBool,
    shutdown: CancellationToken,
    saf_wake: Notify,
    /// Wakes the sweeper when a request's deadline is earlier than the one it sleeps until.
    sweep_wake: Notify,
    /// The deadline the sweeper sleeps until, in ms since `epoch` (`u64::MAX`: none).
    sweep_at: AtomicU64,
    /// Held by whoever forwards reversals.
    saf_turn: tokio::sync::Mutex<()>,
    stan: StanCounter,
    /// The last time anything was written or read, in ms since `epoch`.
    last_traffic: AtomicU64,
    epoch: Instant,
}

impl Shared {
    fn pending(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding the lock cannot leave the table half-changed (every change is
        // one map operation), so a poisoned lock is still sound to use.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn current(&self) -> Option<Connection> {
        self.link.borrow().conn.clone()
    }

    fn set_current(&self, conn: Option<Connection>) {
        self.link.send_modify(|link| link.conn = conn);
    }

    /// The connection, or, while there is none, the one the supervisor's next connect makes,
    /// waiting at most until `deadline`; `None` when that connect fails or time runs out. A
    /// request that arrives while the channel reconnects after a drop goes out on the new
    /// connection instead of failing at once; one that arrives while the host is down fails as
    /// soon as the next connect does.
    async fn connection(&self, deadline: tokio::time::Instant) -> Option<Connection> {
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
    fn sweep_by(&self, deadline: tokio::time::Instant) {
        let at = self.ms_since_epoch(deadline.into_std());
        if at < self.sweep_at.load(Ordering::Acquire) {
            self.sweep_at.store(at, Ordering::Release);
            self.sweep_wake.notify_one();
        }
    }

    fn ms_since_epoch(&self, t: Instant) -> u64 {
        u64::try_from(t.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_traffic.store(ms, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(now.saturating_sub(self.last_traffic.load(Ordering::Relaxed)))
    }

    fn frame(&self, message: &Message) -> Result<Bytes, FramingError> {
        let codec = FrameCodec::new(self.config.framer);
        let mut buf = BytesMut::new();
        codec.encode_message(
            &self.config.frame_header,
            message,
            &self.config.spec,
            &mut buf,
        )?;
        Ok(buf.freeze())
    }

    /// The matching key of a framed message the channel built.
    fn key_of_frame(&self, frame: &[u8]) -> Option<MatchKey> {
        let skip = self.config.framer.length_header().width() + self.config.frame_header.len();
        let view = MessageView::decode(&self.config.spec, frame.get(skip..)?).ok()?;
        self.config.matcher.key(&view)
    }

    fn reversal_event(&self, event: ReversalEvent) {
        tracing::info!(?event, "reversal");
        if let Some(f) = &self.config.on_reversal {
            f(event);
        }
    }
}

/// A handle on a connection to a host; see the [module docs](self). Clones share it.
#[derive(Clone)]
pub struct Channel {
    shared: Arc<Shared>,
}

impl core::fmt::Debug for Channel {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("endpoint", &self.shared.endpoint)
            .field("stats", &self.stats())
            .finish()
    }
}

/// Whether a request of this MTI is reversed when it may have reached the host: authorisation
/// and financial requests (x100, x200) and their repeats; not advices, not reversals.
fn is_reversible(mti: Mti) -> bool {
    let [_, _, function, _] = *mti.as_bytes();
    matches!(mti.class(), 1 | 2) && function == b'0'
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
        let slots = Arc::new(Semaphore::new(config.max_in_flight));
        let late_memory = config.late_memory;
        let shared = Arc::new(Shared {
            endpoint,
            pending: Mutex::new(Pending {
                map: HashMap::with_capacity_and_hasher(
                    config.max_in_flight.min(4096),
                    KeyHashState::default(),
                ),
                gave_up: HashSet::default(),
                gave_up_order: VecDeque::new(),
                late_memory,
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
        });
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

    /// One request and its answer, with no reversal.
    ///
    /// With `reverse`, a caller that drops the future after the request may have gone out still
    /// gets its request reversed (see [`Waiting`]).
    async fn exchange(
        &self,
        request: &Message,
        timeout: Duration,
        reverse: bool,
    ) -> Result<Message, SendError> {
        let shared = &self.shared;
        let deadline = tokio::time::Instant::now() + timeout;
        if shared.closing.load(Ordering::Acquire) {
            return Err(SendError::refused(SendErrorKind::Closed));
        }
        let frame = shared
            .frame(request)
            .map_err(|e| SendError::refused(SendErrorKind::Encode(e)))?;
        let key = shared
            .key_of_frame(&frame)
            .ok_or(SendError::refused(SendErrorKind::NoKey))?;
        // A timer only when there is a wait: the common case takes a free slot at once. The
        // permits borrow the semaphore: cloning its `Arc` for an owned one was one more
        // counter that every request bounced between the cores.
        let permit = match shared.slots.try_acquire() {
            Ok(permit) => Ok(permit),
            Err(_) => tokio::time::timeout_at(deadline, shared.slots.acquire())
                .await
                .map_err(|_| ())
                .and_then(|r| r.map_err(|_| ())),
        };
        let Ok(_permit) = permit else {
            // No slot in time (or the semaphore closed): nothing was sent.
            return Err(SendError::refused(SendErrorKind::Failed(
                Failure::ConnectionFailed,
            )));
        };
        // On the connection that is up, without cloning its handle (two more shared counters);
        // only when there is none, wait for the next connect.
        let rx = match self.enqueue_now(key, frame, deadline) {
            Ok(queued) => queued?,
            Err(frame) => {
                let Some(conn) = shared.connection(deadline).await else {
                    return Err(SendError::refused(SendErrorKind::Failed(
                        Failure::ConnectionFailed,
                    )));
                };
                self.enqueue(&conn, key, frame, deadline)?
            }
        };
        self.wait(rx, key, reverse.then_some(request)).await
    }

    /// [`enqueue`](Self::enqueue) on the current connection; the frame back when there is none.
    fn enqueue_now(
        &self,
        key: MatchKey,
        frame: Bytes,
        deadline: tokio::time::Instant,
    ) -> Result<Result<oneshot::Receiver<Reply>, SendError>, Bytes> {
        let link = self.shared.link.borrow();
        match &link.conn {
            Some(conn) => Ok(self.enqueue(conn, key, frame, deadline)),
            None => Err(frame),
        }
    }

    /// Puts a framed request on connection `conn` and waits for its answer until `deadline`.
    async fn exchange_on(
        &self,
        conn: &Connection,
        key: MatchKey,
        frame: Bytes,
        deadline: tokio::time::Instant,
        request: Option<&Message>,
    ) -> Result<Message, SendError> {
        let rx = self.enqueue(conn, key, frame, deadline)?;
        self.wait(rx, key, request).await
    }

    /// Enters a framed request in the pending table and queues it for the writer of `conn`.
    fn enqueue(
        &self,
        conn: &Connection,
        key: MatchKey,
        frame: Bytes,
        deadline: tokio::time::Instant,
    ) -> Result<oneshot::Receiver<Reply>, SendError> {
        let shared = &self.shared;
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = shared.pending();
            if pending.map.contains_key(&key) {
                return Err(SendError::refused(SendErrorKind::DuplicateKey));
            }
            pending.gave_up.remove(&key);
            pending.map.insert(
                key,
                Entry {
                    reply: tx,
                    stage: Stage::Queued,
                    conn: conn.id,
                    deadline,
                },
            );
        }
        shared.sweep_by(deadline);
        if conn
            .tx
            .send(Outgoing {
                key: Some(key),
                frame,
            })
            .is_err()
        {
            // The writer is gone; unless the connection's end already resolved the entry, it
            // was never sent.
            let removed = shared.pending().map.remove(&key);
            if removed.is_some() {
                return Err(SendError::refused(SendErrorKind::Failed(
                    Failure::ConnectionFailed,
                )));
            }
        }
        Ok(rx)
    }

    /// Waits for the reply to a request entered by [`enqueue`](Self::enqueue).
    async fn wait(
        &self,
        rx: oneshot::Receiver<Reply>,
        key: MatchKey,
        request: Option<&Message>,
    ) -> Result<Message, SendError> {
        let shared = &self.shared;
        // From here the request may be on the wire: if the caller drops this future, the guard
        // still takes the entry out of the table and reverses what may have reached the host.
        let mut guard = Waiting {
            channel: self,
            key,
            request,
            rx: Some(rx),
        };
        // The sweeper resolves the request at its deadline (`NoResponse`, or `ConnectionFailed`
        // if it never left the queue), so no timer is set per request: registering and
        // clearing one cost about 0.4 µs of each round trip (benches/net.rs, perf).
        // `None`: the reply's sender is gone without a word (which no remover does).
        let reply = match guard.rx.as_mut() {
            Some(rx) => rx.await.ok(),
            None => None,
        };
        guard.disarm();
        match reply {
            // The reader checked these bytes with this spec: they decode.
            Some(Reply::Response(bytes)) => Message::decode(&shared.config.spec, bytes)
                .map_err(|_| SendError::refused(SendErrorKind::Failed(Failure::ConnectionLost))),
            Some(Reply::Failed(f)) => Err(SendError::refused(SendErrorKind::Failed(f))),
            // Every remover sends before dropping; if one did not, assume the worst.
            None => Err(SendError::refused(SendErrorKind::Failed(
                Failure::ConnectionLost,
            ))),
        }
    }

    /// Builds and journals the reversal of `request` when one is due and configured.
    async fn queue_reversal(&self, request: &Message) -> ReversalStatus {
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

/// A request waiting for its answer. Dropped while still armed (its caller dropped the `send`
/// future), it takes the request's entry out of the pending table, so that the key is free and
/// `in_flight` is right, and, when the request may have reached the host, journals its reversal
/// in a task of its own: a request that went out is reversed whether or not anyone waits for it.
struct Waiting<'c> {
    channel: &'c Channel,
    key: MatchKey,
    /// The request to reverse if abandoned; `None` for the channel's own messages and for
    /// reversals (which stay in the journal anyway).
    request: Option<&'c Message>,
    rx: Option<oneshot::Receiver<Reply>>,
}

impl Waiting<'_> {
    /// The request has its outcome; nothing is left to clean up.
    fn disarm(&mut self) {
        self.request = None;
        self.rx = None;
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let Some(mut rx) = self.rx.take() else {
            return;
        };
        let shared = &self.channel.shared;
        let entry = {
            let mut pending = shared.pending();
            let entry = pending.map.remove(&self.key);
            if entry.is_some() {
                pending.remember_gave_up(self.key);
            }
            entry
        };
        let reached = match entry {
            Some(entry) => entry.stage != Stage::Queued,
            None => matches!(rx.try_recv(), Ok(Reply::Failed(f)) if f.may_have_reached_host()),
        };
        tracing::debug!(key = ?self.key, reached, "a send was abandoned by its caller");
        let (Some(request), true) = (self.request, reached) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("an abandoned request could not be reversed: no runtime");
            return;
        };
        let channel = self.channel.clone();
        let request = request.clone();
        runtime.spawn(async move {
            let _ = channel.queue_reversal(&request).await;
        });
    }
}

/// Resolves every request whose deadline has passed, then sleeps until the earliest deadline
/// left (or until a request with an earlier one arrives). Ends once the channel is shut down
/// and nothing is pending.
async fn sweep(shared: Arc<Shared>) {
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

/// Connects, with the configured timeout, and runs the connection until it ends.
async fn supervise(shared: Arc<Shared>) {
    let mut attempt: u32 = 0;
    let mut conn_id: u64 = 0;
    loop {
        if shared.closing.load(Ordering::Acquire) {
            return;
        }
        let connected = tokio::select! {
            c = connect(&shared) => c,
            () = shared.shutdown.cancelled() => return,
        };
        match connected {
            Ok(stream) => {
                attempt = 0;
                conn_id += 1;
                bump(&shared.counters.connects);
                tracing::info!(endpoint = ?shared.endpoint, conn = conn_id, "connected");
                let ended = match stream {
                    Stream::Tcp(s) => {
                        let _ = s.set_nodelay(true);
                        // Owned halves: unlike `tokio::io::split`, no lock between reader and
                        // writer.
                        let (read, write) = s.into_split();
                        run_connection(&shared, conn_id, read, write).await
                    }
                    #[cfg(feature = "tls")]
                    Stream::Tls(s) => {
                        let (read, write) = tokio::io::split(*s);
                        run_connection(&shared, conn_id, read, write).await
                    }
                };
                shared.set_current(None);
                shared.pending().fail_connection(conn_id);
                if ended == Ended::Shutdown {
                    return;
                }
                tracing::warn!(endpoint = ?shared.endpoint, conn = conn_id, "connection lost");
            }
            Err(e) => {
                bump(&shared.counters.connect_failures);
                shared.link.send_modify(|link| link.failures += 1);
                tracing::warn!(endpoint = ?shared.endpoint, error = %e, "connect failed");
            }
        }
        let delay = shared.config.backoff.delay(
            attempt,
            conn_id ^ u64::from(shared.epoch.elapsed().subsec_nanos()),
        );
        attempt = attempt.saturating_add(1);
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = shared.shutdown.cancelled() => return,
        }
    }
}

enum Stream {
    Tcp(tokio::net::TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>),
}

async fn connect(shared: &Shared) -> std::io::Result<Stream> {
    let timeout = shared.config.connect_timeout;
    let timed_out = || std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out");
    let tcp = tokio::time::timeout(
        timeout,
        tokio::net::TcpStream::connect(shared.endpoint.addr()),
    )
    .await
    .map_err(|_| timed_out())??;
    match &shared.endpoint {
        Endpoint::Tcp(_) => Ok(Stream::Tcp(tcp)),
        #[cfg(feature = "tls")]
        Endpoint::Tls {
            server_name,
            connector,
            ..
        } => {
            let tls = tokio::time::timeout(timeout, connector.connect(server_name.clone(), tcp))
                .await
                .map_err(|_| timed_out())??;
            Ok(Stream::Tls(Box::new(tls)))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ended {
    Lost,
    Shutdown,
}

/// Runs one connection: a reader task, a writer task, sign-on, keep-alive; returns when any of
/// them ends or on shutdown.
async fn run_connection<R, W>(shared: &Arc<Shared>, id: u64, read: R, write: W) -> Ended
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let conn = Connection { id, tx };
    let mut writer = tokio::spawn(write_frames(Arc::clone(shared), write, rx));
    let mut reader = tokio::spawn(read_frames(Arc::clone(shared), read, conn.clone()));
    shared.touch();

    let channel = Channel {
        shared: Arc::clone(shared),
    };
    if shared.config.sign_on {
        let ok = tokio::select! {
            ok = network_exchange(&channel, &conn, "001") => ok,
            _ = &mut reader => false,
            _ = &mut writer => false,
        };
        if !ok {
            tracing::warn!(conn = id, "sign-on failed");
            shared.link.send_modify(|link| link.failures += 1);
            reader.abort();
            writer.abort();
            return Ended::Lost;
        }
    }
    shared.set_current(Some(conn.clone()));
    shared.saf_wake.notify_one();

    let tick = shared.config.idle.map_or(Duration::from_secs(3600), |d| {
        (d / 4).max(Duration::from_millis(10))
    });
    let ended = loop {
        tokio::select! {
            _ = &mut reader => break Ended::Lost,
            _ = &mut writer => break Ended::Lost,
            () = shared.shutdown.cancelled() => break Ended::Shutdown,
            () = tokio::time::sleep(tick) => {
                if let Some(idle) = shared.config.idle {
                    if shared.idle_for() >= idle {
                        shared.touch();
                        let channel = channel.clone();
                        let conn = conn.clone();
                        tokio::spawn(async move {
                            if !network_exchange(&channel, &conn, "301").await {
                                tracing::warn!("echo test not answered");
                            }
                        });
                    }
                }
            }
        }
    };
    reader.abort();
    writer.abort();
    ended
}

/// Sends one of the channel's own 0800s on `conn` and says whether it was answered `00`.
async fn network_exchange(channel: &Channel, conn: &Connection, code: &str) -> bool {
    let shared = &channel.shared;
    let stan = shared.stan.next_stan();
    let Ok(request) = (shared.config.network_message)(&shared.config.spec, &stan, code) else {
        return false;
    };
    let Ok(frame) = shared.frame(&request) else {
        return false;
    };
    let Some(key) = shared.key_of_frame(&frame) else {
        return false;
    };
    let wait = shared.config.idle.unwrap_or(Duration::from_secs(30));
    let deadline = tokio::time::Instant::now() + wait.min(Duration::from_secs(30));
    match channel.exchange_on(conn, key, frame, deadline, None).await {
        Ok(answer) => answer
            .field(&shared.config.spec, 39)
            .is_some_and(|f| f.as_bytes() == b"00"),
        Err(_) => false,
    }
}

/// The writer: takes every frame queued, writes them in one go, flushes, and records how far
/// each request got. On a write error it resolves the requests of the failed batch by the bytes
/// that went out, and ends.
async fn write_frames<W>(
    shared: Arc<Shared>,
    mut write: W,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
) where
    W: AsyncWrite + Unpin,
{
    let mut batch: Vec<Outgoing> = Vec::with_capacity(64);
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut ends: Vec<(Option<MatchKey>, usize, usize)> = Vec::with_capacity(64);
    let mut keep: Vec<bool> = Vec::with_capacity(64);
    let mut last_batch = 0usize;
    while let Some(first) = rx.recv().await {
        batch.push(first);
        // When requests have been coming in bunches, let the tasks that are about to queue more
        // run first, once, so that one write carries several: at 64 in flight this took the
        // frames per write from 1.1 to about 2.5. Yielding on every batch instead would add a
        // scheduler round to every request when only one is in flight (p50 7 µs → 25 µs;
        // benches/net.rs), so it is done only after a batch of several.
        if last_batch > 1 {
            tokio::task::yield_now().await;
        }
        while batch.len() < 256 {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        last_batch = batch.len();
        buf.clear();
        ends.clear();
        keep.clear();
        // Only the stages change under the lock; copying and freeing the frames happens after,
        // so that a `free` blocking in the allocator never holds the table (benches/net.rs).
        {
            let mut pending = shared.pending();
            keep.extend(batch.iter().map(|out| match out.key {
                None => true,
                Some(key) => match pending.map.get_mut(&key) {
                    Some(entry) if entry.stage == Stage::Queued => {
                        entry.stage = Stage::Writing;
                        true
                    }
                    // Gave up while queued: never put it on the wire.
                    _ => false,
                },
            }));
        }
        for (out, &keep) in batch.drain(..).zip(keep.iter()) {
            if keep {
                let start = buf.len();
                buf.extend_from_slice(&out.frame);
                ends.push((out.key, start, buf.len()));
            }
        }
        if buf.is_empty() {
            continue;
        }
        let mut written = 0usize;
        let mut failed = false;
        while written < buf.len() {
            match write.write(buf.get(written..).unwrap_or(&[])).await {
                Ok(0) | Err(_) => {
                    failed = true;
                    break;
                }
                Ok(n) => written += n,
            }
        }
        if !failed && write.flush().await.is_err() {
            failed = true;
        }
        shared.touch();
        let mut pending = shared.pending();
        for &(key, start, end) in &ends {
            let Some(key) = key else { continue };
            if end <= written {
                bump(&shared.counters.sent);
                if let Some(entry) = pending.map.get_mut(&key) {
                    entry.stage = Stage::Written;
                }
            } else if let Some(entry) = pending.map.remove(&key) {
                let failure = if start < written {
                    Failure::SendFailed
                } else {
                    Failure::ConnectionFailed
                };
                let _ = entry.reply.send(Reply::Failed(failure));
            }
        }
        if failed {
            return;
        }
    }
}

/// The reader: decodes every frame, hands responses to their requests, answers echo tests and
/// passes the rest on. Ends on a framing error (the stream cannot be trusted) or on close.
async fn read_frames<R>(shared: Arc<Shared>, read: R, conn: Connection)
where
    R: AsyncRead + Unpin,
{
    let mut frames =
        FramedRead::with_capacity(read, FrameCodec::new(shared.config.framer), 64 * 1024);
    let spec = &shared.config.spec;
    let mut handed: u32 = 0;
    while let Some(frame) = frames.next().await {
        // While a burst of answers is still buffered, let the tasks that took the last 8 run
        // (and queue their next requests for the writer) before handing out more: the host then
        // gets work while this side finishes the burst, instead of the two taking turns. With
        // the `Server` doing the same every 32, 64 in flight went from 245k to 300k-318k rt/s
        // (yielding every 16) and 512 in flight from 382k-429k to 322k-358k; every 8 rather
        // than 16 gave 324k-335k against 281k-302k at 64 in three runs each of one session
        // (every 4: 289k-300k). 1 in flight is unchanged: with nothing buffered it never
        // yields (benches/net.rs).
        handed = handed.wrapping_add(1);
        if handed.is_multiple_of(8) && !frames.read_buffer().is_empty() {
            tokio::task::yield_now().await;
        }
        let (header, bytes) = match frame {
            Ok(Inbound::KeepAlive) => {
                shared.touch();
                continue;
            }
            Ok(Inbound::Message { header, message }) => (header, message),
            Err(e) => {
                tracing::warn!(error = %e, "framing error; closing the connection");
                return;
            }
        };
        shared.touch();
        bump(&shared.counters.received);
        // Only a view here, to find the waiting request: the owned message is built by the
        // task that takes it, on its own core, and dropped there.
        let (mti, key) = match MessageView::decode(spec, &bytes) {
            Ok(view) => (view.mti(), shared.config.matcher.key(&view)),
            Err(e) => {
                bump(&shared.counters.malformed);
                tracing::warn!(error = %e, "a message did not decode; the connection stays up");
                continue;
            }
        };
        if mti.is_response() {
            let Some(key) = key else {
                unsolicited_bytes(&shared, spec, bytes, Unsolicited::Unmatched);
                continue;
            };
            let (entry, late) = {
                let mut pending = shared.pending();
                let entry = pending.map.remove(&key);
                let late = entry.is_none() && pending.gave_up.remove(&key);
                (entry, late)
            };
            match entry {
                Some(entry) => {
                    if let Err(Reply::Response(bytes)) = entry.reply.send(Reply::Response(bytes)) {
                        unsolicited_bytes(&shared, spec, bytes, Unsolicited::Late);
                    }
                }
                None if late => unsolicited_bytes(&shared, spec, bytes, Unsolicited::Late),
                None => unsolicited_bytes(&shared, spec, bytes, Unsolicited::Unmatched),
            }
            continue;
        }
        let Ok(message) = Message::decode(spec, bytes) else {
            continue;
        };
        if shared.config.answer_echo && message.mti() == Mti::NETWORK_REQUEST {
            // The same answer as the server's own: its echo fields, a TPDU header swapped.
            let Some(mut answer) = super::server::response_to(&message, super::server::ECHO_FIELDS)
            else {
                continue;
            };
            if answer.set(spec, 39, "00").is_err() {
                continue;
            }
            let codec = FrameCodec::new(shared.config.framer);
            let mut buf = BytesMut::new();
            let reply_header = super::framing::reply_header(&header);
            if codec
                .encode_message(&reply_header, &answer, spec, &mut buf)
                .is_ok()
            {
                let _ = conn.tx.send(Outgoing {
                    key: None,
                    frame: buf.freeze(),
                });
            }
        } else {
            unsolicited(&shared, Unsolicited::Request(message));
        }
    }
}

/// Hands message bytes checked already to the unsolicited handler, as `kind`.
fn unsolicited_bytes(shared: &Shared, spec: &Spec, bytes: Bytes, kind: fn(Message) -> Unsolicited) {
    if let Ok(message) = Message::decode(spec, bytes) {
        unsolicited(shared, kind(message));
    }
}

fn unsolicited(shared: &Shared, message: Unsolicited) {
    let (kind, counter) = match &message {
        Unsolicited::Late(_) => ("late", Some(&shared.counters.late)),
        Unsolicited::Unmatched(_) => ("unmatched", Some(&shared.counters.unmatched)),
        Unsolicited::Request(_) => ("request", None),
    };
    if let Some(c) = counter {
        bump(c);
    }
    tracing::info!(kind, mti = %message.message().mti(), "unsolicited message");
    if let Some(f) = &shared.config.on_unsolicited {
        f(message);
    }
}

/// The store-and-forward task: looks at the journal after every reversal queued, on every
/// connect and every second, and forwards what is due.
async fn forward_reversals(shared: Arc<Shared>) {
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
            r = channel.forward_due() => {
                if let Err(e) = r {
                    tracing::error!(error = %e, "reading the journal");
                }
            }
            () = shared.shutdown.cancelled() => return,
        }
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
        let shared = &self.shared;
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
                let channel = self.clone();
                let config = config.clone();
                tasks.spawn(async move { forward_one(&channel, &config, reversal).await });
            }
            while tasks.join_next().await.is_some() {}
        }
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
async fn forward_one(
    channel: &Channel,
    config: &ReversalConfig,
    reversal: super::journal::StoredReversal,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_with_at_most_half_again_of_jitter() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(2),
        };
        for (attempt, base_ms) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1600),
            (5, 2000),
            (30, 2000),
        ] {
            let base = Duration::from_millis(base_ms);
            for seed in [0, 1, 7, u64::MAX, 0x1234_5678] {
                let d = b.delay(attempt, seed);
                assert!(
                    d >= base && d < base + base / 2,
                    "attempt {attempt} seed {seed}: {d:?}"
                );
            }
        }
        // Different seeds spread the delays.
        let spread: HashSet<Duration> = (0..32).map(|s| b.delay(3, s)).collect();
        assert!(spread.len() > 16);
    }

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
