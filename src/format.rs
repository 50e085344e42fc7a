//! The field codec: how one data element is read from the wire and written to it, for every
//! wire format a [`FieldSpec`](crate::FieldSpec) can describe. Decoding ([`crate::view`]),
//! encoding ([`crate::message`]) and subfields ([`crate::composite`]) are built on it.
//!
//! - [`table`]: a spec's fields compiled into the decoder's and encoder's compact forms
//!   ([`plan`], [`write_plan`]), which only this layer reads.
//! - [`prefix`]: length prefixes, read and written (decimal ASCII, EBCDIC and BCD, binary,
//!   hex): every decimal prefix of the crate goes through it.
//! - [`scan`]: the decoding pass over a message's fields, fast or exact by what it does with a
//!   fault.
//! - [`read`]: the general reader of one field, with the positioned error; [`write`] its
//!   counterpart, a value's text turned into its wire form and checked.
//! - [`locate`]: finding a field again in a decoded message.

pub(crate) mod lenient;
pub(crate) mod locate;
pub(crate) mod plan;
pub(crate) mod prefix;
pub(crate) mod quick;
pub(crate) mod read;
pub(crate) mod scan;
pub(crate) mod table;
pub(crate) mod write;
pub(crate) mod write_plan;

pub(crate) use table::FieldTable;
