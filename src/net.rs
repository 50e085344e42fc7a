//! Talking to a host over TCP (feature `net`): framing on tokio, a client channel that matches
//! responses to requests, automatic store-and-forward reversals on a durable journal, and a
//! server.
//!
//! - [`framing`]: a `tokio_util::codec` [`Decoder`](tokio_util::codec::Decoder) and
//!   [`Encoder`](tokio_util::codec::Encoder) over [`frame`](crate::frame).
//! - [`matching`]: the key that pairs a response with its request.
//! - [`journal`]: the [`Journal`](journal::Journal) trait and its SQLite implementation, where
//!   reversals wait until the host accepts them.
//! - [`client`]: [`Channel`](client::Channel), the cloneable handle that sends a request and
//!   returns its matched response or a typed outcome, and reverses what may have reached the host.
//! - [`server`]: [`Server`](server::Server), a host that runs a handler per request.
//! - [`testhost`]: [`TestHost`](testhost::TestHost), a scriptable test host (rules on MTI,
//!   processing code, amount, PAN prefix and terminal; delays, silence, closes, garbage).
#![allow(clippy::module_name_repetitions)]

pub mod client;
pub mod clock;
pub mod framing;
pub mod journal;
pub mod matching;
pub mod server;
pub mod testhost;
pub mod pool;
