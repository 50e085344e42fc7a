//! The JSON form of a message (feature `serde`, on by default): written by [`Json`]
//! ([`MessageView::json`], [`Message::json`], and the view's own `Serialize`), read back by
//! [`Message::from_json`]; and the JSON error line ([`Failure`], [`ErrorLine`]). It is the
//! form `iso8583 decode --format json` prints and `iso8583 encode` reads.
//!
//! # The form, version 1
//!
//! One JSON object per message, its keys in this order:
//!
//! | key | value |
//! | --- | --- |
//! | `header` | the bytes before the MTI, as upper-case hex; only when the spec has a header |
//! | `mti` | the message type indicator, four digits |
//! | `fields` | an object of the data elements present, keyed by their number as a string (`"2"`, `"35"`), in ascending order |
//! | `subfield_errors` | only when the subfields of some field cannot be read: a list of `{field, path, kind, offset, message}` |
//! | `diagnosis` | only when asked for ([`Json::with_diagnosis`]) and the message has field 39: the meaning of the response code, as [`Localized`](crate::response::Localized) writes it |
//!
//! Each value of `fields` is the field's text form, as [`FieldView::to_text`] gives it:
//! characters for text classes, digits for numbers (BCD unpacked), upper-case hex for
//! binary fields. A field whose spec gives it subfields is instead an object of its subfields
//! keyed by id, in wire order: the EMV tag in hex for BER-TLV data (`{"55":{"9F02":"000000000100",...}}`,
//! a constructed tag nesting its own object), the part name for track 2
//! (`{"35":{"pan":...,"expiry":...,"service_code":...,"discretionary":...}}`), the subfield
//! number otherwise. When its subfields cannot be read, the field is its plain value and
//! `subfield_errors` says why.
//!
//! Card data is masked by default, as in every other output of the crate: the PAN shows its
//! first 6 and last 4 digits (`424242******4242`), track data is hidden after the separator,
//! PIN blocks, MACs and every field the spec marks secret are `[HIDDEN]`. [`Json::clear`] asks
//! for clear text. A masked message cannot be read back: [`Message::from_json`] recognises a
//! masked value where the field holds card data and says so
//! ([`JsonErrorKind::Masked`]).
//!
//! Reading ignores keys it does not know (`diagnosis`, `subfield_errors`, and any a caller
//! adds), so a decoded message, annotated or not, reads back. `specs/samples/0210-declined-96.v1.json`
//! is an example: the shipped sample `0210-declined-96.txt` decoded with `iso8583-1987-ascii`,
//! in clear text, with its diagnosis.
//!
//! **Versions.** This is version 1 of the form. Adding a key that readers may ignore keeps
//! the version. Removing or renaming a key, or changing how a value is written, makes a new
//! version: its example file is added beside the old one (`….v2.json`), and the change log
//! says what changed. The version is not written into the object, so that the form stays
//! what the tool has always printed.
//!
//! ```
//! use iso8583_wire::{Message, MessageView, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let wire = include_bytes!("../specs/samples/0210-declined-96.txt").trim_ascii_end();
//! let view = MessageView::decode(spec, wire)?;
//! assert!(view.json().to_string().contains(r#""2":"424242******4242""#));
//! // Clear text reads back to the same bytes.
//! let message = Message::from_json(spec, view.json().clear().to_string())?;
//! assert_eq!(message.to_vec(spec)?, wire);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`FieldView::to_text`]: crate::FieldView::to_text
//! [`MessageView::json`]: crate::MessageView::json
//! [`Message::json`]: crate::Message::json
//! [`Message::from_json`]: crate::Message::from_json

mod error;
mod failure;
mod read;
mod tree;
mod write;

pub use error::{JsonError, JsonErrorKind};
pub use failure::{ErrorLine, Failure};
pub use tree::{read_fields, FieldTree, Node, SubfieldError};
pub use write::Json;
