//! Fuzz target `policy`: see `core/tests/fuzz_support/mod.rs` for the checks.
#![no_main]

#[path = "../../core/tests/fuzz_support/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::policy_file(data));
