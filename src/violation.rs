//! What lenient decoding records instead of failing: a field whose content breaks a rule of
//! its spec, with where and which rule, and never the value.

use crate::error::Element;
use core::fmt;

/// The content rule a field breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentRule {
    /// A byte breaks the field's content class (letters in an `n` field, a control character
    /// in an `ans` field, a bad BCD digit, an odd number of hex characters).
    Class {
        /// The class that was broken, e.g. `"n"` or `"ans"`.
        class: &'static str,
    },
    /// An `x+n` amount does not start with its `C` (credit) or `D` (debit) sign.
    Sign,
}

impl ContentRule {
    /// A stable name for machine-readable output: `class` or `sign`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Class { .. } => "class",
            Self::Sign => "sign",
        }
    }
}

impl fmt::Display for ContentRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The same words as the strict error for the same fault.
            Self::Class { class } => crate::error::write_content_fault(f, class),
            Self::Sign => crate::error::write_missing_sign(f),
        }
    }
}

/// A content violation that lenient decoding recorded: the element, the absolute byte offset
/// of the first offending byte, and the rule. It never holds the value.
///
/// ```
/// use iso8583_wire::violation::ContentRule;
/// use iso8583_wire::{Element, MessageView, Spec};
///
/// let spec = Spec::builtin("iso8583-1987-ascii").ok_or("no such spec")?;
/// // An 0200 with DE3, DE4 (letters in an `n` field) and DE11.
/// let wire = b"02003020000000000000000000ABC000000100000123";
/// assert!(MessageView::decode(spec, wire).is_err());
/// let mut violations = Vec::new();
/// let view = MessageView::decode_lenient(spec, wire, &mut violations)?;
/// assert_eq!(view.field(11).ok_or("no DE11")?.as_str()?, "000123");
/// assert_eq!(violations.len(), 1);
/// assert_eq!(violations[0].element(), Element::Field(4));
/// assert_eq!(violations[0].offset(), 26);
/// assert_eq!(violations[0].rule(), ContentRule::Class { class: "n" });
/// assert_eq!(
///     violations[0].to_string(),
///     "DE4 at byte 26: holds a character that class n does not allow (digits only)"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    element: Element,
    offset: usize,
    rule: ContentRule,
}

impl Violation {
    /// A violation of `rule` by `element`, whose first offending byte is at `offset`.
    #[must_use]
    pub const fn new(element: Element, offset: usize, rule: ContentRule) -> Self {
        Self {
            element,
            offset,
            rule,
        }
    }

    /// The element whose content breaks the rule.
    #[must_use]
    pub const fn element(&self) -> Element {
        self.element
    }

    /// The absolute byte offset of the first offending byte in the input.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The rule broken.
    #[must_use]
    pub const fn rule(&self) -> ContentRule {
        self.rule
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}: {}", self.element, self.offset, self.rule)
    }
}
