//! How a server runs its sessions.

use std::sync::Arc;

use crate::frame::Framer;
use crate::Spec;

/// How a [`Server`] runs its sessions.
///
/// [`Server`]: super::Server
#[derive(Clone)]
pub struct ServerConfig {
    pub(super) spec: Arc<Spec>,
    pub(super) framer: Framer,
    pub(super) max_sessions: usize,
    pub(super) max_in_flight: usize,
    pub(super) answer_echo: bool,
    #[cfg(feature = "tls")]
    pub(super) tls: Option<tokio_rustls::TlsAcceptor>,
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
    ///
    /// [`ServerStats::rejected_sessions`]: super::ServerStats::rejected_sessions
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
    ///
    /// [`ECHO_FIELDS`]: super::ECHO_FIELDS
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
