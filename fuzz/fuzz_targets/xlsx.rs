//! Fuzz target `xlsx`: see `core/tests/fuzz_support/mod.rs` for the checks.
#![no_main]

#[path = "../../core/tests/fuzz_support/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(
    init: {
        // libfuzzer-sys's panic hook aborts on every panic, even one the
        // reader catches on purpose (a panic inside calamine becomes a
        // TableReadError). Back to the default hook: a panic that reaches
        // the target still aborts, through libfuzzer-sys's catch_unwind.
        drop(std::panic::take_hook());
    },
    |data: &[u8]| checks::xlsx(data)
);
