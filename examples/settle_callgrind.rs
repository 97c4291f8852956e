//! The bench's work without criterion, for deterministic instruction counts:
//!
//! ```text
//! cargo build --profile bench --example settle_callgrind
//! valgrind --tool=callgrind --toggle-collect='*settle_all*' \
//!     target/release/examples/settle_callgrind [N]
//! ```
//!
//! Only `settle_all` is counted (not generating the claims); divide the
//! total by N (default 1 000 000, the bench's claims) for instructions per
//! claim.
#![allow(missing_docs, clippy::unwrap_used)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use fupin_core::{Claim, Ledger, Policy};

#[inline(never)]
fn settle_all(policy: &Policy, claims: &[Claim]) -> usize {
    let mut ledger = Ledger::new();
    for claim in claims {
        black_box(ledger.settle(policy, claim, false).unwrap());
    }
    ledger.claims_settled()
}

fn main() {
    let n = std::env::args()
        .nth(1)
        .map_or(common::CLAIMS, |a| a.parse().unwrap());
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let claims = common::claims_n(n);
    let settled = settle_all(&policy, &claims);
    println!("{settled} claims settled");
}
