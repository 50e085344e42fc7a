//! One session: its reader loop, which hands each request to the handler, and its end.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::codec::FramedRead;

use super::answer::{answer, Flow};
use super::handler::{Handler, Session};
use super::request::Request;
use super::shared::Shared;
use super::stats::{bump, Counters};
use super::writer::write_frames;
use crate::net::framing::{FrameCodec, FramingError, Inbound};

/// Counts a session as open while it lives, and holds its slot.
pub(super) struct OpenSession {
    counters: Arc<Counters>,
    _slot: OwnedSemaphorePermit,
}

impl OpenSession {
    pub(super) fn new(counters: &Arc<Counters>, slot: OwnedSemaphorePermit) -> Self {
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

/// Runs one session over any byte stream (plain TCP here; a TLS stream is served the same way).
pub(super) async fn run_session<R, W, H>(
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
    // Made once, not once a loop: each new one polled takes the token's lock to enter its
    // waiter and again to leave (about 1 % of a channel's round trip, benches/net.rs, perf).
    let hard = shared.hard.cancelled();
    let graceful = shared.graceful.cancelled();
    tokio::pin!(hard, graceful);
    let end = loop {
        if !reading && tasks.is_empty() {
            break End::Done;
        }
        tokio::select! {
            () = &mut hard => break End::Stopped,
            () = &mut graceful, if reading => reading = false,
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
