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
//! [`FrameCodec`]: super::framing::FrameCodec
//! [`DecodeError`]: crate::DecodeError
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

mod accept;
mod answer;
mod config;
mod handler;
mod request;
mod session;
mod shared;
mod stats;
mod writer;

pub use super::framing::reply_header;
pub use answer::{response_to, ECHO_FIELDS};
pub use config::ServerConfig;
pub use handler::{Action, Handler, Session};
pub use request::Request;
pub use stats::ServerStats;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use accept::accept_loop;
use shared::Shared;
use stats::Counters;

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
