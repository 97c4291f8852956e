//! Claim frames settled: in row order on one ledger, or split by person on
//! every core when the ledger starts empty, the rows put back in order.

use arrow_array::RecordBatch;
use chrono::NaiveDate;

use super::cells::Reader;
use super::join::{key, starts};
use super::{
    Frame, FrameError, MoneyType, Options, Settled, cell_error, layout, output, parallel, readers,
    threads,
};
use crate::enums::HospitalLevel;
use crate::error::{ErrorCode, RecordError};
use crate::money::Money;
use crate::policy::Policy;
use crate::record::Claim;
use crate::record::read::{CellRead, Problem};
use crate::rules::settlement::Ledger;

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
