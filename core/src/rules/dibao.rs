//! Rural minimum living guarantee (农村低保, domain.md §4).
//!
//! Source: 国务院《关于在全国建立农村最低生活保障制度的通知》(国发〔2007〕19号);
//! 两线合一 (民政部 国务院扶贫办, 2016): the standard is not below the exit
//! line, checked when a policy loads. Benefit = 补差: (S − income) × covered / 12.

use crate::money::decimal_cmp;
use rust_decimal::Decimal;
use serde_json::json;

use super::Ctx;
use super::income::{Income, per_capita_fen};
use crate::decision::{DibaoCode, DibaoDecision};
use crate::error::ArithmeticError;
use crate::money::{CheckedDecimal, Money, decimal_fen, round_fen};

/// Parameters this rule reads.
pub const PARAMETERS: &[&str] = &["dibao.standard_annual", "dibao.deposit_months"];

/// `C`: counted members flagged `dibao`, or `N` if none is flagged.
pub fn covered(ctx: &Ctx<'_>) -> usize {
    match ctx.counted.iter().filter(|m| m.dibao).count() {
        0 => ctx.counted.len(),
        c => c,
    }
}

/// `true` if an asset test fails: car, commercial housing, business, public
/// employee, or `deposits × 12 > deposit_months × S × N`.
pub fn assets_fail(ctx: &Ctx<'_>) -> Result<bool, ArithmeticError> {
    let a = &ctx.hh.assets;
    if a.car || a.commercial_housing || a.business || a.public_employee {
        return Ok(true);
    }
    let (months, s, n) = (
        ctx.p.dibao_deposit_months.value,
        ctx.p.dibao_standard_annual.value,
        ctx.counted.len(),
    );
    deposits_fail_fen(a.deposits, months, s, n)
        .map_or_else(|| deposits_fail(a.deposits, months, s, n), Ok)
}

/// `deposits × 12 > months × S × N` in whole fen, exact in `i128`, when the
/// amounts have whole fen (always for input money and the built-in
/// standard) and nothing overflows: the same answer as [`deposits_fail`].
fn deposits_fail_fen(deposits: Money, months: i64, s: Decimal, n: usize) -> Option<bool> {
    let rhs = i128::from(months)
        .checked_mul(i128::from(decimal_fen(s)?))?
        .checked_mul(i128::try_from(n).ok()?)?;
    Some(i128::from(deposits.fen()?) * 12 > rhs)
}

/// `deposits × 12 > months × S × N` by the decimal chain.
fn deposits_fail(
    deposits: Money,
    months: i64,
    s: Decimal,
    n: usize,
) -> Result<bool, ArithmeticError> {
    let op = "dibao deposit test";
    let lhs = deposits.as_decimal().mul_or_err(Decimal::from(12), op)?;
    let rhs = Decimal::from(months)
        .mul_or_err(s, op)?
        .mul_or_err(Decimal::from(n), op)?;
    Ok(lhs > rhs)
}

/// Decides dibao eligibility and the monthly benefit.
pub fn decide(ctx: &Ctx<'_>, inc: &Income) -> Result<DibaoDecision, ArithmeticError> {
    let s = ctx.p.dibao_standard_annual.value;
    let mut failed = Vec::new();
    if decimal_cmp(inc.pci_excl_dibao, s).is_ge() {
        failed.push(DibaoCode::IncomeAboveStandard);
    }
    if assets_fail(ctx)? {
        failed.push(DibaoCode::Assets);
    }
    let eligible = failed.is_empty();
    let monthly_benefit = if eligible {
        let (pci, c) = (inc.pci_excl_dibao, covered(ctx));
        benefit_fen(s, pci, c).map_or_else(|| benefit(s, pci, c), |f| Ok(Money::from_fen(f)))?
    } else {
        Money::ZERO
    };
    Ok(DibaoDecision {
        eligible,
        monthly_benefit,
        failed,
    })
}

