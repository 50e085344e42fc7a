//! Fuzz target `encode`: see `iso8583_wire_fuzz::checks::encode`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::encode(data);
});
