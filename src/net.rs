//! Talking to a host over TCP (feature `net`, on tokio): framing, a client channel that matches
//! responses to requests and reverses what may have reached the host, a durable
//! store-and-forward journal, a server, and a scriptable test host.
//!
//! # The parts
//! - [`framing`]: a `tokio_util::codec` [`Decoder`](tokio_util::codec::Decoder) and
//!   [`Encoder`](tokio_util::codec::Encoder) over [`frame`](crate::frame): every length header it
//!   knows, fixed headers (TPDU, swapped on answers), keep-alives, several frames per read; a
//!   length above the maximum is refused before anything is buffered, and closes the connection.
//! - [`matching`]: the key that pairs a response with its request (MTI class, DE11, DE41 by
//!   default; a 0400 reusing a sale's STAN never takes the sale's answer).
//! - [`client`]: [`Channel`](client::Channel), a cloneable handle over one connection, kept up
//!   with sign-on, keep-alive echo tests and reconnects with backoff; [`pool`] spreads requests
//!   over several endpoints (failover or round-robin).
//! - [`journal`]: the [`Journal`](journal::Journal) trait and
//!   [`SqliteJournal`](journal::SqliteJournal), where reversals wait until the host accepts them.
//! - [`server`]: [`Server`](server::Server), a host that runs an async handler per request.
//! - [`testhost`]: [`TestHost`](testhost::TestHost), a handler driven by TOML rules (decline by
//!   amount, delay, no answer, close, malformed frames): `iso8583 serve` and the tests use it.
//! - [`clock`]: DE7 and STAN helpers.
//!
//! # One request, exactly one outcome
//! [`Channel::send`](client::Channel::send) returns the matched response, or a
//! [`SendError`](client::SendError) whose [`Failure`](client::Failure) says how far the request
//! got, mapped onto the taxonomy's [`Outcome`](crate::response::Outcome):
//!
//! | failure | what happened | reversal |
//! | --- | --- | --- |
//! | `ConnectionFailed` | nothing was sent | none |
//! | `SendFailed` | the write stopped part-way | due |
//! | `NoResponse` | sent in full, no answer in time | due |
//! | `ConnectionLost` | sent in full, then the connection closed | due |
//!
//! A request whose key is already pending is refused at once
//! ([`DuplicateKey`](client::SendErrorKind::DuplicateKey)); it never replaces the first. Answers
//! that come after their request gave up, answers that match nothing and the host's own
//! requests go to [`on_unsolicited`](client::ChannelConfig::on_unsolicited); the host's 0800s are
//! answered with an 0810 automatically.
//!
//! # Reversals
//! When the failure says the request may have reached the host and it is an authorisation or
//! financial request, the channel builds its reversal ([`Message::reversal_of`](crate::Message::reversal_of):
//! 0400 or 0420, the original's identifying fields, DE90, the dialect's reason in DE39) and
//! writes it to the journal **before** `send` returns. A background task sends it, repeats it as
//! 0401/0421, and reads each answer with
//! [`reversal_verdict`](crate::response::reversal_verdict): accepted (removed from the journal),
//! retry later, or needs a person (parked, kept for an operator). A channel started on a journal
//! left by a crashed process resumes the reversals that are due. `iso8583 saf list` shows the
//! journal without card data; `iso8583 saf run` drains it.
//!
//! # What is logged
//! Events go out through `tracing` with MTIs, lengths, keys' MTI class and error kinds, never a
//! field's value: card data does not appear in any event, error or `Debug` output of this
//! module.
#![allow(clippy::module_name_repetitions)]

pub mod client;
pub mod clock;
pub mod framing;
pub mod journal;
pub mod matching;
pub mod pool;
pub mod server;
pub mod testhost;
