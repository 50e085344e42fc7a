//! Response-code taxonomy: why a transaction failed, whose side it is on, whether to retry, and
//! whether a reversal is due.
//!
//! A POS shows `96` and the cashier, the merchant and the acquirer's engineer all ask the same
//! questions. [`classify`] answers them for a field 39 value read in a [`Dialect`] (ISO
//! 8583:1987, ISO 8583:1993/2003 action codes, China UnionPay, Visa, Mastercard) and a message
//! type; [`Diagnosis::for_outcome`] answers them for the failures that never produce a field 39
//! ([`Outcome`]: connection failed, no response, response MAC failed, …).
//!
//! ```
//! use iso8583_wire::response::{classify, Category, Dialect, Lang, Outcome, Diagnosis};
//!
//! let d = classify(Dialect::ChinaUnionPay, Some(b"0210"), b"96");
//! assert_eq!(d.category(), Category::SwitchFault);
//! println!("{}", d.render_operator(Lang::Zh));
//!
//! // No answer after a complete send: reverse before anything else.
//! let timeout = Diagnosis::for_outcome(Outcome::NoResponse);
//! assert!(timeout.reversal());
//! ```
//!
//! The tables are the TOML files in `specs/response-codes/`, embedded in the crate and parsed
//! once. Each entry has a meaning in English and Chinese, a [`Category`] (twelve, each with an
//! operator checklist), who is [`Responsible`], the [`Retry`] advice, whether a reversal is due,
//! the dialect's own class, [`Flags`] and the text to show the cashier. An acquirer's private
//! codes load with [`ResponseTable::from_toml_str`] and layer over a built-in table.
//!
//! Classification allocates nothing: codes are looked up by direct index and the [`Diagnosis`]
//! borrows its texts from the table. [`diagnose`] and [`ResponseTable::classify_view`] read the
//! MTI and field 39 of a decoded [`MessageView`](crate::MessageView). [`Tally`] counts diagnoses
//! over a day of logs.

mod category;
mod classify_view;
pub(crate) mod code;
mod columns;
mod diagnosis;
mod outcome;
mod render;
mod reversal;
mod stats;
mod table;

pub use category::{Area, Category, ChecklistItem, Flag, Flags, Responsible, Retry};
pub use classify_view::diagnose;
pub use code::{Dialect, Lang, ParseNameError, ResponseCode};
pub use diagnosis::{classify, Diagnosis, Localized};
pub use outcome::Outcome;
pub use reversal::{reversal_verdict, ReversalVerdict};
pub use stats::{CodeCount, Tally};
pub use table::load::{SectionName, TableError, TableErrorKind};
pub use table::{CodeClass, Entry, ResponseTable};
