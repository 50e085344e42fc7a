//! Typed messages through serde: a decoded message read into your own struct, and a struct
//! written into a message, with members named by data element number.
//!
//! ```
//! use iso8583_wire::{typed, MessageView, Spec};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Financial<'a> {
//!     mti: &'a str,
//!     #[serde(rename = "2")]
//!     pan: &'a str,
//!     #[serde(rename = "4")]
//!     amount: u64,
//!     #[serde(rename = "11")]
//!     stan: &'a str,
//!     #[serde(rename = "39")]
//!     response: Option<&'a str>,
//! }
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let request = Financial { mti: "0200", pan: "4242424242424242", amount: 10000, stan: "000001", response: None };
//! let wire = typed::to_message(&request, spec)?.to_vec(spec)?;
//! let view = MessageView::decode(spec, &wire)?;
//! let read: Financial<'_> = typed::from_view(&view)?; // borrows `wire`, allocates nothing
//! assert_eq!((read.pan, read.amount, read.stan), ("4242424242424242", 10000, "000001"));
//! assert!(read.response.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How members map to the message:
//! - A member renamed to a data element number (`"2"`, `"55"`) is that field; `mti` is the
//!   message type (four digits; [`to_message`] needs it) and `header` the header (raw bytes,
//!   or hex text). A field the message lacks is `None` for an `Option` member and an error
//!   ([`TypedErrorKind::Missing`]) otherwise; `None` leaves the field out of a message.
//! - Text members (`&str`, `String`, and any type that reads itself from a string) get the
//!   field's text: borrowed from the input when it is ASCII on the wire, and otherwise
//!   (EBCDIC, BCD, binary shown as hex) given for the type to copy, so that a borrowed `&str`
//!   of such a field is [`TypedErrorKind::NotBorrowable`].
//! - Integer members read and write `n` fields (zero-padded to a fixed field's length);
//!   asked of another class they are [`TypedErrorKind::WrongType`].
//! - Byte members (`&[u8]`, `serde_bytes`) read and write `b` fields as raw bytes (borrowed
//!   when binary on the wire), and other fields as their text's bytes.
//! - A struct or map member of a structured field holds its subfields by id: EMV tags in hex
//!   for BER-TLV (`"9F02"`, a constructed tag nesting its own), subfield numbers for
//!   positional, tagged and bitmapped layouts (`"1"`, `"84"`), and `pan`, `expiry`,
//!   `service_code`, `discretionary` for track 2. They are read with the field's own subfield
//!   reader and built with [`crate::Message::set_subfields`].
//! - A `#[serde(flatten)]` map collects the fields the struct does not name, each as text.
//!
//! Errors name the element, the subfield path, the struct and the member, never the value;
//! the masked form of a card number or track (`424242******4242`) given as a value is refused
//! as [`TypedErrorKind::Masked`].

mod de;
mod error;
mod keys;
mod ser;

pub use error::{TypedError, TypedErrorKind};

use crate::spec::Spec;
use crate::view::MessageView;
use crate::Message;
use serde::{Deserialize, Serialize};

/// Reads a decoded message into `T`, borrowing from the message's input where `T` borrows.
///
/// # Errors
/// A [`TypedError`] naming the element and the member when a member the type needs is missing,
/// a field's value does not fit the member's type, or a structured field's subfields are
/// malformed.
pub fn from_view<'de, T: Deserialize<'de>>(view: &MessageView<'de>) -> Result<T, TypedError> {
    T::deserialize(de::MessageDe { view }).map_err(TypedError::finish)
}

/// Builds a message of `spec` from `value`, each member checked as the message's setters
/// check a value.
///
/// # Errors
/// A [`TypedError`] naming the element and the member when the value names no MTI, a member
/// names no field of `spec`, a value does not fit its field (its length, class or type), or a
/// value is a masked form rather than the clear value.
pub fn to_message<T: Serialize + ?Sized>(value: &T, spec: &Spec) -> Result<Message, TypedError> {
    // When the members come in field order, they are written as the message's wire form (each
    // checked by the same writer as `Message::set`) and the message is read back from it: one
    // buffer holds every value, as a decoded message's do, instead of one allocation a field.
    // On the reference 0200 this took `to_message` + `encode` from 12,934 to 9,251
    // instructions (`benches/icount.rs`, `typed_encode`).
    let mut wire = Vec::with_capacity(WIRE_ROOM);
    let written = value
        .serialize(ser::MessageSer {
            spec,
            target: ser::wire::Wire::new(&mut wire),
        })
        .map(|wire| wire.finish(spec));
    match written {
        Ok(true) => {
            // Bytes the writer checked decode; if they did not, the setters say why.
            if let Ok(message) = Message::decode(spec, bytes::Bytes::from(wire)) {
                return Ok(message);
            }
        }
        Ok(false) => {}
        Err(e) => return Err(e.finish()),
    }
    set_each(value, spec)
}

/// The bytes [`to_message`] sets aside for a message's wire form before writing it: room for
/// most messages at once. Grown from empty, the vector was reallocated six times for the
/// reference 0200 (about 1,650 instructions).
const WIRE_ROOM: usize = 512;

/// [`to_message`] through the message's setters, one member at a time, in any order.
fn set_each<T: Serialize + ?Sized>(value: &T, spec: &Spec) -> Result<Message, TypedError> {
    value
        .serialize(ser::MessageSer {
            spec,
            target: Message::new(crate::Mti::FINANCIAL_REQUEST),
        })
        .map_err(TypedError::finish)
}

/// Encodes `value` as a message of `spec` at the end of `out`: the same bytes as
/// `to_message(value, spec)?.encode(spec, out)`, written without building the [`Message`]
/// when the members' field numbers rise in the order the type gives them (as a struct's do
/// when its members are declared in field order). Nothing is allocated but what `out` needs
/// and what structured fields and a header need.
///
/// ```
/// use iso8583_wire::{typed, Spec};
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Echo<'a> {
///     mti: &'a str,
///     #[serde(rename = "7")]
///     transmitted: &'a str,
///     #[serde(rename = "11")]
///     stan: &'a str,
///     #[serde(rename = "70")]
///     code: &'a str,
/// }
///
/// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
/// let echo = Echo { mti: "0800", transmitted: "1207101500", stan: "000042", code: "301" };
/// let mut out = Vec::new();
/// typed::encode(&echo, spec, &mut out)?;
/// assert_eq!(out, typed::to_message(&echo, spec)?.to_vec(spec)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`to_message`], and then as [`Message::encode`] (a header of the wrong length, a field
/// above 128 in a spec without a tertiary bitmap). After an error `out` holds what it held
/// before.
pub fn encode<T: Serialize + ?Sized>(
    value: &T,
    spec: &Spec,
    out: &mut Vec<u8>,
) -> Result<(), TypedError> {
    let base = out.len();
    let written = value
        .serialize(ser::MessageSer {
            spec,
            target: ser::wire::Wire::new(out),
        })
        .map(|wire| wire.finish(spec));
    match written {
        Ok(true) => return Ok(()),
        Ok(false) => {}
        Err(e) => {
            out.truncate(base);
            return Err(e.finish());
        }
    }
    // Members out of field order, or a head that encoding refuses: through a message, which
    // sorts the fields and gives the error.
    let message = set_each(value, spec)?;
    message.encode(spec, out).map_err(|e| {
        out.truncate(base);
        TypedError::from(e).finish()
    })
}
