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
use crate::money::{CheckedDecimal, Money, decimal_fen};
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
///
/// In whole fen when every amount read has at most two decimals (the
/// policy's amounts do): every sum is then exact, so rounding it to the fen
/// changes nothing and the integers give the decimal chain's result.
/// Otherwise, or past an `i64`, by the decimal chain.
pub fn compute(ctx: &Ctx<'_>) -> Result<Entitlements, ArithmeticError> {
    match compute_fen(ctx) {
        Some(e) => Ok(e),
        None => compute_decimal(ctx),
    }
}

/// [`compute`] in whole fen; `None` when an amount read has more than two
/// decimals or a sum leaves an `i64`.
fn compute_fen(ctx: &Ctx<'_>) -> Option<Entitlements> {
    let p = ctx.p;
    let registered = ctx.hh.status.is_registered();
    let premiums = if registered {
        let each = decimal_fen(p.insurance_accident_premium.value)?
            .checked_add(decimal_fen(p.insurance_supplementary_premium.value)?)?;
        each.checked_mul(i64::try_from(ctx.counted.len()).ok()?)?
    } else {
        0
    };
    let (mut elderly, mut veterans, mut education) = (0i64, 0i64, 0i64);
    for m in &ctx.counted {
        let monthly = elderly_monthly(ctx, m);
        if !monthly.is_zero() {
            elderly = elderly.checked_add(decimal_fen(monthly)?.checked_mul(12)?)?;
        }
        if m.veteran && ctx.age(m) >= p.veterans_min_age.value {
            veterans =
                veterans.checked_add(decimal_fen(p.veterans_monthly.value)?.checked_mul(12)?)?;
        }
        if registered {
            let aid = education_aid(ctx, m).ok()?;
            if !aid.is_zero() {
                education = education.checked_add(decimal_fen(aid)?)?;
            }
        }
    }
    let total = premiums
        .checked_add(elderly)?
        .checked_add(veterans)?
        .checked_add(education)?;
    Some(Entitlements {
        insurance_premiums: Money::from_fen(premiums),
        elderly_allowance: Money::from_fen(elderly),
        veterans_allowance: Money::from_fen(veterans),
        education_aid: Money::from_fen(education),
        total: Money::from_fen(total),
    })
}

/// [`compute`] by the decimal chain: exact sums, each rounded to the fen.
fn compute_decimal(ctx: &Ctx<'_>) -> Result<Entitlements, ArithmeticError> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::Policy;
    use crate::enums::{Sex, Status, WireEnum};
    use crate::record::Household;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    proptest! {
        /// The whole-fen entitlements are the decimal chain's, for amounts
        /// of 0 to 3 decimals (3 takes the chain), members of every age band,
        /// schooling, boarding and veteran status, and every status.
        #[test]
        fn entitlements_in_fen_are_the_decimal_chains(
            amounts in proptest::collection::vec((0i64..10_000_000, 0u32..=3), 12),
            members in proptest::collection::vec((0u32..100, 0..Schooling::ALL.len(), any::<bool>(), any::<bool>()), 1..8),
            status in 0..Status::ALL.len(),
        ) {
            let as_of = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
            let policy = Policy::builtin("ningxia-2020").unwrap();
            let mut p = policy.household_params(as_of).unwrap();
            let d = |k: usize| Decimal::new(amounts[k].0, amounts[k].1);
            p.insurance_accident_premium.value = d(0);
            p.insurance_supplementary_premium.value = d(1);
            p.elderly_monthly_75_79.value = d(2);
            p.elderly_monthly_80_plus.value = d(3);
            p.veterans_monthly.value = d(4);
            p.education_preschool_fee_waiver.value = d(5);
            p.education_preschool_meal.value = d(6);
            p.education_boarding_primary.value = d(7);
            p.education_boarding_junior.value = d(8);
            p.education_senior_grant.value = d(9);
            p.education_vocational_grant.value = d(10);
            p.education_yulu.value = d(11);
            let mut hh = Household::with_defaults();
            hh.status = Status::ALL[status];
            for (i, (age, school, boarding, veteran)) in members.iter().enumerate() {
                let born = NaiveDate::from_ymd_opt(2020 - i32::try_from(*age).unwrap(), 6, 1).unwrap();
                let mut m = Member::new(format!("P{i}"), Sex::Male, born);
                m.schooling = Schooling::ALL[*school];
                m.boarding = *boarding;
                m.veteran = *veteran;
                hh.members.push(m);
            }
            let ctx = Ctx::new(&hh, as_of, &p);
            let want = compute_decimal(&ctx).unwrap();
            match compute_fen(&ctx) {
                Some(got) => prop_assert_eq!(got, want),
                None => prop_assert!(amounts.iter().any(|a| a.1 > 2)),
            }
        }
    }
}
