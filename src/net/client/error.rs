//! How a request that got no response ended, and what became of its reversal.

use crate::net::framing::FramingError;
use crate::net::journal::JournalError;
use crate::response::Outcome;
use crate::EncodeError;

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
    ///
    /// [`ReversalConfig`]: super::ReversalConfig
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
///
/// [`Channel::send`]: super::Channel::send
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
    pub(super) kind: SendErrorKind,
    pub(super) reversal: ReversalStatus,
}

impl SendError {
    pub(super) fn refused(kind: SendErrorKind) -> Self {
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
