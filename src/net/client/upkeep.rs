//! Connection upkeep: connect, sign on, keep the connection alive with echo tests, and
//! reconnect with backoff when it drops.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;

use super::endpoint::Endpoint;
use super::reader::read_frames;
use super::shared::{Channel, Connection, Shared};
use super::stats::bump;
use super::writer::write_frames;

/// Connects, with the configured timeout, and runs the connection until it ends.
pub(super) async fn supervise(shared: Arc<Shared>) {
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
    // A batch the writer is still writing is settled by the writer, which knows how far its
    // bytes got (the peer may close right after reading them); on a dead connection its write
    // ends at once. Bounded, so that a stuck write cannot hold up the reconnect.
    for _ in 0..100 {
        if !shared.pending().writer_busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
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
