//! A host on tokio: it accepts connections, reads frames, runs a [`Handler`] for each request
//! and writes the answers.
//!
//! Each connection (a *session*) has one reader and one writer task. The reader splits the
//! stream into frames with [`FrameCodec`], decodes each message and hands it to the handler in a
//! task of its own, at most [`ServerConfig::max_in_flight`] at a time per session, so that a slow
//! or delayed answer does not hold up the requests behind it: answers go out in the order they
//! are ready, not the order the requests came in. The writer takes every answer that is ready,
//! writes them in one go and flushes once.
//!
//! | what arrives | what the server does |
//! | --- | --- |
//! | a message that decodes | the handler's [`Action`] |
//! | an 0800 (with [`ServerConfig::answer_echo`], the default) | an 0810 with DE39 `00`, without the handler |
//! | a frame whose message does not decode | the handler gets a [`Request`] holding the [`DecodeError`]; [`Request::format_error_response`] builds the usual answer; the session stays up |
//! | a length header that cannot be trusted (not a number, above the maximum) | that session is closed: the next frame cannot be found |
//! | a keep-alive | nothing |
//! | a connection above [`ServerConfig::max_sessions`] | accepted and closed at once |
//!
//! Answers carry the request's frame header with the TPDU swapped ([`reply_header`]);
//! [`response_to`] does the same for a TPDU at the start of the message header.
//! [`ServerHandle::shutdown`] stops accepting, lets the sessions finish the requests in flight
//! for up to a grace period, then closes everything.
//!
//! ```
//! use std::time::Duration;
//! use iso8583_wire::frame::{Framer, LengthHeader};
//! use iso8583_wire::net::server::{response_to, Action, Request, Server, ServerConfig, Session};
//! use iso8583_wire::Spec;
//!
//! /// Approves every request that decodes.
//! fn approve(spec: &Spec, request: &Request) -> Option<Action> {
//!     let mut answer = response_to(request.message().ok()?, &[3, 4, 11, 41])?;
//!     answer.set(spec, 39, "00").ok()?;
//!     Some(Action::Reply(answer))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let spec: &'static Spec = Spec::builtin("iso8583-1987-ascii").ok_or("no spec")?;
//! let config = ServerConfig::new(spec.clone(), Framer::new(LengthHeader::Binary2));
//! let server = Server::bind("127.0.0.1:0", config).await?;
//! let handle = server.start(move |_: &Session, request: Request| async move {
//!     approve(spec, &request).unwrap_or(Action::NoReply)
//! });
//! println!("listening on {}", handle.local_addr());
//! let stats = handle.shutdown(Duration::from_secs(1)).await;
//! assert_eq!(stats.sessions, 0);
//! # Ok(()) }
//! ```

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

pub use super::framing::reply_header;
use super::framing::{FrameCodec, FramingError, Inbound};
use crate::frame::Framer;
use crate::spec::MtiEncoding;
use crate::{DecodeError, Message, Mti, Spec};

/// The fields an automatic 0810 copies from the 0800, those present: transmission time, STAN,
/// local time and date, function code or NII, acquirer, terminal and network management code.
pub const ECHO_FIELDS: &[u16] = &[7, 11, 12, 13, 24, 32, 41, 70];

/// Bytes the writer gathers before it writes, at most (a single larger answer is written whole).
const MAX_BATCH: usize = 64 * 1024;

/// How a [`Server`] runs its sessions.
#[derive(Clone)]
pub struct ServerConfig {
    spec: Arc<Spec>,
    framer: Framer,
    max_sessions: usize,
    max_in_flight: usize,
    answer_echo: bool,
    #[cfg(feature = "tls")]
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl core::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("spec", &self.spec.name())
            .field("framer", &self.framer)
            .field("max_sessions", &self.max_sessions)
            .field("max_in_flight", &self.max_in_flight)
            .field("answer_echo", &self.answer_echo)
            .finish()
    }
}

