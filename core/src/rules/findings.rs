//! Data-quality findings (疑点数据, domain.md §7) of one household.
//!
//! Findings never stop evaluation. This file holds the household's own
//! findings (what `fupin evaluate` lists); the cross-household audit-only
//! codes are in [`crate::audit`].

use crate::money::decimal_cmp;
use chrono::NaiveDate;
use compact_str::CompactString;
use serde_json::json;

use super::Ctx;
use super::income::Income;
use crate::decision::{Finding, FindingCode};
use crate::enums::{Attribute, Cause, ExitStepKind, Health, Relation, Status, WireEnum};
use crate::idnumber::{check_id_number, sound_for};
use crate::record::Household;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "dibao.standard_annual",
    "exit.publicity_days",
];

fn finding(code: FindingCode, person_id: Option<&str>, field: &str) -> Finding {
    Finding {
        code,
        person_id: person_id.map(CompactString::from),
        field: field.to_owned(),
    }
}

/// The identity-number findings of every member record (counted or not), in
/// table order then member order.
pub fn id_number_findings(hh: &Household, out: &mut Vec<Finding>) {
    let sound = |m: &crate::record::Member| {
        m.id_number
            .as_ref()
            .is_none_or(|n| sound_for(n.expose(), m.birth_date, m.sex))
    };
    // The usual household: every number sound, nothing to list.
    if hh.members.iter().all(sound) {
        return;
    }
    let checks: Vec<_> = hh
        .members
        .iter()
        .filter_map(|m| Some((m, check_id_number(m.id_number.as_ref()?.expose()))))
        .collect();
    for (m, c) in &checks {
        if !(c.well_formed && c.checksum_ok) {
            out.push(finding(
                FindingCode::IdNumberChecksum,
                Some(&m.id),
                "id_number",
            ));
        }
    }
    for (m, c) in &checks {
        if c.well_formed && c.birth_date != Some(m.birth_date) {
            out.push(finding(
                FindingCode::IdNumberBirthMismatch,
                Some(&m.id),
                "id_number",
            ));
        }
    }
    for (m, c) in &checks {
        if c.well_formed && c.sex != Some(m.sex) {
            out.push(finding(
                FindingCode::IdNumberSexMismatch,
                Some(&m.id),
                "id_number",
            ));
        }
    }
}

/// `true` if the steps present are not a prefix of the procedure's order, or
/// a step is dated before the step before it.
pub fn exit_steps_out_of_order(hh: &Household) -> bool {
    out_of_order(&step_date_array(hh))
}

/// [`exit_steps_out_of_order`] of the step dates in procedure order.
fn out_of_order(dates: &[Option<NaiveDate>]) -> bool {
    let mut seen_gap = false;
    let mut last: Option<NaiveDate> = None;
    for d in dates {
        match *d {
            None => seen_gap = true,
            Some(d) => {
                if seen_gap || last.is_some_and(|l| d < l) {
                    return true;
                }
                last = Some(d);
            }
        }
    }
    false
}

/// The date of each step, in procedure order.
pub fn step_dates(hh: &Household) -> Vec<Option<NaiveDate>> {
    step_date_array(hh).to_vec()
}

/// How many steps the exit procedure has.
const STEPS: usize = ExitStepKind::ALL.len();

/// The date of each step in procedure order (of a step given twice, the
/// first), in one pass over the household's steps.
fn step_date_array(hh: &Household) -> [Option<NaiveDate>; STEPS] {
    let mut on = [None; STEPS];
    for s in &hh.exit_steps {
        // A step's discriminant is its place in the procedure (`ALL`).
        if let Some(slot) = on.get_mut(s.step as usize)
            && slot.is_none()
        {
            *slot = Some(s.on);
        }
    }
    on
}

/// `announced` fewer than `exit.publicity_days` days after `publicized`.
pub fn publicity_too_short(hh: &Household, days: i64) -> bool {
    publicity_short(&step_date_array(hh), days)
}

/// [`publicity_too_short`] of the step dates in procedure order.
fn publicity_short(dates: &[Option<NaiveDate>; STEPS], days: i64) -> bool {
    let on = |k: ExitStepKind| dates.get(k as usize).copied().flatten();
    match (on(ExitStepKind::Publicized), on(ExitStepKind::Announced)) {
        (Some(p), Some(a)) => (a - p).num_days() < days,
        _ => false,
    }
}

