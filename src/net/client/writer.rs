//! The writer task of a connection.

use std::sync::Arc;

use bytes::BytesMut;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::error::Failure;
use super::pending::{Reply, Stage};
use super::shared::{Outgoing, Shared};
use super::stats::bump;
use crate::net::matching::MatchKey;

/// The writer: takes every frame queued, writes them in one go, flushes, and records how far
/// each request got. On a write error it resolves the requests of the failed batch by the bytes
/// that went out, and ends.
pub(super) async fn write_frames<W>(
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
            pending.writer_busy = true;
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
            super::spare::give(out.frame);
        }
        if buf.is_empty() {
            continue;
        }
        let mut written = 0usize;
        // How many of `ends` are recorded as written in full.
        let mut marked = 0usize;
        let mut failed = false;
        while written < buf.len() {
            match write.write(buf.get(written..).unwrap_or(&[])).await {
                Ok(0) | Err(_) => {
                    failed = true;
                    break;
                }
                Ok(n) => {
                    written += n;
                    // Recorded before the next await: the connection may be torn down there
                    // (the peer closed after reading them), and these requests then went out
                    // in full and are lost with it, not failed part-way.
                    marked = mark_written(&shared, &ends, marked, written);
                }
            }
        }
        if !failed && write.flush().await.is_err() {
            failed = true;
        }
        shared.touch();
        let mut pending = shared.pending();
        pending.writer_busy = false;
        // The rest did not go out in full.
        for &(key, start, _) in ends.get(marked..).unwrap_or_default() {
            let Some(key) = key else { continue };
            if let Some(entry) = pending.map.remove(&key) {
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

/// Records the requests of `ends` from `from` on that end within the first `written` bytes as
/// written in full (counted as sent); gives the index of the first that does not.
fn mark_written(
    shared: &Shared,
    ends: &[(Option<MatchKey>, usize, usize)],
    from: usize,
    written: usize,
) -> usize {
    let done = ends
        .iter()
        .skip(from)
        .take_while(|&&(_, _, end)| end <= written)
        .count();
    if done == 0 {
        return from;
    }
    let mut pending = shared.pending();
    for &(key, _, _) in ends.iter().skip(from).take(done) {
        let Some(key) = key else { continue };
        bump(&shared.counters.sent);
        if let Some(entry) = pending.map.get_mut(&key) {
            entry.stage = Stage::Written;
        }
    }
    from + done
}