impl ServerConfig {
    /// A server for messages of `spec` in frames of `framer`, with the defaults: 64 sessions,
    /// 64 requests in flight per session, 0800s answered without the handler.
    #[must_use]
    pub fn new(spec: impl Into<Arc<Spec>>, framer: Framer) -> Self {
        Self {
            spec: spec.into(),
            framer,
            max_sessions: 64,
            max_in_flight: 64,
            answer_echo: true,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }

    /// The same configuration serving TLS (feature `tls`): every connection does the TLS
    /// handshake with `acceptor` first; one that fails it is closed and counted as a framing
    /// error.
    #[cfg(feature = "tls")]
    #[must_use]
    pub fn tls(self, acceptor: tokio_rustls::TlsAcceptor) -> Self {
        Self {
            tls: Some(acceptor),
            ..self
        }
    }

    /// The same configuration with at most `max` sessions at a time; a connection above it is
    /// accepted and closed at once, and counted in [`ServerStats::rejected_sessions`]. At least 1.
    #[must_use]
    pub fn max_sessions(self, max: usize) -> Self {
        Self {
            max_sessions: max.max(1),
            ..self
        }
    }

    /// The same configuration with at most `max` requests of one session in the handler at a
    /// time; the session reads no further frame until one finishes. At least 1.
    #[must_use]
    pub fn max_in_flight(self, max: usize) -> Self {
        Self {
            max_in_flight: max.max(1),
            ..self
        }
    }

    /// The same configuration answering an 0800 (and its repeat 0801) with an 0810 holding
    /// DE39 `00` and the [`ECHO_FIELDS`] of the request, without calling the handler (`true`,
    /// the default), or handing 0800s to the handler like any other request (`false`).
    #[must_use]
    pub fn answer_echo(self, answer_echo: bool) -> Self {
        Self {
            answer_echo,
            ..self
        }
    }

    /// The spec messages are decoded and answers encoded with.
    #[must_use]
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The framer of the sessions.
    #[must_use]
    pub const fn framer(&self) -> Framer {
        self.framer
    }
}

/// One connection, as the handler sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    id: u64,
    peer: SocketAddr,
}

impl Session {
    /// The session's number, counted from 1 in the order connections were accepted.
    #[must_use]
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The address of the other end.
    #[must_use]
    pub const fn peer(&self) -> SocketAddr {
        self.peer
    }
}

/// A frame the server read: its fixed header, its message bytes, and the message decoded or
/// the reason it did not decode.
pub struct Request {
    frame_header: Bytes,
    bytes: Bytes,
    decoded: Result<Message, DecodeError>,
}

impl core::fmt::Debug for Request {
    /// Lengths, and the MTI and field numbers only: the message may hold card data.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("frame_header_len", &self.frame_header.len())
            .field("len", &self.bytes.len())
            .field("decoded", &self.decoded)
            .finish()
    }
}

impl Request {
    /// Decodes `bytes` under `spec`; `frame_header` is the frame's fixed header (empty when
    /// the framer has none). What the server does for each frame; public so that a handler can
    /// be tested without a connection.
    #[must_use]
    pub fn new(frame_header: Bytes, bytes: Bytes, spec: &Spec) -> Self {
        let decoded = Message::decode(spec, bytes.clone());
        Self {
            frame_header,
            bytes,
            decoded,
        }
    }

    /// The decoded message, or why the bytes did not decode.
    ///
    /// # Errors
    /// The [`DecodeError`] of [`Message::decode`] when the frame's message does not decode.
    pub fn message(&self) -> Result<&Message, DecodeError> {
        self.decoded.as_ref().map_err(|e| *e)
    }

    /// The decoded message, or why the bytes did not decode.
    ///
    /// # Errors
    /// As [`Request::message`].
    pub fn into_message(self) -> Result<Message, DecodeError> {
        self.decoded
    }

    /// The frame's fixed header (e.g. a TPDU); empty when the framer has none.
    #[must_use]
    pub fn frame_header(&self) -> &[u8] {
        &self.frame_header
    }

