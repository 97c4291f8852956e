//! Runs the batch path once on a synthetic registry, for profilers
//! (`perf record`, `valgrind --tool=callgrind`):
//! `cargo run --release --example batch_profile -- 20000 1`
//! (households, threads, and a column kind: `float` to read money from
//! float64 columns, `pandas` for every column as `pd.read_csv` and
//! `pyarrow.Table.from_pandas` give it: text as `large_utf8` (dates and
//! `;`-separated lists too), money, years and grades as float64).
//! `FUPIN_PROFILE_REPEAT=5` evaluates the frames that many times (so a
//! sampling profile is mostly evaluation, not the synthetic registry).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fupin_core::batch::{self, Options};
use fupin_core::synth::{Synth, SynthConfig};
use fupin_core::{Household, Policy};

/// The CLI's allocator, so the profile is the CLI's and the Python
/// extension's (both use mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let threads: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let hh: Vec<Household> = Synth::new(SynthConfig {
        households: n,
        ..SynthConfig::default()
    })
    .collect();
    let (mut households, mut members) = batch::to_frames(&hh).unwrap();
    match args.next().as_deref() {
        Some("float") => households = float_money(&households),
        Some("pandas") => {
            households = batch::as_read_csv(&households).unwrap();
            members = batch::as_read_csv(&members).unwrap();
        }
        _ => {}
    }
    drop(hh);
    let policy = Policy::builtin("ningxia-2020").unwrap();
    let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
    let options = Options {
        threads,
        ..Options::default()
    };
    let repeat: usize = std::env::var("FUPIN_PROFILE_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    for _ in 0..repeat {
        let start = std::time::Instant::now();
        let out = batch::evaluate(&policy, as_of, &households, &members, &options).unwrap();
        eprintln!(
            "{} households, {} failed, {:?}",
            n,
            out.failed,
            start.elapsed()
        );
    }
}

/// The frame with its `decimal128` (money) columns as float64, each value
/// the double nearest the amount, as a CSV reader gives it.
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
fn float_money(frame: &batch::Frame) -> batch::Frame {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Decimal128Type;
    use arrow_array::{ArrayRef, Float64Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;
    let fields: Vec<Field> = frame
        .schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Decimal128(..) => Field::new(f.name(), DataType::Float64, true),
            _ => f.as_ref().clone(),
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batches = frame
        .batches
        .iter()
        .map(|b| {
            let cols: Vec<ArrayRef> = b
                .columns()
                .iter()
                .map(|c| match c.data_type() {
                    DataType::Decimal128(..) => {
                        let d = c.as_primitive::<Decimal128Type>();
                        let f: Float64Array =
                            d.iter().map(|v| v.map(|v| v as f64 / 100.0)).collect();
                        Arc::new(f) as ArrayRef
                    }
                    _ => c.clone(),
                })
                .collect();
            RecordBatch::try_new(schema.clone(), cols).unwrap()
        })
        .collect();
    batch::Frame { schema, batches }
}
