//! The writer task of a session.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::stats::Counters;

/// Bytes the writer gathers before it writes, at most (a single larger answer is written whole).
const MAX_BATCH: usize = 64 * 1024;

/// The writer: takes every frame queued, writes them in one go and flushes; shuts the write
/// side down once every sender is gone. Ends on the first write error.
pub(super) async fn write_frames<W>(
    mut write: W,
    mut rx: mpsc::Receiver<Bytes>,
    counters: Arc<Counters>,
) where
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