    /// The message bytes as received. They may hold card data: never log them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The MTI: the decoded message's, or, when the message did not decode, the one at its
    /// place in the bytes under `spec`'s layout if it is readable.
    #[must_use]
    pub fn mti(&self, spec: &Spec) -> Option<Mti> {
        match &self.decoded {
            Ok(m) => Some(m.mti()),
            Err(_) => peek_mti(spec, &self.bytes),
        }
    }

    /// The answer to a request that did not decode: the response MTI of the MTI read from the
    /// bytes, the message header (TPDU swapped, see [`response_to`]) and DE39 from
    /// [`DecodeError::response_code`] (`30`, format error).
    ///
    /// `None` when the message decoded, its MTI cannot be read or is not a request's, or `spec`
    /// has no DE39 that takes the code.
    #[must_use]
    pub fn format_error_response(&self, spec: &Spec) -> Option<Message> {
        let error = self.decoded.as_ref().err()?;
        let mti = peek_mti(spec, &self.bytes)?.response()?;
        let mut answer = Message::new(mti);
        let header_len = spec.layout().header_length;
        if header_len > 0 {
            answer.set_header(reply_header(self.bytes.get(..header_len)?));
        }
        answer.set(spec, 39, error.response_code()).ok()?;
        Some(answer)
    }
}

/// Reads the MTI of a message that may not decode, from its place in `bytes`.
fn peek_mti(spec: &Spec, bytes: &[u8]) -> Option<Mti> {
    let layout = spec.layout();
    let start = layout.header_length;
    let end = start.checked_add(layout.mti_encoding.wire_len())?;
    let digits = match (layout.mti_encoding, bytes.get(start..end)?) {
        (MtiEncoding::Ascii, &[a, b, c, d]) => [a, b, c, d],
        // EBCDIC digits are 0xF0-0xF9; anything else maps outside the ASCII digits.
        (MtiEncoding::Ebcdic, &[a, b, c, d]) => {
            [a, b, c, d].map(|x| x.wrapping_sub(0xF0).wrapping_add(b'0'))
        }
        (MtiEncoding::Bcd, &[x, y]) => {
            [x >> 4, x & 0xF, y >> 4, y & 0xF].map(|d| if d <= 9 { b'0' + d } else { b'X' })
        }
        _ => return None,
    };
    Mti::new(digits)
}

/// The response to `request` that a host sends: [`Message::response`] (the response MTI and
/// the fields `echo` that are present), with the message header copied and the TPDU at its
/// start swapped when it is at least a TPDU long (the built-in specs with a message header,
/// `cup-*`, start it with one). `None` when `request` is a response.
#[must_use]
pub fn response_to(request: &Message, echo: &[u16]) -> Option<Message> {
    let mut answer = request.response(echo)?;
    if !request.header().is_empty() {
        answer.set_header(reply_header(request.header()));
    }
    Some(answer)
}

/// What the server does with a request.
pub enum Action {
    /// Answer with this message, in a frame whose fixed header is the request's with the TPDU
    /// swapped.
    Reply(Message),
    /// Answer with this message after this long; other requests of the session are answered
    /// meanwhile.
    ReplyAfter(Duration, Message),
    /// Do not answer.
    NoReply,
    /// Close the session without answering; requests of it still in the handler are dropped.
    Close,
    /// Write these bytes as they are, length header included, e.g. a broken frame for fault
    /// injection.
    SendRaw(Bytes),
}

impl core::fmt::Debug for Action {
    /// The MTI and field numbers of a message, the length of raw bytes: never their content.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Reply(m) => f.debug_tuple("Reply").field(m).finish(),
            Self::ReplyAfter(d, m) => f.debug_tuple("ReplyAfter").field(d).field(m).finish(),
            Self::NoReply => f.write_str("NoReply"),
            Self::Close => f.write_str("Close"),
            Self::SendRaw(b) => write!(f, "SendRaw({} bytes)", b.len()),
        }
    }
}

