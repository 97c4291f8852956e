//! Settles a claim frame once, for profilers and for the wall time of the
//! batch settlement path: `cargo run --release --example settle_profile --
//! 1000000 2` (claims, the benchmarks' generated claims as one Arrow frame;
//! threads, 0 for one per core).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../benches/common/mod.rs"]
mod common;

use fupin_core::batch::{self, Options};
use fupin_core::{Ledger, Policy};

/// The CLI's allocator, as in `batch_profile`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let threads: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let claims = common::claims_n(n);
    let frame = batch::claims_frame(&claims).unwrap();
    drop(claims);
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let start = std::time::Instant::now();
    let mut ledger = Ledger::new();
    let options = Options {
        threads,
        ..Options::default()
    };
    let out = batch::settle(&policy, &frame, &mut ledger, &options).unwrap();
    eprintln!("{n} claims, {} failed, {:?}", out.failed, start.elapsed());
}
