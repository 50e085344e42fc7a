//! Fuzz target `round_trip`: see `iso8583_wire_fuzz::checks::round_trip`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::round_trip(data);
});
