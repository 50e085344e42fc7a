//! Fuzz target `response_table`: see `iso8583_wire_fuzz::checks::response_table`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    iso8583_wire_fuzz::checks::response_table(data);
});
