//! What the channel reports to its handlers: messages no request took, and each step of each
//! reversal.

use crate::net::journal::ParkReason;
use crate::Message;

/// A message that no pending request took.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Unsolicited {
    /// A response whose request had already given up waiting.
    Late(Message),
    /// A response that matches no request.
    Unmatched(Message),
    /// A request from the host (other than an 0800 the channel answered itself).
    Request(Message),
}

impl Unsolicited {
    /// The message.
    #[must_use]
    pub fn message(&self) -> &Message {
        match self {
            Self::Late(m) | Self::Unmatched(m) | Self::Request(m) => m,
        }
    }
}

/// What happened to a journalled reversal, reported to [`ChannelConfig::on_reversal`].
///
/// [`ChannelConfig::on_reversal`]: super::ChannelConfig::on_reversal
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReversalEvent {
    /// Journalled, before `send` returned.
    Queued {
        /// The journal's identifier.
        id: i64,
    },
    /// Written to the host (`attempt` counts from 1).
    Sent {
        /// The journal's identifier.
        id: i64,
        /// The transmission's number.
        attempt: u32,
    },
    /// Accepted by the host and removed from the journal.
    Accepted {
        /// The journal's identifier.
        id: i64,
    },
    /// Given up on; it stays in the journal.
    Parked {
        /// The journal's identifier.
        id: i64,
        /// Why.
        reason: ParkReason,
    },
}