/// The household's own findings (all codes except the audit-only ones), in
/// the order of domain.md §7's table, then member input order.
pub fn household_findings(ctx: &Ctx<'_>, inc: &Income) -> Vec<Finding> {
    let hh = ctx.hh;
    let p = ctx.p;
    let mut out = Vec::new();
    id_number_findings(hh, &mut out);
    let mut heads = ctx.counted.iter().filter(|m| m.relation == Relation::Head);
    if heads.next().is_none() {
        out.push(finding(FindingCode::NoHead, None, "relation"));
    }
    for h in heads {
        out.push(finding(FindingCode::SeveralHeads, Some(&h.id), "relation"));
    }
    if hh.causes.first() == Some(&Cause::Illness)
        && ctx.counted.iter().all(|m| m.health == Health::Healthy)
    {
        out.push(finding(FindingCode::IllnessCauseAllHealthy, None, "causes"));
    }
    let any_dibao = ctx.counted.iter().any(|m| m.dibao);
    if hh.attribute == Attribute::Tekun && any_dibao {
        out.push(finding(FindingCode::DibaoAndTekun, None, "attribute"));
    }
    if hh.status == Status::Exited && decimal_cmp(inc.pci, p.poverty_line_exit.value).is_le() {
        out.push(finding(FindingCode::ExitedBelowLine, None, "status"));
    }
    if any_dibao && decimal_cmp(inc.pci_excl_dibao, p.dibao_standard_annual.value).is_ge() {
        out.push(finding(
            FindingCode::DibaoIncomeAboveStandard,
            None,
            "income",
        ));
    }
    for m in &hh.members {
        if m.dibao && m.deceased_on.is_some_and(|d| d <= ctx.as_of) {
            out.push(finding(
                FindingCode::DeceasedMemberCountedBenefits,
                Some(&m.id),
                "dibao",
            ));
        }
    }
    let after = |d: Option<NaiveDate>| d.is_some_and(|d| d > ctx.as_of);
    if after(hh.identified_on) {
        out.push(finding(
            FindingCode::StatusDateInconsistent,
            None,
            "identified_on",
        ));
    }
    if (hh.status == Status::Exited && hh.exited_on.is_none()) || after(hh.exited_on) {
        out.push(finding(
            FindingCode::StatusDateInconsistent,
            None,
            "exited_on",
        ));
    }
    if (hh.status == Status::Returned && hh.returned_on.is_none()) || after(hh.returned_on) {
        out.push(finding(
            FindingCode::StatusDateInconsistent,
            None,
            "returned_on",
        ));
    }
    let dates = step_date_array(hh);
    if out_of_order(&dates) {
        out.push(finding(
            FindingCode::ExitStepsOutOfOrder,
            None,
            "exit_steps",
        ));
    }
    if publicity_short(&dates, p.exit_publicity_days.value) {
        out.push(finding(FindingCode::PublicityTooShort, None, "exit_steps"));
    }
    out
}

#[allow(dead_code)]
pub(crate) fn trace_inputs(ctx: &Ctx<'_>) -> serde_json::Value {
    json!({
        "status": ctx.hh.status.as_str(),
        "attribute": ctx.hh.attribute.as_str(),
        "members": ctx.hh.members.len(),
        "counted": ctx.counted.len(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::record::ExitStep;
    use proptest::prelude::*;

    /// `step_date_array` indexes by discriminant: it must be the place in
    /// `ALL` (the procedure's order).
    #[test]
    fn a_step_discriminant_is_its_place_in_the_procedure() {
        for (i, k) in ExitStepKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i, "{k:?}");
        }
    }

    proptest! {
        /// One pass gives each step's first date, as a search of the steps
        /// for each kind does (steps in any order, repeated or missing).
        #[test]
        fn step_dates_in_one_pass_are_each_steps_first_date(
            steps in proptest::collection::vec((0..STEPS, 0i64..3_000), 0..10),
        ) {
            let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
            let mut hh = Household::with_defaults();
            hh.exit_steps = steps
                .iter()
                .map(|&(k, d)| ExitStep { step: ExitStepKind::ALL[k], on: base + chrono::Days::new(d.unsigned_abs()) })
                .collect();
            let want: Vec<Option<NaiveDate>> = ExitStepKind::ALL
                .iter()
                .map(|k| hh.exit_steps.iter().find(|s| s.step == *k).map(|s| s.on))
                .collect();
            prop_assert_eq!(step_dates(&hh), want);
        }
    }
}