/// What answers requests. Implemented by closures `Fn(&Session, Request) -> impl Future<Output
/// = Action>` and by [`TestHost`](super::testhost::TestHost).
pub trait Handler: Send + Sync + 'static {
    /// Decides what to do with `request`, the decoded message or the [`DecodeError`] of a frame
    /// whose message did not decode. Runs in a task of its own, beside the other requests of
    /// the session.
    fn handle(&self, session: &Session, request: Request) -> impl Future<Output = Action> + Send;
}

impl<F, Fut> Handler for F
where
    F: Fn(&Session, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Action> + Send,
{
    fn handle(&self, session: &Session, request: Request) -> impl Future<Output = Action> + Send {
        self(session, request)
    }
}

/// Counts of what a server did since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerStats {
    /// Sessions accepted (not counting those refused).
    pub sessions: u64,
    /// Sessions open now.
    pub active_sessions: u64,
    /// Connections accepted and closed at once because [`ServerConfig::max_sessions`] were open.
    pub rejected_sessions: u64,
    /// Frames holding a message read, whether it decoded or not.
    pub frames_in: u64,
    /// Keep-alive frames read.
    pub keep_alives: u64,
    /// Frames whose message did not decode (the session stayed up).
    pub decode_errors: u64,
    /// Length headers that could not be trusted (each closed its session).
    pub framing_errors: u64,
    /// 0800s answered by the server itself ([`ServerConfig::answer_echo`]).
    pub echoes: u64,
    /// Frames written: answers, and raw bytes of [`Action::SendRaw`].
    pub replies: u64,
}

/// The live counters behind [`ServerStats`].
#[derive(Debug, Default)]
struct Counters {
    sessions: AtomicU64,
    active_sessions: AtomicU64,
    rejected_sessions: AtomicU64,
    frames_in: AtomicU64,
    keep_alives: AtomicU64,
    decode_errors: AtomicU64,
    framing_errors: AtomicU64,
    echoes: AtomicU64,
    replies: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> ServerStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ServerStats {
            sessions: get(&self.sessions),
            active_sessions: get(&self.active_sessions),
            rejected_sessions: get(&self.rejected_sessions),
            frames_in: get(&self.frames_in),
            keep_alives: get(&self.keep_alives),
            decode_errors: get(&self.decode_errors),
            framing_errors: get(&self.framing_errors),
            echoes: get(&self.echoes),
            replies: get(&self.replies),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A bound listener, not yet serving; see the [module docs](self).
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    config: ServerConfig,
}

impl Server {
    /// Binds a TCP listener to `addr` (`"127.0.0.1:8583"`, a `SocketAddr`, …; port 0 picks a
    /// free port, see [`Server::local_addr`]).
    ///
    /// # Errors
    /// The I/O error of resolving or binding the address.
    pub async fn bind(addr: impl ToSocketAddrs, config: ServerConfig) -> io::Result<Self> {
        Self::from_listener(TcpListener::bind(addr).await?, config)
    }

    /// A server on a listener bound already.
    ///
    /// # Errors
    /// The I/O error of reading the listener's local address.
    pub fn from_listener(listener: TcpListener, config: ServerConfig) -> io::Result<Self> {
        let local_addr = listener.local_addr()?;
        Ok(Self {
            listener,
            local_addr,
            config,
        })
    }

