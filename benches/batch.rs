//! The columnar batch path (`fupin_core::batch`): Arrow household and member
//! frames in memory to Arrow decision batches, on one thread and on every
//! core; claims from an Arrow frame to settlement batches. The issue's
//! targets (2 cores): 1 000 000 households (≈ 4.7 M members) ≤ 1 s wall,
//! 1 000 000 claims ≤ 1 s. `FUPIN_BENCH_HOUSEHOLDS` sets the registry size
//! (default 100 000; the figures scale linearly).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fupin_core::batch::{self, MoneyType, Options};
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Household, Ledger, Policy};

/// The CLI's allocator, so the profile is the CLI's and the Python
/// extension's (both use mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn households() -> u64 {
    std::env::var("FUPIN_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn bench(c: &mut Criterion) {
    let n = households();
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
    let mut synth = Synth::new(SynthConfig {
        households: n,
        ..SynthConfig::default()
    });
    let mut hh: Vec<Household> = Vec::new();
    let mut claims = Vec::new();
    while let Some((h, c)) = synth.next_entry() {
        hh.push(h);
        claims.extend(c);
    }
    let (households, members) = batch::to_frames(&hh).unwrap();
    drop(hh);

    let mut g = c.benchmark_group("batch evaluate");
    g.measurement_time(Duration::from_secs(10)).sample_size(10);
    g.throughput(Throughput::Elements(n));
    for (name, threads, money) in [
        ("one thread, decimal128 out", 1, MoneyType::Decimal128),
        ("all cores, decimal128 out", 0, MoneyType::Decimal128),
        ("all cores, float64 out", 0, MoneyType::Float64),
    ] {
        let options = Options { money, threads };
        g.bench_function(name, |b| {
            b.iter(|| {
                batch::evaluate(&policy, as_of, &households, &members, &options)
                    .unwrap()
                    .failed
            })
        });
    }
    g.finish();

    let frame = batch::claims_frame(&claims).unwrap();
    let mut g = c.benchmark_group("batch settle");
    g.measurement_time(Duration::from_secs(10)).sample_size(10);
    g.throughput(Throughput::Elements(claims.len() as u64));
    g.bench_function("claims frame to settlement batches", |b| {
        b.iter(|| {
            let mut ledger = Ledger::new();
            batch::settle(&policy, &frame, &mut ledger, &Options::default())
                .unwrap()
                .failed
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
