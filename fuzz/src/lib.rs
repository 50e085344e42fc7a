//! The checks behind the fuzz targets of iso8583-wire. Each target in `fuzz_targets/` only
//! hands its input to one of them; `tests/fuzz_regressions.rs` replays saved inputs through
//! the same functions.

pub mod checks;