    /// The address the server listens on, with the port the system picked for port 0.
    #[must_use]
    pub const fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Starts accepting connections and answering their requests with `handler`, in tasks
    /// of the current tokio runtime.
    ///
    /// # Panics
    /// Never by itself; like `tokio::spawn` it must be called from within a tokio runtime.
    #[must_use = "dropping the handle stops the server"]
    pub fn start<H: Handler>(self, handler: H) -> ServerHandle {
        let counters = Arc::new(Counters::default());
        let graceful = CancellationToken::new();
        let hard = CancellationToken::new();
        let shared = Arc::new(Shared {
            slots: Arc::new(Semaphore::new(self.config.max_sessions)),
            config: self.config,
            handler,
            counters: Arc::clone(&counters),
            graceful: graceful.clone(),
            hard: hard.clone(),
            next_id: AtomicU64::new(1),
        });
        tracing::info!(addr = %self.local_addr, "server listening");
        let task = tokio::spawn(accept_loop(shared, self.listener));
        ServerHandle {
            local_addr: self.local_addr,
            counters,
            graceful,
            hard,
            task: Some(task),
        }
    }
}

/// The handle of a running server: its address, its counters, and its shutdown.
///
/// Dropping the handle without [`ServerHandle::shutdown`] stops the server at once: it stops
/// accepting and closes every session without waiting for requests in flight.
#[derive(Debug)]
pub struct ServerHandle {
    local_addr: SocketAddr,
    counters: Arc<Counters>,
    graceful: CancellationToken,
    hard: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on.
    #[must_use]
    pub const fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The counters now.
    #[must_use]
    pub fn stats(&self) -> ServerStats {
        self.counters.snapshot()
    }

    /// Stops accepting connections and reading requests, lets every session finish the
    /// requests in flight (their answers written and flushed) for up to `grace`, then closes
    /// what is still open. Returns the final counters once every session is closed.
    pub async fn shutdown(mut self, grace: Duration) -> ServerStats {
        tracing::info!(addr = %self.local_addr, ?grace, "server shutting down");
        self.graceful.cancel();
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(grace, &mut task).await.is_err() {
                self.hard.cancel();
                let _ = task.await;
            }
        }
        self.hard.cancel();
        self.stats()
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.graceful.cancel();
        self.hard.cancel();
    }
}

/// What the tasks of a server share.
struct Shared<H> {
    config: ServerConfig,
    handler: H,
    counters: Arc<Counters>,
    /// Cancelled to stop accepting and reading: sessions finish what is in flight.
    graceful: CancellationToken,
    /// Cancelled to close everything now.
    hard: CancellationToken,
    /// One permit per session that may be open.
    slots: Arc<Semaphore>,
    next_id: AtomicU64,
}

/// Accepts connections until shutdown, then waits for the sessions to end.
async fn accept_loop<H: Handler>(shared: Arc<Shared<H>>, listener: TcpListener) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            () = shared.graceful.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Ok(permit) = Arc::clone(&shared.slots).try_acquire_owned() else {
                        bump(&shared.counters.rejected_sessions);
                        tracing::warn!(
                            %peer,
                            max = shared.config.max_sessions,
                            "connection refused: all sessions are taken"
                        );
                        drop(stream);
                        continue;
                    };
                    // Answers are written whole and flushed: do not hold them back.
                    let _ = stream.set_nodelay(true);
                    let session = Session {
                        id: shared.next_id.fetch_add(1, Ordering::Relaxed),
                        peer,
                    };
                    let open = OpenSession::new(&shared.counters, permit);
                    #[cfg(feature = "tls")]
                    if let Some(acceptor) = shared.config.tls.clone() {
                        let shared = Arc::clone(&shared);
                        sessions.spawn(async move {
                            // A peer that never finishes the handshake must not hold a
                            // session slot for ever.
                            let handshake = tokio::time::timeout(
                                Duration::from_secs(10),
                                acceptor.accept(stream),
                            );
                            match handshake.await {
                                Ok(Ok(tls)) => {
                                    let (read, write) = tokio::io::split(tls);
                                    run_session(shared, read, write, session, open).await;
                                }
                                Ok(Err(e)) => {
                                    bump(&shared.counters.framing_errors);
                                    tracing::warn!(%peer, error = %e, "TLS handshake failed");
                                }
                                Err(_) => {
                                    bump(&shared.counters.framing_errors);
                                    tracing::warn!(%peer, "TLS handshake timed out");
                                }
                            }
                        });
                        continue;
                    }
                    // Owned halves: unlike `tokio::io::split`, no lock between reader and writer.
                    let (read, write) = stream.into_split();
                    sessions.spawn(run_session(Arc::clone(&shared), read, write, session, open));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
    drop(listener);
    loop {
        tokio::select! {
            () = shared.hard.cancelled() => {
                sessions.shutdown().await;
                break;
            }
            next = sessions.join_next() => if next.is_none() {
                break;
            },
        }
    }
    tracing::info!("server stopped");
}

