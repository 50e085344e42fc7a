//! The counters of a server: the live ones its tasks bump, and the copy a caller reads.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts of what a server did since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerStats {
    /// Sessions accepted (not counting those refused).
    pub sessions: u64,
    /// Sessions open now.
    pub active_sessions: u64,
    /// Connections accepted and closed at once because [`ServerConfig::max_sessions`] were open.
    ///
    /// [`ServerConfig::max_sessions`]: super::ServerConfig::max_sessions
    pub rejected_sessions: u64,
    /// Frames holding a message read, whether it decoded or not.
    pub frames_in: u64,
    /// Keep-alive frames read.
    pub keep_alives: u64,
    /// Frames whose message did not decode (the session stayed up).
    pub decode_errors: u64,
    /// Length headers that could not be trusted (each closed its session).
    pub framing_errors: u64,
    /// 0800s answered by the server itself ([`ServerConfig::answer_echo`]).
    ///
    /// [`ServerConfig::answer_echo`]: super::ServerConfig::answer_echo
    pub echoes: u64,
    /// Frames written: answers, and raw bytes of [`Action::SendRaw`].
    ///
    /// [`Action::SendRaw`]: super::Action::SendRaw
    pub replies: u64,
}

/// The live counters behind [`ServerStats`].
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) sessions: AtomicU64,
    pub(super) active_sessions: AtomicU64,
    pub(super) rejected_sessions: AtomicU64,
    pub(super) frames_in: AtomicU64,
    pub(super) keep_alives: AtomicU64,
    pub(super) decode_errors: AtomicU64,
    pub(super) framing_errors: AtomicU64,
    pub(super) echoes: AtomicU64,
    pub(super) replies: AtomicU64,
}

impl Counters {
    pub(super) fn snapshot(&self) -> ServerStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ServerStats {
            sessions: get(&self.sessions),
            active_sessions: get(&self.active_sessions),
            rejected_sessions: get(&self.rejected_sessions),
            frames_in: get(&self.frames_in),
            keep_alives: get(&self.keep_alives),
            decode_errors: get(&self.decode_errors),
            framing_errors: get(&self.framing_errors),
            echoes: get(&self.echoes),
            replies: get(&self.replies),
        }
    }
}

pub(super) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}
