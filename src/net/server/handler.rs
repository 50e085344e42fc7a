//! What a handler is given and what it returns: the [`Session`] a request came on, the
//! [`Action`] to take, and the [`Handler`] trait that ties them to a [`Request`].

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

use super::request::Request;
use crate::Message;

/// One connection, as the handler sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub(super) id: u64,
    pub(super) peer: SocketAddr,
}

impl Session {
    /// The session's number, counted from 1 in the order connections were accepted.
    #[must_use]
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The address of the other end.
    #[must_use]
    pub const fn peer(&self) -> SocketAddr {
        self.peer
    }
}

/// What the server does with a request.
pub enum Action {
    /// Answer with this message, in a frame whose fixed header is the request's with the TPDU
    /// swapped.
    Reply(Message),
    /// Answer with this message after this long; other requests of the session are answered
    /// meanwhile.
    ReplyAfter(Duration, Message),
    /// Do not answer.
    NoReply,
    /// Close the session without answering; requests of it still in the handler are dropped.
    Close,
    /// Write these bytes as they are, length header included, e.g. a broken frame for fault
    /// injection.
    SendRaw(Bytes),
}

impl core::fmt::Debug for Action {
    /// The MTI and field numbers of a message, the length of raw bytes: never their content.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Reply(m) => f.debug_tuple("Reply").field(m).finish(),
            Self::ReplyAfter(d, m) => f.debug_tuple("ReplyAfter").field(d).field(m).finish(),
            Self::NoReply => f.write_str("NoReply"),
            Self::Close => f.write_str("Close"),
            Self::SendRaw(b) => write!(f, "SendRaw({} bytes)", b.len()),
        }
    }
}

/// What answers requests. Implemented by closures `Fn(&Session, Request) -> impl Future<Output
/// = Action>` and by [`TestHost`](crate::net::testhost::TestHost).
pub trait Handler: Send + Sync + 'static {
    /// Decides what to do with `request`, the decoded message or the [`DecodeError`] of a frame
    /// whose message did not decode. Runs in a task of its own, beside the other requests of
    /// the session.
    ///
    /// [`DecodeError`]: crate::DecodeError
    fn handle(&self, session: &Session, request: Request) -> impl Future<Output = Action> + Send;
}

impl<F, Fut> Handler for F
where
    F: Fn(&Session, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Action> + Send,
{
    fn handle(&self, session: &Session, request: Request) -> impl Future<Output = Action> + Send {
        self(session, request)
    }
}