/// Counts a session as open while it lives, and holds its slot.
struct OpenSession {
    counters: Arc<Counters>,
    _slot: OwnedSemaphorePermit,
}

impl OpenSession {
    fn new(counters: &Arc<Counters>, slot: OwnedSemaphorePermit) -> Self {
        bump(&counters.sessions);
        bump(&counters.active_sessions);
        Self {
            counters: Arc::clone(counters),
            _slot: slot,
        }
    }
}

impl Drop for OpenSession {
    fn drop(&mut self) {
        self.counters
            .active_sessions
            .fetch_sub(1, Ordering::Relaxed);
    }
}

/// Aborts a task when dropped, so that a session aborted at shutdown takes its writer along.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// The peer closed, or shutdown stopped the reading, and every request was answered.
    Done,
    /// The handler asked to close.
    Closed,
    /// A length header could not be trusted.
    Framing,
    /// Reading failed.
    ReadFailed,
    /// Writing failed.
    WriteFailed,
    /// Shutdown's grace period ran out.
    Stopped,
}

/// What a request's task tells its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// Runs one session over any byte stream (plain TCP here; a TLS stream is served the same way).
async fn run_session<R, W, H>(
    shared: Arc<Shared<H>>,
    read: R,
    write: W,
    session: Session,
    open: OpenSession,
) where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
    H: Handler,
{
    let _open = open;
    tracing::info!(session = session.id, peer = %session.peer, "session opened");
    let config = &shared.config;
    let (tx, rx) = mpsc::channel::<Bytes>(config.max_in_flight.saturating_add(16));
    let mut writer = AbortOnDrop(tokio::spawn(write_frames(
        write,
        rx,
        Arc::clone(&shared.counters),
    )));
    let mut frames = FramedRead::with_capacity(read, FrameCodec::new(config.framer), 16 * 1024);
    let mut tasks: JoinSet<Flow> = JoinSet::new();
    let mut reading = true;
    let mut inline: u32 = 0;
    let end = loop {
        if !reading && tasks.is_empty() {
            break End::Done;
        }
        tokio::select! {
            () = shared.hard.cancelled() => break End::Stopped,
            () = shared.graceful.cancelled(), if reading => reading = false,
            _ = &mut writer.0 => break End::WriteFailed,
            Some(done) = tasks.join_next(), if !tasks.is_empty() => match done {
                Ok(Flow::Close) => break End::Closed,
                Ok(Flow::Continue) => {}
                Err(e) if e.is_panic() => {
                    tracing::error!(session = session.id, "the handler panicked; no answer");
                }
                Err(_) => {}
            },
            frame = frames.next(), if reading && tasks.len() < config.max_in_flight => match frame {
                None => reading = false,
                Some(Ok(Inbound::KeepAlive)) => bump(&shared.counters.keep_alives),
                Some(Ok(Inbound::Message { header, message })) => {
                    let request = read_request(&shared, &session, header, message);
                    let mut pending = Box::pin(answer(
                        Arc::clone(&shared),
                        session.clone(),
                        request,
                        tx.clone(),
                    ));
                    // Most handlers answer without waiting: run the answer here first and give
                    // it a task of its own only when it has to wait (a delay, a slow handler).
                    // A task per request cost a context switch per round trip, and half the
                    // throughput of a channel at one request in flight (benches/net.rs).
                    let polled = std::future::poll_fn(|cx| {
                        std::task::Poll::Ready(pending.as_mut().poll(cx))
                    })
                    .await;
                    match polled {
                        std::task::Poll::Ready(Flow::Close) => break End::Closed,
                        std::task::Poll::Ready(Flow::Continue) => {
                            // While a burst of requests is still buffered, let the writer
                            // send the answers ready so far every 32 of them, so that the peer
                            // works on those while this session answers the rest: without it
                            // the two sides took turns on whole bursts. 64 in flight:
                            // 245k -> 300k-318k rt/s with the channel's reader doing the same
                            // (benches/net.rs; every 16 or 64 here did no better). With nothing
                            // buffered (one request at a time) it never yields.
                            inline = inline.wrapping_add(1);
                            if inline.is_multiple_of(32) && !frames.read_buffer().is_empty() {
                                tokio::task::yield_now().await;
                            }
                        }
                        std::task::Poll::Pending => {
                            tasks.spawn(pending);
                        }
                    }
                }
                Some(Err(FramingError::Frame { source, stream_offset })) => {
                    bump(&shared.counters.framing_errors);
                    tracing::warn!(
                        session = session.id,
                        kind = source.kind().name(),
                        stream_offset,
                        "framing error; closing the session"
                    );
                    break End::Framing;
                }
                Some(Err(e)) => {
                    tracing::debug!(session = session.id, error = %e, "read failed");
                    break End::ReadFailed;
                }
            },
        }
    };
    // Answers already queued are still written; requests still in the handler are dropped.
    tasks.shutdown().await;
    drop(tx);
    drop(frames);
    if end != End::Stopped && end != End::WriteFailed {
        tokio::select! {
            _ = &mut writer.0 => {}
            () = shared.hard.cancelled() => {}
        }
    }
    tracing::info!(session = session.id, end = ?end, "session closed");
}

