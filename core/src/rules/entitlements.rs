//! Entitlements (domain.md §6): 扶贫保 premiums, 高龄津贴, veterans'
//! allowance and education aid, annual amounts in force on `as_of`.
//!
//! Sources: 《宁夏精准扶贫"扶贫保"工作实施方案(试行)》(2016-04-25); 民发〔2011〕110号
//! (rural veterans aged 60+); 宁夏学前"一免一补" (2017); 义务教育寄宿生生活补助;
//! 普高国家助学金; 雨露计划.

use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use crate::decision::Entitlements;
use crate::enums::Schooling;
use crate::error::ArithmeticError;
use crate::money::{CheckedDecimal, Money};
use crate::record::Member;

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

/// Education aid for one member by schooling (no age limits).
pub fn education_aid(ctx: &Ctx<'_>, m: &Member) -> Result<Decimal, ArithmeticError> {
    let p = ctx.p;
    Ok(match m.schooling {
        Schooling::Preschool => p
            .education_preschool_fee_waiver
            .value
            .add_or_err(p.education_preschool_meal.value, "education aid")?,
        Schooling::Primary if m.boarding => p.education_boarding_primary.value,
        Schooling::Junior if m.boarding => p.education_boarding_junior.value,
        Schooling::Senior => p.education_senior_grant.value,
        Schooling::Vocational => p
            .education_vocational_grant
            .value
            .add_or_err(p.education_yulu.value, "education aid")?,
        _ => Decimal::ZERO,
    })
}

/// Monthly elderly allowance of one member by age band.
pub fn elderly_monthly(ctx: &Ctx<'_>, m: &Member) -> Decimal {
    let p = ctx.p;
    let age = ctx.age(m);
    if age >= p.elderly_band_80_min_age.value {
        p.elderly_monthly_80_plus.value
    } else if age >= p.elderly_band_75_min_age.value {
        p.elderly_monthly_75_79.value
    } else {
        Decimal::ZERO
    }
}

/// Computes the entitlements.
pub fn compute(ctx: &Ctx<'_>) -> Result<Entitlements, ArithmeticError> {
    let p = ctx.p;
    let op = "entitlements";
    let twelve = Decimal::from(12);
    let registered = ctx.hh.status.is_registered();
    let premiums = if registered {
        ctx.n().mul_or_err(
            p.insurance_accident_premium
                .value
                .add_or_err(p.insurance_supplementary_premium.value, op)?,
            op,
        )?
    } else {
        Decimal::ZERO
    };
    let mut elderly = Decimal::ZERO;
    let mut veterans = Decimal::ZERO;
    let mut education = Decimal::ZERO;
    // Zero terms are skipped: they change no sum (every sum is rounded to
    // the fen at the end), and most members have none of these.
    for m in &ctx.counted {
        let monthly = elderly_monthly(ctx, m);
        if !monthly.is_zero() {
            elderly = elderly.add_or_err(monthly.mul_or_err(twelve, op)?, op)?;
        }
        if m.veteran && ctx.age(m) >= p.veterans_min_age.value {
            veterans = veterans.add_or_err(p.veterans_monthly.value.mul_or_err(twelve, op)?, op)?;
        }
        if registered {
            let aid = education_aid(ctx, m)?;
            if !aid.is_zero() {
                education = education.add_or_err(aid, op)?;
            }
        }
    }
    let total = premiums
        .add_or_err(elderly, op)?
        .add_or_err(veterans, op)?
        .add_or_err(education, op)?;
    Ok(Entitlements {
        insurance_premiums: Money::from_decimal_rounded(premiums),
        elderly_allowance: Money::from_decimal_rounded(elderly),
        veterans_allowance: Money::from_decimal_rounded(veterans),
        education_aid: Money::from_decimal_rounded(education),
        total: Money::from_decimal_rounded(total),
    })
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>) -> serde_json::Value {
    let members: Vec<_> = ctx
        .counted
        .iter()
        .map(|m| {
            json!({"id": m.id, "age": ctx.age(m), "schooling": m.schooling,
                   "boarding": m.boarding, "veteran": m.veteran})
        })
        .collect();
    json!({"status": ctx.hh.status, "size": ctx.counted.len(), "members": members})
}
