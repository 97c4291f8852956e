//! Members to their households: runs of member rows with one
//! `household_id`, matched to the household rows without hashing when the
//! member frame is grouped in household order, through a hash map otherwise.

use std::borrow::Cow;
use std::collections::HashMap;

use super::Frame;
use super::cells::{Reader, Value};
use crate::record::read::CellRead;

/// The key a row joins on: text, or an integer written in decimal.
pub(super) fn key<'a>(reader: Option<&'a Reader<'a>>, row: usize) -> Option<Cow<'a, str>> {
    match reader?.get(row)? {
        Value::Str(s) => Some(Cow::Borrowed(s)),
        v @ (Value::Int(_) | Value::Float(_)) => v.text().ok().map(Cow::Owned),
        _ => None,
    }
}

/// Consecutive member rows with the same `household_id`.
pub(super) struct Run<'a> {
    pub(super) key: Cow<'a, str>,
    pub(super) first: usize,
    pub(super) len: usize,
}

/// Which member runs each household row takes.
pub(super) struct Join {
    /// `runs[offsets[h]..offsets[h + 1]]` are household `h`'s runs.
    pub(super) offsets: Vec<usize>,
    pub(super) runs: Vec<usize>,
    pub(super) orphans: Vec<usize>,
}

pub(super) fn join(
    households: &[Option<Cow<'_, str>>],
    runs: &[Run<'_>],
    keyless: Vec<usize>,
) -> Join {
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

/// Global row `g` of a frame as (batch, row), given each batch's first row.
pub(super) fn locate(starts: &[usize], g: usize) -> (usize, usize) {
    let b = starts.partition_point(|&s| s <= g).saturating_sub(1);
    (b, g - starts.get(b).copied().unwrap_or(0))
}

pub(super) fn starts(frame: &Frame) -> Vec<usize> {
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
