//! Fuzz target `jpos_xml`: see `iso8583_wire_fuzz::checks::jpos_xml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::jpos_xml(data);
});
