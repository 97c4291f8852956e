//! The columnar batch path: whole registries as Arrow record batches in,
//! decisions and settlements as Arrow record batches out (interfaces.md §6,
//! the frames of `fupin.evaluate_frame` / `fupin.settle_frame`).
//!
//! Household rows are decoded column by column into plain rows and
//! evaluated by the very rule code of [`crate::rules`], read through
//! [`crate::rules::HouseholdView`]; a row with a problem is read into a
//! [`crate::Household`] record by the table reader's column-to-field mapping
//! ([`crate::record::table`]), so its error is worded as a JSON line's or a
//! table row's. Claims are read into [`crate::Claim`] records and settled by
//! [`crate::Ledger`]: a frame and a JSON line of the same household or
//! claim give the same result. Households are evaluated in parallel
//! chunks (one thread per core); each chunk becomes one result batch, in
//! input order. Claims are settled in input order (claims of one person
//! accumulate).
//!
//! # Columns
//!
//! A household frame has the columns of the household table (§4.1,
//! English names only: `id`, `town`, …, `income_wage`, …, `credit_rating`,
//! `credit_outstanding`); `id` is required. A member frame has the member
//! table's columns with `household_id`; `household_id`, `id`, `sex` and
//! `birth_date` are required. A claim frame has the fields of §2.3; `id`,
//! `person_id`, `admitted_on`, `hospital_level` and `total_cost` are
//! required. Columns pandas adds for its index (`__index_level_0__`) are
//! ignored. An unknown column, a column given twice or a missing required
//! column is refused before anything is evaluated ([`evaluate`] and
//! [`settle`] return every such problem); what a cell may hold is told in
//! [`cells`](self#cells).
//!
//! # Cells
//!
//! Null, NaN and NaT mean absent: the field's default applies
//! (`last_year_income` is present iff a `last_year_income_*` cell is,
//! `credit` iff `credit_rating` or `credit_outstanding` is). Strings are read
//! as in JSON (wire enum strings, `YYYY-MM-DD`, money text of §1,
//! `true`/`false`); integers are money in whole yuan, years, grades, or ids;
//! a float is money from its shortest round-trip text (so a float64 column
//! read from a CSV of two-decimal amounts is exact, and `0.1 + 0.2` is
//! `invalid_money`); `decimal128` is money when its value has at most two
//! decimals; dates are `date32`, `date64`, a timestamp at midnight or text;
//! `causes` and `exit_steps` are `list<utf8>` (`step:date` items),
//! `list<struct<step, on>>` or `;`-separated text. A bad cell makes its row
//! an error (code and field path as a JSON record would get:
//! `invalid_money` at `income.wage`, `invalid_date` at
//! `members[1].birth_date`); the other rows go on.
//!
//! # Members
//!
//! Members join the households whose `id` equals their `household_id`, in
//! member-frame order; a frame sorted by household in household order (the
//! usual export) is joined without hashing. A member row whose
//! `household_id` names no household (or is empty) is an orphan: it is not
//! evaluated and its row number is listed in [`Evaluation::orphan_members`].
//! A household no member names fails with `empty_members`.
//!
//! ```
//! use fupin_core::batch::{self, Frame, MoneyType, Options};
//! use fupin_core::{Policy, parse_household};
//!
//! let h = parse_household(br#"{"id":"H1","income":{"wage":"18000"},"members":[
//!   {"id":"P1","relation":"head","sex":"male","birth_date":"1970-01-01"},
//!   {"id":"P2","relation":"spouse","sex":"female","birth_date":"1972-01-01"},
//!   {"id":"P3","relation":"child","sex":"male","birth_date":"2000-01-01"},
//!   {"id":"P4","relation":"child","sex":"female","birth_date":"2002-01-01"}]}"#).unwrap();
//! let (households, members) = batch::to_frames(&[h]).unwrap();
//! let policy = Policy::builtin("ningxia-2020").unwrap();
//! let as_of = fupin_core::date::parse_date("2020-12-31").unwrap();
//! let out = batch::evaluate(&policy, as_of, &households, &members, &Options::default()).unwrap();
//! let rows = &out.batches[0];
//! let pci = rows.column_by_name("per_capita_income").unwrap();
//! let pci = arrow_array::cast::AsArray::as_primitive::<arrow_array::types::Decimal128Type>(pci.as_ref());
//! assert_eq!(pci.value(0), 450_000); // 18 000 / 4 = 4 500.00 yuan, in fen
//! ```

mod cells;
mod convert;
mod evaluate;
mod join;
mod output;
mod records;
mod rows;
mod settle;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, Schema, SchemaRef};

use self::cells::Reader;
pub use self::convert::{as_read_csv, claims_frame, to_frames};
pub use self::evaluate::evaluate;
pub use self::output::{MONEY_PRECISION, decision_schema, settlement_schema};
pub use self::settle::{PARALLEL_CLAIMS, settle};
use crate::error::{ErrorCode, RecordError};
use crate::record::read::{Problem, field_path};

