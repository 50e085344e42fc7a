//! Classifying a decoded message: reading its MTI and field 39 from a [`MessageView`].

use crate::mti::Mti;
use crate::view::{FieldView, MessageView};

use super::code::Dialect;
use super::diagnosis::Diagnosis;
use super::stats::Tally;
use super::table::ResponseTable;

/// Field 39 is two or three characters; anything longer is kept as its first bytes.
const CODE_BUF: usize = 8;

impl ResponseTable {
    /// Classifies the field 39 of a decoded message with this table, reading its MTI for
    /// context; `None` when the message has no field 39.
    ///
    /// Field 39 is converted to ASCII first (EBCDIC translated, BCD digits as text), so the same
    /// table serves every encoding.
    #[must_use]
    pub fn classify_view(&self, view: &MessageView<'_>) -> Option<Diagnosis<'_>> {
        Some(self.classify_field(view.mti(), &view.field(39)?))
    }

    /// Classifies `field`, the field 39 of a message of type `mti`.
    pub(crate) fn classify_field(&self, mti: Mti, field: &FieldView<'_>) -> Diagnosis<'_> {
        let mut buf = [0u8; CODE_BUF];
        let text = field.text_into(&mut buf).map(str::as_bytes);
        let code = match text {
            Ok(code) => code,
            // Longer than any response code: classify the raw bytes, kept as received.
            Err(_) => field.as_bytes(),
        };
        self.classify(Some(mti.as_bytes()), code)
    }
}

/// Classifies the field 39 of a decoded message with a built-in table; `None` when the message
/// has no field 39.
///
/// ```
/// use iso8583_wire::response::{diagnose, Category, Dialect};
/// use iso8583_wire::{MessageView, Spec};
///
/// let spec = Spec::builtin("iso8583-1987-ascii").expect("built-in spec");
/// // A 0210 with only field 39: MTI, primary bitmap (bit 39), "96".
/// let view = MessageView::decode(spec, b"0210000000000200000096")?;
/// let d = diagnose(Dialect::Iso8583_1987, &view).expect("a 0210 has field 39");
/// assert_eq!(d.code().map(|c| c.to_string()).as_deref(), Some("96"));
/// assert_eq!(d.category(), Category::SwitchFault);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn diagnose(dialect: Dialect, view: &MessageView<'_>) -> Option<Diagnosis<'static>> {
    ResponseTable::builtin(dialect).classify_view(view)
}

impl<'t> Tally<'t> {
    /// Counts one decoded message: its diagnosis when it has a field 39, otherwise a message
    /// without one (a response or a request, by its MTI).
    pub fn record_view(&mut self, table: &'t ResponseTable, view: &MessageView<'_>) {
        match table.classify_view(view) {
            Some(d) => self.record(d),
            None => self.record_no_field_39(Some(view.mti().as_bytes())),
        }
    }
}
