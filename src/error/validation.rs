//! What [`Message::validate`](crate::Message::validate) finds when a message breaks the rules
//! its spec declares for its message type, and the error of a strict encode.

use super::{Element, EncodeError};
use crate::mti::Mti;
use core::fmt;

/// How a data element breaks its message type's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleViolationKind {
    /// The rules make the element mandatory and the message lacks it.
    Missing,
    /// The message carries an element the rules do not list (as mandatory, conditional or
    /// optional).
    Unexpected,
}

impl RuleViolationKind {
    /// A stable snake-case name for the kind: `missing` or `unexpected`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Unexpected => "unexpected",
        }
    }
}

/// One data element that breaks its message type's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleViolation {
    field: u16,
    kind: RuleViolationKind,
}

impl RuleViolation {
    /// Makes the violation of `kind` by data element `field`.
    #[must_use]
    pub const fn new(field: u16, kind: RuleViolationKind) -> Self {
        Self { field, kind }
    }

    /// The data element's number.
    #[must_use]
    pub const fn field(&self) -> u16 {
        self.field
    }

    /// The data element, as errors name it (`DE2`).
    #[must_use]
    pub const fn element(&self) -> Element {
        Element::Field(self.field)
    }

    /// Whether the element is missing or unexpected.
    #[must_use]
    pub const fn kind(&self) -> RuleViolationKind {
        self.kind
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.element(), self.kind.name())
    }
}

/// A message that breaks the rules its spec declares for its message type: every element
/// missing or unexpected, in one list.
///
/// The list holds the missing elements first, then the unexpected ones, each part in
/// ascending field order. It names elements only, never their values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub struct ValidationError {
    mti: Mti,
    violations: Vec<RuleViolation>,
}

impl ValidationError {
    /// Makes the error of a message of type `mti` with `violations` (not empty).
    #[must_use]
    pub const fn new(mti: Mti, violations: Vec<RuleViolation>) -> Self {
        Self { mti, violations }
    }

    /// The message type whose rules were broken.
    #[must_use]
    pub const fn mti(&self) -> Mti {
        self.mti
    }

    /// Every violation: the missing elements, then the unexpected ones.
    #[must_use]
    pub fn violations(&self) -> &[RuleViolation] {
        &self.violations
    }

    /// The numbers of the mandatory elements the message lacks, ascending.
    pub fn missing(&self) -> impl Iterator<Item = u16> + '_ {
        self.of_kind(RuleViolationKind::Missing)
    }

    /// The numbers of the elements the message carries but the rules do not list, ascending.
    pub fn unexpected(&self) -> impl Iterator<Item = u16> + '_ {
        self.of_kind(RuleViolationKind::Unexpected)
    }

    fn of_kind(&self, kind: RuleViolationKind) -> impl Iterator<Item = u16> + '_ {
        self.violations
            .iter()
            .filter(move |v| v.kind == kind)
            .map(RuleViolation::field)
    }
}

impl fmt::Display for ValidationError {
    /// For example `0100 breaks its message rules: DE2 missing, DE4 missing, DE55 unexpected`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} breaks its message rules: ", self.mti)?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

/// Why [`Message::encode_strict`](crate::Message::encode_strict) wrote nothing: the message
/// breaks its message type's rules, or it cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum StrictEncodeError {
    /// The message breaks the rules its spec declares for its message type.
    #[error(transparent)]
    Rules(#[from] ValidationError),
    /// The message follows the rules but cannot be encoded, as [`Message::encode`](
    /// crate::Message::encode) says.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}
