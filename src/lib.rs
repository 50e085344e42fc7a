//! A zero-copy ISO 8583 codec driven by field-spec tables, with a response-code taxonomy that
//! explains why a transaction failed.
//!
//! ```
//! use iso8583_wire::response::{diagnose, Category, Dialect};
//! use iso8583_wire::{MessageView, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let wire = include_bytes!("../specs/samples/0210-declined-96.txt").trim_ascii_end();
//! let msg = MessageView::decode(spec, wire)?; // borrows `wire`, allocates nothing
//! assert_eq!(msg.mti().as_str(), "0210");
//! // Card data is masked in every output unless clear text is asked for.
//! assert_eq!(msg.field(2).ok_or("no DE2")?.masked().to_string(), "424242******4242");
//! let why = diagnose(Dialect::Iso8583_1987, &msg).ok_or("no DE39")?;
//! assert_eq!((why.meaning(), why.category()), ("System malfunction", Category::SwitchFault));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`Spec`]: how every field is encoded, from the TOML files in `specs/` (built in:
//!   [`Spec::builtin`]), your own TOML, or a jPOS GenericPackager XML file (feature `jpos`).
//! - [`MessageView`]: decoding that borrows the input and records where each field is;
//!   [`FieldView`] reads a field as bytes, `&str`, text in a caller's buffer, or a number;
//!   [`composite`] reads subfields (`"55.9F02"`, `"35.pan"`, `"60.2"`).
//! - [`Message`]: the owned form, built field by field or from a view, encoded into a reused
//!   buffer; [`Message::validate`] checks it against the data elements its spec declares
//!   mandatory, conditional or optional for its message type ([`spec::MessageRules`]).
//! - `json` (feature `serde`, on by default): the JSON form of a message, masked unless clear
//!   text is asked for (`MessageView::json`, `Message::json`), and read back
//!   (`Message::from_json`).
//! - [`response`]: what a field 39 value (or a failure with none) means, whose side it is on,
//!   whether to retry or reverse, and what to check.
//! - [`value`]: typed values of the common data elements: [`value::Amount`] with its ISO 4217
//!   currency, [`value::Stan`], [`value::Rrn`], the dates and times, [`value::ProcessingCode`],
//!   [`value::PosEntryMode`] and [`value::Pan`] (Luhn-checked, masked).
//! - `typed` (feature `serde`, on by default): your own structs read from a decoded message
//!   and written into a message through serde, members named by data element number.
//! - [`frame`]: length headers and TPDUs around messages on a TCP connection.
//! - `export` (feature `export`): decoded messages as Arrow record batches with typed columns
//!   (masked card number, the taxonomy's verdict, the decode error of each line that failed),
//!   written as Parquet, Arrow IPC or CSV.
//! - `net` (feature `net`): a client channel with request matching and automatic reversals on a
//!   SQLite journal, and a server, on tokio.
//!
//! # Cargo features
//!
//! Only `serde` is on by default. Without any feature (`default-features = false`), the crate is
//! the codec, the response-code taxonomy and the framing, with the six core dependencies. Items
//! that need a feature say so in these docs.
//!
//! | feature | what it enables |
//! | --- | --- |
//! | `serde` (default) | the `json` module: the JSON form of a message, written and read back (serde_json) |
//! | `jpos` | `Spec::from_jpos_xml`: importing jPOS GenericPackager XML files (quick-xml) |
//! | `net` | the `net` module: an async client channel (request matching, keep-alive, reconnect, pools), automatic store-and-forward reversals on a SQLite journal, and a server, on tokio |
//! | `tls` | TLS for `net` connections and servers, through rustls; turns on `net` |
//! | `unicode-width` | text tables ([`response::Tally::render`], the command line) count East Asian wide characters as two columns, so that Chinese text stays aligned |
//! | `export` | the `export` module: decoded messages as Arrow record batches, written as Parquet, Arrow IPC or CSV (arrow-array, arrow-schema, arrow-ipc, arrow-csv, parquet) |
//! | `cli` | the `iso8583` command-line tool (`decode`, `encode`, `explain`, `stats`, `export`, `send`, `serve`, `saf`); turns on `jpos`, `net`, `serde`, `unicode-width` and `export` |
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

pub mod bitmap;
mod codec;
pub mod composite;
pub mod error;
#[cfg(feature = "export")]
pub mod export;
mod field_id;
mod field_view;
mod format;
pub mod frame;
pub mod hex;
#[cfg(feature = "serde")]
pub mod json;
pub mod mask;
pub mod message;
pub mod mti;
#[cfg(feature = "net")]
pub mod net;
pub mod response;
pub mod spec;
#[cfg(feature = "serde")]
pub mod typed;
pub mod value;
pub mod view;
pub mod violation;

pub use bitmap::Bitmap;
/// The bit-vector crate [`Bitmap::as_bits`] hands out slices of, re-exported so that callers
/// use the same version.
pub use bitvec;
pub use error::{
    DecodeError, DecodeErrorKind, Element, EncodeError, EncodeErrorKind, RuleViolation,
    RuleViolationKind, SpecError, StrictEncodeError, ValidationError,
};
pub use message::{Message, ReversalReason};
pub use mti::Mti;
pub use spec::{FieldSpec, Spec};
pub use view::{FieldView, MessageView, ValueError};
pub use violation::Violation;

/// The examples of the README, run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
