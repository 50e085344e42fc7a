//! Message rules: which data elements each message type carries, as the `[messages."MTI"]`
//! tables of a spec file declare them, and the check of a message against them.
//!
//! The rules of one message type are three sets of field numbers held as bitmap words (field
//! `n` at bit `63 - (n - 1) % 64` of word `(n - 1) / 64`, as a message's bitmap holds them), so
//! that checking a message is a few word operations before anything is reported.

use super::{Spec, MAX_FIELD};
use crate::error::{RuleViolation, RuleViolationKind, SpecError, ValidationError};
use crate::mti::Mti;

/// How a message type's rules list a data element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// The element must be present.
    Mandatory,
    /// The element is present when a condition the spec's source describes holds; its
    /// absence is not checked.
    Conditional,
    /// The element may be present.
    Optional,
}

impl Presence {
    /// The name of the list in a spec file: `mandatory`, `conditional` or `optional`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Mandatory => "mandatory",
            Self::Conditional => "conditional",
            Self::Optional => "optional",
        }
    }

    const ALL: [Self; 3] = [Self::Mandatory, Self::Conditional, Self::Optional];

    const fn index(self) -> usize {
        match self {
            Self::Mandatory => 0,
            Self::Conditional => 1,
            Self::Optional => 2,
        }
    }
}

/// The rules of one message type: the data elements it must, may under a condition, or may
/// carry. An element in none of the three lists is unexpected in a message of that type.
///
/// Bitmap fields (1, and 65 when it announces a tertiary bitmap) are not data elements and
/// are never listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MessageRules {
    /// The bitmap words of each list, by [`Presence::index`].
    words: [[u64; 3]; 3],
}

/// Where field `n` (1–192) sits in bitmap words.
const fn bit(n: u16) -> (usize, u64) {
    let i = n.wrapping_sub(1) as usize;
    (i / 64, 1u64 << (63 - i % 64))
}

/// The field numbers whose bits are set in `words`, ascending.
fn numbers_of(words: [u64; 3]) -> impl Iterator<Item = u16> {
    (1..=MAX_FIELD).filter(move |&n| {
        let (w, mask) = bit(n);
        words.get(w).is_some_and(|word| word & mask != 0)
    })
}

impl MessageRules {
    /// Rules from the three lists of field numbers.
    ///
    /// # Errors
    /// A [`SpecError`] naming the field when a number is outside 2–192 or is given twice
    /// (in one list or in two).
    pub fn new(
        mandatory: &[u16],
        conditional: &[u16],
        optional: &[u16],
    ) -> Result<Self, SpecError> {
        let mut rules = Self::default();
        for (presence, list) in Presence::ALL
            .into_iter()
            .zip([mandatory, conditional, optional])
        {
            for &n in list {
                rules.add(n, presence)?;
            }
        }
        Ok(rules)
    }

    /// Lists field `n` as `presence`.
    fn add(&mut self, n: u16, presence: Presence) -> Result<(), SpecError> {
        if !(2..=MAX_FIELD).contains(&n) {
            return Err(SpecError::new(
                Some(n),
                "message rules list data elements 2 to 192 (field 1 is the secondary bitmap's flag)",
            ));
        }
        if let Some(already) = self.presence(n) {
            let msg = if already == presence {
                format!("listed twice as {}", presence.name())
            } else {
                format!("listed as both {} and {}", already.name(), presence.name())
            };
            return Err(SpecError::new(Some(n), msg));
        }
        let (w, mask) = bit(n);
        if let Some(word) = self
            .words
            .get_mut(presence.index())
            .and_then(|list| list.get_mut(w))
        {
            *word |= mask;
        }
        Ok(())
    }

    /// How the rules list data element `n`; `None` when it is unexpected.
    #[must_use]
    pub fn presence(&self, n: u16) -> Option<Presence> {
        let (w, mask) = bit(n);
        Presence::ALL.into_iter().find(|p| {
            self.words
                .get(p.index())
                .and_then(|list| list.get(w))
                .is_some_and(|word| word & mask != 0)
        })
    }

    /// The data elements listed as `presence`, ascending.
    pub fn numbers(&self, presence: Presence) -> impl Iterator<Item = u16> {
        numbers_of(self.list(presence))
    }

    fn list(&self, presence: Presence) -> [u64; 3] {
        self.words
            .get(presence.index())
            .copied()
            .unwrap_or_default()
    }

    /// The bitmap words of every listed data element.
    fn listed(&self) -> [u64; 3] {
        let mut all = [0u64; 3];
        for list in &self.words {
            for (w, l) in all.iter_mut().zip(list) {
                *w |= l;
            }
        }
        all
    }

    /// Checks the data elements `present` (bitmap words without the bitmap flags) of a
    /// message of type `mti`.
    ///
    /// # Errors
    /// A [`ValidationError`] listing every mandatory element absent, then every element
    /// present that the rules do not list.
    pub(crate) fn check(&self, mti: Mti, present: [u64; 3]) -> Result<(), ValidationError> {
        let mut missing = self.list(Presence::Mandatory);
        let mut unexpected = self.listed();
        for ((m, u), p) in missing.iter_mut().zip(unexpected.iter_mut()).zip(present) {
            *m &= !p;
            *u = p & !*u;
        }
        if missing == [0; 3] && unexpected == [0; 3] {
            return Ok(());
        }
        let violations = numbers_of(missing)
            .map(|n| RuleViolation::new(n, RuleViolationKind::Missing))
            .chain(
                numbers_of(unexpected)
                    .map(|n| RuleViolation::new(n, RuleViolationKind::Unexpected)),
            )
            .collect();
        Err(ValidationError::new(mti, violations))
    }
}

impl Spec {
    /// The same spec with `rules` for messages of type `mti` (replacing any it had).
    ///
    /// # Errors
    /// A [`SpecError`] naming the message type and the field when the rules list a field the
    /// spec does not define (field 65 of a spec where bit 65 announces a tertiary bitmap is
    /// not defined).
    pub fn with_rules(mut self, mti: Mti, rules: MessageRules) -> Result<Self, SpecError> {
        let listed = numbers_of(rules.listed());
        for n in listed {
            if self.field(n).is_none() {
                return Err(SpecError::new(Some(n), "not defined by the spec").in_rules_of(mti));
            }
        }
        match self.rules.binary_search_by_key(&mti, |(m, _)| *m) {
            Ok(i) => {
                if let Some(slot) = self.rules.get_mut(i) {
                    slot.1 = rules;
                }
            }
            Err(i) => self.rules.insert(i, (mti, rules)),
        }
        Ok(self)
    }

    /// The rules the spec declares for messages of type `mti`, if it declares any.
    #[must_use]
    pub fn rules(&self, mti: Mti) -> Option<&MessageRules> {
        let i = self.rules.binary_search_by_key(&mti, |(m, _)| *m).ok()?;
        self.rules.get(i).map(|(_, r)| r)
    }

    /// Every message type the spec declares rules for, ascending, with its rules.
    pub fn message_rules(&self) -> impl Iterator<Item = (Mti, &MessageRules)> + '_ {
        self.rules.iter().map(|(m, r)| (*m, r))
    }

    /// Checks the data elements `present` (bitmap words without the bitmap flags) of a
    /// message of type `mti` against the rules for that type; `Ok` when there are none.
    pub(crate) fn check_rules(&self, mti: Mti, present: [u64; 3]) -> Result<(), ValidationError> {
        match self.rules(mti) {
            Some(rules) => rules.check(mti, present),
            None => Ok(()),
        }
    }
}