/// The monthly benefit in whole fen, `round_fen((S − pci) × covered / 12)`,
/// when `S` and the per-capita income have whole fen (always for the
/// built-in standard and computed incomes): the same as [`benefit`].
fn benefit_fen(s: Decimal, pci_excl_dibao: Decimal, covered: usize) -> Option<i64> {
    let gap = decimal_fen(s)?.checked_sub(decimal_fen(pci_excl_dibao)?)?;
    let total = gap.checked_mul(i64::try_from(covered).ok()?)?;
    per_capita_fen(total, 12)
}

/// The monthly benefit by the decimal chain: multiply before dividing; the
/// division by 12 is last (domain.md §0).
fn benefit(s: Decimal, pci_excl_dibao: Decimal, covered: usize) -> Result<Money, ArithmeticError> {
    let op = "dibao benefit";
    let gap = s.sub_or_err(pci_excl_dibao, op)?;
    let total = gap.mul_or_err(Decimal::from(covered), op)?;
    Ok(Money::from_decimal_rounded(round_fen(
        total.div_or_err(Decimal::from(12), op)?,
    )))
}

pub(crate) fn trace_inputs(ctx: &Ctx<'_>, inc: &Income) -> serde_json::Value {
    let a = &ctx.hh.assets;
    json!({
        "per_capita_income_excl_dibao": Money::from_decimal_rounded(inc.pci_excl_dibao),
        "size": ctx.counted.len(),
        "covered": covered(ctx),
        "car": a.car, "commercial_housing": a.commercial_housing, "business": a.business,
        "public_employee": a.public_employee, "deposits": a.deposits,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The whole-fen benefit is the decimal chain's, for standards and
        /// incomes of 0 to 2 decimals (negative incomes too) and 1 to 40
        /// covered members; a standard of more decimals takes the chain.
        #[test]
        fn benefit_in_fen_is_the_decimal_chains(
            s in 0i64..100_000_000,
            s_scale in 0u32..=3,
            pci in -10_000_000_000i64..100_000_000,
            covered in 1usize..=40,
        ) {
            let (s, pci) = (Decimal::new(s, s_scale), Decimal::new(pci, 2));
            let want = benefit(s, pci, covered).unwrap();
            match benefit_fen(s, pci, covered) {
                Some(f) => prop_assert_eq!(Money::from_fen(f), want),
                None => prop_assert!(s_scale > 2),
            }
        }
    }

    proptest! {
        /// The whole-fen deposit test answers as the decimal chain, around
        /// the boundary too (deposits × 12 near months × S × N).
        #[test]
        fn deposit_test_in_fen_is_the_decimal_chains(
            months in 0i64..=60,
            s in 0i64..100_000_000,
            s_scale in 0u32..=3,
            n in 1usize..=40,
            delta in -3i64..=3,
            far in 0i64..1_000_000_000_000,
            near in any::<bool>(),
        ) {
            let s = Decimal::new(s, s_scale);
            // Near the boundary: deposits × 12 ≈ months × S × N (in fen).
            let boundary = decimal_fen(s).map_or(0, |f| f * months * i64::try_from(n).unwrap() / 12);
            let d = Money::from_fen(if near { (boundary + delta).max(0) } else { far });
            let want = deposits_fail(d, months, s, n).unwrap();
            match deposits_fail_fen(d, months, s, n) {
                Some(got) => prop_assert_eq!(got, want),
                None => prop_assert!(s_scale > 2),
            }
        }
    }

    /// (4 560 − 4 500) × 4 / 12 = 20; (4 560 − 4 559.99) × 1 / 12 = 0.000833
    /// → 0.00; (4 560 − 4 559.94) × 1 / 12 = 0.005 → 0.01 (half away from zero).
    #[test]
    fn benefit_worked_by_hand() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        assert_eq!(benefit_fen(d("4560"), d("4500.00"), 4), Some(2000));
        assert_eq!(benefit_fen(d("4560"), d("4559.99"), 1), Some(0));
        assert_eq!(benefit_fen(d("4560"), d("4559.94"), 1), Some(1));
    }
}
