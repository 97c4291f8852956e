//! Evaluating households: the whole `fupin evaluate` pipeline per line
//! (parse the JSONL line, evaluate every rule, write the decision line) on a
//! `fupin synth` registry, single-threaded. The target: ≥ 300 000
//! households/s on one core. Also the parts alone, and one household with a
//! full explanation (target ≤ 1 ms).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fupin_core::record::parse::parse_household;
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Evaluator, Policy};

const HOUSEHOLDS: u64 = 20_000;

fn lines() -> Vec<Vec<u8>> {
    Synth::new(SynthConfig {
        households: HOUSEHOLDS,
        ..SynthConfig::default()
    })
    .map(|h| serde_json::to_vec(&h).unwrap())
    .collect()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
    let eval = Evaluator::new(&policy, as_of);
    let lines = lines();
    let bytes: usize = lines.iter().map(Vec::len).sum();
    let households: Vec<_> = lines.iter().map(|l| parse_household(l).unwrap()).collect();

    let mut g = c.benchmark_group("evaluate");
    g.measurement_time(Duration::from_secs(8)).sample_size(10);
    g.throughput(Throughput::Elements(HOUSEHOLDS));
    g.bench_function("pipeline: parse + rules + write, per household", |b| {
        let mut out = Vec::with_capacity(bytes);
        b.iter(|| {
            out.clear();
            for l in &lines {
                let d = eval.evaluate(&parse_household(l).unwrap(), false).unwrap();
                d.write_json(&mut out).unwrap();
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
    g.bench_function("parse only", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| parse_household(l).unwrap().members.len())
                .sum::<usize>()
        })
    });
    g.bench_function("rules only", |b| {
        b.iter(|| {
            households
                .iter()
                .map(|h| eval.evaluate(h, false).unwrap().size)
                .sum::<u32>()
        })
    });
    g.finish();

    let one = &households[0];
    c.bench_function("one household with a full explanation", |b| {
        b.iter(|| {
            let d = eval.evaluate(black_box(one), true).unwrap();
            serde_json::to_vec(&d).unwrap().len()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
