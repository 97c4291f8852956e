//! The columnar batch path: whole registries as Arrow record batches in,
//! decisions and settlements as Arrow record batches out (interfaces.md §6,
//! the frames of `fupin.evaluate_frame` / `fupin.settle_frame`).
//!
//! The rows are read into the same [`Household`] / [`Claim`] records as
//! JSON Lines and registry tables, with the table reader's column-to-field
//! mapping ([`crate::record::table`]), and evaluated by the same
//! [`Evaluator`] and [`Ledger`]: a frame and a JSON line of the same
//! household give the same decision. Households are evaluated in parallel
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
mod output;
mod rows;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, Schema, SchemaRef};
use chrono::NaiveDate;

use self::cells::{Reader, Value};
pub use self::convert::{as_read_csv, claims_frame, to_frames};
pub use self::output::{MONEY_PRECISION, decision_schema, settlement_schema};
use self::rows::Rows;
use crate::enums::{HospitalLevel, Sex};
use crate::error::{ErrorCode, RecordError};
use crate::money::Money;
use crate::policy::Policy;
use crate::record::read::{CellRead, Problem, field_path, set_household, set_member};
use crate::record::table::{HouseholdColumn, MemberColumn};
use crate::record::{Claim, Household, Member};
use crate::rules::settlement::Ledger;
use crate::rules::{Ctx, Evaluator, outcome};

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

/// The key a row joins on: text, or an integer written in decimal.
fn key<'a>(reader: Option<&'a Reader<'a>>, row: usize) -> Option<Cow<'a, str>> {
    match reader?.get(row)? {
        Value::Str(s) => Some(Cow::Borrowed(s)),
        v @ (Value::Int(_) | Value::Float(_)) => v.text().ok().map(Cow::Owned),
        _ => None,
    }
}

/// Consecutive member rows with the same `household_id`.
struct Run<'a> {
    key: Cow<'a, str>,
    first: usize,
    len: usize,
}

/// Which member runs each household row takes.
struct Join {
    /// `runs[offsets[h]..offsets[h + 1]]` are household `h`'s runs.
    offsets: Vec<usize>,
    runs: Vec<usize>,
    orphans: Vec<usize>,
}

fn join(households: &[Option<Cow<'_, str>>], runs: &[Run<'_>], keyless: Vec<usize>) -> Join {
    let aligned = runs.len() == households.len()
        && runs
            .iter()
            .zip(households)
            .all(|(r, h)| h.as_deref() == Some(&*r.key))
        && runs.windows(2).all(|w| match w {
            [a, b] => a.key < b.key,
            _ => true,
        });
    if aligned {
        return Join {
            offsets: (0..=runs.len()).collect(),
            runs: (0..runs.len()).collect(),
            orphans: keyless,
        };
    }
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::with_capacity(runs.len());
    for (i, r) in runs.iter().enumerate() {
        by_key.entry(&r.key).or_default().push(i);
    }
    let mut used = vec![false; runs.len()];
    let mut offsets = Vec::with_capacity(households.len() + 1);
    let mut taken = Vec::with_capacity(runs.len());
    offsets.push(0);
    for h in households {
        if let Some(rs) = h.as_deref().and_then(|k| by_key.get(k)) {
            for &r in rs {
                taken.push(r);
                if let Some(u) = used.get_mut(r) {
                    *u = true;
                }
            }
        }
        offsets.push(taken.len());
    }
    let mut orphans = keyless;
    for (r, u) in runs.iter().zip(&used) {
        if !u {
            orphans.extend(r.first..r.first + r.len);
        }
    }
    orphans.sort_unstable();
    Join {
        offsets,
        runs: taken,
        orphans,
    }
}

/// An amount too large to publish, as its household's error.
fn out_of_range(e: crate::error::ArithmeticError, id: &str) -> RecordError {
    RecordError::new(ErrorCode::OutOfRange, None, e.to_string()).with_record_id(Some(id.to_owned()))
}

/// Global row `g` of a frame as (batch, row), given each batch's first row.
fn locate(starts: &[usize], g: usize) -> (usize, usize) {
    let b = starts.partition_point(|&s| s <= g).saturating_sub(1);
    (b, g - starts.get(b).copied().unwrap_or(0))
}

