//! Checking a message against the rules its spec declares for its message type (see
//! [`MessageRules`](crate::spec::MessageRules)), and the strict encode that checks first.

use super::Message;
use crate::error::{StrictEncodeError, ValidationError};
use crate::spec::Spec;
use crate::view::MessageView;
use bytes::BufMut;

impl Message {
    /// Checks the data elements present against the rules `spec` declares for the message's
    /// type: every mandatory element must be present, and every element present must be
    /// listed (mandatory, conditional or optional). Conditions are not evaluated: a
    /// conditional element may be present or absent.
    ///
    /// A message type the spec declares no rules for (and every message of a spec without
    /// rules) passes. The bitmap fields (1, and 65 when it announces a tertiary bitmap) are
    /// not data elements and are not checked.
    ///
    /// ```
    /// use iso8583_wire::{Message, Mti, Spec};
    ///
    /// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
    /// let mut echo = Message::new(Mti::NETWORK_REQUEST);
    /// echo.set(spec, 11, "000001")?.set(spec, 41, "TERM0001")?;
    /// let err = echo.validate(spec).err().ok_or("0800 rules not applied")?;
    /// assert_eq!(err.missing().collect::<Vec<_>>(), [7, 70]);
    /// assert_eq!(err.unexpected().collect::<Vec<_>>(), [41]);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "0800 breaks its message rules: DE7 missing, DE70 missing, DE41 unexpected"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`ValidationError`] listing every mandatory element absent and every element present
    /// that the rules do not list.
    pub fn validate(&self, spec: &Spec) -> Result<(), ValidationError> {
        spec.check_rules(self.mti, self.words)
    }

    /// [`Message::validate`], then [`Message::encode`]: writes nothing unless the message
    /// follows the rules `spec` declares for its type. [`Message::encode`] itself never
    /// checks the rules, so it costs nothing when they are not wanted.
    ///
    /// # Errors
    /// [`StrictEncodeError::Rules`] with every missing and unexpected element when the
    /// message breaks its rules; [`StrictEncodeError::Encode`] with the [`EncodeError`](
    /// crate::EncodeError) of [`Message::encode`] otherwise. Nothing is guaranteed about
    /// `out` after an encoding error; after a rules error `out` is untouched.
    pub fn encode_strict<B: BufMut>(
        &self,
        spec: &Spec,
        out: &mut B,
    ) -> Result<(), StrictEncodeError> {
        self.validate(spec)?;
        Ok(self.encode(spec, out)?)
    }
}

impl MessageView<'_> {
    /// Checks the data elements of the decoded message against the rules its spec declares
    /// for its type, as [`Message::validate`] does.
    ///
    /// # Errors
    /// As [`Message::validate`].
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.spec().check_rules(self.mti(), self.wire_words())
    }
}
