//! Data-quality findings (疑点数据, domain.md §7) of one household.
//!
//! Findings never stop evaluation. This file holds the household's own
//! findings (what `fupin evaluate` lists); the cross-household audit-only
//! codes are in [`crate::audit`].

use chrono::NaiveDate;

use super::Ctx;
use super::income::Income;
use super::view::{HouseholdView, MemberView, StepDates};
use crate::decision::FindingCode;
use crate::enums::{Attribute, Cause, ExitStepKind, Health, Relation, Status};
use crate::idnumber::{check_id_number, sound_for};

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "poverty_line.exit",
    "dibao.standard_annual",
    "exit.publicity_days",
];

/// One finding of a household: its code, the member concerned (its place
/// among the household's member records, counted or not) and the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingAt {
    /// The code.
    pub code: FindingCode,
    /// The member concerned, by place in the member records; `None` for
    /// the household.
    pub member: Option<usize>,
    /// The field concerned.
    pub field: &'static str,
}

fn push(out: &mut Vec<FindingAt>, code: FindingCode, member: Option<usize>, field: &'static str) {
    out.push(FindingAt {
        code,
        member,
        field,
    });
}

/// The identity-number findings of every member record (counted or not):
/// checksums, then birth dates, then sexes, each in member order.
pub fn id_number_findings<H: HouseholdView>(h: &H, out: &mut Vec<FindingAt>) {
    let sound = |m: &H::Member<'_>| {
        m.id_number()
            .is_none_or(|n| sound_for(n, m.birth_date(), m.sex()))
    };
    // The usual household: every number sound, nothing to list.
    if h.members().all(|m| sound(&m)) {
        return;
    }
    let checks = || {
        h.members()
            .enumerate()
            .filter_map(|(i, m)| Some((i, check_id_number(m.id_number()?), m)))
    };
    for (i, c, _) in checks() {
        if !(c.well_formed && c.checksum_ok) {
            push(out, FindingCode::IdNumberChecksum, Some(i), "id_number");
        }
    }
    for (i, c, m) in checks() {
        if c.well_formed && c.birth_date != Some(m.birth_date()) {
            push(
                out,
                FindingCode::IdNumberBirthMismatch,
                Some(i),
                "id_number",
            );
        }
    }
    for (i, c, m) in checks() {
        if c.well_formed && c.sex != Some(m.sex()) {
            push(out, FindingCode::IdNumberSexMismatch, Some(i), "id_number");
        }
    }
}

/// `true` if the steps present are not a prefix of the procedure's order,
/// or a step is dated before the step before it.
pub fn exit_steps_out_of_order(dates: &StepDates) -> bool {
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

/// `announced` fewer than `exit.publicity_days` days after `publicized`.
pub fn publicity_too_short(dates: &StepDates, days: i64) -> bool {
    let on = |k: ExitStepKind| dates.get(k as usize).copied().flatten();
    match (on(ExitStepKind::Publicized), on(ExitStepKind::Announced)) {
        (Some(p), Some(a)) => (a - p).num_days() < days,
        _ => false,
    }
}

/// The household's own findings (all codes except the audit-only ones), in
/// the order of domain.md §7's table, then member input order, appended
/// to `out`.
pub fn household_findings<H: HouseholdView>(
    ctx: &Ctx<'_, H>,
    inc: &Income,
    out: &mut Vec<FindingAt>,
) {
    let h = ctx.h;
    let p = ctx.p;
    id_number_findings(h, out);
    let counted = || h.members().enumerate().filter(|(_, m)| m.counted());
    let mut heads = counted().filter(|(_, m)| m.relation() == Relation::Head);
    if heads.next().is_none() {
        push(out, FindingCode::NoHead, None, "relation");
    }
    for (i, _) in heads {
        push(out, FindingCode::SeveralHeads, Some(i), "relation");
    }
    if h.main_cause() == Some(Cause::Illness)
        && counted().all(|(_, m)| m.health() == Health::Healthy)
    {
        push(out, FindingCode::IllnessCauseAllHealthy, None, "causes");
    }
    let any_dibao = counted().any(|(_, m)| m.dibao());
    if h.attribute() == Attribute::Tekun && any_dibao {
        push(out, FindingCode::DibaoAndTekun, None, "attribute");
    }
    if h.status() == Status::Exited && inc.pci <= p.poverty_line_exit {
        push(out, FindingCode::ExitedBelowLine, None, "status");
    }
    if any_dibao && inc.pci_excl_dibao >= p.dibao_standard_annual {
        push(out, FindingCode::DibaoIncomeAboveStandard, None, "income");
    }
    for (i, m) in h.members().enumerate() {
        if m.dibao() && m.deceased_on().is_some_and(|d| d <= ctx.as_of) {
            push(
                out,
                FindingCode::DeceasedMemberCountedBenefits,
                Some(i),
                "dibao",
            );
        }
    }
    let after = |d: Option<NaiveDate>| d.is_some_and(|d| d > ctx.as_of);
    if after(h.identified_on()) {
        push(
            out,
            FindingCode::StatusDateInconsistent,
            None,
            "identified_on",
        );
    }
    if (h.status() == Status::Exited && h.exited_on().is_none()) || after(h.exited_on()) {
        push(out, FindingCode::StatusDateInconsistent, None, "exited_on");
    }
    if (h.status() == Status::Returned && h.returned_on().is_none()) || after(h.returned_on()) {
        push(
            out,
            FindingCode::StatusDateInconsistent,
            None,
            "returned_on",
        );
    }
    let dates = h.exit_step_dates();
    if exit_steps_out_of_order(&dates) {
        push(out, FindingCode::ExitStepsOutOfOrder, None, "exit_steps");
    }
    if publicity_too_short(&dates, p.resolved.exit_publicity_days.value) {
        push(out, FindingCode::PublicityTooShort, None, "exit_steps");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::enums::WireEnum;
    use crate::record::{ExitStep, Household};
    use crate::rules::view::{OwnedView, STEPS};
    use proptest::prelude::*;

    /// Step dates are indexed by discriminant: it must be the place in
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
            let got = OwnedView::new(&hh, base).exit_step_dates();
            prop_assert_eq!(got.to_vec(), want);
        }
    }
}