/// Counts a frame and decodes its message.
fn read_request<H>(shared: &Shared<H>, session: &Session, header: Bytes, bytes: Bytes) -> Request {
    bump(&shared.counters.frames_in);
    let len = bytes.len();
    let request = Request::new(header, bytes, &shared.config.spec);
    match &request.decoded {
        Ok(m) => tracing::debug!(session = session.id, mti = %m.mti(), len, "request"),
        Err(e) => {
            bump(&shared.counters.decode_errors);
            tracing::warn!(
                session = session.id,
                len,
                kind = e.kind().name(),
                element = %e.element(),
                offset = e.offset(),
                "a message did not decode; the session stays up"
            );
        }
    }
    request
}

/// The automatic 0810 to an 0800 or 0801, when the server answers them itself.
fn echo_answer(config: &ServerConfig, request: &Request) -> Option<Message> {
    if !config.answer_echo {
        return None;
    }
    let message = request.message().ok()?;
    if !matches!(message.mti().as_bytes(), [_, b'8', b'0', b'0' | b'1']) {
        return None;
    }
    let mut answer = response_to(message, ECHO_FIELDS)?;
    answer.set(&config.spec, 39, "00").ok()?;
    Some(answer)
}

/// Runs the handler for one request (or answers an echo) and queues its answer.
async fn answer<H: Handler>(
    shared: Arc<Shared<H>>,
    session: Session,
    request: Request,
    tx: mpsc::Sender<Bytes>,
) -> Flow {
    let config = &shared.config;
    let frame_header = reply_header(request.frame_header());
    let action = if let Some(echo) = echo_answer(config, &request) {
        bump(&shared.counters.echoes);
        Action::Reply(echo)
    } else {
        shared.handler.handle(&session, request).await
    };
    let message = match action {
        Action::NoReply => return Flow::Continue,
        Action::Close => return Flow::Close,
        Action::SendRaw(bytes) => {
            let _ = tx.send(bytes).await;
            return Flow::Continue;
        }
        Action::Reply(message) => message,
        Action::ReplyAfter(delay, message) => {
            tokio::time::sleep(delay).await;
            message
        }
    };
    let mut buf = BytesMut::new();
    let codec = FrameCodec::new(config.framer);
    match codec.encode_message(&frame_header, &message, &config.spec, &mut buf) {
        Ok(()) => {
            tracing::debug!(
                session = session.id,
                mti = %message.mti(),
                len = buf.len(),
                "answer"
            );
            // The session is closing when the writer is gone: nothing to do.
            let _ = tx.send(buf.freeze()).await;
        }
        Err(e) => tracing::warn!(
            session = session.id,
            mti = %message.mti(),
            error = %e,
            "the answer does not encode; not sent"
        ),
    }
    Flow::Continue
}

