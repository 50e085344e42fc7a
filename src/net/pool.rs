//! A pool of channels over several endpoints: primary/secondary failover or round-robin.
//!
//! Each endpoint has its own [`Channel`], with its own connection upkeep and reversal task; the
//! pool only picks which one a request goes to. A request is never sent twice: when the chosen
//! channel fails, the failure is the request's outcome (and its reversal, when one is due, goes
//! out through that same channel once it reconnects).
//!
//! ```no_run
//! use iso8583_wire::frame::{Framer, LengthHeader};
//! use iso8583_wire::net::client::{ChannelConfig, Endpoint};
//! use iso8583_wire::net::pool::{Pool, Strategy};
//! use iso8583_wire::Spec;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no spec")?;
//! let config = ChannelConfig::new(spec.clone(), Framer::new(LengthHeader::Binary2));
//! let pool = Pool::start(
//!     [Endpoint::tcp("10.0.0.1:9000"), Endpoint::tcp("10.0.0.2:9000")],
//!     &config,
//!     Strategy::Failover,
//! );
//! # let _ = pool; Ok(()) }
//! # fn main() { let _ = run(); }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::client::{Channel, ChannelConfig, Endpoint, SendError};
use crate::Message;

/// How a [`Pool`] picks a channel for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// The first endpoint whose connection is up, in the order given: the primary while it is
    /// up, the secondary when it is not.
    Failover,
    /// The connected endpoints in turn.
    RoundRobin,
}

/// Channels to several endpoints; see the [module docs](self). Clones share them.
#[derive(Clone, Debug)]
pub struct Pool {
    channels: std::sync::Arc<[Channel]>,
    strategy: Strategy,
    next: std::sync::Arc<AtomicUsize>,
}

impl Pool {
    /// Starts one channel per endpoint, each with a copy of `config`, on the current tokio
    /// runtime. Give each endpoint its own journal if reversals are configured and the journals
    /// should stay apart; sharing one journal between channels is safe (each reversal is sent by
    /// whichever channel takes it first, one at a time per channel).
    #[must_use]
    pub fn start(
        endpoints: impl IntoIterator<Item = Endpoint>,
        config: &ChannelConfig,
        strategy: Strategy,
    ) -> Self {
        let channels: Vec<Channel> = endpoints
            .into_iter()
            .map(|e| Channel::start(e, config.clone()))
            .collect();
        Self::from_channels(channels, strategy)
    }

    /// A pool over channels already started.
    #[must_use]
    pub fn from_channels(channels: Vec<Channel>, strategy: Strategy) -> Self {
        Self {
            channels: channels.into(),
            strategy,
            next: std::sync::Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The channels, in the order of their endpoints.
    #[must_use]
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// The channel the next request goes to: by the strategy among those connected, or the
    /// first when none is (its send then fails with `ConnectionFailed`). `None` for an empty
    /// pool.
    #[must_use]
    pub fn pick(&self) -> Option<&Channel> {
        let n = self.channels.len();
        match self.strategy {
            Strategy::Failover => self
                .channels
                .iter()
                .find(|c| c.is_connected())
                .or_else(|| self.channels.first()),
            Strategy::RoundRobin => {
                let start = self.next.fetch_add(1, Ordering::Relaxed);
                (0..n)
                    .filter_map(|i| self.channels.get(start.wrapping_add(i) % n.max(1)))
                    .find(|c| c.is_connected())
                    .or_else(|| self.channels.first())
            }
        }
    }

    /// Sends `request` through the channel [`pick`](Self::pick) chooses.
    ///
    /// # Errors
    /// As [`Channel::send`]; a pool without channels refuses every request as closed.
    pub async fn send(&self, request: &Message, timeout: Duration) -> Result<Message, SendError> {
        match self.pick() {
            Some(channel) => channel.send(request, timeout).await,
            None => Err(SendError::closed()),
        }
    }

    /// Whether at least one channel is connected.
    #[must_use]
    pub fn is_up(&self) -> bool {
        self.channels.iter().any(Channel::is_connected)
    }

    /// Whether some, but not all, channels are connected.
    #[must_use]
    pub fn is_degraded(&self) -> bool {
        let up = self.channels.iter().filter(|c| c.is_connected()).count();
        up > 0 && up < self.channels.len()
    }

    /// Closes every channel, each waiting up to `deadline` for its requests in flight.
    pub async fn close(&self, deadline: Duration) {
        for c in self.channels.iter() {
            c.close(deadline).await;
        }
    }
}
