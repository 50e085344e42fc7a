//! Fuzz target `frame`: see `iso8583_wire_fuzz::checks::frame`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::frame(data);
});
