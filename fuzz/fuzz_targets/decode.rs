//! Fuzz target `decode`: see `iso8583_wire_fuzz::checks::decode`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::decode(data);
});
