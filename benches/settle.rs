//! Settling claims in-process: 1 000 000 generated claims through one
//! [`Ledger`] under `ningxia-2020` (the target: ≥ 1 000 000 claims/s
//! on one core).
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fupin_core::enums::{HospitalLevel, WireEnum};
use fupin_core::{Claim, Ledger, Money, Policy};
use rust_decimal::Decimal;

const CLAIMS: usize = 1_000_000;

/// A deterministic spread of claims: 200 000 people over 2018–2020, every
/// hospital level, amounts from a few hundred yuan to a few hundred
/// thousand, mostly registered poor, some major illness.
fn claims() -> Vec<Claim> {
    let levels = HospitalLevel::ALL;
    let mut x: u64 = 0x2020_0425;
    let mut next = move || {
        // xorshift64: a fixed, portable sequence.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..CLAIMS)
        .map(|i| {
            let r = next();
            let year = 2018 + (r % 3) as i32;
            let day = ((r >> 8) % 365) as u32 + 1;
            let cents = match (r >> 20) % 10 {
                0 => 10_000 + (r >> 24) % 30_000_000,
                _ => 10_000 + (r >> 24) % 3_000_000,
            };
            let total = Decimal::new(cents as i64, 2);
            let in_policy = Decimal::new((cents * (70 + (r >> 40) % 31) / 100) as i64, 2);
            Claim {
                id: format!("C{i}"),
                person_id: format!("P{}", (r >> 48) % 200_000),
                admitted_on: NaiveDate::from_yo_opt(year, day).unwrap(),
                hospital_level: levels[((r >> 4) % levels.len() as u64) as usize],
                total_cost: Money::from_decimal_rounded(total),
                in_policy_cost: Money::from_decimal_rounded(in_policy),
                registered_poor: (r >> 56) % 10 < 8,
                backstop_eligible: (r >> 58) % 10 < 9,
                major_illness: (r >> 60) % 10 < 2,
            }
        })
        .collect()
}

fn bench_settle(c: &mut Criterion) {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let mut claims = claims();
    // Claims are settled in admission order within a person's year in
    // practice; sort by date so the parameter cache sees runs of a date.
    claims.sort_by_key(|c| c.admitted_on);
    let mut group = c.benchmark_group("settle");
    group.throughput(Throughput::Elements(CLAIMS as u64));
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
