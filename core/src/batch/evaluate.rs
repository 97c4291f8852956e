//! Household frames evaluated: the join, the chunks on every core, each
//! block of rows decoded ([`super::rows`]), evaluated and written out.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::cells::Reader;
use super::join::{Run, join, key, starts};
use super::records::{BLOCK, Block};
use super::rows::{self, Rows};
use super::{
    CHUNK, Evaluation, Frame, FrameError, Options, layout, out_of_range, output, parallel, readers,
    threads,
};
use crate::policy::Policy;
use crate::record::table::{HouseholdColumn, MemberColumn};
use crate::rules::{Ctx, Evaluator, outcome};

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