/// The writer: takes every frame queued, writes them in one go and flushes; shuts the write
/// side down once every sender is gone. Ends on the first write error.
async fn write_frames<W>(mut write: W, mut rx: mpsc::Receiver<Bytes>, counters: Arc<Counters>)
where
    W: AsyncWrite + Unpin,
{
    let mut buf = BytesMut::with_capacity(16 * 1024);
    while let Some(first) = rx.recv().await {
        buf.clear();
        buf.extend_from_slice(&first);
        let mut frames = 1u64;
        while buf.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => {
                    buf.extend_from_slice(&next);
                    frames += 1;
                }
                Err(_) => break,
            }
        }
        if let Err(e) = write.write_all(&buf).await {
            tracing::debug!(error = %e, "write failed");
            return;
        }
        if let Err(e) = write.flush().await {
            tracing::debug!(error = %e, "flush failed");
            return;
        }
        counters.replies.fetch_add(frames, Ordering::Relaxed);
    }
    let _ = write.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> &'static Spec {
        match Spec::builtin(name) {
            Some(s) => s,
            None => unreachable!("built-in spec {name}"),
        }
    }

    #[test]
    fn peeks_the_mti_of_messages_that_do_not_decode() {
        let ascii = spec("iso8583-1987-ascii");
        assert_eq!(
            peek_mti(ascii, b"0200zz").map(|m| m.to_string()).as_deref(),
            Some("0200")
        );
        assert_eq!(peek_mti(ascii, b"02x0"), None);
        assert_eq!(peek_mti(ascii, b"020"), None);
        let cup = spec("cup-pos-tpdu");
        let bytes = [0x60, 0, 8, 0, 0, 0x02, 0x00, 0xFF];
        assert_eq!(
            peek_mti(cup, &bytes).map(|m| m.to_string()).as_deref(),
            Some("0200")
        );
        assert_eq!(peek_mti(cup, &[0x60, 0, 8, 0, 0, 0x0F, 0x00]), None);
    }

    #[test]
    fn format_error_response_keeps_the_header_and_swaps_the_tpdu() {
        let cup = spec("cup-pos-tpdu");
        let bytes = Bytes::from_static(&[0x60, 0x00, 0x08, 0x00, 0x01, 0x02, 0x00, 0xFF]);
        let request = Request::new(Bytes::new(), bytes, cup);
        assert!(request.message().is_err());
        let answer = request.format_error_response(cup);
        assert_eq!(
            answer.as_ref().map(|m| m.mti().to_string()).as_deref(),
            Some("0210")
        );
        assert_eq!(
            answer.as_ref().map(Message::header),
            Some(&[0x60, 0x00, 0x01, 0x00, 0x08][..])
        );
        assert_eq!(
            answer
                .as_ref()
                .and_then(|m| m.field(cup, 39))
                .map(|f| f.to_text())
                .as_deref(),
            Some("30")
        );
    }

    #[test]
    fn format_error_response_needs_a_request_mti() {
        let ascii = spec("iso8583-1987-ascii");
        let response = Request::new(Bytes::new(), Bytes::from_static(b"0210zz"), ascii);
        assert!(response.format_error_response(ascii).is_none());
        let garbage = Request::new(Bytes::new(), Bytes::from_static(b"\xFF\xFF\xFF\xFF"), ascii);
        assert!(garbage.format_error_response(ascii).is_none());
    }
}
