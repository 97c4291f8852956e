//! The batch path allocates nothing a household: its buffers are made once
//! a chunk (and grow by doubling), the rows are decoded into reused plain
//! rows, the rules build no list and no string, and the results go straight
//! into the output columns. Counted with a counting global allocator, in
//! a test binary of its own (other tests' threads would add to the count).
#![allow(clippy::unwrap_used)]

use fupin_core::batch::{self, Frame, Options};
use fupin_core::date::parse_date;
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Household, Policy};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

fn frames(n: u64, pandas: bool) -> (Frame, Frame) {
    let hh: Vec<Household> = Synth::new(SynthConfig {
        households: n,
        ..SynthConfig::default()
    })
    .collect();
    let (h, m) = batch::to_frames(&hh).unwrap();
    if pandas {
        (
            batch::as_read_csv(&h).unwrap(),
            batch::as_read_csv(&m).unwrap(),
        )
    } else {
        (h, m)
    }
}

/// Allocations (and reallocations) of one evaluation, on one thread.
fn allocations(households: &Frame, members: &Frame) -> usize {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = parse_date("2020-12-31").unwrap();
    let options = Options {
        threads: 1,
        ..Options::default()
    };
    let region = Region::new(GLOBAL);
    let out = batch::evaluate(&policy, as_of, households, members, &options).unwrap();
    let stats = region.change();
    assert_eq!(out.failed, 0);
    stats.allocations + stats.reallocations
}

/// 4 000 more households (one chunk either way) cost a few more doublings
/// of the output buffers, not one allocation a household: fewer than 64
/// in all, where one a household would be 4 000.
#[test]
fn four_thousand_more_households_allocate_next_to_nothing_more() {
    for pandas in [false, true] {
        let (h1, m1) = frames(4_000, pandas);
        let (h2, m2) = frames(8_000, pandas);
        // The first run also builds the policy's parameter tables once.
        allocations(&h1, &m1);
        let small = allocations(&h1, &m1);
        let large = allocations(&h2, &m2);
        let extra = large.saturating_sub(small);
        assert!(
            extra < 64,
            "{extra} more allocations for 4 000 more households ({small} then {large}; read_csv types: {pandas})"
        );
    }
}
