//! A spec's fields compiled for the codec: each field's format and the decoder's and encoder's
//! compact forms of it, indexed by field number.

use super::plan::Plan;
use super::quick::Quick;
use super::write_plan::EncodePlan;
use crate::spec::field::FieldSpec;

/// Every field of a spec with its compiled forms, by number (256 entries each, so that any
/// `u8` indexes them unchecked; numbers 0, 1 and above 192 are always empty).
#[derive(Clone, Debug)]
pub(crate) struct FieldTable {
    fields: Box<[Option<FieldSpec>; 256]>,
    /// The decoder's compact form of each field.
    plans: Box<[Plan; 256]>,
    /// The encoder's compact form of each field.
    encode_plans: Box<[EncodePlan; 256]>,
    /// How to find each field's content again in a decoded message (kept in the table
    /// itself, not behind a pointer: one load fewer for each look-up by number).
    quick: [Quick; 256],
}

impl PartialEq for FieldTable {
    /// The compiled forms follow from the fields.
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields
    }
}

impl Eq for FieldTable {}

impl FieldTable {
    /// Compiles `fields`, whose index `n` holds field `n`; `None` unless it has 256 entries.
    pub(crate) fn compile(fields: Vec<Option<FieldSpec>>) -> Option<Self> {
        let fields: Box<[Option<FieldSpec>; 256]> = fields.into_boxed_slice().try_into().ok()?;
        let mut plans = Box::new([Plan::Undefined; 256]);
        let mut encode_plans = Box::new([EncodePlan::default(); 256]);
        let mut quick = [Quick::NONE; 256];
        for (((plan, encode), q), f) in plans
            .iter_mut()
            .zip(encode_plans.iter_mut())
            .zip(&mut quick)
            .zip(&*fields)
        {
            if let Some(fs) = f {
                *plan = Plan::of(fs);
                *encode = EncodePlan::of(fs);
                *q = Quick::of(*plan);
            }
        }
        Some(Self {
            fields,
            plans,
            encode_plans,
            quick,
        })
    }

    /// The format of field `n`, if defined.
    #[inline]
    pub(crate) fn field(&self, n: u16) -> Option<&FieldSpec> {
        self.fields.get(usize::from(n)).and_then(Option::as_ref)
    }

    /// The format of field `n` (up to 192, so a byte), with no range check.
    #[inline(always)]
    pub(crate) fn field_of_byte(&self, n: u8) -> Option<&FieldSpec> {
        // A byte is always below the table's 256 entries.
        #[allow(clippy::indexing_slicing)]
        self.fields[usize::from(n)].as_ref()
    }

    /// The defined fields in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u16, &FieldSpec)> + '_ {
        self.fields
            .iter()
            .enumerate()
            .filter_map(|(n, f)| Some((u16::try_from(n).ok()?, f.as_ref()?)))
    }

    /// The decoder's plan for field `n`.
    #[inline]
    pub(crate) fn plan(&self, n: u16) -> Plan {
        self.plans.get(usize::from(n)).copied().unwrap_or_default()
    }

    /// The decoder's plan of field `n` (up to 192, so a byte), with no range check.
    #[inline(always)]
    pub(crate) fn plan_of_byte(&self, n: u8) -> Plan {
        // A byte is always below the table's 256 entries.
        #[allow(clippy::indexing_slicing)]
        self.plans[usize::from(n)]
    }

    /// How to find the content of field `n` (up to 192, so a byte) again, with no range
    /// check.
    #[inline(always)]
    pub(crate) fn quick_of_byte(&self, n: u8) -> Quick {
        // A byte is always below the table's 256 entries.
        #[allow(clippy::indexing_slicing)]
        self.quick[usize::from(n)]
    }

    /// The encoder's plan for field `n`.
    #[inline]
    pub(crate) fn encode_plan(&self, n: u16) -> EncodePlan {
        self.encode_plans
            .get(usize::from(n))
            .copied()
            .unwrap_or_default()
    }
}