fn starts(frame: &Frame) -> Vec<usize> {
    let mut acc = 0;
    frame
        .batches
        .iter()
        .map(|b| {
            let s = acc;
            acc += b.num_rows();
            s
        })
        .collect()
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

/// Evaluates a household frame and its member frame on `as_of`.
///
/// # Errors
///
/// [`FrameError::Columns`] listing every unknown, duplicate or missing
/// column of either frame; nothing is evaluated then. A bad row is never an
/// error here: its result row says why.
pub fn evaluate(
    policy: &Policy,
    as_of: NaiveDate,
    households: &Frame,
    members: &Frame,
    options: &Options,
) -> Result<Evaluation, FrameError> {
    let hh_layout = layout(
        "households",
        &households.schema,
        HouseholdColumn::ALL,
        HouseholdColumn::header,
        &[HouseholdColumn::Id],
    );
    let mm_layout = layout(
        "members",
        &members.schema,
        MemberColumn::ALL,
        MemberColumn::header,
        &[
            MemberColumn::HouseholdId,
            MemberColumn::Id,
            MemberColumn::Sex,
            MemberColumn::BirthDate,
        ],
    );
    let (hh_layout, mm_layout) = match (hh_layout, mm_layout) {
        (Ok(h), Ok(m)) => (h, m),
        (h, m) => {
            let mut all = h.err().unwrap_or_default();
            all.extend(m.err().unwrap_or_default());
            return Err(FrameError::Columns(all));
        }
    };

    let hh_readers: Vec<Vec<(HouseholdColumn, Reader<'_>)>> = households
        .batches
        .iter()
        .map(|b| readers(b, &hh_layout))
        .collect();
    let mm_readers: Vec<Vec<(MemberColumn, Reader<'_>)>> = members
        .batches
        .iter()
        .map(|b| readers(b, &mm_layout))
        .collect();

    // The join: member runs, then which runs each household takes.
    let mut runs: Vec<Run<'_>> = Vec::new();
    let mut keyless = Vec::new();
    let mut g = 0;
    for (batch, cols) in members.batches.iter().zip(&mm_readers) {
        let hid = cols
            .iter()
            .find(|(c, _)| *c == MemberColumn::HouseholdId)
            .map(|(_, r)| r);
        let mut add = |k| {
            match k {
                Some(k) => match runs.last_mut() {
                    Some(r) if r.key == k && r.first + r.len == g => r.len += 1,
                    _ => runs.push(Run {
                        key: k,
                        first: g,
                        len: 1,
                    }),
                },
                None => keyless.push(g),
            }
            g += 1;
        };
        // Text keys (what frames hold) without a cell `Value` each: the
        // join runs on one thread before the workers start.
        let text =
            hid.is_some_and(|r| r.each_text(0..batch.num_rows(), |t| add(t.map(Cow::Borrowed))));
        if !text {
            for row in 0..batch.num_rows() {
                add(key(hid, row));
            }
        }
    }
    let mut hh_keys: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(households.num_rows());
    for (batch, cols) in households.batches.iter().zip(&hh_readers) {
        let id = cols
            .iter()
            .find(|(c, _)| *c == HouseholdColumn::Id)
            .map(|(_, r)| r);
        let rows = 0..batch.num_rows();
        let text =
            id.is_some_and(|r| r.each_text(rows.clone(), |t| hh_keys.push(t.map(Cow::Borrowed))));
        if !text {
            hh_keys.extend(rows.map(|row| key(id, row)));
        }
    }
    let joined = join(&hh_keys, &runs, keyless);

    let evaluator = Evaluator::new(policy, as_of);
    let params = evaluator.exact_params().ok();
    // Rows are read the short way (rows::Rows) when the member ids and
    // identity numbers are text (they are kept borrowed).
    let fast = rows::readable(&mm_readers);
    let hh_starts = starts(households);
    let mm_starts = starts(members);
    // Chunks never cross a batch boundary.
    let mut chunks: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (b, batch) in households.batches.iter().enumerate() {
        let n = batch.num_rows();
        let mut s = 0;
        while s < n {
            let e = (s + CHUNK).min(n);
            chunks.push((b, s..e));
            s = e;
        }
    }
    let money = options.money;
    let members_of = |g: usize| {
        joined
            .offsets
            .get(g)
            .zip(joined.offsets.get(g + 1))
            .and_then(|(&a, &z)| joined.runs.get(a..z))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&r| runs.get(r))
            .flat_map(|r| r.first..r.first + r.len)
    };
    let results = parallel(chunks.len(), threads(options), |c| {
        let Some((b, range)) = chunks.get(c) else {
            return Ok((None, 0));
        };
        let Some(cols) = hh_readers.get(*b) else {
            return Ok((None, 0));
        };
        let start = hh_starts.get(*b).copied().unwrap_or(0);
        let mut out = output::DecisionColumns::new(money, range.len());
        let mut failed = 0;
        let mut block = Block::default();
        // Findings of one household at a time: the list keeps its memory.
        let mut found = Vec::new();
        let line = evaluator
            .exact_params()
            .ok()
            .and_then(|p| p.poverty_line_exit.round_fen("line").ok())
            .and_then(|l| l.to_fen("line").ok())
            .unwrap_or(0);
        let mut rows = Rows::default();
        // The record reader's verdict on the households of `block`: each
        // evaluated where it was read, or its error.
        let by_record = |block: &Block, out: &mut output::DecisionColumns, s: usize| {
            let mut failed = 0;
            let mut found = Vec::new();
            for (k, slot) in block.households.iter().enumerate() {
                let g = start + s + k;
                let hh = &slot.household;
                let decided = match &slot.error {
                    Some(e) => Err(Cow::Borrowed(e)),
                    None => hh
                        .validate()
                        .and_then(|()| evaluator.outcome_of(hh, &mut found))
                        .and_then(|o| {
                            out.push_outcome(&hh.id, as_of, line, &o, &found, |i| {
                                hh.members.get(i).map(|m| m.id.as_str())
                            })
                            .map_err(|e| out_of_range(e, &hh.id))
                        })
                        .map_err(Cow::Owned),
                };
                if let Err(e) = decided {
                    failed += 1;
                    let id = hh_keys.get(g).and_then(|k| k.as_deref());
                    out.push_error(id, &e);
                }
            }
            failed
        };
        let mut s = range.start;
        while s < range.end {
            let e = (s + BLOCK).min(range.end);
            let Some(p) = params.filter(|_| fast) else {
                block.read(cols, s..e, start, &members_of, &mm_readers, &mm_starts);
                failed += by_record(&block, &mut out, s);
                s = e;
                continue;
            };
            rows.read(
                cols,
                &hh_keys,
                s..e,
                start,
                &members_of,
                &mm_readers,
                &mm_starts,
                as_of,
            );
            for k in 0..e - s {
                let g = start + s + k;
                let id = hh_keys.get(g).and_then(|k| k.as_deref());
                let view = rows
                    .households
                    .get(k)
                    .filter(|h| !h.bad)
                    .and_then(|_| rows.view(k, as_of));
                match (view, id) {
                    (Some(view), Some(id)) => {
                        found.clear();
                        let done = outcome(&Ctx::new(&view, p), &mut found).and_then(|o| {
                            out.push_outcome(id, as_of, line, &o, &found, |i| view.member_id(i))
                        });
                        if let Err(e) = done {
                            failed += 1;
                            out.push_error(Some(id), &out_of_range(e, id));
                        }
                    }
                    // A problem: the record reader reads this household
                    // again and says exactly what it is.
                    _ => {
                        block.read(
                            cols,
                            s + k..s + k + 1,
                            start,
                            &members_of,
                            &mm_readers,
                            &mm_starts,
                        );
                        failed += by_record(&block, &mut out, s + k);
                    }
                }
            }
            s = e;
        }
        out.finish().map(|b| (Some(b), failed))
    });
    let mut evaluation = Evaluation {
        batches: Vec::with_capacity(results.len()),
        failed: 0,
        orphan_members: joined.orphans,
    };
    for r in results {
        let (batch, failed) = r?;
        evaluation.batches.extend(batch);
        evaluation.failed += failed;
    }
    Ok(evaluation)
}

/// Households a [`Block`] reads at a time: few enough that the block's
/// records stay in the core's cache while its columns are read one by one.
const BLOCK: usize = 256;

/// A household row of a [`Block`]: read there, then evaluated in place.
struct HouseholdSlot {
    /// Its row in its batch.
    row: usize,
    household: Household,
    /// Its first bad cell while the columns are read; once the block is
    /// read, its first problem of any kind, with its record id.
    error: Option<RecordError>,
}

impl HouseholdSlot {
    /// The slot of household row `row`, as new but with its lists' memory.
    fn reset(&mut self, row: usize) {
        self.row = row;
        self.error = None;
        let h = &mut self.household;
        let mut members = std::mem::take(&mut h.members);
        let mut causes = std::mem::take(&mut h.causes);
        let mut exit_steps = std::mem::take(&mut h.exit_steps);
        members.clear();
        causes.clear();
        exit_steps.clear();
        *h = Household {
            members,
            causes,
            exit_steps,
            ..Household::with_defaults()
        };
    }
}

/// A member row being read, straight into its household's member list.
struct MemberSlot<'a> {
    /// Its row in its batch (the batch is its run's, [`Block::runs`]).
    row: usize,
    /// Its row across the member frame's batches.
    g: usize,
    /// Its index in its household.
    i: usize,
    /// Its record, in its household's list.
    member: &'a mut Member,
    /// Its first bad cell (boxed: rare).
    error: Option<Box<RecordError>>,
    /// Whether it gave its `id`, `sex` and `birth_date`.
    seen: [bool; 3],
}

/// The records of a few consecutive household rows, read column by column
/// (each column's cells of the whole block, then the next column), so a
/// row's hundred-odd cells are not fetched from a hundred places at once.
#[derive(Default)]
struct Block {
    /// The block's households, each with its first problem if it has one.
    households: Vec<HouseholdSlot>,
    /// How many members each household has (its slots follow each other).
    counts: Vec<usize>,
    /// Every member row of the block, household by household: (row in its
    /// batch, row across batches, index in its household).
    places: Vec<(usize, usize, usize)>,
    /// Runs of `places` in one batch: (batch, range of `places`).
    runs: Vec<(usize, std::ops::Range<usize>)>,
    /// The block's members' first problems: (household of the block, error).
    member_errors: Vec<(usize, RecordError)>,
}

impl Block {
    /// Reads household rows `rows` of a batch whose first row is global row
    /// `start`, and their members. The same errors as reading row by row,
    /// and the same records but for text columns no rule reads (`town`,
    /// `village`, and member names unless the block has a problem), left
    /// empty: a household's first problem is its first bad cell in column
    /// order, then a missing `id`, then its members' first problems in
    /// member order (a member's bad cell in column order, then a missing
    /// required cell).
    fn read<I: Iterator<Item = usize>>(
        &mut self,
        cols: &[(HouseholdColumn, Reader<'_>)],
        rows: std::ops::Range<usize>,
        start: usize,
        members_of: &impl Fn(usize) -> I,
        mm_readers: &[Vec<(MemberColumn, Reader<'_>)>],
        mm_starts: &[usize],
    ) {
        let households = &mut self.households;
        // The last block's slots are reset, not dropped: their lists keep
        // their memory for this block's.
        households.truncate(rows.len());
        let kept = households.len();
        for (slot, row) in households.iter_mut().zip(rows.clone()) {
            slot.reset(row);
        }
        households.extend(rows.clone().skip(kept).map(|row| HouseholdSlot {
            row,
            household: Household::with_defaults(),
            error: None,
        }));
        for (col, reader) in cols {
            // Town and village: no rule reads them, and a text cell of
            // theirs is never a problem, so such a column is not read.
            let unread = matches!(col, HouseholdColumn::Town | HouseholdColumn::Village)
                && reader.text_or_null();
            if unread || household_text_column(*col, reader, households, start) {
                continue;
            }
            reader.each_mut(
                households,
                |s| s.row,
                |s, v| read_household_cell(s, *col, v, start),
            );
        }

        // Each member is read where it stays, in its household's list (made
        // empty by `reset`): no record is moved.
        self.places.clear();
        self.counts.clear();
        self.runs.clear();
        for (slot, row) in households.iter_mut().zip(rows.clone()) {
            let before = self.places.len();
            for (i, g) in members_of(start + row).enumerate() {
                let (batch, row) = locate(mm_starts, g);
                let at = self.places.len();
                match self.runs.last_mut() {
                    Some((b, r)) if *b == batch => r.end += 1,
                    _ => self.runs.push((batch, at..at + 1)),
                }
                self.places.push((row, g, i));
                slot.household
                    .members
                    .push(Member::new("", Sex::Male, NaiveDate::MIN));
            }
            self.counts.push(self.places.len() - before);
        }
        let household_problem = households
            .iter()
            .any(|s| s.error.is_some() || s.household.id.is_empty());
        let mut slots: Vec<MemberSlot<'_>> = Vec::with_capacity(self.places.len());
        let mut places = self.places.iter();
        for member in households
            .iter_mut()
            .flat_map(|s| s.household.members.iter_mut())
        {
            let Some(&(row, g, i)) = places.next() else {
                break;
            };
            slots.push(MemberSlot {
                row,
                g,
                i,
                member,
                error: None,
                seen: [false; 3],
            });
        }
        // Names: no rule reads them, and a text cell of theirs is never a
        // problem, so a text column of names is read only for a block with
        // a problem (an error message is scrubbed of its members' names).
        let columns = mm_readers.first().map_or(0, Vec::len);
        let mut names = Vec::new();
        for j in 0..columns {
            for (batch, range) in &self.runs {
                let (Some((col, reader)), Some(slots)) = (
                    mm_readers.get(*batch).and_then(|c| c.get(j)),
                    slots.get_mut(range.clone()),
                ) else {
                    continue;
                };
                if *col == MemberColumn::Name && reader.text_or_null() {
                    names.push((reader, range.clone()));
                    continue;
                }
                if *col == MemberColumn::HouseholdId || member_text_column(*col, reader, slots) {
                    continue;
                }
                reader.each_mut(slots, |s| s.row, |s, v| read_member_cell(s, *col, v));
            }
        }
        // Each household's first member problem, in member order.
        self.member_errors.clear();
        let mut at = 0;
        for (k, &count) in self.counts.iter().enumerate() {
            let members = slots.get_mut(at..at + count).unwrap_or_default();
            at += count;
            let first = members
                .iter_mut()
                .find(|m| m.error.is_some() || m.seen != [true; 3])
                .and_then(|m| {
                    m.error
                        .take()
                        .map(|e| *e)
                        .or_else(|| missing_member_cell(m.g, m.i, m.seen))
                });
            if let Some(e) = first {
                self.member_errors.push((k, e));
            }
        }
        if household_problem || !self.member_errors.is_empty() {
            for (reader, range) in names {
                if let Some(slots) = slots.get_mut(range) {
                    member_text_column(MemberColumn::Name, reader, slots);
                }
            }
        }
        drop(slots);

        let mut member_errors = self.member_errors.drain(..).peekable();
        for (k, slot) in self.households.iter_mut().enumerate() {
            let h = &mut slot.household;
            let g = start + slot.row;
            if h.id.is_empty() && slot.error.is_none() {
                slot.error = Some(RecordError::new(
                    ErrorCode::MissingField,
                    Some("id".to_owned()),
                    format!(
                        "id: the household id is required but the cell is empty (households frame row {g}, column id)"
                    ),
                ));
            }
            if let Some((_, e)) = member_errors.next_if(|(at, _)| *at == k)
                && slot.error.is_none()
            {
                slot.error = Some(e);
            }
            if let Some(mut e) = slot.error.take() {
                e.message = scrub_personal(&e.message, &h.members);
                slot.error =
                    Some(e.with_record_id(Some(h.id.to_string()).filter(|id| !id.is_empty())));
            }
        }
    }
}

/// Masks every identity number and name of `members` wherever `message`
/// quotes it (a name typed into the sex column, an identity number into a
/// date), as the JSON Lines reader and the table reader do: a bad cell's
/// message quotes its value.
fn scrub_personal(message: &str, members: &[Member]) -> String {
    let mut personal: Vec<(&str, String)> = Vec::new();
    for m in members {
        if let Some(n) = &m.id_number {
            personal.push((n.expose(), n.masked()));
        }
        personal.push((m.name.expose(), m.name.masked()));
    }
    // Values of one character are left alone (their mask shows that
    // character anyway); longest first, so a value containing another is
    // masked whole.
    personal.retain(|(raw, _)| raw.chars().nth(1).is_some());
    personal.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    let mut out = message.to_owned();
    for (raw, masked) in personal {
        if out.contains(raw) {
            out = out.replace(raw, &masked);
        }
    }
    out
}

/// Reads one cell of a member row: its slot keeps its first bad cell and
/// which of `id`, `sex` and `birth_date` it gave.
fn read_member_cell(s: &mut MemberSlot<'_>, col: MemberColumn, cell: Option<Value<'_>>) {
    let Some(v) = cell else { return };
    let mut household_id = None;
    match set_member(s.member, &mut household_id, col, &v) {
        Ok(()) => {
            let k = match col {
                MemberColumn::Id => 0,
                MemberColumn::Sex => 1,
                MemberColumn::BirthDate => 2,
                _ => return,
            };
            if let Some(seen) = s.seen.get_mut(k) {
                *seen = true;
            }
        }
        Err(p) if s.error.is_none() => {
            let prefix = format!("members[{}].", s.i);
            s.error = Some(Box::new(cell_error(
                p,
                &prefix,
                col.header(),
                "members",
                s.g,
            )));
        }
        Err(_) => {}
    }
}

/// Reads one cell of a household row of a batch whose first row is global
/// row `start`: its slot keeps its first bad cell.
fn read_household_cell(
    s: &mut HouseholdSlot,
    col: HouseholdColumn,
    cell: Option<Value<'_>>,
    start: usize,
) {
    if let Some(v) = cell
        && let Err(p) = set_household(&mut s.household, col, &v)
        && s.error.is_none()
    {
        s.error = Some(cell_error(p, "", col.header(), "households", start + s.row));
    }
}

/// The household counterpart of [`member_text_column`]: ids, place names,
/// enum labels and dates read the short way, any other cell through
/// [`read_household_cell`].
fn household_text_column(
    col: HouseholdColumn,
    reader: &Reader<'_>,
    slots: &mut [HouseholdSlot],
    start: usize,
) -> bool {
    use crate::date::parse_date;
    use crate::enums::{Attribute, Cause, CreditRating, ExitStepKind, Housing, Status, WireEnum};
    use crate::record::read::{causes_text_into, credit, exit_steps_text_into, plain_exit_step};
    use HouseholdColumn as C;
    macro_rules! read {
        (|$h:ident, $t:ident| $set:expr) => {
            reader.each_text_mut(
                slots,
                |s| s.row,
                |s, t| {
                    let $h = &mut s.household;
                    if let Some($t) = t
                        && $set.is_none()
                    {
                        read_household_cell(s, col, Some(Value::Str($t)), start);
                    }
                },
            )
        };
    }
    // A `date32` column: a day count that is a date is set, any other
    // (beyond chrono's dates) goes through `read_household_cell`.
    macro_rules! date32 {
        (|$h:ident, $d:ident| $set:expr) => {
            reader.each_date32_mut(
                slots,
                |s| s.row,
                |s, days| {
                    let Some(days) = days else { return };
                    match cells::date32(days) {
                        Some($d) => {
                            let $h = &mut s.household;
                            $set
                        }
                        None => {
                            read_household_cell(s, col, Some(cells::days(i64::from(days))), start)
                        }
                    }
                },
            )
        };
    }
    // A list of text items (`list<utf8>`): set when every item reads the
    // short way, else the whole cell goes through `read_household_cell`.
    macro_rules! list {
        (|$h:ident, $items:ident| $set:expr) => {
            reader.each_text_list_mut(
                slots,
                |s| s.row,
                |s, items| {
                    let $h = &mut s.household;
                    if let Some($items) = items
                        && $set.is_none()
                    {
                        let cell = reader.get(s.row);
                        read_household_cell(s, col, cell, start);
                    }
                },
            )
        };
    }
    match col {
        C::Id => read!(|h, t| {
            h.id = t.into();
            Some(())
        }),
        C::Town => read!(|h, t| {
            h.town = t.into();
            Some(())
        }),
        C::Village => read!(|h, t| {
            h.village = t.into();
            Some(())
        }),
        C::Attribute => read!(|h, t| Attribute::from_wire(t).map(|v| h.attribute = v)),
        C::Status => read!(|h, t| Status::from_wire(t).map(|v| h.status = v)),
        C::GuaranteesHousing => {
            read!(|h, t| Housing::from_wire(t).map(|v| h.guarantees.housing = v))
        }
        C::IdentifiedOn => {
            read!(|h, t| parse_date(t).map(|d| h.identified_on = Some(d)))
                || date32!(|h, d| h.identified_on = Some(d))
        }
        C::ExitedOn => {
            read!(|h, t| parse_date(t).map(|d| h.exited_on = Some(d)))
                || date32!(|h, d| h.exited_on = Some(d))
        }
        C::ReturnedOn => {
            read!(|h, t| parse_date(t).map(|d| h.returned_on = Some(d)))
                || date32!(|h, d| h.returned_on = Some(d))
        }
        C::CreditRating => read!(|h, t| CreditRating::from_wire(t).map(|v| credit(h).rating = v)),
        C::Causes => {
            read!(|h, t| causes_text_into(t, Cause::from_wire, &mut h.causes).ok())
                || list!(
                    |h, items| each_item(items, &mut h.causes, |t| t.and_then(Cause::from_wire))
                )
        }
        C::ExitSteps => {
            read!(|h, t| exit_steps_text_into(t, ExitStepKind::from_wire, &mut h.exit_steps).ok())
                || list!(|h, items| each_item(items, &mut h.exit_steps, |t| {
                    t.and_then(|t| plain_exit_step(t, ExitStepKind::from_wire))
                }))
        }
        _ => household_number_column(col, reader, slots, start),
    }
}

/// `read` of every item, into `out` (emptied first, so a list keeps its
/// memory from the block before); `None` as soon as an item reads `None`
/// (then the household fails, and what `out` holds is never read).
fn each_item<T>(
    items: &[Option<&str>],
    out: &mut Vec<T>,
    read: impl Fn(Option<&str>) -> Option<T>,
) -> Option<()> {
    out.clear();
    out.reserve(items.len());
    for &t in items {
        out.push(read(t)?);
    }
    Some(())
}

/// The household counterpart of [`member_bool_column`] for `bool` columns,
/// and for money in `float64` columns (as `pd.read_csv` gives them) or
/// `decimal128` ones: a float decided exactly without its text
/// ([`cells::float_money`]) or a decimal that is money is set, any other
/// cell goes through [`read_household_cell`] (which gives its error).
fn household_number_column(
    col: HouseholdColumn,
    reader: &Reader<'_>,
    slots: &mut [HouseholdSlot],
    start: usize,
) -> bool {
    use crate::record::read::{credit, last_year};
    use HouseholdColumn as C;
    let money: Option<fn(&mut Household) -> &mut Money> = match col {
        C::IncomeWage => Some(|h| &mut h.income.wage),
        C::IncomeOperating => Some(|h| &mut h.income.operating),
        C::IncomeOperatingCost => Some(|h| &mut h.income.operating_cost),
        C::IncomeProperty => Some(|h| &mut h.income.property),
        C::IncomeTransfer => Some(|h| &mut h.income.transfer),
        C::IncomeDibao => Some(|h| &mut h.income.dibao),
        C::IncomeOneOffTransfer => Some(|h| &mut h.income.one_off_transfer),
        C::LastYearIncomeWage => Some(|h| &mut last_year(h).wage),
        C::LastYearIncomeOperating => Some(|h| &mut last_year(h).operating),
        C::LastYearIncomeOperatingCost => Some(|h| &mut last_year(h).operating_cost),
        C::LastYearIncomeProperty => Some(|h| &mut last_year(h).property),
        C::LastYearIncomeTransfer => Some(|h| &mut last_year(h).transfer),
        C::LastYearIncomeDibao => Some(|h| &mut last_year(h).dibao),
        C::LastYearIncomeOneOffTransfer => Some(|h| &mut last_year(h).one_off_transfer),
        C::RigidExpenses => Some(|h| &mut h.rigid_expenses),
        C::AssetsDeposits => Some(|h| &mut h.assets.deposits),
        C::CreditOutstanding => Some(|h| &mut credit(h).outstanding),
        _ => None,
    };
    if let Some(field) = money {
        return reader.each_f64_mut(
            slots,
            |s| s.row,
            |s, f| {
                let Some(f) = f else { return };
                match cells::float_money(f) {
                    Some(m) => *field(&mut s.household) = m,
                    None => read_household_cell(s, col, Some(Value::Float(f)), start),
                }
            },
        ) || reader.each_decimal_mut(
            slots,
            |s| s.row,
            |s, v| {
                let Some((v, scale)) = v else { return };
                match cells::decimal_money(v, scale) {
                    Ok(m) => *field(&mut s.household) = m,
                    Err(_) => read_household_cell(s, col, Some(Value::Decimal(v, scale)), start),
                }
            },
        );
    }
    let flag: Option<fn(&mut Household) -> &mut bool> = match col {
        C::Relocated => Some(|h| &mut h.relocated),
        C::GuaranteesFood => Some(|h| &mut h.guarantees.food),
        C::GuaranteesClothing => Some(|h| &mut h.guarantees.clothing),
        C::GuaranteesDrinkingWater => Some(|h| &mut h.guarantees.drinking_water),
        C::AssetsCar => Some(|h| &mut h.assets.car),
        C::AssetsCommercialHousing => Some(|h| &mut h.assets.commercial_housing),
        C::AssetsBusiness => Some(|h| &mut h.assets.business),
        C::AssetsPublicEmployee => Some(|h| &mut h.assets.public_employee),
        _ => None,
    };
    match flag {
        Some(field) => reader.each_bool_mut(
            slots,
            |s| s.row,
            |s, b| {
                if let Some(b) = b {
                    *field(&mut s.household) = b;
                }
            },
        ),
        None => false,
    }
}

/// Reads a member `bool` column the short way (a boolean cell is always
/// its field's value); `false` when `col` is not a flag or the Arrow column
/// not `bool`.
fn member_bool_column(
    col: MemberColumn,
    reader: &Reader<'_>,
    slots: &mut [MemberSlot<'_>],
) -> bool {
    use MemberColumn as C;
    let field: fn(&mut Member) -> &mut bool = match col {
        C::Boarding => |m| &mut m.boarding,
        C::MedicalInsurance => |m| &mut m.medical_insurance,
        C::Dibao => |m| &mut m.dibao,
        C::Veteran => |m| &mut m.veteran,
        _ => return false,
    };
    reader.each_bool_mut(
        slots,
        |s| s.row,
        |s, b| {
            if let Some(b) = b {
                *field(s.member) = b;
            }
        },
    )
}

/// Reads a member text column (ids, names, enum labels, dates written
/// `YYYY-MM-DD`) the short way: a cell that reads as its field directly is
/// set, any other goes through [`read_member_cell`] (which gives its error),
/// so the result is the same. `false` when `col` is not such a column or the
/// Arrow column is not text.
fn member_text_column(
    col: MemberColumn,
    reader: &Reader<'_>,
    slots: &mut [MemberSlot<'_>],
) -> bool {
    use crate::date::parse_date;
    use crate::enums::{Health, Labor, Relation, Schooling, WireEnum};
    use crate::mask::{IdNumber, PersonName};
    use MemberColumn as C;
    /// Marks `id`, `sex` or `birth_date` (0, 1, 2) as given.
    fn mark(s: &mut MemberSlot<'_>, k: usize) {
        if let Some(seen) = s.seen.get_mut(k) {
            *seen = true;
        }
    }
    macro_rules! read {
        (|$s:ident, $t:ident| $set:expr) => {
            reader.each_text_mut(
                slots,
                |s| s.row,
                |$s, t| {
                    if let Some($t) = t
                        && $set.is_none()
                    {
                        read_member_cell($s, col, Some(Value::Str($t)));
                    }
                },
            )
        };
    }
    // A `date32` column: a day count that is a date is set, any other
    // (beyond chrono's dates) goes through `read_member_cell` for its error.
    macro_rules! date32 {
        (|$s:ident, $d:ident| $set:expr) => {
            reader.each_date32_mut(
                slots,
                |s| s.row,
                |$s, days| {
                    let Some(days) = days else { return };
                    match cells::date32(days) {
                        Some($d) => $set,
                        None => read_member_cell($s, col, Some(cells::days(i64::from(days)))),
                    }
                },
            )
        };
    }
    macro_rules! label {
        ($field:ident, $e:ty, $seen:expr) => {
            read!(|s, t| <$e>::from_wire(t).map(|v| {
                s.member.$field = v;
                if let Some(k) = $seen {
                    mark(s, k);
                }
            }))
        };
    }
    match col {
        C::Id => read!(|s, t| {
            s.member.id = t.into();
            mark(s, 0);
            Some(())
        }),
        C::IdNumber => read!(|s, t| {
            s.member.id_number = Some(IdNumber::new(t));
            Some(())
        }),
        C::Name => read!(|s, t| {
            s.member.name = PersonName::new(t);
            Some(())
        }),
        C::Relation => label!(relation, Relation, None::<usize>),
        C::Sex => label!(sex, Sex, Some(1)),
        C::Schooling => label!(schooling, Schooling, None::<usize>),
        C::Health => label!(health, Health, None::<usize>),
        C::Labor => label!(labor, Labor, None::<usize>),
        C::BirthDate => {
            read!(|s, t| parse_date(t).map(|d| {
                s.member.birth_date = d;
                mark(s, 2);
            })) || date32!(|s, d| {
                s.member.birth_date = d;
                mark(s, 2);
            })
        }
        C::DeceasedOn => {
            read!(|s, t| parse_date(t).map(|d| s.member.deceased_on = Some(d)))
                || date32!(|s, d| s.member.deceased_on = Some(d))
        }
        C::MovedOutOn => {
            read!(|s, t| parse_date(t).map(|d| s.member.moved_out_on = Some(d)))
                || date32!(|s, d| s.member.moved_out_on = Some(d))
        }
        C::DisabilityGrade => member_grade_column(reader, slots),
        _ => member_bool_column(col, reader, slots),
    }
}

/// Reads `disability_grade` the short way from an `int32` column or a
/// `float64` one (as `pd.read_csv` gives a column with blanks): a grade 1 to
/// 4 is set, any other cell goes through [`read_member_cell`] for its error.
/// `false` for any other column type.
fn member_grade_column(reader: &Reader<'_>, slots: &mut [MemberSlot<'_>]) -> bool {
    let col = MemberColumn::DisabilityGrade;
    reader.each_i32_mut(
        slots,
        |s| s.row,
        |s, v| match v.map(|v| (u8::try_from(v), v)) {
            None => {}
            Some((Ok(g @ 1..=4), _)) => s.member.disability_grade = Some(g),
            Some((_, v)) => read_member_cell(s, col, Some(Value::Int(i128::from(v)))),
        },
    ) || reader.each_f64_mut(
        slots,
        |s| s.row,
        |s, v| {
            let Some(v) = v else { return };
            #[allow(clippy::float_cmp, reason = "the exact grades 1.0 … 4.0, nothing else")]
            let g = [1u8, 2, 3, 4].into_iter().find(|&g| f64::from(g) == v);
            match g {
                Some(g) => s.member.disability_grade = Some(g),
                None => read_member_cell(s, col, Some(Value::Float(v))),
            }
        },
    )
}

/// The error of member row `g` (the `i`-th of its household) when it left a
/// required cell (`id`, `sex`, `birth_date`) empty.
fn missing_member_cell(g: usize, i: usize, seen: [bool; 3]) -> Option<RecordError> {
    let required = [MemberColumn::Id, MemberColumn::Sex, MemberColumn::BirthDate];
    let (col, _) = required.iter().zip(seen).find(|(_, s)| !s)?;
    let field = format!("members[{i}].{}", col.header());
    Some(RecordError::new(
        ErrorCode::MissingField,
        Some(field.clone()),
        format!(
            "{field}: required but the cell is empty (members frame row {g}, column {})",
            col.header()
        ),
    ))
}

/// A column of a claim frame (interfaces.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimColumn {
    Id,
    PersonId,
    AdmittedOn,
    HospitalLevel,
    TotalCost,
    InPolicyCost,
    RegisteredPoor,
    BackstopEligible,
    MajorIllness,
}

impl ClaimColumn {
    const ALL: &'static [ClaimColumn] = &[
        ClaimColumn::Id,
        ClaimColumn::PersonId,
        ClaimColumn::AdmittedOn,
        ClaimColumn::HospitalLevel,
        ClaimColumn::TotalCost,
        ClaimColumn::InPolicyCost,
        ClaimColumn::RegisteredPoor,
        ClaimColumn::BackstopEligible,
        ClaimColumn::MajorIllness,
    ];
    const REQUIRED: &'static [ClaimColumn] = &[
        ClaimColumn::Id,
        ClaimColumn::PersonId,
        ClaimColumn::AdmittedOn,
        ClaimColumn::HospitalLevel,
        ClaimColumn::TotalCost,
    ];

    fn name(self) -> &'static str {
        match self {
            ClaimColumn::Id => "id",
            ClaimColumn::PersonId => "person_id",
            ClaimColumn::AdmittedOn => "admitted_on",
            ClaimColumn::HospitalLevel => "hospital_level",
            ClaimColumn::TotalCost => "total_cost",
            ClaimColumn::InPolicyCost => "in_policy_cost",
            ClaimColumn::RegisteredPoor => "registered_poor",
            ClaimColumn::BackstopEligible => "backstop_eligible",
            ClaimColumn::MajorIllness => "major_illness",
        }
    }
}

/// Reads claim row `row` (global row `g`).
fn read_claim(
    cols: &[(ClaimColumn, Reader<'_>)],
    row: usize,
    g: usize,
) -> Result<Claim, RecordError> {
    let mut c = Claim {
        id: String::new(),
        person_id: String::new(),
        admitted_on: NaiveDate::MIN,
        hospital_level: HospitalLevel::Township,
        total_cost: Money::ZERO,
        in_policy_cost: Money::ZERO,
        registered_poor: true,
        backstop_eligible: true,
        major_illness: false,
    };
    let mut in_policy: Option<Money> = None;
    let mut seen: Vec<ClaimColumn> = Vec::with_capacity(cols.len());
    let mut first: Option<RecordError> = None;
    for (col, reader) in cols {
        let Some(v) = reader.get(row) else { continue };
        let set = |c: &mut Claim, in_policy: &mut Option<Money>| -> Result<(), Problem> {
            match col {
                ClaimColumn::Id => c.id = v.text()?,
                ClaimColumn::PersonId => c.person_id = v.text()?,
                ClaimColumn::AdmittedOn => c.admitted_on = v.date()?,
                ClaimColumn::HospitalLevel => c.hospital_level = v.label()?,
                ClaimColumn::TotalCost => c.total_cost = v.money()?,
                ClaimColumn::InPolicyCost => *in_policy = Some(v.money()?),
                ClaimColumn::RegisteredPoor => c.registered_poor = v.boolean()?,
                ClaimColumn::BackstopEligible => c.backstop_eligible = v.boolean()?,
                ClaimColumn::MajorIllness => c.major_illness = v.boolean()?,
            }
            Ok(())
        };
        match set(&mut c, &mut in_policy) {
            Ok(()) => seen.push(*col),
            Err(p) if first.is_none() => {
                first = Some(cell_error(p, "", col.name(), "claims", g));
            }
            Err(_) => {}
        }
    }
    if first.is_none()
        && let Some(col) = ClaimColumn::REQUIRED.iter().find(|c| !seen.contains(c))
    {
        let n = col.name();
        first = Some(RecordError::new(
            ErrorCode::MissingField,
            Some(n.to_owned()),
            format!("{n}: required but the cell is empty (claims frame row {g}, column {n})"),
        ));
    }
    c.in_policy_cost = in_policy.unwrap_or(c.total_cost);
    match first {
        Some(e) => Err(e.with_record_id(Some(c.id).filter(|id| !id.is_empty()))),
        None => Ok(c),
    }
}

/// Settles a claim frame in row order, on `ledger` (so a frame can follow
/// earlier claims, and a later frame this one). A claim whose id the
/// ledger has already settled fails with `duplicate_claim_id`.
///
/// The claims of different people never meet (a person's year-to-date sums
/// are their own), so on an empty ledger with more than one thread
/// ([`Options::threads`]; with 0, frames of [`PARALLEL_CLAIMS`] rows or
/// more) the frame is split by person: each part is settled in row order on
/// a ledger of its own, on its own thread, and the parts' ledgers and rows
/// are merged. The results are those of one run in row order. A claim id
/// settled in two parts (a repeated id, given to two people) would have
/// been a `duplicate_claim_id` in one run: then the frame is settled again
/// in one run.
///
/// # Errors
///
/// [`FrameError::Columns`] listing every unknown, duplicate or missing
/// column; nothing is settled then.
pub fn settle(
    policy: &Policy,
    claims: &Frame,
    ledger: &mut Ledger,
    options: &Options,
) -> Result<Settled, FrameError> {
    let layout = layout(
        "claims",
        &claims.schema,
        ClaimColumn::ALL,
        ClaimColumn::name,
        ClaimColumn::REQUIRED,
    )
    .map_err(FrameError::Columns)?;
    let parts = match options.threads {
        0 if claims.num_rows() < PARALLEL_CLAIMS => 1,
        _ => threads(options),
    };
    if parts > 1
        && ledger.claims_settled() == 0
        && let Some(settled) = settle_by_person(policy, claims, &layout, ledger, parts, options)?
    {
        return Ok(settled);
    }
    settle_in_order(policy, claims, &layout, ledger, options.money)
}

/// Claim frames of at least this many rows are split by person when
/// [`Options::threads`] is 0 (below it, threads cost more than they save).
pub const PARALLEL_CLAIMS: usize = 65_536;

/// The part of a split run that settles row `row` of a batch: by its
/// person id (rows without a readable one all go to the first part; they
/// fail whatever the ledger holds).
fn part_of(cols: &[(ClaimColumn, Reader<'_>)], row: usize, parts: usize) -> usize {
    let person = cols
        .iter()
        .find(|(c, _)| *c == ClaimColumn::PersonId)
        .and_then(|(_, r)| key(Some(r), row));
    match person {
        // FNV-1a: any hash that spreads people evenly will do.
        Some(id) => {
            let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            usize::try_from(h % parts as u64).unwrap_or(0)
        }
        None => 0,
    }
}

/// One part of a split run: its ledger, its rows (global row numbers, in
/// order), their settlements as one batch, and how many failed.
struct Part {
    ledger: Ledger,
    rows: Vec<usize>,
    batch: RecordBatch,
    failed: usize,
}

/// [`settle`] split by person on `parts` threads; `None` when a claim id
/// turned up in two parts (the caller settles in one run instead).
/// `ledger` is empty, and is only replaced when the split run stands.
fn settle_by_person(
    policy: &Policy,
    claims: &Frame,
    layout: &[(usize, ClaimColumn)],
    ledger: &mut Ledger,
    parts: usize,
    options: &Options,
) -> Result<Option<Settled>, FrameError> {
    let readers: Vec<Vec<(ClaimColumn, Reader<'_>)>> =
        claims.batches.iter().map(|b| readers(b, layout)).collect();
    let batch_starts = starts(claims);
    let done = parallel(parts, parts, |part| -> Result<Part, FrameError> {
        let mut own = Ledger::new();
        let mut out = output::SettlementColumns::new(options.money, claims.num_rows() / parts);
        let mut rows = Vec::new();
        let mut failed = 0;
        for ((batch, cols), start) in claims.batches.iter().zip(&readers).zip(&batch_starts) {
            for row in 0..batch.num_rows() {
                if part_of(cols, row, parts) != part {
                    continue;
                }
                let g = start + row;
                failed += usize::from(!settle_row(policy, cols, row, g, &mut own, &mut out));
                rows.push(g);
            }
        }
        Ok(Part {
            ledger: own,
            rows,
            batch: out.finish()?,
            failed,
        })
    });
    let mut ledgers = Vec::with_capacity(done.len());
    let mut batches = Vec::with_capacity(done.len());
    // (part, row in the part's batch) of each global row.
    let mut at = vec![(0usize, 0usize); claims.num_rows()];
    let mut failed = 0;
    for (p, part) in done.into_iter().enumerate() {
        let part = part?;
        for (k, &g) in part.rows.iter().enumerate() {
            if let Some(slot) = at.get_mut(g) {
                *slot = (p, k);
            }
        }
        ledgers.push(part.ledger);
        batches.push(part.batch);
        failed += part.failed;
    }
    // The ledgers are merged on one thread while the rows are put back in
    // order on this one.
    let (merged, settled) = std::thread::scope(|s| {
        let merging = s.spawn(|| {
            let mut parts = ledgers.into_iter();
            let mut merged = parts.next().unwrap_or_default();
            for part in parts {
                merged.absorb(part).ok()?;
            }
            Some(merged)
        });
        let settled = in_row_order(claims, &batch_starts, &batches, &at, options.money, failed);
        (merging.join().ok().flatten(), settled)
    });
    let settled = settled?;
    match merged {
        Some(m) => {
            *ledger = m;
            Ok(Some(settled))
        }
        None => Ok(None),
    }
}

/// The rows of a split run's parts (`batches`) back in input order, one
/// batch per input batch: `at` gives each row's part and row in that part.
fn in_row_order(
    claims: &Frame,
    batch_starts: &[usize],
    batches: &[RecordBatch],
    at: &[(usize, usize)],
    money: MoneyType,
    failed: usize,
) -> Result<Settled, FrameError> {
    let schema = output::settlement_schema(money);
    let mut settled = Settled {
        batches: Vec::with_capacity(claims.batches.len()),
        failed,
    };
    for (batch, start) in claims.batches.iter().zip(batch_starts) {
        let order = at.get(*start..start + batch.num_rows()).unwrap_or(&[]);
        let columns = (0..schema.fields().len())
            .map(|c| {
                let parts: Vec<&dyn arrow_array::Array> = batches
                    .iter()
                    .filter_map(|b| b.columns().get(c))
                    .map(AsRef::as_ref)
                    .collect();
                arrow_select::interleave::interleave(&parts, order)
            })
            .collect::<Result<Vec<_>, _>>()?;
        settled
            .batches
            .push(RecordBatch::try_new(schema.clone(), columns)?);
    }
    Ok(settled)
}

/// Settles row `row` (global row `g`) on `ledger` and appends its result;
/// `false` when the row failed.
fn settle_row(
    policy: &Policy,
    cols: &[(ClaimColumn, Reader<'_>)],
    row: usize,
    g: usize,
    ledger: &mut Ledger,
    out: &mut output::SettlementColumns,
) -> bool {
    let result = read_claim(cols, row, g).and_then(|c| {
        ledger
            .settle(policy, &c, false)
            .map_err(|e| e.with_record_id(Some(c.id.clone())))
    });
    match result {
        Ok(s) => {
            out.push(&s);
            true
        }
        Err(e) => {
            let id_of = |c: ClaimColumn| {
                cols.iter()
                    .find(|(k, _)| *k == c)
                    .and_then(|(_, r)| key(Some(r), row))
            };
            let claim_id = id_of(ClaimColumn::Id);
            let person_id = id_of(ClaimColumn::PersonId);
            out.push_error(claim_id.as_deref(), person_id.as_deref(), &e);
            false
        }
    }
}

/// [`settle`] in one run, in row order.
fn settle_in_order(
    policy: &Policy,
    claims: &Frame,
    layout: &[(usize, ClaimColumn)],
    ledger: &mut Ledger,
    money: MoneyType,
) -> Result<Settled, FrameError> {
    let mut settled = Settled {
        batches: Vec::with_capacity(claims.batches.len()),
        failed: 0,
    };
    let mut g = 0;
    for batch in &claims.batches {
        let cols = readers(batch, layout);
        let mut out = output::SettlementColumns::new(money, batch.num_rows());
        for row in 0..batch.num_rows() {
            settled.failed += usize::from(!settle_row(policy, &cols, row, g, ledger, &mut out));
            g += 1;
        }
        settled.batches.push(out.finish()?);
    }
    Ok(settled)
}
