//! A spec's fields compiled for the codec: each field's format and the decoder's and encoder's
//! compact forms of it, indexed by field number.

use super::plan::Plan;
use super::quick::Quick;
use super::write_plan::EncodePlan;
use crate::spec::field::{ContentClass, Encoding, FieldSpec};

/// Every field of a spec with its compiled forms, by number (256 entries each, so that any
/// `u8` indexes them unchecked; numbers 0, 1 and above 192 are always empty).
#[derive(Clone, Debug)]
pub(crate) struct FieldTable {
    entries: Box<[Entry; 256]>,
    /// The decoder's compact form of each field.
    plans: Box<[Plan; 256]>,
    /// The encoder's compact form of each field.
    encode_plans: Box<[EncodePlan; 256]>,
}

/// A field number's format and how to find its content again in a decoded message, side by
/// side: a look-up by number reads both from one address, and a quick form implies a defined
/// field, so the format needs no check of its own.
///
/// What it buys over an `Option<FieldSpec>` array beside a `Quick` one, in
/// `benches/icount.rs`: see [`FieldTable::quick_of_byte`].
#[derive(Clone, Debug)]
struct Entry {
    /// The field's format; when `defined` is false, a placeholder that is never handed out.
    spec: FieldSpec,
    /// Whether the spec defines the field.
    defined: bool,
    /// How to find the content again ([`Quick::NONE`] when undefined).
    quick: Quick,
}

impl Entry {
    /// The entry of `field`, whose decoder's plan is `plan`, or of an undefined number.
    fn of(field: Option<FieldSpec>, plan: Plan) -> Self {
        match field {
            Some(spec) => Self {
                quick: Quick::of(plan),
                spec,
                defined: true,
            },
            None => Self {
                spec: FieldSpec::fixed("", ContentClass::B, Encoding::Binary, 0),
                defined: false,
                quick: Quick::NONE,
            },
        }
    }

    /// The field's format, if defined.
    const fn spec(&self) -> Option<&FieldSpec> {
        if self.defined {
            Some(&self.spec)
        } else {
            None
        }
    }
}

impl PartialEq for FieldTable {
    /// The compiled forms follow from the fields.
    fn eq(&self, other: &Self) -> bool {
        self.entries
            .iter()
            .zip(other.entries.iter())
            .all(|(a, b)| a.spec() == b.spec())
    }
}

impl Eq for FieldTable {}

impl FieldTable {
    /// Compiles `fields`, whose index `n` holds field `n`; `None` unless it has 256 entries.
    pub(crate) fn compile(fields: Vec<Option<FieldSpec>>) -> Option<Self> {
        if fields.len() != 256 {
            return None;
        }
        let mut plans = Box::new([Plan::Undefined; 256]);
        let mut encode_plans = Box::new([EncodePlan::default(); 256]);
        for ((plan, encode), f) in plans.iter_mut().zip(encode_plans.iter_mut()).zip(&fields) {
            if let Some(fs) = f {
                *plan = Plan::of(fs);
                *encode = EncodePlan::of(fs);
            }
        }
        let entries: Vec<Entry> = fields
            .into_iter()
            .zip(plans.iter())
            .map(|(f, &plan)| Entry::of(f, plan))
            .collect();
        Some(Self {
            entries: entries.into_boxed_slice().try_into().ok()?,
            plans,
            encode_plans,
        })
    }

    /// The format of field `n`, if defined.
    #[inline]
    pub(crate) fn field(&self, n: u16) -> Option<&FieldSpec> {
        self.entries.get(usize::from(n)).and_then(Entry::spec)
    }

    /// The defined fields in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u16, &FieldSpec)> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(n, e)| Some((u16::try_from(n).ok()?, e.spec()?)))
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
    /// check: how many prefix bytes come before it, the base-2 logarithm of the units a
    /// content byte holds (see [`Quick`]) and the field's format; `None` for an undefined
    /// field and for a form that needs the general path.
    ///
    /// Reading the quick form and the format from one entry, with no check that the format
    /// exists, took `decode_get_by_number_0200` from 1,981 to 1,907 instructions and
    /// `decode_read_bytes_0200` from 1,649 to 1,605 (`benches/icount.rs`).
    #[inline(always)]
    pub(crate) fn quick_of_byte(&self, n: u8) -> Option<(usize, u32, &FieldSpec)> {
        // A byte is always below the table's 256 entries.
        #[allow(clippy::indexing_slicing)]
        let entry = &self.entries[usize::from(n)];
        let (skip, shift) = entry.quick.content()?;
        Some((skip, shift, &entry.spec))
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
