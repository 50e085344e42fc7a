//! Fuzz target `subfields`: see `iso8583_wire_fuzz::checks::subfields`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::subfields(data);
});
