//! What the benches share: iso_8583_rs 0.2.2's spec for the fields of the reference 0200.

use iso_8583_rs::specfile::{FieldDescription, Spec as TheirSpecFile};
use iso_8583_rs::CompiledSpec;
use std::collections::HashMap;

/// Their spec for the fields of the reference message, with the classes, lengths and prefixes
/// of our `iso8583-1987-ascii` (and of their own `spec1987.yml`, except that 49 is `an` in both
/// of ours and theirs).
pub fn their_spec() -> CompiledSpec {
    let f = |class: &str, len_type: &str, max_len| FieldDescription {
        content_type: class.into(),
        len_type: len_type.into(),
        max_len,
        min_len: 0,
        label: String::new(),
    };
    let fields = HashMap::from([
        (2, f("n", "llvar", 19)),
        (3, f("n", "fixed", 6)),
        (4, f("n", "fixed", 12)),
        (7, f("n", "fixed", 10)),
        (11, f("n", "fixed", 6)),
        (12, f("n", "fixed", 6)),
        (13, f("n", "fixed", 4)),
        (22, f("n", "fixed", 3)),
        (25, f("n", "fixed", 2)),
        (35, f("z", "llvar", 37)),
        (37, f("an", "fixed", 12)),
        (41, f("ans", "fixed", 8)),
        (42, f("ans", "fixed", 15)),
        (49, f("an", "fixed", 3)),
    ]);
    CompiledSpec::compile(&TheirSpecFile { fields }).unwrap()
}
