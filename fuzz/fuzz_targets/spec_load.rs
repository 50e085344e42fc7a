//! Fuzz target `spec_load`: see `iso8583_wire_fuzz::checks::spec_load`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::spec_load(data);
});
