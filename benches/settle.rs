//! Settling claims in-process: 1 000 000 generated claims through one
//! [`Ledger`] under `ningxia-2020` (the target: ≥ 1 000 000 claims/s
//! on one core).
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fupin_core::{Ledger, Policy};

fn bench_settle(c: &mut Criterion) {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let claims = common::claims();
    let mut group = c.benchmark_group("settle");
    group.throughput(Throughput::Elements(common::CLAIMS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("ledger_1m_claims", |b| {
        b.iter(|| {
            let mut ledger = Ledger::new();
            for claim in &claims {
                black_box(ledger.settle(&policy, claim, false).unwrap());
            }
            ledger.claims_settled()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_settle);
criterion_main!(benches);