/// A table: its schema and its record batches (possibly none).
#[derive(Debug, Clone)]
pub struct Frame {
    /// The columns.
    pub schema: SchemaRef,
    /// The rows, in order.
    pub batches: Vec<RecordBatch>,
}

impl Frame {
    /// A frame of one batch.
    pub fn from_batch(batch: RecordBatch) -> Frame {
        Frame {
            schema: batch.schema(),
            batches: vec![batch],
        }
    }

    /// The number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// How money is written in result batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyType {
    /// `decimal128(18, 2)`: exact.
    #[default]
    Decimal128,
    /// `float64`: the float nearest each exact amount, for analysts'
    /// float pipelines (`money="float"`).
    Float64,
}

/// Options of a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// How money is written.
    pub money: MoneyType,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
}

/// Why a frame cannot be evaluated at all (every problem found).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Unknown, duplicate or missing columns: `unknown_field`,
    /// `duplicate_field` or `missing_field` problems whose field is the
    /// column's name.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Columns(Vec<RecordError>),
    /// Arrow refused to build a result batch (a bug).
    #[error("cannot build the result batch: {0}")]
    Arrow(String),
}

impl From<ArrowError> for FrameError {
    fn from(e: ArrowError) -> Self {
        FrameError::Arrow(e.to_string())
    }
}

/// Decisions of a household frame.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// One row per household row, in input order ([`decision_schema`]).
    pub batches: Vec<RecordBatch>,
    /// The rows that failed (their `error_code` is set).
    pub failed: usize,
    /// Member rows (0-based, across the member frame's batches) that joined
    /// no household.
    pub orphan_members: Vec<usize>,
}

/// Settlements of a claim frame.
#[derive(Debug, Clone)]
pub struct Settled {
    /// One row per claim row, in input order ([`settlement_schema`]).
    pub batches: Vec<RecordBatch>,
    /// The rows that failed (their `error_code` is set).
    pub failed: usize,
}

/// `true` for the columns pandas writes for its index.
fn pandas_index(name: &str) -> bool {
    name.starts_with("__index_level_") && name.ends_with("__")
}

/// Matches a frame's columns to a table's, listing every problem.
fn layout<C: Copy + PartialEq>(
    table: &str,
    schema: &Schema,
    all: &[C],
    name: fn(C) -> &'static str,
    required: &[C],
) -> Result<Vec<(usize, C)>, Vec<RecordError>> {
    let mut found: Vec<(usize, C)> = Vec::new();
    let mut problems = Vec::new();
    for (i, field) in schema.fields().iter().enumerate() {
        let n = field.name();
        if pandas_index(n) {
            continue;
        }
        match all.iter().copied().find(|&c| name(c) == n) {
            Some(c) if found.iter().any(|&(_, f)| f == c) => problems.push(RecordError::new(
                ErrorCode::DuplicateField,
                Some(n.clone()),
                format!("{table} frame: column {n} is given twice"),
            )),
            Some(c) => found.push((i, c)),
            None => problems.push(RecordError::new(
                ErrorCode::UnknownField,
                Some(n.clone()),
                format!(
                    "{table} frame: unknown column {n:?} (expected some of {})",
                    all.iter().map(|&c| name(c)).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    for &c in required {
        if !found.iter().any(|&(_, f)| f == c) {
            let n = name(c);
            problems.push(RecordError::new(
                ErrorCode::MissingField,
                Some(n.to_owned()),
                format!("{table} frame: the required column {n} is missing"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// The readers of one batch's columns.
fn readers<'a, C: Copy>(batch: &'a RecordBatch, layout: &[(usize, C)]) -> Vec<(C, Reader<'a>)> {
    layout
        .iter()
        .filter_map(|&(i, c)| {
            let col = batch.columns().get(i)?;
            Some((c, Reader::new(col.as_ref())))
        })
        .collect()
}

/// An amount too large to publish, as its household's error.
fn out_of_range(e: crate::error::ArithmeticError, id: &str) -> RecordError {
    RecordError::new(ErrorCode::OutOfRange, None, e.to_string()).with_record_id(Some(id.to_owned()))
}

fn threads(options: &Options) -> usize {
    match options.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        n => n,
    }
}

/// Runs `work` on chunks `0..n` on up to `threads` threads; results in order.
fn parallel<T: Send>(n: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let out = work(i);
                    if let Ok(mut d) = done.lock() {
                        d.push((i, out));
                    }
                }
            });
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Rows a chunk holds at most.
const CHUNK: usize = 16_384;

/// A bad cell as its record's error.
fn cell_error(
    problem: Problem,
    prefix: &str,
    column: &str,
    table: &str,
    row: usize,
) -> RecordError {
    let field = format!("{prefix}{}{}", field_path(column), problem.suffix);
    let message = format!(
        "{field}: {} ({table} frame row {row}, column {column})",
        problem.message
    );
    RecordError::new(problem.code, Some(field), message)
}
