//! The accept loop: takes connections up to the session limit and starts a session on each.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::handler::{Handler, Session};
use super::session::{run_session, OpenSession};
use super::shared::Shared;
use super::stats::bump;

/// Accepts connections until shutdown, then waits for the sessions to end.
pub(super) async fn accept_loop<H: Handler>(shared: Arc<Shared<H>>, listener: TcpListener) {
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
