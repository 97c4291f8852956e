//! Runs the batch path once on a synthetic registry, for profilers
//! (`perf record`, `valgrind --tool=callgrind`):
//! `cargo run --release --example batch_profile -- 20000 1`
//! (households, threads).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fupin_core::batch::{self, Options};
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Household, Policy};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let hh: Vec<Household> = Synth::new(SynthConfig {
        households: n,
        ..SynthConfig::default()
    })
    .collect();
    let (households, members) = batch::to_frames(&hh).unwrap();
    drop(hh);
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
    let options = Options {
        threads,
        ..Options::default()
    };
    let start = std::time::Instant::now();
    let out = batch::evaluate(&policy, as_of, &households, &members, &options).unwrap();
    eprintln!(
        "{} households, {} failed, {:?}",
        n,
        out.failed,
        start.elapsed()
    );
}
