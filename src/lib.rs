//! A zero-copy ISO 8583 codec driven by field-spec tables, with a response-code taxonomy that
//! explains why a transaction failed.
//!
//! ```
//! use iso8583_wire::{MessageView, Spec};
//!
//! let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
//! let wire = b"0210723804802EC080001642424242424242420000000000000100001123132500123456\
//! 132500112305100374242424242424242=29122011000000000000123456789012ABC12396TERM0001\
//! MERCHANT0000001840";
//! let msg = MessageView::decode(spec, wire)?;
//! assert_eq!(msg.mti().as_str(), "0210");
//! assert_eq!(msg.field(39).ok_or("no DE39")?.as_str()?, "96");
//! // Card data is masked in every output unless clear text is asked for.
//! assert_eq!(msg.field(2).ok_or("no DE2")?.masked().to_string(), "424242******4242");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

pub mod bitmap;
mod codec;
pub mod composite;
pub mod error;
pub mod frame;
pub mod mask;
pub mod message;
pub mod mti;
pub mod response;
pub mod spec;
pub mod view;

pub use bitmap::Bitmap;
pub use error::{DecodeError, DecodeErrorKind, Element, EncodeError, EncodeErrorKind, SpecError};
pub use message::Message;
pub use mti::Mti;
pub use spec::{FieldSpec, Spec};
pub use view::{FieldView, MessageView, ValueError};
