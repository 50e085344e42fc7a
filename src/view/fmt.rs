//! How a [`MessageView`] is shown: masked, field by field.

use super::MessageView;
use core::fmt;

impl fmt::Debug for MessageView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_struct("MessageView");
        m.field("spec", &self.spec.name());
        m.field("mti", &self.mti);
        m.field("fields", &FieldList(self));
        m.finish()
    }
}

struct FieldList<'v, 'a>(&'v MessageView<'a>);

impl fmt::Debug for FieldList<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.fields().map(|fv| (fv.number(), fv.masked())))
            .finish()
    }
}

impl fmt::Display for MessageView<'_> {
    /// One line per field, masked: `MTI 0200`, then `DE2 PAN 424242******4242`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "MTI {}", self.mti)?;
        for fv in self.fields() {
            writeln!(f, "DE{:<3} {}", fv.number(), fv.masked())?;
        }
        Ok(())
    }
}
