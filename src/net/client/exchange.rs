//! The way of one request: framed, entered in the pending table, queued for the writer, and
//! waited for, with a guard that cleans up when the caller stops waiting.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::BytesMut;
use tokio::sync::oneshot;

use super::error::{Failure, SendError, SendErrorKind};
use super::pending::{Entry, Reply, Stage};
use super::shared::{Channel, Connection, Outgoing};
use crate::net::matching::MatchKey;
use crate::Message;

impl Channel {
    /// One request and its answer, with no reversal.
    ///
    /// With `reverse`, a caller that drops the future after the request may have gone out still
    /// gets its request reversed (see [`Waiting`]).
    pub(super) async fn exchange(
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
        frame: BytesMut,
        deadline: tokio::time::Instant,
    ) -> Result<Result<oneshot::Receiver<Reply>, SendError>, BytesMut> {
        let link = self.shared.link.borrow();
        match &link.conn {
            Some(conn) => Ok(self.enqueue(conn, key, frame, deadline)),
            None => Err(frame),
        }
    }

    /// Puts a framed request on connection `conn` and waits for its answer until `deadline`.
    pub(super) async fn exchange_on(
        &self,
        conn: &Connection,
        key: MatchKey,
        frame: BytesMut,
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
        frame: BytesMut,
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
            // The reader decoded these bytes with this spec: the message is built from what
            // it found, not decoded again (one decode less a round trip, on the waiting task's
            // core rather than the reader's).
            Some(Reply::Response(bytes, found)) => {
                Ok(Message::decoded(&shared.config.spec, bytes, found))
            }
            Some(Reply::Failed(f)) => Err(SendError::refused(SendErrorKind::Failed(f))),
            // Every remover sends before dropping; if one did not, assume the worst.
            None => Err(SendError::refused(SendErrorKind::Failed(
                Failure::ConnectionLost,
            ))),
        }
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
