//! Entitlements (domain.md §6): 扶贫保 premiums, 高龄津贴, veterans'
//! allowance and education aid, annual amounts in force on `as_of`.
//!
//! Sources: 《宁夏精准扶贫"扶贫保"工作实施方案(试行)》(2016-04-25); 民发〔2011〕110号
//! (rural veterans aged 60+); 宁夏学前"一免一补" (2017); 义务教育寄宿生生活补助;
//! 普高国家助学金; 雨露计划.

use serde_json::json;

use super::Ctx;
use super::view::{HouseholdView, MemberView, OwnedView};
use crate::enums::Schooling;
use crate::error::ArithmeticError;
use crate::exact::Exact;

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &[
    "insurance.accident_premium",
    "insurance.supplementary_premium",
    "elderly.monthly_75_79",
    "elderly.monthly_80_plus",
    "elderly.band_75_min_age",
    "elderly.band_80_min_age",
    "veterans.monthly",
    "veterans.min_age",
    "education.preschool_fee_waiver",
    "education.preschool_meal",
    "education.boarding_primary",
    "education.boarding_junior",
    "education.senior_grant",
    "education.vocational_grant",
    "education.yulu",
];

/// The annual entitlements, exact (rounded to the fen when published).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amounts {
    /// 扶贫保 premiums paid for the household.
    pub insurance_premiums: Exact,
    /// 高龄津贴.
    pub elderly_allowance: Exact,
    /// Veterans' allowance.
    pub veterans_allowance: Exact,
    /// Education aid.
    pub education_aid: Exact,
    /// The sum of the four.
    pub total: Exact,
}

/// Education aid for one member by schooling (no age limits).
pub fn education_aid<H, M: MemberView>(ctx: &Ctx<'_, H>, m: &M) -> Result<Exact, ArithmeticError> {
    let p = ctx.p;
    let op = "education aid";
    Ok(match m.schooling() {
        Schooling::Preschool => p
            .education_preschool_fee_waiver
            .add(p.education_preschool_meal, op)?,
        Schooling::Primary if m.boarding() => p.education_boarding_primary,
        Schooling::Junior if m.boarding() => p.education_boarding_junior,
        Schooling::Senior => p.education_senior_grant,
        Schooling::Vocational => p.education_vocational_grant.add(p.education_yulu, op)?,
        _ => Exact::ZERO,
    })
}

/// Monthly elderly allowance of one member by age band.
pub fn elderly_monthly<H, M: MemberView>(ctx: &Ctx<'_, H>, m: &M) -> Exact {
    let r = &ctx.p.resolved;
    let age = m.age();
    if age >= r.elderly_band_80_min_age.value {
        ctx.p.elderly_monthly_80_plus
    } else if age >= r.elderly_band_75_min_age.value {
        ctx.p.elderly_monthly_75_79
    } else {
        Exact::ZERO
    }
}

/// The entitlements of the counted members; premiums and education aid
/// only for a registered household.
pub fn compute<H: HouseholdView>(ctx: &Ctx<'_, H>) -> Result<Amounts, ArithmeticError> {
    let p = ctx.p;
    let op = "entitlements";
    let twelve = Exact::int(12);
    let registered = ctx.h.status().is_registered();
    // N × (accident + supplementary)
    let premiums = if registered {
        p.insurance_accident_premium
            .add(p.insurance_supplementary_premium, op)?
            .mul(Exact::count(ctx.n), op)?
    } else {
        Exact::ZERO
    };
    let (mut elderly, mut veterans, mut education) = (Exact::ZERO, Exact::ZERO, Exact::ZERO);
    for m in ctx.counted() {
        let monthly = elderly_monthly(ctx, &m);
        if !monthly.is_zero() {
            elderly = elderly.add(monthly.mul(twelve, op)?, op)?;
        }
        if m.veteran() && m.age() >= p.resolved.veterans_min_age.value {
            veterans = veterans.add(p.veterans_monthly.mul(twelve, op)?, op)?;
        }
        if registered {
            education = education.add(education_aid(ctx, &m)?, op)?;
        }
    }
    let total = premiums
        .add(elderly, op)?
        .add(veterans, op)?
        .add(education, op)?;
    Ok(Amounts {
        insurance_premiums: premiums,
        elderly_allowance: elderly,
        veterans_allowance: veterans,
        education_aid: education,
        total,
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_, OwnedView<'_>>) -> serde_json::Value {
    let members: Vec<_> = ctx
        .counted()
        .map(|m| {
            json!({"id": m.m.id, "age": m.age(), "schooling": m.m.schooling,
                   "boarding": m.m.boarding, "veteran": m.m.veteran})
        })
        .collect();
    json!({"status": ctx.h.hh.status, "size": ctx.n, "members": members})
}
