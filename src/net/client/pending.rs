//! The pending table: the requests waiting for an answer, keyed by their matching key, and the
//! keys of those that gave up (so that a late answer is told from an unmatched one).

use std::collections::{HashMap, HashSet, VecDeque};

use bytes::Bytes;
use tokio::sync::oneshot;

use super::error::Failure;
use crate::net::matching::{KeyHashState, MatchKey};
use crate::view::Detached;

/// How far a pending request got on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
    /// In the writer's queue; not a byte written.
    Queued,
    /// Taken by the writer; bytes may be on the wire.
    Writing,
    /// Written in full.
    Written,
}

pub(super) enum Reply {
    /// The answer's message bytes, and what the reader's decode of them found: the waiting
    /// task builds the `Message` from both.
    Response(Bytes, Detached),
    Failed(Failure),
}

pub(super) struct Entry {
    pub(super) reply: oneshot::Sender<Reply>,
    pub(super) stage: Stage,
    pub(super) conn: u64,
    /// When the request gives up; the sweeper resolves it then.
    pub(super) deadline: tokio::time::Instant,
}

/// The pending table and the memory of keys that gave up, under one lock.
pub(super) struct Pending {
    pub(super) map: HashMap<MatchKey, Entry, KeyHashState>,
    pub(super) gave_up: HashSet<MatchKey, KeyHashState>,
    pub(super) gave_up_order: VecDeque<MatchKey>,
    pub(super) late_memory: usize,
    /// Whether the writer holds a batch it has not yet settled (some requests `Writing`).
    pub(super) writer_busy: bool,
}

impl Pending {
    pub(super) fn remember_gave_up(&mut self, key: MatchKey) {
        if self.late_memory == 0 {
            return;
        }
        if self.gave_up.insert(key) {
            self.gave_up_order.push_back(key);
        }
        while self.gave_up_order.len() > self.late_memory {
            if let Some(old) = self.gave_up_order.pop_front() {
                self.gave_up.remove(&old);
            }
        }
    }

    /// Resolves every request of connection `conn` after it closed, by how far it got.
    pub(super) fn fail_connection(&mut self, conn: u64) {
        self.writer_busy = false;
        let keys: Vec<MatchKey> = self
            .map
            .iter()
            .filter(|(_, e)| e.conn == conn)
            .map(|(k, _)| *k)
            .collect();
        for key in keys {
            if let Some(entry) = self.map.remove(&key) {
                let failure = match entry.stage {
                    Stage::Queued => Failure::ConnectionFailed,
                    Stage::Writing => Failure::SendFailed,
                    Stage::Written => Failure::ConnectionLost,
                };
                let _ = entry.reply.send(Reply::Failed(failure));
            }
        }
    }
}
